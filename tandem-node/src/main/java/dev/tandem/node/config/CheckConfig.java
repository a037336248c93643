package dev.tandem.node.config;

import java.time.Duration;
import java.util.List;

/**
 * One critical service check. {@code kind}: tcp (target host:port), http (url, expectStatus, bodyContains),
 * process (pidFile or processName), command (command; exit 0 means up), database (jdbcUrl; a failure is
 * the specification's [RG-T2] Database Failure).
 */
public record CheckConfig(String name, String kind, String target, String url, Integer expectStatus,
                          String bodyContains, String pidFile, String processName, List<String> command,
                          String jdbcUrl, Duration interval, Duration timeout) {
    public static final List<String> KINDS = List.of("tcp", "http", "process", "command", "database");

    public boolean isDatabase() {
        return "database".equals(kind);
    }
}
