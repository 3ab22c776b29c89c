package io.lakestack.it;

import io.lakestack.embedded.EndpointMain;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.QueryExecution;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
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
    private final EndpointProcesses endpoints;
    private final List<Socket> held = new ArrayList<>();
    private ServerSocket silentEngine;

    EndpointOwnershipIntegrationTest(TestStack stack)
    {
        this.stack = stack;
        this.endpoints = new EndpointProcesses(stack);
    }

    @Test
    void aQueryRunningOnOneEndpointSurvivesTheStartOfAnotherAndFailsWhenItsEndpointIsKilled()
            throws Exception
    {
        silentEngine = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        CompletableFuture.runAsync(this::holdConnections);
        EndpointProcesses.Endpoint first = startEndpoint();
        try (AthenaClient throughFirst = TestStack.client(AthenaClient.builder(), first.url()); AthenaClient throughStack = stack.athena()) {
            String id = throughFirst.startQueryExecution(request -> request.queryString("SELECT 42")).queryExecutionId();
            await().atMost(Duration.ofSeconds(30)).until(() -> state(throughFirst, id) == QueryExecutionState.RUNNING);
            // the owner keeps RUNNING to itself; every other endpoint reads the durable QUEUED
            assertThat(state(throughStack, id)).isEqualTo(QueryExecutionState.QUEUED);

            EndpointProcesses.Endpoint second = startEndpoint();
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

    /** An endpoint process on the stack's engines, with a query engine that never answers. */
    private EndpointProcesses.Endpoint startEndpoint()
            throws IOException
    {
        return endpoints.start("--trino", "http://127.0.0.1:" + silentEngine.getLocalPort(), "--lease-millis", String.valueOf(LEASE_MILLIS));
    }

    @AfterEach
    void stop()
            throws Exception
    {
        endpoints.close();
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
