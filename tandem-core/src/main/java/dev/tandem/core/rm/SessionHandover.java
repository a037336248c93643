package dev.tandem.core.rm;

import java.util.EnumSet;
import java.util.Set;

/**
 * What a node does with its sessions when whose users it serves changes ({@link RmState#serving()}), in both
 * handovers of docs/session-service.md (Stateful failover; docs/decisions/0071-sessions-follow-their-users.md):
 * <ul>
 *   <li>{@link Mode#KEEP}: sessions move with their users. A side the node starts serving has its standby copies
 *       promoted to live sessions with the same tokens; a side it stops serving has its live sessions demoted to
 *       copies, which the peer (now serving them) holds live;</li>
 *   <li>{@link Mode#RELOGIN}: the specification's behaviour ([RG-MANUAL]: the users of the failed node "are
 *       disconnected and must re-login"; a fallback "disconnects all users that had been failed over"): a side the
 *       node stops serving has its sessions ended, and nothing is copied.</li>
 * </ul>
 * The node's session service and the simulator's model of it (tandem-sim's {@code SimSessions}) both follow this
 * plan, so the properties over fault schedules test what the node runs.
 */
public final class SessionHandover {
    private SessionHandover() {}

    public enum Mode { KEEP, RELOGIN }

    /** The sides whose copies become live, whose live sessions become copies, and whose sessions end. */
    public record Plan(Set<Serving.Side> promote, Set<Serving.Side> demote, Set<Serving.Side> end) {
        public Plan {
            promote = Set.copyOf(promote);
            demote = Set.copyOf(demote);
            end = Set.copyOf(end);
        }

        public boolean isEmpty() {
            return promote.isEmpty() && demote.isEmpty() && end.isEmpty();
        }
    }

    public static Plan plan(Set<Serving.Side> before, Set<Serving.Side> after, Mode mode) {
        Set<Serving.Side> gained = EnumSet.noneOf(Serving.Side.class);
        Set<Serving.Side> lost = EnumSet.noneOf(Serving.Side.class);
        for (Serving.Side s : Serving.Side.values()) {
            if (after.contains(s) && !before.contains(s)) gained.add(s);
            if (before.contains(s) && !after.contains(s)) lost.add(s);
        }
        return mode == Mode.KEEP ? new Plan(gained, lost, Set.of()) : new Plan(Set.of(), Set.of(), lost);
    }
}
