package io.lakestack.connectors.stepfunctions.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.connectors.stepfunctions.HistoryEvent;
import io.lakestack.connectors.stepfunctions.HistorySink;
import io.lakestack.spi.stepfunctions.HistoryPage;
import io.lakestack.spi.stepfunctions.HistoryRecord;
import io.lakestack.spi.stepfunctions.StepFunctions;
import io.lakestack.spi.store.RecordStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * One execution's history in the record store {@value StepFunctions#HISTORY_STORE}, as {@linkplain HistoryPage pages}
 * of consecutive events. {@link #append} returns once the event is stored (Kafka acknowledged it and this instance
 * read it back) when the step after it can have an effect outside the execution: a task or activity scheduled, a
 * task's result, a Wait, the execution's end, and every event of a type not known to be internal. The events of steps
 * that only change the execution's own state (a Pass, a Choice, a state entered or exited, a branch or iteration
 * started) are kept until then and stored in the same page as that event, in one write; a page that would grow past
 * {@value #PAGE_BYTES} bytes of details is sent without waiting, and is durable by the time the next event of the
 * first kind is. A kill -9 before that loses only events that a resumed execution writes again the same way, after
 * the last stored one, and nothing outside the execution had seen. The history refuses every event once the execution
 * is {@linkplain #close closed} (stopped or handed over), so that nothing is written after the event that ends it.
 */
final class DurableHistory
        implements HistorySink
{
    private static final Logger log = LoggerFactory.getLogger(DurableHistory.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The events of steps with no effect outside the execution: stored with the next event that has one. */
    private static final Set<String> INTERNAL = Set.of("ExecutionStarted",
            "PassStateEntered", "PassStateExited", "ChoiceStateEntered", "ChoiceStateExited", "SucceedStateEntered", "SucceedStateExited",
            "FailStateEntered", "TaskStateEntered", "TaskStateExited", "WaitStateExited",
            "ParallelStateEntered", "ParallelStateExited", "ParallelStateStarted", "ParallelStateSucceeded", "ParallelStateFailed",
            "MapStateEntered", "MapStateExited", "MapStateStarted", "MapStateSucceeded", "MapStateFailed",
            "MapIterationStarted", "MapIterationSucceeded", "MapIterationFailed", "MapIterationAborted");
    /** The details of the events of a page of more than one event add up to at most this many bytes (a record of Kafka's default 1 MB). */
    static final int PAGE_BYTES = 256 * 1024;

    private final RecordStore<HistoryPage> store;
    private final String executionArn;
    private final Consumer<HistoryRecord> written;
    /** Internal events not sent yet, in order, and the length of their details. */
    private final List<HistoryRecord> pending = new ArrayList<>();
    private int pendingBytes;
    /** Pages sent without waiting whose acknowledgement has not been checked yet, in the order they were sent. */
    private final List<Unconfirmed> unconfirmed = new ArrayList<>();
    private long lastTimestampMillis = -1;
    private boolean closed;

    DurableHistory(RecordStore<HistoryPage> store, String executionArn)
    {
        this(store, executionArn, record -> {});
    }

    /** @param written told of each event once it is stored (to log it) */
    DurableHistory(RecordStore<HistoryPage> store, String executionArn, Consumer<HistoryRecord> written)
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
        lastTimestampMillis = record.timestampMillis();
        if (!pending.isEmpty() && pendingBytes + record.details().length() > PAGE_BYTES) {
            send();
        }
        pending.add(record);
        pendingBytes += record.details().length();
        if (!INTERNAL.contains(event.type())) {
            List<HistoryRecord> page = List.copyOf(pending);
            pending.clear();
            pendingBytes = 0;
            store.put(key(page), new HistoryPage(page));
            // acknowledged in order: every page sent before this one is done
            confirm();
            page.forEach(written);
        }
    }

    /** Sends the pending events as a page without waiting. */
    private void send()
    {
        List<HistoryRecord> page = List.copyOf(pending);
        pending.clear();
        pendingBytes = 0;
        unconfirmed.add(new Unconfirmed(page, store.putAsync(key(page), new HistoryPage(page))));
    }

    private String key(List<HistoryRecord> page)
    {
        return StepFunctions.historyKey(executionArn, page.get(0).id());
    }

    private record Unconfirmed(List<HistoryRecord> events, CompletableFuture<Void> write) {}

    /**
     * Checks that every page sent without waiting was stored, waiting for those still on their way, and tells of
     * each event in order.
     */
    private void confirm()
    {
        try {
            for (Unconfirmed page : unconfirmed) {
                page.write().join();
                page.events().forEach(written);
            }
        }
        catch (CompletionException e) {
            throw new IllegalStateException("an event of execution " + executionArn + " could not be stored: " + e.getCause().getMessage(), e.getCause());
        }
        finally {
            unconfirmed.clear();
        }
    }

    /** The time of the last event appended, or empty before the first. */
    synchronized OptionalLong lastTimestampMillis()
    {
        return lastTimestampMillis < 0 ? OptionalLong.empty() : OptionalLong.of(lastTimestampMillis);
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
     * Writes the last event of an execution closed by a stop, after every event it had written (the internal events
     * not sent yet in the same page).
     *
     * @return the event written
     */
    synchronized HistoryRecord appendLast(String type, ObjectNode details, Instant at)
    {
        // the pages sent without waiting are stored (or failed) and read back before the last event is numbered
        try {
            confirm();
        }
        catch (IllegalStateException e) {
            // the last event follows those stored, as a resumed execution's next event would
            log.warn("ending execution {} after the events that were stored", executionArn, e);
        }
        store.catchUp();
        List<HistoryRecord> events = events(store, executionArn);
        long stored = events.isEmpty() ? 0 : events.get(events.size() - 1).id();
        List<HistoryRecord> page = new ArrayList<>();
        for (HistoryRecord event : pending) {
            if (event.id() > stored) {
                page.add(event);
            }
        }
        pending.clear();
        pendingBytes = 0;
        long last = page.isEmpty() ? stored : page.get(page.size() - 1).id();
        HistoryRecord record = new HistoryRecord(last + 1, last, type, at.toEpochMilli(), details.toString());
        page.add(record);
        store.put(key(page), new HistoryPage(page));
        page.forEach(written);
        lastTimestampMillis = record.timestampMillis();
        return record;
    }

    static List<HistoryRecord> events(RecordStore<HistoryPage> store, String executionArn)
    {
        return StepFunctions.history(store, executionArn);
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
