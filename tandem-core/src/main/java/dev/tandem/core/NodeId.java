package dev.tandem.core;

import java.util.Objects;
import java.util.regex.Pattern;

/** The name of one Tandem node (one process; one per host in production). */
public record NodeId(String value) implements Comparable<NodeId> {
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    public NodeId {
        Objects.requireNonNull(value, "node id");
        if (!ALLOWED.matcher(value).matches()) {
            throw new Invalid("node id", value, "1 to 128 characters of A-Z a-z 0-9 _ . : -");
        }
    }

    public static NodeId of(String value) {
        return new NodeId(value);
    }

    @Override
    public int compareTo(NodeId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
