package dev.tandem.client;

/**
 * Told of every state change of a {@link TandemClient}. Called on the client's HTTP or scheduler threads: return
 * quickly and do not block.
 */
@FunctionalInterface
public interface ClientListener {
    void stateChanged(TandemClient client, ClientState state);
}
