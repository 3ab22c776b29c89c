package io.lakestack.connectors.lambda.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.spi.lambda.EventSourceMapping;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.util.Objects.requireNonNull;

/**
 * The pure core of one shard (a Kinesis stream's) or partition (a Kafka topic's) of an event source mapping: it batches
 * the records, invokes the function, handles what it answers and says up to where the records are done. It neither
 * reads Kafka nor keeps time: records come in through {@link #add}, time from a {@link Clock}, and whoever drives it runs
 * each {@link Lane} when it is {@linkplain Lane#dueAt() due} (at most one thread per lane at a time) and commits
 * {@link #position()}.
 *
 * <p>Every setting is applied as Lambda documents it (<a href="https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html">Kinesis</a>,
 * <a href="https://docs.aws.amazon.com/lambda/latest/dg/with-kafka.html">Kafka</a>, <a
 * href="https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html">batching behaviour</a>):
 * <ul>
 *   <li>a batch holds up to {@code BatchSize} records and at most a 6 MB event; it is invoked when full, or when the
 *       batching window has passed: for Kinesis {@code MaximumBatchingWindowInSeconds} after the previous invocation ended,
 *       for Kafka after its first record came (500 ms when the window is 0, Kafka's default);</li>
 *   <li>records are invoked in order; with {@code ParallelizationFactor} n, the shard's records are split by ordering key
 *       (the partition key) into n lanes run concurrently, each in order;</li>
 *   <li>a function error retries the batch, blocking its lane, after a pause that doubles ({@link Timing}); with
 *       {@code BisectBatchOnFunctionError} a failed batch of more than one record is split in two halves (the first
 *       {@code size / 2} records, then the rest), retried at once without counting an attempt; a batch of one that fails
 *       counts an attempt, and after {@code MaximumRetryAttempts} retries (-1: no limit) it is given up;</li>
 *   <li>records older than {@code MaximumRecordAgeInSeconds} are given up before an invocation;</li>
 *   <li>throttles and errors of Lambda itself are retried with the same pause and never count;</li>
 *   <li>{@code ReportBatchItemFailures}: the records before the lowest reported item are done, the rest is retried (an
 *       empty or null list, or no response, is success; an empty, null or unknown {@code itemIdentifier} fails the
 *       whole batch);</li>
 *   <li>{@code TumblingWindowInSeconds}: windows by arrival time; batches never span two windows; the state the function
 *       returns is handed to the next invocation of the window; when the window is over, a last invocation with no records
 *       and {@code isFinalInvokeForWindow} true; a state above 1 MB ends the window early ({@code isWindowTerminatedEarly});
 *       a response without {@code state} is a failure; the records of a window are done only when its final invocation
 *       succeeded, so that a restart aggregates the window again rather than losing it;</li>
 *   <li>records no filter matches are done without an invocation.</li>
 * </ul>
 * A given-up batch goes to {@link StreamFailures}; until that succeeds it is not done and its lane waits.
 */
final class ShardProcessor
{
    private static final Logger log = LoggerFactory.getLogger(ShardProcessor.class);

    /**
     * @param retryBackoff the pause before the first retry of a failed batch; each further retry doubles it
     * @param maximumRetryBackoff the longest pause between retries
     * @param windowCloseDelay how long after a tumbling window's end its final invocation waits for late records
     * @param payloadLimit the largest event, Lambda's 6 MB for synchronous invocations
     * @param stateLimit the largest tumbling window state, 1 MB on Lambda
     */
    record Timing(Duration retryBackoff, Duration maximumRetryBackoff, Duration windowCloseDelay, Duration kafkaDefaultBatchingWindow, int payloadLimit,
            int stateLimit)
    {
        static final Timing LAMBDA = new Timing(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMillis(500),
                6 * 1024 * 1024, 1024 * 1024);
    }

    /** What happened, for the mapping's status. */
    interface Listener
    {
        Listener NONE = new Listener()
        {
        };

        default void invoked(boolean functionError)
        {
        }
    }

    private final EventSourceMapping mapping;
    private final EventFormat format;
    private final FilterCriteria filters;
    private final int partition;
    private final Invoker invoker;
    private final StreamFailures failures;
    private final Listener listener;
    private final Clock clock;
    private final Timing timing;
    private final OffsetTracker checkpoints = new OffsetTracker();
    private final List<Lane> lanes;

