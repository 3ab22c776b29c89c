package io.lakestack.cli;

import io.lakestack.embedded.StackPorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The launcher as a person uses it, each command a process of its own: up, status, a second up, kill -9, up again,
 * down; a port in use; a damaged data directory. Without Trino, to keep it quick.
 */
@Tag("integration")
class LauncherIntegrationTest
{
    private Path dataDirectory;
    private final List<Process> launched = new ArrayList<>();
    private final Map<Process, Path> outputs = new HashMap<>();

    @BeforeEach
    void setUp()
            throws IOException
    {
        dataDirectory = Files.createTempDirectory("lakestack-launcher-test");
    }

    @AfterEach
    void tearDown()
            throws Exception
    {
        for (Process process : launched) {
            process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        org.apache.commons.io.file.PathUtils.deleteDirectory(dataDirectory);
    }

    @Test
    void upStatusKillUpDown()
            throws Exception
    {
        int port = freeBase();
        Process up = start("up", "--data-dir", dataDirectory.toString(), "--port", String.valueOf(port), "--no-trino");
        awaitReady(up);

        Result status = run("status", "--data-dir", dataDirectory.toString());
        assertThat(status.exitCode()).isEqualTo(0);
        assertThat(status.stdout()).contains("lakestack: pid " + up.pid() + ", data dir " + dataDirectory.toRealPath())
                .containsPattern("kafka +ready +127\\.0\\.0\\.1:" + (port + 1))
                .containsPattern("object-store +ready +http://127\\.0\\.0\\.1:" + (port + 2))
                .containsPattern("metastore +ready +thrift://127\\.0\\.0\\.1:" + (port + 3))
                .containsPattern("endpoint +ready +http://127\\.0\\.0\\.1:" + port);

        Result second = run("up", "--data-dir", dataDirectory.toString(), "--port", String.valueOf(freeBase()), "--no-trino");
        assertThat(second.exitCode()).isEqualTo(1);
        assertThat(second.stderr().strip()).isEqualTo("lakestack: data-dir: another lakestack is already running on " + dataDirectory.toRealPath()
                + " (pid " + up.pid() + ", endpoint http://127.0.0.1:" + port + "); stop it with 'lakestack down' or use another --data-dir");
        // the refused second launcher leaves the first one's run state alone
        Result stillRunning = run("status", "--data-dir", dataDirectory.toString());
        assertThat(stillRunning.exitCode()).isEqualTo(0);
        assertThat(stillRunning.stdout()).contains("lakestack: pid " + up.pid() + ", data dir " + dataDirectory.toRealPath());

        List<ProcessHandle> children = up.toHandle().descendants().toList();
        assertThat(children).hasSize(2);
        up.toHandle().destroyForcibly();
        assertThat(up.waitFor(30, TimeUnit.SECONDS)).as("launcher ended by SIGKILL").isTrue();
        // the launcher's children notice it is gone and stop
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(children).as("children of the killed launcher").noneMatch(ProcessHandle::isAlive));
        assertThat(run("status", "--data-dir", dataDirectory.toString()).exitCode()).isEqualTo(StatusCommand.NOT_RUNNING);

        Process again = start("up", "--data-dir", dataDirectory.toString(), "--port", String.valueOf(port), "--no-trino");
        awaitReady(again);
        List<ProcessHandle> newChildren = again.toHandle().descendants().toList();
        Result down = run("down", "--data-dir", dataDirectory.toString());
        assertThat(down.exitCode()).isEqualTo(0);
        assertThat(down.stdout()).isEqualTo("lakestack: stopping pid " + again.pid() + " (http://127.0.0.1:" + port + ")\nlakestack: stopped\n");
        assertThat(again.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(newChildren).noneMatch(ProcessHandle::isAlive);
        Result after = run("status", "--data-dir", dataDirectory.toString());
        assertThat(after.exitCode()).isEqualTo(StatusCommand.NOT_RUNNING);
        assertThat(after.stdout()).isEqualTo("lakestack: not running on " + dataDirectory.toRealPath() + " (start it with './lakestack up')\n");
    }

    @Test
    void portInUseIsOneClearLine()
            throws Exception
    {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Result up = run("up", "--data-dir", dataDirectory.toString(), "--port", String.valueOf(taken.getLocalPort()), "--no-trino");
            assertThat(up.exitCode()).isEqualTo(1);
            assertThat(up.stderr().strip()).isEqualTo("lakestack: endpoint: port " + taken.getLocalPort()
                    + " on 127.0.0.1 is already in use by another process; stop that process or choose another port with --port");
        }
    }

