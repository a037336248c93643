package dev.tandem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tandem.core.rm.NodeState;
import dev.tandem.core.rm.PersistedRm;
import dev.tandem.core.rm.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recovery manager's state on local disk (docs/architecture.md, Persistence: "A node's recovery-manager state survives a
 * restart ... written atomically"; docs/node.md: temporary file, flush, rename).
 */
class StateFileTest {
    @TempDir
    Path dir;

    private static StateFile.Content content(NodeState state, Reason reason, long epoch) {
        return new StateFile.Content(new PersistedRm(state, reason, 4, 2, true), epoch);
    }

    @Test
    void theDirectoryIsCreatedAndNothingIsReadBeforeTheFirstWrite() {
        Path stateDir = dir.resolve("state/n1");
        StateFile f = new StateFile(stateDir);

        assertThat(stateDir).isDirectory();
        assertThat(f.path()).isEqualTo(stateDir.resolve("recovery-manager.json"));
        assertThat(f.read()).isEmpty();
    }

    @Test
    void whatIsWrittenIsReadBack() {
        StateFile f = new StateFile(dir);
        StateFile.Content c = content(NodeState.RUNNING_IN_BACKUP_MODE, Reason.PEER_DOWN, 1_700_000_000_123L);

        f.write(c);

        assertThat(f.read()).contains(c);
        // A second instance (the node after a restart) reads the same.
        assertThat(new StateFile(dir).read()).contains(c);
    }

    @Test
    void everyStateAndReasonSurvives() {
        // [RG-T2] has restart rows for every state; each must come back as it was.
        StateFile f = new StateFile(dir);
        for (NodeState s : NodeState.values()) {
            for (Reason r : Reason.values()) {
                StateFile.Content c = new StateFile.Content(new PersistedRm(s, r, s.ordinal(), r.ordinal(), s.ordinal() % 2 == 0),
                        -s.ordinal());
                f.write(c);
                assertThat(f.read()).contains(c);
            }
        }
    }

    @Test
    void theLastWriteWinsAndNoTemporaryFileIsLeft() throws IOException {
        StateFile f = new StateFile(dir);
        f.write(content(NodeState.NORMAL, Reason.NORMAL, 1));
        f.write(content(NodeState.IDLE, Reason.ON_ADMIN_REQUEST, 2));

        assertThat(f.read()).contains(content(NodeState.IDLE, Reason.ON_ADMIN_REQUEST, 2));
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("recovery-manager.json");
        }
    }

    @Test
    void aLeftoverTemporaryFileDoesNotBreakReadingOrWriting() throws IOException {
        // A crash between writing the temporary file and renaming it leaves it behind: the old state stands.
        StateFile f = new StateFile(dir);
        StateFile.Content before = content(NodeState.NORMAL, Reason.NORMAL, 7);
        f.write(before);
        Path tmp = dir.resolve("recovery-manager.json.tmp");
        Files.writeString(tmp, "{\"rm\":{\"state\":\"IDLE\",\"rea");

        assertThat(f.read()).contains(before);

        StateFile.Content after = content(NodeState.FAILED_OVER, Reason.ON_ADMIN_REQUEST, 8);
        f.write(after);
        assertThat(f.read()).contains(after);
        assertThat(tmp).doesNotExist();
    }

    @Test
    void aLeftoverTemporaryFileAloneIsNoState() throws IOException {
        StateFile f = new StateFile(dir);
        Files.writeString(dir.resolve("recovery-manager.json.tmp"), "garbage");

        assertThat(f.read()).isEmpty();
    }

    @Test
    void aCorruptFileGivesAClearMessageNamingTheFile() throws IOException {
        StateFile f = new StateFile(dir);
        for (String text : new String[] {"{not json", "", "[1, 2, 3]", "{\"rm\":{\"state\":\"NAPPING\"},\"envelopeEpoch\":1}"}) {
            Files.writeString(f.path(), text);

            UncheckedIOException e = catchThrowableOfType(UncheckedIOException.class, f::read);

            assertThat(e).as("reading '%s'", text).isNotNull();
            assertThat(e.getMessage()).contains(f.path().toString()).contains("unreadable").contains("move it away");
        }
    }

    @Test
    void aStateDirectoryThatIsAFileIsReportedClearly() throws IOException {
        Path notADir = Files.writeString(dir.resolve("taken"), "x");

        UncheckedIOException e = catchThrowableOfType(UncheckedIOException.class, () -> new StateFile(notADir));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("state directory").contains(notADir.toString());
    }
}
