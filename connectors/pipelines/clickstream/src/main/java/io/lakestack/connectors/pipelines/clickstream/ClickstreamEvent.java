package io.lakestack.connectors.pipelines.clickstream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A click as the layers read it from the stream: {@code {"zipcode":95126,"ProductName":"product2","price":16,
 * "timestamp":"2014-11-01 19:35:41.158"}}. Member names are matched without regard to case, as Firehose's OpenX JSON
 * SerDe matches them to the master table's columns, so that the speed layer takes the events the batch layer takes;
 * what makes an event count is {@link ClickstreamView}'s to say.
 */
public record ClickstreamEvent(String product, int zipcode, int price, Instant timestamp)
{
    private static final ObjectMapper JSON = new ObjectMapper();

    public ClickstreamEvent
    {
        requireNonNull(product, "product is null");
        requireNonNull(timestamp, "timestamp is null");
    }

    /** Why bytes on the stream are not a click. */
    public enum Problem
    {
        /** Not a JSON object. */
        NOT_JSON,
        /** A member missing, null, or of the wrong type. */
        INVALID_FIELD,
        /** {@code timestamp} not in the view's format ({@code yyyy-MM-dd HH:mm:ss.SSS}), or before 1970. */
        INVALID_TIMESTAMP
    }

    /** Bytes that are not a click: the problem, and a message naming what is wrong. */
    public static final class InvalidEventException
            extends Exception
    {
        private static final long serialVersionUID = 1L;
        private final Problem problem;

        InvalidEventException(Problem problem, String message)
        {
            super(message);
            this.problem = requireNonNull(problem, "problem is null");
        }

        public Problem problem()
        {
            return problem;
        }
    }

    /** The click these bytes hold. */
    public static ClickstreamEvent parse(byte[] bytes)
            throws InvalidEventException
    {
        JsonNode json;
        try {
            json = bytes == null ? null : JSON.readTree(bytes);
        }
        catch (JsonProcessingException e) {
            throw new InvalidEventException(Problem.NOT_JSON, "not JSON: " + e.getOriginalMessage());
        }
        catch (IOException e) {
            throw new InvalidEventException(Problem.NOT_JSON, "not JSON: " + e.getMessage());
        }
        if (json == null || !json.isObject()) {
            throw new InvalidEventException(Problem.NOT_JSON, "not a JSON object: " + (json == null ? "no bytes" : json.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        Map<String, JsonNode> members = new java.util.HashMap<>();
        for (Map.Entry<String, JsonNode> member : json.properties()) {
            members.putIfAbsent(member.getKey().toLowerCase(Locale.ROOT), member.getValue());
        }
        JsonNode product = members.get("productname");
        if (product == null || !product.isTextual()) {
            throw new InvalidEventException(Problem.INVALID_FIELD, "ProductName is " + describe(product) + ", not a string");
        }
        int zipcode = integer(members.get("zipcode"), "zipcode");
        int price = integer(members.get("price"), "price");
        JsonNode timestamp = members.get("timestamp");
        if (timestamp == null || !timestamp.isTextual()) {
            throw new InvalidEventException(Problem.INVALID_TIMESTAMP, "timestamp is " + describe(timestamp) + ", not a string");
        }
        return new ClickstreamEvent(product.textValue(), zipcode, price, timestamp(timestamp.textValue()));
    }

    /** A {@code timestamp} as the view reads it. */
    public static Instant timestamp(String text)
            throws InvalidEventException
    {
        Instant instant;
        try {
            instant = ClickstreamView.TIMESTAMP.parse(text, Instant::from);
        }
        catch (DateTimeParseException e) {
            throw new InvalidEventException(Problem.INVALID_TIMESTAMP, "timestamp \"" + text + "\" is not yyyy-MM-dd HH:mm:ss.SSS (UTC)");
        }
        if (instant.isBefore(Instant.EPOCH)) {
            // Kafka drops a record of a negative timestamp: the view counts clicks from 1970 on, in both layers
            throw new InvalidEventException(Problem.INVALID_TIMESTAMP, "timestamp \"" + text + "\" is before 1970");
        }
        return instant;
    }

    private static int integer(JsonNode node, String name)
            throws InvalidEventException
    {
        if (node == null || !node.isIntegralNumber() || !node.canConvertToInt()) {
            throw new InvalidEventException(Problem.INVALID_FIELD, name + " is " + describe(node) + ", not a 32-bit integer");
        }
        return node.intValue();
    }

    private static String describe(JsonNode node)
    {
        return node == null ? "missing" : node.isNull() ? "null" : node.toString();
    }
}
