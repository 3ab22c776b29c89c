package io.lakestack.it;

import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.GetActivityTaskResponse;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Step Functions execution survives a restart of the stack: stopped in a Wait after a Lambda task, it is resumed by
 * the restarted endpoint from its history on Kafka and ends with the history an uninterrupted run writes; the function,
 * which counts its invocations in a file, ran once; an execution of a version, waiting beside it, ends with the
 * version's definition although the machine was updated since. Activity tasks survive it too: one a worker took before the restart
 * is answered after it, and one nobody took is handed out after it.
 */
@LakestackTest
@Order(98)
class StepFunctionsRestartIntegrationTest
{
    private static final String COUNTER = """
            def handler(event, context):
                with open(event["file"], "a") as counter:
                    counter.write("invoked\\n")
                return {"counted": True}
            """;

    private final TestStack stack;

    StepFunctionsRestartIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    private static List<String> types(SfnClient sfn, String executionArn)
    {
        return sfn.getExecutionHistoryPaginator(request -> request.executionArn(executionArn)).events().stream().map(HistoryEvent::typeAsString).toList();
    }

    @Test
    void anExecutionWaitingAcrossARestartEndsOnceWithItsWholeHistory()
            throws Exception
    {
        Path counter = Files.createTempFile("it-sfn-restart", ".txt");
        try (LambdaClient lambda = stack.client(LambdaClient.builder())) {
            LambdaPackages.createPythonFunction(lambda, "it-sfn-counter", COUNTER, 30, Map.of());
        }
        String definition = """
                {"StartAt": "Count", "States": {
                  "Count": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:it-sfn-counter", "ResultPath": "$.count", "Next": "Sleep"},
                  "Sleep": {"Type": "Wait", "Seconds": 20, "Next": "Done"},
                  "Done": {"Type": "Pass", "End": true}
                }}
                """;
        String versioned = """
                {"StartAt": "Sleep", "States": {
                  "Sleep": {"Type": "Wait", "Seconds": 20, "Next": "Done"},
                  "Done": {"Type": "Pass", "Result": {"version": %d}, "End": true}
                }}
                """;
        String executionArn;
        String ofVersion;
        String version;
        try (SfnClient sfn = stack.client(SfnClient.builder())) {
            String machineOfVersions = sfn.createStateMachine(request -> request.name("it-sfn-restart-version").definition(versioned.formatted(1))
                    .roleArn("arn:aws:iam::000000000000:role/it").publish(true)).stateMachineArn();
            version = machineOfVersions + ":1";
            sfn.updateStateMachine(request -> request.stateMachineArn(machineOfVersions).definition(versioned.formatted(2)));
            ofVersion = sfn.startExecution(request -> request.stateMachineArn(version).name("of-version")).executionArn();
            await().atMost(Duration.ofSeconds(60)).until(() -> types(sfn, ofVersion).contains("WaitStateEntered"));
            String machine = sfn.createStateMachine(request -> request.name("it-sfn-restart").definition(definition)
                    .roleArn("arn:aws:iam::000000000000:role/it")).stateMachineArn();
            executionArn = sfn.startExecution(request -> request.stateMachineArn(machine).name("across")
                    .input("{\"file\":\"" + counter + "\"}")).executionArn();
            await().atMost(Duration.ofSeconds(60)).until(() -> types(sfn, executionArn).contains("WaitStateEntered"));
        }

        stack.restart();

        try (SfnClient sfn = stack.client(SfnClient.builder())) {
            DescribeExecutionResponse ended = await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> sfn.describeExecution(request -> request.executionArn(executionArn)), described -> described.status() != ExecutionStatus.RUNNING);
            assertThat(ended.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(ended.output()).isEqualTo("{\"file\":\"" + counter + "\",\"count\":{\"counted\":true}}");
            assertThat(types(sfn, executionArn)).containsExactly("ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded",
                    "TaskStateExited", "WaitStateEntered", "WaitStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded");
            DescribeExecutionResponse versionEnded = await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> sfn.describeExecution(request -> request.executionArn(ofVersion)), described -> described.status() != ExecutionStatus.RUNNING);
            assertThat(versionEnded.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(versionEnded.output()).isEqualTo("{\"version\":1}");
            assertThat(versionEnded.stateMachineVersionArn()).isEqualTo(version);
        }
        assertThat(Files.readAllLines(counter)).containsExactly("invoked");
    }

