package dev.tandem.api;

import java.util.List;
import java.util.Map;

/** What a node says about itself: who it is, whether it answers, its critical services, its events. */
public final class NodeAnswers {
    private NodeAnswers() {}

    /** {@code GET /api/v1/node}. {@code startedAt} is ISO-8601. */
    public record NodeInfo(String id, long pid, String version, Addresses addresses, String startedAt,
                           long uptimeSeconds) {}

    /** {@code admin} is the admin API's address:port; {@code servicePort} the redundancy protocol's UDP port. */
    public record Addresses(String node, String admin, int servicePort) {}

    /**
     * {@code GET /health}: {@code ok} (200) while the node answers clients; {@code stalled} or {@code failed} (503)
     * with the reason while its protocol loop is stalled or after it failed.
     *
     * @param reason null while ok
     */
    public record Health(String status, String node, @Nullable String reason) {}

    /** {@code GET /api/v1/critical-services}: each check's verdict now, and its recent changes (oldest first). */
    public record CriticalServices(Map<String, Boolean> verdicts, List<CheckChange> history) {}

    /** One change of one check; {@code at} ISO-8601, {@code detail} "up" or why it is down. */
    public record CheckChange(String check, boolean up, String at, String detail) {}

    /**
     * One event of {@code GET /api/v1/events/recent} and of the stream {@code GET /api/v1/events}: the fields every
     * event has; each kind adds its own (docs/node.md, Events).
     */
    @OpenObject
    public record Event(long seq, String at, String kind) {}
}
