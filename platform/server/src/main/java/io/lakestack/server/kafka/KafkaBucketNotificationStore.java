package io.lakestack.server.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.spi.s3.BucketNotificationStore;
import io.lakestack.spi.s3.DestinationConfiguration;
import io.lakestack.spi.s3.DestinationType;
import io.lakestack.spi.s3.NotificationConfiguration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Bucket notification configurations in the compacted topic {@value #TOPIC}, keyed by bucket name. */
public final class KafkaBucketNotificationStore
        implements BucketNotificationStore
{
    public static final String TOPIC = "_lakestack.s3.bucket-notifications";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaTable table;

    public KafkaBucketNotificationStore(KafkaTable table)
    {
        this.table = requireNonNull(table, "table is null");
    }

    @Override
    public Optional<NotificationConfiguration> get(String bucket)
    {
        return table.get(bucket).map(KafkaBucketNotificationStore::fromJson);
    }

    @Override
    public void put(String bucket, NotificationConfiguration configuration)
    {
        table.put(bucket, configuration.isEmpty() ? null : toJson(configuration));
    }

    @Override
    public void remove(String bucket)
    {
        if (table.get(bucket).isPresent()) {
            table.put(bucket, null);
        }
    }

    static byte[] toJson(NotificationConfiguration configuration)
    {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        root.put("eventBridge", configuration.eventBridge());
        ArrayNode destinations = root.putArray("destinations");
        for (DestinationConfiguration destination : configuration.destinations()) {
            ObjectNode node = destinations.addObject();
            node.put("id", destination.id());
            node.put("type", destination.type().name());
            node.put("arn", destination.arn());
            ArrayNode events = node.putArray("events");
            destination.events().forEach(events::add);
            destination.prefix().ifPresent(prefix -> node.put("prefix", prefix));
            destination.suffix().ifPresent(suffix -> node.put("suffix", suffix));
        }
        try {
            return JSON.writeValueAsBytes(root);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static NotificationConfiguration fromJson(byte[] bytes)
    {
        try {
            JsonNode root = JSON.readTree(bytes);
            List<DestinationConfiguration> destinations = new ArrayList<>();
            for (JsonNode node : root.path("destinations")) {
                List<String> events = new ArrayList<>();
                node.path("events").forEach(event -> events.add(event.asText()));
                destinations.add(new DestinationConfiguration(
                        node.path("id").asText(),
                        DestinationType.valueOf(node.path("type").asText()),
                        node.path("arn").asText(),
                        events,
                        Optional.ofNullable(node.get("prefix")).map(JsonNode::asText),
                        Optional.ofNullable(node.get("suffix")).map(JsonNode::asText)));
            }
            return new NotificationConfiguration(destinations, root.path("eventBridge").asBoolean(false));
        }
        catch (IOException e) {
            throw new UncheckedIOException("unreadable notification configuration in " + TOPIC, e);
        }
    }
}