    @Test
    void damagedDataDirectoryNamesTheComponentAndTheWayOut()
            throws Exception
    {
        Files.createDirectories(dataDirectory.resolve("kafka"));
        Files.writeString(dataDirectory.resolve("kafka/meta.properties"), "version=1\ncluster.id=not-a-cluster\nnode.id=7\n");
        int port = freeBase();
        Result up = run("up", "--data-dir", dataDirectory.toString(), "--port", String.valueOf(port), "--no-trino");
        assertThat(up.exitCode()).isEqualTo(1);
        assertThat(up.stdout()).contains("!! kafka         FAILED     cannot start on " + dataDirectory.toRealPath().resolve("kafka"));
        assertThat(up.stderr().strip()).startsWith("lakestack: kafka: cannot start on " + dataDirectory.toRealPath().resolve("kafka") + ": ")
                .endsWith(". If the data directory is damaged, start over with --fresh (this deletes all topics)");

        Process fresh = start("up", "--data-dir", dataDirectory.toString(), "--port", String.valueOf(port), "--no-trino", "--fresh");
        awaitReady(fresh);
        assertThat(deletedFilesOpenIn(fresh.pid())).as("files the launcher writes in the data directory although they were deleted").isEmpty();
        assertThat(Files.readString(dataDirectory.resolve("logs/lakestack.log"))).as("the launcher's log").contains(" holds a lease of ");
        assertThat(run("down", "--data-dir", dataDirectory.toString()).exitCode()).isEqualTo(0);
        assertThat(fresh.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    /**
     * {@code up -d --fresh}: the data directory is wiped before the background launcher opens its output and its log
     * there, so both are the files under {@code logs/}, not files deleted while they are written.
     */
    @Test
    void detachedFreshStartWritesItsLogsIntoTheNewDataDirectory()
            throws Exception
    {
        Files.createDirectories(dataDirectory.resolve("logs"));
        Files.writeString(dataDirectory.resolve("logs/lakestack.log"), "a line of the previous run\n");
        Files.writeString(dataDirectory.resolve("logs/launcher.log"), "a line of the previous run\n");
        Files.createDirectories(dataDirectory.resolve("object-store/old-bucket"));
        int port = freeBase();

        Result up = run("up", "-d", "--fresh", "--data-dir", dataDirectory.toString(), "--port", String.valueOf(port), "--no-trino");
        // a launcher that did not get ready wrote no run state: the exit code and output below say why
        long launcher = Files.exists(dataDirectory.resolve("run/state.json")) ? backgroundLauncher() : -1;
        try {
            assertThat(up.exitCode()).as("exit code of 'lakestack up -d --fresh': %s", up).isEqualTo(0);
            assertThat(up.stdout()).endsWith("lakestack: ready; './lakestack down' stops it\n");
            assertThat(deletedFilesOpenIn(launcher)).as("files the launcher writes in the data directory although they were deleted").isEmpty();
            assertThat(Files.exists(dataDirectory.resolve("object-store/old-bucket"))).isFalse();
            String launcherLog = Files.readString(dataDirectory.resolve("logs/launcher.log"), StandardCharsets.UTF_8);
            assertThat(launcherLog).startsWith("lakestack: starting the embedded stack on " + dataDirectory.toRealPath() + "\n")
                    .contains("lakestack: ready in ");
            String log = Files.readString(dataDirectory.resolve("logs/lakestack.log"), StandardCharsets.UTF_8);
            assertThat(log).doesNotContain("a line of the previous run").contains(" holds a lease of ");

            Result down = run("down", "--data-dir", dataDirectory.toString());
            assertThat(down.exitCode()).isEqualTo(0);
            assertThat(Files.readString(dataDirectory.resolve("logs/launcher.log"), StandardCharsets.UTF_8)).endsWith("lakestack: stopped\n");
        }
        finally {
            if (launcher > 0) {
                ProcessHandle.of(launcher).ifPresent(handle -> {
                    handle.descendants().forEach(ProcessHandle::destroyForcibly);
                    handle.destroyForcibly();
                });
            }
        }
    }

    /** The pid of the launcher that {@code up -d} started, from the run state it wrote. */
    private long backgroundLauncher()
            throws IOException
    {
        String state = Files.readString(dataDirectory.resolve("run/state.json"), StandardCharsets.UTF_8);
        java.util.regex.Matcher pid = java.util.regex.Pattern.compile("\"pid\" : (\\d+)").matcher(state);
        assertThat(pid.find()).as("pid in %s", state).isTrue();
        return Long.parseLong(pid.group(1));
    }

    /** The files in the data directory that the process holds open although they were deleted, from /proc. */
    private List<String> deletedFilesOpenIn(long pid)
            throws IOException
    {
        List<String> deleted = new ArrayList<>();
        String root = dataDirectory.toRealPath().toString();
        try (var descriptors = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            for (Path descriptor : descriptors.toList()) {
                String target;
                try {
                    target = Files.readSymbolicLink(descriptor).toString();
                }
                catch (IOException closedMeanwhile) {
                    continue;
                }
                if (target.startsWith(root) && target.endsWith(" (deleted)")) {
                    deleted.add(target);
                }
            }
        }
        return deleted;
    }

    private record Result(int exitCode, String stdout, String stderr)
    {
    }

    private static int freeBase()
    {
        return StackPorts.free().endpoint();
    }

    /**
     * Waits until {@code status} reports every component ready; fails at once with its output if the launcher exits.
     * Kafka alone has taken a minute to start on a busy two-core machine.
     */
    private void awaitReady(Process launcher)
    {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .failFast(() -> assertThat(launcher.isAlive()).as(() -> "launcher running; it exited with " + launcher.exitValue() + ", its output:\n"
                        + output(launcher)).isTrue())
                .untilAsserted(() -> {
                    Result status = run("status", "--data-dir", dataDirectory.toString());
                    assertThat(status.exitCode()).as("exit code of 'lakestack status': %s", status).isEqualTo(0);
                });
    }

    private String output(Process launcher)
    {
        try {
            return Files.readString(outputs.get(launcher), StandardCharsets.UTF_8);
        }
        catch (IOException e) {
            return "(cannot read it: " + e + ")";
        }
    }

    private Process start(String... arguments)
            throws IOException
    {
        Path output = Files.createTempFile(dataDirectory.getParent(), "launcher", ".out");
        Process process = builder(arguments).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        launched.add(process);
        outputs.put(process, output);
        return process;
    }

    private Result run(String... arguments)
            throws IOException, InterruptedException
    {
        Path stdout = Files.createTempFile("launcher", ".out");
        Path stderr = Files.createTempFile("launcher", ".err");
        Process process = builder(arguments).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("lakestack " + String.join(" ", arguments) + " did not finish");
        }
        Result result = new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8), Files.readString(stderr, StandardCharsets.UTF_8));
        Files.delete(stdout);
        Files.delete(stderr);
        return result;
    }

    private static ProcessBuilder builder(String... arguments)
    {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Lakestack.class.getName());
        command.addAll(List.of(arguments));
        return new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    }
}
