package io.lakestack.it;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.it.handlers.OrderTotalHandler;
import io.lakestack.testing.AwsCli;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionCode;
import software.amazon.awssdk.services.lambda.model.GetPolicyResponse;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.PreconditionFailedException;
import software.amazon.awssdk.services.lambda.model.State;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.s3.model.FilterRuleName;
import software.amazon.awssdk.services.s3.model.LambdaFunctionConfiguration;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Functions through the Lambda API on the real stack, run by the function runner as local processes: a Python function
 * (lakestack's bootstrap) and a Java one (AWS's runtime interface client), synchronous invocations with their payloads,
 * errors and log tails, versions and aliases, the deployment package behind GetFunction's {@code Code.Location}, the
 * functions' output in CloudWatch Logs, an S3 trigger whose function writes back with boto3, and the AWS CLI.
 */
@LakestackTest
@Order(62)
class LambdaIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(180);
    private static final String ROLE = "arn:aws:iam::000000000000:role/it-role";
    private static final String ECHO = """
            def handler(event, context):
                if event.get("fail"):
                    raise ValueError("asked to fail")
                print("hello from " + context.function_name)
                return {"echo": event, "request": context.aws_request_id, "function": context.function_name, "version": context.function_version}
            """;
    private static final String SECOND = """
            def handler(event, context):
                return {"v": 2}
            """;
    private static final String UPPERCASE = """
            import boto3

            s3 = boto3.client("s3")

            def handler(event, context):
                for record in event["Records"]:
                    bucket = record["s3"]["bucket"]["name"]
                    key = record["s3"]["object"]["key"]
                    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
                    s3.put_object(Bucket=bucket, Key="out/" + key[len("in/"):], Body=body.upper())
                    print("converted " + key)
            """;

    private final TestStack stack;

    LambdaIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @Test
    void pythonFunctionAnswersFailsAndLogs()
            throws Exception
    {
        byte[] code = LambdaPackages.zip("index.py", ECHO);
        try (LambdaClient lambda = stack.client(LambdaClient.builder());
                CloudWatchLogsClient logs = stack.client(CloudWatchLogsClient.builder())) {
            String arn = createPython(lambda, "it-echo", code);
            assertThat(arn).isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:it-echo");

            InvokeResponse answer = lambda.invoke(request -> request.functionName("it-echo").logType(LogType.TAIL)
                    .payload(SdkBytes.fromUtf8String("{\"order\":17}")));
            String requestId = answer.responseMetadata().requestId();
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.functionError()).isNull();
            assertThat(answer.executedVersion()).isEqualTo("$LATEST");
            assertThat(JSON.readTree(answer.payload().asUtf8String())).isEqualTo(JSON.readTree(
                    "{\"echo\":{\"order\":17},\"request\":\"" + requestId + "\",\"function\":\"it-echo\",\"version\":\"$LATEST\"}"));
            List<String> tail = new String(Base64.getDecoder().decode(answer.logResult()), StandardCharsets.UTF_8).lines().toList();
            assertThat(tail).contains("hello from it-echo");
            assertThat(tail).anyMatch(line -> line.startsWith("START RequestId: " + requestId + " Version: $LATEST"));
            assertThat(tail).anyMatch(line -> line.startsWith("END RequestId: " + requestId));
            assertThat(tail).anyMatch(line -> line.startsWith("REPORT RequestId: " + requestId + "\tDuration: "));

            InvokeResponse failed = lambda.invoke(request -> request.functionName(arn).payload(SdkBytes.fromUtf8String("{\"fail\":true}")));
            assertThat(failed.statusCode()).isEqualTo(200);
            assertThat(failed.functionError()).isEqualTo("Unhandled");
            JsonNode error = JSON.readTree(failed.payload().asUtf8String());
            assertThat(error.path("errorMessage").asText()).isEqualTo("asked to fail");
            assertThat(error.path("errorType").asText()).isEqualTo("ValueError");

            // the function's own output is in CloudWatch Logs, in its group, under the stream of its environment
            List<String> messages = Eventually.read(TIMEOUT, () -> logs.filterLogEvents(request -> request.logGroupName("/aws/lambda/it-echo")
                    .filterPattern("\"hello from\"")).events().stream().map(FilteredLogEvent::message).map(String::strip).toList(),
                    read -> assertThat(read).containsExactly("hello from it-echo"));
            assertThat(messages).hasSize(1);

            // Code.Location serves the deployment package as it was uploaded
            String location = lambda.getFunction(request -> request.functionName("it-echo")).code().location();
            HttpResponse<byte[]> download = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(location)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(download.statusCode()).isEqualTo(200);
            assertThat(download.body()).isEqualTo(code);
        }
    }

    @Test
    void versionsAndAliasesKeepTheCodeTheyWerePublishedWith()
            throws Exception
    {
        try (LambdaClient lambda = stack.client(LambdaClient.builder())) {
            createPython(lambda, "it-versions", LambdaPackages.zip("index.py", ECHO));
            assertThat(lambda.publishVersion(request -> request.functionName("it-versions")).version()).isEqualTo("1");
            lambda.createAlias(request -> request.functionName("it-versions").name("live").functionVersion("1"));
            SdkBytes second = SdkBytes.fromByteArray(LambdaPackages.zip("index.py", SECOND));
            lambda.updateFunctionCode(request -> request.functionName("it-versions").zipFile(second));
            lambda.waiter().waitUntilFunctionUpdatedV2(request -> request.functionName("it-versions"));

            InvokeResponse latest = lambda.invoke(request -> request.functionName("it-versions").payload(SdkBytes.fromUtf8String("{}")));
            assertThat(JSON.readTree(latest.payload().asUtf8String())).isEqualTo(JSON.readTree("{\"v\":2}"));
            assertThat(latest.executedVersion()).isEqualTo("$LATEST");
            for (String qualifier : List.of("1", "live")) {
                InvokeResponse published = lambda.invoke(request -> request.functionName("it-versions").qualifier(qualifier)
                        .payload(SdkBytes.fromUtf8String("{\"n\":1}")));
                assertThat(published.executedVersion()).isEqualTo("1");
                assertThat(JSON.readTree(published.payload().asUtf8String()).path("version").asText()).isEqualTo("1");
                assertThat(JSON.readTree(published.payload().asUtf8String()).path("echo")).isEqualTo(JSON.readTree("{\"n\":1}"));
            }
        }
    }

    @Test
    void policyStatementsAreAddedAnsweredAndRemovedUnderTheRevisionGetPolicyAnswers()
            throws Exception
    {
        try (LambdaClient lambda = stack.client(LambdaClient.builder())) {
            createPython(lambda, "it-policy", LambdaPackages.zip("index.py", ECHO));
            lambda.addPermission(request -> request.functionName("it-policy").statementId("s3").action("lambda:InvokeFunction")
                    .principal("s3.amazonaws.com").sourceArn("arn:aws:s3:::it-policy-bucket").sourceAccount("000000000000"));
            lambda.addPermission(request -> request.functionName("it-policy").statementId("events").action("lambda:InvokeFunction")
                    .principal("events.amazonaws.com"));
            GetPolicyResponse policy = lambda.getPolicy(request -> request.functionName("it-policy"));
            String arn = lambda.getFunction(request -> request.functionName("it-policy")).configuration().functionArn();
            assertThat(JSON.readTree(policy.policy())).isEqualTo(JSON.readTree("""
                    {"Version":"2012-10-17","Id":"default","Statement":[
                      {"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"%s",
                       "Condition":{"StringEquals":{"AWS:SourceAccount":"000000000000"},"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::it-policy-bucket"}}},
                      {"Sid":"events","Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"%s"}]}
                    """.formatted(arn, arn)));
            assertThat(policy.revisionId()).isEqualTo(lambda.getFunction(request -> request.functionName("it-policy")).configuration().revisionId());

            // a RevisionId other than the one GetPolicy answered is refused, and the statement stays
            assertThatThrownBy(() -> lambda.removePermission(request -> request.functionName("it-policy").statementId("s3").revisionId("stale")))
                    .isInstanceOf(PreconditionFailedException.class)
                    .hasMessageStartingWith("The Revision Id provided does not match the latest Revision Id.");
            assertThatThrownBy(() -> lambda.addPermission(request -> request.functionName("it-policy").statementId("sns").action("lambda:InvokeFunction")
                    .principal("sns.amazonaws.com").revisionId("stale")))
                    .isInstanceOf(PreconditionFailedException.class);
            assertThat(JSON.readTree(lambda.getPolicy(request -> request.functionName("it-policy")).policy()).path("Statement").size()).isEqualTo(2);

            lambda.removePermission(request -> request.functionName("it-policy").statementId("s3").revisionId(policy.revisionId()));
            JsonNode remaining = JSON.readTree(lambda.getPolicy(request -> request.functionName("it-policy")).policy()).path("Statement");
            assertThat(remaining.size()).isEqualTo(1);
            assertThat(remaining.get(0).path("Sid").asText()).isEqualTo("events");
            assertThatThrownBy(() -> lambda.removePermission(request -> request.functionName("it-policy").statementId("s3")))
                    .isInstanceOf(software.amazon.awssdk.services.lambda.model.ResourceNotFoundException.class);
        }
    }

    @Test
    void javaFunctionRunsOnAwsRuntimeInterfaceClient()
            throws Exception
    {
        try (LambdaClient lambda = stack.client(LambdaClient.builder())) {
            SdkBytes code = SdkBytes.fromByteArray(javaPackage());
            lambda.createFunction(request -> request.functionName("it-java-orders").runtime("java17").handler(OrderTotalHandler.class.getName() + "::handleRequest")
                    .role(ROLE).memorySize(512).timeout(30).code(FunctionCode.builder().zipFile(code).build()));
            lambda.waiter().waitUntilFunctionActiveV2(request -> request.functionName("it-java-orders"));

            InvokeResponse answer = lambda.invoke(request -> request.functionName("it-java-orders")
                    .payload(SdkBytes.fromUtf8String("{\"id\":\"o-1\",\"amounts\":[3,4,5]}")));
            assertThat(answer.functionError()).isNull();
            assertThat(JSON.readTree(answer.payload().asUtf8String())).isEqualTo(JSON.readTree(
                    "{\"id\":\"o-1\",\"total\":12,\"function\":\"it-java-orders:$LATEST\"}"));

            InvokeResponse failed = lambda.invoke(request -> request.functionName("it-java-orders").payload(SdkBytes.fromUtf8String("{\"id\":\"o-2\"}")));
            assertThat(failed.functionError()).isEqualTo("Unhandled");
            JsonNode error = JSON.readTree(failed.payload().asUtf8String());
            assertThat(error.path("errorType").asText()).isEqualTo("java.lang.IllegalArgumentException");
            assertThat(error.path("errorMessage").asText()).isEqualTo("order o-2 has no amounts");
        }
    }

    @Test
    void s3TriggerRunsTheFunctionWhichWritesBackWithBoto3()
            throws Exception
    {
        String bucket = "it-lambda-trigger";
        try (LambdaClient lambda = stack.client(LambdaClient.builder()); S3Client s3 = stack.s3()) {
            String arn = createPython(lambda, "it-uppercase", LambdaPackages.zip("index.py", UPPERCASE));
            s3.createBucket(request -> request.bucket(bucket));
            s3.putBucketNotificationConfiguration(request -> request.bucket(bucket).notificationConfiguration(configuration -> configuration
                    .lambdaFunctionConfigurations(LambdaFunctionConfiguration.builder().lambdaFunctionArn(arn).events(Event.S3_OBJECT_CREATED)
                            .filter(filter -> filter.key(key -> key.filterRules(rule -> rule.name(FilterRuleName.PREFIX).value("in/")))).build())));
            s3.putObject(request -> request.bucket(bucket).key("in/greeting.txt"), RequestBody.fromString("hello, lambda"));

            String converted = Eventually.read(TIMEOUT, () -> {
                try {
                    return s3.getObjectAsBytes(request -> request.bucket(bucket).key("out/greeting.txt")).asUtf8String();
                }
                catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
                    return "";
                }
            }, read -> assertThat(read).isEqualTo("HELLO, LAMBDA"));
            assertThat(converted).isEqualTo("HELLO, LAMBDA");
        }
    }

    @Test
    void awsCliCreatesAndInvokesAFunction()
            throws Exception
    {
        AwsCli aws = AwsCli.required(stack);
        Path directory = Files.createTempDirectory("lakestack-cli-lambda");
        Path zip = Files.write(directory.resolve("function.zip"), LambdaPackages.zip("index.py", ECHO));
        AwsCli.Result created = aws.run("lambda", "create-function", "--function-name", "it-cli-echo", "--runtime", LambdaPackages.pythonRuntime(),
                "--handler", "index.handler", "--role", ROLE, "--zip-file", "fileb://" + zip);
        assertThat(created.exitCode()).isEqualTo(0);
        assertThat(JSON.readTree(created.stdout()).path("FunctionArn").asText()).isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:it-cli-echo");
        assertThat(aws.run("lambda", "wait", "function-active-v2", "--function-name", "it-cli-echo")).isEqualTo(new AwsCli.Result(0, "", ""));

        Path out = directory.resolve("out.json");
        AwsCli.Result invoked = aws.run("lambda", "invoke", "--function-name", "it-cli-echo", "--cli-binary-format", "raw-in-base64-out",
                "--payload", "{\"from\":\"cli\"}", out.toString());
        assertThat(invoked.exitCode()).isEqualTo(0);
        assertThat(JSON.readTree(invoked.stdout())).isEqualTo(JSON.readTree("{\"StatusCode\":200,\"ExecutedVersion\":\"$LATEST\"}"));
        JsonNode answer = JSON.readTree(Files.readString(out));
        assertThat(answer.path("echo")).isEqualTo(JSON.readTree("{\"from\":\"cli\"}"));
        assertThat(answer.path("function").asText()).isEqualTo("it-cli-echo");

        AwsCli.Result missing = aws.run("lambda", "get-function", "--function-name", "it-cli-missing");
        assertThat(missing.exitCode()).isEqualTo(254);
        assertThat(missing.stderr().strip()).isEqualTo("An error occurred (ResourceNotFoundException) when calling the GetFunction operation: "
                + "Function not found: arn:aws:lambda:us-east-1:000000000000:function:it-cli-missing");
    }

    private static String createPython(LambdaClient lambda, String name, byte[] zip)
            throws IOException
    {
        String runtime = LambdaPackages.pythonRuntime();
        String arn = lambda.createFunction(request -> request.functionName(name).runtime(runtime).handler("index.handler").role(ROLE).timeout(30)
                .code(code -> code.zipFile(SdkBytes.fromByteArray(zip)))).functionArn();
        State state = lambda.waiter().waitUntilFunctionActiveV2(request -> request.functionName(name)).matched().response().orElseThrow()
                .configuration().state();
        assertThat(state).isEqualTo(State.ACTIVE);
        return arn;
    }

    /** The handler class at the root and aws-lambda-java-core in lib/, as a function's author packages it. */
    private static byte[] javaPackage()
            throws IOException, URISyntaxException
    {
        Path classes = Path.of(OrderTotalHandler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String entry = OrderTotalHandler.class.getName().replace('.', '/') + ".class";
        Path core = Path.of(RequestHandler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(entry, Files.readAllBytes(classes.resolve(entry)));
        files.put("lib/" + core.getFileName(), Files.readAllBytes(core));
        return LambdaPackages.zip(files);
    }
}
