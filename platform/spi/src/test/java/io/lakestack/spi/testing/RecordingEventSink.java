package io.lakestack.spi.testing;

import io.lakestack.spi.events.EventSink;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An event sink that keeps in memory what is published to it, in order, each as {@code <topic> <key> <document>}: for
 * tests of the services that publish events, as {@link io.lakestack.spi.store.MemoryRecordStores} is for their stores.
 */
public final class RecordingEventSink
        implements EventSink
{
    private final List<String> published = new CopyOnWriteArrayList<>();

    /** What was published so far (a live view). */
    public List<String> published()
    {
        return published;
    }

    @Override
    public void declare(String topic) {}

    @Override
    public void publish(String topic, String key, byte[] value, Map<String, String> headers)
    {
        published.add(topic + " " + key + " " + new String(value, StandardCharsets.UTF_8));
    }

    @Override
    public void declareOrdered(String topic) {}

    @Override
    public synchronized long publishOrdered(String topic, String key, byte[] value, Map<String, String> headers)
    {
        publish(topic, key, value, headers);
        return published.size() - 1;
    }
}
