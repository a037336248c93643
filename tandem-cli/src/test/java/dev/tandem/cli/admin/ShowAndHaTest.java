package dev.tandem.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tandem show ...} and {@code tandem ha ...} against a real node's admin API in this JVM. */
class ShowAndHaTest {
    @TempDir
    static Path dir;
    static InProcessNode node;

    @BeforeAll
    static void start() throws Exception {
        node = InProcessNode.start(dir, false);
        // Alone in its group, the node becomes director after the discovery window ([LB-ELECT]).
        await().atMost(Duration.ofSeconds(20)).until(() -> CliRun.of("show", "lb", "--json", "--admin", node.url(),
                "--token-file", node.tokenFile.toString()).out().contains("\"role\" : \"Master\""));
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    static CliRun tandem(String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--admin";
        all[args.length + 1] = node.url();
        all[args.length + 2] = "--token-file";
        all[args.length + 3] = node.tokenFile.toString();
        return CliRun.of(all);
    }

    @Test
    void showVpnLoadBalancingPrintsTheSpecificationsColumns() {
        // [LB-SHOW]: "show vpn load-balancing".
        CliRun r = tandem("show", "vpn", "load-balancing");
        assertThat(r.code()).isZero();
        assertThat(r.out().lines().toList()).startsWith("Status : enabled", "Role : Master", "Failover : n/a",
                "Encryption : enabled", "Cluster IP : 127.0.0.254", "Peers : 0", "");
        assertThat(r.out()).containsPattern("Public IP\\s+Role\\s+Pri\\s+Model\\s+IPsec\\s+SSL\\s+IPsec\\s+SSL")
                .containsPattern("127\\.0\\.0\\.1\\s+Master\\s+7\\s+Test-1\\s+0\\s+0\\s+0\\s+0");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void showLbIsTheSameAsShowVpnLoadBalancingAndMatchesTheNodesOwnText() throws Exception {
        CliRun lb = tandem("show", "lb");
        CliRun json = tandem("show", "lb", "--json");
        assertThat(lb.code()).isZero();
        JsonNode j = new ObjectMapper().readTree(json.out());
        assertThat(lb.out()).isEqualTo(j.get("text").asText());
    }

    @Test
    void showRedundancyListsNodesStatesReasonsAndActions() {
        // [RG-T2]: a single node with high availability disabled is Normal / Normal; no action is available.
        CliRun r = tandem("show", "redundancy");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("""
                Redundancy group: solo (one node)
                High availability: disabled
                Node  Address    State   Reason  Alive  Healthy
                n1    127.0.0.1  Normal  Normal  yes    yes
                Actions available now: none
                """);
        assertThat(tandem("show", "redundancy", "solo").out()).isEqualTo(r.out());
        assertThat(tandem("ha", "status").out()).isEqualTo(r.out());
    }

    @Test
    void showFailoverShowsTheLoneNodeAndItsJsonIsTheApisAnswer() throws Exception {
        CliRun r = tandem("show", "failover");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("Failover Off (no peer)\nThis node: n1, ");
        CliRun json = tandem("show", "failover", "--json");
        assertThat(json.code()).isZero();
        var f = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out());
        assertThat(f.get("node").asText()).isEqualTo("n1");
        assertThat(f.get("users").get(0).get("thisNode").asText()).isEqualTo("active");
    }

    @Test
    void anUnknownGroupIsNamedAndExitsOne() {
        CliRun r = tandem("show", "redundancy", "other");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("tandem: no redundancy group 'other'; this node is in 'solo'");
    }

    @Test
    void aRefusedFailoverGivesTheSpecificationsReasonAndExitsOne() {
        // [RG-MANUAL]: with high availability disabled there is nothing to fail over to.
        CliRun r = tandem("ha", "failover", "n1");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("tandem: failover of n1 refused: ");
        assertThat(r.out()).isEmpty();
        CliRun f = tandem("ha", "fallback", "n1");
        assertThat(f.code()).isEqualTo(1);
        assertThat(f.err()).startsWith("tandem: fallback of n1 refused: ");
        CliRun rec = tandem("ha", "recover", "solo");
        assertThat(rec.code()).isEqualTo(1);
        assertThat(rec.err()).startsWith("tandem: recovery of solo refused: ");
    }

    @Test
    void anUnknownNodeIsAUsageError() {
        CliRun r = tandem("ha", "failover", "n9");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("tandem: node: 'n9' is not allowed; allowed: a node of a redundancy group"
                + " this node knows: n1");
    }

    @Test
    void aWrongTokenIsNamedAndExitsOne() throws Exception {
        Path wrong = Files.writeString(dir.resolve("wrong-token"), "not-the-token\n");
        CliRun r = CliRun.of("show", "lb", "--admin", node.url(), "--token-file", wrong.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("tandem: the admin API at " + node.url() + " refused the token: wrong"
                + " bearer token (check --token-file or TANDEM_TOKEN)");
        assertThat(r.err()).doesNotContain("not-the-token");
    }

    @Test
    void theTokenMayComeFromTheEnvironment() {
        var saved = AdminOptions.environment;
        AdminOptions.environment = name -> name.equals("TANDEM_TOKEN") ? InProcessNode.TOKEN : null;
        try {
            CliRun r = CliRun.of("show", "redundancy", "--admin", node.url());
            assertThat(r.code()).isZero();
            assertThat(r.out()).startsWith("Redundancy group: solo");
        } finally {
            AdminOptions.environment = saved;
        }
    }

    @Test
    void noTokenAtAllIsAUsageError() {
        var saved = AdminOptions.environment;
        AdminOptions.environment = name -> null;
        try {
            CliRun r = CliRun.of("show", "lb", "--admin", node.url());
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err().strip()).isEqualTo("tandem: no admin token: give --token-file FILE or set TANDEM_TOKEN");
        } finally {
            AdminOptions.environment = saved;
        }
    }

    @Test
    void anUnreachableNodeIsNamedAndExitsOne() throws Exception {
        int closed;
        try (var s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        CliRun r = CliRun.of("show", "lb", "--admin", "http://127.0.0.1:" + closed, "--token-file", node.tokenFile.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("tandem: cannot reach the admin API at http://127.0.0.1:" + closed)
                .contains("is the node running there? (--admin URL)");
    }

    @Test
    void aMalformedAdminUrlIsAUsageError() {
        CliRun r = CliRun.of("show", "lb", "--admin", "127.0.0.1:20075", "--token-file", node.tokenFile.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("tandem: --admin: '127.0.0.1:20075' is not allowed; allowed: an http or"
                + " https URL such as http://127.0.0.1:20075");
    }
}
