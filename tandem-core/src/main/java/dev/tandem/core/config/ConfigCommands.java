package dev.tandem.core.config;

import static dev.tandem.core.config.ConfigCommand.Action.ENTER;
import static dev.tandem.core.config.ConfigCommand.Action.EXIT;
import static dev.tandem.core.config.ConfigCommand.Action.SET;
import static dev.tandem.core.config.ConfigCommand.Action.SHOW;
import static dev.tandem.core.config.ConfigMode.GLOBAL;
import static dev.tandem.core.config.ConfigMode.LOAD_BALANCING;

import dev.tandem.core.Invalid;
import dev.tandem.core.lb.ClusterKey;
import dev.tandem.core.lb.DeviceSettings;
import dev.tandem.core.lb.GroupSettings;
import dev.tandem.core.lb.IpAddress;
import dev.tandem.core.lb.Nat;
import dev.tandem.core.lb.NetAddress;
import java.util.List;
import java.util.function.Function;

/** The table of the configuration commands of [LB-CONFIG]; everything else reads it. */
public final class ConfigCommands {
    /** What {@code show running-config} prints instead of the key ([LB-GROUP], step 5: "appears as consecutive asterisk characters"). */
    public static final String MASKED_KEY = "*****";
    /** The text form of a key sealed by {@code tandem key seal}: {@code 8$} and base64. */
    private static final String SEALED_PREFIX = "8$";

    static final Function<List<String>, Object> NONE = words -> {
        if (!words.isEmpty()) throw new Invalid("arguments", String.join(" ", words), "none");
        return Boolean.TRUE;
    };

