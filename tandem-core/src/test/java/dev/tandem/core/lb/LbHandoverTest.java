package dev.tandem.core.lb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.core.NodeId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a pair's speaker sends its peer again: every change but the members' loads alone. */
class LbHandoverTest {
    private static final MemberName D = MemberName.of("d");
    private static final MemberName M = MemberName.of("m");

    private static TopologyEntry entry(MemberName name, String ip, String speaker, int active, boolean director) {
        IpAddress a = LbCluster.ip(ip);
        return new TopologyEntry(MemberInfo.of(name, DeviceSettings.of(a, a).withPriority(5).withParticipate(true)),
                NodeId.of(speaker), Load.of(SessionClass.SSL, active, 100), director);
    }

    private static LbHandover handover(long version, String speaker, int active) {
        return new LbHandover(LbPhase.DIRECTOR, D, NodeId.of("n1"), 3, version,
                List.of(entry(D, "10.0.0.1", "n1", 0, true), entry(M, "10.0.0.2", speaker, active, false)));
    }

    @Test
    void loadsAloneAreNotAChange() {
        assertThat(handover(7, "m", 10).sameBeyondLoads(handover(7, "m", 55))).isTrue();
    }

    @Test
    void aNewVersionSpeakerRoleOrMemberIs() {
        LbHandover h = handover(7, "m", 10);
        assertThat(h.sameBeyondLoads(null)).isFalse();
        assertThat(h.sameBeyondLoads(handover(8, "m", 10))).isFalse();
        assertThat(h.sameBeyondLoads(handover(7, "m2", 10))).isFalse();
        assertThat(h.sameBeyondLoads(new LbHandover(LbPhase.MEMBER, D, NodeId.of("n1"), 3, 7, h.topology()))).isFalse();
        assertThat(h.sameBeyondLoads(new LbHandover(LbPhase.DIRECTOR, D, NodeId.of("n1"), 3, 7,
                h.topology().subList(0, 1)))).isFalse();
    }
}
