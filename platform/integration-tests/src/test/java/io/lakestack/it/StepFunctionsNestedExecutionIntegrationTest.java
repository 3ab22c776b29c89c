package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.JobRun;
import software.amazon.awssdk.services.glue.model.JobRunState;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Step Functions' {@code .sync} pattern on the real stack with the SDK: {@code states:startExecution.sync} and
 * {@code .sync:2} give the child's DescribeExecution (its input and output as JSON text, or as JSON), a failed child
 * fails the task with {@code States.TaskFailed} and that description as the cause, a stopped parent aborts its child,
 * and a {@code glue:startJobRun.sync} task that times out stops its job run.
 */
@LakestackTest
@Order(39)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StepFunctionsNestedExecutionIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROLE = "arn:aws:iam::000000000000:role/it-nested";
    private static final String BUCKET = "it-nested-glue";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final TestStack stack;
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private SfnClient sfn;

    StepFunctionsNestedExecutionIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void connect()
    {
        sfn = stack.client(SfnClient.builder());
    }

    @AfterAll
    void close()
    {
        sfn.close();
    }

    private String create(String name, String definition)
    {
        return sfn.createStateMachine(request -> request.name(name + "-" + suffix).definition(definition).roleArn(ROLE)).stateMachineArn();
    }

    private DescribeExecutionResponse awaitEnd(String executionArn)
    {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> sfn.describeExecution(request -> request.executionArn(executionArn)),
                described -> described.status() != ExecutionStatus.RUNNING);
    }

    private DescribeExecutionResponse run(String machineArn, String input)
    {
        return awaitEnd(sfn.startExecution(request -> request.stateMachineArn(machineArn).input(input)).executionArn());
    }

    /** What the integration gives of a child: DescribeExecution's fields capitalized, its dates in epoch milliseconds. */
    private ObjectNode described(String childArn, boolean json)
            throws Exception
    {
        DescribeExecutionResponse child = sfn.describeExecution(request -> request.executionArn(childArn));
        ObjectNode expected = JSON.createObjectNode();
        expected.put("ExecutionArn", childArn);
        if (json) {
            expected.set("Input", JSON.readTree(child.input()));
        }
        else {
            expected.put("Input", child.input());
        }
        expected.putObject("InputDetails").put("Included", true);
        expected.put("Name", child.name());
        if (child.output() != null) {
            if (json) {
                expected.set("Output", JSON.readTree(child.output()));
            }
            else {
                expected.put("Output", child.output());
            }
            expected.putObject("OutputDetails").put("Included", true);
        }
        if (child.error() != null) {
            expected.put("Error", child.error());
            expected.put("Cause", child.cause());
        }
        expected.put("RedriveCount", child.redriveCount());
        expected.put("RedriveStatus", child.redriveStatusAsString());
        if (child.redriveStatusReason() != null) {
            expected.put("RedriveStatusReason", child.redriveStatusReason());
        }
        expected.put("StartDate", child.startDate().toEpochMilli());
        expected.put("StateMachineArn", child.stateMachineArn());
        expected.put("Status", child.statusAsString());
        expected.put("StopDate", child.stopDate().toEpochMilli());
        return expected;
    }

    @Test
    void syncAndSync2WaitForTheChildAndGiveItsDescription()
            throws Exception
    {
        String child = create("it-nested-double", """
                {"StartAt": "Double", "States": {"Double": {"Type": "Pass", "Parameters": {"doubled.$": "States.MathAdd($.n, $.n)"}, "End": true}}}
                """);
        String parent = create("it-nested-parent", """
                {"StartAt": "V1", "States": {
                  "V1": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync", "ResultPath": "$.v1", "Next": "V2",
                         "Parameters": {"StateMachineArn": "%s", "Name": "v1-%s", "Input": {"n.$": "$.n"}}},
                  "V2": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2", "ResultPath": "$.v2", "End": true,
                         "Parameters": {"StateMachineArn": "%s", "Input": {"n.$": "$.n", "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id"}}}}}
                """.formatted(child, suffix, child));
        DescribeExecutionResponse ended = run(parent, "{\"n\":21}");
        assertThat(ended.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        JsonNode output = JSON.readTree(ended.output());

        String first = child.replace(":stateMachine:", ":execution:") + ":v1-" + suffix;
        assertThat(output.get("v1")).isEqualTo(described(first, false));
        assertThat(output.path("v1").path("Output").textValue()).isEqualTo("{\"doubled\":42}");
        assertThat(output.path("v1").path("Input").textValue()).isEqualTo("{\"n\":21}");
        assertThat(output.path("v1").path("RedriveStatus").textValue()).isEqualTo("NOT_REDRIVABLE");
        assertThat(output.path("v1").path("RedriveStatusReason").textValue()).isEqualTo("Execution is SUCCEEDED and cannot be redriven.");

        String second = output.path("v2").path("ExecutionArn").textValue();
        assertThat(output.get("v2")).isEqualTo(described(second, true));
        assertThat(output.path("v2").path("Output")).isEqualTo(JSON.readTree("{\"doubled\":42}"));
        assertThat(output.path("v2").path("Input")).isEqualTo(JSON.readTree("{\"n\":21,\"AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID\":\"" + ended.executionArn()
                + "\"}"));
        assertThat(output.path("n").intValue()).isEqualTo(21);
    }

    @Test
    void aFailedChildFailsTheTaskWithStatesTaskFailedAndItsDescription()
            throws Exception
    {
        String child = create("it-nested-broken", """
                {"StartAt": "Break", "States": {"Break": {"Type": "Fail", "Error": "Child.Broken", "Cause": "it broke"}}}
                """);
        String parent = create("it-nested-catching", """
                {"StartAt": "Run", "States": {
                  "Run": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2", "End": true,
                          "Parameters": {"StateMachineArn": "%s", "Name": "broken-%s"},
                          "Catch": [{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.caught", "Next": "Caught"}]},
                  "Caught": {"Type": "Pass", "End": true}}}
                """.formatted(child, suffix));
        DescribeExecutionResponse ended = run(parent, "{}");
        assertThat(ended.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        JsonNode caught = JSON.readTree(ended.output()).get("caught");
        assertThat(caught.path("Error").textValue()).isEqualTo("States.TaskFailed");
        String childArn = child.replace(":stateMachine:", ":execution:") + ":broken-" + suffix;
        JsonNode cause = JSON.readTree(caught.path("Cause").textValue());
        assertThat(cause).isEqualTo(described(childArn, true));
        assertThat(cause.path("Status").textValue()).isEqualTo("FAILED");
        assertThat(cause.path("Error").textValue()).isEqualTo("Child.Broken");
        assertThat(cause.path("Cause").textValue()).isEqualTo("it broke");
        assertThat(cause.path("RedriveCount").intValue()).isEqualTo(0);
        assertThat(cause.path("RedriveStatus").textValue()).isEqualTo("REDRIVABLE");
        assertThat(cause.has("RedriveStatusReason")).isFalse();
    }

    @Test
    void aParameterTheIntegrationDoesNotTakeFailsTheTaskWithStatesRuntime()
    {
        String parent = create("it-nested-bad-parameter", """
                {"StartAt": "Run", "States": {"Run": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
                  "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:000000000000:stateMachine:none", "TraceHeader": "t"}, "End": true}}}
                """);
        DescribeExecutionResponse ended = run(parent, "{}");
        assertThat(ended.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(ended.error()).isEqualTo("States.Runtime");
        assertThat(ended.cause()).isEqualTo("lakestack's states:startExecution does not take the parameter 'TraceHeader' (it takes Input, Name, StateMachineArn)");
    }

    @Test
    void aStoppedParentAbortsItsChild()
    {
        String child = create("it-nested-sleeping", """
                {"StartAt": "Sleep", "States": {"Sleep": {"Type": "Wait", "Seconds": 3600, "End": true}}}
                """);
        String parent = create("it-nested-stopped", """
                {"StartAt": "Run", "States": {"Run": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync",
                  "Parameters": {"StateMachineArn": "%s", "Name": "sleeping-%s"}, "End": true}}}
                """.formatted(child, suffix));
        String parentArn = sfn.startExecution(request -> request.stateMachineArn(parent)).executionArn();
        String childArn = child.replace(":stateMachine:", ":execution:") + ":sleeping-" + suffix;
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions().untilAsserted(() ->
                assertThat(sfn.describeExecution(request -> request.executionArn(childArn)).status()).isEqualTo(ExecutionStatus.RUNNING));

        sfn.stopExecution(request -> request.executionArn(parentArn));
        assertThat(awaitEnd(parentArn).status()).isEqualTo(ExecutionStatus.ABORTED);
        assertThat(awaitEnd(childArn).status()).isEqualTo(ExecutionStatus.ABORTED);
    }

    @Test
    void aGlueSyncTaskThatTimesOutStopsItsJobRun()
    {
        String job = "it-nested-sleep-" + suffix;
        try (S3Client s3 = stack.s3(); GlueClient glue = stack.client(GlueClient.builder())) {
            s3.createBucket(request -> request.bucket(BUCKET));
            s3.putObject(request -> request.bucket(BUCKET).key("scripts/sleep.py"), RequestBody.fromString("import time\ntime.sleep(600)\n"));
            glue.createJob(request -> request.name(job).role("arn:aws:iam::000000000000:role/glue")
                    .command(command -> command.name("pythonshell").scriptLocation("s3://" + BUCKET + "/scripts/sleep.py").pythonVersion("3.9")));
            String parent = create("it-nested-glue", """
                    {"StartAt": "Run", "States": {"Run": {"Type": "Task", "Resource": "arn:aws:states:::glue:startJobRun.sync",
                      "Parameters": {"JobName": "%s"}, "TimeoutSeconds": 3, "End": true}}}
                    """.formatted(job));
            DescribeExecutionResponse ended = run(parent, "{}");
            assertThat(ended.status()).isEqualTo(ExecutionStatus.FAILED);
            assertThat(ended.error()).isEqualTo("States.Timeout");
            JobRun stopped = await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> glue.getJobRuns(request -> request.jobName(job))
                    .jobRuns(), runs -> runs.size() == 1 && runs.get(0).jobRunState() == JobRunState.STOPPED).get(0);
            assertThat(stopped.jobName()).isEqualTo(job);
        }
    }
}
