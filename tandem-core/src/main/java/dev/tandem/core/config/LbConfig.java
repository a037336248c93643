package dev.tandem.core.config;

import dev.tandem.core.Invalid;
import dev.tandem.core.lb.ClusterKey;
import dev.tandem.core.lb.DeviceSettings;
import dev.tandem.core.lb.GroupSettings;
import dev.tandem.core.lb.IpAddress;
import dev.tandem.core.lb.Nat;
import dev.tandem.core.lb.NetAddress;
import dev.tandem.core.lb.VpnMode;
import java.util.Optional;

/**
 * The {@code vpn load-balancing} section as the configuration commands see it: the group's shared settings plus the
 * settings of the one device being configured ([LB-CONFIG]: "Configure the VPN
 * load-balancing group ... Configure the participating device"). Unlike {@link GroupSettings} and
 * {@link DeviceSettings}, any address may still be missing, because an operator types the commands one at a time.
 *
 * @param clusterAddress the virtual address or FQDN, null until {@code cluster ip address}
 * @param clusterPort    the group's UDP port, 9023 unless {@code cluster port}
 * @param encryption     {@code cluster encryption}
 * @param key            the shared secret from {@code cluster key}, or null
 * @param sealedKey      the already encrypted key from {@code cluster key 8}, or null; the node unseals it
 * @param mode           centralized or distributed (not a command of the section; kept as found)
 * @param priority       {@code priority}, 1 to 10
 * @param publicAddress  {@code interface lbpublic}, null until set
 * @param privateAddress {@code interface lbprivate}, null until set
 * @param nat            {@code nat}, {@link Nat#none()} when unset
 * @param participate    {@code participate}
 * @param redirectFqdn   {@code redirect-fqdn enable}
 * @param publicName     the {@code nameif} name {@code interface lbpublic} was given, or null when it was given an
 *                       address; {@code publicAddress} is then that interface's address (decision 0065)
 * @param privateName    the same for {@code interface lbprivate}
 * @param global         this device's global-mode settings: named interfaces, IKEv1, DNS, group URLs
 */
