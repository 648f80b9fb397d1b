package dev.mandate.console.agents;

import javafx.css.PseudoClass;
import javafx.geometry.Insets;
import javafx.scene.layout.Region;

/**
 * A token's TTL bar: the share of its lifetime left as the filled part of a track, coloured by the
 * pseudo-class {@code :ok :amber :red :expired}. Two plain regions instead of a ProgressBar (a skin, its
 * own CSS and an animation each): a page of rows is styled and drawn in a fraction of the time.
 */
public final class TtlBar extends Region {

    /** Style class of every TTL bar. */
    public static final String STYLE = "ttl";
    private final Region fill = new Region();
    private double share;

    public TtlBar() {
        getStyleClass().add(STYLE);
        fill.getStyleClass().add("ttl-fill");
        fill.setManaged(false);   // placed by the bar: a resized fill asks nothing above it to be laid out
        getChildren().add(fill);
    }

    /**
     * Shows {@code newShare} (0 to 1) of the lifetime left, at {@code level} ({@link AgentRow#TTL_LEVELS}). The
     * fill is resized at once, nothing laid out: the bar keeps its size, so its row and table need no new layout
     * (asked every second for every bar on screen, that layout was most of a countdown tick).
     */
    public void show(double newShare, String level) {
        if (newShare != share) {
            share = newShare;
            placeFill();
        }
        for (String l : AgentRow.TTL_LEVELS) {
            pseudoClassStateChanged(PseudoClass.getPseudoClass(l), l.equals(level));
        }
    }

    public double share() {
        return share;
    }

    @Override
    protected void layoutChildren() {
        placeFill();
    }

    private void placeFill() {
        Insets in = getInsets();
        double width = Math.max(0, getWidth() - in.getLeft() - in.getRight());
        fill.resizeRelocate(in.getLeft(), in.getTop(), width * share, Math.max(0, getHeight() - in.getTop() - in.getBottom()));
    }

    @Override
    protected double computePrefWidth(double height) {
        return 80;
    }

    @Override
    protected double computePrefHeight(double width) {
        return 10;
    }

    @Override
    protected double computeMaxHeight(double width) {
        return 10;
    }
}
