package dev.tandem.cli;

import dev.tandem.cli.demo.Consoles;
import dev.tandem.cli.demo.DemoScript;
import dev.tandem.cli.demo.LiveDemo;
import dev.tandem.cli.demo.LocalCluster;
import dev.tandem.core.Invalid;
import dev.tandem.node.demo.DemoCluster;
import dev.tandem.sim.Scenario;
import dev.tandem.sim.ScenarioRunner;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tandem demo}: a working cluster on this machine. Real node processes on 127.0.0.11, .12, ... with the fast
 * profile, each with a service address 127.0.0.111, .112, ... that follows its users (bind driver), a session service
 * on each, a crowd of clients logging in through the cluster address 127.0.0.10 (redirected to the service addresses),
 * and a live table that shows which node holds each service address; keys (or a script) kill and restart nodes,
 * fail over, fall back and recover. Ctrl-C or q stops everything it started.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, subcommands = {DemoInitCommand.class},
        description = {"Run a local cluster with clients and watch it: nodes on 127.0.0.11 and up (pairs g1, g2, ...),"
                + " each with a service address on 127.0.0.111 and up that follows its users, the cluster address"
                + " 127.0.0.10, a session service on every node and simulated clients that log in through the cluster"
                + " address and are sent to the service addresses. Keys: k<N> kill, s<N> start, f<N> fail over,"
                + " b<N> fall back, r<G> recover (each followed by Enter), q quit. Needs no root.",
                "--script FILE runs timed actions instead of keys (see docs/demo.md); --simulated shows the protocol"
                        + " alone in the simulator, in virtual time."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--nodes", defaultValue = "4", description = "how many nodes, 2 to 10 (default ${DEFAULT-VALUE})")
    int nodes;

    @Option(names = "--clients", defaultValue = "200", description = "how many clients, 0 to 5000 (default ${DEFAULT-VALUE})")
    int clients;

    @Option(names = "--users", paramLabel = "N",
            description = "how many of the clients log in as users of the cluster's store (u0001, ...), who always go to"
                    + " the node that serves them; the others are guests placed by rules 1 to 4 (default: three in four)")
    Integer users;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "where to write the cluster and its logs (kept); default: a temporary directory, removed at the end")
    Path dir;

    @Option(names = "--script", paramLabel = "FILE", description = "timed actions, one per line: '10s kill n1'")
    Path script;

    @Option(names = "--simulated", description = "a narrated tour of a redundancy pair in the simulator instead")
    boolean simulated;

    @Override
    public Integer call() throws Exception {
        if (simulated) return tour();
        if (nodes < 2 || nodes > 10) throw new Invalid("--nodes", nodes, "from 2 to 10");
        if (clients < 0 || clients > 5000) throw new Invalid("--clients", clients, "from 0 to 5000");
        if (users == null) users = clients * 3 / 4;
        if (users < 0 || users > clients) throw new Invalid("--users", users, "from 0 to --clients (" + clients + ")");
        Optional<DemoScript> steps = Optional.empty();
        if (script != null) {
            try {
                steps = Optional.of(DemoScript.parse(script.toString(), Files.readString(script)));
            } catch (NoSuchFileException e) {
                throw new Invalid("--script", script, "an existing file");
            }
        }
        boolean temporary = dir == null;
        Path where = temporary ? Files.createTempDirectory("tandem-demo-") : dir;
        DemoCluster.write(where, nodes, DemoCluster.Profile.FAST, true);
        System.out.println("Tandem demo: " + nodes + " nodes, " + clients + " clients, cluster files in " + where);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        LocalCluster cluster = new LocalCluster(where, nodes, LocalCluster.selfCommand());
        LiveDemo demo = new LiveDemo(cluster, System.out);
        Thread cleanup = new Thread(() -> {
            demo.close();
            if (temporary) delete(where);
        }, "tandem-demo-stop");
        Runtime.getRuntime().addShutdownHook(cleanup);
        int exit = 0;
        try {
            if (!demo.startCluster()) {
                System.err.println("tandem demo: no node became director within a minute; see the logs in "
                        + where.resolve("logs"));
                return 1;
            }
            demo.addUsers(users);
            String consoleLine = demo.addConsoleOperator().map(p -> "Console: " + cluster.adminUrl(cluster.nodes().get(0))
                    + "/  (sign in as admin, password " + p + ")").orElse("Console: no operator could be added");
            demo.clients(DemoClients.start(clients, users, http));
            String token = cluster.token();
            try (LiveDemo.Console console = Consoles.open(System.out, Duration.ofSeconds(5))) {
                demo.run(console, steps, s -> List.of(
                        "Tandem demo: " + nodes + " nodes, cluster address http://" + DemoCluster.CLUSTER_ADDRESS
                                + ":8443 (director " + s.director().orElse("none") + ")",
                        "Admin API: " + String.join(" ", cluster.nodes().stream().map(cluster::adminUrl).toList()),
                        consoleLine, "Token: " + token + "  (file " + cluster.tokenFile() + ")"));
            }
            ClientStatsLine.print(demo);
        } finally {
            demo.close();
            if (temporary) delete(where);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs anyway and finds everything stopped
            }
        }
        System.out.println("stopped every node the demo started");
        return exit;
    }

    /** The last word after the table: where the clients ended up. */
    private static final class ClientStatsLine {
        static void print(LiveDemo demo) {
            var s = demo.snapshot();
            List<String> rows = new ArrayList<>();
            for (var n : s.nodes()) rows.add(n.id() + " " + n.state() + (n.sessions() >= 0 ? ", " + n.sessions() + " sessions" : ""));
            System.out.println("at the end: director " + s.director().orElse("none") + "; " + String.join("; ", rows));
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary directory
        }
    }

    private int tour() throws IOException {
        String text;
        try (InputStream in = DemoCommand.class.getResourceAsStream("demo.scenario")) {
            if (in == null) throw new IOException("the demo scenario is missing from the distribution");
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        System.out.println("Tandem demo: a redundancy pair n1/n2 with 1000 users (virtual time, the specification ([RG-HA]) defaults)");
        System.out.println();
        ScenarioRunner runner = new ScenarioRunner(System.out, true);
        ScenarioRunner.Result r = runner.run(Scenario.parse("demo", text), new ArrayList<>());
        System.out.println();
        System.out.println(r.passed() + " passed, " + r.failed() + " failed");
        System.out.println("Write your own scenarios: docs/scenarios.md, then ./tandem sim run FILE");
        return r.allPassed() ? 0 : 1;
    }
}
