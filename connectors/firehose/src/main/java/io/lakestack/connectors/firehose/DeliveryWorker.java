package io.lakestack.connectors.firehose;

import io.lakestack.spi.cluster.KafkaClientSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/**
 * Delivers one Firehose stream: a Kafka consumer in the stream's group ({@link DeliveryStreamSettings#group()}) reads the
 * source topic, buffers each partition as the buffering hints say (with a Lambda processor, first as the processor's
 * say, see {@link PartitionDelivery}), writes the objects and then commits the offset after the last record delivered.
 *
 * <p>Exactly once: offsets are committed only after the objects are written, and object names derive from the
 * offsets of their first records (see {@link Batch}); whatever was written but not committed before a crash is
 * written again under the same names. Several workers of one stream (in one process or many) share its partitions
 * as a consumer group does.
 *
 * <p>A failed write (S3 or the catalog not answering) is retried, from the last committed offsets, with a growing
 * pause; records are never skipped.
 */
public final class DeliveryWorker
        implements AutoCloseable
{
    /** The group of a stream's deliveries unless its settings name another: {@value}{@code <stream>}. */
    public static final String GROUP_PREFIX = "lakestack.firehose.";
    private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);
    private static final long MAX_POLL_MILLIS = 200;
    private static final long FIRST_RETRY_MILLIS = 500;
    private static final long MAX_RETRY_MILLIS = 30_000;
    /** How long a stopping worker reads on to the ends of its partitions. */
    private static final long DRAIN_MILLIS = 10_000;

    /** What the worker did, for status and logs. */
    public interface Listener
    {
        default void delivered(DeliveryStreamSettings stream, List<DeliveredObject> objects, long sourceRecords)
        {
        }

        /** A buffer was delivered; {@code droppedRecords} of its source records were dropped by the Lambda function. */
        default void delivered(DeliveryStreamSettings stream, List<DeliveredObject> objects, long sourceRecords, long droppedRecords)
        {
            delivered(stream, objects, sourceRecords);
        }

        default void failed(DeliveryStreamSettings stream, Exception cause, long retryInMillis)
        {
        }
    }

    private final DeliveryStreamSettings settings;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ObjectSink sink;
    private final TableSchemas schemas;
    private final Path directory;
    private final Optional<MetadataExtractor> extractor;
    private final Optional<LambdaTransformer> lambda;
    private final Listener listener;
    private final Map<Integer, PartitionDelivery> partitions = new HashMap<>();
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean flushOnClose = true;
    private volatile boolean drainOnClose;
    private long retryMillis = FIRST_RETRY_MILLIS;

    /**
     * @param directory where buffered objects are written before they are uploaded: a folder of this worker's own is
     *         created in it, and deleted when the worker stops
     */
    public DeliveryWorker(DeliveryStreamSettings settings, String bootstrapServers, ObjectSink sink, TableSchemas schemas, Path directory,
            Listener listener)
            throws IOException
    {
        this(settings, bootstrapServers, sink, schemas, LambdaInvoker.NONE, directory, listener);
    }

    /**
     * @param invoker how the stream's Lambda processor, if it has one, reaches its function
     */
    public DeliveryWorker(DeliveryStreamSettings settings, String bootstrapServers, ObjectSink sink, TableSchemas schemas, LambdaInvoker invoker,
            Path directory, Listener listener)
            throws IOException
    {
        requireNonNull(invoker, "invoker is null");
        this.lambda = settings.destination().lambda().map(processor -> new LambdaTransformer(processor, invoker, settings.arn(), this::pauseUnlessStopping,
                System::currentTimeMillis, () -> UUID.randomUUID().toString()));
        this.settings = requireNonNull(settings, "settings is null");
        this.sink = requireNonNull(sink, "sink is null");
        this.schemas = requireNonNull(schemas, "schemas is null");
        this.listener = requireNonNull(listener, "listener is null");
        this.directory = Files.createTempDirectory(Files.createDirectories(directory), "worker-");
        try {
            this.extractor = settings.destination().dynamicPartitioning() && !settings.destination().partitionKeyQueries().isEmpty()
                    ? Optional.of(new MetadataExtractor(settings.destination().partitionKeyQueries()))
                    : Optional.empty();
        }
        catch (InvalidConfigurationException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        this.consumer = new KafkaConsumer<>(KafkaClientSettings.complete(consumerConfig(bootstrapServers, settings)), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "firehose-" + settings.name());
        thread.setDaemon(true);
    }

    /**
     * How many records of a stream's source the delivery group has written to S3: the sum of its committed offsets
     * (the offset after the last record of each partition's last delivered buffer).
     */
    public static long deliveredRecords(Admin admin, String group)
            throws InterruptedException, ExecutionException, TimeoutException
    {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS).values().stream()
                .filter(Objects::nonNull)
                .mapToLong(OffsetAndMetadata::offset)
                .sum();
    }

    static Properties consumerConfig(String bootstrapServers, DeliveryStreamSettings settings)
    {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, settings.group());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "lakestack-firehose-" + settings.name());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        // writing a 128 MB buffer as Parquet takes a while
        config.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 600_000);
        // a killed endpoint's partitions go on 10 s later (another endpoint, or the same started again), not after Kafka's default 45 s
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        return config;
    }

    public DeliveryStreamSettings settings()
    {
        return settings;
    }

    public DeliveryWorker start()
    {
        thread.start();
        return this;
    }

    private void run()
    {
        try {
            consumer.subscribe(List.of(settings.sourceTopic()), new ConsumerRebalanceListener()
            {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> revoked)
                {
                    // another worker reads these from the committed offsets
                    revoked.forEach(partition -> Optional.ofNullable(partitions.remove(partition.partition())).ifPresent(PartitionDelivery::discard));
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> assigned)
                {
                }
            });
            while (running) {
                try {
                    step();
                    retryMillis = FIRST_RETRY_MILLIS;
                }
                catch (WakeupException e) {
                    if (running) {
                        throw e;
                    }
                }
                catch (IOException | TableSchemas.SchemaUnavailableException | RuntimeException e) {
                    if (!running) {
                        break;
                    }
                    recover(e);
                }
            }
            if (flushOnClose) {
                if (drainOnClose) {
                    drain();
                }
                flush();
            }
        }
        catch (RuntimeException e) {
            log.error("delivery of Firehose stream {} stopped", settings.name(), e);
        }
        finally {
            partitions.values().forEach(PartitionDelivery::discard);
            partitions.clear();
            try {
                Files.deleteIfExists(directory);
            }
            catch (IOException e) {
                log.debug("cannot delete {}", directory, e);
            }
            try {
                consumer.close(Duration.ofSeconds(5));
            }
            catch (RuntimeException e) {
                log.debug("closing the consumer of {}", settings.name(), e);
            }
            stopped.countDown();
        }
    }

    private void step()
            throws IOException, TableSchemas.SchemaUnavailableException
    {
        long now = System.currentTimeMillis();
        long nextDue = partitions.values().stream().mapToLong(PartitionDelivery::dueAtMillis).min().orElse(Long.MAX_VALUE);
        long wait = Math.max(0, Math.min(MAX_POLL_MILLIS, nextDue - now));
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(wait));
        now = System.currentTimeMillis();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            PartitionDelivery partition = buffer(record, now);
            if (partition.due(now)) {
                deliver(record.partition(), partition);
            }
        }
        now = System.currentTimeMillis();
        for (Map.Entry<Integer, PartitionDelivery> entry : partitions.entrySet()) {
            entry.getValue().transformIfDue(now);
            if (entry.getValue().due(now)) {
                deliver(entry.getKey(), entry.getValue());
            }
        }
    }

    private void deliver(int partition, PartitionDelivery buffer)
            throws IOException
    {
        PartitionDelivery.Delivery delivery = buffer.deliver(sink);
        consumer.commitSync(Map.of(new TopicPartition(settings.sourceTopic(), partition), new OffsetAndMetadata(delivery.nextOffset())));
        listener.delivered(settings, delivery.objects(), delivery.sourceRecords(), delivery.droppedRecords());
    }

    /** Drops every buffer and reads again from the committed offsets, after a pause that grows with each failure. */
    private void recover(Exception cause)
    {
        log.warn("delivery of Firehose stream {} failed, retrying in {} ms: {}", settings.name(), retryMillis, cause.toString());
        listener.failed(settings, cause, retryMillis);
        partitions.values().forEach(PartitionDelivery::discard);
        partitions.clear();
        try {
            Set<TopicPartition> assigned = consumer.assignment();
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned, Duration.ofSeconds(30));
            for (TopicPartition partition : assigned) {
                OffsetAndMetadata offset = committed.get(partition);
                if (offset == null) {
                    consumer.seekToBeginning(List.of(partition));
                }
                else {
                    consumer.seek(partition, offset.offset());
                }
            }
        }
        catch (RuntimeException e) {
            // the next poll fails as well, and comes back here
            log.debug("cannot rewind the consumer of {}", settings.name(), e);
        }
        sleep(retryMillis);
        retryMillis = Math.min(MAX_RETRY_MILLIS, retryMillis * 2);
    }

    /**
     * The pause before a Lambda invocation is tried again. A stopping worker does not wait: its buffers are read again
     * from the committed offsets at the next start rather than failed into the error output.
     */
    private void pauseUnlessStopping(long millis)
            throws InterruptedException
    {
        sleep(millis);
        if (!running) {
            throw new InterruptedException("the delivery of Firehose stream " + settings.name() + " is stopping");
        }
    }

    private void sleep(long millis)
    {
        long deadline = System.currentTimeMillis() + millis;
        while (running && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(Math.min(100, millis));
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Delivers what is buffered, once: on a graceful stop the buffered records are not held back. */
    private PartitionDelivery buffer(ConsumerRecord<byte[], byte[]> record, long now)
            throws IOException, TableSchemas.SchemaUnavailableException
    {
        PartitionDelivery partition = partitions.computeIfAbsent(record.partition(),
                ignored -> new PartitionDelivery(settings, directory, extractor, schemas, lambda));
        byte[] data = record.value() == null ? new byte[0] : record.value();
        partition.add(new SourceRecord(record.partition(), record.offset(), record.timestamp(), data), now);
        return partition;
    }

    /**
     * On stopping, reads what this worker's partitions hold up to their ends as of now (for at most
     * {@value #DRAIN_MILLIS} ms), so that the delivery on stopping includes every record written before the stop that
     * this worker was assigned; what it cannot read is delivered from the committed offsets at the next start.
     */
    private void drain()
    {
        try {
            Set<TopicPartition> assigned = consumer.assignment();
            if (assigned.isEmpty()) {
                return;
            }
            Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, Duration.ofSeconds(5));
            long deadline = System.currentTimeMillis() + DRAIN_MILLIS;
            while (System.currentTimeMillis() < deadline && assigned.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(Duration.ofMillis(100));
                }
                catch (WakeupException e) {
                    // the wake-up that stopped the loop
                    continue;
                }
                long now = System.currentTimeMillis();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    buffer(record, now);
                }
            }
        }
        catch (IOException | TableSchemas.SchemaUnavailableException | RuntimeException e) {
            log.warn("could not read the rest of Firehose stream {} on stopping; it is delivered from the committed offsets at the next start: {}",
                    settings.name(), e.toString());
        }
    }

    private void flush()
    {
        for (Map.Entry<Integer, PartitionDelivery> entry : Map.copyOf(partitions).entrySet()) {
            if (!entry.getValue().isEmpty()) {
                try {
                    entry.getValue().transformWaiting(System.currentTimeMillis());
                    deliver(entry.getKey(), entry.getValue());
                }
                catch (IOException | TableSchemas.SchemaUnavailableException | RuntimeException e) {
                    log.warn("could not deliver the buffer of Firehose stream {} on stopping; it is delivered at the next start: {}", settings.name(),
                            e.toString());
                }
            }
        }
    }

    /**
     * Reads its partitions to their ends, delivers all it read, commits and stops: for lakestack stopping, when no other
     * worker of this instance takes over. A worker replaced by a new definition stops with {@link #close()}, so that what
     * is written after the change goes to the new destination.
     */
    public void drainAndClose()
    {
        drainOnClose = true;
        close();
    }

    /** Stops without delivering what is buffered: it is read again from the committed offsets by the next worker. */
    public void abandon()
    {
        flushOnClose = false;
        close();
    }

    /** Delivers what is buffered, commits and stops. */
    @Override
    public void close()
    {
        running = false;
        consumer.wakeup();
        if (thread.isAlive() || thread.getState() != Thread.State.NEW) {
            try {
                if (!stopped.await(60, TimeUnit.SECONDS)) {
                    log.warn("delivery of Firehose stream {} did not stop within 60 s", settings.name());
                }
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        else {
            consumer.close(Duration.ZERO);
        }
    }
}
