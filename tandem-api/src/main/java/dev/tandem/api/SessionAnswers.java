package dev.tandem.api;

import java.util.List;

/** The session service's answers (docs/session-service.md): what a client and a probe read. */
public final class SessionAnswers {
    private SessionAnswers() {}

    /**
     * {@code POST /session/login} and {@code POST /session/heartbeat}: the session, the node that serves it now, and
     * how often to heartbeat.
     *
     * @param state             active
     * @param heartbeatSeconds  the heartbeat interval in seconds ({@code heartbeatMillis} in milliseconds)
     * @param inactiveAfterSeconds how long without a heartbeat before the session stops counting as load
     */
    public record Session(String session, String user, String node, String state, double heartbeatSeconds,
                          long heartbeatMillis, double inactiveAfterSeconds, long reloginLowerMillis,
                          long reloginUpperMillis) {}

    /**
     * The header of every answer of the session service: the node's Client Re-Login Lower and Upper Limits in
     * milliseconds, as {@code LOWER-UPPER} ([RG-RELOGIN]: how long a client waits before it logs in here again).
     */
    public static final String RELOGIN_HEADER = "X-Tandem-Relogin";

    /** {@code POST /session/logout}. */
    public record Ended(String session, String node, boolean ended) {}

    /** {@code GET /session/health}: ok, and whose users the node serves now ("own", "peer"). */
    public record Health(String status, String node, List<String> serving) {}

    /**
     * {@code GET /session/stats}.
     *
     * @param peak          the most sessions at once since start
     * @param reported      the load the node last reported to its load-balancing group; null before the first report
     * @param replication   the session replication link; null without it
     */
    public record Stats(String node, List<String> serving, int active, int inactive, int max, long peak, int ownUsers,
                        int peerUsers, int loadPercent, @Nullable Reported reported, String handover,
                        int standbyCopies, @Nullable FailoverAnswers.Replication replication) {}

    public record Reported(int active, int max) {}

    /**
     * Every refusal of the session service: a code a program branches on ({@code error}: for example
     * {@code no-session}, {@code moving}, {@code licences}), and the reason for people in {@code message} and again
     * in {@code reason}. A refusal that asks the client to wait also has a {@code Retry-After} header.
     */
    public record Refusal(String error, String message, String reason, int status) {}
}
