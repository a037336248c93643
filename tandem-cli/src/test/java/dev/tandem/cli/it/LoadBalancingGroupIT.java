package dev.tandem.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.node.demo.DemoCluster;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A load-balancing group of three real node processes (fast profile) on 127.0.0.11 to .13 with the cluster address
 * 127.0.0.10: the best-ranked node directs and holds the address; killed with SIGKILL, the next is elected and
 * holds it; loads reported by the session service reach the director.
 */
class LoadBalancingGroupIT {
    private static final String[] HOSTS = {"127.0.0.11", "127.0.0.12", "127.0.0.13"};
    private static final Duration BOUND = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private NodeAdmin admin;

    @BeforeEach
    void startGroup() throws Exception {
        List<Path> configs = DemoCluster.write(dir, 3, DemoCluster.Profile.FAST);
        admin = new NodeAdmin(Files.readString(dir.resolve("admin-token")).strip());
        for (Path c : configs) nodes.add(new NodeProcess(c).start());
        // Started together, the best-ranked (n1: priority 10) normally directs; a JVM that starts late may find
        // another already directing, and then it joins (non-preemptive), so the tests ask who directs.
        director = awaitAnyDirector();
    }

    private int director;

    /** The index of the node that directs, once all three agree on it. */
    private int awaitAnyDirector() {
        int[] found = {-1};
        try {
            await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(() -> {
                String d = null;
                for (String h : HOSTS) {
                    String seen;
                    try {
                        seen = text(lb(h), "director");
                    } catch (Exception e) {
                        return false;
                    }
                    if (seen == null || (d != null && !d.equals(seen))) return false;
                    d = seen;
                }
                found[0] = Integer.parseInt(d.substring(1)) - 1;
                return true;
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            StringBuilder logs = new StringBuilder();
            for (NodeProcess n : nodes) logs.append("\n---\n").append(n.log());
            throw new AssertionError("the three nodes never agreed on a director" + logs, e);
        }
        return found[0];
    }

    @AfterEach
    void stopAll() {
        nodes.forEach(NodeProcess::close);
    }

    @Test
    void killedDirectorIsReplacedAndTheNewOneHoldsTheClusterAddress() throws Exception {
        // [LB-ELECT]: priority, then lowest IP; demo init gives n1 10, n2 9, n3 8.
        assertThat(lb(HOSTS[director]).get("holdsClusterAddress").asBoolean()).isTrue();
        nodes.get(director).kill();
        int next = director == 0 ? 1 : 0; // the best-ranked of the two left
        int other = 3 - director - next;
        String nextId = "n" + (next + 1);
        awaitDirector(HOSTS[next], nextId);
        await().atMost(BOUND).until(() -> lb(HOSTS[next]).get("holdsClusterAddress").asBoolean());
        awaitDirector(HOSTS[other], nextId, "Backup");
    }

    @Test
    void theSessionServicesLoadReachesTheDirectorsTable() throws Exception {
        int reporter = director == 2 ? 1 : 2;
        String service = "http://" + HOSTS[reporter] + ":" + DemoCluster.SERVICE_PORT;
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < 42; i++) {
            java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(service + "/session/login?user=u" + i)).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            sessions.add(com.fasterxml.jackson.databind.json.JsonMapper.builder().build().readTree(r.body()).get("session").asText());
        }
        // Heartbeats keep the 42 sessions active (the fast profile makes a session inactive after 1.5 s without one).
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread beats = Thread.ofVirtual().start(() -> {
            while (!done.get()) {
                for (String sid : sessions) {
                    http.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(service + "/session/heartbeat"))
                            .header("X-Tandem-Session", sid).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                            java.net.http.HttpResponse.BodyHandlers.discarding());
                }
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            await().atMost(BOUND).untilAsserted(() -> {
                JsonNode rows = lb(HOSTS[director]).get("members");
                JsonNode row = null;
                for (JsonNode r : rows) if (r.get("publicIp").asText().equals(HOSTS[reporter])) row = r;
                assertThat(row).isNotNull();
                assertThat(row.get("sslLoad").asInt()).isEqualTo(42); // the specification ([LB-MIX]): 42 active of 100
            });
        } finally {
            done.set(true);
            beats.join();
        }
        assertThat(lb(HOSTS[director]).get("text").asText()).contains("Cluster IP : 127.0.0.10").contains("Master");
        // The service owns its node's load: a second source through the admin API is refused, not mixed in.
        NodeAdmin.Answer put = admin.put(HOSTS[reporter], "/api/v1/load", "{\"ssl\":{\"active\":1,\"max\":10}}");
        assertThat(put.status()).isEqualTo(409);
        assertThat(put.body().get("error").asText()).contains("session service");
    }

