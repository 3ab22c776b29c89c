package io.lakestack.connectors.stepfunctions;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.lakestack.connectors.stepfunctions.TestRuns.START;
import static io.lakestack.connectors.stepfunctions.TestRuns.json;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code QueryLanguage: JSONata}: expressions, {@code $states}, Step Functions' functions, and their errors. */
class JsonataTest
{
    private static final UUID FIRST = UUID.fromString("00000000-0000-4000-8000-000000000001");

    private final FakeTime time = new FakeTime(START);
    private final RecordingHistory history = new RecordingHistory();

    @Test
    void everyStateTypeRunsWithExpressionsAndVariables()
    {
        FakeTasks tasks = new FakeTasks()
                .on("arn:aws:states:::lambda:invoke", request -> TaskOutcome.succeeded(json("{\"Payload\": {\"total\": 120}}")))
                .on("arn:aws:states:::sns:publish", request -> TaskOutcome.succeeded(json("{\"MessageId\": \"m-1\"}")));
        ExecutionResult result = run("""
                {"QueryLanguage": "JSONata", "StartAt": "Init", "States": {
                  "Init": {"Type": "Pass", "Assign": {"orderId": "{% $states.input.id %}", "skus": "{% $states.input.items.sku %}", "static": [1, "{% 1 + 1 %}"]},
                           "Output": {"count": "{% $count($states.input.items) %}"}, "Next": "Price"},
                  "Price": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "TimeoutSeconds": "{% 10 * 6 %}",
                            "Arguments": {"FunctionName": "price", "Payload": {"order": "{% $orderId %}", "n": "{% $states.input.count %}"}},
                            "Assign": {"total": "{% $states.result.Payload.total %}", "orderId": "{% $orderId & '!' %}"},
                            "Output": "{% $merge([$states.input, {'sameOrder': $orderId}]) %}", "Next": "Big?"},
                  "Big?": {"Type": "Choice", "Choices": [{"Condition": "{% $total > 100 %}", "Next": "Hold", "Assign": {"big": true}}],
                           "Default": "Ship", "Output": {"total": "{% $total %}"}},
                  "Hold": {"Type": "Wait", "Seconds": "{% $total / 4 %}", "Next": "Ship"},
                  "Ship": {"Type": "Parallel", "Arguments": {"order": "{% $orderId %}"}, "Next": "PerItem",
                           "Output": {"shipped": "{% $states.result %}"}, "Branches": [
                    {"StartAt": "Label", "States": {"Label": {"Type": "Pass", "Output": "{% 'label ' & $states.input.order %}", "End": true}}},
                    {"StartAt": "Notify", "States": {"Notify": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish",
                      "Arguments": {"Message": "{% $states.input.order & ' total ' & $string($total) %}"}, "Output": "{% $states.result.MessageId %}",
                      "End": true}}}]},
                  "PerItem": {"Type": "Map", "Items": "{% $skus %}", "MaxConcurrency": "{% 2 %}", "Next": "Finish",
                              "ItemSelector": {"index": "{% $states.context.Map.Item.Index %}", "sku": "{% $states.context.Map.Item.Value %}"},
                              "ItemProcessor": {"StartAt": "Pick", "States": {
                                "Pick": {"Type": "Pass", "Output": "{% $orderId & '#' & $states.input.index & ':' & $states.input.sku %}", "End": true}}},
                              "Output": {"lines": "{% $states.result %}", "shipped": "{% $states.input.shipped %}"}},
                  "Finish": {"Type": "Succeed", "Output": "{% $merge([$states.input, {'big': $big, 'machine': $states.context.StateMachine.Name}]) %}"}
                }}
                """, "{\"id\": \"o-1\", \"items\": [{\"sku\": \"A\"}, {\"sku\": \"B\"}]}", tasks, FixedRandom.none());

        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json("""
                {"lines": ["o-1!#0:A", "o-1!#1:B"], "shipped": ["label o-1!", "m-1"], "big": true, "machine": "orders"}
                """)));
        assertThat(tasks.inputs()).containsExactly(
                json("{\"FunctionName\": \"price\", \"Payload\": {\"order\": \"o-1\", \"n\": 2}}"),
                json("{\"Message\": \"o-1! total 120\"}"));
        assertThat(tasks.requests().get(0).timeoutSeconds()).contains(60);
        assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(30));
        assertThat(history.events().get(2).details()).isEqualTo(json("""
                {"name": "Init", "output": "{\\"count\\":2}", "outputDetails": {"truncated": false},
                 "assignedVariables": {"orderId": "\\"o-1\\"", "skus": "[\\"A\\",\\"B\\"]", "static": "[1,2]"},
                 "assignedVariablesDetails": {"truncated": false}}
                """));
        // Assign and Output read the variables the state entered with: sameOrder is o-1, not o-1!
        assertThat(history.events().get(7).details()).isEqualTo(json("""
                {"name": "Price", "output": "{\\"count\\":2,\\"sameOrder\\":\\"o-1\\"}", "outputDetails": {"truncated": false},
                 "assignedVariables": {"total": "120", "orderId": "\\"o-1!\\""}, "assignedVariablesDetails": {"truncated": false}}
                """));
        assertThat(history.events().get(9).details()).isEqualTo(json("""
                {"name": "Big?", "output": "{\\"total\\":120}", "outputDetails": {"truncated": false},
                 "assignedVariables": {"big": "true"}, "assignedVariablesDetails": {"truncated": false}}
                """));
        assertThat(history.events().get(11).details()).isEqualTo(json("""
                {"name": "Hold", "output": "{\\"total\\":120}", "outputDetails": {"truncated": false}}
                """));
    }

    @Test
    void stepFunctionsOwnFunctions()
    {
        ExecutionResult result = run("""
                {"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true, "Output": {
                  "partition": "{% $partition([1, 2, 3, 4, 5], 2) %}",
                  "range": "{% $range(0, 10, 4) %}",
                  "hash": "{% $hash('lakestack', 'SHA-256') %}",
                  "md5": "{% $hash('', 'MD5') %}",
                  "random": "{% $random() %}",
                  "seeded": "{% $random(7) = $random(7) %}",
                  "uuid": "{% $uuid() %}",
                  "parse": "{% $parse('{\\"a\\": [1, null]}') %}",
                  "context": "{% $states.context.Execution.Name & ' ' & $states.context.State.Name & ' ' & $states.context.State.EnteredTime %}",
                  "literal": "$states.input",
                  "notAnExpression": " {% 1 %}"}}}}
                """, "{}", new FakeTasks(), new FixedRandom(List.of(0.25), List.of(FIRST)));

        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json("""
                {"partition": [[1, 2], [3, 4], [5]], "range": [0, 4, 8],
                 "hash": "5e24d4f9a3c284a2306974a4d00d8e27ef1946b4d5efb46dbe6c59db3e792ce3",
                 "md5": "d41d8cd98f00b204e9800998ecf8427e", "random": 0.25, "seeded": true, "uuid": "00000000-0000-4000-8000-000000000001",
                 "parse": {"a": [1, null]}, "context": "run-1 P 2026-11-30T10:00:00.000Z", "literal": "$states.input", "notAnExpression": " {% 1 %}"}
                """)));
    }

    @Test
    void anExpressionThatFailsOrGivesNothingIsAQueryEvaluationError()
    {
        assertThat(run("""
                {"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {"Type": "Pass", "Output": {"x": "{% $states.input.missing %}"}, "End": true}}}
                """, "{}", new FakeTasks(), FixedRandom.none())).isEqualTo(new ExecutionResult.Failed("States.QueryEvaluationError",
                "An error occurred while executing the state 'P' (entered at the event id #2). The JSONata expression '$states.input.missing' specified for"
                        + " the field 'Output/x' returned nothing (undefined)."));
        assertThat(run("""
                {"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {"Type": "Pass", "Output": "{% $eval('1') %}", "End": true}}}
                """, "{}", new FakeTasks(), FixedRandom.none())).isEqualTo(new ExecutionResult.Failed("States.QueryEvaluationError",
                "An error occurred while executing the state 'P' (entered at the event id #2). The JSONata expression '$eval('1')' specified for the field"
                        + " 'Output' threw an error during evaluation: $eval is not available in Step Functions; use $parse"));
        assertThat(run("""
                {"QueryLanguage": "JSONata", "StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Condition": "{% 'yes' %}", "Next": "D"}]},
                  "D": {"Type": "Succeed"}}}
                """, "{}", new FakeTasks(), FixedRandom.none())).isEqualTo(new ExecutionResult.Failed("States.QueryEvaluationError",
                "An error occurred while executing the state 'C' (entered at the event id #2). The JSONata expression ''yes'' specified for the field"
                        + " 'Choices[0]/Condition' returned a value that is not a boolean: \"yes\""));
        assertThat(run("""
                {"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {"Type": "Pass", "Assign": {"list": ["{% $abs('x') %}"]}, "End": true}}}
                """, "{}", new FakeTasks(), FixedRandom.none())).isEqualTo(new ExecutionResult.Failed("States.QueryEvaluationError",
                "An error occurred while executing the state 'P' (entered at the event id #2). The JSONata expression '$abs('x')' specified for the field"
                        // the code is JSONata's; the message com.dashjoin:jsonata's (JSONata's reference implementation words it differently)
                        + " 'Assign/list[0]' threw an error during evaluation. T0410: Argument \"1\" of Object \"abs\" does not match Object signature"));
        assertThat(run("""
                {"QueryLanguage": "JSONata", "StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "{% 'Order.' & $states.input.kind %}",
                  "Cause": "{% 'no ' & $states.input.what %}"}}}
                """, "{\"kind\": \"Lost\", \"what\": \"label\"}", new FakeTasks(), FixedRandom.none()))
                .isEqualTo(new ExecutionResult.Failed("Order.Lost", "no label"));
    }

    @Test
    void catchGivesTheErrorOutputToOutputAndAssign()
    {
        FakeTasks tasks = new FakeTasks().on("arn:aws:states:::lambda:invoke", request -> TaskOutcome.failed("Busy", "try later"));
        ExecutionResult result = run("""
                {"QueryLanguage": "JSONata", "StartAt": "T", "States": {
                  "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Assign": {"never": 1}, "Next": "Done",
                        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed", "Assign": {"error": "{% $states.errorOutput.Error %}"},
                                   "Output": {"input": "{% $states.input %}", "cause": "{% $states.errorOutput.Cause %}"}}]},
                  "Failed": {"Type": "Pass", "Output": "{% $merge([$states.input, {'error': $error}]) %}", "Next": "Done"},
                  "Done": {"Type": "Succeed"}}}
                """, "{\"n\": 1}", tasks, FixedRandom.none());

        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json("{\"input\": {\"n\": 1}, \"cause\": \"try later\", \"error\": \"Busy\"}")));
        assertThat(history.events().get(5).details()).isEqualTo(json("""
                {"name": "T", "output": "{\\"input\\":{\\"n\\":1},\\"cause\\":\\"try later\\"}", "outputDetails": {"truncated": false},
                 "assignedVariables": {"error": "\\"Busy\\""}, "assignedVariablesDetails": {"truncated": false}}
                """));
    }

    @Test
    void aFailedOutputIsCaughtLikeTheTasksOwnErrors()
    {
        FakeTasks tasks = new FakeTasks().on("arn:aws:states:::lambda:invoke", request -> TaskOutcome.succeeded(json("{\"Payload\": {}}")));
        ExecutionResult result = run("""
                {"QueryLanguage": "JSONata", "StartAt": "T", "States": {
                  "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Output": {"total": "{% $states.result.Payload.total %}"}, "End": true,
                        "Catch": [{"ErrorEquals": ["States.QueryEvaluationError"], "Next": "Caught"}]},
                  "Caught": {"Type": "Pass", "End": true}}}
                """, "{}", tasks, FixedRandom.none());

        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json("""
                {"Error": "States.QueryEvaluationError",
                 "Cause": "An error occurred while executing the state 'T' (entered at the event id #2). The JSONata expression '$states.result.Payload.total' specified for the field 'Output/total' returned nothing (undefined)."}
                """)));
    }

    @Test
    void aJsonPathMachineMaySwitchOneStateToJsonata()
    {
        ExecutionResult result = run("""
                {"StartAt": "Path", "States": {
                  "Path": {"Type": "Pass", "Parameters": {"a.$": "$.a"}, "ResultPath": "$.copy", "Next": "Ata"},
                  "Ata": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.input.copy.a * 2 %}", "End": true}}}
                """, "{\"a\": 21}", new FakeTasks(), FixedRandom.none());

        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json("42")));
    }

    @Test
    void iterationsEvaluateConcurrentlyOnAPoolWithTheSameResults()
    {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            String definition = """
                    {"QueryLanguage": "JSONata", "StartAt": "Init", "States": {
                      "Init": {"Type": "Pass", "Assign": {"prefix": "item-"}, "Next": "Each"},
                      "Each": {"Type": "Map", "Items": "{% $range(1, 40, 1) %}", "End": true,
                               "ItemSelector": {"n": "{% $states.context.Map.Item.Value %}"},
                               "ItemProcessor": {"StartAt": "Square", "States": {
                                 "Square": {"Type": "Pass", "Assign": {"square": "{% $states.input.n * $states.input.n %}"}, "Next": "Name"},
                                 "Name": {"Type": "Pass", "Output": "{% $prefix & $string($square) %}", "End": true}}}}}}
                    """;
            ExecutionResult result = TestRuns.run(time, history, definition, "{}", new FakeTasks(), FixedRandom.none(), pool);

            String expected = IntStream.rangeClosed(1, 40).mapToObj(n -> "\"item-" + n * n + "\"").collect(Collectors.joining(", ", "[", "]"));
            assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json(expected)));
        }
        finally {
            pool.shutdownNow();
        }
    }

    private ExecutionResult run(String definition, String input, TaskInvoker tasks, RandomSource random)
    {
        return TestRuns.run(time, history, definition, input, tasks, random, Runnable::run);
    }
}
