package dev.tandem.core.lb;

import dev.tandem.core.NodeId;
import java.util.List;

/**
 * What the serving node of a failover pair publishes for its peer, so that the peer can speak for the
 * member without the group noticing ([LB-FAQ], Using VPN Load Balancing and Failover on the Same
 * Device: "If that device fails, the standby unit takes over immediately"). The shell carries it over
 * the pair's link.
 *
 * @param phase         {@link LbPhase#DIRECTOR} or {@link LbPhase#MEMBER}; anything else starts afresh
 * @param director      the director the member follows (itself when director), or null
 * @param directorNode  the node speaking for that director, or null
 * @param topology      the topology database
 */
public record LbHandover(LbPhase phase, MemberName director, NodeId directorNode, long term, long version,
                         List<TopologyEntry> topology) {
    public LbHandover {
        topology = List.copyOf(topology);
    }

    /**
     * Whether {@code other} says the same but for the members' loads. Loads change with every redirect and every
     * keepalive; the peer needs each change of role, director, term, version or membership, and takes the loads that
     * come with it (a peer that starts to speak hears every member's own report within a keepalive interval).
     */
    public boolean sameBeyondLoads(LbHandover other) {
        if (other == null || phase != other.phase || term != other.term || version != other.version
                || !java.util.Objects.equals(director, other.director)
                || !java.util.Objects.equals(directorNode, other.directorNode)
                || topology.size() != other.topology.size()) {
            return false;
        }
        for (int i = 0; i < topology.size(); i++) {
            TopologyEntry a = topology.get(i);
            TopologyEntry b = other.topology.get(i);
            if (!a.info().equals(b.info()) || !a.speaker().equals(b.speaker()) || a.director() != b.director()) {
                return false;
            }
        }
        return true;
    }
}
