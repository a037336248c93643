package dev.tandem.cli.admin;

import dev.tandem.node.api.AdminApi;
import dev.tandem.node.config.ConfigLoader;
import dev.tandem.node.runtime.TandemNode;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * A real node and its admin API in the test's JVM, alone in its redundancy group and in its load-balancing group,
 * on 127.0.0.1 with ports that were free when it started.
 */
final class InProcessNode implements AutoCloseable {
    static final String TOKEN = "cli-test-token-5d1e";
    final TandemNode node;
    final AdminApi api;
    final Path tokenFile;

    private InProcessNode(TandemNode node, AdminApi api, Path tokenFile) {
        this.node = node;
        this.api = api;
        this.tokenFile = tokenFile;
    }

    String url() {
        return "http://127.0.0.1:" + api.port();
    }

    static InProcessNode start(Path dir, boolean ha) throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("admin-token"), TOKEN + "\n");
        Files.writeString(dir.resolve("cluster-key"), "cluster-key-of-cli-tests\n");
        int admin = freeTcp();
        int service = freeUdp();
        int lbPort = freeUdp();
        String yaml = """
                node:
                  id: n1
                  address: 127.0.0.1
                admin:
                  port: %d
                  tokenFile: admin-token
                cluster:
                  keyFile: cluster-key
                  encryption: true
                redundancyGroup:
                  name: solo
                  description: one node
                  highAvailability: %s
                  nodes:
                    - id: n1
                      address: 127.0.0.1
                parameters:
                  keepAliveInterval: 1s
                  keepAliveTimeout: 5s
                  initKeepAliveTimeout: 10s
                  servicePort: %d
                  adminRpcPort: %d
                loadBalancing:
                  clusterAddress: 127.0.0.254
                  clusterPort: %d
                  participate: true
                  priority: 7
                  publicAddress: 127.0.0.1
                  privateAddress: 127.0.0.1
                  model: Test-1
                  maxSessions: 100
                  peers: []
                """.formatted(admin, ha, service, admin, lbPort);
        Path file = Files.writeString(dir.resolve("n1.yaml"), yaml);
        TandemNode n = new TandemNode(ConfigLoader.load(file), Clock.systemUTC());
        n.start();
        AdminApi api = new AdminApi(n).start();
        return new InProcessNode(n, api, tokenFile);
    }

    private static int freeTcp() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static int freeUdp() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        api.close();
        node.close();
    }
}
