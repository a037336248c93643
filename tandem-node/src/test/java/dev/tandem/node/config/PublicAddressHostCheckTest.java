package dev.tandem.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tandem.node.TestPorts;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A load-balancing member's public address is its service address by default, which is on the host only while the
 * node holds it: with a driver that adds addresses the start does not ask for it (docs/decisions/0052); with the
 * bind driver, which adds nothing, it must be an address of this host as before.
 */
class PublicAddressHostCheckTest {
    @TempDir
    Path dir;

    /** n1 on 127.0.42.30, its service address on TEST-NET-1 (192.0.2.0/24: documentation only, on no host). */
    private Path write(String driver) throws Exception {
        return Files.writeString(dir.resolve("n1.yaml"), """
                node:
                  id: n1
                  address: 127.0.42.30
                admin:
                  port: %d
                redundancyGroup:
                  name: g1
                  highAvailability: false
                  nodes:
                    - id: n1
                      address: 127.0.42.30
                      serviceAddress: 192.0.2.31
                serviceAddresses:
                  %s
                loadBalancing:
                  clusterAddress: 192.0.2.10
                  clusterPort: %d
                  peers: []
                parameters:
                  servicePort: %d
                """.formatted(TestPorts.tcp("127.0.42.30"), driver, TestPorts.udp("127.0.42.30"),
                TestPorts.udp("127.0.42.30")));
    }

    @Test
    void aServiceAddressTheLinuxDriverWillAddIsNotAskedOfTheHostAtStart() throws Exception {
        NodeConfig c = ConfigLoader.loadForThisHost(write("driver: linux\n  interface: eth0"));
        assertThat(c.loadBalancing().publicAddress()).isEqualTo("192.0.2.31");
    }

    @Test
    void withTheBindDriverThePublicAddressMustBeThisHostsAlready() throws Exception {
        Path f = write("driver: bind");
        ConfigError e = catchThrowableOfType(ConfigError.class, () -> ConfigLoader.loadForThisHost(f));
        assertThat(e.getMessage()).contains("loadBalancing.publicAddress: '192.0.2.31' is not an address of this host");
    }
}
