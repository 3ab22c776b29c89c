package io.lakestack.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AliasConfiguration;
import software.amazon.awssdk.services.lambda.model.EventSourcePosition;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.GetEventSourceMappingResponse;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * Fuzzing of Lambda (REST-JSON): every operation it routes, with the inputs {@link RestJsonFuzz} makes of its path
 * parameters (function names of bad forms and lengths, ARNs of other services, regions and accounts, qualifiers that
 * are malformed or name nothing), query parameters, headers and body, is answered within {@link JsonFuzz#BOUND} with a
 * Lambda error (4xx), and the function it ran against still invokes afterwards, and logs. Invoke's payload is also sent
 * at and just over the limits of a synchronous (6 MiB) and an asynchronous (256 KiB) invocation.
 *
 * <p>The fuzzed function has a published version and an alias of it, a disabled event source mapping (nothing polls)
 * and a tag. Well-formed requests that change it change nothing the checks afterwards read but its configuration,
 * which they set to what the checks expect; those that would delete something name what does not exist.
 */
@LakestackTest
@Order(67)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LambdaFuzzIntegrationTest
{
    private static final long SEED = 20150331L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String FUNCTION = "it-lambda-fuzz";
    private static final String ARN = "arn:aws:lambda:us-east-1:000000000000:function:" + FUNCTION;
    private static final String ROLE = "arn:aws:iam::000000000000:role/it-role";
    private static final String STREAM = "it-lambda-fuzz";
    private static final String STREAM_ARN = "arn:aws:kinesis:us-east-1:000000000000:stream/" + STREAM;
    private static final String SOURCE = """
            import json

            def handler(event, context):
                print("invoked version " + context.function_version)
                return {"version": context.function_version, "event": event if len(json.dumps(event)) < 1000 else "large"}
            """;
    private static final int MAX_SYNC_PAYLOAD = 6 * 1024 * 1024;
    private static final int MAX_ASYNC_PAYLOAD = 256 * 1024;
    private static final Set<String> LAMBDA_ERRORS = Set.of("ResourceNotFoundException", "InvalidParameterValueException", "InvalidRequestContentException",
            "RequestTooLargeException", "RequestEntityTooLargeException", "ResourceConflictException", "PreconditionFailedException",
            "TooManyRequestsException", "UnsupportedMediaTypeException", "ValidationException", "UnknownOperationException");

    private final TestStack stack;
    private LambdaClient lambda;
    private String mapping;
    private RestJsonFuzz.Service service;

    LambdaFuzzIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void createFunction()
            throws IOException
    {
        lambda = stack.client(LambdaClient.builder());
        LambdaPackages.createPythonFunction(lambda, FUNCTION, SOURCE, 30, Map.of());
        lambda.publishVersion(request -> request.functionName(FUNCTION));
        lambda.createAlias(request -> request.functionName(FUNCTION).name("live").functionVersion("1"));
        lambda.tagResource(request -> request.resource(ARN).tags(Map.of("team", "it")));
        // the statement AddPermission's well-formed request names is there, so that request conflicts however often it is sent
        lambda.addPermission(request -> request.functionName(FUNCTION).qualifier("live").statementId("fuzz-s3").action("lambda:InvokeFunction")
                .principal("s3.amazonaws.com"));
        try (KinesisClient kinesis = stack.kinesis()) {
            kinesis.createStream(request -> request.streamName(STREAM).shardCount(1));
        }
        mapping = lambda.createEventSourceMapping(request -> request.functionName(FUNCTION).eventSourceArn(STREAM_ARN)
                .startingPosition(EventSourcePosition.LATEST).enabled(false)).uuid();
        service = lambda(LambdaPackages.pythonRuntime(), lambda.getFunctionConfiguration(request -> request.functionName(FUNCTION)).codeSha256(),
                Base64.getEncoder().encodeToString(LambdaPackages.zip("index.py", SOURCE)), mapping);
    }

    @AfterAll
    void close()
    {
        lambda.deleteEventSourceMapping(request -> request.uuid(mapping));
        lambda.close();
    }

    /**
     * Lambda's operations, on the fuzzed function's path ({@code function}), or, for those that would delete or replace
     * what the checks afterwards read, on that of a function that does not exist ({@code missing}).
     */
    private static RestJsonFuzz.Service lambda(String runtime, String codeSha256, String zip, String mapping)
    {
        String function = "/2015-03-31/functions/{FunctionName=" + FUNCTION + "}";
        String missing = "/2015-03-31/functions/{FunctionName=fuzz-missing}";
        String invokeConfig = "/2019-09-25/functions/{FunctionName=" + FUNCTION + "}/event-invoke-config";
        String tags = "/2017-03-31/tags/{ARN=" + ARN + "}";
        String mappings = "/2015-03-31/event-source-mappings";
        String architecture = System.getProperty("os.arch").equals("aarch64") ? "arm64" : "x86_64";
        String configuration = "Runtime:string=" + runtime + " Handler:string=index.handler Role:string=" + ROLE + " Timeout:integer=30 "
                + "MemorySize:integer=256 Environment:structure={\"Variables\":{\"FUZZ\":\"1\"}} EphemeralStorage:structure={\"Size\":512} "
                + "DeadLetterConfig:structure TracingConfig:structure={\"Mode\":\"PassThrough\"}";
        String invokeConfigBody = "MaximumRetryAttempts:integer=1 MaximumEventAgeInSeconds:integer=600 "
                + "DestinationConfig:structure={\"OnFailure\":{\"Destination\":\"arn:aws:sqs:us-east-1:000000000000:it-fuzz\"}}";
        String mappingBody = "BatchSize:integer=100 MaximumBatchingWindowInSeconds:integer=0 ParallelizationFactor:integer=1 "
                + "MaximumRetryAttempts:integer=-1 MaximumRecordAgeInSeconds:integer=-1 BisectBatchOnFunctionError:boolean TumblingWindowInSeconds:integer=0 "
                + "FunctionResponseTypes:strings=[] FilterCriteria:structure={\"Filters\":[{\"Pattern\":\"{}\"}]} DestinationConfig:structure";
        return new RestJsonFuzz.Service("lambda", LAMBDA_ERRORS, LambdaFuzzIntegrationTest::pathValues,
                "CreateFunction POST /2015-03-31/functions FunctionName!:string=" + FUNCTION + " Runtime!:string=" + runtime + " Handler!:string=index.handler "
                        + "Role!:string=" + ROLE + " Code!:structure={\"ZipFile\":\"" + zip + "\"} Description:string=d Timeout:integer=3 "
                        + "MemorySize:integer=128 Publish:boolean Environment:structure={\"Variables\":{\"A\":\"1\"}} Tags:map={\"k\":\"v\"} "
                        + "Architectures:strings=[\"" + architecture + "\"] EphemeralStorage:structure={\"Size\":512} DeadLetterConfig:structure "
                        + "TracingConfig:structure={\"Mode\":\"PassThrough\"} PackageType:string=Zip",
                "+ListFunctions GET /2015-03-31/functions ?FunctionVersion:string=ALL ?Marker:token ?MaxItems:integer=10",
                "+GetFunction GET " + function + " ?Qualifier:string=live",
                "+GetFunctionConfiguration GET " + function + "/configuration ?Qualifier:string=1",
                "DeleteFunction DELETE " + missing + " ?Qualifier:string=1",
                "UpdateFunctionCode PUT " + missing + "/code ZipFile:blob=" + zip + " Publish:boolean Architectures:strings=[\"" + architecture + "\"] "
                        + "RevisionId:token",
                "+UpdateFunctionConfiguration PUT " + function + "/configuration Description:string=fuzzed " + configuration + " RevisionId:token",
                "+Invoke POST " + function + "/invocations ?Qualifier:string=live ^X-Amz-Invocation-Type:string=RequestResponse ^X-Amz-Log-Type:string=Tail "
                        + "^X-Amz-Client-Context:blob=" + Base64.getEncoder().encodeToString("{\"custom\":{\"k\":\"v\"}}".getBytes(StandardCharsets.UTF_8))
                        + " @payload={\"fuzz\":1}",
                "+PublishVersion POST " + function + "/versions CodeSha256:string=" + codeSha256 + " Description:string=d RevisionId:token",
                "+ListVersionsByFunction GET " + function + "/versions ?Marker:token ?MaxItems:integer=10",
                "CreateAlias POST " + function + "/aliases Name!:string=live FunctionVersion!:string=1 Description:string=d "
                        + "RoutingConfig:structure={\"AdditionalVersionWeights\":{}}",
                "+ListAliases GET " + function + "/aliases ?FunctionVersion:string=1 ?Marker:token ?MaxItems:integer=10",
                "+GetAlias GET " + function + "/aliases/{Name=live}",
                "+UpdateAlias PUT " + function + "/aliases/{Name=live} FunctionVersion:string=1 Description:string=fuzzed "
                        + "RoutingConfig:structure={\"AdditionalVersionWeights\":{}} RevisionId:token",
                "DeleteAlias DELETE " + function + "/aliases/{Name=fuzz-missing}",
                "+PutFunctionConcurrency PUT /2017-10-31/functions/{FunctionName=" + FUNCTION + "}/concurrency ReservedConcurrentExecutions!:integer=5",
                "+GetFunctionConcurrency GET /2019-09-30/functions/{FunctionName=" + FUNCTION + "}/concurrency",
                "+DeleteFunctionConcurrency DELETE /2017-10-31/functions/{FunctionName=" + FUNCTION + "}/concurrency",
                "+PutFunctionEventInvokeConfig PUT " + invokeConfig + " ?Qualifier:string=$LATEST " + invokeConfigBody,
                "+UpdateFunctionEventInvokeConfig POST " + invokeConfig + " ?Qualifier:string=$LATEST " + invokeConfigBody,
                "+GetFunctionEventInvokeConfig GET " + invokeConfig + " ?Qualifier:string=$LATEST",
                "+ListFunctionEventInvokeConfigs GET " + invokeConfig + "/list ?Marker:token ?MaxItems:integer=10",
                "+DeleteFunctionEventInvokeConfig DELETE " + invokeConfig + " ?Qualifier:string=$LATEST",
                "AddPermission POST " + function + "/policy ?Qualifier:string=live StatementId!:string=fuzz-s3 Action!:string=lambda:InvokeFunction "
                        + "Principal!:string=s3.amazonaws.com SourceArn:string=arn:aws:s3:::fuzz-bucket SourceAccount:string=000000000000 RevisionId:token",
                "+GetPolicy GET " + function + "/policy ?Qualifier:string=live",
                "RemovePermission DELETE " + function + "/policy/{StatementId=fuzz-missing} ?Qualifier:string=live",
                "+TagResource POST " + tags + " Tags!:map={\"fuzz\":\"v\"}",
                "+ListTags GET " + tags,
                "+UntagResource DELETE " + tags + " ?tagKeys!:strings=fuzz",
                "CreateEventSourceMapping POST " + mappings + " FunctionName!:string=" + FUNCTION + " EventSourceArn:string=" + STREAM_ARN + "-missing "
                        + "StartingPosition:string=LATEST Enabled:boolean " + mappingBody,
                "+ListEventSourceMappings GET " + mappings + " ?FunctionName:string=" + FUNCTION + " ?EventSourceArn:string=" + STREAM_ARN + " ?Marker:token "
                        + "?MaxItems:integer=10",
                "+GetEventSourceMapping GET " + mappings + "/{UUID=" + mapping + "}",
                "+UpdateEventSourceMapping PUT " + mappings + "/{UUID=" + mapping + "} FunctionName:string=" + FUNCTION + " Enabled:boolean " + mappingBody,
                "DeleteEventSourceMapping DELETE " + mappings + "/{UUID=" + new UUID(SEED, SEED) + "}",
                "+GetAccountSettings GET /2016-08-19/account-settings");
    }

    /** Values of Lambda's path parameters of the right form but naming what is not there, or of a form Lambda refuses. */
    private static List<String> pathValues(String parameter, String base, Random random)
    {
        return switch (parameter) {
            case "FunctionName" -> List.of("a".repeat(65), "fuzz.dot", "arn:aws:s3:::" + base, "arn:aws:sqs:us-east-1:000000000000:" + base,
                    "arn:aws:lambda:eu-west-1:000000000000:function:" + base, "arn:aws:lambda:us-east-1:123456789012:function:" + base,
                    "123456789012:function:" + base, "arn:aws:lambda:us-east-1:000000000000:layer:" + base, base + ":99", base + ":fuzz$",
                    base + ":" + "q".repeat(129), base + ":1:2");
            case "ARN" -> List.of(base.replace("us-east-1", "eu-west-1"), base.replace("000000000000", "123456789012"), base + ":live",
                    base.replace(":function:", ":layer:"), base.substring(base.lastIndexOf(':') + 1), "arn:aws:s3:::" + FUNCTION,
                    base.substring(0, base.lastIndexOf(':') + 1) + "fuzz-missing");
            case "Name" -> List.of("123", "a".repeat(129), "fuzz$", "fuzz-missing-" + random.nextInt(1000));
            case "StatementId" -> List.of("a".repeat(101), "fuzz$", "fuzz missing", "fuzz-missing-" + random.nextInt(1000));
            case "UUID" -> List.of(new UUID(random.nextLong(), random.nextLong()).toString(), "not-a-uuid", base + "0");
            default -> throw new IllegalArgumentException("no values for the path parameter " + parameter);
        };
    }

    @Test
    void everyOperationIsFuzzed()
            throws IOException
    {
        assertThat(RestJsonFuzz.fuzzedOperations(service)).isEqualTo(RestJsonFuzz.implementedOperations(stack, service, "/2015-03-31/fuzz-no-such-operation"));
    }

    @Test
    void malformedInputIsALambdaErrorInTimeAndTheFunctionStillInvokes()
            throws IOException
    {
        List<RestJsonFuzz.Case> cases = new ArrayList<>(RestJsonFuzz.cases(service, SEED));
        RestJsonFuzz.Operation invoke = service.operations().stream().filter(operation -> operation.name().equals("Invoke")).findFirst().orElseThrow();
        cases.add(RestJsonFuzz.request(invoke, "payload at the limit", Map.of(), Map.of(), Map.of(), largePayload(MAX_SYNC_PAYLOAD), false));
        cases.add(RestJsonFuzz.request(invoke, "payload over the limit", Map.of(), Map.of(), Map.of(), largePayload(MAX_SYNC_PAYLOAD + 1), true));
        cases.add(RestJsonFuzz.request(invoke, "Event payload over the limit", Map.of(), Map.of(), Map.of("X-Amz-Invocation-Type", "Event"),
                largePayload(MAX_ASYNC_PAYLOAD + 1), true));
        cases.add(RestJsonFuzz.request(invoke, "payload of JSON not an object", Map.of(), Map.of(), Map.of(), "[1,\"a\",null]".getBytes(StandardCharsets.UTF_8),
                false));
        // an overlong '/' and an encoded surrogate, which a JSON parser alone lets through in a string
        for (byte[] notUtf8 : List.of(new byte[] {(byte) 0xC0, (byte) 0xAF}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})) {
            byte[] payload = ("{\"fuzz\":\"" + new String(notUtf8, StandardCharsets.ISO_8859_1) + "\"}").getBytes(StandardCharsets.ISO_8859_1);
            cases.add(RestJsonFuzz.request(invoke, "payload with " + HexFormat.of().formatHex(notUtf8), Map.of(), Map.of(), Map.of(), payload, true));
        }
        System.out.println("Lambda fuzz: " + cases.size() + " requests");

        assertThat(RestJsonFuzz.run(stack, service, cases)).isEmpty();

        InvokeResponse alias = lambda.invoke(request -> request.functionName(FUNCTION).qualifier("live").payload(SdkBytes.fromUtf8String("{\"after\":1}")));
        assertThat(List.of(alias.statusCode(), Optional.ofNullable(alias.functionError()), JSON.readTree(alias.payload().asUtf8String())))
                .isEqualTo(List.of(200, Optional.empty(), JSON.readTree("{\"version\":\"1\",\"event\":{\"after\":1}}")));
        InvokeResponse latest = lambda.invoke(request -> request.functionName(FUNCTION).payload(SdkBytes.fromUtf8String("{\"after\":2}")));
        assertThat(JSON.readTree(latest.payload().asUtf8String())).isEqualTo(JSON.readTree("{\"version\":\"$LATEST\",\"event\":{\"after\":2}}"));
        GetFunctionConfigurationResponse configuration = lambda.getFunctionConfiguration(request -> request.functionName(FUNCTION));
        assertThat(List.of(configuration.description(), configuration.timeout(), configuration.memorySize(), configuration.environment().variables()))
                .isEqualTo(List.of("fuzzed", 30, 256, Map.of("FUZZ", "1")));
        assertThat(lambda.listAliases(request -> request.functionName(FUNCTION)).aliases()).extracting(AliasConfiguration::name, AliasConfiguration::functionVersion)
                .containsExactly(tuple("live", "1"));
        assertThat(lambda.listTags(request -> request.resource(ARN)).tags()).isEqualTo(Map.of("team", "it"));
        assertThat(lambda.getFunctionConcurrency(request -> request.functionName(FUNCTION)).reservedConcurrentExecutions()).isNull();
        GetEventSourceMappingResponse source = lambda.getEventSourceMapping(request -> request.uuid(mapping));
        assertThat(List.of(source.state(), source.batchSize(), source.functionArn())).isEqualTo(List.of("Disabled", 100, ARN));
        assertThat(lambda.listFunctions().functions()).extracting(FunctionConfiguration::functionName).contains(FUNCTION)
                .noneMatch(name -> name.startsWith("fuzz"));
        try (CloudWatchLogsClient logs = stack.client(CloudWatchLogsClient.builder())) {
            Eventually.read(TIMEOUT, () -> logs.filterLogEvents(request -> request.logGroupName("/aws/lambda/" + FUNCTION).filterPattern("\"invoked version 1\""))
                    .events(), events -> assertThat(events).extracting(FilteredLogEvent::message).isNotEmpty());
        }
    }

    /** A JSON document of exactly {@code bytes} bytes. */
    private static byte[] largePayload(int bytes)
    {
        String prefix = "{\"fuzz\":\"";
        return (prefix + "x".repeat(bytes - prefix.length() - 2) + "\"}").getBytes(StandardCharsets.UTF_8);
    }
}
