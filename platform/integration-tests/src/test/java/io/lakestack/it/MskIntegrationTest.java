package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.testing.AwsCli;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kafka.KafkaClient;
import software.amazon.awssdk.services.kafka.model.BadRequestException;
import software.amazon.awssdk.services.kafka.model.Cluster;
import software.amazon.awssdk.services.kafka.model.ClusterInfo;
import software.amazon.awssdk.services.kafka.model.NotFoundException;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The MSK API on the real stack: lakestack's own Kafka cluster found as an MSK cluster through the SDK's Kafka client
 * and the AWS CLI, its bootstrap brokers used by a Kafka producer and consumer, and cluster changes refused.
 */
@LakestackTest
@Order(27)
class MskIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ARN = "arn:aws:kafka:us-east-1:000000000000:cluster/lakestack/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-1";

    private final TestStack stack;

    MskIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @Test
    void theStacksKafkaIsTheAccountsOneClusterAndItsBrokersTakeRecords()
            throws Exception
    {
        try (KafkaClient msk = stack.client(KafkaClient.builder())) {
            List<Cluster> clusters = msk.listClustersV2(request -> { }).clusterInfoList();
            assertThat(clusters).hasSize(1);
            Cluster cluster = clusters.get(0);
            assertThat(cluster.clusterArn()).matches(ARN);
            assertThat(cluster.clusterName()).isEqualTo("lakestack");
            assertThat(cluster.clusterTypeAsString()).isEqualTo("PROVISIONED");
            assertThat(cluster.stateAsString()).isEqualTo("ACTIVE");
            assertThat(cluster.provisioned().numberOfBrokerNodes()).isEqualTo(1);
            assertThat(cluster.provisioned().currentBrokerSoftwareInfo().kafkaVersion()).isEqualTo("4.3.1");
            assertThat(cluster.provisioned().clientAuthentication().unauthenticated().enabled()).isTrue();
            assertThat(cluster.provisioned().encryptionInfo().encryptionInTransit().clientBrokerAsString()).isEqualTo("PLAINTEXT");
            // the creation time is kept: the same at every call
            assertThat(msk.describeClusterV2(request -> request.clusterArn(cluster.clusterArn())).clusterInfo()).isEqualTo(cluster);
            ClusterInfo info = msk.describeCluster(request -> request.clusterArn(cluster.clusterArn())).clusterInfo();
            assertThat(info.clusterArn()).isEqualTo(cluster.clusterArn());
            assertThat(info.creationTime()).isEqualTo(cluster.creationTime());
            assertThat(msk.listClusters(request -> { }).clusterInfoList()).containsExactly(info);
            assertThat(msk.listClustersV2(request -> request.clusterNameFilter("lake")).clusterInfoList()).containsExactly(cluster);
            assertThat(msk.listClustersV2(request -> request.clusterNameFilter("other")).clusterInfoList()).isEmpty();
            assertThat(msk.listClustersV2(request -> request.clusterTypeFilter("SERVERLESS")).clusterInfoList()).isEmpty();

            String brokers = msk.getBootstrapBrokers(request -> request.clusterArn(cluster.clusterArn())).bootstrapBrokerString();
            assertThat(brokers).isEqualTo(stack.kafkaBootstrapServers());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                    ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("it-msk-topic", "k", "through the brokers MSK named")).get();
            }
            try (KafkaConsumer<String, String> consumer = stack.consumer("it-msk-topic")) {
                List<ConsumerRecord<String, String>> records = TestStack.poll(consumer, 1, Duration.ofSeconds(30));
                assertThat(records).extracting(ConsumerRecord::value).containsExactly("through the brokers MSK named");
            }

            // an ARN names the region of the request that lists the cluster
            try (KafkaClient west = stack.client(KafkaClient.builder(), Region.EU_WEST_1)) {
                assertThat(west.listClustersV2(request -> { }).clusterInfoList().get(0).clusterArn())
                        .isEqualTo(cluster.clusterArn().replace(":us-east-1:", ":eu-west-1:"));
            }
        }
    }

    @Test
    void clusterChangesAndUnknownClustersAreRefusedWithMsksErrors()
    {
        try (KafkaClient msk = stack.client(KafkaClient.builder())) {
            String other = "arn:aws:kafka:us-east-1:000000000000:cluster/other/0b6bd2c6-0f8a-4c3e-a3a5-3f1a5b1e0b2e-3";
            assertThatThrownBy(() -> msk.getBootstrapBrokers(request -> request.clusterArn(other)))
                    .isInstanceOf(NotFoundException.class)
                    .hasMessageStartingWith("The cluster " + other + " does not exist. lakestack's one cluster is arn:aws:kafka:us-east-1:000000000000:cluster/lakestack/");
            assertThatThrownBy(() -> msk.describeClusterV2(request -> request.clusterArn("not-an-arn")))
                    .isInstanceOf(BadRequestException.class)
                    .hasMessageStartingWith("clusterArn 'not-an-arn' is not an MSK cluster ARN (arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>) "
                            + "(parameter clusterArn)");
            assertThatThrownBy(() -> msk.createClusterV2(request -> request.clusterName("mine").provisioned(provisioned -> provisioned.kafkaVersion("3.6.0")
                    .numberOfBrokerNodes(3).brokerNodeGroupInfo(group -> group.instanceType("kafka.m5.large").clientSubnets("subnet-1")))))
                    .isInstanceOf(BadRequestException.class)
                    .hasMessageStartingWith("lakestack has one MSK cluster, 'lakestack': the Kafka cluster it runs on. Clusters cannot be created, changed or "
                            + "deleted; find it with ListClustersV2 and its brokers with GetBootstrapBrokers.");
            assertThatThrownBy(() -> msk.listClustersV2(request -> request.maxResults(101)))
                    .isInstanceOf(BadRequestException.class)
                    .hasMessageStartingWith("maxResults must be an integer from 1 to 100, not '101' (parameter maxResults)");
        }
    }

    @Test
    void awsCliFindsTheClusterAndItsBrokers()
            throws Exception
    {
        AwsCli aws = AwsCli.required(stack);
        AwsCli.Result listed = aws.run("kafka", "list-clusters-v2", "--cluster-name-filter", "lakestack");
        assertThat(listed.exitCode()).as(listed.stderr()).isEqualTo(0);
        JsonNode cluster = JSON.readTree(listed.stdout()).path("ClusterInfoList").get(0);
        assertThat(cluster.path("ClusterArn").asText()).matches(ARN);
        AwsCli.Result brokers = aws.run("kafka", "get-bootstrap-brokers", "--cluster-arn", cluster.path("ClusterArn").asText());
        assertThat(brokers.exitCode()).as(brokers.stderr()).isEqualTo(0);
        assertThat(JSON.readTree(brokers.stdout())).isEqualTo(JSON.readTree("{\"BootstrapBrokerString\":\"" + stack.kafkaBootstrapServers() + "\"}"));
    }
}
