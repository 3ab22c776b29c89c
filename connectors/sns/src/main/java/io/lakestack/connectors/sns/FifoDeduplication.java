package io.lakestack.connectors.sns;

import io.lakestack.spi.cluster.KafkaClientSettings;
import io.lakestack.spi.sns.SnsTopics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import static java.util.Objects.requireNonNull;

/**
 * The deduplication of one subscription's worker over a FIFO topic (one partition): a {@link DeduplicationWindow} of
 * the records it has read, rebuilt whenever the worker is given the partition, by reading back the deduplication
 * interval before the place it starts at. So the workers of every subscription, on every instance, before and after a
 * restart, skip the same records.
 */
final class FifoDeduplication
{
    private static final Logger log = LoggerFactory.getLogger(FifoDeduplication.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrapServers;
    private final Duration interval;
    private final DeduplicationWindow window;

    FifoDeduplication(String bootstrapServers, Duration interval)
    {
        this.bootstrapServers = requireNonNull(bootstrapServers, "bootstrapServers is null");
        this.interval = requireNonNull(interval, "interval is null");
        this.window = new DeduplicationWindow(interval);
    }

    /** Whether the next record of the log is a duplicate (a record without a deduplication id never is). */
    boolean duplicate(ConsumerRecord<byte[], byte[]> record)
    {
        return key(record.headers()).map(key -> window.next(key, record.timestamp())).orElse(false);
    }

    /** A record's deduplication key: its deduplication id, after its group when its scope is {@code MessageGroup}. */
    static Optional<String> key(Headers headers)
    {
        Optional<String> id = header(headers, SnsTopics.DEDUPLICATION_ID_HEADER);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        if (header(headers, SnsTopics.DEDUPLICATION_SCOPE_HEADER).equals(Optional.of("MessageGroup"))) {
            // a group id has no control characters: the newline separates
            return Optional.of(header(headers, SnsTopics.MESSAGE_GROUP_HEADER).orElse("") + "\n" + id.get());
        }
        return id;
    }

    static Optional<String> header(Headers headers, String name)
    {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? Optional.empty() : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    /**
     * Rebuilds the window for the worker's consumer, just given {@code partitions} (and positioned in them): shows it
     * the records of the interval before the last record ahead of the position, read with a consumer of its own.
     */
    void rebuild(Consumer<byte[], byte[]> consumer, Collection<TopicPartition> partitions)
    {
        window.clear();
        for (TopicPartition partition : partitions) {
            long position = consumer.position(partition);
            if (position > 0) {
                rebuild(partition, position);
            }
        }
    }

    private void rebuild(TopicPartition partition, long position)
    {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "lakestack-sns-deduplication");
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(KafkaClientSettings.complete(properties), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            reader.assign(List.of(partition));
            reader.seek(partition, position - 1);
            Optional<ConsumerRecord<byte[], byte[]>> last = readOne(reader, partition, position);
            if (last.isEmpty()) {
                return;
            }
            OffsetAndTimestamp start = reader.offsetsForTimes(Map.of(partition, last.get().timestamp() - interval.toMillis())).get(partition);
            reader.seek(partition, start == null ? last.get().offset() : start.offset());
            long shown = 0;
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            long next = start == null ? last.get().offset() : start.offset();
            while (next < position) {
                if (System.nanoTime() > deadline) {
                    log.warn("SNS deduplication of {}: the records before offset {} could not be read back within {}; duplicates among them may be "
                            + "delivered", partition, position, READ_TIMEOUT);
                    return;
                }
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(200))) {
                    if (record.offset() < position) {
                        duplicate(record);
                        shown++;
                    }
                    next = record.offset() + 1;
                }
            }
            log.info("SNS deduplication of {} rebuilt from {} records before offset {}", partition, shown, position);
        }
    }

    /** The record just before {@code position}, or none (deleted by retention). */
    private static Optional<ConsumerRecord<byte[], byte[]>> readOne(KafkaConsumer<byte[], byte[]> reader, TopicPartition partition, long position)
    {
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(200))) {
                return record.offset() < position ? Optional.of(record) : Optional.empty();
            }
        }
        log.warn("SNS deduplication of {}: the record before offset {} could not be read within {}", partition, position, READ_TIMEOUT);
        return Optional.empty();
    }
}
