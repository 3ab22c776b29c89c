package io.lakestack.spi.events;

/**
 * Where services publish the events other pipelines consume (S3 notifications today; Lambda and pipeline triggers
 * later).
 *
 * <p>{@link #publish} returns once the event is durably stored, so that a caller who answers its own client after
 * publishing never loses an event it acknowledged (at-least-once, like AWS's event delivery).
 */
public interface EventSink
{
    /**
     * Makes the destination exist now, so that consumers can subscribe before the first event is published.
     * {@link #publish} also does this on first use.
     */
    void declare(String topic);

    /**
     * @param topic the destination, named as {@link io.lakestack.spi.s3.NotificationTopics} describes
     * @param key orders events: events with one key are delivered in the order published
     * @param value the event document
     */
    default void publish(String topic, String key, byte[] value)
    {
        publish(topic, key, value, java.util.Map.of());
    }

    /**
     * @param headers what the event carries besides its document, for the consumer (e.g. an invocation's request id)
     */
    void publish(String topic, String key, byte[] value, java.util.Map<String, String> headers);

    /**
     * Makes an ordered destination exist now: one partition, so that its events have one order, the order they were
     * published in, and each is stamped with the time it was stored (never earlier than the one before it).
     */
    void declareOrdered(String topic);

    /**
     * Publishes to a destination declared with {@link #declareOrdered} (and declares it so on first use).
     *
     * @return the event's position in the destination: greater than that of every event published to it before
     */
    long publishOrdered(String topic, String key, byte[] value, java.util.Map<String, String> headers);
}
