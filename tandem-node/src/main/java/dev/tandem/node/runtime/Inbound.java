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

    /**
     * Where one message may come more than once, each copy on its own path (docs/redundancy.md, Heartbeat paths): the
     * replay window drops every copy after the first, and this tells such a copy from a replay.
     */
    interface Copies {
        /** Copies of nothing: every message comes once, and a second copy is a replay. */
        Copies NONE = new Copies() {
            @Override public void accepted(Envelope.Copy copy) { }
            @Override public boolean duplicate(Envelope.Copy copy) { return false; }
        };

        /** The envelope accepted this message (its first copy). */
        void accepted(Envelope.Copy copy);

        /** Whether a message the replay window refused is a copy that came on another path; if so it is no drop. */
        boolean duplicate(Envelope.Copy copy);
    }

    private Inbound() {}

    static <M extends Message> Optional<M> open(Envelope envelope, byte[] bytes, byte kind, Decoder<M> decoder,
                                                NodeMetrics metrics, String protocol) {
        return open(envelope, bytes, kind, decoder, metrics, protocol, Copies.NONE);
    }

    static <M extends Message> Optional<M> open(Envelope envelope, byte[] bytes, byte kind, Decoder<M> decoder,
                                                NodeMetrics metrics, String protocol, Copies copies) {
        Envelope.Opened opened;
        try {
            opened = envelope.open(bytes);
        } catch (Envelope.Dropped d) {
            if (d.drop() == Envelope.Drop.REPLAYED && copies.duplicate(d.copy())) return Optional.empty();
            metrics.dropped(d.drop().name().toLowerCase(), protocol + ": " + d.getMessage());
            return Optional.empty();
        }
        copies.accepted(opened.copy());
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
