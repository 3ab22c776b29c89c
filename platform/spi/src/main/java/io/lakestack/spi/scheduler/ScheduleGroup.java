package io.lakestack.spi.scheduler;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/** A schedule group as the service keeps it in {@value Schedules#GROUPS_STORE}, keyed by its name. */
public record ScheduleGroup(String name, String arn, Map<String, String> tags, long createdMillis, long modifiedMillis)
{
    public ScheduleGroup
    {
        requireNonNull(name, "name is null");
        requireNonNull(arn, "arn is null");
        tags = Map.copyOf(tags);
    }

    public ScheduleGroup withTags(Map<String, String> newTags, long now)
    {
        return new ScheduleGroup(name, arn, newTags, createdMillis, now);
    }
}
