package dev.tandem.bench.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's history (every fault and what followed it, printed as it happens) and its violations, each written to
 * {@code chaos-violations-SEED.txt} with the seed, the command that replays the faults and the history up to it.
 */
final class ChaosLog {
    private final Path file;
    private final long seed;
    private final String command;
    private final List<String> history = new ArrayList<>();
    private int violations;

    ChaosLog(Path results, long seed, String command) {
        this.file = results.resolve("chaos-violations-" + seed + ".txt");
        this.seed = seed;
        this.command = command;
    }

    /** One line of the history, printed. */
    void say(String line) {
        String stamped = Instant.now() + " " + line;
        history.add(stamped);
        System.out.println("chaos: " + line);
    }

    /** A violated invariant: printed, counted and written with everything needed to replay it. */
    void violation(int cycle, String what, String logs) {
        if (dev.tandem.bench.proc.NodeProc.ending()) {
            // Stopped by a signal: the nodes are being killed with the run, and what follows says nothing of them.
            say("stopped in cycle " + cycle + "; not counted: " + what);
            return;
        }
        violations++;
        say("VIOLATION in cycle " + cycle + ": " + what);
        StringBuilder b = new StringBuilder();
        b.append("== violation ").append(violations).append(" (cycle ").append(cycle).append(", seed ").append(seed)
                .append(")\n").append(what).append("\nreplay: ").append(command.contains("--seed") ? command
                        : command + " --seed " + seed).append("\nhistory:\n");
        history.forEach(h -> b.append("  ").append(h).append('\n'));
        b.append(logs).append('\n');
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, b, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    int violations() {
        return violations;
    }

    Path file() {
        return file;
    }
}
