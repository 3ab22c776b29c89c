package io.lakestack.connectors.sns;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestack.connectors.consumers.GroupStart;
import io.lakestack.spi.cluster.KafkaClientSettings;
import io.lakestack.spi.sns.FilterPolicy;
import io.lakestack.spi.sns.SnsTopics;
import io.lakestack.spi.sns.Subscription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
    private static final int SESSION_TIMEOUT_MILLIS = 10_000;

    private final SnsFanOutConfig config;
    private final Deliveries deliveries;
    private final Clock clock;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Optional<FifoDeduplication> deduplication;
    private volatile Subscription subscription;
    private volatile boolean running = true;
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
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, SnsTopics.consumerGroup(subscription));
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "lakestack-sns-" + subscription.id());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5);
        // a topic created a moment ago may be missing from the first metadata: it is looked up again soon
        properties.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 2_000);
        // five messages, each retried as its delivery policy says, may take long: the member stays in its group meanwhile
        properties.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 3_600_000);
        properties.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MILLIS);
        properties.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, SESSION_TIMEOUT_MILLIS / 3);
        this.consumer = new KafkaConsumer<>(KafkaClientSettings.complete(properties), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "sns-" + subscription.id());
        thread.setDaemon(true);
    }

    SubscriptionWorker start()
    {
        thread.start();
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

    private void run()
    {
        String topic = SnsTopics.kafkaTopic(subscription.topicArn());
        try {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener()
            {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions)
                {
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions)
                {
                    startNewPartitions(partitions);
                    deduplication.ifPresent(fifo -> fifo.rebuild(consumer, partitions));
                }
            });
            while (running) {
                confirmIfPending();
                Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (!running) {
                        break;
                    }
                    handle(record);
                    done.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
                }
                if (!done.isEmpty()) {
                    consumer.commitSync(done);
                }
            }
        }
        catch (WakeupException e) {
            // closing
        }
        catch (RuntimeException e) {
            log.error("SNS deliveries of {} stopped", subscription.arn(), e);
        }
        finally {
            consumer.close(Duration.ofSeconds(5));
            stopped.countDown();
        }
    }

    /** A partition this group has no offset of yet starts at the subscription's creation. */
    private void startNewPartitions(Collection<TopicPartition> partitions)
    {
        Map<TopicPartition, OffsetAndMetadata> positions = GroupStart.startNewPartitions(consumer, partitions, subscription.createdMillis());
        if (!positions.isEmpty()) {
            log.info("SNS subscription {} starts at {}", subscription.arn(), positions);
        }
    }

    private void confirmIfPending()
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

    private void handle(ConsumerRecord<byte[], byte[]> record)
    {
        // a FIFO topic's duplicate is delivered to nobody: decided before the filter, as SNS does when it is published
        if (deduplication.isPresent() && deduplication.get().duplicate(record)) {
            log.debug("SNS message at {}/{} is a duplicate within the deduplication interval; not delivered to {}", record.topic(), record.offset(),
                    subscription.arn());
            return;
        }
        Subscription current = subscription;
        if (!current.confirmed()) {
            return;
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
            return;
        }
        String unsubscribeUrl = endpoint() + "/?Action=Unsubscribe&SubscriptionArn=" + encode(current.arn());
        String body = switch (current.protocol()) {
            case "lambda" -> notification.lambdaEvent(current.arn(), unsubscribeUrl, "").toString();
            default -> current.rawMessageDelivery() ? notification.messageFor(current.protocol())
                    : notification.document(current.protocol(), unsubscribeUrl, "").toString();
        };
        Deliveries.DeliveryException failure = null;
        RetryPolicy retry = retryPolicy(current);
        for (int attempt = 0; attempt <= retry.retries() && running; attempt++) {
            if (attempt > 0 && !pause(retry.delay())) {
                break;
            }
            try {
                deliveries.deliver(current, notification, body);
                log.debug("SNS message {} ({}) delivered to {}", notification.messageId(), place, current.arn());
                return;
            }
            catch (Deliveries.DeliveryException e) {
                failure = e;
                log.info("SNS delivery of {} to {} failed (attempt {} of {}): {}", notification.messageId(), current.arn(), attempt + 1,
                        retry.retries() + 1, e.getMessage());
            }
        }
        if (!running) {
            // not committed: delivered again by the next member
            throw new WakeupException();
        }
        deadLetter(current, notification, unsubscribeUrl, place, failure, retry.retries());
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
        while (running && clock.millis() < until) {
            try {
                Thread.sleep(Math.min(100, Math.max(1, until - clock.millis())));
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }
        return !running;
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
        running = false;
        consumer.wakeup();
        try {
            if (!stopped.await(30, TimeUnit.SECONDS)) {
                log.warn("SNS deliveries of {} did not stop within 30 s", subscription.arn());
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
