package io.lakestack.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.Action;
import software.amazon.awssdk.services.glue.model.Condition;
import software.amazon.awssdk.services.glue.model.JobRun;
import software.amazon.awssdk.services.glue.model.Node;
import software.amazon.awssdk.services.glue.model.TriggerType;
import software.amazon.awssdk.services.glue.model.WorkflowGraph;
import software.amazon.awssdk.services.glue.model.WorkflowRun;
import software.amazon.awssdk.services.glue.model.WorkflowRunStatistics;
import software.amazon.awssdk.services.glue.model.WorkflowRunStatus;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Glue workflow on the real stack: an ON_DEMAND start trigger runs a Python shell job that puts a run property with
 * boto3, a CONDITIONAL trigger on its success runs a second job that reads the run's properties and writes them to
 * S3; the run completes with the statistics and graph Glue gives.
 */
@LakestackTest
@Order(38)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GlueWorkflowsIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUCKET = "glue-workflows-it";
    private static final String ROLE = "arn:aws:iam::000000000000:role/glue";
    // the first run of a Python version builds its environment with boto3 (pip), once per machine
    private static final Duration RUN = Duration.ofMinutes(5);

    private static final String EXTRACT = """
            import sys
            import boto3
            from awsglue.utils import getResolvedOptions

            args = getResolvedOptions(sys.argv, ['WORKFLOW_NAME', 'WORKFLOW_RUN_ID'])
            glue = boto3.client('glue')
            day = glue.get_workflow_run_properties(Name=args['WORKFLOW_NAME'], RunId=args['WORKFLOW_RUN_ID'])['RunProperties']['day']
            glue.put_workflow_run_properties(Name=args['WORKFLOW_NAME'], RunId=args['WORKFLOW_RUN_ID'],
                                             RunProperties={'rows': '42', 'source': 'extract-' + day})
            """;
    private static final String LOAD = """
            import json, sys
            import boto3
            from awsglue.utils import getResolvedOptions

            args = getResolvedOptions(sys.argv, ['WORKFLOW_NAME', 'WORKFLOW_RUN_ID', 'bucket'])
            properties = boto3.client('glue').get_workflow_run_properties(Name=args['WORKFLOW_NAME'], RunId=args['WORKFLOW_RUN_ID'])['RunProperties']
            boto3.client('s3').put_object(Bucket=args['bucket'], Key='loads/' + args['WORKFLOW_RUN_ID'] + '.json',
                                          Body=json.dumps(properties, sort_keys=True).encode())
            """;

    private final TestStack stack;
    private GlueClient glue;
    private S3Client s3;

    GlueWorkflowsIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void scripts()
    {
        glue = stack.glue();
        s3 = stack.s3();
        s3.createBucket(request -> request.bucket(BUCKET));
        s3.putObject(request -> request.bucket(BUCKET).key("scripts/extract.py"), RequestBody.fromString(EXTRACT));
        s3.putObject(request -> request.bucket(BUCKET).key("scripts/load.py"), RequestBody.fromString(LOAD));
    }

    @AfterAll
    void close()
    {
        glue.close();
        s3.close();
    }

    @Test
    void aRunPassesAPropertyFromOneJobToTheNextAndCompletes()
            throws Exception
    {
        createJob("wfit-extract", "scripts/extract.py", Map.of());
        createJob("wfit-load", "scripts/load.py", Map.of("--bucket", BUCKET));
        glue.createWorkflow(request -> request.name("wfit-daily").defaultRunProperties(Map.of("day", "2026-11-30")).maxConcurrentRuns(1));
        glue.createTrigger(request -> request.name("wfit-start").workflowName("wfit-daily").type(TriggerType.ON_DEMAND)
                .actions(Action.builder().jobName("wfit-extract").build()));
        glue.createTrigger(request -> request.name("wfit-after-extract").workflowName("wfit-daily").type(TriggerType.CONDITIONAL).startOnCreation(true)
                .predicate(predicate -> predicate.conditions(Condition.builder().logicalOperator("EQUALS").jobName("wfit-extract").state("SUCCEEDED").build()))
                .actions(Action.builder().jobName("wfit-load").build()));

        String runId = glue.startWorkflowRun(request -> request.name("wfit-daily")).runId();
        await().atMost(RUN).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(glue.getWorkflowRun(request -> request.name("wfit-daily").runId(runId)).run().status()).isEqualTo(WorkflowRunStatus.COMPLETED));

        WorkflowRun run = glue.getWorkflowRun(request -> request.name("wfit-daily").runId(runId).includeGraph(true)).run();
        assertThat(run.statistics()).isEqualTo(WorkflowRunStatistics.builder().totalActions(2).timeoutActions(0).failedActions(0).stoppedActions(0)
                .succeededActions(2).runningActions(0).erroredActions(0).waitingActions(0).build());
        assertThat(run.workflowRunProperties()).isEqualTo(Map.of("day", "2026-11-30", "rows", "42", "source", "extract-2026-11-30"));
        WorkflowGraph graph = run.graph();
        assertThat(graph.nodes()).extracting(node -> node.typeAsString() + " " + node.name())
                .containsExactly("TRIGGER wfit-after-extract", "TRIGGER wfit-start", "JOB wfit-extract", "JOB wfit-load");
        Map<String, String> names = graph.nodes().stream().collect(Collectors.toMap(Node::uniqueId, node -> node.name()));
        assertThat(graph.edges()).extracting(edge -> names.get(edge.sourceId()) + " -> " + names.get(edge.destinationId()))
                .containsExactly("wfit-extract -> wfit-after-extract", "wfit-after-extract -> wfit-load", "wfit-start -> wfit-extract");
        Map<String, Node> byName = graph.nodes().stream().collect(Collectors.toMap(Node::name, Function.identity()));
        List<JobRun> loads = byName.get("wfit-load").jobDetails().jobRuns();
        assertThat(loads).hasSize(1);
        assertThat(loads.get(0).triggerName()).isEqualTo("wfit-after-extract");
        assertThat(loads.get(0).arguments()).isEqualTo(Map.of("--WORKFLOW_NAME", "wfit-daily", "--WORKFLOW_RUN_ID", runId));
        assertThat(loads.get(0).predecessorRuns()).extracting(predecessor -> predecessor.jobName() + " " + predecessor.runId())
                .containsExactly("wfit-extract " + byName.get("wfit-extract").jobDetails().jobRuns().get(0).id());

        String written = s3.getObjectAsBytes(request -> request.bucket(BUCKET).key("loads/" + runId + ".json")).asUtf8String();
        assertThat(JSON.readTree(written)).isEqualTo(JSON.readTree("{\"day\": \"2026-11-30\", \"rows\": \"42\", \"source\": \"extract-2026-11-30\"}"));

        glue.deleteWorkflow(request -> request.name("wfit-daily"));
        assertThat(glue.batchGetTriggers(request -> request.triggerNames("wfit-start", "wfit-after-extract")).triggersNotFound())
                .containsExactly("wfit-start", "wfit-after-extract");
    }

    private void createJob(String name, String script, Map<String, String> defaults)
    {
        glue.createJob(request -> request.name(name).role(ROLE).maxCapacity(0.0625).glueVersion("3.0").defaultArguments(defaults)
                .command(command -> command.name("pythonshell").pythonVersion("3.9").scriptLocation("s3://" + BUCKET + "/" + script)));
    }
}
