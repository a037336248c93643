package dev.tandem.node.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.core.Invalid;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The cluster key ([LB-GROUP]: the group's shared secret, cluster key). docs/architecture.md, Security: secrets never appear in
 * logs, output or errors; only the fingerprint does.
 */
class ClusterKeyTest {
    private static final String SECRET = "correct horse battery staple";

    @Test
    void theFingerprintIsStableForEqualSecrets() {
        ClusterKey a = ClusterKey.fromSecret(SECRET);
        ClusterKey b = ClusterKey.fromSecret(new String(SECRET.toCharArray()));

        assertThat(a.fingerprint()).isEqualTo(b.fingerprint());
        assertThat(a.fingerprint()).matches("[0-9a-f]{16}");
    }

    @Test
    void differentSecretsHaveDifferentFingerprints() {
        assertThat(ClusterKey.fromSecret(SECRET).fingerprint())
                .isNotEqualTo(ClusterKey.fromSecret(SECRET + "!").fingerprint())
                .isNotEqualTo(ClusterKey.fromSecret("Correct horse battery staple").fingerprint());
    }

    @Test
    void theFingerprintIsNotTheMessageKey() {
        ClusterKey k = ClusterKey.fromSecret(SECRET);
        String keyHex = HexFormat.of().formatHex(k.messageKey().getEncoded());

        assertThat(keyHex).doesNotContain(k.fingerprint());
        assertThat(k.messageKey().getEncoded()).hasSize(32);
        assertThat(k.messageKey().getAlgorithm()).isEqualTo("AES");
    }

    @Test
    void keysFromEqualSecretsOpenEachOthersMessages() throws Exception {
        Envelope sender = new Envelope(Optional.of(ClusterKey.fromSecret(SECRET)), true, "a", 1);
        Envelope receiver = new Envelope(Optional.of(ClusterKey.fromSecret(SECRET)), true, "b", 1);

        assertThat(receiver.open(sender.seal((byte) 1, new byte[] {42})).payload()).containsExactly(42);
    }

    @Test
    void secretsShorterThanEightCharactersAreRefusedWithoutShowingThem() {
        // docs/node-config.yaml: the shared cluster key is at least 8 characters.
        assertThatThrownBy(() -> ClusterKey.fromSecret("s3cr3t7"))
                .isInstanceOf(Invalid.class)
                .hasMessageContaining("cluster key")
                .hasMessageContaining("at least 8 characters")
                .hasMessageNotContaining("s3cr3t7");
        assertThatThrownBy(() -> ClusterKey.fromSecret("")).isInstanceOf(Invalid.class);
        assertThatThrownBy(() -> ClusterKey.fromSecret(null)).isInstanceOf(Invalid.class);
        assertThat(ClusterKey.fromSecret("8chars!!").fingerprint()).hasSize(16);
    }

    @Test
    void toStringShowsTheFingerprintOnly() {
        ClusterKey k = ClusterKey.fromSecret(SECRET);

        assertThat(k.toString())
                .contains(k.fingerprint())
                .doesNotContain(SECRET)
                .doesNotContain("horse")
                .doesNotContain(HexFormat.of().formatHex(k.messageKey().getEncoded()));
    }
}
