package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateEventSourceMappingResponse;
import software.amazon.awssdk.services.lambda.model.EventSourcePosition;
import software.amazon.awssdk.services.lambda.model.FunctionResponseType;
import software.amazon.awssdk.services.lambda.model.GetEventSourceMappingResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.UpdateEventSourceMappingResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Event source mappings of SQS queues to Python functions, end to end through the AWS SDK: the functions write each
 * batch they were given to S3 with boto3, and the test reads the batches back and the queues' counts. Batches no larger
 * than BatchSize, every message deleted; ReportBatchItemFailures leaving exactly the reported messages, which come back
 * and end in the dead-letter queue; a failing function's batch coming back; filters; FIFO order per group; the checks
 * Lambda makes of an SQS mapping.
 */
@LakestackTest
@Order(64)
class LambdaSqsMappingIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String ACCOUNT = "000000000000";

    /**
     * Writes each batch (the records as given, and when) to S3; reports the messages whose body starts with {@code bad-}
     * as failed items, and fails the whole invocation when a record was received for the first time and its body starts
     * with {@code fail-first-}.
     */
    private static final String RECORDER = """
            import json
            import os
            import time

            import boto3

            s3 = boto3.client("s3")

            def handler(event, context):
                records = event.get("Records", [])
                if not records:
                    return None
                s3.put_object(Bucket=os.environ["BUCKET"], Key="batches/" + context.aws_request_id + ".json",
                              Body=json.dumps({"at": time.time_ns(), "records": records}))
                if any(r["body"].startswith("fail-first-") and r["attributes"]["ApproximateReceiveCount"] == "1" for r in records):
                    raise Exception("first delivery fails")
                return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in records if r["body"].startswith("bad-")]}
            """;

    private final TestStack stack;

    LambdaSqsMappingIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @Test
    void everyMessageIsDeliveredOnceInBatchesNoLargerThanBatchSizeAndDeleted()
            throws Exception
    {
        String name = "it-sqsmap-all";
        try (LambdaClient lambda = stack.client(LambdaClient.builder()); SqsClient sqs = stack.client(SqsClient.builder()); S3Client s3 = stack.s3()) {
            createFunction(lambda, s3, name);
            String url = sqs.createQueue(request -> request.queueName(name).attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "60"))).queueUrl();
            List<String> bodies = IntStream.range(0, 45).mapToObj(i -> "message-" + i).toList();
            send(sqs, url, bodies);
            sqs.sendMessage(request -> request.queueUrl(url).messageBody("with-attributes").messageAttributes(Map.of(
                    "color", MessageAttributeValue.builder().dataType("String").stringValue("blue").build(),
                    "raw", MessageAttributeValue.builder().dataType("Binary").binaryValue(SdkBytes.fromUtf8String("xyz")).build())));

            CreateEventSourceMappingResponse mapping = lambda.createEventSourceMapping(request -> request.functionName(name).eventSourceArn(arn(name))
                    .batchSize(20).maximumBatchingWindowInSeconds(1).scalingConfig(scaling -> scaling.maximumConcurrency(2)));
            assertThat(mapping.state()).isEqualTo("Creating");
            assertThat(mapping.batchSize()).isEqualTo(20);
            assertThat(mapping.maximumBatchingWindowInSeconds()).isEqualTo(1);
            assertThat(mapping.eventSourceArn()).isEqualTo(arn(name));
            assertThat(mapping.scalingConfig().maximumConcurrency()).isEqualTo(2);
            assertThat(mapping.startingPosition()).isNull();
            assertThat(mapping.stateTransitionReason()).isEqualTo("USER_INITIATED");

            List<JsonNode> batches = Eventually.read(TIMEOUT, () -> batches(s3, name),
                    read -> assertThat(read.stream().mapToInt(batch -> batch.path("records").size()).sum()).isEqualTo(46));
            List<String> delivered = new ArrayList<>();
            for (JsonNode batch : batches) {
                assertThat(batch.path("records").size()).isBetween(1, 20);
                batch.path("records").forEach(record -> delivered.add(record.path("body").asText()));
            }
            List<String> expected = new ArrayList<>(bodies);
            expected.add("with-attributes");
            assertThat(delivered).containsExactlyInAnyOrderElementsOf(expected);
            awaitEmpty(sqs, url);

            JsonNode record = batches.stream().flatMap(batch -> stream(batch.path("records"))).filter(r -> r.path("body").asText().equals("with-attributes"))
                    .findFirst().orElseThrow();
            assertThat(fieldNames(record)).containsExactly("messageId", "receiptHandle", "body", "attributes", "messageAttributes", "md5OfBody",
                    "md5OfMessageAttributes", "eventSource", "eventSourceARN", "awsRegion");
            assertThat(fieldNames(record.path("attributes"))).containsExactly("ApproximateReceiveCount", "SentTimestamp", "SenderId",
                    "ApproximateFirstReceiveTimestamp");
            assertThat(record.path("attributes").path("ApproximateReceiveCount").asText()).isEqualTo("1");
            assertThat(record.path("md5OfBody").asText()).isEqualTo(md5("with-attributes"));
            assertThat(record.path("eventSource").asText()).isEqualTo("aws:sqs");
            assertThat(record.path("eventSourceARN").asText()).isEqualTo(arn(name));
            assertThat(record.path("awsRegion").asText()).isEqualTo("us-east-1");
            assertThat(record.path("messageAttributes").toString()).isEqualTo("{\"color\":{\"stringValue\":\"blue\",\"stringListValues\":[],"
                    + "\"binaryListValues\":[],\"dataType\":\"String\"},\"raw\":{\"binaryValue\":\"eHl6\",\"stringListValues\":[],\"binaryListValues\":[],"
                    + "\"dataType\":\"Binary\"}}");
            JsonNode plain = batches.get(0).path("records").get(0);
            assertThat(fieldNames(plain)).containsExactly("messageId", "receiptHandle", "body", "attributes", "messageAttributes", "md5OfBody",
                    "eventSource", "eventSourceARN", "awsRegion");

            GetEventSourceMappingResponse status = Eventually.read(TIMEOUT, () -> lambda.getEventSourceMapping(request -> request.uuid(mapping.uuid())),
                    read -> assertThat(read.state() + "/" + read.lastProcessingResult()).isEqualTo("Enabled/OK"));
            assertThat(status.functionArn()).isEqualTo("arn:aws:lambda:us-east-1:" + ACCOUNT + ":function:" + name);
            assertThat(lambda.listEventSourceMappings(request -> request.eventSourceArn(arn(name))).eventSourceMappings())
                    .extracting(listed -> listed.uuid()).containsExactly(mapping.uuid());
            delete(lambda, mapping);
        }
    }

    @Test
    void reportedItemFailuresStayComeBackAndEndInTheDeadLetterQueue()
            throws Exception
    {
        String name = "it-sqsmap-partial";
        try (LambdaClient lambda = stack.client(LambdaClient.builder()); SqsClient sqs = stack.client(SqsClient.builder()); S3Client s3 = stack.s3()) {
            createFunction(lambda, s3, name);
            String dlqUrl = sqs.createQueue(request -> request.queueName(name + "-dlq")).queueUrl();
            String url = sqs.createQueue(request -> request.queueName(name).attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "5",
                    QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + arn(name + "-dlq") + "\",\"maxReceiveCount\":2}"))).queueUrl();
            send(sqs, url, List.of("ok-0", "bad-1", "ok-2", "bad-3", "ok-4", "ok-5"));

            CreateEventSourceMappingResponse mapping = lambda.createEventSourceMapping(request -> request.functionName(name).eventSourceArn(arn(name))
                    .batchSize(10).functionResponseTypes(FunctionResponseType.REPORT_BATCH_ITEM_FAILURES)
                    .scalingConfig(scaling -> scaling.maximumConcurrency(2)));
            assertThat(mapping.functionResponseTypes()).containsExactly(FunctionResponseType.REPORT_BATCH_ITEM_FAILURES);

            // each bad message was received twice (then moved at its third receive), each good one once
            List<Message> dead = new ArrayList<>();
            Eventually.read(TIMEOUT, () -> {
                dead.addAll(sqs.receiveMessage(request -> request.queueUrl(dlqUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages());
                return dead;
            }, read -> assertThat(read).extracting(Message::body).containsExactlyInAnyOrder("bad-1", "bad-3"));
            awaitEmpty(sqs, url);
            Map<String, List<String>> receiveCounts = new TreeMap<>();
            for (JsonNode batch : batches(s3, name)) {
                batch.path("records").forEach(record -> receiveCounts.computeIfAbsent(record.path("body").asText(), body -> new ArrayList<>())
                        .add(record.path("attributes").path("ApproximateReceiveCount").asText()));
            }
            receiveCounts.values().forEach(counts -> counts.sort(Comparator.naturalOrder()));
            assertThat(receiveCounts).isEqualTo(Map.of("ok-0", List.of("1"), "bad-1", List.of("1", "2"), "ok-2", List.of("1"), "bad-3", List.of("1", "2"),
                    "ok-4", List.of("1"), "ok-5", List.of("1")));
            Eventually.read(TIMEOUT, () -> lambda.getEventSourceMapping(request -> request.uuid(mapping.uuid())),
                    read -> assertThat(read.state() + "/" + read.lastProcessingResult()).isEqualTo("Enabled/OK"));
            delete(lambda, mapping);
        }
    }

    @Test
    void aFailingFunctionLeavesItsBatchForRedelivery()
            throws Exception
    {
        String name = "it-sqsmap-failing";
        try (LambdaClient lambda = stack.client(LambdaClient.builder()); SqsClient sqs = stack.client(SqsClient.builder()); S3Client s3 = stack.s3()) {
            createFunction(lambda, s3, name);
            String url = sqs.createQueue(request -> request.queueName(name).attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "5"))).queueUrl();
            send(sqs, url, List.of("fail-first-0", "fail-first-1", "fail-first-2"));
            CreateEventSourceMappingResponse mapping = lambda.createEventSourceMapping(request -> request.functionName(name).eventSourceArn(arn(name))
                    .batchSize(10).scalingConfig(scaling -> scaling.maximumConcurrency(2)));

            awaitEmpty(sqs, url);
            Map<String, List<String>> receiveCounts = new TreeMap<>();
            for (JsonNode batch : batches(s3, name)) {
                batch.path("records").forEach(record -> receiveCounts.computeIfAbsent(record.path("body").asText(), body -> new ArrayList<>())
                        .add(record.path("attributes").path("ApproximateReceiveCount").asText()));
            }
            receiveCounts.values().forEach(counts -> counts.sort(Comparator.naturalOrder()));
            // the first invocation failed and deleted nothing; the messages came back once the visibility timeout ended
            assertThat(receiveCounts).isEqualTo(Map.of("fail-first-0", List.of("1", "2"), "fail-first-1", List.of("1", "2"), "fail-first-2",
                    List.of("1", "2")));
            Eventually.read(TIMEOUT, () -> lambda.getEventSourceMapping(request -> request.uuid(mapping.uuid())),
                    read -> assertThat(read.state() + "/" + read.lastProcessingResult()).isEqualTo("Enabled/OK"));
            delete(lambda, mapping);
        }
    }

    @Test
    void filterCriteriaDropAndDeleteMessagesThatMatchNoPattern()
            throws Exception
    {
        String name = "it-sqsmap-filtered";
        try (LambdaClient lambda = stack.client(LambdaClient.builder()); SqsClient sqs = stack.client(SqsClient.builder()); S3Client s3 = stack.s3()) {
            createFunction(lambda, s3, name);
            String url = sqs.createQueue(request -> request.queueName(name).attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "60"))).queueUrl();
            send(sqs, url, List.of("{\"kind\":\"order\",\"n\":1}", "{\"kind\":\"refund\",\"n\":2}", "plain text", "{\"kind\":\"order\",\"n\":3}",
                    "{\"kind\":\"order\"", "exact"));
            CreateEventSourceMappingResponse mapping = lambda.createEventSourceMapping(request -> request.functionName(name).eventSourceArn(arn(name))
                    .filterCriteria(criteria -> criteria.filters(filter -> filter.pattern("{\"body\":{\"kind\":[\"order\"]}}"),
                            filter -> filter.pattern("{\"body\":[\"exact\"]}"))));

            awaitEmpty(sqs, url);
            List<String> delivered = new ArrayList<>();
            batches(s3, name).forEach(batch -> batch.path("records").forEach(record -> delivered.add(record.path("body").asText())));
            assertThat(delivered).containsExactlyInAnyOrder("{\"kind\":\"order\",\"n\":1}", "{\"kind\":\"order\",\"n\":3}", "exact");
            delete(lambda, mapping);
        }
    }

    @Test
    void fifoMessagesOfAGroupArriveInOrder()
            throws Exception
    {
        String name = "it-sqsmap-ordered.fifo";
        String function = "it-sqsmap-ordered";
        try (LambdaClient lambda = stack.client(LambdaClient.builder()); SqsClient sqs = stack.client(SqsClient.builder()); S3Client s3 = stack.s3()) {
            createFunction(lambda, s3, function);
            String url = sqs.createQueue(request -> request.queueName(name).attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true",
                    QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true", QueueAttributeName.VISIBILITY_TIMEOUT, "60"))).queueUrl();
            Map<String, List<String>> sent = new TreeMap<>();
            for (int i = 0; i < 30; i++) {
                String group = "group-" + (i % 3);
                String body = group + "-" + i;
                sqs.sendMessage(request -> request.queueUrl(url).messageBody(body).messageGroupId(group));
                sent.computeIfAbsent(group, key -> new ArrayList<>()).add(body);
            }
            CreateEventSourceMappingResponse mapping = lambda.createEventSourceMapping(request -> request.functionName(function).eventSourceArn(arn(name))
                    .batchSize(4));

            awaitEmpty(sqs, url);
            List<JsonNode> batches = batches(s3, function);
            batches.sort(Comparator.comparing(batch -> batch.path("at").asLong()));
            Map<String, List<String>> delivered = new TreeMap<>();
            for (JsonNode batch : batches) {
                assertThat(batch.path("records").size()).isBetween(1, 4);
                batch.path("records").forEach(record -> {
                    assertThat(fieldNames(record.path("attributes"))).containsExactly("ApproximateReceiveCount", "SentTimestamp", "SenderId",
                            "ApproximateFirstReceiveTimestamp", "SequenceNumber", "MessageGroupId", "MessageDeduplicationId");
                    delivered.computeIfAbsent(record.path("attributes").path("MessageGroupId").asText(), key -> new ArrayList<>())
                            .add(record.path("body").asText());
                });
            }
            assertThat(delivered).isEqualTo(sent);
            delete(lambda, mapping);
        }
    }

    @Test
    void settingsAreCheckedAsLambdaChecksThemForQueues()
            throws Exception
    {
        String name = "it-sqsmap-checks";
        try (LambdaClient lambda = stack.client(LambdaClient.builder()); SqsClient sqs = stack.client(SqsClient.builder()); S3Client s3 = stack.s3()) {
            createFunction(lambda, s3, name);
            sqs.createQueue(request -> request.queueName(name));
            sqs.createQueue(request -> request.queueName(name + ".fifo").attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true")));

            assertRefused(() -> lambda.createEventSourceMapping(request -> request.functionName(name).eventSourceArn(arn(name))
                    .startingPosition(EventSourcePosition.TRIM_HORIZON)), "InvalidParameterValueException",
                    "StartingPosition is not valid for SQS event sources.");
            assertRefused(() -> lambda.createEventSourceMapping(request -> request.functionName(name).eventSourceArn(arn(name))
                    .bisectBatchOnFunctionError(true)), "InvalidParameterValueException", "BisectBatchOnFunctionError is not valid for SQS event sources.");
            assertRefused(() -> lambda.createEventSourceMapping(request -> request.functionName(name).eventSourceArn(arn(name + ".fifo")).batchSize(11)
                    .maximumBatchingWindowInSeconds(1)), "InvalidParameterValueException", "BatchSize must be between 1 and 10 for FIFO queues, not 11");
            assertRefused(() -> lambda.createEventSourceMapping(request -> request.functionName(name).eventSourceArn(arn(name)).batchSize(100)),
                    "InvalidParameterValueException", "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10");
            assertRefused(() -> lambda.createEventSourceMapping(request -> request.functionName(name).eventSourceArn(arn("it-sqsmap-missing"))),
                    "InvalidParameterValueException", "Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. "
                            + "SQS Error Message: The specified queue does not exist or you do not have access to it.");
            assertRefused(() -> lambda.createEventSourceMapping(request -> request.functionName(name).eventSourceArn(arn(name))
                    .scalingConfig(scaling -> scaling.maximumConcurrency(1))), "ValidationException",
                    "1 validation error detected: Value '1' at 'scalingConfig.maximumConcurrency' failed to satisfy constraint: Member must have value "
                            + "greater than or equal to 2");

            CreateEventSourceMappingResponse mapping = lambda.createEventSourceMapping(request -> request.functionName(name).eventSourceArn(arn(name))
                    .enabled(false));
            assertThat(mapping.batchSize()).isEqualTo(10);
            assertThat(mapping.maximumBatchingWindowInSeconds()).isEqualTo(0);
            assertThat(mapping.scalingConfig()).isNull();
            assertRefused(() -> lambda.updateEventSourceMapping(request -> request.uuid(mapping.uuid()).batchSize(100)), "InvalidParameterValueException",
                    "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10");
            assertRefused(() -> lambda.updateEventSourceMapping(request -> request.uuid(mapping.uuid()).maximumRetryAttempts(3)),
                    "InvalidParameterValueException", "MaximumRetryAttempts is not valid for SQS event sources.");
            UpdateEventSourceMappingResponse updated = lambda.updateEventSourceMapping(request -> request.uuid(mapping.uuid()).batchSize(100)
                    .maximumBatchingWindowInSeconds(5).scalingConfig(scaling -> scaling.maximumConcurrency(3)));
            assertThat(updated.batchSize()).isEqualTo(100);
            assertThat(updated.maximumBatchingWindowInSeconds()).isEqualTo(5);
            assertThat(updated.scalingConfig().maximumConcurrency()).isEqualTo(3);
            assertThat(lambda.getEventSourceMapping(request -> request.uuid(mapping.uuid())).state()).isEqualTo("Disabled");
            delete(lambda, mapping);
        }
    }

    private static void assertRefused(Runnable call, String errorCode, String message)
    {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(LambdaException.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(errorCode);
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(message);
        });
    }

    /** The function and its bucket; one invocation first, so that the mapping's first batches find it warm. */
    private static void createFunction(LambdaClient lambda, S3Client s3, String name)
            throws IOException
    {
        s3.createBucket(request -> request.bucket(name));
        LambdaPackages.createPythonFunction(lambda, name, RECORDER, 30, Map.of("BUCKET", name));
        assertThat(lambda.invoke(request -> request.functionName(name).payload(SdkBytes.fromUtf8String("{}"))).functionError()).isNull();
    }

    private static String arn(String queue)
    {
        return "arn:aws:sqs:us-east-1:" + ACCOUNT + ":" + queue;
    }

    private static void send(SqsClient sqs, String url, List<String> bodies)
    {
        for (int start = 0; start < bodies.size(); start += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = start; i < Math.min(bodies.size(), start + 10); i++) {
                entries.add(SendMessageBatchRequestEntry.builder().id("m" + i).messageBody(bodies.get(i)).build());
            }
            assertThat(sqs.sendMessageBatch(request -> request.queueUrl(url).entries(entries)).failed()).isEmpty();
        }
    }

    /** Waits until the queue holds no message, visible or in flight. */
    private static void awaitEmpty(SqsClient sqs, String url)
    {
        Eventually.read(TIMEOUT, () -> sqs.getQueueAttributes(request -> request.queueUrl(url).attributeNames(
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes(),
                counts -> assertThat(counts).containsOnly(Map.entry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0"),
                        Map.entry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0"),
                        Map.entry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED, "0")));
    }

    /** Deletes a mapping once the test has read what it did, so that its poller stops. */
    private static void delete(LambdaClient lambda, CreateEventSourceMappingResponse mapping)
    {
        assertThat(lambda.deleteEventSourceMapping(request -> request.uuid(mapping.uuid())).state()).isEqualTo("Deleting");
    }

    /** The batches the function wrote, in the order it wrote them. */
    private static List<JsonNode> batches(S3Client s3, String bucket)
            throws IOException
    {
        List<JsonNode> batches = new ArrayList<>();
        for (S3Object object : s3.listObjectsV2Paginator(request -> request.bucket(bucket).prefix("batches/")).contents()) {
            batches.add(JSON.readTree(s3.getObjectAsBytes(request -> request.bucket(bucket).key(object.key())).asByteArray()));
        }
        batches.sort(Comparator.comparing(batch -> batch.path("at").asLong()));
        return batches;
    }

    private static java.util.stream.Stream<JsonNode> stream(JsonNode array)
    {
        List<JsonNode> elements = new ArrayList<>();
        array.forEach(elements::add);
        return elements.stream();
    }

    private static List<String> fieldNames(JsonNode node)
    {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String md5(String text)
            throws Exception
    {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
