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
                + " (its peer sees Peer Reboot). Exit code 2 for a bad configuration."})
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
            c = ConfigLoader.load(config);
        } catch (ConfigError e) {
            System.err.println("tandem node: " + e.getMessage());
            return 2;
        }
        TandemNode node = new TandemNode(c, Clock.systemUTC());
        // Failing clean ends the process at once: the shutdown hook's graceful stop would wait on a stalled loop.
        // The node has released its addresses already; the service manager restarts it from its persisted state.
        node.onFailure(why -> Runtime.getRuntime().halt(TandemNode.EXIT_FAILED));
        AdminApi api;
        try {
            node.start();
            api = new AdminApi(node).start();
        } catch (ConfigError e) {
            System.err.println("tandem node: " + e.getMessage());
            node.close();
            return 2;
        } catch (Exception e) {
            System.err.println("tandem node: cannot start: " + e.getMessage());
            node.close();
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            api.close();
            node.close();
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
}
