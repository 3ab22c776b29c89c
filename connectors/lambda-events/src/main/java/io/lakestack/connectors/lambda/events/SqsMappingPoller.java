package io.lakestack.connectors.lambda.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.spi.lambda.EventSourceMapping;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * One SQS queue's event source mapping on this instance, as Lambda polls a queue: workers that long-poll
 * {@code ReceiveMessage} through the SQS API, gather a batch ({@code BatchSize}, the 6 MB payload limit,
 * {@code MaximumBatchingWindowInSeconds} from the first message), invoke the function synchronously with the SQS event,
 * and delete what was processed: the whole batch on success, all but the reported {@code batchItemFailures} with
 * {@code ReportBatchItemFailures}, nothing when the function failed (the messages come back after the queue's visibility
 * timeout, and its {@code RedrivePolicy} moves them to the dead-letter queue after {@code maxReceiveCount} receives).
 * Messages that match no filter are deleted without an invocation, as Lambda does.
 *
 * <p>Concurrency: {@code ScalingConfig.MaximumConcurrency} workers, or {@value #DEFAULT_CONCURRENCY} when it is not set;
 * each has at most one batch at a time. SQS hands a message to one receiver, so the workers of every instance poll the
 * queue side by side; a FIFO queue hands out no message of a group while one of it is in flight, so the batches of a
 * group are invoked one after another, in order.
 */
final class SqsMappingPoller
        implements EventSourcePollers.Poller
{
    private static final Logger log = LoggerFactory.getLogger(SqsMappingPoller.class);
    /** Workers when the mapping sets no {@code MaximumConcurrency}: enough for a local stack, few enough for a laptop. */
    static final int DEFAULT_CONCURRENCY = 5;
    /** Lambda's limit on a synchronous invocation's payload, less the event's envelope ({@code {"Records":[]}}). */
    static final int MAXIMUM_PAYLOAD_BYTES = 6 * 1024 * 1024 - 16;
    private static final int LONG_POLL_SECONDS = 20;
    /** How long a stop waits for invocations in progress; a worker in a long poll is not waited for. */
    private static final long STOP_SECONDS = 60;
    /** A batch that could not be invoked (throttled, no function) waits this long before the worker receives again. */
    private static final long INVOKE_RETRY_MILLIS = 1_000;

    private final EventSourceMapping mapping;
    private final SqsClient sqs;
    private final Invoker invoker;
    private final Clock clock;
    private final MappingPoller.StatusSink status;
    private final String initialState;
    private final SqsEventFormat format;
    private final int concurrency;
    private final Thread starter;
    private final List<Thread> workers = new ArrayList<>();
    private final AtomicInteger invoking = new AtomicInteger();
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile String lastResult;
    private volatile String queueUrl;
    private volatile FilterCriteria filters;

    SqsMappingPoller(EventSourceMapping mapping, SqsClient sqs, Invoker invoker, Clock clock, MappingPoller.StatusSink status, String initialState,
            String lastResult)
    {
        this.mapping = requireNonNull(mapping, "mapping is null");
        this.sqs = requireNonNull(sqs, "sqs is null");
        this.invoker = requireNonNull(invoker, "invoker is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.status = requireNonNull(status, "status is null");
        this.initialState = requireNonNull(initialState, "initialState is null");
        this.lastResult = requireNonNull(lastResult, "lastResult is null");
        this.format = new SqsEventFormat(mapping.eventSourceArn().orElseThrow(() -> new IllegalArgumentException("an SQS mapping without a queue ARN")));
        this.concurrency = mapping.maximumConcurrency() > 0 ? mapping.maximumConcurrency() : DEFAULT_CONCURRENCY;
        this.starter = new Thread(this::begin, "lambda-esm-" + mapping.uuid());
        starter.setDaemon(true);
    }

    @Override
    public EventSourceMapping mapping()
    {
        return mapping;
    }

    SqsMappingPoller start()
    {
        starter.start();
        return this;
    }

    private void report(String state, String result)
    {
        if (running) {
            status.status(state, result);
        }
    }

    /** Finds the queue (waiting for it while it does not exist), then starts the workers. */
    private void begin()
    {
        try {
            report(initialState, lastResult);
            try {
                filters = FilterCriteria.compile(mapping.filterPatterns());
            }
            catch (IllegalArgumentException e) {
                log.error("event source mapping {} cannot start: {}", mapping.uuid(), e.getMessage());
                report("Disabled", "PROBLEM: " + e.getMessage());
                return;
            }
            String queue = mapping.queueName().orElseThrow();
            long wait = 500;
            while (running && queueUrl == null) {
                try {
                    queueUrl = sqs.getQueueUrl(request -> request.queueName(queue)).queueUrl();
                }
                catch (SdkException e) {
                    boolean missing = e instanceof QueueDoesNotExistException;
                    log.warn("event source mapping {}: cannot find the queue {}, trying again in {} ms: {}", mapping.uuid(), queue, wait, e.getMessage());
                    if (missing) {
                        report(initialState, "PROBLEM: the queue " + queue + " does not exist");
                    }
                    if (!pause(wait)) {
                        return;
                    }
                    wait = Math.min(wait * 2, 30_000);
                }
            }
            for (int index = 1; index <= concurrency && running; index++) {
                Thread worker = new Thread(this::work, "lambda-esm-" + mapping.uuid() + "-" + index);
                worker.setDaemon(true);
                workers.add(worker);
                worker.start();
            }
            report("Enabled", lastResult);
        }
        finally {
            started.countDown();
        }
    }

    private void work()
    {
        List<Message> carried = new ArrayList<>();
        while (running) {
            List<Message> batch;
            try {
                batch = gather(carried);
            }
            catch (SdkException e) {
                if (!running) {
                    return;
                }
                log.warn("event source mapping {}: ReceiveMessage of {} failed: {}", mapping.uuid(), mapping.queueName().orElseThrow(), e.getMessage());
                pause(INVOKE_RETRY_MILLIS);
                continue;
            }
            if (!running) {
                // a stop came during the long poll: what was received goes back to the queue at once, for the next poller
                batch.addAll(carried);
                release(batch);
                return;
            }
            if (!batch.isEmpty()) {
                process(batch);
            }
        }
        release(carried);
    }

    /**
     * Receives until the batch is full (BatchSize, or the payload limit) or its window ended; messages that would pass the
     * payload limit are carried to the worker's next batch.
     */
    private List<Message> gather(List<Message> carried)
    {
        List<Message> batch = new ArrayList<>();
        long bytes = 0;
        long windowMillis = mapping.maximumBatchingWindowSeconds() * 1000L;
        long deadline = Long.MAX_VALUE;
        List<Message> incoming = new ArrayList<>(carried);
        carried.clear();
        while (running) {
            for (Message message : incoming) {
                int size = Json.bytes(format.element(message)).length + 1;
                if (!batch.isEmpty() && (batch.size() >= mapping.batchSize() || bytes + size > MAXIMUM_PAYLOAD_BYTES)) {
                    carried.add(message);
                    continue;
                }
                if (batch.isEmpty()) {
                    deadline = clock.millis() + windowMillis;
                }
                batch.add(message);
                bytes += size;
            }
            incoming = List.of();
            if (!carried.isEmpty() || batch.size() >= mapping.batchSize() || !batch.isEmpty() && windowMillis == 0) {
                return batch;
            }
            long remaining = deadline - clock.millis();
            if (!batch.isEmpty() && remaining <= 0) {
                return batch;
            }
            int waitSeconds = batch.isEmpty() ? LONG_POLL_SECONDS : (int) Math.min(LONG_POLL_SECONDS, (remaining + 999) / 1000);
            int room = Math.min(10, mapping.batchSize() - batch.size());
            incoming = sqs.receiveMessage(request -> request.queueUrl(queueUrl).maxNumberOfMessages(room).waitTimeSeconds(waitSeconds)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL).messageAttributeNames("All")).messages();
        }
        return batch;
    }

    private void process(List<Message> batch)
    {
        List<Message> passed = new ArrayList<>();
        List<Message> filtered = new ArrayList<>();
        List<ObjectNode> elements = new ArrayList<>();
        for (Message message : batch) {
            ObjectNode element = format.element(message);
            if (filters.matches(SqsEventFormat.filterView(element))) {
                passed.add(message);
                elements.add(element);
            }
            else {
                filtered.add(message);
            }
        }
        delete(filtered);
        if (passed.isEmpty()) {
            return;
        }
        invoking.incrementAndGet();
        try {
            Invoker.Invocation invocation;
            try {
                invocation = invoker.invoke(mapping.functionArn(), SqsEventFormat.event(elements), Optional.empty());
            }
            catch (Invoker.InvokeException e) {
                // the function did not run: the messages come back after their visibility timeout
                log.warn("event source mapping {}: invoking {} failed: {}", mapping.uuid(), mapping.functionArn(), e.getMessage());
                result("PROBLEM: " + e.errorCode());
                pause(INVOKE_RETRY_MILLIS);
                return;
            }
            if (invocation.failed()) {
                log.info("event source mapping {}: {} failed on a batch of {} messages; they come back after the visibility timeout", mapping.uuid(),
                        mapping.functionArn(), passed.size());
                result("PROBLEM: Function call failed");
                return;
            }
            Optional<Set<String>> failures = mapping.reportBatchItemFailures() ? itemFailures(invocation.payload(), passed) : Optional.of(Set.of());
            if (failures.isEmpty()) {
                log.warn("event source mapping {}: {} answered an invalid batchItemFailures response; the whole batch is retried", mapping.uuid(),
                        mapping.functionArn());
                result("PROBLEM: Function call failed");
                return;
            }
            delete(passed.stream().filter(message -> !failures.get().contains(message.messageId())).toList());
            result("OK");
        }
        finally {
            invoking.decrementAndGet();
        }
    }

    /**
     * The ids of the messages the function reported as failed, as Lambda reads a {@code batchItemFailures} response:
     * nothing, {@code null}, an object without {@code batchItemFailures} or with an empty or null one is a success; an
     * entry without a string {@code itemIdentifier} of a message of the batch makes the response invalid (empty).
     */
    static Optional<Set<String>> itemFailures(byte[] payload, List<Message> batch)
    {
        String text = new String(payload, UTF_8).trim();
        if (text.isEmpty() || text.equals("null")) {
            return Optional.of(Set.of());
        }
        Optional<JsonNode> response = Json.parse(payload);
        if (response.isEmpty() || !response.get().isObject()) {
            return Optional.empty();
        }
        JsonNode failures = response.get().get("batchItemFailures");
        if (failures == null || failures.isNull()) {
            return Optional.of(Set.of());
        }
        if (!failures.isArray()) {
            return Optional.empty();
        }
        Set<String> ids = new HashSet<>();
        batch.forEach(message -> ids.add(message.messageId()));
        Set<String> failed = new HashSet<>();
        for (JsonNode failure : failures) {
            JsonNode id = failure.get("itemIdentifier");
            if (id == null || !id.isTextual() || id.asText().isEmpty() || !ids.contains(id.asText())) {
                return Optional.empty();
            }
            failed.add(id.asText());
        }
        return Optional.of(Set.copyOf(failed));
    }

    private void result(String result)
    {
        if (!result.equals(lastResult)) {
            lastResult = result;
            report("Enabled", result);
        }
    }

    private void delete(List<Message> messages)
    {
        for (int start = 0; start < messages.size(); start += 10) {
            List<Message> chunk = messages.subList(start, Math.min(messages.size(), start + 10));
            List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int index = 0; index < chunk.size(); index++) {
                entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(index)).receiptHandle(chunk.get(index).receiptHandle()).build());
            }
            try {
                DeleteMessageBatchResponse response = sqs.deleteMessageBatch(request -> request.queueUrl(queueUrl).entries(entries));
                response.failed().forEach(failure -> log.warn("event source mapping {}: deleting a message of {} failed ({}: {}); it is invoked again",
                        mapping.uuid(), mapping.queueName().orElseThrow(), failure.code(), failure.message()));
            }
            catch (SdkException e) {
                log.warn("event source mapping {}: DeleteMessageBatch on {} failed; its messages are invoked again: {}", mapping.uuid(),
                        mapping.queueName().orElseThrow(), e.getMessage());
            }
        }
    }

    /** Makes received messages visible again at once. */
    private void release(List<Message> messages)
    {
        for (int start = 0; start < messages.size(); start += 10) {
            List<Message> chunk = messages.subList(start, Math.min(messages.size(), start + 10));
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            for (int index = 0; index < chunk.size(); index++) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(Integer.toString(index)).receiptHandle(chunk.get(index).receiptHandle())
                        .visibilityTimeout(0).build());
            }
            try {
                sqs.changeMessageVisibilityBatch(request -> request.queueUrl(queueUrl).entries(entries));
            }
            catch (SdkException e) {
                log.debug("event source mapping {}: releasing messages of {} failed; they come back after their visibility timeout", mapping.uuid(),
                        mapping.queueName().orElseThrow(), e);
            }
        }
    }

    /** Waits, unless the poller stops; false when it did. */
    private boolean pause(long millis)
    {
        try {
            Thread.sleep(millis);
            return running;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Stops receiving; invocations in progress finish (up to a minute is waited for) and their messages are deleted as
     * usual. A worker in a long poll is not waited for: once the poll returns, it makes what it received visible again.
     */
    @Override
    public void close()
    {
        running = false;
        starter.interrupt();
        try {
            started.await(STOP_SECONDS, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STOP_SECONDS);
            while (invoking.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (invoking.get() > 0) {
            log.warn("event source mapping {}: an invocation still runs after {} s; its messages come back after their visibility timeout", mapping.uuid(),
                    STOP_SECONDS);
        }
    }
}
