package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.backends.kafka.KafkaRecordStores;
import io.lakestack.connectors.stepfunctions.TaskOutcome;
import io.lakestack.connectors.stepfunctions.engine.ExecutionRunner;
import io.lakestack.spi.stepfunctions.Activity;
import io.lakestack.spi.stepfunctions.ActivityTask;
import io.lakestack.spi.stepfunctions.HistoryPage;
import io.lakestack.spi.stepfunctions.HistoryRecord;
import io.lakestack.spi.stepfunctions.StateMachineExecution;
import io.lakestack.spi.stepfunctions.StepFunctions;
import io.lakestack.spi.store.RecordStore;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ActivityListItem;
import software.amazon.awssdk.services.sfn.model.CreateActivityResponse;
import software.amazon.awssdk.services.sfn.model.DescribeActivityResponse;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.GetActivityTaskResponse;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.SfnException;
import software.amazon.awssdk.services.sfn.model.Tag;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Step Functions activities on the real stack with the SDK's SfnClient: activities managed through the API with AWS's
 * errors, an activity worker (a GetActivityTask loop on its own thread, answering with SendTaskSuccess and
 * SendTaskFailure) serving a Parallel of two activity tasks, a failure caught by a Catch, a heartbeat time-out, the
 * histories' exact event types, a task taken and answered while no runner owned its execution, and workers polling two
 * instances at once getting each task once.
 */
