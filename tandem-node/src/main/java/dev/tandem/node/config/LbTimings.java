package dev.tandem.node.config;

import dev.tandem.core.Durations;
import dev.tandem.core.Invalid;
import dev.tandem.core.lb.ClusterKey;
import dev.tandem.core.lb.DeviceSettings;
import dev.tandem.core.lb.GroupSettings;
import dev.tandem.core.lb.HostName;
import dev.tandem.core.lb.IpAddress;
import dev.tandem.core.lb.LbTiming;
import dev.tandem.core.lb.Nat;
import dev.tandem.core.lb.NetAddress;
import dev.tandem.core.lb.VpnMode;
import java.util.Map;
import java.util.Optional;

/** Turns the {@code loadBalancing} section of a node's configuration into the core's settings. */
public final class LbTimings {
    private LbTimings() {}

    /** Checks one timing value on its own (a duration, or a count for the retries); how values fit together is from's. */
    public static void checkValue(String key, String value) {
        if (key.endsWith("Retries")) count(key, value);
        else Durations.parse(key, value);
    }

    /** The group's timing: the specification's defaults, with the keys the configuration gives. */
    public static LbTiming from(Map<String, String> t) {
        LbTiming d = LbTiming.defaults();
        return new LbTiming(
                t.containsKey("keepaliveInterval") ? Durations.parse("keepaliveInterval", t.get("keepaliveInterval")) : d.keepaliveInterval(),
                t.containsKey("keepaliveWait") ? Durations.parse("keepaliveWait", t.get("keepaliveWait")) : d.keepaliveWait(),
                t.containsKey("keepaliveRetries") ? count("keepaliveRetries", t.get("keepaliveRetries")) : d.keepaliveRetries(),
                t.containsKey("helloInterval") ? Durations.parse("helloInterval", t.get("helloInterval")) : d.helloInterval(),
                t.containsKey("helloRetries") ? count("helloRetries", t.get("helloRetries")) : d.helloRetries(),
                t.containsKey("discoveryWindow") ? Durations.parse("discoveryWindow", t.get("discoveryWindow")) : d.discoveryWindow());
    }

    /** This device's settings ([LB-DEVICE]). */
    public static DeviceSettings device(NodeConfig.LoadBalancing lb) {
        DeviceSettings d = DeviceSettings.of(IpAddress.parse("public address", lb.publicAddress()),
                IpAddress.parse("private address", lb.privateAddress()))
                .withPriority(lb.priority()).withParticipate(lb.participate()).withModel(lb.model());
        if (!lb.nat().isEmpty()) d = d.withNat(Nat.parse("nat", lb.nat().toArray(String[]::new)));
        if (lb.redirectFqdn() || lb.fqdn() != null) {
            d = d.withRedirectFqdn(lb.redirectFqdn(), lb.fqdn() == null ? null : HostName.parseFqdn("fqdn", lb.fqdn()));
        }
        return d;
    }

    /** The group's settings ([LB-GROUP]). */
    public static GroupSettings group(NodeConfig.LoadBalancing lb, boolean encryption, Optional<String> secret) {
        GroupSettings g = GroupSettings.of(NetAddress.parse("cluster address", lb.clusterAddress()))
                .withPort(lb.clusterPort())
                .withMode(mode(lb));
        if (secret.isEmpty()) return g;
        ClusterKey key = ClusterKey.of("cluster key", secret.get());
        return encryption ? g.withEncryption(key) : g.withKey(key);
    }

    /** The group's mode as the configuration spells it: centralized or distributed. */
    public static VpnMode mode(NodeConfig.LoadBalancing lb) {
        return lb.mode().equals("centralized") ? VpnMode.CENTRALIZED : VpnMode.DISTRIBUTED;
    }

    private static int count(String field, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new Invalid(field, v, "a whole number");
        }
    }
}
