package io.lakestack.backends.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.spi.cluster.KafkaClientSettings;
import io.lakestack.spi.sqs.Queue;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import static java.util.Objects.requireNonNull;

/**
 * Reads every queue's topic and event topic on one thread with one consumer (assigned, not in a group: every instance
 * reads everything), into the queues' {@link QueueState}s, and wakes the requests waiting on them.
 */
final class QueueReader
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(QueueReader.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ObjectMapper json = KafkaRecordStores.mapper();
    private final String defaultSender;
    private final Map<String, QueueState> byName = new ConcurrentHashMap<>();
    private final Map<String, QueueState> byTopic = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Runnable> changes = new ConcurrentLinkedQueue<>();
    private final Set<TopicPartition> assigned = new HashSet<>();
    private final Thread thread;
    private volatile boolean closed;

    QueueReader(String bootstrapServers, String defaultSender)
    {
        this.defaultSender = requireNonNull(defaultSender, "defaultSender is null");
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "lakestack-sqs-reader");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
        consumer = new KafkaConsumer<>(KafkaClientSettings.complete(config), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        thread = new Thread(this::run, "lakestack-sqs-reader");
        thread.setDaemon(true);
    }

    QueueReader start()
    {
        thread.start();
        return this;
    }

    /** The state of a queue this reader reads; empty until {@link #add} has taken effect. */
    Optional<QueueState> state(String name)
    {
        return Optional.ofNullable(byName.get(name));
    }

    /** Starts reading a queue (or takes its new definition); the future completes once its state exists (not yet read up to date). */
    CompletableFuture<QueueState> add(Queue queue, String messagesTopic, String eventsTopic)
    {
        CompletableFuture<QueueState> added = new CompletableFuture<>();
        changes.add(() -> {
            try {
                QueueState existing = byName.get(queue.name());
                if (existing != null && existing.incarnation == queue.createdMillis()) {
                    synchronized (existing) {
                        existing.define(queue);
                    }
                    added.complete(existing);
                    return;
                }
                if (existing != null) {
                    drop(existing);
                }
                List<PartitionInfo> partitions = consumer.partitionsFor(messagesTopic, TIMEOUT);
                if (partitions.isEmpty() || consumer.partitionsFor(eventsTopic, TIMEOUT).isEmpty()) {
                    // deleted again before this instance began to read it: nothing to read, and no end offsets to wait for
                    added.completeExceptionally(new IllegalStateException("the topics of queue " + queue.name() + " are gone"));
                    return;
                }
                List<TopicPartition> messageParts = new ArrayList<>();
                for (PartitionInfo partition : partitions) {
                    messageParts.add(new TopicPartition(messagesTopic, partition.partition()));
                }
                messageParts.sort(java.util.Comparator.comparingInt(TopicPartition::partition));
                TopicPartition events = new TopicPartition(eventsTopic, 0);
                List<TopicPartition> all = new ArrayList<>(messageParts);
                all.add(events);
                Map<TopicPartition, Long> ends = consumer.endOffsets(all, TIMEOUT);
                long[] messageEnds = new long[messageParts.size()];
                for (TopicPartition part : messageParts) {
                    messageEnds[part.partition()] = ends.get(part);
                }
                QueueState state = new QueueState(queue, messagesTopic, eventsTopic, messageParts.size(), messageEnds, ends.get(events));
                byName.put(queue.name(), state);
                byTopic.put(messagesTopic, state);
                byTopic.put(eventsTopic, state);
                assigned.addAll(all);
                consumer.assign(assigned);
                consumer.seekToBeginning(all);
                added.complete(state);
            }
            catch (WakeupException e) {
                throw e;
            }
            catch (RuntimeException e) {
                added.completeExceptionally(e);
            }
        });
        consumer.wakeup();
        return added;
    }

    /** Stops reading a queue that was deleted; requests waiting on it end. */
    void remove(String name)
    {
        changes.add(() -> {
            QueueState state = byName.get(name);
            if (state != null) {
                drop(state);
            }
        });
        consumer.wakeup();
    }

    private void drop(QueueState state)
    {
        byName.remove(state.name, state);
        byTopic.remove(state.messagesTopic, state);
        byTopic.remove(state.eventsTopic, state);
        assigned.removeIf(part -> part.topic().equals(state.messagesTopic) || part.topic().equals(state.eventsTopic));
        consumer.assign(assigned);
        synchronized (state) {
            state.markDeleted();
            state.notifyAll();
        }
    }

    private void run()
    {
        while (!closed) {
            try {
                for (Runnable change = changes.poll(); change != null; change = changes.poll()) {
                    runChange(change);
                }
                if (assigned.isEmpty()) {
                    synchronized (this) {
                        if (changes.isEmpty() && !closed) {
                            wait(200);
                        }
                    }
                    continue;
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                for (TopicPartition part : records.partitions()) {
                    QueueState state = byTopic.get(part.topic());
                    if (state == null) {
                        continue;
                    }
                    boolean events = part.topic().equals(state.eventsTopic);
                    synchronized (state) {
                        for (ConsumerRecord<byte[], byte[]> record : records.records(part)) {
                            if (events) {
                                applyEvent(state, record);
                            }
                            else {
                                loadMessage(state, record);
                            }
                        }
                    }
                }
                for (TopicPartition part : assigned) {
                    QueueState state = byTopic.get(part.topic());
                    if (state == null) {
                        continue;
                    }
                    long position = consumer.position(part);
                    synchronized (state) {
                        if (part.topic().equals(state.eventsTopic)) {
                            state.eventsPosition(position);
                        }
                        else {
                            state.position(part.partition(), position);
                        }
                    }
                }
                for (QueueState state : byName.values()) {
                    synchronized (state) {
                        state.retryBlocked();
                        state.notifyAll();
                    }
                }
            }
            catch (WakeupException e) {
                // a change to make, or closing
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            catch (RuntimeException e) {
                log.error("reading the SQS queues' topics failed; trying again", e);
                try {
                    Thread.sleep(500);
                }
                catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Runs a change on the reader's thread; a wake-up meant for a later change does not cut it short. */
    private static void runChange(Runnable change)
    {
        while (true) {
            try {
                change.run();
                return;
            }
            catch (WakeupException e) {
                // the wake-up of another change: run this one again
            }
        }
    }

    private void applyEvent(QueueState state, ConsumerRecord<byte[], byte[]> record)
    {
        QueueEvent event;
        try {
            event = json.readValue(record.value(), QueueEvent.class);
        }
        catch (IOException | RuntimeException e) {
            log.warn("event at offset {} of {} does not read ({}); skipped", record.offset(), record.topic(), e.toString());
            state.eventsPosition(record.offset() + 1);
            return;
        }
        state.apply(event, record.offset());
    }

    private void loadMessage(QueueState state, ConsumerRecord<byte[], byte[]> record)
    {
        try {
            state.load(record, defaultSender);
        }
        catch (RuntimeException e) {
            log.warn("message at offset {} of partition {} of {} does not read ({}); skipped", record.offset(), record.partition(), record.topic(),
                    e.toString());
            state.position(record.partition(), record.offset() + 1);
        }
        state.retryBlocked();
    }

    @Override
    public void close()
    {
        closed = true;
        consumer.wakeup();
        synchronized (this) {
            notifyAll();
        }
        try {
            thread.join(5_000);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(1));
    }
}
