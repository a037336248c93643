package dev.tandem.core.rm;

/**
 * What a recovery manager writes to local disk at every change, so a restart resumes where it
 * was ([RG-T2] has rows for restarts in Idle, backup mode, taking over and taking back).
 * {@code servicesStopped}: the recovery manager itself stopped the critical services (manual failover).
 */
public record PersistedRm(NodeState state, Reason reason, long incarnation, long recoveryEpoch,
                          boolean servicesStopped) {}
