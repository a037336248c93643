package dev.tandem.node.api;

import dev.tandem.core.Invalid;
import dev.tandem.node.config.LocatedYaml;
import dev.tandem.node.store.ClusterSettings;
import java.io.IOException;

/**
 * The whole cluster's YAML document ({@code tandem config export}) read without a node or a store, as
 * {@code PUT /api/v1/config} reads it over an empty store, so {@code tandem config check} refuses what a node would.
 */
public final class ClusterDocument {
    private ClusterDocument() {}

    /** The settings the document gives, checked with the store's rules; an error names the line. */
    public static ClusterSettings read(String yaml) {
        LocatedYaml y;
        try {
            y = LocatedYaml.parse(yaml);
        } catch (IOException e) {
            throw new IllegalArgumentException("line 1: the file is not YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        try {
            return SettingsDocument.readDocument(y, ClusterSettings.empty()).validate();
        } catch (SettingsDocument.Bad e) {
            throw new IllegalArgumentException(e.getMessage());
        } catch (Invalid e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /** The assignment mode as the document spells it (Balanced, Active-Standby, None). */
    public static String modeName(ClusterSettings s) {
        return SettingsDocument.modeName(s.mode());
    }
}
