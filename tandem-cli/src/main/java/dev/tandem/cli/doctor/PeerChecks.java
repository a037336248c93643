package dev.tandem.cli.doctor;

import dev.tandem.api.AdminClient;

import dev.tandem.node.config.NodeConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The peer of the redundancy group, through its admin API: reachable (/health), its clock (the HTTP Date header),
 * its version (/api/v1/node, with this node's admin token). Compatibility and the clock bound are explained in
 * docs/decisions/0070-doctor-clock-and-version-bounds.md.
 */
final class PeerChecks {
    /** Largest clock difference accepted: the Date header has whole seconds, so one second is measurement. */
    static final Duration MAX_CLOCK_DIFFERENCE = Duration.ofSeconds(2);
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    private final Clock clock;

    PeerChecks(Clock clock) {
        this.clock = clock;
    }

    /** Whether the node this configuration describes answers its own /health: then it holds its ports. */
    boolean running(NodeConfig c) {
        try {
            return client(c.admin().address(), c.admin().port(), null).exchange("GET", "/health", null, null).ok();
        } catch (AdminClient.Failure e) {
            return false;
        }
    }

    List<Finding> check(NodeConfig c, String ownVersion) {
        List<NodeConfig.Member> peers = c.redundancyGroup().nodes().stream().filter(m -> !m.id().equals(c.id())).toList();
        if (peers.isEmpty()) return List.of(Finding.skip("peer", "group " + c.redundancyGroup().name() + " has no peer"));
        List<Finding> out = new ArrayList<>();
        for (NodeConfig.Member peer : peers) out.addAll(check(c, peer, ownVersion));
        return out;
    }

    private List<Finding> check(NodeConfig c, NodeConfig.Member peer, String ownVersion) {
        int port = c.admin().port(); // both nodes of a pair use the same admin port (docs/operations.md)
        String where = "peer " + peer.id() + " at http://" + host(peer.address()) + ":" + port;
        AdminClient.Answer health;
        Instant sent = clock.instant();
        try {
            health = client(peer.address(), port, null).exchange("GET", "/health", null, null);
        } catch (AdminClient.Failure e) {
            return List.of(Finding.fail("peer", where + "/health does not answer (" + e.getMessage() + ")",
                    "start it, or open TCP " + port + " between the two hosts"));
        }
        Instant received = clock.instant();
        List<Finding> out = new ArrayList<>();
        if (health.status() != 200) {
            out.add(Finding.fail("peer", where + " answers " + health.status() + ": " + health.body(),
                    "look at its log: its protocol loop is stalled or it failed clean"));
        } else {
            out.add(Finding.ok("peer", where + " answers /health"));
        }
        out.add(clockFinding(peer, Optional.of(health.date()).filter(d -> !d.isEmpty()), sent, received));
        out.add(versionFinding(c, peer, port, ownVersion));
        return out;
    }

    private static Finding clockFinding(NodeConfig.Member peer, Optional<String> date, Instant sent, Instant received) {
        if (date.isEmpty()) return Finding.skip("clock", "peer " + peer.id() + " sent no Date header");
        Instant theirs = ZonedDateTime.parse(date.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Instant ours = sent.plus(Duration.between(sent, received).dividedBy(2));
        Duration diff = Duration.between(ours, theirs).abs();
        // The header drops the fraction: the peer's clock may be up to a second later than it says.
        Duration apart = diff.compareTo(Duration.ofSeconds(1)) <= 0 ? Duration.ZERO : diff.minusSeconds(1);
        if (apart.compareTo(MAX_CLOCK_DIFFERENCE) > 0) {
            return Finding.fail("clock", "peer " + peer.id() + "'s clock differs from this host's by about "
                    + diff.toSeconds() + " s (at most " + MAX_CLOCK_DIFFERENCE.toSeconds() + " s accepted)",
                    "run NTP on both hosts (timedatectl set-ntp true; chronyc tracking)");
        }
        return Finding.ok("clock", "peer " + peer.id() + "'s clock is within " + MAX_CLOCK_DIFFERENCE.toSeconds()
                + " s of this host's");
    }

    private Finding versionFinding(NodeConfig c, NodeConfig.Member peer, int port, String ownVersion) {
        if (c.admin().tokenFile() == null) {
            return Finding.skip("version", "no admin.tokenFile to ask peer " + peer.id() + " its version");
        }
        String theirs;
        try {
            String token = Files.readString(c.admin().tokenFile()).strip();
            theirs = client(peer.address(), port, token).node().version();
        } catch (AdminClient.Failure e) {
            if (e.status() == 401 || e.status() == 403) {
                return Finding.fail("version", "peer " + peer.id() + " refuses this node's admin token",
                        "use the same admin token on both nodes, or check admin.tokenFile");
            }
            return Finding.fail("version", "cannot read peer " + peer.id() + "'s version: " + e.getMessage(),
                    "check its admin API answers /api/v1/node");
        } catch (IOException | RuntimeException e) {
            return Finding.fail("version", "cannot read peer " + peer.id() + "'s version: " + e.getMessage(),
                    "check its admin API answers /api/v1/node");
        }
        if (compatible(ownVersion, theirs)) {
            return Finding.ok("version", "this node runs " + ownVersion + ", peer " + peer.id() + " runs " + theirs);
        }
        return Finding.fail("version", "this node runs " + ownVersion + ", peer " + peer.id() + " runs " + theirs
                + ": a pair runs one major.minor version", "upgrade the older node (docs/operations.md, Upgrades)");
    }

    /** Same major and minor version; a development build is compatible with itself only. */
    static boolean compatible(String a, String b) {
        return majorMinor(a).equals(majorMinor(b));
    }

    private static String majorMinor(String v) {
        String[] parts = v.split("[.-]");
        return parts.length >= 2 ? parts[0] + "." + parts[1] : v;
    }

    private static AdminClient client(String address, int port, String token) {
        return new AdminClient(URI.create("http://" + host(address) + ":" + port), token, null, TIMEOUT, TIMEOUT);
    }

    private static String host(String address) {
        return address.contains(":") ? "[" + address + "]" : address;
    }
}
