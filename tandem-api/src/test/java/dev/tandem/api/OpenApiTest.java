package dev.tandem.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The document is built from the routes and records alone; the node-side tests check the node answers by it. */
class OpenApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode DOC = JSON.valueToTree(OpenApi.document("1.2.3"));

    @Test
    void everyRouteIsAnOperationWithItsSuccessAndItsRefusals() {
        assertThat(DOC.get("openapi").asText()).isEqualTo("3.1.0");
        assertThat(DOC.at("/info/version").asText()).isEqualTo("1.2.3");
        for (Route r : AdminRoutes.ALL) {
            JsonNode op = DOC.get("paths").get(r.path()).get(r.method().toLowerCase(java.util.Locale.ROOT));
            assertThat(op).as(r.method() + " " + r.path()).isNotNull();
            assertThat(op.get("responses").has(Integer.toString(r.status()))).isTrue();
            for (int e : r.errors()) assertThat(op.get("responses").has(Integer.toString(e))).as(r.path() + " " + e).isTrue();
            assertThat(op.has("security")).isEqualTo(r.authenticated());
            long pathParameters = r.path().chars().filter(c -> c == '{').count();
            assertThat(op.path("parameters").findValuesAsText("in").stream().filter("path"::equals).count())
                    .isEqualTo(pathParameters);
        }
        assertThat(AdminRoutes.ALL.stream().map(r -> r.method() + " " + r.path()).distinct().count())
                .as("no route twice").isEqualTo(AdminRoutes.ALL.size());
    }

    @Test
    void aRecordIsAClosedObjectWhoseNullableComponentsAloneMayBeNull() {
        JsonNode group = DOC.at("/components/schemas/Redundancy.GroupNode");
        assertThat(group.get("additionalProperties").asBoolean()).isFalse();
        assertThat(group.get("required")).hasSize(RedundancyAnswers.GroupNode.class.getRecordComponents().length);
        assertThat(group.at("/properties/id/type").asText()).isEqualTo("string");
        assertThat(group.at("/properties/serviceAddress/type")).hasSize(2);
        assertThat(group.at("/properties/serviceAddress/type/1").asText()).isEqualTo("null");
        assertThat(group.at("/properties/heartbeatPaths/type/0").asText()).isEqualTo("array");
        assertThat(group.at("/properties/heartbeatPaths/items/$ref").asText())
                .isEqualTo("#/components/schemas/Redundancy.HeartbeatPath");
        assertThat(DOC.at("/components/schemas/Failover.Failover/properties/lastFailover/anyOf/1/type").asText())
                .isEqualTo("null");
        assertThat(DOC.at("/components/schemas/Node.Event/additionalProperties").asBoolean()).isTrue();
        assertThat(DOC.at("/components/schemas/Node.CriticalServices/properties/verdicts/additionalProperties/type")
                .asText()).isEqualTo("boolean");
    }

    @Test
    void everyRecordAnAnswerReachesHasASchemaOfItsOwnName() {
        Map<String, Class<?>> byName = new HashMap<>();
        Set<Class<?>> seen = new HashSet<>();
        for (Route r : AdminRoutes.ALL) {
            if (r.answer().type() != null) collect(r.answer().type(), seen);
            if (r.request().type() != null) collect(r.request().type(), seen);
            r.others().values().forEach(b -> collect(b.type(), seen));
        }
        collect(ApiError.class, seen);
        for (Class<?> c : seen) {
            Class<?> other = byName.put(OpenApi.name(c), c);
            assertThat(other).as("two records named " + OpenApi.name(c)).isNull();
            assertThat(DOC.at("/components/schemas/" + OpenApi.name(c).replace("/", "~1")).isMissingNode())
                    .as(c.getName()).isFalse();
        }
        assertThat(seen).hasSizeGreaterThan(30);
    }

    private static void collect(Type t, Set<Class<?>> seen) {
        if (t instanceof ParameterizedType p) {
            for (Type a : p.getActualTypeArguments()) collect(a, seen);
            return;
        }
        Class<?> c = (Class<?>) t;
        if (!c.isRecord() || !seen.add(c)) return;
        for (RecordComponent rc : c.getRecordComponents()) collect(rc.getGenericType(), seen);
    }
}
