package dev.tandem.node.api;

import dev.tandem.api.ApiError;
import dev.tandem.api.ClusterAnswers;

import dev.tandem.core.Invalid;
import dev.tandem.core.NodeId;
import dev.tandem.core.config.ConfigError;
import dev.tandem.core.config.ConfigInterpreter;
import dev.tandem.core.config.ConfigWarning;
import dev.tandem.core.config.LbConfig;
import dev.tandem.core.lb.ClusterKey;
import dev.tandem.core.lb.DeviceSettings;
import dev.tandem.core.lb.Nat;
import dev.tandem.core.lb.NetAddress;
import dev.tandem.core.lb.VpnMode;
import dev.tandem.node.config.HostAddresses;
import dev.tandem.node.crypto.SealedSecret;
import dev.tandem.node.runtime.TandemNode;
import dev.tandem.node.store.ClusterSettings;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * the configuration commands of [LB-CONFIG] on the store (Configuring VPN Load Balancing): {@code POST
 * /api/v1/config/commands} runs lines through the core's {@link ConfigInterpreter} over the stored load-balancing
 * group and one device, and writes the result in one audited store transaction, all or nothing;
 * {@code GET /api/v1/config/running} prints the section as {@code show running-config} does.
 *
 * <p>The store keeps the group key's fingerprint only (docs/store.md), so the section read from it carries a
 * stand-in for a key it cannot show: a {@code cluster key} line replaces it, {@code no cluster key} removes it,
 * and otherwise the stored fingerprint is written back unchanged. A {@code cluster key 8} value is opened here with
 * this node's master key, as {@code tandem key seal} sealed it, and only its fingerprint is kept.
 */
final class ConfigCommandsApi {
    /** Marks the stored key in the section's sealed-key slot; a typed sealed key starts with "8$", never with this. */
    private static final String STORED_KEY = "stored-fingerprint:";

    private final TandemNode node;
    private final ClusterApi cluster;

    ConfigCommandsApi(TandemNode node, ClusterApi cluster) {
        this.node = node;
        this.cluster = cluster;
    }

    void register(RoutesConfig r) {
        r.post("/api/v1/config/commands", this::commands);
        r.get("/api/v1/config/running", this::running);
        r.exception(ConfigError.class, (e, ctx) -> ctx.status(400)
                .json(new ApiError(e.reason(), e.reason(), 400, e.line(), e.command())));
    }

    private void running(Context ctx) {
        ClusterSettings s = cluster.settings(ctx);
        String device = device(ctx, s);
        ctx.contentType("text/plain; charset=utf-8").result(ConfigInterpreter.runningConfig(section(s, device)));
    }

    private void commands(Context ctx) {
        String script = ctx.body();
        String device = device(ctx, cluster.settings(ctx));
        int[] applied = new int[1];
        List<ConfigWarning> warnings = new ArrayList<>();
        LbConfig[] result = new LbConfig[2];
        int[] lastLine = new int[1];
        Set<String> affected = new LinkedHashSet<>();
        ClusterSettings after = cluster.write(ctx, "config commands", device, s -> {
            List<ConfigInterpreter.Statement> statements = ConfigInterpreter.parse(script);
            result[1] = section(s, device);
            ConfigInterpreter.Result r = run(result[1], statements);
            lastLine[0] = statements.isEmpty() ? 0 : statements.get(statements.size() - 1).line();
            applied[0] = r.applied();
            warnings.clear();
            warnings.addAll(r.warnings());
            result[0] = r.config();
            ClusterSettings next = stored(s, device, r.config(),
                    statements.isEmpty() ? null : statements.get(statements.size() - 1));
            if (ClusterSettings.LbGroup.needsRestart(s.lbGroup(), next.lbGroup())) {
                next.devices().forEach(d -> affected.add(d.node()));
                s.devices().forEach(d -> affected.add(d.node()));
            }
            if (ClusterSettings.Device.needsRestart(s.device(device), next.device(device))) affected.add(device);
            return next;
        });
        List<ClusterAnswers.CommandWarning> w = new ArrayList<>();
        for (ConfigWarning x : warnings) w.add(new ClusterAnswers.CommandWarning(x.line(), x.command(), x.message()));
        // This node checks its own device's addresses, those this input gave (decision 0065); the others are
        // checked where they run.
        if (device.equals(node.config().id())) {
            Map<dev.tandem.core.lb.IpAddress, String> before = HostAddresses.named(result[1]);
            HostAddresses.named(result[0]).forEach((address, what) -> {
                if (!before.containsKey(address) && !HostAddresses.isLocal(address)) {
                    w.add(new ClusterAnswers.CommandWarning(lastLine[0], "", what + ": " + address.text()
                            + " is not an address of this host (node " + device + ")"));
                }
            });
        }
        // As with PUT .../load-balancing/settings: the group's address, port and key and the device's addresses are
        // bound at a node's start; priority, NAT, redirect-fqdn and participate apply at once.
        ctx.json(new ClusterAnswers.CommandsApplied(applied[0], after.epoch(), device, List.copyOf(affected), w));
    }

