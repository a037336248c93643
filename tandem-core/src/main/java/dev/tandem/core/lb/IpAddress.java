package dev.tandem.core.lb;

import dev.tandem.core.Invalid;
import java.util.Optional;

/**
 * An IPv4 or IPv6 address, parsed by Tandem itself so that the core stays free of name lookups.
 *
 * <p>Ordering is numeric, every IPv4 address before every IPv6 address: the director keeps its
 * members "in ascending IP address order" and the lowest IP wins ties ([LB-RULES], VPN
 * Load-Balancing Algorithm, rule 4; Director Election Process).
 *
 * @param version 4 or 6
 * @param high    the upper 64 bits of an IPv6 address; 0 for IPv4
 * @param low     the lower 64 bits of an IPv6 address, or the 32 bits of an IPv4 address
 */
public record IpAddress(int version, long high, long low) implements NetAddress, Comparable<IpAddress> {
    private static final String IPV4_ALLOWED = "an IPv4 address: four numbers from 0 to 255 separated by dots, without leading zeros";
    private static final String IPV6_ALLOWED = "an IPv6 address: up to eight groups of 1 to 4 hex digits separated by colons, one :: at most";

    public IpAddress {
        if (version != 4 && version != 6) throw new IllegalArgumentException("IP version " + version);
        if (version == 4 && (high != 0 || (low >>> 32) != 0)) throw new IllegalArgumentException("IPv4 beyond 32 bits");
    }

    public static IpAddress ipv4(int a, int b, int c, int d) {
        for (int part : new int[] {a, b, c, d}) {
            if (part < 0 || part > 255) throw new IllegalArgumentException("IPv4 part " + part);
        }
        return new IpAddress(4, 0, ((long) a << 24) | ((long) b << 16) | ((long) c << 8) | d);
    }

    /** Parses an IPv4 or IPv6 address; anything else is an {@link Invalid} naming the field. */
    public static IpAddress parse(String field, String text) {
        if (text == null) throw new Invalid(field, null, "an IPv4 or IPv6 address");
        String t = text.trim();
        if (t.indexOf(':') >= 0) {
            return parseIpv6(t).orElseThrow(() -> new Invalid(field, text, IPV6_ALLOWED));
        }
        return parseIpv4(t).map(v -> new IpAddress(4, 0, v)).orElseThrow(() -> new Invalid(field, text, IPV4_ALLOWED));
    }

    /** Parses an address that must be IPv4 (for example the IPv4 NAT address). */
    public static IpAddress parseIpv4(String field, String text) {
        IpAddress ip = parse(field, text);
        if (ip.version != 4) throw new Invalid(field, text, IPV4_ALLOWED);
        return ip;
    }

    /** Parses an address that must be IPv6 (for example the IPv6 NAT address). */
    public static IpAddress parseIpv6(String field, String text) {
        if (text == null || text.indexOf(':') < 0) throw new Invalid(field, text, IPV6_ALLOWED);
        return parse(field, text);
    }

    public static Optional<IpAddress> tryParse(String text) {
        if (text == null) return Optional.empty();
        String t = text.trim();
        if (t.indexOf(':') >= 0) return parseIpv6(t);
        return parseIpv4(t).map(v -> new IpAddress(4, 0, v));
    }

    /** Digits and dots only, or any colon: meant as an IP address, whether valid or not. */
    static boolean looksLikeIp(String t) {
        if (t.indexOf(':') >= 0) return true;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) return false;
        }
        return !t.isEmpty();
    }

    private static Optional<Long> parseIpv4(String t) {
        String[] parts = t.split("\\.", -1);
        if (parts.length != 4) return Optional.empty();
        long value = 0;
        for (String p : parts) {
            int n = decimalOctet(p);
            if (n < 0) return Optional.empty();
            value = (value << 8) | n;
        }
        return Optional.of(value);
    }

    /** 0..255 without sign or leading zero (010 could be read as octal elsewhere), else -1. */
    private static int decimalOctet(String p) {
        if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) return -1;
        int n = 0;
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c < '0' || c > '9') return -1;
            n = n * 10 + (c - '0');
        }
        return n <= 255 ? n : -1;
    }

    private static Optional<IpAddress> parseIpv6(String t) {
        int gap = t.indexOf("::");
        if (gap >= 0 && t.indexOf("::", gap + 1) >= 0) return Optional.empty();
        // A dotted IPv4 part may only end the address.
        if (gap >= 0 && t.substring(0, gap).indexOf('.') >= 0) return Optional.empty();
        int[] head = gap < 0 ? groups(t) : groups(t.substring(0, gap));
        int[] tail = gap < 0 ? new int[0] : groups(t.substring(gap + 2));
        if (head == null || tail == null) return Optional.empty();
        int total = head.length + tail.length;
        if (gap < 0 ? total != 8 : total > 7) return Optional.empty();
        int[] all = new int[8];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, 8 - tail.length, tail.length);
        long high = 0;
        long low = 0;
        for (int i = 0; i < 4; i++) high = (high << 16) | all[i];
        for (int i = 4; i < 8; i++) low = (low << 16) | all[i];
        return Optional.of(new IpAddress(6, high, low));
    }

    /** The 16-bit groups of one side of "::"; a dotted IPv4 address may end it. Null if malformed. */
    private static int[] groups(String side) {
        if (side.isEmpty()) return new int[0];
        String[] parts = side.split(":", -1);
        boolean dottedTail = parts[parts.length - 1].indexOf('.') >= 0;
        int[] out = new int[parts.length + (dottedTail ? 1 : 0)];
        for (int i = 0; i < parts.length; i++) {
            if (dottedTail && i == parts.length - 1) {
                Optional<Long> v4 = parseIpv4(parts[i]);
                if (v4.isEmpty()) return null;
                out[i] = (int) (v4.get() >>> 16);
                out[i + 1] = (int) (v4.get() & 0xffff);
            } else {
                int g = hexGroup(parts[i]);
                if (g < 0) return null;
                out[i] = g;
            }
        }
        return out;
    }

    private static int hexGroup(String p) {
        if (p.isEmpty() || p.length() > 4) return -1;
        int n = 0;
        for (int i = 0; i < p.length(); i++) {
            int d = Character.digit(p.charAt(i), 16);
            if (d < 0) return -1;
            n = (n << 4) | d;
        }
        return n;
    }

    public boolean isIpv4() {
        return version == 4;
    }

    @Override
    public int compareTo(IpAddress o) {
        if (version != o.version) return Integer.compare(version, o.version);
        int c = Long.compareUnsigned(high, o.high);
        return c != 0 ? c : Long.compareUnsigned(low, o.low);
    }

    @Override
    public String text() {
        return version == 4 ? ipv4Text() : ipv6Text();
    }

    @Override
    public String toString() {
        return text();
    }

    private String ipv4Text() {
        return (low >>> 24) + "." + ((low >>> 16) & 0xff) + "." + ((low >>> 8) & 0xff) + "." + (low & 0xff);
    }

    /** RFC 5952: lower case, no leading zeros, the longest run of two or more zero groups as "::". */
    private String ipv6Text() {
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) ((high >>> (48 - 16 * i)) & 0xffff);
            g[i + 4] = (int) ((low >>> (48 - 16 * i)) & 0xffff);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
