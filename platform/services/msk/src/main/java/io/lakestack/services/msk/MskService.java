package io.lakestack.services.msk;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.endpoint.rest.RestJsonService;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.msk.MskClusters;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * Amazon MSK's REST-JSON API (signing name {@code kafka}) over {@link MskClusters}: the Kafka cluster lakestack runs on
 * is the account's one provisioned cluster, {@value MskClusters#CLUSTER_NAME}, in every region. Clients find it and its
 * bootstrap brokers as on AWS (ListClusters, ListClustersV2, DescribeCluster, DescribeClusterV2, GetBootstrapBrokers)
 * and then speak Kafka to it.
 *
 * <p>Local emulation: the cluster is lakestack's own, so creating, changing and deleting clusters is refused with a
 * {@code BadRequestException} saying so; the cluster has a plaintext listener only, without TLS, SASL or IAM
 * authentication, which its description says ({@code clientAuthentication.unauthenticated}, {@code PLAINTEXT}).
 */
public final class MskService
        extends RestJsonService
{
    private static final String REFUSED = "lakestack has one MSK cluster, '" + MskClusters.CLUSTER_NAME + "': the Kafka cluster it runs on. "
            + "Clusters cannot be created, changed or deleted; find it with ListClustersV2 and its brokers with GetBootstrapBrokers.";

    private final MskClusters clusters;
    private final String accountId;

    public MskService(MskClusters clusters, String accountId)
    {
        super("kafka", "BadRequestException");
        this.clusters = requireNonNull(clusters, "clusters is null");
        this.accountId = requireNonNull(accountId, "accountId is null");
        route("GET", "/v1/clusters", (request, caller) -> list(listed(request, Optional.empty()), caller.region(), false));
        route("GET", "/api/v2/clusters", (request, caller) -> {
            Optional<String> type = request.query("clusterTypeFilter");
            if (type.isPresent() && !List.of("PROVISIONED", "SERVERLESS").contains(type.get())) {
                throw invalid("clusterTypeFilter", "clusterTypeFilter must be PROVISIONED or SERVERLESS, not '" + type.get() + "'");
            }
            return list(listed(request, type), caller.region(), true);
        });
        route("GET", "/v1/clusters/{clusterArn}", (request, caller) -> describe(request.path("clusterArn"), false));
        route("GET", "/api/v2/clusters/{clusterArn}", (request, caller) -> describe(request.path("clusterArn"), true));
        route("GET", "/v1/clusters/{clusterArn}/bootstrap-brokers", (request, caller) -> {
            MskClusters.Cluster cluster = require(request.path("clusterArn"));
            ObjectNode result = JSON.createObjectNode();
            result.put("bootstrapBrokerString", cluster.bootstrapServers());
            return RestResult.json(200, result);
        });
        for (String template : List.of("/v1/clusters", "/api/v2/clusters")) {
            route("POST", template, (request, caller) -> {
                throw ServiceException.user("BadRequestException", 400, REFUSED);
            });
        }
        route("DELETE", "/v1/clusters/{clusterArn}", (request, caller) -> {
            require(request.path("clusterArn"));
            throw ServiceException.user("BadRequestException", 400, REFUSED);
        });
    }

    @Override
    public OptionalLong maxRequestBytes()
    {
        // no operation takes a body lakestack reads: a CreateCluster request is refused whatever it holds
        return OptionalLong.of(64 * 1024);
    }

    /** The cluster, when the list request's filters keep it. */
    private Optional<MskClusters.Cluster> listed(RestRequest request, Optional<String> type)
    {
        Optional<String> maxResults = request.query("maxResults");
        if (maxResults.isPresent() && !maxResults.get().matches("[1-9][0-9]?|100")) {
            throw invalid("maxResults", "maxResults must be an integer from 1 to 100, not '" + maxResults.get() + "'");
        }
        if (request.query("nextToken").filter(token -> !token.isEmpty()).isPresent()) {
            throw invalid("nextToken", "The nextToken is not one this cluster list issued: the list of clusters has one page");
        }
        Optional<String> prefix = request.query("clusterNameFilter");
        MskClusters.Cluster cluster = clusters.cluster();
        if (prefix.isPresent() && !cluster.name().startsWith(prefix.get()) || type.isPresent() && !type.get().equals("PROVISIONED")) {
            return Optional.empty();
        }
        return Optional.of(cluster);
    }

    private RestResult list(Optional<MskClusters.Cluster> cluster, String region, boolean v2)
    {
        ObjectNode result = JSON.createObjectNode();
        var list = result.putArray("clusterInfoList");
        cluster.ifPresent(value -> list.add(v2 ? clusterV2(value, region) : clusterInfo(value, region)));
        return RestResult.json(200, result);
    }

    private RestResult describe(String arn, boolean v2)
    {
        MskClusters.Cluster cluster = require(arn);
        String region = MskClusters.regionOf(arn).orElseThrow();
        ObjectNode result = JSON.createObjectNode();
        result.set("clusterInfo", v2 ? clusterV2(cluster, region) : clusterInfo(cluster, region));
        return RestResult.json(200, result);
    }

    private MskClusters.Cluster require(String arn)
    {
        String region = MskClusters.regionOf(arn).orElseThrow(() -> invalid("clusterArn", "clusterArn '" + arn
                + "' is not an MSK cluster ARN (arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>)"));
        return clusters.findByArn(arn, accountId).orElseThrow(() -> ServiceException.user("NotFoundException", 404, "The cluster " + arn
                + " does not exist. lakestack's one cluster is " + clusters.cluster().arn(region, accountId) + " (ListClustersV2 answers it)"));
    }

    private static ServiceException invalid(String parameter, String message)
    {
        return ServiceException.user("BadRequestException", 400, message + " (parameter " + parameter + ")");
    }

    /** The fields ClusterInfo and a V2 Cluster's provisioned part share. */
    private static void provisioned(ObjectNode node, MskClusters.Cluster cluster)
    {
        ObjectNode group = node.putObject("brokerNodeGroupInfo");
        group.put("brokerAZDistribution", "DEFAULT");
        group.putArray("clientSubnets");
        group.put("instanceType", "kafka.lakestack.local");
        group.putObject("connectivityInfo").putObject("publicAccess").put("type", "DISABLED");
        node.putObject("currentBrokerSoftwareInfo").put("kafkaVersion", cluster.kafkaVersion());
        node.putObject("clientAuthentication").putObject("unauthenticated").put("enabled", true);
        ObjectNode transit = node.putObject("encryptionInfo").putObject("encryptionInTransit");
        transit.put("clientBroker", "PLAINTEXT");
        transit.put("inCluster", false);
        node.put("enhancedMonitoring", "DEFAULT");
        node.put("numberOfBrokerNodes", cluster.brokerNodes());
        node.put("storageMode", "LOCAL");
    }

    private ObjectNode common(MskClusters.Cluster cluster, String region)
    {
        ObjectNode node = JSON.createObjectNode();
        node.put("clusterArn", cluster.arn(region, accountId));
        node.put("clusterName", cluster.name());
        node.put("creationTime", Instant.ofEpochMilli(cluster.creationMillis()).toString());
        node.put("currentVersion", "K1");
        node.put("state", "ACTIVE");
        node.putObject("tags");
        return node;
    }

    private ObjectNode clusterInfo(MskClusters.Cluster cluster, String region)
    {
        ObjectNode node = common(cluster, region);
        provisioned(node, cluster);
        return node;
    }

    private ObjectNode clusterV2(MskClusters.Cluster cluster, String region)
    {
        ObjectNode node = common(cluster, region);
        node.put("clusterType", "PROVISIONED");
        provisioned(node.putObject("provisioned"), cluster);
        return node;
    }
}
