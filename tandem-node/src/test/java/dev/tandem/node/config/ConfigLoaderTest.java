package dev.tandem.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tandem.core.lb.LbTiming;
import dev.tandem.core.rm.ServiceParameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node's configuration file (docs/node-config.yaml): "Every key is checked at start; a bad one stops the node
 * with exit code 2 and a message naming the file, the line, the key, the value and what is allowed." The line is
 * the line of the offending key; a key that is missing is reported at the line of its section.
 */
class ConfigLoaderTest {
    private static final String BASE = """
            node:
              id: n1
              address: 10.0.0.11
            """;
    private static final String PAIR = BASE + """
            redundancyGroup:
              name: east
              description: east pair
              highAvailability: true
              nodes:
                - id: n1
                  address: 10.0.0.11
                - id: n2
                  address: 10.0.0.12
            """;
    private static final String LB = BASE + """
            loadBalancing:
              clusterAddress: 10.0.0.10
            """;

    @TempDir
    Path dir;

    private Path write(String yaml) {
        try {
            Path f = dir.resolve("node.yaml");
            Files.writeString(f, yaml);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private NodeConfig load(String yaml) {
        return ConfigLoader.load(write(yaml));
    }

    private ConfigError errorOf(String yaml) {
        ConfigError e = catchThrowableOfType(ConfigError.class, () -> load(yaml));
        assertThat(e).as("the configuration must be refused:\n%s", yaml).isNotNull();
        return e;
    }

    /** The 1-based line of the one line of {@code yaml} that contains {@code marker}. */
    private static int lineOf(String yaml, String marker) {
        List<String> lines = yaml.lines().toList();
        int found = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(marker)) {
                assertThat(found).as("marker '%s' must be on one line only", marker).isEqualTo(-1);
                found = i + 1;
            }
        }
        assertThat(found).as("marker '%s' not in the test's YAML", marker).isPositive();
        return found;
    }

    /**
     * The error names file:line and the field, where the line is that of {@code lineMarker}, and mentions each of
     * {@code mentions} (the value, what is allowed).
     */
    private void assertError(String yaml, String field, String lineMarker, String... mentions) {
        ConfigError e = errorOf(yaml);
        Path file = dir.resolve("node.yaml");
        assertThat(e.getMessage()).startsWith(file + ":" + lineOf(yaml, lineMarker) + ": " + field + ": ");
        for (String m : mentions) assertThat(e.getMessage()).contains(m);
    }

    // ---------------------------------------------------------------- what loads

    @Test
    void aMinimalFileTakesEveryDefault() {
        NodeConfig c = load(BASE);

        assertThat(c.id()).isEqualTo("n1");
        assertThat(c.address()).isEqualTo("10.0.0.11");
        assertThat(c.base()).isEqualTo(dir.toAbsolutePath());
        // [RG-HB]: Admin RPC Port, default 20075; the admin address defaults to node.address.
        assertThat(c.admin()).isEqualTo(new NodeConfig.Admin("10.0.0.11", 20075, null));
        assertThat(c.cluster()).isEqualTo(new NodeConfig.Cluster(null, null, null, false));
        // A node alone is a group of one, named after the node, without high availability ([RG-GROUP]: HA needs a pair).
        assertThat(c.redundancyGroup()).isEqualTo(new NodeConfig.Group("n1", "", false,
                List.of(new NodeConfig.Member("n1", "10.0.0.11"))));
        assertThat(c.parameters()).isEmpty();
        assertThat(c.stateDir()).isEqualTo(dir.toAbsolutePath().resolve("state/n1"));
        assertThat(c.criticalServices()).isEmpty();
        assertThat(c.serviceControl()).isEqualTo(new NodeConfig.ServiceControl(List.of(), List.of(), Duration.ofSeconds(30)));
        assertThat(c.hooks()).isEqualTo(new NodeConfig.Hooks(List.of(), List.of(), List.of(), Duration.ofSeconds(30)));
        assertThat(c.loadBalancing()).isNull();
    }

    @Test
    void pathsAreRelativeToTheFile() {
        NodeConfig c = load(BASE + """
                admin:
                  tokenFile: secrets/token
                cluster:
                  keyFile: ../keys/cluster
                stateDir: var/state
                """);

        Path base = dir.toAbsolutePath();
        assertThat(c.admin().tokenFile()).isEqualTo(base.resolve("secrets/token"));
        assertThat(c.cluster().keyFile()).isEqualTo(base.resolve("../keys/cluster"));
        assertThat(c.stateDir()).isEqualTo(base.resolve("var/state"));
    }

    @Test
    void aPairIsRead() {
        NodeConfig c = load(PAIR);

        assertThat(c.redundancyGroup()).isEqualTo(new NodeConfig.Group("east", "east pair", true, List.of(
                new NodeConfig.Member("n1", "10.0.0.11"), new NodeConfig.Member("n2", "10.0.0.12"))));
    }

    // ---------------------------------------------------------------- service addresses (docs/redundancy.md)

    private static final String WITH_SERVICE = PAIR
            .replace("- id: n1\n      address: 10.0.0.11\n", "- id: n1\n      address: 10.0.0.11\n      serviceAddress: 10.0.1.11\n")
            .replace("- id: n2\n      address: 10.0.0.12\n", "- id: n2\n      address: 10.0.0.12\n      serviceAddress: 10.0.1.12\n");

    @Test
    void serviceAddressesAreReadWithTheBindDriverByDefault() {
        NodeConfig c = load(WITH_SERVICE);
        assertThat(c.redundancyGroup().nodes()).containsExactly(new NodeConfig.Member("n1", "10.0.0.11", "10.0.1.11"),
                new NodeConfig.Member("n2", "10.0.0.12", "10.0.1.12"));
        assertThat(c.serviceAddress()).isEqualTo("10.0.1.11");
        assertThat(c.serviceAddresses()).isEqualTo(NodeConfig.ServiceAddresses.defaults());
    }

    @Test
    void aMemberOfItsOwnIsReachedAtItsServiceAddressAndItsSessionServiceStaysOnTheNodesAddress() {
        NodeConfig c = load(WITH_SERVICE + "loadBalancing:\n  clusterAddress: 10.0.0.10\nsessionService:\n");
        assertThat(c.loadBalancing().publicAddress()).isEqualTo("10.0.1.11");
        assertThat(c.sessionService().address()).isEqualTo("10.0.0.11");
    }

    @Test
    void aServiceAddressMustBeAnAddressOfItsOwn() {
        assertError(WITH_SERVICE.replace("serviceAddress: 10.0.1.12", "serviceAddress: 10.0.0.11"), "redundancyGroup.nodes",
                "  nodes:", "10.0.0.11", "an address of its own");
        assertError(WITH_SERVICE.replace("serviceAddress: 10.0.1.12", "serviceAddress: 10.0.1.11"), "redundancyGroup.nodes",
                "  nodes:", "10.0.1.11 of n1 is also the service address of n2", "an address of its own");
        assertError(WITH_SERVICE.replace("serviceAddress: 10.0.1.12", "serviceAddress: next-door"),
                "redundancyGroup.nodes[1].serviceAddress", "next-door", "'next-door' is not allowed", "IPv4 address");
        assertError(WITH_SERVICE + "loadBalancing:\n  clusterAddress: 10.0.1.12\n", "redundancyGroup.nodes",
                "  nodes:", "is the cluster address");
        assertError(WITH_SERVICE + "sessionService:\n  address: 10.0.1.12\n", "sessionService.address",
                "  address: 10.0.1.12", "is a service address");
    }

    @Test
    void theServiceAddressDriverIsChecked() {
        assertThat(load(WITH_SERVICE + "serviceAddresses:\n  driver: linux\n  interface: eth0\n").serviceAddresses())
                .isEqualTo(new NodeConfig.ServiceAddresses("linux", "eth0", List.of(), List.of()));
        assertError(WITH_SERVICE + "serviceAddresses:\n  driver: vrrp\n", "serviceAddresses.driver", "driver: vrrp",
                "'vrrp' is not allowed", "bind, linux or script");
        assertError(WITH_SERVICE + "serviceAddresses:\n  driver: linux\n", "serviceAddresses.interface",
                "serviceAddresses:", "eth0");
        assertError(WITH_SERVICE + "serviceAddresses:\n  driver: script\n", "serviceAddresses.claimCommand",
                "serviceAddresses:", "claimCommand and releaseCommand");
    }

    // ---------------------------------------------------------------- heartbeat paths (docs/redundancy.md)

    private static final String WITH_PATHS = PAIR
            .replace("- id: n1\n      address: 10.0.0.11\n", "- id: n1\n      address: 10.0.0.11\n"
                    + "      heartbeatAddresses:\n        - 10.0.9.11\n        - 192.168.5.11\n")
            .replace("- id: n2\n      address: 10.0.0.12\n", "- id: n2\n      address: 10.0.0.12\n"
                    + "      heartbeatAddresses: [10.0.9.12, 192.168.5.12]\n");

