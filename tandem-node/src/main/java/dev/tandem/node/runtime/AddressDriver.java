package dev.tandem.node.runtime;

import dev.tandem.node.config.NodeConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Puts the cluster address on this host and takes it off (docs/architecture.md, Cluster address): {@code bind} (the address
 * is already routed here, e.g. 127.0.0.0/8, so only binding it is needed), {@code linux} ({@code ip addr add/del}
 * and a gratuitous ARP so switches and neighbours learn the move), {@code script} (the operator's commands, e.g.
 * a cloud API call). Runs on the hook thread, never on the event loop.
 */
public interface AddressDriver {

    /** Makes the address usable here; false when that failed. */
    boolean claim();

    void release();

    /**
     * At start, before the first claim: takes the address off this host if an earlier run of the node left it there.
     * A process killed with SIGKILL cannot release, and the kernel keeps an address on its interface after the
     * process is gone; left there, this host would go on answering ARP for an address its peer now holds. Only the
     * linux driver puts addresses on the host; the others have nothing to clear (a script's commands are the
     * operator's, run only on a claim or a release).
     */
    default void clearLeftover() {
    }

    String describe();

    static AddressDriver of(NodeConfig.LoadBalancing lb, HookRunner runner) {
        return switch (lb.addressDriver()) {
            case "bind" -> bind("bind");
            case "linux" -> new Linux(lb.clusterAddress(), lb.driverInterface(), null, runner);
            case "script" -> new Script(lb, runner);
            default -> throw new IllegalArgumentException("unknown address driver " + lb.addressDriver());
        };
    }

    /**
     * The driver for one service address (docs/redundancy.md, Service addresses): the same kinds as the cluster
     * address's; the script driver's commands get the address in TANDEM_ADDRESS.
     */
    static AddressDriver forServiceAddress(NodeConfig.ServiceAddresses c, String address, HookRunner runner) {
        return switch (c.driver()) {
            case "bind" -> bind("bind (" + address + ")");
            case "linux" -> new Linux(address, c.driverInterface(), null, runner);
            case "script" -> new AddressDriver() {
                private final Map<String, String> env = Map.of("TANDEM_ADDRESS", address);

                @Override
                public boolean claim() {
                    return runner.runNow("address-claim", c.claimCommand(), env, Duration.ofSeconds(30));
                }

                @Override
                public void release() {
                    runner.runNow("address-release", c.releaseCommand(), env, Duration.ofSeconds(30));
                }

                @Override
                public String describe() {
                    return "script (" + address + ")";
                }
            };
            default -> throw new IllegalArgumentException("unknown address driver " + c.driver());
        };
    }

    /** The address is routed to this host already (as 127.0.0.0/8 is): binding a socket to it is all there is to do. */
    private static AddressDriver bind(String description) {
        return new AddressDriver() {
            @Override
            public boolean claim() {
                return true;
            }

            @Override
            public void release() {
            }

            @Override
            public String describe() {
                return description;
            }
        };
    }

    /** {@code ip addr add|del ADDRESS dev IFACE}, then an unsolicited ARP (IPv4) so the network learns the move. */
    final class Linux implements AddressDriver {
        private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AddressDriver.class);
        private final String address;
        private final String iface;
        private final String netns;
        private final HookRunner runner;

        /** @param netns a network namespace to act in (tests), or null for the host's own */
        public Linux(String address, String iface, String netns, HookRunner runner) {
            this.address = address;
            this.iface = iface;
            this.netns = netns;
            this.runner = runner;
        }

        private String prefixed() {
            return address.contains(":") ? address + "/128" : address + "/32";
        }

        private List<String> ip(String... args) {
            List<String> cmd = new ArrayList<>(List.of("ip"));
            if (netns != null) cmd.addAll(List.of("-n", netns));
            cmd.addAll(List.of(args));
            return cmd;
        }

        @Override
        public boolean claim() {
            boolean ok = runner.runNow("address-claim", ip("addr", "replace", prefixed(), "dev", iface), Map.of(),
                    Duration.ofSeconds(5));
            if (ok && !address.contains(":")) announce();
            return ok;
        }

        /**
         * Two unsolicited ARPs a second apart, sent while the claim goes on: waiting for them would keep the address
         * from being listened on for that second, and each moment of it is clients refused. Best effort: the address
         * is ours even if no neighbour listens, or arping is missing (logged).
         */
        private void announce() {
            List<String> arp = new ArrayList<>();
            if (netns != null) arp.addAll(List.of("ip", "netns", "exec", netns));
            arp.addAll(List.of("arping", "-U", "-c", "2", "-I", iface, address));
            try {
                Process p;
                Process before;
                synchronized (this) { // a release on another thread sees this announcement or none started
                    p = new ProcessBuilder(arp).redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                    before = announcing;
                    announcing = p;
                }
                if (before != null) before.destroy();
                p.onExit().thenAccept(done -> {
                    boolean current;
                    synchronized (this) {
                        current = announcing == done;
                        if (current) announcing = null;
                    }
                    if (current && done.exitValue() != 0) {
                        LOG.warn("gratuitous ARP for {} on {} exited with status {}", address, iface, done.exitValue());
                    }
                });
            } catch (java.io.IOException e) {
                LOG.warn("gratuitous ARP for {} on {} could not start: {}", address, iface, e.getMessage());
            }
        }

        /** The ARP announcement still being sent for this address, or null (guarded by this). */
        private Process announcing;

        @Override
        public void release() {
            // An announcement still under way would tell the neighbours, after the next holder's, that we have it.
            Process p;
            synchronized (this) {
                p = announcing;
                announcing = null;
            }
            if (p != null) p.destroy();
            runner.runNow("address-release", ip("addr", "del", prefixed(), "dev", iface), Map.of(), Duration.ofSeconds(5));
        }

        @Override
        public void clearLeftover() {
            if (!onInterface()) return; // nothing left: say nothing
            LOG.warn("{} was left on {} by an earlier run of this node: taking it off before anything is claimed",
                    address, iface);
            release();
        }

        /** Whether the address is on the interface now, as {@code ip -o addr show dev IFACE} lists it. */
        private boolean onInterface() {
            try {
                Process p = new ProcessBuilder(ip("-o", "addr", "show", "dev", iface)).redirectErrorStream(true).start();
                // A few lines, far below what a pipe holds: read once it has ended.
                if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return true; // cannot tell: take it off anyway
                }
                String shown = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                // "2: eth0    inet 192.0.2.100/32 scope global eth0 ..."
                return List.of(shown.split("\\s+")).contains(prefixed());
            } catch (java.io.IOException e) {
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }

        @Override
        public String describe() {
            return "linux (" + address + " on " + iface + ")";
        }
    }

    /** The operator's own commands; TANDEM_CLUSTER_ADDRESS tells them which address. */
    final class Script implements AddressDriver {
        private final NodeConfig.LoadBalancing lb;
        private final HookRunner runner;

        Script(NodeConfig.LoadBalancing lb, HookRunner runner) {
            this.lb = lb;
            this.runner = runner;
        }

        @Override
        public boolean claim() {
            return runner.runNow("address-claim", lb.claimCommand(), Map.of("TANDEM_CLUSTER_ADDRESS", lb.clusterAddress()),
                    Duration.ofSeconds(30));
        }

        @Override
        public void release() {
            runner.runNow("address-release", lb.releaseCommand(), Map.of("TANDEM_CLUSTER_ADDRESS", lb.clusterAddress()),
                    Duration.ofSeconds(30));
        }

        @Override
        public String describe() {
            return "script";
        }
    }
}
