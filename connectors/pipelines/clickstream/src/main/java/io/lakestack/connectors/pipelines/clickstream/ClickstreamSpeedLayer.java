package io.lakestack.connectors.pipelines.clickstream;

import io.lakestack.connectors.pipelines.clickstream.ClickstreamView.Key;
import io.lakestack.connectors.pipelines.clickstream.ClickstreamView.Totals;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * The speed layer: {@link ClickstreamTopology} run by Kafka Streams (exactly once: a restart neither loses nor counts
 * twice a click of the windows), its windows read by interactive queries. Only start-up and queries are here; what it
 * computes is the topology's.
 */
public final class ClickstreamSpeedLayer
        implements SpeedView, AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(ClickstreamSpeedLayer.class);
    private static final Instant END_OF_TIME = Instant.ofEpochMilli(Long.MAX_VALUE);

    private final KafkaStreams streams;
    private final String topic;
    private final CompletableFuture<Void> running = new CompletableFuture<>();

    /**
     * @param kafka the Kafka clients' settings for the cluster: {@code bootstrap.servers} and its security settings
     * @param applicationId the Kafka Streams application: its consumer group and the prefix of its internal topics
     * @param stateDirectory where the window store's RocksDB files go
     */
    public ClickstreamSpeedLayer(Map<String, Object> kafka, String applicationId, String topic, Path stateDirectory)
    {
        requireNonNull(kafka, "kafka is null");
        requireNonNull(applicationId, "applicationId is null");
        requireNonNull(topic, "topic is null");
        requireNonNull(stateDirectory, "stateDirectory is null");
        this.topic = topic;
        Properties properties = new Properties();
        properties.putAll(kafka);
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDirectory.toString());
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        properties.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        // a transaction a second, a window's length, rather than exactly-once's ten: each commit ends a transaction,
        // and interactive queries read the windows as they are folded, committed or not
        properties.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1_000);
        properties.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        streams = new KafkaStreams(ClickstreamTopology.build(topic), properties);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                running.complete(null);
            }
            else if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.PENDING_SHUTDOWN || now == KafkaStreams.State.NOT_RUNNING) {
                running.completeExceptionally(new IllegalStateException("the speed layer stopped while starting: " + now));
            }
        });
        streams.setUncaughtExceptionHandler(e -> {
            log.error("the speed layer failed; it stops", e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    }

    /** Starts the speed layer and waits until it runs, its stores ready for queries. */
    public void start(Duration timeout)
            throws InterruptedException
    {
        streams.start();
        try {
            running.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
        catch (TimeoutException e) {
            throw new IllegalStateException("the speed layer is not running after " + timeout + ": " + streams.state());
        }
    }

    /** Kafka Streams' state: {@code RUNNING} while it counts. */
    public KafkaStreams.State state()
    {
        return streams.state();
    }

    @Override
    public Map<Key, Totals> totalsFrom(long fromMillis)
    {
        return query(store -> {
            Map<Key, Totals> totals = new TreeMap<>();
            try (KeyValueIterator<Windowed<Key>, Totals> windows = store.fetchAll(Instant.ofEpochMilli(fromMillis), END_OF_TIME)) {
                windows.forEachRemaining(window -> totals.merge(window.key.key(), window.value, Totals::plus));
            }
            return totals;
        });
    }

    @Override
    public Totals totalsFrom(Key key, long fromMillis)
    {
        return query(store -> {
            Totals totals = Totals.ZERO;
            try (WindowStoreIterator<Totals> windows = store.fetch(key, Instant.ofEpochMilli(fromMillis), END_OF_TIME)) {
                while (windows.hasNext()) {
                    KeyValue<Long, Totals> window = windows.next();
                    totals = totals.plus(window.value);
                }
            }
            return totals;
        });
    }

    /**
     * How far the speed layer has read the clicks' topic: the offsets it committed, summed over the topic's partitions.
     * Cheap, where {@link #clicks} reads every window; on a topic written by a producer without transactions, the
     * number of records read.
     */
    public long committedOffset()
    {
        return streams.metadataForLocalThreads().stream()
                .flatMap(thread -> thread.activeTasks().stream())
                .flatMap(task -> task.committedOffsets().entrySet().stream())
                .filter(offset -> offset.getKey().topic().equals(topic))
                .mapToLong(offset -> Math.max(offset.getValue(), 0))
                .sum();
    }

    /** How many clicks the windows hold, all of them. */
    public long clicks()
    {
        return totalsFrom(0).values().stream().mapToLong(Totals::count).sum();
    }

    @Override
    public long deadLetters()
    {
        ReadOnlyKeyValueStore<String, Long> store;
        try {
            store = streams.store(StoreQueryParameters.fromNameAndType(ClickstreamTopology.DEAD_LETTERS_STORE, QueryableStoreTypes.keyValueStore()));
        }
        catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
        long count = 0;
        try (KeyValueIterator<String, Long> problems = store.all()) {
            while (problems.hasNext()) {
                count += problems.next().value;
            }
        }
        catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
        return count;
    }

    private <T> T query(Function<ReadOnlyWindowStore<Key, Totals>, T> query)
    {
        try {
            return query.apply(streams.store(StoreQueryParameters.fromNameAndType(ClickstreamTopology.TOTALS_STORE, QueryableStoreTypes.windowStore())));
        }
        catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
    }

    private IllegalStateException unavailable(InvalidStateStoreException e)
    {
        return new IllegalStateException("the speed layer cannot answer now (" + streams.state() + "): " + e.getMessage(), e);
    }

    @Override
    public void close()
    {
        streams.close(Duration.ofMinutes(1));
    }
}
