package io.lakestack.connectors.sns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.spi.sns.FilterPolicy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * One message of a topic as read from Kafka: the notification the SNS service published, or an S3 event notification
 * published to the topic by S3 (a bare {@code {"Records":[...]}}), which is wrapped as SNS wraps it (subject
 * {@code Amazon S3 Notification}, a message id derived from the record's place, so that it is the same at every
 * redelivery).
 *
 * @param messageStructure the per-protocol messages of a message published with {@code MessageStructure=json}
 * @param sequenceNumber a FIFO topic's message's
 * @param messageGroupId a FIFO topic's message's, or a standard topic's message published with one
 * @param deduplicationId a FIFO topic's message's, given or computed from its body
 */
record Notification(String messageId, String topicArn, Optional<String> subject, String message, String timestamp, String signatureVersion,
        Map<String, FilterPolicy.Attribute> attributes, Optional<JsonNode> messageStructure, Optional<String> sequenceNumber,
        Optional<String> messageGroupId, Optional<String> deduplicationId)
{
    static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    Notification
    {
        requireNonNull(messageId, "messageId is null");
        requireNonNull(topicArn, "topicArn is null");
        requireNonNull(message, "message is null");
        attributes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    /**
     * @param place the record's topic, partition and offset, for the id of a wrapped S3 event
     * @param structure the {@code MessageStructure=json} header, if any
     */
    static Notification read(byte[] value, String topicArn, long timestampMillis, String place, Optional<String> structure)
    {
        String text = new String(value, StandardCharsets.UTF_8);
        JsonNode node;
        try {
            node = JSON.readTree(text);
        }
        catch (IOException e) {
            node = null;
        }
        if (node == null || !node.isObject() || !"Notification".equals(node.path("Type").asText())) {
            return new Notification(UUID.nameUUIDFromBytes(place.getBytes(StandardCharsets.UTF_8)).toString(), topicArn,
                    Optional.of("Amazon S3 Notification"), text, TIMESTAMP.format(Instant.ofEpochMilli(timestampMillis)), "1", Map.of(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty());
        }
        Map<String, FilterPolicy.Attribute> attributes = new LinkedHashMap<>();
        node.path("MessageAttributes").fields().forEachRemaining(field -> attributes.put(field.getKey(),
                new FilterPolicy.Attribute(field.getValue().path("Type").asText(), field.getValue().path("Value").asText())));
        Optional<JsonNode> messages = structure.flatMap(json -> {
            try {
                return Optional.of(JSON.readTree(json));
            }
            catch (IOException e) {
                return Optional.empty();
            }
        });
        return new Notification(node.path("MessageId").asText(), node.path("TopicArn").asText(topicArn),
                node.hasNonNull("Subject") ? Optional.of(node.get("Subject").asText()) : Optional.empty(), node.path("Message").asText(),
                node.path("Timestamp").asText(), node.path("SignatureVersion").asText("1"), attributes, messages, Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    /** This notification with the order its record gave it (see {@link io.lakestack.spi.sns.SnsTopics}). */
    Notification withOrder(Optional<String> newSequenceNumber, Optional<String> newMessageGroupId, Optional<String> newDeduplicationId)
    {
        return new Notification(messageId, topicArn, subject, message, timestamp, signatureVersion, attributes, messageStructure, newSequenceNumber,
                newMessageGroupId, newDeduplicationId);
    }

    /** The message for a protocol: its own entry of a {@code MessageStructure=json} message, else the default. */
    String messageFor(String protocol)
    {
        return messageStructure.map(messages -> messages.path(protocol)).filter(JsonNode::isTextual).map(JsonNode::asText).orElse(message);
    }

    /**
     * The document SNS delivers to SQS queues and HTTP endpoints. A FIFO topic's has its {@code SequenceNumber} after
     * the {@code MessageId}, and no signature fields, as on AWS.
     */
    ObjectNode document(String protocol, String unsubscribeUrl, String signingCertUrl)
    {
        ObjectNode document = JSON.createObjectNode();
        document.put("Type", "Notification");
        document.put("MessageId", messageId);
        sequenceNumber.ifPresent(value -> document.put("SequenceNumber", value));
        document.put("TopicArn", topicArn);
        subject.ifPresent(value -> document.put("Subject", value));
        document.put("Message", messageFor(protocol));
        document.put("Timestamp", timestamp);
        if (sequenceNumber.isEmpty()) {
            document.put("SignatureVersion", signatureVersion);
            document.put("Signature", "");
            document.put("SigningCertURL", signingCertUrl);
        }
        document.put("UnsubscribeURL", unsubscribeUrl);
        if (!attributes.isEmpty()) {
            ObjectNode values = document.putObject("MessageAttributes");
            attributes.forEach((name, attribute) -> values.putObject(name).put("Type", attribute.dataType()).put("Value", attribute.value()));
        }
        return document;
    }

    /** The event SNS invokes a function with. */
    ObjectNode lambdaEvent(String subscriptionArn, String unsubscribeUrl, String signingCertUrl)
    {
        ObjectNode event = JSON.createObjectNode();
        ObjectNode record = event.putArray("Records").addObject();
        record.put("EventSource", "aws:sns");
        record.put("EventVersion", "1.0");
        record.put("EventSubscriptionArn", subscriptionArn);
        ObjectNode sns = record.putObject("Sns");
        sns.put("Type", "Notification");
        sns.put("MessageId", messageId);
        sns.put("TopicArn", topicArn);
        if (subject.isPresent()) {
            sns.put("Subject", subject.get());
        }
        else {
            sns.putNull("Subject");
        }
        sns.put("Message", messageFor("lambda"));
        sns.put("Timestamp", timestamp);
        sns.put("SignatureVersion", signatureVersion);
        sns.put("Signature", "");
        sns.put("SigningCertUrl", signingCertUrl);
        sns.put("UnsubscribeUrl", unsubscribeUrl);
        ObjectNode values = sns.putObject("MessageAttributes");
        attributes.forEach((name, attribute) -> values.putObject(name).put("Type", attribute.dataType()).put("Value", attribute.value()));
        return event;
    }
}
