package dev.tandem.cli.doctor;

import dev.tandem.node.api.Version;
import dev.tandem.node.config.ConfigError;
import dev.tandem.node.config.ConfigLoader;
import dev.tandem.node.config.NodeConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Runs every check of {@code tandem doctor} on one node's configuration, in the order an operator fixes them. */
public final class Doctor {
    private final Clock clock;

    public Doctor(Clock clock) {
        this.clock = clock;
    }

    public List<Finding> run(Path configFile) {
        List<Finding> out = new ArrayList<>();
        NodeConfig c;
        try {
            c = ConfigLoader.load(configFile);
        } catch (ConfigError e) {
            out.add(Finding.fail("config", e.getMessage(), "correct the file (docs/node-config.yaml explains every key)"));
            return out;
        }
        out.add(Finding.ok("config", configFile + " is valid: node " + c.id() + " of group " + c.redundancyGroup().name()));
        PeerChecks peer = new PeerChecks(clock);
        boolean running = peer.running(c);
        out.addAll(HostChecks.addressesPresent(c));
        out.addAll(HostChecks.portsFree(c, running));
        out.addAll(HostChecks.files(c));
        out.addAll(HostChecks.certificate(c, clock.instant()));
        out.add(StoreCheck.check(c));
        out.addAll(peer.check(c, Version.get()));
        return out;
    }
}
