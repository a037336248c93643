package dev.tandem.core.lb;

import dev.tandem.core.Invalid;

/**
 * A DNS name: the group's FQDN ([LB-FQDN], cluster ip address accepts an FQDN), a member's FQDN for
 * redirect-fqdn, or the hostname given as the NAT address ([LB-FQDN], Configure the Public and
 * Private Interfaces, step 4). Kept in lower case without a trailing dot, so equal names compare equal.
 */
public record HostName(String text) implements NetAddress {
    private static final int MAX_LENGTH = 253;
    private static final int MAX_LABEL = 63;
    private static final String ALLOWED_NAME = "a host name: labels of 1 to 63 letters, digits or '-'"
            + " (not at either end) separated by dots, 253 characters at most";
    private static final String ALLOWED_FQDN = "a fully qualified domain name such as vpn.example.com: at least two"
            + " labels of 1 to 63 letters, digits or '-' (not at either end), 253 characters at most";

    public HostName {
        if (!valid(text, false)) throw new Invalid("host name", text, ALLOWED_NAME);
        text = normalize(text);
    }

    /** Any host name, a single label included (a NAT hostname may be short). */
    public static HostName parse(String field, String text) {
        if (!valid(text, false)) throw new Invalid(field, text, ALLOWED_NAME);
        return new HostName(text);
    }

    /** A fully qualified name: at least two labels, the last one not all digits. */
    public static HostName parseFqdn(String field, String text) {
        if (!valid(text, true)) throw new Invalid(field, text, ALLOWED_FQDN);
        return new HostName(text);
    }

    public boolean fullyQualified() {
        return text.indexOf('.') > 0;
    }

    @Override
    public String toString() {
        return text;
    }

    private static String normalize(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        return t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
    }

    private static boolean valid(String text, boolean fqdn) {
        if (text == null) return false;
        String t = normalize(text);
        if (t.isEmpty() || t.length() > MAX_LENGTH) return false;
        String[] labels = t.split("\\.", -1);
        if (fqdn && labels.length < 2) return false;
        for (String label : labels) {
            if (!validLabel(label)) return false;
        }
        // A last label of digits only would make 10.0.0.300 a "name"; real top-level domains have letters.
        return !labels[labels.length - 1].chars().allMatch(Character::isDigit);
    }

    private static boolean validLabel(String label) {
        if (label.isEmpty() || label.length() > MAX_LABEL) return false;
        if (label.charAt(0) == '-' || label.charAt(label.length() - 1) == '-') return false;
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
            if (!ok) return false;
        }
        return true;
    }
}
