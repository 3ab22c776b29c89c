package io.lakestack.it.contract;

import io.lakestack.backends.objectstore.S3ObjectStore;
import io.lakestack.spi.firehose.DeliveryStreams;
import io.lakestack.spi.firehose.DestinationRules;
import io.lakestack.spi.s3.ObjectStore;
import org.junit.jupiter.api.AfterAll;
import software.amazon.awssdk.services.firehose.FirehoseClient;

import java.net.URI;
import java.time.Duration;

/**
 * {@link DeliveryStreams} and {@link DestinationRules} on Amazon Data Firehose, through {@link AwsDeliveryStreams},
 * delivering to the scratch bucket; skipped unless {@code LAKESTACK_AWS_TESTS=1}, {@code AWS_REGION}, credentials,
 * {@code LAKESTACK_AWS_TEST_BUCKET} and {@code LAKESTACK_AWS_FIREHOSE_ROLE_ARN} (a role of the same account that
 * Firehose may assume to write to the bucket) are there. Streams and objects are deleted afterwards.
 */
class AwsDeliveryStreamsContractIntegrationTest
        extends AbstractDeliveryStreamsContractTest
{
    private AwsContractSettings aws;
    private AwsDeliveryStreams firehose;

    @Override
    protected DeliveryStreams createStreams()
    {
        aws = AwsContractSettings.require(AwsContractSettings.BUCKET, AwsContractSettings.FIREHOSE_ROLE);
        // arn:aws:iam::<account>:role/<name>: Firehose's role is in the streams' account
        String account = aws.firehoseRoleArn().split(":")[4];
        firehose = new AwsDeliveryStreams(aws.client(FirehoseClient.builder()), aws.region().id(), account);
        return firehose;
    }

    @Override
    protected DestinationRules createRules()
    {
        return firehose;
    }

    @Override
    protected ObjectStore deliveredObjects()
    {
        return new S3ObjectStore(URI.create("https://s3." + aws.region().id() + ".amazonaws.com"), aws.credentials(), aws.region().id());
    }

    @Override
    protected String bucket()
    {
        return aws.bucket();
    }

    @Override
    protected String roleArn()
    {
        return aws.firehoseRoleArn();
    }

    @Override
    protected String region()
    {
        return aws.region().id();
    }

    /** Firehose writes within a few seconds of its buffer interval, but may take longer to pick up a new destination. */
    @Override
    protected Duration deliveryTimeout()
    {
        return Duration.ofMinutes(5);
    }

    /** Firehose describes a destination with its defaults filled in. */
    @Override
    protected boolean keepsDestinationAsGiven()
    {
        return false;
    }

    /** Firehose merges an update into a destination only when it applies it ({@code UpdateDestination}). */
    @Override
    protected boolean supportsMerge()
    {
        return false;
    }

    @AfterAll
    void deleteObjects()
    {
        if (aws != null) {
            aws.deleteObjects("contract/" + run() + "/");
        }
    }
}
