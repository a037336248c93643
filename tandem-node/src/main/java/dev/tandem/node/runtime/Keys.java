package dev.tandem.node.runtime;

import dev.tandem.node.config.ConfigError;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.crypto.ClusterKey;
import dev.tandem.node.crypto.SealedSecret;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;

/** Reads the cluster key from where the configuration says: a file, or sealed at rest (seed 004: cluster key 8). */
final class Keys {
    private Keys() {}

    static Optional<ClusterKey> load(NodeConfig.Cluster c) {
        try {
            if (c.keyFile() != null) {
                return Optional.of(ClusterKey.fromSecret(Files.readString(c.keyFile()).strip()));
            }
            if (c.key8() != null) {
                String master = Files.readString(c.masterKeyFile()).strip();
                return Optional.of(ClusterKey.fromSecret(SealedSecret.open(c.key8(), master)));
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new ConfigError("cluster key: cannot read " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ConfigError("cluster.key8: " + e.getMessage());
        }
    }
}
