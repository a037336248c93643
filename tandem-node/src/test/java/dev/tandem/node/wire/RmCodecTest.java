package dev.tandem.node.wire;

import static dev.tandem.node.wire.Payloads.assertMalformed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.core.NodeId;
import dev.tandem.core.rm.NodeState;
import dev.tandem.core.rm.Reason;
import dev.tandem.core.rm.RmMessage;
import dev.tandem.core.rm.Serving;
import dev.tandem.core.rm.Versions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The recovery managers' messages on the wire. docs/architecture.md, Security: a message that fails to decode is dropped and
 * counted; it never changes state. So decoding a bad payload must end in {@link Malformed}, never another exception.
 */
class RmCodecTest {
    private static final Payloads.Decoder DECODE = RmCodec::decode;

    static RmMessage.Heartbeat heartbeat() {
        return new RmMessage.Heartbeat(NodeId.of("n1"), "east_pair-1", "east|[n1, n2]|ha=true", 3, 1234,
                NodeState.RUNNING_IN_BACKUP_MODE, Reason.PEER_DOWN, null, true, false, 2, Versions.current("1.2.0"),
                Set.of(Serving.Side.OWN, Serving.Side.PEER));
    }

    static List<RmMessage> samples() {
        List<RmMessage> out = new ArrayList<>();
        out.add(heartbeat());
        out.add(new RmMessage.Heartbeat(NodeId.of("node.b:2_x-y"), "g", "", Long.MIN_VALUE, RmCodec.MAX_SEQ,
                NodeState.INITIALIZING, Reason.INITIALIZATION, NodeState.FAILED_OVER, false, true, -1,
                new Versions(Versions.PROTOCOL - 1, ""), Set.of(Serving.Side.PEER)));
        out.add(new RmMessage.Heartbeat(NodeId.of("n3"), "g", "fp", 7, 0, NodeState.NORMAL, Reason.NORMAL, null, true,
                false, 0, new Versions(Versions.PROTOCOL + 1, ""), Set.of(Serving.Side.OWN)));
        out.add(new RmMessage.Heartbeat(NodeId.of("n2"), "g", "fp", 9, 3, NodeState.TAKING_OVER, Reason.PEER_DOWN, null,
                true, true, 0, Versions.current("1.3.0"), Set.of(), 1_765_000_000_123L));
        out.add(new RmMessage.Goodbye(NodeId.of("n2"), "east", 99));
        out.add(new RmMessage.Goodbye(NodeId.of("n".repeat(128)), "", 0));
        return out;
    }

    /**
     * In the layout the message came in: a peer of protocol 2 or later gets the versioned one, except a heartbeat of
     * protocol 3 or later that does not say whom it serves, which came in the first layout.
     */
    static RmMessage roundTrip(RmMessage m) throws Malformed {
        Versions v = m instanceof RmMessage.Heartbeat h
                ? (h.serving() == null && h.versions().protocol() >= Versions.SERVING_SENT ? null : h.versions())
                : m instanceof RmMessage.Unreadable u ? u.versions() : null;
        return RmCodec.decode(RmCodec.encode(m, v));
    }

    @Test
    void everyMessageTypeRoundTrips() throws Exception {
        for (RmMessage m : samples()) {
            assertThat(roundTrip(m)).isEqualTo(m);
        }
    }

    @Test
    void everyStateReasonAndResumingStateRoundTrips() throws Exception {
        // [RG-T1] and Table 2: every state and reason can travel in a heartbeat.
        RmMessage.Heartbeat h = heartbeat();
        for (NodeState s : NodeState.values()) {
            for (Reason r : Reason.values()) {
                RmMessage.Heartbeat m = new RmMessage.Heartbeat(h.from(), h.group(), h.fingerprint(), h.incarnation(),
                        h.seq(), s, r, s, !h.healthy(), h.handoffReady(), h.recoveryEpoch(), h.versions(), h.serving());
                assertThat(roundTrip(m)).isEqualTo(m);
            }
        }
    }

    @Test
    void nonAsciiGroupAndFingerprintRoundTrip() throws Exception {
        RmMessage.Heartbeat h = heartbeat();
        RmMessage m = new RmMessage.Heartbeat(h.from(), "grüppe ✓", "fp 鍵", 1, 1, NodeState.NORMAL, Reason.NORMAL,
                null, true, true, 0, h.versions(), h.serving());
        assertThat(roundTrip(m)).isEqualTo(m);
    }

