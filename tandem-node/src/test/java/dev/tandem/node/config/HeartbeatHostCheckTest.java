package dev.tandem.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tandem.node.TestPorts;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node's heartbeat addresses are checked against its host before it starts (docs/decisions/0052): each is an
 * address of this host with the service port free on it; the peer's are not this host's business.
 */
class HeartbeatHostCheckTest {
    @TempDir
    Path dir;

    private Path write(String mine, int servicePort) throws Exception {
        return Files.writeString(dir.resolve("n1.yaml"), """
                node:
                  id: n1
                  address: 127.0.42.20
                admin:
                  port: %d
                redundancyGroup:
                  name: g1
                  nodes:
                    - id: n1
                      address: 127.0.42.20
                      heartbeatAddresses: [%s]
                    - id: n2
                      address: 192.0.2.20
                      heartbeatAddresses: [192.0.2.21]
                parameters:
                  servicePort: %d
                """.formatted(freeTcp(), mine, servicePort));
    }

    private static int freeTcp() {
        return TestPorts.tcp("127.0.42.20");
    }

    private static int freeUdp() {
        return TestPorts.udp("127.0.42.20");
    }

    @Test
    void aHeartbeatAddressOfThisHostWithAFreePortPasses() throws Exception {
        NodeConfig c = ConfigLoader.loadForThisHost(write("127.0.42.21", freeUdp()));
        assertThat(c.redundancyGroup().nodes().get(0).heartbeatAddresses()).containsExactly("127.0.42.21");
    }

    @Test
    void aHeartbeatAddressElsewhereIsNamedByLineAndKey() throws Exception {
        // 192.0.2.0/24 is TEST-NET-1: documentation only, on no host.
        Path f = write("192.0.2.22", freeUdp());
        ConfigError e = catchThrowableOfType(ConfigError.class, () -> ConfigLoader.loadForThisHost(f));
        assertThat(e.getMessage()).startsWith(f + ":11: redundancyGroup.nodes[0].heartbeatAddresses[0]: '192.0.2.22'"
                + " is not an address of this host");
    }

    @Test
    void aTakenServicePortOnAHeartbeatAddressIsNamed() throws Exception {
        int port = freeUdp();
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.42.21"), port))) {
            Path f = write("127.0.42.21", port);
            ConfigError e = catchThrowableOfType(ConfigError.class, () -> ConfigLoader.loadForThisHost(f));
            assertThat(e.getMessage()).startsWith(f + ":11: redundancyGroup.nodes[0].heartbeatAddresses[0]: UDP port "
                    + port + " on 127.0.42.21 cannot be bound");
        }
    }
}
