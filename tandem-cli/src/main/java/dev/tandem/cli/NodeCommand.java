package dev.tandem.cli;

import dev.tandem.node.api.AdminApi;
import dev.tandem.node.config.ConfigError;
import dev.tandem.node.config.ConfigLoader;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.runtime.TandemNode;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tandem node --config FILE}: runs one node in the foreground until SIGTERM or Ctrl-C. */
@Command(name = "node", mixinStandardHelpOptions = true,
        description = {"Run a node in the foreground. Logs one line per state transition; stops cleanly on SIGTERM"
                + " (its peer sees Peer Reboot). Exit code 2 for a bad configuration (file:line: key: what is wrong),"
                + " including addresses that are not this host's, ports in use and a state directory it cannot write;"
                + " 1 when it cannot start for another reason."})
public final class NodeCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "the node's YAML configuration")
    Path config;

    @Option(names = "--parent-pid", paramLabel = "PID", hidden = true,
            description = "stop when this process ends (the demo starts its nodes this way, so none outlives it)")
    Long parentPid;

    @Override
    public Integer call() throws Exception {
        NodeConfig c;
        try {
            // Everything that can be checked before the node writes anything: the file, then this host (its
            // addresses, free ports, a writable state directory). A node that fails here leaves no trace.
            c = ConfigLoader.loadForThisHost(config);
        } catch (ConfigError e) {
            System.err.println("tandem node: " + e.getMessage());
            return 2;
        }
        TandemNode node = null;
        AdminApi api;
        try {
            node = new TandemNode(c, Clock.systemUTC());
            // Failing clean ends the process at once: the shutdown hook's graceful stop would wait on a stalled
            // loop. The node has released its addresses already; the service manager restarts it from its state.
            node.onFailure(why -> Runtime.getRuntime().halt(TandemNode.EXIT_FAILED));
            node.start(); // fills the store from the file only once everything has started (decision 0052)
            api = new AdminApi(node).start();
            // Started, it warms its session service's request path (docs/session-service.md, Warm-up).
            node.sessions().ifPresent(dev.tandem.node.session.SessionService::warmUpInBackground);
        } catch (ConfigError e) {
            System.err.println("tandem node: " + e.getMessage());
            if (node != null) node.close();
            return 2;
        } catch (Exception e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            if (bindFailure(e)) {
                // A port taken between the check and the bind, or one the store's settings give: still configuration.
                System.err.println("tandem node: " + config + ": cannot bind: " + why
                        + "; allowed: addresses of this host and ports no other process uses");
                if (node != null) node.close();
                return 2;
            }
            System.err.println("tandem node: " + config + ": cannot start: " + why);
            if (node != null) node.close();
            return 1;
        }
        TandemNode running = node;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            api.close();
            running.close();
            stopped.countDown();
        }, "tandem-shutdown"));
        if (parentPid != null) {
            java.util.Optional<ProcessHandle> parent = ProcessHandle.of(parentPid);
            if (parent.isEmpty()) {
                System.err.println("tandem node: --parent-pid " + parentPid + " is not a running process");
                System.exit(2);
            }
            parent.get().onExit().thenRun(() -> System.exit(0));
        }
        stopped.await();
        return 0;
    }

    private static boolean bindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException) return true;
        }
        return false;
    }
}
