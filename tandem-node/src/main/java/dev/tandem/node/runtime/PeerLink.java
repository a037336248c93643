package dev.tandem.node.runtime;

import dev.tandem.api.RedundancyAnswers;
import dev.tandem.core.Effect;
import dev.tandem.core.NodeId;
import dev.tandem.core.Quote;
import dev.tandem.core.rm.RecoveryManager;
import dev.tandem.core.rm.RedundancyGroup;
import dev.tandem.core.rm.RmEvent;
import dev.tandem.core.rm.RmMessage;
import dev.tandem.core.rm.RmState;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.crypto.Envelope;
import dev.tandem.node.wire.RmCodec;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A node's recovery-manager link to its peer over the heartbeat paths (docs/redundancy.md, Heartbeat paths): it opens
 * what comes in and hands the peer's messages to the recovery manager, and seals and sends the core's messages. Every
 * callback runs on the protocol loop.
 */
final class PeerLink implements AutoCloseable {
    private final NodeId self;
    private final RedundancyGroup group;
    private final NodeMetrics metrics;
    private final Envelope envelope;
    private final RmWire wire;
    /** The recovery manager's state now: its timing parameters and the peer's versions. */
    private final Supplier<RmState> rm;
    private final BooleanSupplier stopped;
    private final Consumer<RmEvent> step;
    /** Null for a message that comes while the sockets are still opening. */
    private volatile PeerSockets sockets;
    /** When the last message went to the peer (nanoTime), for the watchdog; IDLE before any. */
    private volatile long lastSent = ProtocolLoop.IDLE;

    private PeerLink(NodeId self, RedundancyGroup group, NodeMetrics metrics, Envelope envelope, RmWire wire,
                     Supplier<RmState> rm, BooleanSupplier stopped, Consumer<RmEvent> step) {
        this.self = self;
        this.group = group;
        this.metrics = metrics;
        this.envelope = envelope;
        this.wire = wire;
        this.rm = rm;
        this.stopped = stopped;
        this.step = step;
    }

    /** Opens the heartbeat paths and has each path's state reconsidered every probe interval. */
    static PeerLink open(NodeConfig config, ProtocolLoop loop, Clock clock, NodeMetrics metrics, EventBus events,
                         Envelope envelope, RmWire wire, RedundancyGroup group, Supplier<RmState> rm,
                         BooleanSupplier stopped, Consumer<RmEvent> step) throws InterruptedException {
        PeerLink link = new PeerLink(NodeId.of(config.id()), group, metrics, envelope, wire, rm, stopped, step);
        link.sockets = PeerSockets.open(config, rm.get().params().servicePort(), loop, link::packet, link::refused,
                clock, metrics, events);
        HeartbeatPaths paths = link.sockets.paths();
        if (paths != null) {
            long tick = RecoveryManager.probeInterval(rm.get().params()).toMillis();
            loop.scheduleWithFixedDelay(() -> {
                if (!stopped.getAsBoolean()) paths.reconsider(rm.get().params().keepAliveTimeout());
            }, tick, tick, TimeUnit.MILLISECONDS);
        }
        return link;
    }

    private void packet(int path, byte[] bytes) {
        PeerSockets s = sockets;
        if (stopped.getAsBoolean() || s == null || s.dropping(path)) return;
        HeartbeatPaths paths = s.paths();
        Inbound.open(envelope, bytes, RmCodec.KIND, wire::decode, metrics, "recovery manager",
                paths == null ? Inbound.Copies.NONE : paths.on(path)).ifPresent(m -> {
            // Sealed with the cluster key, yet from no peer of this node: the core would ignore it; drop and count it.
            if (!m.group().equals(group.name()) || !group.peerOf(self).map(m.from()::equals).orElse(false)) {
                metrics.dropped("not_peer", "recovery manager: a message from " + m.from() + " of group '"
                        + Quote.prefix(m.group()) + "', not from this node's peer");
                return;
            }
            metrics.received();
            step.accept(new RmEvent.Received(m));
        });
    }

    /** The peer's host refused a message on a heartbeat path: the recovery manager hears of it only if no path works. */
    private void refused(int path) {
        PeerSockets s = sockets;
        if (stopped.getAsBoolean() || s == null) return;
        metrics.refused();
        if (s.paths().refused(path, rm.get().params().keepAliveTimeout())) step.accept(new RmEvent.PeerRefused());
    }

    /** Sends one of the core's messages to the peer, if it is for the peer. */
    void send(Effect.Send s) {
        if (!(s.message() instanceof RmMessage m)) return;
        if (!group.peerOf(self).filter(s.to()::equals).isPresent()) return;
        // Sealed once: the copies on the other paths are the same message, which the peer accepts once.
        byte[] sealed = envelope.seal(RmCodec.KIND, wire.encode(m, rm.get().peer().versions()));
        if (!sockets.sendToPeer(sealed)) return;
        lastSent = System.nanoTime();
        metrics.sent();
    }

    /** When the last message went to the peer (nanoTime); {@link ProtocolLoop#IDLE} before any. */
    long lastSent() {
        return lastSent;
    }

    /** The peer was just found down (or back): the paths say so in the same instant, not at their next tick. */
    void peerChanged() {
        HeartbeatPaths p = sockets.paths();
        if (p != null && !stopped.getAsBoolean()) p.reconsider(rm.get().params().keepAliveTimeout());
    }

    /** The heartbeat paths to the peer and whether each works now; empty without a peer. */
    List<RedundancyAnswers.HeartbeatPath> views() {
        HeartbeatPaths p = sockets.paths();
        return p == null ? List.of() : p.views();
    }

    /** Closes this node's receiving socket of path {@code index}, as a cut link would. For tests. */
    void closeListener(int index) {
        sockets.closeListener(index);
    }

    /** Drops every message that comes on path {@code index} from now on, unrefused and unread. For tests. */
    void drop(int index) {
        sockets.drop(index);
    }

    /** Reads what comes on path {@code index} again, after {@link #drop}. For tests. */
    void undrop(int index) {
        sockets.undrop(index);
    }

    @Override
    public void close() {
        sockets.close();
    }
}
