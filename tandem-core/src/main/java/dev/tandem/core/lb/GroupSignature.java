package dev.tandem.core.lb;

import java.util.Optional;

/**
 * What members compare before they work together: the group settings with the key replaced by
 * its fingerprint. It travels in Hello, candidacy and director messages.
 *
 * @param keyFingerprint the key's fingerprint, or "" when no key is set
 */
public record GroupSignature(String clusterAddress, int clusterPort, boolean encryption, String keyFingerprint,
                             VpnMode mode) {

    /**
     * The first setting that differs, named, or empty if the two agree. [LB-PREREQ]:
     * "All devices that participate in a group must share the same cluster-specific values:
     * IP address, encryption settings, encryption key, and port."
     */
    public Optional<SettingsDifference> differenceFrom(GroupSignature peer) {
        if (!clusterAddress.equals(peer.clusterAddress)) {
            return diff("cluster address", clusterAddress, peer.clusterAddress);
        }
        if (clusterPort != peer.clusterPort) {
            return diff("cluster port", Integer.toString(clusterPort), Integer.toString(peer.clusterPort));
        }
        if (encryption != peer.encryption) {
            return diff("cluster encryption", onOff(encryption), onOff(peer.encryption));
        }
        if (!keyFingerprint.equals(peer.keyFingerprint)) {
            return diff("cluster key", keyText(keyFingerprint), keyText(peer.keyFingerprint));
        }
        if (mode != peer.mode) {
            return diff("mode", mode.display(), peer.mode.display());
        }
        return Optional.empty();
    }

    private static Optional<SettingsDifference> diff(String setting, String here, String there) {
        return Optional.of(new SettingsDifference(setting, here, there));
    }

    private static String onOff(boolean b) {
        return b ? "enabled" : "disabled";
    }

    private static String keyText(String fingerprint) {
        return fingerprint.isEmpty() ? "no key" : "key with fingerprint " + fingerprint;
    }
}
