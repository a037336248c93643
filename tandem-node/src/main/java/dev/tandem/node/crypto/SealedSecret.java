package dev.tandem.node.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A secret stored encrypted at rest ([LB-GROUP]: {@code cluster key 8} takes "an already encrypted key"): AES-256-GCM
 * under a key derived by PBKDF2-HMAC-SHA256 from a node-local master passphrase. Text form:
 * {@code 8$<base64 of salt, nonce and ciphertext>}.
 */
public final class SealedSecret {
    private static final String PREFIX = "8$";
    private static final int ITERATIONS = 210_000;
    private static final int SALT = 16;
    private static final int NONCE = 12;

    private SealedSecret() {}

    public static String seal(String secret, String masterPassphrase) {
        SecureRandom random = new SecureRandom();
        byte[] salt = new byte[SALT];
        byte[] nonce = new byte[NONCE];
        random.nextBytes(salt);
        random.nextBytes(nonce);
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, derive(masterPassphrase, salt), new GCMParameterSpec(128, nonce));
            byte[] ct = gcm.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(SALT + NONCE + ct.length)
                    .put(salt).put(nonce).put(ct).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    /** @throws IllegalArgumentException when the text is not a sealed secret or the passphrase is wrong */
    public static String open(String sealed, String masterPassphrase) {
        if (!sealed.startsWith(PREFIX)) throw new IllegalArgumentException("an encrypted key starts with 8$");
        byte[] all;
        try {
            all = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the encrypted key is not valid base64");
        }
        if (all.length < SALT + NONCE + 16) throw new IllegalArgumentException("the encrypted key is too short");
        ByteBuffer b = ByteBuffer.wrap(all);
        byte[] salt = new byte[SALT];
        byte[] nonce = new byte[NONCE];
        b.get(salt).get(nonce);
        byte[] ct = new byte[b.remaining()];
        b.get(ct);
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, derive(masterPassphrase, salt), new GCMParameterSpec(128, nonce));
            return new String(gcm.doFinal(ct), StandardCharsets.UTF_8);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new IllegalArgumentException("the master key does not open the encrypted key");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    private static SecretKeySpec derive(String passphrase, byte[] salt) throws GeneralSecurityException {
        SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
        byte[] key = f.generateSecret(new PBEKeySpec(passphrase.toCharArray(), salt, ITERATIONS, 256)).getEncoded();
        return new SecretKeySpec(key, "AES");
    }
}
