package dev.tandem.core.rm;

import java.util.regex.Pattern;

/**
 * Which redundancy protocol a node speaks and which software build it runs, as its heartbeats carry them, and the one
 * rule of which protocols interoperate (docs/redundancy.md, Versions; docs/decisions/0075-versions-in-the-heartbeat.md).
 *
 * @param protocol the redundancy protocol: {@link #PREVIOUS} for a build whose heartbeats carry no versions
 * @param software the build's version (the Maven project version); empty when the peer did not send it
 */
public record Versions(int protocol, String software) {
    /**
     * The protocol of builds before versions were sent: their heartbeats carry none, and a heartbeat without versions is
     * read as this one.
     */
    public static final int PREVIOUS = 1;
    /** The protocol this build speaks. Raise it with every change of the pair's messages or of their meaning. */
    public static final int PROTOCOL = 4;
    /**
     * The first protocol whose heartbeats say whose users the sender serves ({@link RmMessage.Heartbeat#serving()}):
     * what ends dual service when a healed partition finds one node frozen with every user (docs/decisions/0081).
     */
    public static final int SERVING_SENT = 3;
    /**
     * The first protocol whose heartbeats name the receiver's incarnation the sender heard last
     * ({@link RmMessage.Heartbeat#heard()}): with a witness, a starting node serves only once its peer has heard it
     * (docs/decisions/115-a-witness-decides-who-serves.md).
     */
    public static final int HEARD_SENT = 4;
    /**
     * The highest protocol number: the heartbeat of {@link #PREVIOUS}'s layout carries the number in the top 16 bits of
     * its sequence number (docs/decisions/0075-versions-in-the-heartbeat.md).
     */
    public static final int MAX_PROTOCOL = 0xFFFF;
    /** A software version is a Maven version: letters, digits and {@code . _ + -}, at most 64 characters. */
    private static final Pattern SOFTWARE = Pattern.compile("[A-Za-z0-9._+-]{0,64}");

    public Versions {
        if (protocol < PREVIOUS || protocol > MAX_PROTOCOL) {
            throw new IllegalArgumentException("protocol " + protocol + ": allowed " + PREVIOUS + " to " + MAX_PROTOCOL);
        }
        if (software == null || !SOFTWARE.matcher(software).matches()) {
            throw new IllegalArgumentException("software version \"" + software
                    + "\": allowed up to 64 letters, digits and . _ + -");
        }
    }

    /** Whether {@code software} may be a software version (the wire reader checks before it builds one). */
    public static boolean validSoftware(String software) {
        return software != null && SOFTWARE.matcher(software).matches();
    }

    /** This build, running software {@code software}. */
    public static Versions current(String software) {
        return new Versions(PROTOCOL, software);
    }

    /** A peer whose heartbeats carry no versions: the build before protocol {@value #PROTOCOL}. */
    public static Versions previous() {
        return new Versions(PREVIOUS, "");
    }

    /**
     * Two protocols interoperate when they are equal or one follows the other: a pair is upgraded one node at a time,
     * so protocol N must work with N-1 and N+1, and nothing further. The rule is symmetric, so both nodes of a pair
     * reach the same verdict.
     */
    public static boolean interoperate(int a, int b) {
        return Math.abs(a - b) <= 1;
    }

    public boolean interoperatesWith(Versions other) {
        return interoperate(protocol, other.protocol);
    }

    /** As shown to an operator: "protocol 2, software 1.4.0", or "protocol 1, software not sent". */
    public String describe() {
        return "protocol " + protocol + ", software " + (software.isEmpty() ? "not sent" : software);
    }
}
