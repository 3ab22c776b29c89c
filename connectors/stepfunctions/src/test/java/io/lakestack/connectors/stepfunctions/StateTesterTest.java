package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StateTesterTest
{
    private static final String EXECUTION_ARN = "arn:aws:states:us-east-1:000000000000:execution:TestState:t-1";
    private static final String ROLE_ARN = "arn:aws:iam::000000000000:role/test";
    private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");
    private static final String LAMBDA = "arn:aws:states:::lambda:invoke";

    private final FakeTasks tasks = new FakeTasks();

    @Test
    void passRunsItsInputAndOutputSteps()
    {
        StateTester.Result result = test("""
                {"Type": "Pass", "InputPath": "$.order", "Parameters": {"id.$": "$.id", "run.$": "$$.Execution.Name"},
                 "ResultPath": "$.copy", "OutputPath": "$.copy", "Next": "After"}""", "{\"order\": {\"id\": 7}}");

        assertThat(result.status()).isEqualTo(StateTester.Status.SUCCEEDED);
        assertThat(result.outputJson()).contains("{\"id\":7,\"run\":\"t-1\"}");
        assertThat(result.nextState()).contains("After");
        assertThat(result.error()).isEmpty();
        assertThat(result.inspection()).isEqualTo(json("""
                {"input": "{\\"order\\":{\\"id\\":7}}", "afterInputPath": "{\\"id\\":7}", "afterParameters": "{\\"id\\":7,\\"run\\":\\"t-1\\"}",
                 "result": "{\\"id\\":7,\\"run\\":\\"t-1\\"}", "afterResultPath": "{\\"order\\":{\\"id\\":7},\\"copy\\":{\\"id\\":7,\\"run\\":\\"t-1\\"}}"}"""));
    }

    @Test
    void choiceGoesToTheMatchingRuleOrTheDefault()
    {
        String choice = """
                {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"}], "Default": "Small"}""";

        assertThat(test(choice, "{\"n\": 11}").nextState()).contains("Big");
        StateTester.Result small = test(choice, "{\"n\": 3}");
        assertThat(small.nextState()).contains("Small");
        assertThat(small.outputJson()).contains("{\"n\":3}");
        assertThat(small.status()).isEqualTo(StateTester.Status.SUCCEEDED);
    }

    @Test
    void choiceWithoutAMatchFails()
    {
        StateTester.Result result = test("""
                {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericEquals": 1, "Next": "One"}]}""", "{\"n\": 2}");

        assertThat(result.status()).isEqualTo(StateTester.Status.FAILED);
        assertThat(result.error()).contains(StatesErrors.NO_CHOICE_MATCHED);
        assertThat(result.cause()).contains("No Choice Rule matched and there is no Default in state 'TestState'");
        assertThat(result.output()).isEmpty();
        assertThat(result.nextState()).isEmpty();
    }

    @Test
    void waitReturnsAtOnceWithItsNextState()
    {
        StateTester.Result result = test("{\"Type\": \"Wait\", \"Seconds\": 86400, \"Next\": \"Later\"}", "{\"a\": 1}");

        assertThat(result.status()).isEqualTo(StateTester.Status.SUCCEEDED);
        assertThat(result.nextState()).contains("Later");
        assertThat(result.outputJson()).contains("{\"a\":1}");
    }

    @Test
    void waitChecksItsSecondsPath()
    {
        StateTester.Result result = test("{\"Type\": \"Wait\", \"SecondsPath\": \"$.s\", \"Next\": \"Later\"}", "{\"s\": \"soon\"}");

        assertThat(result.status()).isEqualTo(StateTester.Status.FAILED);
        assertThat(result.error()).contains(StatesErrors.RUNTIME);
        assertThat(result.cause()).contains("The SecondsPath '$.s' does not select a non-negative integer: \"soon\"");
    }

    @Test
    void succeedAndFail()
    {
        StateTester.Result succeeded = test("{\"Type\": \"Succeed\", \"OutputPath\": \"$.x\"}", "{\"x\": [1]}");
        assertThat(succeeded.status()).isEqualTo(StateTester.Status.SUCCEEDED);
        assertThat(succeeded.outputJson()).contains("[1]");
        assertThat(succeeded.nextState()).isEmpty();

        StateTester.Result failed = test("{\"Type\": \"Fail\", \"Error\": \"Order.Broken\", \"CausePath\": \"$.why\"}", "{\"why\": \"no lines\"}");
        assertThat(failed.status()).isEqualTo(StateTester.Status.FAILED);
        assertThat(failed.error()).contains("Order.Broken");
        assertThat(failed.cause()).contains("no lines");
        assertThat(failed.output()).isEmpty();
    }

    @Test
    void taskRunsThroughTheInvokerWithItsResultSteps()
    {
        tasks.on(LAMBDA, request -> TaskOutcome.succeeded(json("{\"Payload\": {\"total\": " + request.input().path("Payload").path("n").asInt() * 2 + "}}")));

        StateTester.Result result = test("""
                {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "double", "Payload.$": "$"},
                 "ResultSelector": {"total.$": "$.Payload.total"}, "ResultPath": "$.doubled", "Next": "Next"}""", "{\"n\": 21}");

        assertThat(result.status()).isEqualTo(StateTester.Status.SUCCEEDED);
        assertThat(result.outputJson()).contains("{\"n\":21,\"doubled\":{\"total\":42}}");
        assertThat(result.nextState()).contains("Next");
        assertThat(tasks.inputs()).containsExactly(json("{\"FunctionName\": \"double\", \"Payload\": {\"n\": 21}}"));
        assertThat(tasks.requests().get(0).executionArn()).isEqualTo(EXECUTION_ARN);
        assertThat(result.inspection()).isEqualTo(json("""
                {"input": "{\\"n\\":21}", "afterInputPath": "{\\"n\\":21}",
                 "afterParameters": "{\\"FunctionName\\":\\"double\\",\\"Payload\\":{\\"n\\":21}}",
                 "result": "{\\"Payload\\":{\\"total\\":42}}", "afterResultSelector": "{\\"total\\":42}",
                 "afterResultPath": "{\\"n\\":21,\\"doubled\\":{\\"total\\":42}}"}"""));
    }

    @Test
    void aFailureWithRetryAttemptsLeftIsRetriable()
    {
        tasks.on(LAMBDA, request -> TaskOutcome.failed("Lambda.TooManyRequestsException", "slow down"));
        String state = """
                {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}, "End": true,
                 "Retry": [{"ErrorEquals": ["States.Timeout"]}, {"ErrorEquals": ["Lambda.TooManyRequestsException"], "IntervalSeconds": 2,
                            "BackoffRate": 3, "MaxAttempts": 2}],
                 "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Recover"}]}""";

        StateTester.Result first = test(state, "{}", Optional.empty(), Optional.empty());
        assertThat(first.status()).isEqualTo(StateTester.Status.RETRIABLE);
        assertThat(first.error()).contains("Lambda.TooManyRequestsException");
        assertThat(first.cause()).contains("slow down");
        assertThat(first.output()).isEmpty();
        assertThat(first.nextState()).isEmpty();
        assertThat(first.inspection().get("errorDetails")).isEqualTo(json("{\"retryIndex\": 1, \"retryBackoffIntervalSeconds\": 2}"));

        StateTester.Result second = test(state, "{}", Optional.empty(), Optional.of(1));
        assertThat(second.status()).isEqualTo(StateTester.Status.RETRIABLE);
        assertThat(second.inspection().get("errorDetails")).isEqualTo(json("{\"retryIndex\": 1, \"retryBackoffIntervalSeconds\": 6}"));
        assertThat(tasks.requests().get(1).retryCount()).isEqualTo(1);

        StateTester.Result exhausted = test(state, "{\"a\": 1}", Optional.empty(), Optional.of(2));
        assertThat(exhausted.status()).isEqualTo(StateTester.Status.CAUGHT_ERROR);
        assertThat(exhausted.nextState()).contains("Recover");
        assertThat(exhausted.error()).contains("Lambda.TooManyRequestsException");
        assertThat(exhausted.outputJson()).contains("{\"a\":1,\"error\":{\"Error\":\"Lambda.TooManyRequestsException\",\"Cause\":\"slow down\"}}");
        assertThat(exhausted.inspection().get("errorDetails")).isEqualTo(json("{\"catchIndex\": 0}"));
    }

    @Test
    void aMockedErrorIsCaught()
    {
        StateTester.Result result = test("""
                {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "End": true,
                 "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
                 "Catch": [{"ErrorEquals": ["Custom.Error"], "ResultPath": null, "Next": "Recover"}]}""", "{\"a\": 1}",
                Optional.of(StateTester.Mock.failure("Custom.Error", "mocked")), Optional.empty());

        assertThat(result.status()).isEqualTo(StateTester.Status.CAUGHT_ERROR);
        assertThat(result.outputJson()).contains("{\"a\":1}");
        assertThat(result.nextState()).contains("Recover");
        assertThat(result.cause()).contains("mocked");
        assertThat(tasks.requests()).isEmpty();
    }

    @Test
    void anUncaughtTaskFailureFails()
    {
        tasks.on(LAMBDA, request -> TaskOutcome.failed("Boom", "it broke"));

        StateTester.Result result = test("{\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::lambda:invoke\", \"End\": true}", "{}");

        assertThat(result.status()).isEqualTo(StateTester.Status.FAILED);
        assertThat(result.error()).contains("Boom");
        assertThat(result.cause()).contains("it broke");
        assertThat(result.output()).isEmpty();
    }

    @Test
    void aMockedMapResultGoesThroughTheResultSteps()
    {
        StateTester.Result result = test("""
                {"Type": "Map", "ItemsPath": "$.items", "ResultPath": "$.lines", "Next": "Sum",
                 "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}""", "{\"items\": [1, 2]}",
                Optional.of(StateTester.Mock.result(json("[10, 20]"))), Optional.empty());

        assertThat(result.status()).isEqualTo(StateTester.Status.SUCCEEDED);
        assertThat(result.outputJson()).contains("{\"items\":[1,2],\"lines\":[10,20]}");
        assertThat(result.nextState()).contains("Sum");
    }

    @Test
    void jsonataTaskReportsItsArgumentsAndVariables()
    {
        tasks.on(LAMBDA, request -> TaskOutcome.succeeded(json("{\"Payload\": 5}")));

        StateTester.Result result = test("""
                {"Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:states:::lambda:invoke",
                 "Arguments": {"FunctionName": "f", "Payload": "{% $states.input.n + $base %}"},
                 "Assign": {"last": "{% $states.result.Payload %}"}, "Output": {"sum": "{% $states.result.Payload * 2 %}"}, "Next": "N"}""",
                "{\"n\": 2}", Optional.empty(), Optional.empty(), json("{\"base\": 3}"));

        assertThat(result.status()).isEqualTo(StateTester.Status.SUCCEEDED);
        assertThat(result.outputJson()).contains("{\"sum\":10}");
        assertThat(tasks.inputs()).containsExactly(json("{\"FunctionName\": \"f\", \"Payload\": 5}"));
        assertThat(result.inspection()).isEqualTo(json("""
                {"input": "{\\"n\\":2}", "afterArguments": "{\\"FunctionName\\":\\"f\\",\\"Payload\\":5}", "result": "{\\"Payload\\":5}",
                 "variables": "{\\"base\\":3,\\"last\\":5}"}"""));
    }

    @Test
    void jsonataChoiceAssignsAndACatcherShapesTheOutput()
    {
        StateTester.Result choice = test("""
                {"Type": "Choice", "QueryLanguage": "JSONata", "Default": "Low",
                 "Choices": [{"Condition": "{% $states.input.n > $limit %}", "Assign": {"over": "{% $states.input.n - $limit %}"}, "Next": "High"}]}""",
                "{\"n\": 12}", Optional.empty(), Optional.empty(), json("{\"limit\": 10}"));
        assertThat(choice.nextState()).contains("High");
        assertThat(choice.outputJson()).contains("{\"n\":12}");
        assertThat(choice.inspection().path("variables").asText()).isEqualTo("{\"limit\":10,\"over\":2}");

        StateTester.Result caught = test("""
                {"Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:states:::lambda:invoke", "End": true,
                 "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Recover",
                            "Output": {"why": "{% $states.errorOutput.Error %}", "was": "{% $states.input.n %}"}}]}""",
                "{\"n\": 1}", Optional.of(StateTester.Mock.failure("Custom.Error", "c")), Optional.empty());
        assertThat(caught.status()).isEqualTo(StateTester.Status.CAUGHT_ERROR);
        assertThat(caught.outputJson()).contains("{\"why\":\"Custom.Error\",\"was\":1}");
        assertThat(caught.nextState()).contains("Recover");
    }

    @Test
    void theContextIsSetOverTheGeneratedOneAndVariableNamesAreChecked()
    {
        StateTester.Tested tested = StateTester.tested("{\"Type\": \"Pass\", \"Parameters\": {\"id.$\": \"$$.Execution.Id\", \"custom.$\": \"$$.Custom\"}, "
                + "\"End\": true}", Optional.empty());
        StateTester tester = new StateTester(tasks, FixedRandom.none());
        StateTester.Result result = tester.test(StateMachineDefinition.parse(tested.definition()), tested.stateName(), new StateTester.Request(EXECUTION_ARN,
                ROLE_ARN, json("{}"), Json.object(), Optional.of((ObjectNode) json("{\"Custom\": [1]}")), Optional.empty(), Optional.empty(), NOW));
        assertThat(result.outputJson()).contains("{\"id\":\"" + EXECUTION_ARN + "\",\"custom\":[1]}");

        assertThatThrownBy(() -> test("{\"Type\": \"Pass\", \"End\": true}", "{}", Optional.empty(), Optional.empty(), json("{\"states\": 1}")))
                .isInstanceOf(StateTester.RefusedException.class)
                .hasMessage("variables: The variable name 'states' is reserved");
    }

    @Test
    void aStateOfAWholeMachineIsTestedByName()
    {
        StateTester.Tested tested = StateTester.tested("""
                {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "a", "Next": "B"}, "B": {"Type": "Pass", "Result": "b", "End": true}}}""",
                Optional.of("B"));

        StateTester.Result result = new StateTester(tasks, FixedRandom.none()).test(StateMachineDefinition.parse(tested.definition()), tested.stateName(),
                request("{}", Optional.empty(), Optional.empty(), Json.object()));

        assertThat(result.outputJson()).contains("\"b\"");
        assertThat(result.nextState()).isEmpty();
    }

    @Test
    void refusesWhatAwsRefuses()
    {
        assertThatThrownBy(() -> test("{\"Type\": \"Parallel\", \"End\": true, \"Branches\": [{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\", "
                + "\"End\": true}}}]}", "{}"))
                .isInstanceOf(StateTester.RefusedException.class)
                .hasMessage("TestState runs a Parallel state only with a mock of its result: add 'mock' with a 'result' or an 'errorOutput'");
        assertThatThrownBy(() -> test("{\"Type\": \"Pass\", \"End\": true}", "{}", Optional.of(StateTester.Mock.result(json("1"))), Optional.empty()))
                .isInstanceOf(StateTester.RefusedException.class)
                .hasMessage("A mock is for Task, Map and Parallel states; the state 'TestState' is a Pass state: test it without 'mock'");
        assertThatThrownBy(() -> test("{\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::glue:startJobRun.sync\", \"End\": true}", "{}"))
                .isInstanceOf(StateTester.RefusedException.class)
                .hasMessageContaining("'arn:aws:states:::glue:startJobRun.sync'");
    }

    @Test
    void anInvalidStateIsReportedWithItsLocation()
    {
        StateTester.Tested tested = StateTester.tested("{\"Type\": \"Pass\", \"Next\": \"B\", \"End\": true}", Optional.empty());

        assertThatThrownBy(() -> StateMachineDefinition.parse(tested.definition()))
                .isInstanceOf(InvalidDefinitionException.class)
                .satisfies(e -> assertThat(((InvalidDefinitionException) e).diagnostics()).extracting(Diagnostic::location)
                        .containsExactly(Optional.of("/States/TestState")));
    }

    private StateTester.Result test(String state, String input)
    {
        return test(state, input, Optional.empty(), Optional.empty());
    }

    private StateTester.Result test(String state, String input, Optional<StateTester.Mock> mock, Optional<Integer> retryCount)
    {
        return test(state, input, mock, retryCount, Json.object());
    }

    private StateTester.Result test(String state, String input, Optional<StateTester.Mock> mock, Optional<Integer> retryCount, JsonNode variables)
    {
        StateTester.Tested tested = StateTester.tested(state, Optional.empty());
        return new StateTester(tasks, FixedRandom.none()).test(StateMachineDefinition.parse(tested.definition()), tested.stateName(),
                request(input, mock, retryCount, (ObjectNode) variables));
    }

    private static StateTester.Request request(String input, Optional<StateTester.Mock> mock, Optional<Integer> retryCount, ObjectNode variables)
    {
        return new StateTester.Request(EXECUTION_ARN, ROLE_ARN, json(input), variables, Optional.empty(), mock, retryCount, NOW);
    }

    private static JsonNode json(String text)
    {
        try {
            return Json.parse(text);
        }
        catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
