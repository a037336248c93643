package dev.tandem.node.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Operators' passwords as Argon2id hashes (RFC 9106), by Bouncy Castle, in the PHC string format
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}). The cost is the one OWASP names as the least for Argon2id:
 * 19 MiB of memory, 2 passes, 1 lane; a check takes tens of milliseconds, which is what makes guessing slow. A hash
 * records its own cost, so hashes made with another cost keep verifying.
 */
public final class Passwords {
    static final int MEMORY_KIB = 19 * 1024;
    static final int PASSES = 2;
    static final int LANES = 1;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    /** Shorter passwords are refused; longer than {@link #LONGEST} too (hashing a megabyte is a denial of service). */
    public static final int SHORTEST = 10;
    public static final int LONGEST = 256;
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,2}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{11,64})\\$([A-Za-z0-9+/]{22,128})");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Checked against when the operator does not exist, so that the answer takes as long as for one that does. */
    private static final String DECOY = hash("no operator has this password");

    private Passwords() {}

    /** Why {@code password} may not be used, or null when it may. */
    public static String refusal(String password) {
        if (password == null || password.length() < SHORTEST) {
            return "the password is too short; allowed: " + SHORTEST + " to " + LONGEST + " characters";
        }
        if (password.length() > LONGEST) {
            return "the password is too long; allowed: " + SHORTEST + " to " + LONGEST + " characters";
        }
        return null;
    }

    public static String hash(String password) {
        return hash(password, MEMORY_KIB, PASSES);
    }

    /** A hash at another cost: what a hash made by an older or newer build looks like. */
    static String hash(String password, int memoryKib, int passes) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] out = derive(password, salt, memoryKib, passes, LANES, HASH_BYTES);
        return "$argon2id$v=19$m=" + memoryKib + ",t=" + passes + ",p=" + LANES + "$" + B64.encodeToString(salt) + "$"
                + B64.encodeToString(out);
    }

    /** Whether {@code password} matches {@code hash}; a null or malformed hash matches nothing (after the same work). */
    public static boolean matches(String password, String hash) {
        Matcher m = hash == null ? null : PHC.matcher(hash);
        if (m == null || !m.matches() || password == null || password.length() > LONGEST) {
            matches("decoy password", DECOY);
            return false;
        }
        int memory = Integer.parseInt(m.group(1));
        int passes = Integer.parseInt(m.group(2));
        int lanes = Integer.parseInt(m.group(3));
        if (memory < 8 * lanes || memory > 1 << 20 || passes < 1 || lanes < 1) return false;
        byte[] salt = B64D.decode(m.group(4));
        byte[] expected = B64D.decode(m.group(5));
        return MessageDigest.isEqual(derive(password, salt, memory, passes, lanes, expected.length), expected);
    }

    /** Spends the time of one check, for an operator that does not exist. */
    public static void decoy(String password) {
        matches(password == null ? "" : password, DECOY);
    }

    private static byte[] derive(String password, byte[] salt, int memoryKib, int passes, int lanes, int length) {
        Argon2BytesGenerator g = new Argon2BytesGenerator();
        g.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib).withIterations(passes).withParallelism(lanes).withSalt(salt).build());
        byte[] out = new byte[length];
        g.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
