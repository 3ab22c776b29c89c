package io.lakestack.it;

import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.Action;
import software.amazon.awssdk.services.glue.model.EventBatchingCondition;
import software.amazon.awssdk.services.glue.model.JobRun;
import software.amazon.awssdk.services.glue.model.JobRunState;
import software.amazon.awssdk.services.glue.model.StartingEventBatchCondition;
import software.amazon.awssdk.services.glue.model.TriggerType;
import software.amazon.awssdk.services.glue.model.WorkflowRun;
import software.amazon.awssdk.services.glue.model.WorkflowRunStatus;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Glue workflows started by EventBridge events on the real stack: an EVENT trigger with a batch size of 2, a rule
 * whose target is the workflow; two events put on the default bus start one run, with the batch condition and the
 * events' ids, whose Python shell job succeeds. One event of a batch of 10 starts a run when its 2 s window ends.
 */
@LakestackTest
@Order(39)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GlueEventTriggerIntegrationTest
{
    private static final String BUCKET = "glue-event-trigger-it";
    private static final String WORKFLOW = "evit-arrivals";
    private static final String JOB = "evit-job";
    private static final String RULE = "evit-to-workflow";
    // the first run of a Python version builds its environment (pip), once per machine
    private static final Duration RUN = Duration.ofMinutes(5);

    private final TestStack stack;
    private GlueClient glue;
    private EventBridgeClient events;
    private S3Client s3;

    GlueEventTriggerIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void clients()
    {
        glue = stack.glue();
        s3 = stack.s3();
        events = stack.client(EventBridgeClient.builder());
        s3.createBucket(request -> request.bucket(BUCKET));
        s3.putObject(request -> request.bucket(BUCKET).key("scripts/batch.py"), RequestBody.fromString("print('a batch of events')\n"));
    }

    @AfterAll
    void close()
    {
        glue.close();
        events.close();
        s3.close();
    }

    @Test
    void twoEventsStartOneRunWithTheirIds()
    {
        createJob(JOB);
        glue.createWorkflow(request -> request.name(WORKFLOW));
        glue.createTrigger(request -> request.name("evit-on-events").workflowName(WORKFLOW).type(TriggerType.EVENT).startOnCreation(true)
                .eventBatchingCondition(condition -> condition.batchSize(2).batchWindow(900))
                .actions(Action.builder().jobName(JOB).build()));
        assertThat(glue.getTrigger(request -> request.name("evit-on-events")).trigger().eventBatchingCondition())
                .isEqualTo(EventBatchingCondition.builder().batchSize(2).batchWindow(900).build());

        String workflowArn = "arn:aws:glue:" + TestStack.REGION + ":000000000000:workflow/" + WORKFLOW;
        events.putRule(request -> request.name(RULE).eventPattern("{\"source\": [\"evit.uploads\"]}"));
        assertThat(events.putTargets(request -> request.rule(RULE).targets(Target.builder().id("workflow").arn(workflowArn)
                .roleArn("arn:aws:iam::000000000000:role/events-to-glue").build())).failedEntryCount()).isZero();

        List<PutEventsResultEntry> put = events.putEvents(request -> request.entries(entry("{\"key\": \"a.csv\"}"), entry("{\"key\": \"b.csv\"}")))
                .entries();
        String first = put.get(0).eventId();
        String second = put.get(1).eventId();

        await().atMost(RUN).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            List<WorkflowRun> runs = glue.getWorkflowRuns(request -> request.name(WORKFLOW)).runs();
            assertThat(runs).hasSize(1);
            assertThat(runs.get(0).status()).isEqualTo(WorkflowRunStatus.COMPLETED);
        });
        WorkflowRun run = glue.getWorkflowRuns(request -> request.name(WORKFLOW)).runs().get(0);
        assertThat(run.startingEventBatchCondition()).isEqualTo(StartingEventBatchCondition.builder().batchSize(2).build());
        // the rule's worker may deliver the two events in either order
        assertThat(run.workflowRunProperties()).isIn(Map.of("aws:eventIds", "[" + first + ", " + second + "]"),
                Map.of("aws:eventIds", "[" + second + ", " + first + "]"));
        List<JobRun> jobRuns = glue.getJobRuns(request -> request.jobName(JOB)).jobRuns();
        assertThat(jobRuns).hasSize(1);
        assertThat(jobRuns.get(0).jobRunState()).isEqualTo(JobRunState.SUCCEEDED);
        assertThat(jobRuns.get(0).triggerName()).isEqualTo("evit-on-events");
        assertThat(jobRuns.get(0).arguments()).isEqualTo(Map.of("--WORKFLOW_NAME", WORKFLOW, "--WORKFLOW_RUN_ID", run.workflowRunId()));

        events.removeTargets(request -> request.rule(RULE).ids("workflow"));
        events.deleteRule(request -> request.name(RULE));
        glue.deleteWorkflow(request -> request.name(WORKFLOW));
    }

    @Test
    void theEndOfTheBatchWindowStartsARunWithASmallerBatch()
    {
        createJob("evit-window-job");
        glue.createWorkflow(request -> request.name("evit-window"));
        glue.createTrigger(request -> request.name("evit-window-events").workflowName("evit-window").type(TriggerType.EVENT).startOnCreation(true)
                .eventBatchingCondition(condition -> condition.batchSize(10).batchWindow(2))
                .actions(Action.builder().jobName("evit-window-job").build()));
        events.putRule(request -> request.name("evit-window-rule").eventPattern("{\"source\": [\"evit.window\"]}"));
        events.putTargets(request -> request.rule("evit-window-rule").targets(Target.builder().id("workflow")
                .arn("arn:aws:glue:" + TestStack.REGION + ":000000000000:workflow/evit-window").build()));

        String id = events.putEvents(request -> request.entries(PutEventsRequestEntry.builder().source("evit.window").detailType("Upload")
                .detail("{\"key\": \"c.csv\"}").build())).entries().get(0).eventId();

        // the window's end is a one-time schedule that EventBridge Scheduler's engine fires
        await().atMost(RUN).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            List<WorkflowRun> runs = glue.getWorkflowRuns(request -> request.name("evit-window")).runs();
            assertThat(runs).hasSize(1);
            assertThat(runs.get(0).status()).isEqualTo(WorkflowRunStatus.COMPLETED);
        });
        WorkflowRun run = glue.getWorkflowRuns(request -> request.name("evit-window")).runs().get(0);
        assertThat(run.startingEventBatchCondition()).isEqualTo(StartingEventBatchCondition.builder().batchWindow(2).build());
        assertThat(run.workflowRunProperties()).isEqualTo(Map.of("aws:eventIds", "[" + id + "]"));
        assertThat(glue.getJobRuns(request -> request.jobName("evit-window-job")).jobRuns()).extracting(JobRun::jobRunState)
                .containsExactly(JobRunState.SUCCEEDED);

        events.removeTargets(request -> request.rule("evit-window-rule").ids("workflow"));
        events.deleteRule(request -> request.name("evit-window-rule"));
        glue.deleteWorkflow(request -> request.name("evit-window"));
    }

    private void createJob(String name)
    {
        glue.createJob(request -> request.name(name).role("arn:aws:iam::000000000000:role/glue").maxCapacity(0.0625).glueVersion("3.0")
                .command(command -> command.name("pythonshell").pythonVersion("3.9").scriptLocation("s3://" + BUCKET + "/scripts/batch.py")));
    }

    private static PutEventsRequestEntry entry(String detail)
    {
        return PutEventsRequestEntry.builder().source("evit.uploads").detailType("Upload").detail(detail).build();
    }
}
