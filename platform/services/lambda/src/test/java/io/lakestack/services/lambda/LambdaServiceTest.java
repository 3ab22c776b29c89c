package io.lakestack.services.lambda;

import io.lakestack.endpoint.testing.RecordedResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.endpoint.auth.Authenticator;
import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.lambda.FunctionRunner;
import io.lakestack.spi.msk.MskClusters;
import io.lakestack.spi.sqs.Queue;
import io.lakestack.spi.store.MemoryRecordStores;
import io.lakestack.spi.testing.InMemoryKinesisStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The Lambda API on fakes of its contracts: requests as the SDKs send them, answers and errors as Lambda's. */
class LambdaServiceTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ARN = "arn:aws:lambda:us-east-1:000000000000:function:";
    private static final Authenticator.Caller CALLER = new Authenticator.Caller("test", "us-east-1");

    private final Fakes.ScriptedRunner runner = new Fakes.ScriptedRunner();
    private final Fakes.MemoryObjectStore objects = new Fakes.MemoryObjectStore();
    private final Fakes.RecordingEventSink events = new Fakes.RecordingEventSink();
    private final InMemoryKinesisStreams kinesis = new InMemoryKinesisStreams(Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC));
    private final Map<String, Queue> queues = new java.util.concurrent.ConcurrentHashMap<>();
    private LambdaService lambda;
    /** One cluster, with one topic: the MSK cluster the endpoint describes. */
    private static final MskClusters MSK = new MskClusters()
    {
        @Override
        public Cluster cluster()
        {
            return new Cluster(CLUSTER_NAME, "5bcc075d-61b8-4a25-9673-e291b642c569-1", "localhost:9092", "4.3.1", 1, 1_700_000_000_000L);
        }

        @Override
        public OptionalInt partitions(String topic)
        {
            return topic.equals("orders") ? OptionalInt.of(2) : OptionalInt.empty();
        }
    };

    @BeforeEach
    void start()
    {
        lambda = new LambdaService(new MemoryRecordStores(), objects, runner, events, kinesis, name -> Optional.ofNullable(queues.get(name)), MSK,
                (bucket, key) -> "http://code/" + bucket + "/" + key,
                "us-east-1", "000000000000", Clock.fixed(Instant.parse("2026-11-29T10:00:00Z"), ZoneOffset.UTC));
    }

    @AfterEach
    void stop()
    {
        lambda.close();
    }

    @Test
    void createsAFunctionThatBecomesActiveAndIsFoundListedAndDescribed()
            throws Exception
    {
        byte[] zip = zip(Map.of("handler.py", "def handle(event, context):\n    return event\n"));
        RecordedResponse created = call("POST", "/2015-03-31/functions", "", Map.of(), createRequest("echo", zip));

        assertThat(created.status()).isEqualTo(201);
        JsonNode configuration = json(created);
        assertThat(configuration.path("FunctionName").asText()).isEqualTo("echo");
        assertThat(configuration.path("FunctionArn").asText()).isEqualTo(ARN + "echo");
        assertThat(configuration.path("Runtime").asText()).isEqualTo("python3.12");
        assertThat(configuration.path("Handler").asText()).isEqualTo("handler.handle");
        assertThat(configuration.path("MemorySize").asInt()).isEqualTo(256);
        assertThat(configuration.path("Timeout").asInt()).isEqualTo(3);
        assertThat(configuration.path("Version").asText()).isEqualTo("$LATEST");
        assertThat(configuration.path("State").asText()).isEqualTo("Pending");
        assertThat(configuration.path("LastModified").asText()).isEqualTo("2026-11-29T10:00:00.000+0000");
        assertThat(configuration.path("CodeSize").asLong()).isEqualTo(zip.length);
        assertThat(configuration.path("CodeSha256").asText()).isEqualTo(FunctionCode.sha256(zip));
        assertThat(configuration.path("Environment").path("Variables").path("STAGE").asText()).isEqualTo("test");
        assertThat(objects.objects).containsOnlyKeys("lakestack-lambda/functions/echo/" + java.util.HexFormat.of().formatHex(Base64.getDecoder()
                .decode(FunctionCode.sha256(zip))) + ".zip");

        await().until(() -> json(call("GET", "/2015-03-31/functions/echo/configuration", "", Map.of(), new byte[0])).path("State").asText()
                .equals("Active"));
        assertThat(runner.staged).as("the code is fetched while the function is Pending").hasSize(1);
        assertThat(runner.staged.get(0).codeSha256()).isEqualTo(FunctionCode.sha256(zip));
        assertThat(runner.staged.get(0).version()).isEqualTo("$LATEST");
        JsonNode function = json(call("GET", "/2015-03-31/functions/echo", "", Map.of(), new byte[0]));
        assertThat(function.path("Configuration").path("State").asText()).isEqualTo("Active");
        assertThat(function.path("Code").path("RepositoryType").asText()).isEqualTo("S3");
        assertThat(function.path("Code").path("Location").asText()).startsWith("http://code/lakestack-lambda/functions/echo/");
        assertThat(function.path("Tags").path("team").asText()).isEqualTo("data");
        JsonNode list = json(call("GET", "/2015-03-31/functions/", "", Map.of(), new byte[0]));
        assertThat(list.path("Functions")).hasSize(1);
        assertThat(list.path("Functions").get(0).path("FunctionName").asText()).isEqualTo("echo");

        assertError(() -> call("POST", "/2015-03-31/functions", "", Map.of(), createRequest("echo", zip)), "ResourceConflictException", 409,
                "Function already exist: echo");
        assertError(() -> call("GET", "/2015-03-31/functions/nope", "", Map.of(), new byte[0]), "ResourceNotFoundException", 404,
                "Function not found: " + ARN + "nope");
    }

    @Test
    void invokesSynchronouslyAsynchronouslyAndAsADryRun()
            throws Exception
    {
        createActive("echo");
        runner.behaviour = request -> new FunctionRunner.Result(("{\"got\":" + new String(request.payload(), StandardCharsets.UTF_8) + "}")
                .getBytes(StandardCharsets.UTF_8), Optional.empty(), request.tailLog() ? Optional.of("bG9n") : Optional.empty());

        RecordedResponse sync = call("POST", "/2015-03-31/functions/echo/invocations", "", Map.of("X-Amz-Log-Type", "Tail"),
                "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        assertThat(sync.status()).isEqualTo(200);
        assertThat(sync.text()).isEqualTo("{\"got\":{\"a\":1}}");
        assertThat(sync.headers()).containsEntry("x-amz-executed-version", "$LATEST").containsEntry("x-amz-log-result", "bG9n")
                .doesNotContainKey("x-amz-function-error");
        FunctionRunner.Request request = runner.requests.get(0);
        assertThat(request.invokedArn()).isEqualTo(ARN + "echo");
        assertThat(request.concurrencyLimit()).isEqualTo(LambdaService.ACCOUNT_CONCURRENCY);
        assertThat(sync.headers().get("x-amzn-requestid")).isEqualTo(request.requestId());
        assertThat(runner.invoked.get(0).handler()).isEqualTo("handler.handle");
        assertThat(runner.invoked.get(0).environment()).isEqualTo(Map.of("STAGE", "test"));

        runner.behaviour = ignored -> new FunctionRunner.Result("{\"errorMessage\":\"boom\",\"errorType\":\"ValueError\"}".getBytes(StandardCharsets.UTF_8),
                Optional.of("Unhandled"), Optional.empty());
        RecordedResponse failed = call("POST", "/2015-03-31/functions/echo/invocations", "", Map.of(), "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(failed.status()).isEqualTo(200);
        assertThat(failed.headers()).containsEntry("x-amz-function-error", "Unhandled");

        RecordedResponse async = call("POST", "/2015-03-31/functions/echo/invocations", "", Map.of("X-Amz-Invocation-Type", "Event"),
                "{\"b\":2}".getBytes(StandardCharsets.UTF_8));
        assertThat(async.status()).isEqualTo(202);
        assertThat(events.published).hasSize(1);
        Fakes.RecordingEventSink.Published queued = events.published.get(0);
        assertThat(queued.topic()).isEqualTo("lakestack.lambda.echo");
        assertThat(queued.key()).isEqualTo(async.headers().get("x-amzn-requestid"));
        assertThat(new String(queued.value(), StandardCharsets.UTF_8)).isEqualTo("{\"b\":2}");
        assertThat(queued.headers()).isEqualTo(Map.of("lakestack.request-id", queued.key(), "lakestack.invoked-arn", ARN + "echo"));

        RecordedResponse dryRun = call("POST", "/2015-03-31/functions/echo/invocations", "", Map.of("X-Amz-Invocation-Type", "DryRun"),
                "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(dryRun.status()).isEqualTo(204);
        assertThat(runner.requests).hasSize(2);

        assertError(() -> call("POST", "/2015-03-31/functions/echo/invocations", "", Map.of(), "{not json".getBytes(StandardCharsets.UTF_8)),
                "InvalidRequestContentException", 400, "Could not parse request body into json");
        assertError(() -> call("POST", "/2015-03-31/functions/echo/invocations", "", Map.of("X-Amz-Invocation-Type", "Event"),
                ("\"" + "x".repeat(LambdaService.MAX_ASYNC_PAYLOAD) + "\"").getBytes(StandardCharsets.UTF_8)), "RequestTooLargeException", 413,
                "Request must be smaller than 262144 bytes for the Event invocation type");
    }

    @Test
    void lakestacksOwnCallersInvokeAsTheApiDoesWithoutHttp()
            throws Exception
    {
        createActive("direct");
        runner.behaviour = request -> new FunctionRunner.Result(("{\"got\":" + new String(request.payload(), StandardCharsets.UTF_8) + "}")
                .getBytes(StandardCharsets.UTF_8), Optional.empty(), Optional.empty());
        call("POST", "/2015-03-31/functions/direct/versions", "", Map.of(), new byte[0]);
        call("POST", "/2015-03-31/functions/direct/aliases", "", Map.of(), "{\"Name\":\"live\",\"FunctionVersion\":\"1\"}".getBytes(StandardCharsets.UTF_8));

        LambdaService.Invoked invoked = lambda.invokeSynchronously(ARN + "direct", "{\"a\":1}".getBytes(StandardCharsets.UTF_8), Optional.empty());
        assertThat(new String(invoked.result().payload(), StandardCharsets.UTF_8)).isEqualTo("{\"got\":{\"a\":1}}");
        assertThat(invoked.result().functionError()).isEmpty();
        assertThat(invoked.executedVersion()).isEqualTo("$LATEST");
        FunctionRunner.Request request = runner.requests.get(0);
        assertThat(invoked.requestId()).isEqualTo(request.requestId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(request.invokedArn()).isEqualTo(ARN + "direct");
        assertThat(request.concurrencyLimit()).isEqualTo(LambdaService.ACCOUNT_CONCURRENCY);
        assertThat(request.tailLog()).isFalse();
        assertThat(request.clientContext()).isEmpty();

        String id = "0b8e4d1c-3f2a-4c5b-9d6e-7f8091a2b3c4";
        LambdaService.Invoked aliased = lambda.invokeSynchronously(ARN + "direct:live", "{}".getBytes(StandardCharsets.UTF_8), Optional.of(id));
        assertThat(aliased.requestId()).isEqualTo(id);
        assertThat(aliased.executedVersion()).isEqualTo("1");
        assertThat(runner.requests.get(1).requestId()).isEqualTo(id);
        assertThat(runner.requests.get(1).invokedArn()).isEqualTo(ARN + "direct:live");
        assertThat(runner.invoked.get(1).version()).isEqualTo("1");

        assertError(() -> lambda.invokeSynchronously(ARN + "missing", "{}".getBytes(StandardCharsets.UTF_8), Optional.empty()), "ResourceNotFoundException",
                404, "Function not found: " + ARN + "missing");
        assertError(() -> lambda.invokeSynchronously(ARN + "direct", "{}".getBytes(StandardCharsets.UTF_8), Optional.of("not-a-uuid")),
                "InvalidParameterValueException", 400, "X-Lakestack-Request-Id must be a UUID, as Invoke's request ids are: not-a-uuid");
        assertError(() -> lambda.invokeSynchronously(ARN + "direct", new byte[LambdaService.MAX_SYNC_PAYLOAD + 1], Optional.empty()),
                "RequestTooLargeException", 413, "Request must be smaller than 6291456 bytes for the RequestResponse invocation type");
        assertThat(runner.requests).hasSize(2);
    }

    @Test
    void versionsAndAliasesRouteInvocations()
            throws Exception
    {
        createActive("versioned");
        JsonNode one = json(call("POST", "/2015-03-31/functions/versioned/versions", "", Map.of(), "{\"Description\":\"first\"}".getBytes(StandardCharsets.UTF_8)));
        assertThat(one.path("Version").asText()).isEqualTo("1");
        assertThat(one.path("FunctionArn").asText()).isEqualTo(ARN + "versioned:1");
        assertThat(one.path("Description").asText()).isEqualTo("first");
        JsonNode again = json(call("POST", "/2015-03-31/functions/versioned/versions", "", Map.of(), new byte[0]));
        assertThat(again.path("Version").asText()).as("publishing unchanged code and configuration returns the same version").isEqualTo("1");

        call("PUT", "/2015-03-31/functions/versioned/configuration", "", Map.of(), "{\"Timeout\":30}".getBytes(StandardCharsets.UTF_8));
        JsonNode two = json(call("POST", "/2015-03-31/functions/versioned/versions", "", Map.of(), new byte[0]));
        assertThat(two.path("Version").asText()).isEqualTo("2");
        assertThat(two.path("Timeout").asInt()).isEqualTo(30);
        JsonNode versions = json(call("GET", "/2015-03-31/functions/versioned/versions", "", Map.of(), new byte[0]));
        assertThat(versions.path("Versions").findValuesAsText("Version")).containsExactly("$LATEST", "1", "2");

        JsonNode alias = json(call("POST", "/2015-03-31/functions/versioned/aliases", "", Map.of(),
                "{\"Name\":\"live\",\"FunctionVersion\":\"1\"}".getBytes(StandardCharsets.UTF_8)));
        assertThat(alias.path("AliasArn").asText()).isEqualTo(ARN + "versioned:live");
        call("POST", "/2015-03-31/functions/versioned:live/invocations", "", Map.of(), "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(runner.invoked.get(0).version()).isEqualTo("1");
        assertThat(runner.invoked.get(0).timeoutSeconds()).isEqualTo(3);
        assertThat(runner.requests.get(0).invokedArn()).isEqualTo(ARN + "versioned:live");

        call("PUT", "/2015-03-31/functions/versioned/aliases/live", "", Map.of(), "{\"FunctionVersion\":\"2\"}".getBytes(StandardCharsets.UTF_8));
        RecordedResponse invoked = call("POST", "/2015-03-31/functions/versioned/invocations", "Qualifier=live", Map.of(), "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(invoked.headers()).containsEntry("x-amz-executed-version", "2");
        assertThat(runner.invoked.get(1).timeoutSeconds()).isEqualTo(30);

        assertError(() -> call("DELETE", "/2015-03-31/functions/versioned", "Qualifier=2", Map.of(), new byte[0]), "ResourceConflictException", 409,
                "Unable to delete version because the following aliases reference it: [live]");
        assertError(() -> call("POST", "/2015-03-31/functions/versioned:1/invocations", "Qualifier=2", Map.of(), "{}".getBytes(StandardCharsets.UTF_8)),
                "InvalidParameterValueException", 400, "The derived qualifier from the function name does not match the specified qualifier.");
        assertError(() -> call("POST", "/2015-03-31/functions/versioned/aliases", "", Map.of(),
                "{\"Name\":\"next\",\"FunctionVersion\":\"9\"}".getBytes(StandardCharsets.UTF_8)), "ResourceNotFoundException", 404,
                "Function not found: " + ARN + "versioned:9");
    }

    @Test
    void reservedConcurrencyLeavesTheAccountsMinimumUnreservedAndBoundsTheRunner()
            throws Exception
    {
        createActive("bounded");
        JsonNode put = json(call("PUT", "/2017-10-31/functions/bounded/concurrency", "", Map.of(),
                "{\"ReservedConcurrentExecutions\":5}".getBytes(StandardCharsets.UTF_8)));
        assertThat(put.path("ReservedConcurrentExecutions").asInt()).isEqualTo(5);
        call("POST", "/2015-03-31/functions/bounded/invocations", "", Map.of(), "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(runner.requests.get(0).concurrencyLimit()).isEqualTo(5);
        assertThat(json(call("GET", "/2019-09-30/functions/bounded/concurrency", "", Map.of(), new byte[0])).path("ReservedConcurrentExecutions").asInt())
                .isEqualTo(5);
        assertError(() -> call("PUT", "/2017-10-31/functions/bounded/concurrency", "", Map.of(),
                        ("{\"ReservedConcurrentExecutions\":" + (LambdaService.ACCOUNT_CONCURRENCY - LambdaService.MINIMUM_UNRESERVED + 1) + "}")
                                .getBytes(StandardCharsets.UTF_8)),
                "InvalidParameterValueException", 400, "below its minimum value of [10]");
        JsonNode settings = json(call("GET", "/2016-08-19/account-settings/", "", Map.of(), new byte[0]));
        assertThat(settings.path("AccountLimit").path("UnreservedConcurrentExecutions").asInt()).isEqualTo(LambdaService.ACCOUNT_CONCURRENCY - 5);
    }

    @Test
    void settingsLakestackCannotApplyAreRefused()
            throws Exception
    {
        byte[] zip = zip(Map.of("handler.py", "def handle(event, context):\n    return 1\n"));
        for (Map.Entry<String, String> setting : Map.of(
                "\"Layers\":[\"arn:aws:lambda:us-east-1:000000000000:layer:l:1\"]", "Layers cannot be applied by lakestack",
                "\"VpcConfig\":{\"SubnetIds\":[\"subnet-1\"]}", "VpcConfig cannot be applied by lakestack",
                "\"TracingConfig\":{\"Mode\":\"Active\"}", "TracingConfig Mode Active cannot be applied by lakestack",
                "\"Architectures\":[\"" + (System.getProperty("os.arch").equals("aarch64") ? "x86_64" : "arm64") + "\"]", "cannot be applied by lakestack: functions run on this machine",
                "\"PackageType\":\"Image\"", "Container images are not supported by lakestack").entrySet()) {
            byte[] body = ("{\"FunctionName\":\"refused\",\"Runtime\":\"python3.12\",\"Role\":\"arn:aws:iam::000000000000:role/r\","
                    + "\"Handler\":\"handler.handle\",\"Code\":{\"ZipFile\":\"" + Base64.getEncoder().encodeToString(zip) + "\"}," + setting.getKey() + "}")
                    .getBytes(StandardCharsets.UTF_8);
            assertError(() -> call("POST", "/2015-03-31/functions", "", Map.of(), body), "InvalidParameterValueException", 400, setting.getValue());
        }
        runner.unavailable = Map.of("python3.11", "install Python 3.11 (apt install python3.11)");
        byte[] missing = ("{\"FunctionName\":\"missing\",\"Runtime\":\"python3.11\",\"Role\":\"arn:aws:iam::000000000000:role/r\","
                + "\"Handler\":\"handler.handle\",\"Code\":{\"ZipFile\":\"" + Base64.getEncoder().encodeToString(zip) + "\"}}").getBytes(StandardCharsets.UTF_8);
        assertError(() -> call("POST", "/2015-03-31/functions", "", Map.of(), missing), "InvalidParameterValueException", 400,
                "The runtime python3.11 cannot run on this machine: install Python 3.11 (apt install python3.11)");
        byte[] notZip = ("{\"FunctionName\":\"broken\",\"Runtime\":\"python3.12\",\"Role\":\"arn:aws:iam::000000000000:role/r\","
                + "\"Handler\":\"handler.handle\",\"Code\":{\"ZipFile\":\"" + Base64.getEncoder().encodeToString("not a zip".getBytes(StandardCharsets.UTF_8))
                + "\"}}").getBytes(StandardCharsets.UTF_8);
        assertError(() -> call("POST", "/2015-03-31/functions", "", Map.of(), notZip), "InvalidParameterValueException", 400,
                "Could not unzip uploaded file. Please check your file, then try to upload again.");
        assertThat(json(call("GET", "/2015-03-31/functions", "", Map.of(), new byte[0])).path("Functions")).isEmpty();
    }

    @Test
    void tagsAndEventInvokeConfiguration()
            throws Exception
    {
        createActive("tagged");
        call("POST", "/2017-03-31/tags/" + ARN + "tagged", "", Map.of(), "{\"Tags\":{\"owner\":\"me\"}}".getBytes(StandardCharsets.UTF_8));
        assertThat(json(call("GET", "/2017-03-31/tags/" + ARN + "tagged", "", Map.of(), new byte[0])).path("Tags"))
                .isEqualTo(JSON.readTree("{\"owner\":\"me\",\"team\":\"data\"}"));
        call("DELETE", "/2017-03-31/tags/" + ARN + "tagged", "tagKeys=team&tagKeys=owner", Map.of(), new byte[0]);
        assertThat(json(call("GET", "/2017-03-31/tags/" + ARN + "tagged", "", Map.of(), new byte[0])).path("Tags")).isEmpty();

        JsonNode config = json(call("PUT", "/2019-09-25/functions/tagged/event-invoke-config", "", Map.of(),
                ("{\"MaximumRetryAttempts\":1,\"DestinationConfig\":{\"OnFailure\":{\"Destination\":\"arn:aws:sqs:us-east-1:000000000000:dlq\"}}}")
                        .getBytes(StandardCharsets.UTF_8)));
        assertThat(config.path("FunctionArn").asText()).isEqualTo(ARN + "tagged:$LATEST");
        assertThat(config.path("MaximumRetryAttempts").asInt()).isEqualTo(1);
        assertThat(config.path("MaximumEventAgeInSeconds").asInt()).isEqualTo(21_600);
        assertThat(config.path("DestinationConfig").path("OnFailure").path("Destination").asText()).isEqualTo("arn:aws:sqs:us-east-1:000000000000:dlq");
        JsonNode updated = json(call("POST", "/2019-09-25/functions/tagged/event-invoke-config", "", Map.of(),
                "{\"MaximumEventAgeInSeconds\":60}".getBytes(StandardCharsets.UTF_8)));
        assertThat(updated.path("MaximumRetryAttempts").asInt()).isEqualTo(1);
        assertThat(updated.path("MaximumEventAgeInSeconds").asInt()).isEqualTo(60);
        assertThat(updated.path("DestinationConfig").path("OnFailure").path("Destination").asText()).isEqualTo("arn:aws:sqs:us-east-1:000000000000:dlq");
        call("DELETE", "/2019-09-25/functions/tagged/event-invoke-config", "", Map.of(), new byte[0]);
        assertError(() -> call("GET", "/2019-09-25/functions/tagged/event-invoke-config", "", Map.of(), new byte[0]), "ResourceNotFoundException", 404,
                "doesn't have an EventInvokeConfig");
    }

    @Test
    void permissionsAreKeptAsTheFunctionsResourceBasedPolicy()
            throws Exception
    {
        createActive("triggered");
        assertError(() -> call("GET", "/2015-03-31/functions/triggered/policy", "", Map.of(), new byte[0]), "ResourceNotFoundException", 404,
                "The resource you requested does not exist.");
        JsonNode added = json(call("POST", "/2015-03-31/functions/triggered/policy", "", Map.of(), ("{\"StatementId\":\"s3-raw\",\"Action\":"
                + "\"lambda:InvokeFunction\",\"Principal\":\"s3.amazonaws.com\",\"SourceArn\":\"arn:aws:s3:::lake\",\"SourceAccount\":\"000000000000\"}")
                .getBytes(StandardCharsets.UTF_8)));
        JsonNode statement = JSON.readTree("{\"Sid\":\"s3-raw\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"s3.amazonaws.com\"},"
                + "\"Action\":\"lambda:InvokeFunction\",\"Resource\":\"" + ARN + "triggered\",\"Condition\":{\"StringEquals\":"
                + "{\"AWS:SourceAccount\":\"000000000000\"},\"ArnLike\":{\"AWS:SourceArn\":\"arn:aws:s3:::lake\"}}}");
        assertThat(JSON.readTree(added.path("Statement").asText())).isEqualTo(statement);
        call("POST", "/2015-03-31/functions/triggered/policy", "", Map.of(),
                "{\"StatementId\":\"account\",\"Action\":\"lambda:*\",\"Principal\":\"111122223333\"}".getBytes(StandardCharsets.UTF_8));

        JsonNode policy = JSON.readTree(json(call("GET", "/2015-03-31/functions/triggered/policy", "", Map.of(), new byte[0])).path("Policy").asText());
        assertThat(policy.path("Version").asText()).isEqualTo("2012-10-17");
        assertThat(policy.path("Statement")).hasSize(2);
        // in the order they were added
        assertThat(policy.path("Statement").get(0)).isEqualTo(statement);
        assertThat(policy.path("Statement").get(1).path("Principal").path("AWS").asText()).isEqualTo("arn:aws:iam::111122223333:root");

        assertError(() -> call("POST", "/2015-03-31/functions/triggered/policy", "", Map.of(), ("{\"StatementId\":\"s3-raw\",\"Action\":"
                + "\"lambda:InvokeFunction\",\"Principal\":\"s3.amazonaws.com\"}").getBytes(StandardCharsets.UTF_8)), "ResourceConflictException", 409,
                "The statement id (s3-raw) provided already exists.");
        assertError(() -> call("POST", "/2015-03-31/functions/triggered/policy", "", Map.of(), ("{\"StatementId\":\"bad id\",\"Action\":"
                + "\"lambda:InvokeFunction\",\"Principal\":\"s3.amazonaws.com\"}").getBytes(StandardCharsets.UTF_8)), "ValidationException", 400,
                "StatementId");
        assertError(() -> call("POST", "/2015-03-31/functions/triggered/policy", "", Map.of(), ("{\"StatementId\":\"x\",\"Action\":"
                + "\"s3:GetObject\",\"Principal\":\"s3.amazonaws.com\"}").getBytes(StandardCharsets.UTF_8)), "ValidationException", 400, "Action");
        assertError(() -> call("POST", "/2015-03-31/functions/nope/policy", "", Map.of(), ("{\"StatementId\":\"x\",\"Action\":"
                + "\"lambda:InvokeFunction\",\"Principal\":\"s3.amazonaws.com\"}").getBytes(StandardCharsets.UTF_8)), "ResourceNotFoundException", 404,
                "Function not found");

        call("DELETE", "/2015-03-31/functions/triggered/policy/account", "", Map.of(), new byte[0]);
        call("DELETE", "/2015-03-31/functions/triggered/policy/s3-raw", "", Map.of(), new byte[0]);
        assertError(() -> call("DELETE", "/2015-03-31/functions/triggered/policy/s3-raw", "", Map.of(), new byte[0]), "ResourceNotFoundException", 404,
                "The resource you requested does not exist.");
        assertError(() -> call("GET", "/2015-03-31/functions/triggered/policy", "", Map.of(), new byte[0]), "ResourceNotFoundException", 404,
                "The resource you requested does not exist.");
    }

    @Test
    void mskMappingsReadTheStacksClusterByItsArn()
            throws Exception
    {
        createActive("consumer");
        String arn = MSK.cluster().arn("us-east-1", "000000000000");
        JsonNode created = json(call("POST", "/2015-03-31/event-source-mappings/", "", Map.of(), ("{\"EventSourceArn\":\"" + arn
                + "\",\"FunctionName\":\"consumer\",\"Topics\":[\"orders\"],\"StartingPosition\":\"TRIM_HORIZON\",\"BatchSize\":50,"
                + "\"AmazonManagedKafkaEventSourceConfig\":{\"ConsumerGroupId\":\"order-readers\"}}").getBytes(StandardCharsets.UTF_8)));
        assertThat(created.path("EventSourceArn").asText()).isEqualTo(arn);
        assertThat(created.path("Topics").toString()).isEqualTo("[\"orders\"]");
        assertThat(created.path("AmazonManagedKafkaEventSourceConfig").toString()).isEqualTo("{\"ConsumerGroupId\":\"order-readers\"}");
        assertThat(created.has("SelfManagedEventSource")).isFalse();
        assertThat(created.has("SelfManagedKafkaEventSourceConfig")).isFalse();
        assertThat(created.path("BatchSize").asInt()).isEqualTo(50);

        String other = "arn:aws:kafka:us-east-1:000000000000:cluster/other/0b6bd2c6-0f8a-4c3e-a3a5-3f1a5b1e0b2e-3";
        assertError(() -> call("POST", "/2015-03-31/event-source-mappings/", "", Map.of(), ("{\"EventSourceArn\":\"" + other
                + "\",\"FunctionName\":\"consumer\",\"Topics\":[\"orders\"],\"StartingPosition\":\"LATEST\"}").getBytes(StandardCharsets.UTF_8)),
                "InvalidParameterValueException", 400, "The MSK cluster " + other + " does not exist: lakestack's one cluster is " + arn);
        assertError(() -> call("POST", "/2015-03-31/event-source-mappings/", "", Map.of(), ("{\"EventSourceArn\":\"" + arn
                + "\",\"FunctionName\":\"consumer\",\"Topics\":[\"orders\"],\"StartingPosition\":\"LATEST\","
                + "\"SelfManagedKafkaEventSourceConfig\":{\"ConsumerGroupId\":\"g\"}}").getBytes(StandardCharsets.UTF_8)),
                "InvalidParameterValueException", 400, "SelfManagedKafkaEventSourceConfig is only for a self-managed Kafka event source");
        assertError(() -> call("POST", "/2015-03-31/event-source-mappings/", "", Map.of(), ("{\"EventSourceArn\":\"" + arn
                + "\",\"FunctionName\":\"consumer\",\"Topics\":[\"orders\"],\"StartingPosition\":\"LATEST\",\"BisectBatchOnFunctionError\":true}")
                .getBytes(StandardCharsets.UTF_8)),
                "InvalidParameterValueException", 400, "BisectBatchOnFunctionError is not supported for Kafka event sources (Lambda takes it for Kinesis "
                        + "and DynamoDB streams only)");
    }

    @Test
    void queueMappingsTakeOnlyWhatAppliesToQueues()
            throws Exception
    {
        createActive("consumer");
        queues.put("orders", queue("orders"));
        queues.put("orders.fifo", queue("orders.fifo"));
        String arn = "arn:aws:sqs:us-east-1:000000000000:orders";
        JsonNode created = json(call("POST", "/2015-03-31/event-source-mappings/", "", Map.of(), ("{\"EventSourceArn\":\"" + arn
                + "\",\"FunctionName\":\"consumer\",\"BatchSize\":500,\"MaximumBatchingWindowInSeconds\":2,\"ScalingConfig\":{\"MaximumConcurrency\":7},"
                + "\"FunctionResponseTypes\":[\"ReportBatchItemFailures\"]}").getBytes(StandardCharsets.UTF_8)));
        assertThat(created.path("State").asText()).isEqualTo("Creating");
        assertThat(created.path("StateTransitionReason").asText()).isEqualTo("USER_INITIATED");
        assertThat(created.path("BatchSize").asInt()).isEqualTo(500);
        assertThat(created.path("MaximumBatchingWindowInSeconds").asInt()).isEqualTo(2);
        assertThat(created.path("ScalingConfig").path("MaximumConcurrency").asInt()).isEqualTo(7);
        assertThat(created.has("StartingPosition")).isFalse();
        assertThat(created.has("DestinationConfig")).isFalse();
        assertThat(created.has("Topics")).isFalse();
        String uuid = created.path("UUID").asText();
        JsonNode updated = json(call("PUT", "/2015-03-31/event-source-mappings/" + uuid, "", Map.of(), "{\"ScalingConfig\":{}}".getBytes(StandardCharsets.UTF_8)));
        assertThat(updated.has("ScalingConfig")).isFalse();
        assertThat(updated.path("BatchSize").asInt()).isEqualTo(500);
        assertError(() -> call("PUT", "/2015-03-31/event-source-mappings/" + uuid, "", Map.of(), "{\"MaximumBatchingWindowInSeconds\":0}"
                .getBytes(StandardCharsets.UTF_8)), "InvalidParameterValueException", 400,
                "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10");

        for (String setting : List.of("\"StartingPosition\":\"LATEST\"", "\"ParallelizationFactor\":2", "\"BisectBatchOnFunctionError\":true",
                "\"DestinationConfig\":{\"OnFailure\":{}}", "\"MaximumRetryAttempts\":1", "\"MaximumRecordAgeInSeconds\":60",
                "\"TumblingWindowInSeconds\":10")) {
            assertError(() -> call("POST", "/2015-03-31/event-source-mappings/", "", Map.of(), ("{\"EventSourceArn\":\"" + arn
                    + "\",\"FunctionName\":\"consumer\"," + setting + "}").getBytes(StandardCharsets.UTF_8)), "InvalidParameterValueException", 400,
                    setting.substring(1, setting.indexOf('"', 1)) + " is not valid for SQS event sources.");
        }
        assertError(() -> call("POST", "/2015-03-31/event-source-mappings/", "", Map.of(), ("{\"EventSourceArn\":\"" + arn
                + ".fifo\",\"FunctionName\":\"consumer\",\"BatchSize\":11,\"MaximumBatchingWindowInSeconds\":1}").getBytes(StandardCharsets.UTF_8)),
                "InvalidParameterValueException", 400, "BatchSize must be between 1 and 10 for FIFO queues, not 11");
        for (String missing : List.of("arn:aws:sqs:us-east-1:000000000000:nope", "arn:aws:sqs:eu-west-1:000000000000:orders",
                "arn:aws:sqs:us-east-1:111111111111:orders")) {
            assertError(() -> call("POST", "/2015-03-31/event-source-mappings/", "", Map.of(), ("{\"EventSourceArn\":\"" + missing
                    + "\",\"FunctionName\":\"consumer\"}").getBytes(StandardCharsets.UTF_8)), "InvalidParameterValueException", 400,
                    "Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified "
                            + "queue does not exist or you do not have access to it.");
        }
        assertError(() -> call("POST", "/2015-03-31/event-source-mappings/", "", Map.of(), ("{\"EventSourceArn\":\"" + arn
                + "\",\"FunctionName\":\"consumer\",\"ScalingConfig\":{\"MaximumConcurrency\":1001}}").getBytes(StandardCharsets.UTF_8)),
                "ValidationException", 400, "1 validation error detected: Value '1001' at 'scalingConfig.maximumConcurrency' failed to satisfy "
                        + "constraint: Member must have value less than or equal to 1000");
        kinesis.create("clicks", "us-east-1", 1, "PROVISIONED", Map.of());
        assertError(() -> call("POST", "/2015-03-31/event-source-mappings/", "", Map.of(), ("{\"EventSourceArn\":\"arn:aws:kinesis:us-east-1:"
                + "000000000000:stream/clicks\",\"FunctionName\":\"consumer\",\"StartingPosition\":\"LATEST\",\"ScalingConfig\":"
                + "{\"MaximumConcurrency\":2}}").getBytes(StandardCharsets.UTF_8)), "InvalidParameterValueException", 400,
                "ScalingConfig is only valid for SQS event sources.");
        // a stream lives in the region that created it: its ARN naming another region names no stream
        assertError(() -> call("POST", "/2015-03-31/event-source-mappings/", "", Map.of(), ("{\"EventSourceArn\":\"arn:aws:kinesis:eu-west-1:"
                + "000000000000:stream/clicks\",\"FunctionName\":\"consumer\",\"StartingPosition\":\"LATEST\"}").getBytes(StandardCharsets.UTF_8)),
                "InvalidParameterValueException", 400, "Stream not found: arn:aws:kinesis:eu-west-1:000000000000:stream/clicks");
    }

    private static Queue queue(String name)
    {
        return new Queue(name, Optional.empty(), 0, 0, 30, 345_600, 0, 262_144, 0, Optional.empty(), false, false, Map.of(), Map.of());
    }

    @Test
    void eventSourceMappingsAreCheckedAsLambdaChecksThemAndKeptForThePollers()
            throws Exception
    {
        createActive("consumer");
        kinesis.create("clicks", "us-east-1", 4, "PROVISIONED", Map.of());
        String stream = "arn:aws:kinesis:us-east-1:000000000000:stream/clicks";
        RecordedResponse created = call("POST", "/2015-03-31/event-source-mappings/", "", Map.of(), ("{\"EventSourceArn\":\"" + stream
                + "\",\"FunctionName\":\"consumer\",\"StartingPosition\":\"TRIM_HORIZON\",\"BatchSize\":500,\"ParallelizationFactor\":2,"
                + "\"BisectBatchOnFunctionError\":true,\"MaximumRetryAttempts\":3,\"FunctionResponseTypes\":[\"ReportBatchItemFailures\"],"
                + "\"DestinationConfig\":{\"OnFailure\":{\"Destination\":\"arn:aws:sqs:us-east-1:000000000000:failed\"}},"
                + "\"FilterCriteria\":{\"Filters\":[{\"Pattern\":\"{\\\"data\\\":{\\\"kind\\\":[\\\"click\\\"]}}\"}]}}").getBytes(StandardCharsets.UTF_8));
        assertThat(created.status()).isEqualTo(202);
        JsonNode mapping = json(created);
        String uuid = mapping.path("UUID").asText();
        assertThat(mapping.path("State").asText()).isEqualTo("Creating");
        assertThat(mapping.path("EventSourceArn").asText()).isEqualTo(stream);
        assertThat(mapping.path("FunctionArn").asText()).isEqualTo(ARN + "consumer");
        assertThat(mapping.path("BatchSize").asInt()).isEqualTo(500);
        assertThat(mapping.path("ParallelizationFactor").asInt()).isEqualTo(2);
        assertThat(mapping.path("MaximumRecordAgeInSeconds").asInt()).isEqualTo(-1);
        assertThat(mapping.path("FunctionResponseTypes").get(0).asText()).isEqualTo("ReportBatchItemFailures");
        assertThat(mapping.path("FilterCriteria").path("Filters").get(0).path("Pattern").asText()).isEqualTo("{\"data\":{\"kind\":[\"click\"]}}");

        JsonNode listed = json(call("GET", "/2015-03-31/event-source-mappings/", "FunctionName=consumer", Map.of(), new byte[0]));
        assertThat(listed.path("EventSourceMappings").findValuesAsText("UUID")).containsExactly(uuid);
        JsonNode updated = json(call("PUT", "/2015-03-31/event-source-mappings/" + uuid, "", Map.of(), "{\"BatchSize\":10,\"Enabled\":false}"
                .getBytes(StandardCharsets.UTF_8)));
        assertThat(updated.path("BatchSize").asInt()).isEqualTo(10);
        assertThat(json(call("GET", "/2015-03-31/event-source-mappings/" + uuid, "", Map.of(), new byte[0])).path("State").asText()).isEqualTo("Disabled");

        assertError(() -> call("POST", "/2015-03-31/event-source-mappings/", "", Map.of(), ("{\"EventSourceArn\":\""
                        + "arn:aws:kinesis:us-east-1:000000000000:stream/nope\",\"FunctionName\":\"consumer\",\"StartingPosition\":\"LATEST\"}")
                        .getBytes(StandardCharsets.UTF_8)), "InvalidParameterValueException", 400,
                "Stream not found: arn:aws:kinesis:us-east-1:000000000000:stream/nope");
        assertError(() -> call("POST", "/2015-03-31/event-source-mappings/", "", Map.of(), ("{\"SelfManagedEventSource\":{\"Endpoints\":"
                        + "{\"KAFKA_BOOTSTRAP_SERVERS\":[\"127.0.0.1:9092\"]}},\"Topics\":[\"orders\"],\"FunctionName\":\"consumer\","
                        + "\"StartingPosition\":\"LATEST\",\"BisectBatchOnFunctionError\":true}").getBytes(StandardCharsets.UTF_8)),
                "InvalidParameterValueException", 400, "BisectBatchOnFunctionError is not supported for Kafka event sources");
        assertError(() -> call("POST", "/2015-03-31/event-source-mappings/", "", Map.of(), ("{\"EventSourceArn\":\"" + stream
                        + "\",\"FunctionName\":\"consumer\",\"StartingPosition\":\"LATEST\",\"FilterCriteria\":{\"Filters\":[{\"Pattern\":"
                        + "\"{\\\"data\\\":{\\\"n\\\":[{\\\"numeric\\\":[\\\">\\\",5,\\\"<\\\",1]}]}}\"}]}}").getBytes(StandardCharsets.UTF_8)),
                "InvalidParameterValueException", 400,
                "Invalid filter pattern definition: {\"data\":{\"n\":[{\"numeric\":[\">\",5,\"<\",1]}]}}: Bottom must be less than top");
        assertError(() -> call("POST", "/2015-03-31/event-source-mappings/", "", Map.of(), ("{\"EventSourceArn\":\"" + stream
                        + "\",\"FunctionName\":\"nope\",\"StartingPosition\":\"LATEST\"}").getBytes(StandardCharsets.UTF_8)),
                "ResourceNotFoundException", 404, "Function not found: " + ARN + "nope");

        RecordedResponse deleted = call("DELETE", "/2015-03-31/event-source-mappings/" + uuid, "", Map.of(), new byte[0]);
        assertThat(json(deleted).path("State").asText()).isEqualTo("Deleting");
        assertError(() -> call("GET", "/2015-03-31/event-source-mappings/" + uuid, "", Map.of(), new byte[0]), "ResourceNotFoundException", 404,
                "The resource you requested does not exist.");
    }

    @Test
    void anArnOfAnotherRegionNamesNoFunction()
            throws Exception
    {
        createActive("regional");
        assertError(() -> call("GET", "/2015-03-31/functions/arn:aws:lambda:eu-west-1:000000000000:function:regional", "", Map.of(), new byte[0]),
                "ResourceNotFoundException", 404, "Function not found: arn:aws:lambda:eu-west-1:000000000000:function:regional");
        assertError(() -> call("POST", "/2015-03-31/functions/arn:aws:lambda:eu-west-1:000000000000:function:regional/invocations", "", Map.of(),
                "{}".getBytes(StandardCharsets.UTF_8)), "ResourceNotFoundException", 404, "Function not found: arn:aws:lambda:eu-west-1:000000000000:function:regional");
        assertThat(json(call("GET", "/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:regional", "", Map.of(), new byte[0]))
                .path("Configuration").path("FunctionName").asText()).isEqualTo("regional");

        Authenticator.Caller west = new Authenticator.Caller("test", "us-west-2");
        JsonNode created = json(call(west, "POST", "/2015-03-31/functions", "", Map.of(), createRequest("western", zip(Map.of("handler.py", "x = 1\n")))));
        assertThat(created.path("FunctionArn").asText()).isEqualTo("arn:aws:lambda:us-west-2:000000000000:function:western");
        // names are one namespace across regions: the function answers a caller of any region, with the ARN of its own
        assertThat(json(call("GET", "/2015-03-31/functions/western/configuration", "", Map.of(), new byte[0])).path("FunctionArn").asText())
                .isEqualTo("arn:aws:lambda:us-west-2:000000000000:function:western");
        assertError(() -> call(west, "GET", "/2017-03-31/tags/arn:aws:lambda:us-east-1:000000000000:function:western", "", Map.of(), new byte[0]),
                "ResourceNotFoundException", 404, "Function not found: arn:aws:lambda:us-east-1:000000000000:function:western");
        assertThat(json(call(west, "GET", "/2017-03-31/tags/arn:aws:lambda:us-west-2:000000000000:function:western", "", Map.of(), new byte[0]))
                .path("Tags").path("team").asText()).isEqualTo("data");
    }

    @Test
    void invokeRefusesAClientContextAndAPayloadThatAreNotUtf8Json()
            throws Exception
    {
        createActive("invoked");
        for (String context : List.of("!!", Base64.getEncoder().encodeToString("[]".getBytes(StandardCharsets.UTF_8)),
                Base64.getEncoder().encodeToString(new byte[] {'{', '"', (byte) 0xFF, '"', ':', '1', '}'}))) {
            assertError(() -> call("POST", "/2015-03-31/functions/invoked/invocations", "", Map.of("X-Amz-Client-Context", context), "{}"
                    .getBytes(StandardCharsets.UTF_8)), "InvalidRequestContentException", 400, "Client context must be a valid Base64-encoded JSON object.");
        }
        // an overlong '/' and an encoded surrogate, which a JSON parser alone lets through in a string
        for (byte[] notUtf8 : List.of(new byte[] {(byte) 0xC0, (byte) 0xAF}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})) {
            byte[] payload = ("{\"a\":\"" + new String(notUtf8, StandardCharsets.ISO_8859_1) + "\"}").getBytes(StandardCharsets.ISO_8859_1);
            assertError(() -> call("POST", "/2015-03-31/functions/invoked/invocations", "", Map.of(), payload), "InvalidRequestContentException", 400,
                    "Could not parse request body into json: Could not parse payload into json: the payload is not UTF-8");
        }
        assertThat(runner.requests).isEmpty();
    }

    @Test
    void parametersAreCheckedAsLambdaChecksThem()
            throws Exception
    {
        createActive("checked");
        byte[] none = new byte[0];
        assertError(() -> call("PUT", "/2015-03-31/functions/checked/configuration", "", Map.of(), "{\"Timeout\":\"3\"}".getBytes(StandardCharsets.UTF_8)),
                "InvalidRequestContentException", 400, "'Timeout' must be an integer, not string \"3\"");
        String zip = Base64.getEncoder().encodeToString(zip(Map.of("handler.py", "def handle(event, context):\n    return 2\n")));
        assertError(() -> call("PUT", "/2015-03-31/functions/checked/code", "", Map.of(), ("{\"Architectures\":\"x86_64\",\"ZipFile\":\"" + zip + "\"}")
                .getBytes(StandardCharsets.UTF_8)), "InvalidRequestContentException", 400, "'Architectures' must be a list, not string \"x86_64\"");
        assertError(() -> call("GET", "/2015-03-31/functions/checked:1/aliases", "", Map.of(), none), "InvalidParameterValueException", 400,
                "This operation takes an unqualified function name; remove the qualifier 1");
        assertError(() -> call("GET", "/2015-03-31/functions/checked/aliases", "FunctionVersion=x", Map.of(), none), "ValidationException", 400,
                "Value 'x' at 'functionVersion' failed to satisfy constraint");
        assertError(() -> call("POST", "/2015-03-31/functions/checked/versions", "", Map.of(), "{\"Description\":1}".getBytes(StandardCharsets.UTF_8)),
                "InvalidRequestContentException", 400, "'Description' must be a string, not number 1");
        assertError(() -> call("POST", "/2017-03-31/tags/" + ARN + "checked", "", Map.of(), "{}".getBytes(StandardCharsets.UTF_8)), "ValidationException", 400,
                "Value null at 'Tags' failed to satisfy constraint: Member must not be null");
        assertError(() -> call("DELETE", "/2017-03-31/tags/" + ARN + "checked", "", Map.of(), none), "ValidationException", 400,
                "Value null at 'tagKeys' failed to satisfy constraint: Member must not be null");
        for (String maxItems : List.of("1.5", "0", "-1", "9223372036854775808")) {
            assertError(() -> call("GET", "/2015-03-31/event-source-mappings/", "MaxItems=" + maxItems, Map.of(), none), "ValidationException", 400,
                    "Value '" + maxItems + "' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 10000");
        }
        assertError(() -> call("GET", "/2015-03-31/event-source-mappings/", "EventSourceArn=clicks", Map.of(), none), "ValidationException", 400,
                "Value 'clicks' at 'eventSourceArn' failed to satisfy constraint");
    }

    private void createActive(String name)
            throws Exception
    {
        call("POST", "/2015-03-31/functions", "", Map.of(), createRequest(name, zip(Map.of("handler.py", "def handle(event, context):\n    return event\n"))));
        await().until(() -> json(call("GET", "/2015-03-31/functions/" + name + "/configuration", "", Map.of(), new byte[0])).path("State").asText()
                .equals("Active"));
    }

    private static byte[] createRequest(String name, byte[] zip)
    {
        return ("{\"FunctionName\":\"" + name + "\",\"Runtime\":\"python3.12\",\"Role\":\"arn:aws:iam::000000000000:role/lambda\",\"Handler\":"
                + "\"handler.handle\",\"MemorySize\":256,\"Environment\":{\"Variables\":{\"STAGE\":\"test\"}},\"Tags\":{\"team\":\"data\"},"
                + "\"Code\":{\"ZipFile\":\"" + Base64.getEncoder().encodeToString(zip) + "\"}}").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] zip(Map<String, String> files)
            throws IOException
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, String> file : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(file.getKey()));
                zip.write(file.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private RecordedResponse call(String method, String path, String query, Map<String, String> headers, byte[] body)
            throws Exception
    {
        return call(CALLER, method, path, query, headers, body);
    }

    private RecordedResponse call(Authenticator.Caller caller, String method, String path, String query, Map<String, String> headers, byte[] body)
            throws Exception
    {
        Map<String, List<String>> all = new java.util.LinkedHashMap<>();
        headers.forEach((name, value) -> all.put(name, List.of(value)));
        all.put("content-type", List.of("application/json"));
        RecordedResponse response = new RecordedResponse();
        lambda.handle(new AwsRequest(method, path, query, all, new ByteArrayInputStream(body), "127.0.0.1"), caller, response);
        return response;
    }

    private static JsonNode json(RecordedResponse response)
            throws IOException
    {
        return JSON.readTree(response.body());
    }

    private interface Call
    {
        void run()
                throws Exception;
    }

    private static void assertError(Call call, String code, int status, String message)
    {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(ServiceException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(code);
                    assertThat(e.httpStatus()).isEqualTo(status);
                })
                .hasMessageContaining(message);
    }
}