    @Test
    void heartbeatAddressesAreReadAsFurtherPathsInOrder() {
        NodeConfig c = load(WITH_PATHS);
        assertThat(c.redundancyGroup().nodes()).containsExactly(
                new NodeConfig.Member("n1", "10.0.0.11", null, List.of("10.0.9.11", "192.168.5.11")),
                new NodeConfig.Member("n2", "10.0.0.12", null, List.of("10.0.9.12", "192.168.5.12")));
        assertThat(c.redundancyGroup().nodes().get(1).heartbeatPaths())
                .containsExactly("10.0.0.12", "10.0.9.12", "192.168.5.12");
        assertThat(load(PAIR).redundancyGroup().nodes().get(0).heartbeatAddresses()).isEmpty();
    }

    @Test
    void badHeartbeatAddressesAreNamedByLineAndKey() {
        assertError(WITH_PATHS.replace("heartbeatAddresses: [10.0.9.12, 192.168.5.12]", "heartbeatAddresses: 10.0.9.12"),
                "redundancyGroup.nodes[1].heartbeatAddresses", "heartbeatAddresses: 10.0.9.12", "a list of IP addresses");
        assertError(WITH_PATHS.replace("        - 192.168.5.11\n", "        - link-b\n"),
                "redundancyGroup.nodes[0].heartbeatAddresses[1]", "- link-b", "'link-b' is not allowed");
        assertError(WITH_PATHS.replace("[10.0.9.12, 192.168.5.12]", "[10.0.9.12, 10.0.9.12]"),
                "redundancyGroup.nodes[1].heartbeatAddresses[1]", "[10.0.9.12, 10.0.9.12]", "'10.0.9.12' is listed twice");
    }

    @Test
    void aHeartbeatAddressMustBeAnAddressOfItsOwn() {
        assertError(WITH_PATHS.replace("[10.0.9.12, 192.168.5.12]", "[10.0.9.12, 10.0.0.11]"),
                "redundancyGroup.nodes[1].heartbeatAddresses[1]", "[10.0.9.12, 10.0.0.11]",
                "'10.0.0.11' is also the address of n1", "an address of its own");
        assertError(WITH_PATHS.replace("[10.0.9.12, 192.168.5.12]", "[10.0.9.11, 192.168.5.12]"),
                "redundancyGroup.nodes[1].heartbeatAddresses[0]", "[10.0.9.11, 192.168.5.12]",
                "'10.0.9.11' is also a heartbeat address of n1");
        assertError(WITH_SERVICE.replace("serviceAddress: 10.0.1.12", "serviceAddress: 10.0.1.12\n      heartbeatAddresses: [10.0.1.11]")
                        .replace("serviceAddress: 10.0.1.11", "serviceAddress: 10.0.1.11\n      heartbeatAddresses: [10.0.9.11]"),
                "redundancyGroup.nodes[1].heartbeatAddresses[0]", "heartbeatAddresses: [10.0.1.11]",
                "is also the service address of n1");
    }

    @Test
    void bothNodesListAsManyHeartbeatPaths() {
        assertError(WITH_PATHS.replace("        - 192.168.5.11\n", ""),
                "redundancyGroup.nodes[1].heartbeatAddresses", "[10.0.9.12, 192.168.5.12]",
                "n2 lists 2 heartbeat address(es) and n1 lists 1", "as many on both nodes");
    }

    @Test
    void atMostFourHeartbeatAddresses() {
        assertError(WITH_PATHS.replace("[10.0.9.12, 192.168.5.12]", "[10.0.9.12, 10.0.9.13, 10.0.9.14, 10.0.9.15, 10.0.9.16]"),
                "redundancyGroup.nodes[1].heartbeatAddresses", "10.0.9.16", "5 addresses are not allowed", "at most 4");
    }

    // ---------------------------------------------------------------- interface checks ([LB-FAILOVER])

