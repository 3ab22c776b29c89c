package io.lakestack.spi.msk;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The Kafka cluster lakestack runs on, as Amazon MSK describes a provisioned cluster: lakestack's own broker(s) are the
 * one cluster {@value #CLUSTER_NAME} of the account, in every region (its ARN names the region of the request). Clients
 * find it as they find an MSK cluster ({@code ListClustersV2}, {@code GetBootstrapBrokers}) and speak Kafka to it;
 * Firehose's {@code MSKAsSource} streams read its topics.
 */
public interface MskClusters
{
    String CLUSTER_NAME = "lakestack";
    /** An MSK cluster ARN: {@code arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>}. */
    Pattern CLUSTER_ARN = Pattern.compile("arn:aws:kafka:([a-z0-9-]+):(\\d{12}):cluster/([a-zA-Z0-9-]{1,64})/([0-9a-f-]{36}(?:-\\d+)?)");

    /**
     * One cluster as MSK describes it.
     *
     * @param uuid the cluster's id in its ARN, derived from the Kafka cluster id, so it is the same after every restart
     * @param bootstrapServers the plaintext listener(s), {@code host:port,...}
     * @param brokerNodes how many brokers the cluster has now
     * @param creationMillis when lakestack first described the cluster
     */
    record Cluster(String name, String uuid, String bootstrapServers, String kafkaVersion, int brokerNodes, long creationMillis)
    {
        public Cluster
        {
            requireNonNull(name, "name is null");
            requireNonNull(uuid, "uuid is null");
            requireNonNull(bootstrapServers, "bootstrapServers is null");
            requireNonNull(kafkaVersion, "kafkaVersion is null");
        }

        public String arn(String region, String accountId)
        {
            return "arn:aws:kafka:" + region + ":" + accountId + ":cluster/" + name + "/" + uuid;
        }
    }

    Cluster cluster();

    /**
     * The cluster an ARN names, when it is this account's cluster in the ARN's region.
     *
     * @return empty when the ARN names another cluster or account
     */
    default Optional<Cluster> findByArn(String arn, String accountId)
    {
        Cluster cluster = cluster();
        return regionOf(arn).filter(region -> arn.equals(cluster.arn(region, accountId))).map(region -> cluster);
    }

    /** The region an MSK cluster ARN names; empty when it is not one ({@link #CLUSTER_ARN}). */
    static Optional<String> regionOf(String arn)
    {
        Matcher matcher = CLUSTER_ARN.matcher(arn);
        return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    /** How many partitions a topic of the cluster has; empty when there is no such topic. */
    OptionalInt partitions(String topic);
}
