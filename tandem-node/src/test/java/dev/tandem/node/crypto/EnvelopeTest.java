package dev.tandem.node.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tandem.core.Invalid;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The envelope of group and pair messages (docs/architecture.md, Security): AES-256-GCM keyed from the cluster key; version,
 * sender, epoch and counter authenticated; a per-sender replay window; a message that fails to authenticate is
 * dropped and never changes state. docs/node.md: with encryption off but a key set, messages are authenticated in
 * clear.
 */
class EnvelopeTest {
    private static final String SECRET = "cluster-secret-for-tests";
    private static final ClusterKey KEY = ClusterKey.fromSecret(SECRET);
    private static final ClusterKey OTHER_KEY = ClusterKey.fromSecret("another-cluster-secret");
    /** magic 2, version 1, kind 1, flags 1, epoch 8, counter 8, nonce salt 4, id length 1. */
    private static final int FIXED_HEADER = 26;
    private static final int TAG = 16;
    private static final String SENDER = "node-a";
    private static final byte KIND = 7;
    private static final byte[] PAYLOAD = "a recognisable payload: ZQXJ-heartbeat-body".getBytes(StandardCharsets.UTF_8);

    private static Envelope encrypted(String id, long epoch) {
        return new Envelope(Optional.of(KEY), true, id, epoch);
    }

    private static Envelope authenticated(String id, long epoch) {
        return new Envelope(Optional.of(KEY), false, id, epoch);
    }

    private static Envelope unkeyed(String id, long epoch) {
        return new Envelope(Optional.empty(), false, id, epoch);
    }

    private static Envelope.Drop dropOf(Envelope receiver, byte[] packet) {
        Envelope.Dropped d = catchThrowableOfType(Envelope.Dropped.class, () -> receiver.open(packet));
        assertThat(d).as("the packet must be dropped").isNotNull();
        return d.drop();
    }

    // ---------------------------------------------------------------- round trips

    @Test
    void encryptedRoundTrip() throws Exception {
        byte[] packet = encrypted(SENDER, 1).seal(KIND, PAYLOAD);

        Envelope.Opened opened = encrypted("node-b", 1).open(packet);

        assertThat(opened.sender()).isEqualTo(SENDER);
        assertThat(opened.kind()).isEqualTo(KIND);
        assertThat(opened.payload()).isEqualTo(PAYLOAD);
        assertThat(packet).hasSize(FIXED_HEADER + SENDER.length() + PAYLOAD.length + TAG);
    }

    @Test
    void thePayloadIsUnreadableInAnEncryptedPacket() {
        byte[] packet = encrypted(SENDER, 1).seal(KIND, PAYLOAD);

        String text = new String(packet, StandardCharsets.ISO_8859_1);
        assertThat(text).doesNotContain("ZQXJ").doesNotContain("heartbeat").doesNotContain("payload");
        // Only the header (with the sender id) is in clear.
        assertThat(text).contains(SENDER);
    }

    @Test
    void authenticatedOnlyRoundTripKeepsThePayloadReadable() throws Exception {
        // docs/node.md: "With encryption off but a key set, messages are authenticated in clear."
        byte[] packet = authenticated(SENDER, 1).seal(KIND, PAYLOAD);

        assertThat(new String(packet, StandardCharsets.ISO_8859_1)).contains("ZQXJ-heartbeat-body");
        assertThat(packet).hasSize(FIXED_HEADER + SENDER.length() + PAYLOAD.length + TAG);
        Envelope.Opened opened = authenticated("node-b", 1).open(packet);
        assertThat(opened.sender()).isEqualTo(SENDER);
        assertThat(opened.kind()).isEqualTo(KIND);
        assertThat(opened.payload()).isEqualTo(PAYLOAD);
    }

    @Test
    void unkeyedRoundTrip() throws Exception {
        byte[] packet = unkeyed(SENDER, 1).seal(KIND, PAYLOAD);

        assertThat(packet).hasSize(FIXED_HEADER + SENDER.length() + PAYLOAD.length);
        Envelope.Opened opened = unkeyed("node-b", 1).open(packet);
        assertThat(opened.sender()).isEqualTo(SENDER);
        assertThat(opened.kind()).isEqualTo(KIND);
        assertThat(opened.payload()).isEqualTo(PAYLOAD);
    }

