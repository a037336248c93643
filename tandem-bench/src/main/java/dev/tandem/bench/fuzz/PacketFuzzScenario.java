package dev.tandem.bench.fuzz;

import dev.tandem.api.FailoverAnswers;
import dev.tandem.bench.BenchEnv;
import dev.tandem.bench.Result;
import dev.tandem.bench.ScenarioOptions;
import dev.tandem.bench.failover.PairFailoverScenario;
import dev.tandem.bench.proc.LocalCluster;
import dev.tandem.bench.proc.LoopbackLock;
import dev.tandem.bench.proc.RealProcessOptions;
import dev.tandem.core.NodeId;
import dev.tandem.core.rm.NodeState;
import dev.tandem.core.rm.Reason;
import dev.tandem.core.rm.RmMessage;
import dev.tandem.core.rm.Serving;
import dev.tandem.core.rm.Versions;
import dev.tandem.node.config.ConfigLoader;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.crypto.ClusterKey;
import dev.tandem.node.crypto.Envelope;
import dev.tandem.node.demo.DemoCluster;
import dev.tandem.node.wire.LbCodec;
import dev.tandem.node.wire.ReplicationCodec;
import dev.tandem.node.wire.RmCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Scenario 9, packets and requests from a hostile network against a running pair (docs/reliability.md): random and
 * mutated datagrams at the recovery managers' and the load-balancing group's ports, bad frames at the session
 * replication port, and malformed HTTP at the admin, session and redirect ports. Nothing may crash a node or change a state; every datagram the node reads is dropped
 * and counted by its cause ({@code tandem_packets_dropped_total}).
 */
@Command(name = "packet-fuzz", mixinStandardHelpOptions = true,
        description = "Random and mutated datagrams at a running pair's heartbeat and group ports, bad frames at its"
                + " session replication port, and malformed HTTP at its admin, session and redirect ports: no crash, no"
                + " state change, every drop counted by cause.")
public final class PacketFuzzScenario implements Callable<Integer> {
    @Mixin
    ScenarioOptions options;

    @Mixin
    RealProcessOptions real;

    @Option(names = "--packets", defaultValue = "1000000", description = "datagrams in all (default ${DEFAULT-VALUE})")
    int packets;

    @Option(names = "--requests", defaultValue = "20000", description = "HTTP requests in all (default ${DEFAULT-VALUE})")
    int requests;

    @Option(names = "--frames", defaultValue = "20000",
            description = "connections to n1's session replication port, one bad frame each (default ${DEFAULT-VALUE})")
    int frames;

    @Option(names = "--rate", defaultValue = "5000", description = "datagrams per second at most: faster, and the"
            + " kernel drops what the node's socket buffer cannot hold, uncounted by the node (default ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--seed", defaultValue = "1", description = "the seed of every packet (default ${DEFAULT-VALUE})")
    long seed;

    /** What a mutated or random datagram was built as: the rows of the result. */
    enum Kind { RANDOM, SEALED_BYTES_MUTATED, PAYLOAD_MUTATED_AND_SEALED, WRONG_KIND, REPLAYED, WRONG_KEY }

    private static final Pattern DROPPED = Pattern.compile("^tandem_packets_dropped_total\\{cause=\"([a-z_]+)\".*?} ([0-9.eE+]+)$",
            Pattern.MULTILINE);

