package dev.tandem.core;

/**
 * A rejected input: names the field, the value given and what is allowed.
 * Every validation in Tandem throws this, so every front end (CLI, API, config file)
 * can report the same precise message. The value is quoted by {@link Quote#prefix}, so a huge input gives a short
 * message.
 */
public final class Invalid extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String field;
    private final String value;
    private final String allowed;

    public Invalid(String field, Object value, String allowed) {
        super(field + ": " + render(value) + " is not allowed; allowed: " + allowed);
        this.field = field;
        this.value = render(value);
        this.allowed = allowed;
    }

    private static String render(Object value) {
        return value == null ? "(missing)" : "'" + Quote.prefix(value.toString()) + "'";
    }

    public String field() {
        return field;
    }

    public String value() {
        return value;
    }

    public String allowed() {
        return allowed;
    }
}
