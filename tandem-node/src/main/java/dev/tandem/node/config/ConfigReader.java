package dev.tandem.node.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.core.Durations;
import dev.tandem.core.Invalid;
import dev.tandem.core.NodeId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the values of one YAML configuration file, bound by {@link ConfigBinding}: each reader checks its value and,
 * when it is wrong, stops with a {@link ConfigError} naming the file, the line, the key, the value and what is
 * allowed. The sections of a node's file ({@link ConfigLoader}, {@link ServiceSections}) are read with it.
 */
abstract class ConfigReader {
    final Path file;
    final LocatedYaml yaml;

    ConfigReader(Path file, LocatedYaml yaml) {
        this.file = file;
        this.yaml = yaml;
    }

    /** The largest body any server may be configured to take: 1 GiB. */
    static final long MAX_BODY_BYTES = 1L << 30;

    /** An HTTP server's limits (docs/node.md, HTTP limits); a missing key keeps its default. */
    NodeConfig.Http http(String p, ConfigFile.HttpSection h, long defaultBody) {
        NodeConfig.Http d = NodeConfig.Http.defaults(defaultBody);
        if (h == null) return d;
        String q = p + ".";
        Duration header = h.headerTimeout() != null ? duration(q + "headerTimeout", h.headerTimeout()) : d.headerTimeout();
        Duration idle = h.idleTimeout() != null ? duration(q + "idleTimeout", h.idleTimeout()) : d.idleTimeout();
        if (header.toMillis() < 100 || header.toHours() > 1) {
            throw error(q + "headerTimeout", "'" + Durations.format(header) + "' is not allowed; allowed: 100ms to 1h");
        }
        if (idle.toMillis() < 100 || idle.toHours() > 24) {
            throw error(q + "idleTimeout", "'" + Durations.format(idle) + "' is not allowed; allowed: 100ms to 24h");
        }
        int perClient = h.maxConnectionsPerClient() != null ? h.maxConnectionsPerClient().intValue()
                : d.maxConnectionsPerClient();
        long body = h.maxBodyBytes() != null ? h.maxBodyBytes() : d.maxBodyBytes();
        return new NodeConfig.Http(header, idle, perClient, body);
    }

    /** How a node claims and releases addresses: a driver of the section and its settings. */
    NodeConfig.ServiceAddresses addressDriver(String p, ConfigFile.DriverSection section, String driverKey) {
        String driver = section.driver() != null ? section.driver() : "bind";
        if (!List.of("bind", "linux", "script").contains(driver)) {
            throw error(p + driverKey, "'" + driver + "' is not allowed; allowed: bind, linux or script");
        }
        String iface = section.iface();
        if (driver.equals("linux") && iface == null) throw error(p + "interface", "required by the linux address driver (for example eth0)");
        List<String> claim = section.claimCommand() != null ? command(p + "claimCommand", section.claimCommand()) : List.of();
        List<String> release = section.releaseCommand() != null ? command(p + "releaseCommand", section.releaseCommand()) : List.of();
        if (driver.equals("script") && (claim.isEmpty() || release.isEmpty())) {
            throw error(p + "claimCommand", "the script address driver needs claimCommand and releaseCommand");
        }
        return new NodeConfig.ServiceAddresses(driver, iface, claim, release);
    }

    /**
     * A server's certificate and private key (both or neither, as for loadBalancing.redirect) and, where the node
     * calls a peer's server, the trust file its certificate is checked against: by default this node's own
     * certificate, which suits a pair sharing one certificate that names both addresses.
     */
    NodeConfig.Tls tls(String p, String certificate, String privateKey, String trustFile, boolean withTrust) {
        Path base = file.toAbsolutePath().getParent();
        Path cert = certificate != null ? base.resolve(certificate) : null;
        Path key = privateKey != null ? base.resolve(privateKey) : null;
        if ((cert == null) != (key == null)) {
            throw error(p + (cert == null ? "certificate" : "privateKey"),
                    "HTTPS needs both certificate and privateKey (PEM files); give both, or neither for plain HTTP");
        }
        if (withTrust && trustFile != null && cert == null) {
            throw error(p + "trustFile", "only with certificate and privateKey: peers are called over HTTPS when this"
                    + " node serves HTTPS");
        }
        if (cert == null) return null;
        Path trust = !withTrust ? null : trustFile != null ? base.resolve(trustFile) : cert;
        return new NodeConfig.Tls(cert, key, trust);
    }

    /** One value, or a list of values (for example an IPv4 and an IPv6 NAT address). */
    List<String> words(String path, JsonNode n) {
        if (n.isValueNode() && !n.asText().isBlank()) return List.of(n.asText());
        if (!n.isArray() || n.isEmpty()) throw error(path, "a value, or a list of values");
        List<String> out = new ArrayList<>();
        for (JsonNode w : n) {
            if (!w.isValueNode()) throw error(path, "every value must be text");
            out.add(w.asText());
        }
        return List.copyOf(out);
    }

    void checked(String path, Runnable check) {
        try {
            check.run();
        } catch (Invalid e) {
            throw error(path, e.getMessage());
        }
    }

    // ---------------------------------------------------------------- field readers

    /** A key the file must give. */
    <T> T required(String path, T value) {
        if (value == null) throw error(path, "missing; a value is required");
        return value;
    }

    String nodeId(String path, String v) {
        try {
            return NodeId.of(v).value();
        } catch (Invalid e) {
            throw error(path, e.getMessage());
        }
    }

    String address(String path, String v) {
        if (!v.matches("[0-9A-Za-z.:_-]+")) throw error(path, "'" + v + "' is not an IP address or host name");
        return v;
    }

    Duration duration(String path, String text) {
        try {
            return Durations.parse(path, text);
        } catch (Invalid e) {
            throw error(path, e.getMessage());
        }
    }

    List<String> command(String path, JsonNode n) {
        if (n.isTextual() && !n.asText().isBlank()) return List.of("/bin/sh", "-c", n.asText());
        if (!n.isArray() || n.isEmpty()) throw error(path, "a command: a list of words, or one shell line");
        List<String> out = new ArrayList<>();
        for (JsonNode w : n) {
            if (!w.isValueNode()) throw error(path, "every word of a command must be text");
            out.add(w.asText());
        }
        return List.copyOf(out);
    }

    ConfigError error(String path, String message) {
        String where = file + ":" + yaml.line(path);
        return new ConfigError(where + ": " + (path.isEmpty() ? "" : path + ": ") + message);
    }
}
