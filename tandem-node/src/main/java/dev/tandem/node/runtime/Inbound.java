package dev.tandem.node.runtime;

import dev.tandem.core.Message;
import dev.tandem.node.crypto.Envelope;
import dev.tandem.node.wire.Malformed;
import java.util.Optional;

/**
 * Opens one datagram: the envelope (authentication, replay), the kind, the payload, and the sender named inside
 * it against the envelope's. Anything wrong is dropped, counted by cause and logged at a limited rate; it never
 * reaches a machine (docs/architecture.md, Security).
 */
final class Inbound {
    /** Reads a payload of one kind of message. */
    interface Decoder<M extends Message> {
        M decode(byte[] payload) throws Malformed;
    }

    private Inbound() {}

    static <M extends Message> Optional<M> open(Envelope envelope, byte[] bytes, byte kind, Decoder<M> decoder,
                                                NodeMetrics metrics, String protocol) {
        Envelope.Opened opened;
        try {
            opened = envelope.open(bytes);
        } catch (Envelope.Dropped d) {
            metrics.dropped(d.drop().name().toLowerCase(), protocol + ": " + d.getMessage());
            return Optional.empty();
        }
        if (opened.kind() != kind) {
            metrics.dropped("unknown_kind", protocol + ": message kind " + opened.kind() + " from " + opened.sender());
            return Optional.empty();
        }
        M m;
        try {
            m = decoder.decode(opened.payload());
        } catch (Malformed e) {
            metrics.dropped("malformed", protocol + ": " + e.getMessage() + " from " + opened.sender());
            return Optional.empty();
        }
        if (!m.from().value().equals(opened.sender())) {
            metrics.dropped("sender_mismatch", protocol + ": envelope says " + opened.sender() + ", message says " + m.from());
            return Optional.empty();
        }
        return Optional.of(m);
    }
}
