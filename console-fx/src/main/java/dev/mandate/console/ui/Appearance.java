package dev.mandate.console.ui;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import javafx.application.Application;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.scene.Parent;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The console's look: AtlantaFX's Primer theme, light or dark, under our one stylesheet. The operator's
 * choice is kept in a file of their own, so the console opens as they left it.
 */
public final class Appearance {

    /** A theme: AtlantaFX's user-agent stylesheet, and the style class our stylesheet keys its colours on. */
    public enum Theme {
        LIGHT(new PrimerLight().getUserAgentStylesheet()),
        DARK(new PrimerDark().getUserAgentStylesheet());

        private final String stylesheet;

        Theme(String stylesheet) {
            this.stylesheet = stylesheet;
        }

        public String stylesheet() {
            return stylesheet;
        }

        public Theme other() {
            return this == LIGHT ? DARK : LIGHT;
        }
    }

    private static final System.Logger LOG = System.getLogger(Appearance.class.getName());
    private static final String KEY = "theme";
    private final Path file;
    private final ObjectProperty<Theme> theme;

    public Appearance(Path file) {
        this.file = file;
        this.theme = new SimpleObjectProperty<>(load(file));
        theme.addListener((o, was, now) -> save());
    }

    /** The operator's own choice, in {@code $XDG_CONFIG_HOME/mandate/console.properties} (or ~/.config). */
    public static Appearance userStore() {
        return new Appearance(dev.mandate.console.client.KnownBrokers.configDir().resolve("console.properties"));
    }

    public ObjectProperty<Theme> theme() {
        return theme;
    }

    public void toggle() {
        theme.set(theme.get().other());
    }

    /**
     * Gives {@code root} the theme's style class, for a view built off the FX thread before it is shown; the
     * view then {@link #follow}s the theme once the FX thread has it, without being styled again.
     */
    public void dress(Parent root) {
        styleClass(root, theme.get());
    }

    /** Applies the theme to the application now and whenever it changes; {@code root} carries its style class. FX thread. */
    public void follow(Parent root) {
        apply(root, theme.get());
        theme.addListener((o, was, now) -> apply(root, now));
    }

    private static void apply(Parent root, Theme t) {
        if (!t.stylesheet().equals(Application.getUserAgentStylesheet())) {
            Application.setUserAgentStylesheet(t.stylesheet());
        }
        styleClass(root, t);
    }

    /** Only a change of class restyles the tree, so a root that has the theme's class already is left alone. */
    private static void styleClass(Parent root, Theme t) {
        String wanted = t.name().toLowerCase(java.util.Locale.ROOT);
        root.getStyleClass().remove(t.other().name().toLowerCase(java.util.Locale.ROOT));
        if (!root.getStyleClass().contains(wanted)) {
            root.getStyleClass().add(wanted);
        }
    }

    private static Theme load(Path file) {
        Properties p = new Properties();
        if (Files.isRegularFile(file)) {
            try (Reader in = Files.newBufferedReader(file)) {
                p.load(in);
            } catch (IOException | IllegalArgumentException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot read " + file + " (" + e.getMessage() + "): the light theme");
            }
        }
        try {
            return Theme.valueOf(p.getProperty(KEY, Theme.LIGHT.name()));
        } catch (IllegalArgumentException e) {
            return Theme.LIGHT;
        }
    }

    private void save() {
        Properties p = new Properties();
        p.setProperty(KEY, theme.get().name());
        try {
            Files.createDirectories(file.getParent());
            try (Writer out = Files.newBufferedWriter(file)) {
                p.store(out, "Mandate console");
            }
        } catch (IOException e) {
            // The theme still changes; only remembering it failed.
            LOG.log(System.Logger.Level.WARNING, "cannot remember the theme in " + file + ": " + e.getMessage());
        }
    }
}
