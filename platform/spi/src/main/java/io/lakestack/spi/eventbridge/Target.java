package io.lakestack.spi.eventbridge;

import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A rule's target: where matching events go and in what shape. At most one of {@link #input()},
 * {@link #inputPath()} and {@link #inputTransformer()} is set; with none, the whole event is sent
 * ({@link TargetInput}).
 *
 * @param roleArn kept as given; lakestack does not assume roles
 * @param deadLetterArn the SQS queue an event goes to once its retries are spent
 * @param messageGroupId {@code SqsParameters.MessageGroupId}, for a FIFO queue
 * @param partitionKeyPath {@code KinesisParameters.PartitionKeyPath}, a JSONPath into the event
 */
public record Target(String id, String arn, Optional<String> roleArn, Optional<String> input, Optional<String> inputPath,
        Optional<InputTransformer> inputTransformer, RetryPolicy retryPolicy, Optional<String> deadLetterArn, Optional<String> messageGroupId,
        Optional<String> partitionKeyPath)
{
    public Target
    {
        requireNonNull(id, "id is null");
        requireNonNull(arn, "arn is null");
        requireNonNull(roleArn, "roleArn is null");
        requireNonNull(input, "input is null");
        requireNonNull(inputPath, "inputPath is null");
        requireNonNull(inputTransformer, "inputTransformer is null");
        requireNonNull(retryPolicy, "retryPolicy is null");
        requireNonNull(deadLetterArn, "deadLetterArn is null");
        requireNonNull(messageGroupId, "messageGroupId is null");
        requireNonNull(partitionKeyPath, "partitionKeyPath is null");
    }

    /** {@code InputTransformer}: values picked from the event by JSONPath, put into a template at {@code <name>}. */
    public record InputTransformer(Map<String, String> inputPathsMap, String inputTemplate)
    {
        public InputTransformer
        {
            inputPathsMap = Map.copyOf(inputPathsMap);
            requireNonNull(inputTemplate, "inputTemplate is null");
        }
    }

    /**
     * How long a failing delivery is retried: at most {@code maximumRetryAttempts} retries (0-185, default 185) and
     * while the event is younger than {@code maximumEventAgeSeconds} (60-86400, default 86400).
     */
    public record RetryPolicy(int maximumRetryAttempts, int maximumEventAgeSeconds)
    {
        public static final RetryPolicy DEFAULT = new RetryPolicy(185, 86_400);
    }
}
