package dev.tandem.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NodeIdTest {

    @ParameterizedTest
    @ValueSource(strings = {"n1", "N", "imp-node_01", "127.0.0.2", "host.example.com:22001", "a-b_c.d:e"})
    void acceptsHostNamesAndAddresses(String value) {
        assertThat(NodeId.of(value).value()).isEqualTo(value);
        assertThat(NodeId.of(value).toString()).isEqualTo(value);
    }

    @Test
    void acceptsUpTo128Characters() {
        String max = "n".repeat(128);
        assertThat(NodeId.of(max).value()).hasSize(128);
        assertThatThrownBy(() -> NodeId.of(max + "n"))
                .isInstanceOf(Invalid.class)
                .hasMessage("node id: '" + max + "n' is not allowed; allowed: 1 to 128 characters of A-Z a-z 0-9 _ . : -");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "n 1", "n/1", "n1!", "nöd", "n\"1", "n#1"})
    void rejectsOtherCharacters(String value) {
        assertThatThrownBy(() -> NodeId.of(value))
                .isInstanceOf(Invalid.class)
                .hasMessage("node id: '" + value + "' is not allowed; allowed: 1 to 128 characters of A-Z a-z 0-9 _ . : -");
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> new NodeId(null)).isInstanceOf(NullPointerException.class).hasMessage("node id");
    }

    @Test
    void equalByValueAndOrderedByValue() {
        assertThat(NodeId.of("n1")).isEqualTo(new NodeId("n1")).hasSameHashCodeAs(NodeId.of("n1"));
        assertThat(NodeId.of("n1")).isNotEqualTo(NodeId.of("N1"));
        List<NodeId> ids = new ArrayList<>(List.of(NodeId.of("n3"), NodeId.of("n1"), NodeId.of("n2")));
        Collections.sort(ids);
        assertThat(ids).extracting(NodeId::value).containsExactly("n1", "n2", "n3");
        assertThat(NodeId.of("a").compareTo(NodeId.of("b"))).isNegative();
        assertThat(NodeId.of("b").compareTo(NodeId.of("b"))).isZero();
    }
}
