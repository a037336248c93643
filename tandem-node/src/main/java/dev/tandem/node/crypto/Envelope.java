package dev.tandem.node.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The envelope every group and pair message travels in (docs/architecture.md, Security). Header, in clear and
 * authenticated: magic "TD", version, kind, flags, sender epoch (8 bytes), counter (8 bytes), nonce salt
 * (4 bytes), sender id (length byte + UTF-8). Then the payload: AES-256-GCM encrypted when encryption is on,
 * in clear but covered by a GCM tag when only a key is configured, in clear without a key. A per-sender
 * replay window drops anything seen before. Not thread-safe: one envelope per event loop.
 */
public final class Envelope {
    public static final int MAX_PACKET = 16 * 1024;
    private static final byte[] MAGIC = {'T', 'D'};
    private static final byte VERSION = 1;
    private static final byte FLAG_KEYED = 1;
    private static final byte FLAG_ENCRYPTED = 2;
    private static final int TAG_BITS = 128;
    private static final int TAG_BYTES = TAG_BITS / 8;
    private static final int FIXED_HEADER = 2 + 1 + 1 + 1 + 8 + 8 + 4 + 1;

    /** Why a packet was dropped: each a metric label. */
    public enum Drop { TRUNCATED, OVERSIZED, BAD_MAGIC, BAD_VERSION, UNKEYED, KEY_MISMATCH, UNAUTHENTICATED, REPLAYED }

    /** A packet that was dropped, with the cause. */
    public static final class Dropped extends Exception {
        private static final long serialVersionUID = 1L;
        private final Drop cause;
        private final Copy copy;

        Dropped(Drop cause, String detail) {
            this(cause, detail, null);
        }

        Dropped(Drop cause, String detail, Copy copy) {
            super(cause + ": " + detail, null, false, false);
            this.cause = cause;
            this.copy = copy;
        }

        public Drop drop() {
            return cause;
        }

        /**
         * For {@link Drop#REPLAYED}: which authenticated message this is a second copy of, so that a copy that came
         * on another heartbeat path can be told from a replay (docs/redundancy.md, Heartbeat paths); else null.
         */
        public Copy copy() {
            return copy;
        }
    }

    /** Names one sealed message: its sender and the (epoch, counter) pair the replay window keeps. */
    public record Copy(String sender, long epoch, long counter) {}

    /** An accepted message; {@code copy} names it, as a later copy of it is named when it is dropped. */
    public record Opened(String sender, byte kind, byte[] payload, Copy copy) {}

    private final Optional<ClusterKey> key;
    private final boolean encrypt;
    private final byte[] selfId;
    private final long epoch;
    private final int nonceSalt;
    private long counter;
    private final Map<String, ReplayWindow> windows = new HashMap<>();

    /**
     * @param epoch grows with every start of this node (so its counters never repeat under the key)
     */
    public Envelope(Optional<ClusterKey> key, boolean encrypt, String selfId, long epoch) {
        if (encrypt && key.isEmpty()) {
            // [LB-GROUP]: "If you configure this check attribute, you must first specify ... a shared secret."
            throw new dev.tandem.core.Invalid("cluster encryption", "on", "off, or on together with a cluster key");
        }
        this.key = key;
        this.encrypt = encrypt;
        this.selfId = selfId.getBytes(StandardCharsets.UTF_8);
        if (this.selfId.length > 255) throw new IllegalArgumentException("sender id longer than 255 bytes");
        this.epoch = epoch;
        // A random 96-bit starting point (salt and counter) keeps GCM nonces unique across restarts and nodes
        // sharing the key; the counter then only grows.
        SecureRandom random = new SecureRandom();
        this.nonceSalt = random.nextInt();
        this.counter = random.nextLong() >>> 2;
    }

