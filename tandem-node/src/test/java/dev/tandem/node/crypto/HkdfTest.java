package dev.tandem.node.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** HKDF-SHA256 must be RFC 5869 exactly (docs/architecture.md, Security: keys derived by HKDF-SHA256 from the cluster key). */
class HkdfTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void rfc5869TestCase1() {
        byte[] ikm = new byte[22];
        Arrays.fill(ikm, (byte) 0x0b);
        byte[] salt = HEX.parseHex("000102030405060708090a0b0c");
        byte[] info = HEX.parseHex("f0f1f2f3f4f5f6f7f8f9");

        byte[] okm = Hkdf.derive(ikm, salt, info, 42);

        assertThat(HEX.formatHex(okm)).isEqualTo(
                "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
    }

    @Test
    void rfc5869TestCase3EmptySaltMeansHashLengthOfZeros() {
        byte[] ikm = new byte[22];
        Arrays.fill(ikm, (byte) 0x0b);

        byte[] okm = Hkdf.derive(ikm, new byte[0], new byte[0], 42);

        assertThat(HEX.formatHex(okm)).isEqualTo(
                "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
    }

    @Test
    void aShorterOutputIsAPrefixOfALongerOne() {
        byte[] ikm = "some input key".getBytes();
        byte[] salt = "salt".getBytes();
        byte[] info = "info".getBytes();

        byte[] longer = Hkdf.derive(ikm, salt, info, 100);
        byte[] shorter = Hkdf.derive(ikm, salt, info, 33);

        assertThat(shorter).isEqualTo(Arrays.copyOf(longer, 33));
    }

    @Test
    void differentInfoGivesIndependentKeys() {
        byte[] ikm = "some input key".getBytes();
        byte[] salt = "salt".getBytes();

        assertThat(Hkdf.derive(ikm, salt, "a".getBytes(), 32)).isNotEqualTo(Hkdf.derive(ikm, salt, "b".getBytes(), 32));
    }

    @Test
    void lengthIsLimitedTo255Blocks() {
        byte[] ikm = "k".getBytes();
        assertThat(Hkdf.derive(ikm, new byte[0], new byte[0], 255 * 32)).hasSize(255 * 32);
        assertThat(Hkdf.derive(ikm, new byte[0], new byte[0], 1)).hasSize(1);
        assertThatThrownBy(() -> Hkdf.derive(ikm, new byte[0], new byte[0], 255 * 32 + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Hkdf.derive(ikm, new byte[0], new byte[0], 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