    ShardProcessor(EventSourceMapping mapping, EventFormat format, FilterCriteria filters, int partition, Invoker invoker, StreamFailures failures,
            Listener listener, Clock clock, Timing timing)
    {
        this.mapping = requireNonNull(mapping, "mapping is null");
        this.format = requireNonNull(format, "format is null");
        this.filters = requireNonNull(filters, "filters is null");
        this.partition = partition;
        this.invoker = requireNonNull(invoker, "invoker is null");
        this.failures = requireNonNull(failures, "failures is null");
        this.listener = requireNonNull(listener, "listener is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.timing = requireNonNull(timing, "timing is null");
        List<Lane> created = new ArrayList<>();
        for (int i = 0; i < Math.max(1, mapping.parallelizationFactor()); i++) {
            created.add(new Lane(i));
        }
        this.lanes = List.copyOf(created);
    }

    int partition()
    {
        return partition;
    }

    List<Lane> lanes()
    {
        return lanes;
    }

    /** Takes the next records of the partition, in offset order. */
    void add(List<StreamRecord> records)
    {
        long now = clock.millis();
        for (StreamRecord record : records) {
            checkpoints.track(record.offset());
            if (!filters.isEmpty() && !filters.matches(format.filterView(record))) {
                checkpoints.done(record.offset());
                continue;
            }
            Lane lane = lanes.size() == 1 ? lanes.get(0) : lanes.get(Math.floorMod(format.orderingKey(record).hashCode(), lanes.size()));
            lane.enqueue(new Pending(record, format.element(record), now));
        }
    }

    /** The offset to commit: every record before it is done. Empty before the first record. */
    OptionalLong position()
    {
        return checkpoints.position();
    }

    /** Records taken but not yet in a batch. */
    int buffered()
    {
        return lanes.stream().mapToInt(Lane::queued).sum();
    }

    /** The earliest time a lane has something to do; {@link Long#MAX_VALUE} when none has. */
    long dueAt()
    {
        return lanes.stream().mapToLong(Lane::dueAt).min().orElse(Long.MAX_VALUE);
    }

    private long backoff(int failures)
    {
        long millis = timing.retryBackoff().toMillis() << Math.min(20, Math.max(0, failures - 1));
        return Math.min(millis, timing.maximumRetryBackoff().toMillis());
    }

    private long batchingWindowMillis()
    {
        if (mapping.kind() == EventSourceMapping.Kind.KAFKA && mapping.maximumBatchingWindowSeconds() == 0) {
            return timing.kafkaDefaultBatchingWindow().toMillis();
        }
        return mapping.maximumBatchingWindowSeconds() * 1000L;
    }

    private record Pending(StreamRecord record, EventFormat.Element element, long seenAtMillis)
    {
    }

    /** A batch on its way: its records, and what befell them so far. */
    private static final class Batch
    {
        final List<Pending> records;
        final boolean finalWindowInvoke;
        int attempts;
        int invocations;
        int serviceErrors;
        Optional<Invoker.Invocation> lastResponse = Optional.empty();
        long notBefore;

        Batch(List<Pending> records, boolean finalWindowInvoke)
        {
            this.records = new ArrayList<>(records);
            this.finalWindowInvoke = finalWindowInvoke;
        }

        Batch part(List<Pending> subset)
        {
            Batch part = new Batch(subset, false);
            part.attempts = attempts;
            part.invocations = invocations;
            part.lastResponse = lastResponse;
            return part;
        }
    }

    /** An open tumbling window of a lane. */
    private static final class Window
    {
        final long start;
        final long end;
        JsonNode state = Json.object();
        boolean terminatedEarly;
        final List<Pending> held = new ArrayList<>();

        Window(long start, long end)
        {
            this.start = start;
            this.end = end;
        }
    }

    /**
     * The records of one ordering lane, processed in order. {@link #enqueue} may run on any thread; {@link #run} on one
     * thread at a time.
     */
    final class Lane
    {
        private final int index;
        private final Deque<Pending> queue = new ArrayDeque<>();
        private final Deque<Batch> pinned = new ArrayDeque<>();
        private final AtomicBoolean running = new AtomicBoolean();
        private long queuedBytes;
        private long lastCompletedAt;
        private Batch current;
        private Window window;
        private StreamFailures.GiveUp undelivered;
        private int deliveryFailures;
        private long deliveryNotBefore;

        Lane(int index)
        {
            this.index = index;
            this.lastCompletedAt = clock.millis();
        }

        int index()
        {
            return index;
        }

        /** Marks the lane as run by the caller; false when another thread runs it. */
        boolean tryClaim()
        {
            return running.compareAndSet(false, true);
        }

        void release()
        {
            running.set(false);
        }

        /** Whether a thread runs the lane now. */
        boolean busy()
        {
            return running.get();
        }

        private synchronized void enqueue(Pending pending)
        {
            queue.add(pending);
            queuedBytes += pending.element().size();
        }

        synchronized int queued()
        {
            return queue.size();
        }

        /** When the lane has something to do next: now or earlier when it has, {@link Long#MAX_VALUE} when it waits for records. */
        synchronized long dueAt()
        {
            long now = clock.millis();
            if (undelivered != null) {
                return deliveryNotBefore;
            }
            if (current != null) {
                return current.notBefore;
            }
            if (!pinned.isEmpty()) {
                return now;
            }
            if (window != null) {
                if (window.terminatedEarly || !queue.isEmpty() && windowStart(queue.peek()) != window.start) {
                    return now;
                }
                if (queue.isEmpty()) {
                    return window.end + timing.windowCloseDelay().toMillis();
                }
            }
            if (queue.isEmpty()) {
                return Long.MAX_VALUE;
            }
            if (full() || laterWindowQueued()) {
                return now;
            }
            long windowMillis = batchingWindowMillis();
            return mapping.kind() == EventSourceMapping.Kind.KAFKA ? queue.peek().seenAtMillis() + windowMillis : lastCompletedAt + windowMillis;
        }

        private boolean full()
        {
            if (queue.size() >= mapping.batchSize()) {
                return true;
            }
            long size = format.envelopeSize(partition, Optional.empty()) + queuedBytes + queue.size() - 1;
            return size >= timing.payloadLimit();
        }

        private boolean laterWindowQueued()
        {
            if (mapping.tumblingWindowSeconds() <= 0 || queue.isEmpty()) {
                return false;
            }
            long first = windowStart(queue.peekFirst());
            return windowStart(queue.peekLast()) != first;
        }

        private long windowStart(Pending pending)
        {
            long length = mapping.tumblingWindowSeconds() * 1000L;
            return Math.floorDiv(pending.record().timestampMillis(), length) * length;
        }

        /** Does what is due: at most one invocation or one delivery. */
        void run()
        {
            long now = clock.millis();
            if (undelivered != null) {
                if (now >= deliveryNotBefore) {
                    deliver(undelivered);
                }
                return;
            }
            if (current == null) {
                current = nextBatch(now);
                if (current == null) {
                    return;
                }
            }
            if (now < current.notBefore) {
                return;
            }
            if (!current.finalWindowInvoke && mapping.maximumRecordAgeSeconds() >= 0) {
                long oldest = now - mapping.maximumRecordAgeSeconds() * 1000L;
                int expired = 0;
                while (expired < current.records.size() && current.records.get(expired).record().timestampMillis() < oldest) {
                    expired++;
                }
                if (expired > 0) {
                    List<Pending> old = new ArrayList<>(current.records.subList(0, expired));
                    Batch rest = current.part(current.records.subList(expired, current.records.size()));
                    current = rest.records.isEmpty() ? null : rest;
                    giveUp(old, StreamFailures.RECORD_AGE_EXCEEDED, rest.invocations, rest.lastResponse);
                    return;
                }
            }
            Optional<EventFormat.WindowFields> fields = Optional.ofNullable(window).map(open -> new EventFormat.WindowFields(open.start, open.end,
                    open.state, format.partitionName(partition), mapping.eventSourceArn().orElse(""), current.finalWindowInvoke, open.terminatedEarly));
            byte[] event = format.event(partition, elements(current.records), fields);
            if (event.length > timing.payloadLimit() && current.records.size() == 1) {
                Batch tooLarge = current;
                current = null;
                giveUp(tooLarge.records, StreamFailures.PAYLOAD_SIZE_EXCEEDED, tooLarge.invocations, Optional.empty());
                return;
            }
            if (event.length > timing.payloadLimit() && current.records.size() > 1) {
                // the window's state grew since the batch was formed
                int half = current.records.size() / 2;
                pinned.addFirst(current.part(current.records.subList(half, current.records.size())));
                current = current.part(current.records.subList(0, half));
                return;
            }
            invoke(current, event, now);
        }

        private Batch nextBatch(long now)
        {
            if (!pinned.isEmpty()) {
                return pinned.poll();
            }
            synchronized (this) {
                if (window != null && (window.terminatedEarly || !queue.isEmpty() && windowStart(queue.peek()) != window.start
                        || queue.isEmpty() && now >= window.end + timing.windowCloseDelay().toMillis())) {
                    return new Batch(List.of(), true);
                }
                if (queue.isEmpty() || dueAt() > now) {
                    return null;
                }
                long windowStart = mapping.tumblingWindowSeconds() > 0 ? windowStart(queue.peek()) : 0;
                if (mapping.tumblingWindowSeconds() > 0 && window == null) {
                    window = new Window(windowStart, windowStart + mapping.tumblingWindowSeconds() * 1000L);
                }
                Optional<EventFormat.WindowFields> fields = Optional.ofNullable(window).map(open -> new EventFormat.WindowFields(open.start, open.end,
                        open.state, format.partitionName(partition), mapping.eventSourceArn().orElse(""), false, false));
                long size = format.envelopeSize(partition, fields);
                List<Pending> taken = new ArrayList<>();
                while (!queue.isEmpty() && taken.size() < mapping.batchSize()) {
                    Pending next = queue.peek();
                    if (mapping.tumblingWindowSeconds() > 0 && windowStart(next) != windowStart) {
                        break;
                    }
                    long added = next.element().size() + (taken.isEmpty() ? 0 : 1);
                    if (!taken.isEmpty() && size + added > timing.payloadLimit()) {
                        break;
                    }
                    size += added;
                    taken.add(queue.poll());
                    queuedBytes -= next.element().size();
                }
                return new Batch(taken, false);
            }
        }

        private void invoke(Batch batch, byte[] event, long now)
        {
            Invoker.Invocation result;
            try {
                result = invoker.invoke(mapping.functionArn(), event, Optional.empty());
            }
            catch (Invoker.InvokeException e) {
                batch.serviceErrors++;
                batch.notBefore = now + backoff(batch.serviceErrors);
                log.warn("event source mapping {} could not invoke {} ({} {}), retrying in {} ms: {}", mapping.uuid(), mapping.functionArn(), e.statusCode(),
                        e.errorCode(), batch.notBefore - now, e.getMessage());
                return;
            }
            batch.invocations++;
            batch.serviceErrors = 0;
            batch.lastResponse = Optional.of(result);
            listener.invoked(result.failed());
            if (result.failed()) {
                failed(batch, now);
                return;
            }
            Optional<JsonNode> response = Json.parse(result.payload());
            if (batch.finalWindowInvoke) {
                closeWindow();
                current = null;
                lastCompletedAt = now;
                return;
            }
            if (window != null) {
                JsonNode state = response.map(node -> node.get("state")).orElse(null);
                if (state == null || !state.isObject()) {
                    log.warn("event source mapping {}: {} answered without a state in tumbling window {}; the batch failed", mapping.uuid(),
                            mapping.functionArn(), Json.ISO_SECONDS.format(java.time.Instant.ofEpochMilli(window.start)));
                    failed(batch, now);
                    return;
                }
            }
            int failedFrom = mapping.reportBatchItemFailures() ? firstFailedItem(batch, response) : batch.records.size();
            if (failedFrom < 0) {
                failed(batch, now);
                return;
            }
            if (window != null) {
                window.state = response.get().get("state");
                if (Json.bytes(window.state).length > timing.stateLimit()) {
                    window.terminatedEarly = true;
                }
            }
            done(batch.records.subList(0, failedFrom));
            lastCompletedAt = now;
            if (failedFrom == batch.records.size()) {
                current = null;
                return;
            }
            Batch rest = batch.part(batch.records.subList(failedFrom, batch.records.size()));
            current = rest;
            retryOrGiveUp(rest, now);
        }

        /** The index of the lowest reported item; the batch size when none is reported; -1 when the response fails the whole batch. */
        private int firstFailedItem(Batch batch, Optional<JsonNode> response)
        {
            JsonNode failures = response.map(node -> node.isObject() ? node.get("batchItemFailures") : null).orElse(null);
            if (failures == null || failures.isNull() || failures.isArray() && failures.isEmpty()) {
                return batch.records.size();
            }
            if (!failures.isArray()) {
                return -1;
            }
            int lowest = batch.records.size();
            for (JsonNode failure : failures) {
                JsonNode identifier = failure.get("itemIdentifier");
                if (identifier == null || !identifier.isTextual() || identifier.asText().isEmpty()) {
                    return -1;
                }
                int index = -1;
                for (int i = 0; i < batch.records.size(); i++) {
                    if (format.itemIdentifier(batch.records.get(i).record()).equals(identifier.asText())) {
                        index = i;
                        break;
                    }
                }
                if (index < 0) {
                    return -1;
                }
                lowest = Math.min(lowest, index);
            }
            return lowest;
        }

        private void failed(Batch batch, long now)
        {
            if (mapping.bisectBatchOnFunctionError() && batch.records.size() > 1 && !batch.finalWindowInvoke) {
                int half = batch.records.size() / 2;
                Batch first = batch.part(batch.records.subList(0, half));
                Batch second = batch.part(batch.records.subList(half, batch.records.size()));
                pinned.addFirst(second);
                first.notBefore = now;
                current = first;
                return;
            }
            retryOrGiveUp(batch, now);
        }

        private void retryOrGiveUp(Batch batch, long now)
        {
            batch.attempts++;
            if (mapping.maximumRetryAttempts() >= 0 && batch.attempts > mapping.maximumRetryAttempts()) {
                current = null;
                List<Pending> records = batch.finalWindowInvoke ? List.copyOf(window.held) : batch.records;
                if (batch.finalWindowInvoke) {
                    window.held.clear();
                    closeWindow();
                }
                if (records.isEmpty()) {
                    return;
                }
                giveUp(records, StreamFailures.RETRIES_EXHAUSTED, batch.invocations, batch.lastResponse);
                return;
            }
            batch.notBefore = now + backoff(batch.attempts);
        }

        private void giveUp(List<Pending> records, String condition, int invocations, Optional<Invoker.Invocation> lastResponse)
        {
            byte[] event = format.event(partition, elements(records), Optional.empty());
            undelivered = new StreamFailures.GiveUp(partition, records.stream().map(Pending::record).toList(), event, condition, invocations, lastResponse);
            deliveryFailures = 0;
            deliver(undelivered);
        }

        private void deliver(StreamFailures.GiveUp giveUp)
        {
            try {
                failures.deliver(giveUp);
            }
            catch (Destinations.DestinationException | RuntimeException e) {
                deliveryFailures++;
                deliveryNotBefore = clock.millis() + backoff(deliveryFailures);
                log.warn("event source mapping {}: cannot send the records given up ({} partition {} offsets {}-{}) to their destination, retrying in {} ms: {}",
                        mapping.uuid(), giveUp.records().get(0).topic(), partition, giveUp.records().get(0).offset(),
                        giveUp.records().get(giveUp.records().size() - 1).offset(), deliveryNotBefore - clock.millis(), e.toString());
                return;
            }
            undelivered = null;
            List<Pending> given = new ArrayList<>();
            for (StreamRecord record : giveUp.records()) {
                given.add(new Pending(record, EventFormat.Element.NONE, 0));
            }
            done(given);
        }

        private void done(List<Pending> records)
        {
            if (window != null) {
                window.held.addAll(records);
                return;
            }
            for (Pending pending : records) {
                checkpoints.done(pending.record().offset());
            }
        }

        private void closeWindow()
        {
            for (Pending pending : window.held) {
                checkpoints.done(pending.record().offset());
            }
            window = null;
        }

        private List<EventFormat.Element> elements(List<Pending> records)
        {
            List<EventFormat.Element> elements = new ArrayList<>(records.size());
            for (Pending pending : records) {
                elements.add(pending.element());
            }
            return elements;
        }

        /** For tests: the state of the open tumbling window. */
        synchronized Optional<ObjectNode> windowState()
        {
            return Optional.ofNullable(window).map(open -> (ObjectNode) open.state);
        }
    }
}
