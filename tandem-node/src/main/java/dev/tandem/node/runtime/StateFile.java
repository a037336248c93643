package dev.tandem.node.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.core.rm.PersistedRm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The recovery manager's persisted state on local disk (docs/architecture.md, Persistence), written through
 * {@link AtomicFiles}: a crash at any instant leaves either the old or the new state, never half of one.
 */
public final class StateFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the file holds: the recovery manager's state and the envelope epoch of the last start. */
    public record Content(PersistedRm rm, long envelopeEpoch) {}

    private final Path file;

    public StateFile(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the state directory " + dir, e);
        }
        this.file = dir.resolve("recovery-manager.json");
    }

    public Path path() {
        return file;
    }

    public Optional<Content> read() {
        if (!Files.exists(file)) return Optional.empty();
        try {
            return Optional.of(JSON.readValue(file.toFile(), Content.class));
        } catch (IOException e) {
            throw new UncheckedIOException("the state file " + file + " is unreadable (" + e.getMessage()
                    + "); move it away to start this node from scratch", e);
        }
    }

    public void write(Content content) {
        try {
            AtomicFiles.write(file, JSON.writeValueAsBytes(content));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the state file " + file, e);
        }
    }
}
