package io.lakestack.backends.kafka;

import io.lakestack.spi.ServiceException;
import io.lakestack.spi.firehose.DeliveryRunner;
import io.lakestack.spi.firehose.DeliveryStream;
import io.lakestack.spi.firehose.DeliveryStreams;
import io.lakestack.spi.kinesis.KinesisStreams;
import io.lakestack.spi.kinesis.SequenceNumber;
import io.lakestack.spi.store.RecordStore;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/**
 * Firehose streams on Kafka. A {@code DirectPut} stream's records go to the topic {@value #TOPIC_PREFIX}{@code <name>}
 * (one partition, log-append time: a Firehose stream delivers one object per buffer); a
 * {@code KinesisStreamAsSource} stream reads its Kinesis stream's topic, an {@code MSKAsSource} stream the topic its
 * source names. Each stream is delivered by the consumer
 * group {@value #GROUP_PREFIX}{@code <name>}, whose members are the {@link DeliveryRunner}s of every instance.
 * Definitions are records of the store {@value #STORE}; every instance follows them, so a stream created or changed
 * through one endpoint is delivered by all.
 */
public final class KafkaDeliveryStreams
        implements DeliveryStreams, AutoCloseable
{
    public static final String TOPIC_PREFIX = "lakestack.firehose.";
    public static final String GROUP_PREFIX = "lakestack.firehose.";
    public static final String STORE = "firehose.delivery-streams";
    private static final Logger log = LoggerFactory.getLogger(KafkaDeliveryStreams.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    /** How long a deleted stream's group may take to lose its members (the deliveries stopping on every instance). */
    private static final Duration GROUP_EMPTY_TIMEOUT = Duration.ofSeconds(30);

    private final RecordStore<DeliveryStream> registry;
    private final KafkaTopics topics;
    private final String accountId;
    private final Clock clock;
    private final DeliveryRunner runner;
    private final RecordProducer producer;
    private final ExecutorService follower;

    /**
     * @param runner runs the deliveries on this instance; it is given every stream defined now, and every change
     */
    public KafkaDeliveryStreams(RecordStore<DeliveryStream> registry, KafkaTopics topics, String bootstrapServers, String accountId, Clock clock,
            DeliveryRunner runner)
    {
        this.registry = requireNonNull(registry, "registry is null");
        this.topics = requireNonNull(topics, "topics is null");
        this.accountId = requireNonNull(accountId, "accountId is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.runner = requireNonNull(runner, "runner is null");
        this.producer = new RecordProducer(requireNonNull(bootstrapServers, "bootstrapServers is null"), "lakestack-firehose");
        this.follower = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "lakestack-firehose-deliveries");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts the delivery of every stream defined, and follows the definitions from now on. */
    public void startDeliveries()
    {
        registry.subscribe((name, stream) -> follower.execute(() -> apply(name, stream)));
        registry.all().forEach((name, stream) -> follower.execute(() -> apply(name, Optional.of(stream))));
    }

    private void apply(String name, Optional<DeliveryStream> stream)
    {
        try {
            if (stream.isPresent()) {
                runner.run(stream.get());
            }
            else {
                runner.abandon(name);
            }
        }
        catch (RuntimeException e) {
            log.error("cannot {} the delivery of Firehose stream {}", stream.isPresent() ? "start" : "stop", name, e);
        }
    }

    /** The Kafka topic of a {@code DirectPut} stream's records. */
    public static String topic(String streamName)
    {
        return TOPIC_PREFIX + streamName;
    }

    /** The consumer group that delivers a stream. */
    public static String groupId(String streamName)
    {
        return GROUP_PREFIX + streamName;
    }

    /** How many of a stream's records have been delivered: the sum of its group's committed offsets. */
    public static long deliveredRecords(Admin admin, String streamName)
            throws InterruptedException, ExecutionException, TimeoutException
    {
        return admin.listConsumerGroupOffsets(groupId(streamName)).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS).values().stream()
                .filter(java.util.Objects::nonNull)
                .mapToLong(OffsetAndMetadata::offset)
                .sum();
    }

    // definitions

    @Override
    public synchronized DeliveryStream create(String name, String region, String type, Optional<KinesisStreams.Stream> source,
            Optional<DeliveryStream.MskSource> mskSource, Optional<String> roleArn, String destination, Map<String, String> tags)
    {
        if (registry.getLatest(name).isPresent()) {
            throw DeliveryStreams.inUse(name, accountId);
        }
        long now = clock.millis();
        String sourceTopic = source.map(stream -> KafkaKinesisStreams.topic(stream.name()))
                .or(() -> mskSource.map(DeliveryStream.MskSource::topic))
                .orElse(topic(name));
        long sequenceEpoch = source.map(KinesisStreams.Stream::creationMillis).orElse(now);
        DeliveryStream stream = new DeliveryStream(name, arn(region, name), type, 1, now, now, sourceTopic, groupId(name), sequenceEpoch,
                source.map(KinesisStreams.Stream::arn), roleArn, destination, tags, mskSource);
        try {
            if (type.equals(DeliveryStream.DIRECT_PUT)) {
                topics.awaitGone(sourceTopic);
                // Firehose keeps records it cannot deliver for 24 hours
                topics.ensureRecords(sourceTopic, 1, Duration.ofHours(24));
            }
            // a new stream's delivery starts after what its group committed before: at the start of its own topic; as
            // Firehose does for a stream reading Kinesis, at the stream's latest records; for one reading MSK, at the
            // first record at or after its ReadFromTimestamp
            startGroupAt(name, sourceTopic, type.equals(DeliveryStream.DIRECT_PUT) ? OffsetSpec.earliest()
                    : mskSource.map(msk -> OffsetSpec.forTimestamp(msk.readFromMillis())).orElseGet(OffsetSpec::latest));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating Firehose stream " + name, e);
        }
        catch (ExecutionException | TimeoutException e) {
            throw ServiceException.user("ResourceInUseException", "Firehose " + name + " under accountId " + accountId + " is still being deleted; "
                    + "create it again in a few seconds");
        }
        registry.put(name, stream);
        return stream;
    }

    private void startGroupAt(String name, String topic, OffsetSpec start)
            throws InterruptedException, ExecutionException, TimeoutException
    {
        Admin admin = topics.admin();
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().size();
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
        for (int partition = 0; partition < partitions; partition++) {
            specs.put(new TopicPartition(topic, partition), start);
            ends.put(new TopicPartition(topic, partition), OffsetSpec.latest());
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> latest = admin.listOffsets(ends).all().get(30, TimeUnit.SECONDS);
        // a partition with no record at or after a timestamp answers -1: the delivery starts at its end
        admin.listOffsets(specs).all().get(30, TimeUnit.SECONDS).forEach((partition, info) -> offsets.put(partition,
                new OffsetAndMetadata(info.offset() >= 0 ? info.offset() : latest.get(partition).offset())));
        // replaces whatever a stream of the same name committed before (its group has no members: it was deleted)
        admin.alterConsumerGroupOffsets(groupId(name), offsets).all().get(30, TimeUnit.SECONDS);
    }

    @Override
    public Optional<DeliveryStream> find(String name)
    {
        return registry.getLatest(name);
    }

    @Override
    public DeliveryStream require(String name)
    {
        return find(name).orElseThrow(() -> DeliveryStreams.notFound(name, accountId));
    }

    @Override
    public List<String> names()
    {
        return new ArrayList<>(registry.all().keySet());
    }

    @Override
    public synchronized void delete(String name)
    {
        DeliveryStream stream = require(name);
        registry.delete(name);
        try {
            deleteGroup(name);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        catch (ExecutionException | TimeoutException e) {
            log.warn("cannot delete the consumer group of Firehose stream {}: {}", name, e.toString());
        }
        if (stream.type().equals(DeliveryStream.DIRECT_PUT)) {
            topics.delete(stream.sourceTopic());
        }
    }

    /** Deletes the stream's consumer group once its members (the deliveries of every instance) have left it. */
    private void deleteGroup(String name)
            throws InterruptedException, ExecutionException, TimeoutException
    {
        long deadline = System.nanoTime() + GROUP_EMPTY_TIMEOUT.toNanos();
        while (true) {
            try {
                topics.admin().deleteConsumerGroups(List.of(groupId(name))).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                return;
            }
            catch (ExecutionException e) {
                if (e.getCause() instanceof GroupIdNotFoundException) {
                    return;
                }
                if (!(e.getCause() instanceof GroupNotEmptyException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    @Override
    public synchronized DeliveryStream updateDestination(String name, int currentVersion, String destination)
    {
        DeliveryStream stream = require(name);
        if (stream.version() != currentVersion) {
            throw DeliveryStreams.versionMismatch(name, stream.version(), String.valueOf(currentVersion));
        }
        DeliveryStream updated = stream.withDestination(destination, clock.millis());
        registry.put(name, updated);
        return updated;
    }

    @Override
    public synchronized DeliveryStream setTags(String name, Map<String, String> tags)
    {
        DeliveryStream updated = require(name).withTags(tags);
        registry.put(name, updated);
        return updated;
    }

    @Override
    public String arn(String region, String name)
    {
        return "arn:aws:firehose:" + region + ":" + accountId + ":deliverystream/" + name;
    }

    // records

    @Override
    public List<Optional<String>> put(DeliveryStream stream, List<byte[]> records)
    {
        List<ProducerRecord<byte[], byte[]>> sends = new ArrayList<>(records.size());
        for (byte[] record : records) {
            sends.add(new ProducerRecord<>(stream.sourceTopic(), 0, null, record));
        }
        return producer.sendAll(sends).stream().map(metadata -> metadata.map(acknowledged -> recordId(stream, acknowledged.offset()))).toList();
    }

    /** A record's id: the sequence number error documents give it, so the two can be matched. */
    static String recordId(DeliveryStream stream, long offset)
    {
        return new SequenceNumber(stream.sequenceEpochMillis(), 0, offset).toString();
    }

    /** Stops following the definitions; the deliveries write what they buffer before this returns. */
    @Override
    public void close()
    {
        follower.shutdownNow();
        try {
            follower.awaitTermination(10, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runner.close();
        producer.close();
    }
}
