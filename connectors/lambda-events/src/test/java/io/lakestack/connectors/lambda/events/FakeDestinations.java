package io.lakestack.connectors.lambda.events;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Destinations that keep what they are sent; they refuse while told to. */
final class FakeDestinations
        implements Destinations
{
    record Published(String topic, String key, String value, Map<String, String> headers)
    {
    }

    record Put(String bucket, String key, String body)
    {
    }

    private final List<Published> published = new ArrayList<>();
    private final List<Put> puts = new ArrayList<>();
    private int refusals;

    /** The next {@code count} sends fail. */
    synchronized void refuse(int count)
    {
        refusals = count;
    }

    synchronized List<Published> published()
    {
        return List.copyOf(published);
    }

    synchronized List<Put> puts()
    {
        return List.copyOf(puts);
    }

    @Override
    public synchronized void publish(String topic, String key, byte[] value, Map<String, String> headers)
            throws DestinationException
    {
        refuseIfTold(topic);
        published.add(new Published(topic, key, new String(value, StandardCharsets.UTF_8), Map.copyOf(headers)));
    }

    @Override
    public synchronized void putObject(String bucket, String key, byte[] body)
            throws DestinationException
    {
        refuseIfTold(bucket);
        puts.add(new Put(bucket, key, new String(body, StandardCharsets.UTF_8)));
    }

    private void refuseIfTold(String target)
            throws DestinationException
    {
        if (refusals > 0) {
            refusals--;
            throw new DestinationException("refused by the test: " + target, null);
        }
    }
}
