package io.lakestack.spi.eventbridge;

import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** An event bus as the EventBridge service keeps it in {@value EventBuses#BUSES_STORE}, keyed by its name. */
public record EventBus(String name, String arn, Optional<String> description, Map<String, String> tags, long createdMillis)
{
    public EventBus
    {
        requireNonNull(name, "name is null");
        requireNonNull(arn, "arn is null");
        requireNonNull(description, "description is null");
        tags = Map.copyOf(tags);
    }

    public EventBus withTags(Map<String, String> newTags)
    {
        return new EventBus(name, arn, description, newTags, createdMillis);
    }
}
