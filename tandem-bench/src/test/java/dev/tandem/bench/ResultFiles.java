package dev.tandem.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;

/** Reads a result file back and checks the shape every scenario shares. */
final class ResultFiles {
    private ResultFiles() {}

    static JsonNode read(Path dir, String scenario) throws IOException {
        JsonNode n = new ObjectMapper().readTree(dir.resolve(scenario + ".json").toFile());
        assertThat(n.get("scenario").asText()).isEqualTo(scenario);
        // tandem chaos runs in the benchmark distribution too, under its own command.
        String command = scenario.equals("chaos") ? "./tandem chaos run" : "./tandem bench " + scenario;
        assertThat(n.get("command").asText()).startsWith(command).doesNotContain("--results");
        assertThat(n.get("machine").get("cores").asInt()).isPositive();
        assertThat(n.get("machine").get("jdk").asText()).isNotBlank();
        assertThat(n.get("durationSeconds").asDouble()).isNotNegative();
        assertThat(n.get("tables").isArray()).isTrue();
        for (JsonNode t : n.get("tables")) {
            int columns = t.get("columns").size();
            for (JsonNode row : t.get("rows")) assertThat(row.size()).isEqualTo(columns);
        }
        return n;
    }

    /** The rows of the table whose title starts with {@code prefix}. */
    static JsonNode rows(JsonNode result, String prefix) {
        for (JsonNode t : result.get("tables")) {
            if (t.get("title").asText().startsWith(prefix)) return t.get("rows");
        }
        throw new AssertionError("no table starting with '" + prefix + "' in " + result);
    }
}
