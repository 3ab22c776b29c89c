package io.lakestack.connectors.pipelines;

import software.amazon.awssdk.services.kafka.KafkaClient;
import software.amazon.awssdk.services.kafka.model.Cluster;
import software.amazon.awssdk.services.kafka.model.GetBootstrapBrokersResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Finds a Kafka cluster through the MSK API as a client of Amazon MSK does: the cluster's ARN (named, or looked up by
 * the cluster's name with ListClustersV2), then GetBootstrapBrokers for the addresses Kafka's own clients connect to.
 * On lakestack the one cluster, {@value #LAKESTACK_CLUSTER}, is lakestack's own Kafka, reached in plaintext. On AWS a
 * cluster's plaintext brokers are taken when it has them, else its TLS ones (in the VPC, else public); a cluster that
 * only allows SASL (IAM or SCRAM) needs client settings this class does not make, and is refused, naming what it offers.
 */
public final class MskClusters
{
    /** The name of the cluster lakestack answers for: its own Kafka. */
    public static final String LAKESTACK_CLUSTER = "lakestack";

    /** A cluster: its ARN, the bootstrap servers and the Kafka client settings ({@code security.protocol}) to reach them. */
    public record KafkaCluster(String arn, String bootstrapServers, Map<String, String> clientProperties)
    {
        public KafkaCluster
        {
            requireNonNull(arn, "arn is null");
            requireNonNull(bootstrapServers, "bootstrapServers is null");
            clientProperties = Map.copyOf(clientProperties);
        }

        /** The settings every Kafka client of the cluster needs: {@code bootstrap.servers} and the security protocol. */
        public Map<String, Object> clientConfig()
        {
            Map<String, Object> config = new java.util.HashMap<>(clientProperties);
            config.put("bootstrap.servers", bootstrapServers);
            return config;
        }
    }

    private final KafkaClient msk;

    public MskClusters(KafkaClient msk)
    {
        this.msk = requireNonNull(msk, "msk is null");
    }

    /** The ARN of the cluster of that name; fails when there is none, or more than one. */
    public String arnOf(String clusterName)
    {
        List<String> arns = new ArrayList<>();
        for (Cluster cluster : msk.listClustersV2Paginator(request -> request.clusterNameFilter(clusterName)).clusterInfoList()) {
            // the filter matches names that start with it
            if (cluster.clusterName().equals(clusterName)) {
                arns.add(cluster.clusterArn());
            }
        }
        if (arns.size() != 1) {
            throw new IllegalStateException(arns.isEmpty() ? "MSK has no cluster named " + clusterName : "MSK has " + arns.size() + " clusters named "
                    + clusterName + ": " + arns + "; name one by its ARN");
        }
        return arns.get(0);
    }

    /** The cluster of that ARN, with the brokers a client outside SASL reaches. */
    public KafkaCluster cluster(String clusterArn)
    {
        GetBootstrapBrokersResponse brokers = msk.getBootstrapBrokers(request -> request.clusterArn(clusterArn));
        if (brokers.bootstrapBrokerString() != null) {
            return new KafkaCluster(clusterArn, brokers.bootstrapBrokerString(), Map.of("security.protocol", "PLAINTEXT"));
        }
        for (String tls : new String[] {brokers.bootstrapBrokerStringTls(), brokers.bootstrapBrokerStringPublicTls(),
                brokers.bootstrapBrokerStringVpcConnectivityTls()}) {
            if (tls != null) {
                return new KafkaCluster(clusterArn, tls, Map.of("security.protocol", "SSL"));
            }
        }
        throw new IllegalStateException("MSK cluster " + clusterArn + " offers no plaintext or TLS brokers, only: " + brokers.toString()
                + "; allow unauthenticated plaintext or TLS access to it, or reach it with SASL settings of your own");
    }
}
