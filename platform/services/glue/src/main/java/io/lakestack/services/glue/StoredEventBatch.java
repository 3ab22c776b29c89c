package io.lakestack.services.glue;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The pending batch of EventBridge events of a workflow, as the record store keeps it (by workflow name) until a run
 * starts with it: the events' ids in the order they arrived, for the {@code EVENT} trigger that took them.
 *
 * @param firstMillis when the first event of the batch arrived: the batch window counts from then
 */
record StoredEventBatch(String workflowName, String triggerName, List<String> eventIds, long firstMillis)
{
    StoredEventBatch
    {
        requireNonNull(workflowName, "workflowName is null");
        requireNonNull(triggerName, "triggerName is null");
        eventIds = List.copyOf(eventIds);
    }
}
