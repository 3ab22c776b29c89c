package io.lakestack.services.glue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.services.glue.crawler.Crawler;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.events.EventSink;
import io.lakestack.spi.glue.GlueCatalog;
import io.lakestack.spi.glue.JobRunner;
import io.lakestack.spi.s3.ObjectStore;
import io.lakestack.spi.scheduler.Schedule;
import io.lakestack.spi.store.MemoryRecordStores;
import io.lakestack.spi.testing.FixedInstances;
import io.lakestack.spi.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.lakestack.services.glue.GlueCalls.unused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Glue workflows on memory stores, a runner that ends job runs when the test says, and a clock the test sets: a run's
 * completion, statistics, graph and properties, conditional triggers met within one run only, MaxConcurrentRuns,
 * stops and resumes, EVENT triggers' batches of events, and the crawls ListCrawls filters.
 */
class GlueWorkflowsTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> FIELDS = new TypeReference<>() {};

    private final ManualClock clock = new ManualClock(1_790_000_000_000L);
    private final MemoryRecordStores stores = new MemoryRecordStores();
    private final FakeRunner runner = new FakeRunner();
    private final FixedInstances instances = new FixedInstances("instance-1");
    private final GlueJobs jobs = new GlueJobs(stores, runner, new NoEvents(), clock, instances, "000000000000");
    private final GlueSchedules schedules = new GlueSchedules(stores, clock, "000000000000");
    private final GlueCrawlers crawlers = new GlueCrawlers(stores, new Crawler(unused(GlueCatalog.class), unused(ObjectStore.class)), schedules,
            new NoEvents(), clock, instances, "000000000000");
    private final GlueTriggers triggers = new GlueTriggers(stores, jobs, crawlers, schedules, clock);
    private final GlueWorkflows workflows = new GlueWorkflows(stores, jobs, crawlers, triggers, clock);
    private final GlueService service = new GlueService(unused(GlueCatalog.class), crawlers, jobs, triggers, workflows, stores, "000000000000");

    @AfterEach
    void close()
    {
        runner.runs.forEach(run -> run.completion.complete(JobRunner.Result.failure("killed")));
        jobs.close();
    }

    @Test
    void aRunGoesFromItsStartTriggerThroughItsConditionalTriggerAndCompletes()
            throws Exception
    {
        pipeline("{\"Name\": \"daily\", \"Description\": \"extract then load\", \"DefaultRunProperties\": {\"day\": \"d0\", \"env\": \"dev\"}}");
        String runId = call("StartWorkflowRun", "{\"Name\": \"daily\", \"RunProperties\": {\"day\": \"2026-11-30\"}}").path("RunId").asText();
        assertThat(runId).matches("wr_[0-9a-f]{64}");
        JobRunner.RunSpec extract = runner.last().spec;
        assertThat(extract.jobName()).isEqualTo("extract");
        assertThat(extract.arguments().subList(0, 6)).containsExactly("--mode", "full", "--WORKFLOW_NAME", "daily", "--WORKFLOW_RUN_ID", runId);
        assertThat(properties("daily", runId)).isEqualTo(JSON.readTree("{\"day\": \"2026-11-30\", \"env\": \"dev\"}"));

        // the script puts a property, which the next job reads
        call("PutWorkflowRunProperties", "{\"Name\": \"daily\", \"RunId\": \"%s\", \"RunProperties\": {\"rows\": \"42\", \"env\": \"test\"}}".formatted(runId));
        assertThat(properties("daily", runId)).isEqualTo(JSON.readTree("{\"day\": \"2026-11-30\", \"env\": \"test\", \"rows\": \"42\"}"));
        runner.last().started.complete(null);
        clock.advance(Duration.ofSeconds(30));
        String extractRunId = extract.runId();
        runner.last().completion.complete(JobRunner.Result.success());

        assertThat(runner.specs).extracting(JobRunner.RunSpec::jobName).containsExactly("extract", "load");
        JsonNode running = run("daily", runId, false);
        assertThat(running.path("Status").asText()).isEqualTo("RUNNING");
        assertThat(running.path("Statistics")).isEqualTo(JSON.readTree("""
                {"TotalActions": 2, "TimeoutActions": 0, "FailedActions": 0, "StoppedActions": 0, "SucceededActions": 1, "RunningActions": 1,
                 "ErroredActions": 0, "WaitingActions": 0}"""));
        JsonNode load = call("GetJobRuns", "{\"JobName\": \"load\"}").path("JobRuns").get(0);
        assertThat(load.path("TriggerName").asText()).isEqualTo("after-extract");
        assertThat(load.path("Arguments")).isEqualTo(JSON.readTree("{\"--WORKFLOW_NAME\": \"daily\", \"--WORKFLOW_RUN_ID\": \"%s\"}".formatted(runId)));
        assertThat(load.path("PredecessorRuns")).isEqualTo(JSON.readTree("[{\"JobName\": \"extract\", \"RunId\": \"%s\"}]".formatted(extractRunId)));

        clock.advance(Duration.ofSeconds(10));
        runner.last().completion.complete(JobRunner.Result.success());
        JsonNode done = run("daily", runId, true);
        assertThat(done.path("Status").asText()).isEqualTo("COMPLETED");
        assertThat(done.path("StartedOn").asDouble()).isEqualTo(1_790_000_000.0);
        assertThat(done.path("CompletedOn").asDouble()).isEqualTo(1_790_000_040.0);
        assertThat(done.path("Statistics")).isEqualTo(JSON.readTree("""
                {"TotalActions": 2, "TimeoutActions": 0, "FailedActions": 0, "StoppedActions": 0, "SucceededActions": 2, "RunningActions": 0,
                 "ErroredActions": 0, "WaitingActions": 0}"""));
        assertThat(nodes(done.path("Graph"))).containsExactly("TRIGGER after-extract", "TRIGGER start", "JOB extract", "JOB load");
        assertThat(edges(done.path("Graph"))).containsExactly("JOB extract -> TRIGGER after-extract", "TRIGGER after-extract -> JOB load",
                "TRIGGER start -> JOB extract");
        JsonNode extractNode = node(done.path("Graph"), "extract");
        assertThat(extractNode.path("JobDetails").path("JobRuns")).hasSize(1);
        assertThat(extractNode.path("JobDetails").path("JobRuns").get(0).path("Id").asText()).isEqualTo(extractRunId);
        assertThat(extractNode.path("JobDetails").path("JobRuns").get(0).path("ExecutionTime").asInt()).isEqualTo(30);
        assertThat(node(done.path("Graph"), "start").path("TriggerDetails").path("Trigger").path("WorkflowName").asText()).isEqualTo("daily");

        JsonNode workflow = call("GetWorkflow", "{\"Name\": \"daily\"}").path("Workflow");
        assertThat(workflow.has("Graph")).isFalse();
        assertThat(workflow.path("LastRun").path("WorkflowRunId").asText()).isEqualTo(runId);
        assertThat(workflow.path("Description").asText()).isEqualTo("extract then load");
        assertThat(workflow.path("DefaultRunProperties")).isEqualTo(JSON.readTree("{\"day\": \"d0\", \"env\": \"dev\"}"));
        assertThat(nodes(call("GetWorkflow", "{\"Name\": \"daily\", \"IncludeGraph\": true}").path("Workflow").path("Graph")))
                .containsExactly("TRIGGER after-extract", "TRIGGER start", "JOB extract", "JOB load");
    }

    @Test
    void aConditionalTriggerOfAWorkflowIsMetOnlyWithinOneRun()
            throws Exception
    {
        createJob("{\"Name\": \"left\", \"ExecutionProperty\": {\"MaxConcurrentRuns\": 3}}");
        createJob("{\"Name\": \"right\", \"ExecutionProperty\": {\"MaxConcurrentRuns\": 3}}");
        createJob("{\"Name\": \"join\", \"ExecutionProperty\": {\"MaxConcurrentRuns\": 3}}");
        call("CreateWorkflow", "{\"Name\": \"fan\"}");
        call("CreateTrigger", "{\"Name\": \"fan-start\", \"WorkflowName\": \"fan\", \"Type\": \"ON_DEMAND\", \"Actions\": [{\"JobName\": \"left\"}, "
                + "{\"JobName\": \"right\"}]}");
        call("CreateTrigger", """
                {"Name": "fan-join", "WorkflowName": "fan", "Type": "CONDITIONAL", "StartOnCreation": true,
                 "Predicate": {"Logical": "AND", "Conditions": [{"JobName": "left", "State": "SUCCEEDED"}, {"JobName": "right", "State": "SUCCEEDED"}]},
                 "Actions": [{"JobName": "join"}]}""");
        String first = call("StartWorkflowRun", "{\"Name\": \"fan\"}").path("RunId").asText();
        String second = call("StartWorkflowRun", "{\"Name\": \"fan\"}").path("RunId").asText();
        // runs 0, 1: first's left and right; 2, 3: second's
        assertThat(runner.specs).extracting(JobRunner.RunSpec::jobName).containsExactly("left", "right", "left", "right");
        runner.runs.get(0).completion.complete(JobRunner.Result.success());
        runner.runs.get(3).completion.complete(JobRunner.Result.success());
        // a run of right outside any workflow meets nothing either
        startRun("right");
        runner.last().completion.complete(JobRunner.Result.success());
        assertThat(runner.specs).extracting(JobRunner.RunSpec::jobName).containsExactly("left", "right", "left", "right", "right");

        runner.runs.get(1).completion.complete(JobRunner.Result.success());
        assertThat(runner.specs).extracting(JobRunner.RunSpec::jobName).containsExactly("left", "right", "left", "right", "right", "join");
        assertThat(argument(runner.last().spec, "--WORKFLOW_RUN_ID")).isEqualTo(first);
        assertThat(call("GetJobRuns", "{\"JobName\": \"join\"}").path("JobRuns").get(0).path("PredecessorRuns")).isEqualTo(JSON.readTree("""
                [{"JobName": "left", "RunId": "%s"}, {"JobName": "right", "RunId": "%s"}]""".formatted(runner.runs.get(0).spec.runId(),
                runner.runs.get(1).spec.runId())));
        assertThat(run("fan", second, false).path("Status").asText()).isEqualTo("RUNNING");
        runner.last().completion.complete(JobRunner.Result.success());
        assertThat(run("fan", first, false).path("Status").asText()).isEqualTo("COMPLETED");
        assertThat(run("fan", first, false).path("Statistics").path("SucceededActions").asInt()).isEqualTo(3);

        // the second run's right failed: its join never fires, and the run completes with nothing left to run
        runner.runs.get(2).completion.complete(JobRunner.Result.failure("ValueError: bad input"));
        JsonNode failed = run("fan", second, false);
        assertThat(failed.path("Status").asText()).isEqualTo("COMPLETED");
        assertThat(failed.path("Statistics")).isEqualTo(JSON.readTree("""
                {"TotalActions": 2, "TimeoutActions": 0, "FailedActions": 1, "StoppedActions": 0, "SucceededActions": 1, "RunningActions": 0,
                 "ErroredActions": 0, "WaitingActions": 0}"""));
        assertThat(runner.specs).hasSize(6);
        assertThat(call("GetWorkflowRuns", "{\"Name\": \"fan\"}").path("Runs")).extracting(run -> run.path("WorkflowRunId").asText())
                .containsExactlyInAnyOrder(first, second);
    }

    @Test
    void runsBeyondMaxConcurrentRunsAreRefusedAndAStopEndsTheRunStopped()
            throws Exception
    {
        pipeline("{\"Name\": \"single\", \"MaxConcurrentRuns\": 1}");
        String runId = call("StartWorkflowRun", "{\"Name\": \"single\"}").path("RunId").asText();
        ServiceException refused = catchThrowableOfType(ServiceException.class, () -> call("StartWorkflowRun", "{\"Name\": \"single\"}"));
        assertThat(refused.errorCode()).isEqualTo("ConcurrentRunsExceededException");
        assertThat(refused.getMessage()).isEqualTo("Concurrent runs exceeded for workflow: single: 1 run(s) of it are running and its MaxConcurrentRuns is 1");

        call("StopWorkflowRun", "{\"Name\": \"single\", \"RunId\": \"%s\"}".formatted(runId));
        assertThat(run("single", runId, false).path("Status").asText()).isEqualTo("STOPPING");
        assertThat(runner.last().stops.get()).isEqualTo(1);
        runner.last().completion.complete(JobRunner.Result.failure("killed"));
        JsonNode stopped = run("single", runId, false);
        assertThat(stopped.path("Status").asText()).isEqualTo("STOPPED");
        assertThat(stopped.path("Statistics").path("StoppedActions").asInt()).isEqualTo(1);
        // a stopped extract does not start load
        assertThat(runner.specs).extracting(JobRunner.RunSpec::jobName).containsExactly("extract");
        ServiceException again = catchThrowableOfType(ServiceException.class, () -> call("StopWorkflowRun", "{\"Name\": \"single\", \"RunId\": \"%s\"}"
                .formatted(runId)));
        assertThat(again.errorCode()).isEqualTo("IllegalWorkflowStateException");

        // resuming the stopped extract runs it and what follows it, in a new run
        String extractNode = node(run("single", runId, true).path("Graph"), "extract").path("UniqueId").asText();
        JsonNode resumed = call("ResumeWorkflowRun", "{\"Name\": \"single\", \"RunId\": \"%s\", \"NodeIds\": [\"%s\"]}".formatted(runId, extractNode));
        String resumedId = resumed.path("RunId").asText();
        assertThat(resumed.path("NodeIds")).isEqualTo(JSON.readTree("[\"%s\"]".formatted(extractNode)));
        assertThat(argument(runner.last().spec, "--WORKFLOW_RUN_ID")).isEqualTo(resumedId);
        assertThat(argument(runner.last().spec, "--mode")).isEqualTo("full");
        runner.last().completion.complete(JobRunner.Result.success());
        runner.last().completion.complete(JobRunner.Result.success());
        JsonNode completed = run("single", resumedId, false);
        assertThat(completed.path("Status").asText()).isEqualTo("COMPLETED");
        assertThat(completed.path("PreviousRunId").asText()).isEqualTo(runId);
        assertThat(completed.path("Statistics").path("SucceededActions").asInt()).isEqualTo(2);
        assertThat(runner.specs).extracting(JobRunner.RunSpec::jobName).containsExactly("extract", "extract", "load");

        String loadNode = node(run("single", runId, true).path("Graph"), "load").path("UniqueId").asText();
        ServiceException notRun = catchThrowableOfType(ServiceException.class, () -> call("ResumeWorkflowRun",
                "{\"Name\": \"single\", \"RunId\": \"%s\", \"NodeIds\": [\"%s\"]}".formatted(runId, loadNode)));
        assertThat(notRun.errorCode()).isEqualTo("InvalidInputException");
        assertThat(notRun.getMessage()).isEqualTo("NodeIds " + loadNode + " (job load) has no run attempt in workflow run " + runId
                + ": only nodes that ran can be restarted");
    }

    @Test
    void aJobRunWaitingInItsJobsQueueIsAWaitingActionAndAStopEndsItWithoutAProcess()
            throws Exception
    {
        pipeline("{\"Name\": \"queued\"}");
        call("UpdateJob", """
                {"JobName": "extract", "JobUpdate": {"Role": "arn:aws:iam::000000000000:role/glue", "JobRunQueuingEnabled": true,
                 "Command": {"Name": "pythonshell", "ScriptLocation": "s3://code-bucket/jobs/job.py", "PythonVersion": "3.9"}}}""");
        // a run outside the workflow takes extract's one place
        startRun("extract");
        String stoppedRun = call("StartWorkflowRun", "{\"Name\": \"queued\"}").path("RunId").asText();
        assertThat(run("queued", stoppedRun, false).path("Statistics")).isEqualTo(JSON.readTree("""
                {"TotalActions": 1, "TimeoutActions": 0, "FailedActions": 0, "StoppedActions": 0, "SucceededActions": 0, "RunningActions": 0,
                 "ErroredActions": 0, "WaitingActions": 1}"""));
        call("StopWorkflowRun", "{\"Name\": \"queued\", \"RunId\": \"%s\"}".formatted(stoppedRun));
        JsonNode stopped = run("queued", stoppedRun, false);
        assertThat(stopped.path("Status").asText()).isEqualTo("STOPPED");
        assertThat(stopped.path("Statistics").path("StoppedActions").asInt()).isEqualTo(1);
        assertThat(stopped.path("Statistics").path("WaitingActions").asInt()).isZero();

        String runId = call("StartWorkflowRun", "{\"Name\": \"queued\"}").path("RunId").asText();
        assertThat(run("queued", runId, false).path("Statistics").path("WaitingActions").asInt()).isEqualTo(1);
        assertThat(runner.specs).hasSize(1);
        // the outside run ends, and the workflow's extract takes its place
        runner.last().completion.complete(JobRunner.Result.success());
        assertThat(argument(runner.last().spec, "--WORKFLOW_RUN_ID")).isEqualTo(runId);
        assertThat(run("queued", runId, false).path("Statistics")).isEqualTo(JSON.readTree("""
                {"TotalActions": 1, "TimeoutActions": 0, "FailedActions": 0, "StoppedActions": 0, "SucceededActions": 0, "RunningActions": 1,
                 "ErroredActions": 0, "WaitingActions": 0}"""));
        runner.last().completion.complete(JobRunner.Result.success());
        runner.last().completion.complete(JobRunner.Result.success());
        assertThat(run("queued", runId, false).path("Status").asText()).isEqualTo("COMPLETED");
        assertThat(runner.specs).extracting(JobRunner.RunSpec::jobName).containsExactly("extract", "extract", "load");
    }

    @Test
    void aScheduledStartTriggerStartsRunsAndDeletingTheWorkflowDeletesItsTriggers()
            throws Exception
    {
        createJob("{\"Name\": \"hourly\"}");
        call("CreateWorkflow", "{\"Name\": \"clock\", \"Tags\": {\"team\": \"data\"}}");
        call("CreateTrigger", "{\"Name\": \"tick\", \"WorkflowName\": \"clock\", \"Type\": \"SCHEDULED\", \"Schedule\": \"cron(0 * * * ? *)\", "
                + "\"StartOnCreation\": true, \"Actions\": [{\"JobName\": \"hourly\"}]}");
        ServiceException second = catchThrowableOfType(ServiceException.class, () -> call("CreateTrigger",
                "{\"Name\": \"tock\", \"WorkflowName\": \"clock\", \"Type\": \"ON_DEMAND\", \"Actions\": [{\"JobName\": \"hourly\"}]}"));
        assertThat(second.getMessage()).isEqualTo("Workflow clock already has a start trigger, tick; a workflow starts from one ON_DEMAND, SCHEDULED or "
                + "EVENT trigger, and its other triggers are CONDITIONAL");
        ServiceException missing = catchThrowableOfType(ServiceException.class, () -> call("CreateTrigger",
                "{\"Name\": \"lost\", \"WorkflowName\": \"nowhere\", \"Type\": \"ON_DEMAND\", \"Actions\": [{\"JobName\": \"hourly\"}]}"));
        assertThat(missing.errorCode()).isEqualTo("EntityNotFoundException");
        assertThat(missing.getMessage()).isEqualTo("Workflow with name: nowhere not found.");

        triggers.fireScheduled("tick");
        JsonNode runs = call("GetWorkflowRuns", "{\"Name\": \"clock\"}").path("Runs");
        assertThat(runs).hasSize(1);
        assertThat(argument(runner.last().spec, "--WORKFLOW_RUN_ID")).isEqualTo(runs.get(0).path("WorkflowRunId").asText());
        runner.last().completion.complete(JobRunner.Result.success());
        assertThat(call("GetTags", "{\"ResourceArn\": \"arn:aws:glue:us-east-1:000000000000:workflow/clock\"}").path("Tags"))
                .isEqualTo(JSON.readTree("{\"team\": \"data\"}"));
        assertThat(call("ListWorkflows", "{}").path("Workflows")).isEqualTo(JSON.readTree("[\"clock\"]"));
        JsonNode batch = call("BatchGetWorkflows", "{\"Names\": [\"clock\", \"gone\"]}");
        assertThat(batch.path("Workflows").get(0).path("Name").asText()).isEqualTo("clock");
        assertThat(batch.path("MissingWorkflows")).isEqualTo(JSON.readTree("[\"gone\"]"));

        call("DeleteWorkflow", "{\"Name\": \"clock\"}");
        assertThat(call("ListTriggers", "{}").path("TriggerNames")).isEmpty();
        assertThat(stores.open(GlueSchedules.STORE, io.lakestack.spi.scheduler.Schedule.class).get("#glue-triggers/tick")).isEmpty();
        assertThat(call("ListWorkflows", "{}").path("Workflows")).isEmpty();
    }

    @Test
    void anActionThatCannotStartIsAnErroredActionAndTheRunCompletes()
            throws Exception
    {
        pipeline("{\"Name\": \"busy\"}");
        // extract runs outside the workflow, at its MaxConcurrentRuns of 1
        startRun("extract");
        String runId = call("StartWorkflowRun", "{\"Name\": \"busy\"}").path("RunId").asText();
        JsonNode run = run("busy", runId, false);
        assertThat(run.path("Status").asText()).isEqualTo("COMPLETED");
        assertThat(run.path("Statistics")).isEqualTo(JSON.readTree("""
                {"TotalActions": 1, "TimeoutActions": 0, "FailedActions": 0, "StoppedActions": 0, "SucceededActions": 0, "RunningActions": 0,
                 "ErroredActions": 1, "WaitingActions": 0}"""));
        assertThat(runner.specs).hasSize(1);

        call("UpdateWorkflow", "{\"Name\": \"busy\", \"DefaultRunProperties\": {\"day\": \"d1\"}, \"MaxConcurrentRuns\": 3}");
        JsonNode workflow = call("GetWorkflow", "{\"Name\": \"busy\"}").path("Workflow");
        assertThat(workflow.path("DefaultRunProperties")).isEqualTo(JSON.readTree("{\"day\": \"d1\"}"));
        assertThat(workflow.path("MaxConcurrentRuns").asInt()).isEqualTo(3);
        ServiceException noStart = catchThrowableOfType(ServiceException.class, () -> {
            call("CreateWorkflow", "{\"Name\": \"empty\"}");
            call("StartWorkflowRun", "{\"Name\": \"empty\"}");
        });
        assertThat(noStart.errorCode()).isEqualTo("IllegalWorkflowStateException");
        assertThat(noStart.getMessage()).isEqualTo("Workflow empty has no start trigger: create an ON_DEMAND, SCHEDULED or EVENT trigger with WorkflowName "
                + "empty");
    }

    @Test
    void anEventTriggerStartsARunWhenItsBatchSizeIsReached()
            throws Exception
    {
        eventWorkflow("{\"BatchSize\": 2, \"BatchWindow\": 60}");
        JsonNode trigger = call("GetTrigger", "{\"Name\": \"on-arrival\"}").path("Trigger");
        assertThat(trigger.path("Type").asText()).isEqualTo("EVENT");
        assertThat(trigger.path("State").asText()).isEqualTo("ACTIVATED");
        assertThat(trigger.path("WorkflowName").asText()).isEqualTo("arrivals");
        assertThat(trigger.path("EventBatchingCondition")).isEqualTo(JSON.readTree("{\"BatchSize\": 2, \"BatchWindow\": 60}"));

        workflows.notifyEvent("arrivals", event("e-1"));
        assertThat(runner.specs).isEmpty();
        assertThat(call("GetWorkflowRuns", "{\"Name\": \"arrivals\"}").path("Runs")).isEmpty();
        // the batch and its window are kept, the window as a one-time schedule at its end
        assertThat(stores.open(GlueWorkflows.EVENT_BATCHES_STORE, StoredEventBatch.class).get("arrivals"))
                .contains(new StoredEventBatch("arrivals", "on-arrival", List.of("e-1"), 1_790_000_000_000L));
        Schedule window = stores.open(GlueSchedules.STORE, Schedule.class).get("#glue-event-batches/arrivals").orElseThrow();
        assertThat(window.expression()).isEqualTo("at(2026-09-21T14:14:20)");
        assertThat(window.target().arn()).isEqualTo("arn:aws:glue:us-east-1:000000000000:workflow/arrivals");
        assertThat(GlueSchedules.target(window.target().arn())).contains(new GlueSchedules.Target(GlueSchedules.Target.Kind.WORKFLOW, "arrivals"));

        clock.advance(Duration.ofSeconds(10));
        workflows.notifyEvent("arrivals", event("e-2"));
        JsonNode runs = call("GetWorkflowRuns", "{\"Name\": \"arrivals\"}").path("Runs");
        assertThat(runs).hasSize(1);
        String runId = runs.get(0).path("WorkflowRunId").asText();
        assertThat(runs.get(0).path("StartingEventBatchCondition")).isEqualTo(JSON.readTree("{\"BatchSize\": 2}"));
        assertThat(properties("arrivals", runId)).isEqualTo(JSON.readTree("{\"env\": \"dev\", \"aws:eventIds\": \"[e-1, e-2]\"}"));
        assertThat(argument(runner.last().spec, "--WORKFLOW_RUN_ID")).isEqualTo(runId);
        assertThat(stores.open(GlueWorkflows.EVENT_BATCHES_STORE, StoredEventBatch.class).get("arrivals")).isEmpty();
        assertThat(stores.open(GlueSchedules.STORE, Schedule.class).get("#glue-event-batches/arrivals")).isEmpty();
        // the window's occurrence, should it still come, finds no batch
        workflows.eventBatchWindowElapsed("arrivals");
        runner.last().completion.complete(JobRunner.Result.success());
        assertThat(run("arrivals", runId, false).path("Status").asText()).isEqualTo("COMPLETED");
        assertThat(runner.specs).hasSize(1);
    }

    @Test
    void anEventTriggerStartsARunWhenItsBatchWindowPasses()
            throws Exception
    {
        eventWorkflow("{\"BatchSize\": 5, \"BatchWindow\": 60}");
        clock.advance(Duration.ofSeconds(70));
        workflows.notifyEvent("arrivals", event("e-1"));
        clock.advance(Duration.ofSeconds(30));
        workflows.notifyEvent("arrivals", event("e-2"));
        assertThat(stores.open(GlueSchedules.STORE, Schedule.class).get("#glue-event-batches/arrivals").orElseThrow().expression())
                .isEqualTo("at(2026-09-21T14:15:30)");
        // an occurrence before the window's end starts nothing
        clock.advance(Duration.ofSeconds(29));
        workflows.eventBatchWindowElapsed("arrivals");
        assertThat(call("GetWorkflowRuns", "{\"Name\": \"arrivals\"}").path("Runs")).isEmpty();

        clock.advance(Duration.ofSeconds(1));
        workflows.eventBatchWindowElapsed("arrivals");
        JsonNode runs = call("GetWorkflowRuns", "{\"Name\": \"arrivals\"}").path("Runs");
        assertThat(runs).hasSize(1);
        String runId = runs.get(0).path("WorkflowRunId").asText();
        assertThat(runs.get(0).path("StartingEventBatchCondition")).isEqualTo(JSON.readTree("{\"BatchWindow\": 60}"));
        assertThat(properties("arrivals", runId)).isEqualTo(JSON.readTree("{\"env\": \"dev\", \"aws:eventIds\": \"[e-1, e-2]\"}"));
        assertThat(stores.open(GlueWorkflows.EVENT_BATCHES_STORE, StoredEventBatch.class).get("arrivals")).isEmpty();
        runner.last().completion.complete(JobRunner.Result.success());

        // an event arriving after the window of its batch passed (its occurrence missed) starts the run at once
        workflows.notifyEvent("arrivals", event("e-3"));
        clock.advance(Duration.ofSeconds(61));
        workflows.notifyEvent("arrivals", event("e-4"));
        assertThat(call("GetWorkflowRuns", "{\"Name\": \"arrivals\"}").path("Runs").get(0).path("WorkflowRunProperties").path("aws:eventIds").asText())
                .isEqualTo("[e-3, e-4]");
        assertThat(runner.specs).hasSize(2);
    }

    @Test
    void aDeactivatedEventTriggerRefusesEventsAndBadBatchingIsRefused()
            throws Exception
    {
        eventWorkflow("{\"BatchSize\": 2}");
        assertThat(call("GetTrigger", "{\"Name\": \"on-arrival\"}").path("Trigger").path("EventBatchingCondition"))
                .isEqualTo(JSON.readTree("{\"BatchSize\": 2}"));
        call("StopTrigger", "{\"Name\": \"on-arrival\"}");
        ServiceException stopped = catchThrowableOfType(ServiceException.class, () -> workflows.notifyEvent("arrivals", event("e-1")));
        assertThat(stopped.errorCode()).isEqualTo("IllegalWorkflowStateException");
        assertThat(stopped.getMessage()).isEqualTo("Event trigger on-arrival of workflow arrivals is DEACTIVATED: the event e-1 is not taken; start the "
                + "trigger (StartTrigger) to take events");
        call("StartTrigger", "{\"Name\": \"on-arrival\"}");
        call("UpdateTrigger", "{\"Name\": \"on-arrival\", \"TriggerUpdate\": {\"EventBatchingCondition\": {\"BatchSize\": 1, \"BatchWindow\": 5}}}");
        assertThat(call("GetTrigger", "{\"Name\": \"on-arrival\"}").path("Trigger").path("EventBatchingCondition"))
                .isEqualTo(JSON.readTree("{\"BatchSize\": 1, \"BatchWindow\": 5}"));
        // an event that is not EventBridge's (a rule's input) has an id of its own
        workflows.notifyEvent("arrivals", "{\"bucket\": \"b\"}");
        assertThat(call("GetWorkflowRuns", "{\"Name\": \"arrivals\"}").path("Runs").get(0).path("WorkflowRunProperties").path("aws:eventIds").asText())
                .matches("\\[[0-9a-f-]{36}\\]");

        ServiceException missing = catchThrowableOfType(ServiceException.class, () -> workflows.notifyEvent("nowhere", event("e-2")));
        assertThat(missing.errorCode()).isEqualTo("EntityNotFoundException");
        call("CreateWorkflow", "{\"Name\": \"on-demand\"}");
        call("CreateTrigger", "{\"Name\": \"start\", \"WorkflowName\": \"on-demand\", \"Type\": \"ON_DEMAND\", \"Actions\": [{\"JobName\": \"extract\"}]}");
        ServiceException notEvent = catchThrowableOfType(ServiceException.class, () -> workflows.notifyEvent("on-demand", event("e-2")));
        assertThat(notEvent.errorCode()).isEqualTo("IllegalWorkflowStateException");
        assertThat(notEvent.getMessage()).isEqualTo("Workflow on-demand does not start from EventBridge events: it has no EVENT trigger; create one with "
                + "WorkflowName on-demand");

        assertInvalid("{\"Name\": \"free\", \"Type\": \"EVENT\", \"Actions\": [{\"JobName\": \"extract\"}]}",
                "An EVENT trigger starts a workflow: give the WorkflowName of the workflow whose start trigger it is");
        call("CreateWorkflow", "{\"Name\": \"other\"}");
        assertInvalid("{\"Name\": \"zero\", \"WorkflowName\": \"other\", \"Type\": \"EVENT\", \"EventBatchingCondition\": {\"BatchSize\": 0}, "
                + "\"Actions\": [{\"JobName\": \"extract\"}]}", "1 validation error detected: Value '0' at 'EventBatchingCondition.BatchSize' failed to "
                + "satisfy constraint: Member must have value greater than or equal to 1");
        assertInvalid("{\"Name\": \"long\", \"WorkflowName\": \"other\", \"Type\": \"EVENT\", \"EventBatchingCondition\": {\"BatchSize\": 1, "
                + "\"BatchWindow\": 901}, \"Actions\": [{\"JobName\": \"extract\"}]}", "1 validation error detected: Value '901' at "
                + "'EventBatchingCondition.BatchWindow' failed to satisfy constraint: Member must have value less than or equal to 900");
        assertInvalid("{\"Name\": \"nosize\", \"WorkflowName\": \"other\", \"Type\": \"EVENT\", \"EventBatchingCondition\": {\"BatchWindow\": 10}, "
                + "\"Actions\": [{\"JobName\": \"extract\"}]}", "1 validation error detected: Value null at 'EventBatchingCondition.BatchSize' failed to "
                + "satisfy constraint: Member must not be null");
        assertInvalid("{\"Name\": \"manual\", \"Type\": \"ON_DEMAND\", \"EventBatchingCondition\": {\"BatchSize\": 1}, "
                + "\"Actions\": [{\"JobName\": \"extract\"}]}", "An EventBatchingCondition is for EVENT triggers; an ON_DEMAND trigger takes none");
    }

    @Test
    void listCrawlsFiltersTheStoredCrawls()
            throws Exception
    {
        call("CreateCrawler", "{\"Name\": \"sales\", \"Role\": \"r\", \"Targets\": {\"S3Targets\": [{\"Path\": \"s3://data-bucket/sales/\"}]}}");
        var crawls = stores.open(GlueCrawlers.CRAWLS_STORE, StoredCrawl.class);
        crawls.put("sales\nc-1", new StoredCrawl("sales", "c-1", "SUCCEEDED", 1_790_000_000_000L, Optional.of(1_790_000_060_000L), Optional.empty(), 2, 0, 0,
                3, Optional.empty(), Optional.empty()));
        crawls.put("sales\nc-2", new StoredCrawl("sales", "c-2", "FAILED", 1_790_000_100_000L, Optional.of(1_790_000_110_000L),
                Optional.of("Access Denied"), 0, 0, 0, 0, Optional.empty(), Optional.empty()));
        crawls.put("sales\nc-3", new StoredCrawl("sales", "c-3", "RUNNING", 1_790_000_200_000L, Optional.empty(), Optional.empty(), 0, 0, 0, 0,
                Optional.empty(), Optional.empty()));

        assertThat(crawlIds("{\"CrawlerName\": \"sales\"}")).containsExactly("c-3", "c-2", "c-1");
        assertThat(crawlIds("{\"CrawlerName\": \"sales\", \"MaxResults\": 1}")).containsExactly("c-3");
        assertThat(crawlIds("{\"CrawlerName\": \"sales\", \"Filters\": [{\"FieldName\": \"STATE\", \"FilterOperator\": \"EQ\", \"FieldValue\": \"COMPLETED\"}]}"))
                .containsExactly("c-1");
        assertThat(crawlIds("{\"CrawlerName\": \"sales\", \"Filters\": [{\"FieldName\": \"START_TIME\", \"FilterOperator\": \"GE\", "
                + "\"FieldValue\": \"2026-09-21T14:15:00Z\"}, {\"FieldName\": \"END_TIME\", \"FilterOperator\": \"LT\", \"FieldValue\": \"1790000200000\"}]}"))
                .containsExactly("c-2");
        assertThat(crawlIds("{\"CrawlerName\": \"sales\", \"Filters\": [{\"FieldName\": \"CRAWL_ID\", \"FilterOperator\": \"NE\", \"FieldValue\": \"c-2\"}]}"))
                .containsExactly("c-3", "c-1");
        JsonNode first = call("ListCrawls", "{\"CrawlerName\": \"sales\", \"Filters\": [{\"FieldName\": \"CRAWL_ID\", \"FilterOperator\": \"EQ\", "
                + "\"FieldValue\": \"c-1\"}]}").path("Crawls").get(0);
        assertThat(first).isEqualTo(JSON.readTree("""
                {"CrawlId": "c-1", "State": "COMPLETED", "StartTime": 1790000000.0, "EndTime": 1790000060.0,
                 "Summary": "{\\"TABLE\\":{\\"ADD\\":2,\\"UPDATE\\":0,\\"DELETE\\":0},\\"PARTITION\\":{\\"ADD\\":3}}",
                 "LogGroup": "/aws-glue/crawlers", "LogStream": "sales", "MessagePrefix": "c-1", "DPUHour": 0.0}"""));
        ServiceException field = catchThrowableOfType(ServiceException.class, () -> call("ListCrawls", "{\"CrawlerName\": \"sales\", \"Filters\": "
                + "[{\"FieldName\": \"SIZE\", \"FilterOperator\": \"EQ\", \"FieldValue\": \"1\"}]}"));
        assertThat(field.errorCode()).isEqualTo("InvalidInputException");
    }

    private List<String> crawlIds(String input)
            throws Exception
    {
        List<String> ids = new ArrayList<>();
        call("ListCrawls", input).path("Crawls").forEach(crawl -> ids.add(crawl.path("CrawlId").asText()));
        return ids;
    }

    /** A workflow {@code extract} -> {@code load}: an ON_DEMAND start trigger and an activated CONDITIONAL one on extract's success. */
    private void pipeline(String workflow)
            throws Exception
    {
        createJob("{\"Name\": \"extract\"}");
        createJob("{\"Name\": \"load\"}");
        call("CreateWorkflow", workflow);
        String name = JSON.readTree(workflow).path("Name").asText();
        call("CreateTrigger", "{\"Name\": \"start\", \"WorkflowName\": \"%s\", \"Type\": \"ON_DEMAND\", \"Actions\": [{\"JobName\": \"extract\", \"Arguments\": {\"--mode\": \"full\"}}]}"
                .formatted(name));
        call("CreateTrigger", """
                {"Name": "after-extract", "WorkflowName": "%s", "Type": "CONDITIONAL", "StartOnCreation": true,
                 "Predicate": {"Conditions": [{"LogicalOperator": "EQUALS", "JobName": "extract", "State": "SUCCEEDED"}]},
                 "Actions": [{"JobName": "load"}]}""".formatted(name));
    }

    /** Workflow arrivals (default properties env=dev) started by EVENT trigger on-arrival, activated, with this batching, running job extract. */
    private void eventWorkflow(String batching)
            throws Exception
    {
        createJob("{\"Name\": \"extract\", \"ExecutionProperty\": {\"MaxConcurrentRuns\": 3}}");
        call("CreateWorkflow", "{\"Name\": \"arrivals\", \"DefaultRunProperties\": {\"env\": \"dev\"}}");
        call("CreateTrigger", "{\"Name\": \"on-arrival\", \"WorkflowName\": \"arrivals\", \"Type\": \"EVENT\", \"StartOnCreation\": true, "
                + "\"EventBatchingCondition\": " + batching + ", \"Actions\": [{\"JobName\": \"extract\"}]}");
    }

    private static String event(String id)
    {
        return "{\"version\": \"0\", \"id\": \"" + id + "\", \"detail-type\": \"Object Created\", \"source\": \"aws.s3\", \"detail\": {}}";
    }

    private void assertInvalid(String trigger, String message)
    {
        ServiceException refused = catchThrowableOfType(ServiceException.class, () -> call("CreateTrigger", trigger));
        assertThat(refused.errorCode()).isEqualTo("InvalidInputException");
        assertThat(refused.getMessage()).isEqualTo(message);
    }

    private static List<String> nodes(JsonNode graph)
    {
        List<String> nodes = new ArrayList<>();
        for (JsonNode node : graph.path("Nodes")) {
            assertThat(node.path("UniqueId").asText()).matches("wnode_[0-9a-f]{64}");
            nodes.add(node.path("Type").asText() + " " + node.path("Name").asText());
        }
        return nodes;
    }

    private static List<String> edges(JsonNode graph)
    {
        Map<String, String> names = new LinkedHashMap<>();
        graph.path("Nodes").forEach(node -> names.put(node.path("UniqueId").asText(), node.path("Type").asText() + " " + node.path("Name").asText()));
        List<String> edges = new ArrayList<>();
        graph.path("Edges").forEach(edge -> edges.add(names.get(edge.path("SourceId").asText()) + " -> " + names.get(edge.path("DestinationId").asText())));
        return edges;
    }

    private static JsonNode node(JsonNode graph, String name)
    {
        for (JsonNode node : graph.path("Nodes")) {
            if (node.path("Name").asText().equals(name)) {
                return node;
            }
        }
        throw new AssertionError("no node " + name + " in " + graph);
    }

    private static String argument(JobRunner.RunSpec spec, String name)
    {
        return spec.arguments().get(spec.arguments().indexOf(name) + 1);
    }

    private JsonNode properties(String workflow, String runId)
            throws Exception
    {
        return call("GetWorkflowRunProperties", "{\"Name\": \"%s\", \"RunId\": \"%s\"}".formatted(workflow, runId)).path("RunProperties");
    }

    private JsonNode run(String workflow, String runId, boolean graph)
            throws Exception
    {
        return call("GetWorkflowRun", "{\"Name\": \"%s\", \"RunId\": \"%s\", \"IncludeGraph\": %s}".formatted(workflow, runId, graph)).path("Run");
    }

    private void createJob(String fields)
            throws Exception
    {
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("Role", "arn:aws:iam::000000000000:role/glue");
        job.put("Command", Map.of("Name", "pythonshell", "ScriptLocation", "s3://code-bucket/jobs/job.py", "PythonVersion", "3.9"));
        job.putAll(JSON.readValue(fields, FIELDS));
        call("CreateJob", JSON.writeValueAsString(job));
    }

    private String startRun(String job)
            throws Exception
    {
        return call("StartJobRun", JSON.createObjectNode().put("JobName", job).toString()).path("JobRunId").asText();
    }

    private JsonNode call(String operation, String document)
            throws Exception
    {
        return GlueCalls.call(service, operation, document);
    }

    private static final class NoEvents
            implements EventSink
    {
        @Override
        public void declare(String topic) {}

        @Override
        public void publish(String topic, String key, byte[] value, Map<String, String> headers) {}

        @Override
        public void declareOrdered(String topic) {}

        @Override
        public long publishOrdered(String topic, String key, byte[] value, Map<String, String> headers)
        {
            throw new AssertionError("not used");
        }
    }
}
