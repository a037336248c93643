package dev.tandem.core.rm;

import dev.tandem.core.NodeId;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which admin action is available in which state ([RG-MANUAL], Fallback,
 * or Recovery: "the available button depends on the current state of the node").
 */
public final class Actions {
    private Actions() {}

    /** One node as an admin view sees it. {@code alive}: its recovery manager runs and is heard. */
    public record NodeView(NodeId id, NodeState state, boolean alive, boolean healthy) {}

    /** Why {@code action} on {@code target} is refused now, or empty when it is available. */
    public static Optional<String> refusal(AdminAction action, boolean highAvailability, NodeView target,
                                           Optional<NodeView> peer) {
        if (!highAvailability) {
            return Optional.of(action.display() + " is not available: high availability is disabled for the group");
        }
        if (peer.isEmpty()) {
            return Optional.of(action.display() + " is not available: the group has one node");
        }
        NodeView p = peer.get();
        return switch (action) {
            // [RG-MANUAL]: "Click Failover to initiate failover of an active node."
            case FAILOVER -> {
                if (!target.alive()) yield Optional.of(down(action, target));
                if (target.state() != NodeState.NORMAL) {
                    yield Optional.of("failover of " + target.id() + " is not available: it is " + target.state()
                            + "; failover needs it in Normal");
                }
                if (!p.alive() || p.state() != NodeState.NORMAL || !p.healthy()) {
                    yield Optional.of("failover of " + target.id() + " is not available: its peer " + p.id()
                            + " must be up, Normal and healthy to take over (it is "
                            + (p.alive() ? p.state() + (p.healthy() ? "" : ", critical services down") : "down") + ")");
                }
                yield Optional.empty();
            }
            // [RG-MANUAL]: "Click Fallback to initiate fallback of a failed over node" (Table 1: from Idle or Failed Over).
            case FALLBACK -> {
                if (!target.alive()) yield Optional.of(down(action, target));
                if (target.state() == NodeState.FAILED_OVER_WITH_CRITICAL_SERVICES_NOT_RUNNING) {
                    yield Optional.of("fallback to " + target.id() + " is not available: its critical services are"
                            + " not running; start them (or reboot the node) first");
                }
                if (target.state() == NodeState.FAILOVER_AFFECTED_SERVICES && !target.healthy()) {
                    // [RG-MANUAL], Fallback: "the failed node comes back into service and all critical services are running".
                    yield Optional.of("fallback to " + target.id() + " is not available: its critical services or"
                            + " database are not running; start them (or reboot the node) first");
                }
                if (!fallbackFrom(target.state())) {
                    yield Optional.of("fallback to " + target.id() + " is not available: it is " + target.state()
                            + "; fallback needs it Idle, Failed Over or Failover Affected Services");
                }
                if (!p.alive() || !p.state().isBackup()) {
                    yield Optional.of("fallback to " + target.id() + " is not available: its peer " + p.id()
                            + " must be up and serving its users (it is " + (p.alive() ? p.state() : "down") + ")");
                }
                yield Optional.empty();
            }
            // [RG-MANUAL]: "Click Recover if both nodes are failed over and you want to recover them."
            case RECOVER -> {
                boolean broken = (target.alive() && target.state().isBroken()) || (p.alive() && p.state().isBroken());
                yield broken ? Optional.empty()
                        : Optional.of("recover is not available: no node of the group is in Running in Failed Mode"
                        + " or Unknown");
            }
        };
    }

    private static boolean fallbackFrom(NodeState s) {
        return s == NodeState.IDLE || s == NodeState.FAILED_OVER || s == NodeState.FAILOVER_AFFECTED_SERVICES;
    }

    private static String down(AdminAction action, NodeView target) {
        return action.display() + " of " + target.id() + " is not available: its recovery manager is not running";
    }

    /** The actions the group offers now: each that is available for at least one of its nodes. */
    public static Set<AdminAction> available(boolean highAvailability, List<NodeView> nodes) {
        Set<AdminAction> out = EnumSet.noneOf(AdminAction.class);
        if (nodes.size() != 2) return out;
        for (int i = 0; i < 2; i++) {
            NodeView t = nodes.get(i);
            Optional<NodeView> p = Optional.of(nodes.get(1 - i));
            for (AdminAction a : AdminAction.values()) {
                if (refusal(a, highAvailability, t, p).isEmpty()) out.add(a);
            }
        }
        return out;
    }
}
