package dev.tandem.node.session;

import dev.tandem.node.crypto.Envelope;
import dev.tandem.node.wire.Malformed;
import dev.tandem.node.wire.ReplicationCodec;
import dev.tandem.node.wire.ReplicationCodec.Copy;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the redundancy peer's sessions as standby copies (docs/session-service.md, Stateful failover). One
 * connection at a time, from the peer only: every frame must open in the cluster key's envelope (replays, a wrong
 * key or an altered frame are dropped), come from the peer's id and decode whole; anything else is counted and the
 * connection closed, so nothing of a bad frame is applied and the peer starts again with a snapshot. Each batch is
 * applied whole, then acknowledged.
 *
 * <p>A new connection takes over from the current one only once its first frame has proved it the peer's: anyone
 * else who connects (a port scanner, a load balancer's health check, an attacker) is dropped without cutting the
 * peer's stream, which would leave the standby without a whole copy until the next snapshot. A connection must send
 * its first frame within {@link #FIRST_FRAME}, and at most {@link #MAX_UNPROVEN} may wait to do so (a newcomer closes
 * the oldest), so that silent connections can neither pile up threads nor keep the peer from connecting.
 */
final class ReplicationReceiver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicationReceiver.class);

    private final String self;
    private final String peer;
    private final SessionBook book;
    private final Envelope envelope;
    private final BiConsumer<String, String> dropped;
    private final ServerSocket server;
    private final Thread acceptor;
    private volatile Socket current;
    private volatile boolean closed;
    /** The copies are the peer's whole set: a snapshot arrived whole and the connection it came on is still up. */
    private volatile boolean complete;
    /** How many sessions the peer said it holds, in its last batch. */
    private volatile int announced;
    private final AtomicLong batches = new AtomicLong();
    /** The peer's process the copies came from, or 0 before the first snapshot. */
    private long peerIncarnation;
    private final java.util.function.Supplier<java.util.Set<dev.tandem.core.rm.Serving.Side>> serving;
    private final java.time.Clock clock;
    private final AtomicLong rejected = new AtomicLong();
    static final Duration FIRST_FRAME = Duration.ofSeconds(5);
    static final int MAX_UNPROVEN = 4;
    /** Connections whose first frame has not come yet, oldest first. */
    private final java.util.concurrent.ConcurrentLinkedDeque<Socket> unproven = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private volatile Duration firstFrame = FIRST_FRAME;

    ReplicationReceiver(String self, String peer, InetSocketAddress listenAt, SessionBook book, Envelope envelope,
                        BiConsumer<String, String> dropped,
                        java.util.function.Supplier<java.util.Set<dev.tandem.core.rm.Serving.Side>> serving,
                        java.time.Clock clock) throws IOException {
        this.serving = serving;
        this.clock = clock;
        this.self = self;
        this.peer = peer;
        this.book = book;
        this.envelope = envelope;
        this.dropped = dropped;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(listenAt);
        this.acceptor = new Thread(this::accept, "tandem-replication-from-" + peer);
        acceptor.setDaemon(true);
    }

    ReplicationReceiver start() {
        acceptor.start();
        LOG.info("{} takes copies of {}'s sessions on TCP {}", self, peer, server.getLocalSocketAddress());
        return this;
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!closed) LOG.warn("{}: accepting session replication failed: {}", self, e.toString());
                continue;
            }
            while (unproven.size() >= MAX_UNPROVEN) {
                Socket oldest = unproven.pollFirst();
                if (oldest == null) break;
                reject("too_many_connections", "a connection from " + oldest.getInetAddress().getHostAddress()
                        + " closed before its first frame: " + MAX_UNPROVEN + " newer ones wait for theirs");
                closeQuietly(oldest);
            }
            unproven.addLast(s);
            Thread t = new Thread(() -> read(s), "tandem-replication-reader-" + peer);
            t.setDaemon(true);
            t.start();
        }
    }

    /** How long a new connection may take to send its first frame (shorter in tests). */
    void firstFrameTimeout(Duration d) {
        firstFrame = d;
    }

    private void read(Socket s) {
        Map<String, Copy> staging = null;
        boolean proven = false;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 64 << 10));
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()))) {
            s.setTcpNoDelay(true);
            s.setSoTimeout((int) firstFrame.toMillis());
            while (!closed) {
                byte[] frame = Frames.read(in);
                if (frame == null) break;
                Envelope.Opened o;
                synchronized (envelope) {
                    o = envelope.open(frame);
                }
                if (o.kind() != ReplicationCodec.KIND) {
                    reject("unknown_kind", "message kind " + o.kind() + " from " + o.sender());
                    break;
                }
                if (!o.sender().equals(peer)) {
                    reject("unknown_sender", "from " + o.sender() + ", which is not the peer " + peer);
                    break;
                }
                if (!(ReplicationCodec.decode(o.payload()) instanceof ReplicationCodec.Batch b)) {
                    reject("malformed", "an acknowledgement where a batch belongs, from " + peer);
                    break;
                }
                if (!proven) {
                    // The peer's, beyond doubt: this connection is the stream now, and one the peer had is over.
                    proven = true;
                    unproven.remove(s);
                    s.setSoTimeout(0);
                    Socket before = current;
                    current = s;
                    if (before != null) closeQuietly(before);
                }
                if (b.snapshotStart()) {
                    staging = new HashMap<>();
                    complete = false;
                }
                if (staging != null) {
                    for (Copy c : b.upserts()) staging.put(c.token(), c);
                    for (String t : b.ended()) staging.remove(t);
                    if (b.snapshotEnd()) {
                        boolean restarted = b.incarnation() != peerIncarnation;
                        peerIncarnation = b.incarnation();
                        SessionBook.Merge m = book.mergeSnapshot(staging, restarted, serving.get(), clock.instant());
                        staging = null;
                        complete = true;
                        LOG.info("{} holds a standby copy of {}'s {} session(s){}{}", self, peer, book.copyCount(),
                                m.adopted() > 0 ? "; " + m.adopted() + " it serves became live here" : "",
                                m.orphansKept() > 0 ? "; " + m.orphansKept() + " the peer lost are kept" : "");
                    }
                } else {
                    book.applyCopies(b.upserts(), b.ended());
                }
                announced = b.sessions();
                batches.incrementAndGet();
                byte[] ack;
                synchronized (envelope) {
                    ack = envelope.seal(ReplicationCodec.KIND, ReplicationCodec.encode(new ReplicationCodec.Ack(b.seq())));
                }
                Frames.write(out, ack);
                if (in.available() == 0) out.flush(); // acknowledge a burst once, at its end
            }
        } catch (Envelope.Dropped d) {
            reject(d.drop().name().toLowerCase(Locale.ROOT), d.getMessage());
        } catch (Frames.BadFrame b) {
            reject(b.cause, b.getMessage());
        } catch (Malformed m) {
            reject("malformed", m.getMessage() + " from " + peer);
        } catch (java.net.SocketTimeoutException e) {
            reject("silent", "a connection from " + s.getInetAddress().getHostAddress() + " sent no frame within "
                    + firstFrame.toMillis() + " ms");
        } catch (IOException e) {
            // the peer went away or reconnected; its next connection starts with a snapshot
        } finally {
            if (!proven) unproven.remove(s);
            closeQuietly(s);
            if (current == s) complete = false;
        }
    }

    private void reject(String cause, String detail) {
        rejected.incrementAndGet();
        dropped.accept(cause, "session replication: " + detail + "; connection closed, nothing of it applied");
    }

    /** What arrived, for the API, the CLI and the metrics. */
    record Status(boolean complete, int copies, int peerSessions, long batches, long rejected) {}

    Status status() {
        return new Status(complete, book.copyCount(), announced, batches.get(), rejected.get());
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        Socket s = current;
        if (s != null) closeQuietly(s);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already broken
        }
    }
}
