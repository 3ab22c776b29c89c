package io.lakestack.connectors.lambda.events;

import io.lakestack.spi.cluster.KafkaClientSettings;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Lambda's asynchronous invocation queue on this instance: a member of the consumer group {@value #GROUP} over every
 * function's queue ({@code lakestack.lambda.<function>[.<qualifier>]}, subscribed by pattern, so that a new function's
 * queue is picked up within seconds), running each event as {@link AsyncInvocations} says on a pool of
 * {@link LambdaEventsConfig#asyncConcurrency()} threads. An event's offset is committed only once it is done (invoked
 * successfully, or given up and recorded); an event still waiting for a retry holds back the commits of its partition.
 *
 * <p>The dead-letter topics ({@code <queue>.failed}) are not matched, so a function's alias cannot be named
 * {@code failed}.
 */
public final class AsyncInvocationWorker
        implements AutoCloseable
{
    public static final String GROUP = "lakestack.lambda.async";
    /** The functions' queues, without their dead-letter topics. */
    public static final Pattern QUEUES = Pattern.compile("lakestack\\.lambda\\.[a-zA-Z0-9_-]+(\\.(?!failed$)[a-zA-Z0-9_$-]+)?");
    private static final Logger log = LoggerFactory.getLogger(AsyncInvocationWorker.class);
    private static final long MAX_POLL_MILLIS = 100;

    private final LambdaEventsConfig config;
    private final AsyncInvocations invocations;
    private final Clock clock;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ExecutorService pool;
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private boolean paused;

    /**
     * @param invoker invokes the functions under the queued request id (in lakestack, the Lambda service of the same
     *         process; {@link LambdaApi} against another endpoint)
     * @param functions reads the event invoke configurations and dead-letter queues
     * @param destinations where invocation records and dead letters go ({@link KafkaS3Destinations} in production)
     */
    public AsyncInvocationWorker(LambdaEventsConfig config, Invoker invoker, FunctionSettings functions, Destinations destinations, Clock clock)
    {
        this.config = requireNonNull(config, "config is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.invocations = new AsyncInvocations(invoker, functions, new DestinationRouter(destinations, clock, UUID::randomUUID), config.region(),
                config.accountId(), clock, UUID::randomUUID, config.asyncTiming());
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "lakestack-lambda-async");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // a new function's queue joins the subscription at the next metadata refresh
        properties.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 2_000);
        properties.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, MappingPoller.SESSION_TIMEOUT_MILLIS);
        properties.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, MappingPoller.SESSION_TIMEOUT_MILLIS / 3);
        this.consumer = new KafkaConsumer<>(KafkaClientSettings.complete(properties), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        AtomicInteger threads = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(config.asyncConcurrency(), runnable -> {
            Thread worker = new Thread(runnable, "lambda-async-" + threads.incrementAndGet());
            worker.setDaemon(true);
            return worker;
        });
        this.thread = new Thread(this::run, "lambda-async");
        thread.setDaemon(true);
    }

    public AsyncInvocationWorker start()
    {
        thread.start();
        return this;
    }

    private void run()
    {
        try {
            consumer.subscribe(QUEUES, new ConsumerRebalanceListener()
            {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> revoked)
                {
                    try {
                        commit();
                    }
                    catch (RuntimeException e) {
                        log.debug("commit on revocation", e);
                    }
                    for (TopicPartition partition : revoked) {
                        invocations.revoke(partition.topic(), partition.partition());
                        committed.remove(partition);
                    }
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> assigned)
                {
                }
            });
            while (running) {
                long wait = Math.max(0, Math.min(MAX_POLL_MILLIS, invocations.nextDueAt() - clock.millis()));
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(wait));
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    Map<String, String> headers = new HashMap<>();
                    for (Header header : record.headers()) {
                        headers.put(header.key(), header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8));
                    }
                    invocations.accept(new AsyncInvocations.QueuedEvent(record.topic(), record.partition(), record.offset(), record.timestamp(),
                            record.value() == null ? new byte[0] : record.value(), headers));
                }
                for (AsyncInvocations.Event event : invocations.due()) {
                    pool.execute(() -> {
                        try {
                            event.run();
                        }
                        catch (RuntimeException e) {
                            log.error("asynchronous invocation {} of {} failed unexpectedly; it is read again after a restart", event.requestId,
                                    event.invokedArn, e);
                        }
                    });
                }
                flowControl();
                commit();
            }
        }
        catch (WakeupException e) {
            // closing
        }
        catch (RuntimeException e) {
            log.error("the asynchronous invocation worker stopped", e);
        }
        finally {
            try {
                commit();
            }
            catch (RuntimeException e) {
                log.debug("last commit of the asynchronous invocation worker", e);
            }
            consumer.close(Duration.ofSeconds(5));
            stopped.countDown();
        }
    }

    private void flowControl()
    {
        boolean full = invocations.pending() >= config.asyncMaximumPending();
        if (full && !paused) {
            consumer.pause(consumer.assignment());
            paused = true;
        }
        else if (!full && paused) {
            consumer.resume(consumer.assignment());
            paused = false;
        }
    }

    private void commit()
    {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : consumer.assignment()) {
            OptionalLong position = invocations.position(partition.topic(), partition.partition());
            if (position.isPresent() && !Long.valueOf(position.getAsLong()).equals(committed.get(partition))) {
                offsets.put(partition, new OffsetAndMetadata(position.getAsLong()));
            }
        }
        if (!offsets.isEmpty()) {
            consumer.commitSync(offsets);
            offsets.forEach((partition, offset) -> committed.put(partition, offset.offset()));
        }
    }

    /** Stops taking events; invocations in progress finish (up to a minute); what is done is committed. */
    @Override
    public void close()
    {
        running = false;
        consumer.wakeup();
        try {
            if (!stopped.await(60, TimeUnit.SECONDS)) {
                log.warn("the asynchronous invocation worker did not stop within 60 s");
            }
            // what finishes now is not committed: it is invoked again after a restart (at least once, as on Lambda)
            pool.shutdown();
            pool.awaitTermination(60, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