    private static final List<ConfigCommand> SECTION = List.of(
            // [LB-GROUP], step 1.
            new ConfigCommand(GLOBAL, List.of("vpn", "load-balancing"), "", List.of(),
                    "Enter vpn-load-balancing configuration mode ('no' removes the whole section)", ENTER, NONE,
                    (c, v) -> c, LbConfig::cleared),
            new ConfigCommand(GLOBAL, List.of("show", "running-config"), "", List.of(),
                    "Show the configuration as it is now: interfaces, crypto, dns, tunnel groups, vpn load-balancing",
                    SHOW, NONE, (c, v) -> c, null),
            new ConfigCommand(GLOBAL, List.of("exit"), "", List.of(), "Leave configuration mode", EXIT, NONE,
                    (c, v) -> c, null),

            // The specification, Configure the Public and Private Interfaces, steps 1 and 2: "the name or IP address of the
            // public interface" (decision 0065; names come from nameif).
            new ConfigCommand(LOAD_BALANCING, List.of("interface", "lbpublic"), "<A.B.C.D | X:X::X | interface-name>",
                    List.of(), "This device's public (outside) interface, where clients are redirected", SET,
                    one("interface lbpublic", w -> addressOrName("interface lbpublic", w)),
                    (c, v) -> v instanceof IpAddress a ? c.withPublicAddress(a) : c.withPublicName(named(c, "interface lbpublic", v)),
                    c -> neededWhileParticipating(c, "interface lbpublic").withPublicAddress(null)),
            new ConfigCommand(LOAD_BALANCING, List.of("interface", "lbprivate"), "<A.B.C.D | X:X::X | interface-name>",
                    List.of(), "This device's private (inside) interface, where the group talks", SET,
                    one("interface lbprivate", w -> addressOrName("interface lbprivate", w)),
                    (c, v) -> v instanceof IpAddress a ? c.withPrivateAddress(a) : c.withPrivateName(named(c, "interface lbprivate", v)),
                    c -> neededWhileParticipating(c, "interface lbprivate").withPrivateAddress(null)),
            // step 3: "The range is from 1 to 10."
            new ConfigCommand(LOAD_BALANCING, List.of("priority"), "<1-10>", List.of(),
                    "This device's priority in the group: the higher, the likelier it becomes director (default 5)",
                    SET, one("priority", ConfigCommands::priority), (c, v) -> c.withPriority((Integer) v),
                    c -> c.withPriority(DeviceSettings.DEFAULT_PRIORITY)),
            // step 4: "You can define an IPv4 and an IPv6 address or specify the device's hostname."
            new ConfigCommand(LOAD_BALANCING, List.of("nat"), "<A.B.C.D> [<X:X::X>] | <hostname>", List.of(),
                    "The address or hostname clients reach this device at through NAT", SET,
                    words -> Nat.parse("nat", words.toArray(String[]::new)), (c, v) -> c.withNat((Nat) v),
                    c -> c.withNat(Nat.none())),
            // Group attributes, step 2.
            new ConfigCommand(LOAD_BALANCING, List.of("cluster", "ip", "address"), "<A.B.C.D | X:X::X | FQDN>",
                    List.of(), "The group's virtual address or FQDN, held by the director", SET,
                    one("cluster ip address", w -> NetAddress.parse("cluster ip address", w)),
                    (c, v) -> c.withClusterAddress((NetAddress) v),
                    c -> neededWhileParticipating(c, "cluster ip address").withClusterAddress(null)),
            // step 3: "The default value is 9023."
            new ConfigCommand(LOAD_BALANCING, List.of("cluster", "port"), "<1-65535>", List.of(),
                    "The group's UDP port (default 9023)", SET, one("cluster port", ConfigCommands::port),
                    (c, v) -> c.withClusterPort((Integer) v),
                    c -> c.withClusterPort(GroupSettings.DEFAULT_CLUSTER_PORT)),
            // step 4: "If you configure this check attribute, you must first specify and verify a shared secret."
            new ConfigCommand(LOAD_BALANCING, List.of("cluster", "encryption"), "", List.of(),
                    "Encrypt the group's messages with the cluster key (default: no encryption)", SET, NONE,
                    (c, v) -> {
                        if (!c.keySet()) {
                            throw new Refusal("cluster encryption needs the shared secret first: enter"
                                    + " 'cluster key <key>', then 'cluster encryption'");
                        }
                        return c.withEncryption(true);
                    },
                    c -> c.withEncryption(false)),
            // step 5: "cluster key", or "cluster key 8 key" for an already encrypted key.
            new ConfigCommand(LOAD_BALANCING, List.of("cluster", "key"), "[8] <key>", List.of(),
                    "The group's shared secret; '8 <key>' for a key sealed by 'tandem key seal'", SET,
                    ConfigCommands::key, ConfigCommands::applyKey,
                    c -> {
                        if (c.encryption()) {
                            throw new Refusal("the cluster key is in use by cluster encryption: enter"
                                    + " 'no cluster encryption' first");
                        }
                        return c.withKey(null);
                    }),
            // Enable Redirection Using a Fully Qualified Domain Name: "redirect-fqdn {enable | disable}", disabled by default.
            new ConfigCommand(LOAD_BALANCING, List.of("redirect-fqdn"), "{enable | disable}",
                    List.of("enable", "disable"), "Redirect clients to a member's FQDN instead of its address"
                    + " (default disable)", SET, one("redirect-fqdn", ConfigCommands::enableDisable),
                    (c, v) -> c.withRedirectFqdn((Boolean) v), c -> c.withRedirectFqdn(false)),
            // step 6; Prerequisites: interfaces and the virtual address come first.
            new ConfigCommand(LOAD_BALANCING, List.of("participate"), "", List.of(),
                    "This device takes part in the group (default: it does not)", SET, NONE,
                    (c, v) -> checkParticipation(c).withParticipate(true), c -> c.withParticipate(false)),
            new ConfigCommand(LOAD_BALANCING, List.of("show", "running-config"), "", List.of(),
                    "Show the vpn load-balancing section as it is now", SHOW, NONE, (c, v) -> c, null),
            new ConfigCommand(LOAD_BALANCING, List.of("exit"), "", List.of(),
                    "Leave vpn-load-balancing configuration mode", EXIT, NONE, (c, v) -> c, null));

    /** Every command: the section's, then those of global mode and its sub-modes. */
    public static final List<ConfigCommand> ALL = java.util.stream.Stream.concat(SECTION.stream(),
            GlobalCommands.ALL.stream()).toList();

    private ConfigCommands() {}

    public static List<ConfigCommand> in(ConfigMode mode) {
        return ALL.stream().filter(c -> c.mode() == mode).toList();
    }

    // ------------------------------------------------------------- argument syntax

    private static Function<List<String>, Object> one(String field, Function<String, Object> parse) {
        return words -> {
            if (words.size() > 1) throw new Invalid(field, String.join(" ", words), "exactly one value");
            return parse.apply(words.isEmpty() ? "" : words.get(0));
        };
    }

    /** An address when it looks like one (digits and dots, or a colon), else a {@code nameif} name. */
    private static Object addressOrName(String field, String w) {
        if (w.indexOf(':') >= 0 || w.matches("[0-9.]+")) return IpAddress.parse(field, w);
        try {
            return new InterfaceName(GlobalCommands.name(field, w));
        } catch (Invalid e) {
            throw new Invalid(field, w, "an IPv4 or IPv6 address, or the name of an interface given with 'nameif'");
        }
    }

