package dev.tandem.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package: its control data (the user it creates, the files dpkg keeps on upgrade), the hardened unit
 * it installs, and a node started from the installed paths. The package is unpacked with dpkg-deb into a throwaway
 * root (no maintainer scripts run, no systemd), then the node runs with {@code usr/lib/tandem/bin/tandem node}.
 */
class DebianPackageIT {
    private static final String NODE = "127.0.35.21";
    private static final String PEER = "127.0.35.22";

    @TempDir
    static Path root;
    static Path deb;

    @BeforeAll
    static void unpack() throws Exception {
        deb = Sh.required("tandem.dist.deb");
        Sh.Result r = Sh.run(root, "dpkg-deb", "-x", deb.toString(), root.toString());
        assertThat(r.exit()).as(r.output()).isZero();
    }

    @Test
    void controlDataCreatesTheUserAndKeepsTheOperatorsConfiguration() throws Exception {
        Sh.Result control = Sh.run(root, "dpkg-deb", "-f", deb.toString(), "Package", "Version", "Architecture");
        assertThat(control.output()).contains("Package: tandem").contains("Architecture: all")
                .containsPattern("Version: 0\\.1\\.0");
        Path meta = Files.createDirectories(root.resolve("../control-" + root.getFileName()));
        assertThat(Sh.run(root, "dpkg-deb", "-e", deb.toString(), meta.toString()).exit()).isZero();
        assertThat(meta.resolve("conffiles")).content()
                .contains("/etc/tandem/node.example.yaml").contains("/etc/tandem/node-config.reference.yaml")
                .contains("/etc/tandem/jvm.options");
        assertThat(meta.resolve("postinst")).content().contains("adduser --system").contains("tandem")
                .contains("chown tandem:tandem /var/lib/tandem");
        assertThat(meta.resolve("postrm")).content().contains("purge");
    }

    @Test
    void installsProgramConfigurationUnitAndCompletionWhereOperatorsLook() throws Exception {
        assertThat(root.resolve("usr/lib/tandem/bin/tandem")).isExecutable();
        assertThat(Files.readSymbolicLink(root.resolve("usr/bin/tandem"))).isEqualTo(Path.of("/usr/lib/tandem/bin/tandem"));
        assertThat(root.resolve("etc/tandem/node.example.yaml")).exists();
        assertThat(root.resolve("usr/share/bash-completion/completions/tandem")).exists();
        assertThat(root.resolve("usr/share/tandem/monitoring/tandem-alerts.yml")).exists();
        assertThat(root.resolve("usr/share/doc/tandem/operations.md")).exists();
        assertThat(root.resolve("var/lib/tandem")).isDirectory();
        String unit = Files.readString(root.resolve("usr/lib/systemd/system/tandem-node@.service"));
        assertThat(unit).contains("ExecStart=/usr/lib/tandem/bin/tandem node --config /etc/tandem/%i.yaml",
                "User=tandem", "NoNewPrivileges=yes", "AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW",
                "CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW", "ProtectSystem=strict",
                "ReadWritePaths=/var/lib/tandem", "RestartPreventExitStatus=2", "Restart=on-failure");
        assertThat(unit).doesNotContain("/opt/tandem");
    }

    @Test
    void nodeStartsFromTheInstalledPaths() throws Exception {
        // The shipped example, moved into the throwaway root and onto this test's addresses.
        Path etc = root.resolve("etc/tandem");
        Path config = etc.resolve("n1.yaml");
        Files.writeString(config, Files.readString(etc.resolve("node.example.yaml"))
                .replace("10.0.0.11", NODE).replace("10.0.0.12", PEER)
                .replace("/var/lib/tandem", root.resolve("var/lib/tandem").toString()));
        Files.writeString(etc.resolve("cluster-key"), "a cluster key for this test only\n");
        Files.writeString(etc.resolve("admin-token"), "token-for-this-test\n");
        try (NodeRun n1 = NodeRun.start(root.resolve("usr/lib/tandem/bin/tandem"), config, NODE, Map.of())) {
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(250))
                    .failFast("the node exited", () -> !n1.alive())
                    .ignoreExceptions()
                    .untilAsserted(() -> {
                        assertThat(n1.get("/health", null).status()).isEqualTo(200);
                        assertThat(n1.get("/api/v1/node", "token-for-this-test").body()).contains("\"n1\"");
                    });
            assertThat(n1.stop()).isIn(0, 143);
        }
        // The state went where the example says: under the state directory, not beside the configuration.
        assertThat(root.resolve("var/lib/tandem/n1")).isDirectory();
    }
}
