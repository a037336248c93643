package dev.tandem.bench.protocol;

import dev.tandem.core.Effect;
import dev.tandem.core.NodeId;
import dev.tandem.core.Transition;
import dev.tandem.core.lb.LbEvent;
import dev.tandem.core.lb.LbMessage;
import dev.tandem.core.lb.LbPhase;
import dev.tandem.core.lb.LbState;
import dev.tandem.core.lb.Load;
import dev.tandem.core.lb.LoadBalancer;
import dev.tandem.core.lb.MemberName;
import dev.tandem.core.lb.SessionClass;
import dev.tandem.node.config.LbTimings;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.crypto.ClusterKey;
import dev.tandem.node.crypto.Envelope;
import dev.tandem.node.wire.LbCodec;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Many load-balancing members in one process, for measuring a real director against a large group without
 * starting a JVM per member. Each emulated member is the production machine ({@link LoadBalancer}) with its own
 * UDP socket on its own loopback address and the group port, speaking the real wire format ({@link LbCodec}) in
 * the real envelope ({@link Envelope}) with the cluster key: to the director it is indistinguishable from a node.
 * One thread runs every machine, as a node's event loop runs its one.
 */
public final class MemberEmulator implements AutoCloseable {
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "emulator-loop");
        t.setDaemon(true);
        return t;
    });
    private final List<Member> members = new ArrayList<>();
    private final Map<String, LongAdder> sent = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> received = new ConcurrentHashMap<>();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private volatile boolean closed;

    private final class Member {
        final NodeId id;
        final NodeConfig.LoadBalancing config;
        final DatagramSocket socket;
        final Envelope envelope;
        final Map<NodeId, InetSocketAddress> addresses = new HashMap<>();
        final Map<String, ScheduledFuture<?>> timers = new HashMap<>();
        LbState state;

        Member(NodeId id, NodeConfig.LoadBalancing config, DatagramSocket socket, Envelope envelope, LbState state) {
            this.id = id;
            this.config = config;
            this.socket = socket;
            this.envelope = envelope;
            this.state = state;
        }
    }

    /**
     * @param director the director's load-balancing configuration: every emulated member copies its group settings
     * @param secret   the cluster key's secret
     * @param hosts    one loopback address per emulated member
     */
    public MemberEmulator(NodeConfig.LoadBalancing director, String directorNode, String directorAddress,
                          String secret, List<String> hosts) throws SocketException {
        ClusterKey key = ClusterKey.fromSecret(secret);
        long epoch = System.currentTimeMillis();
        for (int i = 0; i < hosts.size(); i++) {
            String id = "e" + (i + 1);
            NodeConfig.LoadBalancing lb = new NodeConfig.LoadBalancing(director.clusterAddress(), director.clusterPort(),
                    director.mode(), true, 1, hosts.get(i), hosts.get(i), List.of(), false, null, director.model(),
                    director.maxSessions(), id, List.of(new NodeConfig.Member(directorNode, directorAddress)), "bind", null,
                    List.of(), List.of(), director.timing(), List.of(), NodeConfig.Redirect.defaults());
            DatagramSocket s = new DatagramSocket(new InetSocketAddress(hosts.get(i), director.clusterPort()));
            Envelope env = new Envelope(Optional.of(key), true, id, epoch);
            LbState st = LoadBalancer.initial(NodeId.of(id), MemberName.of(id),
                    LbTimings.group(lb, true, Optional.of(secret)), LbTimings.device(lb), LbTimings.from(lb.timing()));
            members.add(new Member(NodeId.of(id), lb, s, env, st));
        }
    }

    /** Every member starts, reporting a load between 0% and 99% of its sessions. */
    public void start() {
        Random r = new Random(42);
        for (Member m : members) {
            Thread t = new Thread(() -> receive(m), "emulator-" + m.id);
            t.setDaemon(true);
            t.start();
            int max = Math.max(1, m.config.maxSessions());
            Load load = Load.of(SessionClass.SSL, r.nextInt(max), max);
            loop.execute(() -> {
                step(m, new LbEvent.Start(Optional.empty()));
                step(m, new LbEvent.LoadChanged(load));
            });
        }
    }

    /** How many emulated members have joined a director. */
    public int joined() {
        try {
            return loop.submit(() -> (int) members.stream().filter(m -> m.state.phase() == LbPhase.MEMBER).count())
                    .get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return -1;
        }
    }

    /** Packets sent and received so far, by message type. */
    public Map<String, Long> sentByType() {
        return snapshot(sent);
    }

    public Map<String, Long> receivedByType() {
        return snapshot(received);
    }

    public long packetsSent() {
        return sent.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public long packetsReceived() {
        return received.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public long bytesSent() {
        return bytesSent.sum();
    }

    public long bytesReceived() {
        return bytesReceived.sum();
    }

    public long dropped() {
        return dropped.sum();
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> m) {
        Map<String, Long> out = new java.util.TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    private void receive(Member m) {
        byte[] buf = new byte[Envelope.MAX_PACKET + 1];
        while (!closed) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                m.socket.receive(p);
            } catch (IOException e) {
                return; // closed
            }
            byte[] bytes = java.util.Arrays.copyOf(p.getData(), p.getLength());
            InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();
            try {
                loop.execute(() -> packet(m, bytes, from));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                return; // the emulator is closing
            }
        }
    }

    private void packet(Member m, byte[] bytes, InetSocketAddress from) {
        try {
            Envelope.Opened o = m.envelope.open(bytes);
            if (o.kind() != LbCodec.KIND) return;
            LbMessage msg = LbCodec.decode(o.payload());
            received.computeIfAbsent(msg.getClass().getSimpleName(), k -> new LongAdder()).increment();
            bytesReceived.add(bytes.length);
            m.addresses.put(msg.from(), new InetSocketAddress(from.getAddress(), m.config.clusterPort()));
            step(m, new LbEvent.Received(msg));
        } catch (Envelope.Dropped | dev.tandem.node.wire.Malformed e) {
            dropped.increment();
        }
    }

    private void step(Member m, LbEvent event) {
        if (closed) return;
        Transition<LbState> t = LoadBalancer.step(m.state, event, Instant.now());
        m.state = t.state();
        for (Effect e : t.effects()) execute(m, e);
    }

    private void execute(Member m, Effect e) {
        switch (e) {
            case Effect.Send s -> {
                InetSocketAddress to = m.addresses.get(s.to());
                if (to != null) transmit(m, to, (LbMessage) s.message());
            }
            case Effect.SendToCluster c -> transmit(m, new InetSocketAddress(m.config.clusterAddress(),
                    m.config.clusterPort()), (LbMessage) c.message());
            case Effect.SendToGroup g -> {
                for (NodeConfig.Member peer : m.config.peers()) {
                    transmit(m, new InetSocketAddress(peer.address(), m.config.clusterPort()), (LbMessage) g.message());
                }
            }
            case Effect.SetTimer st -> {
                ScheduledFuture<?> old = m.timers.remove(st.name());
                if (old != null) old.cancel(false);
                long delay = Math.max(0, Duration.between(Instant.now(), st.deadline()).toNanos());
                m.timers.put(st.name(), loop.schedule(() -> {
                    m.timers.remove(st.name());
                    step(m, new LbEvent.TimerFired(st.name()));
                }, delay, TimeUnit.NANOSECONDS));
            }
            case Effect.CancelTimer ct -> {
                ScheduledFuture<?> old = m.timers.remove(ct.name());
                if (old != null) old.cancel(false);
            }
            // An emulated member never serves the cluster address: it has the lowest priority and joins a working
            // director, and the measurement stops should one ever try.
            case Effect.ClaimAddress c -> throw new IllegalStateException(m.id + " was elected director: the real director is gone");
            default -> { }
        }
    }

    private void transmit(Member m, InetSocketAddress to, LbMessage msg) {
        byte[] packet = m.envelope.seal(LbCodec.KIND, LbCodec.encode(msg));
        try {
            m.socket.send(new DatagramPacket(packet, packet.length, to));
            sent.computeIfAbsent(msg.getClass().getSimpleName(), k -> new LongAdder()).increment();
            bytesSent.add(packet.length);
        } catch (IOException ex) {
            dropped.increment();
        }
    }

    @Override
    public void close() {
        closed = true;
        loop.shutdownNow();
        for (Member m : members) m.socket.close();
    }
}
