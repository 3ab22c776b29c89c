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
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.ListMessageMoveTasksResultEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * SQS as applications use it, through the AWS SDK for Java v2 (the JSON 1.0 protocol, with its MD5 checks of every
 * send and receive) and the AWS CLI v2 of Debian (the Query protocol): queues and their attributes, messages sent,
 * received, made visible again and deleted, batches with failed entries, dead-letter queues and moving messages back,
 * FIFO order and deduplication, long polling, purging, and AWS's errors under their legacy codes, which the SDK reads
 * from {@code x-amzn-query-error}.
 *
 * <p>Queue names end with a suffix of this run, so that the test can run again on the same stack.
 */
@LakestackTest
@Order(27)
class SqsIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "000000000000";
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final TestStack stack;
    private final String run = Long.toString(System.currentTimeMillis(), 36);
    private SqsClient sqs;

    SqsIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeEach
    void client()
    {
        sqs = stack.client(SqsClient.builder());
    }

    @AfterEach
    void close()
    {
        sqs.close();
    }

    private String name(String base)
    {
        return base.endsWith(".fifo") ? base.substring(0, base.length() - 5) + "-" + run + ".fifo" : base + "-" + run;
    }

    private String arn(String queueName)
    {
        return "arn:aws:sqs:" + TestStack.REGION + ":" + ACCOUNT + ":" + queueName;
    }

    private String create(String base, Map<QueueAttributeName, String> attributes)
    {
        return sqs.createQueue(request -> request.queueName(name(base)).attributes(attributes)).queueUrl();
    }

    private static void assertError(Executable call, int status, String code, String message)
    {
        assertThatThrownBy(call::execute).isInstanceOfSatisfying(SqsException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(status);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(message);
        });
    }

    @Test
    void queuesAttributesListsAndTags()
    {
        String url = create("orders", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "45", QueueAttributeName.DELAY_SECONDS, "0"));
        assertThat(url).isEqualTo(stack.endpoint() + "/" + ACCOUNT + "/" + name("orders"));
        assertThat(sqs.getQueueUrl(request -> request.queueName(name("orders"))).queueUrl()).isEqualTo(url);
        // the same name with the same attributes is the same queue
        assertThat(create("orders", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "45"))).isEqualTo(url);

        Map<String, String> attributes = sqs.getQueueAttributes(request -> request.queueUrl(url).attributeNames(QueueAttributeName.ALL))
                .attributesAsStrings();
        assertThat(attributes).containsEntry("VisibilityTimeout", "45").containsEntry("MaximumMessageSize", "1048576")
                .containsEntry("MessageRetentionPeriod", "345600").containsEntry("DelaySeconds", "0").containsEntry("ReceiveMessageWaitTimeSeconds", "0")
                .containsEntry("SqsManagedSseEnabled", "false").containsEntry("QueueArn", arn(name("orders")))
                .containsEntry("ApproximateNumberOfMessages", "0").containsKeys("CreatedTimestamp", "LastModifiedTimestamp");

        sqs.setQueueAttributes(request -> request.queueUrl(url).attributesWithStrings(Map.of("MessageRetentionPeriod", "3600")));
        assertThat(sqs.getQueueAttributes(request -> request.queueUrl(url).attributeNames(QueueAttributeName.MESSAGE_RETENTION_PERIOD))
                .attributesAsStrings()).isEqualTo(Map.of("MessageRetentionPeriod", "3600"));

        create("orders-archive", Map.of());
        assertThat(sqs.listQueues(request -> request.queueNamePrefix("orders-" + run)).queueUrls()).containsExactly(url);
        assertThat(sqs.listQueues(request -> request.queueNamePrefix("orders")).queueUrls()).contains(url, stack.endpoint() + "/" + ACCOUNT + "/"
                + name("orders-archive"));

        sqs.tagQueue(request -> request.queueUrl(url).tags(Map.of("team", "data", "env", "it")));
        sqs.untagQueue(request -> request.queueUrl(url).tagKeys("env"));
        assertThat(sqs.listQueueTags(request -> request.queueUrl(url)).tags()).isEqualTo(Map.of("team", "data"));

        sqs.addPermission(request -> request.queueUrl(url).label("consumers").awsAccountIds("111111111111").actions("ReceiveMessage"));
        assertThat(sqs.getQueueAttributes(request -> request.queueUrl(url).attributeNames(QueueAttributeName.POLICY)).attributesAsStrings().get("Policy"))
                .contains("\"Sid\":\"consumers\"").contains("\"Action\":\"SQS:ReceiveMessage\"");
        sqs.removePermission(request -> request.queueUrl(url).label("consumers"));
        assertThat(sqs.getQueueAttributes(request -> request.queueUrl(url).attributeNames(QueueAttributeName.POLICY)).attributesAsStrings()).isEmpty();

        sqs.deleteQueue(request -> request.queueUrl(url));
        assertThatThrownBy(() -> sqs.getQueueUrl(request -> request.queueName(name("orders")))).isInstanceOfSatisfying(QueueDoesNotExistException.class,
                e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AWS.SimpleQueueService.NonExistentQueue"));
    }

    @Test
    void sendReceiveDeleteWithAttributesAndDigests()
    {
        String url = create("messages", Map.of());
        SendMessageResponse sent = sqs.sendMessage(request -> request.queueUrl(url).messageBody("hello ✓ 𝄞\r\n")
                .messageAttributes(Map.of("kind", MessageAttributeValue.builder().dataType("String").stringValue("greeting").build(),
                        "weight", MessageAttributeValue.builder().dataType("Number.kg").stringValue("1.5").build(),
                        "raw", MessageAttributeValue.builder().dataType("Binary").binaryValue(SdkBytes.fromByteArray(new byte[] {0, 1, 2})).build()))
                .messageSystemAttributesWithStrings(Map.of("AWSTraceHeader", MessageSystemAttributeValue.builder()
                        .dataType("String").stringValue("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1").build())));
        // the SDK has checked MD5OfMessageBody and MD5OfMessageAttributes against what it sent
        assertThat(sent.md5OfMessageSystemAttributes()).hasSize(32);

        ReceiveMessageResponse received = sqs.receiveMessage(request -> request.queueUrl(url).waitTimeSeconds(10).messageAttributeNames("All")
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL));
        assertThat(received.messages()).hasSize(1);
        Message message = received.messages().get(0);
        assertThat(message.messageId()).isEqualTo(sent.messageId());
        assertThat(message.body()).isEqualTo("hello ✓ 𝄞\r\n");
        assertThat(message.md5OfMessageAttributes()).isEqualTo(sent.md5OfMessageAttributes());
        assertThat(message.messageAttributes().get("raw").binaryValue().asByteArray()).containsExactly(0, 1, 2);
        assertThat(message.messageAttributes().get("weight").stringValue()).isEqualTo("1.5");
        assertThat(message.attributesAsStrings()).containsEntry("ApproximateReceiveCount", "1").containsEntry("SenderId", ACCOUNT)
                .containsEntry("AWSTraceHeader", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1").containsKeys("SentTimestamp",
                        "ApproximateFirstReceiveTimestamp");

        sqs.deleteMessage(request -> request.queueUrl(url).receiptHandle(message.receiptHandle()));
        assertThat(sqs.receiveMessage(request -> request.queueUrl(url).waitTimeSeconds(1)).messages()).isEmpty();
    }

    @Test
    void visibilityTimeoutRedeliversAndChangeMessageVisibilityReleases()
    {
        String url = create("visibility", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "5"));
        sqs.sendMessage(request -> request.queueUrl(url).messageBody("again"));

        Message first = sqs.receiveMessage(request -> request.queueUrl(url).waitTimeSeconds(10)).messages().get(0);
        assertThat(sqs.receiveMessage(request -> request.queueUrl(url)).messages()).isEmpty();
        List<Message> redelivered = new ArrayList<>();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).until(() -> {
            redelivered.addAll(sqs.receiveMessage(request -> request.queueUrl(url).messageSystemAttributeNames(
                    MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages());
            return !redelivered.isEmpty();
        });
        assertThat(redelivered.get(0).messageId()).isEqualTo(first.messageId());
        assertThat(redelivered.get(0).attributesAsStrings()).containsEntry("ApproximateReceiveCount", "2");

        // a long visibility, then none: the message is back at once
        Message held = redelivered.get(0);
        sqs.changeMessageVisibility(request -> request.queueUrl(url).receiptHandle(held.receiptHandle()).visibilityTimeout(600));
        assertThat(sqs.receiveMessage(request -> request.queueUrl(url).waitTimeSeconds(2)).messages()).isEmpty();
        sqs.changeMessageVisibility(request -> request.queueUrl(url).receiptHandle(held.receiptHandle()).visibilityTimeout(0));
        List<Message> released = sqs.receiveMessage(request -> request.queueUrl(url).waitTimeSeconds(10)).messages();
        assertThat(released).extracting(Message::messageId).containsExactly(first.messageId());
    }

    @Test
    void batchesAnswerEachEntry()
    {
        String url = create("batches", Map.of(QueueAttributeName.MAXIMUM_MESSAGE_SIZE, "1024"));
        SendMessageBatchResponse sent = sqs.sendMessageBatch(request -> request.queueUrl(url).entries(
                SendMessageBatchRequestEntry.builder().id("one").messageBody("first").build(),
                SendMessageBatchRequestEntry.builder().id("two").messageBody("second")
                        .messageAttributes(Map.of("n", MessageAttributeValue.builder().dataType("Number").stringValue("2").build())).build(),
                SendMessageBatchRequestEntry.builder().id("too-big").messageBody("x".repeat(1025)).build(),
                SendMessageBatchRequestEntry.builder().id("bad_chars").messageBody("\u0001").build()));
        assertThat(sent.successful()).extracting(entry -> entry.id()).containsExactly("one", "two");
        assertThat(sent.failed()).containsExactly(
                BatchResultErrorEntry.builder().id("too-big").senderFault(true).code("InvalidParameterValue")
                        .message("One or more parameters cannot be validated. Reason: Message must be shorter than 1024 bytes.").build(),
                BatchResultErrorEntry.builder().id("bad_chars").senderFault(true).code("InvalidMessageContents")
                        .message("Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to "
                                + "#x10FFFF").build());

        List<Message> received = new ArrayList<>();
        await().atMost(PATIENCE).until(() -> {
            received.addAll(sqs.receiveMessage(request -> request.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(2)
                    .messageAttributeNames("All")).messages());
            return received.size() >= 2;
        });
        assertThat(received).extracting(Message::body).containsExactlyInAnyOrder("first", "second");

        ChangeMessageVisibilityBatchResponse changed = sqs.changeMessageVisibilityBatch(request -> request.queueUrl(url).entries(
                entry -> entry.id("a").receiptHandle(received.get(0).receiptHandle()).visibilityTimeout(30),
                entry -> entry.id("b").receiptHandle(received.get(1).receiptHandle()).visibilityTimeout(50_000)));
        assertThat(changed.successful()).extracting(entry -> entry.id()).containsExactly("a");
        assertThat(changed.failed()).extracting(BatchResultErrorEntry::id, BatchResultErrorEntry::code, BatchResultErrorEntry::senderFault)
                .containsExactly(tuple("b", "InvalidParameterValue", true));

        DeleteMessageBatchResponse deleted = sqs.deleteMessageBatch(request -> request.queueUrl(url).entries(
                entry -> entry.id("a").receiptHandle(received.get(0).receiptHandle()),
                entry -> entry.id("b").receiptHandle(received.get(1).receiptHandle())));
        assertThat(deleted.successful()).extracting(entry -> entry.id()).containsExactlyInAnyOrder("a", "b");
        assertThat(deleted.failed()).isEmpty();
    }

    @Test
    void deadLetterQueueAfterMaxReceiveCountAndMovedBack()
    {
        String deadLetterUrl = create("dlq", Map.of());
        String url = create("work", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "1", QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + arn(name("dlq")) + "\",\"maxReceiveCount\":\"1\"}"));
        assertThat(sqs.listDeadLetterSourceQueues(request -> request.queueUrl(deadLetterUrl)).queueUrls()).containsExactly(url);
        String id = sqs.sendMessage(request -> request.queueUrl(url).messageBody("poison")).messageId();

        assertThat(sqs.receiveMessage(request -> request.queueUrl(url).waitTimeSeconds(10)).messages()).extracting(Message::messageId).containsExactly(id);
        List<Message> dead = new ArrayList<>();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).until(() -> {
            // a receive of the source finds the message over its count and moves it
            sqs.receiveMessage(request -> request.queueUrl(url));
            dead.addAll(sqs.receiveMessage(request -> request.queueUrl(deadLetterUrl).messageSystemAttributeNames(MessageSystemAttributeName.ALL))
                    .messages());
            return !dead.isEmpty();
        });
        assertThat(dead.get(0).body()).isEqualTo("poison");
        assertThat(dead.get(0).attributesAsStrings()).containsEntry("DeadLetterQueueSourceArn", arn(name("work")));
        sqs.changeMessageVisibility(request -> request.queueUrl(deadLetterUrl).receiptHandle(dead.get(0).receiptHandle()).visibilityTimeout(0));

        String handle = sqs.startMessageMoveTask(request -> request.sourceArn(arn(name("dlq")))).taskHandle();
        assertThat(handle).isNotEmpty();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).until(() -> {
            List<ListMessageMoveTasksResultEntry> tasks = sqs.listMessageMoveTasks(request -> request.sourceArn(arn(name("dlq")))).results();
            return !tasks.isEmpty() && tasks.get(0).status().equals("COMPLETED");
        });
        ListMessageMoveTasksResultEntry task = sqs.listMessageMoveTasks(request -> request.sourceArn(arn(name("dlq")))).results().get(0);
        assertThat(task.sourceArn()).isEqualTo(arn(name("dlq")));
        assertThat(task.approximateNumberOfMessagesMoved()).isEqualTo(1);
        List<Message> back = new ArrayList<>();
        await().atMost(PATIENCE).until(() -> {
            back.addAll(sqs.receiveMessage(request -> request.queueUrl(url).waitTimeSeconds(2)).messages());
            return !back.isEmpty();
        });
        assertThat(back.get(0).body()).isEqualTo("poison");

        assertError(() -> sqs.startMessageMoveTask(request -> request.sourceArn(arn(name("work")))), 400, "InvalidParameterValue",
                "Source queue must be configured as a Dead Letter Queue.");
    }

    @Test
    void fifoKeepsOrderWithinGroupsAndDeduplicates()
    {
        String url = create("ordered.fifo", Map.of(QueueAttributeName.FIFO_QUEUE, "true"));
        for (int i = 1; i <= 3; i++) {
            int n = i;
            sqs.sendMessage(request -> request.queueUrl(url).messageBody("a" + n).messageGroupId("a").messageDeduplicationId("a" + n));
            sqs.sendMessage(request -> request.queueUrl(url).messageBody("b" + n).messageGroupId("b").messageDeduplicationId("b" + n));
        }
        SendMessageResponse first = sqs.sendMessage(request -> request.queueUrl(url).messageBody("c1").messageGroupId("c").messageDeduplicationId("same"));
        SendMessageResponse duplicate = sqs.sendMessage(request -> request.queueUrl(url).messageBody("c1 again").messageGroupId("c")
                .messageDeduplicationId("same"));
        assertThat(duplicate.messageId()).isEqualTo(first.messageId());
        assertThat(first.sequenceNumber()).isNotEmpty();

        Map<String, List<String>> byGroup = new HashMap<>();
        await().atMost(PATIENCE).until(() -> {
            ReceiveMessageResponse received = sqs.receiveMessage(request -> request.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(2)
                    .messageSystemAttributeNames(MessageSystemAttributeName.MESSAGE_GROUP_ID));
            for (Message message : received.messages()) {
                byGroup.computeIfAbsent(message.attributesAsStrings().get("MessageGroupId"), group -> new ArrayList<>()).add(message.body());
                sqs.deleteMessage(request -> request.queueUrl(url).receiptHandle(message.receiptHandle()));
            }
            return byGroup.values().stream().mapToInt(List::size).sum() >= 7;
        });
        assertThat(byGroup).isEqualTo(Map.of("a", List.of("a1", "a2", "a3"), "b", List.of("b1", "b2", "b3"), "c", List.of("c1")));
        assertThat(sqs.receiveMessage(request -> request.queueUrl(url).waitTimeSeconds(1)).messages()).isEmpty();

        // content-based deduplication: the body's SHA-256 is the id
        String content = create("content.fifo", Map.of(QueueAttributeName.FIFO_QUEUE, "true", QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true"));
        String once = sqs.sendMessage(request -> request.queueUrl(content).messageBody("same body").messageGroupId("g")).messageId();
        assertThat(sqs.sendMessage(request -> request.queueUrl(content).messageBody("same body").messageGroupId("g")).messageId()).isEqualTo(once);
        Message deduplicated = sqs.receiveMessage(request -> request.queueUrl(content).waitTimeSeconds(10).maxNumberOfMessages(10)
                .messageSystemAttributeNames(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID)).messages().get(0);
        assertThat(deduplicated.attributesAsStrings()).containsEntry("MessageDeduplicationId", sha256("same body"));
    }

    private static String sha256(String text)
    {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void longPollingAnswersAsSoonAsAMessageArrives()
            throws Exception
    {
        String url = create("long-poll", Map.of(QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS, "20"));
        long started = System.nanoTime();
        // the queue's ReceiveMessageWaitTimeSeconds makes this receive wait
        CompletableFuture<List<Message>> waiting = CompletableFuture.supplyAsync(() -> sqs.receiveMessage(request -> request.queueUrl(url)).messages());
        await().atMost(PATIENCE).until(() -> System.nanoTime() - started > TimeUnit.SECONDS.toNanos(2));
        assertThat(waiting).isNotDone();
        sqs.sendMessage(request -> request.queueUrl(url).messageBody("wake up"));

        List<Message> received = waiting.get(30, TimeUnit.SECONDS);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(received).extracting(Message::body).containsExactly("wake up");
        assertThat(tookMillis).isLessThan(15_000);
    }

    @Test
    void purgeEmptiesTheQueueOncePerMinute()
    {
        String url = create("purged", Map.of());
        IntStream.range(0, 3).forEach(i -> sqs.sendMessage(request -> request.queueUrl(url).messageBody("m" + i)));
        await().atMost(PATIENCE).until(() -> sqs.getQueueAttributes(request -> request.queueUrl(url)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributesAsStrings().get("ApproximateNumberOfMessages").equals("3"));

        sqs.purgeQueue(request -> request.queueUrl(url));
        assertThat(sqs.receiveMessage(request -> request.queueUrl(url).waitTimeSeconds(1)).messages()).isEmpty();
        assertError(() -> sqs.purgeQueue(request -> request.queueUrl(url)), 403, "AWS.SimpleQueueService.PurgeQueueInProgress",
                "Only one PurgeQueue operation on " + name("purged") + " is allowed every 60 seconds.");
    }

    @Test
    void invalidInputAnswersAwsErrors()
    {
        String url = create("checks", Map.of());
        String fifo = create("checks.fifo", Map.of(QueueAttributeName.FIFO_QUEUE, "true"));

        assertError(() -> sqs.createQueue(request -> request.queueName("bad name")), 400, "InvalidParameterValue",
                "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length");
        assertError(() -> sqs.createQueue(request -> request.queueName(name("nofifo")).attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true"))), 400,
                "InvalidParameterValue", "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo "
                        + "suffix and be 1 to 80 in length.");
        assertError(() -> create("checks", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "43201")), 400, "InvalidAttributeValue",
                "Invalid value for the parameter VisibilityTimeout.");
        assertError(() -> create("checks", Map.of(QueueAttributeName.DELAY_SECONDS, "5")), 400, "QueueAlreadyExists",
                "A queue already exists with the same name and a different value for attribute DelaySeconds");
        assertError(() -> create("kms", Map.of(QueueAttributeName.KMS_MASTER_KEY_ID, "alias/aws/sqs")), 400, "InvalidAttributeValue",
                "Invalid value for the parameter KmsMasterKeyId. Reason: lakestack does not encrypt queues at rest, so it cannot apply a KMS key. Leave "
                        + "KmsMasterKeyId out: messages are kept unencrypted by the engine underneath (SqsManagedSseEnabled is false).");
        assertError(() -> create("standard", Map.of(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true")), 400, "InvalidAttributeName",
                "Unknown Attribute ContentBasedDeduplication.");
        String missingDlq = "{\"deadLetterTargetArn\":\"" + arn(name("nowhere")) + "\",\"maxReceiveCount\":3}";
        assertError(() -> create("redrive", Map.of(QueueAttributeName.REDRIVE_POLICY, missingDlq)), 400, "InvalidParameterValue",
                "Value " + missingDlq + " for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.");
        create("closed-dlq", Map.of(QueueAttributeName.REDRIVE_ALLOW_POLICY, "{\"redrivePermission\":\"denyAll\"}"));
        assertThatThrownBy(() -> create("redrive", Map.of(QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + arn(name("closed-dlq"))
                + "\",\"maxReceiveCount\":3}"))).isInstanceOfSatisfying(SqsException.class,
                e -> assertThat(e.awsErrorDetails().errorMessage()).endsWith("its RedriveAllowPolicy is {\"redrivePermission\":\"denyAll\"}."));

        String deleted = create("deleted", Map.of());
        sqs.deleteQueue(request -> request.queueUrl(deleted));
        assertError(() -> create("deleted", Map.of()), 400, "AWS.SimpleQueueService.QueueDeletedRecently",
                "You must wait 60 seconds after deleting a queue before you can create another with the same name.");

        assertError(() -> sqs.sendMessage(request -> request.queueUrl(url).messageBody("")), 400, "MissingParameter",
                "The request must contain the parameter MessageBody.");
        assertError(() -> sqs.sendMessage(request -> request.queueUrl(url).messageBody("bell \u0007")), 400, "InvalidMessageContents",
                "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF");
        assertError(() -> sqs.sendMessage(request -> request.queueUrl(url).messageBody("x".repeat(1_048_577))), 400, "InvalidParameterValue",
                "One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.");
        Map<String, MessageAttributeValue> eleven = new HashMap<>();
        IntStream.range(0, 11).forEach(i -> eleven.put("a" + i, MessageAttributeValue.builder().dataType("String").stringValue("v").build()));
        assertError(() -> sqs.sendMessage(request -> request.queueUrl(url).messageBody("b").messageAttributes(eleven)), 400, "InvalidParameterValue",
                "Number of message attributes [11] exceeds the allowed maximum [10].");
        assertError(() -> sqs.sendMessage(request -> request.queueUrl(url).messageBody("b").messageDeduplicationId("d")), 400, "InvalidParameterValue",
                "Value d for parameter MessageDeduplicationId is invalid. Reason: The request includes a parameter that is not valid for this queue type.");
        assertError(() -> sqs.sendMessage(request -> request.queueUrl(fifo).messageBody("b").messageDeduplicationId("d")), 400, "MissingParameter",
                "The request must contain the parameter MessageGroupId.");
        assertError(() -> sqs.sendMessage(request -> request.queueUrl(fifo).messageBody("b").messageGroupId("g")), 400, "InvalidParameterValue",
                "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly");
        assertError(() -> sqs.sendMessage(request -> request.queueUrl(fifo).messageBody("b").messageGroupId("g").messageDeduplicationId("d")
                .delaySeconds(5)), 400, "InvalidParameterValue",
                "Value 5 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.");

        assertError(() -> sqs.sendMessageBatch(request -> request.queueUrl(url).entries(List.of())), 400, "AWS.SimpleQueueService.EmptyBatchRequest",
                "There should be at least one SendMessageBatchRequestEntry in the request.");
        List<SendMessageBatchRequestEntry> elevenEntries = IntStream.range(0, 11)
                .mapToObj(i -> SendMessageBatchRequestEntry.builder().id("m" + i).messageBody("b").build()).toList();
        assertError(() -> sqs.sendMessageBatch(request -> request.queueUrl(url).entries(elevenEntries)), 400,
                "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", "Maximum number of entries per request are 10. You have sent 11.");
        assertError(() -> sqs.sendMessageBatch(request -> request.queueUrl(url).entries(entry -> entry.id("a.b").messageBody("b"))), 400,
                "AWS.SimpleQueueService.InvalidBatchEntryId", "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can "
                        + "be at most 80 letters long.");
        assertError(() -> sqs.sendMessageBatch(request -> request.queueUrl(url).entries(entry -> entry.id("a").messageBody("b"),
                entry -> entry.id("a").messageBody("c"))), 400, "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "Id a repeated.");
        String half = "x".repeat(524_288);
        assertError(() -> sqs.sendMessageBatch(request -> request.queueUrl(url).entries(entry -> entry.id("a").messageBody(half),
                entry -> entry.id("b").messageBody(half + "x"))), 400, "AWS.SimpleQueueService.BatchRequestTooLong",
                "Batch requests cannot be longer than 1048576 bytes. You have sent 1048577 bytes.");

        assertError(() -> sqs.receiveMessage(request -> request.queueUrl(url).maxNumberOfMessages(11)), 400, "InvalidParameterValue",
                "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.");
        assertError(() -> sqs.receiveMessage(request -> request.queueUrl(url).waitTimeSeconds(21)), 400, "InvalidParameterValue",
                "Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.");
        assertError(() -> sqs.getQueueAttributes(request -> request.queueUrl(url).attributeNamesWithStrings("Colour")), 400, "InvalidAttributeName",
                "Unknown Attribute Colour.");
        assertThatThrownBy(() -> sqs.deleteMessage(request -> request.queueUrl(url).receiptHandle("not-a-receipt-handle")))
                .isInstanceOfSatisfying(SqsException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ReceiptHandleIsInvalid"));
        assertError(() -> sqs.getQueueUrl(request -> request.queueName(name("missing"))), 400, "AWS.SimpleQueueService.NonExistentQueue",
                "The specified queue does not exist.");
    }

    @Test
    void awsCliSpeaksTheQueryProtocol()
            throws Exception
    {
        AwsCli aws = AwsCli.required(stack);
        String queue = name("cli");

        AwsCli.Result created = aws.run("sqs", "create-queue", "--queue-name", queue, "--attributes", "VisibilityTimeout=40", "--tags", "team=data");
        assertThat(created.exitCode()).as(created.stderr()).isZero();
        String url = JSON.readTree(created.stdout()).get("QueueUrl").asText();
        assertThat(url).isEqualTo(stack.endpoint() + "/" + ACCOUNT + "/" + queue);
        assertThat(aws.run("sqs", "get-queue-url", "--queue-name", queue, "--query", "QueueUrl", "--output", "text"))
                .isEqualTo(new AwsCli.Result(0, url + "\n", ""));
        assertThat(aws.run("sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "VisibilityTimeout", "--query",
                "Attributes.VisibilityTimeout", "--output", "text")).isEqualTo(new AwsCli.Result(0, "40\n", ""));
        assertThat(aws.run("sqs", "list-queues", "--queue-name-prefix", queue, "--query", "QueueUrls[0]", "--output", "text"))
                .isEqualTo(new AwsCli.Result(0, url + "\n", ""));
        assertThat(aws.run("sqs", "tag-queue", "--queue-url", url, "--tags", "env=it").exitCode()).isZero();
        assertThat(aws.run("sqs", "list-queue-tags", "--queue-url", url, "--query", "Tags.env", "--output", "text"))
                .isEqualTo(new AwsCli.Result(0, "it\n", ""));

        AwsCli.Result sent = aws.run("sqs", "send-message", "--queue-url", url, "--message-body", "from the cli\r\nline two", "--message-attributes",
                "{\"kind\":{\"DataType\":\"String\",\"StringValue\":\"cli\"}}");
        assertThat(sent.exitCode()).as(sent.stderr()).isZero();
        JsonNode sentJson = JSON.readTree(sent.stdout());
        AwsCli.Result received = aws.run("sqs", "receive-message", "--queue-url", url, "--wait-time-seconds", "10", "--message-attribute-names", "All",
                "--attribute-names", "All");
        assertThat(received.exitCode()).as(received.stderr()).isZero();
        JsonNode message = JSON.readTree(received.stdout()).get("Messages").get(0);
        assertThat(message.get("MessageId").asText()).isEqualTo(sentJson.get("MessageId").asText());
        assertThat(message.get("Body").asText()).isEqualTo("from the cli\r\nline two");
        assertThat(message.get("MD5OfMessageAttributes").asText()).isEqualTo(sentJson.get("MD5OfMessageAttributes").asText());
        assertThat(message.at("/MessageAttributes/kind/StringValue").asText()).isEqualTo("cli");
        assertThat(message.at("/Attributes/ApproximateReceiveCount").asText()).isEqualTo("1");
        assertThat(aws.run("sqs", "delete-message", "--queue-url", url, "--receipt-handle", message.get("ReceiptHandle").asText()))
                .isEqualTo(new AwsCli.Result(0, "", ""));

        AwsCli.Result batch = aws.run("sqs", "send-message-batch", "--queue-url", url, "--entries",
                "[{\"Id\":\"a\",\"MessageBody\":\"one\"},{\"Id\":\"b\",\"MessageBody\":\"two\",\"DelaySeconds\":901}]");
        assertThat(batch.exitCode()).as(batch.stderr()).isZero();
        JsonNode batchJson = JSON.readTree(batch.stdout());
        assertThat(batchJson.at("/Successful/0/Id").asText()).isEqualTo("a");
        assertThat(batchJson.at("/Failed/0/Id").asText()).isEqualTo("b");
        assertThat(batchJson.at("/Failed/0/Code").asText()).isEqualTo("InvalidParameterValue");

        AwsCli.Result missing = aws.run("sqs", "get-queue-url", "--queue-name", name("missing"));
        assertThat(missing.exitCode()).isEqualTo(254);
        assertThat(missing.stderr()).contains("An error occurred (AWS.SimpleQueueService.NonExistentQueue) when calling the GetQueueUrl operation: The "
                + "specified queue does not exist for this wsdl version.");
        AwsCli.Result invalid = aws.run("sqs", "create-queue", "--queue-name", name("cli-bad"), "--attributes", "MaximumMessageSize=10");
        assertThat(invalid.exitCode()).isEqualTo(254);
        assertThat(invalid.stderr()).contains("An error occurred (InvalidAttributeValue) when calling the CreateQueue operation: Invalid value for the "
                + "parameter MaximumMessageSize.");

        assertThat(aws.run("sqs", "delete-queue", "--queue-url", url)).isEqualTo(new AwsCli.Result(0, "", ""));
    }
}
