package io.lakestack.backends.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.cluster.Instances;
import io.lakestack.spi.sqs.OutgoingMessage;
import io.lakestack.spi.sqs.Queue;
import io.lakestack.spi.sqs.Queues;
import io.lakestack.spi.sqs.ReceivedMessage;
import io.lakestack.spi.store.RecordStore;
import io.lakestack.spi.store.RecordStores;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/**
 * SQS queues on Kafka. A queue is two topics: {@code lakestack.sqs.<name>} holds its messages (S3 event notifications
 * to the queue are published there too) and {@code lakestack.sqs-events.<name>} the events that change them:
 * receives, deletions, visibility changes, purges. Definitions are in the record store {@value #STORE}.
 *
 * <p>Every instance reads both topics of every queue ({@link QueueReader}) and applies the events in order to the same
 * messages ({@link QueueState}). A receive proposes to take visible messages by writing a claim event and waits until
 * it has read it back: the claim takes effect only for the messages still visible at the claim's time in the order of
 * the event topic, so two receives on two instances never get the same message, and a receipt handle (the message's
 * place and its claim's offset) means the same thing on every instance, across restarts.
 *
 * <p>Why not Kafka's share groups, which hand out records with acquisition locks and count deliveries: a lock belongs to
 * the consumer that acquired it, so a receipt handle would die with the endpoint that handed it out (a restart would
 * make every message in flight visible at once, and another endpoint could not delete it); the lock duration is one
 * value per group, where SQS sets a visibility timeout per receive and per message (ChangeMessageVisibility); and share
 * groups have no delivery delay, no FIFO order per message group and no purge.
 */
