package io.lakestack.connectors.lambda.events;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The SQS events functions receive, read back with AWS's own event type, and Lambda's reading of a batchItemFailures response. */
class SqsEventFormatTest
{
    private static final String QUEUE_ARN = "arn:aws:sqs:us-east-2:123456789012:my-queue.fifo";

    private final SqsEventFormat format = new SqsEventFormat(QUEUE_ARN);

    private static Message message(String id, String body, Map<String, MessageAttributeValue> attributes)
    {
        return Message.builder().messageId(id).receiptHandle("handle-" + id).body(body).md5OfBody("md5-" + id)
                .md5OfMessageAttributes(attributes.isEmpty() ? null : "md5a-" + id)
                .attributes(Map.of(MessageSystemAttributeName.MESSAGE_GROUP_ID, "g1", MessageSystemAttributeName.SENT_TIMESTAMP, "1573251510774",
                        MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "2", MessageSystemAttributeName.SEQUENCE_NUMBER, "18849496460467696128",
                        MessageSystemAttributeName.SENDER_ID, "AIDAIO23YVJENQZJOL4VO", MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID, "d1",
                        MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP, "1573251510775"))
                .messageAttributes(attributes)
                .build();
    }

    @Test
    void sqsEventIsAwsShapeFieldForField()
    {
        Message message = message("059f36b4", "{\"n\":1}", Map.of("color", MessageAttributeValue.builder().dataType("String").stringValue("blue").build(),
                "raw", MessageAttributeValue.builder().dataType("Binary").binaryValue(SdkBytes.fromUtf8String("xyz")).build()));
        String event = new String(SqsEventFormat.event(List.of(format.element(message))), StandardCharsets.UTF_8);
        assertThat(event).isEqualTo("{\"Records\":[{\"messageId\":\"059f36b4\",\"receiptHandle\":\"handle-059f36b4\",\"body\":\"{\\\"n\\\":1}\","
                + "\"attributes\":{\"ApproximateReceiveCount\":\"2\",\"SentTimestamp\":\"1573251510774\",\"SenderId\":\"AIDAIO23YVJENQZJOL4VO\","
                + "\"ApproximateFirstReceiveTimestamp\":\"1573251510775\",\"SequenceNumber\":\"18849496460467696128\",\"MessageGroupId\":\"g1\","
                + "\"MessageDeduplicationId\":\"d1\"},\"messageAttributes\":{\"color\":{\"stringValue\":\"blue\",\"stringListValues\":[],"
                + "\"binaryListValues\":[],\"dataType\":\"String\"},\"raw\":{\"binaryValue\":\"eHl6\",\"stringListValues\":[],\"binaryListValues\":[],"
                + "\"dataType\":\"Binary\"}},\"md5OfBody\":\"md5-059f36b4\",\"md5OfMessageAttributes\":\"md5a-059f36b4\",\"eventSource\":\"aws:sqs\","
                + "\"eventSourceARN\":\"" + QUEUE_ARN + "\",\"awsRegion\":\"us-east-2\"}]}");

        SQSEvent read = LambdaEventSerializers.serializerFor(SQSEvent.class, getClass().getClassLoader())
                .fromJson(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)));
        SQSEvent.SQSMessage record = read.getRecords().get(0);
        assertThat(record.getMessageId()).isEqualTo("059f36b4");
        assertThat(record.getReceiptHandle()).isEqualTo("handle-059f36b4");
        assertThat(record.getBody()).isEqualTo("{\"n\":1}");
        assertThat(record.getAttributes()).containsEntry("MessageGroupId", "g1").containsEntry("ApproximateReceiveCount", "2");
        assertThat(record.getMessageAttributes().get("color").getStringValue()).isEqualTo("blue");
        assertThat(StandardCharsets.UTF_8.decode(record.getMessageAttributes().get("raw").getBinaryValue()).toString()).isEqualTo("xyz");
        assertThat(record.getEventSource()).isEqualTo("aws:sqs");
        assertThat(record.getEventSourceArn()).isEqualTo(QUEUE_ARN);
        assertThat(record.getAwsRegion()).isEqualTo("us-east-2");
    }

    @Test
    void filtersSeeTheBodyAsJsonWhenItIsAnObjectAndAsTextOtherwise()
    {
        FilterCriteria orders = FilterCriteria.compile(List.of("{\"body\":{\"kind\":[\"order\"]}}"));
        FilterCriteria exact = FilterCriteria.compile(List.of("{\"body\":[\"order\"]}"));
        FilterCriteria grouped = FilterCriteria.compile(List.of("{\"attributes\":{\"MessageGroupId\":[\"g1\"]}}"));
        ObjectNode json = format.element(message("1", "{\"kind\":\"order\"}", Map.of()));
        ObjectNode text = format.element(message("2", "order", Map.of()));
        assertThat(orders.matches(SqsEventFormat.filterView(json))).isTrue();
        assertThat(orders.matches(SqsEventFormat.filterView(text))).isFalse();
        assertThat(exact.matches(SqsEventFormat.filterView(json))).isFalse();
        assertThat(exact.matches(SqsEventFormat.filterView(text))).isTrue();
        assertThat(grouped.matches(SqsEventFormat.filterView(text))).isTrue();
    }

    @Test
    void batchItemFailuresAreReadAsLambdaReadsThem()
    {
        List<Message> batch = List.of(message("a", "1", Map.of()), message("b", "2", Map.of()));
        for (String success : List.of("", "null", "{}", "{\"batchItemFailures\":[]}", "{\"batchItemFailures\":null}", "{\"ok\":true}")) {
            assertThat(SqsMappingPoller.itemFailures(success.getBytes(StandardCharsets.UTF_8), batch)).as(success).contains(Set.of());
        }
        assertThat(SqsMappingPoller.itemFailures("{\"batchItemFailures\":[{\"itemIdentifier\":\"b\"}]}".getBytes(StandardCharsets.UTF_8), batch))
                .contains(Set.of("b"));
        for (String invalid : List.of("not json", "[1]", "\"text\"", "{\"batchItemFailures\":{}}", "{\"batchItemFailures\":[{}]}",
                "{\"batchItemFailures\":[{\"itemIdentifier\":\"\"}]}", "{\"batchItemFailures\":[{\"itemIdentifier\":null}]}",
                "{\"batchItemFailures\":[{\"itemIdentifier\":\"c\"}]}", "{\"batchItemFailures\":[{\"itemId\":\"a\"}]}")) {
            assertThat(SqsMappingPoller.itemFailures(invalid.getBytes(StandardCharsets.UTF_8), batch)).as(invalid).isEqualTo(Optional.empty());
        }
    }
}
