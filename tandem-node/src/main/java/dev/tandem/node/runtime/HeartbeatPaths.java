package dev.tandem.node.runtime;

import dev.tandem.node.crypto.Envelope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heartbeat paths to the peer and whether each works (docs/redundancy.md, Heartbeat paths;
 * docs/decisions/0078-heartbeat-paths-are-node-local.md). Every recovery-manager message goes out once on every
 * path; the first copy to arrive is the message, the others are recognised as its copies and only show that their
 * path works. A path is up while something from the peer arrived on it within {@code keepAliveTimeout} and nothing
 * sent on it was refused within that time. A path going down is an event, a metric and a log line, never a
 * failover: the recovery manager hears the peer as long as one path carries its heartbeats, and is told of a
 * refusal only when no path is up, once for each round of messages.
 *
 * <p>Owned by the protocol loop: every method but {@link #views()} runs on it.
 */
final class HeartbeatPaths {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatPaths.class);
    /**
     * How many recently accepted messages are remembered, to recognise their copies: a heartbeat's copies arrive
     * within a network delay of each other, when at most a few messages have been accepted in between.
     */
    static final int REMEMBERED = 256;

    /** One path: this node's address on it and the peer's. */
    record Path(int index, String local, String peer) {
        /** The path's name in metrics and events: the peer's address on it. */
        String label() {
            return peer;
        }
    }

    private final String self;
    private final String peer;
    private final List<Path> paths;
    private final Clock clock;
    private final NodeMetrics metrics;
    private final EventBus events;
    private final Instant[] lastHeard;
    private final Instant[] lastRefused;
    private final boolean[] up;
    private final String[] reason;
    private final long[] received;
    private final long[] duplicates;
    private final long[] refusals;
    private final Inbound.Copies[] copies;
    /** Messages accepted lately and the paths a copy of each came on (bit i: path i). */
    private final Map<Envelope.Copy, Integer> seen = new LinkedHashMap<>(REMEMBERED * 2, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Envelope.Copy, Integer> eldest) {
            return size() > REMEMBERED;
        }
    };
    private volatile List<dev.tandem.api.RedundancyAnswers.HeartbeatPath> views;
    /** Messages sent so far, and the last of them whose refusal the recovery manager was told of. */
    private long round;
    private long forwardedRound = -1;

    HeartbeatPaths(String self, String peer, List<Path> paths, Clock clock, NodeMetrics metrics, EventBus events) {
        if (paths.isEmpty() || paths.size() > Integer.SIZE - 1) throw new IllegalArgumentException("1 to 31 paths");
        this.self = self;
        this.peer = peer;
        this.paths = List.copyOf(paths);
        this.clock = clock;
        this.metrics = metrics;
        this.events = events;
        int n = paths.size();
        lastHeard = new Instant[n];
        lastRefused = new Instant[n];
        up = new boolean[n];
        reason = new String[n];
        received = new long[n];
        duplicates = new long[n];
        refusals = new long[n];
        java.util.Arrays.fill(reason, "not heard yet");
        copies = new Inbound.Copies[n];
        for (int i = 0; i < n; i++) copies[i] = copies(i);
        for (Path p : paths) metrics.heartbeatPath(p.label(), () -> views().get(p.index()).up());
        publishViews();
    }

    List<Path> paths() {
        return paths;
    }

    /** How the messages that came on path {@code index} are told apart from replays, and counted for the path. */
    Inbound.Copies on(int index) {
        return copies[index];
    }

    private Inbound.Copies copies(int index) {
        int bit = 1 << index;
        return new Inbound.Copies() {
            @Override
            public void accepted(Envelope.Copy copy) {
                if (!copy.sender().equals(peer)) return;
                seen.put(copy, bit);
                heard(index, false);
            }

            @Override
            public boolean duplicate(Envelope.Copy copy) {
                Integer on = seen.get(copy);
                // Not remembered, or already come on this path: a replay, which the caller drops and counts.
                if (on == null || (on & bit) != 0) return false;
                seen.put(copy, on | bit);
                heard(index, true);
                return true;
            }
        };
    }

    private void heard(int index, boolean duplicate) {
        lastHeard[index] = clock.instant();
        received[index]++;
        metrics.heartbeatPathReceived(paths.get(index).label());
        if (duplicate) {
            duplicates[index]++;
            metrics.heartbeatDuplicate(paths.get(index).label());
        }
        // A few per keep-alive interval: a new view for each is cheap, and the admin API reads it without a lock.
        publishViews();
    }

    /** A message went out on every path: a new round, whose refusals count once. */
    void sent() {
        round++;
    }

    /**
     * The peer's host refused a message sent on path {@code index}. Returns whether the recovery manager is told
     * (decision 0012's crash detection): only when no path is up, and once a round, so that a message sent on every
     * path to a dead process counts as one refusal, as with one path.
     */
    boolean refused(int index, Duration keepAliveTimeout) {
        lastRefused[index] = clock.instant();
        refusals[index]++;
        metrics.heartbeatPathRefused(paths.get(index).label());
        reconsider(keepAliveTimeout);
        publishViews();
        for (int i = 0; i < paths.size(); i++) {
            if (up[i]) return false;
        }
        // One path: every refusal, exactly as before paths existed (a refusal that comes after the next send is not
        // lost to the round count).
        if (paths.size() == 1) return true;
        if (forwardedRound == round) return false;
        forwardedRound = round;
        return true;
    }

    private boolean refusedWithin(int i, Instant now, Duration timeout) {
        return lastRefused[i] != null && now.isBefore(lastRefused[i].plus(timeout));
    }

    /** Decides every path's state now; a change is logged and published. Run on every tick of the path timer. */
    void reconsider(Duration keepAliveTimeout) {
        Instant now = clock.instant();
        boolean changed = false;
        for (int i = 0; i < paths.size(); i++) {
            String why = lastHeard[i] == null ? "not heard yet"
                    : refusedWithin(i, now, keepAliveTimeout) ? "refused"
                    : !now.isBefore(lastHeard[i].plus(keepAliveTimeout)) ? "silent"
                    : "up";
            boolean isUp = why.equals("up");
            if (isUp != up[i] || !why.equals(reason[i])) changed = true;
            if (isUp != up[i]) announce(paths.get(i), isUp, why, now);
            up[i] = isUp;
            reason[i] = why;
        }
        if (changed) publishViews();
    }

    private void announce(Path p, boolean isUp, String why, Instant now) {
        int working = 0;
        for (int i = 0; i < paths.size(); i++) {
            if (i == p.index() ? isUp : up[i]) working++;
        }
        if (isUp) {
            LOG.info("heartbeat path {} -> {} to {} is up ({} of {} paths up)", p.local(), p.peer(), peer, working, paths.size());
        } else {
            LOG.warn("heartbeat path {} -> {} to {} is DOWN ({}); {} of {} paths up", p.local(), p.peer(), peer, why,
                    working, paths.size());
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("node", self);
        f.put("peer", peer);
        f.put("path", p.label());
        f.put("local", p.local());
        f.put("up", isUp);
        f.put("reason", why);
        f.put("pathsUp", working);
        events.publish("heartbeat-path", now, f);
    }

    private void publishViews() {
        List<dev.tandem.api.RedundancyAnswers.HeartbeatPath> out = new ArrayList<>();
        for (Path p : paths) {
            int i = p.index();
            out.add(new dev.tandem.api.RedundancyAnswers.HeartbeatPath(p.local(), p.peer(), up[i], reason[i],
                    lastHeard[i] == null ? null : lastHeard[i].toString(), received[i], duplicates[i], refusals[i]));
        }
        views = List.copyOf(out);
    }

    /** The paths as of the last message or change (safe from any thread). */
    List<dev.tandem.api.RedundancyAnswers.HeartbeatPath> views() {
        return views;
    }
}
