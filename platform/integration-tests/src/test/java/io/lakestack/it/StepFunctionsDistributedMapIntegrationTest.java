package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.NanoTime;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.DescribeMapRunResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.MapRunListItem;
import software.amazon.awssdk.services.sfn.model.MapRunStatus;
import software.amazon.awssdk.services.sfn.model.SfnException;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The distributed Map on the real stack with the SDK: items read from a CSV object in lakestack's S3, batched, run as
 * child executions two at a time, one batch failing within the tolerated failures, results written to S3; the Map Run
 * described and listed, its children listed; a Map failing past its tolerated failures; items listed from a prefix;
 * items read from a Parquet object, from the files of an Athena data manifest and from an S3 Inventory.
 */
@LakestackTest
@Order(35)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StepFunctionsDistributedMapIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROLE = "arn:aws:iam::000000000000:role/it-states";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final TestStack stack;
    private final String bucket = "it-dmap-" + UUID.randomUUID().toString().substring(0, 8);
    private SfnClient sfn;
    private S3Client s3;

    StepFunctionsDistributedMapIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void setUp()
    {
        sfn = stack.client(SfnClient.builder());
        s3 = stack.s3();
        s3.createBucket(request -> request.bucket(bucket));
        StringBuilder csv = new StringBuilder("id,name\n");
        for (int i = 1; i <= 25; i++) {
            csv.append(i).append(',').append(i == 13 ? "bad" : "n" + i).append('\n');
        }
        s3.putObject(request -> request.bucket(bucket).key("rows.csv"), RequestBody.fromString(csv.toString()));
        s3.putObject(request -> request.bucket(bucket).key("pipes.csv"), RequestBody.fromString("id|name\n1|a,b\n2|c\n3|d\n"));
        for (String key : List.of("list/a.txt", "list/bb.txt", "other/c.txt")) {
            s3.putObject(request -> request.bucket(bucket).key(key), RequestBody.fromString(key.substring(key.indexOf('/') + 1)));
        }
    }

    @AfterAll
    void close()
    {
        sfn.close();
        s3.close();
    }

    private String rowsMachine(int tolerated)
    {
        return """
                {"StartAt": "Fan", "States": {"Fan": {"Type": "Map", "Label": "rows", "End": true,
                  "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                    "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"}, "Parameters": {"Bucket": "%s", "Key": "rows.csv"}},
                  "ItemBatcher": {"MaxItemsPerBatch": 10, "BatchInput": {"run.$": "$.run"}},
                  "MaxConcurrency": 2, "ToleratedFailureCount": %d,
                  "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "%s", "Prefix": "results"}},
                  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "Names", "States": {
                    "Names": {"Type": "Pass", "Parameters": {"names.$": "$.Items[*].name", "count.$": "States.ArrayLength($.Items)",
                      "run.$": "$.BatchInput.run"}, "Next": "Flag"},
                    "Flag": {"Type": "Pass", "Parameters": {"bad.$": "States.ArrayContains($.names, 'bad')", "count.$": "$.count", "run.$": "$.run"},
                      "Next": "Check"},
                    "Check": {"Type": "Choice", "Choices": [{"Variable": "$.bad", "BooleanEquals": true, "Next": "Reject"}], "Default": "Keep"},
                    "Reject": {"Type": "Fail", "Error": "BadRow", "Cause": "a row is bad"},
                    "Keep": {"Type": "Pass", "Parameters": {"count.$": "$.count", "run.$": "$.run"}, "End": true}}}}}}
                """.formatted(bucket, tolerated, bucket);
    }

    private String machine(String name, String definition)
    {
        return sfn.createStateMachine(request -> request.name(name).definition(definition).roleArn(ROLE)).stateMachineArn();
    }

    private DescribeExecutionResponse run(String machineArn, String input)
    {
        String arn = sfn.startExecution(request -> request.stateMachineArn(machineArn).input(input)).executionArn();
        await().atMost(WAIT).untilAsserted(() -> assertThat(sfn.describeExecution(request -> request.executionArn(arn)).status())
                .isNotEqualTo(ExecutionStatus.RUNNING));
        return sfn.describeExecution(request -> request.executionArn(arn));
    }

    private JsonNode object(String key)
            throws Exception
    {
        return JSON.readTree(s3.getObjectAsBytes(request -> request.bucket(bucket).key(key)).asUtf8String());
    }

    /** A Map Run with a failed child is redriven with its execution: only that child runs again, and the Map Run succeeds. */
    @Test
    void anExecutionThatFailedInAMapRunIsRedrivenWithItsMapRunsFailedChildrenOnly()
    {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String present = "it_dmap_present_" + suffix;
        String missing = "it_dmap_missing_" + suffix;
        try (GlueClient glue = stack.glue()) {
            glue.createDatabase(request -> request.databaseInput(input -> input.name(present)));
            String machine = machine("it-dmap-redrive", """
                    {"StartAt": "Fan", "States": {"Fan": {"Type": "Map", "Label": "dbs", "ItemsPath": "$.databases", "MaxConcurrency": 1, "End": true,
                      "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "Get",
                        "States": {"Get": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:glue:getDatabase", "Parameters": {"Name.$": "$"},
                          "ResultSelector": {"name.$": "$.Database.Name"}, "End": true}}}}}}
                    """);
            // one child at a time: the first has succeeded before the second fails the Map Run, which aborts children still running
            DescribeExecutionResponse failed = run(machine, "{\"databases\": [\"" + present + "\", \"" + missing + "\"]}");
            assertThat(failed.status()).isEqualTo(ExecutionStatus.FAILED);
            assertThat(failed.error()).isEqualTo("States.ExceedToleratedFailureThreshold");
            assertThat(failed.redriveStatusAsString()).isEqualTo("REDRIVABLE");
            String mapRunArn = sfn.listMapRuns(request -> request.executionArn(failed.executionArn())).mapRuns().get(0).mapRunArn();
            List<ExecutionListItem> before = sfn.listExecutions(request -> request.mapRunArn(mapRunArn)).executions().stream()
                    .sorted(Comparator.comparing(ExecutionListItem::name)).toList();
            assertThat(before).extracting(ExecutionListItem::status).containsExactly(ExecutionStatus.SUCCEEDED, ExecutionStatus.FAILED);
            assertThat(sfn.describeExecution(request -> request.executionArn(before.get(1).executionArn())).redriveStatusAsString())
                    .isEqualTo("REDRIVABLE_BY_MAP_RUN");

            // the missing database is made, and the execution redriven: its Map Run goes on with the failed child alone
            glue.createDatabase(request -> request.databaseInput(input -> input.name(missing)));
            sfn.redriveExecution(request -> request.executionArn(failed.executionArn()));
            await().atMost(WAIT).untilAsserted(() -> assertThat(sfn.describeExecution(request -> request.executionArn(failed.executionArn())).status())
                    .isEqualTo(ExecutionStatus.SUCCEEDED));
            DescribeExecutionResponse succeeded = sfn.describeExecution(request -> request.executionArn(failed.executionArn()));
            assertThat(parse(succeeded.output())).isEqualTo(parse("[{\"name\": \"" + present + "\"}, {\"name\": \"" + missing + "\"}]"));
            assertThat(succeeded.redriveCount()).isEqualTo(1);
            DescribeMapRunResponse described = sfn.describeMapRun(request -> request.mapRunArn(mapRunArn));
            assertThat(described.status()).isEqualTo(MapRunStatus.SUCCEEDED);
            assertThat(described.redriveCount()).isEqualTo(1);
            assertThat(described.redriveDate()).isNotNull();
            assertThat(List.of(described.executionCounts().succeeded(), described.executionCounts().failed(), described.executionCounts().total()))
                    .containsExactly(2L, 0L, 2L);
            List<ExecutionListItem> after = sfn.listExecutions(request -> request.mapRunArn(mapRunArn)).executions().stream()
                    .sorted(Comparator.comparing(ExecutionListItem::name)).toList();
            assertThat(after).extracting(ExecutionListItem::executionArn).containsExactlyElementsOf(before.stream().map(ExecutionListItem::executionArn).toList());
            // the child that had succeeded was not run again; the failed one was redriven
            assertThat(after).extracting(ExecutionListItem::status, ExecutionListItem::redriveCount)
                    .containsExactly(tuple(ExecutionStatus.SUCCEEDED, 0), tuple(ExecutionStatus.SUCCEEDED, 1));
            List<String> types = sfn.getExecutionHistory(request -> request.executionArn(failed.executionArn()).maxResults(1000)).events().stream()
                    .map(HistoryEvent::typeAsString).toList();
            assertThat(types).containsExactly("ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted", "MapRunFailed", "MapStateFailed",
                    "ExecutionFailed", "ExecutionRedriven", "MapRunRedriven", "MapRunSucceeded", "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded");

            // a Map Run of EXPRESS children is not redriven
            String express = machine("it-dmap-redrive-express", """
                    {"StartAt": "Fan", "States": {"Fan": {"Type": "Map", "Label": "dbs", "ItemsPath": "$.databases", "End": true,
                      "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}, "StartAt": "Get",
                        "States": {"Get": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:glue:getDatabase", "Parameters": {"Name.$": "$"}, "End": true}}}}}}
                    """);
            DescribeExecutionResponse expressFailed = run(express, "{\"databases\": [\"it_dmap_never_" + suffix + "\"]}");
            assertThat(expressFailed.status()).isEqualTo(ExecutionStatus.FAILED);
            String expressRun = sfn.listMapRuns(request -> request.executionArn(expressFailed.executionArn())).mapRuns().get(0).mapRunArn();
            String reason = "lakestack redrives the Map Runs of STANDARD child executions only, and the Map Run " + expressRun + " runs EXPRESS ones.";
            assertThat(expressFailed.redriveStatusAsString()).isEqualTo("NOT_REDRIVABLE");
            assertThat(expressFailed.redriveStatusReason()).isEqualTo(reason);
            assertThatThrownBy(() -> sfn.redriveExecution(request -> request.executionArn(expressFailed.executionArn())))
                    .isInstanceOfSatisfying(SfnException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ExecutionNotRedrivable");
                        assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Execution '" + expressFailed.executionArn() + "' cannot be redriven: " + reason);
                    });
            assertThat(sfn.describeMapRun(request -> request.mapRunArn(expressRun)).executionCounts().failuresNotRedrivable()).isEqualTo(1L);
        }
    }

    /** A Parallel branch fails while the other's Map Run has children waiting: the Map Run is aborted with its children. */
    @Test
    void aMapRunInABranchThatIsAbortedEndsAbortedWithItsChildren()
            throws Exception
    {
        try (SqsClient sqs = stack.client(SqsClient.builder())) {
            String queueUrl = sqs.createQueue(request -> request.queueName("it-dmap-aborted")).queueUrl();
            String machine = machine("it-dmap-aborted", """
                    {"StartAt": "All", "States": {"All": {"Type": "Parallel", "End": true, "Branches": [
                      {"StartAt": "Gate", "States": {"Gate": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                        "Parameters": {"QueueUrl": "%1$s", "MessageBody": {"who": "gate", "token.$": "$$.Task.Token"}}, "End": true}}},
                      {"StartAt": "Fan", "States": {"Fan": {"Type": "Map", "ItemsPath": "$.items", "End": true,
                        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "Hold",
                          "States": {"Hold": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                            "Parameters": {"QueueUrl": "%1$s", "MessageBody": {"who": "child", "token.$": "$$.Task.Token"}}, "End": true}}}}}}
                    ]}}}
                    """.formatted(queueUrl));
            String execution = sfn.startExecution(request -> request.stateMachineArn(machine).input("{\"items\": [1, 2]}")).executionArn();
            // the gate and both children are waiting: the gate fails
            java.util.Map<String, List<String>> tokens = new java.util.HashMap<>();
            await().atMost(WAIT).until(() -> {
                sqs.receiveMessage(request -> request.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages().forEach(message -> {
                    JsonNode body = parse(message.body());
                    tokens.computeIfAbsent(body.path("who").asText(), who -> new java.util.ArrayList<>()).add(body.path("token").asText());
                    sqs.deleteMessage(request -> request.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
                });
                return tokens.getOrDefault("gate", List.of()).size() == 1 && tokens.getOrDefault("child", List.of()).size() == 2;
            });
            sfn.sendTaskFailure(request -> request.taskToken(tokens.get("gate").get(0)).error("Gate.Closed").cause("no entry"));

            String mapRunArn = sfn.listMapRuns(request -> request.executionArn(execution)).mapRuns().get(0).mapRunArn();
            await().atMost(WAIT).untilAsserted(() -> assertThat(sfn.describeMapRun(request -> request.mapRunArn(mapRunArn)).status())
                    .isEqualTo(MapRunStatus.ABORTED));
            await().atMost(WAIT).untilAsserted(() -> assertThat(sfn.listExecutions(request -> request.mapRunArn(mapRunArn)).executions())
                    .extracting(ExecutionListItem::status).containsExactly(ExecutionStatus.ABORTED, ExecutionStatus.ABORTED));
            DescribeExecutionResponse failed = sfn.describeExecution(request -> request.executionArn(execution));
            assertThat(failed.status()).isEqualTo(ExecutionStatus.FAILED);
            assertThat(failed.error()).isEqualTo("Gate.Closed");
            List<String> types = sfn.getExecutionHistory(request -> request.executionArn(execution).maxResults(1000)).events().stream()
                    .map(HistoryEvent::typeAsString).toList();
            assertThat(types).containsSubsequence("MapRunStarted", "MapRunAborted", "MapStateAborted");
            assertThat(types.subList(types.size() - 2, types.size())).containsExactly("ParallelStateFailed", "ExecutionFailed");
        }
    }

    private static JsonNode parse(String text)
    {
        try {
            return JSON.readTree(text);
        }
        catch (Exception e) {
            throw new AssertionError(text, e);
        }
    }

    @Test
    void batchesRunAsChildExecutionsWithinToleratedFailures()
            throws Exception
    {
        String name = "it-dmap-rows-" + UUID.randomUUID().toString().substring(0, 8);
        String machineArn = machine(name, rowsMachine(1));
        DescribeExecutionResponse execution = run(machineArn, "{\"run\": \"r1\"}");
        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);

        List<MapRunListItem> runs = sfn.listMapRuns(request -> request.executionArn(execution.executionArn())).mapRuns();
        assertThat(runs).hasSize(1);
        String mapRunArn = runs.get(0).mapRunArn();
        String id = mapRunArn.substring(mapRunArn.lastIndexOf(':') + 1);
        assertThat(mapRunArn).isEqualTo("arn:aws:states:us-east-1:000000000000:mapRun:" + name + "/rows:" + id);
        assertThat(runs.get(0).executionArn()).isEqualTo(execution.executionArn());
        assertThat(runs.get(0).stateMachineArn()).isEqualTo("arn:aws:states:us-east-1:000000000000:stateMachine:" + name + "/rows");
        assertThat(JSON.readTree(execution.output())).isEqualTo(JSON.readTree("""
                {"MapRunArn": "%s", "ResultWriterDetails": {"Bucket": "%s", "Key": "results/%s/manifest.json"}}
                """.formatted(mapRunArn, bucket, id)));

        List<ExecutionListItem> children = sfn.listExecutions(request -> request.mapRunArn(mapRunArn)).executions().stream()
                .sorted(Comparator.comparing(ExecutionListItem::name)).toList();
        assertThat(children).extracting(ExecutionListItem::name).containsExactly(id + "-0", id + "-1", id + "-2");
        assertThat(children).extracting(ExecutionListItem::status)
                .containsExactly(ExecutionStatus.SUCCEEDED, ExecutionStatus.FAILED, ExecutionStatus.SUCCEEDED);
        assertThat(children).extracting(ExecutionListItem::mapRunArn).containsOnly(mapRunArn);

        ArrayNode succeeded = JSON.createArrayNode();
        ArrayNode failed = JSON.createArrayNode();
        for (ExecutionListItem child : children) {
            DescribeExecutionResponse described = sfn.describeExecution(request -> request.executionArn(child.executionArn()));
            boolean success = described.status() == ExecutionStatus.SUCCEEDED;
            ObjectNode entry = (success ? succeeded : failed).addObject();
            entry.put("ExecutionArn", described.executionArn());
            entry.put("Input", described.input());
            entry.putObject("InputDetails").put("Included", true);
            entry.put("Name", described.name());
            if (success) {
                entry.put("Output", described.output());
                entry.putObject("OutputDetails").put("Included", true);
            }
            else {
                entry.put("Error", "BadRow");
                entry.put("Cause", "a row is bad");
            }
            entry.put("RedriveCount", 0);
            if (success) {
                entry.put("RedriveStatus", "NOT_REDRIVABLE");
                entry.put("RedriveStatusReason", "Execution is SUCCEEDED and cannot be redriven");
            }
            else {
                // a STANDARD child that failed is redriven with its Map Run
                entry.put("RedriveStatus", "REDRIVABLE_BY_MAP_RUN");
                assertThat(described.redriveStatusAsString()).isEqualTo("REDRIVABLE_BY_MAP_RUN");
            }
            entry.put("StartDate", described.startDate().toString());
            entry.put("StateMachineArn", "arn:aws:states:us-east-1:000000000000:stateMachine:" + name + "/rows");
            entry.put("Status", described.statusAsString());
            entry.put("StopDate", described.stopDate().toString());
        }
        assertThat(succeeded.get(0).get("Output").asText()).isEqualTo("{\"count\":10,\"run\":\"r1\"}");
        assertThat(succeeded.get(1).get("Output").asText()).isEqualTo("{\"count\":5,\"run\":\"r1\"}");
        assertThat(JSON.readTree(failed.get(0).get("Input").asText()).get("Items").get(2)).isEqualTo(JSON.readTree("{\"id\": \"13\", \"name\": \"bad\"}"));
        assertThat(object("results/" + id + "/SUCCEEDED_0.json")).isEqualTo(succeeded);
        assertThat(object("results/" + id + "/FAILED_0.json")).isEqualTo(failed);
        assertThat(object("results/" + id + "/manifest.json")).isEqualTo(JSON.readTree("""
                {"DestinationBucket": "%s", "MapRunArn": "%s", "ResultFiles": {
                  "FAILED": [{"Key": "results/%s/FAILED_0.json", "Size": %d}],
                  "PENDING": [],
                  "SUCCEEDED": [{"Key": "results/%s/SUCCEEDED_0.json", "Size": %d}]}}
                """.formatted(bucket, mapRunArn, id, s3.headObject(request -> request.bucket(bucket).key("results/" + id + "/FAILED_0.json"))
                .contentLength(), id, s3.headObject(request -> request.bucket(bucket).key("results/" + id + "/SUCCEEDED_0.json")).contentLength())));

        DescribeMapRunResponse described = sfn.describeMapRun(request -> request.mapRunArn(mapRunArn));
        assertThat(described.status()).isEqualTo(MapRunStatus.SUCCEEDED);
        assertThat(described.executionArn()).isEqualTo(execution.executionArn());
        assertThat(described.maxConcurrency()).isEqualTo(2);
        assertThat(described.toleratedFailureCount()).isEqualTo(1L);
        assertThat(described.toleratedFailurePercentage()).isEqualTo(0.0f);
        assertThat(List.of(described.itemCounts().pending(), described.itemCounts().running(), described.itemCounts().succeeded(),
                described.itemCounts().failed(), described.itemCounts().timedOut(), described.itemCounts().aborted(), described.itemCounts().total(),
                described.itemCounts().resultsWritten())).containsExactly(0L, 0L, 15L, 10L, 0L, 0L, 25L, 25L);
        assertThat(List.of(described.executionCounts().pending(), described.executionCounts().running(), described.executionCounts().succeeded(),
                described.executionCounts().failed(), described.executionCounts().timedOut(), described.executionCounts().aborted(),
                described.executionCounts().total(), described.executionCounts().resultsWritten())).containsExactly(0L, 0L, 2L, 1L, 0L, 0L, 3L, 3L);

        List<HistoryEvent> events = sfn.getExecutionHistory(request -> request.executionArn(execution.executionArn())).events();
        assertThat(events).extracting(HistoryEvent::typeAsString).containsExactly("ExecutionStarted", "MapStateEntered", "MapStateStarted",
                "MapRunStarted", "MapRunSucceeded", "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded");
        assertThat(events.get(3).mapRunStartedEventDetails().mapRunArn()).isEqualTo(mapRunArn);
    }

    /**
     * A JSONata machine: the reader's and writer's Arguments, a pipe-delimited CSV, an ItemSelector and batch size from
     * expressions, children running the processor's JSONata states, and the Map's Output from its result.
     */
    @Test
    void aJsonataDistributedMapReadsSelectsBatchesAndWritesWithExpressions()
            throws Exception
    {
        String name = "it-dmap-jsonata-" + UUID.randomUUID().toString().substring(0, 8);
        String definition = """
                {"QueryLanguage": "JSONata", "StartAt": "Fan", "States": {"Fan": {"Type": "Map", "Label": "pipes", "End": true,
                  "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW",
                    "CSVDelimiter": "PIPE"}, "Arguments": {"Bucket": "BUCKET", "Key": "{% $states.input.key %}"}},
                  "ItemSelector": {"name": "{% $uppercase($states.context.Map.Item.Value.name) %}"},
                  "ItemBatcher": {"MaxItemsPerBatch": "{% $states.input.batch %}", "BatchInput": {"run": "{% $states.input.run %}"}},
                  "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Arguments": {"Bucket": "BUCKET", "Prefix": "{% $states.input.run %}"}},
                  "Output": "{% {'manifest': $states.result.ResultWriterDetails.Key, 'run': $states.input.run} %}",
                  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "Names", "States": {
                    "Names": {"Type": "Pass", "Output": "{% {'names': $states.input.Items.name[], 'run': $states.input.BatchInput.run} %}",
                      "End": true}}}}}}
                """.replace("BUCKET", bucket);
        DescribeExecutionResponse execution = run(machine(name, definition), "{\"key\": \"pipes.csv\", \"batch\": 2, \"run\": \"j1\"}");
        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        String mapRunArn = sfn.listMapRuns(request -> request.executionArn(execution.executionArn())).mapRuns().get(0).mapRunArn();
        String id = mapRunArn.substring(mapRunArn.lastIndexOf(':') + 1);
        assertThat(JSON.readTree(execution.output())).isEqualTo(JSON.readTree("{\"manifest\": \"j1/" + id + "/manifest.json\", \"run\": \"j1\"}"));
        List<String> outputs = sfn.listExecutions(request -> request.mapRunArn(mapRunArn)).executions().stream()
                .sorted(Comparator.comparing(ExecutionListItem::name))
                .map(child -> sfn.describeExecution(request -> request.executionArn(child.executionArn())).output()).toList();
        assertThat(outputs).containsExactly("{\"names\":[\"A,B\",\"C\"],\"run\":\"j1\"}", "{\"names\":[\"D\"],\"run\":\"j1\"}");
        JsonNode written = object("j1/" + id + "/SUCCEEDED_0.json");
        assertThat(List.of(written.size(), written.get(0).get("Output").asText(), written.get(1).get("Output").asText()))
                .containsExactly(2, outputs.get(0), outputs.get(1));
    }

    @Test
    void failuresPastTheToleratedCountFailTheMap()
    {
        String name = "it-dmap-strict-" + UUID.randomUUID().toString().substring(0, 8);
        DescribeExecutionResponse execution = run(machine(name, rowsMachine(0)), "{\"run\": \"r2\"}");
        assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(execution.error()).isEqualTo("States.ExceedToleratedFailureThreshold");
        String mapRunArn = sfn.listMapRuns(request -> request.executionArn(execution.executionArn())).mapRuns().get(0).mapRunArn();
        assertThat(sfn.describeMapRun(request -> request.mapRunArn(mapRunArn)).status()).isEqualTo(MapRunStatus.FAILED);
        List<HistoryEvent> events = sfn.getExecutionHistory(request -> request.executionArn(execution.executionArn())).events();
        assertThat(events).extracting(HistoryEvent::typeAsString).containsExactly("ExecutionStarted", "MapStateEntered", "MapStateStarted",
                "MapRunStarted", "MapRunFailed", "MapStateFailed", "ExecutionFailed");
        assertThat(events.get(4).mapRunFailedEventDetails().error()).isEqualTo("States.ExceedToleratedFailureThreshold");
    }

    @Test
    void listedObjectsAreTheItems()
            throws Exception
    {
        String definition = """
                {"StartAt": "Fan", "States": {"Fan": {"Type": "Map", "End": true,
                  "ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket": "%s", "Prefix": "list/"}},
                  "ItemSelector": {"key.$": "$$.Map.Item.Value.Key", "size.$": "$$.Map.Item.Value.Size", "class.$": "$$.Map.Item.Value.StorageClass",
                    "index.$": "$$.Map.Item.Index"},
                  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "Echo",
                    "States": {"Echo": {"Type": "Pass", "End": true}}}}}}
                """.formatted(bucket);
        DescribeExecutionResponse execution = run(machine("it-dmap-list-" + UUID.randomUUID().toString().substring(0, 8), definition), "{}");
        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(JSON.readTree(execution.output())).isEqualTo(JSON.readTree("""
                [{"key": "list/a.txt", "size": 5, "class": "STANDARD", "index": 0}, {"key": "list/bb.txt", "size": 6, "class": "STANDARD", "index": 1}]
                """));
    }

    /**
     * A ResultWriter's WriterConfig: FLATTEN into the Map's result (no export), COMPACT into the exported
     * SUCCEEDED file, NONE into the Map's result (the children's records).
     */
    @Test
    void aWriterConfigTransformsTheResultsInTheMapsResultAndInTheExport()
            throws Exception
    {
        String processor = """
                "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "ECHO",
                  "States": {"ECHO": {"Type": "Pass", "End": true}}}""";
        String definition = """
                {"StartAt": "Flat", "States": {
                  "Flat": {"Type": "Map", "ItemsPath": "$.items", "ResultPath": "$.flat", "Next": "Export",
                    "ResultWriter": {"WriterConfig": {"OutputType": "JSON", "Transformation": "FLATTEN"}}, PROCESSOR_FLAT},
                  "Export": {"Type": "Map", "ItemsPath": "$.items", "ResultPath": "$.export", "Next": "Records",
                    "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "BUCKET", "Prefix": "compact"},
                      "WriterConfig": {"OutputType": "JSON", "Transformation": "COMPACT"}}, PROCESSOR_EXPORT},
                  "Records": {"Type": "Map", "ItemsPath": "$.items", "ResultPath": "$.records", "End": true,
                    "ResultWriter": {"WriterConfig": {"OutputType": "JSON", "Transformation": "NONE"}}, PROCESSOR_RECORDS}}}
                """.replace("PROCESSOR_FLAT", processor.replace("ECHO", "EchoFlat")).replace("PROCESSOR_EXPORT", processor.replace("ECHO", "EchoExport"))
                .replace("PROCESSOR_RECORDS", processor.replace("ECHO", "EchoRecords")).replace("BUCKET", bucket);
        DescribeExecutionResponse execution = run(machine("it-dmap-writer-" + UUID.randomUUID().toString().substring(0, 8), definition),
                "{\"items\": [[1, 2], [3, [4]], {\"five\": 5}]}");
        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        JsonNode output = JSON.readTree(execution.output());
        assertThat(output.get("flat")).isEqualTo(JSON.readTree("[1, 2, 3, [4], {\"five\": 5}]"));

        List<MapRunListItem> runs = sfn.listMapRuns(request -> request.executionArn(execution.executionArn())).mapRuns().stream()
                .sorted(Comparator.comparing(MapRunListItem::startDate)).toList();
        assertThat(runs).hasSize(3);
        String exportArn = runs.get(1).mapRunArn();
        String exportId = exportArn.substring(exportArn.lastIndexOf(':') + 1);
        assertThat(output.get("export")).isEqualTo(JSON.readTree("""
                {"MapRunArn": "%s", "ResultWriterDetails": {"Bucket": "%s", "Key": "compact/%s/manifest.json"}}
                """.formatted(exportArn, bucket, exportId)));
        assertThat(object("compact/" + exportId + "/SUCCEEDED_0.json")).isEqualTo(JSON.readTree("[[1, 2], [3, [4]], {\"five\": 5}]"));
        assertThat(s3.listObjectsV2(request -> request.bucket(bucket).prefix("compact/" + exportId + "/")).contents())
                .extracting(object -> object.key()).containsExactly("compact/" + exportId + "/SUCCEEDED_0.json", "compact/" + exportId + "/manifest.json");

        String recordsArn = runs.get(2).mapRunArn();
        List<ExecutionListItem> children = sfn.listExecutions(request -> request.mapRunArn(recordsArn)).executions().stream()
                .sorted(Comparator.comparing(ExecutionListItem::name)).toList();
        ArrayNode records = JSON.createArrayNode();
        for (ExecutionListItem child : children) {
            DescribeExecutionResponse described = sfn.describeExecution(request -> request.executionArn(child.executionArn()));
            ObjectNode record = records.addObject();
            record.put("ExecutionArn", described.executionArn());
            record.put("Input", described.input());
            record.putObject("InputDetails").put("Included", true);
            record.put("Name", described.name());
            record.put("Output", described.output());
            record.putObject("OutputDetails").put("Included", true);
            record.put("RedriveCount", 0);
            record.put("RedriveStatus", "NOT_REDRIVABLE");
            record.put("RedriveStatusReason", "Execution is SUCCEEDED and cannot be redriven");
            record.put("StartDate", described.startDate().toString());
            record.put("StateMachineArn", described.stateMachineArn());
            record.put("Status", "SUCCEEDED");
            record.put("StopDate", described.stopDate().toString());
        }
        assertThat(records).extracting(record -> record.get("Output").asText()).containsExactly("[1,2]", "[3,[4]]", "{\"five\":5}");
        assertThat(output.get("records")).isEqualTo(records);
    }


    private static final MessageType PARQUET_SCHEMA = MessageTypeParser.parseMessageType("""
            message row {
              required int32 id;
              optional binary name (STRING);
              optional int64 price (DECIMAL(10,2));
              optional int64 at (TIMESTAMP(MILLIS,true));
              optional int96 written;
              optional group tags (LIST) {
                repeated group list {
                  optional binary element (STRING);
                }
              }
              optional group counts (MAP) {
                repeated group key_value {
                  required binary key (STRING);
                  optional int32 value;
                }
              }
              optional group address {
                optional binary city (STRING);
              }
            }
            """);

    /** A Parquet file of rows {@code ids}: the first of them with every column, the others with the id alone. */
    private static byte[] parquet(int... ids)
            throws Exception
    {
        Path directory = Files.createTempDirectory("it-dmap-parquet");
        Path file = directory.resolve("rows.parquet");
        try {
            SimpleGroupFactory rows = new SimpleGroupFactory(PARQUET_SCHEMA);
            try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file)).withConf(new Configuration(false))
                    .withType(PARQUET_SCHEMA).build()) {
                for (int i = 0; i < ids.length; i++) {
                    Group row = rows.newGroup().append("id", ids[i]);
                    if (i == 0) {
                        row.append("name", "Zoë").append("price", 150L).append("at", Instant.parse("2024-01-02T03:04:05.123Z").toEpochMilli())
                                .append("written", new NanoTime((int) (LocalDate.parse("2024-01-02").toEpochDay() + 2_440_588), 11_045_000_000_000L));
                        Group tags = row.addGroup("tags");
                        tags.addGroup("list").append("element", "x");
                        tags.addGroup("list");
                        row.addGroup("counts").addGroup("key_value").append("key", "k").append("value", 7);
                        row.addGroup("address").append("city", "Oslo");
                    }
                    writer.write(row);
                }
            }
            return Files.readAllBytes(file);
        }
        finally {
            Files.deleteIfExists(file);
            Files.delete(directory);
        }
    }

    private static final String PARQUET_FIRST = "{\"id\":1,\"name\":\"Zoë\",\"price\":1.50,\"at\":\"2024-01-02T03:04:05.123Z\",\"written\":\"2024-01-02T03:04:05\","
            + "\"tags\":[\"x\",null],\"counts\":{\"k\":7},\"address\":{\"city\":\"Oslo\"}}";

    /** A Map Run's children, in the order of their items. */
    private List<DescribeExecutionResponse> children(String executionArn)
    {
        String mapRunArn = sfn.listMapRuns(request -> request.executionArn(executionArn)).mapRuns().get(0).mapRunArn();
        return sfn.listExecutions(request -> request.mapRunArn(mapRunArn)).executions().stream()
                .sorted(Comparator.comparing(ExecutionListItem::name))
                .map(child -> sfn.describeExecution(request -> request.executionArn(child.executionArn())))
                .toList();
    }

    /** The outputs of a Map Run's children, in the order of their items. */
    private List<String> childOutputs(String executionArn)
    {
        return children(executionArn).stream().map(DescribeExecutionResponse::output).toList();
    }

    /** A Map whose children echo their items, read by the s3:getObject reader with the given ReaderConfig from the key. */
    private String readerMachine(String name, String readerConfig, String key)
    {
        return machine(name + "-" + UUID.randomUUID().toString().substring(0, 8), """
                {"StartAt": "Fan", "States": {"Fan": {"Type": "Map", "End": true,
                  "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": %s, "Parameters": {"Bucket": "%s", "Key": "%s"}},
                  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "Echo",
                    "States": {"Echo": {"Type": "Pass", "End": true}}}}}}
                """.formatted(readerConfig, bucket, key));
    }

    /** InputType PARQUET: each row of the object is an item, a JSON object of its columns; an object that is not Parquet fails the reader. */
    @Test
    void theRowsOfAParquetObjectAreTheItems()
            throws Exception
    {
        s3.putObject(request -> request.bucket(bucket).key("parquet/rows.parquet"), RequestBody.fromBytes(parquet(1, 2)));
        DescribeExecutionResponse execution = run(readerMachine("it-dmap-parquet", "{\"InputType\": \"PARQUET\"}", "parquet/rows.parquet"), "{}");
        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        String second = "{\"id\":2,\"name\":null,\"price\":null,\"at\":null,\"written\":null,\"tags\":null,\"counts\":null,\"address\":null}";
        // the item keeps the decimal's scale; the child's Pass state writes the number back as 1.5
        assertThat(children(execution.executionArn())).extracting(DescribeExecutionResponse::input).containsExactly(PARQUET_FIRST, second);
        assertThat(childOutputs(execution.executionArn())).containsExactly(PARQUET_FIRST.replace("1.50", "1.5"), second);
        assertThat(JSON.readTree(execution.output())).isEqualTo(JSON.readTree("[" + PARQUET_FIRST + ", " + second + "]"));

        DescribeExecutionResponse failed = run(readerMachine("it-dmap-notparquet", "{\"InputType\": \"PARQUET\"}", "pipes.csv"), "{}");
        assertThat(failed.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(failed.error()).isEqualTo("States.ItemReaderFailed");
        // pipes.csv ends with "3|d\n"
        assertThat(failed.cause()).isEqualTo("The ItemReader could not read {\"Bucket\":\"" + bucket + "\",\"Key\":\"pipes.csv\"}: The object s3://" + bucket
                + "/pipes.csv cannot be read as Parquet: s3://" + bucket + "/pipes.csv is not a Parquet file. Expected magic number at tail, but found "
                + "[51, 124, 100, 10]");
    }

    /**
     * ManifestType ATHENA_DATA: the object is an Athena data manifest, one s3:// URI a line; the items are the rows of
     * the files it lists, in its order: gzip JSON Lines files, and Parquet files.
     */
    @Test
    void theFilesOfAnAthenaDataManifestGiveTheItems()
            throws Exception
    {
        s3.putObject(request -> request.bucket(bucket).key("unload/q1/part-0.gz"),
                RequestBody.fromBytes(GlueCrawlerIntegrationTest.gzip("{\"id\": 1, \"name\": \"a\"}\n{\"id\": 2, \"name\": \"b\"}\n")));
        s3.putObject(request -> request.bucket(bucket).key("unload/q1/part-1.gz"), 
                RequestBody.fromBytes(GlueCrawlerIntegrationTest.gzip("{\"id\": 3, \"name\": \"c\"}\n")));
        s3.putObject(request -> request.bucket(bucket).key("results/q1-manifest.csv"),
                RequestBody.fromString("s3://" + bucket + "/unload/q1/part-0.gz\ns3://" + bucket + "/unload/q1/part-1.gz\n"));
        DescribeExecutionResponse lines = run(readerMachine("it-dmap-athena-jsonl", "{\"InputType\": \"JSONL\", \"ManifestType\": \"ATHENA_DATA\"}",
                "results/q1-manifest.csv"), "{}");
        assertThat(lines.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(childOutputs(lines.executionArn())).containsExactly("{\"id\":1,\"name\":\"a\"}", "{\"id\":2,\"name\":\"b\"}", "{\"id\":3,\"name\":\"c\"}");

        s3.putObject(request -> request.bucket(bucket).key("unload/q2/0.parquet"), RequestBody.fromBytes(parquet(1)));
        s3.putObject(request -> request.bucket(bucket).key("unload/q2/1.parquet"), RequestBody.fromBytes(parquet(5, 6)));
        s3.putObject(request -> request.bucket(bucket).key("results/q2-manifest.csv"),
                RequestBody.fromString("s3://" + bucket + "/unload/q2/1.parquet\ns3://" + bucket + "/unload/q2/0.parquet\n"));
        DescribeExecutionResponse parquet = run(readerMachine("it-dmap-athena-parquet", "{\"InputType\": \"PARQUET\", \"ManifestType\": \"ATHENA_DATA\", "
                + "\"MaxItems\": 2}", "results/q2-manifest.csv"), "{}");
        assertThat(parquet.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(childOutputs(parquet.executionArn())).containsExactly(PARQUET_FIRST.replace("\"id\":1", "\"id\":5").replace("1.50", "1.5"),
                "{\"id\":6,\"name\":null,\"price\":null,\"at\":null,\"written\":null,\"tags\":null,\"counts\":null,\"address\":null}");
    }

    /** InputType MANIFEST: an S3 Inventory manifest.json; the items are the rows of its gzip CSV files, keyed by its fileSchema. */
    @Test
    void theRowsOfAnS3InventoryAreTheItems()
            throws Exception
    {
        byte[] csv = GlueCrawlerIntegrationTest.gzip("\"photos\",\"2024/a.jpg\",\"10\",\"2024-01-02T03:04:05.000Z\"\n\"photos\",\"2024/b.jpg\",\"20\",\"2024-01-03T00:00:00.000Z\"\n");
        s3.putObject(request -> request.bucket(bucket).key("inventory/photos/all/data/0.csv.gz"), RequestBody.fromBytes(csv));
        s3.putObject(request -> request.bucket(bucket).key("inventory/photos/all/2024-01-04T01-00Z/manifest.json"), RequestBody.fromString("""
                {"sourceBucket": "photos", "destinationBucket": "arn:aws:s3:::%s", "version": "2016-11-30", "creationTimestamp": "1704330000000",
                 "fileFormat": "CSV", "fileSchema": "Bucket, Key, Size, LastModifiedDate",
                 "files": [{"key": "inventory/photos/all/data/0.csv.gz", "size": %d, "MD5checksum": "0"}]}
                """.formatted(bucket, csv.length)));
        DescribeExecutionResponse execution = run(readerMachine("it-dmap-inventory", "{\"InputType\": \"MANIFEST\"}",
                "inventory/photos/all/2024-01-04T01-00Z/manifest.json"), "{}");
        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(childOutputs(execution.executionArn())).containsExactly(
                "{\"Bucket\":\"photos\",\"Key\":\"2024/a.jpg\",\"Size\":\"10\",\"LastModifiedDate\":\"2024-01-02T03:04:05.000Z\"}",
                "{\"Bucket\":\"photos\",\"Key\":\"2024/b.jpg\",\"Size\":\"20\",\"LastModifiedDate\":\"2024-01-03T00:00:00.000Z\"}");
    }

    /**
     * OutputType JSONL: the exported files are JSON Lines ({@code .jsonl}), one entry a line, the succeeded children's
     * results flattened, the failed child's record in the FAILED file; the manifest names both with their sizes.
     */
    @Test
    void aJsonLinesExportWritesOneEntryALine()
            throws Exception
    {
        String definition = """
                {"StartAt": "Export", "States": {"Export": {"Type": "Map", "End": true, "ToleratedFailureCount": 1,
                  "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "%s", "Prefix": "lines"},
                    "WriterConfig": {"OutputType": "JSONL", "Transformation": "FLATTEN"}},
                  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "Check",
                    "States": {"Check": {"Type": "Choice", "Choices": [{"Variable": "$", "IsString": true, "Next": "Refuse"}], "Default": "Keep"},
                      "Refuse": {"Type": "Fail", "Error": "Item.Refused", "Cause": "a string item"},
                      "Keep": {"Type": "Pass", "End": true}}}}}}
                """.formatted(bucket);
        DescribeExecutionResponse execution = run(machine("it-dmap-jsonl-" + UUID.randomUUID().toString().substring(0, 8), definition),
                "[[1, {\"two\": 2}], \"three\", {\"four\": [4]}]");
        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        String mapRunArn = sfn.listMapRuns(request -> request.executionArn(execution.executionArn())).mapRuns().get(0).mapRunArn();
        String id = mapRunArn.substring(mapRunArn.lastIndexOf(':') + 1);
        String base = "lines/" + id + "/";
        assertThat(JSON.readTree(execution.output())).isEqualTo(JSON.readTree("""
                {"MapRunArn": "%s", "ResultWriterDetails": {"Bucket": "%s", "Key": "%smanifest.json"}}
                """.formatted(mapRunArn, bucket, base)));

        String succeeded = s3.getObjectAsBytes(request -> request.bucket(bucket).key(base + "SUCCEEDED_0.jsonl")).asUtf8String();
        assertThat(succeeded).isEqualTo("1\n{\"two\":2}\n{\"four\":[4]}\n");
        String failed = s3.getObjectAsBytes(request -> request.bucket(bucket).key(base + "FAILED_0.jsonl")).asUtf8String();
        assertThat(failed).endsWith("\n");
        List<String> failedLines = failed.lines().toList();
        assertThat(failedLines).hasSize(1);
        String child = sfn.listExecutions(request -> request.mapRunArn(mapRunArn).statusFilter(ExecutionStatus.FAILED)).executions().get(0).executionArn();
        DescribeExecutionResponse described = sfn.describeExecution(request -> request.executionArn(child));
        ObjectNode record = JSON.createObjectNode();
        record.put("ExecutionArn", child);
        record.put("Input", "\"three\"");
        record.putObject("InputDetails").put("Included", true);
        record.put("Name", described.name());
        record.put("Error", "Item.Refused");
        record.put("Cause", "a string item");
        record.put("RedriveCount", 0);
        record.put("RedriveStatus", "REDRIVABLE_BY_MAP_RUN");
        record.put("StartDate", described.startDate().toString());
        record.put("StateMachineArn", described.stateMachineArn());
        record.put("Status", "FAILED");
        record.put("StopDate", described.stopDate().toString());
        assertThat(JSON.readTree(failedLines.get(0))).isEqualTo(record);

        assertThat(object(base + "manifest.json")).isEqualTo(JSON.readTree("""
                {"DestinationBucket": "%s", "MapRunArn": "%s",
                 "ResultFiles": {"FAILED": [{"Key": "%sFAILED_0.jsonl", "Size": %d}], "PENDING": [],
                   "SUCCEEDED": [{"Key": "%sSUCCEEDED_0.jsonl", "Size": %d}]}}
                """.formatted(bucket, mapRunArn, base, failed.getBytes(StandardCharsets.UTF_8).length, base, succeeded.length())));
        assertThat(s3.headObject(request -> request.bucket(bucket).key(base + "SUCCEEDED_0.jsonl")).contentType()).isEqualTo("application/jsonl");
        assertThat(s3.listObjectsV2(request -> request.bucket(bucket).prefix(base)).contents()).extracting(object -> object.key())
                .containsExactly(base + "FAILED_0.jsonl", base + "SUCCEEDED_0.jsonl", base + "manifest.json");
    }

    /** Results S3 does not take (the bucket does not exist) fail the Map with States.ResultWriterFailed, which a Catch catches. */
    @Test
    void resultsThatCannotBeWrittenFailTheMapWithResultWriterFailed()
            throws Exception
    {
        String missing = "it-missing-" + UUID.randomUUID().toString().substring(0, 8);
        String definition = """
                {"StartAt": "Export", "States": {
                  "Export": {"Type": "Map", "ItemsPath": "$.items", "End": true,
                    "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "%s", "Prefix": "out"}},
                    "Catch": [{"ErrorEquals": ["States.ResultWriterFailed"], "ResultPath": "$.error", "Next": "Caught"}],
                    "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "Keep",
                      "States": {"Keep": {"Type": "Pass", "End": true}}}},
                  "Caught": {"Type": "Pass", "End": true}}}
                """.formatted(missing);
        DescribeExecutionResponse execution = run(machine("it-dmap-nowrite-" + UUID.randomUUID().toString().substring(0, 8), definition),
                "{\"items\": [1, 2]}");
        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        String mapRunArn = sfn.listMapRuns(request -> request.executionArn(execution.executionArn())).mapRuns().get(0).mapRunArn();
        ObjectNode expected = JSON.createObjectNode();
        expected.putArray("items").add(1).add(2);
        expected.putObject("error").put("Error", "States.ResultWriterFailed").put("Cause", "The ResultWriter could not write the results of Map Run "
                + mapRunArn + " to the bucket " + missing + ": NoSuchBucket: The specified bucket does not exist.");
        assertThat(JSON.readTree(execution.output())).isEqualTo(expected);
        DescribeMapRunResponse mapRun = sfn.describeMapRun(request -> request.mapRunArn(mapRunArn));
        assertThat(mapRun.status()).isEqualTo(MapRunStatus.FAILED);
        assertThat(mapRun.executionCounts().succeeded()).isEqualTo(2L);

        // without a Catch the execution fails; once the bucket is there, a redrive writes the results and succeeds
        String uncaught = """
                {"StartAt": "Export", "States": {"Export": {"Type": "Map", "ItemsPath": "$.items", "End": true,
                  "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "%s", "Prefix": "out"}},
                  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "Keep",
                    "States": {"Keep": {"Type": "Pass", "End": true}}}}}}
                """.formatted(missing);
        DescribeExecutionResponse failed = run(machine("it-dmap-rewrite-" + UUID.randomUUID().toString().substring(0, 8), uncaught), "{\"items\": [1, 2]}");
        assertThat(failed.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(failed.error()).isEqualTo("States.ResultWriterFailed");
        s3.createBucket(request -> request.bucket(missing));
        sfn.redriveExecution(request -> request.executionArn(failed.executionArn()));
        await().atMost(WAIT).untilAsserted(() -> assertThat(sfn.describeExecution(request -> request.executionArn(failed.executionArn())).status())
                .isEqualTo(ExecutionStatus.SUCCEEDED));
        String redrivenArn = sfn.listMapRuns(request -> request.executionArn(failed.executionArn())).mapRuns().get(0).mapRunArn();
        String id = redrivenArn.substring(redrivenArn.lastIndexOf(':') + 1);
        JsonNode written = JSON.readTree(s3.getObjectAsBytes(request -> request.bucket(missing).key("out/" + id + "/SUCCEEDED_0.json")).asUtf8String());
        assertThat(List.of(written.size(), written.get(0).get("Output").asText(), written.get(1).get("Output").asText()))
                .containsExactly(2, "1", "2");
        DescribeMapRunResponse redriven = sfn.describeMapRun(request -> request.mapRunArn(redrivenArn));
        assertThat(List.of(redriven.statusAsString(), String.valueOf(redriven.itemCounts().resultsWritten()), String.valueOf(redriven.redriveCount())))
                .containsExactly("SUCCEEDED", "2", "1");
    }

    @Test
    void anUpdateAppliesToTheRunningMapRunAndAStopAbortsItsChildren()
    {
        String definition = """
                {"StartAt": "Fan", "States": {"Fan": {"Type": "Map", "End": true, "MaxConcurrency": 2,
                  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "Sleep",
                    "States": {"Sleep": {"Type": "Wait", "Seconds": 3600, "End": true}}}}}}
                """;
        String machineArn = machine("it-dmap-stop-" + UUID.randomUUID().toString().substring(0, 8), definition);
        String arn = sfn.startExecution(request -> request.stateMachineArn(machineArn).input("[1, 2, 3]")).executionArn();
        await().atMost(WAIT).untilAsserted(() -> assertThat(sfn.listMapRuns(request -> request.executionArn(arn)).mapRuns()).hasSize(1));
        String mapRunArn = sfn.listMapRuns(request -> request.executionArn(arn)).mapRuns().get(0).mapRunArn();
        await().atMost(WAIT).untilAsserted(() -> assertThat(sfn.describeMapRun(request -> request.mapRunArn(mapRunArn)).executionCounts().running())
                .isEqualTo(2L));
        sfn.updateMapRun(request -> request.mapRunArn(mapRunArn).maxConcurrency(3).toleratedFailureCount(2L));
        await().atMost(WAIT).untilAsserted(() -> assertThat(sfn.describeMapRun(request -> request.mapRunArn(mapRunArn)).executionCounts().running())
                .isEqualTo(3L));
        DescribeMapRunResponse updated = sfn.describeMapRun(request -> request.mapRunArn(mapRunArn));
        assertThat(updated.maxConcurrency()).isEqualTo(3);
        assertThat(updated.toleratedFailureCount()).isEqualTo(2L);
        assertThat(updated.status()).isEqualTo(MapRunStatus.RUNNING);
        String child = sfn.listExecutions(request -> request.mapRunArn(mapRunArn)).executions().get(0).executionArn();
        assertThat(sfn.describeExecution(request -> request.executionArn(child)).mapRunArn()).isEqualTo(mapRunArn);
        sfn.stopExecution(request -> request.executionArn(arn));
        await().atMost(WAIT).untilAsserted(() -> {
            DescribeMapRunResponse described = sfn.describeMapRun(request -> request.mapRunArn(mapRunArn));
            assertThat(described.status()).isEqualTo(MapRunStatus.ABORTED);
            assertThat(List.of(described.executionCounts().pending(), described.executionCounts().running(), described.executionCounts().aborted(),
                    described.executionCounts().total())).containsExactly(0L, 0L, 3L, 3L);
        });
        assertThat(sfn.describeExecution(request -> request.executionArn(arn)).status()).isEqualTo(ExecutionStatus.ABORTED);
    }
}
