package dev.tandem.cli.admin;

import dev.tandem.api.RedundancyAnswers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tandem show ...}: what a node sees now. */
@Command(name = "show", mixinStandardHelpOptions = true, description = "Show what a node sees now.",
        subcommands = {ShowCommand.Vpn.class, ShowCommand.Lb.class, ShowCommand.Redundancy.class,
                ShowCommand.Failover.class, ShowCommand.RunningConfig.class})
public final class ShowCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return AdminCommand.usage(spec);
    }

    @Command(name = "vpn", mixinStandardHelpOptions = true, description = "VPN load balancing.",
            subcommands = {LoadBalancing.class})
    public static final class Vpn implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            return AdminCommand.usage(spec);
        }
    }

    /** [LB-SHOW]: {@code show vpn load-balancing}. */
    @Command(name = "load-balancing", mixinStandardHelpOptions = true,
            description = "The load-balancing group as this node sees it, in the specification's format: status, role,"
                    + " failover, encryption, cluster IP, peers, then one row per member with its load and sessions.")
    public static class LoadBalancing extends AdminCommand {
        @Override
        protected int execute() {
            var lb = api().call(c -> c.loadBalancing());
            print(lb, Formats.loadBalancing(lb));
            return 0;
        }
    }

    /** {@code show lb}: the short name of {@code show vpn load-balancing}. */
    @Command(name = "lb", mixinStandardHelpOptions = true, description = "Same as 'show vpn load-balancing'.")
    public static final class Lb extends LoadBalancing {}

    /** [RG-T2]: each group's nodes, states and reasons, and the actions available now. */
    @Command(name = "redundancy", mixinStandardHelpOptions = true,
            description = "Each redundancy group's nodes with their state and reason ([RG-T2]) and the"
                    + " actions available now.")
    public static final class Redundancy extends AdminCommand {
        @Parameters(arity = "0..1", paramLabel = "GROUP", description = "Only this group.")
        String group;

        @Override
        protected int execute() {
            if (group == null) {
                var all = api().call(c -> c.redundancyGroups());
                print(all, Formats.redundancyGroups(all));
            } else {
                var g = api().call(c -> c.get("/api/v1/redundancy-groups/" + encode(group),
                        RedundancyAnswers.Group.class));
                print(g, Formats.redundancyGroup(g));
            }
            return 0;
        }
    }

    /** {@code show failover}: the pair as a failover pair ([LB-FAILOVER]), with the replication of its sessions. */
    @Command(name = "failover", mixinStandardHelpOptions = true,
            description = "This node and its peer: which is active for each node's users, whether the standby holds"
                    + " every session (Standby Ready), the last failover and the stateful failover link's counters.")
    public static final class Failover extends AdminCommand {
        @Override
        protected int execute() {
            var f = api().call(c -> c.failover());
            print(f, Formats.failover(f));
            return 0;
        }
    }

    /** {@code show running-config}: the vpn load-balancing section as stored, the key shown as asterisks ([LB-GROUP], step 5). */
    @Command(name = "running-config", mixinStandardHelpOptions = true,
            description = "The vpn load-balancing section as configuration commands, the key as asterisks.")
    public static final class RunningConfig extends AdminCommand {
        @Override
        protected int execute() {
            String text = api().getText(ConfigShell.RUNNING_PATH);
            out().print(options.json() ? AdminHttp.pretty(AdminHttp.JSON.createObjectNode().put("text", text)) + "\n" : text);
            out().flush();
            return 0;
        }
    }
}
