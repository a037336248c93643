package dev.tandem.core.config;

import dev.tandem.core.config.GlobalConfig.GroupUrl;
import dev.tandem.core.config.GlobalConfig.NamedInterface;
import dev.tandem.core.config.GlobalConfig.TunnelGroup;
import dev.tandem.core.lb.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The specification's advice that a section can break and still run: each rule reads the whole section and says what is off.
 * The interpreter reports a piece of advice at the line that first brought it about, and only when it still holds
 * after the last line (decision 0066).
 */
public final class ConfigAdvice {
    private ConfigAdvice() {}

    /** Every piece of advice that holds for {@code c}, in a fixed order. */
    public static List<String> of(LbConfig c) {
        List<String> out = new ArrayList<>();
        clusterAddressInPublicSubnet(c).ifPresent(out::add);
        redirectFqdnOneNetwork(c).ifPresent(out::add);
        encryptionWithoutIkev1(c).ifPresent(out::add);
        out.addAll(groupUrls(c));
        return out;
    }

    /**
     * Group Attributes, step 2: "Choose an IP address that is within the public subnet address range shared by all
     * the ASAs in the group." Checked when the public interface is a named one with a subnet.
     */
    static Optional<String> clusterAddressInPublicSubnet(LbConfig c) {
        if (!(c.clusterAddress() instanceof IpAddress vip)) return Optional.empty();
        Optional<NamedInterface> pub = c.publicInterface();
        if (pub.isEmpty() || pub.get().address().isEmpty()) return Optional.empty();
        Optional<Subnet> subnet = pub.get().subnetOf(vip);
        String where = "interface lbpublic " + label(pub.get());
        if (subnet.isEmpty()) {
            return Optional.of("cluster ip address " + vip.text() + " is an IPv" + vip.version() + " address and " + where
                    + " has no IPv" + vip.version() + " subnet; the specification asks for an address within the public subnet"
                    + " shared by all the members");
        }
        if (subnet.get().contains(vip)) return Optional.empty();
        return Optional.of("cluster ip address " + vip.text() + " is not within the public subnet "
                + subnet.get().network() + " of " + where + "; the specification asks for an address within the public subnet"
                + " shared by all the members, or clients may not reach the director");
    }

    /**
     * Enable Redirection Using a FQDN, Before you begin: "All of the outside and inside network interfaces on the VPN
     * load-balancing devices in a group must be on the same IP network." This device's two are compared.
     */
    static Optional<String> redirectFqdnOneNetwork(LbConfig c) {
        if (!c.redirectFqdn()) return Optional.empty();
        Optional<NamedInterface> pub = c.publicInterface();
        Optional<NamedInterface> priv = c.privateInterface();
        if (pub.isEmpty() || priv.isEmpty() || c.publicAddress() == null || c.privateAddress() == null) {
            return Optional.empty();
        }
        Optional<Subnet> out = pub.get().subnetOf(c.publicAddress());
        Optional<Subnet> in = priv.get().subnetOf(c.privateAddress());
        if (out.isEmpty() || in.isEmpty() || out.get().sameNetwork(in.get())) return Optional.empty();
        return Optional.of("redirect-fqdn enable: the outside interface " + label(pub.get()) + " (" + out.get().network()
                + ") and the inside interface " + label(priv.get()) + " (" + in.get().network() + ") are not on the"
                + " same IP network, which the specification requires of all outside and inside interfaces for redirection by"
                + " FQDN");
    }

    /**
     * Group Attributes, step 4, Note: "first enable IKEv1 on the inside interface using the crypto ikev1 enable
     * command ... otherwise, you will get an error message". Reported for a named inside interface (an interface given
     * by address has no name to enable IKEv1 on); decision 0067 says why it does not refuse the line.
     */
    static Optional<String> encryptionWithoutIkev1(LbConfig c) {
        if (!c.encryption()) return Optional.empty();
        Optional<NamedInterface> priv = c.privateInterface();
        if (priv.isEmpty() || priv.get().name() == null || c.global().ikev1().contains(priv.get().name())) {
            return Optional.empty();
        }
        String name = priv.get().name();
        return Optional.of("cluster encryption: IKEv1 is not enabled on the inside interface " + name
                + "; enter 'crypto ikev1 enable " + name + "' before configuring group encryption (Tandem encrypts"
                + " the group's messages with its own envelope either way)");
    }

    /**
     * What to do next: "Configure each remote access connection profile with a Group URL for each load balancing
     * virtual address (IPv4 and IPv6). Configure a Group URL for this node's VPN Load Balancing public address."
     */
    static List<String> groupUrls(LbConfig c) {
        List<String> out = new ArrayList<>();
        for (TunnelGroup t : c.global().tunnelGroups()) {
            if (t.urls().isEmpty()) continue;
            List<String> hosts = t.urls().stream().filter(GroupUrl::enabled).map(GroupUrl::host).toList();
            if (c.clusterAddress() != null && !hosts.contains(c.clusterAddress().text())) {
                out.add("tunnel-group " + t.name() + ": no enabled group-url for the virtual address "
                        + c.clusterAddress().text() + "; the specification asks for one for each virtual address");
            }
            if (c.publicAddress() != null && !hosts.contains(c.publicAddress().text())) {
                out.add("tunnel-group " + t.name() + ": no enabled group-url for this device's public address "
                        + c.publicAddress().text() + "; the specification asks for one, so a redirected client keeps its group");
            }
        }
        return out;
    }

    private static String label(NamedInterface i) {
        return (i.name() == null ? i.hardwareId() : i.name() + " (" + i.hardwareId() + ")");
    }
}
