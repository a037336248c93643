package dev.tandem.bench.protocol;

import dev.tandem.bench.BenchEnv;
import dev.tandem.bench.Result;
import dev.tandem.bench.ScenarioOptions;
import dev.tandem.bench.failover.PairFailoverScenario;
import dev.tandem.bench.proc.LocalCluster;
import dev.tandem.bench.proc.LoopbackLock;
import dev.tandem.bench.proc.NodeProc;
import dev.tandem.bench.proc.ProcStat;
import dev.tandem.bench.proc.RealProcessOptions;
import dev.tandem.node.config.ConfigLoader;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.demo.DemoCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Scenario 5, protocol cost: the director's CPU time and packets per second at the specification's keepalive timing, with
 * real member processes and with emulated members ({@link MemberEmulator}) for the large group.
 */
@Command(name = "protocol", mixinStandardHelpOptions = true,
        description = "Protocol cost: director CPU time and packets per second with 10 real members, and with 10 and"
                + " 100 members of which all but the director are emulated in one process; specification keepalive timing.")
public final class ProtocolScenario implements Callable<Integer> {
    @Mixin
    ScenarioOptions options;

    @Mixin
    RealProcessOptions real;

    @Option(names = "--real-members", defaultValue = "10", description = "members as real processes, the director"
            + " included; 0 skips that case (default ${DEFAULT-VALUE})")
    int realMembers;

    @Option(names = "--emulated", split = ",", defaultValue = "10,100",
            description = "group sizes with one real director and the other members emulated (default ${DEFAULT-VALUE})")
    List<Integer> emulated;

    @Option(names = "--window", defaultValue = "60", description = "seconds measured once the group is complete (default ${DEFAULT-VALUE})")
    int window;

    @Option(names = "--settle", defaultValue = "10", description = "seconds waited after the group is complete (default ${DEFAULT-VALUE})")
    int settle;

    @Option(names = "--profile", defaultValue = "default", description = "default (the specification's 1 s keepalives) or fast (default ${DEFAULT-VALUE})")
    String profile;

    @Override
    public Integer call() throws Exception {
        BenchEnv env = options.env();
        if (realMembers < 0 || realMembers > 20) throw new IllegalArgumentException("--real-members: " + realMembers + "; allowed: 0 to 20");
        for (int n : emulated) {
            if (n < 2 || n > 150) throw new IllegalArgumentException("--emulated: " + n + " is not allowed; allowed: 2 to 150");
        }
        if (window < 1) throw new IllegalArgumentException("--window: " + window + "; allowed: 1 or more seconds");
        DemoCluster.Profile p = RealProcessOptions.profiles(profile).get(0);
        Path jar = env.requireJar();
        Result r = new Result("protocol", "Protocol cost", env.command()).parameter("windowSeconds", window)
                .parameter("timing", RealProcessOptions.label(p)).parameter("subnet", real.subnet)
                .parameter("nodeJvm", String.join(" ", NodeProc.JVM_OPTIONS));
        r.note("The director's CPU time is utime + stime of its process from /proc/PID/stat over the window: the whole"
                + " node (load-balancing group, redundancy pair, admin API, JVM background threads), not the protocol alone.");
        r.note("Emulated members run the production load-balancing machine with the real codec and envelope, one UDP"
                + " socket each on its own loopback address, all in the benchmark's process; their packets are counted"
                + " exactly. With real members the packets are the machine's UDP datagrams during the window (from"
                + " /proc/net/snmp) less the rate measured before the group started: nearly all of them go to or from"
                + " the director (the pairs' 15 s heartbeats are the rest).");
        r.note("Loads stay the same during the window, so the director pushes no topology: the figures are the"
                + " keepalive exchange (one request and one response per member per second) and the node's own work.");
        Result.Table t = r.table("Director cost at the specification's keepalive timing (1 s keepalives)", "members", "members are",
                "director CPU ms/s", "% of one core", "packets/s at the director", "bytes/s at the director",
                "packets/s per member");
        if (realMembers > 0) {
            measureReal(jar, p, t, r);
            r.write(env.results());
        }
        for (int n : emulated) {
            measureEmulated(jar, p, n, t, r);
            r.write(env.results());
        }
        System.out.println("wrote " + r.write(env.results()));
        return 0;
    }

