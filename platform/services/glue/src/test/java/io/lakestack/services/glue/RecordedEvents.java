package io.lakestack.services.glue;

import io.lakestack.spi.events.EventSink;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** An event sink that keeps what is published to it, each as {@code <topic> <key> <document>}. */
final class RecordedEvents
        implements EventSink
{
    final List<String> published = new CopyOnWriteArrayList<>();

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
    public long publishOrdered(String topic, String key, byte[] value, Map<String, String> headers)
    {
        throw new AssertionError("not used");
    }
}
