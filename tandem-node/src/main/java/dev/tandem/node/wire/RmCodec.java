package dev.tandem.node.wire;

import dev.tandem.core.Invalid;
import dev.tandem.core.NodeId;
import dev.tandem.core.rm.NodeState;
import dev.tandem.core.rm.Reason;
import dev.tandem.core.rm.RmMessage;
import dev.tandem.core.rm.Serving;
import dev.tandem.core.rm.Versions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The recovery managers' messages on the wire (inside an {@code Envelope} of kind {@link #KIND}).
 *
 * <p>A heartbeat has two layouts (docs/decisions/0075-versions-in-the-heartbeat.md):
 * <ul>
 * <li>{@link #HEARTBEAT}, the layout of protocol 1, which builds of protocol 1 read strictly (an unknown type or a
 *     trailing byte drops the packet). Newer builds send it to a peer whose protocol they do not know yet, with their
 *     protocol in the top 16 bits of the sequence number: protocol 1 only orders heartbeats by that number, and within
 *     one incarnation the top bits never change, so the order holds. A protocol-1 heartbeat has 0 there.</li>
 * <li>{@link #VERSIONED}, sent once the peer is known to speak protocol 2 or later: a fixed beginning every protocol
 *     keeps (who, group, incarnation, protocol, software version), then the body of that protocol. A receiver that does
 *     not interoperate with the protocol reads the beginning only; one that does reads the body, and ignores what a
 *     newer protocol appended after it. Protocol 3 appends one byte: whom the sender serves (docs/decisions/0081);
 *     protocol 4 then eight: the receiver's incarnation the sender heard last, -1 for none (docs/decisions/115).</li>
 * </ul>
 */
public final class RmCodec {
    public static final byte KIND = 1;
    private static final byte HEARTBEAT = 1;
    private static final byte GOODBYE = 2;
    private static final byte VERSIONED = 3;
    private static final String NONE = "";
    private static final int OWN_BIT = 1;
    private static final int PEER_BIT = 2;
    /** The sequence number keeps the low 48 bits of a protocol-1 heartbeat's number; the protocol takes the top 16. */
    private static final int SEQ_BITS = 48;
    /** The largest sequence number: at ten heartbeats a second an incarnation reaches it after 890 years. */
    public static final long MAX_SEQ = (1L << SEQ_BITS) - 1;

    private RmCodec() {}

    /** For a peer not heard yet: a heartbeat in the layout every protocol reads. */
    public static byte[] encode(RmMessage m) {
        return encode(m, null);
    }

    /**
     * @param peer the peer's versions as last heard, null before: they choose the heartbeat's layout
     */
    public static byte[] encode(RmMessage m, Versions peer) {
        WireWriter w = new WireWriter();
        boolean versioned = peer != null && peer.protocol() > Versions.PREVIOUS;
        switch (m) {
            case RmMessage.Heartbeat h when versioned && h.versions().protocol() > Versions.PREVIOUS -> {
                preamble(w, h.from(), h.group(), h.incarnation(), h.versions());
                w.str(h.fingerprint()).i64(seq(h.seq()));
                body(w, h);
                if (h.versions().protocol() >= Versions.SERVING_SENT) w.u8(servingBits(h.serving()));
                if (h.versions().protocol() >= Versions.HEARD_SENT) w.i64(h.heard());
            }
            case RmMessage.Heartbeat h -> {
                long mark = h.versions().protocol() == Versions.PREVIOUS ? 0 : h.versions().protocol();
                w.u8(HEARTBEAT).str(h.from().value()).str(h.group()).str(h.fingerprint()).i64(h.incarnation())
                        .i64(mark << SEQ_BITS | seq(h.seq()));
                body(w, h);
            }
            // What a build of another protocol sends, as far as this build reads it: stands in for such a peer.
            case RmMessage.Unreadable u -> preamble(w, u.from(), u.group(), u.incarnation(), u.versions());
            case RmMessage.Goodbye g -> w.u8(GOODBYE).str(g.from().value()).str(g.group()).i64(g.incarnation());
        }
        return w.bytes();
    }

    private static void preamble(WireWriter w, NodeId from, String group, long incarnation, Versions v) {
        w.u8(VERSIONED).str(from.value()).str(group).i64(incarnation).i32(v.protocol()).str(v.software());
    }

    private static void body(WireWriter w, RmMessage.Heartbeat h) {
        w.enumOf(h.state()).enumOf(h.reason()).str(h.resuming() == null ? NONE : h.resuming().name())
                .bool(h.healthy()).bool(h.handoffReady()).i64(h.recoveryEpoch());
    }

    private static long seq(long seq) {
        if (seq < 0 || seq > MAX_SEQ) throw new IllegalArgumentException("heartbeat sequence " + seq + " beyond 0.." + MAX_SEQ);
        return seq;
    }

    public static RmMessage decode(byte[] payload) throws Malformed {
        WireReader r = new WireReader(payload);
        byte type = r.u8();
        return switch (type) {
            case HEARTBEAT -> heartbeat(r);
            case VERSIONED -> versioned(r);
            case GOODBYE -> {
                RmMessage g = new RmMessage.Goodbye(node(r.str()), r.str(), r.i64());
                r.end();
                yield g;
            }
            default -> throw new Malformed("unknown recovery-manager message type " + type);
        };
    }

    private static RmMessage heartbeat(WireReader r) throws Malformed {
        NodeId from = node(r.str());
        String group = r.str();
        String fingerprint = r.str();
        long incarnation = r.i64();
        long marked = r.i64();
        int mark = (int) (marked >>> SEQ_BITS);
        Versions versions = mark == 0 ? Versions.previous() : new Versions(mark, NONE);
        if (!Versions.interoperate(Versions.PROTOCOL, versions.protocol())) {
            return new RmMessage.Unreadable(from, group, incarnation, versions); // its body is not ours to read
        }
        RmMessage.Heartbeat h = body(r, from, group, fingerprint, incarnation, marked & MAX_SEQ, versions);
        r.end();
        return h;
    }

    private static RmMessage versioned(WireReader r) throws Malformed {
        NodeId from = node(r.str());
        String group = r.str();
        long incarnation = r.i64();
        int protocol = r.i32();
        if (protocol < Versions.PREVIOUS || protocol > Versions.MAX_PROTOCOL) {
            throw new Malformed("bad protocol version " + protocol + " (allowed " + Versions.PREVIOUS + " to "
                    + Versions.MAX_PROTOCOL + ")");
        }
        String software = r.str();
        if (!Versions.validSoftware(software)) {
            throw new Malformed("bad software version (allowed up to 64 letters, digits and . _ + -)");
        }
        Versions versions = new Versions(protocol, software);
        if (!Versions.interoperate(Versions.PROTOCOL, protocol)) {
            return new RmMessage.Unreadable(from, group, incarnation, versions);
        }
        String fingerprint = r.str();
        long seq = r.i64();
        if (seq < 0 || seq > MAX_SEQ) throw new Malformed("bad heartbeat sequence " + seq + " (allowed 0 to " + MAX_SEQ + ")");
        RmMessage.Heartbeat h = body(r, from, group, fingerprint, incarnation, seq, versions);
        if (protocol >= Versions.SERVING_SENT) h = withServing(h, serving(r.u8() & 0xFF), -1);
        if (protocol >= Versions.HEARD_SENT) {
            long heard = r.i64();
            if (heard < -1) throw new Malformed("bad heard incarnation " + heard + " (allowed -1 or more)");
            h = withServing(h, h.serving(), heard);
        }
        // A newer protocol we interoperate with may append fields after ours; from ours or an older one, none come.
        if (protocol <= Versions.PROTOCOL) r.end();
        return h;
    }

    /** Whom the sender serves, one bit a side: 1 its own users, 2 its peer's (docs/decisions/0081). */
    private static int servingBits(Set<Serving.Side> serving) {
        if (serving == null) throw new IllegalArgumentException("a heartbeat of protocol 3 or later says whom it serves");
        return (serving.contains(Serving.Side.OWN) ? OWN_BIT : 0) | (serving.contains(Serving.Side.PEER) ? PEER_BIT : 0);
    }

    private static Set<Serving.Side> serving(int bits) throws Malformed {
        if ((bits & ~(OWN_BIT | PEER_BIT)) != 0) {
            throw new Malformed("bad serving bits " + bits + " (allowed 0 to 3: 1 own users, 2 the peer's)");
        }
        EnumSet<Serving.Side> sides = EnumSet.noneOf(Serving.Side.class);
        if ((bits & OWN_BIT) != 0) sides.add(Serving.Side.OWN);
        if ((bits & PEER_BIT) != 0) sides.add(Serving.Side.PEER);
        return sides;
    }

    private static RmMessage.Heartbeat withServing(RmMessage.Heartbeat h, Set<Serving.Side> serving, long heard) {
        return new RmMessage.Heartbeat(h.from(), h.group(), h.fingerprint(), h.incarnation(), h.seq(), h.state(),
                h.reason(), h.resuming(), h.healthy(), h.handoffReady(), h.recoveryEpoch(), h.versions(), serving, heard);
    }

    private static RmMessage.Heartbeat body(WireReader r, NodeId from, String group, String fingerprint,
                                            long incarnation, long seq, Versions versions) throws Malformed {
        NodeState state = r.enumOf(NodeState.class);
        Reason reason = r.enumOf(Reason.class);
        String resuming = r.str();
        NodeState res = null;
        if (!resuming.isEmpty()) {
            try {
                res = NodeState.valueOf(resuming);
            } catch (IllegalArgumentException e) {
                throw new Malformed("unknown state " + resuming);
            }
        }
        return new RmMessage.Heartbeat(from, group, fingerprint, incarnation, seq, state, reason, res,
                r.bool(), r.bool(), r.i64(), versions);
    }

    private static NodeId node(String s) throws Malformed {
        try {
            return NodeId.of(s);
        } catch (Invalid e) {
            throw new Malformed("bad node id");
        }
    }
}
