package io.lakestack.it.contract;

import io.lakestack.spi.logs.LogStore;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;

/**
 * {@link LogStore} on CloudWatch Logs, through {@link AwsLogStore}; skipped unless {@code LAKESTACK_AWS_TESTS=1},
 * {@code AWS_REGION} and credentials are there. The suite's log groups are named {@code /contract/<run>/...}, the run's
 * id random, and deleted at the end; their events are at most two days old, within the 14 days PutLogEvents takes.
 */
class AwsLogStoreContractIntegrationTest
        extends AbstractLogStoreContractTest
{
    private AwsContractSettings aws;
    private AwsLogStore logs;

    @Override
    protected LogStore createStore()
    {
        aws = AwsContractSettings.require();
        logs = new AwsLogStore(aws.client(CloudWatchLogsClient.builder()), aws.region().id());
        return logs;
    }

    @Override
    protected void closeResources()
    {
        if (logs != null) {
            logs.close();
        }
    }

    @Override
    protected String region()
    {
        return aws.region().id();
    }

    /**
     * CloudWatch Logs updates a stream's {@code lastEventTimestamp} within about an hour, reports its
     * {@code storedBytes} as 0, and a group's as compressed storage, later.
     */
    @Override
    protected boolean updatesStatisticsAtOnce()
    {
        return false;
    }

    /** CloudWatch Logs' ingestion times are on its clock: allow this machine's a few seconds either way. */
    @Override
    protected long ingestionClockSkewMillis()
    {
        return 5_000;
    }

    /** PutLogEvents takes events of at most 1 MB, a page's worth. */
    @Override
    protected boolean acceptsEventsLargerThanAPage()
    {
        return false;
    }

    /** CloudWatch Logs deletes events past a new retention up to 72 hours later, and reads them until then. */
    @Override
    protected boolean expiresEventsAtOnce()
    {
        return false;
    }
}
