package io.lakestack.connectors.lambda;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The runtime API's routing, bodies and replies, against a recording environment (no process). */
class RuntimeApiServerTest
{
    private final RuntimeApiServer server = new RuntimeApiServer();
    private final HttpClient client = HttpClient.newHttpClient();
    private final Recording environment = new Recording();
    private final RuntimeApiServer.Listener listener = server.open(environment);

    @AfterEach
    void close()
    {
        listener.close();
        server.close();
    }

    @Test
    void nextHandsOutTheInvocationWithItsHeaders()
            throws Exception
    {
        HttpResponse<String> next = send("GET", "/2018-06-01/runtime/invocation/next", null, Map.of());

        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(next.headers().firstValue("Lambda-Runtime-Aws-Request-Id")).contains("r-1");
        assertThat(next.headers().firstValue("Lambda-Runtime-Deadline-Ms")).contains("1700000000000");
        assertThat(next.body()).isEqualTo("{\"order\":17}");
    }

    @Test
    void responseErrorAndInitErrorReachTheEnvironmentWithTheirBodiesAndErrorTypes()
            throws Exception
    {
        HttpResponse<String> response = send("POST", "/2018-06-01/runtime/invocation/r%2F1/response", "\"done\"", Map.of("Content-Type", "application/json"));
        HttpResponse<String> error = send("POST", "/2018-06-01/runtime/invocation/r-2/error", "{\"errorMessage\":\"boom\"}",
                Map.of("Lambda-Runtime-Function-Error-Type", "Runtime.UserException"));
        HttpResponse<String> initError = send("POST", "/2018-06-01/runtime/init/error", "{}", Map.of());

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.body()).isEqualTo("{\"status\":\"OK\"}");
        assertThat(error.statusCode()).isEqualTo(202);
        assertThat(initError.statusCode()).isEqualTo(202);
        assertThat(environment.calls).containsExactly(
                "response r/1 \"done\" 6 application/json",
                "error r-2 Runtime.UserException {\"errorMessage\":\"boom\"}",
                "initError - {}");
    }

    @Test
    void bodyOverTheLimitIsCutAndMeasured()
            throws Exception
    {
        String body = "x".repeat(LambdaErrors.MAX_RESPONSE_BYTES + 1);

        send("POST", "/2018-06-01/runtime/invocation/r-1/response", body, Map.of());

        assertThat(environment.bodies).singleElement().satisfies(received -> {
            assertThat(received.tooLarge()).isTrue();
            assertThat(received.bytes()).hasSize(LambdaErrors.MAX_RESPONSE_BYTES);
            assertThat(received.size()).isEqualTo(LambdaErrors.MAX_RESPONSE_BYTES + 1);
        });
    }

    @Test
    void unknownPathsAndMethodsAreRefused()
            throws Exception
    {
        HttpResponse<String> unknown = send("GET", "/2018-06-01/runtime/invocation/r-1", null, Map.of());
        HttpResponse<String> otherVersion = send("GET", "/2020-01-01/runtime/invocation/next", null, Map.of());
        HttpResponse<String> wrongMethod = send("GET", "/2018-06-01/runtime/invocation/r-1/response", null, Map.of());

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).isEqualTo("404 page not found\n");
        assertThat(otherVersion.statusCode()).isEqualTo(404);
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(environment.calls).isEmpty();
    }

    @Test
    void repliesHaveTheRuntimeApisErrorShapes()
    {
        assertThat(text(RuntimeApiServer.Reply.invalidStateTransition("RuntimeResponseSentState", "InvocationResponse"))).isEqualTo(
                "{\"errorMessage\":\"State transition from RuntimeResponseSentState to InvocationResponse failed for runtime. Error: State transition is not "
                        + "allowed\",\"errorType\":\"InvalidStateTransition\"}");
        assertThat(RuntimeApiServer.Reply.invalidStateTransition("Started", "InvocationResponse").status()).isEqualTo(403);
        assertThat(text(RuntimeApiServer.Reply.invalidRequestId())).isEqualTo("{\"errorMessage\":\"Invalid request ID\",\"errorType\":\"InvalidRequestID\"}");
        assertThat(RuntimeApiServer.Reply.invalidRequestId().status()).isEqualTo(400);
        assertThat(text(RuntimeApiServer.Reply.tooLarge())).isEqualTo(
                "{\"errorMessage\":\"Exceeded maximum allowed payload size (6291556 bytes).\",\"errorType\":\"RequestEntityTooLarge\"}");
        assertThat(RuntimeApiServer.Reply.tooLarge().status()).isEqualTo(413);
        assertThat(text(RuntimeApiServer.Reply.error(500, "X", "a \"quoted\"\n\tline"))).isEqualTo(
                "{\"errorMessage\":\"a \\\"quoted\\\"\\n\\tline\",\"errorType\":\"X\"}");
    }

    private HttpResponse<String> send(String method, String path, String body, Map<String, String> headers)
            throws Exception
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listener.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String text(RuntimeApiServer.Reply reply)
    {
        return new String(reply.body(), StandardCharsets.UTF_8);
    }

    private static final class Recording
            implements RuntimeApiServer.Environment
    {
        private final List<String> calls = new ArrayList<>();
        private final List<RuntimeApiServer.Body> bodies = new ArrayList<>();

        @Override
        public RuntimeApiServer.Reply next()
        {
            return new RuntimeApiServer.Reply(200, Map.of("Lambda-Runtime-Aws-Request-Id", "r-1", "Lambda-Runtime-Deadline-Ms", "1700000000000"),
                    "{\"order\":17}".getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public synchronized RuntimeApiServer.Reply response(String requestId, RuntimeApiServer.Body body)
        {
            bodies.add(body);
            calls.add("response " + requestId + " " + new String(body.bytes(), StandardCharsets.UTF_8).substring(0, Math.min(20, body.bytes().length)) + " "
                    + body.size() + " " + body.contentType().orElse("-"));
            return RuntimeApiServer.Reply.accepted();
        }

        @Override
        public synchronized RuntimeApiServer.Reply error(String requestId, Optional<String> errorType, RuntimeApiServer.Body body)
        {
            calls.add("error " + requestId + " " + errorType.orElse("-") + " " + new String(body.bytes(), StandardCharsets.UTF_8));
            return RuntimeApiServer.Reply.accepted();
        }

        @Override
        public synchronized RuntimeApiServer.Reply initError(Optional<String> errorType, RuntimeApiServer.Body body)
        {
            calls.add("initError " + errorType.orElse("-") + " " + new String(body.bytes(), StandardCharsets.UTF_8));
            return RuntimeApiServer.Reply.accepted();
        }
    }
}
