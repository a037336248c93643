package dev.tandem.api;

import java.util.List;
import java.util.Map;

/** The cluster's settings in the store, their changes, the store's status and the audit log (docs/cluster.md). */
public final class ClusterAnswers {
    private ClusterAnswers() {}

    /** A redundancy group as stored: {@code GET /api/v1/cluster/groups/{name}}. */
    public record Group(String name, String description, List<Member> nodes, boolean ha) {}

    /** @param serviceAddress null when the node has none */
    public record Member(String id, String address, @Nullable String serviceAddress) {}

    /**
     * A group after a change: the group, the new settings epoch, and the nodes that apply the change at their next
     * start.
     */
    public record GroupChange(String name, String description, List<Member> nodes, boolean ha, long epoch,
                              List<String> restartRequired) {}

    /** {@code DELETE /api/v1/cluster/groups/{name}}. */
    public record GroupDeleted(String deleted, long epoch, List<String> restartRequired) {}

    /**
     * {@code GET} and {@code PUT /api/v1/cluster/nodes/{id}/parameters}: the parameters the specification sets per
     * node ([RG-RELOGIN]: the Client Re-Login Lower and Upper Limits), as the node has them of its own and as it runs
     * with them (its own, else the cluster's).
     */
    public record NodeParameters(String node, Map<String, String> own, Map<String, String> effective,
                                 @Nullable Long epoch) {}

    /** {@code GET} and {@code PUT /api/v1/cluster/assignment-mode}: Balanced, Active-Standby or None. */
    public record AssignmentMode(String mode, @Nullable Long epoch) {}

    /**
     * {@code GET /api/v1/cluster/load-balancing/settings}.
     *
     * @param group        null when no load-balancing group is configured
     * @param deviceConfig each device's global-mode commands (named interfaces, crypto, dns, group URLs), by node;
     *                     null when no device has any
     */
    public record LoadBalancingSettings(@Nullable LbGroup group, List<Device> devices,
                                        @Nullable Map<String, String> deviceConfig) {}

    /** The settings after a change, with the new epoch and the nodes that apply it at their next start. */
    public record LoadBalancingChange(@Nullable LbGroup group, List<Device> devices,
                                      @Nullable Map<String, String> deviceConfig, long epoch,
                                      List<String> restartRequired) {}

    /** @param keySet whether a cluster key is set (the key itself is never shown) */
    public record LbGroup(String clusterAddress, int clusterPort, boolean encryption, boolean keySet, String mode,
                          int redirectPort) {}

    /**
     * @param privateAddress null until set
     * @param nat            the device's NAT'd public addresses
     * @param fqdn           the name redirects use when {@code redirectFqdn} is on; null when the device has none
     */
    public record Device(String node, int priority, String publicAddress, @Nullable String privateAddress,
                         List<String> nat, boolean participate, boolean redirectFqdn, @Nullable String fqdn) {}

    /** {@code PUT /api/v1/config}: the new epoch, and this node when it applies the document at its next start. */
    public record Imported(long epoch, List<String> restartRequired) {}

    /** {@code POST /api/v1/config/commands}. */
    public record CommandsApplied(int applied, long epoch, String node, List<String> restartRequired,
                                  List<CommandWarning> warnings) {}

    /** @param line 1-based, in the commands sent */
    public record CommandWarning(int line, String command, String warning) {}

    /**
     * {@code GET /api/v1/db/status}, like the specification's {@code utils dbreplication status}.
     *
     * @param error          why the store is unreachable; null while it is reachable
     * @param schemaVersion  null while unreachable
     * @param settingsEpoch  null while unreachable
     * @param replication    PostgreSQL's streaming replicas; empty on H2 and while unreachable
     */
    public record DbStatus(String store, String url, boolean reachable, @Nullable String error,
                           @Nullable String schemaVersion, @Nullable Long settingsEpoch, List<DbNode> nodes,
                           List<Replica> replication) {}

    /**
     * @param state                the node's last reported state
     * @param reason               its reason, as Table 2 pairs it with the state; null from a build that reports none
     * @param lastReportSecondsAgo null for this node when it has not reported yet
     */
    public record DbNode(String id, long epoch, boolean reachable, @Nullable String state, @Nullable String reason,
                         @Nullable Long lastReportSecondsAgo) {}

    /** One streaming replica of the PostgreSQL store. */
    public record Replica(@Nullable String standby, @Nullable String address, @Nullable String state,
                          @Nullable String sync, @Nullable String replayLag) {}

    /** One line of {@code GET /api/v1/audit}: who did what, to what, when (ISO-8601), and how it ended. */
    public record AuditEntry(String at, String who, String action, String target, String result) {}

    /**
     * {@code GET /api/v1/cluster/groups/{name}/ha/check?enabled=true}: what [RG-ENABLE] asks to verify before the HA
     * switch is saved, as the node answering finds it now; nothing is changed.
     *
     * @param caution  what the change does at once, in the specification's sense
     * @param checked  each thing looked at and what it is now
     * @param warnings what speaks against the change now; empty when nothing does ({@code tandem groups ha} refuses
     *                 unless {@code --force} while there is any)
     */
    public record HaCheck(String group, boolean enabled, String caution, List<String> checked, List<String> warnings) {}
}
