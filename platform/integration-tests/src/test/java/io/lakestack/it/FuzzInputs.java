package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * Malformed inputs for fuzz tests, generated from a seeded {@link Random} (the same seed gives the same inputs):
 * bodies that are not JSON, JSON that is not an object, invalid UTF-8, nesting thousands deep, and for each field of
 * an operation the wrong type, its absence, unknown neighbours, numbers beyond any range, strings of 100,000+
 * characters and forged tokens.
 */
final class FuzzInputs
{
    static final int HUGE_STRING = 100_000;
    static final int DEEP = 5_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String[] NOT_JSON = {"not json", "{", "{\"a\":}", "<Request/>", "{\"a\":1,}", "{'a':1}", "\u0000\u0001", "{\"a\" 1}",
            "{\"a\":tru}", "{\"a\":01}", "{\"a\":\"unterminated}"};
    private static final String[] NOT_AN_OBJECT = {"[]", "[{}]", "\"a string\"", "42", "true", "null"};
    private static final byte[][] INVALID_UTF8 = {{(byte) 0xFF}, {(byte) 0xC3, 0x28}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xFE, (byte) 0xFE}};
    private static final String HUGE_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:é漢\uD83D\uDE00 ";

    private FuzzInputs() {}

    /** The type of a field as the JSON protocol carries it; each has the wrong types a client may send instead. */
    enum Type
    {
        STRING, INTEGER, BOOLEAN, STRUCTURE, STRING_LIST, STRUCTURE_LIST, STRING_MAP, TIMESTAMP, BLOB,
        /** A string whose long values are valid (a message body): fuzzed as a string, but for a huge value. */
        TEXT,
        /** A string the service issued (NextToken, ShardIterator): a forged one is the client's error. */
        TOKEN
    }

    /**
     * @param base the valid value the well-formed request carries, or {@code null} for a field it leaves out
     */
    record Field(String name, Type type, boolean required, JsonNode base)
    {
    }

    /**
     * @param succeeds whether the well-formed request (every field at its base value) succeeds; when it does not, it is
     *         the client's error (a resource that does not exist or already does), and so is every case made from it
     */
    record Operation(String name, boolean succeeds, List<Field> fields)
    {
        ObjectNode base()
        {
            ObjectNode body = NODES.objectNode();
            fields.stream().filter(field -> field.base() != null).forEach(field -> body.set(field.name(), field.base().deepCopy()));
            return body;
        }
    }

    /**
     * @param mustFail whether the request is the client's error: only the well-formed request, an empty one (when no
     *         field is required) and one with an unknown field may succeed
     */
    record Case(String operation, String description, byte[] body, boolean mustFail)
    {
        @Override
        public String toString()
        {
            String text = new String(body, StandardCharsets.UTF_8);
            return operation + " [" + description + "] " + (text.length() > 120 ? text.substring(0, 117) + "..." : text);
        }
    }

    /**
     * An operation as one line: its name ({@code +} before it when the well-formed request succeeds), then each field
     * as {@code Name:type}, {@code !} after the name when it is required, {@code =value} for its base value (JSON when
     * it starts with <code>{</code> or {@code [} or the field is a number, a string that is the rest when it starts
     * with {@code '}, else a string). A field of type {@code token} is only ever forged.
     * E.g. {@code "CreateStream StreamName!:string=it-fuzz ShardCount:integer=1 Tags:map"}.
     */
    static Operation operation(String line)
    {
        String[] words = line.trim().split("\\s+");
        boolean succeeds = words[0].startsWith("+");
        String name = succeeds ? words[0].substring(1) : words[0];
        List<Field> fields = new ArrayList<>();
        for (int i = 1; i < words.length; i++) {
            String word = words[i];
            int colon = word.indexOf(':');
            int equals = word.indexOf('=', colon);
            String fieldName = word.substring(0, colon);
            boolean required = fieldName.endsWith("!");
            if (required) {
                fieldName = fieldName.substring(0, fieldName.length() - 1);
            }
            Type type = switch (equals < 0 ? word.substring(colon + 1) : word.substring(colon + 1, equals)) {
                case "string" -> Type.STRING;
                case "text" -> Type.TEXT;
                case "integer" -> Type.INTEGER;
                case "boolean" -> Type.BOOLEAN;
                case "structure" -> Type.STRUCTURE;
                case "strings" -> Type.STRING_LIST;
                case "structures" -> Type.STRUCTURE_LIST;
                case "map" -> Type.STRING_MAP;
                case "timestamp" -> Type.TIMESTAMP;
                case "blob" -> Type.BLOB;
                case "token" -> Type.TOKEN;
                default -> throw new IllegalArgumentException("unknown type in " + word);
            };
            JsonNode base = equals < 0 ? defaultBase(type) : value(word.substring(equals + 1), type);
            fields.add(new Field(fieldName, type, required, base));
        }
        return new Operation(name, succeeds, List.copyOf(fields));
    }

    private static JsonNode value(String text, Type type)
    {
        if (text.startsWith("'")) {
            return NODES.textNode(text.substring(1));
        }
        if (text.startsWith("{") || text.startsWith("[") || type == Type.INTEGER || type == Type.TIMESTAMP) {
            try {
                return JSON.readTree(text);
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return NODES.textNode(text);
    }

    private static JsonNode defaultBase(Type type)
    {
        return switch (type) {
            case STRING, TEXT -> NODES.textNode("fuzz-missing");
            case INTEGER -> NODES.numberNode(1);
            case BOOLEAN -> NODES.booleanNode(false);
            case STRUCTURE, STRING_MAP -> NODES.objectNode();
            case STRING_LIST -> NODES.arrayNode().add("fuzz-missing");
            case STRUCTURE_LIST -> NODES.arrayNode().add(NODES.objectNode());
            case TIMESTAMP -> NODES.numberNode(1_700_000_000);
            case BLOB -> NODES.textNode("ZnV6eg==");
            case TOKEN -> null;
        };
    }

    /** The cases of one operation, in a fixed order for a given {@code random}. */
    static List<Case> cases(Operation operation, Random random)
    {
        List<Case> cases = new ArrayList<>();
        ObjectNode base = operation.base();
        boolean anyRequired = operation.fields().stream().anyMatch(Field::required);
        String name = operation.name();
        String anyField = operation.fields().isEmpty() ? "Name" : operation.fields().get(random.nextInt(operation.fields().size())).name();

        cases.add(new Case(name, "well-formed", bytes(base), !operation.succeeds()));
        cases.add(new Case(name, "empty body", new byte[0], anyRequired));
        cases.add(new Case(name, "empty object", "{}".getBytes(StandardCharsets.UTF_8), anyRequired));
        cases.add(new Case(name, "not JSON", notJson(random), true));
        cases.add(new Case(name, "not an object", pick(random, NOT_AN_OBJECT).getBytes(StandardCharsets.UTF_8), true));
        cases.add(new Case(name, "invalid UTF-8", invalidUtf8(anyField, random), true));
        cases.add(new Case(name, "deep nesting", deep(anyField, random.nextBoolean()), true));
        ObjectNode unknown = base.deepCopy();
        unknown.set("FuzzUnknownField" + random.nextInt(1000), wrongValue(random, null));
        cases.add(new Case(name, "unknown field", bytes(unknown), !operation.succeeds()));

        for (Field field : operation.fields()) {
            if (field.required()) {
                ObjectNode without = base.deepCopy();
                without.remove(field.name());
                cases.add(new Case(name, "without " + field.name(), bytes(without), true));
            }
            cases.add(with(operation, base, field, "wrong type", wrongValue(random, field.type())));
            switch (field.type()) {
                case STRING -> cases.add(with(operation, base, field, "huge string", NODES.textNode(hugeString(random))));
                case INTEGER -> {
                    cases.add(with(operation, base, field, "2^63", NODES.numberNode(new java.math.BigInteger("9223372036854775808"))));
                    cases.add(withRaw(operation, base, field, "1e400", "1e400"));
                    cases.add(with(operation, base, field, "negative", NODES.numberNode(-1 - random.nextInt(1000))));
                }
                case TIMESTAMP -> {
                    cases.add(withRaw(operation, base, field, "1e400", "1e400"));
                    cases.add(withRaw(operation, base, field, "-1e400", "-1e400"));
                }
                case TOKEN -> {
                    cases.add(with(operation, base, field, "forged token", NODES.textNode(forgedToken(random))));
                    cases.add(with(operation, base, field, "huge token", NODES.textNode(hugeString(random))));
                }
                case STRING_LIST -> cases.add(with(operation, base, field, "wrong element type", NODES.arrayNode().add(random.nextInt(100))));
                case STRUCTURE_LIST -> cases.add(with(operation, base, field, "wrong element type", NODES.arrayNode().add("fuzz")));
                case STRING_MAP -> cases.add(with(operation, base, field, "wrong value type", NODES.objectNode().set("k", NODES.arrayNode())));
                case BLOB -> cases.add(with(operation, base, field, "not base64", NODES.textNode("!!not base64" + random.nextInt(1000))));
                default -> {
                }
            }
        }
        return cases;
    }

    private static Case with(Operation operation, ObjectNode base, Field field, String description, JsonNode value)
    {
        ObjectNode body = base.deepCopy();
        body.set(field.name(), value);
        return new Case(operation.name(), description + " " + field.name(), bytes(body), true);
    }

    /** A field whose value is raw JSON text no node holds as written (1e400 would be read as infinity). */
    private static Case withRaw(Operation operation, ObjectNode base, Field field, String description, String rawValue)
    {
        ObjectNode body = base.deepCopy();
        body.remove(field.name());
        String json = new String(bytes(body), StandardCharsets.UTF_8);
        String prefix = json.equals("{}") ? "{" : json.substring(0, json.length() - 1) + ",";
        return new Case(operation.name(), description + " " + field.name(),
                (prefix + "\"" + field.name() + "\":" + rawValue + "}").getBytes(StandardCharsets.UTF_8), true);
    }

    /** A value of a type the field does not take ({@code null}: any value). */
    private static JsonNode wrongValue(Random random, Type type)
    {
        List<JsonNode> candidates = new ArrayList<>();
        if (type != Type.STRING && type != Type.TEXT && type != Type.TOKEN && type != Type.BLOB && type != Type.TIMESTAMP) {
            candidates.add(NODES.textNode("fuzz" + random.nextInt(100)));
        }
        if (type != Type.INTEGER && type != Type.TIMESTAMP) {
            candidates.add(NODES.numberNode(random.nextInt(100)));
        }
        if (type == Type.INTEGER) {
            candidates.add(NODES.numberNode(1.5));
        }
        if (type != Type.STRUCTURE && type != Type.STRING_MAP) {
            candidates.add(NODES.objectNode().put("a", 1));
        }
        if (type != Type.STRING_LIST && type != Type.STRUCTURE_LIST) {
            candidates.add(NODES.arrayNode().add(1).add("a"));
        }
        if (type != Type.BOOLEAN) {
            candidates.add(NODES.booleanNode(random.nextBoolean()));
        }
        return candidates.get(random.nextInt(candidates.size()));
    }

    /** A body that is not JSON. */
    static byte[] notJson(Random random)
    {
        return pick(random, NOT_JSON).getBytes(StandardCharsets.UTF_8);
    }

    static String hugeString(Random random)
    {
        StringBuilder text = new StringBuilder(HUGE_STRING + 1000);
        int length = HUGE_STRING + random.nextInt(1000);
        while (text.length() < length) {
            int at = random.nextInt(HUGE_ALPHABET.length());
            char c = HUGE_ALPHABET.charAt(at);
            if (Character.isHighSurrogate(c)) {
                text.append(c).append(HUGE_ALPHABET.charAt(at + 1));
            }
            else if (!Character.isLowSurrogate(c)) {
                text.append(c);
            }
        }
        return text.toString();
    }

    static String forgedToken(Random random)
    {
        byte[] bytes = new byte[1 + random.nextInt(64)];
        random.nextBytes(bytes);
        String[] tokens = {
                "forged-token-" + random.nextInt(1_000_000),
                Base64.getEncoder().encodeToString(bytes),
                Base64.getEncoder().encodeToString(("fuzz|" + random.nextInt()).getBytes(StandardCharsets.UTF_8)),
                Base64.getEncoder().encodeToString(("lakestack-1|fuzz|0|0|-" + random.nextInt(1000) + "|0").getBytes(StandardCharsets.UTF_8)),
                "%%%" + random.nextInt(100),
        };
        return pick(random, tokens);
    }

    /** {@code {"<field>":"<bytes that are not UTF-8>"}}. */
    static byte[] invalidUtf8(String field, Random random)
    {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("{\"" + field + "\":\"fuzz").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(INVALID_UTF8[random.nextInt(INVALID_UTF8.length)]);
        body.writeBytes("\"}".getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    /** {@code {"<field>":[[[...]]]}} or {@code {"<field>":{"a":{"a":...}}}}, {@link #DEEP} levels. */
    static byte[] deep(String field, boolean arrays)
    {
        StringBuilder json = new StringBuilder("{\"").append(field).append("\":");
        json.append((arrays ? "[" : "{\"a\":").repeat(DEEP)).append(arrays ? "" : "1").append((arrays ? "]" : "}").repeat(DEEP)).append('}');
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code <root><a><a>...</a></a></root>}, {@link #DEEP} levels. */
    static byte[] deepXml(String root)
    {
        return ("<" + root + ">" + "<a>".repeat(DEEP) + "</a>".repeat(DEEP) + "</" + root + ">").getBytes(StandardCharsets.UTF_8);
    }

    static <T> T pick(Random random, T[] choices)
    {
        return choices[random.nextInt(choices.length)];
    }

    private static byte[] bytes(JsonNode node)
    {
        try {
            return JSON.writeValueAsBytes(node);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