    /** The device {@code ?node=} names, default this node; it must be a node the cluster knows. */
    private String device(Context ctx, ClusterSettings s) {
        String id = ctx.queryParam("node");
        if (id == null || id.isBlank()) return node.config().id();
        NodeId.of(id);
        Set<String> known = new TreeSet<>();
        known.add(node.config().id());
        s.groups().forEach(g -> g.nodes().forEach(m -> known.add(m.id())));
        s.devices().forEach(d -> known.add(d.node()));
        if (!known.contains(id)) throw new Invalid("node", id, "a node of the cluster: " + String.join(", ", known));
        return id;
    }

    /** Line by line, so that a sealed key is opened at its own line and a wrong one is named by it. */
    private ConfigInterpreter.Result run(LbConfig start, List<ConfigInterpreter.Statement> statements) {
        return ConfigInterpreter.apply(start, statements, (c, st) -> {
            LbConfig next = ConfigInterpreter.apply(c, st);
            if (next.sealedKey() != null && !next.sealedKey().startsWith(STORED_KEY)) next = next.withKey(unseal(next.sealedKey(), st));
            return next;
        });
    }

    /** [LB-GROUP], step 5: "cluster key 8" takes an already encrypted key; this node's master key opens it. */
    private ClusterKey unseal(String sealed, ConfigInterpreter.Statement st) {
        Path master = node.config().cluster().masterKeyFile();
        if (master == null) {
            throw new ConfigError(st.line(), st.text(), "cluster key 8 needs this node's master key to open the"
                    + " encrypted key, and node " + node.config().id() + " has none: set cluster.masterKeyFile in its"
                    + " configuration file, or give the key itself with 'cluster key <key>'");
        }
        String secret;
        try {
            secret = SealedSecret.open(sealed, Files.readString(master).strip());
        } catch (IOException e) {
            throw new ConfigError(st.line(), st.text(), "cluster key 8: node " + node.config().id()
                    + " cannot read its master key file (" + e.getClass().getSimpleName() + ")");
        } catch (IllegalArgumentException e) {
            throw new ConfigError(st.line(), st.text(), "cluster key 8: " + e.getMessage()
                    + " (seal it with 'tandem key seal' and the master key of node " + node.config().id() + ")");
        }
        try {
            return ClusterKey.of("cluster key 8", secret);
        } catch (Invalid e) {
            throw new ConfigError(st.line(), st.text(), e.getMessage());
        }
    }

    /** The stored group and the stored settings of {@code device}, as the configuration commands see them. */
    static LbConfig section(ClusterSettings s, String device) {
        LbConfig c = LbConfig.defaults();
        ClusterSettings.LbGroup g = s.lbGroup();
        if (g != null) {
            c = new LbConfig(NetAddress.parse("clusterAddress", g.clusterAddress()), g.clusterPort(), g.encryption(),
                    null, g.keySet() ? STORED_KEY + g.keyFingerprint() : null, VpnMode.parse("mode", g.mode()),
                    c.priority(), null, null, Nat.none(), c.participate(), c.redirectFqdn());
        }
        ClusterSettings.Device d = s.device(device).orElse(null);
        if (d != null) {
            DeviceSettings ds = d.toCore();
            c = c.withPriority(ds.priority()).withPublicAddress(ds.publicAddress()).withPrivateAddress(ds.privateAddress())
                    .withNat(ds.nat()).withParticipate(ds.participate()).withRedirectFqdn(ds.redirectFqdn());
        }
        // The device's named interfaces, crypto, dns and group URLs, and the names its section uses (decision 0068).
        String text = s.deviceConfig(device);
        return text.isEmpty() ? c : ConfigInterpreter.run(c, text).config();
    }