    @Test
    void anEmptyPayloadIsMalformed() {
        assertMalformed(DECODE, new byte[0], "empty");
    }

    @Test
    void anUnknownTypeIsMalformed() {
        for (int type : new int[] {0, 4, 100, -1, -128}) { // 3 is the versioned heartbeat (decision 0075)
            byte[] p = RmCodec.encode(heartbeat());
            p[0] = (byte) type;
            assertMalformed(DECODE, p, "type " + type);
            assertMalformed(DECODE, new byte[] {(byte) type}, "type " + type + " alone");
        }
    }

    @Test
    void everyTruncationOfEveryMessageIsMalformed() {
        for (RmMessage m : samples()) {
            Payloads.everyTruncationIsMalformed(DECODE, RmCodec.encode(m), m.getClass().getSimpleName());
            Payloads.everyTruncationIsMalformed(DECODE, RmCodec.encode(m, Versions.current("x")),
                    m.getClass().getSimpleName() + " versioned");
        }
    }

    @Test
    void trailingBytesAreMalformed() {
        for (RmMessage m : samples()) {
            Payloads.trailingBytesAreMalformed(DECODE, RmCodec.encode(m), m.getClass().getSimpleName());
            if (m instanceof RmMessage.Heartbeat h && h.versions().protocol() <= Versions.PROTOCOL) {
                Payloads.trailingBytesAreMalformed(DECODE, RmCodec.encode(m, Versions.current("x")), "versioned");
            }
        }
    }

    @Test
    void aHeardIncarnationBelowMinusOneIsMalformed() throws Exception {
        // docs/decisions/115: protocol 4 ends the heartbeat with the receiver's incarnation the sender heard, -1 for none.
        byte[] good = RmCodec.encode(heartbeat(), Versions.current("x"));
        assertThat(((RmMessage.Heartbeat) RmCodec.decode(good)).heard()).isEqualTo(-1);
        byte[] bad = java.util.Arrays.copyOf(good, good.length);
        java.nio.ByteBuffer.wrap(bad, bad.length - 8, 8).putLong(-2);
        assertMalformed(DECODE, bad, "heard incarnation -2");
    }

    @Test
    void badStateReasonOrResumingNamesAreMalformed() {
        // Written field by field, as RmCodec lays a heartbeat out.
        assertMalformed(DECODE, heartbeatWith("n1", "BOGUS", "NORMAL", ""), "unknown state");
        assertMalformed(DECODE, heartbeatWith("n1", "Normal", "NORMAL", ""), "the display name is not the wire name");
        assertMalformed(DECODE, heartbeatWith("n1", "NORMAL", "", ""), "empty reason");
        assertMalformed(DECODE, heartbeatWith("n1", "NORMAL", "PEER_DOWN ", ""), "reason with a space");
        assertMalformed(DECODE, heartbeatWith("n1", "NORMAL", "NORMAL", "SLEEPING"), "unknown resuming state");
        assertMalformed(DECODE, heartbeatWith("n1", "", "NORMAL", ""), "empty state");
    }

    @Test
    void theHandWrittenHeartbeatLayoutMatchesTheCodec() throws Exception {
        // Guards the hand-written payloads above: with good names they decode.
        RmMessage m = RmCodec.decode(heartbeatWith("n1", "NORMAL", "PEER_REBOOT", "IDLE"));
        assertThat(m).isInstanceOf(RmMessage.Heartbeat.class);
        assertThat(((RmMessage.Heartbeat) m).resuming()).isEqualTo(NodeState.IDLE);
        assertThat(((RmMessage.Heartbeat) m).reason()).isEqualTo(Reason.PEER_REBOOT);
    }

    @Test
    void badNodeIdsAreMalformed() {
        for (String id : new String[] {"", "n 1", "n/1", "ü", "n".repeat(129), "n1\n"}) {
            assertMalformed(DECODE, heartbeatWith(id, "NORMAL", "NORMAL", ""), "heartbeat from '" + id + "'");
            assertMalformed(DECODE, new WireWriter().u8(2).str(id).str("g").i64(1).bytes(), "goodbye from '" + id + "'");
        }
    }

