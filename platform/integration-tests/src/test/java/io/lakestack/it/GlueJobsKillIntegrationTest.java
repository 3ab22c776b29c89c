package io.lakestack.it;

import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.JobRun;
import software.amazon.awssdk.services.glue.model.JobRunState;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Glue job run whose lakestack is killed with SIGKILL: its script's process ends with it (it does not go on writing
 * once no instance owns the run), the job and its trigger are there after the restart, and the run ends {@code FAILED}
 * once the killed instance's lease has run out, without being retried. The stack runs in a JVM of its own
 * ({@link StackProcess}) so that it can be killed.
 */
@Order(37)
class GlueJobsKillIntegrationTest
{
    private static final String BUCKET = "glue-kill-it";

    @Test
    void aRunWhoseLakestackIsKilledEndsFailedAfterTheRestartAndItsScriptStops(@TempDir Path dataDirectory)
            throws Exception
    {
        String runId;
        try (StackProcess first = StackProcess.start(dataDirectory, "127.0.0.1");
                S3Client s3 = TestStack.client(S3Client.builder().forcePathStyle(true), first.endpoint());
                GlueClient glue = TestStack.client(GlueClient.builder(), first.endpoint())) {
            s3.createBucket(request -> request.bucket(BUCKET));
            s3.putObject(request -> request.bucket(BUCKET).key("scripts/wait.py"), RequestBody.fromString("import time\nprint('waiting', flush=True)\n"
                    + "time.sleep(600)\n"));
            glue.createJob(request -> request.name("it-killed").role("arn:aws:iam::000000000000:role/glue").maxRetries(2)
                    .command(command -> command.name("pythonshell").scriptLocation("s3://" + BUCKET + "/scripts/wait.py").pythonVersion("3.9")));
            glue.createTrigger(request -> request.name("it-killed-now").type("ON_DEMAND").actions(action -> action.jobName("it-killed")));
            runId = glue.startJobRun(request -> request.jobName("it-killed")).jobRunId();
            await().atMost(Duration.ofMinutes(5)).until(() -> glue.getJobRun(request -> request.jobName("it-killed").runId(runId)).jobRun().jobRunState(),
                    JobRunState.RUNNING::equals);
            ProcessHandle script = await().atMost(Duration.ofSeconds(30)).until(() -> scriptOf(runId), Optional::isPresent).orElseThrow();

            first.kill();
            // the launcher ends the script once the killed JVM's end of its standard input has closed
            script.onExit().get(30, TimeUnit.SECONDS);
            assertThat(scriptOf(runId)).isEmpty();
        }
        try (StackProcess second = StackProcess.start(dataDirectory, "127.0.0.1");
                GlueClient glue = TestStack.client(GlueClient.builder(), second.endpoint())) {
            JobRun run = await().atMost(Duration.ofMinutes(2)).until(() -> glue.getJobRun(request -> request.jobName("it-killed").runId(runId)).jobRun(),
                    ended -> ended.jobRunState() == JobRunState.FAILED);
            // named when the restarted instance sees the lease run out, unnamed when it had already run out at its start
            assertThat(run.errorMessage()).matches("The run did not finish: the lakestack instance that ran it( \\([0-9a-f-]{36}\\))? stopped while it "
                    + "ran; it is not retried, start it again");
            assertThat(glue.getJobRuns(request -> request.jobName("it-killed")).jobRuns()).extracting(JobRun::id).containsExactly(runId);
            assertThat(glue.getJob(request -> request.jobName("it-killed")).job().maxRetries()).isEqualTo(2);
            assertThat(glue.getTrigger(request -> request.name("it-killed-now")).trigger().actions().get(0).jobName()).isEqualTo("it-killed");
        }
    }

    /** The process running the run's script, if there is one. */
    private static Optional<ProcessHandle> scriptOf(String runId)
    {
        return ProcessHandle.allProcesses().filter(process -> process.info().commandLine().orElse("").contains(runId)).findFirst();
    }
}
