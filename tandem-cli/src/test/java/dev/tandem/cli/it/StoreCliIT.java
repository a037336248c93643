package dev.tandem.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.node.demo.DemoCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The specifications' administrator procedures done with the {@code tandem} jar only, against a redundancy pair of real node
 * processes that share one H2 store (the demo cluster, fast profile). Each change is made through one node and
 * seen through the other, so it went through the store.
 */
class StoreCliIT {
    private static final String N1 = "http://127.0.0.11:20075";
    private static final String N2 = "http://127.0.0.12:20075";
    private static final Duration BOUND = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private NodeProcess n1;
    private NodeProcess n2;
    private NodeAdmin admin;

    record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n" + out + err;
        }
    }

    /** The jar as an operator runs it; {@code input} is typed on standard input (null: none). */
    Run tandemWithInput(String input, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xlog:disable", "-XX:+AutoCreateSharedArchive",
                "-XX:SharedArchiveFile=" + NodeProcess.jar().resolveSibling("tandem-cli-it.jsa"),
                "-jar", NodeProcess.jar().toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--token-file", dir.resolve("admin-token").toString()));
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(err.toFile()).start();
        try (var in = p.getOutputStream()) {
            if (input != null) in.write(input.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out, Files.readString(err));
    }

    Run tandem(String... args) throws Exception {
        return tandemWithInput(null, args);
    }

    static Run ok(Run r) {
        assertThat(r.code()).as(r.toString()).isZero();
        return r;
    }

    @AfterEach
    void stopAll() {
        if (n1 != null) n1.close();
        if (n2 != null) n2.close();
    }

    @Test
    void theSeedsAdministratorProceduresFromTheCliOnARealStore() throws Exception {
        List<Path> configs = DemoCluster.write(dir, 2, DemoCluster.Profile.FAST);
        admin = new NodeAdmin(Files.readString(dir.resolve("admin-token")).strip());
        n1 = new NodeProcess(configs.get(0)).start();
        n2 = new NodeProcess(configs.get(1)).start();
        await().atMost(BOUND).until(() -> admin.stateOf("127.0.0.11", "n1").equals("Normal / Normal")
                && admin.stateOf("127.0.0.12", "n2").equals("Normal / Normal"));

        redundancyGroups();
        parametersAndAssignmentMode();
        usersAndTheirHomes();
        failoverRefusesNewUsersAndFallbackRestores();
        loadBalancingGroupFromSpecificationCommands();
        wholeClusterAsYaml();
        watching();
    }

    /** [RG-GROUP]; [RG-ENABLE]. */
    private void redundancyGroups() throws Exception {
        Run created = ok(tandem("groups", "create", "east", "--description", "east pair", "--node", "n3=127.0.0.13",
                "--node", "n4=127.0.0.14", "--admin", N1));
        assertThat(created.out()).isEqualTo("""
                created redundancy group east
                Name  Nodes                             High availability  Description
                east  n3 (127.0.0.13), n4 (127.0.0.14)  disabled           east pair
                nodes n3, n4 apply it at their next restart
                """);
        // [RG-GROUP], step 3: names of up to 128 A-Z a-z 0-9 _ - (checked by the CLI before sending).
        Run name = tandem("groups", "create", "east pair", "--node", "n5=127.0.0.15", "--admin", N1);
        assertThat(name.code()).isEqualTo(2);
        assertThat(name.err()).isEqualTo("tandem: group name: 'east pair' is not allowed; allowed: 1 to 128 characters"
                + " of A-Z a-z 0-9 _ -\n");
        // A node belongs to one group only (checked by the store against every group).
        Run taken = tandem("groups", "create", "west", "--node", "n3=127.0.0.13", "--admin", N2);
        assertThat(taken.code()).isEqualTo(2);
        assertThat(taken.err()).isEqualTo("tandem: nodes: 'n3' is not allowed; allowed: a node that is in no other"
                + " group (it is already in east)\n");
        // High availability needs a pair.
        Run single = tandem("groups", "create", "west", "--node", "n5=127.0.0.15", "--ha", "--admin", N1);
        assertThat(single.code()).isEqualTo(2);
        assertThat(single.err()).contains("highAvailability: 'true' is not allowed; allowed: false for a group of one node");

        ok(tandem("groups", "change", "east", "--description", "second pair", "--admin", N2));
        // [RG-ENABLE]'s checks first: east's nodes run nowhere, so nothing is changed without --force.
        Run checked = tandem("groups", "ha", "east", "enable", "--admin", N1);
        assertThat(checked.code()).isEqualTo(1);
        assertThat(checked.out()).startsWith("Checked:\n  high availability of east is off now\n")
                .contains("  n3: no recent report in the store\n");
        assertThat(checked.err()).contains("n3 has not reported to the store yet: check it is running before changing"
                + " the switch").endsWith("Mend these, or run again with --force to change it anyway.\n");
        Run ha = ok(tandem("groups", "ha", "east", "enable", "--force", "--admin", N1));
        assertThat(ha.out()).contains("high availability enabled for east; its running nodes apply it at once\n");
        Run list = ok(tandem("groups", "list", "--admin", N2));
        assertThat(list.out()).isEqualTo("""
                Name  Nodes                             High availability  Description
                g1    n1 (127.0.0.11), n2 (127.0.0.12)  enabled
                east  n3 (127.0.0.13), n4 (127.0.0.14)  enabled            second pair
                """);
        Run nowhere = tandem("groups", "show", "nowhere", "--admin", N1);
        assertThat(nowhere.code()).isEqualTo(1);
        assertThat(nowhere.err()).isEqualTo("tandem: no redundancy group 'nowhere'\n");
    }

    /** [RG-ASSIGN], Configure Presence Redundancy Group Parameters; Configure User Assignment Mode. */
    private void parametersAndAssignmentMode() throws Exception {
        Run set = ok(tandem("parameters", "set", "keepAliveTimeout=1s", "clientReloginUpper=5s", "--admin", N1));
        assertThat(set.out()).containsPattern("keepAliveTimeout +1s\n").containsPattern("clientReloginUpper +5s\n");
        // The other node's recovery manager takes the new parameters from the store without a restart.
        await().atMost(BOUND).until(() -> admin.get("127.0.0.12", "/api/v1/parameters").body()
                .get("keepAliveTimeout").asText().equals("1s"));
        Run refused = tandem("parameters", "set", "keepAliveTimeout=30s", "--admin", N2);
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).isEqualTo("tandem: initKeepAliveTimeout: '15s' is not allowed; allowed: at least"
                + " keepAliveTimeout (30s)\n");

        assertThat(ok(tandem("parameters", "assignment-mode", "active-standby", "--admin", N1)).out())
                .isEqualTo("User assignment mode: Active-Standby\n");
        assertThat(ok(tandem("parameters", "assignment-mode", "--admin", N2)).out())
                .isEqualTo("User assignment mode: Active-Standby\n");
        assertThat(ok(tandem("parameters", "assignment-mode", "balanced", "--admin", N2)).out())
                .isEqualTo("User assignment mode: Balanced\n");
    }

    /** [RG-ASSIGN]: Balanced spreads users over every node of every group. */
    private void usersAndTheirHomes() throws Exception {
        assertThat(ok(tandem("users", "add", "alice", "--admin", N1)).out()).isEqualTo("""
                added user alice
                User   Group  Home  Serving
                alice  g1     n1    n1
                """);
        Files.writeString(dir.resolve("users.csv"), "id,group,home\ncarol\ndave\nerin,g1\nfrank,east\n");
        assertThat(ok(tandem("users", "import", "users.csv", "--admin", N2)).out())
                .isEqualTo("imported 4 user(s) from users.csv, 4 assigned a home node\n");
        Files.writeString(dir.resolve("bad.csv"), "henry\nalice\n");
        Run dup = tandem("users", "import", "bad.csv", "--admin", N2);
        assertThat(dup.code()).isEqualTo(2);
        assertThat(dup.err()).startsWith("tandem: bad.csv: line 2").contains("alice").endsWith("(nothing was imported)\n");

        // Balanced: the node with fewest users, ties to the earlier group and node.
        assertThat(ok(tandem("users", "export", "--admin", N1)).out()).isEqualTo("""
                id,group,home
                alice,g1,n1
                carol,g1,n2
                dave,east,n3
                erin,g1,n1
                frank,east,n4
                """);
        assertThat(ok(tandem("users", "list", "--limit", "2", "--admin", N2)).out()).isEqualTo("""
                User   Group  Home  Serving
                alice  g1     n1    n1
                carol  g1     n2    n2
                More: users list --after carol
                """);
    }

    /** [RG-MANUAL], Fallback; Redundancy Interactions and Restrictions: Adding Users. */
    private void failoverRefusesNewUsersAndFallbackRestores() throws Exception {
        assertThat(ok(tandem("show", "redundancy", "--admin", N2)).out()).contains("Actions available now: failover");
        assertThat(ok(tandem("ha", "failover", "n2", "--admin", N1)).out()).startsWith("failover of n2: accepted");
        await().atMost(BOUND).until(() -> admin.stateOf("127.0.0.11", "n1").equals("Running in Backup Mode / On Admin Request")
                && admin.stateOf("127.0.0.12", "n2").equals("Idle / On Admin Request"));
        assertThat(ok(tandem("show", "redundancy", "g1", "--admin", N1)).out())
                .containsPattern("n1 +127\\.0\\.0\\.11 +Running in Backup Mode +On Admin Request")
                .containsPattern("n2 +127\\.0\\.0\\.12 +Idle +On Admin Request")
                .contains("Actions available now: fallback");
        // n1 serves n2's users while n2 is failed over.
        assertThat(ok(tandem("users", "show", "carol", "--admin", N1)).out()).contains("carol  g1     n2    n1");
        Run refused = tandem("users", "add", "gina", "--admin", N2);
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("tandem: users cannot be added while a node of the cluster is in a failover"
                + " state: n2 is Idle\n");

        assertThat(ok(tandem("ha", "fallback", "n2", "--admin", N1)).out()).startsWith("fallback of n2: accepted");
        await().atMost(BOUND).until(() -> admin.stateOf("127.0.0.11", "n1").equals("Normal / Normal")
                && admin.stateOf("127.0.0.12", "n2").equals("Normal / Normal"));
        await().atMost(BOUND).pollInterval(Duration.ofSeconds(1)).until(() -> tandem("users", "add", "gina", "--admin", N2).code() == 0);
        assertThat(admin.get("127.0.0.11", "/api/v1/users/gina").body().get("serving").asText()).isIn("n1", "n2", "n3", "n4");
    }

    /** [LB-CONFIG]: the same commands from a file and typed in the shell. */
    private void loadBalancingGroupFromSpecificationCommands() throws Exception {
        Files.writeString(dir.resolve("lb.txt"), """
                ! [LB-DEVICE]; Group Attributes
                vpn load-balancing
                 priority 8
                 nat 203.0.113.11
                 redirect-fqdn disable
                 cluster port 9023
                exit
                """);
        Run applied = ok(tandem("config", "apply", "lb.txt", "--admin", N1));
        // Priority, NAT and redirect-fqdn apply on the running node (decision 0036): no restart is asked for.
        assertThat(applied.out()).matches("applied 4 command\\(s\\) from lb.txt; settings epoch \\d+\n");
        await().atMost(BOUND).until(() -> {
            for (JsonNode m : admin.get("127.0.0.11", "/api/v1/load-balancing").body().get("members")) {
                if (m.get("publicIp").asText().equals("127.0.0.11")) return m.get("priority").asInt() == 8;
            }
            return false;
        });
        // The other node reads n1's device from the store.
        JsonNode devices = admin.get("127.0.0.12", "/api/v1/cluster/load-balancing/settings").body().get("devices");
        JsonNode device = null;
        for (JsonNode d : devices) if (d.get("node").asText().equals("n1")) device = d;
        assertThat(device).isNotNull();
        assertThat(device.get("priority").asInt()).isEqualTo(8);
        assertThat(device.get("nat").get(0).asText()).isEqualTo("203.0.113.11");

        // [LB-GROUP], step 4: encryption needs the shared secret first; the file is refused at its line, all of it.
        Files.writeString(dir.resolve("enc.txt"), """
                vpn load-balancing
                 no cluster encryption
                 no cluster key
                 cluster encryption
                """);
        Run enc = tandem("config", "apply", "enc.txt", "--admin", N2);
        assertThat(enc.code()).isEqualTo(2);
        assertThat(enc.err()).isEqualTo("tandem: enc.txt:4: cluster encryption needs the shared secret first: enter"
                + " 'cluster key <key>', then 'cluster encryption' (nothing was changed)\n");

        // The shell, its input piped: a refusal is printed after '%' and the session goes on.
        Run shell = tandemWithInput("vpn load-balancing\npriority 11\ncluster port 9023\nshow running-config\nexit\nexit\n",
                "config", "--admin", N1);
        assertThat(shell.code()).as(shell.toString()).isEqualTo(1);
        assertThat(shell.out()).isEqualTo("""
                % priority: '11' is not allowed; allowed: a whole number from 1 to 10 (default 5)
                vpn load-balancing
                 nat 203.0.113.11
                 priority 8
                 interface lbpublic 127.0.0.11
                 interface lbprivate 127.0.0.11
                 cluster ip address 127.0.0.10
                 cluster key *****
                 cluster encryption
                 participate
                """);
        assertThat(ok(tandem("show", "running-config", "--admin", N2)).out()).isEqualTo("""
                vpn load-balancing
                 priority 9
                 interface lbpublic 127.0.0.12
                 interface lbprivate 127.0.0.12
                 cluster ip address 127.0.0.10
                 cluster key *****
                 cluster encryption
                 participate
                """);
    }

    /** The whole cluster as YAML: exported from one node, changed, applied through the other. */
    private void wholeClusterAsYaml() throws Exception {
        ok(tandem("config", "export", "-o", "cluster.yaml", "--admin", N1));
        String yaml = Files.readString(dir.resolve("cluster.yaml"));
        assertThat(yaml).contains("name: east").contains("keySet: true").contains("priority: 8")
                .doesNotContain(Files.readString(dir.resolve("cluster-key")).strip());
        Files.writeString(dir.resolve("cluster.yaml"), yaml.replace("description: second pair", "description: east again"));
        assertThat(ok(tandem("config", "apply", "cluster.yaml", "--admin", N2)).out())
                .matches("applied cluster.yaml; settings epoch \\d+\n(nodes? .* at (its|their) next restart\n)?");
        assertThat(ok(tandem("groups", "show", "east", "--admin", N1)).out()).contains("east again");

        String broken = yaml.replace("priority: 8", "priority: 11");
        int line = broken.lines().toList().indexOf("    priority: 11") + 1;
        Files.writeString(dir.resolve("broken.yaml"), broken);
        Run bad = tandem("config", "apply", "broken.yaml", "--admin", N1);
        assertThat(bad.code()).isEqualTo(2);
        assertThat(line).isPositive();
        assertThat(bad.err()).isEqualTo("tandem: broken.yaml:" + line + ": priority: '11' is not allowed; allowed: a whole"
                + " number from 1 to 10 (default 5) (nothing was changed)\n");
        assertThat(admin.get("127.0.0.12", "/api/v1/cluster/groups/east").body().get("description").asText()).isEqualTo("east again");
    }

    /** [LB-SHOW]; the specification ([RG-OVER]): check the database before acting. */
    private void watching() throws Exception {
        Run lb = ok(tandem("show", "lb", "--admin", N1));
        assertThat(lb.out()).startsWith("Status : enabled\n").contains("Cluster IP : 127.0.0.10\nPeers : 1\n");
        await().atMost(BOUND).pollInterval(Duration.ofSeconds(1)).until(() -> {
            Run db = tandem("db", "status", "--admin", N2);
            return db.code() == 0 && db.out().matches("(?s)Store: h2 jdbc:h2:file:.*\nReachable: yes\nSchema version: 7\n"
                    + "Settings epoch: \\d+\nNode +Epoch +Reachable +Up to date\nn1 +\\d+ +yes +yes\nn2 +\\d+ +yes +yes\n");
        });
    }
}
