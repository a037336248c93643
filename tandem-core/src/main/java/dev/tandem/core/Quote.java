package dev.tandem.core;

/**
 * How an error quotes what it was given: at most {@link #MAX} characters, with control characters shown as
 * {@code ?}, and the length said when the value was cut. An answer to bad input stays short however large
 * the input was (a 5 MB id must not come back as a 5 MB error).
 */
public final class Quote {
    /** Longer than any valid name or id (128 characters at most), so a valid value is never cut. */
    public static final int MAX = 200;

    private Quote() {}

    /** The value as an error may show it: a short, printable prefix. */
    public static String prefix(CharSequence s) {
        if (s == null) return "null";
        int n = Math.min(s.length(), MAX);
        StringBuilder b = new StringBuilder(n + 32);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        if (s.length() > MAX) b.append("... (").append(s.length()).append(" characters)");
        return b.toString();
    }
}
