package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPOutputStream;

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

    /**
     * Reads the objects it holds (a CSV object at data/rows.csv to begin with) and the Parquet rows it is given, and
     * answers each Map Run with the inputs of its children, as if each child echoed its input.
     */
    private static final class FakeMapRunner
            implements MapRunner
    {
        private final List<MapRunRequest> requests = new ArrayList<>();
        private final List<String> redrives = new ArrayList<>();
        private final Map<String, byte[]> objects = new HashMap<>(Map.of("data/rows.csv", utf8("id,name\n1,a\n2,b\n3,c\n4,d\n5,e\n")));
        private final Map<String, List<JsonNode>> parquet = new HashMap<>();
        private final List<String> reads = new ArrayList<>();
        private TaskOutcome outcome;

        @Override
        public byte[] getObject(String bucket, String key)
        {
            reads.add(bucket + "/" + key);
            byte[] object = objects.get(bucket + "/" + key);
            if (object == null) {
                throw new IllegalStateException("NoSuchKey: The specified key does not exist.");
            }
            return object;
        }

        @Override
        public List<JsonNode> parquetRows(String bucket, String key)
        {
            reads.add(bucket + "/" + key);
            List<JsonNode> rows = parquet.get(bucket + "/" + key);
            if (rows == null) {
                throw new IllegalArgumentException("The object s3://" + bucket + "/" + key + " is not Parquet");
            }
            return rows;
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
        public void redrive(String mapRunArn, int redriveCount)
        {
            redrives.add(mapRunArn + "#" + redriveCount);
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
        assertThat(request.resultWriter()).contains(new MapRunRequest.ResultWriter("out", "p", MapRunRequest.OutputType.JSON));
        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json(request.childInputs().toString())));
        assertThat(history.types()).containsExactly("ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted", "MapRunSucceeded",
                "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded");
    }

    private static final String JSONATA_DEFINITION = """
            {"QueryLanguage": "JSONata", "StartAt": "Fan", "States": {
              "Fan": {"Type": "Map", "Next": "Done", "Label": "rows", "MaxConcurrency": "{% $states.input.n %}",
                "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW",
                  "CSVDelimiter": "SEMICOLON", "MaxItems": "{% $states.input.max %}"}, "Arguments": {"Bucket": "data", "Key": "{% $states.input.key %}"}},
                "ItemSelector": {"name": "{% $uppercase($states.context.Map.Item.Value.name) %}", "index": "{% $states.context.Map.Item.Index %}",
                  "run": "{% $states.input.run %}"},
                "ItemBatcher": {"MaxItemsPerBatch": "{% $states.input.batch %}", "BatchInput": {"run": "{% $states.input.run %}"}},
                "ToleratedFailureCount": "{% $states.input.tolerated %}", "ToleratedFailurePercentage": "{% $states.input.percent %}",
                "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Arguments": {"Bucket": "out", "Prefix": "{% $states.input.prefix %}"}},
                "Assign": {"children": "{% $count($states.result) %}"},
                "Output": "{% {'first': $states.result[0]} %}",
                "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "I",
                  "States": {"I": {"Type": "Pass", "End": true}}}},
              "Done": {"Type": "Pass", "Output": "{% $merge([$states.input, {'children': $children}]) %}", "End": true}}}
            """;

    /** The JSONata machine's input: its key, limits and run, with the batch size and tolerated percentage given. */
    private static String jsonataInput(String batch, String percent)
    {
        return "{\"key\": \"rows.csv\", \"max\": 3, \"n\": 4, \"batch\": " + batch + ", \"run\": \"r\", \"tolerated\": 1, \"percent\": " + percent
                + ", \"prefix\": \"p\"}";
    }

    @Test
    void aJsonataDistributedMapEvaluatesItsArgumentsSelectorBatcherLimitsAndOutput()
    {
        FakeMapRunner runner = new FakeMapRunner();
        runner.objects.put("data/rows.csv", utf8("id;name\n1;a,x\n2;b\n3;c\n4;d\n"));
        ExecutionResult result = run(runner, JSONATA_DEFINITION, jsonataInput("2", "25.5"));
        MapRunRequest request = runner.requests.get(0);
        assertThat(json(request.childDefinition())).isEqualTo(json(
                "{\"StartAt\": \"I\", \"States\": {\"I\": {\"Type\": \"Pass\", \"End\": true}}, \"QueryLanguage\": \"JSONata\"}"));
        assertThat(request.express()).isFalse();
        assertThat(request.childInputs()).containsExactly(
                json("{\"BatchInput\": {\"run\": \"r\"}, \"Items\": [{\"name\": \"A,X\", \"index\": 0, \"run\": \"r\"}, "
                        + "{\"name\": \"B\", \"index\": 1, \"run\": \"r\"}]}"),
                json("{\"BatchInput\": {\"run\": \"r\"}, \"Items\": [{\"name\": \"C\", \"index\": 2, \"run\": \"r\"}]}"));
        assertThat(request.itemsPerChild()).containsExactly(2, 1);
        assertThat(request.maxConcurrency()).isEqualTo(4);
        assertThat(request.toleratedFailureCount()).isEqualTo(1L);
        assertThat(request.toleratedFailurePercentage()).isEqualTo(25.5);
        assertThat(request.resultWriter()).contains(new MapRunRequest.ResultWriter("out", "p", MapRunRequest.OutputType.JSON));
        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json("{\"first\": " + request.childInputs().get(0) + ", \"children\": 2}")));
    }

    @Test
    void aJsonataLimitOfTheWrongTypeFailsTheStateWithAQueryEvaluationError()
    {
        FakeMapRunner runner = new FakeMapRunner();
        runner.objects.put("data/rows.csv", utf8("id;name\n1;a\n"));
        ExecutionResult result = run(runner, JSONATA_DEFINITION, jsonataInput("\"two\"", "5"));
        assertThat(runner.requests).isEmpty();
        assertThat(result).isEqualTo(new ExecutionResult.Failed("States.QueryEvaluationError", "An error occurred while executing the state 'Fan' "
                + "(entered at the event id #2). The JSONata expression '$states.input.batch' specified for the field 'ItemBatcher/MaxItemsPerBatch' "
                + "returned a value that is not a positive integer: \"two\""));
        ExecutionResult percent = run(runner, JSONATA_DEFINITION, jsonataInput("2", "101"));
        assertThat(percent).isEqualTo(new ExecutionResult.Failed("States.QueryEvaluationError", "An error occurred while executing the state 'Fan' "
                + "(entered at the event id #2). The JSONata expression '$states.input.percent' specified for the field 'ToleratedFailurePercentage' "
                + "returned a value that is not a number from 0 to 100: 101"));
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

    @Test
    void anExecutionThatFailedInAMapRunIsRedrivenWithItsMapRun()
    {
        FakeMapRunner runner = new FakeMapRunner();
        runner.outcome = TaskOutcome.failed("States.ExceedToleratedFailureThreshold", "a child failed");
        String definition = """
                {"StartAt": "Fan", "States": {"Fan": {"Type": "Map", "ItemsPath": "$.items", "End": true,
                  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "I",
                    "States": {"I": {"Type": "Pass", "End": true}}}}}}
                """;
        assertThat(run(runner, definition, "{\"items\": [1, 2]}")).isEqualTo(new ExecutionResult.Failed("States.ExceedToleratedFailureThreshold", "a child failed"));
        assertThat(history.chain()).containsExactly("1<-0 ExecutionStarted", "2<-1 MapStateEntered", "3<-2 MapStateStarted", "4<-3 MapRunStarted",
                "5<-4 MapRunFailed", "6<-5 MapStateFailed", "7<-6 ExecutionFailed");
        assertThat(StateMachineInterpreter.redriveRefusal(history.events())).isEmpty();

        // redriven: the same Map Run goes on (its failed children redriven by the runner), and this time it succeeds
        history.append(new HistoryEvent(8, 7, "ExecutionRedriven", START, Json.object().put("redriveCount", 1)));
        runner.outcome = null;
        StateMachineInterpreter interpreter = StateMachineInterpreter.builder().taskInvoker(new FakeTasks()).clock(time).waiter(time)
                .random(FixedRandom.none()).historySink(history).executor(Runnable::run).mapRunner(runner).build();
        ExecutionResult result = interpreter.resume(StateMachineDefinition.parse(definition),
                new ExecutionRequest(EXECUTION, MACHINE, ROLE, json("{\"items\": [1, 2]}"), START), history.events());

        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json("[1, 2]")));
        String mapRunArn = runner.requests.get(0).mapRunArn();
        assertThat(runner.requests).extracting(MapRunRequest::mapRunArn).containsExactly(mapRunArn, mapRunArn);
        assertThat(runner.redrives).containsExactly(mapRunArn + "#1");
        assertThat(history.chain().subList(7, history.chain().size())).containsExactly("8<-7 ExecutionRedriven", "9<-8 MapRunRedriven",
                "10<-9 MapRunSucceeded", "11<-10 MapStateSucceeded", "12<-11 MapStateExited", "13<-12 ExecutionSucceeded");
        assertThat(history.events().get(8).details()).isEqualTo(Json.object().put("mapRunArn", mapRunArn).put("redriveCount", 1));

        // a restart after MapRunRedriven redrives the Map Run again (the runner redrives only what is left) and writes nothing twice
        List<HistoryEvent> upToTheRedrive = history.events().subList(0, 9);
        RecordingHistory resumed = new RecordingHistory();
        upToTheRedrive.forEach(resumed::append);
        StateMachineInterpreter again = StateMachineInterpreter.builder().taskInvoker(new FakeTasks()).clock(time).waiter(time)
                .random(FixedRandom.none()).historySink(resumed).executor(Runnable::run).mapRunner(runner).build();
        assertThat(again.resume(StateMachineDefinition.parse(definition), new ExecutionRequest(EXECUTION, MACHINE, ROLE, json("{\"items\": [1, 2]}"), START),
                upToTheRedrive)).isEqualTo(result);
        assertThat(runner.redrives).containsExactly(mapRunArn + "#1", mapRunArn + "#1");
        assertThat(resumed.chain()).isEqualTo(history.chain());
    }

    private static byte[] utf8(String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gzip(String text)
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(utf8(text));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * A Map reading the object data/{@code key} with the given {@code ReaderConfig}, each item its child's input; a
     * reader failure is caught, the execution's output then its error and cause.
     */
    private static String readerMachine(String readerConfig, String key)
    {
        return """
                {"StartAt": "Fan", "States": {"Fan": {"Type": "Map", "End": true,
                  "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": %s, "Parameters": {"Bucket": "data", "Key": "%s"}},
                  "Catch": [{"ErrorEquals": ["States.ItemReaderFailed"], "Next": "Caught"}],
                  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "I",
                    "States": {"I": {"Type": "Pass", "End": true}}}},
                  "Caught": {"Type": "Pass", "End": true}}}
                """.formatted(readerConfig, key);
    }

    @Test
    void aGzipObjectIsDecompressedBeforeItsItemsAreRead()
    {
        FakeMapRunner runner = new FakeMapRunner();
        runner.objects.put("data/items.json.gz", gzip("[1, {\"a\": \"b\"}]"));
        runner.objects.put("data/rows.csv.gz", gzip("id,name\n7,g\n"));
        assertThat(run(runner, readerMachine("{\"InputType\": \"JSON\"}", "items.json.gz"), "{}"))
                .isEqualTo(new ExecutionResult.Succeeded(json("[1, {\"a\": \"b\"}]")));
        assertThat(run(runner, readerMachine("{\"InputType\": \"CSV\", \"CSVHeaderLocation\": \"FIRST_ROW\"}", "rows.csv.gz"), "{}"))
                .isEqualTo(new ExecutionResult.Succeeded(json("[{\"id\": \"7\", \"name\": \"g\"}]")));
    }

    @Test
    void aParquetObjectGivesItsRowsAsTheRunnerReadsThem()
    {
        FakeMapRunner runner = new FakeMapRunner();
        runner.parquet.put("data/rows.parquet", List.of(json("{\"id\": 1, \"name\": \"a\"}"), json("{\"id\": 2, \"name\": null}"),
                json("{\"id\": 3, \"name\": \"c\"}")));
        assertThat(run(runner, readerMachine("{\"InputType\": \"PARQUET\", \"MaxItems\": 2}", "rows.parquet"), "{}"))
                .isEqualTo(new ExecutionResult.Succeeded(json("[{\"id\": 1, \"name\": \"a\"}, {\"id\": 2, \"name\": null}]")));
        assertThat(runner.reads).containsExactly("data/rows.parquet");

        // an object the runner cannot read as Parquet fails the reader, naming it
        ExecutionResult failed = run(runner, readerMachine("{\"InputType\": \"PARQUET\"}", "rows.csv"), "{}");
        assertThat(failed).isEqualTo(new ExecutionResult.Succeeded(json("""
                {"Error": "States.ItemReaderFailed",
                 "Cause": "The ItemReader could not read {\\"Bucket\\":\\"data\\",\\"Key\\":\\"rows.csv\\"}: The object s3://data/rows.csv is not Parquet"}
                """)));
    }

    @Test
    void anAthenaDataManifestGivesTheRowsOfEveryFileItListsInItsOrder()
    {
        FakeMapRunner runner = new FakeMapRunner();
        runner.objects.put("data/results/q1-manifest.csv", utf8("s3://unload/q1/b.gz\r\n\ns3://unload/q1/a\n"));
        runner.objects.put("unload/q1/b.gz", gzip("{\"n\": 1}\n{\"n\": 2}\n"));
        runner.objects.put("unload/q1/a", utf8("{\"n\": 3, \"s\": \"x\"}\n"));
        assertThat(run(runner, readerMachine("{\"InputType\": \"JSONL\", \"ManifestType\": \"ATHENA_DATA\"}", "results/q1-manifest.csv"), "{}"))
                .isEqualTo(new ExecutionResult.Succeeded(json("[{\"n\": 1}, {\"n\": 2}, {\"n\": 3, \"s\": \"x\"}]")));
        assertThat(runner.reads).containsExactly("data/results/q1-manifest.csv", "unload/q1/b.gz", "unload/q1/a");

        // MaxItems counts the items of all the files: a file past the limit is not read
        runner.reads.clear();
        assertThat(run(runner, readerMachine("{\"InputType\": \"JSONL\", \"ManifestType\": \"ATHENA_DATA\", \"MaxItems\": 2}",
                "results/q1-manifest.csv"), "{}")).isEqualTo(new ExecutionResult.Succeeded(json("[{\"n\": 1}, {\"n\": 2}]")));
        assertThat(runner.reads).containsExactly("data/results/q1-manifest.csv", "unload/q1/b.gz");
    }

    @Test
    void anAthenaDataManifestOfCsvFilesReadsEachWithTheCsvOptions()
    {
        FakeMapRunner runner = new FakeMapRunner();
        runner.objects.put("data/m.csv", utf8("s3://unload/1.gz\ns3://unload/2\n"));
        runner.objects.put("unload/1.gz", gzip("id|name\n1|a\n"));
        runner.objects.put("unload/2", utf8("name|id\nb|2\nc|3\n"));
        // FIRST_ROW: each file's own first row is its header
        assertThat(run(runner, readerMachine("{\"InputType\": \"CSV\", \"ManifestType\": \"ATHENA_DATA\", \"CSVHeaderLocation\": \"FIRST_ROW\", "
                + "\"CSVDelimiter\": \"PIPE\", \"MaxItems\": 0}", "m.csv"), "{}")).isEqualTo(new ExecutionResult.Succeeded(json(
                "[{\"id\": \"1\", \"name\": \"a\"}, {\"id\": \"2\", \"name\": \"b\"}, {\"id\": \"3\", \"name\": \"c\"}]")));
        // GIVEN: every row of every file is data
        assertThat(run(runner, readerMachine("{\"InputType\": \"CSV\", \"ManifestType\": \"ATHENA_DATA\", \"CSVHeaderLocation\": \"GIVEN\", "
                + "\"CSVHeaders\": [\"x\", \"y\"], \"CSVDelimiter\": \"PIPE\", \"MaxItems\": 3}", "m.csv"), "{}")).isEqualTo(new ExecutionResult.Succeeded(json(
                "[{\"x\": \"id\", \"y\": \"name\"}, {\"x\": \"1\", \"y\": \"a\"}, {\"x\": \"name\", \"y\": \"id\"}]")));
    }

    @Test
    void anAthenaDataManifestOfParquetFilesGivesTheirRows()
    {
        FakeMapRunner runner = new FakeMapRunner();
        runner.objects.put("data/m.csv", utf8("s3://unload/p/1.parquet\ns3://unload/p/2.parquet\n"));
        runner.parquet.put("unload/p/1.parquet", List.of(json("{\"id\": 1}")));
        runner.parquet.put("unload/p/2.parquet", List.of(json("{\"id\": 2}"), json("{\"id\": 3}")));
        assertThat(run(runner, readerMachine("{\"InputType\": \"PARQUET\", \"ManifestType\": \"ATHENA_DATA\"}", "m.csv"), "{}"))
                .isEqualTo(new ExecutionResult.Succeeded(json("[{\"id\": 1}, {\"id\": 2}, {\"id\": 3}]")));
        assertThat(runner.reads).containsExactly("data/m.csv", "unload/p/1.parquet", "unload/p/2.parquet");
    }

    @Test
    void aManifestThatCannotBeReadFailsTheReaderNamingWhat()
    {
        FakeMapRunner runner = new FakeMapRunner();
        runner.objects.put("data/bad.csv", utf8("s3://unload/1\n\nhttps://unload/2\n"));
        runner.objects.put("data/missing.csv", utf8("s3://unload/none\n"));
        runner.objects.put("unload/1", utf8("{}\n"));
        String config = "{\"InputType\": \"JSONL\", \"ManifestType\": \"ATHENA_DATA\"}";
        assertThat(run(runner, readerMachine(config, "bad.csv"), "{}")).isEqualTo(new ExecutionResult.Succeeded(json("""
                {"Error": "States.ItemReaderFailed",
                 "Cause": "Line 3 of the Athena data manifest s3://data/bad.csv is not an S3 URI (s3://bucket/key): https://unload/2"}
                """)));
        assertThat(run(runner, readerMachine(config, "missing.csv"), "{}")).isEqualTo(new ExecutionResult.Succeeded(json("""
                {"Error": "States.ItemReaderFailed", "Cause": "The ItemReader could not read s3://unload/none, which the manifest s3://data/missing.csv \
                lists: NoSuchKey: The specified key does not exist."}
                """)));
        assertThat(run(runner, readerMachine(config, "none.csv"), "{}")).isEqualTo(new ExecutionResult.Succeeded(json("""
                {"Error": "States.ItemReaderFailed", "Cause": "The ItemReader could not read {\\"Bucket\\":\\"data\\",\\"Key\\":\\"none.csv\\"}: \
                NoSuchKey: The specified key does not exist."}
                """)));
    }

    private static final String INVENTORY = """
            {"sourceBucket": "photos", "destinationBucket": "arn:aws:s3:::inventories", "version": "2016-11-30", "creationTimestamp": "1700000000000",
             "fileFormat": "%s", "fileSchema": "Bucket, Key, Size, LastModifiedDate",
             "files": [{"key": "photos/all/data/one.csv.gz", "size": 40, "MD5checksum": "a"},
                       {"key": "photos/all/data/two.csv.gz", "size": 40, "MD5checksum": "b"}]}
            """;

    @Test
    void anS3InventoryManifestGivesTheRowsOfItsCsvFilesKeyedByItsSchema()
    {
        FakeMapRunner runner = new FakeMapRunner();
        runner.objects.put("data/inventory/manifest.json", utf8(INVENTORY.formatted("CSV")));
        runner.objects.put("inventories/photos/all/data/one.csv.gz", gzip("\"photos\",\"a.jpg\",\"10\",\"2024-01-02T03:04:05.000Z\"\n"
                + "\"photos\",\"b, c.jpg\",\"20\",\"2024-01-03T00:00:00.000Z\"\n"));
        runner.objects.put("inventories/photos/all/data/two.csv.gz", gzip("\"photos\",\"d.jpg\",\"30\",\"2024-01-04T00:00:00.000Z\"\n"));
        assertThat(run(runner, readerMachine("{\"InputType\": \"MANIFEST\"}", "inventory/manifest.json"), "{}")).isEqualTo(new ExecutionResult.Succeeded(json("""
                [{"Bucket": "photos", "Key": "a.jpg", "Size": "10", "LastModifiedDate": "2024-01-02T03:04:05.000Z"},
                 {"Bucket": "photos", "Key": "b, c.jpg", "Size": "20", "LastModifiedDate": "2024-01-03T00:00:00.000Z"},
                 {"Bucket": "photos", "Key": "d.jpg", "Size": "30", "LastModifiedDate": "2024-01-04T00:00:00.000Z"}]
                """)));
        assertThat(runner.reads).containsExactly("data/inventory/manifest.json", "inventories/photos/all/data/one.csv.gz",
                "inventories/photos/all/data/two.csv.gz");

        // ManifestType S3_INVENTORY says the same; MaxItems stops before the second file
        runner.reads.clear();
        assertThat(run(runner, readerMachine("{\"InputType\": \"MANIFEST\", \"ManifestType\": \"S3_INVENTORY\", \"MaxItems\": 1}",
                "inventory/manifest.json"), "{}")).isEqualTo(new ExecutionResult.Succeeded(json("""
                [{"Bucket": "photos", "Key": "a.jpg", "Size": "10", "LastModifiedDate": "2024-01-02T03:04:05.000Z"}]
                """)));
        assertThat(runner.reads).containsExactly("data/inventory/manifest.json", "inventories/photos/all/data/one.csv.gz");
    }

    @Test
    void anS3InventoryOfAnotherFormatFailsTheReader()
    {
        FakeMapRunner runner = new FakeMapRunner();
        runner.objects.put("data/orc/manifest.json", utf8(INVENTORY.formatted("ORC")));
        assertThat(run(runner, readerMachine("{\"InputType\": \"MANIFEST\"}", "orc/manifest.json"), "{}")).isEqualTo(new ExecutionResult.Succeeded(json("""
                {"Error": "States.ItemReaderFailed",
                 "Cause": "lakestack reads CSV inventories only, and the S3 Inventory manifest s3://data/orc/manifest.json has the fileFormat 'ORC'"}
                """)));
        assertThat(runner.reads).containsExactly("data/orc/manifest.json");
    }
}
