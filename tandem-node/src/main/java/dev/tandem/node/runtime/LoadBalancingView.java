package dev.tandem.node.runtime;

import dev.tandem.core.lb.LbState;
import dev.tandem.core.lb.Load;
import dev.tandem.node.config.NodeConfig;

/**
 * A node's load-balancing state for readers on other threads.
 *
 * @param speaking    this node speaks for its member now (always, for a node alone; the serving node of a pair)
 * @param holdsAddress this node holds the cluster address
 */
public record LoadBalancingView(LbState state, boolean speaking, boolean holdsAddress, Load load,
                                NodeConfig.LoadBalancing config) {}
