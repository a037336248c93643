package dev.tandem.node.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs hook commands off the event loop, one at a time and in order (keepalived's notify scripts behave the
 * same way), each with a timeout; their output goes to the log, their exit status decides success.
 */
public final class HookRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HookRunner.class);
    private final ExecutorService serial = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "tandem-hooks");
        t.setDaemon(true);
        return t;
    });

    /**
     * Runs {@code command} with the environment given; {@code done} gets true for exit status 0. An empty
     * command succeeds at once (nothing to do).
     */
    public void run(String name, List<String> command, Map<String, String> env, Duration timeout, Consumer<Boolean> done) {
        serial.execute(() -> done.accept(runNow(name, command, env, timeout)));
    }

    boolean runNow(String name, List<String> command, Map<String, String> env, Duration timeout) {
        if (command.isEmpty()) return true;
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            Thread reader = Thread.ofVirtual().start(() -> log(name, p.getInputStream()));
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                LOG.warn("hook {} timed out after {} and was killed", name, timeout);
                return false;
            }
            reader.join(1000);
            int code = p.exitValue();
            if (code != 0) LOG.warn("hook {} exited with status {}", name, code);
            return code == 0;
        } catch (IOException e) {
            LOG.warn("hook {} could not start: {}", name, e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void log(String name, InputStream in) {
        try (in) {
            new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .forEach(line -> LOG.info("hook {}: {}", name, line));
        } catch (IOException e) {
            LOG.debug("hook {} output unreadable: {}", name, e.getMessage());
        }
    }

    @Override
    public void close() {
        serial.shutdownNow();
    }
}
