package dev.tandem.api;

import java.util.Objects;

/**
 * The shape of a request's or an answer's body: one record, a list or a map of them, plain text, or nothing.
 *
 * @param kind    what the body is
 * @param type    the record (or String, Boolean...) the body holds, or its elements; null for text and nothing
 * @param media   the content type
 */
public record Body(Kind kind, Class<?> type, String media) {
    public enum Kind { NONE, ONE, LIST, MAP, TEXT }

    public static final Body NONE = new Body(Kind.NONE, null, "");
    public static final String JSON = "application/json";

    public Body {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.NONE || kind == Kind.TEXT) != (type == null)) {
            throw new IllegalArgumentException(kind + " body with type " + type);
        }
    }

    public static Body of(Class<?> type) {
        return new Body(Kind.ONE, type, JSON);
    }

    public static Body listOf(Class<?> type) {
        return new Body(Kind.LIST, type, JSON);
    }

    /** A JSON object whose keys are names (parameters, checks) and whose values are all of one type. */
    public static Body mapOf(Class<?> type) {
        return new Body(Kind.MAP, type, JSON);
    }

    public static Body text(String media) {
        return new Body(Kind.TEXT, null, media);
    }
}
