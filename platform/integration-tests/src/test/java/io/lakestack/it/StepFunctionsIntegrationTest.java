package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.testing.AwsCli;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.DescribeStateMachineResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.TaskSubmittedEventDetails;
import software.amazon.awssdk.services.sfn.model.SfnException;
import software.amazon.awssdk.services.sfn.model.StartExecutionResponse;
import software.amazon.awssdk.services.sfn.model.StartSyncExecutionResponse;
import software.amazon.awssdk.services.sfn.model.StateMachineListItem;
import software.amazon.awssdk.services.sfn.model.SyncExecutionStatus;
import software.amazon.awssdk.services.sfn.model.Tag;
import software.amazon.awssdk.services.sfn.model.ValidateStateMachineDefinitionResponse;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The Step Functions API on the real stack with the SDK's SfnClient and the AWS CLI: state machines created, described,
 * listed, updated, tagged and deleted; executions of a machine of Pass, Choice, Wait, Parallel, Map and Lambda Tasks
 * (real Python functions) with Retry and Catch, their outputs and histories exactly; StartExecution's idempotency,
 * StopExecution, StartSyncExecution, the SQS, SNS, EventBridge and Step Functions integrations, and AWS's errors.
 */
@LakestackTest
@Order(34)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StepFunctionsIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROLE = "arn:aws:iam::000000000000:role/it-states";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String ECHO = """
            def handler(event, context):
                return {"answer": event["n"] * 10}
            """;
    private static final String FLAKY = """
            import os

            class Transient(Exception):
                pass

            def handler(event, context):
                marker = event["marker"]
                if not os.path.exists(marker):
                    open(marker, "w").close()
                    raise Transient("the first attempt fails")
                return {"attempt": 2}
            """;
    /** Pass, Choice, Wait, Parallel of a Map and a lambda:invoke Task, a retried function, a caught missing function. */
    private static final String WORKFLOW = """
            {
              "Comment": "every kind of state",
              "StartAt": "Init",
              "States": {
                "Init": {"Type": "Pass", "Parameters": {"items.$": "$.items", "n.$": "$.n", "marker.$": "$.marker"}, "Next": "Check"},
                "Check": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 0, "Next": "Pause"}], "Default": "Done"},
                "Pause": {"Type": "Wait", "Seconds": 1, "Next": "Fan"},
                "Fan": {"Type": "Parallel", "ResultPath": "$.fan", "Next": "Flaky", "Branches": [
                  {"StartAt": "Double", "States": {"Double": {"Type": "Map", "ItemsPath": "$.items", "End": true,
                    "ItemProcessor": {"StartAt": "Twice", "States": {"Twice": {"Type": "Pass", "Parameters": {"v.$": "States.MathAdd($, $)"}, "End": true}}}}}},
                  {"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                    "Parameters": {"FunctionName": "it-sfn-echo", "Payload": {"n.$": "$.n"}},
                    "ResultSelector": {"answer.$": "$.Payload.answer", "status.$": "$.StatusCode", "version.$": "$.ExecutedVersion"}, "End": true}}}
                ]},
                "Flaky": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:it-sfn-flaky",
                  "Parameters": {"marker.$": "$.marker"}, "ResultPath": "$.flaky", "Next": "Missing",
                  "Retry": [{"ErrorEquals": ["Transient"], "IntervalSeconds": 1, "MaxAttempts": 2}]},
                "Missing": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:it-sfn-missing",
                  "ResultPath": null, "Next": "Done",
                  "Catch": [{"ErrorEquals": ["Lambda.ResourceNotFoundException"], "ResultPath": "$.caught", "Next": "Tidy"}]},
                "Tidy": {"Type": "Pass", "Parameters": {"fan.$": "$.fan", "flaky.$": "$.flaky", "error.$": "$.caught.Error"}, "Next": "Done"},
                "Done": {"Type": "Succeed"}
              }
            }
            """;
    /** JSONata throughout: variables assigned and read, a lambda:invoke Task with Arguments and Output, a Choice Condition. */
    private static final String JSONATA = """
            {
              "QueryLanguage": "JSONata",
              "StartAt": "Start",
              "States": {
                "Start": {"Type": "Pass", "Assign": {"base": "{% $states.input.n %}", "label": "{% $uppercase($states.input.name) %}"}, "Next": "Call"},
                "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Arguments": {"FunctionName": "it-sfn-echo", "Payload": {"n": "{% $base + 1 %}"}},
                  "Assign": {"answer": "{% $states.result.Payload.answer %}"},
                  "Output": {"status": "{% $states.result.StatusCode %}"}, "Next": "Big"},
                "Big": {"Type": "Choice", "Choices": [{"Condition": "{% $answer > 50 %}", "Next": "Report"}], "Default": "Small"},
                "Small": {"Type": "Fail", "Error": "TooSmall", "Cause": "{% 'answer ' & $string($answer) %}"},
                "Report": {"Type": "Pass", "Output": {"label": "{% $label %}", "answer": "{% $answer %}", "status": "{% $states.input.status %}",
                  "parts": "{% $partition([1, 2, 3, 4, 5], 2) %}"}, "End": true}
              }
            }
            """;
    private static final String LONG_WAIT = """
            {"StartAt": "Sleep", "States": {"Sleep": {"Type": "Wait", "Seconds": 3600, "End": true}}}
            """;
    private static final String ADD = """
            {"StartAt": "Add", "States": {"Add": {"Type": "Pass", "Parameters": {"sum.$": "States.MathAdd($.a, $.b)"}, "End": true}}}
            """;

    private final TestStack stack;
    private SfnClient sfn;
    private Path markers;

    StepFunctionsIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void createFunctions()
            throws Exception
    {
        // StartSyncExecution is sent to the host sync-states.<region>...: with an endpoint override the prefix is left out
        sfn = stack.client(SfnClient.builder().overrideConfiguration(config -> config.putAdvancedOption(SdkAdvancedClientOption.DISABLE_HOST_PREFIX_INJECTION, true)));
        markers = Files.createTempDirectory("it-sfn-markers");
        try (LambdaClient lambda = stack.client(LambdaClient.builder())) {
            LambdaPackages.createPythonFunction(lambda, "it-sfn-echo", ECHO, 30, Map.of());
            LambdaPackages.createPythonFunction(lambda, "it-sfn-flaky", FLAKY, 30, Map.of());
        }
    }

    @AfterAll
    void close()
    {
        sfn.close();
    }

    private String create(String name, String definition)
    {
        return sfn.createStateMachine(request -> request.name(name).definition(definition).roleArn(ROLE)).stateMachineArn();
    }

    private DescribeExecutionResponse awaitEnd(String executionArn)
    {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> sfn.describeExecution(request -> request.executionArn(executionArn)),
                described -> described.status() != ExecutionStatus.RUNNING);
    }

    private List<HistoryEvent> history(String executionArn)
    {
        return sfn.getExecutionHistoryPaginator(request -> request.executionArn(executionArn).maxResults(7)).events().stream().toList();
    }

    /** Each event as {@code id previous type}. */
    private static List<String> shape(List<HistoryEvent> events)
    {
        return events.stream().map(event -> event.id() + " " + event.previousEventId() + " " + event.typeAsString()).toList();
    }

    /** The types of the events from the first to this one, each the event the next follows. */
    static List<String> chain(List<HistoryEvent> events, HistoryEvent last)
    {
        java.util.Map<Long, HistoryEvent> byId = new java.util.HashMap<>();
        events.forEach(event -> byId.put(event.id(), event));
        List<String> chain = new java.util.ArrayList<>();
        for (HistoryEvent event = last; event != null; event = byId.get(event.previousEventId())) {
            chain.add(0, event.typeAsString());
        }
        return chain;
    }

    private static void assertError(Runnable call, String code, String message)
    {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(SfnException.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorMessage()).contains(message);
        });
    }

    @Test
    void stateMachinesAreCreatedDescribedListedUpdatedTaggedAndDeleted()
    {
        String arn = create("it-sfn-lifecycle", ADD);
        assertThat(arn).isEqualTo("arn:aws:states:us-east-1:000000000000:stateMachine:it-sfn-lifecycle");
        // the same request again is the same machine; another definition under the name is refused
        assertThat(create("it-sfn-lifecycle", ADD)).isEqualTo(arn);
        assertError(() -> create("it-sfn-lifecycle", LONG_WAIT), "StateMachineAlreadyExists", "State Machine Already Exists: '" + arn + "'");

        DescribeStateMachineResponse described = sfn.describeStateMachine(request -> request.stateMachineArn(arn));
        assertThat(described.name()).isEqualTo("it-sfn-lifecycle");
        assertThat(described.definition()).isEqualTo(ADD);
        assertThat(described.roleArn()).isEqualTo(ROLE);
        assertThat(described.typeAsString()).isEqualTo("STANDARD");
        assertThat(described.statusAsString()).isEqualTo("ACTIVE");
        assertThat(described.loggingConfiguration().levelAsString()).isEqualTo("OFF");
        assertThat(described.tracingConfiguration().enabled()).isFalse();

        create("it-sfn-lifecycle-2", ADD);
        List<StateMachineListItem> all = sfn.listStateMachinesPaginator(request -> request.maxResults(1)).stateMachines().stream()
                .filter(machine -> machine.name().startsWith("it-sfn-lifecycle")).toList();
        assertThat(all).extracting(StateMachineListItem::name).containsExactly("it-sfn-lifecycle", "it-sfn-lifecycle-2");
        assertThat(all.get(0).creationDate()).isEqualTo(described.creationDate());

        sfn.updateStateMachine(request -> request.stateMachineArn(arn).definition(LONG_WAIT).roleArn(ROLE + "-2"));
        DescribeStateMachineResponse updated = sfn.describeStateMachine(request -> request.stateMachineArn(arn));
        assertThat(updated.definition()).isEqualTo(LONG_WAIT);
        assertThat(updated.roleArn()).isEqualTo(ROLE + "-2");
        assertThat(updated.creationDate()).isEqualTo(described.creationDate());

        sfn.tagResource(request -> request.resourceArn(arn).tags(Tag.builder().key("team").value("data").build(), Tag.builder().key("env").value("it").build()));
        sfn.untagResource(request -> request.resourceArn(arn).tagKeys("env"));
        assertThat(sfn.listTagsForResource(request -> request.resourceArn(arn)).tags()).containsExactly(Tag.builder().key("team").value("data").build());

        sfn.deleteStateMachine(request -> request.stateMachineArn(arn));
        sfn.deleteStateMachine(request -> request.stateMachineArn(arn + "-2"));
        assertError(() -> sfn.describeStateMachine(request -> request.stateMachineArn(arn)), "StateMachineDoesNotExist",
                "State Machine Does Not Exist: '" + arn + "'");
        assertThat(sfn.listStateMachinesPaginator(request -> { }).stateMachines().stream().map(StateMachineListItem::name))
                .noneMatch(name -> name.startsWith("it-sfn-lifecycle"));
    }

    @Test
    void anExecutionOfEveryKindOfStateHasItsExactOutputAndHistory()
            throws Exception
    {
        String arn = create("it-sfn-workflow", WORKFLOW);
        String marker = markers.resolve(UUID.randomUUID().toString()).toString();
        String input = "{\"items\":[1,2,3],\"n\":4,\"marker\":\"" + marker + "\"}";
        StartExecutionResponse started = sfn.startExecution(request -> request.stateMachineArn(arn).name("every-state").input(input));
        assertThat(started.executionArn()).isEqualTo("arn:aws:states:us-east-1:000000000000:execution:it-sfn-workflow:every-state");

        DescribeExecutionResponse ended = awaitEnd(started.executionArn());
        assertThat(ended.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(JSON.readTree(ended.output())).isEqualTo(JSON.readTree("""
                {"fan": [[{"v": 2}, {"v": 4}, {"v": 6}], {"answer": 40, "status": 200, "version": "$LATEST"}],
                 "flaky": {"attempt": 2}, "error": "Lambda.ResourceNotFoundException"}
                """));
        assertThat(ended.input()).isEqualTo(input);
        assertThat(ended.startDate()).isEqualTo(started.startDate());
        assertThat(ended.stopDate()).isAfterOrEqualTo(ended.startDate());

        List<HistoryEvent> events = history(started.executionArn());
        // the Parallel's branches (and the Map's iterations) run at once: their events, 10 to 30, interleave as they happen
        List<String> shape = shape(events);
        assertThat(shape).hasSize(WORKFLOW_HISTORY.size());
        assertThat(shape.subList(0, 9)).containsExactlyElementsOf(WORKFLOW_HISTORY.subList(0, 9));
        assertThat(shape.subList(30, shape.size())).containsExactlyElementsOf(WORKFLOW_HISTORY.subList(30, WORKFLOW_HISTORY.size()));
        assertThat(events.subList(9, 30).stream().map(HistoryEvent::typeAsString).sorted().toList())
                .containsExactlyElementsOf(WORKFLOW_HISTORY.subList(9, 30).stream().map(line -> line.split(" ")[2]).sorted().toList());
        HistoryEvent mapExited = events.stream().filter(event -> event.typeAsString().equals("MapStateExited")).findFirst().orElseThrow();
        List<String> toTheBranches = List.of("ExecutionStarted", "PassStateEntered", "PassStateExited", "ChoiceStateEntered", "ChoiceStateExited",
                "WaitStateEntered", "WaitStateExited", "ParallelStateEntered", "ParallelStateStarted");
        assertThat(chain(events, mapExited).subList(0, 9)).containsExactlyElementsOf(toTheBranches);
        assertThat(chain(events, mapExited).subList(9, chain(events, mapExited).size())).containsExactly("MapStateEntered", "MapStateStarted",
                "MapIterationStarted", "PassStateEntered", "PassStateExited", "MapIterationSucceeded", "MapStateSucceeded", "MapStateExited");
        HistoryEvent callExited = events.subList(9, 30).stream().filter(event -> event.typeAsString().equals("TaskStateExited")).findFirst().orElseThrow();
        assertThat(chain(events, callExited).subList(0, 9)).containsExactlyElementsOf(toTheBranches);
        assertThat(chain(events, callExited).subList(9, chain(events, callExited).size())).containsExactly("TaskStateEntered", "TaskScheduled",
                "TaskStarted", "TaskSucceeded", "TaskStateExited");
        HistoryEvent callScheduled = events.subList(9, 30).stream().filter(event -> event.typeAsString().equals("TaskScheduled")).findFirst().orElseThrow();
        assertThat(events.get(0).executionStartedEventDetails().input()).isEqualTo(input);
        assertThat(events.get(0).executionStartedEventDetails().roleArn()).isEqualTo(ROLE);
        assertThat(JSON.readTree(events.get(events.size() - 1).executionSucceededEventDetails().output())).isEqualTo(JSON.readTree(ended.output()));
        HistoryEvent failedAttempt = events.get(35);
        assertThat(failedAttempt.taskFailedEventDetails().error()).isEqualTo("Transient");
        assertThat(failedAttempt.taskFailedEventDetails().resourceType()).isEqualTo("lambda");
        assertThat(events.get(43).taskFailedEventDetails().error()).isEqualTo("Lambda.ResourceNotFoundException");
        assertThat(callScheduled.taskScheduledEventDetails().resource()).isEqualTo("invoke");
        assertThat(JSON.readTree(callScheduled.taskScheduledEventDetails().parameters()))
                .isEqualTo(JSON.readTree("{\"FunctionName\":\"it-sfn-echo\",\"Payload\":{\"n\":4}}"));
        assertThat(JSON.readTree(failedAttempt.taskFailedEventDetails().cause()).path("errorMessage").asText()).isEqualTo("the first attempt fails");

        // without execution data, the inputs and outputs are left out; in reverse, the last event comes first
        List<HistoryEvent> bare = sfn.getExecutionHistory(request -> request.executionArn(started.executionArn()).includeExecutionData(false)
                .reverseOrder(true).maxResults(1000)).events();
        List<String> reversed = new java.util.ArrayList<>(shape(events));
        java.util.Collections.reverse(reversed);
        assertThat(shape(bare)).containsExactlyElementsOf(reversed);
        assertThat(bare.get(bare.size() - 1).executionStartedEventDetails().input()).isNull();

        assertThat(sfn.describeStateMachineForExecution(request -> request.executionArn(started.executionArn())).definition()).isEqualTo(WORKFLOW);
        assertThat(sfn.listExecutions(request -> request.stateMachineArn(arn).statusFilter(ExecutionStatus.SUCCEEDED)).executions())
                .extracting(ExecutionListItem::name).containsExactly("every-state");
    }

    /** What the workflow's history is: ids, the event each follows, and AWS's types. */
    private static final List<String> WORKFLOW_HISTORY = List.of(
            "1 0 ExecutionStarted", "2 1 PassStateEntered", "3 2 PassStateExited", "4 3 ChoiceStateEntered", "5 4 ChoiceStateExited",
            "6 5 WaitStateEntered", "7 6 WaitStateExited",
            "8 7 ParallelStateEntered", "9 8 ParallelStateStarted",
            // the first branch: the Map, its three iterations (in any order, beside the other branch's events)
            "10 9 MapStateEntered", "11 10 MapStateStarted",
            "12 11 MapIterationStarted", "13 12 PassStateEntered", "14 13 PassStateExited", "15 14 MapIterationSucceeded",
            "16 11 MapIterationStarted", "17 16 PassStateEntered", "18 17 PassStateExited", "19 18 MapIterationSucceeded",
            "20 11 MapIterationStarted", "21 20 PassStateEntered", "22 21 PassStateExited", "23 22 MapIterationSucceeded",
            "24 23 MapStateSucceeded", "25 24 MapStateExited",
            // the second branch: lambda:invoke
            "26 9 TaskStateEntered", "27 26 TaskScheduled", "28 27 TaskStarted", "29 28 TaskSucceeded", "30 29 TaskStateExited",
            "31 30 ParallelStateSucceeded", "32 31 ParallelStateExited",
            // Flaky: fails with Transient, retried, succeeds
            "33 32 TaskStateEntered", "34 33 TaskScheduled", "35 34 TaskStarted", "36 35 TaskFailed",
            "37 36 TaskScheduled", "38 37 TaskStarted", "39 38 TaskSucceeded", "40 39 TaskStateExited",
            // Missing: the function is not there, the error is caught
            "41 40 TaskStateEntered", "42 41 TaskScheduled", "43 42 TaskStarted", "44 43 TaskFailed", "45 44 TaskStateExited",
            "46 45 PassStateEntered", "47 46 PassStateExited", "48 47 SucceedStateEntered", "49 48 SucceedStateExited",
            "50 49 ExecutionSucceeded");

    @Test
    void aJsonataMachineWithVariablesCallsAFunctionAndChooses()
            throws Exception
    {
        String arn = create("it-sfn-jsonata", JSONATA);

        String big = sfn.startExecution(request -> request.stateMachineArn(arn).name("big").input("{\"n\": 6, \"name\": \"ada\"}")).executionArn();
        DescribeExecutionResponse succeeded = awaitEnd(big);
        assertThat(succeeded.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        // the function answers n * 10 of the Payload's n, which is the assigned base + 1
        assertThat(JSON.readTree(succeeded.output())).isEqualTo(JSON.readTree(
                "{\"label\": \"ADA\", \"answer\": 70, \"status\": 200, \"parts\": [[1, 2], [3, 4], [5]]}"));
        List<HistoryEvent> events = history(big);
        assertThat(events).filteredOn(event -> event.typeAsString().equals("PassStateExited")).first()
                .satisfies(exited -> assertThat(exited.stateExitedEventDetails().assignedVariables())
                        .containsExactlyInAnyOrderEntriesOf(Map.of("base", "6", "label", "\"ADA\"")));

        String small = sfn.startExecution(request -> request.stateMachineArn(arn).name("small").input("{\"n\": 1, \"name\": \"alan\"}")).executionArn();
        DescribeExecutionResponse failed = awaitEnd(small);
        assertThat(failed.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(failed.error()).isEqualTo("TooSmall");
        assertThat(failed.cause()).isEqualTo("answer 20");
    }

    @Test
    void startExecutionIsIdempotentAndStopExecutionAbortsIt()
    {
        String arn = create("it-sfn-sleepy", LONG_WAIT);
        StartExecutionResponse first = sfn.startExecution(request -> request.stateMachineArn(arn).name("nap").input("{\"a\":1}"));
        StartExecutionResponse again = sfn.startExecution(request -> request.stateMachineArn(arn).name("nap").input("{\"a\":1}"));
        assertThat(again.executionArn()).isEqualTo(first.executionArn());
        assertThat(again.startDate()).isEqualTo(first.startDate());
        assertError(() -> sfn.startExecution(request -> request.stateMachineArn(arn).name("nap").input("{\"a\":2}")), "ExecutionAlreadyExists",
                "Execution Already Exists: '" + first.executionArn() + "'");
        await().atMost(WAIT).until(() -> shape(history(first.executionArn())),
                shape -> shape.equals(List.of("1 0 ExecutionStarted", "2 1 WaitStateEntered")));

        assertThat(sfn.listExecutions(request -> request.stateMachineArn(arn).statusFilter(ExecutionStatus.RUNNING)).executions())
                .extracting(ExecutionListItem::name).containsExactly("nap");
        sfn.stopExecution(request -> request.executionArn(first.executionArn()).error("Enough").cause("the test stopped it"));

        DescribeExecutionResponse stopped = sfn.describeExecution(request -> request.executionArn(first.executionArn()));
        assertThat(stopped.status()).isEqualTo(ExecutionStatus.ABORTED);
        assertThat(stopped.error()).isEqualTo("Enough");
        assertThat(stopped.cause()).isEqualTo("the test stopped it");
        List<HistoryEvent> events = history(first.executionArn());
        assertThat(shape(events)).containsExactly("1 0 ExecutionStarted", "2 1 WaitStateEntered", "3 2 ExecutionAborted");
        assertThat(events.get(2).executionAbortedEventDetails().error()).isEqualTo("Enough");
        assertThat(events.get(2).executionAbortedEventDetails().cause()).isEqualTo("the test stopped it");
        // a name is used once, even when its execution has closed
        assertError(() -> sfn.startExecution(request -> request.stateMachineArn(arn).name("nap").input("{\"a\":1}")), "ExecutionAlreadyExists",
                "Execution Already Exists: '" + first.executionArn() + "'");
        assertThat(sfn.listExecutions(request -> request.stateMachineArn(arn).statusFilter(ExecutionStatus.RUNNING)).executions()).isEmpty();
        assertThat(sfn.listExecutions(request -> request.stateMachineArn(arn).statusFilter(ExecutionStatus.ABORTED)).executions())
                .extracting(ExecutionListItem::name).containsExactly("nap");
    }

    @Test
    void anExpressMachineRunsSynchronously()
            throws Exception
    {
        String arn = sfn.createStateMachine(request -> request.name("it-sfn-express").definition(ADD).roleArn(ROLE).type("EXPRESS")).stateMachineArn();
        StartSyncExecutionResponse result = sfn.startSyncExecution(request -> request.stateMachineArn(arn).name("sum").input("{\"a\":2,\"b\":3}"));
        assertThat(result.status()).isEqualTo(SyncExecutionStatus.SUCCEEDED);
        assertThat(JSON.readTree(result.output())).isEqualTo(JSON.readTree("{\"sum\":5}"));
        assertThat(result.executionArn()).isEqualTo("arn:aws:states:us-east-1:000000000000:express:it-sfn-express:sum");

        StartSyncExecutionResponse failed = sfn.startSyncExecution(request -> request.stateMachineArn(arn).input("{\"a\":2}"));
        assertThat(failed.status()).isEqualTo(SyncExecutionStatus.FAILED);
        // MathAdd of a missing field
        assertThat(failed.error()).isEqualTo("States.IntrinsicFailure");

        String standard = create("it-sfn-not-express", ADD);
        assertError(() -> sfn.startSyncExecution(request -> request.stateMachineArn(standard)), "StateMachineTypeNotSupported", "EXPRESS");
    }

    @Test
    void tasksSendToQueuesTopicsBusesAndStartExecutions()
            throws Exception
    {
        String child = create("it-sfn-child", ADD);
        try (SqsClient sqs = stack.client(SqsClient.builder())) {
            String queueUrl = sqs.createQueue(request -> request.queueName("it-sfn-queue")).queueUrl();
            String topicArn;
            try (var sns = stack.client(software.amazon.awssdk.services.sns.SnsClient.builder())) {
                topicArn = sns.createTopic(request -> request.name("it-sfn-topic")).topicArn();
            }
            String definition = """
                    {"StartAt": "Send", "States": {
                      "Send": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl": "%s", "MessageBody": {"hello.$": "$.who"}},
                        "ResultSelector": {"id.$": "$.MessageId", "md5.$": "$.MD5OfMessageBody"}, "ResultPath": "$.sent", "Next": "Publish"},
                      "Publish": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Parameters": {"TopicArn": "%s", "Message.$": "$.who"},
                        "ResultSelector": {"id.$": "$.MessageId"}, "ResultPath": "$.published", "Next": "Put"},
                      "Put": {"Type": "Task", "Resource": "arn:aws:states:::events:putEvents",
                        "Parameters": {"Entries": [{"Source": "it.sfn", "DetailType": "greeting", "Detail": {"who.$": "$.who"}}]},
                        "ResultSelector": {"failed.$": "$.FailedEntryCount", "entries.$": "States.ArrayLength($.Entries)"}, "ResultPath": "$.put", "Next": "Start"},
                      "Start": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution",
                        "Parameters": {"StateMachineArn": "%s", "Name": "from-parent", "Input": {"a": 1, "b": 2}},
                        "ResultSelector": {"arn.$": "$.ExecutionArn"}, "ResultPath": "$.started", "End": true}
                    }}
                    """.formatted(queueUrl, topicArn, child);
            String arn = create("it-sfn-integrations", definition);
            String execution = sfn.startExecution(request -> request.stateMachineArn(arn).input("{\"who\":\"world\"}")).executionArn();
            DescribeExecutionResponse ended = awaitEnd(execution);
            assertThat(ended.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            JsonNode output = JSON.readTree(ended.output());

            var messages = sqs.receiveMessage(request -> request.queueUrl(queueUrl).waitTimeSeconds(5)).messages();
            assertThat(messages).hasSize(1);
            assertThat(messages.get(0).body()).isEqualTo("{\"hello\":\"world\"}");
            assertThat(output.path("sent").path("id").asText()).isEqualTo(messages.get(0).messageId());
            assertThat(output.path("sent").path("md5").asText()).isEqualTo(messages.get(0).md5OfBody());
            assertThat(output.path("published").path("id").asText()).isNotEmpty();
            assertThat(output.path("put")).isEqualTo(JSON.readTree("{\"failed\":0,\"entries\":1}"));
            String childExecution = "arn:aws:states:us-east-1:000000000000:execution:it-sfn-child:from-parent";
            assertThat(output.path("started").path("arn").asText()).isEqualTo(childExecution);
            assertThat(JSON.readTree(awaitEnd(childExecution).output())).isEqualTo(JSON.readTree("{\"sum\":3}"));
        }
    }

    /** Receives the one message a callback task sent to the queue, and returns it parsed. */
    private static JsonNode receiveOne(SqsClient sqs, String queueUrl)
            throws Exception
    {
        return JSON.readTree(receiveMessage(sqs, queueUrl).body());
    }

    /** Receives and deletes the one message a callback task sent to the queue. */
    private static Message receiveMessage(SqsClient sqs, String queueUrl)
    {
        var messages = await().atMost(WAIT).until(() -> sqs.receiveMessage(request -> request.queueUrl(queueUrl).waitTimeSeconds(1)).messages(),
                received -> !received.isEmpty());
        assertThat(messages).hasSize(1);
        sqs.deleteMessage(request -> request.queueUrl(queueUrl).receiptHandle(messages.get(0).receiptHandle()));
        return messages.get(0);
    }

    @Test
    void callbackTasksWaitForTheWorkersSendTaskSuccessFailureOrHeartbeat()
            throws Exception
    {
        try (SqsClient sqs = stack.client(SqsClient.builder())) {
            String queueUrl = sqs.createQueue(request -> request.queueName("it-sfn-approvals")).queueUrl();
            String definition = """
                    {"StartAt": "Approve", "States": {
                      "Approve": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                        "Parameters": {"QueueUrl": "%1$s", "MessageBody": {"step": "approve", "order.$": "$.order", "token.$": "$$.Task.Token"}},
                        "ResultPath": "$.approval", "Next": "Ship"},
                      "Ship": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                        "Parameters": {"QueueUrl": "%1$s", "MessageBody": {"step": "ship", "token.$": "$$.Task.Token"}},
                        "Catch": [{"ErrorEquals": ["Carrier.Unavailable"], "ResultPath": "$.shipping", "Next": "Track"}], "Next": "Track"},
                      "Track": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "HeartbeatSeconds": 1,
                        "Parameters": {"QueueUrl": "%1$s", "MessageBody": {"step": "track", "token.$": "$$.Task.Token"}},
                        "Catch": [{"ErrorEquals": ["States.HeartbeatTimeout"], "ResultPath": "$.tracking", "Next": "Done"}], "Next": "Done"},
                      "Done": {"Type": "Pass", "End": true}
                    }}
                    """.formatted(queueUrl);
            String arn = create("it-sfn-callbacks", definition);
            String execution = sfn.startExecution(request -> request.stateMachineArn(arn).input("{\"order\":\"o-7\"}")).executionArn();

            Message approveMessage = receiveMessage(sqs, queueUrl);
            JsonNode approve = JSON.readTree(approveMessage.body());
            assertThat(approve.path("step").asText()).isEqualTo("approve");
            assertThat(approve.path("order").asText()).isEqualTo("o-7");
            String approveToken = approve.path("token").asText();
            sfn.sendTaskHeartbeat(request -> request.taskToken(approveToken));
            sfn.sendTaskSuccess(request -> request.taskToken(approveToken).output("{\"by\":\"ada\"}"));
            assertError(() -> sfn.sendTaskSuccess(request -> request.taskToken(approveToken).output("{}")), "TaskTimedOut",
                    "Provided task does not exist anymore");

            JsonNode ship = receiveOne(sqs, queueUrl);
            assertThat(ship.path("step").asText()).isEqualTo("ship");
            sfn.sendTaskFailure(request -> request.taskToken(ship.path("token").asText()).error("Carrier.Unavailable").cause("no truck today"));

            // nobody answers the tracking task: it times out after a second without a heartbeat, and is caught
            JsonNode track = receiveOne(sqs, queueUrl);
            assertThat(track.path("step").asText()).isEqualTo("track");
            DescribeExecutionResponse ended = awaitEnd(execution);
            assertThat(ended.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(JSON.readTree(ended.output())).isEqualTo(JSON.readTree("""
                    {"order": "o-7", "approval": {"by": "ada"},
                     "shipping": {"Error": "Carrier.Unavailable", "Cause": "no truck today"},
                     "tracking": {"Error": "States.HeartbeatTimeout", "Cause": ""}}
                    """));
            // each task is submitted once its message is sent, with SendMessage's answer
            List<HistoryEvent> events = history(execution);
            assertThat(shape(events)).containsExactly("1 0 ExecutionStarted", "2 1 TaskStateEntered", "3 2 TaskScheduled",
                    "4 3 TaskStarted", "5 4 TaskSubmitted", "6 5 TaskSucceeded", "7 6 TaskStateExited", "8 7 TaskStateEntered", "9 8 TaskScheduled",
                    "10 9 TaskStarted", "11 10 TaskSubmitted", "12 11 TaskFailed", "13 12 TaskStateExited", "14 13 TaskStateEntered",
                    "15 14 TaskScheduled", "16 15 TaskStarted", "17 16 TaskSubmitted", "18 17 TaskTimedOut", "19 18 TaskStateExited",
                    "20 19 PassStateEntered", "21 20 PassStateExited", "22 21 ExecutionSucceeded");
            TaskSubmittedEventDetails submitted = events.get(4).taskSubmittedEventDetails();
            assertThat(List.of(submitted.resourceType(), submitted.resource(), submitted.outputDetails().truncated()))
                    .containsExactly("sqs", "sendMessage.waitForTaskToken", false);
            JsonNode answer = JSON.readTree(submitted.output());
            assertThat(answer.fieldNames()).toIterable().containsExactly("MD5OfMessageBody", "MessageId", "SdkHttpMetadata", "SdkResponseMetadata");
            assertThat(List.of(answer.path("MD5OfMessageBody").asText(), answer.path("MessageId").asText(),
                    answer.at("/SdkHttpMetadata/HttpStatusCode").asText(), answer.at("/SdkResponseMetadata/RequestId").asText()))
                    .containsExactly(approveMessage.md5OfBody(), approveMessage.messageId(), "200",
                            answer.at("/SdkHttpMetadata/HttpHeaders/x-amzn-RequestId").asText());
            assertError(() -> sfn.sendTaskSuccess(request -> request.taskToken(track.path("token").asText()).output("{}")), "TaskTimedOut",
                    "Provided task does not exist anymore");
            assertError(() -> sfn.sendTaskHeartbeat(request -> request.taskToken("forged")), "InvalidToken", "Invalid Token: 'forged'");
            assertError(() -> sfn.sendTaskSuccess(request -> request.taskToken(approveToken).output("{not json")), "InvalidOutput", "Invalid Output");

            // an Express machine cannot wait for a callback, as on AWS
            assertError(() -> sfn.createStateMachine(request -> request.name("it-sfn-express-callback").definition(definition).roleArn(ROLE)
                    .type(software.amazon.awssdk.services.sfn.model.StateMachineType.EXPRESS)), "InvalidDefinition",
                    "Express state machine does not support '.waitForTaskToken'");
        }
    }

    /** Both branches wait for a callback at once; a branch that fails aborts the other, whose token is then refused. */
    @Test
    void theBranchesOfAParallelWaitForTheirCallbacksAtOnceAndAFailedOneAbortsTheOthers()
            throws Exception
    {
        try (SqsClient sqs = stack.client(SqsClient.builder())) {
            String queueUrl = sqs.createQueue(request -> request.queueName("it-sfn-branches")).queueUrl();
            String arn = create("it-sfn-branches", """
                    {"StartAt": "Both", "States": {"Both": {"Type": "Parallel", "End": true, "Branches": [
                      {"StartAt": "Left", "States": {"Left": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                        "Parameters": {"QueueUrl": "%1$s", "MessageBody": {"branch": "left", "token.$": "$$.Task.Token"}}, "End": true}}},
                      {"StartAt": "Right", "States": {"Right": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                        "Parameters": {"QueueUrl": "%1$s", "MessageBody": {"branch": "right", "token.$": "$$.Task.Token"}}, "End": true}}}
                    ]}}}
                    """.formatted(queueUrl));

            // both callbacks are out before either is answered: the right one is answered first
            String answered = sfn.startExecution(request -> request.stateMachineArn(arn).name("answered").input("{}")).executionArn();
            Map<String, String> tokens = tokensByBranch(sqs, queueUrl);
            sfn.sendTaskSuccess(request -> request.taskToken(tokens.get("right")).output("{\"side\":\"r\"}"));
            sfn.sendTaskSuccess(request -> request.taskToken(tokens.get("left")).output("{\"side\":\"l\"}"));
            DescribeExecutionResponse succeeded = awaitEnd(answered);
            assertThat(succeeded.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(JSON.readTree(succeeded.output())).isEqualTo(JSON.readTree("[{\"side\": \"l\"}, {\"side\": \"r\"}]"));

            // the left branch fails: the right one, still waiting, is aborted at once, and its token is refused after
            String failing = sfn.startExecution(request -> request.stateMachineArn(arn).name("failing").input("{}")).executionArn();
            Map<String, String> open = tokensByBranch(sqs, queueUrl);
            // both tasks are submitted (their messages sent) before the left one is answered
            await().atMost(WAIT).until(() -> history(failing).stream().filter(event -> event.typeAsString().equals("TaskSubmitted")).count() == 2);
            sfn.sendTaskFailure(request -> request.taskToken(open.get("left")).error("Left.Broken").cause("no left today"));
            DescribeExecutionResponse failed = awaitEnd(failing);
            assertThat(failed.status()).isEqualTo(ExecutionStatus.FAILED);
            assertThat(failed.error()).isEqualTo("Left.Broken");
            assertThat(failed.cause()).isEqualTo("no left today");
            List<HistoryEvent> events = history(failing);
            assertThat(events).hasSize(15);
            HistoryEvent end = events.get(events.size() - 1);
            assertThat(chain(events, end)).containsExactly("ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted", "TaskStateEntered",
                    "TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskFailed", "ParallelStateFailed", "ExecutionFailed");
            HistoryEvent aborted = events.stream().filter(event -> event.typeAsString().equals("TaskStateAborted")).findFirst().orElseThrow();
            assertThat(chain(events, aborted)).containsExactly("ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted", "TaskStateEntered",
                    "TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskStateAborted");
            assertError(() -> sfn.sendTaskSuccess(request -> request.taskToken(open.get("right")).output("{}")), "TaskTimedOut",
                    "Provided task does not exist anymore");
        }
    }

    /** The tokens of the callbacks of the two branches, by branch, once both messages are on the queue. */
    private static Map<String, String> tokensByBranch(SqsClient sqs, String queueUrl)
            throws Exception
    {
        Map<String, String> tokens = new java.util.HashMap<>();
        for (int i = 0; i < 2; i++) {
            JsonNode message = receiveOne(sqs, queueUrl);
            tokens.put(message.path("branch").asText(), message.path("token").asText());
        }
        assertThat(tokens).containsOnlyKeys("left", "right");
        return tokens;
    }

    @Test
    void athenaQueriesRunToTheirEndAndSdkIntegrationsCallTheServicesApis()
            throws Exception
    {
        stack.stack().awaitTrino(Duration.ofMinutes(4));
        try (var s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket("it-sfn-athena"));
        }
        String definition = """
                {"StartAt": "Query", "States": {
                  "Query": {"Type": "Task", "Resource": "arn:aws:states:::athena:startQueryExecution.sync",
                    "Parameters": {"QueryString": "SELECT 1 + 1 AS two", "ResultConfiguration": {"OutputLocation": "s3://it-sfn-athena/results/"}},
                    "ResultSelector": {"id.$": "$.QueryExecution.QueryExecutionId", "state.$": "$.QueryExecution.Status.State"},
                    "ResultPath": "$.query", "Next": "Results"},
                  "Results": {"Type": "Task", "Resource": "arn:aws:states:::athena:getQueryResults",
                    "Parameters": {"QueryExecutionId.$": "$.query.id"}, "ResultSelector": {"rows.$": "$.ResultSet.Rows"}, "ResultPath": "$.results",
                    "Next": "Broken"},
                  "Broken": {"Type": "Task", "Resource": "arn:aws:states:::athena:startQueryExecution.sync",
                    "Parameters": {"QueryString": "SELECT * FROM it_sfn_no_such_table", "ResultConfiguration": {"OutputLocation": "s3://it-sfn-athena/results/"}},
                    "Catch": [{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.broken", "Next": "Missing"}], "End": true},
                  "Missing": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:glue:getDatabase", "Parameters": {"Name": "it_sfn_no_such_database"},
                    "Catch": [{"ErrorEquals": ["Glue.EntityNotFoundException"], "ResultPath": "$.missing", "Next": "Groups"}], "End": true},
                  "Groups": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:athena:getWorkGroup", "Parameters": {"WorkGroup": "primary"},
                    "ResultSelector": {"name.$": "$.WorkGroup.Name"}, "ResultPath": "$.workGroup", "End": true}
                }}
                """;
        String arn = create("it-sfn-athena", definition);
        String execution = sfn.startExecution(request -> request.stateMachineArn(arn).input("{}")).executionArn();
        DescribeExecutionResponse ended = awaitEnd(execution);
        assertThat(ended.status()).as(ended.toString()).isEqualTo(ExecutionStatus.SUCCEEDED);
        JsonNode output = JSON.readTree(ended.output());
        assertThat(output.path("query").path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(output.path("results").path("rows")).isEqualTo(JSON.readTree(
                "[{\"Data\": [{\"VarCharValue\": \"two\"}]}, {\"Data\": [{\"VarCharValue\": \"2\"}]}]"));
        assertThat(output.path("broken").path("Error").asText()).isEqualTo("States.TaskFailed");
        assertThat(JSON.readTree(output.path("broken").path("Cause").asText()).path("QueryExecution").path("Status").path("State").asText())
                .isEqualTo("FAILED");
        assertThat(output.path("missing").path("Error").asText()).isEqualTo("Glue.EntityNotFoundException");
        assertThat(output.path("missing").path("Cause").asText()).contains("it_sfn_no_such_database");
        assertThat(output.path("workGroup")).isEqualTo(JSON.readTree("{\"name\": \"primary\"}"));
        // the id the task answered with is the query Athena ran
        try (var athena = stack.athena()) {
            String queryId = output.path("query").path("id").asText();
            assertThat(athena.getQueryExecution(request -> request.queryExecutionId(queryId)).queryExecution().query()).isEqualTo("SELECT 1 + 1 AS two");
        }
    }

    @Test
    void sdkIntegrationsOfS3SnsStepFunctionsStsAndMskTakeAndGiveTheirApisMembers()
            throws Exception
    {
        try (var s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket("it-sfn-sdk"));
        }
        String definition = """
                {"StartAt": "Put", "States": {
                  "Put": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:putObject",
                    "Parameters": {"Bucket": "it-sfn-sdk", "Key": "in/doc.json", "Body.$": "$.doc", "ContentType": "application/json"},
                    "ResultSelector": {"etag.$": "$.ETag"}, "ResultPath": "$.put", "Next": "Get"},
                  "Get": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject", "Parameters": {"Bucket": "it-sfn-sdk", "Key": "in/doc.json"},
                    "ResultSelector": {"doc.$": "States.StringToJson($.Body)", "type.$": "$.ContentType", "length.$": "$.ContentLength", "etag.$": "$.ETag"},
                    "ResultPath": "$.got", "Next": "List"},
                  "List": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:listObjectsV2", "Parameters": {"Bucket": "it-sfn-sdk", "Prefix": "in/"},
                    "ResultSelector": {"keys.$": "$.Contents[*].Key", "count.$": "$.KeyCount"}, "ResultPath": "$.listed", "Next": "Missing"},
                  "Missing": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject", "Parameters": {"Bucket": "it-sfn-sdk", "Key": "in/none"},
                    "Catch": [{"ErrorEquals": ["S3.NoSuchKeyException"], "ResultPath": "$.missing", "Next": "Topic"}], "End": true},
                  "Topic": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sns:createTopic", "Parameters": {"Name": "it-sfn-sdk-topic"},
                    "ResultSelector": {"arn.$": "$.TopicArn"}, "ResultPath": "$.topic", "Next": "Describe"},
                  "Describe": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:describeStateMachine",
                    "Parameters": {"StateMachineArn.$": "$$.StateMachine.Id"}, "ResultSelector": {"name.$": "$.Name", "status.$": "$.Status"},
                    "ResultPath": "$.machine", "Next": "Who"},
                  "Who": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sts:getCallerIdentity", "Parameters": {},
                    "ResultSelector": {"account.$": "$.Account"}, "ResultPath": "$.caller", "Next": "Clusters"},
                  "Clusters": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:kafka:listClustersV2", "Parameters": {"ClusterNameFilter": "lake"},
                    "ResultSelector": {"names.$": "$.ClusterInfoList[*].ClusterName"}, "ResultPath": "$.clusters", "End": true}
                }}
                """;
        String arn = create("it-sfn-sdk", definition);
        String execution = sfn.startExecution(request -> request.stateMachineArn(arn).input("{\"doc\": {\"a\": 1, \"b\": [true, \"x\"]}}"))
                .executionArn();
        DescribeExecutionResponse ended = awaitEnd(execution);
        assertThat(ended.status()).as(ended.toString()).isEqualTo(ExecutionStatus.SUCCEEDED);
        JsonNode output = JSON.readTree(ended.output());
        String written;
        try (var s3 = stack.s3()) {
            written = s3.getObjectAsBytes(request -> request.bucket("it-sfn-sdk").key("in/doc.json")).asUtf8String();
        }
        // the body, given as JSON, is written as its text
        assertThat(written).isEqualTo("{\"a\":1,\"b\":[true,\"x\"]}");
        String etag = output.path("put").path("etag").asText();
        assertThat(etag).matches("\"[0-9a-f]{32}\"");
        assertThat(output.path("got")).isEqualTo(JSON.readTree("{\"doc\": {\"a\": 1, \"b\": [true, \"x\"]}, \"type\": \"application/json\", \"length\": "
                + written.length() + ", \"etag\": " + JSON.writeValueAsString(etag) + "}"));
        assertThat(output.path("listed")).isEqualTo(JSON.readTree("{\"keys\": [\"in/doc.json\"], \"count\": 1}"));
        assertThat(output.path("missing").path("Error").asText()).isEqualTo("S3.NoSuchKeyException");
        assertThat(output.path("missing").path("Cause").asText()).startsWith("The specified key does not exist. (Service: S3, Status Code: 404, Request ID: ");
        assertThat(output.path("topic")).isEqualTo(JSON.readTree("{\"arn\": \"arn:aws:sns:us-east-1:000000000000:it-sfn-sdk-topic\"}"));
        assertThat(output.path("machine")).isEqualTo(JSON.readTree("{\"name\": \"it-sfn-sdk\", \"status\": \"ACTIVE\"}"));
        assertThat(output.path("caller")).isEqualTo(JSON.readTree("{\"account\": \"000000000000\"}"));
        assertThat(output.path("clusters")).isEqualTo(JSON.readTree("{\"names\": [\"lakestack\"]}"));

        // an action the SDK's client does not have is refused where it is
        assertError(() -> create("it-sfn-sdk-bad", "{\"StartAt\": \"T\", \"States\": {\"T\": {\"Type\": \"Task\", "
                + "\"Resource\": \"arn:aws:states:::aws-sdk:s3:frobnicate\", \"End\": true}}}"), "InvalidDefinition", "has no action 'frobnicate'");
    }

    @Test
    void anAthenaUnloadFeedsADistributedMapThroughItsDataManifest()
            throws Exception
    {
        stack.stack().awaitTrino(Duration.ofMinutes(4));
        try (var s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket("it-sfn-unload"));
        }
        String definition = """
                {"StartAt": "Unload", "States": {
                  "Unload": {"Type": "Task", "Resource": "arn:aws:states:::athena:startQueryExecution.sync",
                    "Parameters": {"QueryString": "UNLOAD (SELECT n, n * n AS square, CAST(n AS decimal(4, 1)) / 2 AS half FROM UNNEST(sequence(1, 6)) AS t(n)) TO 's3://it-sfn-unload/squares/' WITH (format = 'PARQUET')",
                      "ResultConfiguration": {"OutputLocation": "s3://it-sfn-unload/results/"}},
                    "ResultSelector": {"id.$": "$.QueryExecution.QueryExecutionId", "manifest.$": "$.QueryExecution.Statistics.DataManifestLocation"},
                    "ResultPath": "$.unload", "Next": "Squares"},
                  "Squares": {"Type": "Map", "ResultPath": "$.squares", "End": true,
                    "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "PARQUET", "ManifestType": "ATHENA_DATA"},
                      "Parameters": {"Bucket": "it-sfn-unload", "Key.$": "States.Format('results/{}-manifest.csv', $.unload.id)"}},
                    "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}, "StartAt": "Check", "States": {
                      "Check": {"Type": "Pass", "Parameters": {"n.$": "$.n", "square.$": "$.square", "half.$": "$.half",
                        "again.$": "States.MathAdd($.n, $.n)"}, "End": true}}}}
                }}
                """;
        String arn = create("it-sfn-unload-map", definition);
        String execution = sfn.startExecution(request -> request.stateMachineArn(arn).input("{}")).executionArn();
        DescribeExecutionResponse ended = awaitEnd(execution);
        assertThat(ended.status()).as(ended.toString()).isEqualTo(ExecutionStatus.SUCCEEDED);
        JsonNode output = JSON.readTree(ended.output());
        String queryId = output.path("unload").path("id").asText();
        assertThat(output.path("unload").path("manifest").asText()).isEqualTo("s3://it-sfn-unload/results/" + queryId + "-manifest.csv");
        // every row the UNLOAD wrote, as the Parquet reader gives it (the files' order is the manifest's, the rows' the writer's)
        List<String> rows = new java.util.ArrayList<>();
        output.path("squares").forEach(row -> rows.add(row.toString()));
        assertThat(rows).containsExactlyInAnyOrder(
                "{\"n\":1,\"square\":1,\"half\":0.5,\"again\":2}",
                "{\"n\":2,\"square\":4,\"half\":1.0,\"again\":4}",
                "{\"n\":3,\"square\":9,\"half\":1.5,\"again\":6}",
                "{\"n\":4,\"square\":16,\"half\":2.0,\"again\":8}",
                "{\"n\":5,\"square\":25,\"half\":2.5,\"again\":10}",
                "{\"n\":6,\"square\":36,\"half\":3.0,\"again\":12}");
    }

    @Test
    void invalidRequestsGetAwsErrors()
    {
        assertError(() -> create("it-sfn-bad", "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"B\"}}}"), "InvalidDefinition",
                "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: B at /States/A/Next");
        String sync = "{\"StartAt\": \"T\", \"States\": {\"T\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::ecs:runTask.sync\", \"End\": true}}}";
        assertError(() -> create("it-sfn-sync", sync), "InvalidDefinition",
                "The resource 'arn:aws:states:::ecs:runTask.sync' is not supported by lakestack yet (the .sync pattern");
        assertError(() -> create("it sfn", ADD), "InvalidName", "Invalid Name: 'it sfn'");
        assertError(() -> sfn.createStateMachine(request -> request.name("it-sfn-role").definition(ADD).roleArn("not-a-role")), "InvalidArn",
                "not-a-role");
        assertError(() -> sfn.createStateMachine(request -> request.name("it-sfn-logs").definition(ADD).roleArn(ROLE)
                .loggingConfiguration(logging -> logging.level("ALL"))), "InvalidLoggingConfiguration", "level ALL needs a destination");
        assertError(() -> sfn.createStateMachine(request -> request.name("it-sfn-xray").definition(ADD).roleArn(ROLE)
                .tracingConfiguration(tracing -> tracing.enabled(true))), "InvalidTracingConfiguration", "X-Ray");
        assertError(() -> sfn.describeStateMachine(request -> request.stateMachineArn("it-sfn")), "InvalidArn", "Invalid Arn: 'it-sfn'");
        String missing = "arn:aws:states:us-east-1:000000000000:stateMachine:it-sfn-missing";
        assertError(() -> sfn.startExecution(request -> request.stateMachineArn(missing)), "StateMachineDoesNotExist", missing);
        assertError(() -> sfn.describeExecution(request -> request.executionArn("arn:aws:states:us-east-1:000000000000:execution:it-sfn-missing:x")),
                "ExecutionDoesNotExist", "Execution Does Not Exist");
        String arn = create("it-sfn-inputs", ADD);
        assertError(() -> sfn.startExecution(request -> request.stateMachineArn(arn).input("{not json")), "InvalidExecutionInput",
                "Invalid State Machine Execution Input");
        assertThatThrownBy(() -> sfn.listExecutions(request -> request.stateMachineArn(arn).nextToken("forged")))
                .isInstanceOfSatisfying(SfnException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidToken"));

        ValidateStateMachineDefinitionResponse validated = sfn.validateStateMachineDefinition(request -> request.definition(sync));
        assertThat(validated.resultAsString()).isEqualTo("FAIL");
        assertThat(validated.diagnostics()).hasSize(1);
        assertThat(validated.diagnostics().get(0).code()).isEqualTo("SCHEMA_VALIDATION_FAILED");
        assertThat(validated.diagnostics().get(0).location()).isEqualTo("/States/T/Resource");
        assertThat(sfn.validateStateMachineDefinition(request -> request.definition(ADD)).resultAsString()).isEqualTo("OK");
    }

    @Test
    void boto3RunsAnExpressMachineSynchronouslyWithoutTheHostPrefix()
            throws Exception
    {
        String script = """
                import sys
                import boto3
                from botocore.config import Config

                sfn = boto3.client("stepfunctions", config=Config(inject_host_prefix=False))
                arn = sfn.create_state_machine(name="it-sfn-boto3", definition=sys.argv[1], roleArn=sys.argv[2], type="EXPRESS")["stateMachineArn"]
                result = sfn.start_sync_execution(stateMachineArn=arn, input='{"a": 3, "b": 4}')
                print(result["status"], result["output"])
                """;
        ProcessBuilder builder = new ProcessBuilder("python3", "-c", script, ADD, ROLE).redirectErrorStream(true);
        builder.environment().putAll(stack.awsCliEnvironment());
        builder.environment().put("AWS_ENDPOINT_URL", stack.endpoint());
        Process process = builder.start();
        String printed = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        assertThat(process.waitFor()).as(printed).isZero();
        assertThat(printed).isEqualTo("SUCCEEDED {\"sum\":7}");
    }

    @Test
    void theAwsCliCreatesStartsAndDescribes()
            throws Exception
    {
        AwsCli aws = AwsCli.required(stack);
        AwsCli.Result created = aws.run("stepfunctions", "create-state-machine", "--name", "it-sfn-cli", "--definition", ADD, "--role-arn", ROLE);
        assertThat(created.exitCode()).as(created.stderr()).isZero();
        String arn = JSON.readTree(created.stdout()).path("stateMachineArn").asText();
        AwsCli.Result started = aws.run("stepfunctions", "start-execution", "--state-machine-arn", arn, "--name", "cli", "--input", "{\"a\":20,\"b\":22}");
        assertThat(started.exitCode()).as(started.stderr()).isZero();
        String execution = JSON.readTree(started.stdout()).path("executionArn").asText();
        awaitEnd(execution);
        AwsCli.Result described = aws.run("stepfunctions", "describe-execution", "--execution-arn", execution);
        assertThat(described.exitCode()).as(described.stderr()).isZero();
        JsonNode execution1 = JSON.readTree(described.stdout());
        assertThat(execution1.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(JSON.readTree(execution1.path("output").asText())).isEqualTo(JSON.readTree("{\"sum\":42}"));
        AwsCli.Result history = aws.run("stepfunctions", "get-execution-history", "--execution-arn", execution);
        assertThat(history.exitCode()).as(history.stderr()).isZero();
        List<String> types = JSON.readTree(history.stdout()).path("events").findValuesAsText("type");
        assertThat(types).containsExactly("ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded");
        AwsCli.Result refused = aws.run("stepfunctions", "describe-state-machine", "--state-machine-arn", arn + "-missing");
        assertThat(refused.exitCode()).isEqualTo(254);
        assertThat(refused.stderr()).contains("(StateMachineDoesNotExist)");
    }
}
