package dev.mandate.console.fx;

import javafx.scene.Node;

/** Whether a view is on screen, so that work for a hidden tab can wait until it shows. */
public final class OnScreen {

    private OnScreen() {
    }

    /** In a scene, and neither {@code node} nor any parent (a hidden tab's region) invisible. */
    public static boolean test(Node node) {
        for (Node n = node; n != null; n = n.getParent()) {
            if (!n.isVisible()) {
                return false;
            }
        }
        return node.getScene() != null;
    }
}
