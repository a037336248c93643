package dev.tandem.core.rm;

import dev.tandem.core.Durations;
import dev.tandem.core.Invalid;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The recovery manager's service parameters ([RG-HB]).
 * Each default is defined here once, with the specification's value.
 */
public record ServiceParameters(
        Duration keepAliveInterval,
        Duration keepAliveTimeout,
        Duration initKeepAliveTimeout,
        Duration criticalServiceDelay,
        boolean automaticFallback,
        Duration automaticFallbackDelay,
        Duration clientReloginLower,
        Duration clientReloginUpper,
        int servicePort,
        int adminRpcPort,
        PartitionRecovery partitionRecovery) {

    /**
     * What a pair does when its nodes lose each other but both may live
     * (docs/decisions/115-a-witness-decides-who-serves.md).
     * {@code MANUAL}: the specification's rule, each node decides alone and a healed partition waits for Recover.
     * {@code WITNESS}: a node serves its lost peer's users only with the group's lease from the witness, and the pair
     * heals by itself.
     */
    public enum PartitionRecovery {
        MANUAL, WITNESS;

        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static PartitionRecovery parse(String field, String v) {
            for (PartitionRecovery p : values()) {
                if (p.text().equalsIgnoreCase(v == null ? "" : v.trim())) return p;
            }
            throw new Invalid(field, v, "manual or witness");
        }
    }

    /** [RG-HB]: Keep Alive (HeartBeat) Interval, default 15 seconds. */
    public static final Duration DEFAULT_KEEP_ALIVE_INTERVAL = Duration.ofSeconds(15);
    /** [RG-HB]: Keep Alive (Heartbeat) Timeout, default 60 seconds. */
    public static final Duration DEFAULT_KEEP_ALIVE_TIMEOUT = Duration.ofSeconds(60);
    /** [RG-HB]: Initialization Keep Alive (Heartbeat) Timeout, default 120 seconds. */
    public static final Duration DEFAULT_INIT_KEEP_ALIVE_TIMEOUT = Duration.ofSeconds(120);
    /** [RG-HB]: Critical Service Delay, default 90 seconds. */
    public static final Duration DEFAULT_CRITICAL_SERVICE_DELAY = Duration.ofSeconds(90);
    /** [RG-HB]: Enable Automatic Fallback, default False. */
    public static final boolean DEFAULT_AUTOMATIC_FALLBACK = false;
    /** [RG-HB]: automatic fallback happens thirty minutes after the primary node is healthy again. */
    public static final Duration DEFAULT_AUTOMATIC_FALLBACK_DELAY = Duration.ofMinutes(30);
    /** [RG-RELOGIN]: Client Re-Login Lower Limit, default 120 seconds. */
    public static final Duration DEFAULT_CLIENT_RELOGIN_LOWER = Duration.ofSeconds(120);
    /** [RG-RELOGIN]: Client Re-Login Upper Limit, default 537 seconds. */
    public static final Duration DEFAULT_CLIENT_RELOGIN_UPPER = Duration.ofSeconds(537);
    /** [RG-HB]: Service Port, default 22001. */
    public static final int DEFAULT_SERVICE_PORT = 22001;
    /** [RG-HB]: Admin RPC Port, default 20075. */
    public static final int DEFAULT_ADMIN_RPC_PORT = 20075;
    /** The specification's behaviour unless a witness is chosen. */
    public static final PartitionRecovery DEFAULT_PARTITION_RECOVERY = PartitionRecovery.MANUAL;

    private static final Duration MIN_INTERVAL = Duration.ofMillis(10);
    private static final Duration MAX_TIMER = Duration.ofHours(1);
    private static final Duration MAX_FALLBACK_DELAY = Duration.ofHours(24);

    public static ServiceParameters defaults() {
        return new ServiceParameters(DEFAULT_KEEP_ALIVE_INTERVAL, DEFAULT_KEEP_ALIVE_TIMEOUT,
                DEFAULT_INIT_KEEP_ALIVE_TIMEOUT, DEFAULT_CRITICAL_SERVICE_DELAY, DEFAULT_AUTOMATIC_FALLBACK,
                DEFAULT_AUTOMATIC_FALLBACK_DELAY, DEFAULT_CLIENT_RELOGIN_LOWER, DEFAULT_CLIENT_RELOGIN_UPPER,
                DEFAULT_SERVICE_PORT, DEFAULT_ADMIN_RPC_PORT, DEFAULT_PARTITION_RECOVERY);
    }

    /** Every parameter is checked on its own, then against the others; the first problem is reported. */
    public ServiceParameters {
        within("keepAliveInterval", keepAliveInterval, MIN_INTERVAL, Duration.ofMinutes(5));
        within("keepAliveTimeout", keepAliveTimeout, MIN_INTERVAL, MAX_TIMER);
        within("initKeepAliveTimeout", initKeepAliveTimeout, MIN_INTERVAL, MAX_TIMER);
        within("criticalServiceDelay", criticalServiceDelay, Duration.ZERO, MAX_TIMER);
        within("automaticFallbackDelay", automaticFallbackDelay, Duration.ZERO, MAX_FALLBACK_DELAY);
        within("clientReloginLower", clientReloginLower, Duration.ZERO, MAX_TIMER);
        within("clientReloginUpper", clientReloginUpper, Duration.ZERO, MAX_TIMER);
        port("servicePort", servicePort);
        port("adminRpcPort", adminRpcPort);
        if (partitionRecovery == null) throw new Invalid("partitionRecovery", null, "manual or witness");
        // A timeout shorter than two intervals fails over on a single lost heartbeat.
        if (keepAliveTimeout.compareTo(keepAliveInterval.multipliedBy(2)) < 0) {
            throw new Invalid("keepAliveTimeout", Durations.format(keepAliveTimeout),
                    "at least twice keepAliveInterval (" + Durations.format(keepAliveInterval) + ")");
        }
        if (initKeepAliveTimeout.compareTo(keepAliveTimeout) < 0) {
            throw new Invalid("initKeepAliveTimeout", Durations.format(initKeepAliveTimeout),
                    "at least keepAliveTimeout (" + Durations.format(keepAliveTimeout) + ")");
        }
        if (clientReloginUpper.compareTo(clientReloginLower) < 0) {
            throw new Invalid("clientReloginUpper", Durations.format(clientReloginUpper),
                    "at least clientReloginLower (" + Durations.format(clientReloginLower) + ")");
        }
        if (servicePort == adminRpcPort) {
            throw new Invalid("adminRpcPort", adminRpcPort, "a port other than servicePort (" + servicePort + ")");
        }
    }

    private static void within(String field, Duration d, Duration min, Duration max) {
        if (d == null) throw new Invalid(field, null, "a duration from " + Durations.format(min) + " to " + Durations.format(max));
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new Invalid(field, Durations.format(d), "from " + Durations.format(min) + " to " + Durations.format(max));
        }
    }

    private static void port(String field, int port) {
        if (port < 1 || port > 65535) throw new Invalid(field, port, "a port from 1 to 65535");
    }

    /** The parameter names, as the scenario language, the API and the CLI spell them. */
    public static final List<String> NAMES = List.of("keepAliveInterval", "keepAliveTimeout", "initKeepAliveTimeout",
            "criticalServiceDelay", "automaticFallback", "automaticFallbackDelay", "clientReloginLower",
            "clientReloginUpper", "servicePort", "adminRpcPort", "partitionRecovery");

    /**
     * Checks one parameter on its own: a known name and a value of the right kind (a duration, true or false, a
     * port). Whether it fits with the others is checked when the whole set is built.
     */
    public static void checkValue(String name, String value) {
        if (!NAMES.contains(name)) throw new Invalid("parameter", name, String.join(", ", NAMES));
        switch (name) {
            case "automaticFallback" -> bool(name, value);
            case "servicePort", "adminRpcPort" -> port(name, integer(name, value));
            case "partitionRecovery" -> PartitionRecovery.parse(name, value);
            default -> Durations.parse(name, value);
        }
    }

    /** A copy with one parameter changed, given as text; validated like a new set. */
    public ServiceParameters with(String name, String value) {
        Map<String, String> m = asText();
        if (!m.containsKey(name)) {
            throw new Invalid("parameter", name, String.join(", ", NAMES));
        }
        m.put(name, value);
        return fromText(m);
    }

    public Map<String, String> asText() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("keepAliveInterval", Durations.format(keepAliveInterval));
        m.put("keepAliveTimeout", Durations.format(keepAliveTimeout));
        m.put("initKeepAliveTimeout", Durations.format(initKeepAliveTimeout));
        m.put("criticalServiceDelay", Durations.format(criticalServiceDelay));
        m.put("automaticFallback", Boolean.toString(automaticFallback));
        m.put("automaticFallbackDelay", Durations.format(automaticFallbackDelay));
        m.put("clientReloginLower", Durations.format(clientReloginLower));
        m.put("clientReloginUpper", Durations.format(clientReloginUpper));
        m.put("servicePort", Integer.toString(servicePort));
        m.put("adminRpcPort", Integer.toString(adminRpcPort));
        m.put("partitionRecovery", partitionRecovery.text());
        return m;
    }

    /** Reads a full or partial set of parameters as text; missing ones take the specification's defaults. */
    public static ServiceParameters fromText(Map<String, String> text) {
        for (String k : text.keySet()) {
            if (!NAMES.contains(k)) throw new Invalid("parameter", k, String.join(", ", NAMES));
        }
        Map<String, String> m = defaults().asText();
        m.putAll(text);
        return new ServiceParameters(
                Durations.parse("keepAliveInterval", m.get("keepAliveInterval")),
                Durations.parse("keepAliveTimeout", m.get("keepAliveTimeout")),
                Durations.parse("initKeepAliveTimeout", m.get("initKeepAliveTimeout")),
                Durations.parse("criticalServiceDelay", m.get("criticalServiceDelay")),
                bool("automaticFallback", m.get("automaticFallback")),
                Durations.parse("automaticFallbackDelay", m.get("automaticFallbackDelay")),
                Durations.parse("clientReloginLower", m.get("clientReloginLower")),
                Durations.parse("clientReloginUpper", m.get("clientReloginUpper")),
                integer("servicePort", m.get("servicePort")),
                integer("adminRpcPort", m.get("adminRpcPort")),
                PartitionRecovery.parse("partitionRecovery", m.get("partitionRecovery")));
    }

    private static boolean bool(String field, String v) {
        if ("true".equalsIgnoreCase(v)) return true;
        if ("false".equalsIgnoreCase(v)) return false;
        throw new Invalid(field, v, "true or false");
    }

    private static int integer(String field, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (RuntimeException e) {
            throw new Invalid(field, v, "a port from 1 to 65535");
        }
    }
}
