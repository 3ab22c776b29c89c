package io.lakestack.services.sns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.endpoint.auth.Authenticator;
import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.endpoint.testing.RecordedResponse;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.events.EventSink;
import io.lakestack.spi.sns.SnsTopics;
import io.lakestack.spi.store.MemoryRecordStores;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** FIFO topics on the SNS service alone: validation as AWS answers it, what is published to the ordered topic. */
class SnsFifoServiceTest
{
    private static final String ACCOUNT = "000000000000";
    private static final String FIFO_ARN = "arn:aws:sns:us-east-1:" + ACCOUNT + ":orders.fifo";
    private static final String STANDARD_ARN = "arn:aws:sns:us-east-1:" + ACCOUNT + ":orders";
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Published(String topic, String key, String value, Map<String, String> headers, boolean ordered) {}

    private final List<Published> published = new ArrayList<>();
    private final List<String> declaredOrdered = new ArrayList<>();
    private final SnsService service = new SnsService(new MemoryRecordStores(), new EventSink()
    {
        @Override
        public void declare(String topic)
        {
        }

        @Override
        public void publish(String topic, String key, byte[] value, Map<String, String> headers)
        {
            published.add(new Published(topic, key, new String(value, StandardCharsets.UTF_8), headers, false));
        }

        @Override
        public void declareOrdered(String topic)
        {
            declaredOrdered.add(topic);
        }

        @Override
        public long publishOrdered(String topic, String key, byte[] value, Map<String, String> headers)
        {
            published.add(new Published(topic, key, new String(value, StandardCharsets.UTF_8), headers, true));
            // offsets of an ordered topic that already holds 41 records
            return 40 + published.size();
        }
    }, "us-east-1", ACCOUNT, Clock.fixed(Instant.parse("2026-11-29T16:00:00.123Z"), ZoneOffset.UTC));

