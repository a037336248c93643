package dev.tandem.node.session;

import dev.tandem.api.FailoverAnswers.Capacity;
import dev.tandem.api.FailoverAnswers.Handover;
import dev.tandem.api.FailoverAnswers.Replication;

import dev.tandem.core.rm.Serving;
import dev.tandem.core.rm.SessionHandover;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.crypto.Envelope;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a session service's sessions when its users move between the nodes of a pair, and the
 * replication that makes it possible (docs/session-service.md, Stateful failover; decision 0071): the
 * {@link SessionHandover} plan applied to the book on each change of whose users the node serves, the stream of
 * this node's sessions to the peer ({@link ReplicationSender}) and of the peer's to this node
 * ({@link ReplicationReceiver}), what the last take-over kept and lost, and whether this node could carry both
 * nodes' sessions.
 */
public final class Standby implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Standby.class);

    private final NodeConfig.SessionService config;
    private final SessionHost host;
    private final SessionBook book;
    private final Clock clock;
    private volatile ReplicationSender sender;
    private volatile ReplicationReceiver receiver;
    private volatile Handover lastHandover;
    private volatile boolean overCapacity;

    Standby(NodeConfig.SessionService config, SessionHost host, SessionBook book, Clock clock) {
        this.config = config;
        this.host = host;
        this.book = book;
        this.clock = clock;
    }

    void replicate(InetSocketAddress listenAt, InetSocketAddress peerAt, String bindFrom, Supplier<Envelope> envelopes,
                   BiConsumer<String, String> dropped, long incarnation, Supplier<Set<Serving.Side>> serving)
            throws IOException {
        String peer = host.peer().orElseThrow(() -> new IllegalStateException("replication needs a peer"));
        if (!keeps()) throw new IllegalStateException("sessionService.handover is relogin: nothing to replicate");
        receiver = new ReplicationReceiver(host.id(), peer, listenAt, book, envelopes.get(), dropped, serving, clock)
                .start();
        sender = new ReplicationSender(host.id(), peer, peerAt, bindFrom, book, config.replication().ackTimeout(),
                envelopes.get(), envelopes.get(), dropped, incarnation, host::peerLinkLost);
        book.journal(sender);
    }

    void start() {
        if (sender != null) sender.start();
    }

    private boolean keeps() {
        return config.replication().handover() == SessionHandover.Mode.KEEP;
    }

    /**
     * A login's copy is on the peer (true), or the standby is not ready or did not answer in time (false); at once
     * without replication.
     */
    CompletableFuture<Boolean> acknowledged() {
        ReplicationSender s = sender;
        return s == null ? CompletableFuture.completedFuture(false) : s.acknowledged(s.mark());
    }

    /**
     * Applies the plan for a change of whose users the node serves; true when sessions changed. Sessions of users
     * the node no longer serves either move to the peer with them (handover keep: they become standby copies here
     * while the peer promotes its copies) or end (handover relogin, the specification ([RG-MANUAL]), Manual
     * failover: "All users from the failed node are disconnected and must re-login to the backup node"; Manual
     * fallback: the backup "disconnects all users that had been failed over"). Users the node now serves too: with
     * keep, their copies become live sessions with the same tokens, so their clients go on heartbeating with no new
     * login.
     */
    boolean apply(Set<Serving.Side> before, Set<Serving.Side> now) {
        // Without a peer to copy to, keep has nothing to move: sessions of a side let go end, as with relogin.
        SessionHandover.Mode mode = keeps() && sender != null ? SessionHandover.Mode.KEEP : SessionHandover.Mode.RELOGIN;
        SessionHandover.Plan plan = SessionHandover.plan(before, now, mode);
        boolean changed = false;
        for (Serving.Side side : plan.demote()) {
            int moved = book.demote(side);
            if (moved > 0) {
                LOG.info("{} handed {} session(s) of {} users to {}: the node no longer serves them", host.id(),
                        moved, whose(side), host.peer().orElse("its peer"));
                changed = true;
            }
        }
        for (Serving.Side side : plan.end()) {
            List<SessionBook.Entry> dropped = book.drop(side);
            if (!dropped.isEmpty()) {
                LOG.info("{} dropped {} session(s) of {} users: the node no longer serves them", host.id(),
                        dropped.size(), whose(side));
                changed = true;
            }
        }
        for (Serving.Side side : plan.promote()) {
            ReplicationReceiver.Status copies = receiver.status();
            int lackedBefore = copies.complete() ? 0 : Math.max(0, copies.peerSessions() - copies.copies());
            long began = System.nanoTime();
            SessionBook.Promotion p = book.promote(side, clock.instant());
            long tookMillis = (System.nanoTime() - began) / 1_000_000;
            int lost = lackedBefore + p.refused();
            if (p.promoted() == 0 && lost == 0) continue; // a start, or a side with no sessions
            lastHandover = new Handover(clock.instant().toString(), side.name(), p.promoted(), lost, copies.complete());
            if (lost > 0) {
                LOG.warn("{} took over {} users with {} session(s) kept and about {} lost: its standby copy was {}",
                        host.id(), whose(side), p.promoted(), lost,
                        copies.complete() ? "complete but licences ran out" : "not complete");
            } else {
                LOG.info("{} took over {} users with their {} session(s) in {} ms", host.id(), whose(side), p.promoted(),
                        tookMillis);
            }
            host.sessionsTakenOver(whose(side), p.promoted(), lost);
            changed = true;
        }
        return changed;
    }

    private static String whose(Serving.Side side) {
        return side == Serving.Side.OWN ? "its own" : "its peer's";
    }


    public Optional<Capacity> capacity() {
        ReplicationReceiver r = receiver;
        if (r == null) return Optional.empty();
        int own = book.liveCount();
        int peer = r.status().peerSessions();
        int max = config.maxSessions();
        return Optional.of(new Capacity(own, peer, max, own + peer <= max));
    }

    /** Warns once when the node could no longer carry both nodes' sessions, and once when it can again. */
    void checkCapacity() {
        Optional<Capacity> c = capacity();
        if (c.isEmpty()) return;
        boolean over = !c.get().enough();
        if (over == overCapacity) return;
        overCapacity = over;
        if (over) {
            LOG.warn("{} could not take over every session of its peer: {} of its own and {} of the peer's are more"
                    + " than its {} licences; a failover now would refuse {} of them", host.id(), c.get().own(),
                    c.get().peer(), c.get().max(), c.get().own() + c.get().peer() - c.get().max());
        } else {
            LOG.info("{} can again take over every session of its peer ({} + {} of {} licences)", host.id(),
                    c.get().own(), c.get().peer(), c.get().max());
        }
        host.capacityChanged(over, c.get().own(), c.get().peer(), c.get().max());
    }

    /** Empty without a peer to replicate to (or with handover relogin). */
    public Optional<Replication> replication() {
        ReplicationSender s = sender;
        ReplicationReceiver r = receiver;
        if (s == null || r == null) return Optional.empty();
        ReplicationSender.Status out = s.status();
        ReplicationReceiver.Status in = r.status();
        return Optional.of(new Replication("keep", out.connected(), out.ready(), out.sessionsSent(), out.batchesSent(),
                out.errors(), out.snapshots(), out.lastSnapshotMillis(), out.lagMillis(), out.pending(), in.complete(),
                in.copies(), in.peerSessions(), in.batches(), in.rejected(), lastHandover));
    }

    @Override
    public void close() {
        if (sender != null) sender.close();
        if (receiver != null) receiver.close();
    }
}
