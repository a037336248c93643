package dev.tandem.node.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Self-signed certificates for tests, made with openssl as the redirect service's tests make theirs. */
public final class TestCertificates {
    /** A certificate file and its key file. */
    public record Pair(Path certificate, Path privateKey) {}

    private TestCertificates() {}

    /** A self-signed RSA certificate naming the given IP addresses, valid two days. */
    public static Pair selfSigned(Path dir, String name, String... ips) throws IOException, InterruptedException {
        Path cert = dir.resolve(name + ".pem");
        Path key = dir.resolve(name + ".key");
        List<String> san = new ArrayList<>();
        for (String ip : ips) san.add("IP:" + ip);
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=" + name, "-addext", "subjectAltName=" + String.join(",", san), "-keyout", key.toString(),
                "-out", cert.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return new Pair(cert, key);
    }
}
