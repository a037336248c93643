package dev.tandem.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.session.SessionService;
import dev.tandem.node.session.UserHomes;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session service over HTTPS (sessionService.certificate and privateKey) and the client that trusts its
 * certificate through a PEM file: it logs in and holds its session; without the file it does not get in at all.
 */
class ClientTlsTest {
    @TempDir
    Path dir;

    private Path[] certificate() throws Exception {
        Path cert = dir.resolve("service.pem");
        Path key = dir.resolve("service.key");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=service", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.toString(),
                "-out", cert.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return new Path[] {cert, key};
    }

    @Test
    void aClientLogsInOverHttpsWhenItTrustsTheServicesCertificate() throws Exception {
        Path[] tls = certificate();
        Services.Host host = new Services.Host("n1");
        NodeConfig.SessionService cfg = new NodeConfig.SessionService("127.0.0.1", 0, 10, Duration.ofMillis(100),
                Duration.ofMillis(500), Duration.ofSeconds(30), "X-Tandem-User", new NodeConfig.Tls(tls[0], tls[1], null));
        try (SessionService service = new SessionService(cfg, host, UserHomes.NONE, Clock.systemUTC()).start()) {
            // The service serves the login itself, as a director in centralized mode does.
            URI cluster = URI.create("https://127.0.0.1:" + service.port());
            try (TandemClient trusting = TandemClient.builder(cluster).user("alice").trustFile(tls[0]).build().start()) {
                await().atMost(Duration.ofSeconds(10)).until(() -> trusting.state() instanceof ClientState.LoggedIn);
                await().atMost(Duration.ofSeconds(5)).until(() -> host.load.sessions() == 1);
                Thread.sleep(300); // heartbeats over HTTPS keep it
                assertThat(trusting.state()).isInstanceOf(ClientState.LoggedIn.class);
            }
            try (TandemClient stranger = TandemClient.builder(cluster).user("bob").build().start()) {
                await().atMost(Duration.ofSeconds(10)).until(() -> stranger.state() instanceof ClientState.ReloginScheduled);
                assertThat(host.load.sessions()).isZero();
            }
        }
    }

    @Test
    void aTrustFileThatIsNoCertificateIsRefusedWithTheFileNamed() throws Exception {
        Path bad = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
        assertThatThrownBy(() -> TandemClient.builder(URI.create("https://127.0.0.1:1")).trustFile(bad))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ca.pem")
                .hasMessageContaining("allowed: a PEM file");
    }
}
