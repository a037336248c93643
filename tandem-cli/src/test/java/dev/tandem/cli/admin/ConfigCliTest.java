package dev.tandem.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.node.store.ClusterSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tandem config}, {@code config apply}, {@code config export} and {@code show running-config} against a real
 * node and its store in this JVM ([LB-CONFIG]). Each test starts from a node whose
 * load-balancing section was removed ({@code no vpn load-balancing}).
 */
class ConfigCliTest {
    @TempDir
    static Path dir;
    static InProcessNode node;

    @BeforeAll
    static void start() throws Exception {
        node = InProcessNode.start(dir, false);
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    @BeforeEach
    void removeTheSection() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(node.url() + ConfigShell.COMMANDS_PATH)).header("Authorization", "Bearer " + InProcessNode.TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("no vpn load-balancing\n")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    static ClusterSettings stored() {
        return node.node.store().store().settings();
    }

    CliRun tandem(String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 4);
        all[args.length] = "--admin";
        all[args.length + 1] = node.url();
        all[args.length + 2] = "--token-file";
        all[args.length + 3] = node.tokenFile.toString();
        return CliRun.of(all);
    }

    /** Runs the shell over typed lines. */
    static void shell(ConfigShell sh, String... lines) {
        ArrayDeque<String> q = new ArrayDeque<>(List.of(lines));
        sh.run(q::poll);
    }

    record Session(ConfigShell shell, StringWriter printed) {}

    Session session(String device) {
        StringWriter printed = new StringWriter();
        AdminHttp http = new AdminHttp(URI.create(node.url()), InProcessNode.TOKEN);
        return new Session(new ConfigShell(http, new PrintWriter(printed, true), ConfigShell.hostnameOf(http), device), printed);
    }

    @Test
    void theSeedsProcedureTypedInTheShell() {
        // [LB-GROUP], steps 1 to 6, then Viewing: show running-config.
        Session s = session(null);
        assertThat(s.shell().prompt()).isEqualTo("n1(config)# ");
        shell(s.shell(), "vpn load-balancing", "interface lbpublic 10.0.0.11", "interface lbprivate 10.1.0.11",
                "priority 6", "cluster ip address 10.0.0.10", "cluster port 4444", "cluster key 123456789",
                "cluster encryption", "participate", "show running-config", "exit", "exit");
        assertThat(s.printed().toString()).isEqualTo("""
                vpn load-balancing
                 priority 6
                 interface lbpublic 10.0.0.11
                 interface lbprivate 10.1.0.11
                 cluster ip address 10.0.0.10
                 cluster key *****
                 cluster encryption
                 cluster port 4444
                 participate
                node n1 applies it at its next restart
                """);
        // Each line reached the store on its own, in its mode.
        assertThat(stored().lbGroup()).isEqualTo(new ClusterSettings.LbGroup("10.0.0.10", 4444, true,
                dev.tandem.core.lb.ClusterKey.of("k", "123456789").fingerprint(), "distributed", 443));
        assertThat(stored().device("n1")).contains(new ClusterSettings.Device("n1", 6, "10.0.0.11", "10.1.0.11",
                List.of(), true, false, null));
        assertThat(s.shell().applied()).isEqualTo(8);
        assertThat(s.shell().refused()).isZero();
    }

    @Test
    void namedInterfacesTypedInTheShell() {
        Session s = session(null);
        List<String> lines = List.of("interface GigabitEthernet 0/1", "ip address 127.0.34.11 255.255.255.0",
                "nameif outside", "interface GigabitEthernet 0/2", "ip address 127.0.34.21 255.255.255.0", "nameif inside",
                "vpn load-balancing", "interface lbpublic outside", "interface lbprivate inside",
                "cluster ip address 127.0.34.10", "priority 7", "exit", "tunnel-group sales general-attributes",
                "group-url https://127.0.34.10/sales", "group-url https://127.0.34.11/sales", "exit");
        ArrayDeque<String> q = new ArrayDeque<>(lines);
        List<String> prompts = new java.util.ArrayList<>();
        try {
            s.shell().run(() -> {
                prompts.add(s.shell().prompt());
                return q.poll();
            });
            // interface enters config-if, where ip address and nameif configure the interface entered; a global
            // command (the next interface, vpn load-balancing) leaves it.
            assertThat(prompts.subList(0, 9)).containsExactly("n1(config)# ", "n1(config-if)# ", "n1(config-if)# ",
                    "n1(config-if)# ", "n1(config-if)# ", "n1(config-if)# ", "n1(config-if)# ",
                    "n1(config-load-balancing)# ", "n1(config-load-balancing)# ");
            assertThat(prompts.get(14)).isEqualTo("n1(config-tunnel-general)# ");
            assertThat(s.shell().refused()).as(s.printed().toString()).isZero();
            assertThat(s.shell().applied()).isEqualTo(10);
            // After the first group URL the one for the public address is still missing; the second adds it.
            assertThat(s.printed().toString()).isEqualTo("% warning: tunnel-group sales: no enabled group-url for this"
                    + " device's public address 127.0.34.11; the specification asks for one, so a redirected client keeps"
                    + " its group\nnode n1 applies it at its next restart\n");
            assertThat(stored().device("n1")).contains(new ClusterSettings.Device("n1", 7, "127.0.34.11",
                    "127.0.34.21", List.of(), false, false, null));
            assertThat(stored().deviceConfig("n1")).contains("interface GigabitEthernet0/2\n nameif inside\n")
                    .contains(" group-url https://127.0.34.11/sales enable\n");
        } finally {
            Session clean = session(null);
            shell(clean.shell(), "no vpn load-balancing", "no tunnel-group sales", "no interface GigabitEthernet0/1",
                    "no interface GigabitEthernet0/2");
            assertThat(stored().deviceConfig("n1")).isEmpty();
        }
    }

