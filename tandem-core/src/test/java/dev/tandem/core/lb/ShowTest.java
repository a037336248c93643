package dev.tandem.core.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** [LB-SHOW]: {@code show vpn load-balancing}. */
class ShowTest {

    /** The specification's example: a Master of priority 7 with 216 IPsec and 100 SSL sessions (4% and 2%), one Backup peer. */
    @Test
    void showsTheSpecificationsColumns() {
        ClusterKey key = ClusterKey.of("k", "123456789");
        LbCluster c = new LbCluster(GroupSettings.of(NetAddress.parse("c", "192.168.1.100")).withEncryption(key),
                LbTiming.defaults());
        c.add("asa1", "asa1", LbCluster.device("192.168.1.9", 7).withModel("ASA-5540"), c.group);
        c.add("asa2", "asa2", LbCluster.device("192.168.1.19", 9).withModel("ASA-5520"), c.group);
        c.start("asa1");
        c.load("asa1", new Load(new ClassLoad(216, 5400), new ClassLoad(100, 5000)));
        c.runUntil(10);
        c.start("asa2"); // joins later: the running Master keeps its role despite priority 9
        c.load("asa2", new Load(new ClassLoad(0, 5400), new ClassLoad(0, 5000)));
        c.runUntil(12);

        LbView v = LoadBalancer.view(c.state("asa1"), "Active");
        assertThat(v.status()).isEqualTo("enabled");
        assertThat(v.role()).isEqualTo("Master");
        assertThat(v.failover()).isEqualTo("Active");
        assertThat(v.encryption()).isEqualTo("enabled");
        assertThat(v.clusterIp()).isEqualTo("192.168.1.100");
        assertThat(v.peers()).isEqualTo(1);
        assertThat(v.rows()).containsExactly(
                new LbView.Row("192.168.1.9", "Master", 7, "ASA-5540", 4, 2, 216, 100),
                new LbView.Row("192.168.1.19", "Backup", 9, "ASA-5520", 0, 0, 0, 0));
        String text = v.render();
        System.out.println(text);
        assertThat(text).contains("Role : Master", "Peers : 1", "Cluster IP : 192.168.1.100")
                .doesNotContain("123456789");
        assertThat(text.lines().filter(l -> l.startsWith("192.168.1.9 ")).findFirst().orElseThrow())
                .matches("192\\.168\\.1\\.9 +Master +7 ASA-5540 +4 +2 +216 +100");

        LbView member = LoadBalancer.view(c.state("asa2"), "Standby Ready");
        assertThat(member.role()).isEqualTo("Backup");
        assertThat(member.rows()).extracting(LbView.Row::publicIp).containsExactly("192.168.1.9", "192.168.1.19");
    }

    @Test
    void stoppedNodeShowsDisabled() {
        LbCluster c = new LbCluster();
        c.add("a", "10.0.0.1", 5);
        LbView v = LoadBalancer.view(c.state("a"), "n/a");
        assertThat(v.status()).isEqualTo("disabled");
        assertThat(v.encryption()).isEqualTo("disabled");
        assertThat(v.rows()).isEqualTo(List.of());
    }
}
