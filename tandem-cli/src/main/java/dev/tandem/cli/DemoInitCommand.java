package dev.tandem.cli;

import dev.tandem.node.demo.DemoCluster;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tandem demo init DIR}: writes a runnable local cluster. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Write a local cluster into DIR: a YAML file per node on 127.0.0.11, .12, ... (nodes paired"
                + " into redundancy groups, each with a service address 127.0.0.111, .112, ... that follows its users,"
                + " bind driver: no root), a shared cluster key and an admin token in DIR/admin-token.",
                "Start each node with: ./tandem node --config DIR/<node>.yaml"})
public final class DemoInitCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "where to write the cluster")
    Path dir;

    @Option(names = "--nodes", defaultValue = "2", description = "how many nodes, 1 to 100 (default ${DEFAULT-VALUE})")
    int nodes;

    @Option(names = "--profile", defaultValue = "default",
            description = "default (the specification's timers) or fast (100 ms heartbeats, 500 ms timeout)")
    String profile;

    @Override
    public Integer call() throws Exception {
        DemoCluster.Profile p = switch (profile.toLowerCase()) {
            case "default" -> DemoCluster.Profile.DEFAULT;
            case "fast" -> DemoCluster.Profile.FAST;
            default -> throw new dev.tandem.core.Invalid("--profile", profile, "default or fast");
        };
        List<Path> files = DemoCluster.write(dir, nodes, p, true);
        for (Path f : files) System.out.println("./tandem node --config " + f);
        System.out.println("admin token: " + dir.resolve("admin-token"));
        return 0;
    }
}
