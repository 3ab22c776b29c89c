package io.lakestack.server.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.connectors.firehose.DeliveryStreamSettings;
import io.lakestack.connectors.firehose.DeliveryWorker;
import io.lakestack.connectors.firehose.InvalidConfigurationException;
import io.lakestack.connectors.firehose.ObjectSink;
import io.lakestack.connectors.firehose.S3Destination;
import io.lakestack.connectors.firehose.TableSchemas;
import io.lakestack.server.json.JsonDocuments;
import io.lakestack.server.json.JsonProtocolService;
import io.lakestack.server.kafka.KafkaTopics;
import io.lakestack.server.kafka.RecordProducer;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.store.KeyValueStore;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/**
 * Firehose streams on Kafka. A {@code DirectPut} stream's records go to the topic {@value #TOPIC_PREFIX}{@code <name>}
 * (one partition, log-append time: a Firehose stream delivers one object per buffer); a
 * {@code KinesisStreamAsSource} stream reads its Kinesis stream's topic. Each stream is delivered by a
 * {@link DeliveryWorker} in the consumer group {@code lakestack.firehose.<name>}; definitions live in a
 * {@link KeyValueStore}, and the workers start again with the endpoint.
 */
public final class FirehoseStreams
        implements AutoCloseable
{
    public static final String TOPIC_PREFIX = "lakestack.firehose.";
    public static final String DIRECT_PUT = "DirectPut";
    public static final String KINESIS_SOURCE = "KinesisStreamAsSource";
    public static final String DESTINATION_ID = "destinationId-000000000001";
    private static final Logger log = LoggerFactory.getLogger(FirehoseStreams.class);

    /**
     * One stream as its definition says.
     *
     * @param destination the destination configuration as given (and updated), without defaults filled in
     * @param sourceTopic the Kafka topic its records are read from
     * @param sequenceEpochMillis the creation time of the source (the stream, or its Kinesis stream): sequence numbers
     *         and record ids carry it
     */
    public record Stream(String name, String arn, String type, int version, long creationMillis, long updateMillis, String sourceTopic,
            long sequenceEpochMillis, Optional<String> kinesisStreamArn, Optional<String> roleArn, ObjectNode destination, Map<String, String> tags)
    {
        public Stream
        {
            tags = Map.copyOf(tags);
        }

        public S3Destination parsedDestination()
        {
            try {
                return S3Destination.parse(destination);
            }
            catch (InvalidConfigurationException e) {
                throw new IllegalStateException("stored destination of Firehose stream " + name + " is invalid: " + e.getMessage(), e);
            }
        }

        DeliveryStreamSettings settings()
        {
            return new DeliveryStreamSettings(name, version, sourceTopic, sequenceEpochMillis, parsedDestination());
        }
    }

    private final KeyValueStore registry;
    private final KafkaTopics topics;
    private final String bootstrapServers;
    private final String region;
    private final String accountId;
    private final Clock clock;
    private final ObjectSink sink;
    private final TableSchemas schemas;
    private final Path workDirectory;
    private final RecordProducer producer;
    private final Map<String, DeliveryWorker> workers = new ConcurrentHashMap<>();

    public FirehoseStreams(KeyValueStore registry, KafkaTopics topics, String bootstrapServers, String region, String accountId, Clock clock,
            ObjectSink sink, TableSchemas schemas, Path workDirectory)
    {
        this.registry = requireNonNull(registry, "registry is null");
        this.topics = requireNonNull(topics, "topics is null");
        this.bootstrapServers = requireNonNull(bootstrapServers, "bootstrapServers is null");
        this.region = requireNonNull(region, "region is null");
        this.accountId = requireNonNull(accountId, "accountId is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.sink = requireNonNull(sink, "sink is null");
        this.schemas = requireNonNull(schemas, "schemas is null");
        this.workDirectory = requireNonNull(workDirectory, "workDirectory is null");
        // buffers a crashed endpoint left behind: their records are read again from Kafka
        deleteContents(workDirectory);
        producer = new RecordProducer(bootstrapServers, "lakestack-firehose");
    }

    private static void deleteContents(Path directory)
    {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).filter(path -> !path.equals(directory)).forEach(path -> {
                try {
                    Files.delete(path);
                }
                catch (IOException e) {
                    log.warn("cannot delete the stale Firehose buffer {}: {}", path, e.toString());
                }
            });
        }
        catch (IOException e) {
            log.warn("cannot list {}: {}", directory, e.toString());
        }
    }

    /** Starts the delivery of every stream defined. */
    public void startAll()
    {
        for (String name : names()) {
            find(name).ifPresent(this::startWorker);
        }
    }

    // definitions

    public synchronized Stream create(String name, String type, Optional<String> kinesisStreamArn, Optional<String> kinesisTopic,
            long kinesisCreationMillis, Optional<String> roleArn, ObjectNode destination, Map<String, String> tags)
    {
        if (registry.get(name).isPresent()) {
            throw ServiceException.user("ResourceInUseException", "Firehose " + name + " under accountId " + accountId + " already exists");
        }
        long now = clock.millis();
        String sourceTopic = kinesisTopic.orElse(TOPIC_PREFIX + name);
        Stream stream = new Stream(name, arn(name), type, 1, now, now, sourceTopic, type.equals(DIRECT_PUT) ? now : kinesisCreationMillis,
                kinesisStreamArn, roleArn, destination, tags);
        stream.parsedDestination();
        try {
            if (type.equals(DIRECT_PUT)) {
                topics.awaitGone(sourceTopic);
                // Firehose keeps records it cannot deliver for 24 hours
                topics.ensureRecords(sourceTopic, 1, Duration.ofHours(24));
            }
            else {
                // as Firehose does, a stream reading from Kinesis starts at the stream's latest records
                startAtEnd(name, sourceTopic);
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating Firehose stream " + name, e);
        }
        catch (ExecutionException | TimeoutException e) {
            throw ServiceException.user("ResourceInUseException", "Firehose " + name + " under accountId " + accountId + " is still being deleted; "
                    + "create it again in a few seconds");
        }
        store(stream);
        startWorker(stream);
        return stream;
    }

    private void startAtEnd(String name, String topic)
            throws InterruptedException, ExecutionException, TimeoutException
    {
        var admin = topics.admin();
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().size();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int partition = 0; partition < partitions; partition++) {
            latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((partition, info) -> offsets.put(partition, new OffsetAndMetadata(info.offset())));
        deleteGroup(name);
        admin.alterConsumerGroupOffsets(DeliveryWorker.groupId(name), offsets).all().get(30, TimeUnit.SECONDS);
    }

    public Optional<Stream> find(String name)
    {
        return registry.get(name).map(bytes -> read(JsonDocuments.read(bytes, "Firehose stream definition")));
    }

    public Stream require(String name)
    {
        return find(name).orElseThrow(() -> ServiceException.user("ResourceNotFoundException", "Firehose " + name + " under account " + accountId
                + " not found."));
    }

    public List<String> names()
    {
        return new ArrayList<>(new TreeMap<>(registry.snapshot()).keySet());
    }

    public synchronized void delete(String name)
    {
        Stream stream = require(name);
        registry.put(name, null);
        Optional.ofNullable(workers.remove(name)).ifPresent(DeliveryWorker::abandon);
        try {
            deleteGroup(name);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        catch (ExecutionException | TimeoutException e) {
            log.warn("cannot delete the consumer group of Firehose stream {}: {}", name, e.toString());
        }
        if (stream.type().equals(DIRECT_PUT)) {
            topics.delete(stream.sourceTopic());
        }
    }

    private void deleteGroup(String name)
            throws InterruptedException, ExecutionException, TimeoutException
    {
        try {
            topics.admin().deleteConsumerGroups(List.of(DeliveryWorker.groupId(name))).all().get(30, TimeUnit.SECONDS);
        }
        catch (ExecutionException e) {
            if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                throw e;
            }
        }
    }

    /** Replaces the destination; the delivery restarts with it, from the last delivered record. */
    public synchronized Stream updateDestination(String name, int currentVersion, ObjectNode destination)
    {
        Stream stream = require(name);
        if (stream.version() != currentVersion) {
            throw ServiceException.user("ConcurrentModificationException", "Cannot update firehose: " + name + " since the current version id: "
                    + stream.version() + " and specified version id: " + currentVersion + " do not match");
        }
        Stream updated = new Stream(stream.name(), stream.arn(), stream.type(), stream.version() + 1, stream.creationMillis(), clock.millis(),
                stream.sourceTopic(), stream.sequenceEpochMillis(), stream.kinesisStreamArn(), stream.roleArn(), destination, stream.tags());
        updated.parsedDestination();
        store(updated);
        // the old worker delivers what it holds under the old settings, then the new one goes on
        Optional.ofNullable(workers.remove(name)).ifPresent(DeliveryWorker::close);
        startWorker(updated);
        return updated;
    }

    public synchronized Stream setTags(String name, Map<String, String> tags)
    {
        Stream stream = require(name);
        Stream updated = new Stream(stream.name(), stream.arn(), stream.type(), stream.version(), stream.creationMillis(), stream.updateMillis(),
                stream.sourceTopic(), stream.sequenceEpochMillis(), stream.kinesisStreamArn(), stream.roleArn(), stream.destination(), tags);
        store(updated);
        return updated;
    }

    public String arn(String name)
    {
        return "arn:aws:firehose:" + region + ":" + accountId + ":deliverystream/" + name;
    }

    private void startWorker(Stream stream)
    {
        try {
            // failures are logged by the worker, which retries them
            DeliveryWorker worker = new DeliveryWorker(stream.settings(), bootstrapServers, sink, schemas, workDirectory.resolve(stream.name()),
                    new DeliveryWorker.Listener()
                    {
                    });
            workers.put(stream.name(), worker.start());
        }
        catch (IOException e) {
            throw ServiceException.internal("ServiceUnavailableException", "cannot start the delivery of Firehose stream " + stream.name() + ": "
                    + e.getMessage(), e);
        }
    }

    // records

    /** Writes the records, in order, and waits until Kafka has them; each gets its record id, or empty if Kafka failed it. */
    public List<Optional<String>> put(Stream stream, List<byte[]> records)
    {
        List<ProducerRecord<byte[], byte[]>> sends = new ArrayList<>(records.size());
        for (byte[] record : records) {
            sends.add(new ProducerRecord<>(stream.sourceTopic(), 0, null, record));
        }
        return producer.sendAll(sends).stream().map(metadata -> metadata.map(acknowledged -> recordId(stream, acknowledged.offset()))).toList();
    }

    /** A record's id: the sequence number error documents give it, so the two can be matched. */
    static String recordId(Stream stream, long offset)
    {
        return new io.lakestack.spi.kinesis.SequenceNumber(stream.sequenceEpochMillis(), 0, offset).toString();
    }

    private void store(Stream stream)
    {
        ObjectNode node = JsonProtocolService.JSON.createObjectNode();
        node.put("name", stream.name());
        node.put("arn", stream.arn());
        node.put("type", stream.type());
        node.put("version", stream.version());
        node.put("creationMillis", stream.creationMillis());
        node.put("updateMillis", stream.updateMillis());
        node.put("sourceTopic", stream.sourceTopic());
        node.put("sequenceEpochMillis", stream.sequenceEpochMillis());
        stream.kinesisStreamArn().ifPresent(arn -> node.put("kinesisStreamArn", arn));
        stream.roleArn().ifPresent(arn -> node.put("roleArn", arn));
        node.set("destination", stream.destination());
        ObjectNode tags = node.putObject("tags");
        stream.tags().forEach(tags::put);
        registry.put(stream.name(), JsonDocuments.write(node));
    }

    private static Stream read(ObjectNode node)
    {
        Map<String, String> tags = new TreeMap<>();
        node.path("tags").fields().forEachRemaining(entry -> tags.put(entry.getKey(), entry.getValue().asText()));
        return new Stream(node.path("name").asText(), node.path("arn").asText(), node.path("type").asText(), node.path("version").asInt(),
                node.path("creationMillis").asLong(), node.path("updateMillis").asLong(), node.path("sourceTopic").asText(),
                node.path("sequenceEpochMillis").asLong(), text(node, "kinesisStreamArn"), text(node, "roleArn"), (ObjectNode) node.get("destination"), tags);
    }

    private static Optional<String> text(JsonNode node, String field)
    {
        return node.hasNonNull(field) ? Optional.of(node.get(field).asText()) : Optional.empty();
    }

    @Override
    public void close()
    {
        List<DeliveryWorker> running = new ArrayList<>(workers.values());
        workers.clear();
        // each delivers what it holds before it stops
        running.parallelStream().forEach(DeliveryWorker::close);
        producer.close();
    }
}
