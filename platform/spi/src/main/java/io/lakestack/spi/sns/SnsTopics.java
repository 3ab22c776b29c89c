package io.lakestack.spi.sns;

/**
 * Where SNS lives on lakestack's engines. A topic's messages are the Kafka topic {@code lakestack.sns.<name>} (where
 * S3 also publishes its notifications to the topic, see {@link io.lakestack.spi.s3.NotificationTopics}): each record's
 * value is the notification document SNS delivers to SQS ({@code Type} {@code Notification}, {@code MessageId},
 * {@code TopicArn}, {@code Subject}, {@code Message}, {@code Timestamp}, {@code SignatureVersion}, {@code Signature},
 * {@code SigningCertURL}, {@code MessageAttributes}), without the subscription's own {@code UnsubscribeURL}; an S3
 * notification is the bare S3 event. Each subscription is read by the consumer group
 * {@code lakestack.sns.sub.<subscription id>}.
 *
 * <p>A FIFO topic (a name ending in {@code .fifo}) is an ordered Kafka topic of one partition whose record timestamps
 * are the broker's append times ({@link io.lakestack.spi.events.EventSink#declareOrdered}); a record's offset is the
 * message's {@link #sequenceNumber}, and its headers carry the message group, the deduplication id and the
 * deduplication scope that the fan-out deduplicates by.
 */
public final class SnsTopics
{
    public static final String TOPICS_STORE = "sns.topics";
    public static final String SUBSCRIPTIONS_STORE = "sns.subscriptions";
    /** Header of a message published with {@code MessageStructure=json}: the JSON object of its per-protocol messages. */
    public static final String MESSAGE_STRUCTURE_HEADER = "lakestack-sns-message-structure";
    /** Header of a message published with a {@code MessageGroupId} (every message of a FIFO topic). */
    public static final String MESSAGE_GROUP_HEADER = "lakestack-sns-message-group-id";
    /** Header of a FIFO topic's message: its {@code MessageDeduplicationId}, given or computed from the body. */
    public static final String DEDUPLICATION_ID_HEADER = "lakestack-sns-message-deduplication-id";
    /** Header of a FIFO topic's message: its topic's {@code FifoThroughputScope} when published, {@code Topic} or {@code MessageGroup}. */
    public static final String DEDUPLICATION_SCOPE_HEADER = "lakestack-sns-deduplication-scope";
    /** How long a deduplication id makes later messages with it duplicates, as on AWS. */
    public static final java.time.Duration DEDUPLICATION_INTERVAL = java.time.Duration.ofMinutes(5);

    private SnsTopics() {}

    /** The topic's name: the last part of its ARN. */
    public static String topicName(String topicArn)
    {
        return topicArn.substring(topicArn.lastIndexOf(':') + 1);
    }

    public static boolean isFifo(String topicArn)
    {
        return topicArn.endsWith(".fifo");
    }

    /** A FIFO topic's message's {@code SequenceNumber}: its record's offset, twenty digits, so that later ones sort after. */
    public static String sequenceNumber(long offset)
    {
        return String.format(java.util.Locale.ROOT, "%020d", offset);
    }

    public static String kafkaTopic(String topicArn)
    {
        return "lakestack.sns." + topicName(topicArn);
    }

    public static String consumerGroup(Subscription subscription)
    {
        return "lakestack.sns.sub." + subscription.id();
    }
}
