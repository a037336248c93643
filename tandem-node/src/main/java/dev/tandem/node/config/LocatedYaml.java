package dev.tandem.node.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** A YAML document as a tree, plus the line where each field and list item starts, for precise errors. */
public final class LocatedYaml {
    private static final YAMLFactory YAML = new YAMLFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper(YAML);

    public final JsonNode root;
    private final Map<String, Integer> lines = new HashMap<>();

    private LocatedYaml(JsonNode root) {
        this.root = root;
    }

    /** Text that is not YAML, or a mapping that gives one key twice: the line it is on and what is wrong. */
    public static final class Invalid extends IOException {
        private static final long serialVersionUID = 1L;
        private final int line;

        Invalid(int line, String message) {
            super(message);
            this.line = line;
        }

        public int line() {
            return line;
        }
    }

    /**
     * Parses YAML text.
     *
     * @throws Invalid for a syntax error (at the line the parser stopped) or a key given twice in one mapping (at
     *                 the second one): YAML parsers keep the last silently, which hides a mistake
     */
    public static LocatedYaml parse(String text) throws Invalid {
        try {
            JsonNode root = MAPPER.readTree(text);
            LocatedYaml y = new LocatedYaml(root == null ? MAPPER.createObjectNode() : root);
            y.index(text);
            return y;
        } catch (Invalid e) {
            throw e;
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getLineNr());
            String why = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("");
            // The YAML scanner knows where the problem is better than the token stream does (a tab, an open quote).
            if (e.getCause() instanceof org.yaml.snakeyaml.error.MarkedYAMLException m && m.getProblemMark() != null) {
                line = m.getProblemMark().getLine() + 1;
                if (m.getProblem() != null) why = (m.getContext() == null ? "" : m.getContext() + ": ") + m.getProblem();
            }
            throw new Invalid(line, "not valid YAML: " + why.strip().replace('\n', ' '));
        } catch (IOException e) {
            throw new Invalid(1, "not valid YAML: " + e.getMessage());
        }
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
            Deque<Set<String>> keysSeen = new ArrayDeque<>();
            String pendingField = null;
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                int line = p.currentTokenLocation().getLineNr();
                String parent = path.isEmpty() ? "" : path.peek();
                if (t == JsonToken.FIELD_NAME) {
                    pendingField = parent.isEmpty() ? p.currentName() : parent + "." + p.currentName();
                    if (!keysSeen.isEmpty() && !keysSeen.peek().add(p.currentName())) {
                        throw new Invalid(line, pendingField + ": given twice in one mapping (first at line "
                                + lines.get(pendingField) + "); allowed: each key once");
                    }
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
                    case START_OBJECT -> {
                        path.push(here);
                        inArray.push(false);
                        arrayIndex.push(new int[1]);
                        keysSeen.push(new HashSet<>());
                    }
                    case START_ARRAY -> {
                        path.push(here);
                        inArray.push(true);
                        arrayIndex.push(new int[1]);
                        keysSeen.push(new HashSet<>());
                    }
                    case END_OBJECT, END_ARRAY -> { path.pop(); inArray.pop(); arrayIndex.pop(); keysSeen.pop(); }
                    default -> { }
                }
            }
        }
    }
}
