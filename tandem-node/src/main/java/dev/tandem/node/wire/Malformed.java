package dev.tandem.node.wire;

/** A payload that passed the envelope but does not decode: dropped and counted, never acted on. */
public final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    public Malformed(String message) {
        super(message, null, false, false);
    }
}
