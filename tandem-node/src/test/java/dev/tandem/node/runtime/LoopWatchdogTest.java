package dev.tandem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tandem.core.rm.LoopStall;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** docs/decisions/0046-a-deaf-node-stops-serving.md, on a real loop thread, looked at by hand at chosen instants. */
class LoopWatchdogTest {
    private static final LoopStall BOUNDS = new LoopStall(Duration.ofMillis(100), Duration.ofMillis(475),
            Duration.ofMillis(25));
    private static final long MS = 1_000_000;

    private final List<String> heard = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final ProtocolLoop loop = new ProtocolLoop("t", failures::add);
    private final AtomicLong lastHeartbeat = new AtomicLong(ProtocolLoop.IDLE);
    private final LoopWatchdog dog = new LoopWatchdog("t", loop, () -> BOUNDS, lastHeartbeat::get, recording(heard));

    /** A listener that writes down what it hears: "deaf in METHOD", "hearing", "fail". */
    private static LoopWatchdog.Listener recording(List<String> into) {
        return new LoopWatchdog.Listener() {
            @Override
            public void deaf(Duration stalled, StackTraceElement[] where) {
                into.add("deaf in " + (where.length > 0 ? where[0].getMethodName() : "?"));
            }

            @Override
            public void hearing(Duration stalled) {
                into.add("hearing");
            }

            @Override
            public void fail(Duration stalled, StackTraceElement[] where) {
                into.add("fail");
            }
        };
    }
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        loop.shutdownNow();
    }

    private long stuckTask() {
        CountDownLatch started = new CountDownLatch(1);
        loop.execute(() -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return loop.runningSince();
    }

    @Test
    void anIdleLoopIsLeftAloneHoweverLongItWaits() throws Exception {
        dog.look(BOUNDS, System.nanoTime());
        java.util.concurrent.CompletableFuture.runAsync(() -> { }, loop).get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> loop.runningSince() == ProtocolLoop.IDLE);
        dog.look(BOUNDS, System.nanoTime() + 10_000 * MS);
        assertThat(heard).isEmpty();
    }

    @Test
    void aTaskStuckOneIntervalFencesTheNodeUntilItEnds() throws Exception {
        long t0 = stuckTask();
        lastHeartbeat.set(t0);
        dog.look(BOUNDS, t0 + 99 * MS);
        assertThat(heard).isEmpty();
        dog.look(BOUNDS, t0 + 100 * MS);
        dog.look(BOUNDS, t0 + 200 * MS);
        assertThat(heard).hasSize(1).first().asString().startsWith("deaf in ");
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> loop.runningSince() == ProtocolLoop.IDLE);
        dog.look(BOUNDS, t0 + 300 * MS);
        assertThat(heard).hasSize(2).last().isEqualTo("hearing");
    }

    @Test
    void stuckUntilThePeerIsAboutToTakeOverTheNodeFails() {
        long t0 = stuckTask();
        lastHeartbeat.set(t0 - 50 * MS); // the last heartbeat went out 50 ms before the task started
        dog.look(BOUNDS, t0 + 150 * MS);
        dog.look(BOUNDS, t0 + 424 * MS);
        assertThat(heard).hasSize(1);
        dog.look(BOUNDS, t0 + 425 * MS);
        assertThat(heard).hasSize(2).last().isEqualTo("fail");
    }

    @Test
    void aTaskTheWholeProcessStoppedInFencesAtOnceButFailsOnlyAnIntervalAfterTheWake() {
        // SIGSTOP in the middle of a task, SIGCONT 600 ms later: the heartbeat went out 50 ms before the task, so
        // the peer may have taken over. The node stops answering clients at once, but the loop has not been stuck
        // while nothing ran: it gets one interval from the wake to finish the task; still in it after that, it is
        // stuck indeed, and the node fails.
        long t0 = stuckTask();
        lastHeartbeat.set(t0 - 50 * MS);
        dog.woke(t0 + 600 * MS);
        dog.look(BOUNDS, t0 + 625 * MS);
        dog.look(BOUNDS, t0 + 699 * MS);
        assertThat(heard).as("within an interval of the wake").hasSize(1).first().asString().startsWith("deaf in ");
        dog.look(BOUNDS, t0 + 700 * MS);
        assertThat(heard).hasSize(2).last().isEqualTo("fail");
    }

    @Test
    void aTaskThatEndsSoonAfterTheWakeIsFencedButNotFailed() {
        long t0 = stuckTask();
        lastHeartbeat.set(t0 - 50 * MS);
        dog.woke(t0 + 600 * MS);
        dog.look(BOUNDS, t0 + 625 * MS);
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> loop.runningSince() == ProtocolLoop.IDLE);
        dog.look(BOUNDS, t0 + 900 * MS);
        assertThat(heard).hasSize(2).last().isEqualTo("hearing");
    }

    @Test
    void aSecondStopDuringTheSameTaskGivesNoSecondGrace() {
        long t0 = stuckTask();
        lastHeartbeat.set(t0 - 50 * MS);
        dog.woke(t0 + 600 * MS);
        dog.look(BOUNDS, t0 + 625 * MS);
        dog.woke(t0 + 680 * MS); // the watcher starved again, or stopped again
        dog.look(BOUNDS, t0 + 700 * MS);
        assertThat(heard).hasSize(2).last().isEqualTo("fail");
    }

    @Test
    void aTaskBegunAfterTheWakeIsTimedFromItsOwnStart() {
        long t0 = stuckTask();
        lastHeartbeat.set(t0 - 50 * MS);
        dog.woke(t0 - 1_000 * MS); // an older wake does not shorten a stall that began since
        dog.look(BOUNDS, t0 + 425 * MS);
        assertThat(heard).hasSize(2).last().isEqualTo("fail");
    }

    @Test
    void looksAWholeIntervalLaterThanAskedMeanAStopOfTheWholeProcess() {
        // Looks asked 25 ms apart: later by less than the 100 ms interval is a busy host, by more a stopped process.
        assertThat(LoopWatchdog.stoppedWhole(BOUNDS, 25 * MS)).isFalse();
        assertThat(LoopWatchdog.stoppedWhole(BOUNDS, 125 * MS)).isFalse();
        assertThat(LoopWatchdog.stoppedWhole(BOUNDS, 126 * MS)).isTrue();
        assertThat(LoopWatchdog.stoppedWhole(BOUNDS, 600 * MS)).isTrue();
    }

    @Test
    void aRunningWatcherStillFailsALoopStuckForGood() throws Exception {
        LoopStall quick = new LoopStall(Duration.ofMillis(20), Duration.ofMillis(95), Duration.ofMillis(5));
        List<String> seen = new CopyOnWriteArrayList<>();
        ProtocolLoop other = new ProtocolLoop("u", failures::add);
        CountDownLatch go = new CountDownLatch(1);
        try (LoopWatchdog watcher = new LoopWatchdog("u", other, () -> quick, () -> System.nanoTime() - 200 * MS,
                recording(seen))) {
            // The loop is stuck for good; the watcher fails the node within a few looks, so it is running.
            other.execute(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            watcher.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> seen.contains("fail"));
        } finally {
            go.countDown();
            other.shutdownNow();
        }
    }

    @Test
    void aNodeWithNoPeerToHearIsFencedButNeverFailed() {
        long t0 = stuckTask();
        dog.look(BOUNDS, t0 + 10_000 * MS);
        assertThat(heard).hasSize(1).first().asString().startsWith("deaf");
    }

    @Test
    void anExceptionInALoopTaskIsHandedOverNotKeptInAFuture() {
        loop.execute(() -> {
            throw new IllegalStateException("a bug in a step");
        });
        loop.schedule(() -> {
            throw new IllegalArgumentException("a bug in a timer");
        }, 1, TimeUnit.MILLISECONDS);
        loop.schedule(() -> { }, 1, TimeUnit.HOURS).cancel(false);
        await().atMost(Duration.ofSeconds(5)).until(() -> failures.size() == 2);
        assertThat(failures).extracting(Throwable::getMessage).containsExactlyInAnyOrder("a bug in a step",
                "a bug in a timer");
    }
}
