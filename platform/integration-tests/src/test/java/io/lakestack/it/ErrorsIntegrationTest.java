package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.RawRequests;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Wrong secrets, missing signatures and malformed requests get the AWS error a client of that protocol expects. */
@LakestackTest
@Order(2)
class ErrorsIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestStack stack;

    ErrorsIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @Test
    void wrongSecretIsSignatureDoesNotMatch()
    {
        try (S3Client s3 = stack.s3("test", "not-the-secret")) {
            assertThatThrownBy(s3::listBuckets)
                    .isInstanceOfSatisfying(S3Exception.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch");
                        assertThat(e.awsErrorDetails().errorMessage())
                                .isEqualTo("The request signature we calculated does not match the signature you provided. Check your key and signing method.");
                    });
        }
    }

    @Test
    void unknownAccessKeyIsInvalidAccessKeyId()
    {
        try (S3Client s3 = stack.s3("AKIDUNKNOWN", "secret")) {
            assertThatThrownBy(s3::listBuckets)
                    .isInstanceOfSatisfying(S3Exception.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidAccessKeyId");
                    });
        }
    }

    @Test
    void unsignedRequestsAreRefusedInEachProtocolsShape()
            throws Exception
    {
        HttpResponse<String> s3 = RawRequests.send(stack.endpoint(), "GET", "/", Map.of(), new byte[0], null, null, null);
        assertThat(s3.statusCode()).isEqualTo(403);
        assertThat(s3.headers().firstValue("content-type")).contains("application/xml");
        assertThat(s3.body()).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied: the request is not signed.");

        HttpResponse<String> kinesis = RawRequests.send(stack.endpoint(), "POST", "/", Map.of(
                "Content-Type", "application/x-amz-json-1.1", "X-Amz-Target", "Kinesis_20131202.ListStreams"), "{}".getBytes(StandardCharsets.UTF_8),
                null, null, null);
        assertThat(kinesis.statusCode()).isEqualTo(403);
        assertThat(kinesis.headers().firstValue("content-type")).contains("application/x-amz-json-1.1");
        assertThat(kinesis.headers().firstValue("x-amzn-ErrorType")).contains("MissingAuthenticationTokenException");
        JsonNode body = JSON.readTree(kinesis.body());
        assertThat(body.path("__type").asText()).isEqualTo("MissingAuthenticationTokenException");
        assertThat(body.path("message").asText()).isEqualTo("Missing Authentication Token");
    }

    @Test
    void malformedXmlIsMalformedXml()
            throws Exception
    {
        try (S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket("malformed-xml"));
        }
        HttpResponse<String> response = RawRequests.send(stack.endpoint(), "PUT", "/malformed-xml?notification",
                Map.of("Content-Type", "application/xml"), "<NotificationConfiguration><QueueConfiguration>".getBytes(StandardCharsets.UTF_8),
                "s3", TestStack.ACCESS_KEY, TestStack.SECRET_KEY);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("<Code>MalformedXML</Code>")
                .contains("<Message>The XML you provided was not well-formed or did not validate against our published schema: ")
                .contains("<Resource>/malformed-xml</Resource>");
    }

    @Test
    void malformedAuthorizationHeaderIsAuthorizationHeaderMalformed()
            throws Exception
    {
        HttpResponse<String> response = RawRequests.send(stack.endpoint(), "GET", "/", Map.of(
                "Authorization", "AWS4-HMAC-SHA256 Credential=test/20261121/us-east-1/s3/aws4_request",
                "X-Amz-Date", "20261121T101530Z"), new byte[0], null, null, null);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("<Code>AuthorizationHeaderMalformed</Code>")
                .contains("<Message>Authorization header requires &apos;Credential&apos;, &apos;SignedHeaders&apos; and &apos;Signature&apos; parameters.");
    }

    @Test
    void serviceNotEmulatedIsNotImplementedInJsonShape()
            throws Exception
    {
        HttpResponse<String> response = RawRequests.send(stack.endpoint(), "POST", "/", Map.of(
                "Content-Type", "application/x-amz-json-1.0", "X-Amz-Target", "DynamoDB_20120810.ListTables"), "{}".getBytes(StandardCharsets.UTF_8),
                "dynamodb", TestStack.ACCESS_KEY, TestStack.SECRET_KEY);

        assertThat(response.statusCode()).isEqualTo(501);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).contains("NotImplemented");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("__type").asText()).isEqualTo("NotImplemented");
        assertThat(body.path("message").asText()).startsWith("lakestack does not emulate the AWS service 'dynamodb' (operation ListTables). Emulated services: ");
    }

    @Test
    void serviceNotEmulatedIsNotImplementedInTheQueryProtocolsShape()
            throws Exception
    {
        HttpResponse<String> response = RawRequests.send(stack.endpoint(), "POST", "/", Map.of(
                "Content-Type", "application/x-www-form-urlencoded; charset=utf-8"), "Action=ListUsers&Version=2010-05-08".getBytes(StandardCharsets.UTF_8),
                "iam", TestStack.ACCESS_KEY, TestStack.SECRET_KEY);

        assertThat(response.statusCode()).isEqualTo(501);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/xml");
        String requestId = response.headers().firstValue("x-amzn-RequestId").orElseThrow();
        assertThat(response.body()).isEqualTo("<?xml version=\"1.0\"?>\n<ErrorResponse><Error><Type>Sender</Type><Code>NotImplemented</Code>"
                + "<Message>lakestack does not emulate the AWS service &apos;iam&apos; (operation ListUsers). Emulated services: athena, "
                + "events, firehose, glue, kafka, kinesis, lambda, logs, s3, scheduler, sns, sqs, states, sts.</Message></Error><RequestId>" + requestId + "</RequestId></ErrorResponse>");
    }

    @Test
    void notificationConfigurationOfMissingBucketIsNoSuchBucket()
    {
        try (S3Client s3 = stack.s3()) {
            assertThatThrownBy(() -> s3.getBucketNotificationConfiguration(request -> request.bucket("no-such-bucket-anywhere")))
                    .isInstanceOfSatisfying(NoSuchBucketException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(404);
                        assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The specified bucket does not exist: no-such-bucket-anywhere");
                    });
        }
    }

    @Test
    void overlappingNotificationConfigurationsAreInvalidArgument()
    {
        try (S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket("overlapping"));
            assertThatThrownBy(() -> s3.putBucketNotificationConfiguration(request -> request.bucket("overlapping").notificationConfiguration(configuration -> configuration
                    .queueConfigurations(
                            queue -> queue.id("one").queueArn("arn:aws:sqs:us-east-1:000000000000:one").eventsWithStrings("s3:ObjectCreated:*"),
                            queue -> queue.id("two").queueArn("arn:aws:sqs:us-east-1:000000000000:two").eventsWithStrings("s3:ObjectCreated:Put")))))
                    .isInstanceOfSatisfying(S3Exception.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidArgument");
                        assertThat(e.awsErrorDetails().errorMessage())
                                .isEqualTo("Configurations overlap. Configurations on the same bucket cannot share a common event type. (one and two)");
                    });
            assertThat(s3.getBucketNotificationConfiguration(request -> request.bucket("overlapping")).queueConfigurations()).isEmpty();
        }
    }
}
