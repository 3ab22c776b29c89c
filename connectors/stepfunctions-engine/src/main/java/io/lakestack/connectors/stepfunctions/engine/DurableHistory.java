package io.lakestack.connectors.stepfunctions.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.connectors.stepfunctions.HistoryEvent;
import io.lakestack.connectors.stepfunctions.HistorySink;
import io.lakestack.spi.stepfunctions.HistoryRecord;
import io.lakestack.spi.stepfunctions.StepFunctions;
import io.lakestack.spi.store.RecordStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * One execution's history in the record store {@value StepFunctions#HISTORY_STORE}. {@link #append} returns once the
 * event is stored (Kafka acknowledged it and this instance read it back) when the step after it can have an effect
 * outside the execution: a task or activity scheduled, a task's result, a Wait, the execution's end, and every event
 * of a type not known to be internal. The events of steps that only change the execution's own state (a Pass, a
 * Choice, a state entered or exited, a branch or iteration started) are sent without waiting, in order, and are
 * durable by the time the next event of the first kind is: a kill -9 between the two loses only events that a resumed
 * execution writes again the same way, after the last stored one, and nothing outside the execution had seen. The
 * history refuses every event once the execution is {@linkplain #close closed} (stopped or handed over), so that
 * nothing is written after the event that ends it.
 */
final class DurableHistory
        implements HistorySink
{
    private static final Logger log = LoggerFactory.getLogger(DurableHistory.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The events of steps with no effect outside the execution: stored without waiting. */
    private static final Set<String> INTERNAL = Set.of("ExecutionStarted",
            "PassStateEntered", "PassStateExited", "ChoiceStateEntered", "ChoiceStateExited", "SucceedStateEntered", "SucceedStateExited",
            "FailStateEntered", "TaskStateEntered", "TaskStateExited", "WaitStateExited",
            "ParallelStateEntered", "ParallelStateExited", "ParallelStateStarted", "ParallelStateSucceeded", "ParallelStateFailed",
            "MapStateEntered", "MapStateExited", "MapStateStarted", "MapStateSucceeded", "MapStateFailed",
            "MapIterationStarted", "MapIterationSucceeded", "MapIterationFailed", "MapIterationAborted");

    private final RecordStore<HistoryRecord> store;
    private final String executionArn;
    private final Consumer<HistoryRecord> written;
    /** Events sent without waiting whose acknowledgement has not been checked yet, in the order they were sent. */
    private final List<Unconfirmed> unconfirmed = new ArrayList<>();
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
        String key = StepFunctions.historyKey(executionArn, event.id());
        if (INTERNAL.contains(event.type())) {
            unconfirmed.add(new Unconfirmed(record, store.putAsync(key, record)));
            return;
        }
        store.put(key, record);
        // acknowledged in order: every event sent before this one is done
        confirm();
        written.accept(record);
    }

    private record Unconfirmed(HistoryRecord record, CompletableFuture<Void> write) {}

    /**
     * Checks that every event sent without waiting was stored, waiting for those still on their way, and tells of
     * each in order.
     */
    private void confirm()
    {
        try {
            for (Unconfirmed event : unconfirmed) {
                event.write().join();
                written.accept(event.record());
            }
        }
        catch (CompletionException e) {
            throw new IllegalStateException("an event of execution " + executionArn + " could not be stored: " + e.getCause().getMessage(), e.getCause());
        }
        finally {
            unconfirmed.clear();
        }
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
        // the events sent without waiting are stored (or failed) and read back before the last one is numbered
        try {
            confirm();
        }
        catch (IllegalStateException e) {
            // the last event follows those stored, as a resumed execution's next event would
            log.warn("ending execution {} after the events that were stored", executionArn, e);
        }
        store.catchUp();
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
