package dev.tandem.core.lb;

import dev.tandem.core.Invalid;
import java.util.regex.Pattern;

/**
 * The stable name of one member of a load-balancing group. A member is a redundancy group: one
 * node, or a failover pair whose serving node speaks for it ([LB-FAQ], Using VPN Load
 * Balancing and Failover on the Same Device). The topology is keyed by this name, so a failover
 * inside the pair changes only which node speaks, never the member's place in the group.
 */
public record MemberName(String value) implements Comparable<MemberName> {
    /** The same rule as redundancy group names ([RG-GROUP], step 3): 1 to 128 of A-Z a-z 0-9 _ -. */
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    public MemberName {
        if (value == null || !ALLOWED.matcher(value).matches()) {
            throw new Invalid("member name", value, "1 to 128 characters of A-Z a-z 0-9 _ -");
        }
    }

    public static MemberName of(String value) {
        return new MemberName(value);
    }

    @Override
    public int compareTo(MemberName o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
