package io.lakestack.it.contract;

import io.lakestack.spi.sqs.Queues;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

import java.time.Clock;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * {@link Queues} on Amazon SQS, through {@link AwsQueues}; skipped unless {@code LAKESTACK_AWS_TESTS=1},
 * {@code AWS_REGION} and credentials are there. The two engines of a test are two clients of the same account and
 * region. Queues are named {@code lakestack-contract-<run>-...}, the run's id random, and deleted afterwards.
 *
 * <p>SQS's clock cannot be moved, so the tests that move the suite's clock skip themselves; the others run with the
 * flags below, each saying what SQS does.
 */
class AwsQueuesContractIntegrationTest
        extends AbstractQueuesContractTest
{
    private final String run = "lakestack-contract-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    private final AwsQueues.Account account = new AwsQueues.Account();
    private AwsContractSettings aws;

    @BeforeAll
    void requireAws()
    {
        aws = AwsContractSettings.require();
    }

    /** A client of its own: {@code clock} is not read, SQS keeps its own time (see {@link #controlsTime()}). */
    @Override
    protected Queues start(Clock clock)
    {
        return new AwsQueues(aws.client(SqsClient.builder()), aws.region().id(), account);
    }

    @Override
    protected void stop(Queues queues)
    {
        ((AwsQueues) queues).close();
    }

    /**
     * SQS ends visibility timeouts, delays, retention and the deduplication and purge intervals on its own clock, which
     * a test cannot move.
     */
    @Override
    protected boolean controlsTime()
    {
        return false;
    }

    @Override
    protected String queueNamePrefix()
    {
        return run;
    }

    /** SQS's {@code ApproximateNumberOf*} attributes settle a minute or more after the messages move. */
    @Override
    protected boolean countsAtOnce()
    {
        return false;
    }

    /** SQS's short poll samples its servers: with few messages in a queue it may answer none. */
    @Override
    protected boolean shortPollsSeeEveryMessage()
    {
        return false;
    }

    /** SQS answers a queue with its own times and every attribute, defaults included. */
    @Override
    protected boolean keepsQueuesAsGiven()
    {
        return false;
    }

    /** A standard queue delivers at least once. */
    @Override
    protected boolean handsOutAMessageOnce()
    {
        return false;
    }

    /** A FIFO queue orders within each message group only. */
    @Override
    protected boolean ordersAcrossGroups()
    {
        return false;
    }

    /** Deletes the queues the engines made and any other of this run, whatever the tests left. */
    @AfterAll
    void deleteQueues()
    {
        if (aws == null) {
            return;
        }
        try (SqsClient sqs = aws.client(SqsClient.builder())) {
            Set<String> urls = new TreeSet<>();
            sqs.listQueuesPaginator(request -> request.queueNamePrefix(run)).queueUrls().forEach(urls::add);
            for (String name : account.created()) {
                try {
                    urls.add(sqs.getQueueUrl(request -> request.queueName(name)).queueUrl());
                }
                catch (QueueDoesNotExistException e) {
                    // a test deleted it
                }
            }
            for (String url : urls) {
                try {
                    sqs.deleteQueue(request -> request.queueUrl(url));
                }
                catch (QueueDoesNotExistException e) {
                    // deleted meanwhile
                }
            }
        }
    }
}
