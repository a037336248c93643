package dev.tandem.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.core.lb.ClusterKey;
import dev.tandem.node.config.ConfigLoader;
import dev.tandem.node.crypto.SealedSecret;
import dev.tandem.node.runtime.TandemNode;
import dev.tandem.node.store.ClusterSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * the configuration commands of [LB-CONFIG] on the store of a running node (POST /api/v1/config/commands, GET
 * /api/v1/config/running): the interpreter's result is what the store keeps, all or nothing, audited, and no answer
 * ever holds a key. The node has a master key file, so {@code cluster key 8} can be opened.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConfigCommandsApiTest {
    private static final String TOKEN = "admin-token-of-config-tests-41d0";
    private static final String MASTER = "master-passphrase-of-config-tests";
    private static final String KEY = "group-key-typed-in-config-0b7e";
    private static final String SEALED_SECRET = "group-key-sealed-for-config-93aa";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<String> ANSWERS = new ArrayList<>();

    @TempDir
    static Path dir;
    static TandemNode node;
    static AdminApi api;
    static String base;

    record Answer(int status, String body, String contentType) {
        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(dir.resolve("admin-token"), TOKEN + "\n");
        Files.writeString(dir.resolve("cluster-key"), "the-nodes-own-key-of-config-tests\n");
        Files.writeString(dir.resolve("master-key"), MASTER + "\n");
        int admin = AdminApiTest.freeTcpPort();
        int service;
        do {
            service = AdminApiTest.freeUdpPort();
        } while (service == admin);
        String yaml = AdminApiTest.config(admin, service, true)
                .replace("  keyFile: cluster-key\n", "  keyFile: cluster-key\n  masterKeyFile: master-key\n");
        node = new TandemNode(ConfigLoader.load(Files.writeString(dir.resolve("n1.yaml"), yaml)), Clock.systemUTC());
        node.start();
        api = new AdminApi(node).start();
        base = "http://127.0.0.1:" + api.port();
    }

    @AfterAll
    static void stop() {
        if (api != null) api.close();
        if (node != null) node.close();
        // [LB-GROUP], step 5: the key shows as asterisks; Tandem never shows it at all.
        assertThat(ANSWERS).noneMatch(a -> a.contains(KEY) || a.contains(SEALED_SECRET) || a.contains(TOKEN));
    }

    static Answer call(String method, String path, String body, String type) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TOKEN).header("X-Tandem-Actor", "operator")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (type != null) b.header("Content-Type", type);
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        ANSWERS.add(r.body());
        // docs/api.md: whatever the node answers is what its OpenAPI document says.
        Contract.check(method, path, r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        return new Answer(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
    }

    static Answer commands(String query, String script) throws Exception {
        return call("POST", "/api/v1/config/commands" + query, script, "text/plain");
    }

    static ClusterSettings stored() {
        return node.store().store().settings();
    }

    @Test
    @Order(1)
    void theSeedsProcedureConfiguresTheGroupAndThisDevice() throws Exception {
        // [LB-CONFIG]: interfaces, priority, nat, group attributes, participate.
        Answer a = commands("", """
                vpn load-balancing
                 interface lbpublic 192.0.2.11
                 interface lbprivate 10.0.0.11
                 priority 9
                 nat 203.0.113.11
                 cluster ip address 192.0.2.10
                 cluster port 9100
                 cluster key %s
                 cluster encryption
                 participate
                exit
                """.formatted(KEY));
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().get("applied").asInt()).isEqualTo(9);
        assertThat(a.json().get("node").asText()).isEqualTo("n1");
        assertThat(a.json().get("epoch").asLong()).isEqualTo(stored().epoch());
        assertThat(a.json().get("restartRequired").toString()).contains("n1");

        ClusterSettings s = stored();
        assertThat(s.lbGroup()).isEqualTo(new ClusterSettings.LbGroup("192.0.2.10", 9100, true,
                ClusterKey.of("key", KEY).fingerprint(), "distributed", 443));
        assertThat(s.device("n1")).contains(new ClusterSettings.Device("n1", 9, "192.0.2.11", "10.0.0.11",
                List.of("203.0.113.11"), true, false, null));

        Answer running = call("GET", "/api/v1/config/running", null, null);
        assertThat(running.status()).isEqualTo(200);
        assertThat(running.contentType()).startsWith("text/plain");
        assertThat(running.body()).isEqualTo("""
                vpn load-balancing
                 nat 203.0.113.11
                 priority 9
                 interface lbpublic 192.0.2.11
                 interface lbprivate 10.0.0.11
                 cluster ip address 192.0.2.10
                 cluster key *****
                 cluster encryption
                 cluster port 9100
                 participate
                """);
    }

    @Test
    @Order(2)
    void laterCommandsChangeOnlyWhatTheyNameAndKeepTheStoredKey() throws Exception {
        String fingerprint = stored().lbGroup().keyFingerprint();
        Answer a = commands("", "vpn load-balancing\n priority 3\n no nat\n redirect-fqdn enable\n");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().get("applied").asInt()).isEqualTo(3);
        ClusterSettings s = stored();
        assertThat(s.lbGroup().keyFingerprint()).isEqualTo(fingerprint);
        assertThat(s.lbGroup().encryption()).isTrue();
        assertThat(s.device("n1").orElseThrow().priority()).isEqualTo(3);
        assertThat(s.device("n1").orElseThrow().nat()).isEmpty();
        assertThat(s.device("n1").orElseThrow().redirectFqdn()).isTrue();
        // Priority, NAT and redirect-fqdn apply live: no node needs a restart for them.
        assertThat(a.json().get("restartRequired").toString()).isEqualTo("[]");
    }

    @Test
    @Order(3)
    void aRefusedLineIsNamedAndNothingChanges() throws Exception {
        long epoch = stored().epoch();
        // [LB-ELECT], step 5: the key is in use by encryption; step 3: priority 1 to 10; unknown words.
        Answer inUse = commands("", "vpn load-balancing\n priority 4\n no cluster key\n");
        assertThat(inUse.status()).as(inUse.body()).isEqualTo(400);
        assertThat(inUse.json().get("line").asInt()).isEqualTo(3);
        assertThat(inUse.json().get("error").asText()).contains("no cluster encryption");
        Answer range = commands("", "vpn load-balancing\n\n priority 11\n");
        assertThat(range.json().get("line").asInt()).isEqualTo(3);
        assertThat(range.json().get("error").asText()).isEqualTo("priority: '11' is not allowed; allowed: a whole number from 1 to 10 (default 5)");
        assertThat(stored().epoch()).isEqualTo(epoch);
        assertThat(stored().device("n1").orElseThrow().priority()).isEqualTo(3);
        JsonNode audit = call("GET", "/api/v1/audit?limit=5", null, null).json();
        assertThat(audit.get(0).get("action").asText()).isEqualTo("config commands");
        assertThat(audit.get(0).get("who").asText()).isEqualTo("operator");
        assertThat(audit.get(0).get("result").asText()).startsWith("refused: line 3: priority: '11'");
    }

    @Test
    @Order(4)
    void encryptionWithoutAKeyIsRefusedWithTheSpecificationsReason() throws Exception {
        Answer off = commands("", "vpn load-balancing\n no cluster encryption\n no cluster key\n");
        assertThat(off.status()).as(off.body()).isEqualTo(200);
        assertThat(stored().lbGroup().keySet()).isFalse();
        // [LB-GROUP], step 4: "you must first specify and verify a shared secret".
        Answer a = commands("", "vpn load-balancing\n cluster port 9023\n cluster encryption\n");
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.json().get("line").asInt()).isEqualTo(3);
        assertThat(a.json().get("command").asText()).isEqualTo("cluster encryption");
        assertThat(a.json().get("error").asText()).startsWith("cluster encryption needs the shared secret first");
        assertThat(stored().lbGroup().clusterPort()).isEqualTo(9100);
    }

    @Test
    @Order(5)
    void aSealedKeyIsOpenedWithTheNodesMasterKeyAndOnlyItsFingerprintIsKept() throws Exception {
        String sealed = SealedSecret.seal(SEALED_SECRET, MASTER);
        Answer a = commands("", "vpn load-balancing\n cluster key 8 " + sealed + "\n cluster encryption\n");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(stored().lbGroup().keyFingerprint()).isEqualTo(ClusterKey.of("key", SEALED_SECRET).fingerprint());
        assertThat(stored().lbGroup().encryption()).isTrue();
        assertThat(call("GET", "/api/v1/config/running", null, null).body()).contains(" cluster key *****\n")
                .doesNotContain(sealed);

        String foreign = SealedSecret.seal(SEALED_SECRET, "another-nodes-master-key");
        Answer wrong = commands("", "\nvpn load-balancing\n cluster key 8 " + foreign + "\n");
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.json().get("line").asInt()).isEqualTo(3);
        assertThat(wrong.json().get("error").asText()).startsWith("cluster key 8: the master key does not open the encrypted key");
        assertThat(wrong.body()).doesNotContain(foreign);
        assertThat(wrong.json().get("command").asText()).isEqualTo("cluster key 8 *****");
    }

    @Test
    @Order(6)
    void anotherDeviceIsNamedWithNodeAndMustBeKnown() throws Exception {
        assertThat(call("POST", "/api/v1/cluster/groups", "{\"name\":\"east\",\"nodes\":[{\"id\":\"n3\",\"address\":"
                + "\"127.0.0.3\"},{\"id\":\"n4\",\"address\":\"127.0.0.4\"}],\"ha\":true}", "application/json").status()).isEqualTo(201);
        Answer a = commands("?node=n3", "vpn load-balancing\n interface lbpublic 192.0.2.13\n interface lbprivate 10.0.0.13\n participate\n");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().get("node").asText()).isEqualTo("n3");
        assertThat(stored().device("n3").orElseThrow().participate()).isTrue();
        assertThat(stored().device("n1").orElseThrow().priority()).isEqualTo(3);
        assertThat(call("GET", "/api/v1/config/running?node=n3", null, null).body())
                .contains(" interface lbpublic 192.0.2.13\n").doesNotContain("priority");

        Answer unknown = commands("?node=n9", "vpn load-balancing\n priority 2\n");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("error").asText()).isEqualTo("node: 'n9' is not allowed; allowed: a node of the cluster: n1, n3, n4");
    }

    @Test
    @Order(7)
    void deviceSettingsNeedThePublicAddressFirst() throws Exception {
        // The store keeps a device by its public address: a priority alone is nothing it can keep.
        Answer a = commands("?node=n4", "vpn load-balancing\n priority 2\n");
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.json().get("line").asInt()).isEqualTo(2);
        assertThat(a.json().get("error").asText()).isEqualTo("device n4 has no public address, so its other settings"
                + " cannot be kept: enter 'interface lbpublic <address>' first");
        assertThat(stored().device("n4")).isEmpty();
        // Typed one line at a time ([LB-DEVICE], step 1 before step 2): the private address is the public one until given.
        assertThat(commands("?node=n4", "vpn load-balancing\n interface lbpublic 192.0.2.14\n").status()).isEqualTo(200);
        assertThat(stored().device("n4").orElseThrow().privateAddress()).isEqualTo("192.0.2.14");
        assertThat(commands("?node=n4", "vpn load-balancing\n interface lbprivate 10.0.0.14\n").status()).isEqualTo(200);
        assertThat(stored().device("n4").orElseThrow().privateAddress()).isEqualTo("10.0.0.14");
    }

    @Test
    @Order(8)
    void noVpnLoadBalancingRemovesTheGroupAndThisDevice() throws Exception {
        Answer a = commands("", "no vpn load-balancing\n");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().get("applied").asInt()).isEqualTo(1);
        assertThat(stored().lbGroup()).isNull();
        assertThat(stored().device("n1")).isEmpty();
        assertThat(stored().device("n3")).isPresent();
        assertThat(call("GET", "/api/v1/config/running", null, null).body()).isEqualTo("vpn load-balancing\n");
    }

    @Test
    @Order(9)
    void theSpecificationsExampleAppliesAsPrintedAndStaysWhenReadBack() throws Exception {
        String example = Files.readString(Path.of("..", "docs", "examples", "asa-basic.cfg"));
        Answer a = commands("", example);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().get("applied").asInt()).isEqualTo(14);
        List<String> warnings = new ArrayList<>();
        a.json().get("warnings").forEach(w -> warnings.add(w.get("line").asInt() + ": " + w.get("warning").asText()));
        assertThat(warnings).anyMatch(w -> w.startsWith("16: cluster encryption: IKEv1 is not enabled on the inside interface foo"))
                .anyMatch(w -> w.startsWith("18: redirect-fqdn enable: the outside interface test"))
                // The example's addresses are not this host's: the node answering for its own device says so.
                .anyMatch(w -> w.equals("19: interface GigabitEthernet0/1 (test): 209.165.202.159 is not an address of this host (node n1)"));

        ClusterSettings s = stored();
        assertThat(s.lbGroup()).isEqualTo(new ClusterSettings.LbGroup("209.165.202.224", 9023, true,
                ClusterKey.of("key", "123456789").fingerprint(), "distributed", 443));
        assertThat(s.device("n1")).contains(new ClusterSettings.Device("n1", 9, "209.165.202.159", "209.165.201.30",
                List.of("192.168.10.10"), true, true, null));
        assertThat(s.deviceConfig("n1")).isEqualTo("""
                interface GigabitEthernet0/1
                 nameif test
                 ip address 209.165.202.159 255.255.255.0
                interface GigabitEthernet0/2
                 nameif foo
                 ip address 209.165.201.30 255.255.255.0
                vpn load-balancing
                 interface lbpublic test
                 interface lbprivate foo
                """);
        String running = call("GET", "/api/v1/config/running", null, null).body();
        assertThat(running).isEqualTo("""
                interface GigabitEthernet0/1
                 nameif test
                 ip address 209.165.202.159 255.255.255.0
                interface GigabitEthernet0/2
                 nameif foo
                 ip address 209.165.201.30 255.255.255.0
                vpn load-balancing
                 nat 192.168.10.10
                 priority 9
                 interface lbpublic test
                 interface lbprivate foo
                 cluster ip address 209.165.202.224
                 cluster key *****
                 cluster encryption
                 redirect-fqdn enable
                 participate
                """);

        // The prerequisites and group URLs typed afterwards, as the shell sends them: the warning goes away.
        Answer more = commands("", "crypto ikev1 enable foo\ndns domain-lookup foo\ndns name-server 10.2.3.4\n"
                + "tunnel-group sales general-attributes\n group-url https://209.165.202.224/sales enable\n"
                + " group-url https://209.165.202.159/sales enable\n");
        assertThat(more.status()).as(more.body()).isEqualTo(200);
        assertThat(more.json().get("warnings").toString()).doesNotContain("IKEv1").doesNotContain("group-url");
        assertThat(call("GET", "/api/v1/config/running", null, null).body()).contains("""
                crypto ikev1 enable foo
                dns domain-lookup foo
                dns name-server 10.2.3.4
                tunnel-group sales general-attributes
                 group-url https://209.165.202.224/sales enable
                 group-url https://209.165.202.159/sales enable
                vpn load-balancing
                """);
        // The settings cache and the store agree after a reload.
        assertThat(node.store().store().settings().deviceConfig("n1")).contains("tunnel-group sales general-attributes");
    }

    @Test
    @Order(10)
    void aFileWithARefusedLineChangesNothing() throws Exception {
        ClusterSettings before = stored();
        String example = Files.readString(Path.of("..", "docs", "examples", "asa-basic.cfg"))
                .replace("interface lbpublic test", "interface lbpublic outside");
        Answer a = commands("", example);
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.json().get("line").asInt()).isEqualTo(12);
        assertThat(a.json().get("error").asText()).isEqualTo("interface lbpublic: 'outside' is not allowed; allowed:"
                + " the name of an interface given with 'nameif' (defined: test, foo)");
        assertThat(stored()).isEqualTo(before);
        // Nor can a line take away the interface the section uses.
        Answer b = commands("", "interface GigabitEthernet0/1\n no ip address\n");
        assertThat(b.status()).isEqualTo(400);
        assertThat(b.json().get("error").asText()).contains("is used by 'interface lbpublic test'");
        assertThat(stored()).isEqualTo(before);
    }
}
