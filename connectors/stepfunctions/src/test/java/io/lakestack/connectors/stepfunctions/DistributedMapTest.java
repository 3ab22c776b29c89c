package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static io.lakestack.connectors.stepfunctions.TestRuns.EXECUTION;
import static io.lakestack.connectors.stepfunctions.TestRuns.MACHINE;
import static io.lakestack.connectors.stepfunctions.TestRuns.ROLE;
import static io.lakestack.connectors.stepfunctions.TestRuns.START;
import static io.lakestack.connectors.stepfunctions.TestRuns.json;
import static org.assertj.core.api.Assertions.assertThat;

class DistributedMapTest
{
    private final FakeTime time = new FakeTime(START);
    private final RecordingHistory history = new RecordingHistory();

    /** Reads one CSV object and answers each Map Run with the inputs of its children, as if each child echoed its input. */
    private static final class FakeMapRunner
            implements MapRunner
    {
        private final List<MapRunRequest> requests = new ArrayList<>();
        private TaskOutcome outcome;

        @Override
        public String getObject(String bucket, String key)
        {
            assertThat(bucket + "/" + key).isEqualTo("data/rows.csv");
            return "id,name\n1,a\n2,b\n3,c\n4,d\n5,e\n";
        }

        @Override
        public List<JsonNode> listObjects(String bucket, String prefix)
        {
            throw new AssertionError("not listed");
        }

        @Override
        public void abort(String mapRunArn)
        {
            throw new AssertionError("nothing aborts a Map Run here: " + mapRunArn);
        }

        @Override
        public CompletableFuture<TaskOutcome> run(MapRunRequest request)
        {
            requests.add(request);
            return CompletableFuture.completedFuture(outcome == null ? TaskOutcome.succeeded(json(request.childInputs().toString())) : outcome);
        }
    }

    private ExecutionResult run(FakeMapRunner runner, String definition, String input)
    {
        StateMachineInterpreter interpreter = StateMachineInterpreter.builder().taskInvoker(new FakeTasks()).clock(time).waiter(time)
                .random(FixedRandom.none()).historySink(history).executor(Runnable::run).mapRunner(runner).build();
        return interpreter.execute(StateMachineDefinition.parse(definition), new ExecutionRequest(EXECUTION, MACHINE, ROLE, json(input), START));
    }

    private static final String DEFINITION = """
            {"StartAt": "Fan", "States": {"Fan": {"Type": "Map", "End": true, "Label": "rows", "MaxConcurrency": 3,
              "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW",
                "MaxItemsPath": "$.max"}, "Parameters": {"Bucket": "data", "Key.$": "$.key"}},
              "ItemSelector": {"name.$": "$$.Map.Item.Value.name", "index.$": "$$.Map.Item.Index", "run.$": "$.run"},
              "ItemBatcher": {"MaxItemsPerBatch": 2, "BatchInput": {"run.$": "$.run"}},
              "ToleratedFailurePercentagePath": "$.tolerated",
              "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "out", "Prefix.$": "$.prefix"}},
              "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}, "StartAt": "I",
                "States": {"I": {"Type": "Pass", "End": true}}}}}}
            """;

    @Test
    void itemsAreReadSelectedAndBatchedIntoOneMapRun()
    {
        FakeMapRunner runner = new FakeMapRunner();
        ExecutionResult result = run(runner, DEFINITION, "{\"key\": \"rows.csv\", \"max\": 3, \"run\": \"r\", \"tolerated\": 50, \"prefix\": \"p\"}");
        assertThat(runner.requests).hasSize(1);
        MapRunRequest request = runner.requests.get(0);
        String id = request.mapRunArn().substring(request.mapRunArn().lastIndexOf(':') + 1);
        assertThat(request.mapRunArn()).isEqualTo("arn:aws:states:us-east-1:000000000000:mapRun:orders/rows:" + id);
        assertThat(request.executionArn()).isEqualTo(EXECUTION);
        assertThat(json(request.childDefinition())).isEqualTo(json("{\"StartAt\": \"I\", \"States\": {\"I\": {\"Type\": \"Pass\", \"End\": true}}}"));
        assertThat(request.express()).isTrue();
        assertThat(request.childInputs()).containsExactly(
                json("{\"BatchInput\": {\"run\": \"r\"}, \"Items\": [{\"name\": \"a\", \"index\": 0, \"run\": \"r\"}, {\"name\": \"b\", \"index\": 1, \"run\": \"r\"}]}"),
                json("{\"BatchInput\": {\"run\": \"r\"}, \"Items\": [{\"name\": \"c\", \"index\": 2, \"run\": \"r\"}]}"));
        assertThat(request.itemsPerChild()).containsExactly(2, 1);
        assertThat(request.maxConcurrency()).isEqualTo(3);
        assertThat(request.toleratedFailurePercentage()).isEqualTo(50.0);
        assertThat(request.toleratedFailureCount()).isEqualTo(-1L);
        assertThat(request.resultWriter()).contains(new MapRunRequest.ResultWriter("out", "p"));
        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json(request.childInputs().toString())));
        assertThat(history.types()).containsExactly("ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted", "MapRunSucceeded",
                "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded");
    }

    @Test
    void aFailedMapRunFailsTheStateForItsCatch()
    {
        FakeMapRunner runner = new FakeMapRunner();
        runner.outcome = TaskOutcome.failed("States.ExceedToleratedFailureThreshold", "too many");
        String definition = """
                {"StartAt": "Fan", "States": {"Fan": {"Type": "Map", "ItemsPath": "$.items", "Next": "Done",
                  "Catch": [{"ErrorEquals": ["States.ExceedToleratedFailureThreshold"], "ResultPath": "$.error", "Next": "Done"}],
                  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "I",
                    "States": {"I": {"Type": "Pass", "End": true}}}},
                  "Done": {"Type": "Succeed"}}}
                """;
        ExecutionResult result = run(runner, definition, "{\"items\": [1, 2]}");
        assertThat(runner.requests.get(0).childInputs()).containsExactly(json("1"), json("2"));
        assertThat(runner.requests.get(0).itemsPerChild()).containsExactly(1, 1);
        assertThat(runner.requests.get(0).resultWriter()).isEqualTo(Optional.empty());
        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json(
                "{\"items\": [1, 2], \"error\": {\"Error\": \"States.ExceedToleratedFailureThreshold\", \"Cause\": \"too many\"}}")));
        assertThat(history.types()).containsExactly("ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted", "MapRunFailed",
                "MapStateFailed", "MapStateExited", "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded");
    }
}
