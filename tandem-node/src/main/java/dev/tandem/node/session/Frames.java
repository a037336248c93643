package dev.tandem.node.session;

import dev.tandem.node.crypto.Envelope;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * The replication stream's framing: a 4-byte length, then one sealed envelope. A length outside 1 to
 * {@link Envelope#MAX_PACKET} means the stream is not ours or is broken; the reader stops at it.
 */
final class Frames {
    /** A frame that cannot be read as one: the connection is closed, nothing in it is applied. */
    static final class BadFrame extends IOException {
        private static final long serialVersionUID = 1L;
        final String cause;

        BadFrame(String cause, String detail) {
            super(detail);
            this.cause = cause;
        }
    }

    private Frames() {}

    static void write(DataOutputStream out, byte[] sealed) throws IOException {
        out.writeInt(sealed.length);
        out.write(sealed);
    }

    /** The next frame, or null at a clean end of the stream (between frames). */
    static byte[] read(DataInputStream in) throws IOException {
        int len;
        try {
            len = in.readInt();
        } catch (EOFException e) {
            return null;
        }
        if (len < 1 || len > Envelope.MAX_PACKET) {
            throw new BadFrame("oversized", "frame length " + len + " (allowed 1 to " + Envelope.MAX_PACKET + ")");
        }
        byte[] b = new byte[len];
        try {
            in.readFully(b);
        } catch (EOFException e) {
            throw new BadFrame("truncated", "the stream ended inside a " + len + "-byte frame");
        }
        return b;
    }
}
