package io.lakestack.connectors.targets;

import io.lakestack.spi.Arn;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * The URLs of SQS queues named by their ARNs, as SNS subscriptions and EventBridge and Scheduler targets name them,
 * asked of the SQS API once per ARN: {@code GetQueueUrl} by the ARN's name and account, then the queue's
 * {@code QueueArn}, which must be the ARN itself. Queue names are one namespace across lakestack's regions, so the
 * name alone would reach a queue of another region; with the check, an ARN names a queue only in the queue's own
 * region, as on AWS.
 */
public final class QueueUrls
{
    private final SqsClient sqs;
    private final Map<String, String> urls = new ConcurrentHashMap<>();

    public QueueUrls(SqsClient sqs)
    {
        this.sqs = requireNonNull(sqs, "sqs is null");
    }

    /**
     * @throws QueueDoesNotExistException when no queue has this ARN: none of its name, or one of another region
     * @throws software.amazon.awssdk.core.exception.SdkException when a call fails otherwise
     */
    public String url(String queueArn)
    {
        return urls.computeIfAbsent(queueArn, this::resolve);
    }

    /** Asks again at the next {@link #url}: for after a call to the queue failed, which it does when the queue was deleted. */
    public void forget(String queueArn)
    {
        urls.remove(queueArn);
    }

    private String resolve(String queueArn)
    {
        Arn arn = Arn.parse(queueArn, "sqs").orElseThrow(() -> noQueue(queueArn, "it is not a queue ARN"));
        String url = sqs.getQueueUrl(request -> request.queueName(arn.resource()).queueOwnerAWSAccountId(arn.accountId())).queueUrl();
        String actual = sqs.getQueueAttributes(request -> request.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        if (!queueArn.equals(actual)) {
            throw noQueue(queueArn, "the queue " + arn.resource() + " is " + actual);
        }
        return url;
    }

    private static QueueDoesNotExistException noQueue(String queueArn, String reason)
    {
        String message = "No queue has the ARN " + queueArn + ": " + reason;
        return (QueueDoesNotExistException) QueueDoesNotExistException.builder()
                .message(message)
                .statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("QueueDoesNotExist").errorMessage(message).serviceName("Sqs").build())
                .build();
    }
}