    @Test
    void badBooleansAreMalformed() {
        byte[] p = RmCodec.encode(heartbeat());
        // healthy, handoffReady, then the 8-byte recovery epoch end the heartbeat.
        int healthyAt = p.length - 8 - 2;
        for (int v : new int[] {2, -1, 0x10}) {
            byte[] q = p.clone();
            q[healthyAt] = (byte) v;
            assertMalformed(DECODE, q, "healthy = " + v);
            byte[] r = p.clone();
            r[healthyAt + 1] = (byte) v;
            assertMalformed(DECODE, r, "handoffReady = " + v);
        }
    }

    @Test
    void negativeOrHugeStringLengthsAreMalformed() {
        for (int len : new int[] {-1, Integer.MIN_VALUE, 1025, 65536, Integer.MAX_VALUE}) {
            byte[] p = new WireWriter().u8(1).i32(len).bytes();
            assertMalformed(DECODE, p, "node id length " + len);
            byte[] padded = java.util.Arrays.copyOf(p, p.length + 2000);
            assertMalformed(DECODE, padded, "node id length " + len + " with bytes enough");
        }
        // A length past the end of the payload.
        assertMalformed(DECODE, new WireWriter().u8(2).i32(10).u8('n').bytes(), "length beyond the payload");
    }

    @Test
    void fuzzedPayloadsEitherDecodeOrAreMalformed() throws Exception {
        Random r = new Random(20_000);
        for (int i = 0; i < 3000; i++) {
            byte[] p = new byte[r.nextInt(120)];
            r.nextBytes(p);
            if (p.length > 0 && r.nextBoolean()) p[0] = (byte) (1 + r.nextInt(3));
            checkDecodedRoundTrips(Payloads.decodeOrMalformed(DECODE, p, "random #" + i));
        }
        List<byte[]> valid = new ArrayList<>(samples().stream().map(RmCodec::encode).toList());
        for (RmMessage m : samples()) valid.add(RmCodec.encode(m, Versions.current("x")));
        for (int seed = 0; seed < 3; seed++) {
            Random m = new Random(seed);
            for (int i = 0; i < 3000; i++) {
                byte[] p = Payloads.mutate(valid.get(m.nextInt(valid.size())), m);
                checkDecodedRoundTrips(Payloads.decodeOrMalformed(DECODE, p, "mutation seed " + seed + " #" + i));
            }
        }
    }

    /** Whatever decodes is a message the codec can send again unchanged. */
    private static void checkDecodedRoundTrips(Object decoded) throws Malformed {
        if (decoded instanceof RmMessage m) assertThat(roundTrip(m)).isEqualTo(m);
    }

    private static byte[] heartbeatWith(String from, String state, String reason, String resuming) {
        return new WireWriter().u8(1).str(from).str("g").str("fp").i64(1).i64((long) Versions.PROTOCOL << 48 | 2)
                .str(state).str(reason).str(resuming)
                .bool(true).bool(false).i64(0).bytes();
    }

    // ---------------------------------------------------------------- versions (decision 0075)

    @Test
    void thePreviousBuildReadsEveryHeartbeatSentToAPeerNotKnownToSpeakVersions() throws Exception {
        RmMessage.Heartbeat h = heartbeat();
        byte[] p = RmCodec.encode(h, Versions.previous());
        RmMessage.Heartbeat old = (RmMessage.Heartbeat) PreviousRmCodec.decode(p);
        assertThat(old.state()).isEqualTo(h.state());
        assertThat(old.fingerprint()).isEqualTo(h.fingerprint());
        // The protocol rides in the top 16 bits: the previous build only orders by the number, and the order holds.
        assertThat(old.seq()).isEqualTo((long) Versions.PROTOCOL << 48 | h.seq());
        byte[] next = RmCodec.encode(new RmMessage.Heartbeat(h.from(), h.group(), h.fingerprint(), h.incarnation(),
                h.seq() + 1, h.state(), h.reason(), null, true, false, 2, h.versions()), null);
        assertThat(((RmMessage.Heartbeat) PreviousRmCodec.decode(next)).seq()).isGreaterThan(old.seq());
    }

