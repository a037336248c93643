package dev.tandem.core.rm;

import dev.tandem.core.HookKind;

/**
 * What a recovery manager writes to local disk at every change, so a restart resumes where it
 * was ([RG-T2] has rows for restarts in Idle, backup mode, taking over and taking back).
 * {@code servicesStopped}: the recovery manager itself stopped the critical services (manual failover).
 * {@code hook}: the service-control hook (start or stop of the critical services) running when this was written,
 * or null; a start that finds one re-runs it before it decides anything
 * (docs/decisions/0051-a-hook-cut-short-runs-again.md).
 */
public record PersistedRm(NodeState state, Reason reason, long incarnation, long recoveryEpoch,
                          boolean servicesStopped, HookKind hook) {
    public PersistedRm {
        if (hook != null && !hook.controlsServices()) {
            throw new IllegalArgumentException("only a hook that starts or stops the critical services is persisted,"
                    + " not " + hook);
        }
    }

    /** A state written while no service-control hook ran. */
    public PersistedRm(NodeState state, Reason reason, long incarnation, long recoveryEpoch, boolean servicesStopped) {
        this(state, reason, incarnation, recoveryEpoch, servicesStopped, null);
    }
}
