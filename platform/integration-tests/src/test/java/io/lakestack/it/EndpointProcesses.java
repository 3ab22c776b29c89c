package io.lakestack.it;

import io.lakestack.embedded.EndpointMain;
import io.lakestack.embedded.StackPorts;
import io.lakestack.testing.TestStack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * More endpoint processes ({@link EndpointMain}) on the engines of the test stack, as a second lakestack instance runs
 * against the same Kafka, S3 server and metastore; each is stopped by {@link #close()}.
 */
final class EndpointProcesses
        implements AutoCloseable
{
    record Endpoint(Process process, String url) {}

    private final TestStack stack;
    private final List<Process> processes = new ArrayList<>();

    EndpointProcesses(TestStack stack)
    {
        this.stack = stack;
    }

    /**
     * Starts one and waits until it is ready.
     *
     * @param options more of {@link EndpointMain}'s options, e.g. {@code --trino URL}
     */
    Endpoint start(String... options)
            throws IOException
    {
        Path work = Files.createTempDirectory("lakestack-endpoint");
        String java = ProcessHandle.current().info().command().orElse("java");
        int port = StackPorts.free().endpoint();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-cp", System.getProperty("java.class.path"), EndpointMain.class.getName(),
                "--kafka", stack.kafkaBootstrapServers(), "--object-store", stack.stack().objectStoreUrl(),
                "--metastore-port", String.valueOf(stack.metastorePort()), "--port", String.valueOf(port), "--work-dir", work.toString()));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.PIPE).start();
        processes.add(process);
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line = output.readLine(); line != null; line = output.readLine()) {
                    if (line.startsWith("ready ")) {
                        CompletableFuture.runAsync(() -> output.lines().forEach(ignored -> { }));
                        return line.substring("ready ".length());
                    }
                }
                throw new IllegalStateException("the endpoint process ended before it was ready (exit " + process.waitFor() + ")");
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        return new Endpoint(process, ready.join());
    }

    /** Stops every process started, each given 30 s to end. */
    @Override
    public void close()
            throws InterruptedException
    {
        for (Process process : processes) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
        processes.clear();
    }
}