    public byte[] seal(byte kind, byte[] payload) {
        byte flags = key.isEmpty() ? 0 : (byte) (FLAG_KEYED | (encrypt ? FLAG_ENCRYPTED : 0));
        long c = counter++;
        ByteBuffer header = ByteBuffer.allocate(FIXED_HEADER + selfId.length);
        header.put(MAGIC).put(VERSION).put(kind).put(flags).putLong(epoch).putLong(c).putInt(nonceSalt)
                .put((byte) selfId.length).put(selfId);
        byte[] h = header.array();
        if (key.isEmpty()) return concat(h, payload, new byte[0]);
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, key.get().messageKey(), new GCMParameterSpec(TAG_BITS, nonce(nonceSalt, c)));
            gcm.updateAAD(h);
            if (encrypt) return concat(h, gcm.doFinal(payload), new byte[0]);
            gcm.updateAAD(payload); // authenticated but readable: encryption off, key configured
            return concat(h, payload, gcm.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    public Opened open(byte[] packet) throws Dropped {
        if (packet.length > MAX_PACKET) throw new Dropped(Drop.OVERSIZED, packet.length + " bytes");
        if (packet.length < FIXED_HEADER) throw new Dropped(Drop.TRUNCATED, packet.length + " bytes");
        ByteBuffer b = ByteBuffer.wrap(packet);
        if (b.get() != MAGIC[0] || b.get() != MAGIC[1]) throw new Dropped(Drop.BAD_MAGIC, "not a Tandem message");
        byte version = b.get();
        if (version != VERSION) throw new Dropped(Drop.BAD_VERSION, "version " + version);
        byte kind = b.get();
        byte flags = b.get();
        long msgEpoch = b.getLong();
        long c = b.getLong();
        int salt = b.getInt();
        int idLen = b.get() & 0xff;
        if (b.remaining() < idLen) throw new Dropped(Drop.TRUNCATED, "sender id");
        byte[] id = new byte[idLen];
        b.get(id);
        int headerLen = b.position();
        String sender = new String(id, StandardCharsets.UTF_8);
        boolean keyed = (flags & FLAG_KEYED) != 0;
        if (key.isPresent() != keyed) {
            throw new Dropped(key.isPresent() ? Drop.UNKEYED : Drop.KEY_MISMATCH,
                    key.isPresent() ? "sender " + sender + " has no cluster key" : "sender " + sender + " uses a cluster key");
        }
        byte[] payload;
        if (!keyed) {
            payload = java.util.Arrays.copyOfRange(packet, headerLen, packet.length);
        } else {
            payload = authenticate(packet, headerLen, (flags & FLAG_ENCRYPTED) != 0, salt, c, sender);
        }
        ReplayWindow w = windows.computeIfAbsent(sender, s -> new ReplayWindow());
        Copy copy = new Copy(sender, msgEpoch, c);
        if (!w.accept(msgEpoch, c)) throw new Dropped(Drop.REPLAYED, "from " + sender + " epoch " + msgEpoch + " #" + c, copy);
        return new Opened(sender, kind, payload, copy);
    }

    private byte[] authenticate(byte[] packet, int headerLen, boolean encrypted, int salt, long c, String sender)
            throws Dropped {
        if (packet.length - headerLen < TAG_BYTES) throw new Dropped(Drop.TRUNCATED, "no authentication tag");
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, key.get().messageKey(), new GCMParameterSpec(TAG_BITS, nonce(salt, c)));
            gcm.updateAAD(packet, 0, headerLen);
            if (encrypted) return gcm.doFinal(packet, headerLen, packet.length - headerLen);
            int bodyLen = packet.length - headerLen - TAG_BYTES;
            gcm.updateAAD(packet, headerLen, bodyLen);
            gcm.doFinal(packet, headerLen + bodyLen, TAG_BYTES);
            return java.util.Arrays.copyOfRange(packet, headerLen, headerLen + bodyLen);
        } catch (AEADBadTagException e) {
            throw new Dropped(Drop.UNAUTHENTICATED, "from " + sender + ": wrong cluster key or altered message");
        } catch (GeneralSecurityException e) {
            throw new Dropped(Drop.UNAUTHENTICATED, "from " + sender + ": " + e.getClass().getSimpleName());
        }
    }

    private static byte[] nonce(int salt, long counter) {
        return ByteBuffer.allocate(12).putInt(salt).putLong(counter).array();
    }

    private static byte[] concat(byte[] a, byte[] b, byte[] c) {
        byte[] out = new byte[a.length + b.length + c.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        System.arraycopy(c, 0, out, a.length + b.length, c.length);
        return out;
    }
}
