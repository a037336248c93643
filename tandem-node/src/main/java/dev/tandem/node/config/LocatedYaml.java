package dev.tandem.node.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/** A YAML document as a tree, plus the line where each field and list item starts, for precise errors. */
public final class LocatedYaml {
    private static final YAMLFactory YAML = new YAMLFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper(YAML);

    public final JsonNode root;
    private final Map<String, Integer> lines = new HashMap<>();

    private LocatedYaml(JsonNode root) {
        this.root = root;
    }

    public static LocatedYaml parse(String text) throws IOException {
        JsonNode root = MAPPER.readTree(text);
        LocatedYaml y = new LocatedYaml(root == null ? MAPPER.createObjectNode() : root);
        y.index(text);
        return y;
    }

    /** The line of a path like {@code criticalServices[1].kind}, or of its nearest parent that has one. */
    public int line(String path) {
        String p = path;
        while (!p.isEmpty()) {
            Integer l = lines.get(p);
            if (l != null) return l;
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut <= 0 ? "" : p.substring(0, cut);
        }
        return 1;
    }

    private void index(String text) throws IOException {
        try (JsonParser p = YAML.createParser(text)) {
            Deque<String> path = new ArrayDeque<>();
            Deque<int[]> arrayIndex = new ArrayDeque<>();
            Deque<Boolean> inArray = new ArrayDeque<>();
            String pendingField = null;
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                int line = p.currentTokenLocation().getLineNr();
                String parent = path.isEmpty() ? "" : path.peek();
                if (t == JsonToken.FIELD_NAME) {
                    pendingField = parent.isEmpty() ? p.currentName() : parent + "." + p.currentName();
                    lines.putIfAbsent(pendingField, line);
                    continue;
                }
                String here;
                if (!inArray.isEmpty() && inArray.peek()) {
                    int i = arrayIndex.peek()[0]++;
                    here = parent + "[" + i + "]";
                    lines.putIfAbsent(here, line);
                } else {
                    here = pendingField == null ? "" : pendingField;
                }
                pendingField = null;
                switch (t) {
                    case START_OBJECT -> { path.push(here); inArray.push(false); arrayIndex.push(new int[1]); }
                    case START_ARRAY -> { path.push(here); inArray.push(true); arrayIndex.push(new int[1]); }
                    case END_OBJECT, END_ARRAY -> { path.pop(); inArray.pop(); arrayIndex.pop(); }
                    default -> { }
                }
            }
        }
    }
}
