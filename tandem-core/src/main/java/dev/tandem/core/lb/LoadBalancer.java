package dev.tandem.core.lb;

import dev.tandem.core.NodeId;
import dev.tandem.core.Transition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The load-balancing group machine of one node ([LB-ABOUT]): a pure state machine
 * with one entry point, {@link #step}. The director answers {@link #decide} for each new session and
 * {@link #view} gives what {@code show vpn load-balancing} prints.
 */
public final class LoadBalancer {
    /** The protocol name in transition records. */
    public static final String PROTOCOL = "load-balancing";

    public static final String TIMER_HELLO = "lb.hello";
    public static final String TIMER_DISCOVERY = "lb.discovery";
    public static final String TIMER_KEEPALIVE = "lb.keepalive";
    public static final String TIMER_ANNOUNCE = "lb.announce";
    public static final String TIMER_PUSH = "lb.push";
    public static final String TIMER_MEMBERS = "lb.members";

    private LoadBalancer() {}

    /** A node that has not started yet. {@code member} is the member it speaks for. */
    public static LbState initial(NodeId self, MemberName member, GroupSettings group, DeviceSettings device,
                                  LbTiming timing) {
        return new LbState(self, member, group, device, timing, LbPhase.STOPPED, Load.NONE, Map.of(), null, null, 0,
                0, LbState.Seeking.NONE, KeepaliveState.startingAt(0, null), LbState.Directing.NONE, Set.of(),
                Map.of());
    }

    /** Applies one event at {@code now}: the next state and the effects to execute, in order. */
    public static Transition<LbState> step(LbState state, LbEvent event, Instant now) {
        LbRules rules = new LbRules(state, now);
        rules.apply(event);
        return rules.finish();
    }

    /** Which member takes the next session of any class. */
    public static LbDecision decide(LbState s, Instant now) {
        return decide(s, now, null);
    }

    /**
     * Which member takes the next session ([LB-RULES], rules 1 to 4). Only
     * the director decides; members whose handshake is not done, or that were silent for
     * {@link LbTiming#memberStaleAfter()}, are not candidates.
     */
    public static LbDecision decide(LbState s, Instant now, SessionClass sessionClass) {
        Candidate self = Candidate.of(s.device().publicAddress(), s.load());
        if (!s.isDirector()) {
            return LbDecision.none(self, "this node is not the director (" + s.phase().display() + ")");
        }
        List<Candidate> others = new ArrayList<>(s.members().size());
        Instant staleBefore = now.minus(s.timing().memberStaleAfter());
        for (MemberRecord r : s.members().values()) {
            if (r.name().equals(s.member())) continue;
            boolean heard = r.joined() && r.lastHeard() != null && !r.lastHeard().isBefore(staleBefore);
            others.add(new Candidate(r.info().publicAddress(), r.load(), heard));
        }
        return LbDecision.decide(self, others, s.group().mode(), sessionClass);
    }

    /** Where to send a client the decision chose: the member's FQDN, NAT address or public address. */
    public static Optional<NetAddress> redirectAddress(LbState s, IpAddress chosen) {
        if (chosen.equals(s.device().publicAddress())) return Optional.of(s.device().redirectAddress());
        for (MemberRecord r : s.members().values()) {
            if (r.info().publicAddress().equals(chosen)) return Optional.of(r.info().redirectAddress());
        }
        return Optional.empty();
    }

    /** What the serving node of a failover pair publishes for the other node (see {@link LbHandover}). */
    public static LbHandover handover(LbState s) {
        return new LbHandover(s.phase(), s.director(), s.directorNode(), s.term(), s.version(), s.topology().members());
    }

    /**
     * {@code show vpn load-balancing}. The director shows its live table; a member the topology its
     * director last pushed. {@code failover}: the state of this node's failover pair, from the shell.
     */
    public static LbView view(LbState s, String failover) {
        boolean running = s.phase() != LbPhase.STOPPED;
        List<LbView.Row> rows = new ArrayList<>();
        for (TopologyEntry e : s.topology().members()) {
            Load l = e.name().equals(s.member()) ? s.load() : e.load();
            rows.add(new LbView.Row(e.info().publicAddress().text(), e.director() ? "Master" : "Backup",
                    e.info().priority(), e.info().model(), l.ipsec().percent(), l.ssl().percent(), l.ipsec().active(),
                    l.ssl().active()));
        }
        return new LbView(running ? "enabled" : "disabled", s.isDirector() ? "Master" : "Backup",
                s.phase().display(), failover, s.group().encryption() ? "enabled" : "disabled",
                s.group().clusterAddress().text(), Math.max(0, s.members().size() - 1), rows);
    }
}