    @Override
    public Integer call() throws Exception {
        BenchEnv env = options.env();
        if (packets < 1 || requests < 0 || frames < 0 || rate < 100) {
            throw new IllegalArgumentException("--packets: at least 1; --requests, --frames: at least 0; --rate: at least 100");
        }
        Path jar = env.requireJar();
        Result r = new Result("packet-fuzz", "Hostile packets and requests", env.command()).parameter("packets", packets)
                .parameter("requests", requests).parameter("seed", seed).parameter("subnet", real.subnet);
        r.note("A redundancy pair that is also a load-balancing group (fast profile), with the cluster key; the packets"
                + " go to n1. Datagrams sealed with the key come from a node the group does not have (n9), so that one"
                + " that survives every check is still no message of the group; a check that lets one through to a state"
                + " change shows as a changed state.");
        Path dir = Files.createTempDirectory("tandem-bench-packet-fuzz");
        int violations = 0;
        try (LoopbackLock lock = LoopbackLock.acquire(real.lock);
             LocalCluster c = LocalCluster.write(dir, jar, 2, DemoCluster.Profile.FAST, real.subnet)) {
            c.start(0);
            c.start(1);
            if (!LocalCluster.await(() -> c.normal(0) && c.normal(1) && c.agreedDirector() >= 0, 120_000, 200)) {
                throw new IllegalStateException("the pair never reached Normal / Normal with a director" + c.logs());
            }
            NodeConfig cfg = ConfigLoader.load(c.config(0));
            String before = picture(c);
            Map<String, Double> dropped0 = dropped(c, 0);
            String secret = Files.readString(dir.resolve("cluster-key")).strip();
            int heartbeatPort = dev.tandem.core.rm.ServiceParameters.fromText(cfg.parameters()).servicePort();
            int groupPort = cfg.loadBalancing().clusterPort();
            Map<Kind, Integer> sent = new TreeMap<>();
            long kernel0 = receiveBufferErrors();
            long t0 = System.nanoTime();
            sendDatagrams(c.host(0), heartbeatPort, groupPort, secret, sent);
            double udpSeconds = (System.nanoTime() - t0) / 1e9;
            long kernel = receiveBufferErrors() - kernel0;
            Map<String, Integer> answers = new TreeMap<>();
            long t1 = System.nanoTime();
            List<String> serverErrors = new ArrayList<>();
            if (requests > 0) {
                Map<String, InetSocketAddress> targets = new java.util.LinkedHashMap<>();
                targets.put("admin", new InetSocketAddress(c.host(0), cfg.admin().port()));
                if (cfg.sessionService() != null) targets.put("session", new InetSocketAddress(c.host(0), cfg.sessionService().port()));
                NodeConfig.Redirect redirect = cfg.loadBalancing().redirect();
                if (redirect != null && redirect.enabled()) {
                    targets.put("redirect", new InetSocketAddress(c.clusterAddress(), redirect.port()));
                }
                sendRequests(targets, answers, serverErrors);
            }
            double httpSeconds = (System.nanoTime() - t1) / 1e9;
            Thread.sleep(2000);
            Map<String, Double> dropped1 = dropped(c, 0);
            FailoverAnswers.Replication link0 = c.admin().failover(c.host(0)).orElseThrow().replication();
            FailoverAnswers.Replication sender0 = c.admin().failover(c.host(1)).orElseThrow().replication();
            Map<Kind, Integer> framesSent = new TreeMap<>();
            sendFrames(c.host(0), cfg.sessionService().replication().port(), secret, framesSent);
            Thread.sleep(1000);
            FailoverAnswers.Replication link1 = c.admin().failover(c.host(0)).orElseThrow().replication();
            FailoverAnswers.Replication sender1 = c.admin().failover(c.host(1)).orElseThrow().replication();
            Map<String, Double> dropped2 = dropped(c, 0);
            c.requireAlive();
            String after = picture(c);
            Result.Table t = r.table("Datagrams sent to n1, by how they were built", "built as", "sent");
            sent.forEach((k, v) -> t.row(k.name().toLowerCase().replace('_', ' '), v));
            Result.Table d = r.table("Dropped by n1, by cause (tandem_packets_dropped_total)", "cause", "dropped");
            long total = 0;
            for (String cause : dropped1.keySet()) {
                long n = Math.round(dropped1.get(cause) - dropped0.getOrDefault(cause, 0.0));
                if (n > 0) d.row(cause, n);
                total += n;
            }
            Result.Table h = r.table("HTTP requests, by answer", "answer", "requests");
            answers.forEach(h::row);
            Result.Table f = r.table("Connections to n1's session replication port, one frame each, by how the frame"
                    + " was built", "built as", "connections");
            framesSent.forEach((k, v) -> f.row(k.name().toLowerCase().replace('_', ' '), v));
            Result.Table fd = r.table("Replication frames rejected by n1, by cause (tandem_packets_dropped_total)",
                    "cause", "rejected");
            for (String cause : dropped2.keySet()) {
                long n = Math.round(dropped2.get(cause) - dropped1.getOrDefault(cause, 0.0));
                if (n > 0) fd.row(cause, n);
            }
            // The peer's stream must live through it: n1 keeps its whole copy, n2 never has to send a snapshot again.
            boolean streamKept = link1.copiesComplete() && sender1.snapshots() == sender0.snapshots();
            if (!streamKept) violations++;
            boolean same = before.equals(after);
            if (!same) violations++;
            // Bad input gets a clear refusal (4xx), never a server error.
            violations += serverErrors.size();
            if (!serverErrors.isEmpty()) r.raw("serverErrors", serverErrors.subList(0, Math.min(20, serverErrors.size())));
            Result.Table s = r.table("What the pair did", "check", "result");
            s.row("processes", "both alive");
            s.row("states, director, holders before", before);
            s.row("states, director, holders after", after);
            s.row("state changes", same ? 0 : 1);
            s.row("server errors (5xx) to bad requests", serverErrors.size());
            s.row("datagrams sent / dropped and counted / lost in a full receive buffer (machine-wide)",
                    packets + " / " + total + " / " + kernel);
            s.row("datagrams per second sent", Result.round(packets / udpSeconds, 0));
            s.row("HTTP requests per second", requests == 0 ? 0 : Result.round(requests / httpSeconds, 0));
            s.row("replication frames rejected by n1", link1.framesRejected() - link0.framesRejected());
            s.row("n2's replication stream to n1 kept (whole copy, no new snapshot)", streamKept ? "yes" : "NO");
            r.raw("dropped", dropped1);
            System.out.println(packets + " datagrams (" + total + " dropped and counted), " + requests + " requests: "
                    + (same ? "no state changed" : "STATE CHANGED: " + before + " -> " + after));
        } finally {
            PairFailoverScenario.deleteTree(dir);
        }
        System.out.println("wrote " + r.write(env.results()));
        return violations == 0 ? 0 : 1;
    }

