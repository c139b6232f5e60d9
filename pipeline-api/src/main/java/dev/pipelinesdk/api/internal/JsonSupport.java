package dev.pipelinesdk.api.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipelinesdk.api.StateCorruptedException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Reading and writing of the SDK's JSON documents with plain Jackson trees and generators: fixed
 * field order, explicit nulls, no data binding and so no polymorphic deserialization.
 * Not part of the public API.
 */
public final class JsonSupport {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private JsonSupport() {
    }

    /** Writes a document with the given body. */
    public static byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("Writing JSON to memory failed", e);
        }
        return out.toByteArray();
    }

    /** Parses bytes into an object node, or fails naming the source. */
    public static JsonNode readObject(byte[] json, String source, String what) {
        if (json == null || json.length == 0) {
            throw new StateCorruptedException(source, what + " is empty", null);
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new StateCorruptedException(source, what + " is not valid JSON ("
                    + firstLine(e.getMessage()) + ")", e);
        }
        if (node == null || !node.isObject()) {
            throw new StateCorruptedException(source, what + " is not a JSON object", null);
        }
        return node;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no detail";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Writes a nullable string field. */
    public static void str(JsonGenerator g, String name, String value) throws IOException {
        if (value == null) {
            g.writeNullField(name);
        } else {
            g.writeStringField(name, value);
        }
    }

    /** Writes a nullable instant field as ISO-8601 UTC. */
    public static void instant(JsonGenerator g, String name, Instant value) throws IOException {
        str(g, name, value == null ? null : value.toString());
    }

    /** Writes a nullable number field. */
    public static void number(JsonGenerator g, String name, Long value) throws IOException {
        if (value == null) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, value);
        }
    }

    /** Writes a nullable int field. */
    public static void number(JsonGenerator g, String name, Integer value) throws IOException {
        if (value == null) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, value);
        }
    }

    /** Typed access to fields of a parsed document, failing with the source and field named. */
    public static final class Reader {
        private final JsonNode node;
        private final String source;
        private final String prefix;

        public Reader(JsonNode node, String source, String prefix) {
            this.node = node;
            this.source = source;
            this.prefix = prefix;
        }

        private StateCorruptedException bad(String field, String expected) {
            return new StateCorruptedException(source, "field '" + prefix + field + "' "
                    + "must be " + expected + ", was " + node.get(field), null);
        }

        private JsonNode present(String field) {
            JsonNode v = node.get(field);
            return v == null || v.isNull() ? null : v;
        }

        public String requiredString(String field) {
            String v = string(field);
            if (v == null) {
                throw new StateCorruptedException(source, "field '" + prefix + field + "' is missing", null);
            }
            return v;
        }

        public String string(String field) {
            JsonNode v = present(field);
            if (v == null) {
                return null;
            }
            if (!v.isTextual()) {
                throw bad(field, "a string");
            }
            return v.textValue();
        }

        public Long longValue(String field) {
            JsonNode v = present(field);
            if (v == null) {
                return null;
            }
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw bad(field, "an integer");
            }
            return v.longValue();
        }

        public Integer intValue(String field) {
            JsonNode v = present(field);
            if (v == null) {
                return null;
            }
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw bad(field, "an integer");
            }
            return v.intValue();
        }

        public Instant instant(String field) {
            String v = string(field);
            if (v == null) {
                return null;
            }
            try {
                return Instant.parse(v);
            } catch (DateTimeParseException e) {
                throw bad(field, "an ISO-8601 UTC instant");
            }
        }

        public Reader object(String field) {
            JsonNode v = present(field);
            if (v == null) {
                return null;
            }
            if (!v.isObject()) {
                throw bad(field, "an object");
            }
            return new Reader(v, source, prefix + field + ".");
        }

        public <T> T parsed(String field, java.util.function.Function<String, T> parser, String expected) {
            String v = string(field);
            if (v == null) {
                return null;
            }
            try {
                return parser.apply(v);
            } catch (IllegalArgumentException e) {
                throw new StateCorruptedException(source, "field '" + prefix + field + "' must be "
                        + expected + ": " + e.getMessage(), e);
            }
        }

        public String source() {
            return source;
        }
    }

    /** The fields of a document. */
    @FunctionalInterface
    public interface Body {
        void write(JsonGenerator g) throws IOException;
    }
}
