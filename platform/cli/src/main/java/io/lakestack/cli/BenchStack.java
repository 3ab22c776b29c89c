package io.lakestack.cli;

import io.lakestack.embedded.StackPorts;
import io.lakestack.spi.stack.ComponentState;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * The stack a benchmark measures, as {@code lakestack up} in a process of its own (as a user's stack runs), with the
 * stack's JVM options: the benchmark's clients stay in the benchmark's JVM, and never share the stack's.
 */
final class BenchStack
        implements AutoCloseable
{
    private static final Duration START_TIMEOUT = Duration.ofMinutes(4);

    private final Process process;
    private final StackPorts ports;
    private final Path output;

    private BenchStack(Process process, StackPorts ports, Path output)
    {
        this.process = requireNonNull(process, "process is null");
        this.ports = requireNonNull(ports, "ports is null");
        this.output = requireNonNull(output, "output is null");
    }

    /**
     * Starts the stack on {@code data} and free ports and waits until every component is ready.
     *
     * @param heap the stack process's {@code -Xmx}; empty for the stack's own
     * @param upOptions more options of {@code up}, e.g. {@code --no-trino}
     */
    static BenchStack start(Path data, Optional<String> heap, List<String> upOptions)
            throws IOException, InterruptedException
    {
        StackPorts ports = StackPorts.free();
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(heap.map(StackJvm::options).orElseGet(StackJvm::options));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Lakestack.class.getName(), "up", "--data-dir", data.toString(),
                "--port", String.valueOf(ports.endpoint())));
        command.addAll(upOptions);
        Path output = data.resolve("bench-stack.out");
        System.out.printf("  starting the stack (%s)...%n", String.join(" ", command.subList(command.indexOf("up"), command.size())));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        BenchStack stack = new BenchStack(process, ports, output);
        try {
            stack.awaitReady();
        }
        catch (RuntimeException | InterruptedException e) {
            stack.close();
            throw e;
        }
        return stack;
    }

    private void awaitReady()
            throws InterruptedException
    {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the stack did not start; see " + output);
            }
            try {
                if (HealthClient.fetch(endpoint()).stream().allMatch(component -> component.state() == ComponentState.READY)) {
                    return;
                }
            }
            catch (IOException e) {
                // not answering yet
            }
            Thread.sleep(200);
        }
    }

    String endpoint()
    {
        return "http://127.0.0.1:" + ports.endpoint();
    }

    String kafkaBootstrapServers()
    {
        return "127.0.0.1:" + ports.kafka();
    }

    /** Trino's JDBC URL, its catalog the one Athena queries. */
    String trinoJdbcUrl()
    {
        return "jdbc:trino://127.0.0.1:" + ports.trino() + "/awsdatacatalog";
    }

    ProcessHandle process()
    {
        return process.toHandle();
    }

    @Override
    public void close()
            throws InterruptedException
    {
        process.destroy();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
