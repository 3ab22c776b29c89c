package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.testing.AwsCli;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;
import software.amazon.awssdk.services.sns.model.PublishResponse;
import software.amazon.awssdk.services.sns.model.SnsException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * SNS FIFO topics as applications use them, through the AWS SDK for Java v2 and the AWS CLI: three message groups
 * published interleaved reach two FIFO queues (one behind a filter policy, with raw delivery) each group in order, with
 * its group and deduplication id; duplicates within the deduplication interval (an explicit id, the content-based id,
 * through Publish and PublishBatch) are delivered once, also to a standard queue (which does not deduplicate) and to a
 * subscription made after the first copy was published (whose worker rebuilt its deduplication window from the log);
 * messages given up go to a FIFO dead-letter queue in order; and AWS's errors.
 */
@LakestackTest
@Order(32)
class SnsFifoIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "000000000000";
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final List<String> GROUPS = List.of("alpha", "beta", "gamma");
    private static final int PER_GROUP = 20;

    private final TestStack stack;
    private final String run = Long.toString(System.currentTimeMillis(), 36);
    private SnsClient sns;
    private SqsClient sqs;

    SnsFifoIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeEach
    void clients()
    {
        sns = stack.client(SnsClient.builder());
        sqs = stack.client(SqsClient.builder());
    }

    @AfterEach
    void close()
    {
        sns.close();
        sqs.close();
    }

    private String name(String base)
    {
        return base + "-" + run;
    }

    private record Queue(String url, String arn) {}

    private Queue createQueue(String base, boolean fifo)
    {
        String queueName = name(base) + (fifo ? ".fifo" : "");
        String url = sqs.createQueue(request -> request.queueName(queueName)
                .attributes(fifo ? Map.of(QueueAttributeName.FIFO_QUEUE, "true") : Map.of())).queueUrl();
        return new Queue(url, "arn:aws:sqs:" + TestStack.REGION + ":" + ACCOUNT + ":" + queueName);
    }

    private String createFifoTopic(String base)
    {
        return sns.createTopic(request -> request.name(name(base) + ".fifo").attributes(Map.of("FifoTopic", "true"))).topicArn();
    }

    private String subscribe(String topicArn, Queue queue, Map<String, String> attributes)
    {
        return sns.subscribe(request -> request.topicArn(topicArn).protocol("sqs").endpoint(queue.arn()).attributes(attributes)).subscriptionArn();
    }

    /**
     * Receives (deleting each message at once, so that a FIFO queue hands out the next of its group) until
     * {@code count} messages arrived, then checks that a long poll finds no further one.
     */
    private List<Message> receiveExactly(Queue queue, int count)
    {
        List<Message> received = new ArrayList<>();
        await().atMost(PATIENCE).until(() -> {
            List<Message> messages = sqs.receiveMessage(request -> request.queueUrl(queue.url()).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL).messageAttributeNames("All")).messages();
            for (Message message : messages) {
                sqs.deleteMessage(request -> request.queueUrl(queue.url()).receiptHandle(message.receiptHandle()));
            }
            received.addAll(messages);
            return received.size() >= count;
        });
        List<Message> more = sqs.receiveMessage(request -> request.queueUrl(queue.url()).maxNumberOfMessages(10).waitTimeSeconds(3)).messages();
        assertThat(more).as("messages after the expected ones").isEmpty();
        assertThat(received).hasSize(count);
        return received;
    }

    private static JsonNode json(String text)
    {
        try {
            return JSON.readTree(text);
        }
        catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private static String sha256(String text)
            throws Exception
    {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageAttributeValue string(String value)
    {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    private static void assertError(Executable call, int status, String code, String message)
    {
        assertThatThrownBy(call::execute).isInstanceOfSatisfying(SnsException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(status);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(message);
        });
    }

    /** Each group's bodies in the order received, and the group of each message as its queue tells it. */
    private static Map<String, List<String>> byGroup(List<Message> messages, boolean raw)
    {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (Message message : messages) {
            String group = message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
            String body = raw ? message.body() : json(message.body()).get("Message").asText();
            groups.computeIfAbsent(group, key -> new ArrayList<>()).add(body);
        }
        return groups;
    }

    @Test
    void groupsArriveInOrderAndDuplicatesOnce()
            throws Exception
    {
        String topic = createFifoTopic("orders");
        Queue all = createQueue("fifo-all", true);
        Queue even = createQueue("fifo-even", true);
        Queue standard = createQueue("fifo-standard", false);
        String allSubscription = subscribe(topic, all, Map.of());
        subscribe(topic, even, Map.of("RawMessageDelivery", "true", "FilterPolicy", "{\"parity\": [\"even\"]}"));
        subscribe(topic, standard, Map.of());

        // three groups of twenty, interleaved
        Map<String, PublishResponse> answers = new LinkedHashMap<>();
        String lastSequenceNumber = "";
        for (int i = 0; i < PER_GROUP; i++) {
            for (String group : GROUPS) {
                String body = group + "-" + i;
                String parity = i % 2 == 0 ? "even" : "odd";
                PublishResponse answer = sns.publish(request -> request.topicArn(topic).message(body).messageGroupId(group)
                        .messageDeduplicationId(body).messageAttributes(Map.of("parity", string(parity))));
                assertThat(answer.sequenceNumber()).matches("\\d{20}").isGreaterThan(lastSequenceNumber);
                lastSequenceNumber = answer.sequenceNumber();
                answers.put(body, answer);
            }
        }
        // duplicates within the interval: an explicit id again (by Publish and by PublishBatch, the batch with one new message)
        PublishResponse duplicate = sns.publish(request -> request.topicArn(topic).message("alpha-5 again").messageGroupId("alpha")
                .messageDeduplicationId("alpha-5").messageAttributes(Map.of("parity", string("even"))));
        assertThat(duplicate.messageId()).isNotEqualTo(answers.get("alpha-5").messageId());
        assertThat(duplicate.sequenceNumber()).isGreaterThan(lastSequenceNumber);
        PublishBatchResponse batch = sns.publishBatch(request -> request.topicArn(topic).publishBatchRequestEntries(
                PublishBatchRequestEntry.builder().id("dup").message("beta-7 again").messageGroupId("beta").messageDeduplicationId("beta-7")
                        .messageAttributes(Map.of("parity", string("even"))).build(),
                PublishBatchRequestEntry.builder().id("new").message("beta-20").messageGroupId("beta").messageDeduplicationId("beta-20")
                        .messageAttributes(Map.of("parity", string("even"))).build()));
        assertThat(batch.failed()).isEmpty();
        assertThat(batch.successful()).extracting(entry -> entry.id()).containsExactly("dup", "new");
        assertThat(batch.successful().get(1).sequenceNumber()).isGreaterThan(batch.successful().get(0).sequenceNumber());
        // content-based deduplication: the same body twice
        sns.setTopicAttributes(request -> request.topicArn(topic).attributeName("ContentBasedDeduplication").attributeValue("true"));
        for (int copy = 0; copy < 2; copy++) {
            sns.publish(request -> request.topicArn(topic).message("gamma-last").messageGroupId("gamma").messageAttributes(Map.of("parity", string("even"))));
        }

        Map<String, List<String>> expected = new LinkedHashMap<>();
        Map<String, List<String>> expectedEven = new LinkedHashMap<>();
        for (String group : GROUPS) {
            for (int i = 0; i < PER_GROUP; i++) {
                expected.computeIfAbsent(group, key -> new ArrayList<>()).add(group + "-" + i);
                if (i % 2 == 0) {
                    expectedEven.computeIfAbsent(group, key -> new ArrayList<>()).add(group + "-" + i);
                }
            }
        }
        expected.get("beta").add("beta-20");
        expectedEven.get("beta").add("beta-20");
        expected.get("gamma").add("gamma-last");
        expectedEven.get("gamma").add("gamma-last");

        List<Message> toAll = receiveExactly(all, 3 * PER_GROUP + 2);
        assertThat(byGroup(toAll, false)).isEqualTo(expected);
        for (Message message : toAll) {
            JsonNode notification = json(message.body());
            String body = notification.get("Message").asText();
            String deduplicationId = body.equals("gamma-last") ? sha256("gamma-last") : body;
            assertThat(message.attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID)).as(body).isEqualTo(deduplicationId);
            assertThat(message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID)).isEqualTo(body.substring(0, body.indexOf('-')));
        }
        // the notification of a FIFO topic: its sequence number, no signature fields
        JsonNode first = json(toAll.stream().filter(message -> json(message.body()).get("Message").asText().equals("alpha-0")).findFirst().orElseThrow()
                .body());
        List<String> fields = new ArrayList<>();
        first.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("Type", "MessageId", "SequenceNumber", "TopicArn", "Message", "Timestamp", "UnsubscribeURL", "MessageAttributes");
        assertThat(first.get("MessageId").asText()).isEqualTo(answers.get("alpha-0").messageId());
        assertThat(first.get("SequenceNumber").asText()).isEqualTo(answers.get("alpha-0").sequenceNumber());
        assertThat(first.get("TopicArn").asText()).isEqualTo(topic);
        assertThat(first.get("UnsubscribeURL").asText()).contains(java.net.URLEncoder.encode(allSubscription, StandardCharsets.UTF_8));
        assertThat(first.get("MessageAttributes")).isEqualTo(json("{\"parity\": {\"Type\": \"String\", \"Value\": \"even\"}}"));

        List<Message> toEven = receiveExactly(even, 3 * PER_GROUP / 2 + 2);
        assertThat(byGroup(toEven, true)).isEqualTo(expectedEven);
        assertThat(toEven).allSatisfy(message -> assertThat(message.messageAttributes().get("parity").stringValue()).isEqualTo("even"));

        // a standard queue does not deduplicate: the fan-out did; it gets no group of a FIFO topic
        List<Message> toStandard = receiveExactly(standard, 3 * PER_GROUP + 2);
        assertThat(toStandard).extracting(message -> json(message.body()).get("Message").asText())
                .containsExactlyInAnyOrderElementsOf(expected.values().stream().flatMap(List::stream).toList());
        assertThat(toStandard).allSatisfy(message -> assertThat(message.attributes()).doesNotContainKey(MessageSystemAttributeName.MESSAGE_GROUP_ID));

        // a subscription made now starts after the last message; its worker rebuilt the window from the log: the duplicate is skipped
        Queue late = createQueue("fifo-late", false);
        subscribe(topic, late, Map.of());
        sns.publish(request -> request.topicArn(topic).message("alpha-19 again").messageGroupId("alpha").messageDeduplicationId("alpha-19")
                .messageAttributes(Map.of("parity", string("odd"))));
        sns.publish(request -> request.topicArn(topic).message("alpha-after").messageGroupId("alpha").messageDeduplicationId("alpha-after")
                .messageAttributes(Map.of("parity", string("odd"))));
        assertThat(receiveExactly(late, 1)).extracting(message -> json(message.body()).get("Message").asText()).containsExactly("alpha-after");
        assertThat(receiveExactly(all, 1)).extracting(message -> json(message.body()).get("Message").asText()).containsExactly("alpha-after");
    }

    @Test
    void undeliverableMessagesGoToTheFifoDeadLetterQueueInOrder()
    {
        String topic = createFifoTopic("redrive");
        Queue deadLetters = createQueue("redrive-dlq", true);
        String missingQueue = "arn:aws:sqs:" + TestStack.REGION + ":" + ACCOUNT + ":" + name("no-such-queue") + ".fifo";
        sns.subscribe(request -> request.topicArn(topic).protocol("sqs").endpoint(missingQueue).attributes(Map.of(
                "RedrivePolicy", "{\"deadLetterTargetArn\": \"" + deadLetters.arn() + "\"}",
                "DeliveryPolicy", "{\"healthyRetryPolicy\": {\"numRetries\": 1, \"minDelayTarget\": 1, \"maxDelayTarget\": 1}}")));
        List<String> sequenceNumbers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String body = "lost-" + i;
            sequenceNumbers.add(sns.publish(request -> request.topicArn(topic).message(body).messageGroupId("lost").messageDeduplicationId(body))
                    .sequenceNumber());
        }

        List<Message> dead = receiveExactly(deadLetters, 3);
        assertThat(dead).extracting(message -> json(message.body()).get("Message").asText()).containsExactly("lost-0", "lost-1", "lost-2");
        assertThat(dead).extracting(message -> json(message.body()).get("SequenceNumber").asText()).isEqualTo(sequenceNumbers);
        assertThat(dead).extracting(message -> message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID)).containsOnly("lost");
        assertThat(dead).extracting(message -> message.attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID))
                .containsExactly("lost-0", "lost-1", "lost-2");
    }

    @Test
    void invalidFifoRequestsGetAwsErrors()
    {
        String fifo = createFifoTopic("fifo-errors");
        String standard = sns.createTopic(request -> request.name(name("standard-errors"))).topicArn();
        assertError(() -> sns.createTopic(request -> request.name(name("no-attribute") + ".fifo")), 400, "InvalidParameter",
                "Invalid parameter: Topic Name");
        assertError(() -> sns.createTopic(request -> request.name(name("no-suffix")).attributes(Map.of("FifoTopic", "true"))), 400, "InvalidParameter",
                "Invalid parameter: Topic Name");
        assertError(() -> sns.setTopicAttributes(request -> request.topicArn(fifo).attributeName("FifoTopic").attributeValue("false")), 400,
                "InvalidParameter", "Invalid parameter: AttributeName");
        assertError(() -> sns.publish(request -> request.topicArn(fifo).message("m")), 400, "InvalidParameter",
                "Invalid parameter: The MessageGroupId parameter is required for FIFO topics");
        assertError(() -> sns.publish(request -> request.topicArn(fifo).message("m").messageGroupId("g")), 400, "InvalidParameter",
                "Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly");
        assertError(() -> sns.publish(request -> request.topicArn(standard).message("m").messageDeduplicationId("d")), 400, "InvalidParameter",
                "Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this "
                        + "topic type");
        assertError(() -> sns.subscribe(request -> request.topicArn(fifo).protocol("lambda")
                .endpoint("arn:aws:lambda:" + TestStack.REGION + ":" + ACCOUNT + ":function:f")), 400, "InvalidParameter",
                "Invalid parameter: Invalid protocol type: lambda");
        Queue fifoQueue = createQueue("fifo-errors", true);
        assertError(() -> subscribe(standard, fifoQueue, Map.of()), 400, "InvalidParameter",
                "Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics");
        assertError(() -> subscribe(fifo, fifoQueue, Map.of("RedrivePolicy", "{\"deadLetterTargetArn\": \"arn:aws:sqs:" + TestStack.REGION + ":" + ACCOUNT
                + ":dlq\"}")), 400, "InvalidParameter", "Invalid parameter: RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.");
        // a standard topic carries a group to a standard queue (fair queues)
        Queue standardQueue = createQueue("fair", false);
        subscribe(standard, standardQueue, Map.of("RawMessageDelivery", "true"));
        PublishResponse answer = sns.publish(request -> request.topicArn(standard).message("fair").messageGroupId("tenant-1"));
        assertThat(answer.sequenceNumber()).isNull();
        Message message = receiveExactly(standardQueue, 1).get(0);
        assertThat(message.body()).isEqualTo("fair");
        assertThat(message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID)).isEqualTo("tenant-1");
    }

    @Test
    void awsCliPublishesToAFifoTopic()
            throws Exception
    {
        AwsCli aws = AwsCli.required(stack);
        String topic = name("cli") + ".fifo";
        String topicArn = "arn:aws:sns:" + TestStack.REGION + ":" + ACCOUNT + ":" + topic;
        AwsCli.Result created = aws.run("sns", "create-topic", "--name", topic, "--attributes", "FifoTopic=true,ContentBasedDeduplication=true", "--query",
                "TopicArn", "--output", "text");
        assertThat(created).isEqualTo(new AwsCli.Result(0, topicArn + "\n", ""));
        Queue queue = createQueue("cli", true);
        subscribe(topicArn, queue, Map.of("RawMessageDelivery", "true"));
        AwsCli.Result published = aws.run("sns", "publish", "--topic-arn", topicArn, "--message", "from the cli", "--message-group-id", "cli");
        assertThat(published.exitCode()).as(published.stderr()).isZero();
        JsonNode answer = JSON.readTree(published.stdout());
        assertThat(answer.get("SequenceNumber").asText()).matches("\\d{20}");
        Message message = receiveExactly(queue, 1).get(0);
        assertThat(message.body()).isEqualTo("from the cli");
        assertThat(message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID)).isEqualTo("cli");
        assertThat(message.attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID)).isEqualTo(sha256("from the cli"));
        AwsCli.Result missingGroup = aws.run("sns", "publish", "--topic-arn", topicArn, "--message", "no group");
        assertThat(missingGroup.exitCode()).isEqualTo(254);
        assertThat(missingGroup.stderr()).contains("An error occurred (InvalidParameter) when calling the Publish operation: Invalid parameter: The "
                + "MessageGroupId parameter is required for FIFO topics");
    }
}
