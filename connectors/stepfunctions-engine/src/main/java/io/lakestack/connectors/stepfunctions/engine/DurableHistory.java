package io.lakestack.connectors.stepfunctions.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.connectors.stepfunctions.HistoryEvent;
import io.lakestack.connectors.stepfunctions.HistorySink;
import io.lakestack.spi.stepfunctions.HistoryRecord;
import io.lakestack.spi.stepfunctions.StepFunctions;
import io.lakestack.spi.store.RecordStore;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * One execution's history in the record store {@value StepFunctions#HISTORY_STORE}: {@link #append} returns once the
 * event is stored (Kafka acknowledged it and this instance read it back), and refuses every event once the execution
 * is {@linkplain #close closed} (stopped or handed over), so that nothing is written after the event that ends it.
 */
final class DurableHistory
        implements HistorySink
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RecordStore<HistoryRecord> store;
    private final String executionArn;
    private final Consumer<HistoryRecord> written;
    private boolean closed;

    DurableHistory(RecordStore<HistoryRecord> store, String executionArn)
    {
        this(store, executionArn, record -> {});
    }

    /** @param written told of each event once it is stored (to log it) */
    DurableHistory(RecordStore<HistoryRecord> store, String executionArn, Consumer<HistoryRecord> written)
    {
        this.store = requireNonNull(store, "store is null");
        this.executionArn = requireNonNull(executionArn, "executionArn is null");
        this.written = requireNonNull(written, "written is null");
    }

    @Override
    public synchronized void append(HistoryEvent event)
    {
        if (closed) {
            throw new CancellationException("execution " + executionArn + " was stopped before event " + event.id() + " (" + event.type() + ")");
        }
        HistoryRecord record = record(event);
        store.put(StepFunctions.historyKey(executionArn, event.id()), record);
        written.accept(record);
    }

    /** No event is written after this returns (an append under way finishes first). */
    synchronized void close()
    {
        closed = true;
    }

    synchronized boolean closed()
    {
        return closed;
    }

    /**
     * Writes the last event of an execution closed by a stop, after every event it had written.
     *
     * @return the event written
     */
    synchronized HistoryRecord appendLast(String type, ObjectNode details, Instant at)
    {
        List<HistoryRecord> events = events(store, executionArn);
        long last = events.isEmpty() ? 0 : events.get(events.size() - 1).id();
        HistoryRecord record = new HistoryRecord(last + 1, last, type, at.toEpochMilli(), details.toString());
        store.put(StepFunctions.historyKey(executionArn, record.id()), record);
        written.accept(record);
        return record;
    }

    static List<HistoryRecord> events(RecordStore<HistoryRecord> store, String executionArn)
    {
        return List.copyOf(store.range(StepFunctions.historyKey(executionArn, 0), StepFunctions.historyEnd(executionArn)).values());
    }

    static HistoryRecord record(HistoryEvent event)
    {
        return new HistoryRecord(event.id(), event.previousEventId(), event.type(), event.timestamp().toEpochMilli(), event.details().toString());
    }

    static HistoryEvent event(HistoryRecord record)
    {
        try {
            return new HistoryEvent(record.id(), record.previousEventId(), record.type(), Instant.ofEpochMilli(record.timestampMillis()),
                    (ObjectNode) JSON.readTree(record.details()));
        }
        catch (JsonProcessingException e) {
            throw new UncheckedIOException("event " + record.id() + " is not stored as JSON", e);
        }
    }
}