@LakestackTest
@Order(36)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StepFunctionsActivityIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROLE = "arn:aws:iam::000000000000:role/it-activities";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final TestStack stack;
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final List<String> ignoredTokens = new CopyOnWriteArrayList<>();
    private final AtomicBoolean working = new AtomicBoolean(true);
    private ExecutorService workers;
    private SfnClient sfn;
    private SfnClient workerClient;
    private String adder;

    StepFunctionsActivityIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    /** A client whose socket waits longer than GetActivityTask's 60 s poll, as AWS tells workers to set it. */
    private SfnClient client()
    {
        return SfnClient.builder()
                .endpointOverride(URI.create(stack.endpoint()))
                .region(Region.of(TestStack.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(TestStack.ACCESS_KEY, TestStack.SECRET_KEY)))
                .httpClient(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(70)).build())
                .overrideConfiguration(config -> config.apiCallAttemptTimeout(Duration.ofSeconds(75)).apiCallTimeout(Duration.ofSeconds(80)))
                .build();
    }

    @BeforeAll
    void startWorker()
    {
        sfn = client();
        workerClient = client();
        adder = sfn.createActivity(request -> request.name("it-adder-" + suffix)).activityArn();
        workers = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "it-activity-worker");
            thread.setDaemon(true);
            return thread;
        });
        workers.execute(this::work);
    }

    /** The activity worker: takes a task, adds its a and b, fails it or leaves it unanswered as its input says. */
    private void work()
    {
        while (working.get()) {
            try {
                GetActivityTaskResponse task = workerClient.getActivityTask(request -> request.activityArn(adder).workerName("worker-1"));
                if (task.taskToken() == null) {
                    continue;
                }
                JsonNode input = JSON.readTree(task.input());
                switch (input.path("action").asText("add")) {
                    case "fail" -> workerClient.sendTaskFailure(request -> request.taskToken(task.taskToken()).error("Adder.Overflow")
                            .cause("the sum of " + input.path("a") + " and " + input.path("b") + " is too big"));
                    case "ignore" -> ignoredTokens.add(task.taskToken());
                    default -> workerClient.sendTaskSuccess(request -> request.taskToken(task.taskToken())
                            .output(JSON.createObjectNode().put("sum", input.path("a").asInt() + input.path("b").asInt()).toString()));
                }
            }
            catch (Exception e) {
                if (!working.get()) {
                    return;
                }
            }
        }
    }

    @AfterAll
    void stopWorker()
            throws InterruptedException
    {
        working.set(false);
        workers.shutdownNow();
        workerClient.close();
        workers.awaitTermination(5, TimeUnit.SECONDS);
        sfn.close();
    }

    private String machine(String name, String definition)
    {
        return sfn.createStateMachine(request -> request.name(name + "-" + suffix).definition(definition).roleArn(ROLE)).stateMachineArn();
    }

    private DescribeExecutionResponse run(String machineArn, String input)
    {
        String executionArn = sfn.startExecution(request -> request.stateMachineArn(machineArn).input(input)).executionArn();
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> sfn.describeExecution(request -> request.executionArn(executionArn)),
                described -> described.status() != ExecutionStatus.RUNNING);
    }

    private List<HistoryEvent> history(String executionArn)
    {
        return sfn.getExecutionHistory(request -> request.executionArn(executionArn).maxResults(1000)).events();
    }

    private static List<String> types(List<HistoryEvent> events)
    {
        return events.stream().map(HistoryEvent::typeAsString).toList();
    }

    @Test
    void aParallelOfTwoActivityTasksIsAnsweredByTheWorker()
            throws Exception
    {
        String machine = machine("it-activity-parallel", """
                {"StartAt": "Both", "States": {
                  "Both": {"Type": "Parallel", "End": true, "Branches": [
                    {"StartAt": "Small", "States": {"Small": {"Type": "Task", "Resource": "%1$s", "Parameters": {"a.$": "$.x", "b": 2},
                      "TimeoutSeconds": 120, "HeartbeatSeconds": 60, "End": true}}},
                    {"StartAt": "Big", "States": {"Big": {"Type": "Task", "Resource": "%1$s", "Parameters": {"a.$": "$.y", "b": 20},
                      "ResultSelector": {"total.$": "$.sum"}, "End": true}}}
                  ]}
                }}
                """.formatted(adder));

        DescribeExecutionResponse ended = run(machine, "{\"x\": 1, \"y\": 10}");

        assertThat(ended.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(JSON.readTree(ended.output())).isEqualTo(JSON.readTree("[{\"sum\": 3}, {\"total\": 30}]"));
        List<HistoryEvent> events = history(ended.executionArn());
        // the branches run at once: each branch's events follow one another, beside the other's
        assertThat(types(events.subList(0, 3))).containsExactly("ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted");
        assertThat(types(events.subList(3, 13)).stream().sorted().toList()).containsExactly("ActivityScheduled", "ActivityScheduled",
                "ActivityStarted", "ActivityStarted", "ActivitySucceeded", "ActivitySucceeded", "TaskStateEntered", "TaskStateEntered",
                "TaskStateExited", "TaskStateExited");
        assertThat(types(events.subList(13, events.size()))).containsExactly("ParallelStateSucceeded", "ParallelStateExited", "ExecutionSucceeded");
        for (HistoryEvent exited : events.stream().filter(event -> event.typeAsString().equals("TaskStateExited")).toList()) {
            assertThat(StepFunctionsIntegrationTest.chain(events, exited)).containsExactly("ExecutionStarted", "ParallelStateEntered",
                    "ParallelStateStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivitySucceeded", "TaskStateExited");
        }
        HistoryEvent scheduled = events.stream().filter(event -> event.typeAsString().equals("ActivityScheduled")
                && event.activityScheduledEventDetails().timeoutInSeconds() != null).findFirst().orElseThrow();
        assertThat(scheduled.activityScheduledEventDetails().resource()).isEqualTo(adder);
        assertThat(JSON.readTree(scheduled.activityScheduledEventDetails().input())).isEqualTo(JSON.readTree("{\"a\": 1, \"b\": 2}"));
        assertThat(scheduled.activityScheduledEventDetails().timeoutInSeconds()).isEqualTo(120L);
        assertThat(scheduled.activityScheduledEventDetails().heartbeatInSeconds()).isEqualTo(60L);
        assertThat(events.stream().filter(event -> event.typeAsString().equals("ActivityScheduled"))
                .map(event -> event.activityScheduledEventDetails().timeoutInSeconds())).containsExactlyInAnyOrder(120L, null);
        assertThat(events.stream().filter(event -> event.typeAsString().equals("ActivityStarted"))
                .map(event -> event.activityStartedEventDetails().workerName())).containsExactly("worker-1", "worker-1");
        assertThat(events.stream().filter(event -> event.typeAsString().equals("ActivitySucceeded"))
                .map(event -> event.activitySucceededEventDetails().output())).containsExactlyInAnyOrder("{\"sum\":3}", "{\"sum\":30}");
    }

    @Test
    void aFailureSentByTheWorkerIsCaughtAndATaskWithoutHeartbeatsTimesOut()
            throws Exception
    {
        String caught = machine("it-activity-catch", """
                {"StartAt": "Add", "States": {
                  "Add": {"Type": "Task", "Resource": "%s", "ResultPath": "$.sum", "Next": "Done",
                    "Catch": [{"ErrorEquals": ["Adder.Overflow"], "ResultPath": "$.error", "Next": "Overflowed"}]},
                  "Overflowed": {"Type": "Pass", "Parameters": {"error.$": "$.error.Error", "cause.$": "$.error.Cause"}, "End": true},
                  "Done": {"Type": "Succeed"}
                }}
                """.formatted(adder));
        DescribeExecutionResponse failed = run(caught, "{\"action\": \"fail\", \"a\": 7, \"b\": 8}");
        assertThat(failed.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(JSON.readTree(failed.output())).isEqualTo(JSON.readTree("{\"error\": \"Adder.Overflow\", \"cause\": \"the sum of 7 and 8 is too big\"}"));
        List<HistoryEvent> events = history(failed.executionArn());
        assertThat(types(events)).containsExactly("ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivityFailed",
                "TaskStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded");
        assertThat(events.get(4).activityFailedEventDetails().error()).isEqualTo("Adder.Overflow");
        assertThat(events.get(4).activityFailedEventDetails().cause()).isEqualTo("the sum of 7 and 8 is too big");

        String beating = machine("it-activity-heartbeat", """
                {"StartAt": "Add", "States": {"Add": {"Type": "Task", "Resource": "%s", "HeartbeatSeconds": 2, "End": true}}}
                """.formatted(adder));
        DescribeExecutionResponse timedOut = run(beating, "{\"action\": \"ignore\", \"a\": 1, \"b\": 1}");
        assertThat(timedOut.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(timedOut.error()).isEqualTo("States.HeartbeatTimeout");
        List<HistoryEvent> timedOutEvents = history(timedOut.executionArn());
        assertThat(types(timedOutEvents)).containsExactly("ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted",
                "ActivityTimedOut", "ExecutionFailed");
        assertThat(timedOutEvents.get(4).activityTimedOutEventDetails().error()).isEqualTo("States.HeartbeatTimeout");
        // the worker's answer after the time-out is refused, as AWS refuses it
        assertThat(ignoredTokens).hasSize(1);
        assertThatThrownBy(() -> sfn.sendTaskSuccess(request -> request.taskToken(ignoredTokens.get(0)).output("{}")))
                .isInstanceOfSatisfying(SfnException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("TaskTimedOut"))
                .hasMessageContaining("Task Timed Out: 'Provided task does not exist anymore'");
    }

    @Test
    void activitiesAreManagedThroughTheApiWithAwsErrors()
    {
        String name = "it-managed-" + suffix;
        String arn = "arn:aws:states:us-east-1:000000000000:activity:" + name;
        CreateActivityResponse created = sfn.createActivity(request -> request.name(name).tags(Tag.builder().key("team").value("data").build()));
        assertThat(created.activityArn()).isEqualTo(arn);
        // the same name again answers the same activity, with its creation date, and leaves its tags
        CreateActivityResponse again = sfn.createActivity(request -> request.name(name).tags(Tag.builder().key("team").value("other").build()));
        assertThat(again.activityArn()).isEqualTo(arn);
        assertThat(again.creationDate()).isEqualTo(created.creationDate());
        DescribeActivityResponse described = sfn.describeActivity(request -> request.activityArn(arn));
        assertThat(described.name()).isEqualTo(name);
        assertThat(described.creationDate()).isEqualTo(created.creationDate());
        assertThat(sfn.listActivitiesPaginator(request -> request.maxResults(1)).activities().stream().map(ActivityListItem::activityArn))
                .contains(arn, adder);
        sfn.tagResource(request -> request.resourceArn(arn).tags(Tag.builder().key("stage").value("it").build()));
        sfn.untagResource(request -> request.resourceArn(arn).tagKeys("team"));
        assertThat(sfn.listTagsForResource(request -> request.resourceArn(arn)).tags()).containsExactly(Tag.builder().key("stage").value("it").build());

        assertError(() -> sfn.createActivity(request -> request.name("has space")), "InvalidName", "Invalid Name: 'has space' (a name has no whitespace, "
                + "brackets < > { } [ ], wildcards ? *, control characters or any of \" # % \\ ^ | ~ ` $ & , ; : /)");
        String missing = "arn:aws:states:us-east-1:000000000000:activity:it-missing-" + suffix;
        assertError(() -> sfn.describeActivity(request -> request.activityArn(missing)), "ActivityDoesNotExist", "Activity Does Not Exist: '" + missing + "'");
        assertError(() -> sfn.getActivityTask(request -> request.activityArn(missing)), "ActivityDoesNotExist", "Activity Does Not Exist: '" + missing + "'");
        assertError(() -> sfn.describeActivity(request -> request.activityArn("arn:aws:states:us-east-1:000000000000:stateMachine:m")), "InvalidArn",
                "Invalid Arn: 'arn:aws:states:us-east-1:000000000000:stateMachine:m' is not an activity ARN (arn:aws:states:<region>:<account>:activity:<name>)");
        assertError(() -> sfn.sendTaskSuccess(request -> request.taskToken("not-a-token").output("{}")), "InvalidToken",
                "Invalid Token: 'not-a-token' is no task token of lakestack's (a task gets its token as $$.Task.Token)");
        String task = "{\"StartAt\": \"T\", \"States\": {\"T\": {\"Type\": \"Task\", \"Resource\": \"%s\", \"End\": true}}}";
        assertError(() -> sfn.createStateMachine(request -> request.name("it-missing-activity-" + suffix).roleArn(ROLE).definition(task.formatted(missing))),
                "InvalidDefinition", "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The resource provided " + missing + " is not recognized. "
                        + "The value is not a valid resource ARN, or the resource is not available in this region (no activity of this ARN exists: "
                        + "CreateActivity makes it) at /States/T/Resource'");
        assertError(() -> sfn.createStateMachine(request -> request.name("it-express-activity-" + suffix).roleArn(ROLE).type("EXPRESS")
                        .definition(task.formatted(arn))), "InvalidDefinition", "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Express state "
                + "machine does not support activities: the resource '" + arn + "' is an activity (a STANDARD machine runs it) at /States/T/Resource'");

        sfn.deleteActivity(request -> request.activityArn(arn));
        assertError(() -> sfn.describeActivity(request -> request.activityArn(arn)), "ActivityDoesNotExist", "Activity Does Not Exist: '" + arn + "'");
    }

    private static void assertError(Runnable call, String code, String message)
    {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(SfnException.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(message);
        });
    }

    @Test
    void aTaskTakenAndAnsweredWhileNoRunnerOwnedItsExecutionEndsWhenTheExecutionIsTakenOver()
            throws Exception
    {
        String topic = "it.stepfunctions.activities." + suffix;
        String group = "it.stepfunctions.activities." + suffix;
        String activity = StepFunctions.activityArn("us-east-1", "000000000000", "it-handover-" + suffix);
        String definition = """
                {"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": "%s", "Parameters": {"n.$": "$.n"}, "End": true}}}
                """.formatted(activity);
        Clock clock = Clock.systemUTC();
        try (KafkaRecordStores stores = new KafkaRecordStores(stack.kafkaBootstrapServers(), stack.kafkaTopics())) {
            stores.open(StepFunctions.ACTIVITIES_STORE, Activity.class).put(activity, new Activity("it-handover-" + suffix, activity, Map.of(), clock.millis()));
            RecordStore<StateMachineExecution> executions = stores.open(StepFunctions.EXECUTIONS_STORE, StateMachineExecution.class);
            RecordStore<HistoryPage> history = stores.open(StepFunctions.HISTORY_STORE, HistoryPage.class);
            String machine = StepFunctions.stateMachineArn("us-east-1", "000000000000", "it-handover");
            String arn = StepFunctions.executionArn(machine, "handover-" + suffix, false);
            StateMachineExecution execution = new StateMachineExecution(arn, machine, "handover-" + suffix, StateMachineExecution.RUNNING, "{\"n\":5}",
                    definition, ROLE, clock.millis(), 0, Optional.empty(), Optional.empty(), Optional.empty());
            // an activity calls no integration
            ExecutionRunner first = new ExecutionRunner(stack.kafkaBootstrapServers(), topic, group, stores,
                    request -> CompletableFuture.completedFuture(TaskOutcome.failed("Unexpected", request.resource())), clock).start();
            executions.put(arn, execution);
            first.start(execution);
            List<String> scheduled = List.of("ExecutionStarted", "TaskStateEntered", "ActivityScheduled");
            await().atMost(WAIT).until(() -> types(history, arn), scheduled::equals);
            first.close();

            // no runner owns the execution now: a worker takes its task through another instance and answers it
            try (ExecutionRunner requester = new ExecutionRunner(stack.kafkaBootstrapServers(), topic, group, stores,
                    request -> CompletableFuture.completedFuture(TaskOutcome.failed("Unexpected", request.resource())), clock)) {
                ActivityTask task = requester.getActivityTask(activity, "worker-9", Duration.ofSeconds(30)).orElseThrow();
                assertThat(task.input()).isEqualTo("{\"n\":5}");
                assertThat(requester.getActivityTask(activity, "worker-10", Duration.ZERO)).isEmpty();
                requester.sendTaskSuccess(task.taskToken(), "{\"done\":5}");
            }
            assertThat(types(history, arn)).isEqualTo(scheduled);

            try (ExecutionRunner second = new ExecutionRunner(stack.kafkaBootstrapServers(), topic, group, stores,
                    request -> CompletableFuture.completedFuture(TaskOutcome.failed("Unexpected", request.resource())), clock).start()) {
                StateMachineExecution ended = await().atMost(WAIT).until(() -> executions.get(arn).orElseThrow(), stored -> !stored.running());
                assertThat(ended.status()).isEqualTo(StateMachineExecution.SUCCEEDED);
                assertThat(ended.output()).contains("{\"done\":5}");
                assertThat(types(history, arn)).containsExactly("ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted",
                        "ActivitySucceeded", "TaskStateExited", "ExecutionSucceeded");
                HistoryRecord started = StepFunctions.history(history, arn).get(3);
                assertThat(JSON.readTree(started.details())).isEqualTo(JSON.readTree("{\"workerName\": \"worker-9\"}"));
            }
        }
    }

    private static List<String> types(RecordStore<HistoryPage> history, String arn)
    {
        return StepFunctions.history(history, arn).stream().map(HistoryRecord::type).toList();
    }

    @Test
    void workersPollingTwoInstancesAtOnceGetEachTaskOnce()
            throws Exception
    {
        String topic = "it.stepfunctions.claims." + suffix;
        String group = "it.stepfunctions.claims." + suffix;
        String activity = StepFunctions.activityArn("us-east-1", "000000000000", "it-claims-" + suffix);
        String definition = """
                {"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": "%s", "Parameters": {"n.$": "$.n"}, "End": true}}}
                """.formatted(activity);
        String machine = StepFunctions.stateMachineArn("us-east-1", "000000000000", "it-claims");
        Clock clock = Clock.systemUTC();
        int count = 8;
        // two instances: each its own stores (its own readers of the compacted topics), as two endpoints have
        try (KafkaRecordStores first = new KafkaRecordStores(stack.kafkaBootstrapServers(), stack.kafkaTopics());
                KafkaRecordStores second = new KafkaRecordStores(stack.kafkaBootstrapServers(), stack.kafkaTopics());
                ExecutionRunner owner = new ExecutionRunner(stack.kafkaBootstrapServers(), topic, group, first,
                        request -> CompletableFuture.completedFuture(TaskOutcome.failed("Unexpected", request.resource())), clock).start();
                ExecutionRunner other = new ExecutionRunner(stack.kafkaBootstrapServers(), topic, group, second,
                        request -> CompletableFuture.completedFuture(TaskOutcome.failed("Unexpected", request.resource())), clock)) {
            first.open(StepFunctions.ACTIVITIES_STORE, Activity.class).put(activity, new Activity("it-claims-" + suffix, activity, Map.of(), clock.millis()));
            RecordStore<StateMachineExecution> executions = first.open(StepFunctions.EXECUTIONS_STORE, StateMachineExecution.class);
            RecordStore<HistoryPage> history = first.open(StepFunctions.HISTORY_STORE, HistoryPage.class);
            List<String> arns = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String name = "claims-" + i + "-" + suffix;
                StateMachineExecution execution = new StateMachineExecution(StepFunctions.executionArn(machine, name, false), machine, name,
                        StateMachineExecution.RUNNING, "{\"n\":" + i + "}", definition, ROLE, clock.millis(), 0, Optional.empty(), Optional.empty(),
                        Optional.empty());
                executions.put(execution.executionArn(), execution);
                owner.start(execution);
                arns.add(execution.executionArn());
            }
            await().atMost(WAIT).until(() -> arns.stream().allMatch(arn -> types(history, arn).contains("ActivityScheduled")));

            ExecutorService pollers = Executors.newFixedThreadPool(4);
            try {
                List<CompletableFuture<List<ActivityTask>>> polling = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    ExecutionRunner instance = i % 2 == 0 ? owner : other;
                    String worker = "worker-" + i;
                    polling.add(CompletableFuture.supplyAsync(() -> takeAll(instance, activity, worker), pollers));
                }
                List<ActivityTask> taken = polling.stream().flatMap(future -> future.join().stream()).toList();
                assertThat(taken).hasSize(count);
                assertThat(taken.stream().map(ActivityTask::taskToken).distinct()).hasSize(count);
                assertThat(taken.stream().map(ActivityTask::input).sorted())
                        .containsExactly("{\"n\":0}", "{\"n\":1}", "{\"n\":2}", "{\"n\":3}", "{\"n\":4}", "{\"n\":5}", "{\"n\":6}", "{\"n\":7}");
                for (ActivityTask task : taken) {
                    other.sendTaskSuccess(task.taskToken(), task.input());
                }
            }
            finally {
                pollers.shutdownNow();
            }
            for (String arn : arns) {
                StateMachineExecution ended = await().atMost(WAIT).until(() -> executions.get(arn).orElseThrow(), stored -> !stored.running());
                assertThat(ended.status()).isEqualTo(StateMachineExecution.SUCCEEDED);
                assertThat(ended.output()).contains(ended.input());
                assertThat(types(history, arn)).containsExactly("ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted",
                        "ActivitySucceeded", "TaskStateExited", "ExecutionSucceeded");
            }
        }
    }

    /** Polls until a poll finds nothing. */
    private static List<ActivityTask> takeAll(ExecutionRunner instance, String activity, String worker)
    {
        List<ActivityTask> taken = new ArrayList<>();
        try {
            Optional<ActivityTask> task;
            while ((task = instance.getActivityTask(activity, worker, Duration.ofSeconds(2))).isPresent()) {
                taken.add(task.get());
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return taken;
    }
}
