package dev.tandem.node.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * Binds a configuration file's tree to {@link ConfigFile} with Jackson, and turns what Jackson refuses into the
 * node's own errors: the path of the key (its line comes from {@link LocatedYaml}), the value and what is allowed.
 * An unknown key is refused with the keys its section allows (the record's components); a text value must not be
 * blank; a flag is true or false, never a string that looks like one; a whole number is within its {@link Whole}
 * range.
 */
final class ConfigBinding {
    private ConfigBinding() {}

    /** A whole number's range, checked while binding. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.PARAMETER, ElementType.FIELD, ElementType.RECORD_COMPONENT})
    @interface Whole {
        long min();

        long max();
    }

    /** What a key that holds a list or a mapping must look like, said when it does not. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.PARAMETER, ElementType.FIELD, ElementType.RECORD_COMPONENT})
    @interface Shape {
        String value();
    }

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addModule(new SimpleModule("config")
                    .addDeserializer(String.class, new Text())
                    .addDeserializer(Boolean.class, new Flag())
                    .addDeserializer(Long.class, new WholeNumber(Long.MIN_VALUE, Long.MAX_VALUE)))
            .build();

    /**
     * The file's sections, or the first problem as {@code error.apply(path, message)} (thrown by the caller's
     * error type).
     */
    static ConfigFile bind(JsonNode root, BiFunction<String, String, RuntimeException> error) {
        try {
            // An empty file (or one of comments only) is a mapping with no keys: its first missing key is named.
            boolean empty = root.isMissingNode() || root.isNull();
            return MAPPER.treeToValue(empty ? MAPPER.createObjectNode() : root, ConfigFile.class);
        } catch (JsonMappingException e) {
            String path = pathOf(e.getPath());
            throw error.apply(path, problem(path, e));
        } catch (IOException e) {
            throw error.apply("", "cannot be read: " + e.getMessage());
        }
    }

    private static String problem(String path, JsonMappingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            TreeSet<String> allowed = new TreeSet<>();
            for (Object id : u.getKnownPropertyIds()) allowed.add(String.valueOf(id));
            return "unknown key '" + u.getPropertyName() + "'; allowed: " + allowed;
        }
        Shape shape = shapeOf(e.getPath());
        if (shape != null && !(e instanceof InvalidFormatException)) return shape.value();
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            Class<?> type = m.getTargetType();
            if (type.isRecord()) {
                return (path.isEmpty() ? "the file must be a YAML mapping of keys " : "must be a mapping of keys ")
                        + keysOf(type);
            }
            if (Collection.class.isAssignableFrom(type)) return "must be a list";
        }
        return e.getOriginalMessage();
    }

    /** {@code a.b[1].c}, as {@link LocatedYaml#line} takes it. */
    private static String pathOf(List<JsonMappingException.Reference> refs) {
        StringBuilder p = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                if (!p.isEmpty()) p.append('.');
                p.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                p.append('[').append(r.getIndex()).append(']');
            }
        }
        return p.toString();
    }

    /** The {@link Shape} of the key the problem is at, when that key has one. */
    private static Shape shapeOf(List<JsonMappingException.Reference> refs) {
        if (refs.isEmpty()) return null;
        JsonMappingException.Reference last = refs.get(refs.size() - 1);
        Object from = last.getFrom();
        Class<?> owner = from instanceof Class<?> c ? c : from == null ? null : from.getClass();
        if (owner == null || !owner.isRecord() || last.getFieldName() == null) return null;
        for (RecordComponent c : owner.getRecordComponents()) {
            if (keyOf(c).equals(last.getFieldName())) return c.getAnnotation(Shape.class);
        }
        return null;
    }

    private static TreeSet<String> keysOf(Class<?> record) {
        TreeSet<String> keys = new TreeSet<>();
        for (RecordComponent c : record.getRecordComponents()) keys.add(keyOf(c));
        return keys;
    }

    private static String keyOf(RecordComponent c) {
        JsonProperty renamed = c.getAnnotation(JsonProperty.class);
        return renamed != null ? renamed.value() : c.getName();
    }

    private static boolean scalar(JsonToken t) {
        return t != null && t.isScalarValue();
    }

    private static JsonMappingException refused(JsonParser p, String message, Class<?> type) throws IOException {
        String value = scalar(p.currentToken()) ? p.getText() : "";
        return InvalidFormatException.from(p, message, value, type);
    }

    /** A text value: any scalar, as written, but never blank (an empty key is a mistake, not a default). */
    private static final class Text extends StdScalarDeserializer<String> {
        Text() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!scalar(p.currentToken()) || p.getText().isBlank()) {
                throw refused(p, "must be a non-empty text value", String.class);
            }
            return p.getText();
        }
    }

    /** true or false, never a string that looks like one ("true", "yes"). */
    private static final class Flag extends StdScalarDeserializer<Boolean> {
        Flag() {
            super(Boolean.class);
        }

        @Override
        public Boolean deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_TRUE) return true;
            if (t == JsonToken.VALUE_FALSE) return false;
            throw refused(p, "'" + (scalar(t) ? p.getText() : "") + "' is not allowed; allowed: true or false",
                    Boolean.class);
        }
    }

    /** A whole number within the {@link Whole} range of its key. */
    private static final class WholeNumber extends StdScalarDeserializer<Long> implements ContextualDeserializer {
        private final long min;
        private final long max;

        WholeNumber(long min, long max) {
            super(Long.class);
            this.min = min;
            this.max = max;
        }

        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) {
            Whole range = property == null ? null : property.getAnnotation(Whole.class);
            return range == null ? this : new WholeNumber(range.min(), range.max());
        }

        @Override
        public Long deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                long v = p.getLongValue();
                if (v >= min && v <= max) return v;
            }
            throw refused(p, "'" + (scalar(t) ? p.getText() : "") + "' is not allowed; allowed: a whole number from "
                    + min + " to " + max, Long.class);
        }
    }
}
