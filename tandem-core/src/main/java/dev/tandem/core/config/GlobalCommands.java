package dev.tandem.core.config;

import static dev.tandem.core.config.ConfigCommand.Action.SET;
import static dev.tandem.core.config.ConfigMode.GLOBAL;
import static dev.tandem.core.config.ConfigMode.INTERFACE;
import static dev.tandem.core.config.ConfigMode.TUNNEL_GENERAL;

import dev.tandem.core.Invalid;
import dev.tandem.core.config.GlobalConfig.GroupUrl;
import dev.tandem.core.config.GlobalConfig.NamedInterface;
import dev.tandem.core.lb.HostName;
import dev.tandem.core.lb.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The global-mode commands the specification relies on before and after the {@code vpn load-balancing} section: named
 * interfaces (Prerequisites: "You can use the interface and nameif commands"), {@code crypto ikev1 enable} (group
 * encryption), {@code dns domain-lookup} and {@code dns name-server} (Enable Redirection Using a FQDN, steps 3 and 4)
 * and the group URLs of What to do next ({@code tunnel-group}, {@code general-attributes}, {@code group-url}).
 * Decisions 0065 to 0068 say how each maps onto Tandem.
 */
final class GlobalCommands {
    private static final String NAME_ALLOWED = "a name of 1 to 48 letters, digits, '_', '-' or '.', starting with a letter";
    private static final String HARDWARE_ALLOWED = "an interface's hardware name such as GigabitEthernet0/1 or"
            + " 'GigabitEthernet 0/1': letters, digits, '/', '.', ':', '-' or '_', 64 characters at most";

    private GlobalCommands() {}

