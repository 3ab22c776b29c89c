package io.lakestack.connectors.scheduler;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.connectors.targets.TargetCall;
import io.lakestack.connectors.targets.TargetException;
import io.lakestack.spi.cluster.KafkaClientSettings;
import io.lakestack.spi.scheduler.ScheduleTarget;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Delivers the invocations of fired occurrences: reads {@value SchedulerEngineConfig#INVOCATIONS_TOPIC} in the consumer
 * group {@value SchedulerEngineConfig#DELIVERY_GROUP} (read_committed, so only occurrences whose firing committed),
 * delivers each to its target with the target's retry policy (exponential backoff; attempts up to
 * {@code MaximumRetryAttempts} retries while the event is younger than {@code MaximumEventAgeInSeconds}), then to its
 * dead-letter queue, and commits a record's offset only once it is delivered, dead-lettered or kept on
 * {@value SchedulerEngineConfig#UNDELIVERED_TOPIC}. An instance that dies mid-delivery leaves the record uncommitted:
 * another delivers it again (at least once).
 */
final class InvocationDelivery
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(InvocationDelivery.class);
    private static final int MAXIMUM_PENDING = 1000;

    private final SchedulerEngineConfig config;
    private final Invoker invoker;
    private final Clock clock;
    private final ObjectMapper json;
    private final KafkaConsumer<String, String> consumer;
    private final KafkaProducer<String, String> undelivered;
    private final ExecutorService calls;
    private final ScheduledExecutorService retries;
    private final Map<TopicPartition, TreeMap<Long, CompletableFuture<Void>>> pending = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * Calls a target: a templated one through the AWS APIs, an event bus with PutEvents, a universal one through its
     * service's API.
     */
    interface Invoker
    {
        /**
         * @param scheduleArn the ARN of the schedule the call is made for, which names the region it is made in
         * @param target the schedule's target, whose parameters the call does not carry (an event bus's source and
         *         detail type); empty for a dead-letter queue
         */
        void invoke(TargetCall call, String scheduleArn, Optional<ScheduleTarget> target)
                throws TargetException;
    }

    InvocationDelivery(SchedulerEngineConfig config, Invoker invoker, Clock clock, ObjectMapper json)
    {
        this.config = requireNonNull(config, "config is null");
        this.invoker = requireNonNull(invoker, "invoker is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.json = requireNonNull(json, "json is null");
        this.consumer = new KafkaConsumer<>(KafkaClientSettings.complete(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, SchedulerEngineConfig.DELIVERY_GROUP,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100,
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000)),
                new StringDeserializer(), new StringDeserializer());
        this.undelivered = new KafkaProducer<>(KafkaClientSettings.complete(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all")),
                new StringSerializer(), new StringSerializer());
        this.calls = Executors.newFixedThreadPool(8, runnable -> {
            Thread delivery = new Thread(runnable, "lakestack-scheduler-delivery");
            delivery.setDaemon(true);
            return delivery;
        });
        this.retries = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread retry = new Thread(runnable, "lakestack-scheduler-retries");
            retry.setDaemon(true);
            return retry;
        });
        this.thread = new Thread(this::run, "lakestack-scheduler-deliveries");
        this.thread.setDaemon(true);
    }

    InvocationDelivery start()
    {
        consumer.subscribe(List.of(SchedulerEngineConfig.INVOCATIONS_TOPIC), new ConsumerRebalanceListener()
        {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions)
            {
                commitDone();
                // deliveries under way finish; their records are delivered again by the new owner (at least once)
                partitions.forEach(pending::remove);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}
        });
        thread.start();
        return this;
    }

    private void run()
    {
        try {
            while (running) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    pending.computeIfAbsent(partition, ignored -> new TreeMap<>()).put(record.offset(), deliver(record));
                }
                commitDone();
                int total = pending.values().stream().mapToInt(Map::size).sum();
                if (total > MAXIMUM_PENDING) {
                    consumer.pause(consumer.assignment());
                }
                else {
                    consumer.resume(consumer.paused());
                }
            }
        }
        catch (WakeupException e) {
            if (running) {
                throw e;
            }
        }
        catch (RuntimeException e) {
            log.error("Scheduler: the delivery loop stopped; invocations left are delivered by another instance or after a restart", e);
        }
        finally {
            consumer.close();
        }
    }

    private void commitDone()
    {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (Map.Entry<TopicPartition, TreeMap<Long, CompletableFuture<Void>>> entry : pending.entrySet()) {
            TreeMap<Long, CompletableFuture<Void>> futures = entry.getValue();
            long next = -1;
            while (!futures.isEmpty() && futures.firstEntry().getValue().isDone()) {
                Map.Entry<Long, CompletableFuture<Void>> first = futures.firstEntry();
                if (first.getValue().isCompletedExceptionally()) {
                    // not delivered, not kept (this instance is stopping, or Kafka failed): read it again
                    consumer.seek(entry.getKey(), first.getKey());
                    futures.clear();
                    break;
                }
                next = futures.pollFirstEntry().getKey() + 1;
            }
            if (next >= 0) {
                offsets.put(entry.getKey(), new OffsetAndMetadata(next));
            }
        }
        if (!offsets.isEmpty()) {
            consumer.commitSync(offsets);
        }
    }

    /** Delivers a record: completes once it is delivered, dead-lettered or kept; fails when this instance stops first. */
    private CompletableFuture<Void> deliver(ConsumerRecord<String, String> record)
    {
        Invocation invocation;
        try {
            invocation = json.readValue(record.value(), Invocation.class);
        }
        catch (IOException e) {
            log.error("Scheduler: skipped an unreadable invocation at {}-{} offset {}: {}", record.topic(), record.partition(), record.offset(), e.toString());
            return CompletableFuture.runAsync(() -> keep(record.key(), record.value(), "unreadable: " + e), calls);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        attempt(invocation, 1, config.firstRetryDelay(), done);
        return done;
    }

    /**
     * One attempt, on a thread of {@link #calls}; a retry is scheduled after its delay rather than waited for, so
     * that a target that keeps failing holds no thread.
     */
    private void attempt(Invocation invocation, int attempt, Duration delay, CompletableFuture<Void> done)
    {
        calls.execute(() -> {
            if (!running) {
                done.completeExceptionally(new IllegalStateException("stopped before delivering execution " + invocation.executionId()));
                return;
            }
            ScheduleTarget target = invocation.target();
            Instant occurrence = Instant.ofEpochMilli(invocation.occurrenceMillis());
            String payload = SchedulerContext.substitute(target.input().orElse("{}"), invocation.scheduleArn(), occurrence, invocation.executionId(), attempt);
            try {
                invoker.invoke(new TargetCall(target.arn(), payload, target.messageGroupId(),
                        target.messageGroupId().map(ignored -> invocation.executionId()), target.partitionKey(), Map.of()), invocation.scheduleArn(),
                        Optional.of(target));
                log.debug("Scheduler: delivered execution {} of {} to {} (attempt {})", invocation.executionId(), invocation.scheduleArn(), target.arn(), attempt);
                done.complete(null);
            }
            catch (TargetException e) {
                Instant expires = occurrence.plusSeconds(target.maximumEventAgeSeconds());
                boolean more = e.retryable() && attempt <= target.maximumRetryAttempts() && clock.instant().plus(delay).isBefore(expires);
                log.warn("Scheduler: attempt {} to deliver execution {} of {} to {} failed ({}: {}){}", attempt, invocation.executionId(), invocation.scheduleArn(),
                        target.arn(), e.errorCode(), e.getMessage(), more ? "; retrying in " + delay : "");
                if (more) {
                    Duration next = delay.multipliedBy(2).compareTo(config.maximumRetryDelay()) > 0 ? config.maximumRetryDelay() : delay.multipliedBy(2);
                    retries.schedule(() -> attempt(invocation, attempt + 1, next, done), delay.toMillis(), TimeUnit.MILLISECONDS);
                    return;
                }
                deadLetter(invocation, e, attempt);
                done.complete(null);
            }
            catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
    }

    private void deadLetter(Invocation invocation, TargetException failure, int attempts)
    {
        ScheduleTarget target = invocation.target();
        Instant occurrence = Instant.ofEpochMilli(invocation.occurrenceMillis());
        String payload = SchedulerContext.substitute(target.input().orElse("{}"), invocation.scheduleArn(), occurrence, invocation.executionId(), attempts);
        if (target.deadLetterArn().isPresent()) {
            Map<String, String> attributes = Map.of(
                    "ERROR_CODE", failure.errorCode(),
                    "ERROR_MESSAGE", String.valueOf(failure.getMessage()),
                    "EXECUTION_ID", invocation.executionId(),
                    "RETRY_ATTEMPTS", Integer.toString(attempts - 1),
                    "SCHEDULE_ARN", invocation.scheduleArn(),
                    "TARGET_ARN", target.arn());
            try {
                invoker.invoke(new TargetCall(target.deadLetterArn().get(), payload, Optional.empty(), Optional.empty(), Optional.empty(), attributes),
                        invocation.scheduleArn(), Optional.empty());
                log.warn("Scheduler: execution {} of {} went to the dead-letter queue {} after {} attempts ({})", invocation.executionId(), invocation.scheduleArn(),
                        target.deadLetterArn().get(), attempts, failure.errorCode());
                return;
            }
            catch (TargetException e) {
                log.error("Scheduler: the dead-letter queue {} of {} did not take execution {} ({}: {})", target.deadLetterArn().get(), invocation.scheduleArn(),
                        invocation.executionId(), e.errorCode(), e.getMessage());
            }
        }
        try {
            keep(invocation.scheduleKey(), json.writeValueAsString(invocation), failure.errorCode() + ": " + failure.getMessage());
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Keeps an invocation that could not be delivered where a person can find it, and says so in the log. */
    private void keep(String key, String invocation, String reason)
    {
        log.error("Scheduler: invocation not delivered ({}), kept on {}: {}", reason, SchedulerEngineConfig.UNDELIVERED_TOPIC, invocation);
        try {
            undelivered.send(new ProducerRecord<>(SchedulerEngineConfig.UNDELIVERED_TOPIC, key, invocation)).get(30, TimeUnit.SECONDS);
        }
        catch (Exception e) {
            throw new IllegalStateException("could not keep an undelivered invocation on " + SchedulerEngineConfig.UNDELIVERED_TOPIC, e);
        }
    }

    @Override
    public void close()
            throws InterruptedException
    {
        running = false;
        consumer.wakeup();
        thread.join(30_000);
        retries.shutdownNow();
        calls.shutdownNow();
        undelivered.close();
    }
}
