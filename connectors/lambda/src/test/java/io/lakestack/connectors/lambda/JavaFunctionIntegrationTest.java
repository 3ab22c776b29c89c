package io.lakestack.connectors.lambda;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.spi.lambda.FunctionRunner;
import io.lakestack.spi.lambda.FunctionVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Java functions through the runner: AWS's runtime interface client in a child JVM, the test handlers packaged with
 * {@code aws-lambda-java-events} as a deployment package.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JavaFunctionIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ENDPOINT = "http://127.0.0.1:45660";

    private final InMemoryObjectStore objects = new InMemoryObjectStore();
    private final InMemoryLogStore logs = new InMemoryLogStore();
    private ProcessFunctionRunner runner;
    private byte[] handlers;

    @BeforeAll
    void startRunner()
    {
        runner = new ProcessFunctionRunner(ProcessFunctionRunnerConfig.defaults().with(Map.of(ProcessFunctionRunnerConfig.ENDPOINT_URL, ENDPOINT)), objects,
                logs);
        handlers = DeploymentPackages.javaHandlers();
    }

    @AfterAll
    void stopRunner()
    {
        runner.close();
    }

    @Test
    void typedHandlerGetsKinesisEventAndItsOutputIsLogged()
            throws Exception
    {
        FunctionVersion function = java("kinesis-records", "io.lakestack.connectors.lambda.handlers.KinesisRecordsHandler::handleRequest", Map.of());
        String event = """
                {"Records":[
                 {"kinesis":{"kinesisSchemaVersion":"1.0","partitionKey":"order-1","sequenceNumber":"49590338271490256608559692538361571095921575989136588898",
                   "data":"aGVsbG8=","approximateArrivalTimestamp":1545084650.987},
                  "eventSource":"aws:kinesis","eventVersion":"1.0","eventID":"shardId-000000000000:49590338271490256608559692538361571095921575989136588898",
                  "eventName":"aws:kinesis:record","invokeIdentityArn":"arn:aws:iam::000000000000:role/lambda-role","awsRegion":"eu-west-1",
                  "eventSourceARN":"arn:aws:kinesis:eu-west-1:000000000000:stream/orders"},
                 {"kinesis":{"kinesisSchemaVersion":"1.0","partitionKey":"order-2","sequenceNumber":"49590338271490256608559692540925702759324208523137515618",
                   "data":"d29ybGQ=","approximateArrivalTimestamp":1545084711.166},
                  "eventSource":"aws:kinesis","eventVersion":"1.0","eventID":"shardId-000000000000:49590338271490256608559692540925702759324208523137515618",
                  "eventName":"aws:kinesis:record","invokeIdentityArn":"arn:aws:iam::000000000000:role/lambda-role","awsRegion":"eu-west-1",
                  "eventSourceARN":"arn:aws:kinesis:eu-west-1:000000000000:stream/orders"}]}
                """;
        String requestId = UUID.randomUUID().toString();

        FunctionRunner.Result result = runner.invoke(function, request(requestId, event, true));

        assertThat(new String(result.payload(), StandardCharsets.UTF_8)).isEqualTo("\"order-1=hello,order-2=world\"");
        assertThat(result.functionError()).isEmpty();
        String tail = new String(Base64.getDecoder().decode(result.logTail().orElseThrow()), StandardCharsets.UTF_8);
        assertThat(tail).startsWith("START RequestId: " + requestId + " Version: $LATEST\n"
                + "records from arn:aws:kinesis:eu-west-1:000000000000:stream/orders\n"
                + "decoded 2 records\n"
                + "END RequestId: " + requestId + "\n"
                + "REPORT RequestId: " + requestId + "\tDuration: ");
        assertThat(tail).matches("(?s).*\tMemory Size: 256 MB\tMax Memory Used: \\d+ MB\tInit Duration: \\d+\\.\\d\\d ms\t\n");

        runner.flushLogs();
        List<String> streams = logs.streams(function.logGroup(), Optional.empty()).stream().map(stream -> stream.name()).toList();
        assertThat(streams).hasSize(1);
        assertThat(streams.get(0)).matches("\\d{4}/\\d{2}/\\d{2}/\\[\\$LATEST][0-9a-f]{32}");
        List<String> messages = logs.messages(function.logGroup(), streams.get(0));
        assertThat(messages.get(0)).matches("INIT_START Runtime Version: java:17\\.\\d+\\.\\d+\n");
        assertThat(messages.subList(messages.size() - 5, messages.size() - 1)).containsExactly(
                "START RequestId: " + requestId + " Version: $LATEST\n",
                "records from arn:aws:kinesis:eu-west-1:000000000000:stream/orders\n",
                "decoded 2 records\n",
                "END RequestId: " + requestId + "\n");
        assertThat(messages.get(messages.size() - 1)).isEqualTo(new String(Base64.getDecoder().decode(result.logTail().orElseThrow()), StandardCharsets.UTF_8)
                .substring(tail.indexOf("REPORT")));
    }

    @Test
    void streamHandlerAnswersItsBytes()
    {
        FunctionVersion function = java("uppercase", "io.lakestack.connectors.lambda.handlers.UppercaseStreamHandler", Map.of());

        FunctionRunner.Result result = runner.invoke(function, request(UUID.randomUUID().toString(), "{\"city\":\"zürich\"}", false));

        assertThat(new String(result.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"CITY\":\"ZÜRICH\"}");
        assertThat(result.functionError()).isEmpty();
        assertThat(result.logTail()).isEmpty();
    }

    @Test
    void handlerSeesLambdasEnvironmentAndAWarmEnvironmentAnswersAgain()
            throws Exception
    {
        FunctionVersion function = java("environment", "io.lakestack.connectors.lambda.handlers.EnvironmentHandler::handleRequest",
                Map.of("TABLE", "orders", "AWS_LAMBDA_FUNCTION_NAME", "not-allowed-to-change"));
        String requestId = UUID.randomUUID().toString();
        String clientContext = Base64.getEncoder().encodeToString("{\"custom\":{\"tenant\":\"acme\"},\"env\":{},\"client\":{}}".getBytes(StandardCharsets.UTF_8));

        Map<String, String> first = map(runner.invoke(function, new FunctionRunner.Request(requestId, function.arn(), "{\"order\":\"17\"}".getBytes(
                StandardCharsets.UTF_8), Optional.of(clientContext), false, 10)));
        Map<String, String> second = map(runner.invoke(function, request(UUID.randomUUID().toString(), "{}", false)));

        assertThat(second.get("pid")).isEqualTo(first.get("pid"));
        String logStream = first.get("AWS_LAMBDA_LOG_STREAM_NAME");
        assertThat(logStream).matches("\\d{4}/\\d{2}/\\d{2}/\\[\\$LATEST][0-9a-f]{32}");
        assertThat(first.get("AWS_LAMBDA_RUNTIME_API")).matches("127\\.0\\.0\\.1:\\d+");
        assertThat(first.get("LAMBDA_TASK_ROOT")).isEqualTo(first.get("cwd"));
        assertThat(first).containsEntry("AWS_ENDPOINT_URL", ENDPOINT)
                .containsEntry("TABLE", "orders")
                .containsEntry("AWS_LAMBDA_FUNCTION_NAME", "environment")
                .containsEntry("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
                .containsEntry("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
                .containsEntry("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/environment")
                .containsEntry("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand")
                .containsEntry("AWS_REGION", "eu-west-1")
                .containsEntry("AWS_DEFAULT_REGION", "eu-west-1")
                .containsEntry("AWS_EXECUTION_ENV", "AWS_Lambda_java17")
                .containsEntry("AWS_ACCESS_KEY_ID", "test")
                .containsEntry("AWS_SECRET_ACCESS_KEY", "test")
                .containsEntry("_HANDLER", "io.lakestack.connectors.lambda.handlers.EnvironmentHandler::handleRequest")
                .containsEntry("TZ", ":UTC")
                .containsEntry("LANG", "en_US.UTF-8")
                .containsEntry("java.specification.version", "17")
                .containsEntry("heap", "-Xmx217m")
                .containsEntry("context.awsRequestId", requestId)
                .containsEntry("context.functionName", "environment")
                .containsEntry("context.functionVersion", "$LATEST")
                .containsEntry("context.invokedFunctionArn", function.arn())
                .containsEntry("context.logGroupName", "/aws/lambda/environment")
                .containsEntry("context.logStreamName", logStream)
                .containsEntry("context.memoryLimitInMB", "256")
                .containsEntry("context.remainingTimeInMillis.positive", "true")
                .containsEntry("context.clientContext.custom", "{tenant=acme}")
                .containsEntry("event", "{order=17}")
                .doesNotContainKey("AWS_SESSION_TOKEN");
        assertThat(second).containsEntry("context.clientContext.custom", "none").containsEntry("event", "{}");
    }

    @Test
    void exceptionComesBackInTheShapeOfTheRuntimeInterfaceClientAndItsLogPrecedesEnd()
            throws Exception
    {
        FunctionVersion function = java("failing", "io.lakestack.connectors.lambda.handlers.FailingHandler::handleRequest", Map.of());
        String requestId = UUID.randomUUID().toString();

        FunctionRunner.Result result = runner.invoke(function, request(requestId, "{\"order\":17}", false));

        assertThat(result.functionError()).contains("Unhandled");
        JsonNode error = JSON.readTree(result.payload());
        assertThat(error.fieldNames()).toIterable().containsExactly("errorMessage", "errorType", "stackTrace");
        assertThat(error.get("errorMessage").asText()).isEqualTo("order 17 cannot be shipped");
        assertThat(error.get("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(error.get("stackTrace").get(0).asText()).isEqualTo("io.lakestack.connectors.lambda.handlers.FailingHandler.handleRequest(FailingHandler.java:"
                + lineOf("FailingHandler.java", "throw new IllegalStateException") + ")");
        runner.flushLogs();
        List<String> messages = onlyStream(function);
        int start = messages.indexOf("START RequestId: " + requestId + " Version: $LATEST\n");
        assertThat(messages.subList(start + 1, start + 3)).containsExactly(
                "order 17 cannot be shipped: java.lang.IllegalStateException\n",
                "java.lang.IllegalStateException: order 17 cannot be shipped\n");
        assertThat(messages.get(messages.size() - 2)).isEqualTo("END RequestId: " + requestId + "\n");
        assertThat(messages.get(messages.size() - 1)).startsWith("REPORT RequestId: " + requestId + "\t").doesNotContain("Status:");
    }

    @Test
    void runtimeThatExitsIsRuntimeExitErrorAndTheNextInvocationGetsANewEnvironment()
            throws Exception
    {
        FunctionVersion exiting = java("exiting", "io.lakestack.connectors.lambda.handlers.FailingHandler::handleRequest", Map.of());
        String requestId = UUID.randomUUID().toString();

        FunctionRunner.Result exit = runner.invoke(exiting, request(requestId, "{\"exit\":3}", false));
        FunctionRunner.Result next = runner.invoke(exiting, request(UUID.randomUUID().toString(), "{\"order\":18}", false));

        assertThat(exit.functionError()).contains("Unhandled");
        assertThat(new String(exit.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"errorMessage\":\"RequestId: " + requestId
                + " Error: Runtime exited with error: exit status 3\",\"errorType\":\"Runtime.ExitError\"}");
        assertThat(JSON.readTree(next.payload()).get("errorMessage").asText()).isEqualTo("order 18 cannot be shipped");
        runner.flushLogs();
        assertThat(logs.streams(exiting.logGroup(), Optional.empty())).hasSize(2);
    }

    @Test
    void constructorThatThrowsIsAnInitError()
            throws Exception
    {
        FunctionVersion function = java("broken-init", "io.lakestack.connectors.lambda.handlers.BrokenInitHandler", Map.of());
        String requestId = UUID.randomUUID().toString();

        FunctionRunner.Result result = runner.invoke(function, request(requestId, "\"x\"", false));

        assertThat(result.functionError()).contains("Unhandled");
        assertThat(new String(result.payload(), StandardCharsets.UTF_8)).isEqualTo(
                "{\"errorMessage\":\"the configuration table is missing\",\"errorType\":\"java.lang.IllegalStateException\"}");
        runner.flushLogs();
        List<String> messages = onlyStream(function);
        assertThat(messages).contains("the configuration table is missing: java.lang.IllegalStateException\n",
                "START RequestId: " + requestId + " Version: $LATEST\n", "END RequestId: " + requestId + "\n");
        assertThat(messages.stream().filter(message -> message.startsWith("INIT_REPORT "))).singleElement().asString()
                .matches("INIT_REPORT Init Duration: \\d+\\.\\d\\d ms\tPhase: init\tStatus: error\tError Type: Runtime.BadFunctionCode\n");
        assertThat(messages.get(messages.size() - 1)).endsWith("\tStatus: error\tError Type: Runtime.BadFunctionCode\t\n");
    }

    @Test
    void java21RunsOnTheClosestNewerJdk()
            throws Exception
    {
        Assumptions.assumeTrue(runner.unavailable("java21").isEmpty(), () -> runner.unavailable("java21").orElseThrow());
        JavaHomes.Jdk jdk = new JavaHomes(List.of()).atLeast(21).orElseThrow();
        FunctionVersion function = DeploymentPackages.function(objects, "environment-21", "java21",
                "io.lakestack.connectors.lambda.handlers.EnvironmentHandler::handleRequest", handlers, 512, 30, Map.of());

        Map<String, String> seen = map(runner.invoke(function, request(UUID.randomUUID().toString(), "{}", false)));

        assertThat(seen).containsEntry("java.specification.version", String.valueOf(jdk.feature()))
                .containsEntry("JAVA_HOME", jdk.home().toString())
                .containsEntry("AWS_EXECUTION_ENV", "AWS_Lambda_java21")
                .containsEntry("heap", "-Xmx435m");
        runner.flushLogs();
        List<String> messages = onlyStream(function);
        assertThat(messages.get(0)).isEqualTo("INIT_START Runtime Version: java:" + jdk.version() + "\n");
        assertThat(messages.get(1)).as("the JVM warns of nothing").startsWith("START RequestId: ");
    }

    private List<String> onlyStream(FunctionVersion function)
    {
        List<String> streams = logs.streams(function.logGroup(), Optional.empty()).stream().map(stream -> stream.name()).toList();
        assertThat(streams).hasSize(1);
        return logs.messages(function.logGroup(), streams.get(0));
    }

    private static int lineOf(String file, String text)
            throws Exception
    {
        List<String> lines = Files.readAllLines(Path.of("src/test/java/io/lakestack/connectors/lambda/handlers", file));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new IllegalStateException(text + " is not in " + file);
    }

    private FunctionVersion java(String name, String handler, Map<String, String> environment)
    {
        return DeploymentPackages.function(objects, name, "java17", handler, handlers, 256, 30, environment);
    }

    private static FunctionRunner.Request request(String requestId, String payload, boolean tailLog)
    {
        return new FunctionRunner.Request(requestId, "arn:aws:lambda:eu-west-1:000000000000:function:any", payload.getBytes(StandardCharsets.UTF_8),
                Optional.empty(), tailLog, 10);
    }

    private static Map<String, String> map(FunctionRunner.Result result)
            throws Exception
    {
        assertThat(result.functionError()).as(new String(result.payload(), StandardCharsets.UTF_8)).isEmpty();
        return JSON.readValue(result.payload(), new TypeReference<>() {});
    }
}
