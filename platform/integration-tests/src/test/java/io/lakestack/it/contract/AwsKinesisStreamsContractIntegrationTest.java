package io.lakestack.it.contract;

import io.lakestack.spi.kinesis.KinesisStreams;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The definition operations of {@link KinesisStreams} on Kinesis Data Streams, through {@link AwsKinesisStreams};
 * skipped unless {@code LAKESTACK_AWS_TESTS=1}, {@code AWS_REGION} and credentials are there. It creates provisioned
 * streams of one to three shards and deletes them.
 */
class AwsKinesisStreamsContractIntegrationTest
        extends AbstractKinesisStreamsContractTest
{
    private AwsContractSettings aws;

    @Override
    protected KinesisStreams createStreams()
    {
        aws = AwsContractSettings.require();
        return new AwsKinesisStreams(aws.client(KinesisClient.builder()), aws.region().id());
    }

    @Override
    protected String region()
    {
        return aws.region().id();
    }

    /**
     * Kinesis positions records by sequence numbers of its own, from which no read can start by arithmetic; lakestack's
     * positions are offsets of its record log, so put, read, positions and positionAt have nothing faithful to map to.
     * Routing by hash key is the same on both (see {@link io.lakestack.spi.kinesis.HashKeyRange}), but can only be
     * observed here through put.
     */
    @Override
    protected boolean supportsRecords()
    {
        return false;
    }

    @Override
    protected void trim(KinesisStreams.Stream stream, int shard, long position)
    {
        throw new UnsupportedOperationException("Kinesis trims records by retention only");
    }
}
