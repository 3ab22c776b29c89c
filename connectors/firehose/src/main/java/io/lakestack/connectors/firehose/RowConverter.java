package io.lakestack.connectors.firehose;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.lakestack.spi.glue.Column;
import io.lakestack.spi.glue.HiveType;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads JSON records into rows of a catalog table's columns, as Firehose's deserializers do: the OpenX JSON SerDe
 * (case-insensitive keys by default, {@code ColumnToJsonKeyMappings}, dots in keys turned to underscores on request)
 * or the Hive JSON SerDe ({@code TimestampFormats}). A record may hold several JSON documents one after another;
 * each is a row. Values are Java objects: {@code Boolean}, {@code Long} (every integer type), {@code Double}
 * ({@code float} and {@code double}), {@code BigDecimal}, {@code String}, {@code byte[]}, {@link LocalDate},
 * {@link Instant} (timestamps, UTC), {@code List}, {@code Map} and, for a struct, {@code Object[]}; {@code null}
 * where the JSON has none.
 */
final class RowConverter
{
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS);
    /** The formats both SerDes read: ISO-8601 with T and Z, and {@code yyyy-[M]M-[d]d HH:mm:ss[.S]}. */
    private static final DateTimeFormatter SPACED = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-M-d H:m:s")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
            .toFormatter(Locale.ROOT);

    /** Why a record cannot be converted; its message goes into the error output. */
    static final class ConversionFailure
            extends Exception
    {
        private static final long serialVersionUID = 1L;

        ConversionFailure(String message)
        {
            super(message);
        }
    }

    private final List<String> names;
    private final List<HiveType> types;
    private final S3Destination.Deserializer deserializer;
    private final List<DateTimeFormatter> customFormats;
    private final boolean epochMillisFormat;
    /** The columns each top-level match name goes to ({@link #matchName}). */
    private final Map<String, int[]> columnsByMatchName;
    /** The columns each exact {@code ColumnToJsonKeyMappings} key goes to. */
    private final Map<String, int[]> columnsByJsonKey;

    RowConverter(List<Column> columns, S3Destination.Deserializer deserializer)
    {
        this.names = columns.stream().map(column -> column.name().toLowerCase(Locale.ROOT)).toList();
        this.types = columns.stream().map(RowConverter::convertibleType).toList();
        this.deserializer = deserializer;
        List<DateTimeFormatter> formats = new ArrayList<>();
        boolean millis = false;
        for (String format : deserializer.timestampFormats()) {
            if (format.equals("millis")) {
                millis = true;
            }
            else {
                formats.add(DateTimeFormatter.ofPattern(format, Locale.ROOT));
            }
        }
        this.customFormats = List.copyOf(formats);
        this.epochMillisFormat = millis;
        Map<String, List<Integer>> byMatchName = new HashMap<>();
        Map<String, List<Integer>> byJsonKey = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String key = deserializer.columnToJsonKey().get(names.get(i));
            if (key == null) {
                byMatchName.computeIfAbsent(names.get(i), name -> new ArrayList<>()).add(i);
            }
            else {
                byJsonKey.computeIfAbsent(key, name -> new ArrayList<>()).add(i);
                byMatchName.computeIfAbsent(deserializer.caseInsensitive() ? key.toLowerCase(Locale.ROOT) : key, name -> new ArrayList<>()).add(i);
            }
        }
        this.columnsByMatchName = indexes(byMatchName);
        this.columnsByJsonKey = indexes(byJsonKey);
    }

    private static Map<String, int[]> indexes(Map<String, List<Integer>> columns)
    {
        Map<String, int[]> indexes = new HashMap<>();
        columns.forEach((name, list) -> indexes.put(name, list.stream().mapToInt(Integer::intValue).toArray()));
        return Map.copyOf(indexes);
    }

    /**
     * @throws IllegalArgumentException for a type that is not Hive's, or one the Parquet and ORC writers do not write:
     *         {@code void}, or {@code uniontype} at any depth
     */
    private static HiveType convertibleType(Column column)
    {
        HiveType type = HiveType.parse(column.type());
        if (!convertible(type)) {
            throw new IllegalArgumentException("column " + column.name() + " has type " + type + ", which record format conversion cannot write");
        }
        return type;
    }

    private static boolean convertible(HiveType type)
    {
        return !type.kind().equals("void") && !type.kind().equals("uniontype") && type.children().stream().allMatch(RowConverter::convertible);
    }

    List<HiveType> types()
    {
        return types;
    }

    List<String> names()
    {
        return names;
    }

    /**
     * The rows of one record. Each document's top-level fields are read as a stream: only the values a column takes
     * become nodes, the rest are skipped (still checked to be JSON), so a record does not become a tree of every field.
     * A column takes the field its name matches ({@link #matchName}); of fields that match the same name the first
     * key wins, and of repeated keys the last value, as when the document is read into a tree first. A column with
     * a {@code ColumnToJsonKeyMappings} key takes the field of exactly that key if there is one, else the one matching
     * it.
     */
    List<Object[]> convert(byte[] data)
            throws ConversionFailure
    {
        List<Object[]> rows = new ArrayList<>(1);
        try (JsonParser parser = JSON.createParser(data)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token != JsonToken.START_OBJECT) {
                    throw new ConversionFailure("The record is not a JSON object (or several, one after another) but " + describe(node(parser, token)));
                }
                rows.add(row(parser));
            }
        }
        catch (JsonProcessingException e) {
            throw new ConversionFailure("The record is not valid JSON: " + e.getOriginalMessage());
        }
        catch (IOException e) {
            throw new ConversionFailure("The record cannot be read: " + e.getMessage());
        }
        if (rows.isEmpty()) {
            throw new ConversionFailure("The record holds no JSON object");
        }
        return rows;
    }

    /** One document's row, the parser on its {@code START_OBJECT}; returns with the parser on its {@code END_OBJECT}. */
    private Object[] row(JsonParser parser)
            throws IOException, ConversionFailure
    {
        int columns = names.size();
        String[] matchedKeys = new String[columns];
        JsonNode[] matched = new JsonNode[columns];
        JsonNode[] exact = new JsonNode[columns];
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            JsonToken token = parser.nextToken();
            int[] matching = columnsByMatchName.get(matchName(key));
            int[] exactly = columnsByJsonKey.isEmpty() ? null : columnsByJsonKey.get(key);
            if (matching == null && exactly == null) {
                parser.skipChildren();
                continue;
            }
            JsonNode value = node(parser, token);
            if (matching != null) {
                for (int column : matching) {
                    if (matchedKeys[column] == null) {
                        matchedKeys[column] = key;
                        matched[column] = value;
                    }
                    else if (matchedKeys[column].equals(key)) {
                        matched[column] = value;
                    }
                }
            }
            if (exactly != null) {
                for (int column : exactly) {
                    exact[column] = value;
                }
            }
        }
        Object[] row = new Object[columns];
        for (int i = 0; i < columns; i++) {
            row[i] = value(exact[i] != null ? exact[i] : matched[i], types.get(i), names.get(i));
        }
        return row;
    }

    /** The name a key matches columns and struct fields by: dots as underscores if asked, lower-case unless case-sensitive. */
    private String matchName(String key)
    {
        String name = deserializer.convertDotsToUnderscores() ? key.replace('.', '_') : key;
        return deserializer.caseInsensitive() ? name.toLowerCase(Locale.ROOT) : name;
    }

    /** The value the parser is on, as reading the document into a tree would make it. */
    private static JsonNode node(JsonParser parser, JsonToken token)
            throws IOException
    {
        return switch (token) {
            case VALUE_STRING -> TextNode.valueOf(parser.getText());
            case VALUE_TRUE -> BooleanNode.TRUE;
            case VALUE_FALSE -> BooleanNode.FALSE;
            case VALUE_NULL -> NullNode.getInstance();
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT -> IntNode.valueOf(parser.getIntValue());
                case LONG -> LongNode.valueOf(parser.getLongValue());
                default -> BigIntegerNode.valueOf(parser.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> parser.getNumberType() == JsonParser.NumberType.BIG_DECIMAL
                    ? DecimalNode.valueOf(parser.getDecimalValue())
                    : DoubleNode.valueOf(parser.getDoubleValue());
            default -> JSON.readTree(parser);
        };
    }

    /**
     * Whether keys read as lower-case at every depth, as the OpenX SerDe reads JSON when it is case-insensitive: a
     * nested object written to a string column is then JSON with lower-case keys (so analysts query
     * {@code json_extract_scalar(snapshot, '$.agentstatus.name')}), and map keys are lower-case. Fields match columns
     * and struct fields case-insensitively in any case ({@link #fields}); only what is written out is lower-cased, so a
     * record is not copied.
     */
    private boolean lowerCasesKeys()
    {
        return deserializer.openX() && deserializer.caseInsensitive();
    }

    /** The node with every object key lower-cased, at every depth; of keys that become equal, the first is kept. */
    private static JsonNode lowerCased(JsonNode node)
    {
        if (node.isObject()) {
            ObjectNode lowered = JSON.createObjectNode();
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String name = field.getKey().toLowerCase(Locale.ROOT);
                if (!lowered.has(name)) {
                    lowered.set(name, lowerCased(field.getValue()));
                }
            }
            return lowered;
        }
        if (node.isArray()) {
            ArrayNode lowered = JSON.createArrayNode();
            node.forEach(element -> lowered.add(lowerCased(element)));
            return lowered;
        }
        return node;
    }

    /** The object's fields by the name they match columns with: lower-cased unless the SerDe is case-sensitive. */
    private Map<String, JsonNode> fields(JsonNode object)
    {
        Map<String, JsonNode> fields = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> iterator = object.fields();
        while (iterator.hasNext()) {
            Map.Entry<String, JsonNode> field = iterator.next();
            fields.putIfAbsent(matchName(field.getKey()), field.getValue());
        }
        return fields;
    }

    private Object value(JsonNode node, HiveType type, String path)
            throws ConversionFailure
    {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        switch (type.kind()) {
            case "string", "varchar", "char": {
                String text = node.isValueNode() ? node.asText() : lowerCasesKeys() ? lowerCased(node).toString() : node.toString();
                if (type.kind().equals("varchar") && text.length() > type.length()) {
                    text = text.substring(0, type.length());
                }
                return text;
            }
            case "boolean":
                if (node.isBoolean()) {
                    return node.booleanValue();
                }
                if (node.isTextual() && (node.asText().equalsIgnoreCase("true") || node.asText().equalsIgnoreCase("false"))) {
                    return Boolean.parseBoolean(node.asText());
                }
                throw mismatch(path, type, node);
            case "tinyint", "smallint", "int", "bigint": {
                long value;
                if (node.isIntegralNumber() && node.canConvertToLong()) {
                    value = node.longValue();
                }
                else if (node.isTextual()) {
                    try {
                        value = Long.parseLong(node.asText().strip());
                    }
                    catch (NumberFormatException e) {
                        throw mismatch(path, type, node);
                    }
                }
                else {
                    throw mismatch(path, type, node);
                }
                long limit = switch (type.kind()) {
                    case "tinyint" -> Byte.MAX_VALUE;
                    case "smallint" -> Short.MAX_VALUE;
                    case "int" -> Integer.MAX_VALUE;
                    default -> Long.MAX_VALUE;
                };
                if (value > limit || value < -limit - 1) {
                    throw new ConversionFailure("Value " + value + " of " + path + " is out of range for " + type);
                }
                return value;
            }
            case "float", "double":
                if (node.isNumber()) {
                    return node.doubleValue();
                }
                if (node.isTextual()) {
                    try {
                        return Double.parseDouble(node.asText().strip());
                    }
                    catch (NumberFormatException e) {
                        throw mismatch(path, type, node);
                    }
                }
                throw mismatch(path, type, node);
            case "decimal": {
                BigDecimal decimal;
                try {
                    decimal = node.isNumber() ? node.decimalValue() : new BigDecimal(node.asText().strip());
                }
                catch (NumberFormatException e) {
                    throw mismatch(path, type, node);
                }
                if (!node.isNumber() && !node.isTextual()) {
                    throw mismatch(path, type, node);
                }
                BigDecimal scaled = decimal.setScale(type.scale(), RoundingMode.HALF_UP);
                if (scaled.precision() > type.precision()) {
                    throw new ConversionFailure("Value " + decimal + " of " + path + " does not fit " + type);
                }
                return scaled;
            }
            case "binary":
                if (node.isTextual()) {
                    return node.asText().getBytes(StandardCharsets.UTF_8);
                }
                throw mismatch(path, type, node);
            case "date":
                if (node.isTextual()) {
                    try {
                        return LocalDate.parse(node.asText().strip().length() > 10 ? node.asText().strip().substring(0, 10) : node.asText().strip());
                    }
                    catch (DateTimeParseException e) {
                        throw mismatch(path, type, node);
                    }
                }
                if (node.isIntegralNumber()) {
                    return LocalDate.ofEpochDay(node.longValue());
                }
                throw mismatch(path, type, node);
            case "timestamp":
                return timestamp(node, type, path);
            case "array": {
                if (!node.isArray()) {
                    throw mismatch(path, type, node);
                }
                List<Object> list = new ArrayList<>(node.size());
                for (int i = 0; i < node.size(); i++) {
                    list.add(value(node.get(i), type.element(), path + "[" + i + "]"));
                }
                return list;
            }
            case "map": {
                if (!node.isObject()) {
                    throw mismatch(path, type, node);
                }
                Map<Object, Object> map = new LinkedHashMap<>();
                Iterator<Map.Entry<String, JsonNode>> entries = node.fields();
                while (entries.hasNext()) {
                    Map.Entry<String, JsonNode> entry = entries.next();
                    String name = lowerCasesKeys() ? entry.getKey().toLowerCase(Locale.ROOT) : entry.getKey();
                    Object key = value(TextNode.valueOf(name), type.key(), path + " key");
                    if (lowerCasesKeys() && map.containsKey(key)) {
                        continue; // of keys equal once lower-cased, the first is kept
                    }
                    map.put(key, value(entry.getValue(), type.value(), path + "." + entry.getKey()));
                }
                return map;
            }
            case "struct": {
                if (!node.isObject()) {
                    throw mismatch(path, type, node);
                }
                Map<String, JsonNode> fields = fields(node);
                Object[] struct = new Object[type.children().size()];
                for (int i = 0; i < struct.length; i++) {
                    String name = type.fieldNames().get(i);
                    struct[i] = value(fields.get(deserializer.caseInsensitive() ? name.toLowerCase(Locale.ROOT) : name), type.children().get(i),
                            path + "." + name);
                }
                return struct;
            }
            default:
                throw new ConversionFailure("Column type " + type + " of " + path + " is not supported by the record format conversion");
        }
    }

    private Object timestamp(JsonNode node, HiveType type, String path)
            throws ConversionFailure
    {
        if (node.isNumber()) {
            if (deserializer.openX() || epochMillisFormat) {
                // the OpenX SerDe reads epoch seconds, fractional seconds and epoch milliseconds
                if (node.isIntegralNumber() && !epochMillisFormat && Math.abs(node.longValue()) < 100_000_000_000L) {
                    return Instant.ofEpochSecond(node.longValue());
                }
                if (node.isIntegralNumber()) {
                    return Instant.ofEpochMilli(node.longValue());
                }
                return Instant.ofEpochMilli(Math.round(node.doubleValue() * 1000));
            }
            throw mismatch(path, type, node);
        }
        if (!node.isTextual()) {
            throw mismatch(path, type, node);
        }
        String text = node.asText().strip();
        for (DateTimeFormatter format : customFormats) {
            try {
                return LocalDateTime.parse(text, format).toInstant(ZoneOffset.UTC);
            }
            catch (DateTimeParseException e) {
                // the next format may read it
            }
        }
        try {
            return LocalDateTime.parse(text, SPACED).toInstant(ZoneOffset.UTC);
        }
        catch (DateTimeParseException e) {
            // not the spaced form
        }
        if (deserializer.openX()) {
            try {
                return Instant.parse(text);
            }
            catch (DateTimeParseException e) {
                // not ISO-8601 either
            }
        }
        if (epochMillisFormat && text.chars().allMatch(Character::isDigit)) {
            return Instant.ofEpochMilli(Long.parseLong(text));
        }
        throw new ConversionFailure("Value '" + text + "' of " + path + " is not a timestamp the " + (deserializer.openX() ? "OpenX" : "Hive")
                + " JSON SerDe reads (yyyy-MM-dd HH:mm:ss[.S]" + (deserializer.openX() ? ", yyyy-MM-ddTHH:mm:ss[.S]Z, epoch seconds or milliseconds" : "")
                + (customFormats.isEmpty() ? "" : ", or the configured TimestampFormats") + ")");
    }

    private static ConversionFailure mismatch(String path, HiveType type, JsonNode node)
    {
        return new ConversionFailure("Cannot convert " + describe(node) + " of " + path + " to " + type);
    }

    private static String describe(JsonNode node)
    {
        String text = node.toString();
        return node.getNodeType().name().toLowerCase(Locale.ROOT) + " " + (text.length() > 80 ? text.substring(0, 77) + "..." : text);
    }
}
