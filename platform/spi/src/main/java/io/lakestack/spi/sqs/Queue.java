package io.lakestack.spi.sqs;

import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * An SQS queue as defined through the SQS API: what the engine applies (typed) and what {@code GetQueueAttributes}
 * answers (as the user set it). The SQS service validates every attribute and fills in AWS's defaults; the engine
 * applies the typed values and never reads {@link #attributes}.
 *
 * @param name the queue's name ({@code .fifo} at the end for a FIFO queue)
 * @param region the region of the request that created the queue, which its ARN names; empty for a queue stored before
 *         queues kept their region, which is of the stack's configured region
 * @param visibilityTimeoutSeconds how long a received message stays invisible unless the receive or
 *         {@code ChangeMessageVisibility} says otherwise (0-43,200)
 * @param messageRetentionSeconds how long a message is kept after it was sent (60-1,209,600)
 * @param delaySeconds how long a new message stays invisible unless its send says otherwise (0-900)
 * @param maximumMessageSize the largest message body plus attributes, in bytes, the service accepts (checked by the service)
 * @param receiveWaitTimeSeconds how long a receive waits for messages unless it says otherwise (checked by the service)
 * @param redrivePolicy where messages received more than {@code maxReceiveCount} times go
 * @param contentBasedDeduplication FIFO: a message without a deduplication id is deduplicated by the SHA-256 of its
 *         body (the service computes that id and sends it as the message's deduplication id)
 * @param deduplicationPerMessageGroup FIFO: {@code DeduplicationScope=messageGroup}; otherwise deduplication is queue-wide
 * @param attributes the settable attributes as {@code GetQueueAttributes} answers them ({@code Policy},
 *         {@code RedrivePolicy} as JSON text, {@code FifoQueue}...), defaults included
 */
public record Queue(
        String name,
        Optional<String> region,
        long createdMillis,
        long modifiedMillis,
        int visibilityTimeoutSeconds,
        int messageRetentionSeconds,
        int delaySeconds,
        int maximumMessageSize,
        int receiveWaitTimeSeconds,
        Optional<RedrivePolicy> redrivePolicy,
        boolean contentBasedDeduplication,
        boolean deduplicationPerMessageGroup,
        Map<String, String> attributes,
        Map<String, String> tags)
{
    public Queue
    {
        requireNonNull(name, "name is null");
        // queues stored before they kept their region read it as null
        region = region == null ? Optional.empty() : region;
        requireNonNull(redrivePolicy, "redrivePolicy is null");
        attributes = Map.copyOf(requireNonNull(attributes, "attributes is null"));
        tags = Map.copyOf(requireNonNull(tags, "tags is null"));
    }

    public boolean fifo()
    {
        return name.endsWith(".fifo");
    }

    /**
     * A queue's dead-letter queue and after how many receives a message goes there.
     *
     * @param deadLetterQueue the dead-letter queue's name (in this account, and in the region its ARN names)
     * @param deadLetterTargetArn its ARN as the policy gave it
     */
    public record RedrivePolicy(String deadLetterQueue, String deadLetterTargetArn, int maxReceiveCount)
    {
        public RedrivePolicy
        {
            requireNonNull(deadLetterQueue, "deadLetterQueue is null");
            requireNonNull(deadLetterTargetArn, "deadLetterTargetArn is null");
            if (maxReceiveCount < 1) {
                throw new IllegalArgumentException("maxReceiveCount must be at least 1");
            }
        }
    }
}
