package dev.tandem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tandem.node.config.CheckConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The critical-service check of kind interface ([LB-FAILOVER]: the health of the active interfaces is monitored;
 * docs/decisions/0079-interface-checks-read-link-state.md): up while operstate is up (or unknown, the loopback's)
 * and carrier is 1, read from a fake /sys/class/net here and from the real one for lo.
 */
class InterfaceCheckTest {
    @TempDir
    Path net;

    private final List<Boolean> reported = new CopyOnWriteArrayList<>();
    private HealthChecks checks;

    @AfterEach
    void close() {
        if (checks != null) checks.close();
    }

    private void iface(String name, String operstate, String carrier) throws IOException {
        Path d = Files.createDirectories(net.resolve(name));
        Files.writeString(d.resolve("operstate"), operstate + "\n");
        if (carrier == null) {
            Files.deleteIfExists(d.resolve("carrier"));
        } else {
            Files.writeString(d.resolve("carrier"), carrier + "\n");
        }
    }

    private static CheckConfig check(String name, String iface) {
        return new CheckConfig(name, "interface", null, null, null, null, null, null, null, null,
                Duration.ofMillis(20), Duration.ofMillis(20), iface, 1, 1);
    }

    private HealthChecks start(Path root, CheckConfig c) {
        checks = new HealthChecks(List.of(c), (x, up) -> reported.add(up), Clock.systemUTC(), root);
        checks.start();
        return checks;
    }

    private String lastDetail() {
        return checks.history().getFirst().detail();
    }

    @Test
    void theLinkIsUpWhileOperstateIsUpAndTheCarrierIsThere() throws Exception {
        iface("eth0", "up", "1");
        start(net, check("eth0", null));
        await().atMost(Duration.ofSeconds(5)).until(() -> reported.equals(List.of(true)));

        iface("eth0", "down", "0"); // the cable is pulled
        await().atMost(Duration.ofSeconds(5)).until(() -> reported.equals(List.of(true, false)));
        assertThat(lastDetail()).isEqualTo("interface eth0 is down (operstate), not up");

        iface("eth0", "up", "1");
        await().atMost(Duration.ofSeconds(5)).until(() -> reported.equals(List.of(true, false, true)));
    }

    @Test
    void anUpOperstateWithoutCarrierIsDown() throws Exception {
        iface("eth1", "up", "0");
        start(net, check("uplink", "eth1"));
        await().atMost(Duration.ofSeconds(5)).until(() -> reported.equals(List.of(false)));
        assertThat(lastDetail()).isEqualTo("interface eth1 has no carrier (cable or link lost)");
        assertThat(checks.history().getFirst().check()).isEqualTo("uplink");
    }

    @Test
    void anAdministrativelyDownInterfaceWhoseCarrierCannotBeReadIsDown() throws Exception {
        iface("eth2", "unknown", null);
        start(net, check("eth2", null));
        await().atMost(Duration.ofSeconds(5)).until(() -> reported.equals(List.of(false)));
        assertThat(lastDetail()).contains("eth2").contains("no readable carrier");
    }

    @Test
    void unknownWithCarrierIsUpAsTheLoopbackReportsIt() throws Exception {
        iface("lo", "unknown", "1");
        start(net, check("lo", null));
        await().atMost(Duration.ofSeconds(5)).until(() -> reported.equals(List.of(true)));
    }

    @Test
    void dormantAndOtherStatesAreDownAndNamed() throws Exception {
        iface("wlan0", "dormant", "1");
        start(net, check("wlan0", null));
        await().atMost(Duration.ofSeconds(5)).until(() -> reported.equals(List.of(false)));
        assertThat(lastDetail()).isEqualTo("interface wlan0 is dormant (operstate), not up");
    }

    @Test
    void aMissingInterfaceIsNamedWithTheInterfacesThereAre() throws Exception {
        iface("eth0", "up", "1");
        iface("lo", "unknown", "1");
        start(net, check("eth9", null));
        await().atMost(Duration.ofSeconds(5)).until(() -> reported.equals(List.of(false)));
        assertThat(lastDetail()).isEqualTo("no network interface 'eth9' on this host (it has: eth0, lo)");
    }

    @Test
    void aHostWithoutSysfsSaysSo() {
        start(net.resolve("absent"), check("eth0", null));
        await().atMost(Duration.ofSeconds(5)).until(() -> reported.equals(List.of(false)));
        assertThat(lastDetail()).contains("does not exist").contains("interface checks need Linux");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void theRealLoopbackIsUp() {
        checks = new HealthChecks(List.of(check("lo", null)), (x, up) -> reported.add(up), Clock.systemUTC());
        checks.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> reported.equals(List.of(true)));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aMissingRealInterfaceIsDown() {
        checks = new HealthChecks(List.of(check("nic", "tandem-none0")), (x, up) -> reported.add(up), Clock.systemUTC());
        checks.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> reported.equals(List.of(false)));
        assertThat(lastDetail()).startsWith("no network interface 'tandem-none0' on this host (it has: ").contains("lo");
    }
}
