package dev.tandem.core.lb;

import dev.tandem.core.Invalid;

/**
 * The address clients reach this device at from outside its NAT ([LB-DEVICE], Configure the Public
 * and Private Interfaces, step 4: "You can define an IPv4 and an IPv6 address or specify the
 * device's hostname"). Any part may be null; a hostname excludes the two addresses.
 */
public record Nat(IpAddress ipv4, IpAddress ipv6, HostName hostname) {

    public Nat {
        if (ipv4 != null && !ipv4.isIpv4()) throw new Invalid("nat ipv4", ipv4.text(), "an IPv4 address");
        if (ipv6 != null && ipv6.isIpv4()) throw new Invalid("nat ipv6", ipv6.text(), "an IPv6 address");
        if (hostname != null && (ipv4 != null || ipv6 != null)) {
            throw new Invalid("nat hostname", hostname.text(), "no hostname when a NAT IPv4 or IPv6 address is set"
                    + " (the specification allows addresses or a hostname)");
        }
    }

    public static Nat none() {
        return new Nat(null, null, null);
    }

    public static Nat of(IpAddress ipv4, IpAddress ipv6) {
        return new Nat(ipv4, ipv6, null);
    }

    public static Nat ofHostname(HostName hostname) {
        return new Nat(null, null, hostname);
    }

    /**
     * Reads the specification's {@code nat} arguments: one or two addresses (an IPv4 and/or an IPv6) or one hostname.
     * Example: {@code nat 192.168.30.3 2001:DB8::1}.
     */
    public static Nat parse(String field, String... words) {
        if (words.length == 0 || words.length > 2) {
            throw new Invalid(field, String.join(" ", words), "an IPv4 address, an IPv6 address, both, or a hostname");
        }
        IpAddress v4 = null;
        IpAddress v6 = null;
        for (String w : words) {
            if (!IpAddress.looksLikeIp(w.trim())) {
                if (words.length > 1) throw new Invalid(field, String.join(" ", words), "addresses or one hostname, not both");
                return ofHostname(HostName.parse(field, w));
            }
            IpAddress ip = IpAddress.parse(field, w);
            if (ip.isIpv4() ? v4 != null : v6 != null) {
                throw new Invalid(field, String.join(" ", words), "at most one IPv4 and one IPv6 address");
            }
            if (ip.isIpv4()) v4 = ip; else v6 = ip;
        }
        return of(v4, v6);
    }

    public boolean isSet() {
        return ipv4 != null || ipv6 != null || hostname != null;
    }
}