    @Test
    void anEmptyPayloadRoundTripsInEveryMode() throws Exception {
        assertThat(encrypted("b", 1).open(encrypted(SENDER, 1).seal(KIND, new byte[0])).payload()).isEmpty();
        assertThat(authenticated("b", 1).open(authenticated(SENDER, 1).seal(KIND, new byte[0])).payload()).isEmpty();
        assertThat(unkeyed("b", 1).open(unkeyed(SENDER, 1).seal(KIND, new byte[0])).payload()).isEmpty();
    }

    @Test
    void aReceiverWithEncryptionOffOpensEncryptedPacketsOfTheSameKeyAndTheOtherWayRound() throws Exception {
        assertThat(authenticated("b", 1).open(encrypted(SENDER, 1).seal(KIND, PAYLOAD)).payload()).isEqualTo(PAYLOAD);
        assertThat(encrypted("b", 1).open(authenticated(SENDER, 1).seal(KIND, PAYLOAD)).payload()).isEqualTo(PAYLOAD);
    }

    @Test
    void aLongSenderIdUpTo255BytesIsCarried() throws Exception {
        String id = "n".repeat(255);
        assertThat(encrypted("b", 1).open(encrypted(id, 1).seal(KIND, PAYLOAD)).sender()).isEqualTo(id);
        assertThatThrownBy(() -> encrypted("n".repeat(256), 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLargePayloadUpToTheMaximumPacketIsCarried() throws Exception {
        byte[] big = new byte[Envelope.MAX_PACKET - FIXED_HEADER - SENDER.length() - TAG];
        new Random(1).nextBytes(big);
        byte[] packet = encrypted(SENDER, 1).seal(KIND, big);

        assertThat(packet).hasSize(Envelope.MAX_PACKET);
        assertThat(encrypted("b", 1).open(packet).payload()).isEqualTo(big);
    }

    // ---------------------------------------------------------------- drops: framing

    @Test
    void packetsShorterThanTheFixedHeaderAreTruncated() {
        byte[] packet = encrypted(SENDER, 1).seal(KIND, PAYLOAD);
        Envelope receiver = encrypted("b", 1);
        for (int len = 0; len < FIXED_HEADER; len++) {
            assertThat(dropOf(receiver, Arrays.copyOf(packet, len))).as("length %d", len).isEqualTo(Envelope.Drop.TRUNCATED);
        }
    }

    @Test
    void aHeaderCutInsideTheSenderIdIsTruncated() {
        for (Envelope sender : List.of(encrypted(SENDER, 1), authenticated(SENDER, 1), unkeyed(SENDER, 1))) {
            byte[] packet = sender.seal(KIND, PAYLOAD);
            Envelope receiver = unkeyed("b", 1);
            for (int len = FIXED_HEADER; len < FIXED_HEADER + SENDER.length(); len++) {
                assertThat(dropOf(receiver, Arrays.copyOf(packet, len))).as("length %d", len)
                        .isEqualTo(Envelope.Drop.TRUNCATED);
            }
        }
    }

    @Test
    void aKeyedPacketWithoutItsFullTagIsTruncated() {
        int header = FIXED_HEADER + SENDER.length();
        for (Envelope sender : List.of(encrypted(SENDER, 1), authenticated(SENDER, 1))) {
            byte[] packet = sender.seal(KIND, new byte[0]);
            Envelope receiver = encrypted("b", 1);
            for (int len = header; len < header + TAG; len++) {
                assertThat(dropOf(receiver, Arrays.copyOf(packet, len))).as("length %d", len)
                        .isEqualTo(Envelope.Drop.TRUNCATED);
            }
        }
    }

    @Test
    void aKeyedPacketCutAnywhereIsNeverAccepted() {
        for (Envelope sender : List.of(encrypted(SENDER, 1), authenticated(SENDER, 1))) {
            byte[] packet = sender.seal(KIND, PAYLOAD);
            Envelope receiver = encrypted("b", 1);
            for (int len = 0; len < packet.length; len++) {
                assertThat(dropOf(receiver, Arrays.copyOf(packet, len))).as("length %d", len)
                        .isIn(Envelope.Drop.TRUNCATED, Envelope.Drop.UNAUTHENTICATED);
            }
        }
    }

    @Test
    void packetsOverTheMaximumAreOversized() {
        byte[] big = new byte[Envelope.MAX_PACKET + 1];
        big[0] = 'T';
        big[1] = 'D';
        big[2] = 1;
        assertThat(dropOf(encrypted("b", 1), big)).isEqualTo(Envelope.Drop.OVERSIZED);
        assertThat(dropOf(unkeyed("b", 1), new byte[1 << 20])).isEqualTo(Envelope.Drop.OVERSIZED);
        // Exactly the maximum is not oversized: it fails later, on its magic.
        assertThat(dropOf(encrypted("b", 1), new byte[Envelope.MAX_PACKET])).isEqualTo(Envelope.Drop.BAD_MAGIC);
    }

    @Test
    void aWrongMagicIsBadMagic() {
        byte[] packet = encrypted(SENDER, 1).seal(KIND, PAYLOAD);
        byte[] first = packet.clone();
        first[0] = 'X';
        byte[] second = packet.clone();
        second[1] = 'x';

        assertThat(dropOf(encrypted("b", 1), first)).isEqualTo(Envelope.Drop.BAD_MAGIC);
        assertThat(dropOf(encrypted("b", 1), second)).isEqualTo(Envelope.Drop.BAD_MAGIC);
        assertThat(dropOf(unkeyed("b", 1), "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes())).isEqualTo(Envelope.Drop.BAD_MAGIC);
    }

    @Test
    void anotherVersionIsBadVersion() {
        byte[] packet = unkeyed(SENDER, 1).seal(KIND, PAYLOAD);
        for (int v : new int[] {0, 2, 127, -1}) {
            byte[] p = packet.clone();
            p[2] = (byte) v;
            assertThat(dropOf(unkeyed("b", 1), p)).as("version %d", v).isEqualTo(Envelope.Drop.BAD_VERSION);
        }
    }

    // ---------------------------------------------------------------- drops: keys

    @Test
    void aKeyedReceiverDropsAnUnkeyedSenderAsUnkeyed() {
        byte[] packet = unkeyed(SENDER, 1).seal(KIND, PAYLOAD);

        assertThat(dropOf(encrypted("b", 1), packet)).isEqualTo(Envelope.Drop.UNKEYED);
        assertThat(dropOf(authenticated("b", 1), packet)).isEqualTo(Envelope.Drop.UNKEYED);
    }

    @Test
    void anUnkeyedReceiverDropsAKeyedSenderAsKeyMismatch() {
        assertThat(dropOf(unkeyed("b", 1), encrypted(SENDER, 1).seal(KIND, PAYLOAD))).isEqualTo(Envelope.Drop.KEY_MISMATCH);
        assertThat(dropOf(unkeyed("b", 1), authenticated(SENDER, 1).seal(KIND, PAYLOAD)))
                .isEqualTo(Envelope.Drop.KEY_MISMATCH);
    }

    @Test
    void aWrongKeyIsUnauthenticated() {
        Envelope receiver = new Envelope(Optional.of(OTHER_KEY), true, "b", 1);

        assertThat(dropOf(receiver, encrypted(SENDER, 1).seal(KIND, PAYLOAD))).isEqualTo(Envelope.Drop.UNAUTHENTICATED);
        assertThat(dropOf(receiver, authenticated(SENDER, 1).seal(KIND, PAYLOAD))).isEqualTo(Envelope.Drop.UNAUTHENTICATED);
    }

    @Test
    void everySingleFlippedBitOfAnEncryptedPacketIsDropped() throws Exception {
        everyFlippedBitIsDropped(encrypted(SENDER, 1));
    }

    @Test
    void everySingleFlippedBitOfAnAuthenticatedPacketIsDropped() throws Exception {
        everyFlippedBitIsDropped(authenticated(SENDER, 1));
    }

    /**
     * Header, payload and tag are all covered: a flipped bit in the framing fields is caught by their own check,
     * any other flipped bit fails authentication. None is accepted, and none changes the receiver's state: the
     * original packet still opens afterwards.
     */
    private static void everyFlippedBitIsDropped(Envelope sender) throws Exception {
        byte[] packet = sender.seal(KIND, PAYLOAD);
        Envelope receiver = encrypted("b", 1);
        int idLenAt = FIXED_HEADER - 1;
        for (int i = 0; i < packet.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] p = packet.clone();
                p[i] ^= (byte) (1 << bit);
                Envelope.Drop drop = dropOf(receiver, p);
                String where = "byte " + i + " bit " + bit;
                if (i < 2) {
                    assertThat(drop).as(where).isEqualTo(Envelope.Drop.BAD_MAGIC);
                } else if (i == 2) {
                    assertThat(drop).as(where).isEqualTo(Envelope.Drop.BAD_VERSION);
                } else if (i == 4 && bit == 0) {
                    assertThat(drop).as(where + " (the keyed flag)").isEqualTo(Envelope.Drop.UNKEYED);
                } else if (i == idLenAt) {
                    assertThat(drop).as(where + " (the id length)").isIn(Envelope.Drop.TRUNCATED, Envelope.Drop.UNAUTHENTICATED);
                } else {
                    assertThat(drop).as(where).isEqualTo(Envelope.Drop.UNAUTHENTICATED);
                }
            }
        }
        assertThat(receiver.open(packet).payload()).isEqualTo(PAYLOAD);
    }

    // ---------------------------------------------------------------- replays

    @Test
    void theSamePacketTwiceIsReplayed() throws Exception {
        for (Envelope sender : List.of(encrypted(SENDER, 1), authenticated(SENDER, 1))) {
            Envelope receiver = encrypted("b", 1);
            byte[] packet = sender.seal(KIND, PAYLOAD);
            receiver.open(packet);
            assertThat(dropOf(receiver, packet)).isEqualTo(Envelope.Drop.REPLAYED);
        }
        Envelope receiver = unkeyed("b", 1);
        byte[] packet = unkeyed(SENDER, 1).seal(KIND, PAYLOAD);
        receiver.open(packet);
        assertThat(dropOf(receiver, packet)).isEqualTo(Envelope.Drop.REPLAYED);
    }

    @Test
    void aCounterOlderThanTheWindowOf64IsReplayed() throws Exception {
        Envelope sender = encrypted(SENDER, 1);
        List<byte[]> packets = new ArrayList<>();
        for (int i = 0; i < 66; i++) packets.add(sender.seal(KIND, new byte[] {(byte) i}));
        Envelope receiver = encrypted("b", 1);

        receiver.open(packets.get(65));

        assertThat(dropOf(receiver, packets.get(0))).as("65 behind").isEqualTo(Envelope.Drop.REPLAYED);
        assertThat(dropOf(receiver, packets.get(1))).as("64 behind").isEqualTo(Envelope.Drop.REPLAYED);
        assertThat(receiver.open(packets.get(2)).payload()).as("63 behind").containsExactly(2);
    }

    @Test
    void anOlderEpochOfTheSameSenderIsReplayed() throws Exception {
        byte[] old = encrypted(SENDER, 100).seal(KIND, PAYLOAD);
        byte[] current = encrypted(SENDER, 101).seal(KIND, PAYLOAD);
        Envelope receiver = encrypted("b", 1);

        receiver.open(current);

        assertThat(dropOf(receiver, old)).isEqualTo(Envelope.Drop.REPLAYED);
    }

    @Test
    void aNewEpochOfTheSameSenderIsAccepted() throws Exception {
        // The sender restarted: its counter starts anew (at random) under a higher epoch.
        Envelope receiver = encrypted("b", 1);
        Envelope first = encrypted(SENDER, 100);
        for (int i = 0; i < 5; i++) receiver.open(first.seal(KIND, PAYLOAD));

        Envelope restarted = encrypted(SENDER, 101);
        byte[] p = restarted.seal(KIND, PAYLOAD);

        assertThat(receiver.open(p).sender()).isEqualTo(SENDER);
        assertThat(receiver.open(restarted.seal(KIND, PAYLOAD)).sender()).isEqualTo(SENDER);
        assertThat(dropOf(receiver, first.seal(KIND, PAYLOAD))).as("the old incarnation is over")
                .isEqualTo(Envelope.Drop.REPLAYED);
    }

    @Test
    void packetsReorderedWithinTheWindowAreAcceptedOnceEach() throws Exception {
        Envelope sender = encrypted(SENDER, 1);
        List<byte[]> packets = new ArrayList<>();
        for (int i = 0; i < 40; i++) packets.add(sender.seal(KIND, new byte[] {(byte) i}));
        List<byte[]> shuffled = new ArrayList<>(packets);
        Collections.shuffle(shuffled, new Random(4));
        Envelope receiver = encrypted("b", 1);

        Set<Integer> seen = new java.util.HashSet<>();
        for (byte[] p : shuffled) seen.add((int) receiver.open(p).payload()[0]);
        assertThat(seen).hasSize(40);
        for (byte[] p : shuffled) {
            assertThat(dropOf(receiver, p)).isEqualTo(Envelope.Drop.REPLAYED);
        }
    }

    @Test
    void eachSenderHasItsOwnWindow() throws Exception {
        Envelope a = encrypted("node-a", 1);
        Envelope c = encrypted("node-c", 1);
        Envelope receiver = encrypted("b", 1);
        byte[] fromA = a.seal(KIND, PAYLOAD);
        byte[] fromC = c.seal(KIND, PAYLOAD);

        assertThat(receiver.open(fromA).sender()).isEqualTo("node-a");
        assertThat(receiver.open(fromC).sender()).isEqualTo("node-c");
        assertThat(dropOf(receiver, fromA)).isEqualTo(Envelope.Drop.REPLAYED);
        assertThat(dropOf(receiver, fromC)).isEqualTo(Envelope.Drop.REPLAYED);
    }

    @Test
    void aDroppedForgeryDoesNotConsumeTheCounterOfTheRealPacket() throws Exception {
        // docs/architecture.md, Security: a message that fails to authenticate never changes state.
        byte[] real = encrypted(SENDER, 1).seal(KIND, PAYLOAD);
        byte[] forged = real.clone();
        forged[forged.length - 1] ^= 1;
        Envelope receiver = encrypted("b", 1);

        assertThat(dropOf(receiver, forged)).isEqualTo(Envelope.Drop.UNAUTHENTICATED);
        assertThat(receiver.open(real).payload()).isEqualTo(PAYLOAD);
    }

    // ---------------------------------------------------------------- configuration and secrecy

    @Test
    void encryptionWithoutAKeyIsRefusedClearly() {
        // [LB-GROUP]: "you must first specify ... a shared secret".
        assertThatThrownBy(() -> new Envelope(Optional.empty(), true, "a", 1))
                .isInstanceOf(Invalid.class)
                .hasMessageContaining("cluster encryption")
                .hasMessageContaining("cluster key");
    }

    @Test
    void theKeyNeverAppearsInTextsOrDropMessages() {
        String derivedHex = HexFormat.of().formatHex(KEY.messageKey().getEncoded());
        List<String> texts = new ArrayList<>();
        texts.add(KEY.toString());
        Envelope env = encrypted(SENDER, 1);
        texts.add(env.toString());
        Envelope wrong = new Envelope(Optional.of(OTHER_KEY), true, "b", 1);
        Envelope right = encrypted("b", 1);
        byte[] packet = env.seal(KIND, PAYLOAD);
        for (Envelope receiver : List.of(wrong, unkeyed("c", 1))) {
            texts.add(catchThrowableOfType(Envelope.Dropped.class, () -> receiver.open(packet)).getMessage());
        }
        byte[] tampered = packet.clone();
        tampered[30] ^= 4;
        texts.add(catchThrowableOfType(Envelope.Dropped.class, () -> right.open(tampered)).getMessage());
        texts.add(catchThrowableOfType(Envelope.Dropped.class, () -> right.open(Arrays.copyOf(packet, 40))).getMessage());
        texts.add(catchThrowableOfType(Invalid.class, () -> new Envelope(Optional.empty(), true, "a", 1)).getMessage());

        for (String t : texts) {
            assertThat(t).isNotNull().doesNotContain(SECRET).doesNotContainIgnoringCase(derivedHex);
        }
    }

    @Test
    void everyDropCauseIsReachable() throws Exception {
        // Each cause is a metric label (docs/node.md: tandem_packets_dropped_total{cause=...}); all can happen.
        EnumSet<Envelope.Drop> seen = EnumSet.noneOf(Envelope.Drop.class);
        byte[] keyed = encrypted(SENDER, 1).seal(KIND, PAYLOAD);
        Envelope receiver = encrypted("b", 1);
        seen.add(dropOf(receiver, new byte[3]));
        seen.add(dropOf(receiver, new byte[Envelope.MAX_PACKET + 1]));
        seen.add(dropOf(receiver, new byte[40]));
        byte[] v = keyed.clone();
        v[2] = 9;
        seen.add(dropOf(receiver, v));
        seen.add(dropOf(receiver, unkeyed(SENDER, 1).seal(KIND, PAYLOAD)));
        seen.add(dropOf(unkeyed("b", 1), keyed));
        seen.add(dropOf(new Envelope(Optional.of(OTHER_KEY), true, "b", 1), keyed));
        receiver.open(keyed);
        seen.add(dropOf(receiver, keyed));

        assertThat(seen).containsExactlyInAnyOrder(Envelope.Drop.values());
    }
}
