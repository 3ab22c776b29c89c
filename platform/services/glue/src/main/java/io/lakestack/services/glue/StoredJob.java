package io.lakestack.services.glue;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A Glue job as the record store keeps it: its definition as {@code CreateJob} or {@code UpdateJob} gave it (checked,
 * with Glue's defaults filled in), its tags and the region of the request that created it.
 *
 * @param jobRunQueuingEnabled Glue's {@code JobRunQueuingEnabled}, when the definition gave it: a run beyond
 *         {@code MaxConcurrentRuns} waits rather than being refused
 */
record StoredJob(
        String name,
        Optional<String> description,
        Optional<String> logUri,
        String role,
        String scriptLocation,
        String pythonVersion,
        String glueVersion,
        Map<String, String> defaultArguments,
        Map<String, String> nonOverridableArguments,
        int maxConcurrentRuns,
        int maxRetries,
        int timeoutMinutes,
        double maxCapacity,
        String jobMode,
        Map<String, String> tags,
        String region,
        long createdMillis,
        long lastModifiedMillis,
        Optional<Integer> notifyDelayAfter,
        Optional<Boolean> jobRunQueuingEnabled)
{
    StoredJob
    {
        requireNonNull(name, "name is null");
        requireNonNull(description, "description is null");
        requireNonNull(logUri, "logUri is null");
        requireNonNull(role, "role is null");
        requireNonNull(scriptLocation, "scriptLocation is null");
        requireNonNull(pythonVersion, "pythonVersion is null");
        requireNonNull(glueVersion, "glueVersion is null");
        // the order the arguments were given in is the order they reach the script in
        defaultArguments = Collections.unmodifiableMap(new LinkedHashMap<>(defaultArguments));
        nonOverridableArguments = Collections.unmodifiableMap(new LinkedHashMap<>(nonOverridableArguments));
        requireNonNull(jobMode, "jobMode is null");
        tags = Map.copyOf(tags);
        requireNonNull(region, "region is null");
        // jobs kept before notifications were applied have none
        notifyDelayAfter = notifyDelayAfter == null ? Optional.empty() : notifyDelayAfter;
        // jobs kept before job run queuing have none
        jobRunQueuingEnabled = jobRunQueuingEnabled == null ? Optional.empty() : jobRunQueuingEnabled;
    }

    StoredJob withTags(Map<String, String> changed)
    {
        return new StoredJob(name, description, logUri, role, scriptLocation, pythonVersion, glueVersion, defaultArguments, nonOverridableArguments,
                maxConcurrentRuns, maxRetries, timeoutMinutes, maxCapacity, jobMode, changed, region, createdMillis, lastModifiedMillis,
                notifyDelayAfter, jobRunQueuingEnabled);
    }
}
