package io.lakestack.connectors.eventbridge;

import io.lakestack.connectors.consumers.CommittingMember;
import io.lakestack.connectors.consumers.GroupStart;
import io.lakestack.spi.eventbridge.EventBuses;
import io.lakestack.spi.eventbridge.Rule;
import io.lakestack.spi.eventbridge.ScheduledRules;
import io.lakestack.spi.eventbridge.Target;
import io.lakestack.spi.json.JsonText;
import io.lakestack.spi.pattern.EventPattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

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

    private final TargetDelivery delivery;
    private final CommittingMember member;
    private final String group;
    private volatile Rule rule;
    private volatile EventPattern pattern;

    RuleWorker(Rule rule, RuleEngineConfig config, TargetDelivery delivery)
    {
        requireNonNull(config, "config is null");
        this.delivery = requireNonNull(delivery, "delivery is null");
        update(rule);
        this.group = EventBuses.consumerGroup(rule);
        this.member = new CommittingMember(new CommittingMember.Settings(config.kafkaBootstrapServers(), EventBuses.kafkaTopic(rule.busName()), group,
                "lakestack-events-" + rule.busName() + "-" + rule.name(), 10, "events-rule-" + rule.busName() + "-" + rule.name(),
                "EventBridge deliveries of rule " + rule.arn()), new CommittingMember.Handler()
                {
                    @Override
                    public void assigned(KafkaConsumer<byte[], byte[]> consumer, Collection<TopicPartition> partitions)
                    {
                        startNewPartitions(consumer, partitions);
                    }

                    @Override
                    public boolean handle(ConsumerRecord<byte[], byte[]> record)
                    {
                        return RuleWorker.this.handle(record);
                    }
                });
    }

    RuleWorker start()
    {
        member.start();
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

    /** A partition this group has no offset of yet starts at the rule's creation or enabling. */
    private void startNewPartitions(KafkaConsumer<byte[], byte[]> consumer, Collection<TopicPartition> partitions)
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
            TargetDelivery.Outcome outcome = delivery.deliver(current, target, event, document, eventId, record.timestamp(), member::running);
            if (outcome == TargetDelivery.Outcome.STOPPED) {
                return false;
            }
        }
        return true;
    }

    /** Whether the worker is still taking events (for the engine's status). */
    boolean running()
    {
        return member.alive();
    }

    Optional<Rule> rule()
    {
        return Optional.ofNullable(rule);
    }

    /** Stops taking events; a delivery in progress ends, not committed, so it is delivered again by another member or after a restart. */
    @Override
    public void close()
    {
        member.close();
    }
}
