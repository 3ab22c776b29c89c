package io.lakestack.services.glue;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A Glue trigger as the record store keeps it: its definition (with the {@code cron(...)} of a scheduled one), its
 * state, and, for a conditional trigger whose
 * predicate is {@code AND}, the conditions met since it last fired (by index) with the runs that met them.
 *
 * @param workflowName the workflow the trigger belongs to, if any: its conditions are then met per workflow run, and
 *         kept with the run rather than here
 * @param eventBatching an {@code EVENT} trigger's {@code EventBatchingCondition} as given (empty: one event starts a run)
 */
record StoredTrigger(
        String name,
        String type,
        String state,
        Optional<String> description,
        Optional<String> schedule,
        String logical,
        List<Condition> conditions,
        List<Action> actions,
        Map<String, String> tags,
        String region,
        long createdMillis,
        List<Integer> satisfied,
        List<StoredJobRun.Predecessor> satisfiedBy,
        Optional<String> workflowName,
        Optional<EventBatching> eventBatching)
{
    /** Glue's {@code Condition}: a job's run ending in {@code state}, or a crawler's crawl in {@code crawlState}. */
    /**
     * Adds to {@code met} (the indexes of the conditions met so far) each condition that this ended job run, or this
     * ended crawl of a crawler, meets.
     *
     * @return whether it met any
     */
    boolean meet(Optional<StoredJobRun> jobRun, Optional<String> crawlerName, Optional<String> crawlState, List<Integer> met)
    {
        boolean matched = false;
        for (int i = 0; i < conditions.size(); i++) {
            Condition condition = conditions.get(i);
            boolean meets = jobRun.isPresent()
                    ? condition.jobName().equals(Optional.of(jobRun.get().jobName())) && condition.state().equals(Optional.of(jobRun.get().state().name()))
                    : condition.crawlerName().equals(crawlerName) && condition.crawlState().equals(crawlState);
            if (meets) {
                matched = true;
                if (!met.contains(i)) {
                    met.add(i);
                }
            }
        }
        return matched;
    }

    /**
     * Glue's {@code EventBatchingCondition}: the number of events that starts a run, and the seconds after the first
     * event of a batch after which a smaller batch starts one.
     */
    record EventBatching(int batchSize, Optional<Integer> batchWindow)
    {
        static final int DEFAULT_BATCH_WINDOW = 900;

        EventBatching
        {
            requireNonNull(batchWindow, "batchWindow is null");
        }

        int window()
        {
            return batchWindow.orElse(DEFAULT_BATCH_WINDOW);
        }
    }

    record Condition(Optional<String> jobName, Optional<String> state, Optional<String> crawlerName, Optional<String> crawlState)
    {
        Condition
        {
            requireNonNull(jobName, "jobName is null");
            requireNonNull(state, "state is null");
            requireNonNull(crawlerName, "crawlerName is null");
            requireNonNull(crawlState, "crawlState is null");
        }
    }

    /** Glue's {@code Action}: a job run (with its arguments and time-out) or a crawl to start. */
    record Action(Optional<String> jobName, Map<String, String> arguments, Optional<Integer> timeout, Optional<String> crawlerName,
            Optional<Integer> notifyDelayAfter)
    {
        Action
        {
            // actions kept before notifications were applied have none
            notifyDelayAfter = notifyDelayAfter == null ? Optional.empty() : notifyDelayAfter;
            requireNonNull(jobName, "jobName is null");
            arguments = Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
            requireNonNull(timeout, "timeout is null");
            requireNonNull(crawlerName, "crawlerName is null");
        }
    }

    StoredTrigger
    {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        requireNonNull(state, "state is null");
        requireNonNull(description, "description is null");
        requireNonNull(schedule, "schedule is null");
        requireNonNull(logical, "logical is null");
        conditions = List.copyOf(conditions);
        actions = List.copyOf(actions);
        tags = Map.copyOf(tags);
        requireNonNull(region, "region is null");
        satisfied = List.copyOf(satisfied);
        satisfiedBy = List.copyOf(satisfiedBy);
        // triggers kept before workflows existed have none
        workflowName = workflowName == null ? Optional.empty() : workflowName;
        // nor had those kept before EVENT triggers
        eventBatching = eventBatching == null ? Optional.empty() : eventBatching;
    }

    /** The batching of an {@code EVENT} trigger: as given, or one event per run. */
    EventBatching batching()
    {
        return eventBatching.orElse(new EventBatching(1, Optional.empty()));
    }

    StoredTrigger withState(String changed)
    {
        return new StoredTrigger(name, type, changed, description, schedule, logical, conditions, actions, tags, region, createdMillis, List.of(), List.of(),
                workflowName, eventBatching);
    }

    StoredTrigger withTags(Map<String, String> changed)
    {
        return new StoredTrigger(name, type, state, description, schedule, logical, conditions, actions, changed, region, createdMillis, satisfied, satisfiedBy,
                workflowName, eventBatching);
    }

    StoredTrigger withSatisfied(List<Integer> met, List<StoredJobRun.Predecessor> by)
    {
        return new StoredTrigger(name, type, state, description, schedule, logical, conditions, actions, tags, region, createdMillis, met, by, workflowName,
                eventBatching);
    }
}
