package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.lakestack.testing.AwsCli;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;
import software.amazon.awssdk.services.sns.model.SnsException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * SNS as applications use it, through the AWS SDK for Java v2 and the AWS CLI v2 of Debian (both speak its Query
 * protocol): topics, one publish fanned out to several queues (one behind a filter policy), raw delivery, an HTTP
 * endpoint that confirms its subscription and then receives notifications, batches with a failed entry, S3 event
 * notifications to a topic, dead-letter queues, and AWS's errors.
 *
 * <p>Topic and queue names end with a suffix of this run, so that the test can run again on the same stack.
 */
@LakestackTest
@Order(31)
class SnsIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "000000000000";
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** Sends the event it is invoked with to the queue QUEUE, where the test reads it. */
    private static final String FORWARD = """
            import json
            import os

            import boto3

            sqs = boto3.client("sqs")

            def handler(event, context):
                url = sqs.get_queue_url(QueueName=os.environ["QUEUE"])["QueueUrl"]
                sqs.send_message(QueueUrl=url, MessageBody=json.dumps(event))
            """;

    private final TestStack stack;
    private final String run = Long.toString(System.currentTimeMillis(), 36);
    private SnsClient sns;
    private SqsClient sqs;

    SnsIntegrationTest(TestStack stack)
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

    private String topicArn(String name)
    {
        return "arn:aws:sns:" + TestStack.REGION + ":" + ACCOUNT + ":" + name;
    }

    private String createTopic(String base)
    {
        return sns.createTopic(request -> request.name(name(base))).topicArn();
    }

    /** A queue and its ARN. */
    private record Queue(String url, String arn) {}

    private Queue createQueue(String base)
    {
        String url = sqs.createQueue(request -> request.queueName(name(base))).queueUrl();
        return new Queue(url, "arn:aws:sqs:" + TestStack.REGION + ":" + ACCOUNT + ":" + name(base));
    }

    private String subscribe(String topicArn, Queue queue, Map<String, String> attributes)
    {
        return sns.subscribe(request -> request.topicArn(topicArn).protocol("sqs").endpoint(queue.arn()).attributes(attributes)).subscriptionArn();
    }

    /** Receives until {@code count} messages arrived, then checks that no further one comes within a long poll. */
    private List<Message> receiveExactly(Queue queue, int count)
    {
        List<Message> received = new ArrayList<>();
        await().atMost(PATIENCE).until(() -> {
            received.addAll(sqs.receiveMessage(request -> request.queueUrl(queue.url()).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageAttributeNames("All")).messages());
            return received.size() >= count;
        });
        received.addAll(sqs.receiveMessage(request -> request.queueUrl(queue.url()).maxNumberOfMessages(10).waitTimeSeconds(3)).messages());
        assertThat(received).hasSize(count);
        for (Message message : received) {
            sqs.deleteMessage(request -> request.queueUrl(queue.url()).receiptHandle(message.receiptHandle()));
        }
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

    private static MessageAttributeValue string(String value)
    {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    private static MessageAttributeValue number(String value)
    {
        return MessageAttributeValue.builder().dataType("Number").stringValue(value).build();
    }

    private static void assertError(Executable call, int status, String code, String message)
    {
        assertThatThrownBy(call::execute).isInstanceOfSatisfying(SnsException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(status);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(message);
        });
    }

    @Test
    void topicsAttributesListingAndTags()
    {
        String arn = createTopic("orders");
        assertThat(arn).isEqualTo(topicArn(name("orders")));
        // the same name is the same topic
        assertThat(createTopic("orders")).isEqualTo(arn);

        Map<String, String> attributes = sns.getTopicAttributes(request -> request.topicArn(arn)).attributes();
        assertThat(attributes).containsEntry("TopicArn", arn).containsEntry("Owner", ACCOUNT).containsEntry("DisplayName", "")
                .containsEntry("SubscriptionsConfirmed", "0").containsEntry("SubscriptionsPending", "0").containsEntry("SubscriptionsDeleted", "0")
                .containsKeys("Policy", "EffectiveDeliveryPolicy");
        sns.setTopicAttributes(request -> request.topicArn(arn).attributeName("DisplayName").attributeValue("Orders"));
        assertThat(sns.getTopicAttributes(request -> request.topicArn(arn)).attributes()).containsEntry("DisplayName", "Orders");

        String other = createTopic("invoices");
        assertThat(sns.listTopicsPaginator(request -> { }).topics().stream().map(topic -> topic.topicArn()).toList()).contains(arn, other);

        sns.tagResource(request -> request.resourceArn(arn).tags(tag -> tag.key("team").value("data"), tag -> tag.key("env").value("it")));
        sns.untagResource(request -> request.resourceArn(arn).tagKeys("env"));
        assertThat(sns.listTagsForResource(request -> request.resourceArn(arn)).tags()).singleElement()
                .satisfies(tag -> assertThat(tag.key() + "=" + tag.value()).isEqualTo("team=data"));

        sns.deleteTopic(request -> request.topicArn(other));
        assertThat(sns.listTopicsPaginator(request -> { }).topics().stream().map(topic -> topic.topicArn()).toList()).contains(arn).doesNotContain(other);
        assertError(() -> sns.getTopicAttributes(request -> request.topicArn(other)), 404, "NotFound", "Topic does not exist");
    }

    @Test
    void onePublishFansOutToTwoQueuesOneBehindAFilterPolicy()
    {
        String topic = createTopic("fan-out");
        Queue all = createQueue("fan-out-all");
        Queue placed = createQueue("fan-out-placed");
        String allSubscription = subscribe(topic, all, Map.of());
        String placedSubscription = subscribe(topic, placed, Map.of("FilterPolicy",
                "{\"event\": [\"order_placed\"], \"price_usd\": [{\"numeric\": [\">=\", 100]}]}"));
        assertThat(allSubscription).startsWith(topic + ":").matches(".*:" + UUID.pattern());
        assertThat(sns.listSubscriptionsByTopic(request -> request.topicArn(topic)).subscriptions())
                .extracting(subscription -> subscription.subscriptionArn() + " " + subscription.protocol() + " " + subscription.endpoint())
                .containsExactlyInAnyOrder(allSubscription + " sqs " + all.arn(), placedSubscription + " sqs " + placed.arn());
        assertThat(sns.getSubscriptionAttributes(request -> request.subscriptionArn(placedSubscription)).attributes())
                .containsEntry("FilterPolicyScope", "MessageAttributes").containsEntry("PendingConfirmation", "false")
                .containsEntry("RawMessageDelivery", "false").containsEntry("Protocol", "sqs").containsEntry("TopicArn", topic);

        String big = sns.publish(request -> request.topicArn(topic).subject("Order").message("order 1 placed")
                .messageAttributes(Map.of("event", string("order_placed"), "price_usd", number("150")))).messageId();
        String small = sns.publish(request -> request.topicArn(topic).message("order 2 placed")
                .messageAttributes(Map.of("event", string("order_placed"), "price_usd", number("20")))).messageId();
        String cancelled = sns.publish(request -> request.targetArn(topic).message("order 3 cancelled")
                .messageAttributes(Map.of("event", string("order_cancelled"), "price_usd", number("500")))).messageId();
        assertThat(List.of(big, small, cancelled)).allMatch(id -> UUID.matcher(id).matches());

        List<JsonNode> everything = receiveExactly(all, 3).stream().map(message -> json(message.body())).toList();
        assertThat(everything).extracting(node -> node.get("MessageId").asText() + " " + node.get("Message").asText())
                .containsExactlyInAnyOrder(big + " order 1 placed", small + " order 2 placed", cancelled + " order 3 cancelled");

        List<Message> filtered = receiveExactly(placed, 1);
        JsonNode notification = json(filtered.get(0).body());
        assertThat(notification.get("Type").asText()).isEqualTo("Notification");
        assertThat(notification.get("MessageId").asText()).isEqualTo(big);
        assertThat(notification.get("TopicArn").asText()).isEqualTo(topic);
        assertThat(notification.get("Subject").asText()).isEqualTo("Order");
        assertThat(notification.get("Message").asText()).isEqualTo("order 1 placed");
        assertThat(notification.get("Timestamp").asText()).matches(TIMESTAMP);
        assertThat(notification.get("SignatureVersion").asText()).isEqualTo("1");
        assertThat(notification.get("UnsubscribeURL").asText())
                .isEqualTo(stack.endpoint() + "/?Action=Unsubscribe&SubscriptionArn=" + URLEncoder.encode(placedSubscription, StandardCharsets.UTF_8));
        assertThat(notification.get("MessageAttributes")).isEqualTo(json("{\"event\": {\"Type\": \"String\", \"Value\": \"order_placed\"}, "
                + "\"price_usd\": {\"Type\": \"Number\", \"Value\": \"150\"}}"));
        assertThat(notification.fieldNames()).toIterable().containsExactly("Type", "MessageId", "TopicArn",
                "Subject", "Message", "Timestamp", "SignatureVersion", "Signature", "SigningCertURL", "UnsubscribeURL", "MessageAttributes");

        // a changed policy applies from the next message on; unsubscribing stops deliveries
        sns.setSubscriptionAttributes(request -> request.subscriptionArn(placedSubscription).attributeName("FilterPolicy")
                .attributeValue("{\"event\": [{\"prefix\": \"order_c\"}]}"));
        sns.unsubscribe(request -> request.subscriptionArn(allSubscription));
        String again = sns.publish(request -> request.topicArn(topic).message("order 4 cancelled")
                .messageAttributes(Map.of("event", string("order_cancelled")))).messageId();
        assertThat(json(receiveExactly(placed, 1).get(0).body()).get("MessageId").asText()).isEqualTo(again);
        assertThat(sqs.receiveMessage(request -> request.queueUrl(all.url()).waitTimeSeconds(2)).messages()).isEmpty();
    }

    @Test
    void rawMessageDeliveryAndMessageBodyScope()
    {
        String topic = createTopic("raw");
        Queue raw = createQueue("raw");
        Queue body = createQueue("raw-body");
        subscribe(topic, raw, Map.of("RawMessageDelivery", "true"));
        subscribe(topic, body, Map.of("RawMessageDelivery", "true", "FilterPolicyScope", "MessageBody",
                "FilterPolicy", "{\"order\": {\"state\": [\"paid\"]}}"));

        sns.publish(request -> request.topicArn(topic).message("{\"order\": {\"id\": 1, \"state\": \"paid\"}}").subject("ignored when raw")
                .messageAttributes(Map.of("source", string("shop"), "count", number("3"),
                        "blob", MessageAttributeValue.builder().dataType("Binary").binaryValue(SdkBytes.fromUtf8String("bytes")).build())));
        sns.publish(request -> request.topicArn(topic).message("{\"order\": {\"id\": 2, \"state\": \"open\"}}"));

        List<Message> messages = receiveExactly(raw, 2);
        assertThat(messages).extracting(Message::body).containsExactlyInAnyOrder("{\"order\": {\"id\": 1, \"state\": \"paid\"}}",
                "{\"order\": {\"id\": 2, \"state\": \"open\"}}");
        Message first = messages.stream().filter(message -> message.body().contains("\"id\": 1")).findFirst().orElseThrow();
        assertThat(first.body()).isEqualTo("{\"order\": {\"id\": 1, \"state\": \"paid\"}}");
        assertThat(first.messageAttributes()).hasSize(3);
        assertThat(first.messageAttributes().get("source").stringValue()).isEqualTo("shop");
        assertThat(first.messageAttributes().get("count").dataType()).isEqualTo("Number");
        assertThat(first.messageAttributes().get("count").stringValue()).isEqualTo("3");
        assertThat(first.messageAttributes().get("blob").binaryValue().asUtf8String()).isEqualTo("bytes");

        assertThat(receiveExactly(body, 1)).extracting(Message::body).containsExactly("{\"order\": {\"id\": 1, \"state\": \"paid\"}}");
    }

    @Test
    void httpEndpointConfirmsItsSubscriptionThenReceivesNotifications()
            throws Exception
    {
        record Received(Map<String, String> headers, String body) {}
        List<Received> received = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/sns", exchange -> {
            Map<String, String> headers = new java.util.TreeMap<>();
            exchange.getRequestHeaders().forEach((key, values) -> {
                if (key.toLowerCase(java.util.Locale.ROOT).startsWith("x-amz-sns-") || key.equalsIgnoreCase("content-type")) {
                    headers.put(key.toLowerCase(java.util.Locale.ROOT), values.get(0));
                }
            });
            received.add(new Received(headers, new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        HttpClient web = HttpClient.newHttpClient();
        try {
            String topic = createTopic("http");
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/sns";
            assertThat(sns.subscribe(request -> request.topicArn(topic).protocol("http").endpoint(url)).subscriptionArn())
                    .isEqualTo("pending confirmation");
            assertThat(sns.listSubscriptionsByTopic(request -> request.topicArn(topic)).subscriptions())
                    .extracting(subscription -> subscription.subscriptionArn()).containsExactly("PendingConfirmation");

            await().atMost(PATIENCE).until(() -> !received.isEmpty());
            Received confirmation = received.get(0);
            assertThat(confirmation.headers()).containsEntry("x-amz-sns-message-type", "SubscriptionConfirmation")
                    .containsEntry("x-amz-sns-topic-arn", topic).containsEntry("content-type", "text/plain; charset=UTF-8")
                    .containsKey("x-amz-sns-message-id");
            JsonNode document = json(confirmation.body());
            assertThat(document.get("Type").asText()).isEqualTo("SubscriptionConfirmation");
            assertThat(document.get("TopicArn").asText()).isEqualTo(topic);
            String token = document.get("Token").asText();
            assertThat(document.get("SubscribeURL").asText()).isEqualTo(stack.endpoint() + "/?Action=ConfirmSubscription&TopicArn="
                    + URLEncoder.encode(topic, StandardCharsets.UTF_8) + "&Token=" + token);

            // the endpoint visits the SubscribeURL, unsigned, as a web application does
            HttpResponse<String> confirmed = web.send(HttpRequest.newBuilder(URI.create(document.get("SubscribeURL").asText())).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(confirmed.statusCode()).isEqualTo(200);
            Matcher confirmedArn = Pattern.compile("<SubscriptionArn>([^<]+)</SubscriptionArn>").matcher(confirmed.body());
            assertThat(confirmedArn.find()).isTrue();
            String subscription = confirmedArn.group(1);
            assertThat(subscription).startsWith(topic + ":");
            // confirming again with the SDK answers the same subscription
            assertThat(sns.confirmSubscription(request -> request.topicArn(topic).token(token)).subscriptionArn()).isEqualTo(subscription);
            assertThat(sns.getSubscriptionAttributes(request -> request.subscriptionArn(subscription)).attributes())
                    .containsEntry("PendingConfirmation", "false").containsEntry("Endpoint", url).containsEntry("Protocol", "http");

            String messageId = sns.publish(request -> request.topicArn(topic).subject("Hello").message("to the web")).messageId();
            await().atMost(PATIENCE).until(() -> received.size() >= 2);
            Received notification = received.get(1);
            assertThat(notification.headers()).isEqualTo(Map.of("x-amz-sns-message-type", "Notification", "x-amz-sns-message-id", messageId,
                    "x-amz-sns-topic-arn", topic, "x-amz-sns-subscription-arn", subscription, "content-type", "text/plain; charset=UTF-8"));
            JsonNode body = json(notification.body());
            assertThat(body.get("MessageId").asText()).isEqualTo(messageId);
            assertThat(body.get("Subject").asText()).isEqualTo("Hello");
            assertThat(body.get("Message").asText()).isEqualTo("to the web");
            assertThat(received).hasSize(2);

            // and its UnsubscribeURL, unsigned too, ends the subscription
            HttpResponse<String> unsubscribed = web.send(HttpRequest.newBuilder(URI.create(body.get("UnsubscribeURL").asText())).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(unsubscribed.statusCode()).isEqualTo(200);
            assertThat(unsubscribed.body()).contains("<UnsubscribeResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">");
            assertError(() -> sns.getSubscriptionAttributes(request -> request.subscriptionArn(subscription)), 404, "NotFound",
                    "Subscription does not exist");
        }
        finally {
            server.stop(0);
        }
    }

    @Test
    void publishBatchAnswersPerEntryFailures()
    {
        String topic = createTopic("batch");
        Queue queue = createQueue("batch");
        subscribe(topic, queue, Map.of("RawMessageDelivery", "true"));

        PublishBatchResponse response = sns.publishBatch(request -> request.topicArn(topic).publishBatchRequestEntries(
                PublishBatchRequestEntry.builder().id("one").message("first").build(),
                PublishBatchRequestEntry.builder().id("empty").message("").build(),
                PublishBatchRequestEntry.builder().id("two").message("second").messageAttributes(Map.of("n", number("2"))).build()));
        assertThat(response.successful()).extracting(entry -> entry.id()).containsExactly("one", "two");
        assertThat(response.failed()).extracting(BatchResultErrorEntry::id, BatchResultErrorEntry::code, BatchResultErrorEntry::message,
                BatchResultErrorEntry::senderFault).containsExactly(org.assertj.core.groups.Tuple.tuple("empty", "InvalidParameter",
                        "Invalid parameter: Empty message", true));
        assertThat(receiveExactly(queue, 2)).extracting(Message::body).containsExactlyInAnyOrder("first", "second");

        assertError(() -> sns.publishBatch(request -> request.topicArn(topic).publishBatchRequestEntries(
                PublishBatchRequestEntry.builder().id("same").message("a").build(), PublishBatchRequestEntry.builder().id("same").message("b").build())),
                400, "BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the same Id");
        List<PublishBatchRequestEntry> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            eleven.add(PublishBatchRequestEntry.builder().id("e" + i).message("m").build());
        }
        assertError(() -> sns.publishBatch(request -> request.topicArn(topic).publishBatchRequestEntries(eleven)), 400, "TooManyEntriesInBatchRequest",
                "The batch request contains more entries than permissible");
    }

    @Test
    void s3NotificationsToATopicAreFannedOutInSnsEnvelopes()
    {
        String topic = createTopic("s3-events");
        Queue queue = createQueue("s3-events");
        subscribe(topic, queue, Map.of());
        String bucket = name("sns-events");
        try (S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket(bucket));
            s3.putBucketNotificationConfiguration(request -> request.bucket(bucket).notificationConfiguration(configuration -> configuration
                    .topicConfigurations(configurationTopic -> configurationTopic.id("to-sns").topicArn(topic).eventsWithStrings("s3:ObjectCreated:*"))));
            s3.putObject(request -> request.bucket(bucket).key("data/one.csv"), RequestBody.fromString("a,b\n"));
        }
        List<JsonNode> notifications = receiveExactly(queue, 2).stream().map(message -> json(message.body())).toList();
        assertThat(notifications).allSatisfy(notification -> {
            assertThat(notification.get("Type").asText()).isEqualTo("Notification");
            assertThat(notification.get("TopicArn").asText()).isEqualTo(topic);
            assertThat(notification.get("Subject").asText()).isEqualTo("Amazon S3 Notification");
            assertThat(notification.get("MessageId").asText()).matches(UUID);
        });
        List<JsonNode> events = notifications.stream().map(notification -> json(notification.get("Message").asText())).toList();
        assertThat(events).anySatisfy(event -> assertThat(event.get("Event").asText()).isEqualTo("s3:TestEvent"));
        assertThat(events).anySatisfy(event -> {
            JsonNode record = event.path("Records").path(0);
            assertThat(record.path("eventName").asText()).isEqualTo("ObjectCreated:Put");
            assertThat(record.path("s3").path("bucket").path("name").asText()).isEqualTo(bucket);
            assertThat(record.path("s3").path("object").path("key").asText()).isEqualTo("data/one.csv");
        });
    }

    @Test
    void undeliverableMessagesGoToTheRedrivePolicysDeadLetterQueue()
    {
        String topic = createTopic("redrive");
        Queue deadLetters = createQueue("redrive-dlq");
        String missingQueue = "arn:aws:sqs:" + TestStack.REGION + ":" + ACCOUNT + ":" + name("no-such-queue");
        String subscription = sns.subscribe(request -> request.topicArn(topic).protocol("sqs").endpoint(missingQueue).attributes(Map.of(
                "RedrivePolicy", "{\"deadLetterTargetArn\": \"" + deadLetters.arn() + "\"}",
                "DeliveryPolicy", "{\"healthyRetryPolicy\": {\"numRetries\": 1, \"minDelayTarget\": 1, \"maxDelayTarget\": 1}}"))).subscriptionArn();
        String messageId = sns.publish(request -> request.topicArn(topic).message("nobody is listening")).messageId();

        JsonNode dead = json(receiveExactly(deadLetters, 1).get(0).body());
        assertThat(dead.get("MessageId").asText()).isEqualTo(messageId);
        assertThat(dead.get("Message").asText()).isEqualTo("nobody is listening");
        assertThat(dead.get("UnsubscribeURL").asText()).endsWith(URLEncoder.encode(subscription, StandardCharsets.UTF_8));
    }

    @Test
    void lambdaSubscriptionIsInvokedWithTheSnsEvent()
            throws Exception
    {
        String topic = createTopic("to-lambda");
        Queue events = createQueue("lambda-events");
        String function = name("sns-forward");
        try (LambdaClient lambda = stack.client(LambdaClient.builder())) {
            LambdaPackages.createPythonFunction(lambda, function, FORWARD, 30, Map.of("QUEUE", name("lambda-events")));
        }
        String functionArn = "arn:aws:lambda:" + TestStack.REGION + ":" + ACCOUNT + ":function:" + function;
        String subscription = sns.subscribe(request -> request.topicArn(topic).protocol("lambda").endpoint(functionArn)).subscriptionArn();
        String messageId = sns.publish(request -> request.topicArn(topic).subject("To the function").message("run")
                .messageAttributes(Map.of("kind", string("job")))).messageId();

        JsonNode event = json(receiveExactly(events, 1).get(0).body());
        JsonNode record = event.get("Records").get(0);
        assertThat(event.get("Records")).hasSize(1);
        assertThat(record.get("EventSource").asText()).isEqualTo("aws:sns");
        assertThat(record.get("EventVersion").asText()).isEqualTo("1.0");
        assertThat(record.get("EventSubscriptionArn").asText()).isEqualTo(subscription);
        JsonNode message = record.get("Sns");
        assertThat(message.get("Type").asText()).isEqualTo("Notification");
        assertThat(message.get("MessageId").asText()).isEqualTo(messageId);
        assertThat(message.get("TopicArn").asText()).isEqualTo(topic);
        assertThat(message.get("Subject").asText()).isEqualTo("To the function");
        assertThat(message.get("Message").asText()).isEqualTo("run");
        assertThat(message.get("Timestamp").asText()).matches(TIMESTAMP);
        assertThat(message.get("UnsubscribeUrl").asText())
                .isEqualTo(stack.endpoint() + "/?Action=Unsubscribe&SubscriptionArn=" + URLEncoder.encode(subscription, StandardCharsets.UTF_8));
        assertThat(message.get("MessageAttributes")).isEqualTo(json("{\"kind\": {\"Type\": \"String\", \"Value\": \"job\"}}"));
    }

    @Test
    void invalidRequestsGetAwsErrors()
    {
        String topic = createTopic("errors");
        assertError(() -> sns.createTopic(request -> request.name("bad name!")), 400, "InvalidParameter", "Invalid parameter: Topic Name");
        assertError(() -> sns.createTopic(request -> request.name(name("ordered") + ".fifo")), 400, "InvalidParameter", "Invalid parameter: Topic Name");
        assertError(() -> sns.publish(request -> request.topicArn(topicArn(name("missing"))).message("x")), 404, "NotFound", "Topic does not exist");
        assertError(() -> sns.publish(request -> request.topicArn(topic).message("")), 400, "InvalidParameter", "Invalid parameter: Empty message");
        assertError(() -> sns.publish(request -> request.topicArn(topic).message("x".repeat(262_145))), 400, "InvalidParameter",
                "Invalid parameter: Message too long");
        assertError(() -> sns.publish(request -> request.topicArn(topic).message("x").messageAttributes(Map.of("a",
                MessageAttributeValue.builder().dataType("Colour").stringValue("red").build()))), 400, "InvalidParameterValue",
                "The message attribute 'a' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.");
        assertError(() -> sns.publish(request -> request.topicArn(topic).message("{\"sqs\": \"x\"}").messageStructure("json")), 400, "InvalidParameter",
                "Invalid parameter: Message Structure - No default entry in JSON message body");
        assertError(() -> sns.subscribe(request -> request.topicArn(topic).protocol("email").endpoint("someone@example.com")), 400, "InvalidParameter",
                "Invalid parameter: Protocol Reason: lakestack does not deliver to email; supported protocols: sqs, lambda, http, https");
        assertError(() -> sns.subscribe(request -> request.topicArn(topic).protocol("sqs").endpoint("https://example.com/queue")), 400,
                "InvalidParameter", "Invalid parameter: SQS endpoint ARN");
        Queue queue = createQueue("errors");
        assertError(() -> subscribe(topic, queue, Map.of("FilterPolicy", "{\"event\": [{\"wildcard\": \"order*\"}]}")), 400, "InvalidParameter",
                "Invalid parameter: FilterPolicy: Unrecognized match type wildcard");
        assertError(() -> subscribe(topic, queue, Map.of("FilterPolicy", "{\"a\": [1], \"b\": [1], \"c\": [1], \"d\": [1], \"e\": [1], \"f\": [1]}")),
                400, "InvalidParameter", "Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys");
        assertError(() -> sns.getSubscriptionAttributes(request -> request.subscriptionArn(topic + ":00000000-0000-0000-0000-000000000000")), 404,
                "NotFound", "Subscription does not exist");
        assertError(() -> sns.confirmSubscription(request -> request.topicArn(topic).token("not-a-token")), 400, "InvalidParameter",
                "Invalid parameter: Token");
        assertError(() -> sns.listTagsForResource(request -> request.resourceArn(topicArn(name("missing")))), 404, "ResourceNotFound",
                "Resource does not exist");
    }

    @Test
    void awsCliCreatesSubscribesAndPublishes()
            throws Exception
    {
        AwsCli aws = AwsCli.required(stack);
        String topic = name("cli");
        AwsCli.Result created = aws.run("sns", "create-topic", "--name", topic, "--query", "TopicArn", "--output", "text");
        assertThat(created).isEqualTo(new AwsCli.Result(0, topicArn(topic) + "\n", ""));
        Queue queue = createQueue("cli");
        AwsCli.Result subscribed = aws.run("sns", "subscribe", "--topic-arn", topicArn(topic), "--protocol", "sqs", "--notification-endpoint",
                queue.arn(), "--attributes", "RawMessageDelivery=true", "--query", "SubscriptionArn", "--output", "text");
        assertThat(subscribed.exitCode()).as(subscribed.stderr()).isZero();
        assertThat(subscribed.stdout()).startsWith(topicArn(topic) + ":");
        AwsCli.Result published = aws.run("sns", "publish", "--topic-arn", topicArn(topic), "--message", "from the cli", "--message-attributes",
                "{\"kind\": {\"DataType\": \"String\", \"StringValue\": \"cli\"}}");
        assertThat(published.exitCode()).as(published.stderr()).isZero();
        String messageId = JSON.readTree(published.stdout()).get("MessageId").asText();
        assertThat(messageId).matches(UUID);
        Message message = receiveExactly(queue, 1).get(0);
        assertThat(message.body()).isEqualTo("from the cli");
        assertThat(message.messageAttributes().get("kind").stringValue()).isEqualTo("cli");
        AwsCli.Result missing = aws.run("sns", "get-topic-attributes", "--topic-arn", topicArn(name("cli-missing")));
        assertThat(missing.exitCode()).isEqualTo(254);
        assertThat(missing.stderr()).contains("An error occurred (NotFound) when calling the GetTopicAttributes operation: Topic does not exist");
    }
}
