package io.lakestack.spi.stepfunctions;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Consecutive events of one execution's history, kept as one record of the store {@value StepFunctions#HISTORY_STORE}
 * under the {@link StepFunctions#historyKey} of its first event: the events an execution writes between two steps
 * that can have an effect outside it are stored together, in one write, before the second step. {@link
 * StepFunctions#history} reads an execution's events back from its pages.
 *
 * @param events at least one, ids ascending
 */
public record HistoryPage(List<HistoryRecord> events)
{
    public HistoryPage
    {
        events = List.copyOf(requireNonNull(events, "events is null"));
        if (events.isEmpty()) {
            throw new IllegalArgumentException("a history page has at least one event");
        }
        for (int i = 1; i < events.size(); i++) {
            if (events.get(i).id() <= events.get(i - 1).id()) {
                throw new IllegalArgumentException("the events of a history page are in the order of their ids: " + events.get(i - 1).id()
                        + " before " + events.get(i).id());
            }
        }
    }

    public HistoryRecord first()
    {
        return events.get(0);
    }

    public HistoryRecord last()
    {
        return events.get(events.size() - 1);
    }
}
