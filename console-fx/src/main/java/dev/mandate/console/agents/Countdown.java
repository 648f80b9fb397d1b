package dev.mandate.console.agents;

import javafx.geometry.VPos;
import javafx.scene.AccessibleAttribute;
import javafx.scene.AccessibleRole;
import javafx.scene.layout.Region;
import javafx.scene.shape.Rectangle;
import javafx.scene.text.Text;

/**
 * A line that changes every second ("in 4m 52s", or why the token is not live), redrawn without laying out
 * anything around it. A label's new text asks its row, the table and the window to be laid out again; this
 * text is not managed by its parent, so a new one is only drawn again. It is as wide as its cell makes it
 * and cut at its edge; styled by {@code .countdown-text}.
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
        text.setAccessibleRole(AccessibleRole.NODE);   // a screen reader reads the line once, as this region's TEXT
        getChildren().add(text);
        // A narrowed column cuts the text instead of drawing over the next one. Only its width: a cell lower than
        // the line (a tree's) lets it overflow above and below, as a label's text does.
        Rectangle clip = new Rectangle();
        clip.widthProperty().bind(widthProperty());
        clip.yProperty().bind(heightProperty().negate());
        clip.heightProperty().bind(heightProperty().multiply(3));
        setClip(clip);
        setAccessibleRole(AccessibleRole.TEXT);
    }

    /**
     * Shows {@code s} (null: nothing): drawn again if it differs from what is shown, nothing laid out. Its
     * preferred width follows only when it is laid out again: a cell showing another row asks for that.
     */
    public void show(String s) {
        String shown = s == null ? "" : s;
        if (!shown.equals(text.getText())) {
            text.setText(shown);
            notifyAccessibleAttributeChanged(AccessibleAttribute.TEXT);   // nothing to do unless a reader is listening
        }
    }

    /** What it shows. */
    public String shown() {
        return text.getText();
    }

    @Override
    protected void layoutChildren() {
        text.relocate(snappedLeftInset(), textTop());
    }

    /** Where the line's top is: centred in the height it is given (over its edges when that is lower than the line). */
    private double textTop() {
        double inner = getHeight() - snappedTopInset() - snappedBottomInset();
        return snapPositionY(snappedTopInset() + (inner - lineHeight()) / 2);
    }

    private double lineHeight() {
        return text.getLayoutBounds().getHeight();
    }

    @Override
    public double getBaselineOffset() {
        return textTop() + text.getBaselineOffset();
    }

    @Override
    protected double computePrefWidth(double height) {
        return snappedLeftInset() + text.getLayoutBounds().getWidth() + snappedRightInset();
    }

    @Override
    protected double computeMinWidth(double height) {
        return 0;
    }

    @Override
    protected double computePrefHeight(double width) {
        return snappedTopInset() + lineHeight() + snappedBottomInset();
    }

    @Override
    public Object queryAccessibleAttribute(AccessibleAttribute attribute, Object... parameters) {
        return attribute == AccessibleAttribute.TEXT ? text.getText() : super.queryAccessibleAttribute(attribute, parameters);
    }
}
