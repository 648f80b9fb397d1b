package dev.mandate.console.fx;

import javafx.scene.control.Labeled;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * Icons beside the words of the actions an operator looks for (revoke, export, rotate, the tabs): glyphs of
 * Ikonli's Feather font, which the AtlantaFX theme colours like text, light or dark.
 */
public final class Icons {

    /** Style class of every icon (Ikonli's own). */
    public static final String STYLE = "ikonli-font-icon";

    private Icons() {
    }

    /** The glyph {@code icon}, for what is not a label (a tab). */
    public static FontIcon of(Feather icon) {
        FontIcon glyph = FontIcon.of(icon);
        glyph.setAccessibleRole(javafx.scene.AccessibleRole.NODE);   // a glyph, not words: a screen reader reads the label's
        return glyph;
    }

    /** {@code labeled} with {@code icon} before its text; returns it. */
    public static <T extends Labeled> T on(T labeled, Feather icon) {
        labeled.setGraphic(of(icon));
        return labeled;
    }
}
