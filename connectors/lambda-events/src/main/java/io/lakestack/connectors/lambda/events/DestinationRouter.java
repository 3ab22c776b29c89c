package io.lakestack.connectors.lambda.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.spi.Arn;
import io.lakestack.spi.s3.NotificationTopics;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Sends invocation records and dead letters to a destination ARN as Lambda does, over {@link Destinations}: a queue or
 * topic gets the document as its message, a function gets it as an asynchronous invocation, an event bus gets an event
 * whose {@code detail} it is, a bucket gets an object.
 */
final class DestinationRouter
{
    /** The header an asynchronous invocation's request id travels in on its queue. */
    static final String REQUEST_ID_HEADER = "lakestack.request-id";
    /** The header naming the ARN an asynchronous invocation was made to. */
    static final String INVOKED_ARN_HEADER = "lakestack.invoked-arn";

    enum Kind
    {
        QUEUE, TOPIC, FUNCTION, EVENT_BUS, BUCKET
    }

    private final Destinations destinations;
    private final Clock clock;
    private final Supplier<UUID> ids;

    DestinationRouter(Destinations destinations, Clock clock, Supplier<UUID> ids)
    {
        this.destinations = requireNonNull(destinations, "destinations is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.ids = requireNonNull(ids, "ids is null");
    }

    static Kind kind(String arn)
    {
        return switch (Arn.parse(arn).map(Arn::service).orElse("")) {
            case "sqs" -> Kind.QUEUE;
            case "sns" -> Kind.TOPIC;
            case "lambda" -> Kind.FUNCTION;
            case "events" -> Kind.EVENT_BUS;
            case "s3" -> Kind.BUCKET;
            default -> throw new IllegalArgumentException("not a destination Lambda sends to: " + arn);
        };
    }

    /** A queue's or topic's message: the document as the body, with message attributes as headers. */
    void toQueueOrTopic(String arn, String key, byte[] body, Map<String, String> attributes)
            throws Destinations.DestinationException
    {
        destinations.publish(NotificationTopics.topicFor(arn), key, body, attributes);
    }

    /** An asynchronous invocation of the function, with a request id of its own. */
    void toFunction(String arn, byte[] payload)
            throws Destinations.DestinationException
    {
        String requestId = ids.get().toString();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(REQUEST_ID_HEADER, requestId);
        headers.put(INVOKED_ARN_HEADER, arn);
        destinations.publish(NotificationTopics.topicFor(arn), requestId, payload, headers);
    }

    /**
     * An event on the bus, as Lambda puts it: {@code source} {@code lambda}, the record as {@code detail}, the function and
     * the destination as {@code resources}.
     */
    void toEventBus(String arn, String detailType, String functionArn, JsonNode record)
            throws Destinations.DestinationException
    {
        Optional<Arn> parsed = Arn.parse(arn);
        ObjectNode event = Json.object();
        event.put("version", "0");
        event.put("id", ids.get().toString());
        event.put("detail-type", detailType);
        event.put("source", "lambda");
        event.put("account", parsed.map(Arn::accountId).orElse(""));
        event.put("time", Json.ISO_SECONDS.format(clock.instant()));
        // an event is of its bus's region
        event.put("region", parsed.map(Arn::region).orElse(""));
        event.putArray("resources").add(functionArn).add(arn);
        event.set("detail", record);
        String bus = parsed.map(Arn::resource).filter(resource -> resource.startsWith("event-bus/")).map(resource -> resource.substring("event-bus/".length()))
                .orElse("default");
        String topic = bus.equals("default") ? NotificationTopics.EVENTBRIDGE_TOPIC : "lakestack.events." + bus;
        destinations.publish(topic, functionArn, Json.bytes(event), Map.of());
    }

    /** An object in the bucket the ARN names ({@code arn:aws:s3:::<bucket>}). */
    void toBucket(String arn, String objectKey, byte[] body)
            throws Destinations.DestinationException
    {
        String bucket = arn.substring(arn.lastIndexOf(':') + 1);
        destinations.putObject(bucket, objectKey, body);
    }

    /** A topic of lakestack's own, for what has no destination. */
    void toTopic(String topic, String key, byte[] value, Map<String, String> headers)
            throws Destinations.DestinationException
    {
        destinations.publish(topic, key, value, headers);
    }
}
