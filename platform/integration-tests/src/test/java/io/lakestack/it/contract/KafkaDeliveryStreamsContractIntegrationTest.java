package io.lakestack.it.contract;

import io.lakestack.backends.kafka.KafkaDeliveryStreams;
import io.lakestack.backends.kafka.KafkaRecordStores;
import io.lakestack.backends.kafka.KafkaTopics;
import io.lakestack.backends.objectstore.S3ObjectStore;
import io.lakestack.connectors.firehose.FirehoseDeliveries;
import io.lakestack.connectors.firehose.S3DestinationRules;
import io.lakestack.connectors.firehose.S3ObjectSink;
import io.lakestack.connectors.firehose.TableSchemas;
import io.lakestack.spi.firehose.DeliveryStream;
import io.lakestack.spi.firehose.DeliveryStreams;
import io.lakestack.spi.firehose.DestinationRules;
import io.lakestack.spi.s3.ObjectStore;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

/**
 * {@link KafkaDeliveryStreams} on the embedded stack's Kafka, delivered by {@link FirehoseDeliveries} through the
 * stack's S3 endpoint (as the endpoint wires it), with {@link S3DestinationRules}. The definitions are in a store of
 * their own: the stack's endpoint neither sees nor delivers these streams.
 */
@LakestackTest
@Order(50)
class KafkaDeliveryStreamsContractIntegrationTest
        extends AbstractDeliveryStreamsContractTest
{
    private static final String BUCKET = "contract-firehose";

    private final TestStack stack;
    private KafkaRecordStores stores;
    private S3Client endpointS3;

    KafkaDeliveryStreamsContractIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @Override
    protected DeliveryStreams createStreams()
            throws Exception
    {
        KafkaTopics topics = stack.kafkaTopics();
        stores = new KafkaRecordStores(stack.kafkaBootstrapServers(), topics);
        endpointS3 = stack.s3();
        endpointS3.createBucket(request -> request.bucket(BUCKET));
        TableSchemas noConversion = (database, table, versionId) -> {
            throw new TableSchemas.SchemaUnavailableException("the contract suite converts no formats", true);
        };
        FirehoseDeliveries deliveries = new FirehoseDeliveries(stack.kafkaBootstrapServers(), new S3ObjectSink(endpointS3), noConversion,
                Files.createTempDirectory(stack.dataDirectory(), "contract-firehose"));
        KafkaDeliveryStreams streams = new KafkaDeliveryStreams(stores.open("contract.firehose-" + UUID.randomUUID().toString().replace("-", ""),
                DeliveryStream.class), topics, stack.kafkaBootstrapServers(), "000000000000", Clock.systemUTC(), deliveries);
        streams.startDeliveries();
        return streams;
    }

    @Override
    protected DestinationRules createRules()
    {
        return new S3DestinationRules();
    }

    @Override
    protected ObjectStore deliveredObjects()
    {
        return new S3ObjectStore(URI.create(stack.stack().objectStoreUrl()), TestStack.ACCESS_KEY, TestStack.SECRET_KEY, TestStack.REGION);
    }

    @Override
    protected String bucket()
    {
        return BUCKET;
    }

    @Override
    protected String roleArn()
    {
        return "arn:aws:iam::000000000000:role/contract-firehose";
    }

    @Override
    protected String region()
    {
        return TestStack.REGION;
    }

    @Override
    protected Duration deliveryTimeout()
    {
        return Duration.ofSeconds(60);
    }

    @Override
    protected boolean keepsDestinationAsGiven()
    {
        return true;
    }

    @Override
    protected boolean supportsMerge()
    {
        return true;
    }

    @Override
    protected void closeResources()
    {
        endpointS3.close();
        stores.close();
    }
}
