package dev.mandate.console.ui;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Every action of the console by name, for the command palette (Ctrl+K). Plain Java: tested without a toolkit. */
public final class Commands {

    /** An action, its name as the palette lists it, and its own shortcut ("" when it has none). */
    public record Command(String name, String shortcut, Runnable action) {
        @Override
        public String toString() {
            return shortcut.isEmpty() ? name : name + "    " + shortcut;
        }
    }

    private final List<Command> all = new ArrayList<>();

    public Commands add(String name, String shortcut, Runnable action) {
        all.add(new Command(name, shortcut, action));
        return this;
    }

    public List<Command> all() {
        return List.copyOf(all);
    }

    /** The commands whose name holds every word of {@code query} (any case, any order), in the order added. */
    public List<Command> matching(String query) {
        List<String> words = Arrays.stream(query.toLowerCase(Locale.ROOT).split("\\s+")).filter(w -> !w.isEmpty()).toList();
        return all.stream().filter(c -> {
            String name = c.name().toLowerCase(Locale.ROOT);
            return words.stream().allMatch(name::contains);
        }).toList();
    }
}
