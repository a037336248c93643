package dev.tandem.node.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.node.runtime.AtomicFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The last settings and users this node got from the store, on its own disk (docs/architecture.md: each node caches the last
 * version and keeps running on it while the store is unreachable). Each file is written through
 * {@link AtomicFiles}: a crash leaves the old cache or the new one, never half of one.
 */
public final class SettingsCache {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final String EPOCH_LINE = "# epoch ";

    private final Path settingsFile;
    private final Path usersFile;

    public SettingsCache(Path stateDir) {
        try {
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the state directory " + stateDir, e);
        }
        this.settingsFile = stateDir.resolve("store-settings.json");
        this.usersFile = stateDir.resolve("store-users.csv");
    }

    public Path settingsFile() {
        return settingsFile;
    }

    public Optional<ClusterSettings> settings() {
        if (!Files.exists(settingsFile)) return Optional.empty();
        try {
            return Optional.of(JSON.readValue(settingsFile.toFile(), ClusterSettings.class));
        } catch (IOException e) {
            // A cache is only a copy: an unreadable one is ignored (the store has the original).
            return Optional.empty();
        }
    }

    public void settings(ClusterSettings s) {
        try {
            atomically(settingsFile, w -> w.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(s)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the store cache " + settingsFile, e);
        }
    }

    /** The cached users and the epoch they are complete to. */
    public record Users(long epoch, List<User> users) {}

    public Optional<Users> users() {
        if (!Files.exists(usersFile)) return Optional.empty();
        try (BufferedReader r = Files.newBufferedReader(usersFile, StandardCharsets.UTF_8)) {
            String first = r.readLine();
            if (first == null || !first.startsWith(EPOCH_LINE)) return Optional.empty();
            long epoch = Long.parseLong(first.substring(EPOCH_LINE.length()).strip());
            List<User> users = new ArrayList<>();
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] f = line.split(",", 3);
                if (f.length == 3) users.add(new User(f[0], f[1], f[2]));
            }
            return Optional.of(new Users(epoch, users));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public void users(long epoch, UserDirectory directory) {
        try {
            atomically(usersFile, w -> {
                w.write(EPOCH_LINE + epoch + "\n");
                IOException[] failed = new IOException[1];
                directory.forEach((id, p) -> {
                    if (failed[0] != null) return;
                    try {
                        w.write(id);
                        w.write(',');
                        w.write(p.group());
                        w.write(',');
                        w.write(p.home().value());
                        w.write('\n');
                    } catch (IOException e) {
                        failed[0] = e;
                    }
                });
                if (failed[0] != null) throw failed[0];
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the user cache " + usersFile, e);
        }
    }

    private static void atomically(Path file, AtomicFiles.Writing writing) throws IOException {
        AtomicFiles.write(file, writing);
    }
}
