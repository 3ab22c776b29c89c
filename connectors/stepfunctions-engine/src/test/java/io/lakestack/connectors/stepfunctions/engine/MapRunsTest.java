package io.lakestack.connectors.stepfunctions.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.lakestack.connectors.stepfunctions.MapRunRequest;
import io.lakestack.connectors.stepfunctions.MapRunRequest.OutputType;
import io.lakestack.connectors.stepfunctions.MapRunRequest.Transformation;
import io.lakestack.connectors.stepfunctions.TaskOutcome;
import io.lakestack.spi.stepfunctions.MapRun;
import io.lakestack.spi.stepfunctions.StateMachineExecution;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class MapRunsTest
{
    private static MapRun run(double percentage, long count)
    {
        return new MapRun("arn:aws:states:us-east-1:000000000000:mapRun:m/l:1", "arn:aws:states:us-east-1:000000000000:execution:m:e", MapRun.RUNNING,
                0, 0, 0, percentage, count, List.of(1, 1, 1, 1), 0, 0, 0);
    }

    @Test
    void withoutToleranceAnyFailureFailsTheMapRun()
    {
        assertThat(MapRuns.exceeded(run(-1, -1), 0, 4)).isFalse();
        assertThat(MapRuns.exceeded(run(-1, -1), 1, 4)).isTrue();
    }

    @Test
    void aToleratedCountAloneIsTheLimit()
    {
        assertThat(MapRuns.exceeded(run(-1, 1), 1, 4)).isFalse();
        assertThat(MapRuns.exceeded(run(-1, 1), 2, 4)).isTrue();
    }

    @Test
    void aToleratedPercentageAloneIsTheLimit()
    {
        assertThat(MapRuns.exceeded(run(50, -1), 2, 4)).isFalse();
        assertThat(MapRuns.exceeded(run(50, -1), 3, 4)).isTrue();
    }

    @Test
    void withBothEitherLimitExceededFails()
    {
        assertThat(MapRuns.exceeded(run(50, 1), 1, 4)).isFalse();
        assertThat(MapRuns.exceeded(run(50, 1), 2, 4)).isTrue();
        assertThat(MapRuns.exceeded(run(20, 3), 1, 4)).isTrue();
    }

    private static final String MACHINE = "arn:aws:states:us-east-1:000000000000:stateMachine:m/l";

    private static StateMachineExecution child(int index, String status, Optional<String> output, Optional<String> error)
    {
        return new StateMachineExecution("arn:aws:states:us-east-1:000000000000:execution:m/l:1-" + index, MACHINE, "1-" + index, status,
                "{\"i\":" + index + "}", "{}", "role", 1_000 * index, 1_000 * index + 500, output, error, error.map(e -> "because " + e));
    }

    private static final List<StateMachineExecution> CHILDREN = List.of(
            child(0, StateMachineExecution.SUCCEEDED, Optional.of("[1,[2]]"), Optional.empty()),
            child(1, StateMachineExecution.FAILED, Optional.empty(), Optional.of("Bad")),
            child(2, StateMachineExecution.SUCCEEDED, Optional.of("{\"a\":3}"), Optional.empty()));

    private static JsonNode json(String text)
            throws Exception
    {
        return new ObjectMapper().readTree(text);
    }

    private static final String FAILED_RECORD = """
            {"ExecutionArn": "arn:aws:states:us-east-1:000000000000:execution:m/l:1-1", "Input": "{\\"i\\":1}", "InputDetails": {"Included": true},
             "Name": "1-1", "Error": "Bad", "Cause": "because Bad", "RedriveCount": 0, "RedriveStatus": "REDRIVABLE_BY_MAP_RUN",
             "StartDate": "1970-01-01T00:00:01Z", "StateMachineArn": "arn:aws:states:us-east-1:000000000000:stateMachine:m/l", "Status": "FAILED",
             "StopDate": "1970-01-01T00:00:01.500Z"}""";

    @Test
    void compactIsEachOutputAndAFailedChildsErrorAndCause()
            throws Exception
    {
        assertThat(MapRuns.results(Transformation.COMPACT, CHILDREN)).isEqualTo(json("""
                [[1, [2]], {"Error": "Bad", "Cause": "because Bad"}, {"a": 3}]"""));
    }

    @Test
    void flattenTakesTheElementsOfAnArrayOutputOneLevelDeepAndAFailedChildsRecord()
            throws Exception
    {
        assertThat(MapRuns.results(Transformation.FLATTEN, CHILDREN)).isEqualTo(json("[1, [2], " + FAILED_RECORD + ", {\"a\": 3}]"));
    }

    @Test
    void noneIsEveryChildsRecord()
            throws Exception
    {
        assertThat(MapRuns.results(Transformation.NONE, CHILDREN)).isEqualTo(json("""
                [{"ExecutionArn": "arn:aws:states:us-east-1:000000000000:execution:m/l:1-0", "Input": "{\\"i\\":0}", "InputDetails": {"Included": true},
                  "Name": "1-0", "Output": "[1,[2]]", "OutputDetails": {"Included": true}, "RedriveCount": 0, "RedriveStatus": "NOT_REDRIVABLE",
                  "RedriveStatusReason": "Execution is SUCCEEDED and cannot be redriven", "StartDate": "1970-01-01T00:00:00Z",
                  "StateMachineArn": "arn:aws:states:us-east-1:000000000000:stateMachine:m/l", "Status": "SUCCEEDED", "StopDate": "1970-01-01T00:00:00.500Z"},
                 FAILED_RECORD,
                 {"ExecutionArn": "arn:aws:states:us-east-1:000000000000:execution:m/l:1-2", "Input": "{\\"i\\":2}", "InputDetails": {"Included": true},
                  "Name": "1-2", "Output": "{\\"a\\":3}", "OutputDetails": {"Included": true}, "RedriveCount": 0, "RedriveStatus": "NOT_REDRIVABLE",
                  "RedriveStatusReason": "Execution is SUCCEEDED and cannot be redriven", "StartDate": "1970-01-01T00:00:02Z",
                  "StateMachineArn": "arn:aws:states:us-east-1:000000000000:stateMachine:m/l", "Status": "SUCCEEDED", "StopDate": "1970-01-01T00:00:02.500Z"}]
                """.replace("FAILED_RECORD", FAILED_RECORD)));
    }

    @Test
    void withoutAWriterConfigAnExportKeepsRecordsAndTheMapsResultIsCompact()
    {
        assertThat(Transformation.byDefault(true)).isEqualTo(Transformation.NONE);
        assertThat(Transformation.byDefault(false)).isEqualTo(Transformation.COMPACT);
    }

    @Test
    void aResultFileIsOneJsonArrayOrJsonLines()
            throws Exception
    {
        ArrayNode entries = (ArrayNode) json("[{\"a\": 1}, [2, 3], \"x\", null]");
        assertThat(MapRuns.text(OutputType.JSON, entries)).isEqualTo("[{\"a\":1},[2,3],\"x\",null]");
        assertThat(MapRuns.text(OutputType.JSONL, entries)).isEqualTo("{\"a\":1}\n[2,3]\n\"x\"\nnull\n");
        assertThat(MapRuns.text(OutputType.JSONL, (ArrayNode) json("[]"))).isEmpty();
        assertThat(OutputType.JSON.extension()).isEqualTo(".json");
        assertThat(OutputType.JSONL.extension()).isEqualTo(".jsonl");
    }

    @Test
    void aFailedMapRunWithinItsToleranceFailedWritingItsResults()
    {
        String mapRunArn = "arn:aws:states:us-east-1:000000000000:mapRun:m/l:1";
        List<Optional<StateMachineExecution>> states = CHILDREN.stream().map(Optional::of).toList();
        MapRunRequest exported = new MapRunRequest("arn:aws:states:us-east-1:000000000000:execution:m:e", mapRunArn, "{}", false, List.of(), List.of(1, 1, 1),
                0, -1, 1, Optional.of(new MapRunRequest.ResultWriter("out", "p", OutputType.JSON)), Transformation.NONE);
        MapRun toleratingOne = new MapRun(mapRunArn, exported.executionArn(), MapRun.FAILED, 0, 1, 0, -1, 1, List.of(1, 1, 1), 0, 0, 0);
        MapRun toleratingNone = new MapRun(mapRunArn, exported.executionArn(), MapRun.FAILED, 0, 1, 0, -1, -1, List.of(1, 1, 1), 0, 0, 0);

        assertThat(MapRuns.outcome(exported, toleratingOne, states)).isEqualTo(TaskOutcome.failed("States.ResultWriterFailed",
                "The ResultWriter could not write the results of Map Run " + mapRunArn + " to the bucket out"));
        assertThat(MapRuns.outcome(exported, toleratingNone, states)).isEqualTo(TaskOutcome.failed("States.ExceedToleratedFailureThreshold",
                "The specified tolerated failure threshold was exceeded: 1 of 3 child executions of Map Run " + mapRunArn
                        + " failed (tolerated: 0 executions, 0.0 percent)"));
    }
}
