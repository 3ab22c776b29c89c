package io.lakestack.connectors.eventbridge;

import io.lakestack.connectors.consumers.GroupStart;
import io.lakestack.spi.cluster.KafkaClientSettings;
import io.lakestack.spi.eventbridge.EventBuses;
import io.lakestack.spi.eventbridge.Rule;
import io.lakestack.spi.eventbridge.ScheduledRules;
import io.lakestack.spi.eventbridge.Target;
import io.lakestack.spi.json.JsonText;
import io.lakestack.spi.pattern.EventPattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * One enabled rule on this instance: a member of the rule's consumer group ({@link EventBuses#consumerGroup}) over its
 * bus's Kafka topic, matching each event against the rule's pattern and delivering it to every target, in the order
 * of its partition, at least once: an offset is committed only after the event was delivered to every target, or
 * sent to a dead-letter queue, or logged and dropped. A new group starts at the events put on the bus since the rule
 * was created or enabled.
 */
final class RuleWorker
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(RuleWorker.class);
    private static final int SESSION_TIMEOUT_MILLIS = 10_000;

    private final RuleEngineConfig config;
    private final TargetDelivery delivery;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final String group;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Rule rule;
    private volatile EventPattern pattern;
    private volatile boolean running = true;

    RuleWorker(Rule rule, RuleEngineConfig config, TargetDelivery delivery)
    {
        this.config = requireNonNull(config, "config is null");
        this.delivery = requireNonNull(delivery, "delivery is null");
        update(rule);
        this.group = EventBuses.consumerGroup(rule);
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "lakestack-events-" + rule.busName() + "-" + rule.name());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10);
        properties.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 2_000);
        // an event retried as its targets' policies say may take long: the member stays in its group meanwhile
        properties.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, Integer.MAX_VALUE);
        properties.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MILLIS);
        properties.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, SESSION_TIMEOUT_MILLIS / 3);
        this.consumer = new KafkaConsumer<>(KafkaClientSettings.complete(properties), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "events-rule-" + rule.busName() + "-" + rule.name());
        thread.setDaemon(true);
    }

    RuleWorker start()
    {
        thread.start();
        return this;
    }

    /** The consumer group this worker is a member of; a rule enabled anew needs a new worker. */
    String group()
    {
        return group;
    }

    /** Takes a changed pattern or targets from the next event on. */
    void update(Rule changed)
    {
        // a scheduled rule takes its own scheduled events, which the scheduler puts on the bus
        EventPattern parsed = EventPattern.parse(changed.eventPattern().orElseGet(() -> ScheduledRules.pattern(changed)));
        this.rule = changed;
        this.pattern = parsed;
    }

    private void run()
    {
        String topic = EventBuses.kafkaTopic(rule.busName());
        try {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener()
            {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions)
                {
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions)
                {
                    startNewPartitions(partitions);
                }
            });
            while (running) {
                Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (!running || !handle(record)) {
                        break;
                    }
                    done.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
                }
                if (!done.isEmpty()) {
                    consumer.commitSync(done);
                }
            }
        }
        catch (WakeupException e) {
            // closing
        }
        catch (RuntimeException e) {
            log.error("EventBridge deliveries of rule {} stopped", rule.arn(), e);
        }
        finally {
            consumer.close(Duration.ofSeconds(5));
            stopped.countDown();
        }
    }

    /** A partition this group has no offset of yet starts at the rule's creation or enabling. */
    private void startNewPartitions(Collection<TopicPartition> partitions)
    {
        Map<TopicPartition, OffsetAndMetadata> positions = GroupStart.startNewPartitions(consumer, partitions, rule.activeSinceMillis());
        if (!positions.isEmpty()) {
            log.info("EventBridge rule {} starts at {}", rule.arn(), positions);
        }
    }

    /** @return false when the worker stopped during a delivery: the event is not committed, and is delivered again */
    private boolean handle(ConsumerRecord<byte[], byte[]> record)
    {
        Rule current = rule;
        EventPattern currentPattern = pattern;
        String place = record.topic() + "/" + record.partition() + "/" + record.offset();
        String event = record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8);
        Object document;
        try {
            document = JsonText.parse(event);
        }
        catch (IllegalArgumentException e) {
            log.warn("EventBridge rule {}: the record at {} is not a JSON event and is passed over: {}", current.arn(), place, e.getMessage());
            return true;
        }
        if (!currentPattern.matchesDocument(document)) {
            return true;
        }
        String eventId = document instanceof Map<?, ?> map && map.get("id") instanceof String id ? id : place;
        for (Target target : current.targets()) {
            TargetDelivery.Outcome outcome = delivery.deliver(current, target, event, document, eventId, record.timestamp(), () -> running);
            if (outcome == TargetDelivery.Outcome.STOPPED) {
                return false;
            }
        }
        return true;
    }

    /** Whether the worker is still taking events (for the engine's status). */
    boolean running()
    {
        return running && stopped.getCount() > 0;
    }

    Optional<Rule> rule()
    {
        return Optional.ofNullable(rule);
    }

    /** Stops taking events; a delivery in progress ends, not committed, so it is delivered again by another member or after a restart. */
    @Override
    public void close()
    {
        running = false;
        consumer.wakeup();
        try {
            if (!stopped.await(30, TimeUnit.SECONDS)) {
                log.warn("EventBridge deliveries of rule {} did not stop within 30 s", rule.arn());
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
