package io.lakestack.endpoint.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.lakestack.spi.ServiceException;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The input of a JSON (or CBOR) protocol operation, with checks that fail the way AWS services do: a value of the
 * wrong JSON type is a {@code SerializationException} (for a REST-JSON body, the error its service answers a body it
 * cannot read with: Lambda's {@code InvalidRequestContentException}); a missing or out-of-range value is the
 * service's validation error ({@code InvalidInputException} for Glue, {@code InvalidRequestException} for
 * Athena...), with AWS's "1 validation error detected" message naming the field.
 */
public final class JsonInput
{
    private final JsonNode node;
    private final String path;
    private final String validationError;
    private final String typeError;
    private final boolean cbor;

    public JsonInput(JsonNode node, String path, String validationError)
    {
        this(node, path, validationError, false);
    }

    /**
     * @param cbor whether the document came as CBOR, where the SDKs send timestamps as epoch milliseconds
     */
    public JsonInput(JsonNode node, String path, String validationError, boolean cbor)
    {
        this(node, path, validationError, "SerializationException", cbor);
    }

    /**
     * @param typeError the error code a value of the wrong JSON type is answered with
     * @param cbor whether the document came as CBOR, where the SDKs send timestamps as epoch milliseconds
     */
    public JsonInput(JsonNode node, String path, String validationError, String typeError, boolean cbor)
    {
        this.node = node == null ? MissingNode.getInstance() : node;
        this.path = requireNonNull(path, "path is null");
        this.validationError = requireNonNull(validationError, "validationError is null");
        this.typeError = requireNonNull(typeError, "typeError is null");
        this.cbor = cbor;
    }

    /** Whether the request came as CBOR (and the answer goes back as CBOR). */
    public boolean cbor()
    {
        return cbor;
    }

    /** A timestamp for the answer: epoch seconds in JSON, epoch milliseconds in CBOR, as the SDKs read them. */
    public JsonNode timestampNode(Instant instant)
    {
        return cbor
                ? com.fasterxml.jackson.databind.node.LongNode.valueOf(instant.toEpochMilli())
                : com.fasterxml.jackson.databind.node.DoubleNode.valueOf(instant.toEpochMilli() / 1000.0);
    }

    public JsonNode raw()
    {
        return node;
    }

    public boolean has(String field)
    {
        JsonNode value = node.get(field);
        return value != null && !value.isNull();
    }

    public String requiredString(String field)
    {
        return string(field).orElseThrow(() -> missing(field));
    }

    /** A required string that must match {@code pattern} and be at most {@code maxLength} characters. */
    public String requiredString(String field, Pattern pattern, int maxLength)
    {
        String value = requiredString(field);
        check(field, value, pattern, maxLength);
        return value;
    }

    public Optional<String> string(String field, Pattern pattern, int maxLength)
    {
        Optional<String> value = string(field);
        value.ifPresent(text -> check(field, text, pattern, maxLength));
        return value;
    }

    private void check(String field, String value, Pattern pattern, int maxLength)
    {
        if (value.length() > maxLength) {
            throw invalid(field, value, "Member must have length less than or equal to " + maxLength);
        }
        if (value.isEmpty()) {
            throw invalid(field, value, "Member must have length greater than or equal to 1");
        }
        if (!pattern.matcher(value).matches()) {
            throw invalid(field, value, "Member must satisfy regular expression pattern: " + pattern.pattern());
        }
    }

