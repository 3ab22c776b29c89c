package io.lakestack.it;

import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.RawRequests;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An {@code X-Amz-Date} of the right shape naming a time that does not exist (month 13, hour 25, second 99) is the
 * client's error in every protocol, in the words AWS uses: S3 refuses the header with {@code AccessDenied} and a
 * presigned URL with {@code AuthorizationQueryParametersError}; the JSON and Query services, whose front end reads
 * the date while it parses the signature, with {@code IncompleteSignatureException} (the request's signature cannot
 * be read: AWS answers "Date must be in ISO-8601 'basic format'" there, as for any unreadable date), not
 * {@code InvalidSignatureException}, which they keep for a signature they read and found wrong or expired.
 */
@LakestackTest
@Order(2)
class SignatureDateIntegrationTest
{
    private static final String IMPOSSIBLE_DATE = "20261399T256199Z";
    private static final String BOGUS_SIGNATURE = "0".repeat(64);
    private static final String DATE_MESSAGE = "Date must be in ISO-8601 'basic format'. Got '" + IMPOSSIBLE_DATE + "'. See http://en.wikipedia.org/wiki/ISO_8601";

    private final TestStack stack;

    SignatureDateIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    private static String authorization(String service, String signedHeaders)
    {
        return "AWS4-HMAC-SHA256 Credential=" + TestStack.ACCESS_KEY + "/" + IMPOSSIBLE_DATE.substring(0, 8) + "/" + TestStack.REGION + "/" + service
                + "/aws4_request, SignedHeaders=" + signedHeaders + ", Signature=" + BOGUS_SIGNATURE;
    }

    @Test
    void s3HeaderIsAccessDenied()
            throws Exception
    {
        HttpResponse<String> response = RawRequests.send(stack.endpoint(), "GET", "/", Map.of(
                "Authorization", authorization("s3", "host;x-amz-content-sha256;x-amz-date"),
                "X-Amz-Date", IMPOSSIBLE_DATE,
                "X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD"), new byte[0], null, null, null);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/xml");
        assertThat(response.body()).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code>"
                + "<Message>AWS authentication requires a valid Date or x-amz-date header</Message><Resource>/</Resource>");
    }

    @Test
    void s3PresignedUrlIsAuthorizationQueryParametersError()
            throws Exception
    {
        String query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + TestStack.ACCESS_KEY + "%2F" + IMPOSSIBLE_DATE.substring(0, 8) + "%2F"
                + TestStack.REGION + "%2Fs3%2Faws4_request&X-Amz-Date=" + IMPOSSIBLE_DATE + "&X-Amz-Expires=60&X-Amz-SignedHeaders=host"
                + "&X-Amz-Signature=" + BOGUS_SIGNATURE;
        HttpResponse<String> response = RawRequests.send(stack.endpoint(), "GET", "/some-bucket/some-key?" + query, Map.of(), new byte[0],
                null, null, null);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AuthorizationQueryParametersError</Code>"
                + "<Message>X-Amz-Date must be in the ISO8601 Long Format &quot;yyyyMMdd&apos;T&apos;HHmmss&apos;Z&apos;&quot;</Message>"
                + "<Resource>/some-bucket/some-key</Resource>");
    }

    @Test
    void jsonServicesAnswerIncompleteSignatureException()
            throws Exception
    {
        for (String[] call : new String[][] {{"kinesis", "Kinesis_20131202.ListStreams"}, {"glue", "AWSGlue.GetDatabases"},
                {"firehose", "Firehose_20150804.ListDeliveryStreams"}, {"athena", "AmazonAthena.ListWorkGroups"}}) {
            HttpResponse<String> response = RawRequests.send(stack.endpoint(), "POST", "/", Map.of(
                    "Content-Type", "application/x-amz-json-1.1",
                    "X-Amz-Target", call[1],
                    "Authorization", authorization(call[0], "content-type;host;x-amz-date;x-amz-target"),
                    "X-Amz-Date", IMPOSSIBLE_DATE), "{}".getBytes(StandardCharsets.UTF_8), null, null, null);

            assertThat(response.headers().firstValue("x-amzn-ErrorType")).as(call[0]).hasValue("IncompleteSignatureException");
            assertThat(JsonRequests.error(response)).as(call[0])
                    .isEqualTo(new JsonRequests.Error(400, "IncompleteSignatureException", DATE_MESSAGE));
        }
    }

    @Test
    void jsonServiceDateInTheQueryIsIncompleteSignatureException()
            throws Exception
    {
        String query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + TestStack.ACCESS_KEY + "%2F" + IMPOSSIBLE_DATE.substring(0, 8) + "%2F"
                + TestStack.REGION + "%2Fkinesis%2Faws4_request&X-Amz-Date=" + IMPOSSIBLE_DATE + "&X-Amz-Expires=60&X-Amz-SignedHeaders=host"
                + "&X-Amz-Signature=" + BOGUS_SIGNATURE;
        HttpResponse<String> response = RawRequests.send(stack.endpoint(), "POST", "/?" + query, Map.of(
                "Content-Type", "application/x-amz-json-1.1", "X-Amz-Target", "Kinesis_20131202.ListStreams"), "{}".getBytes(StandardCharsets.UTF_8),
                null, null, null);

        assertThat(JsonRequests.error(response)).isEqualTo(new JsonRequests.Error(400, "IncompleteSignatureException", DATE_MESSAGE));
    }

    @Test
    void queryProtocolAnswersIncompleteSignature()
            throws Exception
    {
        HttpResponse<String> response = RawRequests.send(stack.endpoint(), "POST", "/", Map.of(
                "Content-Type", "application/x-www-form-urlencoded; charset=utf-8",
                "Authorization", authorization("sts", "content-type;host;x-amz-date"),
                "X-Amz-Date", IMPOSSIBLE_DATE), "Action=GetCallerIdentity&Version=2011-06-15".getBytes(StandardCharsets.UTF_8), null, null, null);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/xml");
        String requestId = response.headers().firstValue("x-amzn-RequestId").orElseThrow();
        assertThat(response.body()).isEqualTo("<?xml version=\"1.0\"?>\n<ErrorResponse><Error><Type>Sender</Type><Code>IncompleteSignature</Code>"
                + "<Message>Date must be in ISO-8601 &apos;basic format&apos;. Got &apos;" + IMPOSSIBLE_DATE + "&apos;. See http://en.wikipedia.org/wiki/ISO_8601"
                + "</Message></Error><RequestId>" + requestId + "</RequestId></ErrorResponse>");
    }
}
