package dev.tandem.node.runtime;

import dev.tandem.node.config.ConfigError;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.crypto.ClusterKey;
import dev.tandem.node.crypto.SealedSecret;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;

/** Reads the cluster key from where the configuration says: a file, or sealed at rest ([LB-GROUP]: cluster key 8). */
final class Keys {
    private Keys() {}

    /** The shared secret and the keys derived from it; the secret stays in memory only. */
    record Loaded(ClusterKey key, String secret) {
        @Override
        public String toString() {
            return "Keys[" + key.fingerprint() + "]";
        }
    }

    static Optional<Loaded> load(NodeConfig.Cluster c) {
        try {
            String secret = null;
            if (c.keyFile() != null) {
                secret = Files.readString(c.keyFile()).strip();
            } else if (c.key8() != null) {
                String master = Files.readString(c.masterKeyFile()).strip();
                secret = SealedSecret.open(c.key8(), master);
            }
            if (secret == null) return Optional.empty();
            return Optional.of(new Loaded(ClusterKey.fromSecret(secret), secret));
        } catch (IOException e) {
            throw new ConfigError("cluster key: cannot read " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ConfigError("cluster.key8: " + e.getMessage());
        }
    }

    /** The load-balancing key's fingerprint for the store (never the key); empty without a readable key. */
    static Optional<String> fingerprint(NodeConfig.Cluster c) {
        try {
            return load(c).map(k -> dev.tandem.core.lb.ClusterKey.of("cluster key", k.secret()).fingerprint());
        } catch (RuntimeException e) {
            return Optional.empty(); // the node's start reports an unreadable key
        }
    }
}
