package dev.tandem.bench.redirect;

import dev.tandem.bench.BenchEnv;
import dev.tandem.bench.Result;
import dev.tandem.bench.ScenarioOptions;
import dev.tandem.bench.failover.PairFailoverScenario;
import dev.tandem.bench.proc.LocalCluster;
import dev.tandem.bench.proc.LoopbackLock;
import dev.tandem.bench.proc.NodeProc;
import dev.tandem.bench.proc.RealProcessOptions;
import dev.tandem.bench.protocol.MemberEmulator;
import dev.tandem.node.config.ConfigLoader;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.demo.DemoCluster;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Scenario 3, redirect throughput and latency: wrk with keep-alive connections against the cluster address of a
 * real director with 1, 10 and 100 members in its topology, and, in the same run right after each, against nginx
 * answering {@code return 302} on loopback.
 */
@Command(name = "redirect", mixinStandardHelpOptions = true,
        description = "Redirect throughput and latency of the cluster address (wrk, keep-alive) with 1, 10 and 100"
                + " members, side by side with nginx 'return 302' in the same run. Needs wrk; nginx optional"
                + " (apt-get install -y wrk nginx).")
public final class RedirectScenario implements Callable<Integer> {
    static final int PORT = 8443;
    /** Unmeasured load before each measured run. */
    private static final int WARMUP_SECONDS = 3;

    @Mixin
    ScenarioOptions options;

    @Mixin
    RealProcessOptions real;

    @Option(names = "--members", split = ",", defaultValue = "1,10,100", description = "topology sizes (default ${DEFAULT-VALUE})")
    List<Integer> members;

    @Option(names = "--duration", defaultValue = "15", description = "seconds of load per measurement (default ${DEFAULT-VALUE})")
    int duration;

    @Option(names = "--connections", defaultValue = "50", description = "keep-alive connections (default ${DEFAULT-VALUE})")
    int connections;

    @Option(names = "--threads", defaultValue = "2", description = "wrk threads (default ${DEFAULT-VALUE})")
    int threads;

