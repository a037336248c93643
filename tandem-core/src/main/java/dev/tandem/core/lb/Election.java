package dev.tandem.core.lb;

import java.util.Collection;
import java.util.Comparator;

/**
 * The rank of members for the director role ([LB-ELECT]): "Compares the
 * priority of each load balancing unit ... If two units with the same priority are found, one with the
 * lower IP address is elected." The member name settles a tie the specification cannot have (two members
 * configured with one address), so every node ranks the same way.
 */
public final class Election {
    /** Best first: highest priority, then lowest public IP, then smallest member name. */
    public static final Comparator<MemberInfo> RANK = Comparator.comparingInt((MemberInfo m) -> -m.priority())
            .thenComparing(MemberInfo::publicAddress)
            .thenComparing(MemberInfo::name);

    private Election() {}

    /** The member to elect; the collection must not be empty. */
    public static MemberInfo best(Collection<MemberInfo> candidates) {
        MemberInfo best = null;
        for (MemberInfo m : candidates) {
            if (best == null || RANK.compare(m, best) < 0) best = m;
        }
        if (best == null) throw new IllegalArgumentException("an election needs at least one candidate");
        return best;
    }

    /** {@code a} ranks above {@code b}: it keeps the director role when both hold it. */
    public static boolean outranks(MemberInfo a, MemberInfo b) {
        return RANK.compare(a, b) < 0;
    }
}
