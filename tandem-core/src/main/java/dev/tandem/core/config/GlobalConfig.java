package dev.tandem.core.config;

import dev.tandem.core.Invalid;
import dev.tandem.core.lb.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What a device's global configuration mode adds to its {@code vpn load-balancing} section (the specification's Prerequisites
 * and What to do next): its named interfaces ({@code interface}, {@code ip address}, {@code ipv6 address},
 * {@code nameif}), the interfaces IKEv1 is enabled on ({@code crypto ikev1 enable}), the resolver used for
 * redirect-fqdn ({@code dns domain-lookup}, {@code dns name-server}) and the connection profiles' group URLs
 * ({@code tunnel-group ... general-attributes}, {@code group-url}). Every part belongs to one device.
 *
 * @param interfaces   named interfaces in the order they were first configured
 * @param ikev1        names of the interfaces IKEv1 is enabled on
 * @param domainLookup names of the interfaces DNS lookups go out on
 * @param nameServers  the DNS servers, in the order given
 * @param tunnelGroups connection profiles in the order they were first configured
 */
public record GlobalConfig(List<NamedInterface> interfaces, List<String> ikev1, List<String> domainLookup,
                           List<IpAddress> nameServers, List<TunnelGroup> tunnelGroups) {

    /** The appliances take up to six name servers. */
    public static final int MAX_NAME_SERVERS = 6;

    public GlobalConfig {
        interfaces = List.copyOf(interfaces);
        ikev1 = List.copyOf(ikev1);
        domainLookup = List.copyOf(domainLookup);
        nameServers = List.copyOf(nameServers);
        tunnelGroups = List.copyOf(tunnelGroups);
    }

    public static GlobalConfig empty() {
        return new GlobalConfig(List.of(), List.of(), List.of(), List.of(), List.of());
    }

    public boolean isEmpty() {
        return equals(empty());
    }

    /**
     * One interface: its hardware name as typed after {@code interface} (spaces removed, so
     * {@code GigabitEthernet 0/1} is {@code GigabitEthernet0/1}), its addresses and its {@code nameif} name.
     */
    public record NamedInterface(String hardwareId, Subnet ipv4, Subnet ipv6, String name) {
        public NamedInterface withIpv4(Subnet s) {
            return new NamedInterface(hardwareId, s, ipv6, name);
        }

        public NamedInterface withIpv6(Subnet s) {
            return new NamedInterface(hardwareId, ipv4, s, name);
        }

        public NamedInterface withName(String n) {
            return new NamedInterface(hardwareId, ipv4, ipv6, n);
        }

        boolean isBare() {
            return ipv4 == null && ipv6 == null && name == null;
        }

        /** The address the group uses: the IPv4 one when there is one, else the IPv6 one (decision 0065). */
        public Optional<IpAddress> address() {
            return Optional.ofNullable(ipv4 != null ? ipv4.address() : ipv6 != null ? ipv6.address() : null);
        }

        /** The subnet holding {@code a}, if this interface has one of its family. */
        public Optional<Subnet> subnetOf(IpAddress a) {
            Subnet s = a.isIpv4() ? ipv4 : ipv6;
            return Optional.ofNullable(s);
        }
    }

    /** A connection profile ({@code tunnel-group NAME}) and its group URLs, in the order given. */
    public record TunnelGroup(String name, boolean remoteAccess, List<GroupUrl> urls) {
        public TunnelGroup {
            urls = List.copyOf(urls);
        }
    }

    /** {@code group-url URL enable}; {@code host} is the URL's host, as the checks of What to do next compare it. */
    public record GroupUrl(String url, String host, boolean enabled) {}

    // ------------------------------------------------------------- reading

    public Optional<NamedInterface> byHardware(String hardwareId) {
        return interfaces.stream().filter(i -> i.hardwareId().equalsIgnoreCase(hardwareId)).findFirst();
    }

    public Optional<NamedInterface> byName(String name) {
        return interfaces.stream().filter(i -> name.equals(i.name())).findFirst();
    }

    /** The named interface holding this address, if any. */
    public Optional<NamedInterface> byAddress(IpAddress a) {
        return interfaces.stream().filter(i -> (i.ipv4() != null && i.ipv4().address().equals(a))
                || (i.ipv6() != null && i.ipv6().address().equals(a))).findFirst();
    }

    /**
     * The address reverse lookups are sent from: that of the first interface {@code dns domain-lookup} names which has
     * one (IPv4 first), or empty to let the host choose.
     */
    public Optional<IpAddress> lookupSource() {
        for (String name : domainLookup) {
            Optional<NamedInterface> i = byName(name);
            if (i.isEmpty()) continue;
            if (i.get().ipv4() != null) return Optional.of(i.get().ipv4().address());
            if (i.get().ipv6() != null) return Optional.of(i.get().ipv6().address());
        }
        return Optional.empty();
    }

    public List<String> names() {
        return interfaces.stream().map(NamedInterface::name).filter(n -> n != null).toList();
    }

    public Optional<TunnelGroup> tunnelGroup(String name) {
        return tunnelGroups.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** A name given to {@code nameif} must be defined for commands that refer to it. */
    public String requireName(String field, String name) {
        if (byName(name).isEmpty()) {
            List<String> names = names();
            throw new Invalid(field, name, "the name of an interface given with 'nameif'"
                    + (names.isEmpty() ? " (none is defined yet: enter 'interface <hardware-id>', then 'nameif <name>')"
                    : " (defined: " + String.join(", ", names) + ")"));
        }
        return name;
    }

    // ------------------------------------------------------------- changes

    /** Changes the interface of that hardware name, creating it; an interface left with nothing set disappears. */
    public GlobalConfig mapInterface(String hardwareId, UnaryOperator<NamedInterface> change) {
        List<NamedInterface> out = new ArrayList<>();
        boolean found = false;
        for (NamedInterface i : interfaces) {
            if (i.hardwareId().equalsIgnoreCase(hardwareId)) {
                found = true;
                NamedInterface next = change.apply(i);
                if (!next.isBare()) out.add(next);
            } else {
                out.add(i);
            }
        }
        if (!found) {
            NamedInterface next = change.apply(new NamedInterface(hardwareId, null, null, null));
            if (!next.isBare()) out.add(next);
        }
        return new GlobalConfig(out, ikev1, domainLookup, nameServers, tunnelGroups);
    }

    public GlobalConfig withoutInterface(String hardwareId) {
        return new GlobalConfig(interfaces.stream().filter(i -> !i.hardwareId().equalsIgnoreCase(hardwareId)).toList(),
                ikev1, domainLookup, nameServers, tunnelGroups);
    }

    public GlobalConfig withIkev1(List<String> names) {
        return new GlobalConfig(interfaces, names, domainLookup, nameServers, tunnelGroups);
    }

    public GlobalConfig withDomainLookup(List<String> names) {
        return new GlobalConfig(interfaces, ikev1, names, nameServers, tunnelGroups);
    }

    public GlobalConfig withNameServers(List<IpAddress> servers) {
        if (servers.size() > MAX_NAME_SERVERS) {
            throw new Invalid("dns name-server", servers.size() + " servers", "at most " + MAX_NAME_SERVERS + " name servers");
        }
        return new GlobalConfig(interfaces, ikev1, domainLookup, servers, tunnelGroups);
    }

    /** Changes the tunnel group of that name, creating it. */
    public GlobalConfig mapTunnelGroup(String name, UnaryOperator<TunnelGroup> change) {
        List<TunnelGroup> out = new ArrayList<>();
        boolean found = false;
        for (TunnelGroup t : tunnelGroups) {
            if (t.name().equals(name)) {
                found = true;
                out.add(change.apply(t));
            } else {
                out.add(t);
            }
        }
        if (!found) out.add(change.apply(new TunnelGroup(name, false, List.of())));
        return new GlobalConfig(interfaces, ikev1, domainLookup, nameServers, out);
    }

    public GlobalConfig withoutTunnelGroup(String name) {
        return new GlobalConfig(interfaces, ikev1, domainLookup, nameServers,
                tunnelGroups.stream().filter(t -> !t.name().equals(name)).toList());
    }
}
