package dev.tandem.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.node.demo.DemoCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * [LB-FAQ], Using VPN Load Balancing and Failover on the Same Device: two redundancy pairs are the two members
 * of a load-balancing group. When the node speaking for the directing member is killed, its pair's other node
 * takes over as the same member and keeps the director role; the group does not elect.
 */
class PairMemberIT {
    private static final String[] HOSTS = {"127.0.0.11", "127.0.0.12", "127.0.0.13", "127.0.0.14"};

    @TempDir
    Path dir;
    private final List<NodeProcess> nodes = new ArrayList<>();

    @AfterEach
    void stopAll() {
        nodes.forEach(NodeProcess::close);
    }

    @Test
    void theDirectorRoleStaysWithTheMemberWhenItsSpeakerIsKilled() throws Exception {
        List<Path> configs = DemoCluster.write(dir, 4, DemoCluster.Profile.FAST);
        for (int i = 0; i < 4; i++) {
            String group = i < 2 ? "g1" : "g2";
            String publicAddress = i < 2 ? "127.0.0.21" : "127.0.0.22";
            String yaml = Files.readString(configs.get(i)).replace("loadBalancing:\n",
                    "loadBalancing:\n  member: " + group + "\n  publicAddress: " + publicAddress + "\n");
            Files.writeString(configs.get(i), yaml);
        }
        AdminClient admin = new AdminClient(Files.readString(dir.resolve("admin-token")).strip());
        for (Path c : configs) nodes.add(new NodeProcess(c).start());
        // g1 (priority 10 from n1) directs; n1 speaks for it.
        awaitView(admin, HOSTS[2], v -> "g1".equals(text(v, "director")) && v.get("members").size() == 2);
        int speaker = admin.get(HOSTS[0], "/api/v1/load-balancing").body().get("speaking").asBoolean() ? 0 : 1;
        int other = 1 - speaker;
        nodes.get(speaker).kill();
        // The pair's other node now serves n1's users and speaks for g1, still as director.
        awaitView(admin, HOSTS[other], v -> v.get("speaking").asBoolean() && "Master".equals(text(v, "role"))
                && v.get("holdsClusterAddress").asBoolean());
        assertThat(nodes.get(other).log()).contains("took over the director role from the other node of g1");
        // Only the first election, at start, ever happened.
        int elections = 0;
        for (NodeProcess n : nodes) elections += n.log().split("elected itself", -1).length - 1;
        assertThat(elections).isEqualTo(1);
        awaitView(admin, HOSTS[2], v -> "g1".equals(text(v, "director")) && v.get("members").size() == 2);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private void awaitView(AdminClient admin, String host, java.util.function.Predicate<JsonNode> ok) {
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                try {
                    return ok.test(admin.get(host, "/api/v1/load-balancing").body());
                } catch (Exception e) {
                    return false;
                }
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            StringBuilder logs = new StringBuilder();
            for (NodeProcess n : nodes) logs.append("\n---\n").append(n.log());
            throw new AssertionError("the view of " + host + " never matched" + logs, e);
        }
    }
}
