package dev.tandem.core.config;

import dev.tandem.core.Invalid;
import dev.tandem.core.lb.IpAddress;

/**
 * An interface's address with the length of its network prefix, as {@code ip address ADDR MASK} or
 * {@code ipv6 address ADDR/LEN} give it. The specification uses the networks for two checks: the cluster address lies
 * "within the public subnet address range shared by all the ASAs in the group", and with redirect-fqdn "all of the
 * outside and inside network interfaces ... must be on the same IP network".
 *
 * @param address the interface's own address
 * @param prefix  the network's prefix length: 0 to 32 for IPv4, 0 to 128 for IPv6
 */
public record Subnet(IpAddress address, int prefix) {
    private static final String MASK_ALLOWED = "a subnet mask of contiguous ones such as 255.255.255.0";

    public Subnet {
        int max = address.isIpv4() ? 32 : 128;
        if (prefix < 0 || prefix > max) throw new IllegalArgumentException("prefix " + prefix + " of " + address);
    }

    /** {@code ip address ADDR MASK}: an IPv4 address and a dotted mask of contiguous ones. */
    public static Subnet ipv4(String field, String address, String mask) {
        IpAddress a = IpAddress.parseIpv4(field, address);
        IpAddress m = IpAddress.parseIpv4(field + " mask", mask);
        long bits = m.low();
        int ones = Long.bitCount(bits);
        long expected = ones == 0 ? 0 : (0xffffffffL << (32 - ones)) & 0xffffffffL;
        if (bits != expected) throw new Invalid(field + " mask", mask, MASK_ALLOWED);
        return new Subnet(a, ones);
    }

    /** {@code ipv6 address ADDR/LEN}. */
    public static Subnet ipv6(String field, String text) {
        int slash = text.indexOf('/');
        String allowed = "an IPv6 address and its prefix length from 1 to 128, such as 2001:db8::1/64";
        if (slash < 0) throw new Invalid(field, text, allowed);
        IpAddress a;
        try {
            a = IpAddress.parseIpv6(field, text.substring(0, slash));
        } catch (Invalid e) {
            throw new Invalid(field, text, allowed);
        }
        String len = text.substring(slash + 1);
        if (!len.matches("[0-9]{1,3}") || Integer.parseInt(len) < 1 || Integer.parseInt(len) > 128) {
            throw new Invalid(field, text, allowed);
        }
        return new Subnet(a, Integer.parseInt(len));
    }

    /** Whether {@code other} is on this network (same family, same first {@code prefix} bits). */
    public boolean contains(IpAddress other) {
        if (other.version() != address.version()) return false;
        if (address.isIpv4()) {
            long mask = prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
            return (address.low() & mask) == (other.low() & mask);
        }
        long highMask = prefix >= 64 ? -1L : prefix == 0 ? 0 : -1L << (64 - prefix);
        long lowMask = prefix <= 64 ? 0 : prefix == 128 ? -1L : -1L << (128 - prefix);
        return (address.high() & highMask) == (other.high() & highMask)
                && (address.low() & lowMask) == (other.low() & lowMask);
    }

    /** Whether both are the same network (same family and prefix, each containing the other's address). */
    public boolean sameNetwork(Subnet other) {
        return prefix == other.prefix && contains(other.address);
    }

    /** The network in CIDR form, for example {@code 209.165.202.0/24}. */
    public String network() {
        if (address.isIpv4()) {
            long mask = prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
            return new IpAddress(4, 0, address.low() & mask).text() + "/" + prefix;
        }
        long highMask = prefix >= 64 ? -1L : prefix == 0 ? 0 : -1L << (64 - prefix);
        long lowMask = prefix <= 64 ? 0 : prefix == 128 ? -1L : -1L << (128 - prefix);
        return new IpAddress(6, address.high() & highMask, address.low() & lowMask).text() + "/" + prefix;
    }

    /** The dotted mask of an IPv4 subnet, as {@code ip address} takes it. */
    public String mask() {
        long mask = prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
        return new IpAddress(4, 0, mask).text();
    }
}
