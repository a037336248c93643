package dev.tandem.node.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.core.rm.PersistedRm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The recovery manager's persisted state on local disk (docs/architecture.md, Persistence): written to a temporary
 * file, flushed to disk, then renamed over the old one, so a crash at any instant leaves either the old or
 * the new state, never half of one.
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
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            byte[] bytes = JSON.writeValueAsBytes(content);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(bytes));
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the state file " + file, e);
        }
    }
}
