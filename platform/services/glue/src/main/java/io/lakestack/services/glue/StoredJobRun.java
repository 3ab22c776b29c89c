package io.lakestack.services.glue;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A Glue job run as the record store keeps it: Glue's {@code JobRun} fields and the instance that runs its process
 * ({@code owner}).
 *
 * @param triggerName the trigger that started the run, if one did
 * @param predecessors the runs whose end fired the conditional trigger that started it
 * @param notifyDelayAfter the minutes after its start at which a run still going is notified ({@code NotificationProperty})
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
        Optional<Long> completedMillis,
        Optional<String> triggerName,
        List<Predecessor> predecessors,
        Optional<Integer> notifyDelayAfter)
{
    /** A run of another job whose end started this one (Glue's {@code Predecessor}). */
    record Predecessor(String jobName, String runId)
    {
        Predecessor
        {
            requireNonNull(jobName, "jobName is null");
            requireNonNull(runId, "runId is null");
        }
    }

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
        // runs kept before triggers existed have neither
        triggerName = triggerName == null ? Optional.empty() : triggerName;
        predecessors = predecessors == null ? List.of() : List.copyOf(predecessors);
        notifyDelayAfter = notifyDelayAfter == null ? Optional.empty() : notifyDelayAfter;
    }

    StoredJobRun withState(State changed, long nowMillis)
    {
        return new StoredJobRun(jobName, id, attempt, previousRunId, arguments, changed, errorMessage, timeoutMinutes, maxCapacity, glueVersion, owner,
                startedMillis, nowMillis, completedMillis, triggerName, predecessors, notifyDelayAfter);
    }

    StoredJobRun ended(State end, Optional<String> message, long nowMillis)
    {
        return new StoredJobRun(jobName, id, attempt, previousRunId, arguments, end, message, timeoutMinutes, maxCapacity, glueVersion, owner,
                startedMillis, nowMillis, Optional.of(nowMillis), triggerName, predecessors, notifyDelayAfter);
    }

    /** The seconds the run has taken, or took: Glue's {@code ExecutionTime}. */
    int executionSeconds(long nowMillis)
    {
        return (int) Math.max(0, (completedMillis.orElse(nowMillis) - startedMillis) / 1000);
    }
}
