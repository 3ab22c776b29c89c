package io.lakestack.spi.stepfunctions;

import static java.util.Objects.requireNonNull;

/**
 * One event of an execution's history, kept in the record store {@value StepFunctions#HISTORY_STORE} under
 * {@link StepFunctions#historyKey}; written before the step it records takes effect.
 *
 * @param details the event's details as a JSON object, under AWS's field names ({@code input}, {@code output},
 *         {@code error}, {@code cause}, {@code name}, {@code resource}, ...)
 */
public record HistoryRecord(long id, long previousEventId, String type, long timestampMillis, String details)
{
    public HistoryRecord
    {
        requireNonNull(type, "type is null");
        requireNonNull(details, "details is null");
    }
}
