package io.lakestack.connectors.stepfunctions.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.connectors.stepfunctions.TaskOutcome;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.kafka.KafkaClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.StartExecutionRequest;
import software.amazon.awssdk.services.sfn.model.StartExecutionResponse;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.PublishResponse;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityRequest;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

class SdkModelActionsTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Object> requests = new ArrayList<>();
    private final List<String> bodies = new ArrayList<>();

    /** A client of the interface that records each call's request (and body) and answers with {@code answer}'s response. */
    private <T> T client(Class<T> type, Function<Object, Object> answer)
    {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, arguments) -> {
            if (method.getName().equals("close")) {
                return null;
            }
            requests.add(arguments[0]);
            if (arguments.length == 2 && arguments[1] instanceof RequestBody body) {
                try (InputStream stream = body.contentStreamProvider().newStream()) {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    stream.transferTo(bytes);
                    bodies.add(bytes.toString(StandardCharsets.UTF_8));
                }
                catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            Object response = answer.apply(arguments[0]);
            if (response instanceof RuntimeException failure) {
                throw failure;
            }
            return response;
        }));
    }

    private SdkModelActions actions(Function<Object, Object> s3)
    {
        return new SdkModelActions(Map.of("s3", client(S3Client.class, s3), "lambda", client(LambdaClient.class, request -> null),
                "sns", client(SnsClient.class, request -> PublishResponse.builder().messageId("m-1").build()),
                "sts", client(StsClient.class, request -> GetCallerIdentityResponse.builder().account("000000000000").userId("u")
                        .arn("arn:aws:iam::000000000000:user/u").build()),
                "kafka", client(KafkaClient.class, request -> null),
                "sfn", client(SfnClient.class, request -> StartExecutionResponse.builder().executionArn("arn:aws:states:us-east-1:000000000000:execution:m:e")
                        .startDate(Instant.parse("2026-12-03T10:15:30.250Z")).build())));
    }

    /** A successful task's output as its JSON text reads back (a number is a number, whatever its Java type). */
    private static JsonNode output(TaskOutcome outcome)
            throws Exception
    {
        assertThat(outcome).isInstanceOf(TaskOutcome.Succeeded.class);
        return JSON.readTree(((TaskOutcome.Succeeded) outcome).output().toString());
    }

    @Test
    void anObjectIsWrittenWithItsBodyAndReadBackAsText()
            throws Exception
    {
        SdkModelActions actions = actions(request -> request instanceof PutObjectRequest
                ? PutObjectResponse.builder().eTag("\"e1\"").build()
                : ResponseBytes.fromByteArray(GetObjectResponse.builder().contentLength(9L).contentType("application/json").eTag("\"e1\"")
                        .lastModified(Instant.parse("2026-12-03T10:15:30Z")).metadata(Map.of("run", "7")).build(),
                        "{\"a\": 1}\n".getBytes(StandardCharsets.UTF_8)));

        TaskOutcome put = actions.call("s3", "putObject", JSON.readTree("{\"Bucket\": \"b\", \"Key\": \"k.json\", \"Body\": {\"a\": 1}, "
                + "\"ContentType\": \"application/json\", \"Metadata\": {\"run\": \"7\"}}"));
        assertThat(output(put)).isEqualTo(JSON.readTree("{\"ETag\": \"\\\"e1\\\"\"}"));
        assertThat(requests.get(0)).isEqualTo(PutObjectRequest.builder().bucket("b").key("k.json").contentType("application/json")
                .metadata(Map.of("run", "7")).build());
        // a body that is not text is given as its JSON
        assertThat(bodies).containsExactly("{\"a\":1}");

        TaskOutcome get = actions.call("s3", "getObject", JSON.readTree("{\"Bucket\": \"b\", \"Key\": \"k.json\"}"));
        assertThat(requests.get(1)).isEqualTo(GetObjectRequest.builder().bucket("b").key("k.json").build());
        assertThat(output(get)).isEqualTo(JSON.readTree("{\"ContentLength\": 9, \"ContentType\": \"application/json\", "
                + "\"ETag\": \"\\\"e1\\\"\", \"LastModified\": \"2026-12-03T10:15:30Z\", \"Metadata\": {\"run\": \"7\"}, \"Body\": \"{\\\"a\\\": 1}\\n\"}"));
    }

    @Test
    void aListingIsTheModelsAnswerWithItsMembersNamedAsStepFunctionsNamesThem()
            throws Exception
    {
        SdkModelActions actions = actions(request -> ListObjectsV2Response.builder().name("b").prefix("in/").keyCount(2).maxKeys(1000).isTruncated(false)
                .contents(S3Object.builder().key("in/a").size(3L).eTag("\"x\"").storageClass("STANDARD").lastModified(Instant.parse("2026-12-01T00:00:00Z")).build(),
                        S3Object.builder().key("in/b").size(0L).build())
                .build());
        TaskOutcome listed = actions.call("s3", "listObjectsV2", JSON.readTree("{\"Bucket\": \"b\", \"Prefix\": \"in/\", \"MaxKeys\": 1000}"));
        assertThat(requests).containsExactly(ListObjectsV2Request.builder().bucket("b").prefix("in/").maxKeys(1000).build());
        assertThat(output(listed)).isEqualTo(JSON.readTree("""
                {"IsTruncated": false, "Contents": [
                  {"Key": "in/a", "LastModified": "2026-12-01T00:00:00Z", "ETag": "\\"x\\"", "Size": 3, "StorageClass": "STANDARD"},
                  {"Key": "in/b", "Size": 0}],
                 "Name": "b", "Prefix": "in/", "MaxKeys": 1000, "KeyCount": 2}
                """));
    }

    @Test
    void camelCasedAndQueryProtocolApisTakeAndGiveUpperCamelCase()
            throws Exception
    {
        SdkModelActions actions = actions(request -> null);
        TaskOutcome started = actions.call("sfn", "startExecution", JSON.readTree("{\"StateMachineArn\": \"arn:aws:states:us-east-1:000000000000:stateMachine:m\", "
                + "\"Input\": \"{}\", \"Name\": \"e\"}"));
        assertThat(requests.get(0)).isEqualTo(StartExecutionRequest.builder().stateMachineArn("arn:aws:states:us-east-1:000000000000:stateMachine:m")
                .input("{}").name("e").build());
        assertThat(output(started)).isEqualTo(JSON.readTree("{\"ExecutionArn\": \"arn:aws:states:us-east-1:000000000000:execution:m:e\", "
                + "\"StartDate\": \"2026-12-03T10:15:30.250Z\"}"));

        TaskOutcome published = actions.call("sns", "publish", JSON.readTree("{\"TopicArn\": \"arn:aws:sns:us-east-1:000000000000:t\", \"Message\": \"hi\", "
                + "\"MessageAttributes\": {\"kind\": {\"DataType\": \"String\", \"StringValue\": \"greeting\"}}}"));
        assertThat(requests.get(1)).isEqualTo(PublishRequest.builder().topicArn("arn:aws:sns:us-east-1:000000000000:t").message("hi")
                .messageAttributes(Map.of("kind", MessageAttributeValue.builder().dataType("String").stringValue("greeting").build())).build());
        assertThat(output(published)).isEqualTo(JSON.readTree("{\"MessageId\": \"m-1\"}"));

        // an action without parameters takes an empty object
        assertThat(output(actions.call("sts", "getCallerIdentity", JSON.readTree("{}")))).isEqualTo(JSON.readTree(
                "{\"UserId\": \"u\", \"Account\": \"000000000000\", \"Arn\": \"arn:aws:iam::000000000000:user/u\"}"));
        assertThat(requests.get(2)).isEqualTo(GetCallerIdentityRequest.builder().build());
    }

    @Test
    void servicesErrorsAreNamedAsTheSdkNamesThemAndBadParametersAsStatesRuntime()
            throws Exception
    {
        SdkModelActions actions = actions(request -> ((GetObjectRequest) request).key().equals("missing")
                ? NoSuchKeyException.builder().statusCode(404).requestId("r-1")
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("NoSuchKey").errorMessage("The specified key does not exist.").build()).build()
                : S3Exception.builder().statusCode(403).requestId("r-2")
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDenied").errorMessage("Access Denied").build()).build());
        assertThat(actions.call("s3", "getObject", JSON.readTree("{\"Bucket\": \"b\", \"Key\": \"missing\"}"))).isEqualTo(TaskOutcome.failed(
                "S3.NoSuchKeyException", "The specified key does not exist. (Service: S3, Status Code: 404, Request ID: r-1)"));
        assertThat(actions.call("s3", "getObject", JSON.readTree("{\"Bucket\": \"b\", \"Key\": \"secret\"}"))).isEqualTo(TaskOutcome.failed(
                "S3.S3Exception", "Access Denied (Service: S3, Status Code: 403, Request ID: r-2)"));

        assertThat(actions.call("s3", "getObject", JSON.readTree("{\"bucket\": \"b\", \"Key\": \"k\"}"))).isInstanceOfSatisfying(TaskOutcome.Failed.class,
                failed -> {
                    assertThat(failed.error()).isEqualTo("States.Runtime");
                    assertThat(failed.cause()).startsWith("aws-sdk:s3:getObject does not take the parameter 'bucket' (it takes Bucket, IfMatch, ");
                });
        assertThat(actions.call("s3", "listObjectsV2", JSON.readTree("{\"Bucket\": \"b\", \"MaxKeys\": \"many\"}"))).isEqualTo(TaskOutcome.failed(
                "States.Runtime", "aws-sdk:s3:listObjectsV2.MaxKeys takes a number, not \"many\""));
        assertThat(actions.call("s3", "listObjectsV2", JSON.readTree("{\"Bucket\": \"b\", \"FetchOwner\": \"yes\"}"))).isEqualTo(TaskOutcome.failed(
                "States.Runtime", "aws-sdk:s3:listObjectsV2.FetchOwner takes true or false, not \"yes\""));
        assertThat(actions.call("s3", "listObjectsV2", JSON.readTree("[1]"))).isEqualTo(TaskOutcome.failed(
                "States.Runtime", "aws-sdk:s3:listObjectsV2 takes an object of parameters, not [1]"));
        assertThat(requests).hasSize(2);
    }

    @Test
    void theActionsAreTheClientsMethods()
    {
        assertThat(SdkModelActions.supports("s3", "getObject")).isTrue();
        assertThat(SdkModelActions.supports("s3", "putObject")).isTrue();
        assertThat(SdkModelActions.supports("s3", "listObjectsV2")).isTrue();
        assertThat(SdkModelActions.supports("s3", "copyObject")).isTrue();
        assertThat(SdkModelActions.supports("sfn", "describeExecution")).isTrue();
        assertThat(SdkModelActions.supports("lambda", "listFunctions")).isTrue();
        assertThat(SdkModelActions.supports("sns", "createTopic")).isTrue();
        assertThat(SdkModelActions.supports("sts", "getCallerIdentity")).isTrue();
        assertThat(SdkModelActions.supports("kafka", "getBootstrapBrokers")).isTrue();
        assertThat(SdkModelActions.supports("s3", "GetObject")).isFalse();
        assertThat(SdkModelActions.supports("s3", "getObjectAsBytes")).isFalse();
        assertThat(SdkModelActions.supports("s3", "listObjectsV2Paginator")).isFalse();
        assertThat(SdkModelActions.supports("s3", "frobnicate")).isFalse();
        assertThat(SdkModelActions.supports("dynamodb", "getItem")).isFalse();
        assertThat(TaskResources.supported("arn:aws:states:::aws-sdk:s3:getObject")).isTrue();
        assertThat(TaskResources.supported("arn:aws:states:::aws-sdk:s3:frobnicate")).isFalse();
    }
}
