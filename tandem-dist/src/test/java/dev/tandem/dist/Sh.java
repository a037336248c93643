package dev.tandem.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command as an operator's shell would, and returns what it printed. */
final class Sh {
    record Result(int exit, String output) {}

    private Sh() {}

    /** The environment an installed tandem sees: a plain PATH and the Java running the tests (21 or newer). */
    static Map<String, String> operatorEnv(ProcessBuilder pb) {
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", System.getProperty("java.io.tmpdir"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        return env;
    }

    static Result run(Path cwd, Duration timeout, List<String> cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
        operatorEnv(pb);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not finish within " + timeout);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static Result run(Path cwd, String... cmd) throws IOException, InterruptedException {
        return run(cwd, Duration.ofSeconds(60), List.of(cmd));
    }

    static Path required(String property) {
        String v = System.getProperty(property);
        if (v == null) throw new IllegalStateException("-D" + property + " is not set: run through Maven (verify)");
        Path p = Path.of(v);
        if (!p.toFile().exists()) throw new IllegalStateException(property + ": " + p + " is not built");
        return p;
    }
}
