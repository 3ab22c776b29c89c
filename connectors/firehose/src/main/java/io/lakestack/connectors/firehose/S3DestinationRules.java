package io.lakestack.connectors.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.firehose.DestinationRules;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Firehose's rules for an S3 destination, as {@link S3Destination} reads a configuration for the delivery. */
public final class S3DestinationRules
        implements DestinationRules
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Buffering check(String destination)
    {
        try {
            S3Destination parsed = S3Destination.parse(read(destination));
            return new Buffering(parsed.bufferBytes(), parsed.bufferMillis());
        }
        catch (InvalidConfigurationException e) {
            throw ServiceException.user("InvalidArgumentException", e.getMessage());
        }
    }

    @Override
    public String merge(String current, String update)
    {
        JsonNode base = read(current);
        if (!base.isObject()) {
            throw new IllegalArgumentException("a destination configuration is a JSON object, not " + base.getNodeType());
        }
        return S3Destination.merge((ObjectNode) base, read(update)).toString();
    }

    private static JsonNode read(String json)
    {
        try {
            return JSON.readTree(json);
        }
        catch (IOException e) {
            throw new UncheckedIOException("a destination configuration is not JSON", e);
        }
    }
}
