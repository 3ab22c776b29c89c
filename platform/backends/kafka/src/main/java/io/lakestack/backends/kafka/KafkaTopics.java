package io.lakestack.backends.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/**
 * Creates topics and waits until every partition has a leader that answers, so that a producer started right after
 * never meets a partition that is still being elected (seen as {@code NOT_LEADER_OR_FOLLOWER} followed by
 * {@code OUT_OF_ORDER_SEQUENCE_NUMBER}).
 */
public final class KafkaTopics
{
    private final Admin admin;
    private final Duration timeout;

    public KafkaTopics(Admin admin, Duration timeout)
    {
        this.admin = requireNonNull(admin, "admin is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
    }

    /** Creates the topic if it is missing (a topic that exists is left as it is) and waits until it is usable. */
    public void ensure(String topic, int partitions, Map<String, String> config)
    {
        try {
            int replication = (int) Math.min(3, admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size());
            try {
                admin.createTopics(java.util.List.of(new NewTopic(topic, partitions, (short) Math.max(1, replication)).configs(config)))
                        .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            awaitLeaders(topic);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating Kafka topic " + topic, e);
        }
        catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create Kafka topic " + topic + ": " + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
        }
    }

    /**
     * Creates a topic of records put through an AWS API (a Kinesis stream, a Firehose stream): the broker stamps each
     * record with its log-append time (the record's arrival time), records up to 1 MiB and their framing fit.
     */
    public void ensureRecords(String topic, int partitions, Duration retention)
    {
        ensure(topic, partitions, Map.of(
                "message.timestamp.type", "LogAppendTime",
                "retention.ms", String.valueOf(retention.toMillis()),
                "cleanup.policy", "delete",
                "max.message.bytes", String.valueOf(2 * 1024 * 1024)));
    }

    /** Deletes the topic and waits until Kafka no longer lists it; a missing topic is fine. */
    public void delete(String topic)
    {
        try {
            try {
                admin.deleteTopics(java.util.List.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            catch (ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            awaitGone(topic);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while deleting Kafka topic " + topic, e);
        }
        catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot delete Kafka topic " + topic + ": " + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
        }
    }

    /** Waits until a topic being deleted is gone, so that one of the same name can be created. */
    public void awaitGone(String topic)
            throws InterruptedException, ExecutionException, TimeoutException
    {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS).contains(topic)) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("Kafka topic " + topic + " is still being deleted after " + timeout.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }

    /** Sets one configuration value of a topic. */
    public void setConfig(String topic, String key, String value)
    {
        try {
            org.apache.kafka.common.config.ConfigResource resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
            admin.incrementalAlterConfigs(Map.of(resource, java.util.List.of(new org.apache.kafka.clients.admin.AlterConfigOp(
                    new org.apache.kafka.clients.admin.ConfigEntry(key, value), org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET))))
                    .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while configuring Kafka topic " + topic, e);
        }
        catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot set " + key + " of Kafka topic " + topic + ": " + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
        }
    }

    public Admin admin()
    {
        return admin;
    }

    private void awaitLeaders(String topic)
            throws InterruptedException, ExecutionException, TimeoutException
    {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                TopicDescription description = admin.describeTopics(java.util.List.of(topic)).allTopicNames()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                description.partitions().forEach(partition -> latest.put(new TopicPartition(topic, partition.partition()), OffsetSpec.latest()));
                admin.listOffsets(latest).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return;
            }
            catch (ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }
}