    private void measureReal(Path jar, DemoCluster.Profile p, Result.Table t, Result r) throws Exception {
        Path dir = Files.createTempDirectory("tandem-bench-protocol");
        try (LoopbackLock lock = LoopbackLock.acquire(real.lock);
             LocalCluster c = LocalCluster.write(dir, jar, realMembers, p, real.subnet)) {
            long[] u0 = udp();
            Thread.sleep(5000);
            long[] u1 = udp();
            double idle = (u1[0] - u0[0]) / 5.0;
            for (int i = 0; i < realMembers; i++) c.start(i);
            int[] d = {-1};
            if (!LocalCluster.await(() -> (d[0] = c.agreedDirector()) >= 0 && members(c, d[0]) == realMembers, 180_000, 500)) {
                throw new IllegalStateException("the group of " + realMembers + " never completed" + c.logs());
            }
            Thread.sleep(settle * 1000L);
            NodeProc director = c.node(d[0]);
            long cpu0 = director.cpuTicks();
            long[] a = udp();
            Thread.sleep(window * 1000L);
            long cpu1 = director.cpuTicks();
            long[] b = udp();
            double pps = (b[0] - a[0]) / (double) window - idle;
            double cpuMs = (cpu1 - cpu0) * 1000.0 / ProcStat.TICKS_PER_SECOND / window;
            t.row(realMembers, "real processes", Result.round(cpuMs, 1), Result.round(cpuMs / 10, 2), Result.round(pps, 1),
                    null, Result.round(pps / (realMembers - 1), 2));
            r.raw("real " + realMembers, Map.of("cpuTicks", cpu1 - cpu0, "udpDatagrams", b[0] - a[0],
                    "idleDatagramsPerSecond", idle));
        } finally {
            PairFailoverScenario.deleteTree(dir);
        }
    }

    private void measureEmulated(Path jar, DemoCluster.Profile p, int n, Result.Table t, Result r) throws Exception {
        Path dir = Files.createTempDirectory("tandem-bench-protocol");
        try (LoopbackLock lock = LoopbackLock.acquire(real.lock);
             LocalCluster c = LocalCluster.write(dir, jar, 1, p, real.subnet)) {
            NodeProc director = c.start(0);
            if (!LocalCluster.await(() -> c.agreedDirector() == 0, 180_000, 200)) {
                throw new IllegalStateException("the lone node never directed" + c.logs());
            }
            NodeConfig cfg = ConfigLoader.load(c.config(0));
            String secret = Files.readString(dir.resolve("cluster-key")).strip();
            List<String> hosts = new ArrayList<>();
            for (int i = 0; i < n - 1; i++) hosts.add("127.0." + real.subnet + "." + (100 + i));
            try (MemberEmulator e = new MemberEmulator(cfg.loadBalancing(), cfg.id(), c.host(0), secret, hosts)) {
                e.start();
                if (!LocalCluster.await(() -> e.joined() == n - 1 && members(c, 0) == n, 180_000, 500)) {
                    throw new IllegalStateException("only " + e.joined() + " of " + (n - 1) + " emulated members joined"
                            + c.logs());
                }
                Thread.sleep(settle * 1000L);
                long cpu0 = director.cpuTicks();
                long in0 = e.packetsSent(), out0 = e.packetsReceived(), bi0 = e.bytesSent(), bo0 = e.bytesReceived();
                Map<String, Long> types0 = e.receivedByType();
                Thread.sleep(window * 1000L);
                long cpu1 = director.cpuTicks();
                long in = e.packetsSent() - in0, out = e.packetsReceived() - out0;
                long bytes = e.bytesSent() - bi0 + e.bytesReceived() - bo0;
                double pps = (in + out) / (double) window;
                double cpuMs = (cpu1 - cpu0) * 1000.0 / ProcStat.TICKS_PER_SECOND / window;
                t.row(n, "1 real director, " + (n - 1) + " emulated", Result.round(cpuMs, 1), Result.round(cpuMs / 10, 2),
                        Result.round(pps, 1), Result.round(bytes / (double) window, 0), Result.round(pps / (n - 1), 2));
                Map<String, Long> types1 = e.receivedByType();
                Map<String, Object> byType = new java.util.TreeMap<>();
                types1.forEach((k, v) -> byType.put(k, v - types0.getOrDefault(k, 0L)));
                r.raw("emulated " + n, Map.of("cpuTicks", cpu1 - cpu0, "packetsToDirector", in, "packetsFromDirector", out,
                        "fromDirectorByType", byType, "dropped", e.dropped()));
            }
        } finally {
            PairFailoverScenario.deleteTree(dir);
        }
    }

    /** How many members the director at index {@code d} lists. */
    private static int members(LocalCluster c, int d) {
        return c.admin().loadBalancing(c.host(d)).map(j -> j.members().size()).orElse(-1);
    }

    /** Udp InDatagrams and OutDatagrams of this machine's network namespace. */
    private static long[] udp() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/net/snmp")).stream().filter(l -> l.startsWith("Udp:")).toList();
        String[] names = lines.get(0).split("\\s+");
        String[] values = lines.get(1).split("\\s+");
        long in = 0, out = 0;
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals("OutDatagrams")) out = Long.parseLong(values[i]);
            if (names[i].equals("InDatagrams")) in = Long.parseLong(values[i]);
        }
        return new long[] {out, in};
    }
}
