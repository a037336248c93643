package dev.tandem.node.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.node.config.CheckConfig;
import dev.tandem.node.config.ConfigLoader;
import dev.tandem.node.config.NodeConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo cluster's files load, and every node runs the session service and watches it as a critical service. */
class DemoClusterTest {
    @TempDir
    Path dir;

    @Test
    void everyDemoNodeRunsTheSessionServiceAsACriticalService() throws Exception {
        for (DemoCluster.Profile profile : DemoCluster.Profile.values()) {
            Path where = dir.resolve(profile.name());
            List<Path> files = DemoCluster.write(where, 3, profile);
            for (int i = 0; i < files.size(); i++) {
                NodeConfig c = ConfigLoader.load(files.get(i));
                NodeConfig.SessionService s = c.sessionService();
                assertThat(s).as("%s %s", profile, files.get(i)).isNotNull();
                assertThat(s.address()).isEqualTo(DemoCluster.address(i));
                assertThat(s.port()).isEqualTo(DemoCluster.SERVICE_PORT);
                assertThat(s.maxSessions()).isEqualTo(c.loadBalancing().maxSessions());
                assertThat(s.heartbeatInterval()).isEqualTo(profile == DemoCluster.Profile.FAST
                        ? Duration.ofMillis(500) : Duration.ofSeconds(30));
                // Every demo client comes from this machine: the per-address caps must not bind.
                assertThat(s.maxSessionsPerAddress()).isGreaterThanOrEqualTo(10_000);
                assertThat(s.http().maxConnectionsPerClient()).isGreaterThanOrEqualTo(10_000);
                assertThat(c.loadBalancing().redirect().http().maxConnectionsPerClient()).isGreaterThanOrEqualTo(10_000);
                CheckConfig check = c.criticalServices().get(0);
                assertThat(check.kind()).isEqualTo("http");
                assertThat(check.url()).isEqualTo("http://" + DemoCluster.address(i) + ":8443/session/health");
                // The fast profile's 1 s check rides out one slow answer; the default profile counts every failure.
                assertThat(check.failAfter()).isEqualTo(profile == DemoCluster.Profile.FAST ? 2 : 1);
            }
        }
    }

    @Test
    void theDemosClusterGivesEveryNodeALoopbackServiceAddressWithTheBindDriver() throws Exception {
        List<Path> files = DemoCluster.write(dir.resolve("service"), 3, DemoCluster.Profile.FAST, true);
        java.util.Set<String> nodeAddresses = new java.util.HashSet<>();
        for (int i = 0; i < DemoCluster.MAX_NODES; i++) nodeAddresses.add(DemoCluster.address(i));
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < files.size(); i++) {
            NodeConfig c = ConfigLoader.load(files.get(i));
            String mine = c.serviceAddress();
            assertThat(mine).as(files.get(i).toString()).isEqualTo("127.0.0.11" + (i + 1))
                    .isEqualTo(DemoCluster.serviceAddress(i));
            assertThat(seen.add(mine)).as("each node's service address is its own").isTrue();
            assertThat(c.serviceAddresses().driver()).isEqualTo("bind");
            // Distinct from every address the demo uses otherwise.
            assertThat(mine).isNotIn(nodeAddresses).isNotEqualTo(DemoCluster.CLUSTER_ADDRESS)
                    .isNotEqualTo(c.loadBalancing().privateAddress());
            // Clients are redirected to the address that follows the users; the service's own socket and its
            // health check stay on the node's address.
            assertThat(c.loadBalancing().publicAddress()).isEqualTo(mine);
            assertThat(c.sessionService().address()).isEqualTo(DemoCluster.address(i));
            // The pair lists both nodes' service addresses; n3 alone has its own only.
            for (NodeConfig.Member m : c.redundancyGroup().nodes()) {
                int k = Integer.parseInt(m.id().substring(1)) - 1;
                assertThat(m.serviceAddress()).isEqualTo(DemoCluster.serviceAddress(k));
            }
        }
        // The largest cluster's addresses stay distinct and on the host part of 127.0.0.0/24.
        assertThat(DemoCluster.serviceAddress(DemoCluster.MAX_NODES - 1)).isEqualTo("127.0.0.210");
        assertThat(DemoCluster.serviceAddress(0)).isNotIn(nodeAddresses);
    }

    @Test
    void withoutServiceAddressesThePublicAddressIsTheNodes() throws Exception {
        List<Path> files = DemoCluster.write(dir.resolve("plain"), 2, DemoCluster.Profile.FAST);
        for (int i = 0; i < files.size(); i++) {
            NodeConfig c = ConfigLoader.load(files.get(i));
            assertThat(c.serviceAddress()).isNull();
            assertThat(c.loadBalancing().publicAddress()).isEqualTo(DemoCluster.address(i));
        }
    }

    @Test
    void aClusterOfOneNodeLoadsWithNoPeers() throws Exception {
        List<Path> files = DemoCluster.write(dir.resolve("one"), 1, DemoCluster.Profile.FAST);
        NodeConfig c = ConfigLoader.load(files.get(0));
        assertThat(c.loadBalancing().peers()).isEmpty();
        assertThat(c.redundancyGroup().nodes()).hasSize(1);
    }
}
