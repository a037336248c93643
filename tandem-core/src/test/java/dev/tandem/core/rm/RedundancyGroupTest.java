package dev.tandem.core.rm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.core.Invalid;
import dev.tandem.core.NodeId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** [RG-GROUP], and the Task Flow's one-group-per-node rule. */
class RedundancyGroupTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");
    private static final NodeId N3 = NodeId.of("n3");
    private static final String NAME_ALLOWED = "1 to 128 characters of A-Z a-z 0-9 _ -";

    private static RedundancyGroup named(String name) {
        return new RedundancyGroup(name, "", List.of(N1, N2), true);
    }

    private static RedundancyGroup described(String description) {
        return new RedundancyGroup("g1", description, List.of(N1, N2), true);
    }

    // ---------------------------------------------------------------- name (step 3)

    @ParameterizedTest
    @ValueSource(strings = {"g", "G1", "imp_cluster-01", "ABCxyz0123456789", "_", "-"})
    void nameOfAlphanumericsUnderscoreAndDash(String name) {
        // [RG-GROUP] step 3: "alphanumeric characters, including underscore (_) and dash (-)".
        assertThat(named(name).name()).isEqualTo(name);
    }

    @Test
    void nameOfUpTo128Characters() {
        // [RG-GROUP] step 3: "a maximum of 128".
        String max = "a".repeat(127) + "Z";
        assertThat(named(max).name()).hasSize(128);
        String over = "a".repeat(129);
        assertThatThrownBy(() -> named(over))
                .isInstanceOf(Invalid.class)
                .hasMessage("group name: '" + over + "' is not allowed; allowed: " + NAME_ALLOWED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "my group", "g.1", "g/1", "g:1", "grüppe", "g1!", "\"g1\"", "g%1"})
    void nameWithOtherCharactersIsRejected(String name) {
        assertThatThrownBy(() -> named(name))
                .isInstanceOf(Invalid.class)
                .hasMessage("group name: '" + name + "' is not allowed; allowed: " + NAME_ALLOWED)
                .satisfies(e -> assertThat(((Invalid) e).field()).isEqualTo("group name"));
    }

    @Test
    void nameIsRequired() {
        assertThatThrownBy(() -> named(null))
                .isInstanceOf(Invalid.class)
                .hasMessage("group name: (missing) is not allowed; allowed: " + NAME_ALLOWED);
    }

    // ---------------------------------------------------------------- description (step 4)

    @Test
    void descriptionOfUpTo128CharactersIncludingSymbols() {
        // [RG-GROUP] step 4: "a maximum of 128 alphanumeric characters including symbols".
        String symbols = "Pair A: IM and presence? no -- (west) #1 ~ $ ^ * + = [ ] { } ; , . ! @ ' | \\ _";
        assertThat(described(symbols).description()).isEqualTo(symbols);
        String max = "d".repeat(128);
        assertThat(described(max).description()).hasSize(128);
    }

    @Test
    void descriptionOf129CharactersIsRejected() {
        String over = "d".repeat(129);
        assertThatThrownBy(() -> described(over))
                .isInstanceOf(Invalid.class)
                .hasMessage("description: '" + over + "' is not allowed; allowed: at most 128 characters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"say \"hi\"", "100%", "R&D", "east/west", "a<b", "a>b", "<>"})
    void descriptionWithoutQuotePercentAmpersandSlashOrAngleBrackets(String description) {
        // [RG-GROUP] step 4: "it cannot include double-quotes ("), percentage sign (%), ampersand (&), forward
        // slash (/), or angle brackets (<>)".
        assertThatThrownBy(() -> described(description))
                .isInstanceOf(Invalid.class)
                .hasMessage("description: '" + description + "' is not allowed; allowed: any text without \" % & / < >");
    }

    @Test
    void descriptionIsOptional() {
        assertThat(new RedundancyGroup("g1", null, List.of(N1, N2), true).description()).isEmpty();
        assertThat(described("").description()).isEmpty();
    }

    // ---------------------------------------------------------------- nodes (step 5, High Availability)

    @Test
    void twoDifferentNodes() {
        // [RG-GROUP] step 5: "Choose two different IM and Presence Service nodes".
        assertThatThrownBy(() -> RedundancyGroup.pair("g1", N1, N1, true))
                .isInstanceOf(Invalid.class)
                .hasMessage("nodes: 'n1, n1' is not allowed; allowed: two different nodes");
        assertThatThrownBy(() -> RedundancyGroup.pair("g1", N1, NodeId.of("n1"), false))
                .isInstanceOf(Invalid.class)
                .hasMessageContaining("two different nodes");
    }

    @Test
    void oneOrTwoNodes() {
        // [RG-HA]: a group "can consist of a single ... node or a pair".
        assertThat(new RedundancyGroup("g1", "", List.of(N1), false).nodes()).containsExactly(N1);
        assertThat(RedundancyGroup.pair("g1", N1, N2, false).nodes()).containsExactly(N1, N2);
        assertThatThrownBy(() -> new RedundancyGroup("g1", "", List.of(), false))
                .isInstanceOf(Invalid.class)
                .hasMessage("nodes: '[]' is not allowed; allowed: one node, or two different nodes");
        assertThatThrownBy(() -> new RedundancyGroup("g1", "", List.of(N1, N2, N3), true))
                .isInstanceOf(Invalid.class)
                .hasMessage("nodes: '[n1, n2, n3]' is not allowed; allowed: one node, or two different nodes");
        assertThatThrownBy(() -> new RedundancyGroup("g1", "", null, false))
                .isInstanceOf(Invalid.class)
                .hasMessage("nodes: (missing) is not allowed; allowed: one node, or two different nodes");
    }

    @Test
    void highAvailabilityNeedsAPair() {
        // [RG-HA]: "A pair of nodes is required for high availability."
        assertThatThrownBy(() -> new RedundancyGroup("g1", "", List.of(N1), true))
                .isInstanceOf(Invalid.class)
                .hasMessage("highAvailability: 'true' is not allowed; allowed: false for a group of one node"
                        + " (high availability needs a pair)");
        assertThat(RedundancyGroup.pair("g1", N1, N2, true).highAvailability()).isTrue();
    }

    @Test
    void theNodeListIsCopied() {
        List<NodeId> nodes = new ArrayList<>(List.of(N1, N2));
        RedundancyGroup g = new RedundancyGroup("g1", "", nodes, true);
        nodes.set(1, N3);
        assertThat(g.nodes()).containsExactly(N1, N2);
        assertThatThrownBy(() -> g.nodes().add(N3)).isInstanceOf(UnsupportedOperationException.class);
    }

    // ---------------------------------------------------------------- the cluster (Task Flow)

    @Test
    void aNodeIsInAtMostOneGroup() {
        // [RG-FLOW]: "An IM and Presence Service node can be assigned to only one presence redundancy group."
        RedundancyGroup g1 = RedundancyGroup.pair("g1", N1, N2, true);
        RedundancyGroup g2 = RedundancyGroup.pair("g2", N3, N2, true);
        assertThatThrownBy(() -> RedundancyGroup.checkCluster(List.of(g1, g2)))
                .isInstanceOf(Invalid.class)
                .hasMessage("nodes: 'n2' is not allowed; allowed: a node that is in no other group (it is already in g1)");
        RedundancyGroup single = new RedundancyGroup("g3", "", List.of(N1), false);
        assertThatThrownBy(() -> RedundancyGroup.checkCluster(List.of(g1, single)))
                .isInstanceOf(Invalid.class)
                .hasMessageContaining("'n1'");
    }

    @Test
    void groupNamesAreUnique() {
        // [RG-GROUP] step 3: "Enter a unique name for the presence redundancy group."
        RedundancyGroup a = RedundancyGroup.pair("g1", N1, N2, true);
        RedundancyGroup b = new RedundancyGroup("g1", "", List.of(N3), false);
        assertThatThrownBy(() -> RedundancyGroup.checkCluster(List.of(a, b)))
                .isInstanceOf(Invalid.class)
                .hasMessage("group name: 'g1' is not allowed; allowed: a name no other group has");
    }

    @Test
    void aValidClusterPasses() {
        List<RedundancyGroup> groups = List.of(RedundancyGroup.pair("g1", N1, N2, true),
                new RedundancyGroup("g2", "", List.of(N3), false),
                RedundancyGroup.pair("g3", NodeId.of("n4"), NodeId.of("n5"), false));
        assertThatCode(() -> RedundancyGroup.checkCluster(groups)).doesNotThrowAnyException();
        assertThatCode(() -> RedundancyGroup.checkCluster(List.of())).doesNotThrowAnyException();
    }

    // ---------------------------------------------------------------- queries

    @Test
    void peerOfEachNode() {
        RedundancyGroup g = RedundancyGroup.pair("g1", N1, N2, true);
        assertThat(g.peerOf(N1)).contains(N2);
        assertThat(g.peerOf(N2)).contains(N1);
        assertThat(new RedundancyGroup("g2", "", List.of(N3), false).peerOf(N3)).isEmpty();
        assertThatThrownBy(() -> g.peerOf(N3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("n3 is not in group g1");
        assertThat(g.contains(N1)).isTrue();
        assertThat(g.contains(N3)).isFalse();
    }

    @Test
    void withHighAvailabilityKeepsEverythingElse() {
        RedundancyGroup g = new RedundancyGroup("g1", "west", List.of(N1, N2), false);
        RedundancyGroup on = g.withHighAvailability(true);
        assertThat(on).isEqualTo(new RedundancyGroup("g1", "west", List.of(N1, N2), true));
        assertThat(g.highAvailability()).isFalse();
        RedundancyGroup single = new RedundancyGroup("g2", "", List.of(N3), false);
        assertThatThrownBy(() -> single.withHighAvailability(true)).isInstanceOf(Invalid.class);
    }

    @Test
    void fingerprintComparesWhatBothNodesMustAgreeOn() {
        RedundancyGroup g = RedundancyGroup.pair("g1", N1, N2, true);
        assertThat(g.fingerprint()).isEqualTo("g1|[n1, n2]|ha=true");
        assertThat(RedundancyGroup.pair("g1", N2, N1, true).fingerprint()).as("node order does not matter")
                .isEqualTo(g.fingerprint());
        assertThat(new RedundancyGroup("g1", "another description", List.of(N1, N2), true).fingerprint())
                .as("the description does not matter").isEqualTo(g.fingerprint());
        assertThat(g.withHighAvailability(false).fingerprint()).isNotEqualTo(g.fingerprint());
        assertThat(RedundancyGroup.pair("g2", N1, N2, true).fingerprint()).isNotEqualTo(g.fingerprint());
        assertThat(RedundancyGroup.pair("g1", N1, N3, true).fingerprint()).isNotEqualTo(g.fingerprint());
    }
}
