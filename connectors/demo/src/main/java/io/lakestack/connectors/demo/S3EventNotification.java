package io.lakestack.connectors.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An S3 event notification as a queue receives it: either the records of object events, or the
 * {@code s3:TestEvent} S3 sends when a notification configuration is set.
 */
public sealed interface S3EventNotification
        permits S3EventNotification.ObjectEvents, S3EventNotification.TestEvent
{
    ObjectMapper JSON = new ObjectMapper();

    /** One object event: {@code eventName} as in the record ({@code ObjectCreated:Put}), the key URL-decoded. */
    record ObjectEvent(String eventName, String bucket, String key, long size)
    {
        public boolean created()
        {
            return eventName.startsWith("ObjectCreated:");
        }
    }

    record ObjectEvents(List<ObjectEvent> events)
            implements S3EventNotification
    {
        public ObjectEvents
        {
            events = List.copyOf(events);
        }
    }

    record TestEvent(String bucket)
            implements S3EventNotification
    {
    }

    /**
     * @throws IllegalArgumentException saying what is wrong with the document
     */
    static S3EventNotification parse(byte[] document)
    {
        JsonNode root;
        try {
            root = JSON.readTree(document);
        }
        catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        if ("s3:TestEvent".equals(root.path("Event").asText())) {
            return new TestEvent(root.path("Bucket").asText());
        }
        JsonNode records = root.get("Records");
        if (records == null || !records.isArray() || records.isEmpty()) {
            throw new IllegalArgumentException("no Records array");
        }
        List<ObjectEvent> events = new ArrayList<>();
        for (JsonNode record : records) {
            String eventName = required(record, "eventName");
            JsonNode s3 = record.path("s3");
            String bucket = required(s3.path("bucket"), "name");
            String key = URLDecoder.decode(required(s3.path("object"), "key"), StandardCharsets.UTF_8);
            events.add(new ObjectEvent(eventName, bucket, key, s3.path("object").path("size").asLong(0)));
        }
        return new ObjectEvents(events);
    }

    private static String required(JsonNode node, String field)
    {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new IllegalArgumentException("record has no " + field);
        }
        return value.asText();
    }
}
