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
 * @param jobRunQueuingEnabled Glue's {@code JobRunQueuingEnabled} of the run: its {@code StartJobRun}'s, else its job's,
 *         when either gave one
 * @param waitedMillis how long the run was {@code WAITING} for its job's {@code MaxConcurrentRuns} to let it start (job
 *         run queuing): its {@code Timeout} and {@code ExecutionTime} count from the end of the wait
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
        Optional<Integer> notifyDelayAfter,
        Optional<Boolean> jobRunQueuingEnabled,
        long waitedMillis)
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
        WAITING, STARTING, RUNNING, STOPPING, STOPPED, SUCCEEDED, FAILED, TIMEOUT, ERROR;

        /** Not ended: waiting to start, or started. */
        boolean active()
        {
            return this == WAITING || running();
        }

        /** Started and not ended: one of the runs its job's {@code MaxConcurrentRuns} counts. */
        boolean running()
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
        // runs kept before job run queuing have none, and never waited
        jobRunQueuingEnabled = jobRunQueuingEnabled == null ? Optional.empty() : jobRunQueuingEnabled;
    }

    StoredJobRun withState(State changed, long nowMillis)
    {
        return new StoredJobRun(jobName, id, attempt, previousRunId, arguments, changed, errorMessage, timeoutMinutes, maxCapacity, glueVersion, owner,
                startedMillis, nowMillis, completedMillis, triggerName, predecessors, notifyDelayAfter, jobRunQueuingEnabled, waitedMillis);
    }

    /** The run of an instance that took it over: what a waiting run of an instance that left becomes. */
    StoredJobRun withOwner(String changed, long nowMillis)
    {
        return new StoredJobRun(jobName, id, attempt, previousRunId, arguments, state, errorMessage, timeoutMinutes, maxCapacity, glueVersion, changed,
                startedMillis, nowMillis, completedMillis, triggerName, predecessors, notifyDelayAfter, jobRunQueuingEnabled, waitedMillis);
    }

    /** A waiting run that starts now: {@code STARTING}, having waited since its {@code StartJobRun}. */
    StoredJobRun launched(long nowMillis)
    {
        return new StoredJobRun(jobName, id, attempt, previousRunId, arguments, State.STARTING, errorMessage, timeoutMinutes, maxCapacity, glueVersion,
                owner, startedMillis, nowMillis, completedMillis, triggerName, predecessors, notifyDelayAfter, jobRunQueuingEnabled,
                nowMillis - startedMillis);
    }

    /** The run ended; one that ends while waiting waited until now. */
    StoredJobRun ended(State end, Optional<String> message, long nowMillis)
    {
        return new StoredJobRun(jobName, id, attempt, previousRunId, arguments, end, message, timeoutMinutes, maxCapacity, glueVersion, owner,
                startedMillis, nowMillis, Optional.of(nowMillis), triggerName, predecessors, notifyDelayAfter, jobRunQueuingEnabled,
                state == State.WAITING ? nowMillis - startedMillis : waitedMillis);
    }

    /** When the run started (or starts) its process: at its {@code StartJobRun}, or at the end of its wait. */
    long launchedMillis()
    {
        return startedMillis + waitedMillis;
    }

    /** The seconds the run has taken, or took, since it left its wait: Glue's {@code ExecutionTime}. */
    int executionSeconds(long nowMillis)
    {
        if (state == State.WAITING) {
            return 0;
        }
        return (int) Math.max(0, (completedMillis.orElse(nowMillis) - launchedMillis()) / 1000);
    }
}
