package dev.tandem.node.wire;

import dev.tandem.core.Invalid;
import dev.tandem.core.NodeId;
import dev.tandem.core.lb.ClassLoad;
import dev.tandem.core.lb.GroupSignature;
import dev.tandem.core.lb.IpAddress;
import dev.tandem.core.lb.LbHandover;
import dev.tandem.core.lb.LbMessage;
import dev.tandem.core.lb.LbPhase;
import dev.tandem.core.lb.Load;
import dev.tandem.core.lb.MemberInfo;
import dev.tandem.core.lb.MemberName;
import dev.tandem.core.lb.NetAddress;
import dev.tandem.core.lb.Topology;
import dev.tandem.core.lb.TopologyEntry;
import dev.tandem.core.lb.VpnMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The load-balancing group's messages on the wire (inside an {@code Envelope} of kind {@link #KIND}). */
public final class LbCodec {
    public static final byte KIND = 2;
    /** What the serving node of a pair publishes for its peer (see {@link LbHandover}); only the pair's peer reads it. */
    public static final byte HANDOVER_KIND = 3;
    /** A topology push of more members than this is refused when read (it would not fit a datagram anyway). */
    private static final int MAX_MEMBERS = 1000;

    private static final byte HELLO = 1;
    private static final byte HELLO_RESPONSE = 2;
    private static final byte KEEPALIVE = 3;
    private static final byte KEEPALIVE_RESPONSE = 4;
    private static final byte TOPOLOGY = 5;
    private static final byte CANDIDACY = 6;
    private static final byte ANNOUNCE = 7;
    private static final byte RESIGN = 8;
    private static final byte GOODBYE = 9;
    private static final byte REFUSE = 10;

    private LbCodec() {}

    public static byte[] encode(LbMessage m) {
        WireWriter w = new WireWriter();
        switch (m) {
            case LbMessage.HelloRequest h -> {
                w.u8(HELLO).str(h.from().value());
                group(w, h.group());
                info(w, h.info());
                w.bool(h.director()).i64(h.term());
            }
            case LbMessage.HelloResponse h -> {
                w.u8(HELLO_RESPONSE).str(h.from().value());
                group(w, h.group());
                info(w, h.info());
                w.i64(h.term());
            }
            case LbMessage.KeepaliveRequest k -> {
                w.u8(KEEPALIVE).str(k.from().value()).str(k.member().value()).i64(k.seq());
                load(w, k.load());
            }
            case LbMessage.KeepaliveResponse k -> w.u8(KEEPALIVE_RESPONSE).str(k.from().value())
                    .str(k.member().value()).i64(k.seq());
            case LbMessage.TopologyPush p -> {
                w.u8(TOPOLOGY).str(p.from().value()).str(p.member().value());
                Topology t = p.topology();
                w.i64(t.term()).i64(t.version()).str(t.director() == null ? "" : t.director().value());
                entries(w, t.members());
            }
            case LbMessage.Candidacy c -> {
                w.u8(CANDIDACY).str(c.from().value());
                group(w, c.group());
                info(w, c.info());
            }
            case LbMessage.DirectorAnnounce a -> {
                w.u8(ANNOUNCE).str(a.from().value());
                group(w, a.group());
                info(w, a.info());
                w.i64(a.term());
            }
            case LbMessage.Resign r -> {
                w.u8(RESIGN).str(r.from().value()).str(r.member().value()).i64(r.term()).bool(r.successor().isPresent());
                r.successor().ifPresent(s -> w.str(s.member().value()).str(s.node().value()));
            }
            case LbMessage.Goodbye g -> w.u8(GOODBYE).str(g.from().value()).str(g.member().value());
            case LbMessage.Refuse r -> w.u8(REFUSE).str(r.from().value()).str(r.member().value()).str(r.setting())
                    .str(r.reason());
        }
        return w.bytes();
    }

