package dev.tandem.node.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tandem.core.lb.LbMessage;
import dev.tandem.core.rm.RmMessage;
import dev.tandem.node.crypto.ClusterKey;
import dev.tandem.node.crypto.Envelope;
import java.util.Optional;

/**
 * Coverage-guided fuzzing (Jazzer) of everything a hostile network reaches before a message is trusted: the envelope
 * and each decoder (docs/reliability.md, Coverage-guided fuzzing of the codecs). Whatever the bytes, a decoder
 * answers a message or {@link Malformed}, the envelope a message or {@link Envelope.Dropped}: any other exception
 * (an index out of bounds, a null, a huge allocation) is a defect. A message that decodes encodes again, in the
 * layout it came in, to one that decodes to the same message.
 *
 * <p>In {@code ./mvnw verify} each runs in Jazzer's regression mode: once per input kept under
 * {@code src/test/resources/dev/tandem/node/wire/CodecFuzzTestInputs/<method>/} (valid messages to start from, and
 * any input that ever found a defect). With {@code JAZZER_FUZZ=1} it fuzzes, guided by coverage, for its
 * {@code maxDuration}.
 */
class CodecFuzzTest {
    private static final ClusterKey KEY = ClusterKey.fromSecret("the-codec-fuzz-test-key");

    @FuzzTest(maxDuration = "3m")
    void heartbeats(byte[] payload) throws Malformed {
        RmMessage m;
        try {
            m = RmCodec.decode(payload);
        } catch (Malformed expected) {
            return;
        }
        assertThat(RmCodecTest.roundTrip(m)).isEqualTo(m); // in the layout it came in
    }

    @FuzzTest(maxDuration = "3m")
    void groupMessages(byte[] payload) throws Malformed {
        LbMessage m;
        try {
            m = LbCodec.decode(payload);
        } catch (Malformed expected) {
            return;
        }
        assertThat(LbCodec.decode(LbCodec.encode(m))).isEqualTo(m);
    }

    @FuzzTest(maxDuration = "3m")
    void replicationFrames(byte[] payload) throws Malformed {
        ReplicationCodec.Message m;
        try {
            m = ReplicationCodec.decode(payload);
        } catch (Malformed expected) {
            return;
        }
        assertThat(ReplicationCodec.decode(ReplicationCodec.encode(m))).isEqualTo(m);
    }

    @FuzzTest(maxDuration = "3m")
    void handovers(byte[] payload) {
        try {
            LbCodec.decodeHandover(payload);
        } catch (Malformed expected) {
            // refused, as it must be
        }
    }

    /** Packets at the envelope, which opens (or drops) every datagram and frame before any decoder sees it. */
    @FuzzTest(maxDuration = "3m")
    void envelopes(byte[] packet) {
        Envelope receiver = new Envelope(Optional.of(KEY), true, "n1", 1);
        try {
            receiver.open(packet);
        } catch (Envelope.Dropped expected) {
            // dropped and counted by its cause
        }
    }
}
