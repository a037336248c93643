package dev.tandem.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.api.OpenApi;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks an answer of the admin API against the OpenAPI document (docs/api.md): the route is in it, the status is one
 * it lists, and a JSON body has exactly the shape its schema says (every property present, nulls only where allowed,
 * no property beyond them, every type right). The tests of the admin API pass each answer through {@link #check}, so
 * whatever they exercise, errors included, is held to the contract.
 */
final class Contract {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final JsonNode DOCUMENT = JSON.valueToTree(OpenApi.document("test"));

    private Contract() {}

    /** @param path as requested, with its query */
    static void check(String method, String path, int status, String contentType, String body) {
        String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        Optional<String> template = template(bare);
        JsonNode op = template.map(t -> DOCUMENT.path("paths").path(t).path(method.toLowerCase(java.util.Locale.ROOT)))
                .orElse(com.fasterxml.jackson.databind.node.MissingNode.getInstance());
        if (op.isMissingNode()) {
            // Not a route: the node says so, in the error every refusal has.
            if (status != 404 && status != 405) {
                throw new AssertionError(method + " " + bare + " is not in the OpenAPI document, yet answered " + status);
            }
            JsonNode error = DOCUMENT.path("components").path("schemas").path("ApiError");
            problems(method + " " + bare, status, error, body);
            return;
        }
        JsonNode response = op.path("responses").path(Integer.toString(status));
        if (response.isMissingNode()) {
            throw new AssertionError(method + " " + template + " answered " + status + ", which the document does not"
                    + " list (" + fieldNames(op.path("responses")) + "): " + body);
        }
        JsonNode content = response.path("content");
        String media = content.fieldNames().hasNext() ? content.fieldNames().next() : null;
        if (media == null) return;
        if (!contentType.startsWith(media.split(";")[0])) {
            throw new AssertionError(method + " " + template.get() + " " + status + " answered " + contentType
                    + " where the document says " + media);
        }
        if (media.equals("application/json")) problems(method + " " + template.get(), status, content.path(media).path("schema"), body);
    }

    private static void problems(String route, int status, JsonNode schema, String body) {
        JsonNode value;
        try {
            value = JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError(route + " " + status + ": not JSON: " + body);
        }
        List<String> problems = new ArrayList<>();
        validate(schema, value, "$", problems);
        if (!problems.isEmpty()) {
            throw new AssertionError(route + " " + status + " does not answer what the document says: " + problems
                    + "\n" + body);
        }
    }

    /** The document's path that a concrete path matches ({name} is one path segment). */
    static Optional<String> template(String path) {
        for (Iterator<String> it = DOCUMENT.path("paths").fieldNames(); it.hasNext(); ) {
            String t = it.next();
            if (t.equals(path)) return Optional.of(t);
        }
        for (Iterator<String> it = DOCUMENT.path("paths").fieldNames(); it.hasNext(); ) {
            String t = it.next();
            if (Pattern.matches(t.replaceAll("\\{[^}]+}", "[^/]+"), path)) return Optional.of(t);
        }
        return Optional.empty();
    }

    static void validate(JsonNode schema, JsonNode value, String where, List<String> problems) {
        if (schema.has("$ref")) {
            String name = schema.get("$ref").asText().substring("#/components/schemas/".length());
            JsonNode target = DOCUMENT.path("components").path("schemas").path(name);
            if (target.isMissingNode()) {
                problems.add(where + ": the schema " + name + " is not in the document");
                return;
            }
            validate(target, value, where, problems);
            return;
        }
        if (schema.has("anyOf")) {
            for (JsonNode option : schema.get("anyOf")) {
                List<String> mine = new ArrayList<>();
                validate(option, value, where, mine);
                if (mine.isEmpty()) return;
            }
            problems.add(where + ": " + value + " matches none of " + schema.get("anyOf"));
            return;
        }
        List<String> types = new ArrayList<>();
        JsonNode type = schema.path("type");
        if (type.isArray()) type.forEach(t -> types.add(t.asText()));
        else if (type.isTextual()) types.add(type.asText());
        if (types.isEmpty()) return; // any value
        String actual = typeOf(value);
        if (!types.contains(actual) && !(actual.equals("integer") && types.contains("number"))) {
            problems.add(where + ": " + actual + " where the document says " + types);
            return;
        }
        if (actual.equals("array")) {
            for (int i = 0; i < value.size(); i++) validate(schema.path("items"), value.get(i), where + "[" + i + "]", problems);
        } else if (actual.equals("object")) {
            JsonNode properties = schema.path("properties");
            for (JsonNode r : schema.path("required")) {
                if (!value.has(r.asText())) problems.add(where + "." + r.asText() + ": missing");
            }
            JsonNode more = schema.path("additionalProperties");
            for (Map.Entry<String, JsonNode> f : value.properties()) {
                if (properties.has(f.getKey())) {
                    validate(properties.get(f.getKey()), f.getValue(), where + "." + f.getKey(), problems);
                } else if (more.isObject()) {
                    validate(more, f.getValue(), where + "." + f.getKey(), problems);
                } else if (more.isBoolean() && !more.asBoolean()) {
                    problems.add(where + "." + f.getKey() + ": not in the document");
                }
            }
        }
    }

    private static String typeOf(JsonNode v) {
        if (v.isNull()) return "null";
        if (v.isTextual()) return "string";
        if (v.isBoolean()) return "boolean";
        if (v.isIntegralNumber()) return "integer";
        if (v.isNumber()) return "number";
        if (v.isArray()) return "array";
        return "object";
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
