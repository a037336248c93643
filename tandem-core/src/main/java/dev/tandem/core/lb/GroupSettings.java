package dev.tandem.core.lb;

import dev.tandem.core.Invalid;
import java.util.Optional;

/**
 * The settings every member of a load-balancing group shares ([LB-GROUP], Configure the VPN Load
 * Balancing Group Attributes; Prerequisites: "the same cluster-specific values: IP address,
 * encryption settings, encryption key, and port"). Tandem adds the VPN mode to them.
 *
 * @param clusterAddress the virtual address or FQDN that belongs to the director
 * @param clusterPort    the group's UDP port
 * @param encryption     group messages travel encrypted with the key
 * @param key            the shared secret, or null when none is set
 * @param mode           centralized or distributed
 */
public record GroupSettings(NetAddress clusterAddress, int clusterPort, boolean encryption, ClusterKey key,
                            VpnMode mode) {

    /** [LB-GROUP], step 3: "The default value is 9023." */
    public static final int DEFAULT_CLUSTER_PORT = 9023;
    /** [LB-GROUP], step 4: "The default is no encryption." */
    public static final boolean DEFAULT_ENCRYPTION = false;
    /**
     * Distributed: a load-balancing group exists to spread sessions ([LB-ABOUT]).
     * The specification's centralized default belongs to FXOS chassis clustering; see docs/decisions.
     */
    public static final VpnMode DEFAULT_MODE = VpnMode.DISTRIBUTED;

    public GroupSettings {
        if (clusterAddress == null) {
            throw new Invalid("cluster address", null, "an IPv4 address, an IPv6 address or a fully qualified domain name");
        }
        if (clusterPort < 1 || clusterPort > 65535) {
            throw new Invalid("cluster port", clusterPort, "a port from 1 to 65535 (default 9023)");
        }
        // [LB-GROUP], step 4: "If you configure this check attribute, you must first specify and verify a shared secret."
        if (encryption && key == null) {
            throw new Invalid("cluster key", null, "a shared key whenever cluster encryption is enabled");
        }
        if (mode == null) throw new Invalid("mode", null, "centralized or distributed");
    }

    /** A group on the given address with the specification's defaults: port 9023, no encryption, no key. */
    public static GroupSettings of(NetAddress clusterAddress) {
        return new GroupSettings(clusterAddress, DEFAULT_CLUSTER_PORT, DEFAULT_ENCRYPTION, null, DEFAULT_MODE);
    }

    public GroupSettings withPort(int port) {
        return new GroupSettings(clusterAddress, port, encryption, key, mode);
    }

    public GroupSettings withEncryption(ClusterKey newKey) {
        return new GroupSettings(clusterAddress, clusterPort, true, newKey, mode);
    }

    public GroupSettings withKey(ClusterKey newKey) {
        return new GroupSettings(clusterAddress, clusterPort, encryption, newKey, mode);
    }

    public GroupSettings withClusterAddress(NetAddress address) {
        return new GroupSettings(address, clusterPort, encryption, key, mode);
    }

    public GroupSettings withMode(VpnMode newMode) {
        return new GroupSettings(clusterAddress, clusterPort, encryption, key, newMode);
    }

    public GroupSignature signature() {
        return new GroupSignature(clusterAddress.text(), clusterPort, encryption,
                key == null ? "" : key.fingerprint(), mode);
    }

    /** The first group setting that differs from a peer's, the key compared by fingerprint only. */
    public Optional<SettingsDifference> differenceFrom(GroupSettings peer) {
        return signature().differenceFrom(peer.signature());
    }

    @Override
    public String toString() {
        return "GroupSettings[clusterAddress=" + clusterAddress.text() + ", clusterPort=" + clusterPort
                + ", encryption=" + encryption + ", key=" + (key == null ? "none" : "fingerprint " + key.fingerprint())
                + ", mode=" + mode.display() + "]";
    }
}
