package dev.tandem.bench.proc;

import dev.tandem.node.demo.DemoCluster;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** Options of the scenarios that start real node processes on loopback. */
public final class RealProcessOptions {
    @Option(names = "--subnet", defaultValue = "0", paramLabel = "S",
            description = "run the cluster on 127.0.S.x instead of the demo's 127.0.0.x (default ${DEFAULT-VALUE})")
    public int subnet;

    @Option(names = "--lock", paramLabel = "FILE",
            description = "hold this flock(1) lock file during each trial (machines shared with other real-process tests)")
    public Path lock;

    public static List<DemoCluster.Profile> profiles(String text) {
        return switch (text.toLowerCase()) {
            case "fast" -> List.of(DemoCluster.Profile.FAST);
            case "default", "seed" -> List.of(DemoCluster.Profile.DEFAULT);
            case "both" -> List.of(DemoCluster.Profile.FAST, DemoCluster.Profile.DEFAULT);
            default -> throw new IllegalArgumentException("--profile: '" + text + "' is not allowed; allowed: fast, default, both");
        };
    }

    public static String label(DemoCluster.Profile p) {
        return p == DemoCluster.Profile.FAST ? "fast" : "specification default";
    }
}
