package dev.tandem.node.store;

import dev.tandem.core.Invalid;

/** A user and the redundancy group and home node the assignment gave it ([RG-ASSIGN]). */
public record User(String id, String group, String home) {
    /** At most 255 printable characters without comma or quote, so an id is one CSV field as it stands. */
    public static final int MAX_ID = 255;

    public static String checkId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_ID || !plain(id)) {
            throw new Invalid("id", id, "1 to 255 printable characters without spaces, commas, quotes or slashes");
        }
        return id;
    }

    private static boolean plain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c == ',' || c == '"' || c == '/' || c == '\\' || c == 127) return false;
        }
        return true;
    }
}