    @Test
    void theShellPrintsTheSpecificationsRefusalAndGoesOn() {
        // [LB-GROUP], step 4: encryption needs the shared secret first.
        Session s = session(null);
        shell(s.shell(), "vpn load-balancing", "cluster ip address 10.0.0.10", "cluster encryption", "priority 11",
                "cluster key abc", "cluster encryption");
        assertThat(s.printed().toString()).isEqualTo("""
                % cluster encryption needs the shared secret first: enter 'cluster key <key>', then 'cluster encryption'
                % priority: '11' is not allowed; allowed: a whole number from 1 to 10 (default 5)
                """);
        assertThat(stored().lbGroup().encryption()).isTrue();
        assertThat(s.shell().refused()).isEqualTo(2);
        assertThat(s.shell().applied()).isEqualTo(3);
    }

    @Test
    void questionMarkListsWhatMayComeNext() {
        Session s = session(null);
        shell(s.shell(), "vpn load-balancing", "cluster ?", "redirect-fqdn ?");
        assertThat(s.printed().toString()).isEqualTo("""
                  ip          The group's virtual address or FQDN, held by the director
                  port        The group's UDP port (default 9023)
                  encryption  Encrypt the group's messages with the cluster key (default: no encryption)
                  key         The group's shared secret; '8 <key>' for a key sealed by 'tandem key seal'
                  enable   Redirect clients to a member's FQDN instead of its address (default disable)
                  disable  Redirect clients to a member's FQDN instead of its address (default disable)
                """);
        assertThat(s.shell().applied()).isZero();
    }

    @Test
    void theDeviceCanBeNamedAndMustBeANodeOfTheCluster() {
        Session unknown = session("n9");
        shell(unknown.shell(), "vpn load-balancing", "interface lbpublic 10.0.0.19");
        assertThat(unknown.printed().toString()).isEqualTo("% node: 'n9' is not allowed; allowed: a node of the cluster: n1\n");

        assertThat(tandem("groups", "create", "east", "--node", "n2=127.0.0.2").code()).isZero();
        Session s = session("n2");
        shell(s.shell(), "vpn load-balancing", "interface lbpublic 10.0.0.12", "priority 3");
        assertThat(s.printed().toString()).isEqualTo("node n2 applies it at its next restart\n");
        assertThat(stored().device("n2").orElseThrow().priority()).isEqualTo(3);
        assertThat(stored().device("n1")).isEmpty();
        assertThat(tandem("show", "running-config").out()).isEqualTo("vpn load-balancing\n");
        shell(session("n2").shell(), "no vpn load-balancing");
        assertThat(stored().device("n2")).isEmpty();
        assertThat(tandem("groups", "delete", "east").code()).isZero();
    }

