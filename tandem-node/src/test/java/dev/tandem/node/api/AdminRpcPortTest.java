package dev.tandem.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tandem.node.TestPorts;
import dev.tandem.node.runtime.TandemNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * [RG-HB] Admin RPC Port, followed while the node runs (docs/node.md, Admin RPC Port): a new port opens at once
 * beside the node's own admin.port; the one it replaces answers until every node has applied the change.
 */
class AdminRpcPortTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;
    private TandemNode node;
    private AdminApi api;

    @AfterEach
    void stop() {
        if (api != null) api.close();
        if (node != null) node.close();
    }

    private static int health(int port) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static boolean closed(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private void setRpcPort(int own, int port) throws Exception {
        AdminApiTest.Answer a = AdminApiTest.call("http://127.0.0.1:" + own, "PUT", "/api/v1/cluster/parameters",
                "Bearer " + AdminApiTest.TOKEN, "{\"adminRpcPort\":\"" + port + "\"}");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
    }

    @Test
    void aNewPortOpensAtOnceAndTheOldOneClosesOnceEveryNodeHasTheChange() throws Exception {
        node = AdminApiTest.startNode(dir, true);
        api = new AdminApi(node).start();
        int own = api.port();
        assertThat(api.rpcPorts()).isEmpty(); // the configuration's adminRpcPort is its admin.port

        int first = TestPorts.tcp("127.0.0.1");
        setRpcPort(own, first);
        await().atMost(WAIT).until(() -> health(first) == 200);
        assertThat(health(own)).isEqualTo(200); // the node's own port always answers
        assertThat(node.snapshot().params().adminRpcPort()).isEqualTo(first); // applied live, no restart

        int second;
        do {
            second = TestPorts.tcp("127.0.0.1");
        } while (second == first);
        int next = second;
        setRpcPort(own, next);
        await().atMost(WAIT).until(() -> health(next) == 200);
        // The node alone in the cluster reports the new epoch within a second or two: the old port then closes.
        await().atMost(WAIT).until(() -> closed(first));
        assertThat(api.rpcPorts()).containsExactly(next);

        setRpcPort(own, own);
        await().atMost(WAIT).until(() -> closed(next));
        assertThat(api.rpcPorts()).isEmpty();
        assertThat(health(own)).isEqualTo(200);
    }

    /** A port another process holds is tried again until it is free; nothing else is disturbed meanwhile. */
    @Test
    void aTakenPortIsTriedAgainUntilItIsFree() throws Exception {
        node = AdminApiTest.startNode(dir, true);
        api = new AdminApi(node).start();
        int own = api.port();
        int taken = TestPorts.tcp("127.0.0.1");
        try (java.net.ServerSocket holder = new java.net.ServerSocket()) {
            holder.bind(new InetSocketAddress("127.0.0.1", taken));
            setRpcPort(own, taken);
            Thread.sleep(1500); // at least one attempt to bind it has failed
            assertThat(api.rpcPorts()).isEmpty();
            assertThat(health(own)).isEqualTo(200);
        }
        await().atMost(WAIT).until(() -> health(taken) == 200);
        assertThat(api.rpcPorts()).containsExactly(taken);
    }
}
