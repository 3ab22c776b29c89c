package io.lakestack.connectors.stepfunctions;

import java.util.ArrayList;
import java.util.List;

/** Keeps every event, in the order appended. */
final class RecordingHistory
        implements HistorySink
{
    private final List<HistoryEvent> events = new ArrayList<>();

    @Override
    public synchronized void append(HistoryEvent event)
    {
        events.add(event);
    }

    synchronized List<HistoryEvent> events()
    {
        return List.copyOf(events);
    }

    synchronized List<String> types()
    {
        return events.stream().map(HistoryEvent::type).toList();
    }

    /** Each event as {@code id<-previousEventId type}. */
    synchronized List<String> chain()
    {
        return events.stream().map(event -> event.id() + "<-" + event.previousEventId() + " " + event.type()).toList();
    }
}