    static final List<ConfigCommand> ALL = List.of(
            new ConfigCommand(GLOBAL, List.of("interface"), "<hardware-id>", List.of(),
                    "Configure an interface: its address (ip address, ipv6 address) and name (nameif)", SET,
                    GlobalCommands::hardware, (c, v, t) -> c,
                    (c, v, t) -> removeInterface(c, ((Entry) v).target()), null, true),
            new ConfigCommand(GLOBAL, List.of("crypto", "ikev1", "enable"), "<interface-name>", List.of(),
                    "Permit cluster encryption on this interface (Tandem's envelope stands in for IKEv1 and IPsec)",
                    SET, one("crypto ikev1 enable", w -> name("crypto ikev1 enable", w)),
                    (c, v, t) -> c.withGlobal(c.global().withIkev1(added(c.global().ikev1(),
                            c.global().requireName("crypto ikev1 enable", (String) v)))),
                    (c, v, t) -> c.withGlobal(c.global().withIkev1(removed(c.global().ikev1(), (String) v))), null, true),
            new ConfigCommand(GLOBAL, List.of("dns", "domain-lookup"), "<interface-name>", List.of(),
                    "Look names up through the name servers on this interface (redirect-fqdn's reverse lookups)", SET,
                    one("dns domain-lookup", w -> name("dns domain-lookup", w)),
                    (c, v, t) -> c.withGlobal(c.global().withDomainLookup(added(c.global().domainLookup(),
                            c.global().requireName("dns domain-lookup", (String) v)))),
                    (c, v, t) -> c.withGlobal(c.global().withDomainLookup(removed(c.global().domainLookup(), (String) v))),
                    null, true),
            new ConfigCommand(GLOBAL, List.of("dns", "name-server"), "<A.B.C.D | X:X::X> ...", List.of(),
                    "The DNS servers redirect-fqdn's reverse lookups ask, up to six", SET, GlobalCommands::servers,
                    (c, v, t) -> {
                        List<IpAddress> out = new ArrayList<>(c.global().nameServers());
                        for (Object a : (List<?>) v) if (!out.contains(a)) out.add((IpAddress) a);
                        return c.withGlobal(c.global().withNameServers(out));
                    },
                    (c, v, t) -> {
                        List<IpAddress> out = new ArrayList<>(c.global().nameServers());
                        if (v == null) out.clear();
                        else out.removeAll((List<?>) v);
                        return c.withGlobal(c.global().withNameServers(out));
                    }, null, true),
            new ConfigCommand(GLOBAL, List.of("tunnel-group"), "<name> {general-attributes | type remote-access}",
                    List.of(), "A connection profile: 'type remote-access' declares it, 'general-attributes' enters"
                    + " its group URLs", SET, GlobalCommands::tunnelGroup,
                    (c, v, t) -> switch (v) {
                        case Entry e -> c;
                        case TunnelType type -> c.withGlobal(c.global().mapTunnelGroup(type.name(),
                                g -> new GlobalConfig.TunnelGroup(g.name(), true, g.urls())));
                        default -> throw new Invalid("tunnel-group", ((TunnelName) v).name(), "a name followed by"
                                + " 'general-attributes' or 'type remote-access'");
                    },
                    (c, v, t) -> c.withGlobal(c.global().withoutTunnelGroup(switch (v) {
                        case Entry e -> e.target();
                        case TunnelType type -> type.name();
                        default -> ((TunnelName) v).name();
                    })), null, true),

            // config-if
            new ConfigCommand(INTERFACE, List.of("ip", "address"), "<A.B.C.D> <mask>", List.of(),
                    "The interface's IPv4 address and subnet mask", SET, words -> {
                        if (words.size() != 2) {
                            throw new Invalid("ip address", String.join(" ", words), "an IPv4 address and a subnet mask,"
                                    + " such as 209.165.202.159 255.255.255.0");
                        }
                        return Subnet.ipv4("ip address", words.get(0), words.get(1));
                    },
                    (c, v, t) -> changeInterface(c, "ip address", t, i -> i.withIpv4((Subnet) v)),
                    (c, v, t) -> changeInterface(c, "no ip address", t, i -> i.withIpv4(null)), null, false),
            new ConfigCommand(INTERFACE, List.of("ipv6", "address"), "<X:X::X/prefix>", List.of(),
                    "The interface's IPv6 address and prefix length", SET,
                    one("ipv6 address", w -> Subnet.ipv6("ipv6 address", w)),
                    (c, v, t) -> changeInterface(c, "ipv6 address", t, i -> i.withIpv6((Subnet) v)),
                    (c, v, t) -> changeInterface(c, "no ipv6 address", t, i -> i.withIpv6(null)), null, false),
            new ConfigCommand(INTERFACE, List.of("nameif"), "<name>", List.of(),
                    "The interface's name, which interface lbpublic|lbprivate, crypto and dns refer to", SET,
                    one("nameif", w -> name("nameif", w)), GlobalCommands::nameif,
                    (c, v, t) -> changeInterface(c, "no nameif", t, i -> i.withName(null)), null, false),

            // config-tunnel-general: the specification's What to do next (docs/load-balancing.md).
            new ConfigCommand(TUNNEL_GENERAL, List.of("group-url"), "<url> [enable | disable]", List.of(),
                    "A group URL of this connection profile: one for each virtual address and one for this device's"
                    + " public address", SET, GlobalCommands::groupUrl,
                    (c, v, t) -> c.withGlobal(c.global().mapTunnelGroup(t, g -> {
                        List<GroupUrl> urls = new ArrayList<>(g.urls().stream()
                                .filter(u -> !u.url().equals(((GroupUrl) v).url())).toList());
                        urls.add((GroupUrl) v);
                        return new GlobalConfig.TunnelGroup(g.name(), g.remoteAccess(), urls);
                    })),
                    (c, v, t) -> c.withGlobal(c.global().mapTunnelGroup(t, g -> new GlobalConfig.TunnelGroup(g.name(),
                            g.remoteAccess(), v == null ? List.of()
                            : g.urls().stream().filter(u -> !u.url().equals(((GroupUrl) v).url())).toList()))),
                    null, true),
            new ConfigCommand(INTERFACE, List.of("exit"), "", List.of(), "Leave interface configuration mode",
                    ConfigCommand.Action.EXIT, ConfigCommands.NONE, (c, v) -> c, null),
            new ConfigCommand(TUNNEL_GENERAL, List.of("exit"), "", List.of(), "Leave tunnel-group configuration mode",
                    ConfigCommand.Action.EXIT, ConfigCommands.NONE, (c, v) -> c, null));