    private String call(String... namesAndValues)
            throws Exception
    {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            parameters.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        String form = parameters.entrySet().stream()
                .map(entry -> URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        RecordedResponse answer = new RecordedResponse();
        service.handle(new AwsRequest("POST", "/", "", Map.of("Host", List.of("localhost:4566"), "Content-Type",
                List.of("application/x-www-form-urlencoded; charset=utf-8")), new ByteArrayInputStream(form.getBytes(StandardCharsets.UTF_8)), "127.0.0.1"),
                new Authenticator.Caller("test", "us-east-1"), answer);
        assertThat(answer.status()).isEqualTo(200);
        return answer.text();
    }

    /** Code, status and message of the error a call fails with. */
    private String error(String... namesAndValues)
    {
        ServiceException error = catchThrowableOfType(ServiceException.class, () -> call(namesAndValues));
        assertThat(error).as("an error").isNotNull();
        return error.errorCode() + " " + error.httpStatus() + " " + error.getMessage();
    }

    private static List<String> elements(String xml, String name)
    {
        List<String> values = new ArrayList<>();
        Matcher matcher = Pattern.compile("<" + name + ">([^<]*)</" + name + ">").matcher(xml);
        while (matcher.find()) {
            values.add(matcher.group(1));
        }
        return values;
    }

    private static Map<String, String> attributes(String xml)
    {
        Map<String, String> attributes = new LinkedHashMap<>();
        Matcher matcher = Pattern.compile("<entry><key>([^<]*)</key><value>([^<]*)</value></entry>").matcher(xml);
        while (matcher.find()) {
            attributes.put(matcher.group(1), matcher.group(2));
        }
        return attributes;
    }

    private void createFifo(String... attributes)
            throws Exception
    {
        List<String> parameters = new ArrayList<>(List.of("Action", "CreateTopic", "Name", "orders.fifo", "Attributes.entry.1.key", "FifoTopic",
                "Attributes.entry.1.value", "true"));
        for (int i = 0; i < attributes.length; i += 2) {
            int n = 2 + i / 2;
            parameters.addAll(List.of("Attributes.entry." + n + ".key", attributes[i], "Attributes.entry." + n + ".value", attributes[i + 1]));
        }
        assertThat(elements(call(parameters.toArray(String[]::new)), "TopicArn")).containsExactly(FIFO_ARN);
    }

    @Test
    void fifoTopicNeedsTheFifoNameAndTheAttributeTogether()
            throws Exception
    {
        assertThat(error("Action", "CreateTopic", "Name", "orders.fifo")).isEqualTo("InvalidParameter 400 Invalid parameter: Topic Name");
        assertThat(error("Action", "CreateTopic", "Name", "orders", "Attributes.entry.1.key", "FifoTopic", "Attributes.entry.1.value", "true"))
                .isEqualTo("InvalidParameter 400 Invalid parameter: Topic Name");
        assertThat(error("Action", "CreateTopic", "Name", "a".repeat(252) + ".fifo", "Attributes.entry.1.key", "FifoTopic", "Attributes.entry.1.value",
                "true")).isEqualTo("InvalidParameter 400 Invalid parameter: Topic Name");
        // AWS takes 256 characters; a Kafka topic's name is at most 249, lakestack.sns. included
        assertThat(error("Action", "CreateTopic", "Name", "a".repeat(231) + ".fifo", "Attributes.entry.1.key", "FifoTopic", "Attributes.entry.1.value",
                "true")).isEqualTo("InvalidParameter 400 Invalid parameter: Topic Name Reason: lakestack keeps a topic's messages in the Kafka topic "
                + "lakestack.sns.<name>, whose name is at most 249 characters: use a topic name of at most 235 characters");
        assertThat(elements(call("Action", "CreateTopic", "Name", "a".repeat(230) + ".fifo", "Attributes.entry.1.key", "FifoTopic",
                "Attributes.entry.1.value", "true"), "TopicArn")).containsExactly("arn:aws:sns:us-east-1:" + ACCOUNT + ":" + "a".repeat(230) + ".fifo");
        assertThat(error("Action", "CreateTopic", "Name", "orders", "Attributes.entry.1.key", "ContentBasedDeduplication", "Attributes.entry.1.value",
                "true")).isEqualTo("InvalidParameter 400 Invalid parameter: ContentBasedDeduplication Reason: Content based deduplication can only be set "
                + "for FIFO topics");
        createFifo();
        assertThat(declaredOrdered).contains("lakestack.sns.orders.fifo");
        // created again alike: the same topic
        createFifo();
        assertThat(error("Action", "CreateTopic", "Name", "orders.fifo", "Attributes.entry.1.key", "FifoTopic", "Attributes.entry.1.value", "true",
                "Attributes.entry.2.key", "ContentBasedDeduplication", "Attributes.entry.2.value", "true"))
                .isEqualTo("InvalidParameter 400 Invalid parameter: Attributes Reason: Topic already exists with different attributes");
    }

    @Test
    void fifoAttributesAreAnsweredAndSetButTheTypeIsFixed()
            throws Exception
    {
        createFifo();
        Map<String, String> attributes = attributes(call("Action", "GetTopicAttributes", "TopicArn", FIFO_ARN));
        assertThat(attributes).containsEntry("FifoTopic", "true").containsEntry("ContentBasedDeduplication", "false")
                .containsEntry("FifoThroughputScope", "Topic");
        call("Action", "SetTopicAttributes", "TopicArn", FIFO_ARN, "AttributeName", "ContentBasedDeduplication", "AttributeValue", "true");
        call("Action", "SetTopicAttributes", "TopicArn", FIFO_ARN, "AttributeName", "FifoThroughputScope", "AttributeValue", "MessageGroup");
        attributes = attributes(call("Action", "GetTopicAttributes", "TopicArn", FIFO_ARN));
        assertThat(attributes).containsEntry("FifoTopic", "true").containsEntry("ContentBasedDeduplication", "true")
                .containsEntry("FifoThroughputScope", "MessageGroup");
        assertThat(error("Action", "SetTopicAttributes", "TopicArn", FIFO_ARN, "AttributeName", "FifoTopic", "AttributeValue", "false"))
                .isEqualTo("InvalidParameter 400 Invalid parameter: AttributeName");
        assertThat(error("Action", "SetTopicAttributes", "TopicArn", FIFO_ARN, "AttributeName", "FifoThroughputScope", "AttributeValue", "Group"))
                .isEqualTo("InvalidParameter 400 Invalid parameter: FifoThroughputScope Reason: Invalid value [Group]. Please use either Topic or MessageGroup");
        assertThat(error("Action", "SetTopicAttributes", "TopicArn", FIFO_ARN, "AttributeName", "ContentBasedDeduplication", "AttributeValue", "yes"))
                .isEqualTo("InvalidParameter 400 Invalid parameter: ContentBasedDeduplication Reason: Invalid value [yes]. Must be true or false.");

        call("Action", "CreateTopic", "Name", "orders");
        Map<String, String> standard = attributes(call("Action", "GetTopicAttributes", "TopicArn", STANDARD_ARN));
        assertThat(standard).doesNotContainKeys("FifoTopic", "ContentBasedDeduplication", "FifoThroughputScope");
        assertThat(error("Action", "SetTopicAttributes", "TopicArn", STANDARD_ARN, "AttributeName", "FifoThroughputScope", "AttributeValue", "Topic"))
                .isEqualTo("InvalidParameter 400 Invalid parameter: FifoThroughputScope Reason: FifoThroughputScope can only be set for FIFO topics");
    }

    @Test
    void fifoTopicTakesSqsSubscriptionsOnlyAndFifoQueuesOnlyFifoTopics()
            throws Exception
    {
        createFifo();
        call("Action", "CreateTopic", "Name", "orders");
        String fifoQueue = "arn:aws:sqs:us-east-1:" + ACCOUNT + ":q.fifo";
        assertThat(error("Action", "Subscribe", "TopicArn", FIFO_ARN, "Protocol", "lambda", "Endpoint", "arn:aws:lambda:us-east-1:" + ACCOUNT
                + ":function:f")).isEqualTo("InvalidParameter 400 Invalid parameter: Invalid protocol type: lambda");
        assertThat(error("Action", "Subscribe", "TopicArn", FIFO_ARN, "Protocol", "email", "Endpoint", "a@example.com"))
                .isEqualTo("InvalidParameter 400 Invalid parameter: Invalid protocol type: email");
        assertThat(error("Action", "Subscribe", "TopicArn", STANDARD_ARN, "Protocol", "sqs", "Endpoint", fifoQueue))
                .isEqualTo("InvalidParameter 400 Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard "
                        + "SNS topics");
        assertThat(error("Action", "Subscribe", "TopicArn", FIFO_ARN, "Protocol", "sqs", "Endpoint", fifoQueue, "Attributes.entry.1.key", "RedrivePolicy",
                "Attributes.entry.1.value", "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:" + ACCOUNT + ":dlq\"}"))
                .isEqualTo("InvalidParameter 400 Invalid parameter: RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.");
        String subscription = elements(call("Action", "Subscribe", "TopicArn", FIFO_ARN, "Protocol", "sqs", "Endpoint", fifoQueue), "SubscriptionArn").get(0);
        assertThat(subscription).startsWith(FIFO_ARN + ":");
        assertThat(error("Action", "SetSubscriptionAttributes", "SubscriptionArn", subscription, "AttributeName", "RedrivePolicy", "AttributeValue",
                "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:" + ACCOUNT + ":dlq\"}"))
                .isEqualTo("InvalidParameter 400 Invalid parameter: RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.");
        call("Action", "SetSubscriptionAttributes", "SubscriptionArn", subscription, "AttributeName", "RedrivePolicy", "AttributeValue",
                "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:" + ACCOUNT + ":dlq.fifo\"}");
        // a standard queue may subscribe to a FIFO topic
        call("Action", "Subscribe", "TopicArn", FIFO_ARN, "Protocol", "sqs", "Endpoint", "arn:aws:sqs:us-east-1:" + ACCOUNT + ":standard");
    }

    @Test
    void publishToFifoTopicNeedsGroupAndDeduplicationAndAnswersTheSequenceNumber()
            throws Exception
    {
        createFifo();
        assertThat(error("Action", "Publish", "TopicArn", FIFO_ARN, "Message", "m"))
                .isEqualTo("InvalidParameter 400 Invalid parameter: The MessageGroupId parameter is required for FIFO topics");
        assertThat(error("Action", "Publish", "TopicArn", FIFO_ARN, "Message", "m", "MessageGroupId", "g"))
                .isEqualTo("InvalidParameter 400 Invalid parameter: The topic should either have ContentBasedDeduplication enabled or "
                        + "MessageDeduplicationId provided explicitly");
        assertThat(error("Action", "Publish", "TopicArn", FIFO_ARN, "Message", "m", "MessageGroupId", "g r", "MessageDeduplicationId", "d"))
                .isEqualTo("InvalidParameter 400 Invalid parameter: MessageGroupId Reason: MessageGroupId can only include alphanumeric and punctuation "
                        + "characters. 1 to 128 in length.");
        assertThat(error("Action", "Publish", "TopicArn", FIFO_ARN, "Message", "m", "MessageGroupId", "g", "MessageDeduplicationId", "d".repeat(129)))
                .isEqualTo("InvalidParameter 400 Invalid parameter: MessageDeduplicationId Reason: MessageDeduplicationId can only include alphanumeric and "
                        + "punctuation characters. 1 to 128 in length.");
        assertThat(published).isEmpty();

        String answer = call("Action", "Publish", "TopicArn", FIFO_ARN, "Message", "first", "Subject", "s", "MessageGroupId", "g-1",
                "MessageDeduplicationId", "d-1");
        String messageId = elements(answer, "MessageId").get(0);
        assertThat(elements(answer, "SequenceNumber")).containsExactly("00000000000000000041");
        assertThat(published).hasSize(1);
        Published record = published.get(0);
        assertThat(record.ordered()).isTrue();
        assertThat(record.topic()).isEqualTo("lakestack.sns.orders.fifo");
        assertThat(record.headers()).isEqualTo(Map.of(SnsTopics.MESSAGE_GROUP_HEADER, "g-1", SnsTopics.DEDUPLICATION_ID_HEADER, "d-1",
                SnsTopics.DEDUPLICATION_SCOPE_HEADER, "Topic"));
        JsonNode value = JSON.readTree(record.value());
        assertThat(value.get("MessageId").asText()).isEqualTo(messageId);
        assertThat(value.get("Message").asText()).isEqualTo("first");
        assertThat(value.get("Timestamp").asText()).isEqualTo("2026-11-29T16:00:00.123Z");
    }

    @Test
    void contentBasedDeduplicationIdIsTheHexSha256OfTheBody()
            throws Exception
    {
        createFifo("ContentBasedDeduplication", "true", "FifoThroughputScope", "MessageGroup");
        call("Action", "Publish", "TopicArn", FIFO_ARN, "Message", "Test", "MessageGroupId", "g");
        // a given id overrides the computed one
        call("Action", "Publish", "TopicArn", FIFO_ARN, "Message", "Test", "MessageGroupId", "g", "MessageDeduplicationId", "mine");
        assertThat(published).extracting(p -> p.headers().get(SnsTopics.DEDUPLICATION_ID_HEADER))
                .containsExactly("532eaabd9574880dbf76b9b8cc00832c20a6ec113d682299550d7a6e0f345e25", "mine");
        assertThat(published).extracting(p -> p.headers().get(SnsTopics.DEDUPLICATION_SCOPE_HEADER)).containsExactly("MessageGroup", "MessageGroup");
        assertThat(SnsService.contentDeduplicationId("Test")).isEqualTo("532eaabd9574880dbf76b9b8cc00832c20a6ec113d682299550d7a6e0f345e25");
    }

    @Test
    void publishBatchToFifoTopicAnswersEachSequenceNumberAndRefusesTheWholeBatchWithoutAGroup()
            throws Exception
    {
        createFifo();
        String prefix = "PublishBatchRequestEntries.member.";
        assertThat(error("Action", "PublishBatch", "TopicArn", FIFO_ARN, prefix + "1.Id", "a", prefix + "1.Message", "m", prefix + "1.MessageGroupId", "g",
                prefix + "1.MessageDeduplicationId", "d1", prefix + "2.Id", "b", prefix + "2.Message", "m", prefix + "2.MessageDeduplicationId", "d2"))
                .isEqualTo("InvalidParameter 400 Invalid parameter: The MessageGroupId parameter is required for FIFO topics");
        assertThat(error("Action", "PublishBatch", "TopicArn", FIFO_ARN, prefix + "1.Id", "a", prefix + "1.Message", "m", prefix + "1.MessageGroupId", "g",
                prefix + "1.MessageDeduplicationId", "d1", prefix + "2.Id", "b", prefix + "2.Message", "m", prefix + "2.MessageGroupId", "g"))
                .isEqualTo("InvalidParameter 400 Invalid parameter: The topic should either have ContentBasedDeduplication enabled or "
                        + "MessageDeduplicationId provided explicitly");
        assertThat(published).isEmpty();
        String answer = call("Action", "PublishBatch", "TopicArn", FIFO_ARN, prefix + "1.Id", "a", prefix + "1.Message", "m1", prefix + "1.MessageGroupId",
                "g", prefix + "1.MessageDeduplicationId", "d1", prefix + "2.Id", "b", prefix + "2.Message", "m2", prefix + "2.MessageGroupId", "g",
                prefix + "2.MessageDeduplicationId", "d2");
        assertThat(elements(answer, "Id")).containsExactly("a", "b");
        assertThat(elements(answer, "SequenceNumber")).containsExactly("00000000000000000041", "00000000000000000042");
        assertThat(published).extracting(Published::value).extracting(value -> JSON.readTree(value).get("Message").asText()).containsExactly("m1", "m2");
    }

    @Test
    void standardTopicRefusesADeduplicationIdAndCarriesAGroup()
            throws Exception
    {
        call("Action", "CreateTopic", "Name", "orders");
        assertThat(error("Action", "Publish", "TopicArn", STANDARD_ARN, "Message", "m", "MessageGroupId", "g", "MessageDeduplicationId", "d"))
                .isEqualTo("InvalidParameter 400 Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter "
                        + "that is not valid for this topic type");
        String answer = call("Action", "Publish", "TopicArn", STANDARD_ARN, "Message", "m", "MessageGroupId", "tenant-1");
        assertThat(elements(answer, "SequenceNumber")).isEmpty();
        assertThat(published).hasSize(1);
        assertThat(published.get(0).ordered()).isFalse();
        assertThat(published.get(0).headers()).isEqualTo(Map.of(SnsTopics.MESSAGE_GROUP_HEADER, "tenant-1"));
    }
}
