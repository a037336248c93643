package dev.tandem.node.wire;

import java.util.ArrayList;
import java.util.List;

/**
 * The session replication stream between the two nodes of a pair, on the wire (inside an {@code Envelope} of kind
 * {@link #KIND}, one envelope a frame of the TCP stream). The sender sends batches of changes to its sessions; the
 * receiver applies each whole batch and acknowledges it by its number (docs/session-service.md, Stateful failover).
 */
public final class ReplicationCodec {
    public static final byte KIND = 4;
    private static final byte BATCH = 1;
    private static final byte ACK = 2;
    private static final int FLAG_SNAPSHOT_START = 1;
    private static final int FLAG_SNAPSHOT_END = 2;
    /** Bytes of one copy besides its strings: the lengths, three instants and the inactive flag. */
    private static final int COPY_FIXED = 4 * 4 + 3 * 8 + 1;
    /** No real batch comes near it: a frame is at most {@code Envelope.MAX_PACKET} bytes. */
    private static final int MAX_ITEMS = 16 * 1024;

    private ReplicationCodec() {}

    /**
     * One session as its standby copy: {@code home} is the node whose users the session belongs to;
     * {@code inactiveSinceMillis} is negative for an active session.
     */
    public record Copy(String token, String user, String address, String home, long sinceMillis, long lastSeenMillis,
                       long inactiveSinceMillis) {
        public boolean active() {
            return inactiveSinceMillis < 0;
        }

        /** Its size in a batch, to fill frames without going over. */
        public int wireSize() {
            return COPY_FIXED + token.length() * 3 + (user == null ? 0 : user.length() * 3) + address.length() * 3
                    + home.length() * 3;
        }
    }

    /** What travels on the stream. */
    public sealed interface Message {}

    /**
     * Changes to the sender's sessions. {@code snapshotStart}: the receiver's copies of the sender are replaced by
     * what follows up to and including the batch with {@code snapshotEnd}. {@code sessions}: how many sessions the
     * sender holds after this batch, so that a receiver with an incomplete copy knows how many it lacks.
     * {@code incarnation}: the sender's process, new with every start, so that a receiver can tell a peer that lost
     * its memory from one that reconnected.
     */
    public record Batch(long seq, long incarnation, boolean snapshotStart, boolean snapshotEnd, int sessions,
                        List<Copy> upserts, List<String> ended) implements Message {
        public Batch {
            upserts = List.copyOf(upserts);
            ended = List.copyOf(ended);
        }
    }

    /** Every batch up to {@code seq} is applied. */
    public record Ack(long seq) implements Message {}

    public static byte[] encode(Message m) {
        WireWriter w = new WireWriter();
        switch (m) {
            case Batch b -> {
                w.u8(BATCH).i64(b.seq()).i64(b.incarnation()).u8((b.snapshotStart() ? FLAG_SNAPSHOT_START : 0)
                        | (b.snapshotEnd() ? FLAG_SNAPSHOT_END : 0)).i32(b.sessions()).i32(b.upserts().size());
                for (Copy c : b.upserts()) {
                    w.str(c.token()).str(c.user() == null ? "" : c.user()).str(c.address()).str(c.home())
                            .i64(c.sinceMillis()).i64(c.lastSeenMillis()).i64(c.inactiveSinceMillis());
                }
                w.i32(b.ended().size());
                for (String t : b.ended()) w.str(t);
            }
            case Ack a -> w.u8(ACK).i64(a.seq());
        }
        return w.bytes();
    }

    public static Message decode(byte[] payload) throws Malformed {
        WireReader r = new WireReader(payload);
        byte type = r.u8();
        Message m = switch (type) {
            case BATCH -> {
                long seq = r.i64();
                long incarnation = r.i64();
                int flags = r.u8();
                if ((flags & ~(FLAG_SNAPSHOT_START | FLAG_SNAPSHOT_END)) != 0) throw new Malformed("unknown flags " + flags);
                int sessions = r.i32();
                if (sessions < 0) throw new Malformed("negative session count " + sessions);
                int n = count(r);
                List<Copy> upserts = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    String token = nonEmpty(r.str(), "session token");
                    String user = r.str();
                    String address = nonEmpty(r.str(), "client address");
                    String home = nonEmpty(r.str(), "home node");
                    long since = r.i64();
                    long lastSeen = r.i64();
                    long inactiveSince = r.i64();
                    if (since < 0 || lastSeen < 0) throw new Malformed("negative time in session copy");
                    upserts.add(new Copy(token, user.isEmpty() ? null : user, address, home, since, lastSeen, inactiveSince));
                }
                int e = count(r);
                List<String> ended = new ArrayList<>(e);
                for (int i = 0; i < e; i++) ended.add(nonEmpty(r.str(), "session token"));
                yield new Batch(seq, incarnation, (flags & FLAG_SNAPSHOT_START) != 0, (flags & FLAG_SNAPSHOT_END) != 0, sessions,
                        upserts, ended);
            }
            case ACK -> new Ack(r.i64());
            default -> throw new Malformed("unknown replication message type " + type);
        };
        r.end();
        return m;
    }

    private static int count(WireReader r) throws Malformed {
        int n = r.i32();
        if (n < 0 || n > MAX_ITEMS) throw new Malformed("bad item count " + n);
        return n;
    }

    private static String nonEmpty(String s, String what) throws Malformed {
        if (s.isEmpty()) throw new Malformed("empty " + what);
        return s;
    }
}
