package io.lakestack.backends.kafka;

import io.lakestack.spi.cluster.KafkaClientSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/**
 * A small durable key-value log kept in a compacted, single-partition Kafka topic, in the manner of Kafka Connect's
 * config topic: every instance reads the whole topic and follows it, writes go through Kafka.
 *
 * <p>A write returns once this instance has read it back, so a caller always sees its own writes; other instances
 * see it within their poll interval. A {@code null} value deletes the key (a tombstone). Every change read, from the
 * first record of the topic on, is passed to the table's {@link ChangeHandler} on the reading thread.
 */
final class KafkaTable
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(KafkaTable.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String topic;
    private final TopicPartition partition;
    private final KafkaProducer<String, byte[]> producer;
    private final Admin admin;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Object progress = new Object();
    /** Guards {@link #nextEnd} and {@link #endRequested}: one request for the topic's end at a time. */
    private final Object ends = new Object();
    /** What the callers of {@link #catchUp} that wait for the next request for the topic's end wait on; null when none. */
    private CompletableFuture<Long> nextEnd;
    private boolean endRequested;
    private final Thread reader;
    private volatile long nextOffset;
    private volatile RuntimeException readerFailure;
    private final ChangeHandler handler;
    private volatile boolean closed;

    /** Receives each change as the table reads it: the key and the new value, {@code null} for a deletion. */
    @FunctionalInterface
    interface ChangeHandler
    {
        void changed(String key, byte[] value, long offset);
    }

    /**
     * @param producer writes the table's records; shared by the tables of one {@link KafkaRecordStores}, which closes it
     */
    KafkaTable(String bootstrapServers, String topic, KafkaTopics topics, KafkaProducer<String, byte[]> producer, ChangeHandler handler)
    {
        this.topic = requireNonNull(topic, "topic is null");
        this.handler = requireNonNull(handler, "handler is null");
        this.partition = new TopicPartition(topic, 0);
        topics.ensure(topic, 1, Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0"));

        this.producer = requireNonNull(producer, "producer is null");
        this.admin = topics.admin();

        Properties consumerConfig = new Properties();
        consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, "lakestack-table-reader-" + topic);
        consumer = new KafkaConsumer<>(KafkaClientSettings.complete(consumerConfig), new StringDeserializer(), new ByteArrayDeserializer());
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));

        long end = consumer.endOffsets(List.of(partition), TIMEOUT).get(partition);
        reader = new Thread(this::follow, "lakestack-table-" + topic);
        reader.setDaemon(true);
        reader.start();
        awaitOffset(end);
    }

    String topic()
    {
        return topic;
    }

    /** Writes {@code value} (or deletes with {@code null}) and returns once this instance has read it back. */
    void put(String key, byte[] value)
    {
        long offset;
        try {
            offset = producer.send(new ProducerRecord<>(topic, 0, key, value)).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).offset();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing " + key + " to " + topic, e);
        }
        catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot write " + key + " to Kafka topic " + topic + ": " + e.getMessage(), e);
        }
        awaitOffset(offset + 1);
    }

    /**
     * Writes {@code value} (or deletes with {@code null}) without waiting: the future completes when Kafka has
     * acknowledged it (durable; this instance reads it back soon after), or fails with why it could not be written.
     * Writes of one table are acknowledged in the order they were sent.
     */
    CompletableFuture<Void> putAsync(String key, byte[] value)
    {
        CompletableFuture<Void> written = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(topic, 0, key, value), (metadata, exception) -> {
            if (exception == null) {
                written.complete(null);
            }
            else {
                written.completeExceptionally(new IllegalStateException("cannot write " + key + " to Kafka topic " + topic + ": " + exception.getMessage(),
                        exception));
            }
        });
        return written;
    }

    /**
     * Returns once this instance has read every record the topic held when it was called. Callers at the same time
     * share one request for the topic's end: a caller that arrives while one is on its way waits for the next, which
     * is sent after it arrived.
     */
    void catchUp()
    {
        CompletableFuture<Long> end;
        synchronized (ends) {
            if (nextEnd == null) {
                nextEnd = new CompletableFuture<>();
            }
            end = nextEnd;
            if (!endRequested) {
                requestEnd();
            }
        }
        try {
            awaitOffset(end.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the end of " + topic, e);
        }
        catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("cannot read the end of Kafka topic " + topic + ": " + cause.getMessage(), cause);
        }
    }

    /** Asks for the topic's end for the callers waiting on {@link #nextEnd}; then for those that came meanwhile, if any. */
    private void requestEnd()
    {
        CompletableFuture<Long> end = nextEnd;
        nextEnd = null;
        endRequested = true;
        KafkaFuture<ListOffsetsResult.ListOffsetsResultInfo> request;
        try {
            request = admin.listOffsets(Map.of(partition, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .partitionResult(partition);
        }
        catch (RuntimeException e) {
            endRequested = false;
            end.completeExceptionally(e);
            return;
        }
        request.whenComplete((info, failure) -> {
            if (failure != null) {
                end.completeExceptionally(failure);
            }
            else {
                end.complete(info.offset());
            }
            synchronized (ends) {
                endRequested = false;
                if (nextEnd != null) {
                    requestEnd();
                }
            }
        });
    }

    private void awaitOffset(long target)
    {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        synchronized (progress) {
            while (nextOffset < target) {
                if (readerFailure != null) {
                    throw new IllegalStateException("reading Kafka topic " + topic + " failed", readerFailure);
                }
                long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remaining <= 0) {
                    throw new IllegalStateException("timed out reading Kafka topic " + topic + " up to offset " + target + " (at " + nextOffset + ")");
                }
                try {
                    progress.wait(Math.min(remaining, 100));
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while reading " + topic, e);
                }
            }
        }
    }

    private void follow()
    {
        try {
            while (!closed) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key() == null) {
                        log.warn("ignoring a record without key in {} at offset {}", topic, record.offset());
                    }
                    else {
                        try {
                            handler.changed(record.key(), record.value(), record.offset());
                        }
                        catch (RuntimeException e) {
                            log.error("handling the change of {} in {} at offset {} failed", record.key(), topic, record.offset(), e);
                        }
                    }
                }
                long position = consumer.position(partition);
                synchronized (progress) {
                    nextOffset = position;
                    progress.notifyAll();
                }
            }
        }
        catch (WakeupException e) {
            if (!closed) {
                readerFailure = e;
            }
        }
        catch (RuntimeException e) {
            log.error("reading Kafka topic {} failed; the table is no longer updated", topic, e);
            readerFailure = e;
            synchronized (progress) {
                progress.notifyAll();
            }
        }
        finally {
            consumer.close(Duration.ofSeconds(1));
        }
    }

    @Override
    public void close()
    {
        closed = true;
        consumer.wakeup();
        try {
            reader.join(5_000);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
