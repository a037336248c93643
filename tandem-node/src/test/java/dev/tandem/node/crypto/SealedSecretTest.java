package dev.tandem.node.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

/** A cluster key stored encrypted at rest ([LB-GROUP]: "cluster key 8" takes an already encrypted key). */
class SealedSecretTest {
    private static final String SECRET = "the group shared secret";
    private static final String MASTER = "node-local master passphrase";

    @Test
    void sealThenOpenGivesTheSecretBack() {
        String sealed = SealedSecret.seal(SECRET, MASTER);

        assertThat(sealed).startsWith("8$").doesNotContain(SECRET).doesNotContain(MASTER);
        assertThat(SealedSecret.open(sealed, MASTER)).isEqualTo(SECRET);
    }

    @Test
    void nonAsciiSecretsSurvive() {
        String secret = "clé secrète ✓ 鍵";
        assertThat(SealedSecret.open(SealedSecret.seal(secret, MASTER), MASTER)).isEqualTo(secret);
    }

    @Test
    void sealingTwiceGivesDifferentTextsThatBothOpen() {
        String a = SealedSecret.seal(SECRET, MASTER);
        String b = SealedSecret.seal(SECRET, MASTER);

        assertThat(a).isNotEqualTo(b);
        assertThat(SealedSecret.open(b, MASTER)).isEqualTo(SECRET);
    }

    @Test
    void aWrongPassphraseIsRefusedWithoutShowingEither() {
        String sealed = SealedSecret.seal(SECRET, MASTER);

        assertThatThrownBy(() -> SealedSecret.open(sealed, "not the master passphrase"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not open")
                .hasMessageNotContaining(SECRET)
                .hasMessageNotContaining("not the master passphrase");
    }

    @Test
    void textWithoutThePrefixIsRefused() {
        String sealed = SealedSecret.seal(SECRET, MASTER);

        assertThatThrownBy(() -> SealedSecret.open(sealed.substring(2), MASTER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("8$");
        assertThatThrownBy(() -> SealedSecret.open("7$" + sealed.substring(2), MASTER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("8$");
        assertThatThrownBy(() -> SealedSecret.open(SECRET, MASTER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining(SECRET);
    }

    @Test
    void badBase64IsRefused() {
        assertThatThrownBy(() -> SealedSecret.open("8$not*base64!", MASTER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("base64");
    }

    @Test
    void tooShortToHoldSaltNonceAndTagIsRefused() {
        // 16 bytes of salt, 12 of nonce and a 16-byte tag at the least.
        String short43 = "8$" + Base64.getEncoder().encodeToString(new byte[16 + 12 + 15]);
        assertThatThrownBy(() -> SealedSecret.open(short43, MASTER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too short");
        assertThatThrownBy(() -> SealedSecret.open("8$", MASTER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too short");
    }

    @Test
    void aTruncatedSealedSecretIsRefused() {
        String sealed = SealedSecret.seal(SECRET, MASTER);
        byte[] all = Base64.getDecoder().decode(sealed.substring(2));
        byte[] cut = java.util.Arrays.copyOf(all, all.length - 1);

        assertThatThrownBy(() -> SealedSecret.open("8$" + Base64.getEncoder().encodeToString(cut), MASTER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void anAlteredSealedSecretIsRefused() {
        String sealed = SealedSecret.seal(SECRET, MASTER);
        byte[] all = Base64.getDecoder().decode(sealed.substring(2));
        all[all.length - 20] ^= 1;

        assertThatThrownBy(() -> SealedSecret.open("8$" + Base64.getEncoder().encodeToString(all), MASTER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not open");
    }
}
