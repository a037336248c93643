package dev.tandem.core.lb;

/**
 * A member's load per session class, as it reports it in every keepalive ([LB-KA]
 * Messages: "periodic Keepalive requests to the master with its load information").
 *
 * <p>For the decision a member has one load: all its active sessions over all its allowed sessions,
 * because "the ASA regards all sessions, SSL VPN or IPsec, as equal, and assigns them accordingly"
 * ([LB-MIX]). A service with one class simply reports the
 * other at max 0.
 */
public record Load(ClassLoad ipsec, ClassLoad ssl) {
    public static final Load NONE = new Load(ClassLoad.NONE, ClassLoad.NONE);

    public Load {
        if (ipsec == null) ipsec = ClassLoad.NONE;
        if (ssl == null) ssl = ClassLoad.NONE;
    }

    /** A service with one session class. */
    public static Load of(SessionClass c, int active, int max) {
        ClassLoad l = new ClassLoad(active, max);
        return c == SessionClass.IPSEC ? new Load(l, ClassLoad.NONE) : new Load(ClassLoad.NONE, l);
    }

    public ClassLoad of(SessionClass c) {
        return c == SessionClass.IPSEC ? ipsec : ssl;
    }

    public Load with(SessionClass c, ClassLoad l) {
        return c == SessionClass.IPSEC ? new Load(l, ssl) : new Load(ipsec, l);
    }

    /** Active sessions of every class: what rule 3 ("the least number of sessions") compares. */
    public int sessions() {
        return ipsec.active() + ssl.active();
    }

    public int max() {
        return ipsec.max() + ssl.max();
    }

    /** The load the decision uses: round half up of 100 x total active / total max. */
    public int percent() {
        return ClassLoad.percent(sessions(), max());
    }

    /** Shows 100% (or allows no session at all): never chosen. */
    public boolean full() {
        return max() == 0 || percent() >= 100;
    }

    /** Can take one more session of this class (any class when {@code c} is null). */
    public boolean canTake(SessionClass c) {
        return !full() && (c == null || !of(c).full());
    }
}