    /** A value that enters a sub-mode: {@code interface X}, {@code tunnel-group X general-attributes}. */
    record Entry(ConfigMode mode, String target) {}

    /** {@code tunnel-group NAME type remote-access}. */
    record TunnelType(String name) {}

    /** {@code tunnel-group NAME} alone: only its {@code no} form means something. */
    record TunnelName(String name) {}

    // ------------------------------------------------------------- syntax

    static Function<List<String>, Object> one(String field, Function<String, Object> parse) {
        return words -> {
            if (words.size() != 1) throw new Invalid(field, words.isEmpty() ? null : String.join(" ", words), "exactly one value");
            return parse.apply(words.get(0));
        };
    }

    /** A {@code nameif} name; never an address, so {@code interface lbpublic} can tell the two apart. */
    static String name(String field, String w) {
        if (!w.matches("[A-Za-z][A-Za-z0-9_.-]{0,47}")) throw new Invalid(field, w, NAME_ALLOWED);
        return w;
    }

    private static Object hardware(List<String> words) {
        String id = String.join("", words);
        if (words.isEmpty() || words.size() > 2 || !id.matches("[A-Za-z][A-Za-z0-9/.:_-]{0,63}")) {
            throw new Invalid("interface", words.isEmpty() ? null : String.join(" ", words), HARDWARE_ALLOWED);
        }
        String lower = words.get(0).toLowerCase(Locale.ROOT);
        if (lower.equals("lbpublic") || lower.equals("lbprivate")) {
            throw new Invalid("interface", String.join(" ", words), HARDWARE_ALLOWED + "; 'interface " + lower
                    + "' is a command of vpn-load-balancing configuration mode: enter 'vpn load-balancing' first");
        }
        return new Entry(INTERFACE, id);
    }

    private static Object servers(List<String> words) {
        if (words.isEmpty() || words.size() > GlobalConfig.MAX_NAME_SERVERS) {
            throw new Invalid("dns name-server", words.isEmpty() ? null : String.join(" ", words),
                    "1 to " + GlobalConfig.MAX_NAME_SERVERS + " IPv4 or IPv6 addresses");
        }
        return words.stream().map(w -> IpAddress.parse("dns name-server", w)).toList();
    }

    private static Object tunnelGroup(List<String> words) {
        String allowed = "a connection profile's name (1 to 64 letters, digits, '_', '-' or '.') followed by"
                + " 'general-attributes' or 'type remote-access'";
        if (words.isEmpty() || !words.get(0).matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
            throw new Invalid("tunnel-group", words.isEmpty() ? null : String.join(" ", words), allowed);
        }
        String name = words.get(0);
        List<String> rest = words.subList(1, words.size());
        if (rest.size() == 1 && "general-attributes".startsWith(rest.get(0).toLowerCase(Locale.ROOT))
                && rest.get(0).length() >= 2) {
            return new Entry(TUNNEL_GENERAL, name);
        }
        if (rest.size() == 2 && rest.get(0).equalsIgnoreCase("type") && rest.get(1).equalsIgnoreCase("remote-access")) {
            return new TunnelType(name);
        }
        if (rest.size() == 2 && rest.get(0).equalsIgnoreCase("type")) {
            throw new Invalid("tunnel-group " + name + " type", rest.get(1), "remote-access (Tandem has no LAN-to-LAN"
                    + " profiles)");
        }
        if (rest.isEmpty()) return new TunnelName(name); // 'no tunnel-group NAME'; refused without 'no'
        throw new Invalid("tunnel-group", String.join(" ", words), allowed);
    }

