package dev.tandem.node.runtime;

import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.transport.UdpTransport;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sockets of a node's recovery-manager protocol: this node's end of every heartbeat path, and one socket
 * connected to the peer's end of each (docs/redundancy.md, Heartbeat paths). Path 0 joins the two nodes' addresses;
 * the further heartbeatAddresses of both nodes are paired in order. What comes in on a path, and a refusal of what
 * went out on it, run on the protocol loop.
 */
final class PeerSockets implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerSockets.class);

    private final UdpTransport transport;
    /** This node's receiving socket of each path; path 0's is the transport's own (null here). */
    private final List<Channel> listening;
    /** A socket connected to the peer on each path, in the order of the paths; empty without a peer. */
    private final List<Channel> links;
    private final HeartbeatPaths paths;
    /** Paths whose messages this node drops unread, as a firewall would (bit i: path i). For tests. */
    private volatile int dropping;

    private PeerSockets(UdpTransport transport, List<Channel> listening, List<Channel> links, HeartbeatPaths paths) {
        this.transport = transport;
        this.listening = listening;
        this.links = links;
        this.paths = paths;
    }

    /**
     * @param onPacket  a message came on path {@code i} (called on {@code loop})
     * @param onRefused the peer's host refused a message sent on path {@code i} (called on {@code loop})
     */
    static PeerSockets open(NodeConfig config, int port, Executor loop, BiConsumer<Integer, byte[]> onPacket,
                            IntConsumer onRefused, Clock clock, NodeMetrics metrics, EventBus events)
            throws InterruptedException {
        NodeConfig.Member me = config.redundancyGroup().nodes().stream().filter(m -> m.id().equals(config.id()))
                .findFirst().orElseThrow();
        List<String> mine = new ArrayList<>(me.heartbeatPaths());
        mine.set(0, config.address());
        UdpTransport transport = new UdpTransport(new InetSocketAddress(mine.get(0), port),
                (bytes, from) -> loop.execute(() -> onPacket.accept(0, bytes)));
        List<Channel> listening = new ArrayList<>();
        listening.add(null);
        Optional<NodeConfig.Member> peer = config.redundancyGroup().nodes().stream()
                .filter(m -> !m.id().equals(config.id())).findFirst();
        int n = peer.map(p -> Math.min(p.heartbeatPaths().size(), mine.size())).orElse(1);
        if (peer.isPresent() && peer.get().heartbeatPaths().size() != mine.size()) {
            LOG.warn("this node lists {} heartbeat path(s) and its file lists {} for the peer {}: only the first {} are"
                    + " used", mine.size(), peer.get().heartbeatPaths().size(), peer.get().id(), n);
        }
        for (int i = 1; i < n; i++) {
            int path = i;
            listening.add(transport.listen(new InetSocketAddress(mine.get(i), port),
                    (bytes, from) -> loop.execute(() -> onPacket.accept(path, bytes))));
        }
        LOG.info("node {} of group {} listening on UDP {} port {}", config.id(), config.redundancyGroup().name(),
                String.join(", ", mine.subList(0, n)), port);
        if (peer.isEmpty()) return new PeerSockets(transport, listening, List.of(), null);
        List<HeartbeatPaths.Path> paths = new ArrayList<>();
        List<Channel> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int path = i;
            String to = i == 0 ? peer.get().address() : peer.get().heartbeatPaths().get(i);
            paths.add(new HeartbeatPaths.Path(i, mine.get(i), to));
            out.add(transport.connect(new InetSocketAddress(mine.get(i), 0), new InetSocketAddress(to, port),
                    () -> loop.execute(() -> onRefused.accept(path))));
        }
        return new PeerSockets(transport, listening, List.copyOf(out),
                new HeartbeatPaths(config.id(), peer.get().id(), paths, clock, metrics, events));
    }

    /** The heartbeat paths to the peer and what each has seen; null without a peer. */
    HeartbeatPaths paths() {
        return paths;
    }

    /** Whether messages on {@code path} are dropped unread (a test's firewall). */
    boolean dropping(int path) {
        return (dropping & 1 << path) != 0;
    }

    /** Sends one sealed message on every path to the peer; false without a peer. */
    boolean sendToPeer(byte[] sealed) {
        if (links.isEmpty()) return false;
        for (Channel link : links) UdpTransport.sendOn(link, sealed);
        paths.sent();
        return true;
    }

    /** Drops every message that comes on path {@code index} from now on, unrefused and unread. For tests. */
    void drop(int index) {
        dropping |= 1 << index;
    }

    /** Reads what comes on path {@code index} again. */
    void undrop(int index) {
        dropping &= ~(1 << index);
    }

    /**
     * Closes this node's receiving socket of path {@code index}, as a cut link or a stopped listener would: the peer's
     * messages on it are refused and this node hears nothing there. For tests.
     */
    void closeListener(int index) {
        Channel c = index == 0 ? null : listening.get(index);
        if (c != null) {
            c.close().awaitUninterruptibly();
        } else {
            transport.closeListener();
        }
    }

    @Override
    public void close() {
        transport.close();
    }
}