    /** Each node's state and reason, the director and who holds the cluster address, as n1 and n2 see them. */
    private static String picture(LocalCluster c) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < c.size(); i++) {
            b.append(c.id(i)).append(' ').append(c.admin().stateOf(c.host(i), c.id(i)).orElse("?")).append("; ");
        }
        b.append("director ").append(c.admin().loadBalancing(c.host(0)).map(l -> l.director()).orElse("?"));
        return b.toString();
    }

    /** UDP datagrams the kernel dropped because a socket's receive buffer was full, on the whole machine. */
    private static long receiveBufferErrors() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/net/snmp")).stream().filter(l -> l.startsWith("Udp:")).toList();
        String[] names = lines.get(0).split("\\s+");
        String[] values = lines.get(1).split("\\s+");
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals("RcvbufErrors")) return Long.parseLong(values[i]);
        }
        return 0;
    }

    private static Map<String, Double> dropped(LocalCluster c, int i) throws IOException {
        Map<String, Double> out = new TreeMap<>();
        Matcher m = DROPPED.matcher(c.admin().text(c.host(i), "/metrics"));
        while (m.find()) out.merge(m.group(1), Double.parseDouble(m.group(2)), Double::sum);
        return out;
    }

    private void sendDatagrams(String host, int heartbeatPort, int groupPort, String secret, Map<Kind, Integer> sent)
            throws Exception {
        Random r = new Random(seed);
        ClusterKey key = ClusterKey.fromSecret(secret);
        ClusterKey wrong = ClusterKey.fromSecret("not the cluster's key, " + seed);
        Envelope stranger = new Envelope(Optional.of(key), true, "n9", 1);
        Envelope wrongKey = new Envelope(Optional.of(wrong), true, "n1", 1);
        RmMessage.Heartbeat hb = new RmMessage.Heartbeat(NodeId.of("n9"), "g1", "g1|[n1, n2]|ha=true", 7, 1,
                NodeState.NORMAL, Reason.NORMAL, null, true, false, 0, Versions.current("fuzz"), Set.of(Serving.Side.OWN));
        byte[] payload = RmCodec.encode(hb);
        List<byte[]> history = new ArrayList<>();
        InetSocketAddress rm = new InetSocketAddress(host, heartbeatPort);
        InetSocketAddress lb = new InetSocketAddress(host, groupPort);
        long start = System.nanoTime();
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            for (int i = 0; i < packets; i++) {
                Kind k = Kind.values()[r.nextInt(Kind.values().length)];
                byte[] p = switch (k) {
                    case RANDOM -> random(r);
                    case SEALED_BYTES_MUTATED -> mutate(stranger.seal(RmCodec.KIND, payload), r);
                    case PAYLOAD_MUTATED_AND_SEALED -> stranger.seal(RmCodec.KIND, mutate(payload, r));
                    case WRONG_KIND -> stranger.seal(LbCodec.KIND, payload);
                    case REPLAYED -> history.isEmpty() ? stranger.seal(RmCodec.KIND, payload) : history.get(r.nextInt(history.size()));
                    case WRONG_KEY -> wrongKey.seal(r.nextBoolean() ? RmCodec.KIND : LbCodec.KIND, r.nextBoolean() ? payload : mutate(payload, r));
                };
                if (history.size() < 64 && k != Kind.RANDOM) history.add(p);
                // The group's port gets only what no key opens: a datagram the group accepted would be a member's.
                boolean toGroup = r.nextInt(3) == 0 && (k == Kind.RANDOM || k == Kind.SEALED_BYTES_MUTATED || k == Kind.WRONG_KEY);
                s.send(new DatagramPacket(p, p.length, toGroup ? lb : rm));
                sent.merge(k, 1, Integer::sum);
                // At most --rate a second: a node that reads them all, not a socket buffer that overflows.
                long due = start + (long) ((i + 1) * 1e9 / rate);
                long ahead = due - System.nanoTime();
                if (ahead > 1_000_000) Thread.sleep(ahead / 1_000_000);
            }
        }
    }

    /**
     * One connection per frame to n1's replication port, the frame length-prefixed as the peer's are: random bytes
     * under a random length, sealed replication batches from n9 (a node that is not the peer) mutated before or after
     * sealing, a heartbeat where a batch belongs, and frames under another key. None may cut n2's stream to n1.
     */
    private void sendFrames(String host, int port, String secret, Map<Kind, Integer> sent) throws Exception {
        Random r = new Random(seed + 2);
        ClusterKey key = ClusterKey.fromSecret(secret);
        Envelope stranger = new Envelope(Optional.of(key), true, "n9", 1);
        Envelope wrongKey = new Envelope(Optional.of(ClusterKey.fromSecret("not the cluster's key, " + seed)), true, "n2", 1);
        byte[] batch = ReplicationCodec.encode(new ReplicationCodec.Batch(1, 1, true, true, 1,
                List.of(new ReplicationCodec.Copy("t", "alice", "10.0.0.1", "n2", 1_000, 2_000, -1)), List.of()));
        Kind[] kinds = {Kind.RANDOM, Kind.SEALED_BYTES_MUTATED, Kind.PAYLOAD_MUTATED_AND_SEALED, Kind.WRONG_KIND, Kind.WRONG_KEY};
        InetSocketAddress to = new InetSocketAddress(host, port);
        for (int i = 0; i < frames; i++) {
            Kind k = kinds[r.nextInt(kinds.length)];
            byte[] frame = switch (k) {
                case SEALED_BYTES_MUTATED -> mutate(stranger.seal(ReplicationCodec.KIND, batch), r);
                case PAYLOAD_MUTATED_AND_SEALED -> stranger.seal(ReplicationCodec.KIND, mutate(batch, r));
                case WRONG_KIND -> stranger.seal(RmCodec.KIND, batch);
                case WRONG_KEY -> wrongKey.seal(ReplicationCodec.KIND, batch);
                default -> random(r);
            };
            // The length prefix: the frame's own, or (one time in four) a random one that lies about it.
            int length = r.nextInt(4) == 0 ? r.nextInt() : frame.length;
            try (Socket s = new Socket()) {
                s.connect(to, 2000);
                s.setSoTimeout(3000);
                java.io.DataOutputStream out = new java.io.DataOutputStream(s.getOutputStream());
                out.writeInt(length);
                out.write(frame);
                out.flush();
                s.shutdownOutput();
                s.getInputStream().read(); // n1 closes it once the frame fails its checks
            } catch (IOException e) {
                // a reset or a timeout: the node closed it its own way; counted by the node, not here
            }
            sent.merge(k, 1, Integer::sum);
        }
    }

    private static byte[] random(Random r) {
        byte[] b = new byte[r.nextInt(1400)];
        r.nextBytes(b);
        return b;
    }

    /** A valid message, changed as a fuzzer would: bytes flipped or overwritten, cut short, extended, a length field. */
    static byte[] mutate(byte[] valid, Random r) {
        byte[] b = valid.clone();
        switch (r.nextInt(5)) {
            case 0 -> {
                for (int n = 1 + r.nextInt(4); n > 0 && b.length > 0; n--) b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
            }
            case 1 -> {
                if (b.length > 0) b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            }
            case 2 -> b = java.util.Arrays.copyOf(b, r.nextInt(Math.max(1, b.length)));
            case 3 -> {
                byte[] more = new byte[1 + r.nextInt(64)];
                r.nextBytes(more);
                byte[] x = java.util.Arrays.copyOf(b, b.length + more.length);
                System.arraycopy(more, 0, x, b.length, more.length);
                b = x;
            }
            default -> {
                if (b.length > 2) {
                    int at = r.nextInt(b.length - 1);
                    b[at] = (byte) (r.nextBoolean() ? 0xFF : 0x00);
                    b[at + 1] = (byte) (r.nextBoolean() ? 0xFF : 0x7F);
                }
            }
        }
        return b;
    }

    /** Malformed HTTP, one connection each: the first line of each answer is counted, or how the connection ended. */
    private void sendRequests(Map<String, InetSocketAddress> targets, Map<String, Integer> answers, List<String> serverErrors) {
        List<String> names = List.copyOf(targets.keySet());
        Random r = new Random(seed + 1);
        String[] bad = {"GET / HTTP/9.9\r\n\r\n", "BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n", "GET " + "/a".repeat(5000)
                + " HTTP/1.1\r\nHost: x\r\n\r\n", "GET / HTTP/1.1\r\nHost: x\r\nX: " + "y".repeat(70_000) + "\r\n\r\n",
                "POST /api/v1/users HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
                "POST /session/login HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                "GET /%00%ff/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", "\r\n\r\n\r\n", "GET / HTTP/1.1\r\n\r\n"};
        for (int i = 0; i < requests; i++) {
            String name = names.get(i % names.size());
            InetSocketAddress to = targets.get(name);
            byte[] req;
            if (r.nextInt(3) == 0) {
                req = random(r);
            } else {
                req = bad[r.nextInt(bad.length)].getBytes(StandardCharsets.ISO_8859_1);
                if (r.nextBoolean()) req = mutate(req, r);
            }
            String answer = exchange(to, req);
            answers.merge(name + " " + answer, 1, Integer::sum);
            // 505 is HTTP's own refusal of an unknown version, not a failure of the server.
            if (answer.startsWith("5") && !answer.equals("505")) {
                serverErrors.add(name + " " + answer + ": " + java.util.HexFormat.of().formatHex(req, 0, Math.min(req.length, 200)));
            }
        }
    }

    private static String exchange(InetSocketAddress to, byte[] req) {
        try (Socket s = new Socket()) {
            s.connect(to, 2000);
            s.setSoTimeout(3000);
            OutputStream out = s.getOutputStream();
            out.write(req);
            out.flush();
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            byte[] head = in.readNBytes(12);
            String line = new String(head, StandardCharsets.ISO_8859_1);
            if (line.startsWith("HTTP/1.1 ") || line.startsWith("HTTP/1.0 ")) return line.substring(9, 12);
            return head.length == 0 ? "closed" : "other";
        } catch (java.net.SocketTimeoutException e) {
            return "timeout";
        } catch (IOException e) {
            return "reset";
        }
    }
}
