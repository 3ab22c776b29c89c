package io.lakestack.services.glue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.services.glue.crawler.Crawler;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.glue.GlueCatalog;
import io.lakestack.spi.glue.JobRunner;
import io.lakestack.spi.s3.ObjectStore;
import io.lakestack.spi.store.MemoryRecordStores;
import io.lakestack.spi.testing.FixedInstances;
import io.lakestack.spi.testing.ManualClock;
import io.lakestack.spi.testing.RecordingEventSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.lakestack.services.glue.GlueCalls.unused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Glue jobs' runs on memory stores, a runner that records what it is asked to run and ends runs when the test says,
 * and a clock the test sets: time-outs, retries, the arguments a script gets, stops from another instance, runs of an
 * instance that left.
 */
class GlueJobsTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> FIELDS = new TypeReference<>() {};
    private static final String SELF = "instance-1";

    private final ManualClock clock = new ManualClock(1_790_000_000_000L);
    private final MemoryRecordStores stores = new MemoryRecordStores();
    private final FakeRunner runner = new FakeRunner();
    private final FixedInstances instances = new FixedInstances(SELF);
    private final RecordingEventSink events = new RecordingEventSink();
    private final List<String> published = events.published();
    private final GlueJobs jobs = new GlueJobs(stores, runner, events, clock, instances, "000000000000");
    private final GlueSchedules schedules = new GlueSchedules(stores, clock, "000000000000");
    private final GlueCrawlers crawlers = new GlueCrawlers(stores, new Crawler(unused(GlueCatalog.class), unused(ObjectStore.class)), schedules,
            new RecordingEventSink(), clock, instances, "000000000000");
    private final GlueTriggers triggers = new GlueTriggers(stores, jobs, crawlers, schedules, clock);
    private final GlueWorkflows workflows = new GlueWorkflows(stores, jobs, crawlers, triggers, clock);
    private final GlueService service = new GlueService(unused(GlueCatalog.class), crawlers, jobs, triggers, workflows, stores, "000000000000");

    @AfterEach
    void close()
    {
        // the runs a test left running end, as their processes would when killed (and a waiting run that starts then, too)
        while (runner.runs.stream().anyMatch(run -> !run.completion.isDone())) {
            List.copyOf(runner.runs).forEach(run -> run.completion.complete(JobRunner.Result.failure("killed")));
        }
        jobs.close();
    }

    @Test
    void aRunThatOutlivesItsTimeoutIsKilledAndEndsTimeout()
            throws Exception
    {
        createJob("{\"Name\": \"slow\", \"Timeout\": 2}");
        String id = startRun("slow", "{}");
        runner.last().started.complete(null);
        assertThat(state("slow", id)).isEqualTo("RUNNING");

        clock.advance(Duration.ofSeconds(119));
        jobs.checkTimeouts();
        assertThat(runner.last().stops.get()).isZero();
        clock.advance(Duration.ofSeconds(1));
        jobs.checkTimeouts();
        assertThat(runner.last().stops.get()).isEqualTo(1);
        // the killed process ends as a failure; the run ends as its time-out
        runner.last().completion.complete(JobRunner.Result.failure("Command failed with exit code -9"));

        JsonNode run = run("slow", id);
        assertThat(run.path("JobRunState").asText()).isEqualTo("TIMEOUT");
        assertThat(run.path("ErrorMessage").asText()).isEqualTo("Job run timed out after 2 minute(s) (the run's Timeout)");
        assertThat(run.path("ExecutionTime").asInt()).isEqualTo(120);
        assertThat(run.path("CompletedOn").asDouble()).isEqualTo(1_790_000_120.0);
        assertThat(published).hasSize(1);
        String event = published.get(0);
        assertThat(event).startsWith("lakestack.events.default slow {");
        JsonNode document = JSON.readTree(event.substring("lakestack.events.default slow ".length()));
        assertThat(document.path("id").asText()).hasSize(36);
        ((com.fasterxml.jackson.databind.node.ObjectNode) document).remove("id");
        assertThat(document).isEqualTo(JSON.readTree("""
                {"version": "0", "detail-type": "Glue Job State Change", "source": "aws.glue", "account": "000000000000",
                 "time": "2026-09-21T14:15:20Z", "region": "us-east-1", "resources": [],
                 "detail": {"jobName": "slow", "severity": "WARN", "state": "TIMEOUT", "jobRunId": "%s", "message": "Job run timed out"}}""".formatted(id)));
    }

    @Test
    void aRunStillGoingNotifyDelayAfterMinutesAfterItsStartIsAGlueJobRunStatusEventOnce()
            throws Exception
    {
        createJob("{\"Name\": \"late\", \"NotificationProperty\": {\"NotifyDelayAfter\": 5}}");
        assertThat(call("GetJob", "{\"JobName\": \"late\"}").path("Job").path("NotificationProperty"))
                .isEqualTo(JSON.readTree("{\"NotifyDelayAfter\": 5}"));
        String id = startRun("late", "{}");
        runner.last().started.complete(null);
        assertThat(run("late", id).path("NotificationProperty")).isEqualTo(JSON.readTree("{\"NotifyDelayAfter\": 5}"));

        clock.advance(Duration.ofMinutes(5).minusMillis(1));
        jobs.checkTimeouts();
        assertThat(published).isEmpty();
        clock.advance(Duration.ofMillis(1));
        jobs.checkTimeouts();
        clock.advance(Duration.ofMinutes(5));
        jobs.checkTimeouts();
        assertThat(published).hasSize(1);
        assertThat(event(published.get(0), "late")).isEqualTo(JSON.readTree("""
                {"version": "0", "detail-type": "Glue Job Run Status", "source": "aws.glue", "account": "000000000000",
                 "time": "2026-09-21T14:18:20Z", "region": "us-east-1", "resources": [],
                 "detail": {"jobName": "late", "severity": "WARN", "notificationCondition": {"NotifyDelayAfter": 5.0}, "state": "RUNNING",
                            "jobRunId": "%s", "message": "Job is running long"}}""".formatted(id)));

        runner.last().completion.complete(JobRunner.Result.success());
        assertThat(published).hasSize(2);
        assertThat(event(published.get(1), "late").path("detail-type").asText()).isEqualTo("Glue Job State Change");
    }

    @Test
    void startJobRunsNotificationPropertyOverridesTheJobsAndARunThatEndsFirstHasNone()
            throws Exception
    {
        createJob("{\"Name\": \"quick\", \"NotificationProperty\": {\"NotifyDelayAfter\": 60}}");
        String id = startRun("quick", "{\"NotificationProperty\": {\"NotifyDelayAfter\": 1}}");
        assertThat(run("quick", id).path("NotificationProperty")).isEqualTo(JSON.readTree("{\"NotifyDelayAfter\": 1}"));
        runner.last().completion.complete(JobRunner.Result.success());
        clock.advance(Duration.ofMinutes(2));
        jobs.checkTimeouts();
        assertThat(published).extracting(event -> event(event, "quick").path("detail-type").asText()).containsExactly("Glue Job State Change");

        ServiceException zero = catchThrowableOfType(ServiceException.class,
                () -> startRun("quick", "{\"NotificationProperty\": {\"NotifyDelayAfter\": 0}}"));
        assertThat(zero.errorCode()).isEqualTo("InvalidInputException");
        assertThat(zero.getMessage()).isEqualTo("1 validation error detected: Value '0' at 'NotificationProperty.NotifyDelayAfter' failed to satisfy "
                + "constraint: Member must have value greater than or equal to 1");
    }

    @Test
    void aTriggersActionGivesItsRunsNotificationProperty()
            throws Exception
    {
        createJob("{\"Name\": \"triggered\"}");
        call("CreateTrigger", """
                {"Name": "go", "Type": "ON_DEMAND", "Actions": [{"JobName": "triggered", "NotificationProperty": {"NotifyDelayAfter": 3}}]}""");
        assertThat(call("GetTrigger", "{\"Name\": \"go\"}").path("Trigger").path("Actions").get(0).path("NotificationProperty"))
                .isEqualTo(JSON.readTree("{\"NotifyDelayAfter\": 3}"));
        call("StartTrigger", "{\"Name\": \"go\"}");
        String id = runner.last().spec.runId();
        assertThat(run("triggered", id).path("NotificationProperty")).isEqualTo(JSON.readTree("{\"NotifyDelayAfter\": 3}"));
        clock.advance(Duration.ofMinutes(3));
        jobs.checkTimeouts();
        assertThat(published).extracting(event -> event(event, "triggered").path("detail").path("state").asText()).containsExactly("STARTING");
    }

    /** The event document published for the job, without its random id. */
    private static JsonNode event(String published, String job)
    {
        String prefix = "lakestack.events.default " + job + " ";
        assertThat(published).startsWith(prefix);
        try {
            ObjectNode document = (ObjectNode) JSON.readTree(published.substring(prefix.length()));
            assertThat(document.path("id").asText()).hasSize(36);
            document.remove("id");
            return document;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aFailedRunIsFollowedByItsAttemptsUpToMaxRetries()
            throws Exception
    {
        createJob("{\"Name\": \"flaky\", \"MaxRetries\": 2}");
        String id = startRun("flaky", "{\"Arguments\": {\"--day\": \"2026-11-30\"}}");
        runner.last().completion.complete(JobRunner.Result.failure("ValueError: first"));
        clock.advance(Duration.ofSeconds(5));
        runner.last().completion.complete(JobRunner.Result.failure("ValueError: second"));
        runner.last().completion.complete(JobRunner.Result.failure("ValueError: third"));

        assertThat(runner.specs).extracting(JobRunner.RunSpec::runId).containsExactly(id, id + "_attempt_1", id + "_attempt_2");
        JsonNode runs = call("GetJobRuns", "{\"JobName\": \"flaky\"}").path("JobRuns");
        assertThat(runs).hasSize(3);
        assertThat(runs.get(0).path("Id").asText()).isEqualTo(id + "_attempt_2");
        assertThat(runs.get(0).path("Attempt").asInt()).isEqualTo(2);
        assertThat(runs.get(0).path("PreviousRunId").asText()).isEqualTo(id + "_attempt_1");
        assertThat(runs.get(0).path("ErrorMessage").asText()).isEqualTo("ValueError: third");
        assertThat(runs.get(0).path("Arguments")).isEqualTo(JSON.readTree("{\"--day\": \"2026-11-30\"}"));
        assertThat(runs.get(1).path("PreviousRunId").asText()).isEqualTo(id);
        assertThat(runs.get(2).path("Id").asText()).isEqualTo(id);
        assertThat(runs.get(2).has("PreviousRunId")).isFalse();
        assertThat(runs.get(2).path("ErrorMessage").asText()).isEqualTo("ValueError: first");
        for (JsonNode run : runs) {
            assertThat(run.path("JobRunState").asText()).isEqualTo("FAILED");
        }
    }

    @Test
    void theScriptGetsTheDefaultsTheRunsArgumentsAndGluesOwn()
            throws Exception
    {
        createJob("""
                {"Name": "args", "MaxCapacity": 1,
                 "DefaultArguments": {"--day": "d0", "--bucket": "b", "--extra-py-files": "s3://code-bucket/lib/a.py, s3://code-bucket/lib/b.zip",
                                      "--additional-python-modules": "pyyaml==6.0.2,tabulate", "--python-modules-installer-option": "--no-deps"},
                 "NonOverridableArguments": {"--env": "prod"}}""");
        String id = startRun("args", "{\"Arguments\": {\"--day\": \"2026-11-30\", \"--extra-files\": \"s3://code-bucket/conf/settings.json\"}}");
        JobRunner.RunSpec spec = runner.last().spec;
        String jobId = spec.arguments().get(spec.arguments().indexOf("--JOB_ID") + 1);
        assertThat(jobId).matches("j_[0-9a-f]{64}");
        assertThat(spec.arguments()).containsExactly("--day", "2026-11-30", "--bucket", "b", "--extra-py-files", "s3://code-bucket/lib/a.py, s3://code-bucket/lib/b.zip",
                "--additional-python-modules", "pyyaml==6.0.2,tabulate", "--python-modules-installer-option", "--no-deps",
                "--extra-files", "s3://code-bucket/conf/settings.json", "--env", "prod", "--JOB_ID", jobId, "--JOB_RUN_ID", id, "--JOB_NAME", "args");
        assertThat(spec.scriptLocation()).isEqualTo("s3://code-bucket/jobs/job.py");
        assertThat(spec.extraPyFiles()).containsExactly("s3://code-bucket/lib/a.py", "s3://code-bucket/lib/b.zip");
        assertThat(spec.extraFiles()).containsExactly("s3://code-bucket/conf/settings.json");
        assertThat(spec.additionalModules()).containsExactly("pyyaml==6.0.2", "tabulate");
        assertThat(spec.installerOptions()).containsExactly("--no-deps");
        assertThat(spec.memoryBytes()).isEqualTo(16L * 1024 * 1024 * 1024);
        assertThat(spec.pythonVersion()).isEqualTo("3.9");
        assertThat(spec.region()).isEqualTo("us-east-1");

        ServiceException refused = catchThrowableOfType(ServiceException.class, () -> startRun("args", "{\"Arguments\": {\"--env\": \"dev\"}}"));
        assertThat(refused.errorCode()).isEqualTo("InvalidInputException");
        assertThat(refused.getMessage()).isEqualTo("Arguments --env is one of job args's NonOverridableArguments; a run cannot change it");
        runner.last().completion.complete(JobRunner.Result.success());
        assertThat(state("args", id)).isEqualTo("SUCCEEDED");
    }

    @Test
    void aStopWrittenByAnotherInstanceKillsTheProcessHereAndTheRunEndsStopped()
            throws Exception
    {
        createJob("{\"Name\": \"long\", \"ExecutionProperty\": {\"MaxConcurrentRuns\": 2}}");
        String id = startRun("long", "{}");
        runner.last().started.complete(null);
        // another instance's BatchStopJobRun writes STOPPING into the shared store
        var store = stores.open(GlueJobs.RUNS_STORE, StoredJobRun.class);
        StoredJobRun running = store.get("long\n" + id).orElseThrow();
        store.put("long\n" + id, running.withState(StoredJobRun.State.STOPPING, clock.millis()));
        assertThat(runner.last().stops.get()).isEqualTo(1);
        runner.last().completion.complete(JobRunner.Result.failure("The run was stopped"));

        JsonNode run = run("long", id);
        assertThat(run.path("JobRunState").asText()).isEqualTo("STOPPED");
        assertThat(run.has("ErrorMessage")).isFalse();
    }

    @Test
    void theRunsOfAnInstanceThatLeftEndFailedWithoutRetries()
            throws Exception
    {
        createJob("{\"Name\": \"orphan\", \"MaxRetries\": 3}");
        var store = stores.open(GlueJobs.RUNS_STORE, StoredJobRun.class);
        StoredJobRun elsewhere = new StoredJobRun("orphan", "jr_elsewhere", 0, Optional.empty(), Map.of(), StoredJobRun.State.RUNNING, Optional.empty(),
                2880, 0.0625, "3.0", "instance-2", clock.millis(), clock.millis(), Optional.empty(), Optional.empty(), List.of(), Optional.empty(),
                Optional.empty(), 0);
        store.put("orphan\njr_elsewhere", elsewhere);
        clock.advance(Duration.ofSeconds(30));
        instances.depart("instance-2");

        JsonNode run = run("orphan", "jr_elsewhere");
        assertThat(run.path("JobRunState").asText()).isEqualTo("FAILED");
        assertThat(run.path("ErrorMessage").asText()).isEqualTo("The run did not finish: the lakestack instance that ran it (instance-2) stopped while it "
                + "ran; it is not retried, start it again");
        assertThat(run.path("ExecutionTime").asInt()).isEqualTo(30);
        assertThat(runner.specs).isEmpty();
    }

    @Test
    void runsBeyondMaxConcurrentRunsAreRefused()
            throws Exception
    {
        createJob("{\"Name\": \"single\"}");
        startRun("single", "{}");
        ServiceException refused = catchThrowableOfType(ServiceException.class, () -> startRun("single", "{}"));
        assertThat(refused.errorCode()).isEqualTo("ConcurrentRunsExceededException");
        assertThat(refused.getMessage()).isEqualTo("Concurrent runs exceeded for single: 1 run(s) of it are running and its "
                + "ExecutionProperty.MaxConcurrentRuns is 1");
        runner.last().completion.complete(JobRunner.Result.success());
        String second = startRun("single", "{}");
        runner.last().completion.complete(JobRunner.Result.success());
        assertThat(state("single", second)).isEqualTo("SUCCEEDED");
    }

    @Test
    void withQueuingARunBeyondMaxConcurrentRunsWaitsAndStartsWhenARunEndsItsTimeoutCountingFromThen()
            throws Exception
    {
        createJob("{\"Name\": \"queued\", \"JobRunQueuingEnabled\": true, \"Timeout\": 10}");
        assertThat(call("GetJob", "{\"JobName\": \"queued\"}").path("Job").path("JobRunQueuingEnabled").asBoolean()).isTrue();
        String first = startRun("queued", "{}");
        clock.advance(Duration.ofSeconds(1));
        String second = startRun("queued", "{}");
        clock.advance(Duration.ofSeconds(1));
        String third = startRun("queued", "{}");
        assertThat(runner.specs).extracting(JobRunner.RunSpec::runId).containsExactly(first);
        JsonNode waiting = run("queued", second);
        assertThat(waiting.path("JobRunState").asText()).isEqualTo("WAITING");
        assertThat(waiting.path("JobRunQueuingEnabled").asBoolean()).isTrue();
        assertThat(waiting.path("ExecutionTime").asInt()).isZero();
        assertThat(waiting.path("StartedOn").asDouble()).isEqualTo(1_790_000_001.0);
        assertThat(state("queued", third)).isEqualTo("WAITING");

        // the first run's end lets the oldest waiting run start, at once
        clock.advance(Duration.ofSeconds(88));
        runner.last().completion.complete(JobRunner.Result.success());
        assertThat(runner.specs).extracting(JobRunner.RunSpec::runId).containsExactly(first, second);
        assertThat(state("queued", second)).isEqualTo("STARTING");
        assertThat(state("queued", third)).isEqualTo("WAITING");
        runner.last().started.complete(null);
        clock.advance(Duration.ofSeconds(30));
        JsonNode running = run("queued", second);
        assertThat(running.path("JobRunState").asText()).isEqualTo("RUNNING");
        assertThat(running.path("StartedOn").asDouble()).isEqualTo(1_790_000_001.0);
        assertThat(running.path("ExecutionTime").asInt()).isEqualTo(30);

        // its 10 minutes count from the end of its wait, 89 s after its StartJobRun
        clock.advance(Duration.ofSeconds(569));
        jobs.checkTimeouts();
        assertThat(runner.last().stops.get()).isZero();
        clock.advance(Duration.ofSeconds(1));
        jobs.checkTimeouts();
        assertThat(runner.last().stops.get()).isEqualTo(1);

        // a waiting run is stopped without a process, having run for no time
        JsonNode stopped = call("BatchStopJobRun", "{\"JobName\": \"queued\", \"JobRunIds\": [\"" + third + "\"]}");
        assertThat(stopped.path("SuccessfulSubmissions")).hasSize(1);
        JsonNode thirdRun = run("queued", third);
        assertThat(thirdRun.path("JobRunState").asText()).isEqualTo("STOPPED");
        assertThat(thirdRun.path("ExecutionTime").asInt()).isZero();
        assertThat(thirdRun.path("CompletedOn").asDouble()).isEqualTo(1_790_000_690.0);
        runner.last().completion.complete(JobRunner.Result.failure("Command failed with exit code -9"));
        assertThat(state("queued", second)).isEqualTo("TIMEOUT");
        assertThat(runner.specs).extracting(JobRunner.RunSpec::runId).containsExactly(first, second);
        assertThat(published).extracting(event -> event(event, "queued").path("detail").path("state").asText())
                .containsExactly("SUCCEEDED", "STOPPED", "TIMEOUT");
    }

    @Test
    void startJobRunsJobRunQueuingEnabledWinsOverTheJobs()
            throws Exception
    {
        createJob("{\"Name\": \"plain\"}");
        createJob("{\"Name\": \"queuing\", \"JobRunQueuingEnabled\": true}");
        startRun("plain", "{}");
        startRun("queuing", "{}");
        assertThat(call("GetJob", "{\"JobName\": \"plain\"}").path("Job").has("JobRunQueuingEnabled")).isFalse();

        String waits = startRun("plain", "{\"JobRunQueuingEnabled\": true}");
        assertThat(state("plain", waits)).isEqualTo("WAITING");
        ServiceException refused = catchThrowableOfType(ServiceException.class, () -> startRun("queuing", "{\"JobRunQueuingEnabled\": false}"));
        assertThat(refused.errorCode()).isEqualTo("ConcurrentRunsExceededException");
        assertThat(refused.getMessage()).isEqualTo("Concurrent runs exceeded for queuing: 1 run(s) of it are running and its "
                + "ExecutionProperty.MaxConcurrentRuns is 1");
        ServiceException notBoolean = catchThrowableOfType(ServiceException.class, () -> startRun("plain", "{\"JobRunQueuingEnabled\": \"yes\"}"));
        assertThat(notBoolean.errorCode()).isEqualTo("SerializationException");
        assertThat(runner.specs).hasSize(2);
    }

    @Test
    void aRunThatWaitsFifteenMinutesEndsFailedAndARunOfAnotherInstanceKeepsItsPlace()
            throws Exception
    {
        createJob("{\"Name\": \"busy\", \"JobRunQueuingEnabled\": true}");
        String first = startRun("busy", "{}");
        // an older waiting run of another instance, then one of this instance
        var store = stores.open(GlueJobs.RUNS_STORE, StoredJobRun.class);
        store.put("busy\njr_elsewhere", new StoredJobRun("busy", "jr_elsewhere", 0, Optional.empty(), Map.of(), StoredJobRun.State.WAITING,
                Optional.empty(), 2880, 0.0625, "3.0", "instance-2", clock.millis(), clock.millis(), Optional.empty(), Optional.empty(), List.of(),
                Optional.empty(), Optional.of(true), 0));
        clock.advance(Duration.ofSeconds(1));
        String mine = startRun("busy", "{}");
        clock.advance(Duration.ofMinutes(15).minusMillis(1));
        jobs.checkWaiting();
        assertThat(state("busy", mine)).isEqualTo("WAITING");
        clock.advance(Duration.ofMillis(1));
        jobs.checkWaiting();
        JsonNode failed = run("busy", mine);
        assertThat(failed.path("JobRunState").asText()).isEqualTo("FAILED");
        assertThat(failed.path("ErrorMessage").asText()).isEqualTo("The run waited 15 minutes in job busy's queue (JobRunQueuingEnabled) and did not "
                + "start: its ExecutionProperty.MaxConcurrentRuns is 1, and as many runs of it ran all that time");
        assertThat(failed.path("ExecutionTime").asInt()).isZero();
        // the other instance's run is its own to end
        assertThat(state("busy", "jr_elsewhere")).isEqualTo("WAITING");

        // the first run's place goes to the oldest waiting run, which its own instance starts
        runner.last().completion.complete(JobRunner.Result.success());
        jobs.checkWaiting();
        assertThat(runner.specs).extracting(JobRunner.RunSpec::runId).containsExactly(first);
        // until that instance leaves: its waiting run, which had not run, is taken over and starts here
        instances.depart("instance-2");
        jobs.checkWaiting();
        assertThat(runner.specs).extracting(JobRunner.RunSpec::runId).containsExactly(first, "jr_elsewhere");
        assertThat(state("busy", "jr_elsewhere")).isEqualTo("STARTING");
        assertThat(published).extracting(event -> event(event, "busy").path("detail").path("state").asText()).containsExactly("FAILED", "SUCCEEDED");
    }

    @Test
    void aConditionalTriggerStartsItsJobOnceAllItsConditionsAreMet()
            throws Exception
    {
        createJob("{\"Name\": \"extract\"}");
        createJob("{\"Name\": \"enrich\"}");
        createJob("{\"Name\": \"load\"}");
        call("CreateTrigger", """
                {"Name": "after-both", "Type": "CONDITIONAL", "StartOnCreation": true,
                 "Predicate": {"Logical": "AND", "Conditions": [{"LogicalOperator": "EQUALS", "JobName": "extract", "State": "SUCCEEDED"},
                                                                {"LogicalOperator": "EQUALS", "JobName": "enrich", "State": "SUCCEEDED"}]},
                 "Actions": [{"JobName": "load", "Arguments": {"--mode": "full"}, "Timeout": 30}]}""");
        assertThat(call("GetTrigger", "{\"Name\": \"after-both\"}").path("Trigger").path("State").asText()).isEqualTo("ACTIVATED");

        String extract = startRun("extract", "{}");
        runner.last().completion.complete(JobRunner.Result.success());
        assertThat(runner.specs).extracting(JobRunner.RunSpec::jobName).containsExactly("extract");
        String enrich = startRun("enrich", "{}");
        runner.last().completion.complete(JobRunner.Result.success());

        assertThat(runner.specs).extracting(JobRunner.RunSpec::jobName).containsExactly("extract", "enrich", "load");
        JsonNode load = call("GetJobRuns", "{\"JobName\": \"load\"}").path("JobRuns").get(0);
        assertThat(load.path("TriggerName").asText()).isEqualTo("after-both");
        assertThat(load.path("Arguments")).isEqualTo(JSON.readTree("{\"--mode\": \"full\"}"));
        assertThat(load.path("Timeout").asInt()).isEqualTo(30);
        assertThat(load.path("PredecessorRuns")).isEqualTo(JSON.readTree("""
                [{"JobName": "extract", "RunId": "%s"}, {"JobName": "enrich", "RunId": "%s"}]""".formatted(extract, enrich)));

        // the count starts again: one more extract alone fires nothing
        runner.last().completion.complete(JobRunner.Result.success());
        startRun("extract", "{}");
        runner.last().completion.complete(JobRunner.Result.success());
        assertThat(runner.specs).extracting(JobRunner.RunSpec::jobName).containsExactly("extract", "enrich", "load", "extract");
    }

    @Test
    void anyConditionFiresAndAStoppedTriggerDoesNot()
            throws Exception
    {
        createJob("{\"Name\": \"work\", \"ExecutionProperty\": {\"MaxConcurrentRuns\": 3}}");
        createJob("{\"Name\": \"alert\", \"ExecutionProperty\": {\"MaxConcurrentRuns\": 3}}");
        call("CreateTrigger", """
                {"Name": "on-trouble", "Type": "CONDITIONAL",
                 "Predicate": {"Logical": "ANY", "Conditions": [{"JobName": "work", "State": "FAILED"}, {"JobName": "work", "State": "TIMEOUT"}]},
                 "Actions": [{"JobName": "alert"}]}""");
        // created, not activated: nothing fires
        startRun("work", "{}");
        runner.last().completion.complete(JobRunner.Result.failure("boom"));
        assertThat(runner.specs).extracting(JobRunner.RunSpec::jobName).containsExactly("work");

        call("StartTrigger", "{\"Name\": \"on-trouble\"}");
        String failed = startRun("work", "{}");
        runner.last().completion.complete(JobRunner.Result.failure("boom"));
        assertThat(runner.specs).extracting(JobRunner.RunSpec::jobName).containsExactly("work", "work", "alert");
        assertThat(call("GetJobRuns", "{\"JobName\": \"alert\"}").path("JobRuns").get(0).path("PredecessorRuns"))
                .isEqualTo(JSON.readTree("[{\"JobName\": \"work\", \"RunId\": \"%s\"}]".formatted(failed)));

        call("StopTrigger", "{\"Name\": \"on-trouble\"}");
        assertThat(call("GetTrigger", "{\"Name\": \"on-trouble\"}").path("Trigger").path("State").asText()).isEqualTo("DEACTIVATED");
        startRun("work", "{}");
        runner.last().completion.complete(JobRunner.Result.failure("boom"));
        assertThat(runner.specs).extracting(JobRunner.RunSpec::jobName).containsExactly("work", "work", "alert", "work");
    }

    @Test
    void anOnDemandTriggerStartsItsJobsWhenStartedAndSaysWhyOneCannot()
            throws Exception
    {
        createJob("{\"Name\": \"nightly\"}");
        call("CreateTrigger", "{\"Name\": \"now\", \"Type\": \"ON_DEMAND\", \"Actions\": [{\"JobName\": \"nightly\", \"Arguments\": {\"--day\": \"d1\"}}]}");
        assertThat(call("GetTrigger", "{\"Name\": \"now\"}").path("Trigger")).isEqualTo(JSON.readTree("""
                {"Name": "now", "Id": "now", "Type": "ON_DEMAND", "State": "CREATED", "Actions": [{"JobName": "nightly", "Arguments": {"--day": "d1"}}]}"""));
        call("StartTrigger", "{\"Name\": \"now\"}");
        assertThat(runner.last().spec.arguments().subList(0, 2)).containsExactly("--day", "d1");
        ServiceException busy = catchThrowableOfType(ServiceException.class, () -> call("StartTrigger", "{\"Name\": \"now\"}"));
        assertThat(busy.errorCode()).isEqualTo("ConcurrentRunsExceededException");
        runner.last().completion.complete(JobRunner.Result.success());

        ServiceException event = catchThrowableOfType(ServiceException.class, () -> call("CreateTrigger",
                "{\"Name\": \"on-event\", \"Type\": \"EVENT\", \"Actions\": [{\"JobName\": \"nightly\"}]}"));
        assertThat(event.errorCode()).isEqualTo("InvalidInputException");
        assertThat(event.getMessage()).isEqualTo("An EVENT trigger starts a workflow: give the WorkflowName of the workflow whose start trigger it is");
        ServiceException missing = catchThrowableOfType(ServiceException.class, () -> call("CreateTrigger",
                "{\"Name\": \"ghost\", \"Type\": \"ON_DEMAND\", \"Actions\": [{\"JobName\": \"no-such-job\"}]}"));
        assertThat(missing.errorCode()).isEqualTo("EntityNotFoundException");
        assertThat(missing.getMessage()).isEqualTo("Job with name: no-such-job not found.");
        ServiceException onCreation = catchThrowableOfType(ServiceException.class, () -> call("CreateTrigger",
                "{\"Name\": \"eager\", \"Type\": \"ON_DEMAND\", \"StartOnCreation\": true, \"Actions\": [{\"JobName\": \"nightly\"}]}"));
        assertThat(onCreation.getMessage()).isEqualTo("StartOnCreation is not supported for triggers of type ON_DEMAND: start one with StartTrigger");
        assertThat(call("ListTriggers", "{\"DependentJobName\": \"nightly\"}").path("TriggerNames")).isEqualTo(JSON.readTree("[\"now\"]"));
    }

    @Test
    void aScheduledTriggerIsAScheduleOfTheSchedulersEngineWhileActivated()
            throws Exception
    {
        createJob("{\"Name\": \"hourly\"}");
        call("CreateTrigger", """
                {"Name": "every-hour", "Type": "SCHEDULED", "Schedule": "cron(5 * * * ? *)", "StartOnCreation": true,
                 "Actions": [{"JobName": "hourly", "Arguments": {"--window": "1h"}}]}""");
        var schedules = stores.open(GlueSchedules.STORE, io.lakestack.spi.scheduler.Schedule.class);
        io.lakestack.spi.scheduler.Schedule schedule = schedules.get("#glue-triggers/every-hour").orElseThrow();
        assertThat(schedule.expression()).isEqualTo("cron(5 * * * ? *)");
        assertThat(schedule.timezone()).isEqualTo("UTC");
        assertThat(schedule.state()).isEqualTo(io.lakestack.spi.scheduler.Schedule.State.ENABLED);
        assertThat(schedule.target().arn()).isEqualTo("arn:aws:glue:us-east-1:000000000000:trigger/every-hour");
        assertThat(schedule.next(java.time.Instant.parse("2026-11-30T10:06:00Z"))).contains(java.time.Instant.parse("2026-11-30T11:05:00Z"));
        assertThat(GlueSchedules.target(schedule.target().arn())).contains(new GlueSchedules.Target(GlueSchedules.Target.Kind.TRIGGER, "every-hour"));

        triggers.fireScheduled("every-hour");
        JsonNode run = call("GetJobRuns", "{\"JobName\": \"hourly\"}").path("JobRuns").get(0);
        assertThat(run.path("TriggerName").asText()).isEqualTo("every-hour");
        assertThat(run.path("Arguments")).isEqualTo(JSON.readTree("{\"--window\": \"1h\"}"));
        runner.last().completion.complete(JobRunner.Result.success());

        call("StopTrigger", "{\"Name\": \"every-hour\"}");
        assertThat(schedules.get("#glue-triggers/every-hour")).isEmpty();
        // an occurrence the engine had already taken when the trigger stopped starts nothing
        triggers.fireScheduled("every-hour");
        assertThat(runner.specs).hasSize(1);
        call("StartTrigger", "{\"Name\": \"every-hour\"}");
        assertThat(schedules.get("#glue-triggers/every-hour")).isPresent();
        call("DeleteTrigger", "{\"Name\": \"every-hour\"}");
        assertThat(schedules.get("#glue-triggers/every-hour")).isEmpty();

        ServiceException rate = catchThrowableOfType(ServiceException.class, () -> call("CreateTrigger",
                "{\"Name\": \"rated\", \"Type\": \"SCHEDULED\", \"Schedule\": \"rate(1 hour)\", \"Actions\": [{\"JobName\": \"hourly\"}]}"));
        assertThat(rate.getMessage()).isEqualTo("Schedule rate(1 hour) is not a cron expression: Glue schedules are cron(<minutes> <hours> "
                + "<day-of-month> <month> <day-of-week> <year>)");
    }

    @Test
    void aCrawlersScheduleRunsWhileItIsScheduled()
            throws Exception
    {
        call("CreateCrawler", """
                {"Name": "nightly-crawl", "Role": "arn:aws:iam::000000000000:role/glue", "Targets": {"S3Targets": [{"Path": "s3://data-bucket/events/"}]},
                 "Schedule": "cron(0 2 * * ? *)"}""");
        var schedules = stores.open(GlueSchedules.STORE, io.lakestack.spi.scheduler.Schedule.class);
        assertThat(call("GetCrawler", "{\"Name\": \"nightly-crawl\"}").path("Crawler").path("Schedule"))
                .isEqualTo(JSON.readTree("{\"ScheduleExpression\": \"cron(0 2 * * ? *)\", \"State\": \"SCHEDULED\"}"));
        io.lakestack.spi.scheduler.Schedule schedule = schedules.get("#glue-crawlers/nightly-crawl").orElseThrow();
        assertThat(schedule.target().arn()).isEqualTo("arn:aws:glue:us-east-1:000000000000:crawler/nightly-crawl");
        assertThat(GlueSchedules.target(schedule.target().arn())).contains(new GlueSchedules.Target(GlueSchedules.Target.Kind.CRAWLER, "nightly-crawl"));

        ServiceException running = catchThrowableOfType(ServiceException.class, () -> call("StartCrawlerSchedule", "{\"CrawlerName\": \"nightly-crawl\"}"));
        assertThat(running.errorCode()).isEqualTo("SchedulerRunningException");
        call("StopCrawlerSchedule", "{\"CrawlerName\": \"nightly-crawl\"}");
        assertThat(call("GetCrawler", "{\"Name\": \"nightly-crawl\"}").path("Crawler").path("Schedule").path("State").asText()).isEqualTo("NOT_SCHEDULED");
        assertThat(schedules.get("#glue-crawlers/nightly-crawl")).isEmpty();
        ServiceException stopped = catchThrowableOfType(ServiceException.class, () -> call("StopCrawlerSchedule", "{\"CrawlerName\": \"nightly-crawl\"}"));
        assertThat(stopped.errorCode()).isEqualTo("SchedulerNotRunningException");

        call("UpdateCrawlerSchedule", "{\"CrawlerName\": \"nightly-crawl\", \"Schedule\": \"cron(30 3 * * ? *)\"}");
        assertThat(schedules.get("#glue-crawlers/nightly-crawl")).isEmpty();
        call("StartCrawlerSchedule", "{\"CrawlerName\": \"nightly-crawl\"}");
        assertThat(schedules.get("#glue-crawlers/nightly-crawl").orElseThrow().expression()).isEqualTo("cron(30 3 * * ? *)");
        call("DeleteCrawler", "{\"Name\": \"nightly-crawl\"}");
        assertThat(schedules.get("#glue-crawlers/nightly-crawl")).isEmpty();

        ServiceException rate = catchThrowableOfType(ServiceException.class, () -> call("CreateCrawler", """
                {"Name": "rated", "Role": "r", "Targets": {"S3Targets": [{"Path": "s3://data-bucket/x/"}]}, "Schedule": "rate(1 day)"}"""));
        assertThat(rate.errorCode()).isEqualTo("InvalidInputException");
        ServiceException none = catchThrowableOfType(ServiceException.class, () -> {
            call("CreateCrawler", "{\"Name\": \"plain\", \"Role\": \"r\", \"Targets\": {\"S3Targets\": [{\"Path\": \"s3://data-bucket/y/\"}]}}");
            call("StartCrawlerSchedule", "{\"CrawlerName\": \"plain\"}");
        });
        assertThat(none.errorCode()).isEqualTo("NoScheduleException");
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

    private String startRun(String job, String fields)
            throws Exception
    {
        Map<String, Object> input = new LinkedHashMap<>(JSON.readValue(fields, FIELDS));
        input.put("JobName", job);
        return call("StartJobRun", JSON.writeValueAsString(input)).path("JobRunId").asText();
    }

    private JsonNode run(String job, String id)
            throws Exception
    {
        return call("GetJobRun", JSON.createObjectNode().put("JobName", job).put("RunId", id).toString()).path("JobRun");
    }

    private String state(String job, String id)
            throws Exception
    {
        return run(job, id).path("JobRunState").asText();
    }

    private JsonNode call(String operation, String document)
            throws Exception
    {
        return GlueCalls.call(service, operation, document);
    }
}