    @Test
    void garbageAtTheGroupPortChangesNothing() throws Exception {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.99", 0))) {
            Random r = new Random(11);
            for (String host : List.of(HOSTS[0], HOSTS[1], "127.0.0.10")) {
                for (int i = 0; i < 40; i++) {
                    byte[] junk = new byte[1 + r.nextInt(300)];
                    r.nextBytes(junk);
                    s.send(new DatagramPacket(junk, junk.length, new InetSocketAddress(host, 9023)));
                }
                // A director announcement sealed with the wrong key: it would take the role if it were believed.
                dev.tandem.node.crypto.Envelope wrong = new dev.tandem.node.crypto.Envelope(
                        java.util.Optional.of(dev.tandem.node.crypto.ClusterKey.fromSecret("not-the-cluster-key")), true, "n9", 1);
                dev.tandem.core.lb.MemberInfo info = new dev.tandem.core.lb.MemberInfo(
                        dev.tandem.core.lb.MemberName.of("n9"), dev.tandem.core.lb.IpAddress.parse("ip", "127.0.0.9"), 10,
                        "Tandem", dev.tandem.core.lb.IpAddress.parse("ip", "127.0.0.9"));
                dev.tandem.core.lb.GroupSignature sig = new dev.tandem.core.lb.GroupSignature("127.0.0.10", 9023, true,
                        "0000000000000000", dev.tandem.core.lb.VpnMode.DISTRIBUTED);
                byte[] forged = wrong.seal(dev.tandem.node.wire.LbCodec.KIND, dev.tandem.node.wire.LbCodec.encode(
                        new dev.tandem.core.lb.LbMessage.DirectorAnnounce(dev.tandem.core.NodeId.of("n9"), sig, info, 99)));
                s.send(new DatagramPacket(forged, forged.length, new InetSocketAddress(host, 9023)));
            }
        }
        // Garbage at the admin port too: a bad HTTP request gets an error, the node carries on.
        try (java.net.Socket sock = new java.net.Socket(HOSTS[director], 20075)) {
            sock.getOutputStream().write("\u0000\u0001GARBAGE / HTTP/9\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            sock.getOutputStream().flush();
            sock.setSoTimeout(5000);
            String answer = new String(sock.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 4");
        }
        await().atMost(BOUND).until(() -> admin.metrics(HOSTS[1]).contains("tandem_packets_dropped_total{cause=\"unauthenticated\"}"));
        Thread.sleep(1000);
        assertThat(text(lb(HOSTS[(director + 1) % 3]), "director")).isEqualTo("n" + (director + 1));
        assertThat(text(lb(HOSTS[director]), "role")).isEqualTo("Master");
    }

    private JsonNode lb(String host) throws Exception {
        return admin.get(host, "/api/v1/load-balancing").body();
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    @Test
    void participateAndTheGroupsModeChangeWhileTheNodesRun() throws Exception {
        // n3, whatever its role: if it directs, turning participate off hands the group to another director.
        String n3 = HOSTS[2];
        NodeAdmin.Answer off = admin.postText(HOSTS[director], "/api/v1/config/commands?node=n3",
                "vpn load-balancing\n no participate\n");
        assertThat(off.status()).as(off.body().toString()).isEqualTo(200);
        assertThat(off.body().get("restartRequired")).as("participate applies live").isEmpty();
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(membersSeenByTheDirector()).isNotEmpty().doesNotContain(n3));
        assertThat(lb(n3).get("holdsClusterAddress").asBoolean()).isFalse();
        assertThat(nodes.get(2).alive()).as("the node itself runs on").isTrue();

        NodeAdmin.Answer on = admin.postText(HOSTS[0], "/api/v1/config/commands?node=n3",
                "vpn load-balancing\n participate\n");
        assertThat(on.status()).as(on.body().toString()).isEqualTo(200);
        assertThat(on.body().get("restartRequired")).isEmpty();
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(membersSeenByTheDirector()).contains(n3, HOSTS[0], HOSTS[1]));

        // The group's mode applies live too: each node's watcher takes it and its machine restarts under it; while
        // the nodes differ they refuse each other, and once all run it the group is whole again under one director.
        changeGroupLive(HOSTS[0], "mode", "centralized");
        awaitEveryNodeRuns("mode", "centralized", v -> "Master".equals(text(v, "role")),
                () -> assertThat(membersSeenByTheDirector()).contains(HOSTS[0], HOSTS[1], HOSTS[2]));
        assertThat(nodes).as("no node restarted for it").allMatch(NodeProcess::alive);

        // The cluster address moves while the nodes run: the director lets 127.0.0.10 go, the group elects again and
        // its director answers clients on the new address.
        changeGroupLive(HOSTS[1], "clusterAddress", MOVED);
        awaitEveryNodeRuns("clusterIp", MOVED, v -> v.get("holdsClusterAddress").asBoolean(),
                () -> assertThat(redirectStatus(MOVED)).isEqualTo(302));
        assertThat(redirectStatus("127.0.0.10")).as("the old address answers no more").isEqualTo(-1);
        assertThat(nodes).as("no node restarted for it").allMatch(NodeProcess::alive);
    }

