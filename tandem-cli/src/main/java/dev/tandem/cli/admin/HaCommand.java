package dev.tandem.cli.admin;

import dev.tandem.api.RedundancyAnswers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tandem ha ...}: the specification's [RG-MANUAL] high-availability commands (Initiate Manual Failover, Fallback, or Recovery).
 * A refused action (the specification's rules: for example fallback while the node is not failed over) exits 1 with the
 * node's reason.
 */
@Command(name = "ha", mixinStandardHelpOptions = true, description = "Redundancy group status and manual actions.",
        subcommands = {HaCommand.Status.class, HaCommand.Failover.class, HaCommand.Fallback.class, HaCommand.Recover.class})
public final class HaCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return AdminCommand.usage(spec);
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Every group's nodes, states, reasons and actions available now.")
    public static final class Status extends AdminCommand {
        @Override
        protected int execute() {
            var all = api().call(c -> c.redundancyGroups());
            print(all, Formats.redundancyGroups(all));
            return 0;
        }
    }

    /** Sends an action for a node of whichever group holds it. */
    abstract static class NodeAction extends AdminCommand {
        @Parameters(index = "0", paramLabel = "NODE", description = "The node the action is for.")
        String node;

        abstract String action();

        @Override
        protected int execute() {
            String group = groupOf(node);
            return act(group, action(), node, action() + " of " + node);
        }

        private String groupOf(String id) {
            java.util.List<String> known = new java.util.ArrayList<>();
            for (RedundancyAnswers.Group g : api().call(c -> c.redundancyGroups())) {
                for (RedundancyAnswers.GroupNode n : g.nodes()) {
                    if (n.id().equals(id)) return g.name();
                    known.add(n.id());
                }
            }
            throw new CliFailure(CliFailure.USAGE, "node: '" + id + "' is not allowed; allowed: a node of a redundancy"
                    + " group this node knows: " + (known.isEmpty() ? "none" : String.join(", ", known)));
        }
    }

    @Command(name = "failover", mixinStandardHelpOptions = true,
            description = "Fail a node over to its peer: the peer takes its users ([RG-MANUAL], Failover).")
    public static final class Failover extends NodeAction {
        @Override
        String action() {
            return "failover";
        }
    }

    @Command(name = "fallback", mixinStandardHelpOptions = true,
            description = "Give a failed-over node its users back ([RG-MANUAL], Fallback).")
    public static final class Fallback extends NodeAction {
        @Override
        String action() {
            return "fallback";
        }
    }

    @Command(name = "recover", mixinStandardHelpOptions = true,
            description = "Recover a group whose nodes are both failed ([RG-MANUAL], Recover).")
    public static final class Recover extends AdminCommand {
        @Parameters(index = "0", paramLabel = "GROUP", description = "The redundancy group.")
        String group;

        @Override
        protected int execute() {
            return act(group, "recover", null, "recovery of " + group);
        }
    }
}
