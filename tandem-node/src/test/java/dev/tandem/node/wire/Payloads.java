package dev.tandem.node.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

/** Helpers shared by the codec tests: every decode either gives a message or throws {@link Malformed}. */
final class Payloads {
    interface Decoder {
        Object decode(byte[] payload) throws Malformed;
    }

    private Payloads() {}

    /** Decodes or fails the test if anything but {@link Malformed} is thrown; null when Malformed. */
    static Object decodeOrMalformed(Decoder d, byte[] payload, String what) {
        try {
            Object m = d.decode(payload);
            assertThat(m).as("decode returned null for %s", what).isNotNull();
            return m;
        } catch (Malformed e) {
            assertThat(e.getMessage()).as("Malformed must say why").isNotBlank();
            return null;
        } catch (Throwable t) {
            fail("decode threw " + t + " instead of Malformed for " + what + ": " + HexFormat.of().formatHex(payload), t);
            return null;
        }
    }

    static void assertMalformed(Decoder d, byte[] payload, String what) {
        assertThatThrownBy(() -> d.decode(payload)).as(what).isInstanceOf(Malformed.class);
    }

    /** Every proper prefix of a valid payload is Malformed. */
    static void everyTruncationIsMalformed(Decoder d, byte[] valid, String what) {
        for (int len = 0; len < valid.length; len++) {
            assertMalformed(d, Arrays.copyOf(valid, len), what + " cut to " + len + " of " + valid.length + " bytes");
        }
    }

    static void trailingBytesAreMalformed(Decoder d, byte[] valid, String what) {
        assertMalformed(d, Arrays.copyOf(valid, valid.length + 1), what + " with one trailing byte");
        byte[] more = Arrays.copyOf(valid, valid.length + 9);
        Arrays.fill(more, valid.length, more.length, (byte) 0x55);
        assertMalformed(d, more, what + " with trailing bytes");
    }

    /** A random change: flip, overwrite, insert, delete or duplicate bytes. */
    static byte[] mutate(byte[] valid, Random r) {
        byte[] p = valid.clone();
        int changes = 1 + r.nextInt(4);
        for (int c = 0; c < changes; c++) {
            switch (r.nextInt(5)) {
                case 0 -> {
                    if (p.length > 0) p[r.nextInt(p.length)] ^= (byte) (1 << r.nextInt(8));
                }
                case 1 -> {
                    if (p.length > 0) p[r.nextInt(p.length)] = (byte) r.nextInt(256);
                }
                case 2 -> {
                    int at = r.nextInt(p.length + 1);
                    byte[] q = new byte[p.length + 1];
                    System.arraycopy(p, 0, q, 0, at);
                    q[at] = (byte) r.nextInt(256);
                    System.arraycopy(p, at, q, at + 1, p.length - at);
                    p = q;
                }
                case 3 -> {
                    if (p.length > 0) {
                        int at = r.nextInt(p.length);
                        byte[] q = new byte[p.length - 1];
                        System.arraycopy(p, 0, q, 0, at);
                        System.arraycopy(p, at + 1, q, at, p.length - at - 1);
                        p = q;
                    }
                }
                default -> {
                    // A length field set to something extreme: a 4-byte big-endian int somewhere.
                    if (p.length >= 4) {
                        int at = r.nextInt(p.length - 3);
                        int v = switch (r.nextInt(4)) {
                            case 0 -> -1;
                            case 1 -> Integer.MAX_VALUE;
                            case 2 -> Integer.MIN_VALUE;
                            default -> r.nextInt(2000);
                        };
                        p[at] = (byte) (v >>> 24);
                        p[at + 1] = (byte) (v >>> 16);
                        p[at + 2] = (byte) (v >>> 8);
                        p[at + 3] = (byte) v;
                    }
                }
            }
        }
        return p;
    }
}
