package io.lakestack.it;

import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kafka.KafkaClient;
import software.amazon.awssdk.services.kafka.model.Cluster;

import java.io.IOException;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing of the MSK API (REST-JSON): every operation it routes, with the inputs {@link RestJsonFuzz} makes of its path
 * parameters, query parameters and body, is answered within {@link JsonFuzz#BOUND} with an MSK error (4xx), and the
 * cluster is described as before afterwards. Creating and deleting clusters is refused whatever the request holds.
 */
@LakestackTest
@Order(69)
class MskFuzzIntegrationTest
{
    private static final long SEED = 20190530L;
    private static final Set<String> ERRORS = Set.of("BadRequestException", "NotFoundException", "UnknownOperationException", "MethodNotAllowedException",
            "RequestEntityTooLargeException", "InvalidRequestContentException");

    private final TestStack stack;

    MskFuzzIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    private static RestJsonFuzz.Service service(String arn)
    {
        String provisioned = "{\"KafkaVersion\":\"3.6.0\",\"NumberOfBrokerNodes\":3,\"BrokerNodeGroupInfo\":{\"InstanceType\":\"kafka.m5.large\","
                + "\"ClientSubnets\":[\"subnet-1\"]}}";
        return new RestJsonFuzz.Service("kafka", ERRORS, MskFuzzIntegrationTest::pathValues,
                "+ListClusters GET /v1/clusters ?clusterNameFilter:text=lake ?maxResults:integer=10 ?nextToken:token",
                "+ListClustersV2 GET /api/v2/clusters ?clusterNameFilter:text=lake ?clusterTypeFilter:string=PROVISIONED ?maxResults:integer=10 "
                        + "?nextToken:token",
                "+DescribeCluster GET /v1/clusters/{clusterArn=" + arn + "}",
                "+DescribeClusterV2 GET /api/v2/clusters/{clusterArn=" + arn + "}",
                "+GetBootstrapBrokers GET /v1/clusters/{clusterArn=" + arn + "}/bootstrap-brokers",
                "CreateCluster POST /v1/clusters clusterName!:string=fuzz kafkaVersion!:string=3.6.0 numberOfBrokerNodes!:integer=3 "
                        + "brokerNodeGroupInfo!:structure={\"instanceType\":\"kafka.m5.large\",\"clientSubnets\":[\"subnet-1\"]}",
                "CreateClusterV2 POST /api/v2/clusters clusterName!:string=fuzz provisioned:structure=" + provisioned,
                "DeleteCluster DELETE /v1/clusters/{clusterArn=" + arn + "} ?currentVersion:string=K1");
    }

    /** ARNs of what is not this account's cluster. */
    private static List<String> pathValues(String parameter, String base, Random random)
    {
        if (!parameter.equals("clusterArn")) {
            throw new IllegalArgumentException("no values for the path parameter " + parameter);
        }
        return List.of(base.replace("000000000000", "123456789012"), base.replace("/lakestack/", "/other/"), base.replace("cluster/", "serverless-cluster/"),
                base.substring(0, base.length() - 2), "arn:aws:s3:::lakestack", "lakestack");
    }

    private Cluster cluster()
    {
        try (KafkaClient msk = stack.client(KafkaClient.builder())) {
            return msk.listClustersV2(request -> { }).clusterInfoList().get(0);
        }
    }

    @Test
    void everyOperationIsFuzzed()
            throws IOException
    {
        RestJsonFuzz.Service service = service(cluster().clusterArn());
        assertThat(RestJsonFuzz.fuzzedOperations(service)).isEqualTo(RestJsonFuzz.implementedOperations(stack, service, "/fuzz-no-such-operation"));
    }

    @Test
    void malformedInputIsAnMskErrorInTimeAndTheClusterIsAsItWas()
    {
        Cluster before = cluster();
        List<RestJsonFuzz.Case> cases = RestJsonFuzz.cases(service(before.clusterArn()), SEED);
        System.out.println("MSK fuzz: " + cases.size() + " requests");

        assertThat(RestJsonFuzz.run(stack, service(before.clusterArn()), cases)).isEmpty();

        assertThat(cluster()).isEqualTo(before);
    }
}
