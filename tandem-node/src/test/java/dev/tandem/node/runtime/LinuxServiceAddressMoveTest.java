package dev.tandem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The linux driver moves a service address from one node to the other and tells the network with a gratuitous ARP
 * (docs/redundancy.md, Service addresses: how the move was verified). Three network namespaces the test makes: node
 * A and node B, each with one veth link to a bridge in the client's namespace, all on 192.0.2.0/24 (TEST-NET-1, so
 * nothing here can be mistaken for a real network). The client reaches the service address on A and learns A's MAC;
 * A releases the address and B claims it with the driver itself ({@link AddressDriver.Linux}, the class the
 * {@code serviceAddresses} section's {@code linux} driver builds); then the client's neighbour table names B's MAC
 * although the client has sent nothing since: B's unsolicited ARP changed it. The host's own network is never
 * touched. Without root, iproute2, arping or a bridge the test is skipped and says why.
 */
class LinuxServiceAddressMoveTest {
    /**
     * The namespaces this test makes (the prefix its runs must carry, then this JVM's pid, so two builds on one machine
     * never share one); each is removed after every test, failed or not.
     */
    private static final String RUN = "tdm-h13d-" + ProcessHandle.current().pid();
    private static final String A = RUN + "-a";
    private static final String B = RUN + "-b";
    private static final String CLIENT = RUN + "-c";
    private static final String SERVICE = "192.0.2.100";
    /** Locally administered MACs (the 0x02 bit of the first byte), fixed so the neighbour table can be compared. */
    private static final String MAC_A = "02:00:00:00:00:0a";
    private static final String MAC_B = "02:00:00:00:00:0b";
    /** How long the client's neighbour table may take to show a change: far above the driver's 5 s command timeout. */
    private static final long SETTLE_MILLIS = 10_000;

    private final HookRunner runner = new HookRunner();

    @BeforeEach
    void network() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to create network namespaces");
        assumeTrue(run("ip", "-V") == 0, "needs iproute2 (apt-get install iproute2)");
        assumeTrue(run("arping", "-V") == 0, "needs arping, which the linux driver runs (apt-get install iputils-arping)");
        assumeTrue(run("bash", "--version") == 0, "needs bash, whose /dev/udp sends the client's datagram");
        for (String ns : List.of(A, B, CLIENT)) {
            assumeTrue(run("ip", "netns", "add", ns) == 0, "cannot create the network namespace " + ns + " here");
        }
        // The client sends nothing of its own accord: without IPv6 there are no router solicitations or MLD reports,
        // so the bridge's transmit counter moves only when the client itself sends to the service address.
        ok("ip", "netns", "exec", CLIENT, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
        ok("ip", "netns", "exec", CLIENT, "sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1");
        assumeTrue(run("ip", "-n", CLIENT, "link", "add", "br0", "type", "bridge") == 0, "cannot create a bridge here");
        ok("ip", "-n", CLIENT, "addr", "add", "192.0.2.1/24", "dev", "br0");
        ok("ip", "-n", CLIENT, "link", "set", "br0", "up");
        link(A, "pa", MAC_A, "192.0.2.11/24");
        link(B, "pb", MAC_B, "192.0.2.12/24");
    }

    /** Node {@code ns}'s eth0, its other end {@code port} on the client's bridge. */
    private static void link(String ns, String port, String mac, String own) throws Exception {
        ok("ip", "-n", ns, "link", "add", "eth0", "address", mac, "type", "veth", "peer", "name", port, "netns", CLIENT);
        ok("ip", "-n", CLIENT, "link", "set", port, "master", "br0");
        ok("ip", "-n", CLIENT, "link", "set", port, "up");
        ok("ip", "-n", ns, "addr", "add", own, "dev", "eth0");
        ok("ip", "-n", ns, "link", "set", "eth0", "up");
        ok("ip", "-n", ns, "link", "set", "lo", "up");
    }

    @AfterEach
    void cleanUp() throws Exception {
        runner.close();
        removeNamespaces();
    }

    private static void removeNamespaces() throws InterruptedException {
        for (String ns : List.of(A, B, CLIENT)) run("ip", "netns", "del", ns);
    }

    @Test
    void theClientLearnsTheNewHolderFromTheGratuitousArpAlone() throws Exception {
        AddressDriver onA = new AddressDriver.Linux(SERVICE, "eth0", A, runner);
        AddressDriver onB = new AddressDriver.Linux(SERVICE, "eth0", B, runner);
        assertThat(onA.claim()).isTrue();

        // The client talks to the service address: it resolves it to A's MAC (a datagram to the discard port; A
        // answers the ARP request, then the datagram with port unreachable, which does not matter here).
        ok("ip", "netns", "exec", CLIENT, "bash", "-c", "echo hello > /dev/udp/" + SERVICE + "/9");
        assertThat(awaitNeighbour(MAC_A)).as("the client's neighbour entry for %s after it sent to A", SERVICE)
                .contains("lladdr " + MAC_A);

        long sentBefore = clientPacketsSent();
        onA.release();
        // Nothing tells the client yet: its entry still names A, which no longer has the address.
        assertThat(neighbour()).contains("lladdr " + MAC_A);
        assertThat(onB.claim()).isTrue();

        // B's unsolicited ARP (sender and target both the service address) updates the existing entry; Linux does
        // that without arp_accept, which only decides whether such an ARP may create an entry the client lacked.
        String entry = awaitNeighbour(MAC_B);
        assertThat(entry).as("the client's neighbour entry for %s after B claimed it", SERVICE).contains("lladdr " + MAC_B);
        assertThat(clientPacketsSent()).as("packets the client sent while the address moved").isEqualTo(sentBefore);
        assertThat(addresses(A)).doesNotContain(SERVICE + "/32");
        assertThat(addresses(B)).contains(SERVICE + "/32");
    }

    @Test
    void anAddressAKilledRunLeftOnTheInterfaceIsTakenOffAtTheNextStart() throws Exception {
        // The earlier run claimed the address, then died by SIGKILL: nothing released it, the kernel keeps it.
        assertThat(new AddressDriver.Linux(SERVICE, "eth0", A, runner).claim()).isTrue();
        assertThat(addresses(A)).contains(SERVICE + "/32");

        new AddressDriver.Linux(SERVICE, "eth0", A, runner).clearLeftover(); // the next run, before any claim

        assertThat(addresses(A)).doesNotContain(SERVICE + "/32").contains("192.0.2.11/24");
    }

    /** The client's neighbour entry for the service address, as {@code ip neigh show} prints it ("" when none). */
    private static String neighbour() throws Exception {
        return output("ip", "-n", CLIENT, "neigh", "show", SERVICE, "dev", "br0");
    }

    /** Polls the entry until it names {@code mac}, for at most {@link #SETTLE_MILLIS}; answers the last seen. */
    private static String awaitNeighbour(String mac) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MILLIS);
        String entry = neighbour();
        while (!entry.contains("lladdr " + mac) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            entry = neighbour();
        }
        return entry;
    }

    /** Packets the client's bridge interface has sent: its own traffic, not what the bridge forwards between ports. */
    private static long clientPacketsSent() throws Exception {
        return Long.parseLong(output("ip", "netns", "exec", CLIENT, "cat", "/sys/class/net/br0/statistics/tx_packets").strip());
    }

    private static String addresses(String ns) throws Exception {
        return output("ip", "-n", ns, "-o", "addr", "show", "dev", "eth0");
    }

    private static String output(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).as(String.join(" ", cmd)).isTrue();
        return out;
    }

    /** Runs a setup command that must succeed; the failure names the command and what it printed. */
    private static void ok(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0).as("%s: %s", String.join(" ", cmd), out).isTrue();
    }

    private static int run(String... cmd) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        }
    }
}
