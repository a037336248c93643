package dev.tandem.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tandem config check FILE}: offline, no node and no store; exit 0 applies, 1 refused, 2 unreadable. */
class ConfigCheckCommandTest {
    static final Path EXAMPLE = Path.of("..", "docs", "examples", "asa-basic.cfg");

    @TempDir
    Path dir;

    @Test
    void theSpecificationsExamplePassesWithWarnings() {
        CliRun r = CliRun.of("config", "check", EXAMPLE.toString());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out())
                .contains(EXAMPLE + ":3: interface GigabitEthernet 0/1  -- enters config-if mode for interface GigabitEthernet0/1\n")
                .contains(EXAMPLE + ":4: ip address 209.165.202.159 255.255.255.0  -- sets 'ip address' of interface GigabitEthernet0/1\n")
                .contains(EXAMPLE + ":12: interface lbpublic test  -- sets 'interface lbpublic'\n")
                .contains(EXAMPLE + ":15: cluster key *****  -- sets 'cluster key'\n")
                .contains("resulting settings (show running-config):\ninterface GigabitEthernet0/1\n nameif test\n")
                .contains(" interface lbpublic test\n interface lbprivate foo\n cluster ip address 209.165.202.224\n")
                .contains(EXAMPLE + ":16: warning: cluster encryption: IKEv1 is not enabled on the inside interface foo")
                .contains(EXAMPLE + ":18: warning: redirect-fqdn enable: the outside interface test")
                .contains(EXAMPLE + ":4: warning: interface GigabitEthernet0/1 (test): 209.165.202.159 is not an address"
                        + " of this host")
                .endsWith(EXAMPLE + ": applies: 17 command(s), 4 warning(s)\n")
                .doesNotContain("123456789");
    }

    @Test
    void everyRefusedLineIsNamedAndTheFileDoesNotApply() throws Exception {
        Path f = Files.writeString(dir.resolve("bad.cfg"), "interface GigabitEthernet0/1\n ip address 127.0.34.11 255.255.255.0\n"
                + " nameif outside\nvpn load-balancing\n interface lbpublic inside\n priority 11\n interface lbpublic outside\n"
                + " cluster ip address 127.0.34.10\n");
        CliRun r = CliRun.of("config", "check", f.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out())
                .contains(f + ":5: REFUSED interface lbpublic inside  -- interface lbpublic: 'inside' is not allowed;"
                        + " allowed: the name of an interface given with 'nameif' (defined: outside)\n")
                .contains(f + ":6: REFUSED priority 11  -- priority: '11' is not allowed; allowed: a whole number from 1"
                        + " to 10 (default 5)\n")
                .contains(f + ":7: interface lbpublic outside  -- sets 'interface lbpublic'\n")
                // 127.0.34.0/24 is this host's loopback: no address warning.
                .doesNotContain("not an address of this host")
                .endsWith(f + ": refused: 2 line(s); applying the file would change nothing\n");
    }

    @Test
    void anUnreadableFileIsAUsageError() {
        CliRun r = CliRun.of("config", "check", dir.resolve("nowhere.cfg").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("file: '" + dir.resolve("nowhere.cfg") + "' cannot be read");
    }

    @Test
    void aClusterDocumentIsCheckedAsANodeWouldReadIt() throws Exception {
        String yaml = """
                assignmentMode: Balanced
                groups:
                - name: g1
                  nodes:
                  - id: n1
                    address: 127.0.34.11
                loadBalancing:
                  group:
                    clusterAddress: 127.0.34.10
                  devices:
                  - node: n1
                    publicAddress: 127.0.34.11
                    privateAddress: 127.0.34.11
                  deviceConfig:
                    n1: |
                      interface Loopback0
                       nameif outside
                       ip address 127.0.34.11 255.255.255.0
                      vpn load-balancing
                       interface lbpublic outside
                """;
        Path ok = Files.writeString(dir.resolve("cluster.yaml"), yaml);
        CliRun r = CliRun.of("config", "check", ok.toString());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).isEqualTo(ok + ": 1 redundancy group(s), assignment mode Balanced, load-balancing group"
                + " 127.0.34.10, 1 device(s)\n" + ok + ": applies, 0 warning(s)\n");

        Path bad = Files.writeString(dir.resolve("bad.yml"), yaml.replace("    privateAddress: 127.0.34.11\n",
                "    privateAddress: 127.0.34.11\n    priority: 11\n"));
        CliRun b = CliRun.of("config", "check", bad.toString());
        assertThat(b.code()).isEqualTo(1);
        assertThat(b.out()).startsWith(bad + ":14: REFUSED ").contains("priority: '11' is not allowed");

        Path wrongCommands = Files.writeString(dir.resolve("cmds.yml"), yaml.replace("nameif outside", "nameif out side"));
        CliRun c = CliRun.of("config", "check", wrongCommands.toString());
        assertThat(c.code()).isEqualTo(1);
        assertThat(c.out()).contains("REFUSED").contains("deviceConfig.n1");
    }
}
