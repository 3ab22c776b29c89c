package io.lakestack.spi.sns;

/**
 * Where SNS lives on lakestack's engines. A topic's messages are the Kafka topic {@code lakestack.sns.<name>} (where
 * S3 also publishes its notifications to the topic, see {@link io.lakestack.spi.s3.NotificationTopics}): each record's
 * value is the notification document SNS delivers to SQS ({@code Type} {@code Notification}, {@code MessageId},
 * {@code TopicArn}, {@code Subject}, {@code Message}, {@code Timestamp}, {@code SignatureVersion}, {@code Signature},
 * {@code SigningCertURL}, {@code MessageAttributes}), without the subscription's own {@code UnsubscribeURL}; an S3
 * notification is the bare S3 event. Each subscription is read by the consumer group
 * {@code lakestack.sns.sub.<subscription id>}.
 */
public final class SnsTopics
{
    public static final String TOPICS_STORE = "sns.topics";
    public static final String SUBSCRIPTIONS_STORE = "sns.subscriptions";
    /** Header of a message published with {@code MessageStructure=json}: the JSON object of its per-protocol messages. */
    public static final String MESSAGE_STRUCTURE_HEADER = "lakestack-sns-message-structure";

    private SnsTopics() {}

    /** The topic's name: the last part of its ARN. */
    public static String topicName(String topicArn)
    {
        return topicArn.substring(topicArn.lastIndexOf(':') + 1);
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