    @Override
    public Integer call() throws Exception {
        BenchEnv env = options.env();
        for (int m : members) {
            if (m < 1 || m > 150) throw new IllegalArgumentException("--members: " + m + " is not allowed; allowed: 1 to 150");
        }
        Optional<String> wrk = Wrk.version();
        if (wrk.isEmpty()) {
            System.err.println("tandem bench redirect: wrk is not installed; install it (and nginx for the comparison) with: "
                    + String.join("; ", Wrk.INSTALL));
            return 1;
        }
        Optional<Path> nginx = Nginx.binary();
        if (nginx.isEmpty()) {
            System.err.println("tandem bench redirect: nginx is not installed, so there is no comparison; install it with: "
                    + String.join("; ", Wrk.INSTALL));
        }
        Path jar = env.requireJar();
        Result r = new Result("redirect", "Redirect throughput and latency", env.command())
                .parameter("durationSeconds", duration).parameter("connections", connections).parameter("wrkThreads", threads)
                .parameter("wrk", wrk.get()).parameter("nginx", nginx.map(Path::toString).orElse("not installed"))
                .parameter("nodeJvm", String.join(" ", NodeProc.JVM_OPTIONS));
        r.note("Each server first answers " + WARMUP_SECONDS + " s of the same load that is not measured: the director's"
                + " JVM has compiled its hot code by then, as a director that has run for a while has.");
        r.note("nginx is measured right after Tandem, with the same group still running (the director and the emulated"
                + " members exchanging keepalives and pushes), so both servers share the machine with the same work.");
        r.note("wrk, the director, the emulated members and nginx share the machine's cores: figures compare the two"
                + " servers under the same conditions, one right after the other; they are not a capacity rating.");
        r.note("nginx: `return 302` to a member's address, worker_processes auto, access log off, on another loopback"
                + " address of the same subnet. Install with `apt-get install -y wrk nginx`.");
        Result.Table t = r.table("Redirects on the cluster address, keep-alive connections", "members", "server",
                "requests/s", "p50 ms", "p99 ms", "non-3xx", "socket errors");
        Result.Table ratio = r.table("Tandem over nginx, same run", "members", "throughput ratio", "p99 latency ratio");
        for (int m : members) {
            Path dir = Files.createTempDirectory("tandem-bench-redirect");
            try (LoopbackLock lock = LoopbackLock.acquire(real.lock);
                 LocalCluster c = LocalCluster.write(dir, jar, 1, DemoCluster.Profile.DEFAULT, real.subnet)) {
                c.start(0);
                if (!LocalCluster.await(() -> c.agreedDirector() == 0, 180_000, 200)) {
                    throw new IllegalStateException("the lone node never directed" + c.logs());
                }
                Wrk.Run tandem = null;
                try (MemberEmulator e = emulate(c, dir, m)) {
                    if (e != null && !LocalCluster.await(() -> e.joined() == m - 1, 180_000, 200)) {
                        throw new IllegalStateException("only " + e.joined() + " of " + (m - 1) + " members joined" + c.logs());
                    }
                    // The director opens the redirect service once it holds the cluster address: give it a moment.
                    if (LocalCluster.await(() -> answers(c.clusterAddress(), PORT), 10_000, 50)) {
                        String url = "http://" + c.clusterAddress() + ":" + PORT + "/";
                        Wrk.run(url, threads, connections, WARMUP_SECONDS); // compiled hot code, as a running director has
                        tandem = Wrk.run(url, threads, connections, duration);
                        row(t, m, "Tandem (cluster address)", tandem);
                    } else {
                        t.row(m, "Tandem (cluster address)", null, null, null, null, null);
                        r.note(m + " members: the cluster address did not accept HTTP connections on port " + PORT
                                + ": this build has no redirect service, so Tandem's figures are not measured.");
                    }
                    // nginx right after, while the group still runs: the members' keepalives and the director's
                    // pushes take the same share of the machine from both servers.
                    if (nginx.isPresent()) {
                        String host = "127.0." + real.subnet + ".9";
                        try (Nginx n = Nginx.start(nginx.get(), dir.resolve("nginx"), host, PORT,
                                "http://" + c.host(0) + ":" + PORT, "auto")) {
                            if (!LocalCluster.await(() -> answers(host, PORT), 10_000, 50)) {
                                throw new IllegalStateException("nginx did not start: " + Files.readString(dir.resolve("nginx/error.log")));
                            }
                            Wrk.run("http://" + host + ":" + PORT + "/", threads, connections, WARMUP_SECONDS);
                            Wrk.Run ng = Wrk.run("http://" + host + ":" + PORT + "/", threads, connections, duration);
                            row(t, m, "nginx return 302", ng);
                            ratio.row(m, tandem == null ? null : Result.round(tandem.requestsPerSecond() / ng.requestsPerSecond(), 3),
                                    tandem == null ? null : Result.round(tandem.p99Millis() / ng.p99Millis(), 2));
                        }
                    }
                }
                c.close();
            } finally {
                PairFailoverScenario.deleteTree(dir);
            }
            r.write(env.results());
        }
        System.out.println("wrote " + r.write(env.results()));
        return 0;
    }

    private MemberEmulator emulate(LocalCluster c, Path dir, int m) throws IOException {
        if (m <= 1) return null;
        NodeConfig cfg = ConfigLoader.load(c.config(0));
        String secret = Files.readString(dir.resolve("cluster-key")).strip();
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < m - 1; i++) hosts.add("127.0." + real.subnet + "." + (100 + i));
        MemberEmulator e = new MemberEmulator(cfg.loadBalancing(), cfg.id(), c.host(0), secret, hosts);
        e.start();
        return e;
    }

    private static void row(Result.Table t, int m, String server, Wrk.Run w) {
        t.row(m, server, Result.round(w.requestsPerSecond(), 0), Result.round(w.p50Millis(), 3),
                Result.round(w.p99Millis(), 3), w.badResponses(), w.socketErrors());
    }

    static boolean answers(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
