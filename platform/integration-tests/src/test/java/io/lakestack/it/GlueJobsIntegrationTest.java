package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.testing.AwsCli;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.AlreadyExistsException;
import software.amazon.awssdk.services.glue.model.BatchGetJobsResponse;
import software.amazon.awssdk.services.glue.model.BatchStopJobRunResponse;
import software.amazon.awssdk.services.glue.model.ConcurrentRunsExceededException;
import software.amazon.awssdk.services.glue.model.CreateJobRequest;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.InvalidInputException;
import software.amazon.awssdk.services.glue.model.Job;
import software.amazon.awssdk.services.glue.model.JobRun;
import software.amazon.awssdk.services.glue.model.JobRunState;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Glue Python shell jobs on the real stack: scripts from S3 run by a real Python with boto3 reaching lakestack, their
 * arguments read with awsglue.utils, extra modules and files, output and errors in CloudWatch Logs, failures retried,
 * runs stopped and refused beyond their concurrency, definitions lakestack cannot run refused, the AWS CLI, and a state
 * machine that waits ({@code glue:startJobRun.sync}) for a job that runs an Athena CTAS through boto3.
 */
@LakestackTest
@Order(36)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GlueJobsIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUCKET = "glue-jobs-it";
    private static final String ROLE = "arn:aws:iam::000000000000:role/glue";
    // the first run of a Python version builds its environment with boto3 (pip), once per machine
    private static final Duration RUN = Duration.ofMinutes(5);

    private static final String REPORT = """
            import json, os, sys
            import boto3
            from awsglue.utils import getResolvedOptions
            import greetings

            args = getResolvedOptions(sys.argv, ['JOB_NAME', 'day', 'bucket'])
            with open('settings.json') as settings:
                name = json.load(settings)['name']
            if args['day'] == 'bad':
                raise ValueError('no such day: ' + args['day'])
            report = {'job': args['JOB_NAME'], 'run': args['JOB_RUN_ID'], 'day': args['day'], 'greeting': greetings.greet(name),
                      'region': os.environ['AWS_REGION']}
            boto3.client('s3').put_object(Bucket=args['bucket'], Key='reports/' + args['day'] + '.json', Body=json.dumps(report, sort_keys=True).encode())
            print('wrote reports/' + args['day'] + '.json')
            """;
    private static final String SLEEP = """
            import time
            print('sleeping', flush=True)
            time.sleep(600)
            """;
    /** Waits for the object queue/go, then writes queue/done/NAME listing the queue/done/ objects it found. */
    private static final String QUEUED = """
            import sys, time
            import boto3
            from botocore.exceptions import ClientError
            from awsglue.utils import getResolvedOptions

            args = getResolvedOptions(sys.argv, ['bucket', 'name'])
            s3 = boto3.client('s3')
            while True:
                try:
                    s3.head_object(Bucket=args['bucket'], Key='queue/go')
                    break
                except ClientError:
                    time.sleep(0.2)
            done = sorted(item['Key'] for item in s3.list_objects_v2(Bucket=args['bucket'], Prefix='queue/done/').get('Contents', []))
            s3.put_object(Bucket=args['bucket'], Key='queue/done/' + args['name'], Body=','.join(done).encode())
            """;
    private static final String CTAS = """
            import sys, time
            import boto3
            from awsglue.utils import getResolvedOptions

            args = getResolvedOptions(sys.argv, ['database', 'table', 'location'])
            athena = boto3.client('athena')
            sql = ("CREATE TABLE %s.%s WITH (format = 'PARQUET', external_location = '%s') AS "
                   "SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (3, 'b')) AS t (id, kind)") % (args['database'], args['table'], args['location'])
            query = athena.start_query_execution(QueryString=sql, ResultConfiguration={'OutputLocation': 's3://glue-jobs-it/athena-results/'})
            while True:
                status = athena.get_query_execution(QueryExecutionId=query['QueryExecutionId'])['QueryExecution']['Status']
                if status['State'] in ('SUCCEEDED', 'FAILED', 'CANCELLED'):
                    break
                time.sleep(0.2)
            if status['State'] != 'SUCCEEDED':
                raise RuntimeError('the CTAS ended ' + status['State'] + ': ' + status.get('StateChangeReason', ''))
            print('created ' + args['table'])
            """;

    private final TestStack stack;
    private GlueClient glue;
    private S3Client s3;
    private CloudWatchLogsClient logs;

    GlueJobsIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void scripts()
    {
        glue = stack.glue();
        s3 = stack.s3();
        logs = stack.client(CloudWatchLogsClient.builder());
        s3.createBucket(request -> request.bucket(BUCKET));
        put("scripts/report.py", REPORT);
        put("scripts/sleep.py", SLEEP);
        put("scripts/ctas.py", CTAS);
        put("scripts/queued.py", QUEUED);
        put("lib/greetings.py", "def greet(name):\n    return 'hello ' + name\n");
        put("conf/settings.json", "{\"name\": \"ada\"}");
    }

    @AfterAll
    void close()
    {
        glue.close();
        s3.close();
        logs.close();
    }

    private void put(String key, String content)
    {
        s3.putObject(request -> request.bucket(BUCKET).key(key), RequestBody.fromString(content));
    }

    private String read(String key)
    {
        return s3.getObjectAsBytes(request -> request.bucket(BUCKET).key(key)).asUtf8String();
    }

    private void createJob(String name, String script, Consumer<CreateJobRequest.Builder> more)
    {
        glue.createJob(request -> {
            request.name(name).role(ROLE).glueVersion("3.0")
                    .command(command -> command.name("pythonshell").scriptLocation("s3://" + BUCKET + "/scripts/" + script).pythonVersion("3.9"));
            more.accept(request);
        });
    }

    private JobRun awaitEnd(String job, String runId)
    {
        return await().atMost(RUN).pollInterval(Duration.ofMillis(200)).until(() -> glue.getJobRun(request -> request.jobName(job).runId(runId)).jobRun(),
                run -> run.jobRunState() != JobRunState.WAITING && run.jobRunState() != JobRunState.STARTING && run.jobRunState() != JobRunState.RUNNING
                        && run.jobRunState() != JobRunState.STOPPING);
    }

    private List<String> logLines(String group, String runId)
    {
        return logs.getLogEvents(request -> request.logGroupName(group).logStreamName(runId).startFromHead(true)).events().stream()
                .map(OutputLogEvent::message).toList();
    }

    @Test
    void aRunRunsItsScriptWithItsArgumentsModulesFilesAndBoto3()
            throws Exception
    {
        createJob("it-report", "report.py", request -> request
                .defaultArguments(Map.of("--bucket", BUCKET, "--day", "2026-01-01", "--extra-py-files", "s3://" + BUCKET + "/lib/greetings.py",
                        "--extra-files", "s3://" + BUCKET + "/conf/settings.json"))
                .tags(Map.of("team", "data")));
        String runId = glue.startJobRun(request -> request.jobName("it-report").arguments(Map.of("--day", "2026-11-30"))).jobRunId();
        assertThat(runId).matches("jr_[0-9a-f]{64}");

        JobRun run = awaitEnd("it-report", runId);
        assertThat(run.jobRunState()).as(run.toString()).isEqualTo(JobRunState.SUCCEEDED);
        assertThat(run.id()).isEqualTo(runId);
        assertThat(run.attempt()).isZero();
        assertThat(run.jobName()).isEqualTo("it-report");
        assertThat(run.arguments()).isEqualTo(Map.of("--day", "2026-11-30"));
        assertThat(run.errorMessage()).isNull();
        assertThat(run.timeout()).isEqualTo(2880);
        assertThat(run.maxCapacity()).isEqualTo(0.0625);
        assertThat(run.glueVersion()).isEqualTo("3.0");
        assertThat(run.logGroupName()).isEqualTo("/aws-glue/python-jobs");
        assertThat(run.completedOn()).isAfterOrEqualTo(run.startedOn());
        assertThat(JSON.readTree(read("reports/2026-11-30.json"))).isEqualTo(JSON.readTree("""
                {"job": "it-report", "run": "%s", "day": "2026-11-30", "greeting": "hello ada", "region": "us-east-1"}""".formatted(runId)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(logLines("/aws-glue/python-jobs/output", runId)).containsExactly("wrote reports/2026-11-30.json"));
        assertThat(glue.getJobRuns(request -> request.jobName("it-report")).jobRuns()).extracting(JobRun::id).containsExactly(runId);
    }

    @Test
    void aRunsEndIsAGlueJobStateChangeEventOnTheDefaultBus()
            throws Exception
    {
        try (SqsClient sqs = stack.client(SqsClient.builder()); EventBridgeClient events = stack.client(EventBridgeClient.builder())) {
            String url = sqs.createQueue(request -> request.queueName("it-glue-job-events")).queueUrl();
            String queueArn = sqs.getQueueAttributes(request -> request.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN)).attributes()
                    .get(QueueAttributeName.QUEUE_ARN);
            events.putRule(request -> request.name("it-glue-job-ends").eventPattern(
                    "{\"source\": [\"aws.glue\"], \"detail-type\": [\"Glue Job State Change\"], \"detail\": {\"jobName\": [\"it-evented\"]}}"));
            events.putTargets(request -> request.rule("it-glue-job-ends").targets(target -> target.id("queue").arn(queueArn)));
            createJob("it-evented", "sleep.py", request -> {});
            String runId = glue.startJobRun(request -> request.jobName("it-evented")).jobRunId();
            await().atMost(RUN).until(() -> glue.getJobRun(request -> request.jobName("it-evented").runId(runId)).jobRun().jobRunState(),
                    state -> state == JobRunState.RUNNING);
            glue.batchStopJobRun(request -> request.jobName("it-evented").jobRunIds(runId));
            assertThat(awaitEnd("it-evented", runId).jobRunState()).isEqualTo(JobRunState.STOPPED);

            List<Message> received = await().atMost(Duration.ofSeconds(60)).until(() -> sqs.receiveMessage(request -> request.queueUrl(url)
                    .waitTimeSeconds(1)).messages(), messages -> !messages.isEmpty());
            assertThat(received).hasSize(1);
            JsonNode event = JSON.readTree(received.get(0).body());
            assertThat(event.path("source").asText()).isEqualTo("aws.glue");
            assertThat(event.path("detail-type").asText()).isEqualTo("Glue Job State Change");
            assertThat(event.path("account").asText()).isEqualTo("000000000000");
            assertThat(event.path("region").asText()).isEqualTo("us-east-1");
            assertThat(event.path("detail")).isEqualTo(JSON.readTree("""
                    {"jobName": "it-evented", "severity": "INFO", "state": "STOPPED", "jobRunId": "%s", "message": "Job run stopped"}""".formatted(runId)));
        }
    }

    @Test
    void aFailedRunIsRetriedAndEndsWithTheScriptsError()
    {
        createJob("it-failing", "report.py", request -> request.maxRetries(1)
                .defaultArguments(Map.of("--bucket", BUCKET, "--extra-py-files", "s3://" + BUCKET + "/lib/greetings.py",
                        "--extra-files", "s3://" + BUCKET + "/conf/settings.json")));
        String runId = glue.startJobRun(request -> request.jobName("it-failing").arguments(Map.of("--day", "bad"))).jobRunId();
        JobRun first = awaitEnd("it-failing", runId);
        assertThat(first.jobRunState()).isEqualTo(JobRunState.FAILED);
        assertThat(first.errorMessage()).isEqualTo("ValueError: no such day: bad");

        String retryId = runId + "_attempt_1";
        JobRun retry = await().atMost(RUN).until(() -> glue.getJobRuns(request -> request.jobName("it-failing")).jobRuns(), runs -> runs.size() == 2
                && runs.get(0).jobRunState() == JobRunState.FAILED).get(0);
        assertThat(retry.id()).isEqualTo(retryId);
        assertThat(retry.attempt()).isEqualTo(1);
        assertThat(retry.previousRunId()).isEqualTo(runId);
        assertThat(retry.arguments()).isEqualTo(Map.of("--day", "bad"));
        assertThat(retry.errorMessage()).isEqualTo("ValueError: no such day: bad");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(logLines("/aws-glue/python-jobs/error", retryId))
                .contains("Traceback (most recent call last):", "ValueError: no such day: bad"));
    }

    @Test
    void aConditionalTriggerStartsTheNextJobWhenTheFirstSucceeds()
            throws Exception
    {
        Map<String, String> defaults = Map.of("--bucket", BUCKET, "--extra-py-files", "s3://" + BUCKET + "/lib/greetings.py",
                "--extra-files", "s3://" + BUCKET + "/conf/settings.json");
        createJob("it-first", "report.py", request -> request.defaultArguments(defaults));
        createJob("it-second", "report.py", request -> request.defaultArguments(defaults));
        glue.createTrigger(request -> request.name("it-after-first").type("CONDITIONAL").startOnCreation(true)
                .predicate(predicate -> predicate.conditions(condition -> condition.logicalOperator("EQUALS").jobName("it-first").state("SUCCEEDED")))
                .actions(action -> action.jobName("it-second").arguments(Map.of("--day", "second"))));
        assertThat(glue.getTrigger(request -> request.name("it-after-first")).trigger().stateAsString()).isEqualTo("ACTIVATED");

        String first = glue.startJobRun(request -> request.jobName("it-first").arguments(Map.of("--day", "first"))).jobRunId();
        assertThat(awaitEnd("it-first", first).jobRunState()).isEqualTo(JobRunState.SUCCEEDED);
        JobRun second = await().atMost(RUN).until(() -> glue.getJobRuns(request -> request.jobName("it-second")).jobRuns(),
                runs -> runs.size() == 1 && runs.get(0).jobRunState() == JobRunState.SUCCEEDED).get(0);
        assertThat(second.triggerName()).isEqualTo("it-after-first");
        assertThat(second.arguments()).isEqualTo(Map.of("--day", "second"));
        assertThat(second.predecessorRuns()).hasSize(1);
        assertThat(second.predecessorRuns().get(0).jobName()).isEqualTo("it-first");
        assertThat(second.predecessorRuns().get(0).runId()).isEqualTo(first);
        assertThat(JSON.readTree(read("reports/second.json")).path("run").asText()).isEqualTo(second.id());
        assertThat(glue.listTriggers(request -> request.dependentJobName("it-second")).triggerNames()).containsExactly("it-after-first");
    }

    @Test
    void aScheduledTriggerAndACrawlersScheduleStartAtTheNextOccurrenceOfTheirCron()
            throws Exception
    {
        glue.createDatabase(request -> request.databaseInput(database -> database.name("it_glue_schedules")));
        glue.createCrawler(request -> request.name("it-minute-crawler").role(ROLE).databaseName("it_glue_schedules").schedule("cron(* * * * ? *)")
                .targets(targets -> targets.s3Targets(target -> target.path("s3://" + BUCKET + "/conf/"))));
        assertThat(glue.getCrawler(request -> request.name("it-minute-crawler")).crawler().schedule().stateAsString()).isEqualTo("SCHEDULED");
        createJob("it-tick", "report.py", request -> request.defaultArguments(Map.of("--bucket", BUCKET, "--extra-py-files",
                "s3://" + BUCKET + "/lib/greetings.py", "--extra-files", "s3://" + BUCKET + "/conf/settings.json")));
        glue.createTrigger(request -> request.name("it-every-minute").type("SCHEDULED").schedule("cron(* * * * ? *)").startOnCreation(true)
                .actions(action -> action.jobName("it-tick").arguments(Map.of("--day", "tick"))));
        assertThat(glue.getTrigger(request -> request.name("it-every-minute")).trigger().schedule()).isEqualTo("cron(* * * * ? *)");
        // the scheduler's engine fires it at the start of the next minute
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> glue.getJobRuns(request -> request.jobName("it-tick"))
                .jobRuns(), runs -> !runs.isEmpty() && runs.get(runs.size() - 1).jobRunState() == JobRunState.SUCCEEDED);
        glue.stopTrigger(request -> request.name("it-every-minute"));
        List<JobRun> runs = glue.getJobRuns(request -> request.jobName("it-tick")).jobRuns();
        JobRun first = runs.get(runs.size() - 1);
        assertThat(first.triggerName()).isEqualTo("it-every-minute");
        assertThat(first.arguments()).isEqualTo(Map.of("--day", "tick"));
        assertThat(JSON.readTree(read("reports/tick.json")).path("job").asText()).isEqualTo("it-tick");
        assertThat(glue.getTrigger(request -> request.name("it-every-minute")).trigger().stateAsString()).isEqualTo("DEACTIVATED");

        // the crawler's schedule fired at the same minute
        await().atMost(Duration.ofMinutes(2)).until(() -> glue.getCrawler(request -> request.name("it-minute-crawler")).crawler().lastCrawl(),
                last -> last != null && last.statusAsString().equals("SUCCEEDED"));
        glue.stopCrawlerSchedule(request -> request.crawlerName("it-minute-crawler"));
        assertThat(glue.getCrawler(request -> request.name("it-minute-crawler")).crawler().schedule().stateAsString()).isEqualTo("NOT_SCHEDULED");
        assertThat(glue.getTable(request -> request.databaseName("it_glue_schedules").name("conf")).table().storageDescriptor().columns())
                .extracting(column -> column.name() + " " + column.type()).containsExactly("name string");
    }

    @Test
    void runsAreStoppedAndRefusedBeyondMaxConcurrentRuns()
    {
        createJob("it-sleep", "sleep.py", request -> request.executionProperty(property -> property.maxConcurrentRuns(1)));
        String runId = glue.startJobRun(request -> request.jobName("it-sleep")).jobRunId();
        await().atMost(RUN).until(() -> glue.getJobRun(request -> request.jobName("it-sleep").runId(runId)).jobRun().jobRunState(),
                state -> state == JobRunState.RUNNING);
        assertThatThrownBy(() -> glue.startJobRun(request -> request.jobName("it-sleep"))).isInstanceOfSatisfying(ConcurrentRunsExceededException.class,
                e -> assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Concurrent runs exceeded for it-sleep: 1 run(s) of it are running and its "
                        + "ExecutionProperty.MaxConcurrentRuns is 1"));

        BatchStopJobRunResponse stopped = glue.batchStopJobRun(request -> request.jobName("it-sleep").jobRunIds(runId, "jr_unknown"));
        assertThat(stopped.successfulSubmissions()).hasSize(1);
        assertThat(stopped.successfulSubmissions().get(0).jobRunId()).isEqualTo(runId);
        assertThat(stopped.errors()).hasSize(1);
        assertThat(stopped.errors().get(0).jobRunId()).isEqualTo("jr_unknown");
        assertThat(stopped.errors().get(0).errorDetail().errorCode()).isEqualTo("EntityNotFoundException");
        assertThat(stopped.errors().get(0).errorDetail().errorMessage()).isEqualTo("Job Run with id: jr_unknown not found for job: it-sleep.");

        JobRun run = awaitEnd("it-sleep", runId);
        assertThat(run.jobRunState()).isEqualTo(JobRunState.STOPPED);
        assertThat(run.errorMessage()).isNull();
        assertThat(logLines("/aws-glue/python-jobs/output", runId)).containsExactly("sleeping");
    }

    @Test
    void withJobRunQueuingARunWaitsForTheRunningOneAndThenRuns()
    {
        createJob("it-queued", "queued.py", request -> request.executionProperty(property -> property.maxConcurrentRuns(1)).jobRunQueuingEnabled(true)
                .defaultArguments(Map.of("--bucket", BUCKET)));
        assertThat(glue.getJob(request -> request.jobName("it-queued")).job().jobRunQueuingEnabled()).isTrue();
        String first = glue.startJobRun(request -> request.jobName("it-queued").arguments(Map.of("--name", "first"))).jobRunId();
        await().atMost(RUN).until(() -> glue.getJobRun(request -> request.jobName("it-queued").runId(first)).jobRun().jobRunState(),
                state -> state == JobRunState.RUNNING);
        String second = glue.startJobRun(request -> request.jobName("it-queued").arguments(Map.of("--name", "second"))).jobRunId();
        JobRun waiting = glue.getJobRun(request -> request.jobName("it-queued").runId(second)).jobRun();
        assertThat(waiting.jobRunState()).isEqualTo(JobRunState.WAITING);
        assertThat(waiting.jobRunQueuingEnabled()).isTrue();
        assertThat(waiting.executionTime()).isZero();

        put("queue/go", "go");
        assertThat(awaitEnd("it-queued", first).jobRunState()).isEqualTo(JobRunState.SUCCEEDED);
        JobRun ended = awaitEnd("it-queued", second);
        assertThat(ended.jobRunState()).isEqualTo(JobRunState.SUCCEEDED);
        assertThat(ended.errorMessage()).isNull();
        // the second run ran after the first had ended: it found the first one's object, and the first found none
        assertThat(read("queue/done/first")).isEmpty();
        assertThat(read("queue/done/second")).isEqualTo("queue/done/first");
    }

    @Test
    void jobsAreReadListedUpdatedTaggedAndDeleted()
    {
        createJob("it-crud", "report.py", request -> request.description("daily report").maxRetries(2).timeout(30).maxCapacity(1.0)
                .defaultArguments(Map.of("--day", "d0")).nonOverridableArguments(Map.of("--env", "prod")).tags(Map.of("team", "data")));
        Job job = glue.getJob(request -> request.jobName("it-crud")).job();
        assertThat(job.name()).isEqualTo("it-crud");
        assertThat(job.description()).isEqualTo("daily report");
        assertThat(job.role()).isEqualTo(ROLE);
        assertThat(job.command().name()).isEqualTo("pythonshell");
        assertThat(job.command().scriptLocation()).isEqualTo("s3://" + BUCKET + "/scripts/report.py");
        assertThat(job.command().pythonVersion()).isEqualTo("3.9");
        assertThat(job.defaultArguments()).isEqualTo(Map.of("--day", "d0"));
        assertThat(job.nonOverridableArguments()).isEqualTo(Map.of("--env", "prod"));
        assertThat(job.maxRetries()).isEqualTo(2);
        assertThat(job.timeout()).isEqualTo(30);
        assertThat(job.maxCapacity()).isEqualTo(1.0);
        assertThat(job.glueVersion()).isEqualTo("3.0");
        assertThat(job.executionProperty().maxConcurrentRuns()).isEqualTo(1);
        assertThat(job.jobModeAsString()).isEqualTo("SCRIPT");
        assertThat(job.createdOn()).isEqualTo(job.lastModifiedOn());

        assertThat(glue.listJobs(request -> request.tags(Map.of("team", "data"))).jobNames()).contains("it-crud").doesNotContain("it-sleep");
        BatchGetJobsResponse batch = glue.batchGetJobs(request -> request.jobNames("it-crud", "it-none"));
        assertThat(batch.jobs()).extracting(Job::name).containsExactly("it-crud");
        assertThat(batch.jobsNotFound()).containsExactly("it-none");
        assertThat(glue.getJobsPaginator(request -> request.maxResults(1)).jobs().stream().map(Job::name).toList()).contains("it-crud");

        String arn = "arn:aws:glue:us-east-1:000000000000:job/it-crud";
        assertThat(glue.getTags(request -> request.resourceArn(arn)).tags()).isEqualTo(Map.of("team", "data"));
        glue.tagResource(request -> request.resourceArn(arn).tagsToAdd(Map.of("tier", "gold")));
        glue.untagResource(request -> request.resourceArn(arn).tagsToRemove("team"));
        assertThat(glue.getTags(request -> request.resourceArn(arn)).tags()).isEqualTo(Map.of("tier", "gold"));

        // an update replaces the whole definition
        glue.updateJob(request -> request.jobName("it-crud").jobUpdate(update -> update.role(ROLE)
                .command(command -> command.name("pythonshell").scriptLocation("s3://" + BUCKET + "/scripts/sleep.py"))));
        Job updated = glue.getJob(request -> request.jobName("it-crud")).job();
        assertThat(updated.command().scriptLocation()).isEqualTo("s3://" + BUCKET + "/scripts/sleep.py");
        assertThat(updated.defaultArguments()).isEmpty();
        assertThat(updated.maxRetries()).isZero();
        assertThat(updated.timeout()).isEqualTo(2880);
        assertThat(updated.description()).isNull();
        assertThat(updated.createdOn()).isEqualTo(job.createdOn());
        assertThat(glue.getTags(request -> request.resourceArn(arn)).tags()).isEqualTo(Map.of("tier", "gold"));

        assertThat(glue.deleteJob(request -> request.jobName("it-crud")).jobName()).isEqualTo("it-crud");
        assertThat(glue.deleteJob(request -> request.jobName("it-crud")).jobName()).isEqualTo("it-crud");
        assertThatThrownBy(() -> glue.getJob(request -> request.jobName("it-crud"))).isInstanceOfSatisfying(EntityNotFoundException.class,
                e -> assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Job with name: it-crud not found."));
    }

    @Test
    void definitionsLakestackCannotRunAreRefusedSayingWhy()
    {
        createJob("it-twice", "report.py", request -> {});
        assertThatThrownBy(() -> createJob("it-twice", "report.py", request -> {})).isInstanceOfSatisfying(AlreadyExistsException.class,
                e -> assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Job it-twice already exists."));
        assertInvalid(() -> glue.createJob(request -> request.name("it-spark").role(ROLE)
                        .command(command -> command.name("glueetl").scriptLocation("s3://" + BUCKET + "/scripts/report.py"))),
                "Command.Name glueetl is not supported by lakestack: it runs pythonshell jobs (Python scripts with boto3); glueetl and gluestreaming "
                        + "(Spark) and glueray (Ray) jobs are not there yet");
        assertInvalid(() -> createJob("it-workers", "report.py", request -> request.workerType("G.1X").numberOfWorkers(2)),
                "WorkerType is not supported by lakestack: pythonshell jobs have no workers; give MaxCapacity (0.0625 or 1 DPU) instead");
        assertInvalid(() -> createJob("it-capacity", "report.py", request -> request.maxCapacity(2.0)),
                "MaxCapacity 2.0 is not one pythonshell jobs take: 0.0625 or 1 (DPU)");
        assertInvalid(() -> createJob("it-glue4", "report.py", request -> request.glueVersion("4.0")),
                "GlueVersion 4.0 does not run pythonshell jobs: use GlueVersion 3.0");
        assertInvalid(() -> glue.createJob(request -> request.name("it-noscript").role(ROLE).command(command -> command.name("pythonshell"))),
                "Command.ScriptLocation is required: the s3:// location of the job's Python script");
        assertInvalid(() -> createJob("it-connections", "report.py", request -> request.connections(connections -> connections.connections("vpc"))),
                "Connections are not supported by lakestack: it has no Glue connections; a job reaches lakestack's services through AWS_ENDPOINT_URL");
        assertInvalid(() -> createJob("it-libraries", "report.py", request -> request.defaultArguments(Map.of("--library-set", "analytics"))),
                "DefaultArguments --library-set is not supported by lakestack: it does not preinstall Glue's analytics libraries; name the modules in "
                        + "--additional-python-modules instead");
        assertInvalid(() -> glue.startJobRun(request -> request.jobName("it-twice").workerType("G.1X")),
                "WorkerType is not supported by lakestack: pythonshell jobs have no workers; give MaxCapacity (0.0625 or 1 DPU) instead");
        assertThatThrownBy(() -> glue.startJobRun(request -> request.jobName("it-none"))).isInstanceOfSatisfying(EntityNotFoundException.class,
                e -> assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Job with name: it-none not found."));
        assertThat(glue.getJobs(request -> request.maxResults(1000)).jobs()).extracting(Job::name).doesNotContain("it-spark", "it-workers",
                "it-capacity", "it-glue4", "it-noscript", "it-connections", "it-libraries");
    }

    private static void assertInvalid(Runnable call, String message)
    {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(message);
        });
    }

    @Test
    void theAwsCliCreatesStartsAndReadsARun()
            throws Exception
    {
        AwsCli aws = AwsCli.required(stack);
        AwsCli.Result created = aws.run("glue", "create-job", "--name", "it-cli", "--role", ROLE, "--command",
                "Name=pythonshell,ScriptLocation=s3://" + BUCKET + "/scripts/report.py,PythonVersion=3.9", "--default-arguments",
                "{\"--bucket\":\"" + BUCKET + "\",\"--extra-py-files\":\"s3://" + BUCKET + "/lib/greetings.py\",\"--extra-files\":\"s3://" + BUCKET
                        + "/conf/settings.json\"}");
        assertThat(created).isEqualTo(new AwsCli.Result(0, "{\n    \"Name\": \"it-cli\"\n}\n", ""));
        AwsCli.Result started = aws.run("glue", "start-job-run", "--job-name", "it-cli", "--arguments", "{\"--day\":\"cli\"}", "--query", "JobRunId",
                "--output", "text");
        assertThat(started.exitCode()).isZero();
        String runId = started.stdout().trim();
        assertThat(awaitEnd("it-cli", runId).jobRunState()).isEqualTo(JobRunState.SUCCEEDED);
        AwsCli.Result state = aws.run("glue", "get-job-run", "--job-name", "it-cli", "--run-id", runId, "--query", "JobRun.[JobRunState,Arguments]",
                "--output", "json");
        assertThat(JSON.readTree(state.stdout())).isEqualTo(JSON.readTree("[\"SUCCEEDED\", {\"--day\": \"cli\"}]"));
        assertThat(JSON.readTree(read("reports/cli.json")).path("greeting").asText()).isEqualTo("hello ada");
        AwsCli.Result missing = aws.run("glue", "get-job", "--job-name", "it-cli-none");
        assertThat(missing.exitCode()).isEqualTo(254);
        assertThat(missing.stderr()).contains("An error occurred (EntityNotFoundException) when calling the GetJob operation: Job with name: it-cli-none "
                + "not found.");
    }

    @Test
    void aStateMachineWaitsForAJobThatRunsAnAthenaCtasAndCatchesAFailedOne()
            throws Exception
    {
        stack.stack().awaitTrino(Duration.ofMinutes(4));
        glue.createDatabase(request -> request.databaseInput(database -> database.name("it_glue_jobs")));
        createJob("it-ctas", "ctas.py", request -> {});
        createJob("it-broken", "report.py", request -> {});
        String definition = """
                {"StartAt": "Convert", "States": {
                  "Convert": {"Type": "Task", "Resource": "arn:aws:states:::glue:startJobRun.sync",
                    "Parameters": {"JobName": "it-ctas", "Arguments": {"--database": "it_glue_jobs", "--table": "kinds",
                                                                        "--location": "s3://glue-jobs-it/tables/kinds/"}},
                    "ResultSelector": {"state.$": "$.JobRunState", "id.$": "$.Id", "job.$": "$.JobName"}, "ResultPath": "$.convert", "Next": "Count"},
                  "Count": {"Type": "Task", "Resource": "arn:aws:states:::athena:startQueryExecution.sync",
                    "Parameters": {"QueryString": "SELECT kind, count(*) AS n FROM it_glue_jobs.kinds GROUP BY kind ORDER BY kind",
                                   "ResultConfiguration": {"OutputLocation": "s3://glue-jobs-it/athena-results/"}},
                    "ResultSelector": {"id.$": "$.QueryExecution.QueryExecutionId"}, "ResultPath": "$.count", "Next": "Rows"},
                  "Rows": {"Type": "Task", "Resource": "arn:aws:states:::athena:getQueryResults",
                    "Parameters": {"QueryExecutionId.$": "$.count.id"}, "ResultSelector": {"rows.$": "$.ResultSet.Rows"}, "ResultPath": "$.rows",
                    "Next": "Broken"},
                  "Broken": {"Type": "Task", "Resource": "arn:aws:states:::glue:startJobRun.sync", "Parameters": {"JobName": "it-broken"},
                    "Catch": [{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.broken", "Next": "Started"}], "End": true},
                  "Started": {"Type": "Task", "Resource": "arn:aws:states:::glue:startJobRun", "Parameters": {"JobName": "it-none"},
                    "Catch": [{"ErrorEquals": ["Glue.EntityNotFoundException"], "ResultPath": "$.missing", "Next": "Done"}], "End": true},
                  "Done": {"Type": "Succeed"}
                }}
                """;
        try (SfnClient sfn = stack.client(SfnClient.builder().overrideConfiguration(config ->
                config.putAdvancedOption(SdkAdvancedClientOption.DISABLE_HOST_PREFIX_INJECTION, true)))) {
            String machine = sfn.createStateMachine(request -> request.name("it-glue-jobs").definition(definition)
                    .roleArn("arn:aws:iam::000000000000:role/sfn")).stateMachineArn();
            String execution = sfn.startExecution(request -> request.stateMachineArn(machine).input("{}")).executionArn();
            DescribeExecutionResponse ended = await().atMost(RUN).pollInterval(Duration.ofMillis(200))
                    .until(() -> sfn.describeExecution(request -> request.executionArn(execution)), described -> described.status() != ExecutionStatus.RUNNING);
            assertThat(ended.status()).as(ended.toString()).isEqualTo(ExecutionStatus.SUCCEEDED);
            JsonNode output = JSON.readTree(ended.output());
            assertThat(output.path("convert").path("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(output.path("convert").path("job").asText()).isEqualTo("it-ctas");
            String convertRun = output.path("convert").path("id").asText();
            assertThat(glue.getJobRun(request -> request.jobName("it-ctas").runId(convertRun)).jobRun().jobRunState()).isEqualTo(JobRunState.SUCCEEDED);
            // the task was submitted with StartJobRun's answer before it waited for the run
            List<HistoryEvent> events = sfn.getExecutionHistory(request -> request.executionArn(execution)).events();
            assertThat(events.subList(0, 6)).extracting(HistoryEvent::typeAsString).containsExactly("ExecutionStarted", "TaskStateEntered",
                    "TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded");
            assertThat(List.of(events.get(4).taskSubmittedEventDetails().resource(), events.get(4).taskSubmittedEventDetails().output()))
                    .containsExactly("startJobRun.sync", "{\"JobRunId\":\"" + convertRun + "\"}");
            assertThat(output.path("rows").path("rows")).isEqualTo(JSON.readTree("""
                    [{"Data": [{"VarCharValue": "kind"}, {"VarCharValue": "n"}]},
                     {"Data": [{"VarCharValue": "a"}, {"VarCharValue": "1"}]},
                     {"Data": [{"VarCharValue": "b"}, {"VarCharValue": "2"}]}]"""));
            // the failed run is the cause, as GetJobRun gives it
            assertThat(output.path("broken").path("Error").asText()).isEqualTo("States.TaskFailed");
            JsonNode cause = JSON.readTree(output.path("broken").path("Cause").asText());
            assertThat(cause.path("JobName").asText()).isEqualTo("it-broken");
            assertThat(cause.path("JobRunState").asText()).isEqualTo("FAILED");
            assertThat(cause.path("ErrorMessage").asText()).isEqualTo("ModuleNotFoundError: No module named 'greetings'");
            assertThat(output.path("missing").path("Error").asText()).isEqualTo("Glue.EntityNotFoundException");
            assertThat(output.path("missing").path("Cause").asText()).startsWith("Job with name: it-none not found.");
        }
        assertThat(s3.listObjectsV2(request -> request.bucket(BUCKET).prefix("tables/kinds/")).keyCount()).isPositive();
    }
}
