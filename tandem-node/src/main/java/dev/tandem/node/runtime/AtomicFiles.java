package dev.tandem.node.runtime;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The one way the node replaces a file it owns (the state file, the store caches): write a temporary file next to
 * it, force it to disk, rename it over the old one, then force the directory so the rename itself survives a power
 * loss. A crash at any instant leaves the old content or the new, never half of one; a failed write removes its
 * temporary file and leaves the old content in place.
 */
public final class AtomicFiles {
    /** Buffer for text writes: large enough that a million-line user cache is a few hundred system calls. */
    private static final int BUFFER = 1 << 16;

    private AtomicFiles() {}

    /** What writes the new content. */
    @FunctionalInterface
    public interface Writing {
        void to(BufferedWriter w) throws IOException;
    }

    /** Replaces {@code file} with {@code bytes}. */
    public static void write(Path file, byte[] bytes) throws IOException {
        replace(file, ch -> {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) ch.write(b);
        });
    }

    /** Replaces {@code file} with the UTF-8 text {@code writing} produces. */
    public static void write(Path file, Writing writing) throws IOException {
        replace(file, ch -> {
            BufferedWriter w = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(ch),
                    StandardCharsets.UTF_8), BUFFER);
            writing.to(w);
            w.flush(); // not closed: closing it would close the channel before it is forced
        });
    }

    @FunctionalInterface
    private interface Content {
        void into(FileChannel ch) throws IOException;
    }

    private static void replace(Path file, Content content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                content.into(ch);
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        syncDirectory(file.toAbsolutePath().getParent());
    }

    /**
     * Forces a directory's entries to disk, so a rename in it is durable. Linux and macOS allow opening a directory
     * for reading and forcing it; where the platform refuses (Windows), the rename is as durable as it can be made.
     */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (Files.isDirectory(dir) && System.getProperty("os.name", "").startsWith("Windows")) return;
            throw e;
        }
    }
}
