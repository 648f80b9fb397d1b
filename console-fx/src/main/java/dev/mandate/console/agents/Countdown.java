package dev.mandate.console.agents;

import javafx.geometry.VPos;
import javafx.scene.layout.Region;
import javafx.scene.shape.Rectangle;
import javafx.scene.text.Text;

/**
 * A token's time left as text ("in 4m 52s", or why it is not live), redrawn every second without laying out
 * anything around it. A label's new text asks its row, the table and the window to be laid out again; this
 * text is not managed by its parent, so a new one is only drawn again. Styled by {@code .countdown-text}.
 */
public final class Countdown extends Region {

    /** Style class of every countdown. */
    public static final String STYLE = "countdown";
    private final Text text = new Text();

    public Countdown() {
        getStyleClass().add(STYLE);
        text.getStyleClass().add("countdown-text");
        text.setTextOrigin(VPos.TOP);
        text.setManaged(false);
        getChildren().add(text);
        Rectangle clip = new Rectangle();   // a narrowed column cuts the text instead of drawing over the next one
        clip.widthProperty().bind(widthProperty());
        clip.heightProperty().bind(heightProperty());
        setClip(clip);
    }

    /** Shows {@code s}: drawn again if it differs from what is shown, nothing laid out. */
    public void show(String s) {
        if (!java.util.Objects.equals(s, text.getText())) {
            text.setText(s);
        }
    }

    /** What it shows. */
    public String shown() {
        return text.getText();
    }

    @Override
    protected void layoutChildren() {
        text.relocate(snappedLeftInset(), snappedTopInset());
    }

    @Override
    public double getBaselineOffset() {
        return snappedTopInset() + text.getBaselineOffset();
    }

    @Override
    protected double computePrefWidth(double height) {
        return 0;   // as wide as its column makes it
    }

    @Override
    protected double computePrefHeight(double width) {
        return snappedTopInset() + text.getLayoutBounds().getHeight() + snappedBottomInset();
    }
}
