package io.lakestack.connectors.scheduler;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.spi.cluster.KafkaClientSettings;
import io.lakestack.spi.scheduler.Schedule;
import io.lakestack.spi.store.RecordStore;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * Fires the occurrences of the schedules this instance owns, each exactly once across instances.
 *
 * <p>Ownership: a schedule belongs to a partition of {@value SchedulerEngineConfig#FIRED_TOPIC} (by its key), and
 * this instance owns the partitions the consumer group {@value SchedulerEngineConfig#OWNER_GROUP} assigns it. On
 * taking a partition it opens the transactional producer whose id is tied to the partition, which fences any previous
 * owner (a zombie's open transaction is aborted, its later commits fail), then reads the partition from its start
 * (read_committed, to its last stable offset) to learn the last occurrence fired of each schedule. Only then does it
 * fire: the fact "occurrence T of schedule S fired" and the invocation to deliver (the outbox record, on
 * {@value SchedulerEngineConfig#INVOCATIONS_TOPIC}) are written in one transaction, so an occurrence is fired at most
 * once, and every occurrence fired has its invocation.
 */
final class ScheduleOwner
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(ScheduleOwner.class);

    private final RecordStore<Schedule> store;
    private final SchedulerEngineConfig config;
    private final Clock clock;
    private final ObjectMapper json;
    private final Map<String, Schedule> schedules = new ConcurrentHashMap<>();
    /** The last fired occurrence of each schedule, as read from the topic or committed by this instance. */
    private final Map<String, Fired> fired = new HashMap<>();
    private final Map<Integer, Owned> owned = new HashMap<>();
    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    /** A partition this instance owns: its fencing producer, since when, and the offset it must have read up to. */
    private static final class Owned
    {
        final KafkaProducer<String, String> producer;
        final Instant since;
        final long catchUpTo;
        boolean caughtUp;

        Owned(KafkaProducer<String, String> producer, Instant since, long catchUpTo)
        {
            this.producer = producer;
            this.since = since;
            this.catchUpTo = catchUpTo;
        }
    }

    ScheduleOwner(RecordStore<Schedule> store, SchedulerEngineConfig config, Clock clock, ObjectMapper json)
    {
        this.store = requireNonNull(store, "store is null");
        this.config = requireNonNull(config, "config is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.json = requireNonNull(json, "json is null");
        this.consumer = new KafkaConsumer<>(KafkaClientSettings.complete(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, SchedulerEngineConfig.OWNER_GROUP,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000,
                ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 60_000)),
                new StringDeserializer(), new StringDeserializer());
        this.thread = new Thread(this::run, "lakestack-scheduler-owner");
        this.thread.setDaemon(true);
    }

    ScheduleOwner start()
    {
        store.subscribe((key, record) -> {
            if (record.isPresent()) {
                schedules.put(key, record.get());
            }
            else {
                schedules.remove(key);
            }
        });
        schedules.putAll(store.all());
        consumer.subscribe(List.of(SchedulerEngineConfig.FIRED_TOPIC), new ConsumerRebalanceListener()
        {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions)
            {
                partitions.forEach(partition -> release(partition.partition()));
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions)
            {
                partitions.forEach(partition -> release(partition.partition()));
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions)
            {
                partitions.forEach(ScheduleOwner.this::take);
            }
        });
        thread.start();
        return this;
    }

    private void take(TopicPartition partition)
    {
        KafkaProducer<String, String> producer = new KafkaProducer<>(KafkaClientSettings.complete(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, SchedulerEngineConfig.transactionalId(partition.partition()),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 30_000)),
                new StringSerializer(), new StringSerializer());
        // fences the previous owner: its open transaction is aborted before the stable offset is read below
        producer.initTransactions();
        long end = consumer.endOffsets(List.of(partition)).get(partition);
        consumer.seekToBeginning(List.of(partition));
        owned.put(partition.partition(), new Owned(producer, clock.instant(), end));
        log.info("Scheduler: this instance owns the schedules of partition {} (reading their fired occurrences up to offset {})", partition.partition(), end);
    }

    private void release(int partition)
    {
        Owned previous = owned.remove(partition);
        if (previous != null) {
            previous.producer.close();
            log.info("Scheduler: this instance no longer owns the schedules of partition {}", partition);
        }
    }

    private void run()
    {
        try {
            while (running) {
                for (ConsumerRecord<String, String> record : consumer.poll(config.tick())) {
                    read(record);
                }
                for (Map.Entry<Integer, Owned> entry : owned.entrySet()) {
                    Owned partition = entry.getValue();
                    if (!partition.caughtUp) {
                        partition.caughtUp = consumer.position(new TopicPartition(SchedulerEngineConfig.FIRED_TOPIC, entry.getKey())) >= partition.catchUpTo;
                    }
                }
                fireDue();
            }
        }
        catch (WakeupException e) {
            if (running) {
                throw e;
            }
        }
        catch (RuntimeException e) {
            log.error("Scheduler: the owner loop stopped; schedules owned by this instance are not fired until another instance takes them over", e);
        }
        finally {
            owned.keySet().stream().toList().forEach(this::release);
            consumer.close();
        }
    }

    private void read(ConsumerRecord<String, String> record)
    {
        try {
            Fired fact = json.readValue(record.value(), Fired.class);
            fired.merge(fact.scheduleKey(), fact, (old, now) -> old.createdMillis() == now.createdMillis() && old.occurrenceMillis() > now.occurrenceMillis() ? old : now);
        }
        catch (IOException | RuntimeException e) {
            log.error("Scheduler: skipped an unreadable fired-occurrence record at {}-{} offset {}: {}", record.topic(), record.partition(), record.offset(), e.toString());
        }
    }

    private void fireDue()
    {
        Instant now = clock.instant();
        for (Schedule schedule : List.copyOf(schedules.values())) {
            Owned partition = owned.get(config.partition(schedule.key()));
            if (partition == null || !partition.caughtUp) {
                continue;
            }
            Optional<Instant> lastFired = Optional.ofNullable(fired.get(schedule.key()))
                    .filter(fact -> fact.createdMillis() == schedule.createdMillis())
                    .map(fact -> Instant.ofEpochMilli(fact.occurrenceMillis()));
            Plan plan;
            try {
                plan = Plan.of(schedule, lastFired, partition.since, config.grace(), now);
            }
            catch (RuntimeException e) {
                log.error("Scheduler: cannot plan schedule {}: {}", schedule.arn(), e.toString());
                continue;
            }
            if (plan instanceof Plan.Fire fire) {
                if (fire(schedule, fire, partition) && fire.last() && schedule.actionAfterCompletion() == Schedule.ActionAfterCompletion.DELETE) {
                    delete(schedule);
                }
            }
            else if (plan instanceof Plan.Delete) {
                delete(schedule);
            }
        }
    }

    private boolean fire(Schedule schedule, Plan.Fire fire, Owned partition)
    {
        int number = config.partition(schedule.key());
        Fired fact = new Fired(schedule.key(), schedule.createdMillis(), fire.occurrence().toEpochMilli());
        Invocation invocation = new Invocation(schedule.arn(), schedule.key(), fire.occurrence().toEpochMilli(),
                SchedulerContext.executionId(schedule.arn(), fire.occurrence()), schedule.target(), clock.millis());
        try {
            partition.producer.beginTransaction();
            partition.producer.send(new ProducerRecord<>(SchedulerEngineConfig.FIRED_TOPIC, number, schedule.key(), json.writeValueAsString(fact)));
            partition.producer.send(new ProducerRecord<>(SchedulerEngineConfig.INVOCATIONS_TOPIC, schedule.key(), json.writeValueAsString(invocation)));
            partition.producer.commitTransaction();
        }
        catch (ProducerFencedException | InvalidProducerEpochException e) {
            log.info("Scheduler: another instance took partition {} over; occurrence {} of {} is its to fire", number, fire.occurrence(), schedule.arn());
            release(number);
            return false;
        }
        catch (IOException | KafkaException e) {
            log.warn("Scheduler: could not fire occurrence {} of {}, trying again: {}", fire.occurrence(), schedule.arn(), e.toString());
            try {
                partition.producer.abortTransaction();
            }
            catch (KafkaException abort) {
                release(number);
            }
            return false;
        }
        fired.put(schedule.key(), fact);
        log.info("Scheduler: fired occurrence {} of {} (execution {})", fire.occurrence(), schedule.arn(), invocation.executionId());
        return true;
    }

    private void delete(Schedule schedule)
    {
        // the store is read again: the schedule may have been updated since the last occurrence was planned
        Optional<Schedule> current = store.get(schedule.key());
        if (current.isPresent() && current.get().modifiedMillis() == schedule.modifiedMillis()) {
            store.delete(schedule.key());
            schedules.remove(schedule.key());
            log.info("Scheduler: deleted {} after its last occurrence (ActionAfterCompletion DELETE)", schedule.arn());
        }
    }

    @Override
    public void close()
            throws InterruptedException
    {
        running = false;
        consumer.wakeup();
        thread.join(30_000);
    }
}
