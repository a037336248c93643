package dev.tandem.node.config;

import java.time.Duration;
import java.util.List;

/**
 * One critical service check. {@code kind}: tcp (target host:port), http (url, expectStatus, bodyContains),
 * process (pidFile or processName), command (command; exit 0 means up), database (jdbcUrl; a failure is
 * the specification's [RG-T2] Database Failure), interface ({@code interfaceName}, the check's name unless given:
 * the link of a network interface, [LB-FAILOVER]; docs/decisions/0079-interface-checks-read-link-state.md).
 * {@code failAfter} probes failed in a row make the service down, {@code recoverAfter} good ones in a row make it up
 * again (both 1 unless configured: every probe's verdict counts, as the specification's monitoring does).
 */
public record CheckConfig(String name, String kind, String target, String url, Integer expectStatus,
                          String bodyContains, String pidFile, String processName, List<String> command,
                          String jdbcUrl, Duration interval, Duration timeout, String interfaceName, int failAfter,
                          int recoverAfter) {
    /** The most probes in a row a check may need to change its verdict. */
    public static final int MOST_IN_A_ROW = 10;

    public static final List<String> KINDS = List.of("tcp", "http", "process", "command", "database", "interface");

    /** A check of any kind but interface. */
    public CheckConfig(String name, String kind, String target, String url, Integer expectStatus, String bodyContains,
                       String pidFile, String processName, List<String> command, String jdbcUrl, Duration interval,
                       Duration timeout) {
        this(name, kind, target, url, expectStatus, bodyContains, pidFile, processName, command, jdbcUrl, interval,
                timeout, null, 1, 1);
    }

    public boolean isDatabase() {
        return "database".equals(kind);
    }
}
