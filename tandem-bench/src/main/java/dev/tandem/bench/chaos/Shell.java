package dev.tandem.bench.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Runs a system command (nft, mount, ip) and fails with what it printed when it does not succeed within 10 s. */
final class Shell {
    private Shell() {}

    static void run(String... command) throws IOException {
        output(command);
    }

    /** What the command printed (its errors too). */
    static String output(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            // Read before waiting: a command that prints more than a pipe holds would otherwise never end.
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + ": no answer within 10 s");
            }
            if (p.exitValue() != 0) throw new IOException(String.join(" ", command) + ": " + out);
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command));
        }
    }

    /** Runs the command for its effect alone: a clean-up that finds nothing to clean is no failure. */
    static void quietly(String... command) {
        try {
            run(command);
        } catch (IOException e) {
            // nothing was there
        }
    }
}
