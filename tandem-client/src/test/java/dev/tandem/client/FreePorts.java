package dev.tandem.client;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

/** Ports for tests that must name a port in a node's configuration before the node binds it. */
final class FreePorts {
    private FreePorts() {}

    /** A port free for TCP on every one of {@code hosts}. */
    static int tcp(String... hosts) throws IOException {
        return free(true, hosts);
    }

    /** A port free for UDP on every one of {@code hosts}. */
    static int udp(String... hosts) throws IOException {
        return free(false, hosts);
    }

    private static int free(boolean tcp, String... hosts) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            if (tcp) {
                try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(hosts[0]))) { port = s.getLocalPort(); }
            } else {
                try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName(hosts[0]))) { port = s.getLocalPort(); }
            }
            boolean ok = true;
            for (String h : hosts) {
                try {
                    if (tcp) new ServerSocket(port, 1, InetAddress.getByName(h)).close();
                    else new DatagramSocket(new InetSocketAddress(h, port)).close();
                } catch (IOException taken) {
                    ok = false;
                }
            }
            if (ok) return port;
        }
        throw new IOException("no port free on every one of " + List.of(hosts));
    }
}
