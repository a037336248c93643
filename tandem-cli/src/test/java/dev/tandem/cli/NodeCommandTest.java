package dev.tandem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.node.config.ConfigLoader;
import dev.tandem.node.runtime.TandemNode;
import dev.tandem.node.store.ClusterSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tandem node} refuses a configuration this host cannot run before it writes anything (docs/decisions/0052):
 * exit 2 and file:line: key, the store left as it was. Addresses are in 127.0.31.0/24, ports free at the start.
 */
class NodeCommandTest {
    private static final String HERE = "127.0.31.3";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedErr;

    @BeforeEach
    void capture() {
        savedErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setErr(savedErr);
    }

    private String config(String address, int servicePort, int adminPort, String stateDir) {
        return """
                node:
                  id: n1
                  address: %s
                admin:
                  port: %d
                redundancyGroup:
                  name: g1
                  nodes:
                    - id: n1
                      address: %s
                    - id: n2
                      address: 127.0.31.9
                parameters:
                  keepAliveInterval: 100ms
                  keepAliveTimeout: 1s
                  servicePort: %d
                stateDir: %s
                store:
                  url: jdbc:h2:file:store/tandem;AUTO_SERVER=TRUE
                """.formatted(address, adminPort, address, servicePort, stateDir);
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("n1.yaml"), yaml);
    }

    private Path storeFile() {
        return dir.resolve("store/tandem.mv.db");
    }

    @Test
    void anAddressThatIsNotThisHostsIsAConfigurationErrorAndTheStoreStaysEmpty() throws Exception {
        int service = freeUdp();
        int admin = freeTcp();
        // 192.0.2.1 is TEST-NET-1: documentation only, on no host.
        Path f = write(config("192.0.2.1", service, admin, "state/n1"));

        assertThat(Main.run("node", "--config", f.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("tandem node: " + f
                + ":3: node.address: '192.0.2.1' is not an address of this host");
        assertThat(storeFile()).as("nothing written to the store").doesNotExist();
        assertThat(dir.resolve("state")).as("nor anywhere else").doesNotExist();

        // The file corrected, the node starts and only then fills the store with its configuration.
        f = write(config(HERE, service, admin, "state/n1"));
        try (TandemNode node = new TandemNode(ConfigLoader.loadForThisHost(f), Clock.systemUTC())) {
            node.start();
            ClusterSettings stored = node.store().store().settings();
            assertThat(stored.seeded()).isTrue();
            assertThat(stored.group("g1")).isPresent();
            assertThat(stored.group("g1").orElseThrow().nodes()).extracting(ClusterSettings.Member::address)
                    .containsExactly(HERE, "127.0.31.9");
        }
    }

    @Test
    void aPortInUseIsAConfigurationErrorNamingItsKey() throws Exception {
        int admin = freeTcp();
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(HERE, 0))) {
            Path f = write(config(HERE, taken.getLocalPort(), admin, "state/n1"));
            assertThat(Main.run("node", "--config", f.toString())).isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("tandem node: " + f
                    + ":16: parameters.servicePort: UDP port " + taken.getLocalPort() + " on " + HERE
                    + " cannot be bound");
        }
        assertThat(storeFile()).doesNotExist();

        err.reset();
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName(HERE))) {
            Path f = write(config(HERE, freeUdp(), taken.getLocalPort(), "state/n1"));
            assertThat(Main.run("node", "--config", f.toString())).isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("tandem node: " + f
                    + ":5: admin.port: TCP port " + taken.getLocalPort() + " on " + HERE + " cannot be bound");
        }
        assertThat(storeFile()).doesNotExist();
    }

    @Test
    void aStateDirectoryThatCannotBeWrittenIsAConfigurationError() throws Exception {
        Files.writeString(dir.resolve("blocker"), "a file where the state directory should be\n");
        Path f = write(config(HERE, freeUdp(), freeTcp(), "blocker/state"));

        assertThat(Main.run("node", "--config", f.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("tandem node: " + f + ":17: stateDir: '"
                + dir.resolve("blocker/state") + "' cannot be written (not a directory");
        assertThat(storeFile()).doesNotExist();
    }

    private static int freeUdp() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(HERE, 0))) {
            return s.getLocalPort();
        }
    }

    private static int freeTcp() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(HERE))) {
            return s.getLocalPort();
        }
    }
}
