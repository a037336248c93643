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
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends this node's sessions to its redundancy peer (docs/session-service.md, Stateful failover): on every
 * connection a snapshot of every session it knows (live, and the copies it holds, which a peer that lost its memory
 * needs back), then every change in the order the book made it. The book calls it inside
 * its lock ({@link SessionBook.Journal}), so a change is only queued there; one thread writes, another reads the
 * peer's acknowledgements. A login asks {@link #acknowledged} whether the peer holds it; the answer comes by the ack
 * or, at the latest, after the ack timeout (docs/decisions/0071-sessions-follow-their-users.md).
 */
final class ReplicationSender implements SessionBook.Journal, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicationSender.class);
    /** A batch's copies fill at most this much of a frame, under {@link Envelope#MAX_PACKET} with header and tag. */
    private static final int BATCH_BYTES = 12 * 1024;
    /**
     * Changes queued while the peer reads nothing (a stopped process whose socket buffers are full). Past this the
     * link is dropped and a snapshot sent on the next connection instead, so memory stays bounded.
     */
    private static final int MAX_PENDING = 65_536;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** Reconnecting: 50 ms at first (a peer restarting is back within a few), then doubling to a second. */
    private static final Duration FIRST_RETRY = Duration.ofMillis(50);
    private static final Duration LONGEST_RETRY = Duration.ofSeconds(1);

    private record Op(long n, Copy upsert, String ended) {}

    /** A batch on its way: its number, the last change it carries (or -1), and when it was sent. */
    private record InFlight(long seq, long lastOp, boolean snapshotEnd, long sentNanos) {}

    /** Told when a link that was up breaks: the node probes its peer at once (decision 0080). */
    private final Runnable linkLost;
    private final String self;
    private final String peer;
    private final InetSocketAddress peerAt;
    private final String bindFrom;
    private final SessionBook book;
    private final Duration ackTimeout;
    private final BiConsumer<String, String> dropped;
    private final Envelope sealer;
    private final Envelope opener;
    private final Thread writer;
    /** This process, new with every start (the envelope epoch): tells the peer whether this node lost its memory. */
    private final long incarnation;

    private final Object lock = new Object();
    // Guarded by lock.
    private final ArrayDeque<Op> pending = new ArrayDeque<>();
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    private final TreeMap<Long, List<CompletableFuture<Boolean>>> waiters = new TreeMap<>();
    private boolean streaming;
    /** The peer acknowledged something on this connection: only then is its loss news to the node. */
    private boolean heard;
    private long lastOp;
    private long batchSeq;
    private long ackedOp = -1;
    private Socket socket;
    private boolean closed;

    private volatile boolean ready;
    private volatile boolean connected;
    private final AtomicLong sessionsSent = new AtomicLong();
    private final AtomicLong batchesSent = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong snapshots = new AtomicLong();
    /** From the start of the last snapshot until the peer acknowledged its last frame. */
    private volatile long lastSnapshotMillis = -1;
    private volatile long snapshotStartNanos;

    /**
     * @param bindFrom this node's address, the source of the connection (the peer checks nothing by it, but the
     *                 path is the heartbeats' own)
     */
    ReplicationSender(String self, String peer, InetSocketAddress peerAt, String bindFrom, SessionBook book,
                      Duration ackTimeout, Envelope sealer, Envelope opener, BiConsumer<String, String> dropped,
                      long incarnation, Runnable linkLost) {
        this.incarnation = incarnation;
        this.linkLost = linkLost;
        this.self = self;
        this.peer = peer;
        this.peerAt = peerAt;
        this.bindFrom = bindFrom;
        this.book = book;
        this.ackTimeout = ackTimeout;
        this.sealer = sealer;
        this.opener = opener;
        this.dropped = dropped;
        this.writer = new Thread(this::run, "tandem-replication-to-" + peer);
        this.writer.setDaemon(true);
    }

    ReplicationSender start() {
        writer.start();
        return this;
    }

    // ---------------------------------------------------------------- the book's journal (inside its lock)

    @Override
    public void changed(Copy copy) {
        queue(new Op(0, copy, null));
    }

    @Override
    public void ended(String token) {
        queue(new Op(0, null, token));
    }

    private void queue(Op op) {
        synchronized (lock) {
            // Not streaming: the snapshot of the next connection carries the change.
            if (!streaming) return;
            lastOp++;
            pending.add(new Op(lastOp, op.upsert(), op.ended()));
            if (pending.size() > MAX_PENDING) {
                breakLink("the peer read none of the last " + MAX_PENDING + " changes");
            }
            lock.notifyAll();
        }
    }

    // ---------------------------------------------------------------- logins

    /** The newest change queued so far: a login's own change is at or before it. */
    long mark() {
        synchronized (lock) {
            return lastOp;
        }
    }

    /**
     * True once the peer has applied every change up to {@code mark}; false at once when the standby is not ready
     * (no peer, or its copy is incomplete), and false after the ack timeout, which also marks the standby not
     * ready until the peer catches up.
     */
    CompletableFuture<Boolean> acknowledged(long mark) {
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        synchronized (lock) {
            // Not streaming: the change was not even queued (the next connection's snapshot carries it).
            if (!streaming) return CompletableFuture.completedFuture(false);
            if (ackedOp >= mark) return CompletableFuture.completedFuture(true);
            if (!ready) return CompletableFuture.completedFuture(false);
            waiters.computeIfAbsent(mark, k -> new ArrayList<>(1)).add(f);
        }
        f.completeOnTimeout(false, ackTimeout.toMillis(), TimeUnit.MILLISECONDS).thenAccept(ok -> {
            if (!ok) lagging(mark);
        });
        return f;
    }

    private void lagging(long mark) {
        synchronized (lock) {
            if (ackedOp >= mark || !ready) return;
            ready = false;
        }
        errors.incrementAndGet();
        LOG.warn("{}: {} did not acknowledge a session within {} ms: its standby copy is not ready until it catches up",
                self, peer, ackTimeout.toMillis());
    }

    // ---------------------------------------------------------------- the writer

    private void run() {
        Duration retry = FIRST_RETRY;
        boolean warned = false;
        while (!isClosed()) {
            Socket s = new Socket();
            try {
                s.bind(new InetSocketAddress(bindFrom, 0));
                s.connect(peerAt, (int) CONNECT_TIMEOUT.toMillis());
                s.setTcpNoDelay(true);
            } catch (IOException e) {
                closeQuietly(s);
                if (!warned) {
                    LOG.info("{}: no session replication to {} at {} yet ({}); retrying", self, peer, peerAt, e.getMessage());
                    warned = true;
                }
                sleep(retry);
                retry = longer(retry);
                continue;
            }
            try {
                stream(s);
            } catch (IOException | RuntimeException e) {
                if (!isClosed()) {
                    errors.incrementAndGet();
                    LOG.warn("{}: session replication to {} broke: {}", self, peer, e.toString());
                }
            } finally {
                breakLink(null);
            }
            boolean worked;
            synchronized (lock) {
                worked = heard;
            }
            if (worked) {
                retry = FIRST_RETRY; // a link that worked is tried again at once
                warned = false;
            } else {
                sleep(retry); // a peer that takes connections and answers none is not hammered
                retry = longer(retry);
            }
        }
    }

    private static Duration longer(Duration retry) {
        Duration twice = retry.multipliedBy(2);
        return twice.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : twice;
    }

    private void stream(Socket s) throws IOException {
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 64 << 10));
        List<Copy> snapshot;
        long mark;
        synchronized (lock) {
            if (closed) return;
            socket = s;
            heard = false;
        }
        // The snapshot and the stream after it: taken with the book's lock held, so no change falls between them.
        record Start(List<Copy> copies, long mark) {}
        Start start = book.locked(() -> {
            synchronized (lock) {
                pending.clear();
                streaming = true;
                return new Start(book.knownCopies(), lastOp);
            }
        });
        snapshot = start.copies();
        mark = start.mark();
        connected = true;
        Thread acks = new Thread(() -> readAcks(s), "tandem-replication-acks-" + peer);
        acks.setDaemon(true);
        acks.start();
        long began = System.nanoTime();
        snapshotStartNanos = began;
        List<List<Copy>> parts = split(snapshot);
        for (int i = 0; i < parts.size(); i++) {
            boolean last = i == parts.size() - 1;
            send(out, parts.get(i), List.of(), i == 0, last, last ? mark : -1);
        }
        out.flush();
        snapshots.incrementAndGet();
        LOG.info("{}: sent a snapshot of {} session(s) to {} in {} ms", self, snapshot.size(), peer,
                (System.nanoTime() - began) / 1_000_000);
        while (true) {
            List<Copy> upserts = new ArrayList<>();
            List<String> ended = new ArrayList<>();
            long last;
            synchronized (lock) {
                while (pending.isEmpty() && socket == s && !closed) {
                    try {
                        lock.wait(1000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                if (socket != s || closed) return;
                int bytes = 0;
                last = -1;
                while (!pending.isEmpty() && bytes < BATCH_BYTES) {
                    Op op = pending.poll();
                    if (op.upsert() != null) {
                        upserts.add(op.upsert());
                        bytes += op.upsert().wireSize();
                    } else {
                        ended.add(op.ended());
                        bytes += 4 + op.ended().length() * 3;
                    }
                    last = op.n();
                }
            }
            send(out, upserts, ended, false, false, last);
            // More queued: fill the next frame before the flush; nothing: send now.
            boolean more;
            synchronized (lock) {
                more = !pending.isEmpty();
            }
            if (!more) out.flush();
        }
    }

    private void send(DataOutputStream out, List<Copy> upserts, List<String> ended, boolean snapshotStart,
                      boolean snapshotEnd, long lastOpIn) throws IOException {
        long seq;
        synchronized (lock) {
            seq = ++batchSeq;
            inFlight.add(new InFlight(seq, lastOpIn, snapshotEnd, System.nanoTime()));
        }
        var batch = new ReplicationCodec.Batch(seq, incarnation, snapshotStart, snapshotEnd, book.liveCount(), upserts, ended);
        Frames.write(out, sealer.seal(ReplicationCodec.KIND, ReplicationCodec.encode(batch)));
        batchesSent.incrementAndGet();
        sessionsSent.addAndGet(upserts.size());
    }

    /** The snapshot in frames; an empty snapshot is one empty frame (it still tells the peer it has everything). */
    private static List<List<Copy>> split(List<Copy> all) {
        List<List<Copy>> parts = new ArrayList<>();
        List<Copy> part = new ArrayList<>();
        int bytes = 0;
        for (Copy c : all) {
            if (bytes + c.wireSize() > BATCH_BYTES && !part.isEmpty()) {
                parts.add(part);
                part = new ArrayList<>();
                bytes = 0;
            }
            part.add(c);
            bytes += c.wireSize();
        }
        parts.add(part);
        return parts;
    }

    // ---------------------------------------------------------------- acknowledgements

    private void readAcks(Socket s) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()))) {
            while (true) {
                byte[] frame = Frames.read(in);
                if (frame == null) break;
                Envelope.Opened o;
                synchronized (opener) {
                    o = opener.open(frame);
                }
                if (o.kind() != ReplicationCodec.KIND || !o.sender().equals(peer)) {
                    dropped.accept(o.kind() != ReplicationCodec.KIND ? "unknown_kind" : "unknown_sender",
                            "session replication: an acknowledgement from " + o.sender() + " of kind " + o.kind());
                    break;
                }
                if (!(ReplicationCodec.decode(o.payload()) instanceof ReplicationCodec.Ack ack)) {
                    dropped.accept("malformed", "session replication: not an acknowledgement from " + peer);
                    break;
                }
                acked(ack.seq());
            }
        } catch (Envelope.Dropped d) {
            dropped.accept(d.drop().name().toLowerCase(java.util.Locale.ROOT), "session replication: " + d.getMessage());
        } catch (Frames.BadFrame b) {
            dropped.accept(b.cause, "session replication: " + b.getMessage());
        } catch (Malformed m) {
            dropped.accept("malformed", "session replication: " + m.getMessage() + " from " + peer);
        } catch (IOException e) {
            // the writer sees the same broken connection
        }
        synchronized (lock) {
            if (socket == s) breakLink("the acknowledgements from " + peer + " stopped");
        }
    }

    private void acked(long seq) {
        List<CompletableFuture<Boolean>> done = new ArrayList<>();
        synchronized (lock) {
            heard = true;
            while (!inFlight.isEmpty() && inFlight.peek().seq() <= seq) {
                InFlight f = inFlight.poll();
                if (f.lastOp() > ackedOp) ackedOp = f.lastOp();
                if (f.snapshotEnd()) {
                    ready = true;
                    lastSnapshotMillis = (System.nanoTime() - snapshotStartNanos) / 1_000_000;
                }
            }
            // A standby that lagged is ready again once it has caught up with everything sent.
            if (!ready && streaming && inFlight.isEmpty() && pending.isEmpty() && ackedOp >= 0) ready = true;
            Map<Long, List<CompletableFuture<Boolean>>> head = waiters.headMap(ackedOp, true);
            head.values().forEach(done::addAll);
            head.clear();
        }
        done.forEach(f -> f.complete(true));
    }

    // ---------------------------------------------------------------- the link

    /** Ends the connection; a snapshot goes on the next. Called with or without {@code lock} held. */
    private void breakLink(String why) {
        List<CompletableFuture<Boolean>> left = new ArrayList<>();
        boolean lost = false;
        synchronized (lock) {
            Socket s = socket;
            boolean wasUp = streaming;
            // A connection the peer never acknowledged on (its listener closing as we reconnected, say) tells the
            // node nothing the loss before it did not: one probe per link that worked (decision 0080).
            boolean wasHeard = wasUp && heard;
            socket = null;
            streaming = false;
            ready = false;
            connected = false;
            pending.clear();
            inFlight.clear();
            waiters.values().forEach(left::addAll);
            waiters.clear();
            lock.notifyAll();
            if (s != null) closeQuietly(s);
            if (why != null && wasUp) {
                errors.incrementAndGet();
                LOG.warn("{}: session replication to {} dropped: {}; a snapshot follows on reconnecting", self, peer, why);
                lost = wasHeard;
            }
        }
        left.forEach(f -> f.complete(false));
        if (lost) linkLost.run(); // the peer's process may be gone: probe it now (decision 0080)
    }

    /** What the link is doing, for the API, the CLI and the metrics. */
    record Status(boolean connected, boolean ready, long sessionsSent, long batchesSent, long errors, long snapshots,
                  long lastSnapshotMillis, long lagMillis, int pending) {}

    Status status() {
        long lag;
        int queued;
        synchronized (lock) {
            InFlight oldest = inFlight.peek();
            lag = oldest == null ? 0 : (System.nanoTime() - oldest.sentNanos()) / 1_000_000;
            queued = pending.size();
        }
        return new Status(connected, ready, sessionsSent.get(), batchesSent.get(), errors.get(), snapshots.get(),
                lastSnapshotMillis, lag, queued);
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
        breakLink(null);
        writer.interrupt();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing a socket that is already broken
        }
    }
}
