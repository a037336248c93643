package dev.tandem.node.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cluster key ([LB-GROUP]: the group's shared secret, {@code cluster key}). Only keys derived from it are
 * kept; it prints as its fingerprint, never as itself.
 */
public final class ClusterKey {
    private static final byte[] SALT = "tandem cluster key v1".getBytes(StandardCharsets.US_ASCII);
    private final SecretKey messageKey;
    private final String fingerprint;

    private ClusterKey(SecretKey messageKey, String fingerprint) {
        this.messageKey = messageKey;
        this.fingerprint = fingerprint;
    }

    /** Derives the keys from the shared secret, which must be at least 8 characters. */
    public static ClusterKey fromSecret(String secret) {
        if (secret == null || secret.length() < 8) {
            throw new dev.tandem.core.Invalid("cluster key", "(hidden)", "a secret of at least 8 characters");
        }
        byte[] ikm = secret.getBytes(StandardCharsets.UTF_8);
        try {
            byte[] aes = Hkdf.derive(ikm, SALT, "message encryption".getBytes(StandardCharsets.US_ASCII), 32);
            byte[] id = Hkdf.derive(ikm, SALT, "fingerprint".getBytes(StandardCharsets.US_ASCII), 32);
            String fp = HexFormat.of().formatHex(sha256(id), 0, 8);
            return new ClusterKey(new SecretKeySpec(aes, "AES"), fp);
        } finally {
            Arrays.fill(ikm, (byte) 0);
        }
    }

    SecretKey messageKey() {
        return messageKey;
    }

    /** A short public identifier of the key: equal fingerprints mean equal keys. */
    public String fingerprint() {
        return fingerprint;
    }

    @Override
    public String toString() {
        return "ClusterKey[" + fingerprint + "]";
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