    @Test
    void anInterfaceCheckWatchesTheInterfaceItIsNamedAfterOrTheOneGiven() {
        NodeConfig c = load(BASE + """
                criticalServices:
                  - {name: eth0, kind: interface}
                  - name: uplink
                    kind: interface
                    interface: bond0
                """);
        assertThat(c.criticalServices()).extracting(CheckConfig::interfaceName).containsExactly("eth0", "bond0");
        assertThat(c.criticalServices().get(0).interval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void badInterfaceChecksAreNamedByLineAndKey() {
        assertError(BASE + "criticalServices:\n  - name: uplink\n    kind: interface\n    interface: eth0/../../etc\n",
                "criticalServices[0].interface", "interface: eth0", "'eth0/../../etc' is not a network interface name",
                "1 to 15 characters");
        assertError(BASE + "criticalServices:\n  - name: the uplink of the east pair\n    kind: interface\n",
                "criticalServices[0].name", "name: the uplink", "is not a network interface name",
                "give the interface in the key interface");
        assertError(BASE + "criticalServices:\n  - name: web\n    kind: tcp\n    target: h:1\n    interface: eth0\n",
                "criticalServices[0].interface", "interface: eth0", "only for a check of kind interface");
        assertError(BASE + "criticalServices:\n  - name: x\n    kind: link\n", "criticalServices[0].kind", "kind: link",
                "interface");
    }

    @Test
    void highAvailabilityIsOnUnlessSaidOtherwiseForAPair() {
        NodeConfig c = load(PAIR.replace("  highAvailability: true\n", ""));
        assertThat(c.redundancyGroup().highAvailability()).isTrue();
        assertThat(load(PAIR.replace("highAvailability: true", "highAvailability: false")).redundancyGroup()
                .highAvailability()).isFalse();
    }

    @Test
    void aGroupOfOneWithoutHighAvailabilityIsAllowed() {
        NodeConfig c = load(BASE + """
                redundancyGroup:
                  name: solo
                  highAvailability: false
                  nodes:
                    - id: n1
                      address: 10.0.0.11
                """);
        assertThat(c.redundancyGroup().nodes()).extracting(NodeConfig.Member::id).containsExactly("n1");
    }

    @Test
    void theLongestNameAndDescriptionTheSpecificationAllowsAreAccepted() {
        // [RG-GROUP], steps 3 and 4: up to 128 characters each.
        String name = "A-z_9".repeat(25) + "abc";
        String description = "any symbols: #!?*()[]{}=+;,.@$^~ and spaces ".repeat(3).substring(0, 128);
        NodeConfig c = load(PAIR.replace("name: east", "name: " + name)
                .replace("description: east pair", "description: '" + description + "'"));
        assertThat(c.redundancyGroup().name()).hasSize(128).isEqualTo(name);
        assertThat(c.redundancyGroup().description()).hasSize(128).isEqualTo(description);
    }

    @Test
    void parametersAreKeptAsGivenAndChecked() {
        NodeConfig c = load(BASE + """
                parameters:
                  keepAliveInterval: 100ms
                  keepAliveTimeout: 500ms
                  initKeepAliveTimeout: 1s
                  automaticFallback: true
                  servicePort: 23001
                """);
        assertThat(c.parameters()).containsExactly(
                java.util.Map.entry("keepAliveInterval", "100ms"), java.util.Map.entry("keepAliveTimeout", "500ms"),
                java.util.Map.entry("initKeepAliveTimeout", "1s"), java.util.Map.entry("automaticFallback", "true"),
                java.util.Map.entry("servicePort", "23001"));
        ServiceParameters p = ServiceParameters.fromText(c.parameters());
        assertThat(p.keepAliveInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(p.automaticFallback()).isTrue();
        assertThat(p.servicePort()).isEqualTo(23001);
    }

    @Test
    void checksTakeTheirDefaults() {
        NodeConfig c = load(BASE + """
                criticalServices:
                  - name: router
                    kind: tcp
                    target: 127.0.0.1:5222
                  - name: shell
                    kind: command
                    command: "pgrep -x presence"
                  - name: fast
                    kind: command
                    command: [true]
                    interval: 10ms
                    timeout: 10ms
                """);

        CheckConfig router = c.criticalServices().get(0);
        assertThat(router.interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(router.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(router.isDatabase()).isFalse();
        // One shell line is run by the shell.
        assertThat(c.criticalServices().get(1).command()).containsExactly("/bin/sh", "-c", "pgrep -x presence");
        assertThat(c.criticalServices().get(2).command()).containsExactly("true");
        assertThat(c.criticalServices().get(2).timeout()).isEqualTo(c.criticalServices().get(2).interval());
    }

    @Test
    void loadBalancingTakesTheSpecificationDefaults() {
        NodeConfig.LoadBalancing lb = load(LB).loadBalancing();

        assertThat(lb.clusterPort()).as("the specification ([LB-GROUP]): group port 9023").isEqualTo(9023);
        assertThat(lb.participate()).as("the specification ([LB-GROUP]): disabled by default").isFalse();
        assertThat(lb.priority()).as("decision 103").isEqualTo(5);
        assertThat(lb.mode()).as("decision 104").isEqualTo("distributed");
        assertThat(lb.publicAddress()).isEqualTo("10.0.0.11");
        assertThat(lb.privateAddress()).isEqualTo("10.0.0.11");
        assertThat(lb.member()).isEqualTo("n1");
        assertThat(lb.addressDriver()).isEqualTo("bind");
        assertThat(lb.nat()).isEmpty();
        assertThat(lb.peers()).isEmpty();
        assertThat(lb.timing()).isEmpty();
        assertThat(lb.redirectFqdn()).isFalse();
        assertThat(lb.fqdn()).isNull();
    }

    @Test
    void priorityOneAndTenAreAllowed() {
        // [LB-DEVICE], step 3: "The range is from 1 to 10."
        assertThat(load(LB + "  priority: 1\n").loadBalancing().priority()).isEqualTo(1);
        assertThat(load(LB + "  priority: 10\n").loadBalancing().priority()).isEqualTo(10);
    }

    @Test
    void aMemberMayBeTheRedundancyGroup() {
        // [LB-FAQ], load balancing and failover on the same device: both nodes of the pair speak for one member.
        NodeConfig c = load(PAIR + """
                loadBalancing:
                  clusterAddress: vpn.example.com
                  member: east
                  peers:
                    - id: n3
                      address: 10.0.0.13
                  addressDriver: script
                  claimCommand: [claim]
                  releaseCommand: "release now"
                  timing:
                    keepaliveInterval: 100ms
                    keepaliveRetries: 2
                """);
        NodeConfig.LoadBalancing lb = c.loadBalancing();
        assertThat(lb.member()).isEqualTo("east");
        assertThat(lb.clusterAddress()).isEqualTo("vpn.example.com");
        assertThat(lb.peers()).containsExactly(new NodeConfig.Member("n3", "10.0.0.13"));
        assertThat(lb.claimCommand()).containsExactly("claim");
        assertThat(lb.releaseCommand()).containsExactly("/bin/sh", "-c", "release now");
        LbTiming t = LbTimings.from(lb.timing());
        assertThat(t.keepaliveInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(t.keepaliveRetries()).isEqualTo(2);
        assertThat(t.keepaliveWait()).isEqualTo(LbTiming.DEFAULT_KEEPALIVE_WAIT);
    }

    @Test
    void natAsAListOfAddressesOrAHostname() {
        // [LB-DEVICE], step 4: nat 192.168.30.3 2001:DB8::1
        assertThat(load(LB + "  nat: [192.168.30.3, \"2001:DB8::1\"]\n").loadBalancing().nat())
                .containsExactly("192.168.30.3", "2001:DB8::1");
        assertThat(load(LB + "  nat: [gw.example.com]\n").loadBalancing().nat()).containsExactly("gw.example.com");
    }

    /** docs/node-config.yaml, found from the module or the repository directory. */
    static Path sampleFile() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("docs/node-config.yaml"))) p = p.getParent();
        assertThat(p).as("docs/node-config.yaml above the working directory").isNotNull();
        return p.resolve("docs/node-config.yaml");
    }

    /** The sample, copied beside the key and token files it names. */
    private Path sampleCopy(String text) throws IOException {
        Files.writeString(dir.resolve("cluster-key"), "sample-cluster-key-of-tests\n");
        Files.writeString(dir.resolve("admin-token"), "sample-admin-token\n");
        Path f = dir.resolve("node-config.yaml");
        Files.writeString(f, text);
        return f;
    }

    /** The sample's text without its hooks section. */
    private static String sampleWithoutHooks() throws IOException {
        String text = Files.readString(sampleFile());
        int from = text.indexOf("\nhooks:");
        int to = text.indexOf("\nloadBalancing:");
        assertThat(from).isPositive();
        assertThat(to).isGreaterThan(from);
        return text.substring(0, from) + text.substring(to);
    }

    /** Every value docs/node-config.yaml shows, read as it documents it (hooks apart). */
    static void assertSampleValues(NodeConfig c, Path dir) {
        Path base = dir.toAbsolutePath();
        assertThat(c.id()).isEqualTo("n1");
        assertThat(c.address()).isEqualTo("10.0.0.11");
        assertThat(c.admin()).isEqualTo(new NodeConfig.Admin("10.0.0.11", 20075, base.resolve("admin-token")));
        assertThat(c.cluster()).isEqualTo(new NodeConfig.Cluster(base.resolve("cluster-key"), null, null, true));
        assertThat(c.redundancyGroup()).isEqualTo(new NodeConfig.Group("g1", "east pair", true, List.of(
                new NodeConfig.Member("n1", "10.0.0.11", "10.0.1.11", List.of("10.0.9.11")),
                new NodeConfig.Member("n2", "10.0.0.12", "10.0.1.12", List.of("10.0.9.12")))));
        assertThat(c.serviceAddresses()).isEqualTo(NodeConfig.ServiceAddresses.defaults());
        // The sample shows the specification's [RG-HB] defaults for every service parameter.
        assertThat(c.parameters()).hasSize(ServiceParameters.NAMES.size());
        assertThat(ServiceParameters.fromText(c.parameters())).isEqualTo(ServiceParameters.defaults());
        assertThat(c.stateDir()).isEqualTo(base.resolve("state/n1"));

        List<CheckConfig> checks = c.criticalServices();
        assertThat(checks).extracting(CheckConfig::name)
                .containsExactly("xcp-router", "web", "presence-engine", "replication", "db", "eth0");
        assertThat(checks).extracting(CheckConfig::kind)
                .containsExactly("tcp", "http", "process", "command", "database", "interface");
        assertThat(checks.get(0).target()).isEqualTo("127.0.0.1:5222");
        assertThat(checks.get(0).interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(checks.get(0).timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(checks.get(1).url()).isEqualTo("http://127.0.0.1:8080/health");
        assertThat(checks.get(1).expectStatus()).isEqualTo(200);
        assertThat(checks.get(1).bodyContains()).isEqualTo("ok");
        assertThat(checks.get(2).pidFile()).isEqualTo("/run/presence.pid");
        assertThat(checks.get(3).command()).containsExactly("/usr/local/bin/check-replication");
        assertThat(checks.get(4).jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1/presence?user=monitor");
        assertThat(checks.get(4).isDatabase()).isTrue();
        assertThat(checks.get(5).interfaceName()).isEqualTo("eth0");

        assertThat(c.serviceControl()).isEqualTo(new NodeConfig.ServiceControl(
                List.of("systemctl", "stop", "presence.target"), List.of("systemctl", "start", "presence.target"),
                Duration.ofSeconds(30)));

        NodeConfig.LoadBalancing lb = c.loadBalancing();
        assertThat(lb.clusterAddress()).isEqualTo("10.0.0.10");
        assertThat(lb.clusterPort()).isEqualTo(9023);
        assertThat(lb.mode()).isEqualTo("distributed");
        assertThat(lb.participate()).isTrue();
        assertThat(lb.priority()).isEqualTo(5);
        assertThat(lb.publicAddress()).isEqualTo("10.0.0.11");
        assertThat(lb.privateAddress()).isEqualTo("10.0.0.11");
        assertThat(lb.model()).isEqualTo("Tandem");
        assertThat(lb.maxSessions()).isEqualTo(100);
        assertThat(lb.member()).isEqualTo("n1");
        assertThat(lb.peers()).containsExactly(new NodeConfig.Member("n2", "10.0.0.12"));
        assertThat(lb.addressDriver()).isEqualTo("bind");
        assertThat(lb.onDirectorChange()).containsExactly("/usr/local/bin/tandem-director");
        // "the specification ([LB-KA]) defaults shown": the timing section is the defaults.
        assertThat(lb.timing()).hasSize(6);
        assertThat(LbTimings.from(lb.timing())).isEqualTo(LbTiming.defaults());
    }

    @Test
    void theSampleWithoutItsHooksSectionLoadsAsDocumented() throws IOException {
        NodeConfig c = ConfigLoader.load(sampleCopy(sampleWithoutHooks()));

        assertSampleValues(c, dir);
        assertThat(c.hooks()).isEqualTo(new NodeConfig.Hooks(List.of(), List.of(), List.of(), Duration.ofSeconds(30)));
    }

    @Test
    void theSampleConfigurationLoads() throws IOException {
        // docs/node-config.yaml explains every key; beside the key and token files it names, it must load as shown.
        NodeConfig c = ConfigLoader.load(sampleCopy(Files.readString(sampleFile())));

        assertSampleValues(c, dir);
        assertThat(c.hooks()).isEqualTo(new NodeConfig.Hooks(List.of("/usr/local/bin/tandem-notify"),
                List.of("/usr/local/bin/move-users", "in"), List.of("/usr/local/bin/move-users", "back"),
                Duration.ofSeconds(30)));
        assertThat(c.sessionService()).isEqualTo(new NodeConfig.SessionService("10.0.0.11", 8443, 100,
                Duration.ofSeconds(30), Duration.ofSeconds(90), Duration.ofMinutes(30), "X-Tandem-User"));
    }

    @Test
    void theStateChangeHookIsReadFromItsDocumentedKey() {
        // docs/node-config.yaml: hooks.onStateChange, run with TANDEM_NODE, TANDEM_GROUP, TANDEM_FROM, TANDEM_STATE,
        // TANDEM_REASON at every state change.
        NodeConfig c = load(BASE + "hooks:\n  onStateChange: [/usr/local/bin/tandem-notify]\n");

        assertThat(c.hooks().onStateChange()).containsExactly("/usr/local/bin/tandem-notify");
    }

    // ---------------------------------------------------------------- files that cannot be read

    @Test
    void aMissingFileSaysSo() {
        Path missing = dir.resolve("nope.yaml");
        ConfigError e = catchThrowableOfType(ConfigError.class, () -> ConfigLoader.load(missing));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).isEqualTo(missing + ": no such file");
    }

    @Test
    void invalidYamlSaysSoAndNamesTheFileAndTheLine() {
        Path f = write("node:\n  id: [n1, n2\n  address: x\n");
        ConfigError e = catchThrowableOfType(ConfigError.class, () -> ConfigLoader.load(f));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).matches(java.util.regex.Pattern.quote(f.toString()) + ":[2-4]: not valid YAML: .+")
                .doesNotContain("\n");

        Path tabs = write("node:\n\tid: n1\n");
        assertThat(catchThrowableOfType(ConfigError.class, () -> ConfigLoader.load(tabs)).getMessage())
                .startsWith(tabs + ":2: not valid YAML");

        Path late = write(PAIR + "parameters:\n  keepAliveInterval: \"15s\n");
        assertThat(catchThrowableOfType(ConfigError.class, () -> ConfigLoader.load(late)).getMessage())
                .as("the line of the error, not the top of the file")
                .matches(java.util.regex.Pattern.quote(late.toString()) + ":1[3-5]: not valid YAML: .+");
    }

    @Test
    void aKeyGivenTwiceIsRefusedWithItsLineAndTheKey() {
        // YAML parsers keep the last of two equal keys without a word: the first value would be lost unseen.
        assertThat(errorOf(BASE + "  id: n2\n").getMessage()).isEqualTo(dir.resolve("node.yaml")
                + ":4: node.id: given twice in one mapping (first at line 2); allowed: each key once");
        assertThat(errorOf(PAIR.replace("    - id: n2\n", "    - id: n2\n      id: n3\n")).getMessage())
                .startsWith(dir.resolve("node.yaml") + ":12: redundancyGroup.nodes[1].id: given twice");
        assertThat(errorOf(PAIR + "redundancyGroup:\n  name: west\n").getMessage())
                .startsWith(dir.resolve("node.yaml") + ":13: redundancyGroup: given twice");
        // The same key in two different mappings is fine.
        assertThat(load(PAIR).redundancyGroup().nodes()).hasSize(2);
    }

    @Test
    void aFileThatIsNotAMappingIsRefused() {
        for (String yaml : new String[] {"- node\n- admin\n", "just a word\n"}) {
            assertThat(errorOf(yaml).getMessage()).startsWith(dir.resolve("node.yaml") + ":1: the file must be a YAML mapping");
        }
    }

    /**
     * The file is bound to records (ConfigFile): a section, a list or a value of the wrong kind is named at its own
     * line with what it must be, however deep it is.
     */
    @Test
    void valuesOfTheWrongKindAreNamedWithWhatTheyMustBe() {
        assertError(BASE + "admin: 20075\n", "admin", "admin:", "must be a mapping of keys", "[address, certificate,");
        assertError(BASE + "criticalServices:\n  name: db\n", "criticalServices", "criticalServices:", "a list of checks");
        assertError(BASE + "criticalServices:\n  - db\n", "criticalServices[0]", "- db", "must be a mapping of keys",
                "failAfter");
        assertError(BASE + "criticalServices:\n  - name: db\n    kind: tcp\n    target: db:5432\n    failAfter: 2.5\n",
                "criticalServices[0].failAfter", "failAfter:", "'2.5' is not allowed; allowed: a whole number from 1 to 10");
        assertError(BASE + "criticalServices:\n  - name: db\n    kind: tcp\n    target: db:5432\n  - name: web\n"
                + "    colour: blue\n", "criticalServices[1].colour", "colour:", "unknown key 'colour'", "recoverAfter");
        assertError(BASE + "admin:\n  port: '20075'\n", "admin.port", "port:", "a whole number from 1 to 65535");
        assertError(BASE + "admin:\n  port: [20075]\n", "admin.port", "port:", "a whole number from 1 to 65535");
        assertError(BASE + "parameters:\n  keepAliveTimeout:\n", "parameters.keepAliveTimeout", "keepAliveTimeout:",
                "missing");
        assertError(BASE + "parameters:\n  keepAliveTimeout: [60s]\n", "parameters.keepAliveTimeout",
                "keepAliveTimeout:", "non-empty text");
        assertError(LB + "  timing:\n    keepaliveEvery: 5s\n", "loadBalancing.timing.keepaliveEvery", "keepaliveEvery:",
                "unknown key", "[discoveryWindow, helloInterval, helloRetries, keepaliveInterval, keepaliveRetries,"
                        + " keepaliveWait]");
        assertError(LB + "  redirect: on\n", "loadBalancing.redirect", "redirect:", "must be a mapping of keys",
                "userParameter");
    }

    @Test
    void anEmptyFileIsRefusedClearly() {
        for (String yaml : new String[] {"", "# only a comment\n"}) {
            assertThat(errorOf(yaml).getMessage()).startsWith(dir.resolve("node.yaml") + ":1: ").contains("node");
        }
    }

    // ---------------------------------------------------------------- keys

    @Test
    void anUnknownTopLevelKeyIsNamedAtItsLine() {
        String yaml = BASE + "colour: blue\n";
        assertError(yaml, "colour", "colour:", "unknown key 'colour'", "loadBalancing", "redundancyGroup");
    }

    @Test
    void unknownNestedKeysAreNamedAtTheirLine() {
        assertError(BASE.replace("  id: n1\n", "  id: n1\n  name: first\n"), "node.name", "name: first", "unknown key 'name'");
        assertError(BASE + "admin:\n  port: 20075\n  colour: blue\n", "admin.colour", "colour:", "tokenFile");
        assertError(BASE + "cluster:\n  key: abcdefgh\n", "cluster.key", "key: abcdefgh", "keyFile");
        assertError(PAIR + "    - id: n3\n      address: 10.0.0.13\n      port: 1\n", "redundancyGroup.nodes[2].port",
                "port: 1");
        assertError(BASE + "parameters:\n  keepAlive: 15s\n", "parameters.keepAlive", "keepAlive:", "keepAliveInterval");
        assertError(BASE + "serviceControl:\n  restart: [x]\n", "serviceControl.restart", "restart:");
        assertError(BASE + "hooks:\n  onFailure: [x]\n", "hooks.onFailure", "onFailure:");
        assertError(BASE + """
                criticalServices:
                  - name: a
                    kind: tcp
                    target: h:1
                  - name: b
                    kind: tcp
                    target: h:2
                    retries: 3
                """, "criticalServices[1].retries", "retries:");
        assertError(LB + "  colour: blue\n", "loadBalancing.colour", "colour:");
        assertError(LB + "  timing:\n    keepaliveIntervall: 1s\n", "loadBalancing.timing.keepaliveIntervall",
                "keepaliveIntervall", "keepaliveInterval");
        assertError(LB + "  peers:\n    - id: n2\n      address: 10.0.0.12\n      port: 9023\n",
                "loadBalancing.peers[0].port", "port: 9023");
    }

    @Test
    void aSectionThatIsNotAMappingIsRefused() {
        assertError(BASE + "admin: [1, 2]\n", "admin", "admin:", "mapping");
        assertError(BASE + "criticalServices:\n  name: x\n", "criticalServices", "criticalServices:", "list");
        assertError(BASE + "criticalServices:\n  - tcp\n", "criticalServices[0]", "- tcp", "mapping");
        assertError(LB.replace("loadBalancing:\n  clusterAddress: 10.0.0.10\n", "loadBalancing: on\n"),
                "loadBalancing", "loadBalancing:", "mapping");
    }

    // ---------------------------------------------------------------- node and admin

    @Test
    void aMissingNodeSectionIsNamed() {
        assertError("admin:\n  port: 20075\n", "node", "admin:", "missing");
    }

    @Test
    void aMissingNodeIdIsNamedAtItsSection() {
        assertError("node:\n  address: 10.0.0.11\n", "node.id", "node:", "missing");
        assertError("node:\n  id: n1\n", "node.address", "node:", "missing");
    }

    @Test
    void badNodeIdsAreNamedWithWhatIsAllowed() {
        for (String id : new String[] {"'n 1'", "n/1", "'é'", "n".repeat(129), "''"}) {
            String yaml = BASE.replace("id: n1", "id: " + id);
            assertError(yaml, "node.id", "id: ", id.replace("'", "").isEmpty() ? "non-empty" : id.replace("'", ""));
        }
        assertError(BASE.replace("id: n1", "id: 'n 1'"), "node.id", "id: ", "A-Z a-z 0-9 _ . : -");
        assertError(BASE.replace("id: n1", "id: [a, b]"), "node.id", "id: ", "text");
    }

    @Test
    void badAddressesAreNamedAtTheirLine() {
        assertError(BASE.replace("address: 10.0.0.11", "address: 10.0.0.11/24"), "node.address", "address:", "10.0.0.11/24");
        assertError(BASE + "admin:\n  address: 'bad host'\n", "admin.address", "address: 'bad host'", "bad host");
    }

    @Test
    void portsOutOfRangeAreNamed() {
        for (String port : new String[] {"0", "65536", "-1", "http", "20075.5", "'20075'"}) {
            assertError(BASE + "admin:\n  port: " + port + "\n", "admin.port", "port:", "1 to 65535");
        }
        assertThat(load(BASE + "admin:\n  port: 65535\n").admin().port()).isEqualTo(65535);
        assertThat(load(BASE + "admin:\n  port: 1\n").admin().port()).isEqualTo(1);
    }

    @Test
    void nonBooleansAreNamed() {
        assertError(BASE + "cluster:\n  keyFile: k\n  encryption: maybe\n", "cluster.encryption", "encryption:",
                "'maybe'", "true or false");
        assertError(PAIR.replace("highAvailability: true", "highAvailability: 1"), "redundancyGroup.highAvailability",
                "highAvailability:", "true or false");
        assertError(LB + "  participate: 'yes please'\n", "loadBalancing.participate", "participate:", "true or false");
        assertError(LB + "  redirectFqdn: \"true\"\n", "loadBalancing.redirectFqdn", "redirectFqdn:", "true or false");
    }

    @Test
    void badDurationsAreNamed() {
        assertError(BASE + "serviceControl:\n  timeout: 30 seconds\n", "serviceControl.timeout", "timeout:",
                "30 seconds", "ms, s, m or h");
        assertError(BASE + "hooks:\n  timeout: fast\n", "hooks.timeout", "timeout:", "fast");
        assertError(BASE + "criticalServices:\n  - name: a\n    kind: tcp\n    target: h:1\n    interval: 5\n",
                "criticalServices[0].interval", "interval:", "'5'");
    }

    // ---------------------------------------------------------------- cluster key

    @Test
    void encryptionWithoutAKeyIsRefused() {
        // [LB-GROUP], step 4: encryption needs a shared secret first.
        assertError(BASE + "cluster:\n  encryption: true\n", "cluster.encryption", "encryption:", "keyFile", "key8");
    }

    @Test
    void aKeyWithoutEncryptionAuthenticatesOnly() {
        NodeConfig c = load(BASE + "cluster:\n  keyFile: cluster-key\n");
        assertThat(c.cluster().encryption()).isFalse();
        assertThat(c.cluster().keyFile()).isEqualTo(dir.toAbsolutePath().resolve("cluster-key"));
    }

    @Test
    void key8NeedsAMasterKeyFile() {
        // [LB-GROUP], step 5: "cluster key 8" takes an already encrypted key; the master key decrypts it.
        assertError(BASE + "cluster:\n  key8: '8$abc'\n", "cluster.masterKeyFile", "cluster:", "key8");
        NodeConfig c = load(BASE + "cluster:\n  key8: '8$abc'\n  masterKeyFile: master\n  encryption: true\n");
        assertThat(c.cluster().key8()).isEqualTo("8$abc");
        assertThat(c.cluster().masterKeyFile()).isEqualTo(dir.toAbsolutePath().resolve("master"));
        assertThat(c.cluster().encryption()).isTrue();
    }

    @Test
    void keyFileAndKey8TogetherAreRefused() {
        assertError(BASE + "cluster:\n  keyFile: k\n  key8: '8$abc'\n  masterKeyFile: m\n", "cluster.key8", "key8:",
                "not both");
    }

    // ---------------------------------------------------------------- redundancy group ([RG-GROUP])

    @Test
    void badGroupNamesAreNamed() {
        // [RG-GROUP], step 3: up to 128 alphanumerics, underscore and dash.
        for (String name : new String[] {"'east pair'", "east.pair", "'a/b'", "x".repeat(129), "'ost-ü'"}) {
            assertError(PAIR.replace("name: east", "name: " + name), "redundancyGroup.name", "name: ",
                    "1 to 128 characters of A-Z a-z 0-9 _ -");
        }
        assertError(PAIR.replace("  name: east\n", ""), "redundancyGroup.name", "redundancyGroup:", "missing");
    }

    @Test
    void badDescriptionsAreNamed() {
        // [RG-GROUP], step 4: up to 128 characters, without " % & / < >.
        for (String bad : new String[] {"'say \"hi\"'", "'100%'", "'a & b'", "a/b", "'<east>'", "'a > b'", "'a < b'"}) {
            assertError(PAIR.replace("description: east pair", "description: " + bad), "redundancyGroup.description",
                    "description:", "without \" % & / < >");
        }
        assertError(PAIR.replace("description: east pair", "description: " + "d".repeat(129)),
                "redundancyGroup.description", "description:", "at most 128 characters");
    }

    @Test
    void groupNodeListsAreChecked() {
        // [RG-GROUP], step 5: two different nodes.
        assertError(PAIR.replace("- id: n2", "- id: n1"), "redundancyGroup.nodes", "nodes:", "two different nodes");
        assertError(PAIR + "    - id: n3\n      address: 10.0.0.13\n", "redundancyGroup.nodes", "nodes:",
                "one node, or two different nodes");
        assertError(PAIR.substring(0, PAIR.indexOf("  nodes:")) + "  nodes: []\n", "redundancyGroup.nodes", "nodes:");
        assertError(PAIR.substring(0, PAIR.indexOf("  nodes:")), "redundancyGroup.nodes", "redundancyGroup:",
                "one or two");
        assertError(PAIR.replace("- id: n2", "- id: 'n 2'"), "redundancyGroup.nodes[1].id", "id: 'n 2'", "n 2");
        assertError(PAIR.replace("address: 10.0.0.12", "address: 10.0.0.12/8"), "redundancyGroup.nodes[1].address",
                "address: 10.0.0.12/8", "10.0.0.12/8");
        assertError(PAIR.replace("      address: 10.0.0.12\n", ""), "redundancyGroup.nodes[1].address", "- id: n2",
                "missing");
        assertError(PAIR.replace("    - id: n2\n      address: 10.0.0.12\n", "    - n2\n"), "redundancyGroup.nodes[1]",
                "- n2", "mapping");
    }

    @Test
    void highAvailabilityWithOneNodeIsRefused() {
        // [RG-HA]: a pair of nodes is required.
        String yaml = BASE + """
                redundancyGroup:
                  name: solo
                  highAvailability: true
                  nodes:
                    - id: n1
                      address: 10.0.0.11
                """;
        assertError(yaml, "redundancyGroup.highAvailability", "highAvailability:", "high availability needs a pair");
    }

    @Test
    void thisNodeMustBeInItsGroup() {
        assertError(PAIR.replace("- id: n1", "- id: n3"), "redundancyGroup.nodes", "nodes:", "must list this node (n1)");
    }

    // ---------------------------------------------------------------- parameters ([RG-HB])

    @Test
    void parametersOutOfTheirRangesAreNamedAtTheirLine() {
        // [RG-HB]; the ranges are ServiceParameters'.
        String p = BASE + "parameters:\n";
        assertError(p + "  keepAliveInterval: 5ms\n", "parameters.keepAliveInterval", "keepAliveInterval:", "5ms");
        assertError(p + "  keepAliveInterval: 6m\n  keepAliveTimeout: 20m\n  initKeepAliveTimeout: 30m\n",
                "parameters.keepAliveInterval", "keepAliveInterval:", "6m");
        assertError(p + "  keepAliveInterval: fast\n", "parameters.keepAliveInterval", "keepAliveInterval:", "fast");
        assertError(p + "  keepAliveTimeout: 2h\n", "parameters.keepAliveTimeout", "keepAliveTimeout:", "2h");
        assertError(p + "  criticalServiceDelay: 61m\n", "parameters.criticalServiceDelay", "criticalServiceDelay:");
        assertError(p + "  automaticFallback: sometimes\n", "parameters.automaticFallback", "automaticFallback:",
                "true or false");
        assertError(p + "  automaticFallbackDelay: 25h\n", "parameters.automaticFallbackDelay", "automaticFallbackDelay:");
        assertError(p + "  servicePort: 0\n", "parameters.servicePort", "servicePort:", "1 to 65535");
        assertError(p + "  servicePort: 70000\n", "parameters.servicePort", "servicePort:", "70000");
        assertError(p + "  adminRpcPort: http\n", "parameters.adminRpcPort", "adminRpcPort:");
    }

    @Test
    void parametersThatDisagreeWithEachOtherAreNamed() {
        String p = BASE + "parameters:\n";
        assertError(p + "  keepAliveInterval: 15s\n  keepAliveTimeout: 20s\n", "parameters.keepAliveTimeout",
                "keepAliveTimeout:", "at least twice keepAliveInterval");
        assertError(p + "  initKeepAliveTimeout: 30s\n", "parameters.initKeepAliveTimeout", "initKeepAliveTimeout:",
                "at least keepAliveTimeout");
        assertError(p + "  clientReloginLower: 200s\n  clientReloginUpper: 100s\n", "parameters.clientReloginUpper",
                "clientReloginUpper:", "at least clientReloginLower");
        assertError(p + "  servicePort: 20075\n  adminRpcPort: 20075\n", "parameters.adminRpcPort", "adminRpcPort:",
                "other than servicePort");
    }

    @Test
    void parameterBoundsAreInclusive() {
        NodeConfig c = load(BASE + """
                parameters:
                  keepAliveInterval: 10ms
                  keepAliveTimeout: 20ms
                  initKeepAliveTimeout: 20ms
                  criticalServiceDelay: 0s
                  clientReloginLower: 1h
                  clientReloginUpper: 1h
                  automaticFallbackDelay: 24h
                """);
        ServiceParameters p = ServiceParameters.fromText(c.parameters());
        assertThat(p.keepAliveTimeout()).isEqualTo(Duration.ofMillis(20));
        assertThat(p.automaticFallbackDelay()).isEqualTo(Duration.ofHours(24));
    }

    // ---------------------------------------------------------------- critical services

    private static String check(String body) {
        return BASE + "criticalServices:\n  - name: c1\n" + body.indent(4);
    }

    @Test
    void unknownCheckKindsAreNamed() {
        assertError(check("kind: ping\n"), "criticalServices[0].kind", "kind: ping", "'ping'", "tcp", "database");
        assertError(check("target: h:1\n"), "criticalServices[0].kind", "- name: c1", "missing");
        assertError(BASE + "criticalServices:\n  - kind: tcp\n    target: h:1\n", "criticalServices[0].name",
                "- kind: tcp", "missing");
    }

    @Test
    void eachKindNeedsItsFields() {
        assertError(check("kind: tcp\n"), "criticalServices[0].target", "- name: c1", "host:port");
        assertError(check("kind: tcp\ntarget: localhost\n"), "criticalServices[0].target", "target:", "host:port");
        assertError(check("kind: http\n"), "criticalServices[0].url", "- name: c1", "http://");
        assertError(check("kind: http\nurl: ftp://x/health\n"), "criticalServices[0].url", "url:", "https://");
        assertError(check("kind: process\n"), "criticalServices[0]", "- name: c1", "pidFile or processName");
        assertError(check("kind: command\n"), "criticalServices[0].command", "- name: c1", "command");
        assertError(check("kind: command\ncommand: []\n"), "criticalServices[0].command", "command:", "list of words");
        assertError(check("kind: command\ncommand: [[a]]\n"), "criticalServices[0].command", "command:", "text");
        assertError(check("kind: database\n"), "criticalServices[0].jdbcUrl", "- name: c1", "jdbc:");
        assertError(check("kind: database\njdbcUrl: postgres://db\n"), "criticalServices[0].jdbcUrl", "jdbcUrl:", "jdbc:");
        assertError(check("kind: http\nurl: http://h/\nexpectStatus: 99\n"), "criticalServices[0].expectStatus",
                "expectStatus:", "100 to 599");
        assertError(check("kind: http\nurl: http://h/\nexpectStatus: 600\n"), "criticalServices[0].expectStatus",
                "expectStatus:", "600");
        assertError(check("kind: tcp\ntarget: h:1\nfailAfter: 0\n"), "criticalServices[0].failAfter", "failAfter:",
                "1 to 10");
        assertError(check("kind: tcp\ntarget: h:1\nrecoverAfter: 11\n"), "criticalServices[0].recoverAfter",
                "recoverAfter:", "1 to 10");
        assertError(check("kind: tcp\ntarget: h:1\nfailAfter: two\n"), "criticalServices[0].failAfter", "failAfter:",
                "two");
    }

    @Test
    void everyKindLoadsWithItsFields() {
        NodeConfig c = load(BASE + """
                criticalServices:
                  - {name: t, kind: tcp, target: "[::1]:22"}
                  - {name: h, kind: http, url: "https://h/x", expectStatus: 204, bodyContains: ok}
                  - {name: p, kind: process, processName: presence}
                  - {name: c, kind: command, command: [check, --fast]}
                  - {name: d, kind: database, jdbcUrl: "jdbc:h2:mem:x", failAfter: 2, recoverAfter: 3}
                """);
        assertThat(c.criticalServices()).extracting(CheckConfig::failAfter).containsExactly(1, 1, 1, 1, 2);
        assertThat(c.criticalServices()).extracting(CheckConfig::recoverAfter).containsExactly(1, 1, 1, 1, 3);
        assertThat(c.criticalServices()).extracting(CheckConfig::kind)
                .containsExactly("tcp", "http", "process", "command", "database");
        assertThat(c.criticalServices().get(1).expectStatus()).isEqualTo(204);
        assertThat(c.criticalServices().get(1).bodyContains()).isEqualTo("ok");
        assertThat(c.criticalServices().get(2).processName()).isEqualTo("presence");
        assertThat(c.criticalServices().get(4).isDatabase()).isTrue();
    }

    @Test
    void duplicateCheckNamesAreRefusedAtTheSecond() {
        String yaml = BASE + """
                criticalServices:
                  - name: web
                    kind: tcp
                    target: h:80
                  - name: other
                    kind: tcp
                    target: h:81
                  - name: web   # again
                    kind: tcp
                    target: h:82
                """;
        assertError(yaml, "criticalServices[2].name", "# again", "'web' is used twice");
    }

    @Test
    void aTimeoutLongerThanTheIntervalIsRefused() {
        assertError(check("kind: tcp\ntarget: h:1\ninterval: 1s\ntimeout: 1001ms\n"), "criticalServices[0].timeout",
                "timeout:", "up to the interval (1s)");
        // The default timeout (2s) does not fit an interval of 1s.
        assertError(check("kind: tcp\ntarget: h:1\ninterval: 1s\n"), "criticalServices[0].timeout", "- name: c1", "1s");
        assertError(check("kind: tcp\ntarget: h:1\ninterval: 5ms\ntimeout: 1ms\n"), "criticalServices[0].interval",
                "interval:", "at least 10ms");
        assertError(check("kind: tcp\ntarget: h:1\ntimeout: 0ms\n"), "criticalServices[0].timeout", "timeout:", "from 1ms");
    }

    // ---------------------------------------------------------------- load balancing ([LB-ABOUT])

    @Test
    void badClusterAddressesAreNamed() {
        // [LB-GROUP] step 2: an IPv4 or IPv6 address or a fully qualified domain name.
        for (String a : new String[] {"10.0.0.300", "localhost", "'1::2::3'", "010.0.0.1"}) {
            assertError(LB.replace("10.0.0.10", a), "loadBalancing.clusterAddress", "clusterAddress:",
                    a.replace("'", ""));
        }
        assertError(BASE + "loadBalancing:\n  mode: distributed\n", "loadBalancing.clusterAddress", "loadBalancing:",
                "missing");
    }

    @Test
    void badClusterPortsAreNamed() {
        assertError(LB + "  clusterPort: 0\n", "loadBalancing.clusterPort", "clusterPort:", "1 to 65535");
        assertError(LB + "  clusterPort: 65536\n", "loadBalancing.clusterPort", "clusterPort:", "65536");
    }

    @Test
    void badModesAreNamed() {
        assertError(LB + "  mode: round-robin\n", "loadBalancing.mode", "mode:", "'round-robin'",
                "distributed or centralized");
        assertThat(load(LB + "  mode: centralized\n").loadBalancing().mode()).isEqualTo("centralized");
    }

    @Test
    void prioritiesOutsideOneToTenAreNamed() {
        // [LB-DEVICE], step 3: "The range is from 1 to 10."
        assertError(LB + "  priority: 0\n", "loadBalancing.priority", "priority:", "'0'", "1 to 10");
        assertError(LB + "  priority: 11\n", "loadBalancing.priority", "priority:", "'11'", "1 to 10");
        assertError(LB + "  priority: high\n", "loadBalancing.priority", "priority:", "1 to 10");
    }

    @Test
    void badDeviceAddressesAreNamed() {
        assertError(LB + "  publicAddress: vpn.example.com\n", "loadBalancing.publicAddress", "publicAddress:",
                "vpn.example.com");
        assertError(LB + "  privateAddress: 10.1.1\n", "loadBalancing.privateAddress", "privateAddress:", "10.1.1");
        assertError(LB + "  nat: [10.0.0.1, 10.0.0.2]\n", "loadBalancing.nat", "nat:", "at most one IPv4");
        assertError(LB + "  fqdn: single\n", "loadBalancing.fqdn", "fqdn:", "fully qualified");
        assertError(LB + "  maxSessions: 0\n", "loadBalancing.maxSessions", "maxSessions:", "1 to 100000000");
    }

    @Test
    void addressDriversAreChecked() {
        // docs/architecture.md, Cluster address: bind, linux or script.
        assertError(LB + "  addressDriver: magic\n", "loadBalancing.addressDriver", "addressDriver:", "'magic'",
                "bind, linux or script");
        assertError(LB + "  addressDriver: linux\n", "loadBalancing.interface", "loadBalancing:", "linux");
        assertThat(load(LB + "  addressDriver: linux\n  interface: eth0\n").loadBalancing().driverInterface())
                .isEqualTo("eth0");
        assertError(LB + "  addressDriver: script\n", "loadBalancing.claimCommand", "loadBalancing:",
                "claimCommand and releaseCommand");
        assertError(LB + "  addressDriver: script\n  claimCommand: [up]\n", "loadBalancing.claimCommand",
                "claimCommand:", "releaseCommand");
        assertError(LB + "  addressDriver: script\n  claimCommand: []\n  releaseCommand: [down]\n",
                "loadBalancing.claimCommand", "claimCommand:", "list of words");
    }

    @Test
    void badTimingKeysAreNamed() {
        assertError(LB + "  timing:\n    keepaliveIntervall: 1s\n", "loadBalancing.timing.keepaliveIntervall",
                "keepaliveIntervall:", "keepaliveInterval");
        assertError(LB + "  timing: 1s\n", "loadBalancing.timing", "timing:", "mapping");
    }

    @Test
    void badTimingValuesAreRefusedWithTheKeyAndValue() {
        // The message names the key, the value and the limits ([LB-KA] defaults: 1s, 3s, five times).
        String yaml = LB + "  timing:\n    keepaliveInterval: 5ms\n";
        ConfigError e = errorOf(yaml);
        assertThat(e.getMessage()).contains("keepaliveInterval").contains("5ms").contains("10ms to 10m");
        assertThat(errorOf(LB + "  timing:\n    keepaliveRetries: 0\n").getMessage())
                .contains("keepaliveRetries").contains("'0'").contains("1 to 100");
        assertThat(errorOf(LB + "  timing:\n    helloRetries: many\n").getMessage())
                .contains("helloRetries").contains("many").contains("whole number");
        assertThat(errorOf(LB + "  timing:\n    helloInterval: 2s\n    discoveryWindow: 1s\n").getMessage())
                .contains("discoveryWindow").contains("at least helloInterval");
    }

    @Test
    void badTimingValuesAreReportedAtTheLineOfTheirKey() {
        // docs/node-config.yaml: the message names "the file, the line, the key, the value and what is allowed".
        assertError(LB + "  timing:\n    keepaliveWait: 3s\n    keepaliveInterval: 5ms\n",
                "loadBalancing.timing.keepaliveInterval", "keepaliveInterval:", "5ms", "10ms to 10m");
        assertError(LB + "  timing:\n    helloInterval: 1s\n    keepaliveRetries: 0\n",
                "loadBalancing.timing.keepaliveRetries", "keepaliveRetries:", "'0'", "1 to 100");
    }

    @Test
    void aBadModelIsReportedAsTheModel() {
        // The Model column of show vpn load-balancing ([LB-SHOW]): 1 to 32 printable ASCII characters.
        assertError(LB + "  model: " + "M".repeat(33) + "\n", "loadBalancing.model", "model:",
                "1 to 32 printable ASCII characters");
    }

    @Test
    void aSingleNatAddressOrHostnameMayBeWrittenAsOneValue() {
        // [LB-DEVICE], step 4: nat takes an IPv4 address, an IPv6 address,
        // both, or a hostname; docs/node-config.yaml: "NAT address(es) or a hostname".
        assertThat(load(LB + "  nat: 192.168.30.3\n").loadBalancing().nat()).containsExactly("192.168.30.3");
        assertThat(load(LB + "  nat: gw.example.com\n").loadBalancing().nat()).containsExactly("gw.example.com");
    }

    @Test
    void theMemberMustBeTheNodeOrItsGroup() {
        // [LB-FAQ]: a member is this node alone, or its redundancy pair.
        String yaml = PAIR + "loadBalancing:\n  clusterAddress: 10.0.0.10\n  member: west\n";
        assertError(yaml, "loadBalancing.member", "member: west", "'west'", "n1", "east");
        assertThat(load(PAIR + "loadBalancing:\n  clusterAddress: 10.0.0.10\n  member: n1\n").loadBalancing().member())
                .isEqualTo("n1");
    }

    @Test
    void badPeersAreNamed() {
        assertError(LB + "  peers: n2\n", "loadBalancing.peers", "peers:", "list");
        assertError(LB + "  peers:\n    - n2\n", "loadBalancing.peers[0]", "- n2", "mapping");
        assertError(LB + "  peers:\n    - id: n2\n      address: n2.example.com\n", "loadBalancing.peers[0].address",
                "address: n2.example.com", "n2.example.com");
        assertError(LB + "  peers:\n    - id: n2\n      address: 10.0.0.12\n    - id: 'n 3'\n      address: 10.0.0.13\n",
                "loadBalancing.peers[1].id", "id: 'n 3'", "n 3");
        assertError(LB + "  peers:\n    - id: n2\n", "loadBalancing.peers[0].address", "- id: n2", "missing");
    }

    // ---------------------------------------------------------------- the redirect service

    @Test
    void theRedirectServiceDefaultsToPlainHttpOn8443SendingClientsToTheSamePort() {
        NodeConfig.Redirect r = load(LB).loadBalancing().redirect();
        assertThat(r.enabled()).isTrue();
        assertThat(r.tls()).isFalse();
        assertThat(r.port()).isEqualTo(8443);
        assertThat(r.servicePort()).isEqualTo(8443);
        assertThat(r.userParameter()).isEqualTo("user");
        assertThat(r.userHeader()).isEqualTo("X-Tandem-User");
        assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void withACertificateTheRedirectServiceDefaultsTo443() {
        NodeConfig.Redirect r = load(LB + "  redirect:\n    certificate: tls/cert.pem\n    privateKey: tls/key.pem\n"
                + "    servicePort: 4443\n    userHeader: X-User\n    retryAfter: 20s\n").loadBalancing().redirect();
        assertThat(r.tls()).isTrue();
        assertThat(r.port()).isEqualTo(443);
        assertThat(r.servicePort()).isEqualTo(4443);
        assertThat(r.certificate()).isEqualTo(dir.toAbsolutePath().resolve("tls/cert.pem"));
        assertThat(r.userHeader()).isEqualTo("X-User");
        assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void theAdminApiAndTheSessionServiceTakeACertificateAndKey() {
        NodeConfig c = load(BASE + "admin:\n  certificate: tls/admin.pem\n  privateKey: tls/admin.key\n"
                + "sessionService:\n  certificate: tls/service.pem\n  privateKey: tls/service.key\n");
        Path base = dir.toAbsolutePath();
        // Without a trust file a peer must present this node's own certificate (one certificate for the pair).
        assertThat(c.admin().tls()).isEqualTo(new NodeConfig.Tls(base.resolve("tls/admin.pem"),
                base.resolve("tls/admin.key"), base.resolve("tls/admin.pem")));
        assertThat(c.sessionService().tls()).isEqualTo(new NodeConfig.Tls(base.resolve("tls/service.pem"),
                base.resolve("tls/service.key"), null));
        NodeConfig withCa = load(BASE + "admin:\n  certificate: a.pem\n  privateKey: a.key\n  trustFile: ca.pem\n");
        assertThat(withCa.admin().tls().trustFile()).isEqualTo(base.resolve("ca.pem"));
        assertThat(load(BASE).admin().tls()).isNull();
    }

    @Test
    void badTlsSettingsAreNamedWithTheirLine() {
        assertError(BASE + "admin:\n  certificate: a.pem\n", "admin.privateKey", "admin:", "both certificate and privateKey");
        assertError(BASE + "admin:\n  trustFile: ca.pem\n", "admin.trustFile", "trustFile:", "only with certificate");
        assertError(BASE + "sessionService:\n  privateKey: s.key\n", "sessionService.certificate", "sessionService:",
                "both certificate and privateKey");
        assertError(BASE + "sessionService:\n  trustFile: ca.pem\n", "sessionService.trustFile", "trustFile:");
    }

    @Test
    void badRedirectSettingsAreNamedWithTheirLine() {
        assertError(LB + "  redirect:\n    certificate: cert.pem\n", "loadBalancing.redirect.privateKey",
                "redirect:", "both certificate and privateKey");
        assertError(LB + "  redirect:\n    port: 70000\n", "loadBalancing.redirect.port", "port: 70000", "1 to 65535");
        assertError(LB + "  redirect:\n    userParameter: 'u s'\n", "loadBalancing.redirect.userParameter",
                "userParameter:", "A-Z a-z 0-9");
        assertError(LB + "  redirect:\n    retryAfter: 0s\n", "loadBalancing.redirect.retryAfter", "retryAfter:", "1s to 1h");
        assertError(LB + "  redirect:\n    colour: blue\n", "loadBalancing.redirect.colour", "colour:");
        assertError(LB + "  redirect: yes\n", "loadBalancing.redirect", "redirect: yes", "a mapping");
    }

    // ---------------------------------------------------------------- session service

    @Test
    void withoutASessionServiceSectionTheNodeRunsNone() {
        assertThat(load(BASE).sessionService()).isNull();
    }

    @Test
    void anEmptySessionServiceSectionTakesEveryDefault() {
        NodeConfig.SessionService s = load(BASE + "sessionService:\n").sessionService();
        assertThat(s).isEqualTo(new NodeConfig.SessionService("10.0.0.11", 8443, 100, Duration.ofSeconds(30),
                Duration.ofSeconds(90), Duration.ofMinutes(30), "X-Tandem-User"));
    }

    @Test
    void theSessionServiceListensOnThePublicAddressAndTakesTheMembersMaxSessions() {
        NodeConfig.SessionService s = load(LB + "  publicAddress: 192.0.2.11\n  maxSessions: 250\n"
                + "sessionService:\n  heartbeatInterval: 500ms\n").sessionService();
        assertThat(s.address()).isEqualTo("192.0.2.11");
        assertThat(s.maxSessions()).isEqualTo(250);
        assertThat(s.inactiveAfter()).isEqualTo(Duration.ofMillis(1500)); // three missed heartbeats
    }

    @Test
    void whenThePairSpeaksForOneMemberTheServiceListensOnTheNodesOwnAddress() {
        // Both nodes of the pair share the member's public address; each binds its own.
        String yaml = PAIR + "loadBalancing:\n  clusterAddress: 10.0.0.10\n  member: east\n  publicAddress: 192.0.2.21\n"
                + "sessionService:\n";
        assertThat(load(yaml).sessionService().address()).isEqualTo("10.0.0.11");
    }

    @Test
    void sessionServiceValuesAreRead() {
        NodeConfig.SessionService s = load(BASE + """
                sessionService:
                  address: 127.0.0.1
                  port: 9443
                  maxSessions: 7
                  heartbeatInterval: 2s
                  inactiveAfter: 5s
                  endAfter: 1m
                  userHeader: X-User
                """).sessionService();
        assertThat(s).isEqualTo(new NodeConfig.SessionService("127.0.0.1", 9443, 7, Duration.ofSeconds(2),
                Duration.ofSeconds(5), Duration.ofMinutes(1), "X-User"));
    }

    @Test
    void badSessionServiceValuesAreNamedAtTheirLine() {
        String S = BASE + "sessionService:\n";
        assertError(S + "  colour: blue\n", "sessionService.colour", "colour:", "unknown key", "heartbeatInterval");
        assertError(S + "  port: 0\n", "sessionService.port", "port: 0", "1 to 65535");
        assertError(S + "  maxSessions: 0\n", "sessionService.maxSessions", "maxSessions:", "'0'", "1 to 100000000");
        assertError(S + "  address: 'not an address'\n", "sessionService.address", "address: 'not", "not an IP address");
        assertError(S + "  heartbeatInterval: soon\n", "sessionService.heartbeatInterval", "heartbeatInterval:", "soon");
        assertError(S + "  heartbeatInterval: 5ms\n", "sessionService.heartbeatInterval", "heartbeatInterval:", "5ms", "at least 10ms");
        assertError(S + "  heartbeatInterval: 10s\n  inactiveAfter: 10s\n", "sessionService.inactiveAfter",
                "inactiveAfter:", "'10s'", "longer than heartbeatInterval (10s)");
        assertError(S + "  endAfter: 0s\n", "sessionService.endAfter", "endAfter:", "'0s'", "at least 10ms");
        assertError(S + "  userHeader: 'X User'\n", "sessionService.userHeader", "userHeader:", "'X User'", "header name");
        assertError(BASE + "sessionService: on\n", "sessionService", "sessionService:", "mapping");
    }

    // ---------------------------------------------------------------- HTTP limits (docs/node.md, HTTP limits)

    @Test
    void httpLimitsTakeTheirDefaultsAndAreReadForEveryServer() {
        NodeConfig dflt = load(LB + "sessionService:\n");
        assertThat(dflt.admin().http()).isEqualTo(NodeConfig.Http.defaults(NodeConfig.Admin.DEFAULT_MAX_BODY_BYTES));
        assertThat(dflt.admin().maxImportBytes()).isEqualTo(64L << 20);
        assertThat(dflt.sessionService().http().maxBodyBytes()).isEqualTo(16L << 10);
        assertThat(dflt.sessionService().maxSessionsPerAddress()).isEqualTo(10);
        assertThat(dflt.sessionService().maxSessionsPerUser()).isEqualTo(5);
        assertThat(dflt.loadBalancing().redirect().http().idleTimeout()).isEqualTo(Duration.ofSeconds(60));

        NodeConfig c = load(BASE + "admin:\n  maxImportBytes: 2048\n  http:\n    headerTimeout: 2s\n"
                + "    idleTimeout: 5s\n    maxConnectionsPerClient: 7\n    maxBodyBytes: 4096\n"
                + "sessionService:\n  maxSessionsPerAddress: 3\n  maxSessionsPerUser: 2\n  http: {headerTimeout: 500ms}\n");
        assertThat(c.admin().http()).isEqualTo(new NodeConfig.Http(Duration.ofSeconds(2), Duration.ofSeconds(5), 7, 4096));
        assertThat(c.admin().maxImportBytes()).isEqualTo(2048);
        assertThat(c.sessionService().maxSessionsPerAddress()).isEqualTo(3);
        assertThat(c.sessionService().maxSessionsPerUser()).isEqualTo(2);
        assertThat(c.sessionService().http().headerTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.sessionService().http().idleTimeout()).isEqualTo(NodeConfig.Http.DEFAULT_IDLE_TIMEOUT);
    }

    /** docs/session-service.md, Stateful failover: the handover and the replication link's keys. */
    @Test
    void sessionHandoverAndReplicationTakeDefaultsAndAreChecked() {
        NodeConfig dflt = load(BASE + "sessionService:\n");
        assertThat(dflt.sessionService().replication()).isEqualTo(new NodeConfig.Replication(
                dev.tandem.core.rm.SessionHandover.Mode.KEEP, 22002, Duration.ofMillis(250)));
        NodeConfig c = load(BASE + "sessionService:\n  handover: relogin\n  replicationPort: 23000\n"
                + "  replicationAckTimeout: 1s\n");
        assertThat(c.sessionService().replication()).isEqualTo(new NodeConfig.Replication(
                dev.tandem.core.rm.SessionHandover.Mode.RELOGIN, 23000, Duration.ofSeconds(1)));
        String S = BASE + "sessionService:\n";
        assertError(S + "  handover: sometimes\n", "sessionService.handover", "handover:", "'sometimes'", "keep", "relogin");
        assertError(S + "  replicationPort: 0\n", "sessionService.replicationPort", "replicationPort:", "1 to 65535");
        assertError(S + "  port: 9000\n  replicationPort: 9000\n", "sessionService.replicationPort", "replicationPort:",
                "a port other than sessionService.port (9000)");
        assertError(S + "  replicationAckTimeout: 11s\n", "sessionService.replicationAckTimeout",
                "replicationAckTimeout:", "'11s'", "1ms to 10s");
    }

    @Test
    void badHttpLimitsAreNamedAtTheirLine() {
        String S = BASE + "sessionService:\n";
        assertError(S + "  http:\n    colour: blue\n", "sessionService.http.colour", "colour:", "unknown key");
        assertError(S + "  http:\n    headerTimeout: 1ms\n", "sessionService.http.headerTimeout", "headerTimeout:",
                "'1ms'", "100ms to 1h");
        assertError(S + "  http:\n    idleTimeout: 25h\n", "sessionService.http.idleTimeout", "idleTimeout:", "100ms to 24h");
        assertError(S + "  http:\n    maxConnectionsPerClient: 0\n", "sessionService.http.maxConnectionsPerClient",
                "maxConnectionsPerClient:", "'0'");
        assertError(S + "  http:\n    maxBodyBytes: 10\n", "sessionService.http.maxBodyBytes", "maxBodyBytes:", "'10'", "1024");
        assertError(S + "  maxSessionsPerAddress: 0\n", "sessionService.maxSessionsPerAddress", "maxSessionsPerAddress:", "'0'");
        assertError(S + "  http: fast\n", "sessionService.http", "http: fast", "a mapping");
        assertError(LB + "  redirect:\n    http:\n      maxBodyBytes: -1\n", "loadBalancing.redirect.http.maxBodyBytes",
                "maxBodyBytes:", "'-1'");
        assertError(BASE + "admin:\n  maxImportBytes: 12\n", "admin.maxImportBytes", "maxImportBytes:", "'12'");
    }
}
