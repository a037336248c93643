package dev.tandem.node.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.core.Durations;
import dev.tandem.core.Invalid;
import dev.tandem.core.NodeId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads the fields of one YAML configuration file: each reader checks its value and, when it is wrong, stops with a
 * {@link ConfigError} naming the file, the line, the key, the value and what is allowed. The sections of a node's
 * file ({@link ConfigLoader}, {@link ServiceSections}) are read with it.
 */
abstract class ConfigReader {
    private static final Set<String> HTTP_KEYS = Set.of("headerTimeout", "idleTimeout", "maxConnectionsPerClient",
            "maxBodyBytes");

    final Path file;
    final LocatedYaml yaml;

    ConfigReader(Path file, LocatedYaml yaml) {
        this.file = file;
        this.yaml = yaml;
    }

    /** The largest body any server may be configured to take: 1 GiB. */
    static final long MAX_BODY_BYTES = 1L << 30;

    /** An HTTP server's limits (docs/node.md, HTTP limits); a missing key keeps its default. */
    NodeConfig.Http http(String p, JsonNode h, long defaultBody) {
        NodeConfig.Http d = NodeConfig.Http.defaults(defaultBody);
        if (h == null || h.isNull()) return d;
        if (!h.isObject()) throw error(p, "a mapping of keys " + new java.util.TreeSet<>(HTTP_KEYS));
        keys(p, h, HTTP_KEYS);
        String q = p + ".";
        Duration header = h.has("headerTimeout") ? duration(q + "headerTimeout", h.get("headerTimeout")) : d.headerTimeout();
        Duration idle = h.has("idleTimeout") ? duration(q + "idleTimeout", h.get("idleTimeout")) : d.idleTimeout();
        if (header.toMillis() < 100 || header.toHours() > 1) {
            throw error(q + "headerTimeout", "'" + Durations.format(header) + "' is not allowed; allowed: 100ms to 1h");
        }
        if (idle.toMillis() < 100 || idle.toHours() > 24) {
            throw error(q + "idleTimeout", "'" + Durations.format(idle) + "' is not allowed; allowed: 100ms to 24h");
        }
        int perClient = h.has("maxConnectionsPerClient")
                ? (int) integer(q + "maxConnectionsPerClient", h.get("maxConnectionsPerClient"), 1, 100_000)
                : d.maxConnectionsPerClient();
        long body = h.has("maxBodyBytes") ? integer(q + "maxBodyBytes", h.get("maxBodyBytes"), 1024, MAX_BODY_BYTES)
                : d.maxBodyBytes();
        return new NodeConfig.Http(header, idle, perClient, body);
    }

    /** How a node claims and releases addresses: a driver of the section and its settings. */
    NodeConfig.ServiceAddresses addressDriver(String p, JsonNode section, String driverKey) {
        String driver = section.has(driverKey) ? text(section, p + driverKey, true) : "bind";
        if (!List.of("bind", "linux", "script").contains(driver)) {
            throw error(p + driverKey, "'" + driver + "' is not allowed; allowed: bind, linux or script");
        }
        String iface = section.has("interface") ? text(section, p + "interface", true) : null;
        if (driver.equals("linux") && iface == null) throw error(p + "interface", "required by the linux address driver (for example eth0)");
        List<String> claim = section.has("claimCommand") ? command(p + "claimCommand", section.get("claimCommand")) : List.of();
        List<String> release = section.has("releaseCommand") ? command(p + "releaseCommand", section.get("releaseCommand")) : List.of();
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
    NodeConfig.Tls tls(String p, JsonNode section, boolean withTrust) {
        Path base = file.toAbsolutePath().getParent();
        Path cert = section.has("certificate") ? base.resolve(text(section, p + "certificate", true)) : null;
        Path key = section.has("privateKey") ? base.resolve(text(section, p + "privateKey", true)) : null;
        if ((cert == null) != (key == null)) {
            throw error(p + (cert == null ? "certificate" : "privateKey"),
                    "HTTPS needs both certificate and privateKey (PEM files); give both, or neither for plain HTTP");
        }
        if (withTrust && section.has("trustFile") && cert == null) {
            throw error(p + "trustFile", "only with certificate and privateKey: peers are called over HTTPS when this"
                    + " node serves HTTPS");
        }
        if (cert == null) return null;
        Path trust = !withTrust ? null : section.has("trustFile") ? base.resolve(text(section, p + "trustFile", true)) : cert;
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

    JsonNode object(String key, boolean required) {
        JsonNode n = yaml.root.get(key);
        if (n == null || n.isNull()) {
            if (required) throw error(key, "missing; this section is required");
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        }
        if (!n.isObject()) throw error(key, "must be a mapping of keys");
        return n;
    }

    void keys(String path, JsonNode n, Set<String> allowed) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                String p = path.isEmpty() ? k : path + "." + k;
                throw error(p, "unknown key '" + k + "'; allowed: " + new java.util.TreeSet<>(allowed));
            }
        }
    }

    String text(JsonNode parent, String path, boolean required) {
        String key = path.substring(path.lastIndexOf('.') + 1);
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) {
            if (required) throw error(path, "missing; a value is required");
            return null;
        }
        if (!n.isValueNode() || n.asText().isBlank()) throw error(path, "must be a non-empty text value");
        return n.asText();
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

    int port(String path, JsonNode n) {
        return (int) integer(path, n, 1, 65535);
    }

    long integer(String path, JsonNode n, long min, long max) {
        if (!n.canConvertToLong() || !n.isIntegralNumber() || n.asLong() < min || n.asLong() > max) {
            throw error(path, "'" + n.asText() + "' is not allowed; allowed: a whole number from " + min + " to " + max);
        }
        return n.asLong();
    }

    boolean bool(String path, JsonNode n) {
        if (!n.isBoolean()) throw error(path, "'" + n.asText() + "' is not allowed; allowed: true or false");
        return n.asBoolean();
    }

    Duration duration(String path, JsonNode n) {
        try {
            return Durations.parse(path, n.asText());
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
