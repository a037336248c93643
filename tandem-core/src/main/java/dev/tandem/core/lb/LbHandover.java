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
}
