package dev.tandem.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.core.lb.IpAddress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tandem config}, {@code config apply}, {@code config export} and {@code show running-config} against a
 * stand-in of the store-backed endpoints that applies commands with the real interpreter (seed 004, Configuring VPN
 * Load Balancing).
 */
class ConfigCliTest {
    @TempDir
    Path dir;
    FakeClusterApi api;
    Path token;

    @BeforeEach
    void start() throws Exception {
        api = new FakeClusterApi();
        token = Files.writeString(dir.resolve("token"), FakeClusterApi.TOKEN);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    CliRun tandem(String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 4);
        all[args.length] = "--admin";
        all[args.length + 1] = api.url();
        all[args.length + 2] = "--token-file";
        all[args.length + 3] = token.toString();
        return CliRun.of(all);
    }

    /** Runs the shell over typed lines and returns what it printed. */
    String shell(ConfigShell sh, String... lines) {
        ArrayDeque<String> q = new ArrayDeque<>(List.of(lines));
        sh.run(q::poll);
        return "";
    }

    record Session(ConfigShell shell, StringWriter printed) {}

    Session session(String node) {
        StringWriter printed = new StringWriter();
        AdminHttp http = new AdminHttp(java.net.URI.create(api.url()), FakeClusterApi.TOKEN);
        return new Session(new ConfigShell(http, new PrintWriter(printed, true), ConfigShell.hostnameOf(http), node), printed);
    }

    @Test
    void theSeedsProcedureTypedInTheShell() {
        // seed 004, Configure the VPN Load Balancing Group Attributes, steps 1 to 6, then Viewing: show running-config.
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
                """);
        assertThat(api.lb.participate()).isTrue();
        assertThat(api.lb.clusterAddress()).isEqualTo(IpAddress.parse("t", "10.0.0.10"));
        // Each line went to the node on its own, carrying its mode.
        assertThat(api.requests("POST", "/api/v1/config/commands")).hasSize(8)
                .first().extracting(FakeClusterApi.Request::body).isEqualTo("vpn load-balancing\ninterface lbpublic 10.0.0.11\n");
        assertThat(s.shell().applied()).isEqualTo(8);
        assertThat(s.shell().refused()).isZero();
    }

    @Test
    void theShellPrintsTheSeedsRefusalAndGoesOn() {
        // seed 004, step 4: encryption needs the shared secret first.
        Session s = session(null);
        shell(s.shell(), "vpn load-balancing", "cluster encryption", "priority 11", "cluster key abc", "cluster encryption");
        assertThat(s.printed().toString()).isEqualTo("""
                % cluster encryption needs the shared secret first: enter 'cluster key <key>', then 'cluster encryption'
                % priority: '11' is not allowed; allowed: a whole number from 1 to 10 (default 5)
                """);
        assertThat(api.lb.encryption()).isTrue();
        assertThat(s.shell().refused()).isEqualTo(2);
        // The syntax error was caught before anything was sent; the refusal came from the node.
        assertThat(api.requests("POST", "/api/v1/config/commands")).hasSize(3);
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
        assertThat(api.requests("POST", "/api/v1/config/commands")).isEmpty();
    }

    @Test
    void theDeviceCanBeNamed() {
        Session s = session("n2");
        shell(s.shell(), "vpn load-balancing", "priority 3");
        assertThat(api.requests("POST", "/api/v1/config/commands")).singleElement()
                .extracting(FakeClusterApi.Request::query).isEqualTo("node=n2");
    }

    @Test
    void applyReadsACommandsFile() throws Exception {
        Path f = Files.writeString(dir.resolve("lb.txt"), """
                ! seed 004, Configuration Examples for VPN Load Balancing
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
        assertThat(r.out()).isEqualTo("applied 10 command(s) from " + f + "; settings epoch 2\n");
        assertThat(api.lb.priority()).isEqualTo(9);
        assertThat(api.lb.redirectFqdn()).isTrue();
        assertThat(api.requests("POST", "/api/v1/config/commands")).singleElement()
                .extracting(FakeClusterApi.Request::contentType).isEqualTo("text/plain");
    }

