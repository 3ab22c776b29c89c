package io.lakestack.spi.sqs;

import java.util.Map;
import java.util.Optional;

import static io.lakestack.spi.sqs.MessageAttribute.sorted;
import static java.util.Objects.requireNonNull;

/**
 * A message as one receive hands it out. The SQS service picks what the caller asked for (attribute names, message
 * attribute names) and computes the MD5 digests.
 *
 * @param receiptHandle what deletes the message or changes its visibility; valid on every lakestack instance on the
 *         same engines, across restarts, until the message is received again or deleted
 * @param sentMillis {@code SentTimestamp}
 * @param firstReceiveMillis {@code ApproximateFirstReceiveTimestamp}
 * @param receiveCount {@code ApproximateReceiveCount}, this receive included
 * @param sequenceNumber FIFO: the message's {@code SequenceNumber}
 * @param deadLetterQueueSourceQueue the queue the message was moved from, for a message in a dead-letter queue
 */
public record ReceivedMessage(
        String messageId,
        String receiptHandle,
        String body,
        Map<String, MessageAttribute> messageAttributes,
        Map<String, MessageAttribute> systemAttributes,
        String senderId,
        long sentMillis,
        long firstReceiveMillis,
        int receiveCount,
        Optional<String> groupId,
        Optional<String> deduplicationId,
        Optional<String> sequenceNumber,
        Optional<String> deadLetterQueueSourceQueue)
{
    public ReceivedMessage
    {
        requireNonNull(messageId, "messageId is null");
        requireNonNull(receiptHandle, "receiptHandle is null");
        requireNonNull(body, "body is null");
        messageAttributes = sorted(requireNonNull(messageAttributes, "messageAttributes is null"));
        systemAttributes = sorted(requireNonNull(systemAttributes, "systemAttributes is null"));
        requireNonNull(senderId, "senderId is null");
        requireNonNull(groupId, "groupId is null");
        requireNonNull(deduplicationId, "deduplicationId is null");
        requireNonNull(sequenceNumber, "sequenceNumber is null");
        requireNonNull(deadLetterQueueSourceQueue, "deadLetterQueueSourceQueue is null");
    }
}
