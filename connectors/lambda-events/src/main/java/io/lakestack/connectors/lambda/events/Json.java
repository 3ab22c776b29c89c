package io.lakestack.connectors.lambda.events;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/** The one JSON mapper of the module, and the formats AWS writes times in. */
final class Json
{
    static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
    /** {@code 2019-11-14T00:38:06.021Z}: milliseconds always present, as AWS's invocation records have them. */
    static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    /** {@code 2020-12-09T07:04:00Z}: a tumbling window's bounds, whole seconds. */
    static final DateTimeFormatter ISO_SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private Json() {}

    static ObjectNode object()
    {
        return MAPPER.createObjectNode();
    }

    static byte[] bytes(JsonNode node)
    {
        try {
            return MAPPER.writeValueAsBytes(node);
        }
        catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(JsonNode node)
    {
        try {
            return MAPPER.writeValueAsString(node);
        }
        catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The document, or empty when the bytes are not JSON. */
    static Optional<JsonNode> parse(byte[] bytes)
    {
        if (bytes == null || bytes.length == 0) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(MAPPER.readTree(bytes));
        }
        catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Epoch seconds with three decimals, as Kinesis's {@code approximateArrivalTimestamp} is written. */
    static BigDecimal epochSeconds(long millis)
    {
        return BigDecimal.valueOf(millis, 3);
    }

    static String isoMillis(long millis)
    {
        return ISO_MILLIS.format(Instant.ofEpochMilli(millis));
    }
}
