package io.lakestack.it;

import io.lakestack.backends.kafka.KafkaKinesisStreams;
import io.lakestack.embedded.EmbeddedStack;
import io.lakestack.embedded.EngineAddresses;
import io.lakestack.embedded.StackPorts;
import io.lakestack.embedded.UnreachableEnginesException;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * lakestack in external mode on a Kafka cluster of three KRaft nodes, each a process of its own, replication factor 3
 * and min ISR 2, reached through SASL/PLAIN listeners only (the {@code --kafka-property} settings, which every Kafka
 * client of lakestack must carry to get in): the topics lakestack makes are replicated three times, and killing the
 * broker that leads a stream's partition loses no record the endpoint acknowledged; records put afterwards are
 * acknowledged by the two left, and a second endpoint on the same cluster reads every one of them.
 */
@LakestackTest
@Order(92)
class ReplicatedKafkaIntegrationTest
{
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final TestStack stack;

    ReplicatedKafkaIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @Test
    void killingTheLeaderBrokerLosesNoAcknowledgedRecord(@TempDir Path kafkaDirectory, @TempDir Path dataDirectory, @TempDir Path secondDataDirectory)
            throws Exception
    {
        try (KafkaClusterProcesses kafka = new KafkaClusterProcesses(kafkaDirectory);
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            assertThat(admin.describeCluster().nodes().get(60, TimeUnit.SECONDS)).hasSize(KafkaClusterProcesses.NODES);
            // the engines of the test stack but Kafka, which is the cluster; no Trino: this is about Kafka
            // a wrong password: Kafka is there, but refuses lakestack's clients
            EngineAddresses refused = EngineAddresses.external(kafka.saslBootstrapServers(), KafkaClusterProcesses.saslSettings("wrong"),
                    URI.create(stack.stack().objectStoreUrl()), TestStack.ACCESS_KEY, TestStack.SECRET_KEY, TestStack.REGION,
                    URI.create(stack.stack().metastoreUri()), Optional.empty(), EngineAddresses.DEFAULT_TRINO_USER);
            assertThatThrownBy(() -> EmbeddedStack.builder().dataDirectory(dataDirectory).ports(StackPorts.free()).withTrino(false).externalEngines(refused)
                    .build().start())
                    .isInstanceOfSatisfying(UnreachableEnginesException.class, e -> assertThat(e.lines()).containsExactly("Kafka at "
                            + kafka.saslBootstrapServers() + " is not usable: Authentication failed: Invalid username or password"));

            EngineAddresses engines = EngineAddresses.external(kafka.saslBootstrapServers(), KafkaClusterProcesses.saslSettings(
                    KafkaClusterProcesses.SASL_PASSWORD), URI.create(stack.stack().objectStoreUrl()),
                    TestStack.ACCESS_KEY, TestStack.SECRET_KEY, TestStack.REGION, URI.create(stack.stack().metastoreUri()), Optional.empty(),
                    EngineAddresses.DEFAULT_TRINO_USER);
            try (EmbeddedStack external = EmbeddedStack.builder().dataDirectory(dataDirectory).ports(StackPorts.free()).withTrino(false)
                    .externalEngines(engines).build().start();
                    EmbeddedStack second = EmbeddedStack.builder().dataDirectory(secondDataDirectory).ports(StackPorts.free()).withTrino(false)
                            .externalEngines(engines).build().start();
                    KinesisClient kinesis = TestStack.client(KinesisClient.builder(), external.endpointUrl());
                    KinesisClient secondKinesis = TestStack.client(KinesisClient.builder(), second.endpointUrl())) {
                kinesis.createStream(request -> request.streamName("replicated").shardCount(1));
                await().atMost(TIMEOUT).until(() -> kinesis.describeStreamSummary(request -> request.streamName("replicated"))
                        .streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
                String topic = KafkaKinesisStreams.topic("replicated");
                TopicDescription stream = admin.describeTopics(List.of(topic)).allTopicNames().get(60, TimeUnit.SECONDS).get(topic);
                assertThat(stream.partitions()).singleElement().satisfies(partition -> assertThat(partition.replicas()).hasSize(3));
                // lakestack's own state (the stream's definition) is as replicated
                TopicDescription instances = admin.describeTopics(List.of("_lakestack.instances")).allTopicNames().get(60, TimeUnit.SECONDS)
                        .get("_lakestack.instances");
                assertThat(instances.partitions()).allSatisfy(partition -> assertThat(partition.replicas()).hasSize(3));
                assertThat(admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic))).all().get(60, TimeUnit.SECONDS)
                        .values().iterator().next().get("min.insync.replicas").value()).isEqualTo("2");

                List<String> acknowledged = new ArrayList<>();
                List<String> sequenceNumbers = new ArrayList<>();
                for (int i = 1; i <= 5; i++) {
                    put(kinesis, "before-" + i, acknowledged, sequenceNumbers);
                }
                TopicPartitionInfo partition = stream.partitions().get(0);
                int leader = admin.describeTopics(List.of(topic)).allTopicNames().get(60, TimeUnit.SECONDS).get(topic).partitions().get(0).leader().id();
                kafka.kill(leader);
                await().atMost(TIMEOUT).until(() -> {
                    TopicPartitionInfo now = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().get(0);
                    return now.leader() != null && now.leader().id() != leader;
                });
                for (int i = 1; i <= 5; i++) {
                    put(kinesis, "after-" + i, acknowledged, sequenceNumbers);
                }
                assertThat(partition.replicas()).extracting(node -> node.id()).contains(leader);

                // read through the other endpoint on the same cluster: the stream made on the first, every acknowledged record
                String shard = secondKinesis.listShards(request -> request.streamName("replicated")).shards().get(0).shardId();
                List<Record> read = new ArrayList<>();
                String iterator = secondKinesis.getShardIterator(request -> request.streamName("replicated").shardId(shard)
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
                while (read.size() < acknowledged.size()) {
                    String from = iterator;
                    var page = await().atMost(TIMEOUT).until(() -> secondKinesis.getRecords(request -> request.shardIterator(from)),
                            response -> !response.records().isEmpty());
                    read.addAll(page.records());
                    iterator = page.nextShardIterator();
                }
                assertThat(read).extracting(record -> record.data().asUtf8String()).containsExactlyElementsOf(acknowledged);
                assertThat(read).extracting(Record::sequenceNumber).containsExactlyElementsOf(sequenceNumbers);
                assertThat(kinesis.describeStreamSummary(request -> request.streamName("replicated")).streamDescriptionSummary().openShardCount())
                        .isEqualTo(1);
            }
        }
    }

    private static void put(KinesisClient kinesis, String data, List<String> acknowledged, List<String> sequenceNumbers)
    {
        PutRecordResponse response = kinesis.putRecord(request -> request.streamName("replicated").partitionKey("key").data(SdkBytes.fromUtf8String(data)));
        acknowledged.add(data);
        sequenceNumbers.add(response.sequenceNumber());
    }
}
