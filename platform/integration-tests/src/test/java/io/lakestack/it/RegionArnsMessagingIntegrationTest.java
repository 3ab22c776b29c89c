package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.RawRequests;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * SQS, SNS, Lambda, CloudWatch Logs, EventBridge and Scheduler with clients signing for {@code us-west-2} and
 * {@code eu-central-1}, not the stack's configured {@code us-east-1}: each resource answers ARNs of the region of the
 * request that created it, is reached by those ARNs, and not by the same ARN naming {@code us-east-1}; deliveries
 * between resources of one region carry that region; the regions survive a restart.
 *
 * <p>Names end with a suffix of this run, so that the test can run again on the same stack. Runs just before
 * {@link RestartIntegrationTest}, as it restarts the stack too.
 */
@LakestackTest
@Order(99)
class RegionArnsMessagingIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "000000000000";
    private static final Region WEST = Region.US_WEST_2;
    private static final Region CENTRAL = Region.EU_CENTRAL_1;
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final TestStack stack;
    private final String run = Long.toString(System.currentTimeMillis(), 36);

    RegionArnsMessagingIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    private String name(String base)
    {
        return base + "-" + run;
    }

    @Test
    void queuesAndTopicsAreOfTheRegionOfTheirClientAndDeliverWithIt()
            throws Exception
    {
        try (SqsClient west = stack.client(SqsClient.builder(), WEST); SqsClient central = stack.client(SqsClient.builder(), CENTRAL);
                SqsClient east = stack.client(SqsClient.builder()); SnsClient sns = stack.client(SnsClient.builder(), WEST)) {
            String queue = name("regional-queue");
            String queueUrl = west.createQueue(request -> request.queueName(queue)).queueUrl();
            String queueArn = "arn:aws:sqs:us-west-2:000000000000:" + queue;
            assertThat(queueArn(west, queueUrl)).isEqualTo(queueArn);
            // names are one namespace: the queue answers a client of another region, by its URL, with its own ARN
            assertThat(queueArn(east, queueUrl)).isEqualTo(queueArn);
            assertThat(central.createQueue(request -> request.queueName(queue)).queueUrl()).isEqualTo(queueUrl);
            assertThat(queueArn(central, queueUrl)).isEqualTo(queueArn);
            String centralQueue = name("central-queue");
            String centralUrl = central.createQueue(request -> request.queueName(centralQueue)).queueUrl();
            assertThat(queueArn(central, centralUrl)).isEqualTo("arn:aws:sqs:eu-central-1:000000000000:" + centralQueue);

            assertThat(west.listMessageMoveTasks(request -> request.sourceArn(queueArn)).results()).isEmpty();
            String eastArn = "arn:aws:sqs:us-east-1:000000000000:" + queue;
            assertError(() -> west.listMessageMoveTasks(request -> request.sourceArn(eastArn)), 404, "ResourceNotFoundException",
                    "The resource that you specified for the SourceArn parameter doesn't exist.");

            String topic = name("regional-topic");
            String topicArn = sns.createTopic(request -> request.name(topic)).topicArn();
            assertThat(topicArn).isEqualTo("arn:aws:sns:us-west-2:000000000000:" + topic);
            assertThat(sns.getTopicAttributes(request -> request.topicArn(topicArn)).attributes()).containsEntry("TopicArn", topicArn);
            assertError(() -> sns.getTopicAttributes(request -> request.topicArn("arn:aws:sns:us-east-1:000000000000:" + topic)), 404, "NotFound",
                    "Topic does not exist");
            String subscriptionArn = sns.subscribe(request -> request.topicArn(topicArn).protocol("sqs").endpoint(queueArn).returnSubscriptionArn(true))
                    .subscriptionArn();
            assertThat(subscriptionArn).matches("arn:aws:sns:us-west-2:000000000000:" + topic + ":[0-9a-f-]{36}");
            assertThat(sns.getSubscriptionAttributes(request -> request.subscriptionArn(subscriptionArn)).attributes())
                    .containsEntry("TopicArn", topicArn).containsEntry("Endpoint", queueArn);

            String messageId = sns.publish(request -> request.topicArn(topicArn).message("from the west")).messageId();
            JsonNode envelope = JSON.readTree(receiveOne(west, queueUrl).body());
            assertThat(envelope.path("MessageId").asText()).isEqualTo(messageId);
            assertThat(envelope.path("TopicArn").asText()).isEqualTo(topicArn);
            assertThat(envelope.path("Message").asText()).isEqualTo("from the west");
            assertThat(envelope.path("UnsubscribeURL").asText()).endsWith("&SubscriptionArn=" + subscriptionArn.replace(":", "%3A"));
        }
    }

    @Test
    void ruleOnABusOfARegionDeliversEventsOfThatRegion()
            throws Exception
    {
        try (EventBridgeClient events = stack.client(EventBridgeClient.builder(), WEST); SqsClient sqs = stack.client(SqsClient.builder(), WEST)) {
            String queue = name("regional-events");
            String queueUrl = sqs.createQueue(request -> request.queueName(queue)).queueUrl();
            String bus = name("regional-bus");
            String busArn = events.createEventBus(request -> request.name(bus)).eventBusArn();
            assertThat(busArn).isEqualTo("arn:aws:events:us-west-2:000000000000:event-bus/" + bus);
            assertThat(events.describeEventBus(request -> request.name(busArn)).arn()).isEqualTo(busArn);
            String rule = name("regional-rule");
            String ruleArn = events.putRule(request -> request.name(rule).eventBusName(busArn).eventPattern("{\"source\":[\"regional\"]}")).ruleArn();
            assertThat(ruleArn).isEqualTo("arn:aws:events:us-west-2:000000000000:rule/" + bus + "/" + rule);
            assertThat(events.putTargets(request -> request.rule(rule).eventBusName(bus)
                    .targets(Target.builder().id("queue").arn("arn:aws:sqs:us-west-2:000000000000:" + queue).build())).failedEntryCount()).isZero();

            String eastBus = "arn:aws:events:us-east-1:000000000000:event-bus/" + bus;
            assertError(() -> events.describeRule(request -> request.name(rule).eventBusName(eastBus)), 400, "ResourceNotFoundException",
                    "Event bus " + eastBus + " does not exist.");
            String eastRule = "arn:aws:events:us-east-1:000000000000:rule/" + bus + "/" + rule;
            assertError(() -> events.listTagsForResource(request -> request.resourceARN(eastRule)), 400, "ResourceNotFoundException",
                    "Rule " + eastRule + " does not exist: the one of that name is " + ruleArn + ".");
            assertThat(events.putEvents(request -> request.entries(PutEventsRequestEntry.builder().eventBusName(eastBus).source("regional")
                    .detailType("Refused").detail("{}").build())).entries().get(0).errorCode()).isEqualTo("ResourceNotFoundException");

            String id = events.putEvents(request -> request.entries(PutEventsRequestEntry.builder().eventBusName(busArn).source("regional")
                    .detailType("Order Placed").detail("{\"order\":7}").resources(busArn).build())).entries().get(0).eventId();
            JsonNode event = JSON.readTree(receiveOne(sqs, queueUrl).body());
            assertThat(event.path("id").asText()).isEqualTo(id);
            assertThat(event.path("region").asText()).isEqualTo("us-west-2");
            assertThat(event.path("account").asText()).isEqualTo(ACCOUNT);
            assertThat(event.path("resources")).isEqualTo(JSON.readTree("[\"" + busArn + "\"]"));
            assertThat(event.path("detail")).isEqualTo(JSON.readTree("{\"order\":7}"));
        }
    }

    @Test
    void logGroupsAndSchedulesAreOfTheRegionOfTheirClient()
            throws Exception
    {
        try (CloudWatchLogsClient logs = stack.client(CloudWatchLogsClient.builder(), WEST); SqsClient sqs = stack.client(SqsClient.builder(), WEST)) {
            String group = "/regional/" + run;
            logs.createLogGroup(request -> request.logGroupName(group));
            String groupArn = "arn:aws:logs:us-west-2:000000000000:log-group:" + group;
            LogGroup described = logs.describeLogGroups(request -> request.logGroupNamePrefix(group)).logGroups().get(0);
            assertThat(described.arn()).isEqualTo(groupArn + ":*");
            assertThat(described.logGroupArn()).isEqualTo(groupArn);
            logs.createLogStream(request -> request.logGroupName(group).logStreamName("s"));
            assertThat(logs.describeLogStreams(request -> request.logGroupIdentifier(groupArn)).logStreams().get(0).arn())
                    .isEqualTo(groupArn + ":log-stream:s");
            String eastArn = "arn:aws:logs:us-east-1:000000000000:log-group:" + group;
            assertError(() -> logs.describeLogStreams(request -> request.logGroupIdentifier(eastArn)), 400, "ResourceNotFoundException",
                    "The specified log group does not exist: " + eastArn);
            assertThat(logs.describeLogGroups(request -> request.logGroupIdentifiers(eastArn)).logGroups()).isEmpty();

            String queue = name("regional-schedules");
            String queueUrl = sqs.createQueue(request -> request.queueName(queue)).queueUrl();
            String scheduleGroup = name("regional-group");
            HttpResponse<String> createdGroup = scheduler("POST", "/schedule-groups/" + scheduleGroup, JSON.createObjectNode());
            assertThat(createdGroup.statusCode()).as(createdGroup.body()).isEqualTo(200);
            String scheduleGroupArn = "arn:aws:scheduler:us-west-2:000000000000:schedule-group/" + scheduleGroup;
            assertThat(JSON.readTree(createdGroup.body()).path("ScheduleGroupArn").asText()).isEqualTo(scheduleGroupArn);
            assertThat(JSON.readTree(scheduler("GET", "/schedule-groups/default", null).body()).path("Arn").asText())
                    .isEqualTo("arn:aws:scheduler:us-west-2:000000000000:schedule-group/default");
            assertThat(scheduler("GET", "/tags/" + scheduleGroupArn.replace("/", "%2F"), null).statusCode()).isEqualTo(200);
            HttpResponse<String> eastTags = scheduler("GET", "/tags/" + scheduleGroupArn.replace("us-west-2", "us-east-1").replace("/", "%2F"), null);
            assertThat(eastTags.statusCode()).isEqualTo(404);
            assertThat(eastTags.headers().firstValue("x-amzn-ErrorType").orElse("")).startsWith("ResourceNotFoundException");

            String schedule = name("regional-once");
            ObjectNode body = JSON.createObjectNode();
            body.put("GroupName", scheduleGroup);
            body.put("ScheduleExpression", "at(" + SchedulerIntegrationTest.soon(5) + ")");
            body.putObject("FlexibleTimeWindow").put("Mode", "OFF");
            ObjectNode target = body.putObject("Target");
            target.put("Arn", "arn:aws:sqs:us-west-2:000000000000:" + queue);
            target.put("RoleArn", "arn:aws:iam::000000000000:role/scheduler");
            target.put("Input", "<aws.scheduler.schedule-arn>");
            HttpResponse<String> created = scheduler("POST", "/schedules/" + schedule, body);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            String scheduleArn = "arn:aws:scheduler:us-west-2:000000000000:schedule/" + scheduleGroup + "/" + schedule;
            assertThat(JSON.readTree(created.body()).path("ScheduleArn").asText()).isEqualTo(scheduleArn);
            assertThat(receiveOne(sqs, queueUrl).body()).isEqualTo(scheduleArn);
        }
    }

    @Test
    void universalTargetCallsInTheRegionOfItsSchedule()
            throws Exception
    {
        String queue = name("created-by-schedule");
        ObjectNode body = JSON.createObjectNode();
        body.put("ScheduleExpression", "at(" + SchedulerIntegrationTest.soon(5) + ")");
        body.putObject("FlexibleTimeWindow").put("Mode", "OFF");
        ObjectNode target = body.putObject("Target");
        target.put("Arn", "arn:aws:scheduler:::aws-sdk:sqs:createQueue");
        target.put("RoleArn", "arn:aws:iam::000000000000:role/scheduler");
        target.put("Input", "{\"QueueName\":\"" + queue + "\"}");
        HttpResponse<String> created = scheduler("POST", "/schedules/" + name("regional-universal"), body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        try (SqsClient sqs = stack.client(SqsClient.builder())) {
            String queueUrl = Eventually.read(PATIENCE, () -> sqs.listQueues(request -> request.queueNamePrefix(queue)).queueUrls(),
                    urls -> assertThat(urls).hasSize(1)).get(0);
            assertThat(queueArn(sqs, queueUrl)).isEqualTo("arn:aws:sqs:us-west-2:000000000000:" + queue);
        }
    }

    @Test
    void functionIsOfTheRegionOfItsClient()
            throws Exception
    {
        try (LambdaClient lambda = stack.client(LambdaClient.builder(), WEST); CloudWatchLogsClient logs = stack.client(CloudWatchLogsClient.builder(), WEST)) {
            String function = name("regional-fn");
            LambdaPackages.createPythonFunction(lambda, function, "def handler(event, context):\n    print('regional')\n"
                    + "    return {'arn': context.invoked_function_arn}\n", 30, Map.of());
            String functionArn = "arn:aws:lambda:us-west-2:000000000000:function:" + function;
            assertThat(lambda.getFunction(request -> request.functionName(function)).configuration().functionArn()).isEqualTo(functionArn);
            InvokeResponse answer = lambda.invoke(request -> request.functionName(functionArn).payload(SdkBytes.fromUtf8String("{}")));
            assertThat(answer.functionError()).isNull();
            assertThat(JSON.readTree(answer.payload().asUtf8String())).isEqualTo(JSON.readTree("{\"arn\":\"" + functionArn + "\"}"));
            String eastArn = "arn:aws:lambda:us-east-1:000000000000:function:" + function;
            assertError(() -> lambda.invoke(request -> request.functionName(eastArn).payload(SdkBytes.fromUtf8String("{}"))), 404,
                    "ResourceNotFoundException", "Function not found: " + eastArn);
            // the group the function logs to is created in the function's region
            String groupArn = Eventually.read(PATIENCE, () -> logs.describeLogGroups(request -> request.logGroupNamePrefix("/aws/lambda/" + function))
                    .logGroups().stream().map(LogGroup::logGroupArn).toList(), arns -> assertThat(arns).hasSize(1)).get(0);
            assertThat(groupArn).isEqualTo("arn:aws:logs:us-west-2:000000000000:log-group:/aws/lambda/" + function);
        }
    }

    @Test
    void regionsSurviveARestart()
            throws Exception
    {
        String queue = name("restart-regional");
        String topic = name("restart-regional");
        String group = "/restart-regional/" + run;
        String bus = name("restart-regional");
        try (SqsClient sqs = stack.client(SqsClient.builder(), WEST); SnsClient sns = stack.client(SnsClient.builder(), WEST);
                CloudWatchLogsClient logs = stack.client(CloudWatchLogsClient.builder(), WEST); EventBridgeClient events = stack.client(EventBridgeClient.builder(), WEST)) {
            sqs.createQueue(request -> request.queueName(queue));
            sns.createTopic(request -> request.name(topic));
            logs.createLogGroup(request -> request.logGroupName(group));
            events.createEventBus(request -> request.name(bus));
        }

        stack.restart();

        try (SqsClient sqs = stack.client(SqsClient.builder()); SnsClient sns = stack.client(SnsClient.builder());
                CloudWatchLogsClient logs = stack.client(CloudWatchLogsClient.builder()); EventBridgeClient events = stack.client(EventBridgeClient.builder())) {
            String queueUrl = sqs.getQueueUrl(request -> request.queueName(queue)).queueUrl();
            assertThat(queueArn(sqs, queueUrl)).isEqualTo("arn:aws:sqs:us-west-2:000000000000:" + queue);
            String topicArn = "arn:aws:sns:us-west-2:000000000000:" + topic;
            assertThat(sns.getTopicAttributes(request -> request.topicArn(topicArn)).attributes()).containsEntry("TopicArn", topicArn);
            assertThat(logs.describeLogGroups(request -> request.logGroupNamePrefix(group)).logGroups()).extracting(LogGroup::logGroupArn)
                    .containsExactly("arn:aws:logs:us-west-2:000000000000:log-group:" + group);
            assertThat(events.describeEventBus(request -> request.name(bus)).arn()).isEqualTo("arn:aws:events:us-west-2:000000000000:event-bus/" + bus);
        }
    }

    private static String queueArn(SqsClient sqs, String queueUrl)
    {
        return sqs.getQueueAttributes(request -> request.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN)).attributes()
                .get(QueueAttributeName.QUEUE_ARN);
    }

    /** Receives the one message the queue gets, and checks that no second one follows within a short poll. */
    private static Message receiveOne(SqsClient sqs, String queueUrl)
    {
        List<Message> received = new ArrayList<>();
        await().atMost(PATIENCE).until(() -> {
            received.addAll(sqs.receiveMessage(request -> request.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages());
            return !received.isEmpty();
        });
        received.addAll(sqs.receiveMessage(request -> request.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(2)).messages());
        assertThat(received).hasSize(1);
        sqs.deleteMessage(request -> request.queueUrl(queueUrl).receiptHandle(received.get(0).receiptHandle()));
        return received.get(0);
    }

    private HttpResponse<String> scheduler(String method, String path, JsonNode body)
            throws IOException, InterruptedException
    {
        byte[] bytes = body == null ? new byte[0] : JSON.writeValueAsBytes(body);
        return RawRequests.send(stack.endpoint(), method, path, body == null ? Map.of() : Map.of("Content-Type", "application/json"), bytes, "scheduler",
                WEST.id(), TestStack.ACCESS_KEY, TestStack.SECRET_KEY, null);
    }

    private static void assertError(Executable call, int status, String code, String message)
    {
        assertThatThrownBy(call::execute).isInstanceOfSatisfying(AwsServiceException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(status);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(message);
        });
    }
}
