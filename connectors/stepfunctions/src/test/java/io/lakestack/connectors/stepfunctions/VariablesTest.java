package io.lakestack.connectors.stepfunctions;

import org.junit.jupiter.api.Test;

import static io.lakestack.connectors.stepfunctions.TestRuns.START;
import static io.lakestack.connectors.stepfunctions.TestRuns.json;
import static org.assertj.core.api.Assertions.assertThat;

/** Workflow variables ({@code Assign}) in JSONPath states, and their scopes in both query languages. */
class VariablesTest
{
    private final FakeTime time = new FakeTime(START);
    private final RecordingHistory history = new RecordingHistory();

    @Test
    void jsonPathStatesAssignWithPathsAndReadVariablesAsDollarName()
    {
        FakeTasks tasks = new FakeTasks().on("arn:aws:states:::lambda:invoke", request -> TaskOutcome.succeeded(json("{\"Payload\": {\"total\": 7}}")));
        ExecutionResult result = run("""
                {"StartAt": "Init", "States": {
                  "Init": {"Type": "Pass", "Parameters": {"id.$": "$.id"}, "ResultPath": "$.order", "Next": "Work",
                           "Assign": {"orderId.$": "$.id", "original.$": "$states.input", "label.$": "States.Format('order {}', $.id)", "fixed": {"a": 1}}},
                  "Work": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"id.$": "$orderId", "a.$": "$fixed.a"},
                           "ResultSelector": {"total.$": "$.Payload.total"}, "ResultPath": "$.work", "Next": "Check",
                           "Assign": {"total.$": "$.total", "raw.$": "$states.result.total", "before.$": "$orderId"}},
                  "Check": {"Type": "Choice", "Choices": [{"Variable": "$total", "NumericGreaterThan": 5, "Next": "Done",
                                                          "Assign": {"verdict": "big"}}],
                            "Default": "Done", "Assign": {"verdict": "small", "checked": true}},
                  "Done": {"Type": "Pass", "Parameters": {"label.$": "$label", "verdict.$": "$verdict", "total.$": "$total", "original.$": "$original.id",
                                                          "both.$": "States.Array($orderId, $raw)"}, "End": true}
                }}
                """, "{\"id\": \"o-1\"}", tasks);

        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json("""
                {"label": "order o-1", "verdict": "big", "total": 7, "original": "o-1", "both": ["o-1", 7]}
                """)));
        assertThat(tasks.inputs()).containsExactly(json("{\"id\": \"o-1\", \"a\": 1}"));
        assertThat(history.events().get(2).details().get("assignedVariables")).isEqualTo(json("""
                {"orderId": "\\"o-1\\"", "original": "{\\"id\\":\\"o-1\\"}", "label": "\\"order o-1\\"", "fixed": "{\\"a\\":1}"}
                """));
        assertThat(history.events().get(7).details().get("assignedVariables")).isEqualTo(json("""
                {"total": "7", "raw": "7", "before": "\\"o-1\\""}
                """));
        // the state's Assign applies whichever rule matches, the matching rule's over it
        assertThat(history.events().get(9).details().get("assignedVariables")).isEqualTo(json("{\"verdict\": \"\\\"big\\\"\", \"checked\": \"true\"}"));
    }

    @Test
    void aJsonPathCatcherAssignsFromTheErrorOutput()
    {
        FakeTasks tasks = new FakeTasks().on("arn:aws:states:::lambda:invoke", request -> TaskOutcome.failed("Busy", "try later"));
        ExecutionResult result = run("""
                {"StartAt": "T", "States": {
                  "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Done",
                        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Done",
                                   "Assign": {"error.$": "$.Error", "cause.$": "$states.errorOutput.Cause", "n.$": "$states.input.n"}}]},
                  "Done": {"Type": "Pass", "Parameters": {"error.$": "$error", "cause.$": "$cause", "n.$": "$n", "input.$": "$"}, "End": true}}}
                """, "{\"n\": 1}", tasks);

        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json("""
                {"error": "Busy", "cause": "try later", "n": 1, "input": {"n": 1, "error": {"Error": "Busy", "Cause": "try later"}}}
                """)));
    }

    @Test
    void anUnassignedVariableFailsThePathThatReadsIt()
    {
        ExecutionResult result = run("""
                {"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"x.$": "$nobody.x"}, "End": true}}}
                """, "{}", new FakeTasks());

        assertThat(result).isEqualTo(new ExecutionResult.Failed("States.ParameterPathFailure",
                "The JSONPath '$nobody.x' specified for the field 'x.$' could not be found in the input '{}'"));
    }

    @Test
    void branchesAndIterationsReadOuterVariablesAndAssignTheirOwn()
    {
        ExecutionResult result = run("""
                {"QueryLanguage": "JSONata", "StartAt": "Init", "States": {
                  "Init": {"Type": "Pass", "Assign": {"who": "outer", "n": 1}, "Next": "Both"},
                  "Both": {"Type": "Parallel", "Next": "Each", "Branches": [
                    {"StartAt": "Mine", "States": {
                      "Mine": {"Type": "Pass", "Assign": {"who": "branch", "mine": "{% $n + 1 %}"}, "Next": "Read"},
                      "Read": {"Type": "Pass", "Output": "{% $who & ' ' & $mine %}", "End": true}}},
                    {"StartAt": "Other", "States": {"Other": {"Type": "Pass", "Output": "{% $who %}", "End": true}}}]},
                  "Each": {"Type": "Map", "Items": [10, 20], "Next": "After",
                           "ItemProcessor": {"StartAt": "Add", "States": {
                             "Add": {"Type": "Pass", "Assign": {"n": "{% $n + $states.input %}"}, "Next": "Show"},
                             "Show": {"Type": "Pass", "Output": "{% $n %}", "End": true}}}},
                  "After": {"Type": "Pass", "Output": {"both": "{% $states.input %}", "who": "{% $who %}", "n": "{% $n %}"}, "End": true}
                }}
                """, "{}", new FakeTasks());

        // the Map's results arrive as its input of After: [11, 21]
        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json("{\"both\": [11, 21], \"who\": \"outer\", \"n\": 1}")));
    }

    @Test
    void aVariableOverTheSizeLimitFailsTheState()
    {
        ExecutionResult result = run("""
                {"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {"Type": "Pass", "Assign": {"big": "{% $states.input.text %}"}, "End": true}}}
                """, "{\"text\": \"" + "x".repeat(262200) + "\"}", new FakeTasks());

        assertThat(result).isEqualTo(new ExecutionResult.Failed("States.DataLimitExceeded",
                "The value assigned to the variable 'big' is 262202 bytes, more than the limit of 262144"));
    }

    private ExecutionResult run(String definition, String input, TaskInvoker tasks)
    {
        return TestRuns.run(time, history, definition, input, tasks, FixedRandom.none(), Runnable::run);
    }
}