    @Test
    void aTypoInAFileIsNamedWithItsLineAndNothingIsSent() throws Exception {
        Path f = Files.writeString(dir.resolve("typo.txt"), "vpn load-balancing\n priority 4\n prority 5\n");
        CliRun r = tandem("config", "apply", f.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("tandem: " + f + ":3: unknown command 'prority' in config-load-balancing"
                + " mode; allowed: interface, priority, nat, cluster, redirect-fqdn, participate, show, exit, no");
        assertThat(api.requests("POST", "/api/v1/config/commands")).isEmpty();
    }

    @Test
    void aRuleTheNodeRefusesIsNamedWithItsLineAndNothingChanges() throws Exception {
        Path f = Files.writeString(dir.resolve("enc.txt"), "vpn load-balancing\n priority 4\n cluster encryption\n");
        CliRun r = tandem("config", "apply", f.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("tandem: " + f + ":3: cluster encryption needs the shared secret first:"
                + " enter 'cluster key <key>', then 'cluster encryption' (nothing was changed)");
        assertThat(api.lb.priority()).isEqualTo(5);
    }

    @Test
    void aYamlFileGoesToTheDeclarativeEndpoint() throws Exception {
        api.on("PUT /api/v1/config", req -> req.body().contains("priority: 11")
                ? FakeClusterApi.Reply.json(400, Map.of("error", "priority: '11' is not allowed; allowed: a whole number"
                        + " from 1 to 10 (default 5)", "line", 7, "status", 400))
                : FakeClusterApi.Reply.json(200, Map.of("epoch", 9)));
        Path ok = Files.writeString(dir.resolve("cluster.yaml"), "groups: []\n");
        CliRun r = tandem("config", "apply", ok.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("applied " + ok + "; settings epoch 9\n");
        assertThat(api.requests("PUT", "/api/v1/config")).singleElement()
                .satisfies(q -> assertThat(q.contentType()).isEqualTo("application/yaml"))
                .satisfies(q -> assertThat(q.body()).isEqualTo("groups: []\n"));

        Path bad = Files.writeString(dir.resolve("bad.yml"), "x\nx\nx\nx\nx\nx\n    priority: 11\n");
        CliRun b = tandem("config", "apply", bad.toString());
        assertThat(b.code()).isEqualTo(2);
        assertThat(b.err().strip()).isEqualTo("tandem: " + bad + ":7: priority: '11' is not allowed; allowed: a whole"
                + " number from 1 to 10 (default 5) (nothing was changed)");
    }

    @Test
    void aMissingFileIsAUsageError() {
        CliRun r = tandem("config", "apply", dir.resolve("nowhere.txt").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("file: '" + dir.resolve("nowhere.txt") + "' cannot be read");
    }

    @Test
    void exportPrintsOrWritesTheClustersYaml() throws Exception {
        String yaml = "groups:\n  - name: g1\n";
        api.on("GET /api/v1/config/export", req -> new FakeClusterApi.Reply(200, "application/yaml", yaml));
        assertThat(tandem("config", "export").out()).isEqualTo(yaml);
        Path out = dir.resolve("cluster.yaml");
        assertThat(tandem("config", "export", "-o", out.toString()).code()).isZero();
        assertThat(Files.readString(out)).isEqualTo(yaml);
    }

    @Test
    void showRunningConfigPrintsTheSection() {
        session(null).shell().handle("vpn load-balancing");
        CliRun r = tandem("show", "running-config");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("vpn load-balancing\n");
    }

    @Test
    void theStoreBeingDownIsAFailureWithTheNodesMessage() throws Exception {
        api.on("POST /api/v1/config/commands", req -> FakeClusterApi.Reply.json(503,
                Map.of("error", "the store is unreachable (connection refused); nothing was changed", "status", 503)));
        Path f = Files.writeString(dir.resolve("p.txt"), "vpn load-balancing\npriority 4\n");
        CliRun r = tandem("config", "apply", f.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("tandem: the store is unreachable (connection refused); nothing was changed");
    }
}
