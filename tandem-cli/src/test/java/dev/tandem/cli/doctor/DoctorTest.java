package dev.tandem.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.cli.Main;
import dev.tandem.node.api.AdminApi;
import dev.tandem.node.config.ConfigLoader;
import dev.tandem.node.runtime.TandemNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tandem doctor} on real configurations: node n2 of a pair whose other node, n1, runs in this JVM with its
 * admin API. The good configuration passes every check; each fault makes exactly its own check fail, with what to do.
 * Addresses are on 127.0.35.0/24.
 */
class DoctorTest {
    private static final String N1 = "127.0.35.31";
    private static final String N2 = "127.0.35.32";

    @TempDir
    static Path dir;
    static TandemNode peer;
    static AdminApi peerApi;

    @BeforeAll
    static void startPeer() throws Exception {
        Files.writeString(dir.resolve("admin-token"), "doctor-test-token\n");
        Files.writeString(dir.resolve("cluster-key"), "cluster key of the doctor tests\n");
        Path n1 = Files.writeString(dir.resolve("n1.yaml"), config("n1", N1, ""));
        peer = new TandemNode(ConfigLoader.load(n1), Clock.systemUTC());
        peer.start();
        peerApi = new AdminApi(peer).start();
    }

    @AfterAll
    static void stopPeer() {
        if (peerApi != null) peerApi.close();
        if (peer != null) peer.close();
    }

    static String config(String id, String address, String extra) {
        return """
                node:
                  id: %s
                  address: %s
                admin:
                  port: 20075
                  tokenFile: admin-token
                cluster:
                  keyFile: cluster-key
                redundancyGroup:
                  name: g1
                  highAvailability: true
                  nodes:
                    - id: n1
                      address: %s
                    - id: n2
                      address: %s
                parameters:
                  keepAliveInterval: 1s
                  keepAliveTimeout: 5s
                  initKeepAliveTimeout: 60s
                stateDir: state/%s
                store:
                  url: jdbc:h2:file:store/tandem;AUTO_SERVER=TRUE
                """.formatted(id, address, N1, N2, id) + extra;
    }

    private static Path n2(String name, String yaml) throws Exception {
        return Files.writeString(dir.resolve(name + ".yaml"), yaml);
    }

    private static List<Finding> doctor(Path config) {
        return new Doctor(Clock.systemUTC()).run(config);
    }

    private static List<Finding> failed(List<Finding> findings) {
        return findings.stream().filter(Finding::failed).toList();
    }

