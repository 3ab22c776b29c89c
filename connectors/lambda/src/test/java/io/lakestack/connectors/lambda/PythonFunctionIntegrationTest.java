package io.lakestack.connectors.lambda;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.lambda.FunctionRunner;
import io.lakestack.spi.lambda.FunctionVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/** Python functions through the runner: lakestack's bootstrap in a child process, handlers from src/test/resources/python/orders. */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PythonFunctionIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ENDPOINT = "http://127.0.0.1:45661";

    private final InMemoryObjectStore objects = new InMemoryObjectStore();
    private final InMemoryLogStore logs = new InMemoryLogStore();
    private ProcessFunctionRunner runner;
    private String runtime;
    private byte[] orders;

    @BeforeAll
    void startRunner()
    {
        runner = new ProcessFunctionRunner(ProcessFunctionRunnerConfig.defaults().with(Map.of(ProcessFunctionRunnerConfig.ENDPOINT_URL, ENDPOINT)), objects,
                logs);
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
    void handlerAnswersAndItsOutputIsLoggedInOrder()
            throws Exception
    {
        FunctionVersion function = python("echo", "app.echo", 30);
        String requestId = UUID.randomUUID().toString();

        FunctionRunner.Result result = runner.invoke(function, request(requestId, "{\"order\": \"17\"}", 10, true));

        long pid = JSON.readTree(result.payload()).get("pid").asLong();
        assertThat(text(result.payload())).isEqualTo("{\"echo\": {\"order\": \"17\"}, \"pid\": " + pid + "}");
        assertThat(result.functionError()).isEmpty();
        runner.flushLogs();
        List<String> messages = onlyStream(function);
        assertThat(messages.get(0)).matches("INIT_START Runtime Version: python:" + Pattern.quote(runtime.substring("python".length())) + "\\.\\d+\n");
        assertThat(messages.subList(1, 7)).satisfiesExactly(
                line -> assertThat(line).isEqualTo("loading orders\n"),
                line -> assertThat(line).isEqualTo("START RequestId: " + requestId + " Version: $LATEST\n"),
                line -> assertThat(line).isEqualTo("echo {\"order\": \"17\"}\n"),
                line -> assertThat(line).matches("\\[INFO]\t\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\t" + requestId + "\thandled 17\n"),
                line -> assertThat(line).isEqualTo("to stderr\n"),
                line -> assertThat(line).isEqualTo("END RequestId: " + requestId + "\n"));
        assertThat(messages.get(7)).matches("REPORT RequestId: " + requestId + "\tDuration: \\d+\\.\\d\\d ms\tBilled Duration: \\d+ ms\tMemory Size: 128 MB\t"
                + "Max Memory Used: [1-9]\\d* MB\tInit Duration: \\d+\\.\\d\\d ms\t\n");
        assertThat(messages).hasSize(8);
        String tail = text(Base64.getDecoder().decode(result.logTail().orElseThrow()));
        assertThat(tail).isEqualTo(String.join("", messages.subList(2, 8)));
    }

    @Test
    void handlerSeesLambdasEnvironmentAndContextAndAWarmEnvironmentAnswersAgain()
            throws Exception
    {
        FunctionVersion function = DeploymentPackages.function(objects, "python-environment", runtime, "app.environment", orders, 512, 30,
                Map.of("TABLE", "orders", "AWS_REGION", "not-allowed-to-change"));
        String requestId = UUID.randomUUID().toString();
        String clientContext = Base64.getEncoder().encodeToString("{\"custom\":{\"tenant\":\"acme\"},\"env\":{},\"client\":{}}".getBytes(StandardCharsets.UTF_8));

        Map<String, Object> first = JSON.readValue(runner.invoke(function, new FunctionRunner.Request(requestId, function.arn(), "{}".getBytes(StandardCharsets.UTF_8),
                Optional.of(clientContext), false, 10)).payload(), new TypeReference<>() {});
        Map<String, Object> second = JSON.readValue(runner.invoke(function, request(UUID.randomUUID().toString(), "{}", 10, false)).payload(),
                new TypeReference<>() {});

        assertThat(second.get("pid")).isEqualTo(first.get("pid"));
        assertThat(first.get("LAMBDA_TASK_ROOT")).isEqualTo(first.get("cwd")).isEqualTo(first.get("sys.path[0]"));
        assertThat((String) first.get("AWS_LAMBDA_RUNTIME_API")).matches("127\\.0\\.0\\.1:\\d+");
        assertThat((String) first.get("AWS_LAMBDA_LOG_STREAM_NAME")).matches("\\d{4}/\\d{2}/\\d{2}/\\[\\$LATEST][0-9a-f]{32}");
        assertThat(first).containsEntry("AWS_ENDPOINT_URL", ENDPOINT)
                .containsEntry("TABLE", "orders")
                .containsEntry("python", runtime.substring("python".length()))
                .containsEntry("AWS_EXECUTION_ENV", "AWS_Lambda_" + runtime)
                .containsEntry("AWS_REGION", "eu-west-1")
                .containsEntry("AWS_DEFAULT_REGION", "eu-west-1")
                .containsEntry("AWS_LAMBDA_FUNCTION_NAME", "python-environment")
                .containsEntry("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
                .containsEntry("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512")
                .containsEntry("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/python-environment")
                .containsEntry("AWS_ACCESS_KEY_ID", "test")
                .containsEntry("AWS_SECRET_ACCESS_KEY", "test")
                .containsEntry("_HANDLER", "app.environment")
                .containsEntry("TZ", ":UTC")
                .containsEntry("context.aws_request_id", requestId)
                .containsEntry("context.function_name", "python-environment")
                .containsEntry("context.function_version", "$LATEST")
                .containsEntry("context.invoked_function_arn", function.arn())
                .containsEntry("context.memory_limit_in_mb", "512")
                .containsEntry("context.log_group_name", "/aws/lambda/python-environment")
                .containsEntry("context.log_stream_name", first.get("AWS_LAMBDA_LOG_STREAM_NAME"))
                .containsEntry("context.remaining_positive", true)
                .containsEntry("context.client_context.custom", Map.of("tenant", "acme"))
                .doesNotContainKey("AWS_SESSION_TOKEN")
                .doesNotContainKey("HOME");
        assertThat(second).containsEntry("context.client_context.custom", null);
    }

    @Test
    void exceptionComesBackInLambdasErrorShape()
            throws Exception
    {
        FunctionVersion function = python("fail", "app.fail", 30);
        String taskRoot = (String) JSON.readValue(runner.invoke(python("fail-task-root", "app.environment", 30), request(UUID.randomUUID().toString(), "{}",
                10, false)).payload(), Map.class).get("LAMBDA_TASK_ROOT");
        String requestId = UUID.randomUUID().toString();
        int line = lineOf("raise ValueError(");

        FunctionRunner.Result result = runner.invoke(function, request(requestId, "{\"order\": \"17\"}", 10, false));

        assertThat(result.functionError()).contains("Unhandled");
        String frame = "  File \"" + taskRoot + "/app.py\", line " + line + ", in fail\n    raise ValueError(\"order %s cannot be shipped\" % event[\"order\"])\n";
        assertThat(text(result.payload())).isEqualTo("{\"errorMessage\": \"order 17 cannot be shipped\", \"errorType\": \"ValueError\", \"requestId\": \""
                + requestId + "\", \"stackTrace\": [" + JSON.writeValueAsString(frame) + "]}");
        runner.flushLogs();
        assertThat(onlyStream(function)).contains("[ERROR] ValueError: order 17 cannot be shipped\rTraceback (most recent call last):\r\u00a0\u00a0File \""
                + taskRoot + "/app.py\", line " + line + ", in fail\r\u00a0\u00a0\u00a0\u00a0raise ValueError(\"order %s cannot be shipped\" % event[\"order\"])\n");
    }

    @Test
    void moduleThatCannotBeImportedIsAnInitError()
            throws Exception
    {
        FunctionVersion function = python("broken", "broken_module.handler", 30);
        String requestId = UUID.randomUUID().toString();

        FunctionRunner.Result result = runner.invoke(function, request(requestId, "{}", 10, false));

        assertThat(result.functionError()).contains("Unhandled");
        assertThat(text(result.payload())).isEqualTo("{\"errorMessage\": \"Unable to import module 'broken_module': No module named "
                + "'missing_dependency_of_orders'\", \"errorType\": \"Runtime.ImportModuleError\", \"requestId\": \"\", \"stackTrace\": []}");
        runner.flushLogs();
        List<String> messages = onlyStream(function);
        assertThat(messages.subList(1, 3)).containsExactly(
                "[ERROR] Runtime.ImportModuleError: Unable to import module 'broken_module': No module named 'missing_dependency_of_orders'\r"
                        + "Traceback (most recent call last):\n",
                messages.get(2));
        assertThat(messages.get(2)).matches("INIT_REPORT Init Duration: \\d+\\.\\d\\d ms\tPhase: init\tStatus: error\tError Type: Runtime.ImportModuleError\n");
        assertThat(messages.subList(3, 5)).containsExactly("START RequestId: " + requestId + " Version: $LATEST\n", "END RequestId: " + requestId + "\n");
        assertThat(messages.get(5)).matches("REPORT RequestId: " + requestId + "\tDuration: \\d+\\.\\d\\d ms\tBilled Duration: \\d+ ms\tMemory Size: 128 MB\t"
                + "Max Memory Used: \\d+ MB\tStatus: error\tError Type: Runtime.ImportModuleError\t\n");

        FunctionRunner.Result missing = runner.invoke(python("missing-handler", "app.nope", 30), request(UUID.randomUUID().toString(), "{}", 10, false));
        assertThat(text(missing.payload())).isEqualTo("{\"errorMessage\": \"Handler 'nope' missing on module 'app'\", \"errorType\": \"Runtime.HandlerNotFound\", "
                + "\"requestId\": \"\", \"stackTrace\": []}");
    }

    @Test
    void timeoutStopsTheEnvironmentAndAnswersLambdasMessage()
            throws Exception
    {
        FunctionVersion function = python("sleepy", "app.pid_or_sleep", 1);
        long warmPid = Long.parseLong(text(runner.invoke(function, request(UUID.randomUUID().toString(), "{}", 10, false)).payload()));
        String requestId = UUID.randomUUID().toString();

        Instant before = Instant.now();
        FunctionRunner.Result result = runner.invoke(function, request(requestId, "{\"sleep\": 60}", 10, false));
        Instant after = Instant.now();

        assertThat(result.functionError()).contains("Unhandled");
        Matcher message = Pattern.compile("\\{\"errorMessage\":\"(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z) " + requestId
                + " Task timed out after 1\\.00 seconds\"}").matcher(text(result.payload()));
        assertThat(message.matches()).as(text(result.payload())).isTrue();
        Instant timedOutAt = Instant.parse(message.group(1));
        assertThat(timedOutAt).isBetween(before.minusMillis(1), after);
        assertThat(Duration.between(before, after)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(ProcessHandle.of(warmPid).filter(ProcessHandle::isAlive)).isEmpty();

        long nextPid = Long.parseLong(text(runner.invoke(function, request(UUID.randomUUID().toString(), "{}", 10, false)).payload()));
        assertThat(nextPid).isNotEqualTo(warmPid);
        runner.flushLogs();
        List<String> firstStream = logs.streams(function.logGroup(), Optional.empty()).stream()
                .map(stream -> logs.messages(function.logGroup(), stream.name()))
                .filter(messages -> messages.contains("START RequestId: " + requestId + " Version: $LATEST\n"))
                .findFirst().orElseThrow();
        assertThat(firstStream).containsSubsequence(
                "START RequestId: " + requestId + " Version: $LATEST\n",
                "sleeping 60 s\n",
                message.group(1) + " " + requestId + " Task timed out after 1.00 seconds\n",
                "END RequestId: " + requestId + "\n");
        assertThat(firstStream.get(firstStream.size() - 1)).matches("REPORT RequestId: " + requestId + "\tDuration: 1\\d{3}\\.\\d\\d ms\tBilled Duration: 1\\d{3} ms\t"
                + "Memory Size: 128 MB\tMax Memory Used: \\d+ MB\tStatus: timeout\t\n");
    }

    @Test
    void memoryOverMemorySizeKillsTheEnvironmentAsLambdaDoes()
            throws Exception
    {
        FunctionVersion function = python("hog", "app.hog", 60);
        String requestId = UUID.randomUUID().toString();
        FunctionRunner.Result result = runner.invoke(function, request(requestId, "{\"mb\": 256}", 10, false));

        assertThat(result.functionError()).contains("Unhandled");
        assertThat(text(result.payload())).isEqualTo("{\"errorMessage\":\"RequestId: " + requestId
                + " Error: Runtime exited with error: signal: killed\",\"errorType\":\"Runtime.OutOfMemory\"}");
        runner.flushLogs();
        List<String> stream = logs.streams(function.logGroup(), Optional.empty()).stream()
                .map(found -> logs.messages(function.logGroup(), found.name()))
                .filter(messages -> messages.contains("START RequestId: " + requestId + " Version: $LATEST\n"))
                .findFirst().orElseThrow();
        assertThat(stream).containsSubsequence(
                "START RequestId: " + requestId + " Version: $LATEST\n",
                "RequestId: " + requestId + " Error: Runtime exited with error: signal: killed\nRuntime.OutOfMemory\n",
                "END RequestId: " + requestId + "\n");
        assertThat(stream.get(stream.size() - 1)).matches("REPORT RequestId: " + requestId + "\tDuration: \\d+\\.\\d\\d ms\tBilled Duration: \\d+ ms\t"
                + "Memory Size: 128 MB\tMax Memory Used: (129|1[3-9]\\d|[2-9]\\d\\d) MB\tInit Duration: \\d+\\.\\d\\d ms\tStatus: error\tError Type: Runtime.OutOfMemory\t\n");

        // within its bound the function runs again, in a new environment
        assertThat(text(runner.invoke(function, request(UUID.randomUUID().toString(), "{\"mb\": 0}", 10, false)).payload())).isEqualTo("0");
    }

    @Test
    void secondInvocationAtTheConcurrencyLimitIsThrottledWhileTheFirstRuns(@TempDir Path directory)
            throws Exception
    {
        FunctionVersion function = python("held", "app.hold", 120);
        Path started = directory.resolve("started");
        Path release = directory.resolve("release");
        String payload = JSON.writeValueAsString(Map.of("started", started.toString(), "release", release.toString(), "maxSeconds", 100));
        CompletableFuture<FunctionRunner.Result> first = CompletableFuture.supplyAsync(() -> runner.invoke(function, request(UUID.randomUUID().toString(),
                payload, 1, false)));
        await().atMost(Duration.ofMinutes(2)).until(() -> Files.exists(started) || first.isDone());
        assertThat(first).isNotDone();

        ServiceException throttled = catchThrowableOfType(ServiceException.class, () -> runner.invoke(function, request(UUID.randomUUID().toString(), payload,
                1, false)));
        Files.createFile(release);

        assertThat(throttled.errorCode()).isEqualTo("TooManyRequestsException");
        assertThat(throttled.httpStatus()).isEqualTo(429);
        assertThat(throttled.getMessage()).isEqualTo("Rate Exceeded.");
        FunctionRunner.Result firstResult = first.get(2, TimeUnit.MINUTES);
        assertThat(text(firstResult.payload())).isEqualTo("\"released\"");
        assertThat(firstResult.functionError()).isEmpty();
    }

    @Test
    void runtimeThatExitsMidInvocationIsRuntimeExitError()
            throws Exception
    {
        FunctionVersion function = python("exiting", "app.exit_now", 30);
        String requestId = UUID.randomUUID().toString();

        FunctionRunner.Result result = runner.invoke(function, request(requestId, "{\"status\": 3}", 10, false));

        assertThat(result.functionError()).contains("Unhandled");
        assertThat(text(result.payload())).isEqualTo("{\"errorMessage\":\"RequestId: " + requestId + " Error: Runtime exited with error: exit status 3\","
                + "\"errorType\":\"Runtime.ExitError\"}");
        runner.flushLogs();
        List<String> messages = onlyStream(function);
        assertThat(messages).containsSubsequence(
                "exiting with 3\n",
                "RequestId: " + requestId + " Error: Runtime exited with error: exit status 3\nRuntime.ExitError\n",
                "END RequestId: " + requestId + "\n");
        assertThat(messages.get(messages.size() - 1)).endsWith("\tStatus: error\tError Type: Runtime.ExitError\t\n");
    }

    @Test
    void responseOverSixMegabytesIsAFunctionErrorAndTheEnvironmentCarriesOn()
            throws Exception
    {
        FunctionVersion function = python("large", "app.large", 30);
        int limit = 6 * 1024 * 1024 + 100;

        FunctionRunner.Result atLimit = runner.invoke(function, request(UUID.randomUUID().toString(), "{\"size\": " + (limit - 2) + "}", 10, false));
        FunctionRunner.Result overLimit = runner.invoke(function, request(UUID.randomUUID().toString(), "{\"size\": " + (limit - 1) + "}", 10, false));
        FunctionRunner.Result small = runner.invoke(function, request(UUID.randomUUID().toString(), "{\"size\": 3}", 10, false));

        assertThat(atLimit.functionError()).isEmpty();
        assertThat(atLimit.payload()).hasSize(limit);
        assertThat(overLimit.functionError()).contains("Unhandled");
        assertThat(text(overLimit.payload())).isEqualTo("{\"errorMessage\":\"Response payload size exceeded maximum allowed payload size (6291556 bytes).\","
                + "\"errorType\":\"Function.ResponseSizeTooLarge\"}");
        assertThat(text(small.payload())).isEqualTo("\"xxx\"");
        assertThat(logs.streams(function.logGroup(), Optional.empty())).hasSize(1);
    }

    @Test
    void runtimeApiAnswersMisuseWithLambdasStatusesAndErrors()
            throws Exception
    {
        FunctionVersion function = python("runtime-api", "app.runtime_api", 30);

        FunctionRunner.Result result = runner.invoke(function, request(UUID.randomUUID().toString(), "{}", 10, false));

        JsonNode answers = JSON.readTree(result.payload());
        assertThat(answers.get("wrongRequestId").get(0).asInt()).isEqualTo(400);
        assertThat(answers.get("wrongRequestId").get(1).asText()).isEqualTo("{\"errorMessage\":\"Invalid request ID\",\"errorType\":\"InvalidRequestID\"}");
        assertThat(answers.get("initErrorAfterStart").get(0).asInt()).isEqualTo(403);
        assertThat(answers.get("initErrorAfterStart").get(1).asText()).isEqualTo("{\"errorMessage\":\"State transition from Running to InitError failed for "
                + "runtime. Error: State transition is not allowed\",\"errorType\":\"InvalidStateTransition\"}");
        assertThat(answers.get("unknownPath").get(0).asInt()).isEqualTo(404);
        assertThat(answers.get("unknownPath").get(1).asText()).isEqualTo("404 page not found\n");
    }

    @Test
    void boto3IsImportableAndReachesTheEndpoint()
            throws Exception
    {
        Optional<String> problem = runner.prepare(runtime);
        Assumptions.assumeTrue(problem.isEmpty(), () -> "boto3 cannot be installed here: " + problem.orElseThrow());
        FunctionVersion function = python("boto3", "app.boto3_client", 30);

        FunctionRunner.Result result = runner.invoke(function, request(UUID.randomUUID().toString(), "{}", 10, false));

        assertThat(result.functionError()).as(text(result.payload())).isEmpty();
        JsonNode answer = JSON.readTree(result.payload());
        assertThat(answer.get("version").asText()).matches("\\d+\\.\\d+\\.\\d+").isEqualTo(answer.get("distribution").asText());
        assertThat(answer.get("file").asText()).startsWith(ProcessFunctionRunnerConfig.defaults().cacheDirectory().resolve("python") + "/")
                .endsWith("/site-packages/boto3/__init__.py");
        assertThat(answer.get("s3").asText()).isEqualTo(ENDPOINT);
        assertThat(answer.get("region").asText()).isEqualTo("eu-west-1");
    }

    private FunctionVersion python(String name, String handler, int timeoutSeconds)
    {
        return DeploymentPackages.function(objects, name, runtime, handler, orders, 128, timeoutSeconds, Map.of());
    }

    private List<String> onlyStream(FunctionVersion function)
    {
        assertThat(logs.streams(function.logGroup(), Optional.empty())).hasSize(1);
        return logs.messages(function.logGroup(), streamOf(function, 0));
    }

    private String streamOf(FunctionVersion function, int index)
    {
        return logs.streams(function.logGroup(), Optional.empty()).get(index).name();
    }

    private static int lineOf(String text)
            throws Exception
    {
        List<String> lines = Files.readAllLines(Path.of(PythonFunctionIntegrationTest.class.getResource("/python/orders/app.py").toURI()));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new IllegalStateException(text + " is not in app.py");
    }

    private static FunctionRunner.Request request(String requestId, String payload, int concurrencyLimit, boolean tailLog)
    {
        return new FunctionRunner.Request(requestId, "arn:aws:lambda:eu-west-1:000000000000:function:any", payload.getBytes(StandardCharsets.UTF_8),
                Optional.empty(), tailLog, concurrencyLimit);
    }

    private static String text(byte[] bytes)
    {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