    public static LbMessage decode(byte[] payload) throws Malformed {
        WireReader r = new WireReader(payload);
        byte type = r.u8();
        LbMessage m;
        try {
            m = switch (type) {
                case HELLO -> new LbMessage.HelloRequest(node(r), group(r), info(r), r.bool(), r.i64());
                case HELLO_RESPONSE -> new LbMessage.HelloResponse(node(r), group(r), info(r), r.i64());
                case KEEPALIVE -> new LbMessage.KeepaliveRequest(node(r), member(r), r.i64(), load(r));
                case KEEPALIVE_RESPONSE -> new LbMessage.KeepaliveResponse(node(r), member(r), r.i64());
                case TOPOLOGY -> topology(r);
                case CANDIDACY -> new LbMessage.Candidacy(node(r), group(r), info(r));
                case ANNOUNCE -> new LbMessage.DirectorAnnounce(node(r), group(r), info(r), r.i64());
                case RESIGN -> {
                    NodeId from = node(r);
                    MemberName member = member(r);
                    long term = r.i64();
                    Optional<LbMessage.Successor> s = r.bool()
                            ? Optional.of(new LbMessage.Successor(member(r), node(r))) : Optional.empty();
                    yield new LbMessage.Resign(from, member, term, s);
                }
                case GOODBYE -> new LbMessage.Goodbye(node(r), member(r));
                case REFUSE -> new LbMessage.Refuse(node(r), member(r), r.str(), r.str());
                default -> throw new Malformed("unknown load-balancing message type " + type);
            };
        } catch (Invalid | IllegalArgumentException | NullPointerException e) {
            throw new Malformed("bad field: " + e.getMessage());
        }
        r.end();
        return m;
    }

    /** The handover, with the node that publishes it first so the receiver can check the sender. */
    public static byte[] encodeHandover(NodeId from, LbHandover h) {
        WireWriter w = new WireWriter().str(from.value()).enumOf(h.phase())
                .str(h.director() == null ? "" : h.director().value())
                .str(h.directorNode() == null ? "" : h.directorNode().value()).i64(h.term()).i64(h.version());
        entries(w, h.topology());
        return w.bytes();
    }

    public record PublishedHandover(NodeId from, LbHandover handover) {}

    public static PublishedHandover decodeHandover(byte[] payload) throws Malformed {
        WireReader r = new WireReader(payload);
        try {
            NodeId from = node(r);
            LbPhase phase = r.enumOf(LbPhase.class);
            String director = r.str();
            String directorNode = r.str();
            long term = r.i64();
            long version = r.i64();
            List<TopologyEntry> entries = entries(r);
            r.end();
            return new PublishedHandover(from, new LbHandover(phase, director.isEmpty() ? null : MemberName.of(director),
                    directorNode.isEmpty() ? null : NodeId.of(directorNode), term, version, entries));
        } catch (Invalid | IllegalArgumentException | NullPointerException e) {
            throw new Malformed("bad field: " + e.getMessage());
        }
    }

    private static void entries(WireWriter w, List<TopologyEntry> entries) {
        w.i32(entries.size());
        for (TopologyEntry e : entries) {
            info(w, e.info());
            w.str(e.speaker().value());
            load(w, e.load());
            w.bool(e.director());
        }
    }

    private static List<TopologyEntry> entries(WireReader r) throws Malformed {
        int n = r.i32();
        if (n < 0 || n > MAX_MEMBERS) throw new Malformed("topology of " + n + " members");
        List<TopologyEntry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            entries.add(new TopologyEntry(info(r), node(r), load(r), r.bool()));
        }
        return entries;
    }

    private static LbMessage.TopologyPush topology(WireReader r) throws Malformed {
        NodeId from = node(r);
        MemberName member = member(r);
        long term = r.i64();
        long version = r.i64();
        String director = r.str();
        List<TopologyEntry> entries = entries(r);
        return new LbMessage.TopologyPush(from, member,
                new Topology(term, version, director.isEmpty() ? null : MemberName.of(director), entries));
    }

    private static void group(WireWriter w, GroupSignature g) {
        w.str(g.clusterAddress()).i32(g.clusterPort()).bool(g.encryption()).str(g.keyFingerprint()).enumOf(g.mode());
    }

    private static GroupSignature group(WireReader r) throws Malformed {
        return new GroupSignature(r.str(), r.i32(), r.bool(), r.str(), r.enumOf(VpnMode.class));
    }

    private static void info(WireWriter w, MemberInfo i) {
        w.str(i.name().value()).str(i.publicAddress().text()).i32(i.priority()).str(i.model())
                .str(i.redirectAddress().text());
    }

    private static MemberInfo info(WireReader r) throws Malformed {
        return new MemberInfo(member(r), IpAddress.parse("public address", r.str()), r.i32(), r.str(),
                NetAddress.parse("redirect address", r.str()));
    }

    private static void load(WireWriter w, Load l) {
        w.i32(l.ipsec().active()).i32(l.ipsec().max()).i32(l.ssl().active()).i32(l.ssl().max());
    }

    private static Load load(WireReader r) throws Malformed {
        return new Load(new ClassLoad(r.i32(), r.i32()), new ClassLoad(r.i32(), r.i32()));
    }

    private static NodeId node(WireReader r) throws Malformed {
        return NodeId.of(r.str());
    }

    private static MemberName member(WireReader r) throws Malformed {
        return MemberName.of(r.str());
    }
}
