package io.lakestack.services.glue;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A Glue job run as the record store keeps it: Glue's {@code JobRun} fields, the instance that runs its process
 * ({@code owner}), and why it is ending when it was asked to stop or ran out of time.
 */
record StoredJobRun(
        String jobName,
        String id,
        int attempt,
        Optional<String> previousRunId,
        Map<String, String> arguments,
        State state,
        Optional<String> errorMessage,
        int timeoutMinutes,
        double maxCapacity,
        String glueVersion,
        String owner,
        long startedMillis,
        long lastModifiedMillis,
        Optional<Long> completedMillis)
{
    enum State
    {
        STARTING, RUNNING, STOPPING, STOPPED, SUCCEEDED, FAILED, TIMEOUT, ERROR;

        boolean active()
        {
            return this == STARTING || this == RUNNING || this == STOPPING;
        }
    }

    StoredJobRun
    {
        requireNonNull(jobName, "jobName is null");
        requireNonNull(id, "id is null");
        requireNonNull(previousRunId, "previousRunId is null");
        arguments = Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
        requireNonNull(state, "state is null");
        requireNonNull(errorMessage, "errorMessage is null");
        requireNonNull(glueVersion, "glueVersion is null");
        requireNonNull(owner, "owner is null");
        requireNonNull(completedMillis, "completedMillis is null");
    }

    StoredJobRun withState(State changed, long nowMillis)
    {
        return new StoredJobRun(jobName, id, attempt, previousRunId, arguments, changed, errorMessage, timeoutMinutes, maxCapacity, glueVersion, owner,
                startedMillis, nowMillis, completedMillis);
    }

    StoredJobRun ended(State end, Optional<String> message, long nowMillis)
    {
        return new StoredJobRun(jobName, id, attempt, previousRunId, arguments, end, message, timeoutMinutes, maxCapacity, glueVersion, owner,
                startedMillis, nowMillis, Optional.of(nowMillis));
    }

    /** The seconds the run has taken, or took: Glue's {@code ExecutionTime}. */
    int executionSeconds(long nowMillis)
    {
        return (int) Math.max(0, (completedMillis.orElse(nowMillis) - startedMillis) / 1000);
    }
}
