package io.lakestack.spi.sns;

import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A subscription to an SNS topic as the service keeps it in the record store {@value SnsTopics#SUBSCRIPTIONS_STORE},
 * keyed by its ARN. The fan-out delivers to it once it is {@link #confirmed()} (SQS and Lambda subscriptions are
 * confirmed when created; HTTP(S) ones when the endpoint confirms with {@link #token()}).
 *
 * @param protocol {@code sqs}, {@code lambda}, {@code http} or {@code https}
 * @param endpoint the queue or function ARN, or the URL
 * @param attributes the attributes set on it ({@code RawMessageDelivery}, {@code FilterPolicy},
 *         {@code FilterPolicyScope}, {@code RedrivePolicy}, {@code DeliveryPolicy})
 * @param createdMillis when it was created: messages published from then on are delivered to it
 */
public record Subscription(String arn, String topicArn, String protocol, String endpoint, String owner, boolean confirmed, String token,
        Map<String, String> attributes, long createdMillis)
{
    public Subscription
    {
        requireNonNull(arn, "arn is null");
        requireNonNull(topicArn, "topicArn is null");
        requireNonNull(protocol, "protocol is null");
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(owner, "owner is null");
        requireNonNull(token, "token is null");
        attributes = Map.copyOf(attributes);
    }

    /** The last part of the ARN, a UUID. */
    public String id()
    {
        return arn.substring(arn.lastIndexOf(':') + 1);
    }

    public boolean rawMessageDelivery()
    {
        return "true".equals(attributes.get("RawMessageDelivery"));
    }

    /** The filter policy, already validated by the service. */
    public Optional<FilterPolicy> filterPolicy()
    {
        return Optional.ofNullable(attributes.get("FilterPolicy")).map(policy -> FilterPolicy.parse(policy,
                FilterPolicy.Scope.valueOf(attributes.getOrDefault("FilterPolicyScope", "MessageAttributes"))));
    }

    public Subscription withAttributes(Map<String, String> newAttributes)
    {
        return new Subscription(arn, topicArn, protocol, endpoint, owner, confirmed, token, newAttributes, createdMillis);
    }

    public Subscription confirm()
    {
        return new Subscription(arn, topicArn, protocol, endpoint, owner, true, token, attributes, createdMillis);
    }
}
