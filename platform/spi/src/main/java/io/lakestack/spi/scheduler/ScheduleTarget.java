package io.lakestack.spi.scheduler;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What a schedule invokes and how: the target's ARN (a Lambda function, SQS queue, SNS topic, Kinesis or Firehose
 * stream, an EventBridge event bus, or a universal target {@code arn:aws:scheduler:::aws-sdk:<service>:<apiAction>}), the role (kept, not
 * assumed: lakestack checks no IAM), the input (with context attributes, see {@code SchedulerContext} in the
 * connector), the retry policy, the dead-letter queue and the SQS and Kinesis parameters.
 *
 * @param input the {@code Input} as sent; empty when none was, and then the target gets {@code {}}
 * @param eventSource for an EventBridge event bus target: the {@code Source} of the events put on it
 * @param eventDetailType for an EventBridge event bus target: their {@code DetailType} (their {@code Detail} is the input)
 */
public record ScheduleTarget(String arn, String roleArn, Optional<String> input, int maximumEventAgeSeconds, int maximumRetryAttempts,
        Optional<String> deadLetterArn, Optional<String> messageGroupId, Optional<String> partitionKey, Optional<String> eventSource,
        Optional<String> eventDetailType)
{
    /** AWS's defaults for a target without a {@code RetryPolicy}: 24 hours, 185 retries. */
    public static final int DEFAULT_MAXIMUM_EVENT_AGE_SECONDS = 86_400;
    public static final int DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 185;

    public ScheduleTarget
    {
        requireNonNull(arn, "arn is null");
        requireNonNull(roleArn, "roleArn is null");
        requireNonNull(input, "input is null");
        requireNonNull(deadLetterArn, "deadLetterArn is null");
        requireNonNull(messageGroupId, "messageGroupId is null");
        requireNonNull(partitionKey, "partitionKey is null");
        requireNonNull(eventSource, "eventSource is null");
        requireNonNull(eventDetailType, "eventDetailType is null");
    }
}