    @Test
    void goodConfigurationPassesEveryCheckAndExitsZero() throws Exception {
        Path good = n2("n2", config("n2", N2, ""));
        StringWriter out = new StringWriter();
        int exit;
        java.io.PrintStream stdout = System.out;
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            exit = Main.run(new PrintWriter(out), new PrintWriter(out), "doctor", "--config", good.toString());
        } finally {
            System.setOut(stdout);
        }
        String text = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(exit).as(text + out).isZero();
        assertThat(text).contains("ok    config:", "ok    address: node.address " + N2, "ok    port: udp " + N2 + ":22001",
                "ok    port: tcp " + N2 + ":20075", "ok    file: cluster key", "ok    store:", "ok    peer: peer n1",
                "ok    clock:", "ok    version:", "skip  certificate:", "all checks passed");
        assertThat(text).doesNotContain("FAIL");
    }

    @Test
    void badConfigurationIsOneFailedLineAndExitOne() throws Exception {
        Path bad = n2("bad", config("n2", N2, "").replace("keepAliveInterval: 1s", "keepAliveInterval: soon"));
        List<Finding> f = doctor(bad);
        assertThat(f).singleElement().satisfies(x -> {
            assertThat(x.failed()).isTrue();
            assertThat(x.line()).startsWith("FAIL  config:").contains("keepAliveInterval").contains("docs/node-config.yaml");
        });
        assertThat(Main.run("doctor", "--config", bad.toString())).isEqualTo(1);
    }

    @Test
    void addressNotOnThisHost() throws Exception {
        // 192.0.2.0/24 is reserved for documentation: never on a host.
        List<Finding> f = failed(doctor(n2("elsewhere", config("n2", "192.0.2.7", ""))));
        assertThat(f).extracting(Finding::check).contains("address");
        assertThat(f.get(0).line()).contains("192.0.2.7 is not on this host").contains("ip addr add 192.0.2.7/24");
    }

    @Test
    void portHeldByAnotherProcess() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(N2, 22001))) {
            List<Finding> f = failed(doctor(n2("n2", config("n2", N2, ""))));
            assertThat(f).singleElement().satisfies(x -> assertThat(x.line())
                    .startsWith("FAIL  port: udp " + N2 + ":22001 (parameters.servicePort)").contains("ss -ulpn"));
        }
    }

    @Test
    void clusterKeyTooShortOrMissing() throws Exception {
        Files.writeString(dir.resolve("short-key"), "abc\n");
        List<Finding> f = failed(doctor(n2("shortkey", config("n2", N2, "").replace("keyFile: cluster-key",
                "keyFile: short-key"))));
        assertThat(f).isNotEmpty();
        assertThat(f.get(0).line()).contains("short-key");
    }

    @Test
    void storeUnreachable() throws Exception {
        // Port 1 on this test's subnet: nothing listens there.
        List<Finding> f = failed(doctor(n2("nostore", config("n2", N2, "").replace(
                "jdbc:h2:file:store/tandem;AUTO_SERVER=TRUE", "jdbc:postgresql://127.0.35.33:1/tandem"))));
        assertThat(f).singleElement().satisfies(x -> assertThat(x.line()).startsWith("FAIL  store:")
                .contains("not reachable").contains("pg_hba.conf"));
    }

    @Test
    void peerNotAnswering() throws Exception {
        // A group whose other node is an address nothing answers on.
        String yaml = config("n2", N2, "").replace("address: " + N1, "address: 127.0.35.34");
        List<Finding> f = failed(doctor(n2("nopeer", yaml)));
        assertThat(f).singleElement().satisfies(x -> assertThat(x.line())
                .startsWith("FAIL  peer: peer n1 at http://127.0.35.34:20075/health does not answer").contains("start it"));
    }

    @Test
    void clockFarFromThePeers() throws Exception {
        Clock late = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(30));
        List<Finding> f = failed(new Doctor(late).run(n2("n2", config("n2", N2, ""))));
        assertThat(f).singleElement().satisfies(x -> assertThat(x.line()).startsWith("FAIL  clock:")
                .contains("about 30 s").contains("NTP"));
    }

    @Test
    void wrongAdminTokenIsNamed() throws Exception {
        Files.writeString(dir.resolve("other-token"), "not the peer's token\n");
        List<Finding> f = failed(doctor(n2("token", config("n2", N2, "").replace("tokenFile: admin-token",
                "tokenFile: other-token"))));
        assertThat(f).singleElement().satisfies(x -> assertThat(x.line()).startsWith("FAIL  version:")
                .contains("refuses this node's admin token"));
    }

    @Test
    void versionsOfAPairShareMajorAndMinor() {
        assertThat(PeerChecks.compatible("0.1.0", "0.1.3")).isTrue();
        assertThat(PeerChecks.compatible("0.1.0-SNAPSHOT", "0.1.0")).isTrue();
        assertThat(PeerChecks.compatible("0.1.0", "0.2.0")).isFalse();
        assertThat(PeerChecks.compatible("1.4.0", "2.4.0")).isFalse();
        assertThat(PeerChecks.compatible("development", "development")).isTrue();
        assertThat(PeerChecks.compatible("development", "0.1.0")).isFalse();
    }

    @Test
    void certificateThatDoesNotMatchItsKeyOrLacksNames() throws Exception {
        Path tls = Files.createDirectories(dir.resolve("tls"));
        openssl(tls, "a", "IP:127.0.35.40,IP:" + N2);
        openssl(tls, "b", "IP:127.0.35.40,IP:" + N2);
        openssl(tls, "c", "IP:" + N2); // lacks the cluster address
        String lb = """
                loadBalancing:
                  clusterAddress: 127.0.35.40
                  clusterPort: 9023
                  participate: true
                  peers: []
                  redirect:
                    port: 18443
                    certificate: tls/%s.pem
                    privateKey: tls/%s.key
                """;
        assertThat(failed(doctor(n2("tls-good", config("n2", N2, lb.formatted("a", "a")))))).isEmpty();
        List<Finding> mismatch = failed(doctor(n2("tls-mismatch", config("n2", N2, lb.formatted("a", "b")))));
        assertThat(mismatch).singleElement().satisfies(x -> assertThat(x.line()).startsWith("FAIL  certificate:")
                .contains("does not belong to certificate"));
        List<Finding> names = failed(doctor(n2("tls-names", config("n2", N2, lb.formatted("c", "c")))));
        assertThat(names).singleElement().satisfies(x -> assertThat(x.line()).startsWith("FAIL  certificate:")
                .contains("lacks 127.0.35.40 (the cluster address)"));
    }

    private static void openssl(Path dir, String name, String san) throws Exception {
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=tandem-test",
                "-addext", "subjectAltName=" + san, "-keyout", name + ".key", "-out", name + ".pem")
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
