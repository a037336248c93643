package dev.tandem.node.redirect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.core.Invalid;
import dev.tandem.node.config.ConfigLoader;
import dev.tandem.node.config.NodeConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * [LB-CERT]: one certificate for the group needs "SAN extensions for the virtual IP address
 * and group FQDN and ... each ASA's IP and FQDN"; a member's own certificate needs "the virtual IP, group FQDN, and
 * the individual ASA's IP address and FQDN". RFC 2818: with subject alternative names present, the common name is
 * ignored.
 */
class CertificateCheckTest {
    @TempDir
    Path dir;

    private Path cert(String subject, String san) throws Exception {
        Path c = dir.resolve("c" + System.nanoTime() + ".pem");
        List<String> cmd = new ArrayList<>(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-days", "2", "-subj", subject, "-keyout", dir.resolve("k.pem").toString(), "-out", c.toString()));
        if (san != null) cmd.addAll(List.of("-addext", "subjectAltName=" + san));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return c;
    }

    private NodeConfig member(String id, String address, String extra) throws Exception {
        Path f = dir.resolve(id + ".yaml");
        Files.writeString(f, """
                node:
                  id: %s
                  address: %s
                loadBalancing:
                  clusterAddress: 192.0.2.10
                  participate: true
                %s""".formatted(id, address, extra));
        return ConfigLoader.load(f);
    }

    @Test
    void aGroupCertificateMustNameTheClusterAddressTheGroupFqdnAndEveryMember() throws Exception {
        List<NodeConfig> group = List.of(member("n1", "192.0.2.11", "  fqdn: n1.vpn.example.com\n"),
                member("n2", "192.0.2.12", "  fqdn: n2.vpn.example.com\n  nat: 203.0.113.12\n"));
        Map<String, String> required = CertificateCheck.required(group, "vpn.example.com");
        assertThat(required).containsOnlyKeys("192.0.2.10", "vpn.example.com", "192.0.2.11", "n1.vpn.example.com",
                "192.0.2.12", "203.0.113.12", "n2.vpn.example.com");

        Path full = cert("/CN=vpn.example.com", "IP:192.0.2.10,DNS:vpn.example.com,IP:192.0.2.11,IP:192.0.2.12,"
                + "IP:203.0.113.12,DNS:*.vpn.example.com");
        CertificateCheck.Result ok = CertificateCheck.check(CertificateCheck.read(full), required, Instant.now());
        assertThat(ok.missing()).isEmpty();
        assertThat(ok.complete()).isTrue();

        Path partial = cert("/CN=vpn.example.com", "IP:192.0.2.10,DNS:vpn.example.com,IP:192.0.2.11");
        CertificateCheck.Result r = CertificateCheck.check(CertificateCheck.read(partial), required, Instant.now());
        assertThat(r.complete()).isFalse();
        assertThat(r.missing()).extracting(CertificateCheck.Requirement::name)
                .containsExactly("n1.vpn.example.com", "192.0.2.12", "203.0.113.12", "n2.vpn.example.com");
        assertThat(r.missing().get(2).why()).contains("NAT address");
    }

    @Test
    void withSubjectAlternativeNamesTheCommonNameIsIgnored() throws Exception {
        Map<String, String> required = CertificateCheck.required(List.of(member("n1", "192.0.2.11", "")), null);
        Path c = cert("/CN=192.0.2.10", "IP:192.0.2.11");
        CertificateCheck.Result r = CertificateCheck.check(CertificateCheck.read(c), required, Instant.now());
        assertThat(r.usesCommonName()).isFalse();
        assertThat(r.missing()).extracting(CertificateCheck.Requirement::name).containsExactly("192.0.2.10");

        Path cnOnly = cert("/CN=192.0.2.10", null);
        CertificateCheck.Result byCn = CertificateCheck.check(CertificateCheck.read(cnOnly), required, Instant.now());
        assertThat(byCn.usesCommonName()).isTrue();
        assertThat(byCn.missing()).extracting(CertificateCheck.Requirement::name).containsExactly("192.0.2.11");
    }

    @Test
    void aWildcardStandsForOneLeftMostLabelOnly() {
        assertThat(CertificateCheck.matches("*.vpn.example.com", "n1.vpn.example.com")).isTrue();
        assertThat(CertificateCheck.matches("*.vpn.example.com", "a.n1.vpn.example.com")).isFalse();
        assertThat(CertificateCheck.matches("*.vpn.example.com", "vpn.example.com")).isFalse();
        assertThat(CertificateCheck.matches("vpn.example.com.", "vpn.example.com")).isTrue();
    }

    @Test
    void anExpiredCertificateIsNotComplete() throws Exception {
        Path c = cert("/CN=x", "IP:192.0.2.10,IP:192.0.2.11");
        Map<String, String> required = CertificateCheck.required(List.of(member("n1", "192.0.2.11", "")), null);
        CertificateCheck.Result r = CertificateCheck.check(CertificateCheck.read(c), required,
                Instant.now().plusSeconds(3 * 86400));
        assertThat(r.missing()).isEmpty();
        assertThat(r.expired()).isTrue();
        assertThat(r.complete()).isFalse();
    }

    @Test
    void badInputIsNamed() throws Exception {
        assertThatThrownBy(() -> CertificateCheck.read(dir.resolve("none.pem"))).isInstanceOf(Invalid.class)
                .hasMessageContaining("none.pem").hasMessageContaining("an existing PEM file");
        Path junk = Files.writeString(dir.resolve("junk.pem"), "hello");
        assertThatThrownBy(() -> CertificateCheck.read(junk)).isInstanceOf(Invalid.class)
                .hasMessageContaining("X.509 certificate");
        NodeConfig noLb = ConfigLoader.load(Files.writeString(dir.resolve("plain.yaml"),
                "node:\n  id: n9\n  address: 192.0.2.19\n"));
        assertThatThrownBy(() -> CertificateCheck.required(List.of(noLb), null)).isInstanceOf(Invalid.class)
                .hasMessageContaining("loadBalancing section");
    }
}
