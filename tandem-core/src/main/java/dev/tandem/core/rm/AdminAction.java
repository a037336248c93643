package dev.tandem.core.rm;

import java.util.Locale;
import java.util.Optional;

/** [RG-MANUAL]. */
public enum AdminAction {
    FAILOVER, FALLBACK, RECOVER;

    public String display() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<AdminAction> parse(String text) {
        for (AdminAction a : values()) {
            if (a.display().equalsIgnoreCase(text.trim())) return Optional.of(a);
        }
        return Optional.empty();
    }
}