    @Test
    void applyReadsACommandsFile() throws Exception {
        Path f = Files.writeString(dir.resolve("lb.txt"), """
                ! [LB-EXAMPLE]
                vpn load-balancing
                 nat 192.168.10.10
                 priority 9
                 interface lbpublic 209.165.202.159
                 interface lbprivate 209.165.201.30
                 cluster ip address 209.165.202.224
                 cluster key 123456789
                 cluster encryption
                 cluster port 9023
                 redirect-fqdn enable
                 participate
                """);
        CliRun r = tandem("config", "apply", f.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("applied 10 command(s) from " + f + "; settings epoch " + stored().epoch()
                + "\nnode n1 applies it at its next restart\n");
        assertThat(stored().device("n1").orElseThrow().priority()).isEqualTo(9);
        assertThat(stored().device("n1").orElseThrow().redirectFqdn()).isTrue();
        assertThat(stored().device("n1").orElseThrow().nat()).containsExactly("192.168.10.10");
        assertThat(stored().lbGroup().clusterAddress()).isEqualTo("209.165.202.224");
    }

    @Test
    void aTypoInAFileIsNamedWithItsLineAndNothingIsSent() throws Exception {
        long epoch = stored().epoch();
        Path f = Files.writeString(dir.resolve("typo.txt"), "vpn load-balancing\n priority 4\n prority 5\n");
        CliRun r = tandem("config", "apply", f.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("tandem: " + f + ":3: unknown command 'prority' in config-load-balancing"
                + " mode; allowed: interface, priority, nat, cluster, redirect-fqdn, participate, show, exit, no");
        assertThat(stored().epoch()).isEqualTo(epoch);
    }

    @Test
    void aRuleTheNodeRefusesIsNamedWithItsLineAndNothingChanges() throws Exception {
        Path f = Files.writeString(dir.resolve("enc.txt"), "vpn load-balancing\n interface lbpublic 10.0.0.11\n"
                + " cluster ip address 10.0.0.10\n cluster encryption\n");
        long epoch = stored().epoch();
        CliRun r = tandem("config", "apply", f.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("tandem: " + f + ":4: cluster encryption needs the shared secret first:"
                + " enter 'cluster key <key>', then 'cluster encryption' (nothing was changed)");
        assertThat(stored().epoch()).isEqualTo(epoch);
        assertThat(stored().device("n1")).isEmpty();
    }

    @Test
    void exportedYamlAppliesBackAndItsErrorsNameTheirLine() throws Exception {
        Path out = dir.resolve("cluster.yaml");
        assertThat(tandem("config", "export", "-o", out.toString()).code()).isZero();
        String yaml = Files.readString(out);
        assertThat(tandem("config", "export").out()).isEqualTo(yaml);
        assertThat(yaml).contains("- name: solo\n").contains("assignmentMode: Balanced\n").doesNotContain("cluster-key-of-cli-tests");

        Files.writeString(out, yaml.replace("assignmentMode: Balanced", "assignmentMode: Active-Standby"));
        CliRun r = tandem("config", "apply", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("applied " + out + "; settings epoch " + stored().epoch() + "\n");
        assertThat(stored().mode()).isEqualTo(dev.tandem.core.rm.AssignmentMode.ACTIVE_STANDBY);

        String broken = yaml.replace("keepAliveTimeout: 5s", "keepAliveTimeout: soon");
        int line = broken.lines().toList().indexOf("  keepAliveTimeout: soon") + 1;
        Path bad = Files.writeString(dir.resolve("bad.yml"), broken);
        CliRun b = tandem("config", "apply", bad.toString());
        assertThat(b.code()).isEqualTo(2);
        assertThat(line).isPositive();
        assertThat(b.err()).startsWith("tandem: " + bad + ":" + line + ": keepAliveTimeout: 'soon' is not allowed; allowed: ")
                .endsWith(" (nothing was changed)\n");
        assertThat(stored().mode()).isEqualTo(dev.tandem.core.rm.AssignmentMode.ACTIVE_STANDBY);
        assertThat(tandem("parameters", "assignment-mode", "balanced").code()).isZero();
    }

    @Test
    void aMissingFileIsAUsageError() {
        CliRun r = tandem("config", "apply", dir.resolve("nowhere.txt").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("file: '" + dir.resolve("nowhere.txt") + "' cannot be read");
    }

    @Test
    void showRunningConfigPrintsTheSection() {
        shell(session(null).shell(), "vpn load-balancing", "cluster ip address 10.0.0.10", "interface lbpublic 10.0.0.11");
        CliRun r = tandem("show", "running-config");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("vpn load-balancing\n interface lbpublic 10.0.0.11\n interface lbprivate 10.0.0.11\n"
                + " cluster ip address 10.0.0.10\n");
    }

    @Test
    void theStoreBeingDownIsAFailureWithTheNodesMessage() throws Exception {
        // An outage the in-process H2 store cannot have: the contract's 503, from a stand-in (the node's own
        // answer is checked by tandem-node's StoreOutageTest on PostgreSQL).
        try (FakeClusterApi fake = new FakeClusterApi()) {
            fake.on("POST /api/v1/config/commands", req -> FakeClusterApi.Reply.json(503,
                    Map.of("error", "the store is unreachable (connection refused); nothing was changed", "status", 503)));
            Path token = Files.writeString(dir.resolve("fake-token"), FakeClusterApi.TOKEN);
            Path f = Files.writeString(dir.resolve("p.txt"), "vpn load-balancing\npriority 4\n");
            CliRun r = CliRun.of("config", "apply", f.toString(), "--admin", fake.url(), "--token-file", token.toString());
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err().strip()).isEqualTo("tandem: the store is unreachable (connection refused); nothing was changed");
        }
    }
}
