package dev.tandem.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.node.api.AdminApi;
import dev.tandem.node.config.ConfigLoader;
import dev.tandem.node.runtime.TandemNode;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin commands against a node whose admin API speaks HTTPS only: {@code --ca FILE} names what to trust. */
class AdminTlsCliTest {
    private static final String HOST = "127.0.33.3";
    @TempDir
    static Path dir;
    static TandemNode node;
    static AdminApi api;

    @BeforeAll
    static void start() throws Exception {
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=n1", "-addext", "subjectAltName=IP:" + HOST, "-keyout", dir.resolve("admin.key").toString(),
                "-out", dir.resolve("admin.pem").toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        Files.writeString(dir.resolve("admin-token"), InProcessNode.TOKEN + "\n");
        Files.writeString(dir.resolve("cluster-key"), "cluster-key-of-cli-tls-tests\n");
        int admin;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            admin = s.getLocalPort();
        }
        int service;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(HOST, 0))) {
            service = s.getLocalPort();
        }
        Path file = Files.writeString(dir.resolve("n1.yaml"), """
                node:
                  id: n1
                  address: %s
                admin:
                  port: %d
                  tokenFile: admin-token
                  certificate: admin.pem
                  privateKey: admin.key
                cluster:
                  keyFile: cluster-key
                redundancyGroup:
                  name: solo
                  highAvailability: false
                  nodes:
                    - id: n1
                      address: %s
                parameters:
                  servicePort: %d
                  adminRpcPort: %d
                """.formatted(HOST, admin, HOST, service, admin));
        node = new TandemNode(ConfigLoader.load(file), Clock.systemUTC());
        node.start();
        api = new AdminApi(node).start();
    }

    @AfterAll
    static void stop() {
        if (api != null) api.close();
        if (node != null) node.close();
    }

    private static CliRun tandem(String... extra) {
        String[] base = {"show", "redundancy", "--admin", "https://" + HOST + ":" + api.port(), "--token-file",
                dir.resolve("admin-token").toString()};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return CliRun.of(all);
    }

    @Test
    void withTheCaFileTheCommandTalksHttps() {
        CliRun r = tandem("--ca", dir.resolve("admin.pem").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("solo").contains("n1");
    }

    @Test
    void withoutItTheCertificateIsNotTrustedAndTheErrorSaysWhatToGive() {
        CliRun r = tandem();
        assertThat(r.code()).isEqualTo(CliFailure.FAILURE);
        assertThat(r.err()).contains("does not trust").contains("--ca FILE");
    }

    @Test
    void aCaFileThatIsNoCertificateIsAUsageError() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.pem"), "not a certificate");
        CliRun r = tandem("--ca", bad.toString());
        assertThat(r.code()).isEqualTo(CliFailure.USAGE);
        assertThat(r.err()).contains("--ca").contains("bad.pem");
    }
}
