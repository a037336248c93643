package dev.tandem.core;

/** What a {@link Effect.RunHook} asks the shell to do; each can succeed or fail. */
public enum HookKind {
    /** Move the named home nodes' users to this node ([RG-GROUP]: take over users). */
    TAKE_OVER_USERS,
    /** Move this node's own users back from its peer ([RG-OVER]: take back users). */
    TAKE_BACK_USERS,
    /** Stop this node's critical services ([RG-MANUAL]: manual failover stops them). */
    STOP_SERVICES,
    /** Start this node's critical services ([RG-MANUAL]: fallback and recovery start them). */
    START_SERVICES;

    /** Starts or stops the critical services (the operator's service control, not a user move). */
    public boolean controlsServices() {
        return this == STOP_SERVICES || this == START_SERVICES;
    }
}
