package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.testing.AwsCli;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.RawRequests;
import io.lakestack.testing.TestStack;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * EventBridge Scheduler on the real stack: schedules fire their occurrences to SQS exactly once with two endpoints on
 * the same Kafka, one-time schedules delete themselves, rate schedules deliver one message per occurrence, and input
 * is validated as AWS does. The Scheduler SDK is not used (its artifact does not resolve): requests are signed raw
 * REST-JSON, as the SDK would send them.
 */
@LakestackTest
@Order(95)
class SchedulerIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROLE = "arn:aws:iam::000000000000:role/scheduler";

    private final TestStack stack;
    private final EndpointProcesses endpoints;
    private SqsClient sqs;

    SchedulerIntegrationTest(TestStack stack)
    {
        this.stack = stack;
        this.endpoints = new EndpointProcesses(stack);
    }

    @BeforeEach
    void connect()
    {
        sqs = stack.client(SqsClient.builder());
    }

    @Test
    void oneTimeSchedulesFireExactlyOnceAcrossTwoEndpointsAndDeleteThemselves()
            throws Exception
    {
        endpoints.start();
        String queueUrl = sqs.createQueue(request -> request.queueName("it-scheduler-once")).queueUrl();
        String queueArn = "arn:aws:sqs:us-east-1:000000000000:it-scheduler-once";
        // eight schedules, so that both endpoints own some (a schedule's owner is the owner of its key's partition)
        String at = soon(8);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String name = "it-once-" + i;
            names.add(name);
            ObjectNode body = schedule("at(" + at + ")", queueArn, "{\"schedule\":\"" + name + "\",\"time\":\"<aws.scheduler.scheduled-time>\"}");
            body.put("ActionAfterCompletion", "DELETE");
            HttpResponse<String> created = call("POST", "/schedules/" + name, body);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            assertThat(JSON.readTree(created.body()).path("ScheduleArn").asText()).isEqualTo("arn:aws:scheduler:us-east-1:000000000000:schedule/default/" + name);
        }
        List<String> bodies = new CopyOnWriteArrayList<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            receive(queueUrl, 1).forEach(message -> bodies.add(message.body()));
            return bodies.size() >= 8;
        });
        // each deleted itself after its one occurrence
        for (String name : names) {
            await().atMost(Duration.ofSeconds(20)).until(() -> call("GET", "/schedules/" + name, null).statusCode() == 404);
        }
        bodies.addAll(receive(queueUrl, 2).stream().map(Message::body).toList());
        List<String> expected = names.stream().map(name -> "{\"schedule\":\"" + name + "\",\"time\":\"" + at + "Z\"}").toList();
        assertThat(bodies).containsExactlyInAnyOrderElementsOf(expected);
        // and the outbox holds exactly one committed invocation per schedule
        Map<String, Integer> invocations = committedInvocations();
        for (String name : names) {
            assertThat(invocations.get("default/" + name)).as(name).isEqualTo(1);
        }
    }

    @Test
    void rateScheduleDeliversOneMessagePerOccurrence()
            throws Exception
    {
        String queueUrl = sqs.createQueue(request -> request.queueName("it-scheduler-rate")).queueUrl();
        ObjectNode body = schedule("rate(1 minute)", "arn:aws:sqs:us-east-1:000000000000:it-scheduler-rate",
                "{\"time\":\"<aws.scheduler.scheduled-time>\",\"execution\":\"<aws.scheduler.execution-id>\",\"attempt\":<aws.scheduler.attempt-number>,"
                        + "\"arn\":\"<aws.scheduler.schedule-arn>\"}");
        assertThat(call("POST", "/schedules/it-rate", body).statusCode()).isEqualTo(200);
        JsonNode described = JSON.readTree(call("GET", "/schedules/it-rate", null).body());
        Instant created = Instant.ofEpochMilli(Math.round(described.path("CreationDate").asDouble() * 1000)).truncatedTo(ChronoUnit.SECONDS);
        List<JsonNode> messages = new CopyOnWriteArrayList<>();
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                for (Message message : receive(queueUrl, 1)) {
                    messages.add(JSON.readTree(message.body()));
                }
                return messages.size() >= 2;
            });
        }
        finally {
            assertThat(call("DELETE", "/schedules/it-rate", null).statusCode()).isEqualTo(200);
        }
        // occurrences count from the creation: at it, then a minute later
        assertThat(messages.subList(0, 2).stream().map(message -> message.path("time").asText()).toList())
                .containsExactly(created.toString(), created.plusSeconds(60).toString());
        assertThat(messages.get(0).path("execution").asText()).isNotEqualTo(messages.get(1).path("execution").asText()).hasSize(36);
        assertThat(messages.get(0).path("attempt").asInt()).isEqualTo(1);
        assertThat(messages.get(0).path("arn").asText()).isEqualTo("arn:aws:scheduler:us-east-1:000000000000:schedule/default/it-rate");
    }

    @Test
    void universalTargetCallsTheServiceApi()
            throws Exception
    {
        String queueUrl = sqs.createQueue(request -> request.queueName("it-scheduler-universal")).queueUrl();
        String at = soon(3);
        ObjectNode input = JSON.createObjectNode();
        input.put("QueueUrl", queueUrl);
        input.put("MessageBody", "sent by <aws.scheduler.schedule-arn>");
        ObjectNode body = schedule("at(" + at + ")", "arn:aws:scheduler:::aws-sdk:sqs:sendMessage", JSON.writeValueAsString(input));
        assertThat(call("POST", "/schedules/it-universal", body).statusCode()).isEqualTo(200);
        List<String> bodies = new CopyOnWriteArrayList<>();
        await().atMost(Duration.ofSeconds(40)).until(() -> {
            receive(queueUrl, 1).forEach(message -> bodies.add(message.body()));
            return !bodies.isEmpty();
        });
        assertThat(bodies).containsExactly("sent by arn:aws:scheduler:us-east-1:000000000000:schedule/default/it-universal");
        // without ActionAfterCompletion DELETE, a fired one-time schedule stays
        assertThat(call("GET", "/schedules/it-universal", null).statusCode()).isEqualTo(200);
        assertThat(call("DELETE", "/schedules/it-universal", null).statusCode()).isEqualTo(200);
    }

    @Test
    void stateMachineTargetStartsAnExecutionWithTheInput()
            throws Exception
    {
        try (SfnClient sfn = stack.client(SfnClient.builder())) {
            String machineArn = sfn.createStateMachine(request -> request.name("it-scheduler-machine").roleArn(ROLE)
                    .definition("{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}}")).stateMachineArn();
            String at = soon(3);
            ObjectNode body = schedule("at(" + at + ")", machineArn, "{\"order\":42,\"schedule\":\"<aws.scheduler.schedule-arn>\"}");
            assertThat(call("POST", "/schedules/it-machine", body).statusCode()).isEqualTo(200);

            var started = await().atMost(Duration.ofSeconds(40)).until(() -> sfn.listExecutions(request -> request.stateMachineArn(machineArn))
                    .executions(), executions -> !executions.isEmpty());
            assertThat(started).hasSize(1);
            var ended = await().atMost(Duration.ofSeconds(40)).until(() -> sfn.describeExecution(request -> request.executionArn(
                    started.get(0).executionArn())), described -> described.status() != ExecutionStatus.RUNNING);
            assertThat(ended.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(JSON.readTree(ended.output())).isEqualTo(JSON.readTree(
                    "{\"order\":42,\"schedule\":\"arn:aws:scheduler:us-east-1:000000000000:schedule/default/it-machine\"}"));
        }
        assertThat(call("DELETE", "/schedules/it-machine", null).statusCode()).isEqualTo(200);
    }

    @Test
    void eventBusTargetPutsTheInputAsAnEventsDetail()
            throws Exception
    {
        String queueUrl = sqs.createQueue(request -> request.queueName("it-scheduler-bus")).queueUrl();
        try (EventBridgeClient events = stack.client(EventBridgeClient.builder())) {
            events.putRule(request -> request.name("it-scheduler-bus").eventPattern("{\"source\":[\"it.scheduler\"]}"));
            events.putTargets(request -> request.rule("it-scheduler-bus").targets(Target.builder().id("queue")
                    .arn("arn:aws:sqs:us-east-1:000000000000:it-scheduler-bus").build()));
            String at = soon(3);
            ObjectNode body = schedule("at(" + at + ")", "arn:aws:events:us-east-1:000000000000:event-bus/default", "{\"order\":42,\"at\":\"<aws.scheduler.scheduled-time>\"}");
            ((ObjectNode) body.get("Target")).putObject("EventBridgeParameters").put("DetailType", "Order due").put("Source", "it.scheduler");
            HttpResponse<String> createdBus = call("POST", "/schedules/it-bus", body);
            assertThat(createdBus.statusCode()).as(createdBus.body()).isEqualTo(200);
            assertThat(JSON.readTree(call("GET", "/schedules/it-bus", null).body()).path("Target").path("EventBridgeParameters").toString())
                    .isEqualTo("{\"DetailType\":\"Order due\",\"Source\":\"it.scheduler\"}");
            List<JsonNode> received = new CopyOnWriteArrayList<>();
            await().atMost(Duration.ofSeconds(40)).until(() -> {
                for (Message message : receive(queueUrl, 1)) {
                    received.add(JSON.readTree(message.body()));
                }
                return !received.isEmpty();
            });
            JsonNode event = received.get(0);
            assertThat(List.of(event.path("source").asText(), event.path("detail-type").asText(), event.path("detail").toString()))
                    .isEqualTo(List.of("it.scheduler", "Order due", "{\"order\":42,\"at\":\"" + at + "Z\"}"));
            events.removeTargets(request -> request.rule("it-scheduler-bus").ids("queue"));
            events.deleteRule(request -> request.name("it-scheduler-bus"));
        }
        assertThat(call("DELETE", "/schedules/it-bus", null).statusCode()).isEqualTo(200);
        ObjectNode notABus = schedule("rate(5 minutes)", "arn:aws:sqs:us-east-1:000000000000:any", "{}");
        ((ObjectNode) notABus.get("Target")).putObject("EventBridgeParameters").put("DetailType", "d").put("Source", "s");
        assertError(call("POST", "/schedules/bad", notABus), 400, "ValidationException",
                "Target.EventBridgeParameters apply to EventBridge event bus targets only, not arn:aws:sqs:us-east-1:000000000000:any.");
    }

    @Test
    void validationErrors()
            throws Exception
    {
        String queue = "arn:aws:sqs:us-east-1:000000000000:any";
        assertError(call("POST", "/schedules/bad", schedule("rate(1 minutes)", queue, "{}")), 400, "ValidationException",
                "Invalid Schedule Expression rate(1 minutes). The value 1 takes the singular unit minute.");
        assertError(call("POST", "/schedules/bad", schedule("cron(0 12 * * MON *)", queue, "{}")), 400, "ValidationException",
                "Invalid Schedule Expression cron(0 12 * * MON *). One of day-of-month and day-of-week must be ?.");
        ObjectNode zone = schedule("cron(0 12 ? * MON *)", queue, "{}");
        zone.put("ScheduleExpressionTimezone", "Mars/Olympus");
        assertError(call("POST", "/schedules/bad", zone), 400, "ValidationException",
                "Invalid ScheduleExpressionTimezone Mars/Olympus: not an IANA time zone name (such as UTC or Europe/Paris)");
        assertError(call("POST", "/schedules/bad", schedule("rate(5 minutes)", "arn:aws:scheduler:::aws-sdk:s3:putObject", "{}")), 400, "ValidationException",
                "lakestack delivers universal targets to the services that speak a JSON protocol (sqs, kinesis, firehose, glue, athena, logs), not s3: "
                        + "arn:aws:scheduler:::aws-sdk:s3:putObject.");
        ObjectNode kms = schedule("rate(5 minutes)", queue, "{}");
        kms.put("KmsKeyArn", "arn:aws:kms:us-east-1:000000000000:key/k");
        assertError(call("POST", "/schedules/bad", kms), 400, "ValidationException",
                "lakestack does not apply KmsKeyArn: schedules are kept unencrypted in lakestack's record store; leave KmsKeyArn out.");
        ObjectNode ecs = schedule("rate(5 minutes)", queue, "{}");
        ((ObjectNode) ecs.get("Target")).putObject("EcsParameters").put("TaskDefinitionArn", "arn:aws:ecs:us-east-1:000000000000:task-definition/t");
        assertError(call("POST", "/schedules/bad", ecs), 400, "ValidationException", "lakestack does not apply Target.EcsParameters: it runs no ECS tasks; leave it out.");
        ObjectNode retry = schedule("rate(5 minutes)", queue, "{}");
        ((ObjectNode) retry.get("Target")).putObject("RetryPolicy").put("MaximumRetryAttempts", 186);
        assertError(call("POST", "/schedules/bad", retry), 400, "ValidationException",
                "1 validation error detected: Value '186' at 'Target.RetryPolicy.MaximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 185");
        ObjectNode window = schedule("rate(5 minutes)", queue, "{}");
        window.putObject("FlexibleTimeWindow").put("Mode", "FLEXIBLE");
        assertError(call("POST", "/schedules/bad", window), 400, "ValidationException",
                "A FlexibleTimeWindow of Mode FLEXIBLE needs MaximumWindowInMinutes (1 to 1440).");
        ObjectNode group = schedule("rate(5 minutes)", queue, "{}");
        group.put("GroupName", "no-such-group");
        assertError(call("POST", "/schedules/bad", group), 404, "ResourceNotFoundException", "Schedule group no-such-group does not exist.");
        assertError(call("GET", "/schedules/none", null), 404, "ResourceNotFoundException", "Schedule none does not exist.");
        assertError(call("DELETE", "/schedule-groups/default", null), 400, "ValidationException", "The default schedule group cannot be deleted.");

        ObjectNode disabled = schedule("rate(5 minutes)", queue, "{}");
        disabled.put("State", "DISABLED");
        disabled.put("ClientToken", "token-1");
        assertThat(call("POST", "/schedules/it-twice", disabled).statusCode()).isEqualTo(200);
        // the same client token is a retry of the same request; another request is a conflict
        assertThat(call("POST", "/schedules/it-twice", disabled).statusCode()).isEqualTo(200);
        disabled.put("ClientToken", "token-2");
        assertError(call("POST", "/schedules/it-twice", disabled), 409, "ConflictException", "Schedule it-twice already exists.");
        assertThat(JSON.readTree(call("GET", "/schedules?State=DISABLED&NamePrefix=it-twice", null).body()).path("Schedules").get(0).path("Name").asText())
                .isEqualTo("it-twice");
        assertThat(call("DELETE", "/schedules/it-twice", null).statusCode()).isEqualTo(200);
    }

    @Test
    void groupsAreTaggedAndTakeTheirSchedulesWithThem()
            throws Exception
    {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("Tags").addObject().put("Key", "team").put("Value", "data");
        HttpResponse<String> created = call("POST", "/schedule-groups/it-group", body);
        assertThat(JSON.readTree(created.body()).path("ScheduleGroupArn").asText()).isEqualTo("arn:aws:scheduler:us-east-1:000000000000:schedule-group/it-group");
        assertError(call("POST", "/schedule-groups/it-group", body), 409, "ConflictException", "Schedule group it-group already exists.");
        String arn = URLEncoder.encode("arn:aws:scheduler:us-east-1:000000000000:schedule-group/it-group", StandardCharsets.UTF_8);
        ObjectNode more = JSON.createObjectNode();
        more.putArray("Tags").addObject().put("Key", "stage").put("Value", "test");
        assertThat(call("POST", "/tags/" + arn, more).statusCode()).isEqualTo(200);
        assertThat(call("DELETE", "/tags/" + arn + "?TagKeys=team", null).statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(call("GET", "/tags/" + arn, null).body()).toString()).isEqualTo("{\"Tags\":[{\"Key\":\"stage\",\"Value\":\"test\"}]}");

        ObjectNode schedule = schedule("rate(5 minutes)", "arn:aws:sqs:us-east-1:000000000000:any", "{}");
        schedule.put("GroupName", "it-group");
        schedule.put("State", "DISABLED");
        assertThat(call("POST", "/schedules/in-group", schedule).statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(call("GET", "/schedules?ScheduleGroup=it-group", null).body()).path("Schedules").size()).isEqualTo(1);
        assertThat(call("DELETE", "/schedule-groups/it-group", null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/schedules/in-group?groupName=it-group", null).statusCode()).isEqualTo(404);
        assertError(call("GET", "/schedule-groups/it-group", null), 404, "ResourceNotFoundException", "Schedule group it-group does not exist.");
        assertThat(JSON.readTree(call("GET", "/schedule-groups/default", null).body()).path("State").asText()).isEqualTo("ACTIVE");
    }

    @Test
    void anOwnerKilledMidScheduleIsReplacedAndEveryOccurrenceFiresOnce()
            throws Exception
    {
        Process second = endpoints.start().process();
        String queueUrl = sqs.createQueue(request -> request.queueName("it-scheduler-failover")).queueUrl();
        String queueArn = "arn:aws:sqs:us-east-1:000000000000:it-scheduler-failover";
        String at = soon(15);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String name = "it-failover-" + i;
            names.add(name);
            ObjectNode body = schedule("at(" + at + ")", queueArn, name);
            body.put("ActionAfterCompletion", "DELETE");
            assertThat(call("POST", "/schedules/" + name, body).statusCode()).isEqualTo(200);
        }
        // the second endpoint owns some of them; it dies without a word before their time
        second.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        List<String> bodies = new CopyOnWriteArrayList<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            receive(queueUrl, 1).forEach(message -> bodies.add(message.body()));
            return bodies.size() >= 8;
        });
        for (String name : names) {
            await().atMost(Duration.ofSeconds(20)).until(() -> call("GET", "/schedules/" + name, null).statusCode() == 404);
        }
        bodies.addAll(receive(queueUrl, 2).stream().map(Message::body).toList());
        assertThat(bodies).containsExactlyInAnyOrderElementsOf(names);
        Map<String, Integer> invocations = committedInvocations();
        for (String name : names) {
            assertThat(invocations.get("default/" + name)).as(name).isEqualTo(1);
        }
    }

    @Test
    void anUndeliverableInvocationGoesToTheDeadLetterQueue()
            throws Exception
    {
        String deadLetters = sqs.createQueue(request -> request.queueName("it-scheduler-dead-letters")).queueUrl();
        String at = soon(2);
        ObjectNode body = schedule("at(" + at + ")", "arn:aws:sqs:us-east-1:000000000000:it-scheduler-no-such-queue", "lost <aws.scheduler.attempt-number>");
        ((ObjectNode) body.get("Target")).putObject("DeadLetterConfig").put("Arn", "arn:aws:sqs:us-east-1:000000000000:it-scheduler-dead-letters");
        assertThat(call("POST", "/schedules/it-dead-letter", body).statusCode()).isEqualTo(200);
        List<Message> messages = new CopyOnWriteArrayList<>();
        await().atMost(Duration.ofSeconds(40)).until(() -> {
            messages.addAll(sqs.receiveMessage(request -> request.queueUrl(deadLetters).waitTimeSeconds(1).messageAttributeNames("All")).messages());
            return !messages.isEmpty();
        });
        Message message = messages.get(0);
        assertThat(message.body()).isEqualTo("lost 1");
        assertThat(message.messageAttributes().get("ERROR_CODE").stringValue()).isEqualTo("AWS.SimpleQueueService.NonExistentQueue");
        assertThat(message.messageAttributes().get("TARGET_ARN").stringValue()).isEqualTo("arn:aws:sqs:us-east-1:000000000000:it-scheduler-no-such-queue");
        assertThat(message.messageAttributes().get("SCHEDULE_ARN").stringValue()).isEqualTo("arn:aws:scheduler:us-east-1:000000000000:schedule/default/it-dead-letter");
        assertThat(message.messageAttributes().get("RETRY_ATTEMPTS").stringValue()).isEqualTo("0");
        assertThat(call("DELETE", "/schedules/it-dead-letter", null).statusCode()).isEqualTo(200);
    }

    @Test
    void theAwsCliManagesSchedules()
            throws Exception
    {
        AwsCli aws = AwsCli.required(stack);
        AwsCli.Result created = aws.run("scheduler", "create-schedule", "--name", "it-cli", "--schedule-expression", "cron(0 9 ? * MON-FRI *)",
                "--schedule-expression-timezone", "Europe/Paris", "--flexible-time-window", "Mode=FLEXIBLE,MaximumWindowInMinutes=15",
                "--target", "{\"Arn\":\"arn:aws:sqs:us-east-1:000000000000:any\",\"RoleArn\":\"" + ROLE + "\",\"RetryPolicy\":{\"MaximumRetryAttempts\":3}}",
                "--query", "ScheduleArn", "--output", "text");
        assertThat(created).isEqualTo(new AwsCli.Result(0, "arn:aws:scheduler:us-east-1:000000000000:schedule/default/it-cli\n", ""));
        AwsCli.Result described = aws.run("scheduler", "get-schedule", "--name", "it-cli", "--query",
                "[ScheduleExpressionTimezone, FlexibleTimeWindow.MaximumWindowInMinutes, Target.RetryPolicy.MaximumRetryAttempts, State]", "--output", "text");
        assertThat(described).isEqualTo(new AwsCli.Result(0, "Europe/Paris\t15\t3\tENABLED\n", ""));
        AwsCli.Result listed = aws.run("scheduler", "list-schedules", "--name-prefix", "it-cli", "--query", "Schedules[].Name", "--output", "text");
        assertThat(listed).isEqualTo(new AwsCli.Result(0, "it-cli\n", ""));
        AwsCli.Result invalid = aws.run("scheduler", "create-schedule", "--name", "it-cli-bad", "--schedule-expression", "rate(2 hour)",
                "--flexible-time-window", "Mode=OFF", "--target", "{\"Arn\":\"arn:aws:sqs:us-east-1:000000000000:any\",\"RoleArn\":\"" + ROLE + "\"}");
        assertThat(invalid.exitCode()).isEqualTo(254);
        assertThat(invalid.stderr()).contains("(ValidationException) when calling the CreateSchedule operation: Invalid Schedule Expression rate(2 hour). "
                + "A value other than 1 takes the plural unit hours.");
        assertThat(aws.run("scheduler", "delete-schedule", "--name", "it-cli").exitCode()).isEqualTo(0);
    }

    /**
     * An {@code at()} time a few seconds from now, in whole seconds. The test does not depend on creating the schedule
     * before that time: a one-time schedule created up to a minute after its time still fires, exactly once.
     */
    /**
     * The time {@code seconds} from now as an {@code at()} expression takes it, seconds always written ({@code
     * java.time.LocalDateTime.toString} leaves them out at a whole minute, which the Scheduler rightly refuses).
     */
    static String soon(int seconds)
    {
        return AT_TIME.format(Instant.now().plusSeconds(seconds));
    }

    private static final java.time.format.DateTimeFormatter AT_TIME = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private static ObjectNode schedule(String expression, String targetArn, String input)
    {
        ObjectNode body = JSON.createObjectNode();
        body.put("ScheduleExpression", expression);
        body.putObject("FlexibleTimeWindow").put("Mode", "OFF");
        ObjectNode target = body.putObject("Target");
        target.put("Arn", targetArn);
        target.put("RoleArn", ROLE);
        target.put("Input", input);
        return body;
    }

    private HttpResponse<String> call(String method, String path, JsonNode body)
            throws IOException, InterruptedException
    {
        byte[] bytes = body == null ? new byte[0] : JSON.writeValueAsBytes(body);
        return RawRequests.send(stack.endpoint(), method, path, body == null ? Map.of() : Map.of("Content-Type", "application/json"), bytes, "scheduler",
                TestStack.ACCESS_KEY, TestStack.SECRET_KEY);
    }

    private static void assertError(HttpResponse<String> response, int status, String code, String message)
            throws IOException
    {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("x-amzn-ErrorType").orElse("")).startsWith(code);
        assertThat(JSON.readTree(response.body()).path("message").asText(JSON.readTree(response.body()).path("Message").asText())).isEqualTo(message);
    }

    private List<Message> receive(String queueUrl, int waitSeconds)
    {
        List<Message> messages = sqs.receiveMessage(request -> request.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(waitSeconds)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
        for (Message message : messages) {
            sqs.deleteMessage(request -> request.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
        }
        return messages;
    }

    /** The committed invocations on the scheduler's outbox topic, by schedule key. */
    private Map<String, Integer> committedInvocations()
    {
        Map<String, Integer> counts = new TreeMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.GROUP_ID_CONFIG, "it-scheduler-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor("lakestack.scheduler.invocations").stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    counts.merge(record.key(), 1, Integer::sum);
                }
            }
        }
        return counts;
    }

    @AfterEach
    void stop()
            throws Exception
    {
        endpoints.close();
        sqs.close();
    }
}
