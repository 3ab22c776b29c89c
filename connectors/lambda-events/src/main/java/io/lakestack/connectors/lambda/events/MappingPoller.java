package io.lakestack.connectors.lambda.events;

import io.lakestack.spi.cluster.KafkaClientSettings;
import io.lakestack.spi.lambda.EventSourceMapping;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * The Kafka side of one event source mapping on this instance: a consumer in the mapping's group
 * ({@link EventSourceMapping#consumerGroup()}) over its source topics, a {@link ShardProcessor} per assigned partition,
 * whose lanes run on a shared executor, and commits of the processors' positions: offsets are committed only once the
 * records before them were invoked successfully, filtered out or given up.
 *
 * <p>A group that has no committed offset for a partition starts where {@code StartingPosition} says
 * ({@code TRIM_HORIZON}: the oldest record, {@code LATEST}: the next one, {@code AT_TIMESTAMP}: the first at or after the
 * timestamp) and commits that position at once, so that every later member starts there too. A committed offset Kafka no
 * longer holds (retention) moves to the oldest record, as an expired Kinesis record is gone.
 */
final class MappingPoller
        implements EventSourcePollers.Poller
{
    private static final Logger log = LoggerFactory.getLogger(MappingPoller.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** How long a stop waits for invocations in progress (within the minute {@link #close} waits). */
    private static final Duration LANES_STOP = Duration.ofSeconds(50);
    /**
     * How soon Kafka gives a member that went away without leaving (a killed endpoint) up, and another member, or the
     * same endpoint started again, takes its partitions on; Kafka's default is 45 s.
     */
    static final int SESSION_TIMEOUT_MILLIS = 10_000;

    /** Where the poller reports its mapping's state and last processing result. */
    interface StatusSink
    {
        void status(String state, String lastProcessingResult);
    }

    private final EventSourceMapping mapping;
    private final LambdaEventsConfig config;
    private final Invoker invoker;
    private final FunctionSettings functions;
    private final DestinationRouter router;
    private final ExecutorService lanes;
    private final Clock clock;
    private final StatusSink status;
    private final String initialState;
    private final Map<TopicPartition, ShardProcessor> processors = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private final Set<TopicPartition> paused = new HashSet<>();
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile String lastResult = "No records processed";
    private volatile boolean assigned;

    /**
     * @param initialState the state to report until the poller reads: {@code Creating}, {@code Enabling} or {@code Updating}
     */
    MappingPoller(EventSourceMapping mapping, LambdaEventsConfig config, Invoker invoker, FunctionSettings functions, DestinationRouter router,
            ExecutorService lanes, Clock clock, StatusSink status, String initialState, String lastResult)
    {
        this.mapping = requireNonNull(mapping, "mapping is null");
        this.config = requireNonNull(config, "config is null");
        this.invoker = requireNonNull(invoker, "invoker is null");
        this.functions = requireNonNull(functions, "functions is null");
        this.router = requireNonNull(router, "router is null");
        this.lanes = requireNonNull(lanes, "lanes is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.status = requireNonNull(status, "status is null");
        this.initialState = requireNonNull(initialState, "initialState is null");
        this.lastResult = requireNonNull(lastResult, "lastResult is null");
        this.thread = new Thread(this::run, "lambda-esm-" + mapping.uuid());
        thread.setDaemon(true);
    }

    private void report(String state, String result)
    {
        if (running) {
            status.status(state, result);
        }
    }

    @Override
    public EventSourceMapping mapping()
    {
        return mapping;
    }

    MappingPoller start()
    {
        thread.start();
        return this;
    }

    private void run()
    {
        try {
            report(initialState, lastResult);
            FilterCriteria filters;
            try {
                filters = FilterCriteria.compile(mapping.filterPatterns());
            }
            catch (IllegalArgumentException e) {
                log.error("event source mapping {} cannot start: {}", mapping.uuid(), e.getMessage());
                report("Disabled", "PROBLEM: " + e.getMessage());
                return;
            }
            EventFormat format = format();
            if (format == null) {
                return;
            }
            consumer = new KafkaConsumer<>(KafkaClientSettings.complete(consumerConfig()), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(mapping.sourceTopics(), new Rebalance(format, filters));
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                if (assigned) {
                    assigned = false;
                    report("Enabled", lastResult);
                }
                for (TopicPartition partition : records.partitions()) {
                    ShardProcessor processor = processors.get(partition);
                    if (processor != null) {
                        processor.add(records.records(partition).stream().map(MappingPoller::streamRecord).toList());
                    }
                }
                runLanes();
                flowControl();
                commit();
            }
        }
        catch (WakeupException e) {
            // closing
        }
        catch (RuntimeException e) {
            log.error("event source mapping {} stopped", mapping.uuid(), e);
            report("Disabled", "PROBLEM: " + e.getMessage());
        }
        finally {
            if (consumer != null) {
                awaitLanes();
                try {
                    commit();
                }
                catch (RuntimeException e) {
                    log.debug("last commit of event source mapping {}", mapping.uuid(), e);
                }
                consumer.close(Duration.ofSeconds(5));
            }
            stopped.countDown();
        }
    }

    /** The event format, once the function's execution role is known (Kinesis events name it); null when closed first. */
    private EventFormat format()
    {
        if (mapping.kind() == EventSourceMapping.Kind.KAFKA) {
            return new KafkaEventFormat(mapping.sourceTopics().get(0), mapping.bootstrapServers().orElse(config.kafkaBootstrapServers()), mapping.eventSourceArn());
        }
        long wait = 500;
        while (running) {
            try {
                return new KinesisEventFormat(mapping.eventSourceArn().orElseThrow(), mapping.sourceCreationMillis(), functions.executionRole(mapping.functionArn()));
            }
            catch (Invoker.InvokeException e) {
                log.warn("event source mapping {}: cannot read the configuration of {}, trying again in {} ms: {}", mapping.uuid(), mapping.functionArn(), wait,
                        e.getMessage());
                try {
                    Thread.sleep(wait);
                }
                catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return null;
                }
                wait = Math.min(wait * 2, 30_000);
            }
        }
        return null;
    }

    private Properties consumerConfig()
    {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, mapping.bootstrapServers().orElse(config.kafkaBootstrapServers()));
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, mapping.consumerGroup());
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "lakestack-lambda-esm-" + mapping.uuid());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.min(10_000, Math.max(500, mapping.batchSize())));
        properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        properties.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MILLIS);
        properties.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, SESSION_TIMEOUT_MILLIS / 3);
        return properties;
    }

    private static StreamRecord streamRecord(ConsumerRecord<byte[], byte[]> record)
    {
        Header[] given = record.headers().toArray();
        List<Map.Entry<String, byte[]>> headers = given.length == 0 ? List.of() : new ArrayList<>(given.length);
        for (Header header : given) {
            headers.add(new AbstractMap.SimpleImmutableEntry<>(header.key(), header.value()));
        }
        return new StreamRecord(record.topic(), record.partition(), record.offset(), record.key(), record.value(), record.timestamp(),
                record.timestampType() == TimestampType.LOG_APPEND_TIME ? "LOG_APPEND_TIME" : "CREATE_TIME", headers);
    }

    private void runLanes()
    {
        for (ShardProcessor processor : processors.values()) {
            for (ShardProcessor.Lane lane : processor.lanes()) {
                if (!lane.tryClaim()) {
                    continue;
                }
                try {
                    lanes.execute(() -> {
                        try {
                            while (running && lane.dueAt() <= clock.millis()) {
                                lane.run();
                            }
                        }
                        catch (RuntimeException e) {
                            log.error("event source mapping {}: lane {} of partition {} failed", mapping.uuid(), lane.index(), processor.partition(), e);
                        }
                        finally {
                            lane.release();
                        }
                    });
                }
                catch (RejectedExecutionException e) {
                    lane.release();
                }
            }
        }
    }

    /**
     * Waits for the invocations in progress to end (a lane stops after its current invocation once the poller is not
     * running), so that the last commit takes their records in; up to {@link #LANES_STOP}, after which the records of an
     * invocation still running are invoked again by whoever reads the partition next.
     */
    private void awaitLanes()
    {
        long deadline = System.nanoTime() + LANES_STOP.toNanos();
        while (processors.values().stream().flatMap(processor -> processor.lanes().stream()).anyMatch(ShardProcessor.Lane::busy)) {
            if (System.nanoTime() > deadline) {
                log.warn("event source mapping {}: an invocation still runs after {} s; its records are invoked again after the restart", mapping.uuid(),
                        LANES_STOP.toSeconds());
                return;
            }
            try {
                Thread.sleep(10);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void flowControl()
    {
        int limit = Math.max(1000, mapping.batchSize() * Math.max(1, mapping.parallelizationFactor()) * 2);
        for (Map.Entry<TopicPartition, ShardProcessor> entry : processors.entrySet()) {
            int buffered = entry.getValue().buffered();
            if (buffered >= limit && paused.add(entry.getKey())) {
                consumer.pause(List.of(entry.getKey()));
            }
            else if (buffered < limit / 2 && paused.remove(entry.getKey())) {
                consumer.resume(List.of(entry.getKey()));
            }
        }
    }

    private void commit()
    {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (Map.Entry<TopicPartition, ShardProcessor> entry : processors.entrySet()) {
            OptionalLong position = entry.getValue().position();
            if (position.isPresent() && !Long.valueOf(position.getAsLong()).equals(committed.get(entry.getKey()))) {
                offsets.put(entry.getKey(), new OffsetAndMetadata(position.getAsLong()));
            }
        }
        if (!offsets.isEmpty()) {
            consumer.commitSync(offsets);
            offsets.forEach((partition, offset) -> committed.put(partition, offset.offset()));
        }
    }

    private final class Rebalance
            implements ConsumerRebalanceListener
    {
        private final EventFormat format;
        private final FilterCriteria filters;

        Rebalance(EventFormat format, FilterCriteria filters)
        {
            this.format = format;
            this.filters = filters;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked)
        {
            try {
                commit();
            }
            catch (RuntimeException e) {
                log.debug("commit on revocation of event source mapping {}", mapping.uuid(), e);
            }
            // another member goes on from the committed offsets
            revoked.forEach(partition -> {
                processors.remove(partition);
                committed.remove(partition);
                paused.remove(partition);
            });
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions)
        {
            Map<TopicPartition, OffsetAndMetadata> existing = partitions.isEmpty() ? Map.of() : consumer.committed(new HashSet<>(partitions));
            Map<TopicPartition, OffsetAndMetadata> starts = new HashMap<>();
            for (TopicPartition partition : partitions) {
                if (existing.get(partition) == null) {
                    starts.put(partition, new OffsetAndMetadata(startingOffset(partition)));
                }
            }
            if (!starts.isEmpty()) {
                consumer.commitSync(starts);
            }
            for (TopicPartition partition : partitions) {
                StreamFailures failures = new StreamFailures(mapping, format, router, clock, UUID::randomUUID);
                ShardProcessor.Listener listener = new ShardProcessor.Listener()
                {
                    @Override
                    public void invoked(boolean functionError)
                    {
                        String result = functionError ? "PROBLEM: Function call failed" : "OK";
                        if (!result.equals(lastResult)) {
                            lastResult = result;
                            report("Enabled", result);
                        }
                    }
                };
                processors.put(partition, new ShardProcessor(mapping, format, filters, partition.partition(), invoker, failures, listener, clock,
                        config.streamTiming()));
            }
            assigned = true;
        }

        private long startingOffset(TopicPartition partition)
        {
            switch (mapping.startingPosition()) {
                case "LATEST" -> consumer.seekToEnd(List.of(partition));
                case "AT_TIMESTAMP" -> {
                    OffsetAndTimestamp found = consumer.offsetsForTimes(Map.of(partition, mapping.startingPositionTimestampMillis().orElse(0L))).get(partition);
                    if (found == null) {
                        consumer.seekToEnd(List.of(partition));
                    }
                    else {
                        consumer.seek(partition, found.offset());
                    }
                }
                default -> consumer.seekToBeginning(List.of(partition));
            }
            return consumer.position(partition);
        }
    }

    /** Stops reading; invocations in progress finish (up to a minute is waited for), and what is done is committed. */
    @Override
    public void close()
    {
        running = false;
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (current == null) {
            // waiting for the function's configuration
            thread.interrupt();
        }
        try {
            if (!stopped.await(60, TimeUnit.SECONDS)) {
                log.warn("event source mapping {} did not stop within 60 s", mapping.uuid());
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
