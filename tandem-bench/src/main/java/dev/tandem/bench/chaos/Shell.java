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
        // Read beside the wait: a command that prints more than a pipe holds would otherwise never end, and one that
        // hangs with its output open must still be given up after 10 s.
        java.util.concurrent.CompletableFuture<String> out = new java.util.concurrent.CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (var in = p.getInputStream()) {
                out.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip());
            } catch (IOException e) {
                out.complete("(output unreadable: " + e.getMessage() + ")");
            }
        });
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + ": no answer within 10 s");
            }
            String said = out.get(5, TimeUnit.SECONDS);
            if (p.exitValue() != 0) throw new IOException(String.join(" ", command) + ": " + said);
            return said;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command));
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException(String.join(" ", command) + ": its output could not be read: " + e);
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
