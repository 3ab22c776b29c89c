package io.lakestack.it;

import io.lakestack.embedded.EndpointMain;
import io.lakestack.embedded.StackPorts;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.QueryExecution;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several endpoints on one Kafka. The in-process endpoint of the test stack is one; the others are processes of their
 * own ({@link EndpointMain}) whose query engine is a port that accepts connections and never answers, so that a
 * query started through them runs until something ends it.
 */
@LakestackTest
@Order(90)
class EndpointOwnershipIntegrationTest
{
    private static final long LEASE_MILLIS = 3_000;

    private final TestStack stack;
    private final List<Process> endpoints = new ArrayList<>();
    private final List<Socket> held = new ArrayList<>();
    private ServerSocket silentEngine;

    EndpointOwnershipIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @Test
    void aQueryRunningOnOneEndpointSurvivesTheStartOfAnotherAndFailsWhenItsEndpointIsKilled()
            throws Exception
    {
        silentEngine = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        CompletableFuture.runAsync(this::holdConnections);
        Endpoint first = startEndpoint();
        try (AthenaClient throughFirst = TestStack.client(AthenaClient.builder(), first.url()); AthenaClient throughStack = stack.athena()) {
            String id = throughFirst.startQueryExecution(request -> request.queryString("SELECT 42")).queryExecutionId();
            await().atMost(Duration.ofSeconds(30)).until(() -> state(throughFirst, id) == QueryExecutionState.RUNNING);
            // the owner keeps RUNNING to itself; every other endpoint reads the durable QUEUED
            assertThat(state(throughStack, id)).isEqualTo(QueryExecutionState.QUEUED);

            Endpoint second = startEndpoint();
            try (AthenaClient throughSecond = TestStack.client(AthenaClient.builder(), second.url())) {
                assertThat(state(throughSecond, id)).isEqualTo(QueryExecutionState.QUEUED);
                assertThat(state(throughFirst, id)).isEqualTo(QueryExecutionState.RUNNING);

                first.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);

                await().atMost(Duration.ofSeconds(60)).until(() -> state(throughSecond, id) == QueryExecutionState.FAILED);
                QueryExecution failed = throughStack.getQueryExecution(request -> request.queryExecutionId(id)).queryExecution();
                assertThat(failed.status().state()).isEqualTo(QueryExecutionState.FAILED);
                assertThat(failed.status().stateChangeReason()).matches("The query did not finish: the lakestack instance that ran it "
                        + "\\([0-9a-f-]{36}\\) stopped; run it again");
                assertThat(failed.status().athenaError().errorCategory()).isEqualTo(1);
                assertThat(failed.status().athenaError().retryable()).isTrue();
            }
        }
    }

    /** An endpoint process on the stack's engines, with a query engine that never answers. */
    private record Endpoint(Process process, String url)
    {
    }

    private Endpoint startEndpoint()
            throws IOException
    {
        Path work = Files.createTempDirectory("lakestack-endpoint");
        String java = ProcessHandle.current().info().command().orElse("java");
        int port = StackPorts.free().endpoint();
        Process process = new ProcessBuilder(java, "-Xmx384m", "-cp", System.getProperty("java.class.path"), EndpointMain.class.getName(),
                "--kafka", stack.kafkaBootstrapServers(), "--object-store", stack.stack().objectStoreUrl(),
                "--metastore-port", String.valueOf(stack.metastorePort()), "--trino", "http://127.0.0.1:" + silentEngine.getLocalPort(),
                "--port", String.valueOf(port), "--work-dir", work.toString(), "--lease-millis", String.valueOf(LEASE_MILLIS))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .start();
        endpoints.add(process);
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

    /** Accepts connections and keeps them open without a word, as an engine that hangs does. */
    private void holdConnections()
    {
        try {
            while (!silentEngine.isClosed()) {
                Socket socket = silentEngine.accept();
                synchronized (held) {
                    held.add(socket);
                }
            }
        }
        catch (IOException e) {
            // closed at the end of the test
        }
    }

    private static QueryExecutionState state(AthenaClient athena, String id)
    {
        return athena.getQueryExecution(request -> request.queryExecutionId(id)).queryExecution().status().state();
    }

    @AfterEach
    void stop()
            throws Exception
    {
        for (Process process : endpoints) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        if (silentEngine != null) {
            silentEngine.close();
        }
        synchronized (held) {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }
}
