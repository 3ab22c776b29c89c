package io.lakestack.backends.kafka;

import io.lakestack.spi.Arn;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.kinesis.HashKeyRange;
import io.lakestack.spi.kinesis.KinesisStreams;
import io.lakestack.spi.kinesis.SequenceNumber;
import io.lakestack.spi.store.RecordStore;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Kinesis data streams on Kafka: a stream is the topic {@value #TOPIC_PREFIX}{@code <name>}, a shard is one of its
 * partitions, a record's position in the partition is its offset. Definitions are records of the store
 * {@value #STORE}; records are written with the broker's log-append time, which is the record's approximate arrival
 * timestamp.
 */
public final class KafkaKinesisStreams
        implements KinesisStreams, AutoCloseable
{
    public static final String TOPIC_PREFIX = "lakestack.kinesis.";
    public static final String STORE = "kinesis.streams";
    private static final int READERS = 4;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern STREAM_RESOURCE = Pattern.compile("stream/([a-zA-Z0-9_.-]{1,128})");

    private final RecordStore<Stream> registry;
    private final KafkaTopics topics;
    private final String accountId;
    private final Clock clock;
    private final RecordProducer producer;
    private final KafkaReaders readers;

    public KafkaKinesisStreams(RecordStore<Stream> registry, KafkaTopics topics, String bootstrapServers, String accountId, Clock clock)
    {
        this.registry = requireNonNull(registry, "registry is null");
        this.topics = requireNonNull(topics, "topics is null");
        requireNonNull(bootstrapServers, "bootstrapServers is null");
        this.readers = new KafkaReaders(bootstrapServers, "lakestack-kinesis-reader", READERS);
        this.accountId = requireNonNull(accountId, "accountId is null");
        this.clock = requireNonNull(clock, "clock is null");
        producer = new RecordProducer(bootstrapServers, "lakestack-kinesis");
    }

    /** The Kafka topic of a stream's records. */
    public static String topic(String streamName)
    {
        return TOPIC_PREFIX + streamName;
    }

    private static TopicPartition partition(Stream stream, int shard)
    {
        return new TopicPartition(topic(stream.name()), shard);
    }

    /**
     * The shard's partition, assigned to a reader before its offsets are asked: the consumer notes the offsets of an
     * assigned partition, and logs a warning for any other.
     */
    private static TopicPartition assign(KafkaConsumer<byte[], byte[]> consumer, Stream stream, int shard)
    {
        TopicPartition partition = partition(stream, shard);
        consumer.assign(List.of(partition));
        return partition;
    }

    // definitions

    @Override
    public synchronized Stream create(String name, String region, int shards, String mode, Map<String, String> tags)
    {
        if (registry.getLatest(name).isPresent()) {
            throw KinesisStreams.inUse(name, accountId);
        }
        Stream stream = new Stream(name, arn(region, name), mode, shards, 24, clock.millis(), tags);
        try {
            topics.awaitGone(topic(name));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating stream " + name, e);
        }
        catch (ExecutionException | TimeoutException e) {
            throw ServiceException.user("ResourceInUseException", "Stream " + name + " under account " + accountId + " is still being deleted; "
                    + "create it again in a few seconds");
        }
        topics.ensureRecords(topic(name), shards, Duration.ofHours(stream.retentionHours()));
        registry.put(name, stream);
        return stream;
    }

    @Override
    public Optional<Stream> find(String name)
    {
        return registry.getLatest(name);
    }

    @Override
    public Stream require(String name)
    {
        return find(name).orElseThrow(() -> KinesisStreams.notFound(name, accountId));
    }

    @Override
    public List<String> names()
    {
        return new ArrayList<>(registry.all().keySet());
    }

    @Override
    public synchronized void delete(String name)
    {
        require(name);
        registry.delete(name);
        topics.delete(topic(name));
    }

    @Override
    public synchronized Stream setRetention(String name, int hours)
    {
        Stream stream = require(name);
        topics.setConfig(topic(name), "retention.ms", String.valueOf(TimeUnit.HOURS.toMillis(hours)));
        Stream updated = stream.withRetentionHours(hours);
        registry.put(name, updated);
        return updated;
    }

    @Override
    public synchronized Stream setTags(String name, Map<String, String> tags)
    {
        Stream updated = require(name).withTags(tags);
        registry.put(name, updated);
        return updated;
    }

    @Override
    public String arn(String region, String name)
    {
        return "arn:aws:kinesis:" + region + ":" + accountId + ":stream/" + name;
    }

    @Override
    public String recordLog(String name)
    {
        return topic(name);
    }

    @Override
    public Optional<String> nameOf(String arn)
    {
        return Arn.parse(arn, "kinesis")
                .filter(parsed -> parsed.partition().equals("aws") && parsed.accountId().equals(accountId))
                .map(parsed -> STREAM_RESOURCE.matcher(parsed.resource()))
                .filter(Matcher::matches)
                .map(matcher -> matcher.group(1));
    }

    // records

    @Override
    public List<Optional<Written>> put(Stream stream, List<Entry> entries)
    {
        List<HashKeyRange> ranges = stream.ranges();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(entries.size());
        List<Integer> shards = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            BigInteger hashKey = entry.explicitHashKey().orElseGet(() -> HashKeyRange.hashKey(entry.partitionKey()));
            int shard = HashKeyRange.shardOf(ranges, hashKey);
            shards.add(shard);
            records.add(new ProducerRecord<>(topic(stream.name()), shard, entry.partitionKey().getBytes(StandardCharsets.UTF_8), entry.data()));
        }
        List<Optional<RecordMetadata>> acknowledged = producer.sendAll(records);
        List<Optional<Written>> written = new ArrayList<>(entries.size());
        for (int i = 0; i < acknowledged.size(); i++) {
            int shard = shards.get(i);
            written.add(acknowledged.get(i).map(metadata -> new Written(shard, new SequenceNumber(stream.creationMillis(), shard, metadata.offset()))));
        }
        return written;
    }

    @Override
    public Positions positions(Stream stream, int shard)
    {
        return readers.withReader(consumer -> {
            TopicPartition partition = assign(consumer, stream, shard);
            long earliest = consumer.beginningOffsets(List.of(partition), READ_TIMEOUT).get(partition);
            long latest = consumer.endOffsets(List.of(partition), READ_TIMEOUT).get(partition);
            return new Positions(earliest, latest);
        });
    }

    @Override
    public long positionAt(Stream stream, int shard, Instant time)
    {
        return readers.withReader(consumer -> {
            TopicPartition partition = assign(consumer, stream, shard);
            OffsetAndTimestamp found = consumer.offsetsForTimes(Map.of(partition, time.toEpochMilli()), READ_TIMEOUT).get(partition);
            return found != null ? found.offset() : consumer.endOffsets(List.of(partition), READ_TIMEOUT).get(partition);
        });
    }

    @Override
    public Read read(Stream stream, int shard, long position, int limit, long maxBytes)
    {
        return readers.withReader(consumer -> {
            TopicPartition partition = assign(consumer, stream, shard);
            long earliest = consumer.beginningOffsets(List.of(partition), READ_TIMEOUT).get(partition);
            long latest = consumer.endOffsets(List.of(partition), READ_TIMEOUT).get(partition);
            long start = Math.max(position, earliest);
            List<StoredRecord> records = new ArrayList<>();
            long next = start;
            if (start >= latest) {
                return new Read(records, start, latest);
            }
            consumer.seek(partition, start);
            long bytes = 0;
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            outer:
            while (records.size() < limit && next < latest && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200)).records(partition)) {
                    if (record.offset() < next) {
                        continue;
                    }
                    byte[] data = record.value() == null ? new byte[0] : record.value();
                    if (records.size() >= limit || (!records.isEmpty() && bytes + data.length > maxBytes)) {
                        break outer;
                    }
                    records.add(new StoredRecord(new SequenceNumber(stream.creationMillis(), shard, record.offset()),
                            record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8), data, Instant.ofEpochMilli(record.timestamp())));
                    bytes += data.length;
                    next = record.offset() + 1;
                }
            }
            return new Read(records, next, latest);
        });
    }

    @Override
    public void close()
    {
        producer.close();
        readers.close();
    }
}
