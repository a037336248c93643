package dev.tandem.node.wire;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Reads the primitive fields of a payload, turning every short or bad field into {@link Malformed}. */
final class WireReader {
    private static final int MAX_STRING = 1024;
    private final ByteBuffer b;

    WireReader(byte[] payload) {
        this.b = ByteBuffer.wrap(payload);
    }

    byte u8() throws Malformed {
        try {
            return b.get();
        } catch (BufferUnderflowException e) {
            throw new Malformed("truncated");
        }
    }

    long i64() throws Malformed {
        try {
            return b.getLong();
        } catch (BufferUnderflowException e) {
            throw new Malformed("truncated");
        }
    }

    int i32() throws Malformed {
        try {
            return b.getInt();
        } catch (BufferUnderflowException e) {
            throw new Malformed("truncated");
        }
    }

    boolean bool() throws Malformed {
        byte v = u8();
        if (v != 0 && v != 1) throw new Malformed("bad boolean " + v);
        return v == 1;
    }

    String str() throws Malformed {
        int len = i32();
        if (len < 0 || len > MAX_STRING || len > b.remaining()) throw new Malformed("bad string length " + len);
        byte[] s = new byte[len];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    <E extends Enum<E>> E enumOf(Class<E> type) throws Malformed {
        String name = str();
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            throw new Malformed("unknown " + type.getSimpleName() + " " + name);
        }
    }

    void end() throws Malformed {
        if (b.hasRemaining()) throw new Malformed(b.remaining() + " trailing bytes");
    }
}
