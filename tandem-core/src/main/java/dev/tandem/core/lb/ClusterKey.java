package dev.tandem.core.lb;

import dev.tandem.core.Invalid;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The group's shared secret ([LB-GROUP], step 5: "cluster key"). Members compare keys through a
 * {@link #fingerprint()} only, so the secret never travels in a message, an error or a log line;
 * {@link #toString()} shows the fingerprint. The specification shows the key as asterisks for the same reason.
 */
public final class ClusterKey {
    private static final int MAX_LENGTH = 128;
    /** A label mixed into the hash so the fingerprint is useless as a hash of the key anywhere else. */
    private static final String FINGERPRINT_LABEL = "tandem load-balancing group key fingerprint v1\0";

    private final String secret;
    private final String fingerprint;

    private ClusterKey(String secret) {
        this.secret = secret;
        this.fingerprint = fingerprintOf(secret);
    }

    /** A key of 1 to 128 visible ASCII characters; the error never repeats the key. */
    public static ClusterKey of(String field, String secret) {
        if (secret == null || secret.isEmpty() || secret.length() > MAX_LENGTH || !visibleAscii(secret)) {
            throw new Invalid(field, secret == null ? null : "(hidden, " + secret.length() + " characters)",
                    "1 to 128 visible ASCII characters without spaces");
        }
        return new ClusterKey(secret);
    }

    /** The secret itself, for the shell's crypto envelope only. */
    public String secret() {
        return secret;
    }

    /** 16 hex digits of SHA-256 over a label and the key: equal keys, equal fingerprints. */
    public String fingerprint() {
        return fingerprint;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClusterKey k && k.secret.equals(secret);
    }

    @Override
    public int hashCode() {
        return fingerprint.hashCode();
    }

    @Override
    public String toString() {
        return "ClusterKey[fingerprint=" + fingerprint + "]";
    }

    private static boolean visibleAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c > '~') return false;
        }
        return true;
    }

    /** The key is visible ASCII (checked above), so each character is one byte; no charset machinery needed. */
    private static byte[] ascii(String s) {
        byte[] b = new byte[s.length()];
        for (int i = 0; i < s.length(); i++) b[i] = (byte) s.charAt(i);
        return b;
    }

    private static String fingerprintOf(String secret) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest(ascii(FINGERPRINT_LABEL + secret));
            StringBuilder hex = new StringBuilder(16);
            for (int i = 0; i < 8; i++) {
                hex.append(Character.forDigit((digest[i] >> 4) & 0xf, 16)).append(Character.forDigit(digest[i] & 0xf, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
