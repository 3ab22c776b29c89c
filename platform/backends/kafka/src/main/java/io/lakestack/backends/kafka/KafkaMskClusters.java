package io.lakestack.backends.kafka;

import io.lakestack.spi.msk.MskClusters;
import io.lakestack.spi.store.RecordStore;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.AppInfoParser;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/**
 * The Kafka cluster lakestack runs on, described as an MSK cluster. Its id comes from the Kafka cluster id and its
 * creation time is kept in the store {@value #STORE}, so both stay the same across restarts; the broker count is read
 * from the cluster at every call. The Kafka version is the client library's, which is the broker's for the embedded
 * stack.
 */
public final class KafkaMskClusters
        implements MskClusters
{
    public static final String STORE = "msk.clusters";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Admin admin;
    private final String bootstrapServers;
    private final RecordStore<Cluster> store;
    private final Clock clock;

    public KafkaMskClusters(Admin admin, String bootstrapServers, RecordStore<Cluster> store, Clock clock)
    {
        this.admin = requireNonNull(admin, "admin is null");
        this.bootstrapServers = requireNonNull(bootstrapServers, "bootstrapServers is null");
        this.store = requireNonNull(store, "store is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public synchronized Cluster cluster()
    {
        try {
            DescribeClusterResult described = admin.describeCluster();
            String clusterId = described.clusterId().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            int brokers = described.nodes().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).size();
            Cluster stored = store.get(CLUSTER_NAME).filter(cluster -> cluster.uuid().equals(uuid(clusterId))).orElseGet(() -> {
                Cluster created = new Cluster(CLUSTER_NAME, uuid(clusterId), bootstrapServers, AppInfoParser.getVersion(), brokers, clock.millis());
                store.put(CLUSTER_NAME, created);
                return created;
            });
            return new Cluster(CLUSTER_NAME, stored.uuid(), bootstrapServers, AppInfoParser.getVersion(), brokers, stored.creationMillis());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing the Kafka cluster", e);
        }
        catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe the Kafka cluster at " + bootstrapServers + ": " + e, e);
        }
    }

    /** MSK's cluster id shape ({@code <uuid>-<n>}) from a Kafka cluster id: a base64 UUID, or any other string. */
    static String uuid(String kafkaClusterId)
    {
        UUID uuid;
        try {
            Uuid id = Uuid.fromString(kafkaClusterId);
            uuid = new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits());
        }
        catch (IllegalArgumentException e) {
            uuid = UUID.nameUUIDFromBytes(kafkaClusterId.getBytes(StandardCharsets.UTF_8));
        }
        return uuid + "-1";
    }

    @Override
    public OptionalInt partitions(String topic)
    {
        try {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            return OptionalInt.of(description.partitions().size());
        }
        catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return OptionalInt.empty();
            }
            throw new IllegalStateException("cannot describe Kafka topic " + topic + ": " + e.getCause(), e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing Kafka topic " + topic, e);
        }
        catch (TimeoutException e) {
            throw new IllegalStateException("cannot describe Kafka topic " + topic + ": " + e, e);
        }
    }
}
