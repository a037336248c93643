package dev.tandem.core.lb;

import dev.tandem.core.NodeId;
import java.util.Objects;

/**
 * One member in the topology the director pushes ([LB-ELECT]: "This database is
 * updated by the master whenever the topology of the cluster is changed").
 *
 * @param speaker  the node that speaks for the member now (the serving node of a failover pair)
 * @param director this member is the director
 */
public record TopologyEntry(MemberInfo info, NodeId speaker, Load load, boolean director) {
    public TopologyEntry {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(speaker, "speaker");
        Objects.requireNonNull(load, "load");
    }

    public MemberName name() {
        return info.name();
    }
}
