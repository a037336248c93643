package dev.tandem.core.lb;

import dev.tandem.core.NodeId;
import java.time.Instant;

/**
 * One member in a node's topology database. On the director it is live: when the member was last
 * heard and whether its Hello handshake is done. On the other nodes it is what the director last
 * pushed (or, while discovering, what a candidacy said).
 *
 * @param lastHeard when the director last heard the member, or null where that is not tracked
 * @param joined    the Hello handshake with the current director is done
 */
public record MemberRecord(MemberInfo info, NodeId speaker, Load load, Instant lastHeard, boolean joined) {

    public MemberName name() {
        return info.name();
    }

    MemberRecord heard(Instant at) {
        return new MemberRecord(info, speaker, load, at, joined);
    }

    MemberRecord withLoad(Load l) {
        return new MemberRecord(info, speaker, l, lastHeard, joined);
    }

    MemberRecord joined(boolean j) {
        return new MemberRecord(info, speaker, load, lastHeard, j);
    }

    static MemberRecord of(TopologyEntry e) {
        return new MemberRecord(e.info(), e.speaker(), e.load(), null, true);
    }
}
