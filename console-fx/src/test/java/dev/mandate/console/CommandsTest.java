package dev.mandate.console;

import dev.mandate.console.ui.Commands;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The palette's matching, without a toolkit: every word of the query, any case, any order. */
class CommandsTest {

    @Test
    void aQueryMatchesTheCommandsHoldingEachOfItsWords() {
        int[] ran = {0};
        Commands commands = new Commands()
                .add("Go to Audit", "Ctrl+5", () -> { })
                .add("Verify the audit chain", "", () -> ran[0]++)
                .add("Revoke the selected agent…", "Delete", () -> { });
        assertEquals(List.of("Go to Audit", "Verify the audit chain"), names(commands.matching("AUDIT")));
        assertEquals(List.of("Verify the audit chain"), names(commands.matching("chain audit")));
        assertEquals(3, commands.matching("  ").size(), "an empty query lists everything");
        assertEquals(List.of(), commands.matching("delete everything"));
        commands.matching("verify").getFirst().action().run();
        assertEquals(1, ran[0]);
        assertEquals("Go to Audit    Ctrl+5", commands.all().getFirst().toString());
    }

    private static List<String> names(List<Commands.Command> commands) {
        return commands.stream().map(Commands.Command::name).toList();
    }
}
