package dev.tandem.node.store;

import dev.tandem.core.Invalid;
import java.util.regex.Pattern;

/** A user and the redundancy group and home node the assignment gave it ([RG-ASSIGN]). */
public record User(String id, String group, String home) {
    /** The longest id: the session service's limit, so every stored user can log in. */
    public static final int MAX_ID = 128;
    /**
     * The one rule for a user id, used by the store when users are added or imported and by the session service when
     * a user logs in: a user the store accepts can always log in. No comma, quote, space or slash, so an id is one CSV
     * field and one URL path segment as it stands.
     */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.@+:-]{1," + MAX_ID + "}");
    /** What {@link #checkId} allows, in the words of its errors. */
    public static final String ID_ALLOWED = "1 to " + MAX_ID + " of A-Z a-z 0-9 _ . @ + : -";

    public static boolean validId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    public static String checkId(String id) {
        if (!validId(id)) throw new Invalid("id", id, ID_ALLOWED);
        return id;
    }
}