    private static final String MOVED = "127.0.0.9";

    /** Sets one of the group's settings in the store through {@code host}; the answer names no node to restart. */
    private void changeGroupLive(String host, String setting, String value) throws Exception {
        NodeAdmin.Answer a = admin.put(host, "/api/v1/cluster/load-balancing/settings",
                "{\"group\": {\"" + setting + "\": \"" + value + "\"}}");
        assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
        assertThat(a.body().get("restartRequired")).as(setting + " applies live").isEmpty();
    }

    /**
     * Waits until every node shows {@code field} as {@code value}, exactly one of them is {@code theOne} (the director,
     * the holder of the address) and {@code also} holds.
     */
    private void awaitEveryNodeRuns(String field, String value, java.util.function.Predicate<JsonNode> theOne,
                                    org.assertj.core.api.ThrowableAssert.ThrowingCallable also) {
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            int ones = 0;
            for (String h : HOSTS) {
                JsonNode v = lb(h);
                assertThat(text(v, field)).as(h + " " + field).isEqualTo(value);
                if (theOne.test(v)) ones++;
            }
            assertThat(ones).as("nodes that are the one").isEqualTo(1);
            also.call();
        });
    }

    /** The status the redirect service on {@code address} answers a new client with, or -1 when none answers. */
    private static int redirectStatus(String address) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(address, DemoCluster.SERVICE_PORT), 1000);
            s.setSoTimeout(2000);
            s.getOutputStream().write(("GET /?user=u1 HTTP/1.1\r\nHost: " + address + "\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            return line == null ? -1 : Integer.parseInt(line.split(" ")[1]);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** The public addresses in the member table of the node that directs now; empty while none does. */
    private List<String> membersSeenByTheDirector() {
        for (String h : HOSTS) {
            try {
                JsonNode v = lb(h);
                if (!"Master".equals(text(v, "role"))) continue;
                List<String> out = new ArrayList<>();
                for (JsonNode r : v.get("members")) out.add(r.get("publicIp").asText());
                return out;
            } catch (Exception e) {
                // not answering now: ask the next
            }
        }
        return List.of();
    }

    private void awaitDirector(String host, String director) {
        awaitDirector(host, director, "Master");
    }

    private void awaitDirector(String host, String director, String role) {
        try {
            await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(() -> {
                try {
                    JsonNode v = lb(host);
                    return director.equals(text(v, "director")) && role.equals(text(v, "role"));
                } catch (Exception e) {
                    return false;
                }
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            StringBuilder logs = new StringBuilder();
            for (NodeProcess n : nodes) logs.append("\n---\n").append(n.log());
            throw new AssertionError(host + " never saw " + director + " direct" + logs, e);
        }
    }
}
