package io.lakestack.connectors.sns;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestack.connectors.consumers.CommittingMember;
import io.lakestack.connectors.consumers.GroupStart;
import io.lakestack.spi.sns.FilterPolicy;
import io.lakestack.spi.sns.SnsTopics;
import io.lakestack.spi.sns.Subscription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * The deliveries of one subscription on this instance: a member of the subscription's consumer group
 * ({@link SnsTopics#consumerGroup}) over its topic's Kafka topic, delivering each message in the order of its
 * partition, at least once: an offset is committed only after its message was delivered, filtered out, or given up
 * (sent to the dead-letter queue, or logged and dropped without one). A new group starts at the messages published
 * since the subscription was created. While an HTTP(S) subscription waits for its confirmation, messages are passed
 * over, as SNS does, and the member holding partition 0 sends the {@code SubscriptionConfirmation}. A FIFO topic's
 * single partition gives its messages one order, delivered one at a time; its duplicates are skipped
 * ({@link FifoDeduplication}).
 */
final class SubscriptionWorker
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(SubscriptionWorker.class);
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final SnsFanOutConfig config;
    private final Deliveries deliveries;
    private final Clock clock;
    private final CommittingMember member;
    private final Optional<FifoDeduplication> deduplication;
    private volatile Subscription subscription;
    private boolean confirmationSent;
    private long nextConfirmationMillis;

    SubscriptionWorker(Subscription subscription, SnsFanOutConfig config, Deliveries deliveries, Clock clock)
    {
        this.subscription = requireNonNull(subscription, "subscription is null");
        this.config = requireNonNull(config, "config is null");
        this.deliveries = requireNonNull(deliveries, "deliveries is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.deduplication = SnsTopics.isFifo(subscription.topicArn())
                ? Optional.of(new FifoDeduplication(config.kafkaBootstrapServers(), SnsTopics.DEDUPLICATION_INTERVAL))
                : Optional.empty();
        // five messages at a time, each retried as its delivery policy says
        this.member = new CommittingMember(new CommittingMember.Settings(config.kafkaBootstrapServers(), SnsTopics.kafkaTopic(subscription.topicArn()),
                SnsTopics.consumerGroup(subscription), "lakestack-sns-" + subscription.id(), 5, "sns-" + subscription.id(),
                "SNS deliveries of " + subscription.arn()), new CommittingMember.Handler()
                {
                    @Override
                    public void beforePoll(KafkaConsumer<byte[], byte[]> consumer)
                    {
                        confirmIfPending(consumer);
                    }

                    @Override
                    public void assigned(KafkaConsumer<byte[], byte[]> consumer, Collection<TopicPartition> partitions)
                    {
                        startNewPartitions(consumer, partitions);
                        deduplication.ifPresent(fifo -> fifo.rebuild(consumer, partitions));
                    }

                    @Override
                    public boolean handle(ConsumerRecord<byte[], byte[]> record)
                    {
                        return SubscriptionWorker.this.handle(record);
                    }
                });
    }

    SubscriptionWorker start()
    {
        member.start();
        return this;
    }

    Subscription subscription()
    {
        return subscription;
    }

    /** Takes changed attributes (filter policy, raw delivery, redrive policy) or the confirmation from the next message on. */
    void update(Subscription changed)
    {
        this.subscription = changed;
    }

    /** A partition this group has no offset of yet starts at the subscription's creation. */
    private void startNewPartitions(KafkaConsumer<byte[], byte[]> consumer, Collection<TopicPartition> partitions)
    {
        Map<TopicPartition, OffsetAndMetadata> positions = GroupStart.startNewPartitions(consumer, partitions, subscription.createdMillis());
        if (!positions.isEmpty()) {
            log.info("SNS subscription {} starts at {}", subscription.arn(), positions);
        }
    }

    private void confirmIfPending(KafkaConsumer<byte[], byte[]> consumer)
    {
        Subscription current = subscription;
        if (current.confirmed() || confirmationSent || clock.millis() < nextConfirmationMillis
                || !consumer.assignment().contains(new TopicPartition(SnsTopics.kafkaTopic(current.topicArn()), 0))) {
            return;
        }
        String messageId = UUID.randomUUID().toString();
        var document = Notification.JSON.createObjectNode();
        document.put("Type", "SubscriptionConfirmation");
        document.put("MessageId", messageId);
        document.put("Token", current.token());
        document.put("TopicArn", current.topicArn());
        document.put("Message", "You have chosen to subscribe to the topic " + current.topicArn()
                + ".\nTo confirm the subscription, visit the SubscribeURL included in this message.");
        document.put("SubscribeURL", endpoint() + "/?Action=ConfirmSubscription&TopicArn=" + encode(current.topicArn()) + "&Token=" + current.token());
        document.put("Timestamp", TIMESTAMP.format(Instant.ofEpochMilli(clock.millis())));
        document.put("SignatureVersion", "1");
        document.put("Signature", "");
        document.put("SigningCertURL", "");
        try {
            deliveries.confirmation(current, messageId, document.toString());
            confirmationSent = true;
            log.info("SNS subscription {}: confirmation sent to {}", current.arn(), current.endpoint());
        }
        catch (Deliveries.DeliveryException e) {
            nextConfirmationMillis = clock.millis() + Math.max(1000, config.retryDelay().toMillis());
            log.warn("SNS subscription {}: the confirmation could not be sent to {}: {}", current.arn(), current.endpoint(), e.getMessage());
        }
    }

    /** @return false when the worker stopped during a delivery: the message is not committed, and is delivered again */
    private boolean handle(ConsumerRecord<byte[], byte[]> record)
    {
        // a FIFO topic's duplicate is delivered to nobody: decided before the filter, as SNS does when it is published
        if (deduplication.isPresent() && deduplication.get().duplicate(record)) {
            log.debug("SNS message at {}/{} is a duplicate within the deduplication interval; not delivered to {}", record.topic(), record.offset(),
                    subscription.arn());
            return true;
        }
        Subscription current = subscription;
        if (!current.confirmed()) {
            return true;
        }
        Optional<String> structure = Optional.empty();
        for (Header header : record.headers()) {
            if (header.key().equals(SnsTopics.MESSAGE_STRUCTURE_HEADER) && header.value() != null) {
                structure = Optional.of(new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        String place = record.topic() + "/" + record.partition() + "/" + record.offset();
        Notification notification = Notification.read(record.value() == null ? new byte[0] : record.value(), current.topicArn(), record.timestamp(), place,
                structure).withOrder(deduplication.map(fifo -> SnsTopics.sequenceNumber(record.offset())),
                FifoDeduplication.header(record.headers(), SnsTopics.MESSAGE_GROUP_HEADER),
                FifoDeduplication.header(record.headers(), SnsTopics.DEDUPLICATION_ID_HEADER));
        Optional<FilterPolicy> policy;
        try {
            policy = current.filterPolicy();
        }
        catch (IllegalArgumentException e) {
            log.warn("SNS subscription {}: its filter policy no longer reads ({}); the message {} is delivered unfiltered", current.arn(), e.getMessage(),
                    place);
            policy = Optional.empty();
        }
        if (policy.isPresent() && !policy.get().matches(notification.attributes(), notification.messageFor(current.protocol()))) {
            log.debug("SNS message {} ({}) does not match the filter policy of {}", notification.messageId(), place, current.arn());
            return true;
        }
        String unsubscribeUrl = endpoint() + "/?Action=Unsubscribe&SubscriptionArn=" + encode(current.arn());
        String body = switch (current.protocol()) {
            case "lambda" -> notification.lambdaEvent(current.arn(), unsubscribeUrl, "").toString();
            default -> current.rawMessageDelivery() ? notification.messageFor(current.protocol())
                    : notification.document(current.protocol(), unsubscribeUrl, "").toString();
        };
        Deliveries.DeliveryException failure = null;
        RetryPolicy retry = retryPolicy(current);
        for (int attempt = 0; attempt <= retry.retries() && member.running(); attempt++) {
            if (attempt > 0 && !pause(retry.delay())) {
                break;
            }
            try {
                deliveries.deliver(current, notification, body);
                log.debug("SNS message {} ({}) delivered to {}", notification.messageId(), place, current.arn());
                return true;
            }
            catch (Deliveries.DeliveryException e) {
                failure = e;
                log.info("SNS delivery of {} to {} failed (attempt {} of {}): {}", notification.messageId(), current.arn(), attempt + 1,
                        retry.retries() + 1, e.getMessage());
            }
        }
        if (!member.running()) {
            // not committed: delivered again by the next member
            return false;
        }
        deadLetter(current, notification, unsubscribeUrl, place, failure, retry.retries());
        return true;
    }

    private record RetryPolicy(int retries, Duration delay) {}

    /** The subscription's {@code DeliveryPolicy} ({@code healthyRetryPolicy}: {@code numRetries}, {@code minDelayTarget} in seconds), else the defaults. */
    private RetryPolicy retryPolicy(Subscription current)
    {
        String policy = current.attributes().get("DeliveryPolicy");
        int retries = config.retries();
        Duration delay = config.retryDelay();
        if (policy != null && !policy.isEmpty()) {
            try {
                JsonNode healthy = Notification.JSON.readTree(policy).path("healthyRetryPolicy");
                if (healthy.path("numRetries").canConvertToInt()) {
                    retries = Math.max(0, Math.min(100, healthy.path("numRetries").asInt()));
                }
                if (healthy.path("minDelayTarget").canConvertToInt()) {
                    delay = Duration.ofSeconds(Math.max(1, healthy.path("minDelayTarget").asInt()));
                }
            }
            catch (java.io.IOException e) {
                // checked by the service when it was set
            }
        }
        return new RetryPolicy(retries, delay);
    }

    private void deadLetter(Subscription current, Notification notification, String unsubscribeUrl, String place, Deliveries.DeliveryException failure,
            int retries)
    {
        Optional<String> target = deadLetterTarget(current);
        String reason = failure == null ? "" : failure.getMessage();
        if (target.isEmpty()) {
            log.warn("SNS message {} ({}) could not be delivered to {} after {} retries and is dropped, as SNS drops it without a dead-letter queue: {}",
                    notification.messageId(), place, current.arn(), retries, reason);
            return;
        }
        try {
            deliveries.deadLetter(target.get(), notification, notification.document(current.protocol(), unsubscribeUrl, "").toString());
            log.info("SNS message {} could not be delivered to {} ({}); sent to the dead-letter queue {}", notification.messageId(), current.arn(), reason,
                    target.get());
        }
        catch (Deliveries.DeliveryException e) {
            log.error("SNS message {} ({}) could not be delivered to {} ({}) nor to its dead-letter queue {} ({}); it is dropped",
                    notification.messageId(), place, current.arn(), reason, target.get(), e.getMessage());
        }
    }

    private static Optional<String> deadLetterTarget(Subscription subscription)
    {
        String policy = subscription.attributes().get("RedrivePolicy");
        if (policy == null || policy.isEmpty()) {
            return Optional.empty();
        }
        try {
            JsonNode target = Notification.JSON.readTree(policy).path("deadLetterTargetArn");
            return target.isTextual() ? Optional.of(target.asText()) : Optional.empty();
        }
        catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    /** @return false when the worker is closing */
    private boolean pause(Duration delay)
    {
        return !sleepInterruptibly(delay);
    }

    private boolean sleepInterruptibly(Duration delay)
    {
        long until = clock.millis() + delay.toMillis();
        while (member.running() && clock.millis() < until) {
            try {
                Thread.sleep(Math.min(100, Math.max(1, until - clock.millis())));
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }
        return !member.running();
    }

    private String endpoint()
    {
        String url = config.endpoint().toString();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String encode(String value)
    {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Stops taking messages; a delivery in progress ends (not committed, so delivered again by another member or after a restart). */
    @Override
    public void close()
    {
        member.close();
    }
}
