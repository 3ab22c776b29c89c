package io.lakestack.services.glue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A run of a Glue workflow as the record store keeps it: its properties, its status, the jobs and crawlers it started
 * (their runs and crawls carry the run's id), the actions that could not start, and, per conditional trigger of the
 * workflow whose predicate is {@code AND}, the conditions met within this run since the trigger last fired.
 *
 * @param jobNames the jobs whose runs this run started, in the order first started
 * @param crawlerNames the crawlers whose crawls this run started
 * @param errors why each action that could not start did not
 * @param satisfied by trigger name, the indexes of the conditions met since it last fired in this run
 * @param satisfiedBy by trigger name, the job runs that met them
 * @param startingBatch for a run that a batch of EventBridge events started, the batch condition that started it
 */
record StoredWorkflowRun(
        String workflowName,
        String id,
        Optional<String> previousRunId,
        Map<String, String> properties,
        Status status,
        Optional<String> errorMessage,
        long startedMillis,
        Optional<Long> completedMillis,
        List<String> jobNames,
        List<String> crawlerNames,
        List<String> errors,
        Map<String, List<Integer>> satisfied,
        Map<String, List<StoredJobRun.Predecessor>> satisfiedBy,
        Optional<StartingBatch> startingBatch)
{
    /**
     * Glue's {@code StartingEventBatchCondition}: {@code batchSize} events arrived (the window then 0), or the
     * {@code batchWindow} seconds after the first one passed (the size then 0).
     */
    record StartingBatch(int batchSize, int batchWindow)
    {
    }

    enum Status
    {
        RUNNING, COMPLETED, STOPPING, STOPPED, ERROR;

        boolean active()
        {
            return this == RUNNING || this == STOPPING;
        }
    }

    StoredWorkflowRun
    {
        requireNonNull(workflowName, "workflowName is null");
        requireNonNull(id, "id is null");
        requireNonNull(previousRunId, "previousRunId is null");
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        requireNonNull(status, "status is null");
        requireNonNull(errorMessage, "errorMessage is null");
        requireNonNull(completedMillis, "completedMillis is null");
        jobNames = List.copyOf(jobNames);
        crawlerNames = List.copyOf(crawlerNames);
        errors = List.copyOf(errors);
        satisfied = Map.copyOf(satisfied);
        satisfiedBy = Map.copyOf(satisfiedBy);
        // runs kept before EVENT triggers have none
        startingBatch = startingBatch == null ? Optional.empty() : startingBatch;
    }

    StoredWorkflowRun withProperties(Map<String, String> changed)
    {
        return new StoredWorkflowRun(workflowName, id, previousRunId, changed, status, errorMessage, startedMillis, completedMillis, jobNames, crawlerNames,
                errors, satisfied, satisfiedBy, startingBatch);
    }

    StoredWorkflowRun withStatus(Status changed, Optional<Long> completed)
    {
        return new StoredWorkflowRun(workflowName, id, previousRunId, properties, changed, errorMessage, startedMillis, completed, jobNames, crawlerNames,
                errors, satisfied, satisfiedBy, startingBatch);
    }

    /** With the job or crawler of an action it is about to start among those it started. */
    StoredWorkflowRun starting(Optional<String> job, Optional<String> crawler)
    {
        List<String> jobs = new ArrayList<>(jobNames);
        job.filter(name -> !jobs.contains(name)).ifPresent(jobs::add);
        List<String> crawlers = new ArrayList<>(crawlerNames);
        crawler.filter(name -> !crawlers.contains(name)).ifPresent(crawlers::add);
        return new StoredWorkflowRun(workflowName, id, previousRunId, properties, status, errorMessage, startedMillis, completedMillis, jobs, crawlers,
                errors, satisfied, satisfiedBy, startingBatch);
    }

    StoredWorkflowRun withError(String error)
    {
        List<String> changed = new ArrayList<>(errors);
        changed.add(error);
        return new StoredWorkflowRun(workflowName, id, previousRunId, properties, status, errorMessage, startedMillis, completedMillis, jobNames, crawlerNames,
                changed, satisfied, satisfiedBy, startingBatch);
    }

    StoredWorkflowRun withSatisfied(String trigger, List<Integer> met, List<StoredJobRun.Predecessor> by)
    {
        Map<String, List<Integer>> changedMet = new LinkedHashMap<>(satisfied);
        Map<String, List<StoredJobRun.Predecessor>> changedBy = new LinkedHashMap<>(satisfiedBy);
        if (met.isEmpty()) {
            changedMet.remove(trigger);
            changedBy.remove(trigger);
        }
        else {
            changedMet.put(trigger, met);
            changedBy.put(trigger, by);
        }
        return new StoredWorkflowRun(workflowName, id, previousRunId, properties, status, errorMessage, startedMillis, completedMillis, jobNames, crawlerNames,
                errors, changedMet, changedBy, startingBatch);
    }
}
