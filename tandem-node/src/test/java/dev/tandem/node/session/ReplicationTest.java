package dev.tandem.node.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tandem.core.rm.Serving;
import dev.tandem.node.crypto.ClusterKey;
import dev.tandem.node.crypto.Envelope;
import dev.tandem.node.wire.Malformed;
import dev.tandem.node.wire.ReplicationCodec;
import dev.tandem.node.wire.ReplicationCodec.Copy;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The replication stream of docs/session-service.md, Stateful failover, on real sockets (127.0.40.51): what n1
 * sends, n2 holds as copies and acknowledges; and every hostile frame (a wrong key, a replay, a truncation, an
 * unknown sender, an oversized length, a payload that does not decode) is dropped, counted by cause and never
 * applied.
 */
class ReplicationTest {
    private static final String HOST = "127.0.40.51";
    private static final Duration INACTIVE = Duration.ofSeconds(3);
    private static final ClusterKey KEY = ClusterKey.fromSecret("the-replication-test-key");
    private static final ClusterKey OTHER = ClusterKey.fromSecret("some-other-cluster-key!!");

    private final List<AutoCloseable> open = new ArrayList<>();
    private final ConcurrentLinkedQueue<String> drops = new ConcurrentLinkedQueue<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
    }

    private static SessionBook book(String self, String peer) {
        return new SessionBook(self, peer, 100, INACTIVE, Duration.ofMinutes(30), 10, 5);
    }

    private ReplicationReceiver receiver(SessionBook book) throws IOException {
        ReplicationReceiver r = new ReplicationReceiver("n2", "n1", new InetSocketAddress(HOST, 0), book,
                new Envelope(Optional.of(KEY), true, "n2", 1), (cause, detail) -> drops.add(cause), () -> Set.of(),
                java.time.Clock.systemUTC()).start();
        open.add(r);
        return r;
    }

    private static Copy copy(String token, String user) {
        return new Copy(token, user, "10.1.1.1", "n1", 1_000, 2_000, -1);
    }

    private static byte[] batch(Envelope sender, long seq, boolean start, boolean end, List<Copy> up, List<String> ended) {
        return sender.seal(ReplicationCodec.KIND, ReplicationCodec.encode(
                new ReplicationCodec.Batch(seq, 1, start, end, up.size(), up, ended)));
    }

    private static void send(Socket s, byte[] frame) throws IOException {
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        Frames.write(out, frame);
        out.flush();
    }

    private static long ack(Socket s, Envelope opener) throws Exception {
        s.setSoTimeout(5_000);
        byte[] f = Frames.read(new DataInputStream(s.getInputStream()));
        assertThat(f).as("an acknowledgement").isNotNull();
        Envelope.Opened o = opener.open(f);
        assertThat(o.sender()).isEqualTo("n2");
        return ((ReplicationCodec.Ack) ReplicationCodec.decode(o.payload())).seq();
    }

    /** The receiver closed the connection: a read ends. */
    private static boolean closedByPeer(Socket s) throws IOException {
        s.setSoTimeout(5_000);
        try {
            return s.getInputStream().read() == -1;
        } catch (IOException e) {
            return true;
        }
    }

    private Socket connect(ReplicationReceiver r) throws IOException {
        Socket s = new Socket(HOST, r.port());
        open.add(s);
        return s;
    }

    @Test
    void aSnapshotThenChangesBecomeCopiesAndEachBatchIsAcknowledged() throws Exception {
        SessionBook book = book("n2", "n1");
        ReplicationReceiver r = receiver(book);
        Envelope n1 = new Envelope(Optional.of(KEY), true, "n1", 7);
        Envelope acks = new Envelope(Optional.of(KEY), true, "n1", 7);
        Socket s = connect(r);
        send(s, batch(n1, 1, true, false, List.of(copy("t1", "alice")), List.of()));
        assertThat(ack(s, acks)).isEqualTo(1);
        assertThat(r.status().complete()).isFalse(); // half a snapshot is not a copy of everything
        send(s, batch(n1, 2, false, true, List.of(copy("t2", null)), List.of()));
        assertThat(ack(s, acks)).isEqualTo(2);
        assertThat(r.status().complete()).isTrue();
        assertThat(book.copyCount()).isEqualTo(2);
        send(s, batch(n1, 3, false, false, List.of(copy("t3", "bob")), List.of("t1")));
        assertThat(ack(s, acks)).isEqualTo(3);
        assertThat(book.copy("t1")).isEmpty();
        assertThat(book.copy("t3")).isPresent();
        assertThat(drops).isEmpty();

        // A new snapshot replaces what was known.
        Socket again = connect(r);
        send(again, batch(n1, 4, true, true, List.of(copy("t9", "carol")), List.of()));
        assertThat(ack(again, acks)).isEqualTo(4);
        assertThat(book.copyCount()).isEqualTo(1);
        assertThat(book.copy("t9")).isPresent();
    }

    @Test
    void hostileFramesAreDroppedCountedAndNeverApplied() throws Exception {
        SessionBook book = book("n2", "n1");
        ReplicationReceiver r = receiver(book);
        Envelope n1 = new Envelope(Optional.of(KEY), true, "n1", 7);
        Envelope acks = new Envelope(Optional.of(KEY), true, "n1", 7);
        Socket s = connect(r);
        byte[] upsertX = batch(n1, 1, false, false, List.of(copy("x", "alice")), List.of());
        send(s, upsertX);
        ack(s, acks);
        send(s, batch(n1, 2, false, false, List.of(), List.of("x")));
        ack(s, acks);
        assertThat(book.copy("x")).isEmpty();

        record Case(String cause, byte[] frame) {}
        byte[] valid = batch(n1, 3, false, false, List.of(copy("y", "eve")), List.of());
        List<Case> cases = List.of(
                new Case("replayed", upsertX),
                new Case("unauthenticated", batch(new Envelope(Optional.of(OTHER), true, "n1", 8), 3, false, false,
                        List.of(copy("y", "eve")), List.of())),
                new Case("unknown_sender", batch(new Envelope(Optional.of(KEY), true, "n9", 9), 3, false, false,
                        List.of(copy("y", "eve")), List.of())),
                new Case("malformed", n1.seal(ReplicationCodec.KIND, new byte[] {1, 2, 3})),
                new Case("unknown_kind", n1.seal((byte) 1, ReplicationCodec.encode(new ReplicationCodec.Ack(1)))),
                new Case("unauthenticated", flipped(valid, valid.length - 3)));
        for (Case c : cases) {
            drops.clear();
            Socket bad = connect(r);
            send(bad, c.frame());
            assertThat(closedByPeer(bad)).as(c.cause()).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> !drops.isEmpty());
            assertThat(drops).as(c.cause()).containsExactly(c.cause());
        }
        // A length outside 1 to MAX_PACKET, and a frame cut short.
        drops.clear();
        Socket big = connect(r);
        new DataOutputStream(big.getOutputStream()).writeInt(Envelope.MAX_PACKET + 1);
        assertThat(closedByPeer(big)).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> drops.contains("oversized"));
        drops.clear();
        Socket cut = connect(r);
        DataOutputStream out = new DataOutputStream(cut.getOutputStream());
        out.writeInt(valid.length);
        out.write(valid, 0, valid.length / 2);
        out.flush();
        cut.shutdownOutput();
        await().atMost(Duration.ofSeconds(5)).until(() -> drops.contains("truncated"));
        assertThat(book.copy("x")).isEmpty();
        assertThat(book.copy("y")).isEmpty();
        assertThat(book.copyCount()).isZero();
        assertThat(r.status().rejected()).isGreaterThanOrEqualTo(cases.size() + 2);
    }

    /**
     * Someone else connecting to the replication port (a port scanner, a health check, an attacker) neither cuts the
     * peer's stream nor keeps a thread: it is dropped when its first frame fails a check, when it sends nothing for
     * the first-frame time, or when newer ones are waiting; the peer's batches go on being applied throughout.
     */
    @Test
    void aConnectionThatIsNotThePeersNeverCutsThePeersStream() throws Exception {
        SessionBook book = book("n2", "n1");
        ReplicationReceiver r = receiver(book);
        r.firstFrameTimeout(Duration.ofMillis(500));
        Envelope n1 = new Envelope(Optional.of(KEY), true, "n1", 7);
        Envelope acks = new Envelope(Optional.of(KEY), true, "n1", 7);
        Socket peer = connect(r);
        send(peer, batch(n1, 1, true, true, List.of(copy("t1", "alice")), List.of()));
        assertThat(ack(peer, acks)).isEqualTo(1);
        assertThat(r.status().complete()).isTrue();

        Socket garbage = connect(r);
        garbage.getOutputStream().write(new byte[] {0, 0, 0, 5, 1, 2, 3, 4, 5});
        assertThat(closedByPeer(garbage)).isTrue();
        Socket stranger = connect(r);
        send(stranger, batch(new Envelope(Optional.of(KEY), true, "n9", 9), 1, true, true, List.of(), List.of()));
        assertThat(closedByPeer(stranger)).isTrue();
        List<Socket> silent = new ArrayList<>();
        for (int i = 0; i < ReplicationReceiver.MAX_UNPROVEN; i++) silent.add(connect(r));
        silent.add(connect(r));
        assertThat(closedByPeer(silent.remove(0))).as("the oldest, closed for a newcomer").isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> drops.contains("too_many_connections"));

        send(peer, batch(n1, 2, false, false, List.of(copy("t2", "bob")), List.of()));
        assertThat(ack(peer, acks)).as("the peer's stream is still open").isEqualTo(2);
        assertThat(r.status().complete()).isTrue();
        assertThat(book.copy("t2")).isPresent();
        for (Socket s : silent) assertThat(closedByPeer(s)).as("dropped after the first-frame time").isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> drops.stream().filter("silent"::equals).count()
                == ReplicationReceiver.MAX_UNPROVEN);
        assertThat(drops).contains("unknown_sender");

        // Once the silent ones are gone, the peer's own reconnection takes over, and the old stream is closed.
        Socket again = connect(r);
        send(again, batch(n1, 3, true, true, List.of(copy("t3", "carol")), List.of()));
        assertThat(ack(again, acks)).isEqualTo(3);
        assertThat(closedByPeer(peer)).as("the peer's old stream").isTrue();
        assertThat(r.status().complete()).isTrue();
        assertThat(book.copy("t3")).isPresent();
    }

    private static byte[] flipped(byte[] b, int at) {
        byte[] c = Arrays.copyOf(b, b.length);
        c[at] ^= 0x10;
        return c;
    }

    @Test
    void everyTruncationOfABatchIsMalformed() throws Exception {
        byte[] whole = ReplicationCodec.encode(new ReplicationCodec.Batch(5, 9, true, false, 2,
                List.of(copy("t1", "alice"), copy("t2", null)), List.of("t0")));
        ReplicationCodec.Batch b = (ReplicationCodec.Batch) ReplicationCodec.decode(whole);
        assertThat(b.upserts()).extracting(Copy::token).containsExactly("t1", "t2");
        assertThat(b.upserts().get(1).user()).isNull();
        assertThat(b.ended()).containsExactly("t0");
        for (int n = 0; n < whole.length; n++) {
            byte[] cut = Arrays.copyOf(whole, n);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ReplicationCodec.decode(cut))
                    .as("%d of %d bytes", n, whole.length).isInstanceOf(Malformed.class);
        }
        byte[] longer = Arrays.copyOf(whole, whole.length + 1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ReplicationCodec.decode(longer))
                .isInstanceOf(Malformed.class).hasMessageContaining("trailing");
    }

    /** n1's book streams to n2's: a login is acknowledged once n2 holds it; without n2 the standby is not ready. */
    @Test
    void theSenderStreamsTheBookAndALoginWaitsForItsAcknowledgement() throws Exception {
        java.util.concurrent.atomic.AtomicInteger linkLost = new java.util.concurrent.atomic.AtomicInteger();
        SessionBook n2book = book("n2", "n1");
        ReplicationReceiver r = receiver(n2book);
        SessionBook n1book = book("n1", "n2");
        ReplicationSender sender = new ReplicationSender("n1", "n2", new InetSocketAddress(HOST, r.port()), HOST,
                n1book, Duration.ofMillis(200), new Envelope(Optional.of(KEY), true, "n1", 3),
                new Envelope(Optional.of(KEY), true, "n1", 3), (c, d) -> drops.add(c), 3, linkLost::incrementAndGet);
        open.add(sender);
        n1book.journal(sender);
        n1book.admit("before", "alice", "10.0.0.1", Serving.Side.OWN, Instant.now()); // goes in the snapshot
        sender.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> sender.status().ready());
        assertThat(n2book.copy("before")).isPresent();
        for (int i = 0; i < 50; i++) {
            n1book.admit("t" + i, null, "10.0.1." + i, Serving.Side.OWN, Instant.now());
            assertThat(sender.acknowledged(sender.mark()).get(2, TimeUnit.SECONDS)).isTrue();
            assertThat(n2book.copy("t" + i)).isPresent();
        }
        n1book.end("t3");
        await().atMost(Duration.ofSeconds(5)).until(() -> n2book.copy("t3").isEmpty());
        assertThat(sender.status().sessionsSent()).isGreaterThanOrEqualTo(51);

        // Taken over: n2's copies become its live sessions with the same tokens, as its peer's users.
        SessionBook.Promotion p = n2book.promote(Serving.Side.PEER, Instant.now());
        assertThat(p.promoted()).isEqualTo(50);
        assertThat(n2book.heartbeat("t7", Instant.now())).isPresent();
        assertThat(n2book.find("before").orElseThrow().side()).isEqualTo(Serving.Side.PEER);

        assertThat(linkLost).hasValue(0);

        // The peer goes away: logins no longer wait, the standby is not ready, and the node is told once, so that it
        // probes its peer at once (decision 0080).
        r.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> !sender.status().ready());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(linkLost).hasValue(1));
        n1book.admit("after", null, "10.0.2.1", Serving.Side.OWN, Instant.now());
        assertThat(sender.acknowledged(sender.mark()).get(1, TimeUnit.SECONDS)).isFalse();
        assertThat(drops).isEmpty();
    }

    /**
     * A listener that takes the connection and closes it before acknowledging anything (a receiver closing as the
     * sender reconnects, or a process that is not a Tandem peer): that is not a link the node lost, so it is not told,
     * and the sender waits longer between such connections instead of reconnecting at once.
     */
    @Test
    void aConnectionThePeerNeverAcknowledgesIsNotALostLinkAndIsRetriedWithBackoff() throws Exception {
        java.util.concurrent.atomic.AtomicInteger linkLost = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
        java.net.ServerSocket rude = new java.net.ServerSocket();
        rude.bind(new InetSocketAddress(HOST, 0));
        open.add(rude);
        Thread taker = new Thread(() -> {
            try {
                while (true) {
                    try (Socket s = rude.accept()) {
                        accepted.incrementAndGet();
                        s.getInputStream().read(); // the snapshot's first byte, then hang up
                    }
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
        taker.setDaemon(true);
        taker.start();
        SessionBook n1book = book("n1", "n2");
        ReplicationSender sender = new ReplicationSender("n1", "n2", new InetSocketAddress(HOST, rude.getLocalPort()),
                HOST, n1book, Duration.ofMillis(200), new Envelope(Optional.of(KEY), true, "n1", 3),
                new Envelope(Optional.of(KEY), true, "n1", 3), (c, d) -> drops.add(c), 3, linkLost::incrementAndGet);
        open.add(sender);
        n1book.journal(sender);
        sender.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> accepted.get() >= 3);
        Thread.sleep(1_000);
        // Retried at 50, 100, 200, 400, 800 ms and then every second: a handful in this time, not thousands.
        assertThat(accepted.get()).isBetween(3, 12);
        assertThat(linkLost).hasValue(0);
        assertThat(sender.status().ready()).isFalse();
    }

    /**
     * A peer that lost its memory gets back what only this node still held: its snapshot lacks the session, this
     * node keeps its copy (an orphan) and sends it in its own snapshot; a peer that merely reconnected and lacks a
     * copy has ended it. A snapshot's session whose users this node serves becomes live here.
     */
    @Test
    void aSnapshotKeepsOrphansOfARestartedPeerAndAdoptsWhatThisNodeServes() {
        SessionBook n2 = book("n2", "n1");
        Instant now = Instant.now();
        n2.mergeSnapshot(java.util.Map.of("a", copy("a", "alice"), "b", copy("b", "bob")), true, Set.of(), now);
        assertThat(n2.copyCount()).isEqualTo(2);
        // The same process again, without b: b ended.
        SessionBook.Merge same = n2.mergeSnapshot(java.util.Map.of("a", copy("a", "alice")), false, Set.of(), now);
        assertThat(same.orphansKept()).isZero();
        assertThat(n2.copy("b")).isEmpty();
        // n1 restarted with nothing: a is kept, and goes back in n2's own snapshot.
        SessionBook.Merge restarted = n2.mergeSnapshot(java.util.Map.of(), true, Set.of(), now);
        assertThat(restarted.orphansKept()).isEqualTo(1);
        assertThat(n2.knownCopies()).extracting(Copy::token).containsExactly("a");
        // n2 serves n1's users now: n1's snapshot's session becomes live here with its token.
        SessionBook.Merge adopted = n2.mergeSnapshot(java.util.Map.of("c", copy("c", "carol")), true,
                Set.of(Serving.Side.OWN, Serving.Side.PEER), now);
        assertThat(adopted.adopted()).isEqualTo(1);
        assertThat(n2.find("c")).isPresent();
        assertThat(n2.heartbeat("c", now)).isPresent();
    }
}
