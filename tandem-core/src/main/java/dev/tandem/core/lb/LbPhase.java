package dev.tandem.core.lb;

/** Where a node stands in its load-balancing group. */
public enum LbPhase {
    /** Not taking part (participate disabled, or stopped). */
    STOPPED("Stopped"),
    /** [LB-HELLO]: started, looking for the director and for the other starting nodes. */
    DISCOVERING("Discovering"),
    /** [LB-ELECT]: elected another member and sent it a Hello request. */
    JOINING("Joining"),
    /** Hello handshake done: sends keepalives to the director. */
    MEMBER("Member"),
    /** Holds the cluster address and directs sessions. */
    DIRECTOR("Director"),
    /** A director refused this node (its group settings differ); it stays out until its settings change. */
    REFUSED("Refused");

    private final String display;

    LbPhase(String display) {
        this.display = display;
    }

    public String display() {
        return display;
    }
}
