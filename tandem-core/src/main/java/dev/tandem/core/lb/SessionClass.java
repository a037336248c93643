package dev.tandem.core.lb;

/**
 * The session classes a member reports load for, as {@code show vpn load-balancing} prints them
 * ([LB-SHOW]: "Load % ... IPsec SSL, Sessions IPsec SSL").
 * A service with a single kind of session uses one class and leaves the other at max 0.
 */
public enum SessionClass {
    IPSEC("IPsec"),
    SSL("SSL");

    private final String display;

    SessionClass(String display) {
        this.display = display;
    }

    public String display() {
        return display;
    }
}
