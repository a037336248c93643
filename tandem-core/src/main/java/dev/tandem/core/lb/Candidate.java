package dev.tandem.core.lb;

import java.util.Objects;

/**
 * A member as the decision sees it: its IP, its reported load, and whether the director heard from
 * it recently enough to send it clients.
 *
 * @param heard false when the member missed its keepalives for a while: the director does not send clients to it
 */
public record Candidate(IpAddress address, Load load, boolean heard) {
    public Candidate {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(load, "load");
    }

    public static Candidate of(IpAddress address, Load load) {
        return new Candidate(address, load, true);
    }

    boolean canTake(SessionClass c) {
        return heard && load.canTake(c);
    }
}
