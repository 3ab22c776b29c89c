package io.lakestack.connectors.lambda.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.spi.Arn;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * How Lambda shows SQS messages to a function: the {@code Records} of an SQS event, as <a
 * href="https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html">Using Lambda with Amazon SQS</a> shows them, and a
 * message as event filters see it (its {@code body} as JSON when it is a JSON object or array, else the text).
 */
final class SqsEventFormat
{
    /** The system attributes Lambda passes on, in its order; the FIFO ones only for a FIFO queue's messages. */
    private static final List<String> ATTRIBUTES = List.of("ApproximateReceiveCount", "SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp",
            "SequenceNumber", "MessageGroupId", "MessageDeduplicationId", "AWSTraceHeader", "DeadLetterQueueSourceArn");

    private final String queueArn;
    private final String region;

    SqsEventFormat(String queueArn)
    {
        this.queueArn = requireNonNull(queueArn, "queueArn is null");
        this.region = Arn.parse(queueArn).map(Arn::region).orElse("");
    }

    /** The message's element of {@code Records}. */
    ObjectNode element(Message message)
    {
        ObjectNode record = Json.object();
        record.put("messageId", message.messageId());
        record.put("receiptHandle", message.receiptHandle());
        record.put("body", message.body());
        ObjectNode attributes = record.putObject("attributes");
        Map<String, String> system = message.attributesAsStrings();
        for (String name : ATTRIBUTES) {
            String value = system.get(name);
            if (value != null) {
                attributes.put(name, value);
            }
        }
        ObjectNode messageAttributes = record.putObject("messageAttributes");
        // by name, as the attributes' MD5 digest orders them: the same event whatever order the answer listed them in
        new java.util.TreeMap<>(message.messageAttributes()).forEach((name, value) -> messageAttributes.set(name, messageAttribute(value)));
        record.put("md5OfBody", message.md5OfBody());
        if (!message.messageAttributes().isEmpty() && message.md5OfMessageAttributes() != null) {
            record.put("md5OfMessageAttributes", message.md5OfMessageAttributes());
        }
        record.put("eventSource", "aws:sqs");
        record.put("eventSourceARN", queueArn);
        record.put("awsRegion", region);
        return record;
    }

    private static ObjectNode messageAttribute(MessageAttributeValue value)
    {
        ObjectNode node = Json.object();
        if (value.stringValue() != null) {
            node.put("stringValue", value.stringValue());
        }
        if (value.binaryValue() != null) {
            node.put("binaryValue", Base64.getEncoder().encodeToString(value.binaryValue().asByteArray()));
        }
        ArrayNode strings = node.putArray("stringListValues");
        value.stringListValues().forEach(strings::add);
        ArrayNode binaries = node.putArray("binaryListValues");
        value.binaryListValues().forEach(bytes -> binaries.add(Base64.getEncoder().encodeToString(bytes.asByteArray())));
        node.put("dataType", value.dataType());
        return node;
    }

    /** The SQS event of these elements. */
    static byte[] event(List<ObjectNode> elements)
    {
        ObjectNode event = Json.object();
        ArrayNode records = event.putArray("Records");
        elements.forEach(records::add);
        return Json.bytes(event);
    }

    /** The message as an event filter sees it: its element, with the body as JSON when it is a JSON object or array. */
    static FilterCriteria.Candidate filterView(ObjectNode element)
    {
        ObjectNode view = element.deepCopy();
        Optional<JsonNode> body = Json.parse(element.path("body").asText().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .filter(node -> node.isObject() || node.isArray());
        body.ifPresent(node -> view.set("body", node));
        return new FilterCriteria.Candidate(view, Set.of(), FilterCriteria.Mismatch.DROP);
    }
}
