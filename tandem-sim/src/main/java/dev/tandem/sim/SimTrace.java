package dev.tandem.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The simulation's trace: one line for each thing that happened, stamped with the virtual time since the
 * simulation began, kept in order and passed to a listener as it is written.
 */
final class SimTrace {
    private final List<String> lines = new ArrayList<>();
    private Consumer<String> listener = s -> {};

    void onLine(Consumer<String> listener) {
        this.listener = listener;
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    void add(Duration elapsed, String line) {
        String entry = String.format("%10s  %s", formatElapsed(elapsed), line);
        lines.add(entry);
        listener.accept(entry);
    }

    static String formatElapsed(Duration d) {
        long ms = d.toMillis();
        return String.format("%d:%02d.%03d", ms / 60_000, (ms / 1000) % 60, ms % 1000);
    }
}
