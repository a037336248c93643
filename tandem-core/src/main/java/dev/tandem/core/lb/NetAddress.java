package dev.tandem.core.lb;

import dev.tandem.core.Invalid;

/**
 * An address an operator may give where the specification accepts "an IPv4 or IPv6 address or a fully
 * qualified domain name" ([LB-GROUP], step 2).
 */
public sealed interface NetAddress permits IpAddress, HostName {

    /** The address as operators write it (canonical form for IP addresses, lower case for names). */
    String text();

    /**
     * Reads an IP address or a fully qualified domain name. Text that looks like an IP address
     * (digits and dots only, or any colon) must be a valid one: {@code 10.0.0.300} is a wrong IPv4
     * address, not a host name.
     */
    static NetAddress parse(String field, String text) {
        if (text == null || text.isBlank()) {
            throw new Invalid(field, text, "an IPv4 address, an IPv6 address or a fully qualified domain name");
        }
        String t = text.trim();
        if (IpAddress.looksLikeIp(t)) return IpAddress.parse(field, t);
        return HostName.parseFqdn(field, t);
    }
}
