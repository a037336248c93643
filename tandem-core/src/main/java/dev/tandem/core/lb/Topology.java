package dev.tandem.core.lb;

import java.util.List;
import java.util.Optional;

/**
 * The group as a director describes it, in ascending IP order ([LB-RULES]:
 * "a sorted list of group members in ascending IP address order").
 *
 * @param term    grows with every new director; a member ignores a topology from an older term
 * @param version grows with every push of one term; a member ignores an older or repeated one
 */
public record Topology(long term, long version, MemberName director, List<TopologyEntry> members) {
    public Topology {
        members = List.copyOf(members);
    }

    public Optional<TopologyEntry> entry(MemberName name) {
        for (TopologyEntry e : members) {
            if (e.name().equals(name)) return Optional.of(e);
        }
        return Optional.empty();
    }

    /** Newer than (term, version) known so far. */
    public boolean newerThan(long knownTerm, long knownVersion) {
        return term > knownTerm || (term == knownTerm && version > knownVersion);
    }
}
