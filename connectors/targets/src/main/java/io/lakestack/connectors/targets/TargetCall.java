package io.lakestack.connectors.targets;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * One delivery to a target.
 *
 * @param arn the target: a Lambda function (qualified or not), an SQS queue, an SNS topic, a Kinesis stream or a
 *         Firehose stream
 * @param payload what the target receives: the invocation's event, the message body, the record's data
 * @param messageGroupId for a FIFO queue: the message group
 * @param messageDeduplicationId for a FIFO queue without content-based deduplication
 * @param partitionKey for a Kinesis stream; a random one when empty
 * @param messageAttributes for a queue: string message attributes (a dead-letter queue's error attributes); kept in
 *         name order
 */
public record TargetCall(String arn, String payload, Optional<String> messageGroupId, Optional<String> messageDeduplicationId,
        Optional<String> partitionKey, Map<String, String> messageAttributes)
{
    public TargetCall
    {
        requireNonNull(arn, "arn is null");
        requireNonNull(payload, "payload is null");
        requireNonNull(messageGroupId, "messageGroupId is null");
        requireNonNull(messageDeduplicationId, "messageDeduplicationId is null");
        requireNonNull(partitionKey, "partitionKey is null");
        messageAttributes = Collections.unmodifiableSortedMap(new TreeMap<>(requireNonNull(messageAttributes, "messageAttributes is null")));
    }

    /** A delivery of the payload alone, with no per-target parameters. */
    public static TargetCall of(String arn, String payload)
    {
        return new TargetCall(arn, payload, Optional.empty(), Optional.empty(), Optional.empty(), Map.of());
    }
}