    @Test
    void activityTasksScheduledBeforeARestartAreHandedOutAndAnsweredAfterIt()
    {
        String definition = """
                {"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": "%s", "Parameters": {"n.$": "$.n"}, "End": true}}}
                """;
        String taken;
        String waiting;
        String takenToken;
        String activity;
        try (SfnClient sfn = stack.client(SfnClient.builder())) {
            activity = sfn.createActivity(request -> request.name("it-sfn-restart-worker")).activityArn();
            String machine = sfn.createStateMachine(request -> request.name("it-sfn-restart-activity").definition(definition.formatted(activity))
                    .roleArn("arn:aws:iam::000000000000:role/it")).stateMachineArn();
            taken = sfn.startExecution(request -> request.stateMachineArn(machine).name("taken").input("{\"n\":1}")).executionArn();
            await().atMost(Duration.ofSeconds(60)).until(() -> types(sfn, taken).contains("ActivityScheduled"));
            GetActivityTaskResponse task = sfn.getActivityTask(request -> request.activityArn(activity).workerName("before"));
            assertThat(task.input()).isEqualTo("{\"n\":1}");
            takenToken = task.taskToken();
            await().atMost(Duration.ofSeconds(60)).until(() -> types(sfn, taken).contains("ActivityStarted"));
            waiting = sfn.startExecution(request -> request.stateMachineArn(machine).name("waiting").input("{\"n\":2}")).executionArn();
            await().atMost(Duration.ofSeconds(60)).until(() -> types(sfn, waiting).contains("ActivityScheduled"));
        }

        stack.restart();

        try (SfnClient sfn = stack.client(SfnClient.builder())) {
            GetActivityTaskResponse task = sfn.getActivityTask(request -> request.activityArn(activity).workerName("after"));
            assertThat(task.input()).isEqualTo("{\"n\":2}");
            sfn.sendTaskSuccess(request -> request.taskToken(task.taskToken()).output("{\"done\":2}"));
            sfn.sendTaskSuccess(request -> request.taskToken(takenToken).output("{\"done\":1}"));
            for (String executionArn : List.of(taken, waiting)) {
                DescribeExecutionResponse ended = await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                        .until(() -> sfn.describeExecution(request -> request.executionArn(executionArn)),
                                described -> described.status() != ExecutionStatus.RUNNING);
                assertThat(ended.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
                assertThat(ended.output()).isEqualTo(executionArn.equals(taken) ? "{\"done\":1}" : "{\"done\":2}");
                assertThat(types(sfn, executionArn)).containsExactly("ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted",
                        "ActivitySucceeded", "TaskStateExited", "ExecutionSucceeded");
                List<HistoryEvent> events = sfn.getExecutionHistory(request -> request.executionArn(executionArn)).events();
                assertThat(events.get(3).activityStartedEventDetails().workerName()).isEqualTo(executionArn.equals(taken) ? "before" : "after");
            }
        }
    }

    @Test
    void aMapRunResumesAfterARestartWithoutRunningEndedChildrenAgain()
    {
        String definition = """
                {"StartAt": "Fan", "States": {"Fan": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 1, "End": true,
                  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "Sleep", "States": {
                    "Sleep": {"Type": "Wait", "Seconds": 3, "Next": "Echo"}, "Echo": {"Type": "Pass", "End": true}}}}}}
                """;
        String executionArn;
        String mapRunArn;
        try (SfnClient sfn = stack.client(SfnClient.builder())) {
            String machine = sfn.createStateMachine(request -> request.name("it-sfn-restart-map").definition(definition)
                    .roleArn("arn:aws:iam::000000000000:role/it")).stateMachineArn();
            executionArn = sfn.startExecution(request -> request.stateMachineArn(machine).name("across")
                    .input("{\"items\": [{\"n\": 1}, {\"n\": 2}, {\"n\": 3}]}")).executionArn();
            await().atMost(Duration.ofSeconds(60)).until(() -> sfn.listMapRuns(request -> request.executionArn(executionArn)).mapRuns().size() == 1);
            mapRunArn = sfn.listMapRuns(request -> request.executionArn(executionArn)).mapRuns().get(0).mapRunArn();
            await().atMost(Duration.ofSeconds(60)).until(() -> sfn.describeMapRun(request -> request.mapRunArn(mapRunArn)).executionCounts().succeeded() == 1);
        }

        stack.restart();

        try (SfnClient sfn = stack.client(SfnClient.builder())) {
            DescribeExecutionResponse ended = await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> sfn.describeExecution(request -> request.executionArn(executionArn)), described -> described.status() != ExecutionStatus.RUNNING);
            assertThat(ended.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(ended.output()).isEqualTo("[{\"n\":1},{\"n\":2},{\"n\":3}]");
            assertThat(types(sfn, executionArn)).containsExactly("ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted",
                    "MapRunSucceeded", "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded");
            List<String> children = sfn.listExecutions(request -> request.mapRunArn(mapRunArn)).executions().stream()
                    .map(software.amazon.awssdk.services.sfn.model.ExecutionListItem::executionArn).toList();
            assertThat(children).hasSize(3);
            for (String child : children) {
                assertThat(types(sfn, child)).containsExactly("ExecutionStarted", "WaitStateEntered", "WaitStateExited", "PassStateEntered",
                        "PassStateExited", "ExecutionSucceeded");
            }
        }
    }
}
