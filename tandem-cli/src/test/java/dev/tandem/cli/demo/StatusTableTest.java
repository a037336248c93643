package dev.tandem.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The demo's live table: the director, each member's load, sessions and clients, each group's states and reasons. */
class StatusTableTest {
    private static ClusterView.NodeRow row(String id, String group, boolean up, String state, String reason, String role,
                                           int load) {
        return new ClusterView.NodeRow(id, "127.0.0.1" + id.substring(1), group, up, state, reason, role, load,
                load < 0 ? -1 : load);
    }

    @Test
    void theTableShowsTheGroupAndEveryNode() {
        ClusterView.Snapshot s = new ClusterView.Snapshot(List.of(
                row("n1", "g1", true, "Normal", "Normal", "Director", 40),
                row("n2", "g1", true, "Normal", "Normal", "Member", 35),
                row("n3", "g2", false, "down (peer sees Unknown)", "", "", -1),
                row("n4", "g2", true, "Running in Backup Mode", "Peer Down", "Member", 60)), Optional.of("n1"));
        List<String> lines = StatusTable.render("title", s,
                new ClientStats(140, Map.of("127.0.0.11", 40, "127.0.0.12", 35, "127.0.0.14", 60), 5, 17, 2),
                List.of("12:00:00 killed n3"), List.of("Keys: q quit"));
        String text = String.join("\n", lines);
        assertThat(lines.get(0)).isEqualTo("title");
        assertThat(text).contains("director n1 holds the cluster address");
        assertThat(text).containsPattern("n1 +127\\.0\\.0\\.11 +Director +40% +40 +40");
        assertThat(text).containsPattern("n3 +127\\.0\\.0\\.13 +- +- +- +0");
        assertThat(text).contains("g2   n3   down (peer sees Unknown)").contains("n4   Running in Backup Mode / Peer Down");
        assertThat(text).contains("Clients: 140, logged in 135, waiting to log in again 5 (re-logins so far 17, refused 2)");
        assertThat(text).contains("12:00:00 killed n3").endsWith("Keys: q quit");
    }

    @Test
    void changesBetweenTwoSnapshotsBecomeEvents() {
        ClusterView.Snapshot before = new ClusterView.Snapshot(List.of(
                row("n1", "g1", true, "Normal", "Normal", "Director", 40),
                row("n2", "g1", true, "Normal", "Normal", "Member", 35)), Optional.of("n1"));
        ClusterView.Snapshot after = new ClusterView.Snapshot(List.of(
                row("n1", "g1", false, "down (peer sees Normal)", "", "", -1),
                row("n2", "g1", true, "Running in Backup Mode", "Peer Down", "Director", 70)), Optional.of("n2"));
        assertThat(StatusTable.changes(before, after)).containsExactly("director: n1 -> n2",
                "n1: Normal -> down (peer sees Normal)", "n2: Normal -> Running in Backup Mode (Peer Down)");
        assertThat(StatusTable.changes(null, after)).isEmpty();
        assertThat(StatusTable.changes(after, after)).isEmpty();
    }
}