    @Test
    void aHeartbeatOfTheBuildBeforeVersionsIsReadOnlyAsFarAsItsVersions() throws Exception {
        // Protocol 1 and this protocol differ by more than one: nothing but who sent it is understood.
        RmMessage.Heartbeat h = heartbeat();
        assertThat(RmCodec.decode(PreviousRmCodec.encode(h)))
                .isEqualTo(new RmMessage.Unreadable(h.from(), h.group(), h.incarnation(), Versions.previous()));
        // And this build writes a protocol-1 heartbeat byte for byte as that build did.
        RmMessage.Heartbeat asOld = new RmMessage.Heartbeat(h.from(), h.group(), h.fingerprint(), h.incarnation(),
                h.seq(), h.state(), h.reason(), h.resuming(), h.healthy(), h.handoffReady(), h.recoveryEpoch(),
                Versions.previous());
        assertThat(RmCodec.encode(asOld, null)).isEqualTo(PreviousRmCodec.encode(asOld));
    }

    // ---------------------------------------------------------------- whom the sender serves (decision 0081)

    @Test
    void everySetOfServedSidesRoundTrips() throws Exception {
        RmMessage.Heartbeat h = heartbeat();
        for (Set<Serving.Side> sides : List.of(Set.<Serving.Side>of(), Set.of(Serving.Side.OWN),
                Set.of(Serving.Side.PEER), Set.of(Serving.Side.OWN, Serving.Side.PEER))) {
            RmMessage.Heartbeat m = new RmMessage.Heartbeat(h.from(), h.group(), h.fingerprint(), h.incarnation(),
                    h.seq(), NodeState.RUNNING_IN_FAILED_MODE, Reason.CRITICAL_SERVICE_DOWN, null, false, false, 1,
                    h.versions(), sides);
            assertThat(RmCodec.decode(RmCodec.encode(m, h.versions()))).as("%s", sides).isEqualTo(m);
        }
    }

    @Test
    void badServingBitsAreMalformedNamingWhatIsAllowed() {
        byte[] p = RmCodec.encode(heartbeat(), Versions.current("x"));
        for (int bits : new int[] {4, 7, 0x80, 0xFF}) {
            byte[] q = p.clone();
            q[q.length - 9] = (byte) bits; // before the heard incarnation's eight bytes
            assertThatThrownBy(() -> RmCodec.decode(q)).isInstanceOf(Malformed.class)
                    .hasMessage("bad serving bits " + bits + " (allowed 0 to 3: 1 own users, 2 the peer's)");
        }
    }

    @Test
    void aHeartbeatOfProtocolThreeSaysNothingOfTheIncarnationItHeardAndTheFirstLayoutNeither() throws Exception {
        RmMessage.Heartbeat h = new RmMessage.Heartbeat(NodeId.of("n1"), "g", "fp", 3, 12, NodeState.NORMAL,
                Reason.NORMAL, null, true, false, 2, Versions.current("1.2.0"), Set.of(Serving.Side.OWN), 77);
        RmMessage.Heartbeat three = new RmMessage.Heartbeat(h.from(), h.group(), h.fingerprint(), h.incarnation(),
                h.seq(), h.state(), h.reason(), null, true, false, 2, new Versions(3, "1.9.0"), h.serving(), 77);
        // Protocol 3's versioned layout ends after whom the sender serves: the heard incarnation is neither written
        // nor read back (docs/decisions/115).
        byte[] p = RmCodec.encode(three, Versions.current("x"));
        assertThat(p.length).isEqualTo(RmCodec.encode(h, Versions.current("x")).length - 8);
        RmMessage.Heartbeat back = (RmMessage.Heartbeat) RmCodec.decode(p);
        assertThat(back.serving()).containsExactly(Serving.Side.OWN);
        assertThat(back.heard()).isEqualTo(-1);
        assertThat(((RmMessage.Heartbeat) RmCodec.decode(RmCodec.encode(h, Versions.current("x")))).heard()).isEqualTo(77);
        // The first layout (sent to a peer not heard yet) never carries it.
        assertThat(((RmMessage.Heartbeat) RmCodec.decode(RmCodec.encode(h, null))).heard()).isEqualTo(-1);
    }

