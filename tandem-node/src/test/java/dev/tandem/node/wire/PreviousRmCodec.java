package dev.tandem.node.wire;

import dev.tandem.core.Invalid;
import dev.tandem.core.NodeId;
import dev.tandem.core.rm.NodeState;
import dev.tandem.core.rm.Reason;
import dev.tandem.core.rm.RmMessage;
import dev.tandem.core.rm.Versions;

/**
 * The recovery-manager codec of the build before versions were sent (protocol 1), frozen here as it was: what a node
 * of that build writes and how strictly it reads (an unknown type or a trailing byte is malformed). It shows that
 * such a build still reads what this one sends to a peer not heard yet, and that this build, two protocols on, reads
 * nothing of its heartbeats but who sent them (docs/decisions/0075-versions-in-the-heartbeat.md).
 */
public final class PreviousRmCodec {
    private PreviousRmCodec() {}

    public static byte[] encode(RmMessage m) {
        WireWriter w = new WireWriter();
        switch (m) {
            case RmMessage.Heartbeat h -> w.u8(1).str(h.from().value()).str(h.group()).str(h.fingerprint())
                    .i64(h.incarnation()).i64(h.seq()).enumOf(h.state()).enumOf(h.reason())
                    .str(h.resuming() == null ? "" : h.resuming().name()).bool(h.healthy())
                    .bool(h.handoffReady()).i64(h.recoveryEpoch());
            case RmMessage.Goodbye g -> w.u8(2).str(g.from().value()).str(g.group()).i64(g.incarnation());
            case RmMessage.Unreadable u -> throw new IllegalArgumentException("the previous build has no " + u);
        }
        return w.bytes();
    }

    /** Reads as the previous build read; the versions it returns are what it would have known: none. */
    public static RmMessage decode(byte[] payload) throws Malformed {
        WireReader r = new WireReader(payload);
        byte type = r.u8();
        RmMessage m = switch (type) {
            case 1 -> {
                NodeId from = node(r.str());
                String group = r.str();
                String fingerprint = r.str();
                long incarnation = r.i64();
                long seq = r.i64();
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
                yield new RmMessage.Heartbeat(from, group, fingerprint, incarnation, seq, state, reason, res,
                        r.bool(), r.bool(), r.i64(), Versions.previous());
            }
            case 2 -> new RmMessage.Goodbye(node(r.str()), r.str(), r.i64());
            default -> throw new Malformed("unknown recovery-manager message type " + type);
        };
        r.end();
        return m;
    }

    private static NodeId node(String s) throws Malformed {
        try {
            return NodeId.of(s);
        } catch (Invalid e) {
            throw new Malformed("bad node id");
        }
    }
}