    private static Object groupUrl(List<String> words) {
        String allowed = "an http:// or https:// URL whose host is an IPv4 address, an IPv6 address in brackets or a"
                + " host name, such as https://209.165.202.224/sales, then optionally enable or disable";
        if (words.isEmpty() || words.size() > 2) {
            throw new Invalid("group-url", words.isEmpty() ? null : String.join(" ", words), allowed);
        }
        boolean enabled = true;
        if (words.size() == 2) {
            if (words.get(1).equalsIgnoreCase("enable")) enabled = true;
            else if (words.get(1).equalsIgnoreCase("disable")) enabled = false;
            else throw new Invalid("group-url", words.get(1), "enable or disable after the URL");
        }
        String url = words.get(0);
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("(?i)(https?)://(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?(/[\\x21-\\x7e]*)?").matcher(url);
        if (!m.matches()) throw new Invalid("group-url", url, allowed);
        String host = m.group(2);
        try {
            host = host.startsWith("[") ? IpAddress.parseIpv6("group-url", host.substring(1, host.length() - 1)).text()
                    : IpAddress.tryParse(host).map(IpAddress::text).orElseGet(() -> HostName.parse("group-url", m.group(2)).text());
        } catch (Invalid e) {
            throw new Invalid("group-url", url, allowed);
        }
        if (m.group(3) != null && Integer.parseInt(m.group(3).substring(1)) > 65535) throw new Invalid("group-url", url, allowed);
        return new GroupUrl(m.group(1).toLowerCase(Locale.ROOT) + url.substring(m.group(1).length()), host, enabled);
    }

    // ------------------------------------------------------------- effects

    private static LbConfig nameif(LbConfig c, Object v, String target) {
        String name = (String) v;
        c.global().byName(name).filter(i -> !i.hardwareId().equalsIgnoreCase(target)).ifPresent(other -> {
            throw new ConfigCommands.Refusal("nameif " + name + ": the name is already interface " + other.hardwareId()
                    + "'s; each interface needs its own name");
        });
        return changeInterface(c, "nameif", target, i -> i.withName(name));
    }

    private static LbConfig changeInterface(LbConfig c, String command, String target,
                                            java.util.function.UnaryOperator<NamedInterface> change) {
        return stillReferenced(c, c.withGlobal(c.global().mapInterface(target, change)), command, target);
    }

    private static LbConfig removeInterface(LbConfig c, String target) {
        return stillReferenced(c, c.withGlobal(c.global().withoutInterface(target)), "no interface " + target, target);
    }

    /**
     * A change to an interface may not take away what other commands refer to: the name and address that
     * {@code interface lbpublic|lbprivate NAME} use, and the names {@code crypto ikev1 enable} and
     * {@code dns domain-lookup} use. Nothing stored is lost silently.
     */
    private static LbConfig stillReferenced(LbConfig before, LbConfig after, String command, String target) {
        GlobalConfig g = after.global();
        check(command, target, "interface lbpublic", before.publicName(), after.publicName() == null
                || g.byName(after.publicName()).flatMap(NamedInterface::address).isPresent());
        check(command, target, "interface lbprivate", before.privateName(), after.privateName() == null
                || g.byName(after.privateName()).flatMap(NamedInterface::address).isPresent());
        for (String n : after.global().ikev1()) check(command, target, "crypto ikev1 enable", n, g.byName(n).isPresent());
        for (String n : after.global().domainLookup()) check(command, target, "dns domain-lookup", n, g.byName(n).isPresent());
        return after;
    }

    private static void check(String command, String target, String user, String name, boolean ok) {
        if (ok) return;
        throw new ConfigCommands.Refusal(command + " (interface " + target + "): interface '" + name + "' is used by '"
                + user + " " + name + "', which needs its name" + (user.startsWith("interface") ? " and address" : "")
                + ": enter 'no " + user + (user.startsWith("interface") ? "" : " " + name) + "' first");
    }

    private static List<String> added(List<String> l, String n) {
        List<String> out = new ArrayList<>(l);
        if (!out.contains(n)) out.add(n);
        return out;
    }

    /** Without a name ({@code no crypto ikev1 enable}), every one. */
    private static List<String> removed(List<String> l, String n) {
        if (n == null) return List.of();
        return l.stream().filter(x -> !x.equals(n)).toList();
    }
}