    public Optional<String> string(String field)
    {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw serialization(field, "a string", value);
        }
        return Optional.of(value.asText());
    }

    public String string(String field, String defaultValue)
    {
        return string(field).orElse(defaultValue);
    }

    /**
     * An integer within {@code [min, max]}. A fraction is a {@code SerializationException} (the wrong type); a number
     * outside the range, however large, is the validation error, never wrapped or truncated into the range.
     */
    public Optional<Integer> integer(String field, int min, int max)
    {
        return integral(field, min, max).map(Math::toIntExact);
    }

    /** A 64-bit integer; a number beyond that range is the validation error, never wrapped. */
    public Optional<Long> longValue(String field)
    {
        return integral(field, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    private Optional<Long> integral(String field, long min, long max)
    {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isIntegralNumber()) {
            throw serialization(field, "an integer", value);
        }
        BigInteger number = value.bigIntegerValue();
        if (number.compareTo(BigInteger.valueOf(min)) < 0) {
            throw invalid(field, number.toString(), "Member must have value greater than or equal to " + min);
        }
        if (number.compareTo(BigInteger.valueOf(max)) > 0) {
            throw invalid(field, number.toString(), "Member must have value less than or equal to " + max);
        }
        return Optional.of(number.longValueExact());
    }

    public Optional<Boolean> bool(String field)
    {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isBoolean()) {
            throw serialization(field, "a boolean", value);
        }
        return Optional.of(value.asBoolean());
    }

    /**
     * A timestamp, as the SDKs send it: epoch seconds (possibly fractional) in JSON, epoch milliseconds in CBOR, or an
     * ISO-8601 string.
     */
    public Optional<Instant> timestamp(String field)
    {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (value.isNumber()) {
            if (cbor) {
                if (!value.canConvertToLong()) {
                    throw serialization(field, "a timestamp", value);
                }
                return Optional.of(Instant.ofEpochMilli(value.asLong()));
            }
            double seconds = value.asDouble();
            if (!Double.isFinite(seconds) || Math.abs(seconds) > Long.MAX_VALUE / 1000.0) {
                throw serialization(field, "a timestamp", value);
            }
            return Optional.of(Instant.ofEpochMilli(Math.round(seconds * 1000)));
        }
        if (value.isTextual()) {
            try {
                return Optional.of(Instant.parse(value.asText()));
            }
            catch (RuntimeException e) {
                throw serialization(field, "a timestamp", value);
            }
        }
        throw serialization(field, "a timestamp", value);
    }

    /** A blob: base64 text in JSON, raw bytes in CBOR. */
    public Optional<byte[]> blob(String field)
    {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (value.isBinary()) {
            try {
                return Optional.of(value.binaryValue());
            }
            catch (java.io.IOException e) {
                throw serialization(field, "a blob", value);
            }
        }
        if (value.isTextual()) {
            try {
                return Optional.of(Base64.getDecoder().decode(value.asText()));
            }
            catch (IllegalArgumentException e) {
                throw serialization(field, "base64-encoded bytes", value);
            }
        }
        throw serialization(field, "a blob", value);
    }

    public JsonInput object(String field)
    {
        return optionalObject(field).orElseThrow(() -> missing(field));
    }

    public Optional<JsonInput> optionalObject(String field)
    {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isObject()) {
            throw serialization(field, "a structure", value);
        }
        return Optional.of(new JsonInput(value, qualified(field), validationError, typeError, cbor));
    }

    public List<JsonInput> objects(String field)
    {
        return list(field, (element, index) -> {
            if (!element.isObject()) {
                throw serialization(field + "." + index, "a structure", element);
            }
            return new JsonInput(element, qualified(field) + "." + index, validationError, typeError, cbor);
        });
    }

    public List<String> strings(String field)
    {
        return list(field, (element, index) -> {
            if (!element.isTextual()) {
                throw serialization(field + "." + index, "a string", element);
            }
            return element.asText();
        });
    }

    /** Whether a list was sent at all (an empty list is sent). */
    public boolean hasList(String field)
    {
        JsonNode value = node.get(field);
        return value != null && value.isArray();
    }

    public Map<String, String> stringMap(String field)
    {
        JsonNode value = node.get(field);
        Map<String, String> map = new LinkedHashMap<>();
        if (value == null || value.isNull()) {
            return map;
        }
        if (!value.isObject()) {
            throw serialization(field, "a map", value);
        }
        value.fields().forEachRemaining(entry -> {
            if (!entry.getValue().isTextual()) {
                throw serialization(field + "." + entry.getKey(), "a string", entry.getValue());
            }
            map.put(entry.getKey(), entry.getValue().asText());
        });
        return map;
    }

    private interface ElementReader<T>
    {
        T read(JsonNode element, int index);
    }

    private <T> List<T> list(String field, ElementReader<T> reader)
    {
        JsonNode value = node.get(field);
        List<T> list = new ArrayList<>();
        if (value == null || value.isNull()) {
            return list;
        }
        if (!value.isArray()) {
            throw serialization(field, "a list", value);
        }
        for (int i = 0; i < value.size(); i++) {
            list.add(reader.read(value.get(i), i + 1));
        }
        return list;
    }

    /** A validation error about a field, in AWS's words. */
    public ServiceException invalid(String field, String value, String constraint)
    {
        return ServiceException.user(validationError, "1 validation error detected: Value '" + value + "' at '" + qualified(field)
                + "' failed to satisfy constraint: " + constraint);
    }

    public ServiceException missing(String field)
    {
        return ServiceException.user(validationError, "1 validation error detected: Value null at '" + qualified(field)
                + "' failed to satisfy constraint: Member must not be null");
    }

    /** An error of this service's validation kind, with a free message. */
    public ServiceException invalid(String message)
    {
        return ServiceException.user(validationError, message);
    }

    private ServiceException serialization(String field, String expected, JsonNode value)
    {
        return ServiceException.user(typeError, "'" + qualified(field) + "' must be " + expected + ", not " + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                + " " + abbreviate(value.toString()));
    }

    /** The path of a field as errors name it, e.g. {@code TableInput.StorageDescriptor.Columns}. */
    public String pathOf(String field)
    {
        return qualified(field);
    }

    private String qualified(String field)
    {
        return path.isEmpty() ? field : path + "." + field;
    }

    private static String abbreviate(String text)
    {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }

    public <T> T map(Function<JsonInput, T> mapper)
    {
        return mapper.apply(this);
    }
}
