package dev.tandem.core.lb;

import dev.tandem.core.Invalid;

/**
 * The settings of one device in the group; they differ from device to device ([LB-DEVICE],
 * Configure the Public and Private Interfaces for VPN Load Balancing; Enable Redirection Using a
 * Fully Qualified Domain Name).
 *
 * @param priority       1 to 10; the higher, the likelier this device becomes director
 * @param publicAddress  the outside address clients are redirected to; also the member's IP for "lowest IP"
 * @param privateAddress the inside address the group talks on
 * @param nat            the NAT addresses or hostname, {@link Nat#none()} when not behind NAT
 * @param participate    this device takes part in the group (specification: disabled by default)
 * @param redirectFqdn   redirect clients to this device's FQDN rather than an address (specification: disabled by default)
 * @param fqdn           this device's FQDN, or null: then the shell finds it by reverse lookup as the specification does
 * @param model          what {@code show vpn load-balancing} prints in the Model column
 */
public record DeviceSettings(int priority, IpAddress publicAddress, IpAddress privateAddress, Nat nat,
                             boolean participate, boolean redirectFqdn, HostName fqdn, String model) {

    public static final int MIN_PRIORITY = 1;
    public static final int MAX_PRIORITY = 10;
    /**
     * The specification gives the range 1 to 10 but no default. 5, the middle, lets an operator rank any
     * device above or below the unconfigured ones; see docs/decisions.
     */
    public static final int DEFAULT_PRIORITY = 5;
    /** [LB-PREREQ]: "VPN load balancing is disabled by default." */
    public static final boolean DEFAULT_PARTICIPATE = false;
    /** [LB-FQDN]: "disabled by default". */
    public static final boolean DEFAULT_REDIRECT_FQDN = false;
    public static final String DEFAULT_MODEL = "Tandem";
    private static final int MAX_MODEL = 32;

    public DeviceSettings {
        // [LB-DEVICE], step 3: "The range is from 1 to 10."
        if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
            throw new Invalid("priority", priority, "a whole number from 1 to 10 (default 5)");
        }
        if (publicAddress == null) throw new Invalid("public address", null, "an IPv4 or IPv6 address");
        if (privateAddress == null) throw new Invalid("private address", null, "an IPv4 or IPv6 address");
        if (nat == null) nat = Nat.none();
        if (fqdn != null && !fqdn.fullyQualified()) {
            throw new Invalid("fqdn", fqdn.text(), "a fully qualified domain name such as asa1.example.com");
        }
        if (model == null || model.isEmpty() || model.length() > MAX_MODEL || !printable(model)) {
            throw new Invalid("model", model, "1 to 32 printable ASCII characters");
        }
    }

    /** A device with the defaults: priority 5, no NAT, not participating, redirect-fqdn disabled. */
    public static DeviceSettings of(IpAddress publicAddress, IpAddress privateAddress) {
        return new DeviceSettings(DEFAULT_PRIORITY, publicAddress, privateAddress, Nat.none(), DEFAULT_PARTICIPATE,
                DEFAULT_REDIRECT_FQDN, null, DEFAULT_MODEL);
    }

    public DeviceSettings withPriority(int p) {
        return new DeviceSettings(p, publicAddress, privateAddress, nat, participate, redirectFqdn, fqdn, model);
    }

    public DeviceSettings withParticipate(boolean on) {
        return new DeviceSettings(priority, publicAddress, privateAddress, nat, on, redirectFqdn, fqdn, model);
    }

    public DeviceSettings withNat(Nat n) {
        return new DeviceSettings(priority, publicAddress, privateAddress, n, participate, redirectFqdn, fqdn, model);
    }

    public DeviceSettings withRedirectFqdn(boolean on, HostName name) {
        return new DeviceSettings(priority, publicAddress, privateAddress, nat, participate, on, name, model);
    }

    public DeviceSettings withModel(String m) {
        return new DeviceSettings(priority, publicAddress, privateAddress, nat, participate, redirectFqdn, fqdn, m);
    }

    /**
     * Where the director sends clients for this device: its FQDN when redirect-fqdn is enabled
     * and the FQDN is known ([LB-FQDN]: "send a fully qualified domain name ... instead of its outside
     * IP address"), else its NAT hostname or NAT address of the public address's family, else its
     * public address (with redirect-fqdn enabled the shell then looks the name up).
     */
    public NetAddress redirectAddress() {
        if (redirectFqdn && fqdn != null) return fqdn;
        if (nat.hostname() != null) return nat.hostname();
        IpAddress sameFamily = publicAddress.isIpv4() ? nat.ipv4() : nat.ipv6();
        if (sameFamily != null) return sameFamily;
        if (nat.ipv4() != null) return nat.ipv4();
        if (nat.ipv6() != null) return nat.ipv6();
        return publicAddress;
    }

    private static boolean printable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < ' ' || c > '~') return false;
        }
        return true;
    }
}
