package dev.tandem.client;

import java.net.URI;
import java.time.Duration;

/** Where a {@link TandemClient} is; every change goes to its {@link ClientListener}. */
public sealed interface ClientState {

    /** Built, not started. */
    record Idle() implements ClientState {}

    /** Asking the cluster address for a node and logging in there; {@code attempt} counts from 1. */
    record Connecting(URI cluster, int attempt) implements ClientState {}

    /**
     * Logged in: {@code node} is the id of the node that holds the session, {@code member} the base URL of its
     * session service, {@code heartbeat} the interval the node asked for.
     */
    record LoggedIn(String node, URI member, String session, Duration heartbeat) implements ClientState {}

    /** The session or its node was lost (connection refused, timeout, session dropped); a re-login follows. */
    record Lost(String node, String reason) implements ClientState {}

    /** The next login through the cluster address starts after {@code delay}. */
    record ReloginScheduled(Duration delay, String reason) implements ClientState {}

    /** Closed by the application; nothing more happens. */
    record Closed() implements ClientState {}
}
