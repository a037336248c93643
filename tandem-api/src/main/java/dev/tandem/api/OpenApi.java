package dev.tandem.api;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenAPI 3.1 document of the admin API, built from {@link AdminRoutes} and the records they name: a record's
 * components are its properties, all of them always present; a {@link Nullable} one may be null and no other may; no
 * property beyond them appears unless the record is an {@link OpenObject}. The node serves it at
 * {@code /api/v1/openapi.json}; a test checks that every route the node registers is in it and answers what it says.
 */
public final class OpenApi {
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}]+)}");
    private static final String SCHEMAS = "#/components/schemas/";

    private final Map<String, Object> schemas = new java.util.TreeMap<>();

    private OpenApi() {}

    /** The document, as a tree of maps and lists that any JSON writer writes. */
    public static Map<String, Object> document(String version) {
        return new OpenApi().build(version);
    }

    private Map<String, Object> build(String version) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.1.0");
        doc.put("info", Map.of("title", "Tandem admin API", "version", version, "description",
                "Every /api route needs 'Authorization: Bearer <token>'. Every refusal answers an ApiError."));
        Map<String, Object> paths = new LinkedHashMap<>();
        for (Route r : AdminRoutes.ALL) {
            @SuppressWarnings("unchecked")
            Map<String, Object> item = (Map<String, Object>) paths.computeIfAbsent(r.path(), p -> new LinkedHashMap<>());
            item.put(r.method().toLowerCase(java.util.Locale.ROOT), operation(r));
        }
        doc.put("paths", paths);
        schema(ApiError.class);
        doc.put("components", Map.of("schemas", schemas, "securitySchemes",
                Map.of("bearer", Map.of("type", "http", "scheme", "bearer"),
                        // docs/console.md: a browser signed in to the console; changes also carry X-CSRF-Token.
                        "session", Map.of("type", "apiKey", "in", "cookie", "name", "tandem_session"))));
        return doc;
    }

    private Map<String, Object> operation(Route r) {
        Map<String, Object> op = new LinkedHashMap<>();
        op.put("summary", r.summary());
        op.put("operationId", r.method().toLowerCase(java.util.Locale.ROOT) + r.path().replaceAll("[^A-Za-z0-9]+", "_"));
        List<Object> parameters = new ArrayList<>();
        Matcher m = PATH_PARAMETER.matcher(r.path());
        while (m.find()) {
            parameters.add(Map.of("name", m.group(1), "in", "path", "required", true, "schema", Map.of("type", "string")));
        }
        for (String q : r.query()) {
            parameters.add(Map.of("name", q, "in", "query", "required", false, "schema", Map.of("type", "string")));
        }
        if (!parameters.isEmpty()) op.put("parameters", parameters);
        if (r.request().kind() != Body.Kind.NONE) {
            op.put("requestBody", Map.of("required", true, "content", content(r.request())));
        }
        Map<String, Object> responses = new LinkedHashMap<>();
        Map<String, Object> ok = new LinkedHashMap<>();
        ok.put("description", "success");
        if (r.answer().kind() != Body.Kind.NONE) ok.put("content", content(r.answer()));
        responses.put(Integer.toString(r.status()), ok);
        List<Integer> errors = new ArrayList<>(r.errors());
        if (r.authenticated()) errors.addAll(List.of(401, 429));
        // A console session's change without its CSRF token, or by a read-only operator (docs/console.md).
        if (r.authenticated() && !r.method().equals("GET")) errors.add(403);
        errors.add(500);
        errors.add(503);
        Map<String, Object> error = Map.of("description", "refused: the message says what is wrong and what is allowed",
                "content", Map.of(Body.JSON, Map.of("schema", schema(ApiError.class))));
        for (int status : errors.stream().sorted().distinct().toList()) responses.put(Integer.toString(status), error);
        r.others().forEach((status, body) -> responses.put(Integer.toString(status),
                Map.of("description", "answered, not done", "content", content(body))));
        op.put("responses", responses);
        if (r.authenticated()) op.put("security", List.of(Map.of("bearer", List.of()), Map.of("session", List.of())));
        return op;
    }

    private Map<String, Object> content(Body b) {
        Map<String, Object> schema = switch (b.kind()) {
            case ONE -> schema(b.type());
            case LIST -> Map.of("type", "array", "items", schema(b.type()));
            case MAP -> Map.of("type", "object", "additionalProperties", schema(b.type()));
            case TEXT -> Map.of("type", "string");
            case NONE -> throw new IllegalArgumentException("no body");
        };
        return Map.of(b.media(), Map.of("schema", schema));
    }

    /** The schema of a Java type that an answer's record uses. */
    private Map<String, Object> schema(Type t) {
        if (t instanceof ParameterizedType p) {
            Type raw = p.getRawType();
            Type[] args = p.getActualTypeArguments();
            if (raw == List.class) return Map.of("type", "array", "items", schema(args[0]));
            if (raw == Map.class && args[0] == String.class) {
                return Map.of("type", "object", "additionalProperties", schema(args[1]));
            }
            throw new IllegalArgumentException("no schema for " + t);
        }
        Class<?> c = (Class<?>) t;
        if (c == String.class) return Map.of("type", "string");
        if (c == boolean.class || c == Boolean.class) return Map.of("type", "boolean");
        if (c == int.class || c == Integer.class || c == long.class || c == Long.class) return Map.of("type", "integer");
        if (c == double.class || c == Double.class) return Map.of("type", "number");
        if (c == Object.class) return Map.of("type", "object");
        if (c.isRecord()) return Map.of("$ref", SCHEMAS + reference(c));
        throw new IllegalArgumentException("no schema for " + c.getName());
    }

    private String reference(Class<?> record) {
        String name = name(record);
        if (schemas.containsKey(name)) return name;
        schemas.put(name, Map.of()); // a record that contains itself refers to the entry being built
        Map<String, Object> properties = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (RecordComponent rc : record.getRecordComponents()) {
            Map<String, Object> s = schema(rc.getGenericType());
            properties.put(rc.getName(), rc.isAnnotationPresent(Nullable.class) ? nullable(s) : s);
            required.add(rc.getName());
        }
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("type", "object");
        object.put("properties", properties);
        object.put("required", required);
        object.put("additionalProperties", record.isAnnotationPresent(OpenObject.class));
        schemas.put(name, object);
        return name;
    }

    private static Map<String, Object> nullable(Map<String, Object> s) {
        if (s.containsKey("$ref")) return Map.of("anyOf", List.of(s, Map.of("type", "null")));
        Map<String, Object> n = new LinkedHashMap<>(s);
        n.put("type", List.of(s.get("type"), "null"));
        return n;
    }

    /** "Redundancy.Group" for RedundancyAnswers.Group; a top-level record by its own name. */
    static String name(Class<?> record) {
        Class<?> outer = record.getEnclosingClass();
        if (outer == null) return record.getSimpleName();
        return outer.getSimpleName().replace("Answers", "").replace("AdminRoutes", "Admin") + "." + record.getSimpleName();
    }
}