public final class KafkaQueues
        implements Queues, AutoCloseable
{
    public static final String STORE = "sqs.queues";
    public static final String DELETIONS_STORE = "sqs.deleted-queues";
    public static final String TASKS_STORE = "sqs.message-move-tasks";
    public static final String TOPIC_PREFIX = "lakestack.sqs.";
    public static final String EVENTS_TOPIC_PREFIX = "lakestack.sqs-events.";

    private static final Logger log = LoggerFactory.getLogger(KafkaQueues.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int STANDARD_PARTITIONS = 3;
    /** How long a message being moved to the dead-letter queue stays invisible should the move not finish. */
    private static final long DEAD_LETTER_CLAIM_MILLIS = 60_000;
    private static final long PURGE_INTERVAL_MILLIS = 60_000;
    /** Topics keep records a day longer than the longest retention a queue may have; each queue applies its own. */
    private static final Duration TOPIC_RETENTION = Duration.ofDays(15);
    private static final long ATTEMPT_MILLIS = 5 * 60 * 1000;
    /** How long a receipt handle naming a receive this instance has not read yet waits for it. */
    private static final Duration HANDLE_WAIT = Duration.ofSeconds(5);

    private final RecordStore<Queue> definitions;
    private final RecordStore<Deletion> deletions;
    private final RecordStore<StoredMoveTask> tasks;
    private final KafkaTopics topics;
    private final Clock clock;
    private final Instances instances;
    private final RecordProducer producer;
    private final QueueReader reader;
    private final ObjectMapper json = KafkaRecordStores.mapper();
    private final Map<String, Object> sendLocks = new HashMap<>();
    private final Map<String, Attempt> attempts = new LinkedHashMap<>();
    private final Map<String, Thread> runningTasks = new HashMap<>();
    private volatile boolean closed;

    /** When a queue of a name was deleted. */
    public record Deletion(long millis) {}

    /** A message move task and the instance that runs it. */
    public record StoredMoveTask(MoveTask task, String owner)
    {
        public StoredMoveTask
        {
            requireNonNull(task, "task is null");
            requireNonNull(owner, "owner is null");
        }
    }

    /** FIFO: what a receive with a request attempt id got. */
    private record Attempt(String queue, long incarnation, List<ReceivedMessage> messages, long expiresMillis) {}

    /** A message a receive took, with the offset of its claim. */
    private record Claimed(QueueMessage message, long claim) {}

    /**
     * @param accountId the sender of messages that come from outside SQS (S3 event notifications)
     */
    public KafkaQueues(RecordStores stores, KafkaTopics topics, String bootstrapServers, String accountId, Clock clock, Instances instances)
    {
        this.definitions = requireNonNull(stores, "stores is null").open(STORE, Queue.class);
        this.deletions = stores.open(DELETIONS_STORE, Deletion.class);
        this.tasks = stores.open(TASKS_STORE, StoredMoveTask.class);
        this.topics = requireNonNull(topics, "topics is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.instances = requireNonNull(instances, "instances is null");
        producer = new RecordProducer(bootstrapServers, "lakestack-sqs");
        reader = new QueueReader(bootstrapServers, accountId).start();
        definitions.subscribe((name, queue) -> {
            if (queue.isPresent()) {
                reader.add(queue.get(), TOPIC_PREFIX + name, EVENTS_TOPIC_PREFIX + name);
            }
            else {
                reader.remove(name);
            }
        });
        definitions.all().values().forEach(queue -> reader.add(queue, TOPIC_PREFIX + queue.name(), EVENTS_TOPIC_PREFIX + queue.name()));
        instances.onDeparture(this::failTasksOf);
        // tasks whose instance is gone while this one was not running
        tasks.all().values().stream().map(StoredMoveTask::owner).distinct().filter(owner -> !instances.holdsLease(owner)).forEach(this::failTasksOf);
    }

    // definitions

    @Override
    public Optional<Queue> get(String name)
    {
        return definitions.getLatest(name);
    }

    @Override
    public SortedMap<String, Queue> list()
    {
        return definitions.all();
    }

    @Override
    public void put(Queue queue)
    {
        Optional<Queue> existing = definitions.get(queue.name());
        if (existing.isEmpty() || existing.get().createdMillis() != queue.createdMillis()) {
            String messages = TOPIC_PREFIX + queue.name();
            // a record's time is when its message came into the queue, on the clock of the instance that sent it
            topics.ensure(messages, queue.fifo() ? 1 : STANDARD_PARTITIONS, Map.of(
                    "message.timestamp.type", "CreateTime",
                    "retention.ms", String.valueOf(TOPIC_RETENTION.toMillis()),
                    "max.message.bytes", String.valueOf(2 * 1024 * 1024)));
            // the topic may be older than the queue (S3 notifications published to it first): give it the queue's settings
            topics.setConfig(messages, "retention.ms", String.valueOf(TOPIC_RETENTION.toMillis()));
            topics.setConfig(messages, "max.message.bytes", String.valueOf(2 * 1024 * 1024));
            topics.ensure(EVENTS_TOPIC_PREFIX + queue.name(), 1, Map.of("retention.ms", String.valueOf(TOPIC_RETENTION.toMillis())));
        }
        definitions.put(queue.name(), queue);
    }

    @Override
    public void delete(String name)
    {
        tasks.all().forEach((handle, stored) -> {
            if (stored.task().sourceQueue().equals(name) && stored.task().status().equals("RUNNING")) {
                finishTask(handle, "CANCELLED", Optional.empty());
            }
        });
        deletions.put(name, new Deletion(clock.millis()));
        definitions.delete(name);
        for (String topic : List.of(TOPIC_PREFIX + name, EVENTS_TOPIC_PREFIX + name)) {
            try {
                topics.delete(topic);
            }
            catch (RuntimeException e) {
                // the next queue of this name ignores what an earlier one left (messages and events carry its incarnation)
                log.warn("deleting Kafka topic {} of deleted queue {} failed: {}", topic, name, e.getMessage());
            }
        }
    }

    @Override
    public OptionalLong deletedMillis(String name)
    {
        return deletions.get(name).map(deletion -> OptionalLong.of(deletion.millis())).orElse(OptionalLong.empty());
    }

    // messages

    @Override
    public List<SendResult> send(Queue queue, List<OutgoingMessage> messages)
    {
        QueueState state = state(queue);
        if (!queue.fifo()) {
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(messages.size());
            List<SendResult> results = new ArrayList<>(messages.size());
            for (OutgoingMessage message : messages) {
                String id = UUID.randomUUID().toString();
                records.add(record(state, queue, id, message));
                results.add(new SendResult(id, Optional.empty()));
            }
            awaitRead(state, sendAll(records, "send messages to queue " + queue.name()));
            return results;
        }
        synchronized (sendLock(queue.name())) {
            long now = clock.millis();
            SendResult[] results = new SendResult[messages.size()];
            Map<String, Integer> firstInBatch = new HashMap<>();
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            List<Integer> produced = new ArrayList<>();
            for (int i = 0; i < messages.size(); i++) {
                OutgoingMessage message = messages.get(i);
                String key;
                Optional<QueueState.SentMessage> duplicate;
                synchronized (state) {
                    key = state.deduplicationKey(message.groupId(), message.deduplicationId().orElseThrow(() -> new IllegalArgumentException(
                            "a message to a FIFO queue needs a deduplication id")));
                    duplicate = state.duplicateOf(key, now);
                }
                if (duplicate.isPresent()) {
                    results[i] = new SendResult(duplicate.get().messageId(), Optional.of(sequenceNumber(duplicate.get().offset())));
                    continue;
                }
                if (firstInBatch.containsKey(key)) {
                    // a duplicate of an earlier entry of this batch: answered with that entry's id once it is sent
                    results[i] = null;
                    continue;
                }
                firstInBatch.put(key, i);
                String id = UUID.randomUUID().toString();
                records.add(record(state, queue, id, message));
                produced.add(i);
                results[i] = new SendResult(id, Optional.empty());
            }
            List<RecordMetadata> written = sendAll(records, "send messages to queue " + queue.name());
            awaitRead(state, written);
            for (int j = 0; j < produced.size(); j++) {
                int i = produced.get(j);
                RecordMetadata metadata = written.get(j);
                OutgoingMessage message = messages.get(i);
                synchronized (state) {
                    state.sent(state.deduplicationKey(message.groupId(), message.deduplicationId().orElseThrow()),
                            new QueueState.SentMessage(results[i].messageId(), metadata.offset(), metadata.timestamp()));
                }
                results[i] = new SendResult(results[i].messageId(), Optional.of(sequenceNumber(metadata.offset())));
            }
            for (int i = 0; i < messages.size(); i++) {
                if (results[i] == null) {
                    OutgoingMessage message = messages.get(i);
                    String key;
                    synchronized (state) {
                        key = state.deduplicationKey(message.groupId(), message.deduplicationId().orElseThrow());
                    }
                    results[i] = results[firstInBatch.get(key)];
                }
            }
            return List.of(results);
        }
    }

    private ProducerRecord<byte[], byte[]> record(QueueState state, Queue queue, String id, OutgoingMessage message)
    {
        return QueueMessage.record(state.messagesTopic, queue.fifo() ? 0 : null, clock.millis(), queue.createdMillis(), id, message.body(), message.messageAttributes(),
                message.systemAttributes(), message.senderId(), message.delaySeconds().orElse(queue.delaySeconds()), message.groupId(),
                message.deduplicationId(), Optional.empty(), Optional.empty());
    }

    /** FIFO: the {@code SequenceNumber} of the message at this offset: 20 digits that grow with the order of the queue. */
    private static String sequenceNumber(long offset)
    {
        return String.format("%020d", offset + 1);
    }

    private synchronized Object sendLock(String queue)
    {
        return sendLocks.computeIfAbsent(queue, name -> new Object());
    }

    @Override
    public List<ReceivedMessage> receive(Queue queue, ReceiveRequest request)
            throws InterruptedException
    {
        QueueState state = state(queue);
        if (queue.fifo() && request.receiveRequestAttemptId().isPresent()) {
            Optional<List<ReceivedMessage>> again = repeatAttempt(state, request.receiveRequestAttemptId().get());
            if (again.isPresent()) {
                return again.get();
            }
        }
        long visibilityMillis = request.visibilityTimeoutSeconds().orElse(queue.visibilityTimeoutSeconds()) * 1000L;
        List<Claimed> claimed = claim(state, request.maxMessages(), visibilityMillis, request.waitMillis(), true);
        List<ReceivedMessage> received = new ArrayList<>(claimed.size());
        synchronized (state) {
            for (Claimed taken : claimed) {
                QueueMessage message = taken.message();
                String handle = new ReceiptHandle(queue.name(), state.incarnation, message.key.partition(), message.key.offset(), taken.claim()).encode();
                received.add(message.received(handle, queue.fifo() ? Optional.of(sequenceNumber(message.key.offset())) : Optional.empty()));
            }
        }
        if (queue.fifo() && request.receiveRequestAttemptId().isPresent()) {
            synchronized (attempts) {
                long now = clock.millis();
                attempts.values().removeIf(attempt -> attempt.expiresMillis() <= now);
                attempts.put(queue.name() + "\n" + request.receiveRequestAttemptId().get(),
                        new Attempt(queue.name(), state.incarnation, received, now + ATTEMPT_MILLIS));
            }
        }
        return received;
    }

    /** FIFO: the messages an earlier receive with this attempt id got, if they are still in flight under that receive. */
    private Optional<List<ReceivedMessage>> repeatAttempt(QueueState state, String attemptId)
    {
        Attempt attempt;
        synchronized (attempts) {
            attempt = attempts.get(state.name + "\n" + attemptId);
        }
        long now = clock.millis();
        if (attempt == null || attempt.incarnation() != state.incarnation || attempt.expiresMillis() <= now) {
            return Optional.empty();
        }
        synchronized (state) {
            for (ReceivedMessage message : attempt.messages()) {
                ReceiptHandle handle = ReceiptHandle.decode(message.receiptHandle()).orElseThrow();
                Optional<QueueMessage> current = state.message(handle.partition(), handle.offset());
                if (current.isEmpty() || current.get().claimOffset != handle.claim() || current.get().visibleAtMillis <= now) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(attempt.messages());
    }

    /**
     * Takes up to {@code max} visible messages for {@code visibilityMillis}, waiting up to {@code waitMillis} for the
     * first; moves the messages due for the dead-letter queue there on the way (when {@code deadLetters}).
     */
    private List<Claimed> claim(QueueState state, int max, long visibilityMillis, long waitMillis, boolean deadLetters)
            throws InterruptedException
    {
        // how long to wait is a duration, measured on the monotonic clock; when a message is visible is a time, on the clock
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        while (true) {
            long now = clock.millis();
            QueueState.Selection selection;
            synchronized (state) {
                if (state.deleted()) {
                    throw queueGone(state.name);
                }
                Queue queue = state.queue();
                boolean deadLetterQueue = deadLetters && queue.redrivePolicy().map(policy -> definitions.get(policy.deadLetterQueue()).isPresent()).orElse(false);
                selection = state.select(max, now, deadLetterQueue);
            }
            if (!selection.isEmpty()) {
                List<Claimed> claimed = takeSelection(state, selection, now, visibilityMillis);
                if (!claimed.isEmpty()) {
                    return claimed;
                }
                continue;
            }
            long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (remaining <= 0) {
                return List.of();
            }
            synchronized (state) {
                long untilVisible = state.nextVisible(now).map(visible -> visible - now).orElse(remaining);
                state.wait(Math.max(1, Math.min(Math.min(remaining, untilVisible), 1_000)));
            }
        }
    }

    private List<Claimed> takeSelection(QueueState state, QueueState.Selection selection, long now, long visibilityMillis)
    {
        long incarnation = state.incarnation;
        List<QueueMessage> selected = new ArrayList<>();
        selection.claims().forEach(selected::addAll);
        selected.addAll(selection.deadLetters());
        selected.addAll(selection.expired());
        try {
            List<QueueEvent> events = new ArrayList<>();
            for (List<QueueMessage> claim : selection.claims()) {
                events.add(new QueueEvent(QueueEvent.Type.CLAIM, incarnation, now, now + visibilityMillis, refs(claim), state.queue().fifo()));
            }
            if (!selection.deadLetters().isEmpty()) {
                events.add(new QueueEvent(QueueEvent.Type.DEAD_LETTER_CLAIM, incarnation, now, now + DEAD_LETTER_CLAIM_MILLIS, refs(selection.deadLetters()),
                        false));
            }
            if (!selection.expired().isEmpty()) {
                // messages past the queue's retention period go
                events.add(new QueueEvent(QueueEvent.Type.DELETE, incarnation, now, 0, refs(selection.expired()), false));
            }
            List<RecordMetadata> written = writeEvents(state, events);
            awaitApplied(state, written.get(written.size() - 1).offset());
            List<Claimed> claimed = new ArrayList<>();
            List<Claimed> toDeadLetter = new ArrayList<>();
            synchronized (state) {
                for (int i = 0; i < selection.claims().size(); i++) {
                    long offset = written.get(i).offset();
                    for (QueueMessage message : selection.claims().get(i)) {
                        if (message.claimOffset == offset && state.message(message.key.partition(), message.key.offset()).isPresent()) {
                            claimed.add(new Claimed(message, offset));
                        }
                    }
                }
                if (!selection.deadLetters().isEmpty()) {
                    long offset = written.get(selection.claims().size()).offset();
                    for (QueueMessage message : selection.deadLetters()) {
                        if (message.claimOffset == offset && state.message(message.key.partition(), message.key.offset()).isPresent()) {
                            toDeadLetter.add(new Claimed(message, offset));
                        }
                    }
                }
            }
            if (!toDeadLetter.isEmpty()) {
                moveToDeadLetterQueue(state, toDeadLetter);
            }
            return claimed;
        }
        finally {
            synchronized (state) {
                selected.forEach(message -> message.claiming = false);
            }
        }
    }

    private void moveToDeadLetterQueue(QueueState state, List<Claimed> messages)
    {
        Queue source = state.queue();
        Optional<Queue> deadLetterQueue = source.redrivePolicy().flatMap(policy -> definitions.get(policy.deadLetterQueue()));
        if (deadLetterQueue.isEmpty()) {
            // deleted meanwhile: the messages become visible again when their claim ends
            return;
        }
        Queue target = deadLetterQueue.get();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (Claimed claimed : messages) {
            records.add(claimed.message().moved(TOPIC_PREFIX + target.name(), target.fifo() ? 0 : null, clock.millis(), target.createdMillis(), Optional.of(source.name())));
        }
        sendAll(records, "move messages of queue " + source.name() + " to its dead-letter queue " + target.name());
        List<QueueEvent.Ref> refs = new ArrayList<>();
        messages.forEach(claimed -> refs.add(new QueueEvent.Ref(claimed.message().key.partition(), claimed.message().key.offset(), claimed.claim())));
        List<RecordMetadata> written = writeEvents(state, List.of(new QueueEvent(QueueEvent.Type.DELETE, state.incarnation, clock.millis(), 0, refs, false)));
        awaitApplied(state, written.get(0).offset());
    }

    @Override
    public List<Optional<ServiceException>> delete(Queue queue, List<String> receiptHandles)
    {
        QueueState state = state(queue);
        List<Optional<ServiceException>> results = new ArrayList<>(receiptHandles.size());
        List<QueueEvent.Ref> refs = new ArrayList<>();
        for (String text : receiptHandles) {
            Optional<ReceiptHandle> handle = handle(state, text);
            if (handle.isEmpty()) {
                results.add(Optional.of(invalidHandle(text)));
                continue;
            }
            refs.add(new QueueEvent.Ref(handle.get().partition(), handle.get().offset(), handle.get().claim()));
            results.add(Optional.empty());
        }
        if (!refs.isEmpty()) {
            List<RecordMetadata> written = writeEvents(state, List.of(new QueueEvent(QueueEvent.Type.DELETE, state.incarnation, clock.millis(), 0, refs, false)));
            awaitApplied(state, written.get(0).offset());
        }
        return results;
    }

    @Override
    public List<Optional<ServiceException>> changeVisibility(Queue queue, List<VisibilityChange> changes)
    {
        QueueState state = state(queue);
        long now = clock.millis();
        List<Optional<ServiceException>> results = new ArrayList<>(changes.size());
        List<QueueEvent> events = new ArrayList<>();
        List<Integer> eventOf = new ArrayList<>();
        for (VisibilityChange change : changes) {
            Optional<ReceiptHandle> handle = handle(state, change.receiptHandle());
            if (handle.isEmpty()) {
                results.add(Optional.of(invalidHandle(change.receiptHandle())));
                eventOf.add(-1);
                continue;
            }
            events.add(new QueueEvent(QueueEvent.Type.VISIBILITY, state.incarnation, now, now + change.seconds() * 1000L,
                    List.of(new QueueEvent.Ref(handle.get().partition(), handle.get().offset(), handle.get().claim())), false));
            eventOf.add(events.size() - 1);
            results.add(Optional.empty());
        }
        if (events.isEmpty()) {
            return results;
        }
        List<RecordMetadata> written = writeEvents(state, events);
        awaitApplied(state, written.get(written.size() - 1).offset());
        synchronized (state) {
            for (int i = 0; i < changes.size(); i++) {
                if (eventOf.get(i) < 0) {
                    continue;
                }
                boolean inFlight = state.visibilityResult(written.get(eventOf.get(i)).offset()).map(result -> result.get(0)).orElse(false);
                if (!inFlight) {
                    results.set(i, Optional.of(ServiceException.user("MessageNotInflight",
                            "Message does not exist or is not available for visibility timeout change: it is not in flight under the receipt handle "
                                    + changes.get(i).receiptHandle() + " (deleted, visible again, or received again since)")));
                }
            }
        }
        return results;
    }

    @Override
    public void purge(Queue queue)
    {
        QueueState state = state(queue);
        long now = clock.millis();
        synchronized (state) {
            if (state.lastPurgeMillis() != Long.MIN_VALUE && now - state.lastPurgeMillis() < PURGE_INTERVAL_MILLIS) {
                throw ServiceException.user("PurgeQueueInProgress", 403, "Only one PurgeQueue operation on " + queue.name()
                        + " is allowed every 60 seconds; the last began " + (now - state.lastPurgeMillis()) / 1000 + " s ago.");
            }
        }
        List<RecordMetadata> written = writeEvents(state, List.of(new QueueEvent(QueueEvent.Type.PURGE, state.incarnation, now, 0, List.of(), false)));
        awaitApplied(state, written.get(0).offset());
    }

    @Override
    public QueueCounts counts(Queue queue)
    {
        QueueState state = state(queue);
        synchronized (state) {
            return state.counts(clock.millis());
        }
    }

    // message move tasks

    @Override
    public MoveTask startMoveTask(Queue source, Optional<Queue> destination, Optional<Integer> maxPerSecond)
    {
        synchronized (runningTasks) {
            for (StoredMoveTask stored : tasks.all().values()) {
                if (stored.task().sourceQueue().equals(source.name()) && (stored.task().status().equals("RUNNING") || stored.task().status().equals("CANCELLING"))) {
                    throw ServiceException.user("UnsupportedOperation", "There is already a task running on " + source.name()
                            + ". Only one active task is allowed for each source queue at a given time.");
                }
            }
            QueueCounts counts = counts(source);
            String handle = Base64.getUrlEncoder().withoutPadding().encodeToString((source.name() + "\n" + UUID.randomUUID())
                    .getBytes(StandardCharsets.UTF_8));
            MoveTask task = new MoveTask(handle, source.name(), destination.map(Queue::name), maxPerSecond, "RUNNING", 0,
                    counts.visible() + counts.inFlight() + counts.delayed(), Optional.empty(), clock.millis());
            tasks.put(handle, new StoredMoveTask(task, instances.self()));
            Thread thread = new Thread(() -> runMoveTask(handle), "lakestack-sqs-move-" + source.name());
            thread.setDaemon(true);
            runningTasks.put(handle, thread);
            thread.start();
            return task;
        }
    }

    @Override
    public List<MoveTask> moveTasks(String sourceQueue)
    {
        return tasks.all().values().stream()
                .map(StoredMoveTask::task)
                .filter(task -> task.sourceQueue().equals(sourceQueue))
                .sorted(java.util.Comparator.comparingLong(MoveTask::startedMillis).reversed())
                .toList();
    }

    @Override
    public MoveTask cancelMoveTask(String taskHandle)
    {
        StoredMoveTask stored = tasks.get(taskHandle).orElseThrow(() -> ServiceException.user("ResourceNotFoundException", 404,
                "The message move task " + taskHandle + " does not exist."));
        if (!stored.task().status().equals("RUNNING")) {
            throw ServiceException.user("UnsupportedOperation", "A message move task can only be cancelled while it is RUNNING; " + taskHandle + " is "
                    + stored.task().status() + ".");
        }
        MoveTask cancelling = withStatus(stored.task(), "CANCELLING", stored.task().movedCount(), Optional.empty());
        tasks.put(taskHandle, new StoredMoveTask(cancelling, stored.owner()));
        return cancelling;
    }

    private void runMoveTask(String handle)
    {
        try {
            long started = clock.millis();
            while (!closed) {
                StoredMoveTask stored = tasks.get(handle).orElse(null);
                if (stored == null) {
                    return;
                }
                MoveTask task = stored.task();
                if (task.status().equals("CANCELLING")) {
                    finishTask(handle, "CANCELLED", Optional.empty());
                    return;
                }
                Optional<Queue> source = definitions.get(task.sourceQueue());
                if (source.isEmpty()) {
                    finishTask(handle, "FAILED", Optional.of("The source queue " + task.sourceQueue() + " was deleted."));
                    return;
                }
                if (task.movedCount() >= task.toMoveCount()) {
                    finishTask(handle, "COMPLETED", Optional.empty());
                    return;
                }
                int batch = (int) Math.min(10, task.toMoveCount() - task.movedCount());
                if (task.maxPerSecond().isPresent()) {
                    batch = Math.min(batch, task.maxPerSecond().get());
                    long due = started + task.movedCount() * 1000L / task.maxPerSecond().get();
                    long now = clock.millis();
                    if (due > now) {
                        Thread.sleep(due - now);
                    }
                }
                QueueState state = state(source.get());
                List<Claimed> claimed = claim(state, batch, DEAD_LETTER_CLAIM_MILLIS, 0, false);
                if (claimed.isEmpty()) {
                    QueueCounts counts = counts(source.get());
                    if (counts.visible() + counts.inFlight() + counts.delayed() == 0) {
                        finishTask(handle, "COMPLETED", Optional.empty());
                        return;
                    }
                    Thread.sleep(200);
                    continue;
                }
                List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
                for (Claimed message : claimed) {
                    Optional<String> target = task.destinationQueue().or(() -> message.message().deadLetterSource);
                    Optional<Queue> destination = target.flatMap(definitions::get);
                    if (destination.isEmpty()) {
                        finishTask(handle, "FAILED", Optional.of(target.map(name -> "The destination queue " + name + " does not exist.")
                                .orElse("A message has no queue it came from; give a DestinationArn.")));
                        return;
                    }
                    records.add(message.message().moved(TOPIC_PREFIX + destination.get().name(), destination.get().fifo() ? 0 : null,
                            clock.millis(), destination.get().createdMillis(), Optional.empty()));
                }
                sendAll(records, "move messages of queue " + task.sourceQueue());
                List<QueueEvent.Ref> refs = new ArrayList<>();
                claimed.forEach(message -> refs.add(new QueueEvent.Ref(message.message().key.partition(), message.message().key.offset(), message.claim())));
                List<RecordMetadata> written = writeEvents(state, List.of(new QueueEvent(QueueEvent.Type.DELETE, state.incarnation, clock.millis(), 0, refs,
                        false)));
                awaitApplied(state, written.get(0).offset());
                StoredMoveTask now = tasks.get(handle).orElse(stored);
                tasks.put(handle, new StoredMoveTask(withStatus(now.task(), now.task().status(), now.task().movedCount() + claimed.size(), Optional.empty()),
                        now.owner()));
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        catch (RuntimeException e) {
            log.warn("message move task {} failed", handle, e);
            finishTask(handle, "FAILED", Optional.of(e.getMessage()));
        }
        finally {
            synchronized (runningTasks) {
                runningTasks.remove(handle);
            }
        }
    }

    private void finishTask(String handle, String status, Optional<String> reason)
    {
        tasks.get(handle).ifPresent(stored -> tasks.put(handle, new StoredMoveTask(withStatus(stored.task(), status, stored.task().movedCount(), reason),
                stored.owner())));
    }

    private static MoveTask withStatus(MoveTask task, String status, long moved, Optional<String> reason)
    {
        return new MoveTask(task.taskHandle(), task.sourceQueue(), task.destinationQueue(), task.maxPerSecond(), status, moved, task.toMoveCount(), reason,
                task.startedMillis());
    }

    private void failTasksOf(String instance)
    {
        tasks.all().forEach((handle, stored) -> {
            if (stored.owner().equals(instance) && (stored.task().status().equals("RUNNING") || stored.task().status().equals("CANCELLING"))) {
                finishTask(handle, "FAILED", Optional.of("The lakestack instance that ran the task stopped before it finished."));
            }
        });
    }

    // plumbing

    /** The queue's state on this instance, read up to date. */
    private QueueState state(Queue queue)
    {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        QueueState state = null;
        while (state == null) {
            Optional<QueueState> current = reader.state(queue.name()).filter(found -> found.incarnation == queue.createdMillis());
            if (current.isPresent()) {
                state = current.get();
            }
            else if (!defined(queue)) {
                throw queueGone(queue.name());
            }
            else {
                try {
                    reader.add(queue, TOPIC_PREFIX + queue.name(), EVENTS_TOPIC_PREFIX + queue.name()).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw ServiceException.external("ServiceUnavailable", "interrupted while opening queue " + queue.name(), e);
                }
                catch (ExecutionException | TimeoutException e) {
                    throw ServiceException.external("ServiceUnavailable", "cannot read queue " + queue.name() + " from Kafka: " + e.getMessage(), e);
                }
            }
        }
        synchronized (state) {
            while (!state.ready()) {
                if (state.deleted()) {
                    throw queueGone(queue.name());
                }
                if (System.nanoTime() > deadline) {
                    throw ServiceException.external("ServiceUnavailable", "queue " + queue.name() + " is still being read from Kafka; try again", null);
                }
                try {
                    state.wait(100);
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw ServiceException.external("ServiceUnavailable", "interrupted while reading queue " + queue.name(), e);
                }
            }
        }
        return state;
    }

    /** Whether this incarnation of the queue is defined, read up to date when this instance has not seen it yet. */
    private boolean defined(Queue queue)
    {
        if (definitions.get(queue.name()).filter(stored -> stored.createdMillis() == queue.createdMillis()).isPresent()) {
            return true;
        }
        definitions.catchUp();
        return definitions.get(queue.name()).filter(stored -> stored.createdMillis() == queue.createdMillis()).isPresent();
    }

    private static ServiceException queueGone(String name)
    {
        return ServiceException.user("QueueDoesNotExist", "The specified queue " + name + " does not exist.");
    }

    /**
     * The handle the text encodes, when it names a message of this queue and a receive of it. A handle another instance
     * handed out a moment ago may name a receive this one has not read yet: it waits a little for it, so that a client
     * that receives through one endpoint and deletes through another is answered as by one.
     */
    private static Optional<ReceiptHandle> handle(QueueState state, String text)
    {
        Optional<ReceiptHandle> decoded = ReceiptHandle.decode(text).filter(handle -> handle.queue().equals(state.name)
                && handle.incarnation() == state.incarnation && handle.partition() < state.partitions);
        if (decoded.isEmpty()) {
            return decoded;
        }
        ReceiptHandle handle = decoded.get();
        long deadline = System.nanoTime() + HANDLE_WAIT.toNanos();
        synchronized (state) {
            while (handle.claim() >= state.applied() || !state.hasRead(handle.partition(), handle.offset())) {
                long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remaining <= 0 || state.deleted()) {
                    return Optional.empty();
                }
                try {
                    state.wait(Math.min(remaining, 50));
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            }
        }
        return decoded;
    }

    private static ServiceException invalidHandle(String text)
    {
        return ServiceException.user("ReceiptHandleIsInvalid", "The input receipt handle \"" + text + "\" is not a valid receipt handle.");
    }

    private static List<QueueEvent.Ref> refs(List<QueueMessage> messages)
    {
        List<QueueEvent.Ref> refs = new ArrayList<>(messages.size());
        messages.forEach(message -> refs.add(new QueueEvent.Ref(message.key.partition(), message.key.offset(), message.claimOffset)));
        return refs;
    }

    private List<RecordMetadata> writeEvents(QueueState state, List<QueueEvent> events)
    {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(events.size());
        for (QueueEvent event : events) {
            try {
                records.add(new ProducerRecord<>(state.eventsTopic, 0, null, json.writeValueAsBytes(event)));
            }
            catch (JsonProcessingException e) {
                throw ServiceException.internal("InternalError", "cannot write a queue event: " + e.getMessage(), e);
            }
        }
        return sendAll(records, "record a change of queue " + state.name);
    }

    /** Sends the records and waits until Kafka has every one. */
    private List<RecordMetadata> sendAll(List<ProducerRecord<byte[], byte[]>> records, String what)
    {
        List<Optional<RecordMetadata>> acknowledged = producer.sendAll(records);
        if (Thread.currentThread().isInterrupted()) {
            throw ServiceException.external("ServiceUnavailable", "interrupted while trying to " + what, null);
        }
        List<RecordMetadata> written = new ArrayList<>(records.size());
        for (Optional<RecordMetadata> metadata : acknowledged) {
            written.add(metadata.orElseThrow(() -> ServiceException.external("ServiceUnavailable", "cannot " + what
                    + ": Kafka did not acknowledge every record", null)));
        }
        return written;
    }

    /** Waits until this instance has read the messages it sent, so that what it answers next (a receive, the counts) includes them. */
    private static void awaitRead(QueueState state, List<RecordMetadata> written)
    {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        synchronized (state) {
            for (RecordMetadata metadata : written) {
                while (!state.hasRead(metadata.partition(), metadata.offset())) {
                    if (state.deleted()) {
                        throw queueGone(state.name);
                    }
                    if (System.nanoTime() > deadline) {
                        throw ServiceException.external("ServiceUnavailable", "queue " + state.name + " did not read back its own message at offset "
                                + metadata.offset() + " within " + TIMEOUT.toSeconds() + " s", null);
                    }
                    try {
                        state.wait(50);
                    }
                    catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw ServiceException.external("ServiceUnavailable", "interrupted while waiting for queue " + state.name, e);
                    }
                }
            }
        }
    }

    private static void awaitApplied(QueueState state, long offset)
    {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        synchronized (state) {
            while (state.applied() <= offset) {
                if (state.deleted()) {
                    throw queueGone(state.name);
                }
                if (System.nanoTime() > deadline) {
                    throw ServiceException.external("ServiceUnavailable", "queue " + state.name + " did not read back its own change at offset " + offset
                            + " within " + TIMEOUT.toSeconds() + " s", null);
                }
                try {
                    state.wait(50);
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw ServiceException.external("ServiceUnavailable", "interrupted while waiting for queue " + state.name, e);
                }
            }
        }
    }

    @Override
    public void close()
    {
        closed = true;
        synchronized (runningTasks) {
            runningTasks.values().forEach(Thread::interrupt);
        }
        reader.close();
        producer.close();
    }
}
