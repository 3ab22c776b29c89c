package io.lakestack.connectors.lambda;

import io.lakestack.spi.lambda.FunctionRunner;
import io.lakestack.spi.lambda.FunctionVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** When environments are replaced: a new revision, a retired function, idleness (here after 2 s), the runner closing. */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnvironmentLifecycleIntegrationTest
{
    private final InMemoryObjectStore objects = new InMemoryObjectStore();
    private final InMemoryLogStore logs = new InMemoryLogStore();
    private ProcessFunctionRunner runner;
    private String runtime;
    private byte[] orders;

    @BeforeAll
    void startRunner()
    {
        runner = new ProcessFunctionRunner(ProcessFunctionRunnerConfig.defaults().with(Map.of(ProcessFunctionRunnerConfig.IDLE_TIMEOUT, "2")), objects, logs);
        runtime = TestRuntimes.python(runner);
        orders = DeploymentPackages.python("orders");
    }

    @AfterAll
    void stopRunner()
    {
        if (runner != null) {
            runner.close();
        }
    }

    @Test
    void newRevisionGetsANewEnvironmentAndTheOldOneIsStopped()
    {
        FunctionVersion first = function("revised");
        FunctionVersion revised = new FunctionVersion(first.name(), first.version(), first.arn(), first.runtime(), first.handler(), first.memoryMb(),
                first.timeoutSeconds(), Map.of("SETTING", "2"), first.codeSha256(), first.codeSize(), first.codeBucket(), first.codeKey(), "revision-2");

        long before = pid(first);
        long after = pid(revised);

        assertThat(after).isNotEqualTo(before);
        assertThat(alive(before)).isFalse();
    }

    @Test
    void stagedCodeIsNotFetchedAgainByTheFirstInvocation()
            throws IOException
    {
        // a package of its own (the orders files and one more), which the runner's code cache cannot hold yet
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(orders)); ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                out.putNextEntry(new ZipEntry(entry.getName()));
                out.write(in.readAllBytes());
                out.closeEntry();
            }
            out.putNextEntry(new ZipEntry("staged.txt"));
            out.write("staged".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        FunctionVersion function = DeploymentPackages.function(objects, "staged", runtime, "app.pid_or_sleep", bytes.toByteArray(), 128, 30, Map.of());
        int before = objects.readLengths().size();

        runner.stage(function);
        int staged = objects.readLengths().size();
        runner.stage(function);
        long pid = pid(function);

        assertThat(staged).isGreaterThan(before);
        assertThat(objects.readLengths()).hasSize(staged);
        assertThat(alive(pid)).isTrue();
    }

    @Test
    void retiredFunctionStartsAfresh()
    {
        FunctionVersion function = function("retired");
        long before = pid(function);

        runner.retire("retired");

        assertThat(alive(before)).isFalse();
        assertThat(pid(function)).isNotEqualTo(before);
    }

    @Test
    void idleEnvironmentIsStoppedAfterTheIdleTimeout()
    {
        FunctionVersion function = function("idle");
        long pid = pid(function);

        await().atMost(Duration.ofMinutes(1)).until(() -> !alive(pid));
        assertThat(pid(function)).isNotEqualTo(pid);
    }

    @Test
    void closingTheRunnerStopsEveryEnvironment()
    {
        ProcessFunctionRunner other = new ProcessFunctionRunner(ProcessFunctionRunnerConfig.defaults(), objects, logs);
        FunctionVersion function = function("closed");
        long pid = Long.parseLong(new String(other.invoke(function, request()).payload(), StandardCharsets.UTF_8));

        other.close();

        assertThat(alive(pid)).isFalse();
    }

    private FunctionVersion function(String name)
    {
        return DeploymentPackages.function(objects, name, runtime, "app.pid_or_sleep", orders, 128, 30, Map.of());
    }

    private long pid(FunctionVersion function)
    {
        FunctionRunner.Result result = runner.invoke(function, request());
        assertThat(result.functionError()).isEmpty();
        return Long.parseLong(new String(result.payload(), StandardCharsets.UTF_8));
    }

    private static FunctionRunner.Request request()
    {
        return new FunctionRunner.Request(UUID.randomUUID().toString(), "arn:aws:lambda:eu-west-1:000000000000:function:any", "{}".getBytes(
                StandardCharsets.UTF_8), Optional.empty(), false, 10);
    }

    private static boolean alive(long pid)
    {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
