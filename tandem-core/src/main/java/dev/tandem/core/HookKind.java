package dev.tandem.core;

/** What a {@link Effect.RunHook} asks the shell to do; each can succeed or fail. */
public enum HookKind {
    /** Move the named home nodes' users to this node (seed 000: take over users). */
    TAKE_OVER_USERS,
    /** Move this node's own users back from its peer (seed 000: take back users). */
    TAKE_BACK_USERS,
    /** Stop this node's critical services (seed 000: manual failover stops them). */
    STOP_SERVICES,
    /** Start this node's critical services (seed 000: fallback and recovery start them). */
    START_SERVICES;

    /** Starts or stops the critical services (the operator's service control, not a user move). */
    public boolean controlsServices() {
        return this == STOP_SERVICES || this == START_SERVICES;
    }
}
