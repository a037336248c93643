package dev.tandem.core.lb;

import dev.tandem.core.Effect;
import dev.tandem.core.NodeId;
import dev.tandem.core.Transition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The working copy of one step: the state's fields made mutable, the effects so far, and the small
 * acts every rule uses (send, change phase, report a mismatch). {@link #finish()} pushes and
 * announces what the step changed, derives the timers and builds the next state.
 */
final class LbWork {
    final Instant now;
    final NodeId self;
    final MemberName member;
    private final LbState before;
    private final List<Effect> effects = new ArrayList<>();

    GroupSettings group;
    DeviceSettings device;
    LbTiming timing;
    LbPhase phase;
    Load load;
    /** The members as this step changed them, or null while it has changed none (then the state's are current). */
    private TreeMap<MemberName, MemberRecord> changedMembers;
    MemberName director;
    NodeId directorNode;
    long term;
    long version;
    MemberName target;
    NodeId targetNode;
    int hellosSent;
    Instant helloDue;
    Instant discoveryEnds;
    KeepaliveState keepalive;
    Instant pushDue;
    Instant announceDue;
    final TreeSet<NodeId> warned;
    /** Director: push the topology at the end of this step (membership or role changed). */
    boolean pushNow;
    /** Director: announce itself to the group at the end of this step. */
    boolean announceNow;

    LbWork(LbState s, Instant now) {
        this.now = now;
        this.before = s;
        self = s.self();
        member = s.member();
        group = s.group();
        device = s.device();
        timing = s.timing();
        phase = s.phase();
        load = s.load();
        director = s.director();
        directorNode = s.directorNode();
        term = s.term();
        version = s.version();
        target = s.seeking().target();
        targetNode = s.seeking().targetNode();
        hellosSent = s.seeking().hellosSent();
        helloDue = s.seeking().helloDue();
        discoveryEnds = s.seeking().discoveryEnds();
        keepalive = s.keepalive();
        pushDue = s.directing().pushDue();
        announceDue = s.directing().announceDue();
        warned = new TreeSet<>(s.warned());
    }

    // ---------------------------------------------------------------- facts

    /** The topology database as this step has it so far; not to be changed (see {@link #membersToChange()}). */
    Map<MemberName, MemberRecord> members() {
        return changedMembers != null ? changedMembers : before.members();
    }

    /** The topology database to change: copied from the state at the step's first change, then changed in place. */
    TreeMap<MemberName, MemberRecord> membersToChange() {
        if (changedMembers == null) changedMembers = ((MemberTable) before.members()).toChange();
        return changedMembers;
    }

    MemberInfo selfInfo() {
        return MemberInfo.of(member, device);
    }

    MemberRecord selfRecord() {
        return new MemberRecord(selfInfo(), self, load, null, true);
    }

    GroupSignature signature() {
        return group.signature();
    }

    boolean due(Instant deadline) {
        return deadline != null && !now.isBefore(deadline);
    }

    Instant in(Duration d) {
        return now.plus(d);
    }

    // ---------------------------------------------------------------- messages

    LbMessage.HelloRequest hello(boolean asDirector) {
        return new LbMessage.HelloRequest(self, signature(), selfInfo(), asDirector, term);
    }

    LbMessage.HelloResponse helloResponse() {
        return new LbMessage.HelloResponse(self, signature(), selfInfo(), term);
    }

    LbMessage.Candidacy candidacy() {
        return new LbMessage.Candidacy(self, signature(), selfInfo());
    }

    LbMessage.DirectorAnnounce announcement() {
        return new LbMessage.DirectorAnnounce(self, signature(), selfInfo(), term);
    }

    void send(NodeId to, LbMessage m) {
        effects.add(new Effect.Send(to, m));
    }

    void toCluster(LbMessage m) {
        effects.add(new Effect.SendToCluster(m));
    }

    void toGroup(LbMessage m) {
        effects.add(new Effect.SendToGroup(m));
    }

    void effect(Effect e) {
        effects.add(e);
    }

    // ---------------------------------------------------------------- acts

    /** One record per phase change: node, from, to, reason (DESIGN: one log line per state transition). */
    void setPhase(LbPhase to, String reason) {
        if (to == phase) return;
        effects.add(new Effect.Record(self, LoadBalancer.PROTOCOL, phase.display(), to.display(), reason));
        phase = to;
    }

    /**
     * The peer's group settings, compared with ours. A difference is reported once per peer and run
     * ([LB-PREREQ]: all members share the cluster-specific values) and the peer is ignored.
     */
    Optional<SettingsDifference> differsFrom(NodeId peer, MemberName peerMember, GroupSignature theirs) {
        Optional<SettingsDifference> d = signature().differenceFrom(theirs);
        d.ifPresent(diff -> warn(peer, diff.setting(), diff.between(member, peerMember)));
        return d;
    }

    void warn(NodeId peer, String setting, String message) {
        if (warned.add(peer)) effects.add(new Effect.SettingsMismatch(self, peer, setting, message));
    }

    /** An empty topology database to fill anew (nothing of the state's is copied only to be thrown away). */
    TreeMap<MemberName, MemberRecord> membersAnew() {
        changedMembers = new TreeMap<>();
        return changedMembers;
    }

    void resetSelf() {
        membersAnew().put(member, selfRecord());
    }

    void putSelf() {
        membersToChange().put(member, selfRecord());
    }

    // ---------------------------------------------------------------- result

    Transition<LbState> finish() {
        if (phase == LbPhase.DIRECTOR) {
            if (pushNow || due(pushDue)) push();
            if (announceNow || due(announceDue)) {
                toGroup(announcement());
                announceDue = in(timing.announceInterval());
            }
        }
        TreeMap<String, Instant> timers = desiredTimers();
        for (Map.Entry<String, Instant> t : timers.entrySet()) {
            if (!t.getValue().equals(before.timers().get(t.getKey()))) {
                effects.add(new Effect.SetTimer(t.getKey(), t.getValue()));
            }
        }
        for (String name : before.timers().keySet()) {
            if (!timers.containsKey(name)) effects.add(new Effect.CancelTimer(name));
        }
        Map<MemberName, MemberRecord> members = changedMembers != null ? MemberTable.adopt(changedMembers) : before.members();
        LbState next = new LbState(self, member, group, device, timing, phase, load, members, director, directorNode,
                term, version, seeking(), keepalive, directing(), warned, timers);
        return new Transition<>(next, effects);
    }

    /** The state's own record while this step left it as it was: a keepalive at the director allocates none. */
    private LbState.Seeking seeking() {
        LbState.Seeking s = before.seeking();
        boolean same = s.target() == target && s.targetNode() == targetNode && s.hellosSent() == hellosSent
                && s.helloDue() == helloDue && s.discoveryEnds() == discoveryEnds;
        return same ? s : new LbState.Seeking(target, targetNode, hellosSent, helloDue, discoveryEnds);
    }

    private LbState.Directing directing() {
        LbState.Directing d = before.directing();
        return d.pushDue() == pushDue && d.announceDue() == announceDue ? d : new LbState.Directing(pushDue, announceDue);
    }

    /**
     * The director's topology, to every member whose handshake is done. The next push is due two announcement
     * intervals later at the latest, whether anything changed or not: pushes go over UDP, and a member that lost one
     * in a group where nothing changes (no load moves) would otherwise keep a stale list for good.
     */
    private void push() {
        version++;
        pushDue = in(timing.announceInterval().multipliedBy(2));
        Topology topology = LbState.topologyOf(term, version, director, members().values());
        LbMessage.TopologyPush push = new LbMessage.TopologyPush(self, member, topology);
        for (MemberRecord r : members().values()) {
            if (!r.name().equals(member) && r.joined()) send(r.speaker(), push);
        }
    }

    private TreeMap<String, Instant> desiredTimers() {
        TreeMap<String, Instant> t = new TreeMap<>();
        switch (phase) {
            case DISCOVERING -> {
                t.put(LoadBalancer.TIMER_HELLO, helloDue);
                t.put(LoadBalancer.TIMER_DISCOVERY, discoveryEnds);
            }
            case JOINING -> t.put(LoadBalancer.TIMER_HELLO, helloDue);
            case MEMBER -> t.put(LoadBalancer.TIMER_KEEPALIVE, keepalive.due());
            case DIRECTOR -> {
                t.put(LoadBalancer.TIMER_ANNOUNCE, announceDue);
                if (pushDue != null) t.put(LoadBalancer.TIMER_PUSH, pushDue);
                Instant loss = nextMemberLoss();
                if (loss != null) t.put(LoadBalancer.TIMER_MEMBERS, loss);
            }
            case STOPPED, REFUSED -> { }
        }
        return t;
    }

    /** When the first member would be dropped for silence, or null when none can be. */
    Instant nextMemberLoss() {
        Instant earliest = null;
        for (MemberRecord r : members().values()) {
            if (r.lastHeard() == null || r.name().equals(member)) continue;
            if (earliest == null || r.lastHeard().isBefore(earliest)) earliest = r.lastHeard();
        }
        return earliest == null ? null : earliest.plus(timing.memberLostAfter());
    }
}
