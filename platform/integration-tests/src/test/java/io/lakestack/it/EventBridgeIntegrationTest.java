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
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;
import software.amazon.awssdk.services.eventbridge.model.PutTargetsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutTargetsResultEntry;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.s3.model.EventBridgeConfiguration;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * EventBridge as applications use it, through the AWS SDK for Java v2 and the AWS CLI v2 of Debian: an S3 event on
 * the default bus feeding a queue through a rule, a custom bus with a pattern of several operators and an input
 * transformer, a target that fails and its dead-letter queue, a disabled rule, and AWS's errors.
 *
 * <p>Bus, rule, bucket and queue names end with a suffix of this run, so that the test can run again on the same stack.
 */
@LakestackTest
@Order(32)
class EventBridgeIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "000000000000";
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final String TIME = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z";

    private final TestStack stack;
    private final String run = Long.toString(System.currentTimeMillis(), 36);
    private EventBridgeClient events;
    private SqsClient sqs;

    EventBridgeIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeEach
    void clients()
    {
        events = stack.client(EventBridgeClient.builder());
        sqs = stack.client(SqsClient.builder());
    }

    @AfterEach
    void close()
    {
        events.close();
        sqs.close();
    }

    private String name(String base)
    {
        return base + "-" + run;
    }

    private record Queue(String url, String arn) {}

    private Queue createQueue(String base)
    {
        String url = sqs.createQueue(request -> request.queueName(name(base))).queueUrl();
        return new Queue(url, "arn:aws:sqs:" + TestStack.REGION + ":" + ACCOUNT + ":" + name(base));
    }

    /** Receives until {@code count} messages arrived, then checks that no further one comes within a short poll. */
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

    private static void assertError(Executable call, int status, String code, String message)
    {
        assertThatThrownBy(call::execute).isInstanceOfSatisfying(EventBridgeException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(status);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(message);
        });
    }

    private String ruleArn(String bus, String rule)
    {
        return "arn:aws:events:" + TestStack.REGION + ":" + ACCOUNT + ":rule/" + (bus.equals("default") ? "" : bus + "/") + rule;
    }

    @Test
    void s3ObjectCreatedEventReachesAQueueThroughARule()
            throws Exception
    {
        String bucket = name("eb-bucket");
        Queue queue = createQueue("eb-s3");
        String rule = name("s3-created");
        String pattern = "{\"source\":[\"aws.s3\"],\"detail-type\":[\"Object Created\"],\"detail\":{\"bucket\":{\"name\":[\"" + bucket + "\"]},"
                + "\"object\":{\"key\":[{\"prefix\":\"in/\"}]}}}";
        String arn = events.putRule(request -> request.name(rule).eventPattern(pattern)).ruleArn();
        assertThat(arn).isEqualTo(ruleArn("default", rule));
        PutTargetsResponse targets = events.putTargets(request -> request.rule(rule).targets(Target.builder().id("queue").arn(queue.arn()).build()));
        assertThat(targets.failedEntryCount()).isZero();
        byte[] content = "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8);
        try (S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket(bucket));
            s3.putBucketNotificationConfiguration(request -> request.bucket(bucket).notificationConfiguration(configuration -> configuration
                    .eventBridgeConfiguration(EventBridgeConfiguration.builder().build())));
            s3.putObject(request -> request.bucket(bucket).key("other/skip.csv"), RequestBody.fromBytes(content));
            s3.putObject(request -> request.bucket(bucket).key("in/data.csv"), RequestBody.fromBytes(content));
        }

        JsonNode event = json(receiveExactly(queue, 1).get(0).body());
        String etag = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
        assertThat(event.get("id").asText()).matches(UUID);
        assertThat(event.get("time").asText()).matches(TIME);
        JsonNode detail = event.get("detail");
        assertThat(detail.get("object").get("sequencer").asText()).matches("[0-9A-F]+");
        assertThat(detail.get("request-id").asText()).isNotEmpty();
        assertThat(detail.get("source-ip-address").asText()).matches("[0-9.:a-f]+");
        assertThat(event).isEqualTo(json("""
                {"version":"0","id":"%s","detail-type":"Object Created","source":"aws.s3","account":"%s","time":"%s","region":"%s",
                 "resources":["arn:aws:s3:::%s"],
                 "detail":{"version":"0","bucket":{"name":"%s"},
                           "object":{"key":"in/data.csv","size":%d,"etag":"%s","sequencer":"%s"},
                           "request-id":"%s","requester":"%s","source-ip-address":"%s","reason":"PutObject"}}"""
                .formatted(event.get("id").asText(), ACCOUNT, event.get("time").asText(), TestStack.REGION, bucket, bucket, content.length, etag,
                        detail.get("object").get("sequencer").asText(), detail.get("request-id").asText(), ACCOUNT,
                        detail.get("source-ip-address").asText())));

        events.removeTargets(request -> request.rule(rule).ids("queue"));
        events.deleteRule(request -> request.name(rule));
    }

    @Test
    void customBusPatternOfSeveralOperatorsAndInputTransformer()
    {
        String bus = name("orders");
        String busArn = events.createEventBus(request -> request.name(bus)).eventBusArn();
        assertThat(busArn).isEqualTo("arn:aws:events:" + TestStack.REGION + ":" + ACCOUNT + ":event-bus/" + bus);
        Queue queue = createQueue("eb-orders");
        String rule = name("big-orders");
        String pattern = """
                {"source":[{"prefix":"shop."}],
                 "detail":{"amount":[{"numeric":[">",100,"<=",1000]}],
                           "status":[{"anything-but":["cancelled","test"]}],
                           "coupon":[{"exists":false}],
                           "$or":[{"country":[{"equals-ignore-case":"de"}]},{"email":[{"wildcard":"*@example.com"}]}]}}""";
        String arn = events.putRule(request -> request.name(rule).eventBusName(bus).eventPattern(pattern).description("orders over 100")).ruleArn();
        assertThat(arn).isEqualTo(ruleArn(bus, rule));
        events.putTargets(request -> request.rule(rule).eventBusName(bus).targets(Target.builder().id("to-queue").arn(queue.arn())
                .inputTransformer(transformer -> transformer
                        .inputPathsMap(Map.of("order", "$.detail.order", "amount", "$.detail.amount", "items", "$.detail.items"))
                        .inputTemplate("{\"text\": \"order <order> of <amount> EUR\", \"amount\": <amount>, \"items\": <items>, "
                                + "\"rule\": \"<aws.events.rule-name>\"}"))
                .build()));

        List<PutEventsRequestEntry> entries = List.of(
                entry(bus, "shop.web", "{\"order\":\"o-1\",\"amount\":250,\"status\":\"paid\",\"country\":\"DE\",\"items\":[\"a\",\"b\"]}"),
                entry(bus, "shop.web", "{\"order\":\"o-2\",\"amount\":50,\"status\":\"paid\",\"country\":\"DE\"}"),
                entry(bus, "shop.web", "{\"order\":\"o-3\",\"amount\":250,\"status\":\"cancelled\",\"country\":\"DE\"}"),
                entry(bus, "shop.app", "{\"order\":\"o-4\",\"amount\":999,\"status\":\"paid\",\"email\":\"x@example.com\",\"items\":[]}"),
                entry(bus, "shop.web", "{\"order\":\"o-5\",\"amount\":250,\"status\":\"paid\",\"country\":\"DE\",\"coupon\":\"X\"}"),
                entry(bus, "other", "{\"order\":\"o-6\",\"amount\":250,\"status\":\"paid\",\"country\":\"DE\"}"),
                entry(bus, "shop.web", "{not json"),
                PutEventsRequestEntry.builder().eventBusName(bus).source("shop.web").detail("{}").build());
        PutEventsResponse response = events.putEvents(request -> request.entries(entries));
        assertThat(response.failedEntryCount()).isEqualTo(2);
        List<PutEventsResultEntry> results = response.entries();
        assertThat(results).hasSize(8);
        assertThat(results.subList(0, 6)).allSatisfy(result -> {
            assertThat(result.eventId()).matches(UUID);
            assertThat(result.errorCode()).isNull();
        });
        assertThat(results.get(6).eventId()).isNull();
        assertThat(results.get(6).errorCode()).isEqualTo("MalformedDetail");
        assertThat(results.get(6).errorMessage()).isEqualTo("Detail is malformed.");
        assertThat(results.get(7).errorCode()).isEqualTo("InvalidArgument");
        assertThat(results.get(7).errorMessage()).isEqualTo("Parameter DetailType is not valid. Reason: DetailType is a required argument.");

        List<String> bodies = receiveExactly(queue, 2).stream().map(Message::body).sorted().toList();
        assertThat(bodies).containsExactly(
                "{\"text\": \"order o-1 of 250 EUR\", \"amount\": 250, \"items\": [\"a\",\"b\"], \"rule\": \"" + rule + "\"}",
                "{\"text\": \"order o-4 of 999 EUR\", \"amount\": 999, \"items\": [], \"rule\": \"" + rule + "\"}");

        assertThat(events.describeRule(request -> request.name(rule).eventBusName(bus)).state().toString()).isEqualTo("ENABLED");
        assertThat(events.listRuleNamesByTarget(request -> request.targetArn(queue.arn()).eventBusName(bus)).ruleNames()).containsExactly(rule);
        assertThat(events.listTargetsByRule(request -> request.rule(rule).eventBusName(bus)).targets().get(0).retryPolicy().maximumRetryAttempts())
                .isEqualTo(185);
        assertError(() -> events.deleteRule(request -> request.name(rule).eventBusName(bus)), 400, "ValidationException",
                "Rule can't be deleted since it has targets.");
        events.removeTargets(request -> request.rule(rule).eventBusName(bus).ids("to-queue"));
        events.deleteRule(request -> request.name(rule).eventBusName(bus));
        events.deleteEventBus(request -> request.name(bus));
    }

    private static PutEventsRequestEntry entry(String bus, String source, String detail)
    {
        return PutEventsRequestEntry.builder().eventBusName(bus).source(source).detailType("Order").detail(detail).build();
    }

    @Test
    void failingTargetSendsTheEventToItsDeadLetterQueue()
    {
        String bus = name("dlq-bus");
        events.createEventBus(request -> request.name(bus));
        Queue target = createQueue("eb-gone");
        Queue deadLetters = createQueue("eb-dlq");
        String rule = name("to-gone");
        events.putRule(request -> request.name(rule).eventBusName(bus).eventPattern("{\"source\":[\"app\"]}"));
        events.putTargets(request -> request.rule(rule).eventBusName(bus).targets(Target.builder().id("gone").arn(target.arn())
                .retryPolicy(policy -> policy.maximumRetryAttempts(2).maximumEventAgeInSeconds(60))
                .deadLetterConfig(config -> config.arn(deadLetters.arn())).build()));
        sqs.deleteQueue(request -> request.queueUrl(target.url()));
        PutEventsResponse response = events.putEvents(request -> request.entries(entry(bus, "app", "{\"n\":1}")));
        String eventId = response.entries().get(0).eventId();

        Message message = receiveExactly(deadLetters, 1).get(0);
        JsonNode event = json(message.body());
        assertThat(event.get("id").asText()).isEqualTo(eventId);
        assertThat(event.get("detail")).isEqualTo(json("{\"n\":1}"));
        Map<String, String> attributes = new TreeMap<>();
        message.messageAttributes().forEach((key, value) -> attributes.put(key, value.stringValue()));
        assertThat(attributes).containsOnlyKeys("RULE_ARN", "TARGET_ARN", "ERROR_CODE", "ERROR_MESSAGE", "RETRY_ATTEMPTS");
        assertThat(attributes.get("RULE_ARN")).isEqualTo(ruleArn(bus, rule));
        assertThat(attributes.get("TARGET_ARN")).isEqualTo(target.arn());
        assertThat(attributes.get("ERROR_CODE")).isEqualTo("RESOURCE_NOT_FOUND");
        assertThat(attributes.get("ERROR_MESSAGE")).startsWith("sqs call for " + target.arn() + " failed: ");
        assertThat(attributes.get("RETRY_ATTEMPTS")).isEqualTo("0");
        assertThat(message.messageAttributes().values()).extracting(MessageAttributeValue::dataType).containsOnly("String");
    }

    @Test
    void scheduledRuleDeliversItsScheduledEvent()
    {
        Queue queue = createQueue("eb-scheduled");
        String rule = name("scheduled");
        // disabled until its target is there: a rate rule's first occurrence is at its enabling
        events.putRule(request -> request.name(rule).scheduleExpression("rate(1 hour)").state("DISABLED"));
        events.putTargets(request -> request.rule(rule).targets(Target.builder().id("q").arn(queue.arn()).build()));
        assertThat(events.describeRule(request -> request.name(rule)).scheduleExpression()).isEqualTo("rate(1 hour)");
        events.enableRule(request -> request.name(rule));

        JsonNode event = json(receiveExactly(queue, 1).get(0).body());
        assertThat(event.get("detail-type").asText()).isEqualTo("Scheduled Event");
        assertThat(event.get("source").asText()).isEqualTo("aws.events");
        assertThat(event.get("account").asText()).isEqualTo(ACCOUNT);
        assertThat(event.get("region").asText()).isEqualTo(TestStack.REGION);
        assertThat(event.get("resources").toString()).isEqualTo("[\"" + ruleArn("default", rule) + "\"]");
        assertThat(event.get("detail").toString()).isEqualTo("{}");
        assertThat(event.get("version").asText()).isEqualTo("0");
        assertThat(event.get("id").asText()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(event.get("time").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
        events.disableRule(request -> request.name(rule));
        events.removeTargets(request -> request.rule(rule).ids("q"));
        events.deleteRule(request -> request.name(rule));
    }

    @Test
    void disabledRuleDeliversNothingUntilEnabledAgain()
    {
        String bus = name("toggle");
        events.createEventBus(request -> request.name(bus));
        Queue queue = createQueue("eb-toggle");
        String rule = name("toggle");
        events.putRule(request -> request.name(rule).eventBusName(bus).eventPattern("{\"source\":[\"app\"]}").state("DISABLED"));
        events.putTargets(request -> request.rule(rule).eventBusName(bus).targets(Target.builder().id("q").arn(queue.arn()).input("{\"fixed\":true}")
                .build()));
        events.putEvents(request -> request.entries(entry(bus, "app", "{\"n\":1}")));
        events.enableRule(request -> request.name(rule).eventBusName(bus));
        await().atMost(PATIENCE).until(() -> stack.kafkaAdmin().listConsumerGroups().all().get().stream()
                .anyMatch(group -> group.groupId().startsWith("lakestack.events.rule." + bus + "." + rule + ".")));
        events.putEvents(request -> request.entries(entry(bus, "app", "{\"n\":2}")));
        assertThat(receiveExactly(queue, 1)).extracting(Message::body).containsExactly("{\"fixed\":true}");
    }

    @Test
    void kinesisTargetTakesItsPartitionKeyFromTheEvent()
    {
        String stream = name("eb-stream");
        String bus = name("to-kinesis");
        String rule = name("to-kinesis");
        try (KinesisClient kinesis = stack.kinesis()) {
            kinesis.createStream(request -> request.streamName(stream).shardCount(1));
            await().atMost(PATIENCE).until(() -> kinesis.describeStreamSummary(request -> request.streamName(stream)).streamDescriptionSummary()
                    .streamStatusAsString().equals("ACTIVE"));
            events.createEventBus(request -> request.name(bus));
            events.putRule(request -> request.name(rule).eventBusName(bus).eventPattern("{\"detail-type\":[\"click\"]}"));
            String streamArn = "arn:aws:kinesis:" + TestStack.REGION + ":" + ACCOUNT + ":stream/" + stream;
            PutTargetsResponse targets = events.putTargets(request -> request.rule(rule).eventBusName(bus).targets(Target.builder().id("k")
                    .arn(streamArn).inputPath("$.detail").kinesisParameters(parameters -> parameters.partitionKeyPath("$.detail.user")).build()));
            assertThat(targets.failedEntryCount()).isZero();
            events.putEvents(request -> request.entries(PutEventsRequestEntry.builder().eventBusName(bus).source("web").detailType("click")
                    .detail("{\"user\":\"u-7\",\"page\":\"/\"}").build()));

            String iterator = kinesis.getShardIterator(request -> request.streamName(stream).shardId("shardId-000000000000")
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            List<Record> records = new ArrayList<>();
            await().atMost(PATIENCE).until(() -> {
                records.addAll(kinesis.getRecords(request -> request.shardIterator(iterator)).records());
                return !records.isEmpty();
            });
            assertThat(records).extracting(Record::partitionKey, record -> record.data().asUtf8String())
                    .containsExactly(tuple("u-7", "{\"user\":\"u-7\",\"page\":\"/\"}"));
        }
        events.removeTargets(request -> request.rule(rule).eventBusName(bus).ids("k"));
    }

    @Test
    void stateMachineTargetStartsAnExecutionWithTheMatchedEvent()
            throws Exception
    {
        String machine = name("eb-machine");
        String bus = name("to-states");
        String rule = name("to-states");
        try (SfnClient sfn = stack.client(SfnClient.builder())) {
            String machineArn = sfn.createStateMachine(request -> request.name(machine).roleArn("arn:aws:iam::" + ACCOUNT + ":role/eb")
                    .definition("{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"Parameters\":{\"user.$\":\"$.user\"},\"End\":true}}}"))
                    .stateMachineArn();
            events.createEventBus(request -> request.name(bus));
            events.putRule(request -> request.name(rule).eventBusName(bus).eventPattern("{\"detail-type\":[\"signup\"]}"));
            PutTargetsResponse targets = events.putTargets(request -> request.rule(rule).eventBusName(bus).targets(Target.builder().id("sm")
                    .arn(machineArn).roleArn("arn:aws:iam::" + ACCOUNT + ":role/eb").inputPath("$.detail").build()));
            assertThat(targets.failedEntryCount()).isZero();
            events.putEvents(request -> request.entries(PutEventsRequestEntry.builder().eventBusName(bus).source("web").detailType("signup")
                    .detail("{\"user\":\"u-9\",\"plan\":\"free\"}").build()));

            var started = await().atMost(PATIENCE).until(() -> sfn.listExecutions(request -> request.stateMachineArn(machineArn)).executions(),
                    executions -> !executions.isEmpty());
            assertThat(started).hasSize(1);
            String execution = started.get(0).executionArn();
            var ended = await().atMost(PATIENCE).until(() -> sfn.describeExecution(request -> request.executionArn(execution)),
                    described -> described.status() != ExecutionStatus.RUNNING);
            assertThat(ended.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(JSON.readTree(ended.input())).isEqualTo(JSON.readTree("{\"user\":\"u-9\",\"plan\":\"free\"}"));
            assertThat(JSON.readTree(ended.output())).isEqualTo(JSON.readTree("{\"user\":\"u-9\"}"));
        }
        events.removeTargets(request -> request.rule(rule).eventBusName(bus).ids("sm"));
    }

    @Test
    void validationErrors()
    {
        String rule = name("invalid");
        assertError(() -> events.putRule(request -> request.name(rule).eventPattern("{\"source\":[{\"foo\":1}]}")), 400, "InvalidEventPatternException",
                "Event pattern is not valid. Reason: Unrecognized match type foo\n at [Source: (String)\"{\"source\":[{\"foo\":1}]}\"; line: 1, column: 20]");
        assertError(() -> events.putRule(request -> request.name(rule).eventPattern("{\"a\":[{\"numeric\":[\">\",5,\"<\",1]}]}")), 400,
                "InvalidEventPatternException",
                "Event pattern is not valid. Reason: Bottom must be less than top\n at [Source: (String)\"{\"a\":[{\"numeric\":[\">\",5,\"<\",1]}]}\"; "
                        + "line: 1, column: 31]");
        assertError(() -> events.putRule(request -> request.name(rule).scheduleExpression("at(2030-01-01T00:00:00)")), 400, "ValidationException",
                "Parameter ScheduleExpression is not valid: rules take rate(...) and cron(...) expressions; a one-time at(...) is EventBridge "
                        + "Scheduler's (CreateSchedule)");
        assertError(() -> events.putRule(request -> request.name(rule).scheduleExpression("rate(5 minute)")), 400, "ValidationException",
                "Parameter ScheduleExpression is not valid. Invalid Schedule Expression rate(5 minute). A value other than 1 takes the plural unit "
                        + "minutes.");
        assertError(() -> events.putRule(request -> request.name(rule).scheduleExpression("rate(5 minutes)").eventPattern("{\"a\":[1]}")), 400,
                "ValidationException", "lakestack runs a rule on an EventPattern or on a ScheduleExpression, not on both: make two rules");
        String bus = name("no-schedules");
        events.createEventBus(request -> request.name(bus));
        assertError(() -> events.putRule(request -> request.name(rule).eventBusName(bus).scheduleExpression("rate(5 minutes)")), 400,
                "ValidationException", "ScheduleExpression is supported only on the default event bus.");
        assertError(() -> events.putRule(request -> request.name(rule)), 400, "ValidationException",
                "Parameter(s) EventPattern or ScheduleExpression must be specified.");
        assertError(() -> events.putRule(request -> request.name(rule).eventBusName(name("no-bus")).eventPattern("{\"a\":[1]}")), 400,
                "ResourceNotFoundException", "Event bus " + name("no-bus") + " does not exist.");
        assertError(() -> events.describeRule(request -> request.name(rule)), 400, "ResourceNotFoundException",
                "Rule " + rule + " does not exist on EventBus default.");
        assertError(() -> events.deleteEventBus(request -> request.name("default")), 400, "ValidationException", "Cannot delete event bus default.");
        assertError(() -> events.createEventBus(request -> request.name("default")), 400, "ResourceAlreadyExistsException",
                "Event bus default already exists.");

        List<PutEventsRequestEntry> eleven = IntStream.range(0, 11).mapToObj(i -> entry("default", "app", "{}")).toList();
        assertError(() -> events.putEvents(request -> request.entries(eleven)), 400, "ValidationException",
                "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10");
        String big = "{\"x\":\"" + "a".repeat(200_000) + "\"}";
        assertError(() -> events.putEvents(request -> request.entries(entry("default", "app", big), entry("default", "app", big))), 400,
                "ValidationException", "Total size of the entries in the request is over the limit.");
        PutEventsResponse aws = events.putEvents(request -> request.entries(entry("default", "aws.s3", "{}")));
        assertThat(aws.entries().get(0).errorCode()).isEqualTo("NotAuthorizedForSourceException");

        events.putRule(request -> request.name(rule).eventPattern("{\"source\":[\"nothing\"]}"));
        String queue = "arn:aws:sqs:" + TestStack.REGION + ":" + ACCOUNT + ":q";
        PutTargetsResponse targets = events.putTargets(request -> request.rule(rule).targets(
                Target.builder().id("ok").arn(queue).build(),
                Target.builder().id("ecs").arn(queue).ecsParameters(ecs -> ecs.taskDefinitionArn("arn:aws:ecs:us-east-1:000000000000:task-definition/t"))
                        .build(),
                Target.builder().id("sfn").arn("arn:aws:states:" + TestStack.REGION + ":" + ACCOUNT + ":stateMachine:m").build(),
                Target.builder().id("two").arn(queue).input("{}").inputPath("$.detail").build(),
                Target.builder().id("retry").arn(queue).retryPolicy(policy -> policy.maximumRetryAttempts(186)).build(),
                Target.builder().id("template").arn(queue).inputTransformer(t -> t.inputPathsMap(Map.of("a", "$.detail.a"))
                        .inputTemplate("{\"a\": <a>")).build()));
        assertThat(targets.failedEntryCount()).isEqualTo(4);
        Map<String, String> failures = new TreeMap<>();
        for (PutTargetsResultEntry failure : targets.failedEntries()) {
            assertThat(failure.errorCode()).isEqualTo("ValidationException");
            failures.put(failure.targetId(), failure.errorMessage());
        }
        assertThat(failures.get("ecs")).isEqualTo("EcsParameters is not supported by lakestack: targets take Input, InputPath, InputTransformer, "
                + "RetryPolicy, DeadLetterConfig, RoleArn, SqsParameters and KinesisParameters only.");
        assertThat(failures).doesNotContainKey("sfn");
        assertThat(failures.get("two")).isEqualTo("Only one of Input, InputPath, or InputTransformer can be provided for target two.");
        assertThat(failures.get("retry")).isEqualTo("1 validation error detected: Value '186' at 'Targets.5.RetryPolicy.MaximumRetryAttempts' failed to "
                + "satisfy constraint: Member must have value less than or equal to 185");
        assertThat(failures.get("template")).startsWith("Invalid InputTemplate for target template: ");
        assertThat(events.listTargetsByRule(request -> request.rule(rule)).targets()).extracting(Target::id).containsExactly("ok", "sfn");
        events.removeTargets(request -> request.rule(rule).ids("sfn"));
        List<Target> five = IntStream.range(0, 5).mapToObj(i -> Target.builder().id("t" + i).arn(queue).build()).toList();
        assertError(() -> events.putTargets(request -> request.rule(rule).targets(five)), 400, "LimitExceededException",
                "The requested resource exceeds the maximum number allowed. A rule has at most 5 targets; rule " + rule + " would have 6.");
        events.removeTargets(request -> request.rule(rule).ids("ok"));
        events.deleteRule(request -> request.name(rule));
    }

    @Test
    void awsCliPutsRulesAndEventsAndTestsPatterns()
            throws Exception
    {
        AwsCli aws = AwsCli.required(stack);
        String rule = name("cli");
        AwsCli.Result put = aws.run("events", "put-rule", "--name", rule, "--event-pattern", "{\"source\":[\"cli.app\"]}", "--query", "RuleArn",
                "--output", "text");
        assertThat(put).isEqualTo(new AwsCli.Result(0, ruleArn("default", rule) + "\n", ""));
        Queue queue = createQueue("eb-cli");
        AwsCli.Result targets = aws.run("events", "put-targets", "--rule", rule, "--targets", "Id=q,Arn=" + queue.arn() + ",InputPath=$.detail");
        assertThat(targets.exitCode()).as(targets.stderr()).isZero();
        assertThat(json(targets.stdout())).isEqualTo(json("{\"FailedEntryCount\":0,\"FailedEntries\":[]}"));
        AwsCli.Result sent = aws.run("events", "put-events", "--entries",
                "[{\"Source\":\"cli.app\",\"DetailType\":\"t\",\"Detail\":\"{\\\"k\\\":\\\"v\\\"}\"}]");
        assertThat(sent.exitCode()).as(sent.stderr()).isZero();
        assertThat(json(sent.stdout()).get("FailedEntryCount").asInt()).isZero();
        assertThat(receiveExactly(queue, 1)).extracting(Message::body).containsExactly("{\"k\":\"v\"}");

        String event = "{\"id\":\"1\",\"account\":\"" + ACCOUNT + "\",\"source\":\"cli.app\",\"time\":\"2026-01-01T00:00:00Z\",\"region\":\""
                + TestStack.REGION + "\",\"resources\":[],\"detail-type\":\"t\",\"detail\":{}}";
        AwsCli.Result tested = aws.run("events", "test-event-pattern", "--event-pattern", "{\"source\":[{\"prefix\":\"cli.\"}]}", "--event", event);
        assertThat(tested.exitCode()).as(tested.stderr()).isZero();
        assertThat(json(tested.stdout())).isEqualTo(json("{\"Result\":true}"));
        AwsCli.Result invalid = aws.run("events", "test-event-pattern", "--event-pattern", "{\"source\":\"cli.app\"}", "--event", event);
        assertThat(invalid.exitCode()).isEqualTo(254);
        assertThat(invalid.stderr()).contains("An error occurred (InvalidEventPatternException) when calling the TestEventPattern operation: Event pattern "
                + "is not valid. Reason: \"source\" must be an object or an array");
        aws.run("events", "remove-targets", "--rule", rule, "--ids", "q");
        AwsCli.Result deleted = aws.run("events", "delete-rule", "--name", rule);
        assertThat(deleted.exitCode()).as(deleted.stderr()).isZero();
    }
}
