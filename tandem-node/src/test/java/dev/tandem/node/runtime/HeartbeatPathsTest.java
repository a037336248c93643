package dev.tandem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.core.NodeId;
import dev.tandem.core.rm.RecoveryManager;
import dev.tandem.core.rm.RedundancyGroup;
import dev.tandem.core.rm.ServiceParameters;
import dev.tandem.node.crypto.Envelope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The rules of docs/redundancy.md, Heartbeat paths, on a clock the test moves: which copies are duplicates and which
 * are replays, when a path is up, and which refusals reach the recovery manager (one a round, only when no path is up).
 */
class HeartbeatPathsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private Instant now = Instant.parse("2030-01-01T00:00:00Z");
    private final Clock clock = new Clock() {
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    };
    private final NodeMetrics metrics = new NodeMetrics(() -> RecoveryManager.initial(NodeId.of("n1"),
            new RedundancyGroup("g1", "", List.of(NodeId.of("n1"), NodeId.of("n2")), true), ServiceParameters.defaults()));
    private final EventBus events = new EventBus();
    private final List<EventBus.Event> published = new CopyOnWriteArrayList<>();
    private final HeartbeatPaths paths;
    private long counter;

    HeartbeatPathsTest() {
        events.subscribe(published::add);
        paths = new HeartbeatPaths("n1", "n2", List.of(new HeartbeatPaths.Path(0, "10.0.0.11", "10.0.0.12"),
                new HeartbeatPaths.Path(1, "10.0.9.11", "10.0.9.12")), clock, metrics, events);
    }

    private void advance(long millis) {
        now = now.plusMillis(millis);
    }

    /** One message from n2, its first copy on {@code first}, its second on {@code second} (-1: none). */
    private Envelope.Copy message(int first, int second) {
        Envelope.Copy m = new Envelope.Copy("n2", 7, counter++);
        paths.on(first).accepted(m);
        if (second >= 0) assertThat(paths.on(second).duplicate(m)).isTrue();
        return m;
    }

    private List<Boolean> up() {
        return paths.views().stream().map(dev.tandem.api.RedundancyAnswers.HeartbeatPath::up).toList();
    }

    @Test
    void aCopyOnAnotherPathIsADuplicateAndACopyOnTheSamePathIsAReplay() {
        Envelope.Copy m = message(0, 1);
        assertThat(paths.on(1).duplicate(m)).as("a third copy on path 1 was never sent: a replay").isFalse();
        assertThat(paths.on(0).duplicate(m)).isFalse();
        assertThat(paths.on(1).duplicate(new Envelope.Copy("n2", 7, 999))).as("never accepted").isFalse();
        assertThat(paths.views()).extracting(dev.tandem.api.RedundancyAnswers.HeartbeatPath::received).containsExactly(1L, 1L);
        assertThat(paths.views()).extracting(dev.tandem.api.RedundancyAnswers.HeartbeatPath::duplicates).containsExactly(0L, 1L);
        assertThat(metrics.scrape()).contains("tandem_heartbeat_duplicates_total{path=\"10.0.9.12\"} 1.0");
    }

    @Test
    void onlyTheRecentMessagesAreRemembered() {
        Envelope.Copy old = message(0, -1);
        for (int i = 0; i < HeartbeatPaths.REMEMBERED; i++) message(0, -1);
        assertThat(paths.on(1).duplicate(old)).as("too old to be a copy in flight: a replay").isFalse();
    }

    @Test
    void aPathIsUpWhileHeardWithinTheTimeoutAndSilentAfter() {
        paths.reconsider(TIMEOUT);
        assertThat(paths.views()).extracting(dev.tandem.api.RedundancyAnswers.HeartbeatPath::reason).containsExactly("not heard yet", "not heard yet");
        message(0, 1);
        paths.reconsider(TIMEOUT);
        assertThat(up()).containsExactly(true, true);
        for (int i = 0; i < 10; i++) {
            advance(200);
            message(0, -1); // path 1 carries nothing any more
            paths.reconsider(TIMEOUT);
        }
        assertThat(up()).containsExactly(true, false);
        assertThat(paths.views().get(1).reason()).isEqualTo("silent");
        // Each subscriber reads on a thread of its own (EventBus): the events arrive a moment later.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() -> assertThat(published)
                .filteredOn(e -> e.kind().equals("heartbeat-path")).extracting(e -> e.fields().get("up"))
                .containsExactly(true, true, false));
        assertThat(metrics.scrape()).contains("tandem_heartbeat_path_up{path=\"10.0.9.12\"} 0.0")
                .contains("tandem_heartbeat_path_up{path=\"10.0.0.12\"} 1.0");
    }

    @Test
    void aRefusalWhileAnotherPathIsUpIsNotForwarded() {
        message(0, 1);
        paths.reconsider(TIMEOUT);
        for (int i = 0; i < 20; i++) {
            assertThat(paths.refused(1, TIMEOUT)).isFalse();
            advance(50);
            message(0, 1); // path 1 still delivers the peer's messages, but refuses ours
        }
        paths.reconsider(TIMEOUT);
        assertThat(up()).containsExactly(true, false);
        assertThat(paths.views().get(1).reason()).isEqualTo("refused");
    }

    @Test
    void whenEveryPathIsRefusedOneRefusalARoundIsForwarded() {
        message(0, 1);
        paths.reconsider(TIMEOUT);
        // A round: the message went out on both paths and both were refused (the peer's process is gone).
        paths.sent();
        assertThat(paths.refused(0, TIMEOUT)).as("path 1 is still up").isFalse();
        assertThat(paths.refused(1, TIMEOUT)).as("no path up now: the round's refusal").isTrue();
        advance(25);
        paths.sent();
        assertThat(paths.refused(1, TIMEOUT)).as("the next round's first").isTrue();
        assertThat(paths.refused(0, TIMEOUT)).as("the same round's second").isFalse();
    }

    @Test
    void aSilentPathDoesNotHoldBackTheRefusalsOfTheOther() {
        message(0, 1);
        advance(1_100); // path 0 went silent (a cut link), path 1 still heard
        message(1, -1);
        paths.reconsider(TIMEOUT);
        assertThat(up()).containsExactly(false, true);
        paths.sent();
        assertThat(paths.refused(1, TIMEOUT)).isTrue();
    }

    @Test
    void withOnePathEveryRefusalIsForwardedAsBefore() {
        HeartbeatPaths one = new HeartbeatPaths("n1", "n2", List.of(new HeartbeatPaths.Path(0, "10.0.0.11", "10.0.0.12")),
                clock, new NodeMetrics(() -> null), events);
        one.on(0).accepted(new Envelope.Copy("n2", 1, 1));
        one.reconsider(TIMEOUT);
        one.sent();
        assertThat(one.refused(0, TIMEOUT)).isTrue();
        assertThat(one.refused(0, TIMEOUT)).as("even two in a round: the second came after a send not yet counted").isTrue();
    }

    @Test
    void messagesOfAnotherSenderDoNotMakeAPathUp() {
        paths.on(1).accepted(new Envelope.Copy("n3", 1, 1));
        paths.reconsider(TIMEOUT);
        assertThat(up()).containsExactly(false, false);
    }
}
