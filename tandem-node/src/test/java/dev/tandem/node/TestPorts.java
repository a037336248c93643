package dev.tandem.node;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for tests that must name a port in a configuration before the node binds it. They are drawn from 20000 to
 * 32767, below the kernel's range of ephemeral ports (32768 to 60999 by default): a port the system handed out
 * would be free when chosen and could be taken, before the node binds it, by any connection the test or a node
 * opens meanwhile (a replication link, a client), which is how such tests used to fail now and then.
 */
public final class TestPorts {
    private static final int LOW = 20_000;
    private static final int HIGH = 32_767;

    private TestPorts() {}

    /** A port free for TCP on every one of {@code hosts}. */
    public static int tcp(String... hosts) {
        return pick(true, false, hosts);
    }

    /** A port free for UDP on every one of {@code hosts}. */
    public static int udp(String... hosts) {
        return pick(false, true, hosts);
    }

    /** A port free for both TCP and UDP on every one of {@code hosts}. */
    public static int tcpAndUdp(String... hosts) {
        return pick(true, true, hosts);
    }

    private static int pick(boolean tcp, boolean udp, String... hosts) {
        String[] on = hosts.length == 0 ? new String[] {"127.0.0.1"} : hosts;
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOW, HIGH + 1);
            if (free(port, tcp, udp, on)) return port;
        }
        throw new IllegalStateException("no port from " + LOW + " to " + HIGH + " is free on " + String.join(", ", on));
    }

    private static boolean free(int port, boolean tcp, boolean udp, String[] hosts) {
        for (String h : hosts) {
            try {
                InetAddress a = InetAddress.getByName(h);
                if (tcp) new ServerSocket(port, 1, a).close();
                if (udp) new DatagramSocket(new InetSocketAddress(a, port)).close();
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