    /** The name must be defined, and its interface must have an address (the specification's Prerequisites). */
    private static String named(LbConfig c, String field, Object v) {
        String name = ((InterfaceName) v).name();
        GlobalConfig.NamedInterface i = c.global().byName(c.global().requireName(field, name)).orElseThrow();
        if (i.address().isEmpty()) {
            throw new Refusal(field + " " + name + ": interface " + i.hardwareId() + " (" + name + ") has no address:"
                    + " enter 'interface " + i.hardwareId() + "' and 'ip address <address> <mask>' first");
        }
        return name;
    }

    /** {@code interface lbpublic|lbprivate NAME}. */
    record InterfaceName(String name) {}

    private static Object priority(String w) {
        Integer n = wholeNumber(w);
        if (n == null || n < DeviceSettings.MIN_PRIORITY || n > DeviceSettings.MAX_PRIORITY) {
            throw new Invalid("priority", w, "a whole number from 1 to 10 (default 5)");
        }
        return n;
    }

    private static Object port(String w) {
        Integer n = wholeNumber(w);
        if (n == null || n < 1 || n > 65535) throw new Invalid("cluster port", w, "a UDP port from 1 to 65535 (default 9023)");
        return n;
    }

    private static Integer wholeNumber(String w) {
        if (w.isEmpty() || w.length() > 6) return null;
        for (int i = 0; i < w.length(); i++) {
            if (w.charAt(i) < '0' || w.charAt(i) > '9') return null;
        }
        return Integer.valueOf(w);
    }

    private static Object enableDisable(String w) {
        if (w.equalsIgnoreCase("enable")) return Boolean.TRUE;
        if (w.equalsIgnoreCase("disable")) return Boolean.FALSE;
        throw new Invalid("redirect-fqdn", w, "enable or disable");
    }

    /** The key as given: a {@link ClusterKey}, or a {@link Sealed} text for {@code cluster key 8}. */
    private static Object key(List<String> words) {
        if (words.size() == 2 && words.get(0).equals("8")) {
            String sealed = words.get(1);
            if (!sealed.startsWith(SEALED_PREFIX) || sealed.length() <= SEALED_PREFIX.length()
                    || !sealed.substring(SEALED_PREFIX.length()).matches("[A-Za-z0-9+/]+={0,2}")) {
                throw new Invalid("cluster key 8", "(hidden, " + sealed.length() + " characters)",
                        "a key sealed by 'tandem key seal': 8$ followed by base64");
            }
            return new Sealed(sealed);
        }
        if (words.size() != 1) {
            throw new Invalid("cluster key", words.isEmpty() ? null : "(hidden, " + words.size() + " words)",
                    "one key of 1 to 128 visible ASCII characters, or 8 and a sealed key");
        }
        String k = words.get(0);
        if (k.chars().allMatch(ch -> ch == '*')) {
            throw new Invalid("cluster key", k, "the key itself; asterisks are how show running-config hides a key");
        }
        return ClusterKey.of("cluster key", k);
    }

    private static LbConfig applyKey(LbConfig c, Object v) {
        return v instanceof Sealed s ? c.withSealedKey(s.text()) : c.withKey((ClusterKey) v);
    }

    // ------------------------------------------------------------- rules between settings

    /** [LB-PREREQ]: the interfaces and the virtual address are configured before the device takes part. */
    private static LbConfig checkParticipation(LbConfig c) {
        if (c.clusterAddress() == null) {
            throw new Refusal("participate needs the group's virtual address first: enter 'cluster ip address <address>'");
        }
        if (c.publicAddress() == null || c.privateAddress() == null) {
            throw new Refusal("participate needs this device's public and private interfaces first: enter"
                    + " 'interface lbpublic <address>' and 'interface lbprivate <address>'");
        }
        if (c.encryption() && !c.keySet()) {
            throw new Refusal("participate with cluster encryption needs the shared secret: enter 'cluster key <key>'");
        }
        return c;
    }

    private static LbConfig neededWhileParticipating(LbConfig c, String command) {
        if (c.participate()) {
            throw new Refusal(command + " is needed while this device participates: enter 'no participate' first");
        }
        return c;
    }

    /** A key given already encrypted; only the node that holds the master passphrase can open it. */
    record Sealed(String text) {
        @Override
        public String toString() {
            return "Sealed[hidden]";
        }
    }

    /** A command that is well formed but not allowed with the settings as they are (a specification rule between settings). */
    static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refusal(String message) {
            super(message, null, false, false);
        }
    }
}
