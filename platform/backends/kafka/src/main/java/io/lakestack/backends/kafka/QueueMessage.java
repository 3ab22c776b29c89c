package io.lakestack.backends.kafka;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.spi.sqs.MessageAttribute;
import io.lakestack.spi.sqs.ReceivedMessage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * One message of an SQS queue as its topic holds it, and its state on this instance. The record's value is the body, its
 * timestamp when it came into the queue (on the clock of the instance that sent it); headers carry the rest ({@value #ID}, attributes as JSON...). A record without them (an S3 event notification, which
 * S3 publishes straight to the queue's topic) is a message whose id is derived from its place in the topic, sent by
 * the account, with no attributes.
 *
 * <p>The fields below {@link #key} change as the queue's events are applied, under the lock of the queue's
 * {@link QueueState}.
 */
final class QueueMessage
{
    static final String ID = "sqs-id";
    static final String INCARNATION = "sqs-incarnation";
    static final String ATTRIBUTES = "sqs-attributes";
    static final String SYSTEM_ATTRIBUTES = "sqs-system-attributes";
    static final String SENDER = "sqs-sender";
    static final String DELAY = "sqs-delay";
    static final String GROUP = "sqs-group";
    static final String DEDUPLICATION = "sqs-deduplication";
    static final String SENT = "sqs-sent";
    static final String DEAD_LETTER_SOURCE = "sqs-dead-letter-source";

    private static final ObjectMapper JSON = KafkaRecordStores.mapper();

    final MessageKey key;
    final String messageId;
    final String body;
    final Map<String, MessageAttribute> attributes;
    final Map<String, MessageAttribute> systemAttributes;
    final String senderId;
    /** {@code SentTimestamp}: when it was first sent, to this queue or (for a dead-lettered message) to its source. */
    final long sentMillis;
    /** When it came into this queue (the record's timestamp): what delay, purge, retention and deduplication count from. */
    final long enqueuedMillis;
    final Optional<String> groupId;
    final Optional<String> deduplicationId;
    final Optional<String> deadLetterSource;

    /** When it is visible next: after its delay, or when the visibility timeout of its last receive ends. */
    long visibleAtMillis;
    /** The offset of the event of its last receive in the queue's event topic; -1 before the first. */
    long claimOffset = -1;
    int receiveCount;
    long firstReceiveMillis;
    /** A receive on this instance is claiming it: others here leave it alone until its claim is applied. */
    boolean claiming;

    record MessageKey(int partition, long offset) {}

    private QueueMessage(MessageKey key, String messageId, String body, Map<String, MessageAttribute> attributes, Map<String, MessageAttribute> systemAttributes,
            String senderId, long sentMillis, long enqueuedMillis, long delayMillis, Optional<String> groupId, Optional<String> deduplicationId,
            Optional<String> deadLetterSource)
    {
        this.key = key;
        this.messageId = messageId;
        this.body = body;
        this.attributes = attributes;
        this.systemAttributes = systemAttributes;
        this.senderId = senderId;
        this.sentMillis = sentMillis;
        this.enqueuedMillis = enqueuedMillis;
        this.visibleAtMillis = enqueuedMillis + delayMillis;
        this.groupId = groupId;
        this.deduplicationId = deduplicationId;
        this.deadLetterSource = deadLetterSource;
    }

    /** A message that sorts after every message visible at {@code visibleAtMillis} and before every later one. */
    static QueueMessage probe(long visibleAtMillis)
    {
        return new QueueMessage(new MessageKey(Integer.MAX_VALUE, Long.MAX_VALUE), "", "", Map.of(), Map.of(), "", 0, Long.MAX_VALUE, visibleAtMillis - Long.MAX_VALUE,
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * Reads a message from its record.
     *
     * @param defaultSender the sender of a message without one (an S3 event notification)
     */
    static QueueMessage read(ConsumerRecord<byte[], byte[]> record, String defaultSender)
    {
        Headers headers = record.headers();
        MessageKey key = new MessageKey(record.partition(), record.offset());
        String id = header(headers, ID).orElseGet(() -> UUID.nameUUIDFromBytes((record.topic() + "/" + record.partition() + "/" + record.offset())
                .getBytes(StandardCharsets.UTF_8)).toString());
        String body = record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8);
        long enqueued = record.timestamp();
        return new QueueMessage(key, id, body, attributes(header(headers, ATTRIBUTES)), attributes(header(headers, SYSTEM_ATTRIBUTES)),
                header(headers, SENDER).orElse(defaultSender),
                header(headers, SENT).map(Long::parseLong).orElse(enqueued),
                enqueued,
                header(headers, DELAY).map(Long::parseLong).orElse(0L) * 1000,
                header(headers, GROUP), header(headers, DEDUPLICATION), header(headers, DEAD_LETTER_SOURCE));
    }

    /** The incarnation of the queue the record was sent to; empty for a record from outside SQS. */
    static Optional<Long> incarnation(ConsumerRecord<byte[], byte[]> record)
    {
        return header(record.headers(), INCARNATION).map(Long::parseLong);
    }

    /** A record of a message for a queue's topic. */
    static ProducerRecord<byte[], byte[]> record(String topic, Integer partition, long timestamp, long incarnation, String messageId, String body,
            Map<String, MessageAttribute> attributes, Map<String, MessageAttribute> systemAttributes, String senderId, int delaySeconds,
            Optional<String> groupId, Optional<String> deduplicationId, Optional<Long> sentMillis, Optional<String> deadLetterSource)
    {
        RecordHeaders headers = new RecordHeaders();
        add(headers, ID, messageId);
        add(headers, INCARNATION, String.valueOf(incarnation));
        if (!attributes.isEmpty()) {
            add(headers, ATTRIBUTES, json(attributes));
        }
        if (!systemAttributes.isEmpty()) {
            add(headers, SYSTEM_ATTRIBUTES, json(systemAttributes));
        }
        add(headers, SENDER, senderId);
        if (delaySeconds > 0) {
            add(headers, DELAY, String.valueOf(delaySeconds));
        }
        groupId.ifPresent(group -> add(headers, GROUP, group));
        deduplicationId.ifPresent(id -> add(headers, DEDUPLICATION, id));
        sentMillis.ifPresent(sent -> add(headers, SENT, String.valueOf(sent)));
        deadLetterSource.ifPresent(source -> add(headers, DEAD_LETTER_SOURCE, source));
        return new ProducerRecord<>(topic, partition, timestamp, null, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    /** This message as the copy sent to its dead-letter queue (or, from there, back to a queue): same id, body, attributes and sent time. */
    ProducerRecord<byte[], byte[]> moved(String topic, Integer partition, long timestamp, long incarnation, Optional<String> deadLetterSource)
    {
        return record(topic, partition, timestamp, incarnation, messageId, body, attributes, systemAttributes, senderId, 0, groupId, deduplicationId,
                Optional.of(sentMillis), deadLetterSource);
    }

    ReceivedMessage received(String receiptHandle, Optional<String> sequenceNumber)
    {
        return new ReceivedMessage(messageId, receiptHandle, body, attributes, systemAttributes, senderId, sentMillis, firstReceiveMillis, receiveCount,
                groupId, deduplicationId, sequenceNumber, deadLetterSource);
    }

    private static Optional<String> header(Headers headers, String name)
    {
        Header header = headers.lastHeader(name);
        return header == null ? Optional.empty() : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    private static void add(RecordHeaders headers, String name, String value)
    {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** An attribute as JSON: {@code {"type":...,"string":...}} or {@code {"type":...,"binary":<base64>}}. */
    record StoredAttribute(String type, String string, String binary) {}

    private static String json(Map<String, MessageAttribute> attributes)
    {
        Map<String, StoredAttribute> stored = new LinkedHashMap<>();
        attributes.forEach((name, value) -> stored.put(name, new StoredAttribute(value.dataType(), value.stringValue().orElse(null),
                value.binaryValue().map(bytes -> Base64.getEncoder().encodeToString(bytes)).orElse(null))));
        try {
            return JSON.writeValueAsString(stored);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, MessageAttribute> attributes(Optional<String> json)
    {
        if (json.isEmpty()) {
            return Map.of();
        }
        Map<String, StoredAttribute> stored;
        try {
            stored = JSON.readValue(json.get(), new TypeReference<LinkedHashMap<String, StoredAttribute>>() {});
        }
        catch (IOException e) {
            throw new UncheckedIOException("message attributes that do not read: " + json.get(), e);
        }
        Map<String, MessageAttribute> attributes = new LinkedHashMap<>();
        stored.forEach((name, value) -> attributes.put(name, value.string() != null
                ? MessageAttribute.string(value.type(), value.string())
                : MessageAttribute.binary(value.type(), Base64.getDecoder().decode(requireNonNull(value.binary(), "binary")))));
        return attributes;
    }
}
