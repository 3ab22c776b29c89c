package io.lakestack.services.glue;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A Glue workflow as the record store keeps it: its definition as {@code CreateWorkflow} or {@code UpdateWorkflow}
 * gave it, its tags and the region of the request that created it. Its triggers are kept with the triggers, each
 * naming it.
 */
record StoredWorkflow(
        String name,
        Optional<String> description,
        Map<String, String> defaultRunProperties,
        Optional<Integer> maxConcurrentRuns,
        Map<String, String> tags,
        String region,
        long createdMillis,
        long lastModifiedMillis)
{
    StoredWorkflow
    {
        requireNonNull(name, "name is null");
        requireNonNull(description, "description is null");
        defaultRunProperties = Collections.unmodifiableMap(new LinkedHashMap<>(defaultRunProperties));
        requireNonNull(maxConcurrentRuns, "maxConcurrentRuns is null");
        tags = Map.copyOf(tags);
        requireNonNull(region, "region is null");
    }

    StoredWorkflow withTags(Map<String, String> changed)
    {
        return new StoredWorkflow(name, description, defaultRunProperties, maxConcurrentRuns, changed, region, createdMillis, lastModifiedMillis);
    }
}