public record LbConfig(NetAddress clusterAddress, int clusterPort, boolean encryption, ClusterKey key, String sealedKey,
                       VpnMode mode, int priority, IpAddress publicAddress, IpAddress privateAddress, Nat nat,
                       boolean participate, boolean redirectFqdn, String publicName, String privateName,
                       GlobalConfig global) {

    public LbConfig {
        if (nat == null) nat = Nat.none();
        if (mode == null) mode = GroupSettings.DEFAULT_MODE;
        if (global == null) global = GlobalConfig.empty();
        if (key != null && sealedKey != null) {
            throw new IllegalArgumentException("a plain key and a sealed key at once");
        }
    }

    /** The section without named interfaces, as it was before they existed. */
    public LbConfig(NetAddress clusterAddress, int clusterPort, boolean encryption, ClusterKey key, String sealedKey,
                    VpnMode mode, int priority, IpAddress publicAddress, IpAddress privateAddress, Nat nat,
                    boolean participate, boolean redirectFqdn) {
        this(clusterAddress, clusterPort, encryption, key, sealedKey, mode, priority, publicAddress, privateAddress,
                nat, participate, redirectFqdn, null, null, GlobalConfig.empty());
    }

    /** Nothing configured: the specification's defaults (port 9023, no encryption, not participating, redirect by address). */
    public static LbConfig defaults() {
        return new LbConfig(null, GroupSettings.DEFAULT_CLUSTER_PORT, GroupSettings.DEFAULT_ENCRYPTION, null, null,
                GroupSettings.DEFAULT_MODE, DeviceSettings.DEFAULT_PRIORITY, null, null, Nat.none(),
                DeviceSettings.DEFAULT_PARTICIPATE, DeviceSettings.DEFAULT_REDIRECT_FQDN);
    }

    /** The section holding the stored settings; either may be null (no group yet, or this device not configured). */
    public static LbConfig of(GroupSettings group, DeviceSettings device) {
        LbConfig c = defaults();
        if (group != null) {
            c = new LbConfig(group.clusterAddress(), group.clusterPort(), group.encryption(), group.key(), null,
                    group.mode(), c.priority, c.publicAddress, c.privateAddress, c.nat, c.participate, c.redirectFqdn);
        }
        if (device != null) {
            c = new LbConfig(c.clusterAddress, c.clusterPort, c.encryption, c.key, null, c.mode, device.priority(),
                    device.publicAddress(), device.privateAddress(), device.nat(), device.participate(),
                    device.redirectFqdn());
        }
        return c;
    }

    /** The section removed ({@code no vpn load-balancing}): the defaults, keeping the VPN mode, which no command sets. */
    public LbConfig cleared() {
        LbConfig d = defaults();
        return new LbConfig(null, d.clusterPort, d.encryption, null, null, mode, d.priority, null, null, d.nat,
                d.participate, d.redirectFqdn, null, null, global);
    }

    public boolean keySet() {
        return key != null || sealedKey != null;
    }

    /**
     * The group's shared settings, once a cluster address is set. A sealed key must be unsealed first
     * ({@link #withKey(ClusterKey)}): the core cannot decrypt it.
     */
    public Optional<GroupSettings> groupSettings() {
        if (sealedKey != null) {
            throw new IllegalStateException("unseal the key of 'cluster key 8' before building the group settings");
        }
        if (clusterAddress == null) return Optional.empty();
        return Optional.of(new GroupSettings(clusterAddress, clusterPort, encryption, key, mode));
    }

    /**
     * This device's settings once both interfaces are set, keeping what the commands do not set (FQDN and model)
     * from {@code base}, which may be null.
     */
    public Optional<DeviceSettings> deviceSettings(DeviceSettings base) {
        if (publicAddress == null || privateAddress == null) return Optional.empty();
        return Optional.of(new DeviceSettings(priority, publicAddress, privateAddress, nat, participate, redirectFqdn,
                base == null ? null : base.fqdn(), base == null ? DeviceSettings.DEFAULT_MODEL : base.model()));
    }

    // ------------------------------------------------------------- one wither per command

    public LbConfig withClusterAddress(NetAddress a) {
        return edit(d -> d.clusterAddress = a);
    }

    public LbConfig withClusterPort(int p) {
        if (p < 1 || p > 65535) throw new Invalid("cluster port", p, "a UDP port from 1 to 65535 (default 9023)");
        return edit(d -> d.clusterPort = p);
    }

    public LbConfig withEncryption(boolean on) {
        return edit(d -> d.encryption = on);
    }

    /** A plain key; replaces a sealed one. Null removes the key. */
    public LbConfig withKey(ClusterKey k) {
        return edit(d -> {
            d.key = k;
            d.sealedKey = null;
        });
    }

    /** An already encrypted key ({@code cluster key 8}); replaces a plain one. */
    public LbConfig withSealedKey(String sealed) {
        return edit(d -> {
            d.key = null;
            d.sealedKey = sealed;
        });
    }

    public LbConfig withPriority(int p) {
        if (p < DeviceSettings.MIN_PRIORITY || p > DeviceSettings.MAX_PRIORITY) {
            throw new Invalid("priority", p, "a whole number from 1 to 10 (default 5)");
        }
        return edit(d -> d.priority = p);
    }

    /** {@code interface lbpublic ADDRESS}: the address itself, no interface name. */
    public LbConfig withPublicAddress(IpAddress a) {
        return edit(d -> {
            d.publicAddress = a;
            d.publicName = null;
        });
    }

    /** {@code interface lbprivate ADDRESS}: the address itself, no interface name. */
    public LbConfig withPrivateAddress(IpAddress a) {
        return edit(d -> {
            d.privateAddress = a;
            d.privateName = null;
        });
    }

    /** {@code interface lbpublic NAME}: the named interface, whose address becomes the public address. */
    public LbConfig withPublicName(String name) {
        return edit(d -> d.publicName = name).resolved();
    }

    /** {@code interface lbprivate NAME}. */
    public LbConfig withPrivateName(String name) {
        return edit(d -> d.privateName = name).resolved();
    }

    public LbConfig withNat(Nat n) {
        return edit(d -> d.nat = n);
    }

    public LbConfig withParticipate(boolean on) {
        return edit(d -> d.participate = on);
    }

    public LbConfig withRedirectFqdn(boolean on) {
        return edit(d -> d.redirectFqdn = on);
    }

    /** Global-mode settings changed: interfaces named by lbpublic and lbprivate give their addresses again. */
    public LbConfig withGlobal(GlobalConfig g) {
        return edit(d -> d.global = g).resolved();
    }

    /** This section with the fields {@code change} sets changed, through the record's checks again. */
    private LbConfig edit(java.util.function.Consumer<Draft> change) {
        Draft d = new Draft(this);
        change.accept(d);
        return new LbConfig(d.clusterAddress, d.clusterPort, d.encryption, d.key, d.sealedKey, d.mode, d.priority,
                d.publicAddress, d.privateAddress, d.nat, d.participate, d.redirectFqdn, d.publicName, d.privateName,
                d.global);
    }

    /** The record's fields, for one wither to change. */
    private static final class Draft {
        NetAddress clusterAddress;
        int clusterPort;
        boolean encryption;
        ClusterKey key;
        String sealedKey;
        final VpnMode mode;
        int priority;
        IpAddress publicAddress;
        IpAddress privateAddress;
        Nat nat;
        boolean participate;
        boolean redirectFqdn;
        String publicName;
        String privateName;
        GlobalConfig global;

        Draft(LbConfig c) {
            clusterAddress = c.clusterAddress;
            clusterPort = c.clusterPort;
            encryption = c.encryption;
            key = c.key;
            sealedKey = c.sealedKey;
            mode = c.mode;
            priority = c.priority;
            publicAddress = c.publicAddress;
            privateAddress = c.privateAddress;
            nat = c.nat;
            participate = c.participate;
            redirectFqdn = c.redirectFqdn;
            publicName = c.publicName;
            privateName = c.privateName;
            global = c.global;
        }
    }

    /** The addresses of the interfaces named by lbpublic and lbprivate; null when the name has no address (yet). */
    private LbConfig resolved() {
        IpAddress pub = publicName == null ? publicAddress
                : global.byName(publicName).flatMap(GlobalConfig.NamedInterface::address).orElse(null);
        IpAddress priv = privateName == null ? privateAddress
                : global.byName(privateName).flatMap(GlobalConfig.NamedInterface::address).orElse(null);
        return edit(d -> {
            d.publicAddress = pub;
            d.privateAddress = priv;
        });
    }

    /** The named interface the public address is on: by its name, or the one holding the address. */
    public java.util.Optional<GlobalConfig.NamedInterface> publicInterface() {
        if (publicName != null) return global.byName(publicName);
        return publicAddress == null ? java.util.Optional.empty() : global.byAddress(publicAddress);
    }

    /** The named interface the private address is on. */
    public java.util.Optional<GlobalConfig.NamedInterface> privateInterface() {
        if (privateName != null) return global.byName(privateName);
        return privateAddress == null ? java.util.Optional.empty() : global.byAddress(privateAddress);
    }

    @Override
    public String toString() {
        // Never the key itself (docs/architecture.md, Security).
        return "LbConfig[clusterAddress=" + (clusterAddress == null ? "none" : clusterAddress.text())
                + ", clusterPort=" + clusterPort + ", encryption=" + encryption
                + ", key=" + (key != null ? "fingerprint " + key.fingerprint() : sealedKey != null ? "sealed" : "none")
                + ", mode=" + mode.display() + ", priority=" + priority + ", publicAddress=" + publicAddress
                + ", privateAddress=" + privateAddress + ", nat=" + nat + ", participate=" + participate
                + ", redirectFqdn=" + redirectFqdn + ", publicName=" + publicName + ", privateName=" + privateName
                + ", global=" + global + "]";
    }
}
