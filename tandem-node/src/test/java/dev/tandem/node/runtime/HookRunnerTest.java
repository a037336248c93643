package dev.tandem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hooks (docs/node.md): "run one at a time, in order, with a timeout; takeOverUsers and takeBackUsers decide by exit
 * status whether a user move succeeded ([RG-T2]: Take Over Users Failed)".
 */
class HookRunnerTest {
    private static final Duration LONG = Duration.ofSeconds(20);
    private final HookRunner runner = new HookRunner();

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        runner.close();
    }

    private static List<String> sh(String script) {
        return List.of("/bin/sh", "-c", script);
    }

    private boolean runAndWait(List<String> command, Map<String, String> env, Duration timeout) throws Exception {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        runner.run("test", command, env, timeout, done::complete);
        return done.get(30, TimeUnit.SECONDS);
    }

    @Test
    void exitStatusZeroIsSuccess() throws Exception {
        assertThat(runAndWait(List.of("true"), Map.of(), LONG)).isTrue();
        assertThat(runAndWait(sh("echo some output; exit 0"), Map.of(), LONG)).isTrue();
    }

    @Test
    void aNonZeroExitStatusIsFailure() throws Exception {
        // [RG-T2]: a user move that fails is Take Over Users Failed; the hook says so by its status.
        assertThat(runAndWait(List.of("false"), Map.of(), LONG)).isFalse();
        assertThat(runAndWait(sh("echo trying >&2; exit 3"), Map.of(), LONG)).isFalse();
    }

    @Test
    void anEmptyCommandSucceedsAtOnce() throws Exception {
        assertThat(runAndWait(List.of(), Map.of(), LONG)).isTrue();
    }

    @Test
    void aMissingExecutableFailsCleanly() throws Exception {
        assertThat(runAndWait(List.of(dir.resolve("no-such-hook").toString()), Map.of(), LONG)).isFalse();
        // The runner goes on working afterwards.
        assertThat(runAndWait(List.of("true"), Map.of(), LONG)).isTrue();
    }

    @Test
    void aFileThatIsNotExecutableFailsCleanly() throws Exception {
        Path script = Files.writeString(dir.resolve("hook.sh"), "#!/bin/sh\nexit 0\n");
        assertThat(runAndWait(List.of(script.toString()), Map.of(), LONG)).isFalse();
    }

    @Test
    void environmentVariablesReachTheCommand() throws Exception {
        Path out = dir.resolve("env.txt");
        Map<String, String> env = Map.of("TANDEM_NODE", "n1", "TANDEM_GROUP", "east", "TANDEM_USERS_OF", "n1,n2");

        boolean ok = runAndWait(sh("printf '%s|%s|%s' \"$TANDEM_NODE\" \"$TANDEM_GROUP\" \"$TANDEM_USERS_OF\" > '" + out + "'"),
                env, LONG);

        assertThat(ok).isTrue();
        assertThat(Files.readString(out)).isEqualTo("n1|east|n1,n2");
    }

    @Test
    void theExitStatusCanDependOnTheEnvironment() throws Exception {
        List<String> command = sh("test \"$TANDEM_STATE\" = Normal");
        assertThat(runAndWait(command, Map.of("TANDEM_STATE", "Normal"), LONG)).isTrue();
        assertThat(runAndWait(command, Map.of("TANDEM_STATE", "Idle"), LONG)).isFalse();
    }

    @Test
    void aHookThatOverrunsItsTimeoutIsKilledWithItsChildren() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs /proc to see processes");
        Path pids = dir.resolve("pids");
        long started = System.nanoTime();

        boolean ok = runAndWait(sh("echo $$ > '" + pids + ".parent'; sleep 60 & echo $! > '" + pids + ".child'; wait"),
                Map.of(), Duration.ofMillis(700));

        assertThat(ok).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        long parent = Long.parseLong(Files.readString(Path.of(pids + ".parent")).trim());
        long child = Long.parseLong(Files.readString(Path.of(pids + ".child")).trim());
        await().atMost(Duration.ofSeconds(10)).until(() -> !running(parent) && !running(child));
    }

    @Test
    void aTimedOutHookDoesNotHoldUpTheNext() throws Exception {
        CompletableFuture<Boolean> slow = new CompletableFuture<>();
        CompletableFuture<Boolean> next = new CompletableFuture<>();
        runner.run("slow", List.of("sleep", "60"), Map.of(), Duration.ofMillis(300), slow::complete);
        runner.run("next", List.of("true"), Map.of(), LONG, next::complete);

        assertThat(next.get(15, TimeUnit.SECONDS)).isTrue();
        assertThat(slow.getNow(null)).isFalse();
    }

    @Test
    void hooksRunOneAtATimeInOrder() throws Exception {
        // docs/node.md: hooks run in order, one at a time (keepalived's notify scripts behave the same way).
        Path log = dir.resolve("order.log");
        List<Integer> callbacks = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> last = new CompletableFuture<>();
        int n = 5;
        for (int i = 1; i <= n; i++) {
            int id = i;
            // Later hooks are quicker: if they overlapped, their lines would interleave or come first.
            String script = "echo start " + i + " >> '" + log + "'; sleep 0." + (n - i) + "; echo end " + i + " >> '" + log + "'";
            runner.run("hook" + i, sh(script), Map.of(), LONG, ok -> {
                callbacks.add(id);
                if (id == n) last.complete(null);
            });
        }
        last.get(30, TimeUnit.SECONDS);

        assertThat(callbacks).containsExactly(1, 2, 3, 4, 5);
        assertThat(Files.readAllLines(log)).containsExactly(
                "start 1", "end 1", "start 2", "end 2", "start 3", "end 3", "start 4", "end 4", "start 5", "end 5");
    }

    @Test
    void runNowGivesTheResultDirectly() {
        assertThat(runner.runNow("direct", List.of("true"), Map.of(), LONG)).isTrue();
        assertThat(runner.runNow("direct", sh("exit 1"), Map.of(), LONG)).isFalse();
    }

    @Test
    void aHookWithLotsOfOutputDoesNotBlock() throws Exception {
        // Output goes to the log; a full pipe must never stall the hook.
        assertThat(runAndWait(sh("head -c 2000000 /dev/zero | tr '\\0' x; echo; exit 0"), Map.of(), LONG)).isTrue();
    }

    /** Alive and not a zombie waiting to be reaped. */
    private static boolean running(long pid) throws IOException {
        Path stat = Path.of("/proc/" + pid + "/stat");
        if (!Files.exists(stat)) return false;
        String s;
        try {
            s = Files.readString(stat);
        } catch (IOException e) {
            return false;
        }
        char state = s.charAt(s.lastIndexOf(')') + 2);
        return state != 'Z' && state != 'X';
    }
}
