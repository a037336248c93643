package dev.tandem.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The demo's live table: the director, each member's service address and who holds it, load, sessions and clients,
 * each group's states and reasons.
 */
class StatusTableTest {
    /** Node nK on 127.0.0.1K with the service address 127.0.0.11K, as DemoCluster writes them, held by its owner. */
    private static ClusterView.NodeRow row(String id, String group, boolean up, String state, String reason, String role,
                                           int load) {
        return row(id, group, up, state, reason, role, load, up ? List.of(id) : List.of());
    }

    private static ClusterView.NodeRow row(String id, String group, boolean up, String state, String reason, String role,
                                           int load, List<String> holders) {
        return new ClusterView.NodeRow(id, "127.0.0.1" + id.substring(1), "127.0.0.11" + id.substring(1), holders, group,
                up, state, reason, role, load, load < 0 ? -1 : load);
    }

    @Test
    void theTableShowsTheGroupAndEveryNode() {
        ClusterView.Snapshot s = new ClusterView.Snapshot(List.of(
                row("n1", "g1", true, "Normal", "Normal", "Director", 40),
                row("n2", "g1", true, "Normal", "Normal", "Member", 35),
                row("n3", "g2", false, "down (peer sees Unknown)", "", "", -1, List.of("n4")),
                row("n4", "g2", true, "Running in Backup Mode", "Peer Down", "Member", 60)), Optional.of("n1"));
        // The clients are counted at each node's service address, where the director sent them: n3's 25 are still
        // there, now served by n4. The 99 at n1's own address are not n1's row's.
        List<String> lines = StatusTable.render("title", s,
                new ClientStats(264, Map.of("127.0.0.111", 40, "127.0.0.112", 35, "127.0.0.113", 25, "127.0.0.114", 60,
                        "127.0.0.11", 99), 5, 17, 2),
                List.of("12:00:00 killed n3"), List.of("Keys: q quit"));
        String text = String.join("\n", lines);
        assertThat(lines.get(0)).isEqualTo("title");
        assertThat(text).contains("director n1 holds the cluster address");
        assertThat(text).containsPattern("node +address +service +held by +role +load +sessions +clients");
        assertThat(text).containsPattern("n1 +127\\.0\\.0\\.11 +127\\.0\\.0\\.111 +n1 +Director +40% +40 +40 ");
        assertThat(text).containsPattern("n3 +127\\.0\\.0\\.13 +127\\.0\\.0\\.113 +n4 +- +- +- +25");
        assertThat(text).containsPattern("n4 +127\\.0\\.0\\.14 +127\\.0\\.0\\.114 +n4 +Member +60% +60 +60 ");
        assertThat(text).contains("g2   n3   down (peer sees Unknown)").contains("n4   Running in Backup Mode / Peer Down");
        assertThat(text).contains("Clients: 264, logged in 259, waiting to log in again 5 (re-logins so far 17, refused 2)");
        assertThat(text).contains("12:00:00 killed n3").endsWith("Keys: q quit");
    }

    @Test
    void aServiceAddressHeldByNobodyOrByBothSaysSo() {
        ClusterView.Snapshot s = new ClusterView.Snapshot(List.of(
                row("n1", "g1", true, "Running in Failed Mode", "Peer Down", "Director", 10, List.of("n1", "n2")),
                row("n2", "g1", false, "down (peer sees Normal)", "", "", -1, List.of()),
                new ClusterView.NodeRow("n3", "127.0.0.13", "", List.of(), "g2", true, "Normal", "Normal", "Member", 5, 5)),
                Optional.of("n1"));
        String text = String.join("\n", StatusTable.render("title", s, new ClientStats(9, Map.of("127.0.0.13", 9), 0, 0, 0),
                List.of(), List.of()));
        assertThat(text).containsPattern("n1 +127\\.0\\.0\\.11 +127\\.0\\.0\\.111 +n1\\+n2 +Director");
        assertThat(text).containsPattern("n2 +127\\.0\\.0\\.12 +127\\.0\\.0\\.112 +nobody +-");
        // A node without a service address is reached at its own address, where its clients are counted.
        assertThat(text).containsPattern("n3 +127\\.0\\.0\\.13 +- +- +Member +5% +5 +9 ");
    }

    @Test
    void changesBetweenTwoSnapshotsBecomeEvents() {
        ClusterView.Snapshot before = new ClusterView.Snapshot(List.of(
                row("n1", "g1", true, "Normal", "Normal", "Director", 40),
                row("n2", "g1", true, "Normal", "Normal", "Member", 35)), Optional.of("n1"));
        ClusterView.Snapshot after = new ClusterView.Snapshot(List.of(
                row("n1", "g1", false, "down (peer sees Normal)", "", "", -1, List.of("n2")),
                row("n2", "g1", true, "Running in Backup Mode", "Peer Down", "Director", 70)), Optional.of("n2"));
        assertThat(StatusTable.changes(before, after)).containsExactly("director: n1 -> n2",
                "n1: Normal -> down (peer sees Normal)", "n1's service address 127.0.0.111: held by n1 -> n2",
                "n2: Normal -> Running in Backup Mode (Peer Down)");
        assertThat(StatusTable.changes(null, after)).isEmpty();
        assertThat(StatusTable.changes(after, after)).isEmpty();
    }
}
