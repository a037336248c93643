package dev.tandem.core.lb;

import dev.tandem.core.NodeId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The whole state of one node's load-balancing machine. Immutable; {@link LoadBalancer#step} makes the
 * next. Maps and sets are kept sorted so that the effects of a step never depend on hashing order.
 *
 * @param member        the member this node speaks for (its redundancy group, or itself alone)
 * @param members       the topology database: on the director the live table, elsewhere the last push
 *                      (or, while discovering, the candidates heard)
 * @param director      the director this node follows or is, or null
 * @param directorNode  the node speaking for that director, or null
 * @param term          the term of that director; a new director takes a higher one
 * @param version       the last topology version pushed (director) or accepted (member)
 * @param seeking       while discovering or joining: the member elected and the Hellos sent to it
 * @param keepalive     member: the keepalives sent to the director and when the next is due
 * @param directing     director: when the topology is pushed and the group is announced to next
 * @param warned        peers already reported for differing settings in this run
 * @param timers        the deadlines the shell holds for this machine, by name
 */
public record LbState(
        NodeId self,
        MemberName member,
        GroupSettings group,
        DeviceSettings device,
        LbTiming timing,
        LbPhase phase,
        Load load,
        Map<MemberName, MemberRecord> members,
        MemberName director,
        NodeId directorNode,
        long term,
        long version,
        Seeking seeking,
        KeepaliveState keepalive,
        Directing directing,
        Set<NodeId> warned,
        Map<String, Instant> timers) {

    public LbState {
        members = MemberTable.copyOf(members);
        warned = Collections.unmodifiableSet(new TreeSet<>(warned));
        timers = Collections.unmodifiableSortedMap(new TreeMap<>(timers));
    }

    /**
     * While discovering or joining: whom this node seeks.
     *
     * @param target        while joining: the member elected, or null
     * @param targetNode    the node speaking for it
     * @param hellosSent    Hello requests sent to the target (or to the cluster address while discovering)
     * @param helloDue      when the next Hello (or the verdict on the target) is due
     * @param discoveryEnds while discovering: when the node elects if no director answered
     */
    public record Seeking(MemberName target, NodeId targetNode, int hellosSent, Instant helloDue,
            Instant discoveryEnds) {
        static final Seeking NONE = new Seeking(null, null, 0, null, null);
    }

    /**
     * A director's schedule.
     *
     * @param pushDue     when the topology is pushed next (changed loads, or the refresh two announcement intervals
     *                    after the last push), or null when nothing waits
     * @param announceDue the next announcement to the group
     */
    public record Directing(Instant pushDue, Instant announceDue) {
        static final Directing NONE = new Directing(null, null);
    }

    /** This state with another topology database (fixtures and tests that build a group directly). */
    public LbState withMembers(Map<MemberName, MemberRecord> table) {
        return new LbState(self, member, group, device, timing, phase, load, table, director, directorNode, term,
                version, seeking, keepalive, directing, warned, timers);
    }

    public boolean isDirector() {
        return phase == LbPhase.DIRECTOR;
    }

    public MemberInfo selfInfo() {
        return MemberInfo.of(member, device);
    }

    public Optional<MemberName> currentDirector() {
        return Optional.ofNullable(director);
    }

    /** The topology database as a director pushes it: ascending public IP. */
    public Topology topology() {
        return topologyOf(term, version, director, members.values());
    }

    static Topology topologyOf(long term, long version, MemberName director, Collection<MemberRecord> records) {
        List<TopologyEntry> entries = new ArrayList<>(records.size());
        for (MemberRecord r : records) {
            entries.add(new TopologyEntry(r.info(), r.speaker(), r.load(), r.name().equals(director)));
        }
        entries.sort((a, b) -> {
            int c = a.info().publicAddress().compareTo(b.info().publicAddress());
            return c != 0 ? c : a.name().compareTo(b.name());
        });
        return new Topology(term, version, director, entries);
    }
}
