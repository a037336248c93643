package dev.tandem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.node.TestPorts;
import dev.tandem.node.config.ConfigLoader;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.redirect.RedirectMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The cluster address as one node holds it: a director that yields a moment after it was elected lets go of the
 * address for good, even when its driver's claim (ip addr, a script) finishes after the release.
 */
class ClusterAddressTest {
    private static final String ADDRESS = "127.0.42.40";

    @TempDir
    Path dir;

    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        loop.shutdownNow();
    }

    /** A driver whose claims wait until let through, and that records what it was asked in order. */
    private static final class SlowDriver implements AddressDriver {
        final CountDownLatch claimBegan = new CountDownLatch(1);
        final CountDownLatch letClaimFinish = new CountDownLatch(1);
        final List<String> done = new CopyOnWriteArrayList<>();

        @Override
        public boolean claim() {
            claimBegan.countDown();
            try {
                letClaimFinish.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            done.add("claim");
            return true;
        }

        @Override
        public void release() {
            done.add("release");
        }

        @Override
        public String describe() {
            return "slow";
        }
    }

    private NodeConfig.LoadBalancing config(int port) throws Exception {
        Path f = Files.writeString(dir.resolve("n1.yaml"), """
                node:
                  id: n1
                  address: 127.0.42.41
                redundancyGroup:
                  name: g1
                  highAvailability: false
                  nodes:
                    - id: n1
                      address: 127.0.42.41
                loadBalancing:
                  clusterAddress: %s
                  clusterPort: %d
                  peers: []
                  redirect:
                    enabled: false
                """.formatted(ADDRESS, port));
        return ConfigLoader.load(f).loadBalancing();
    }

    private void onLoop(Runnable r) throws Exception {
        loop.submit(r).get(5, TimeUnit.SECONDS);
    }

    private ClusterAddress address(int port, SlowDriver driver) throws Exception {
        return new ClusterAddress(config(port), loop, driver, user -> null,
                new RedirectMetrics(new SimpleMeterRegistry()), (bytes, from) -> { }, () -> { }, () -> { });
    }

    /** Lets the driver's claim end, then waits until it has been asked {@code n} things and the loop is idle. */
    private void finish(SlowDriver driver, int n) throws Exception {
        driver.letClaimFinish.countDown();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (driver.done.size() < n && System.nanoTime() < deadline) Thread.sleep(5);
        Thread.sleep(50); // anything more it would be asked comes now
        onLoop(() -> { }); // whatever the claim's end asked of the loop has run
    }

    /** Nothing holds the address's port: binding it here succeeds. */
    private static void portFree(int port) throws Exception {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(ADDRESS), port))) {
            assertThat(s.getLocalPort()).isEqualTo(port);
        }
    }

    /** How a node lets go of the address while its driver still claims it. */
    enum LetGo {
        /** A director that yields a moment after it was elected: a release on the loop. */
        YIELD,
        /** A fence from the watchdog's thread while the loop is stalled (decision 0046). */
        FENCE,
        /** A stop, on the loop. */
        STOP
    }

    @ParameterizedTest
    @EnumSource(LetGo.class)
    void aClaimTheDriverFinishesAfterTheNodeLetGoLeavesNothingHeld(LetGo how) throws Exception {
        int port = TestPorts.udp(ADDRESS);
        SlowDriver driver = new SlowDriver();
        ClusterAddress address = address(port, driver);

        onLoop(address::claim); // elected: the driver starts adding the address
        assertThat(driver.claimBegan.await(5, TimeUnit.SECONDS)).isTrue();
        switch (how) {
            case YIELD -> onLoop(address::release);
            case FENCE -> address.releaseNow();
            case STOP -> onLoop(address::letGo);
        }
        finish(driver, 2);

        assertThat(driver.done).as("the release follows the claim on the host").containsExactly("claim", "release");
        assertThat(address.held()).isFalse();
        assertThat(address.anything()).as("nothing left to let go").isFalse();
        portFree(port);
        onLoop(address::close);
    }
}
