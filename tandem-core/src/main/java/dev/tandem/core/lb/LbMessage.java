package dev.tandem.core.lb;

import dev.tandem.core.Message;
import dev.tandem.core.NodeId;
import java.util.Optional;

/**
 * What the nodes of a load-balancing group say to each other on the group port ([LB-GROUP], Director
 * Election; Hello Handshake; Keepalive Messages). {@code from} is the node that speaks; {@code member()}
 * the member it speaks for, which outlives a failover inside a pair.
 */
public sealed interface LbMessage extends Message {

    MemberName member();

    /**
     * [LB-HELLO]: a member sends one to the cluster address at startup ({@code director}
     * false); the director answers with its own ({@code director} true). It carries the sender's group
     * settings, so members whose settings differ refuse each other.
     *
     * @param term the director's term when {@code director} is true, else the last term the sender followed
     */
    record HelloRequest(NodeId from, GroupSignature group, MemberInfo info, boolean director, long term)
            implements LbMessage {
        @Override
        public MemberName member() {
            return info.name();
        }
    }

    /** [LB-HELLO]: "The non-director member returns a Hello response": the handshake is done. */
    record HelloResponse(NodeId from, GroupSignature group, MemberInfo info, long term) implements LbMessage {
        @Override
        public MemberName member() {
            return info.name();
        }
    }

    /** [LB-KA]: a member's periodic request "with its load information", per class. */
    record KeepaliveRequest(NodeId from, MemberName member, long seq, Load load) implements LbMessage {}

    record KeepaliveResponse(NodeId from, MemberName member, long seq) implements LbMessage {}

    /** The director's topology database, pushed to every member when it changes ([LB-ELECT]). */
    record TopologyPush(NodeId from, MemberName member, Topology topology) implements LbMessage {}

    /** At startup, to every node of the group: "I am starting and could be elected". */
    record Candidacy(NodeId from, GroupSignature group, MemberInfo info) implements LbMessage {
        @Override
        public MemberName member() {
            return info.name();
        }
    }

    /**
     * The director, to every node of the group, periodically and when it takes the role: starting nodes
     * find it, and two directors (after a partition heals) find each other.
     */
    record DirectorAnnounce(NodeId from, GroupSignature group, MemberInfo info, long term) implements LbMessage {
        @Override
        public MemberName member() {
            return info.name();
        }
    }

    /**
     * The director gives up the role: to {@code successor} (the director it yields to), or, when it
     * stops, to nobody: its members elect at once from the topology they hold.
     */
    record Resign(NodeId from, MemberName member, long term, Optional<Successor> successor) implements LbMessage {}

    /** The director a resigning director yields to, and the node that speaks for it. */
    record Successor(MemberName member, NodeId node) {}

    /** A member leaves the group on purpose (its node stops); the director drops it at once. */
    record Goodbye(NodeId from, MemberName member) implements LbMessage {}

    /**
     * The sender will not work with the receiver. {@code setting} names why (a group setting, the public
     * address or the member name) and {@code reason} says how, naming both sides.
     */
    record Refuse(NodeId from, MemberName member, String setting, String reason) implements LbMessage {}
}
