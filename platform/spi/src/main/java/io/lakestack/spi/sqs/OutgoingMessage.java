package io.lakestack.spi.sqs;

import java.util.Map;
import java.util.Optional;

import static io.lakestack.spi.sqs.MessageAttribute.sorted;
import static java.util.Objects.requireNonNull;

/**
 * A message to send, validated by the SQS service.
 *
 * @param messageAttributes the user's message attributes
 * @param systemAttributes message system attributes ({@code AWSTraceHeader})
 * @param delaySeconds the message's own delay; empty for the queue's
 * @param groupId FIFO: the message group
 * @param deduplicationId FIFO: the deduplication id (the body's SHA-256 in hex when the queue deduplicates by content
 *         and the sender gave none)
 * @param senderId who sent it: the caller's account or access key, as {@code SenderId} answers
 */
public record OutgoingMessage(
        String body,
        Map<String, MessageAttribute> messageAttributes,
        Map<String, MessageAttribute> systemAttributes,
        Optional<Integer> delaySeconds,
        Optional<String> groupId,
        Optional<String> deduplicationId,
        String senderId)
{
    public OutgoingMessage
    {
        requireNonNull(body, "body is null");
        messageAttributes = sorted(requireNonNull(messageAttributes, "messageAttributes is null"));
        systemAttributes = sorted(requireNonNull(systemAttributes, "systemAttributes is null"));
        requireNonNull(delaySeconds, "delaySeconds is null");
        requireNonNull(groupId, "groupId is null");
        requireNonNull(deduplicationId, "deduplicationId is null");
        requireNonNull(senderId, "senderId is null");
    }
}
