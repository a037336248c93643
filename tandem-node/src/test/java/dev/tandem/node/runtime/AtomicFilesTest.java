package dev.tandem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's one way of replacing a file: the new content or the old, and no temporary file left behind. */
class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void bytesAndTextReplaceTheOldContent() throws IOException {
        Path f = dir.resolve("state.json");
        AtomicFiles.write(f, "first".getBytes(StandardCharsets.UTF_8));
        assertThat(f).hasContent("first");

        AtomicFiles.write(f, w -> w.write("second, longer than the first"));
        assertThat(f).hasContent("second, longer than the first");
        assertThat(dir.resolve("state.json.tmp")).doesNotExist();
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(f);
        }
    }

    @Test
    void aWriteThatFailsLeavesTheOldContentAndNoTemporaryFile() throws IOException {
        Path f = dir.resolve("cache.csv");
        AtomicFiles.write(f, w -> w.write("old\n"));

        assertThatThrownBy(() -> AtomicFiles.write(f, w -> {
            w.write("half of the new content\n");
            throw new IOException("disk full");
        })).isInstanceOf(IOException.class).hasMessage("disk full");
        assertThatThrownBy(() -> AtomicFiles.write(f, w -> {
            throw new IllegalStateException("the directory changed while it was written");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(f).hasContent("old");
        assertThat(dir.resolve("cache.csv.tmp")).doesNotExist();
    }

    @Test
    void aDirectoryThatCannotBeWrittenIsAnErrorNamingIt() {
        Path f = dir.resolve("missing/state.json");
        assertThatThrownBy(() -> AtomicFiles.write(f, new byte[] {1}))
                .isInstanceOf(IOException.class).hasMessageContaining("missing");
    }
}