    @Test
    void aHeartbeatThatMustSayWhomItServesCannotBeSentWithoutIt() {
        RmMessage.Heartbeat h = heartbeat();
        RmMessage.Heartbeat silent = new RmMessage.Heartbeat(h.from(), h.group(), h.fingerprint(), h.incarnation(),
                h.seq(), h.state(), h.reason(), null, true, false, 2, h.versions());
        assertThatThrownBy(() -> RmCodec.encode(silent, h.versions())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("says whom it serves");
    }

    @Test
    void theVersionedHeartbeatCarriesTheSoftwareVersion() throws Exception {
        RmMessage.Heartbeat h = heartbeat();
        byte[] p = RmCodec.encode(h, Versions.current("9.9"));
        assertThat(p[0]).isEqualTo((byte) 3);
        assertThat(RmCodec.decode(p)).isEqualTo(h);
        assertThat(((RmMessage.Heartbeat) RmCodec.decode(p)).versions().software()).isEqualTo("1.2.0");
    }

    @Test
    void aHeartbeatOfAForeignProtocolIsReadOnlyAsFarAsItsVersions() throws Exception {
        Versions foreign = new Versions(Versions.PROTOCOL + 2, "7.0.0");
        // Versioned: whatever body follows is not ours to read.
        byte[] p = new WireWriter().u8(3).str("n2").str("g").i64(5).i32(foreign.protocol()).str("7.0.0")
                .str("a body of another shape").i64(-1).u8(9).bytes();
        assertThat(RmCodec.decode(p)).isEqualTo(new RmMessage.Unreadable(NodeId.of("n2"), "g", 5, foreign));
        // The first layout, marked with the foreign protocol in the sequence number.
        byte[] q = new WireWriter().u8(1).str("n2").str("g").str("fp").i64(5).i64((long) foreign.protocol() << 48 | 3)
                .str("ANOTHER_STATE").bytes();
        assertThat(RmCodec.decode(q)).isEqualTo(new RmMessage.Unreadable(NodeId.of("n2"), "g", 5,
                new Versions(foreign.protocol(), "")));
    }

    @Test
    void aNewerInteroperatingProtocolMayAppendFields() throws Exception {
        RmMessage.Heartbeat h = new RmMessage.Heartbeat(NodeId.of("n2"), "g", "fp", 1, 1, NodeState.NORMAL,
                Reason.NORMAL, null, true, false, 0, new Versions(Versions.PROTOCOL + 1, "3.0"), Set.of(Serving.Side.OWN));
        byte[] p = RmCodec.encode(h, Versions.current("x"));
        byte[] longer = java.util.Arrays.copyOf(p, p.length + 5);
        assertThat(RmCodec.decode(longer)).isEqualTo(h);
    }

    @Test
    void badVersionFieldsAreMalformedNamingWhatIsAllowed() {
        for (int protocol : new int[] {0, -1, Versions.MAX_PROTOCOL + 1, Integer.MIN_VALUE}) {
            byte[] p = new WireWriter().u8(3).str("n2").str("g").i64(1).i32(protocol).str("1.0").bytes();
            assertThatThrownBy(() -> RmCodec.decode(p)).isInstanceOf(Malformed.class)
                    .hasMessage("bad protocol version " + protocol + " (allowed 1 to 65535)");
        }
        for (String software : new String[] {"1.0 beta", "x".repeat(65), "1.0\n", "ü", "${project.version}"}) {
            byte[] p = new WireWriter().u8(3).str("n2").str("g").i64(1).i32(Versions.PROTOCOL).str(software).bytes();
            assertThatThrownBy(() -> RmCodec.decode(p)).as(software).isInstanceOf(Malformed.class)
                    .hasMessageContaining("bad software version");
        }
        byte[] negativeSeq = new WireWriter().u8(3).str("n2").str("g").i64(1).i32(Versions.PROTOCOL).str("1")
                .str("fp").i64(-1).str("NORMAL").str("NORMAL").str("").bool(true).bool(true).i64(0).bytes();
        assertThatThrownBy(() -> RmCodec.decode(negativeSeq)).isInstanceOf(Malformed.class)
                .hasMessageContaining("bad heartbeat sequence -1");
    }

    @Test
    void aSequenceBeyondFortyEightBitsIsNeverSent() {
        RmMessage.Heartbeat h = heartbeat();
        RmMessage.Heartbeat far = new RmMessage.Heartbeat(h.from(), h.group(), h.fingerprint(), h.incarnation(),
                RmCodec.MAX_SEQ + 1, h.state(), h.reason(), null, true, false, 0, h.versions());
        assertThatThrownBy(() -> RmCodec.encode(far)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("beyond 0..");
    }
}
