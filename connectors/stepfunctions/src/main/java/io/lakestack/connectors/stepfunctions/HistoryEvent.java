package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * One event of an execution's history, as AWS's {@code GetExecutionHistory} shows it: ids from 1 in the order written,
 * {@code previousEventId} the event this one follows in its branch of the execution (0 for the first), AWS's event
 * type ({@code TaskScheduled}, {@code MapIterationStarted}, ...) and its details under AWS's field names
 * ({@code input}, {@code output}, {@code error}, {@code cause}, {@code resourceType}, ...).
 *
 * @param details the fields of AWS's {@code <type>EventDetails} member ({@link #detailsField()}); not to be modified
 */
public record HistoryEvent(long id, long previousEventId, String type, Instant timestamp, ObjectNode details)
{
    public HistoryEvent
    {
        requireNonNull(type, "type is null");
        requireNonNull(timestamp, "timestamp is null");
        requireNonNull(details, "details is null");
    }

    /** The member of AWS's {@code HistoryEvent} that holds {@link #details()}, e.g. {@code stateEnteredEventDetails}. */
    public String detailsField()
    {
        if (type.endsWith("StateEntered")) {
            return "stateEnteredEventDetails";
        }
        if (type.endsWith("StateExited")) {
            return "stateExitedEventDetails";
        }
        return Character.toLowerCase(type.charAt(0)) + type.substring(1) + "EventDetails";
    }
}
