package dev.tandem.node.runtime;

import dev.tandem.core.rm.RmMessage;
import dev.tandem.core.rm.Versions;
import dev.tandem.node.wire.Malformed;
import dev.tandem.node.wire.RmCodec;

/** How a node writes and reads recovery-manager messages: this build's codec unless a test speaks another's. */
interface RmWire {
    RmWire CURRENT = new RmWire() {
        @Override public byte[] encode(RmMessage m, Versions peer) { return RmCodec.encode(m, peer); }
        @Override public RmMessage decode(byte[] payload) throws Malformed { return RmCodec.decode(payload); }
    };

    /** @param peer the peer's versions as last heard, null before */
    byte[] encode(RmMessage m, Versions peer);

    RmMessage decode(byte[] payload) throws Malformed;
}
