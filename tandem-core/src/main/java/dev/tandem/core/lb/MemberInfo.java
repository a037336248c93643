package dev.tandem.core.lb;

import java.util.Objects;

/**
 * What the group knows of a member from its own settings: enough to elect a director and to redirect
 * clients to it. It travels in Hello messages and in the topology the director pushes.
 *
 * @param publicAddress   the member's IP for "lowest IP" and for {@code show vpn load-balancing}
 * @param redirectAddress where clients are sent: public address, NAT address or FQDN
 */
public record MemberInfo(MemberName name, IpAddress publicAddress, int priority, String model,
                         NetAddress redirectAddress) {
    public MemberInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(publicAddress, "publicAddress");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(redirectAddress, "redirectAddress");
    }

    public static MemberInfo of(MemberName name, DeviceSettings device) {
        return new MemberInfo(name, device.publicAddress(), device.priority(), device.model(), device.redirectAddress());
    }
}
