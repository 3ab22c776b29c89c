package io.lakestack.connectors.pipelines;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kafka.KafkaClient;
import software.amazon.awssdk.services.kafka.model.Cluster;
import software.amazon.awssdk.services.kafka.model.GetBootstrapBrokersRequest;
import software.amazon.awssdk.services.kafka.model.GetBootstrapBrokersResponse;
import software.amazon.awssdk.services.kafka.model.ListClustersV2Request;
import software.amazon.awssdk.services.kafka.model.ListClustersV2Response;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MskClustersTest
{
    private static final String LAKESTACK_ARN = "arn:aws:kafka:us-east-1:000000000000:cluster/lakestack/1";

    /** MSK answering from a fixed list of clusters, a page of one at a time, and fixed brokers per ARN. */
    private static final class FakeMsk
            implements KafkaClient
    {
        final List<Cluster> clusters;
        final Map<String, GetBootstrapBrokersResponse> brokers;

        FakeMsk(List<Cluster> clusters, Map<String, GetBootstrapBrokersResponse> brokers)
        {
            this.clusters = clusters;
            this.brokers = brokers;
        }

        @Override
        public ListClustersV2Response listClustersV2(ListClustersV2Request request)
        {
            List<Cluster> matching = clusters.stream().filter(cluster -> request.clusterNameFilter() == null || cluster.clusterName().startsWith(request.clusterNameFilter())).toList();
            int from = request.nextToken() == null ? 0 : Integer.parseInt(request.nextToken());
            return ListClustersV2Response.builder()
                    .clusterInfoList(matching.subList(from, Math.min(from + 1, matching.size())))
                    .nextToken(from + 1 < matching.size() ? Integer.toString(from + 1) : null)
                    .build();
        }

        @Override
        public GetBootstrapBrokersResponse getBootstrapBrokers(GetBootstrapBrokersRequest request)
        {
            return brokers.get(request.clusterArn());
        }

        @Override
        public String serviceName()
        {
            return "kafka";
        }

        @Override
        public void close()
        {
        }
    }

    @Test
    void findsTheClusterByItsNameAndItsPlaintextBrokers()
    {
        MskClusters clusters = new MskClusters(new FakeMsk(List.of(cluster("lakestack-other", "arn:other"), cluster("lakestack", LAKESTACK_ARN)),
                Map.of(LAKESTACK_ARN, GetBootstrapBrokersResponse.builder().bootstrapBrokerString("127.0.0.1:9092").build())));

        assertThat(clusters.arnOf(MskClusters.LAKESTACK_CLUSTER)).isEqualTo(LAKESTACK_ARN);
        MskClusters.KafkaCluster cluster = clusters.cluster(LAKESTACK_ARN);
        assertThat(cluster.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(cluster.clientConfig()).containsExactlyInAnyOrderEntriesOf(Map.of("bootstrap.servers", "127.0.0.1:9092", "security.protocol", "PLAINTEXT"));
    }

    @Test
    void takesTlsBrokersWhenThereIsNoPlaintextAndRefusesSaslOnly()
    {
        MskClusters clusters = new MskClusters(new FakeMsk(List.of(), Map.of(
                "arn:tls", GetBootstrapBrokersResponse.builder().bootstrapBrokerStringTls("b-1.example:9094").bootstrapBrokerStringSaslIam("b-1.example:9098").build(),
                "arn:iam", GetBootstrapBrokersResponse.builder().bootstrapBrokerStringSaslIam("b-1.example:9098").build())));

        assertThat(clusters.cluster("arn:tls").clientConfig()).containsExactlyInAnyOrderEntriesOf(Map.of("bootstrap.servers", "b-1.example:9094", "security.protocol", "SSL"));
        assertThatThrownBy(() -> clusters.cluster("arn:iam")).hasMessageContaining("MSK cluster arn:iam offers no plaintext or TLS brokers")
                .hasMessageContaining("b-1.example:9098");
    }

    @Test
    void refusesANameOfNoClusterOrOfTwo()
    {
        MskClusters clusters = new MskClusters(new FakeMsk(List.of(cluster("a", "arn:a1"), cluster("a", "arn:a2")), Map.of()));

        assertThatThrownBy(() -> clusters.arnOf("lakestack")).hasMessage("MSK has no cluster named lakestack");
        assertThatThrownBy(() -> clusters.arnOf("a")).hasMessage("MSK has 2 clusters named a: [arn:a1, arn:a2]; name one by its ARN");
    }

    private static Cluster cluster(String name, String arn)
    {
        return Cluster.builder().clusterName(name).clusterArn(arn).build();
    }
}