    /**
     * The section written back over {@code s}: the group (absent without a cluster address) and this device. What
     * the store cannot hold (group settings without an address, device settings without a public address) is refused at
     * {@code last}, the script's last command.
     */
    static ClusterSettings stored(ClusterSettings s, String device, LbConfig c, ConfigInterpreter.Statement last) {
        int lastLine = last == null ? 1 : last.line();
        String lastText = last == null ? "" : last.text();
        ClusterSettings.LbGroup old = s.lbGroup();
        ClusterSettings.LbGroup g = null;
        if (c.clusterAddress() != null) {
            String fingerprint = c.key() != null ? c.key().fingerprint()
                    : c.sealedKey() != null ? c.sealedKey().substring(STORED_KEY.length()) : null;
            g = new ClusterSettings.LbGroup(c.clusterAddress().text(), c.clusterPort(), c.encryption(), fingerprint,
                    c.mode().display(), old == null ? ClusterSettings.LbGroup.DEFAULT_REDIRECT_PORT : old.redirectPort());
        } else if (c.clusterPort() != LbConfig.defaults().clusterPort() || c.encryption() || c.keySet()) {
            throw new ConfigError(lastLine, lastText, "the load-balancing group has no virtual address, so its"
                    + " port, key and encryption cannot be kept: enter 'cluster ip address <address>' as well");
        }
        ClusterSettings.Device before = s.device(device).orElse(null);
        List<ClusterSettings.Device> devices = new ArrayList<>(s.devices().stream().filter(d -> !d.node().equals(device)).toList());
        if (c.publicAddress() != null) {
            // Typed one line at a time, lbpublic comes first ([LB-DEVICE], step 1): until lbprivate is given the device
            // talks on its public address, as PUT .../load-balancing/settings does without a privateAddress.
            LbConfig whole = c.privateAddress() != null ? c : c.withPrivateAddress(c.publicAddress());
            DeviceSettings ds = whole.deviceSettings(before == null ? null : before.toCore()).orElseThrow();
            devices.add(new ClusterSettings.Device(device, ds.priority(), ds.publicAddress().text(),
                    ds.privateAddress().text(), natWords(ds.nat()), ds.participate(), ds.redirectFqdn(),
                    before == null ? null : before.fqdn()));
        } else if (c.privateAddress() != null || c.priority() != LbConfig.defaults().priority() || c.nat().isSet()
                || c.participate() || c.redirectFqdn()) {
            throw new ConfigError(lastLine, lastText, "device " + device + " has no public address, so its other"
                    + " settings cannot be kept: enter 'interface lbpublic <address>' first");
        }
        // Keep the devices in their stored order, this one where it was.
        List<ClusterSettings.Device> ordered = new ArrayList<>();
        for (ClusterSettings.Device d : s.devices()) {
            devices.stream().filter(x -> x.node().equals(d.node())).findFirst().ifPresent(ordered::add);
        }
        devices.stream().filter(x -> s.device(x.node()).isEmpty()).forEach(ordered::add);
        return s.withLoadBalancing(g, ordered).withDeviceConfig(device, ConfigInterpreter.deviceText(c));
    }

    private static List<String> natWords(Nat n) {
        if (n.hostname() != null) return List.of(n.hostname().text());
        List<String> out = new ArrayList<>();
        if (n.ipv4() != null) out.add(n.ipv4().text());
        if (n.ipv6() != null) out.add(n.ipv6().text());
        return out;
    }
}
