package dev.tandem.core.config;

import dev.tandem.core.lb.IpAddress;
import dev.tandem.core.lb.Nat;
import java.util.ArrayList;
import java.util.List;

/** What {@code show running-config} prints, and what the store keeps of a device's own commands. */
final class RunningConfig {
    private RunningConfig() {}

    /**
     * The section as {@code show running-config} prints it, in the order of the specification's [LB-CONFIG] configuration example;
     * defaults are left out and the key is shown as asterisks. Applying this text (with the real key) gives back
     * the same section.
     */
    static String of(LbConfig c) {
        StringBuilder sb = new StringBuilder(globalText(c.global()));
        sb.append("vpn load-balancing\n");
        if (c.nat().isSet()) sb.append(" nat ").append(natText(c.nat())).append('\n');
        if (c.priority() != LbConfig.defaults().priority()) sb.append(" priority ").append(c.priority()).append('\n');
        if (c.publicName() != null) sb.append(" interface lbpublic ").append(c.publicName()).append('\n');
        else if (c.publicAddress() != null) sb.append(" interface lbpublic ").append(c.publicAddress().text()).append('\n');
        if (c.privateName() != null) sb.append(" interface lbprivate ").append(c.privateName()).append('\n');
        else if (c.privateAddress() != null) sb.append(" interface lbprivate ").append(c.privateAddress().text()).append('\n');
        if (c.clusterAddress() != null) sb.append(" cluster ip address ").append(c.clusterAddress().text()).append('\n');
        if (c.keySet()) sb.append(" cluster key ").append(ConfigCommands.MASKED_KEY).append('\n');
        if (c.encryption()) sb.append(" cluster encryption\n");
        if (c.clusterPort() != LbConfig.defaults().clusterPort()) sb.append(" cluster port ").append(c.clusterPort()).append('\n');
        if (c.redirectFqdn()) sb.append(" redirect-fqdn enable\n");
        if (c.participate()) sb.append(" participate\n");
        return sb.toString();
    }

    /**
     * The device's global-mode settings as commands, in the order the appliances print them: interfaces, crypto,
     * dns, tunnel groups. Empty when there are none. Each sub-mode block ends where the next global command starts.
     */
    static String globalText(GlobalConfig g) {
        StringBuilder sb = new StringBuilder();
        for (GlobalConfig.NamedInterface i : g.interfaces()) {
            sb.append("interface ").append(i.hardwareId()).append('\n');
            if (i.name() != null) sb.append(" nameif ").append(i.name()).append('\n');
            if (i.ipv4() != null) {
                sb.append(" ip address ").append(i.ipv4().address().text()).append(' ').append(i.ipv4().mask()).append('\n');
            }
            if (i.ipv6() != null) {
                sb.append(" ipv6 address ").append(i.ipv6().address().text()).append('/').append(i.ipv6().prefix()).append('\n');
            }
        }
        for (String n : g.ikev1()) sb.append("crypto ikev1 enable ").append(n).append('\n');
        for (String n : g.domainLookup()) sb.append("dns domain-lookup ").append(n).append('\n');
        if (!g.nameServers().isEmpty()) {
            sb.append("dns name-server ").append(String.join(" ", g.nameServers().stream().map(IpAddress::text).toList()))
                    .append('\n');
        }
        for (GlobalConfig.TunnelGroup t : g.tunnelGroups()) {
            if (t.remoteAccess()) sb.append("tunnel-group ").append(t.name()).append(" type remote-access\n");
            if (t.urls().isEmpty()) continue;
            sb.append("tunnel-group ").append(t.name()).append(" general-attributes\n");
            for (GlobalConfig.GroupUrl u : t.urls()) {
                sb.append(" group-url ").append(u.url()).append(u.enabled() ? " enable" : " disable").append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * What a store keeps of a device besides its addresses and section settings: its global-mode settings, and the
     * interface names {@code interface lbpublic|lbprivate} were given (decision 0068). Applying this text to the
     * section rebuilt from the stored addresses gives back the same section.
     */
    static String deviceText(LbConfig c) {
        StringBuilder sb = new StringBuilder(globalText(c.global()));
        if (c.publicName() != null || c.privateName() != null) {
            sb.append("vpn load-balancing\n");
            if (c.publicName() != null) sb.append(" interface lbpublic ").append(c.publicName()).append('\n');
            if (c.privateName() != null) sb.append(" interface lbprivate ").append(c.privateName()).append('\n');
        }
        return sb.toString();
    }

    private static String natText(Nat n) {
        if (n.hostname() != null) return n.hostname().text();
        List<String> parts = new ArrayList<>();
        if (n.ipv4() != null) parts.add(n.ipv4().text());
        if (n.ipv6() != null) parts.add(n.ipv6().text());
        return String.join(" ", parts);
    }

}
