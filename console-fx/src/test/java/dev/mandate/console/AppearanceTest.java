package dev.mandate.console;

import dev.mandate.console.ui.Appearance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The theme choice without a toolkit: light at first, the operator's choice kept, a damaged file ignored. */
class AppearanceTest {

    @TempDir
    Path dir;

    @Test
    void theChoiceIsLightAtFirstThenWhatTheOperatorLastChose() throws Exception {
        Path file = dir.resolve("mandate").resolve("console.properties");
        Appearance first = new Appearance(file);
        assertEquals(Appearance.Theme.LIGHT, first.theme().get());
        first.toggle();
        assertEquals(Appearance.Theme.DARK, first.theme().get());
        assertEquals(Appearance.Theme.DARK, new Appearance(file).theme().get(), "remembered across starts");
        assertNotEquals(Appearance.Theme.LIGHT.stylesheet(), Appearance.Theme.DARK.stylesheet());

        Files.writeString(file, "theme=PURPLE\n");
        assertEquals(Appearance.Theme.LIGHT, new Appearance(file).theme().get(), "an unknown theme falls back to light");
    }
}
