package io.lakestack.it;

import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.RawRequests;
import io.lakestack.testing.TestStack;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Requests S3 answers with a 4xx of its own (or not at all), which must not come back as the S3 server's 500, HTML
 * page or framework JSON: keys with characters a URI may not hold unencoded, a {@code Range} S3 cannot parse, keys
 * over 1,024 bytes, a {@code Content-MD5} that does not match, and what the S3 server refuses in its own words.
 */
@LakestackTest
@Order(7)
class S3RequestErrorsIntegrationTest
{
    private static final String XML_ERROR = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>";

    private final TestStack stack;
    private final String bucket = "errors-" + S3EndpointIntegrationTest.suffix();

    S3RequestErrorsIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeEach
    void createBucket()
    {
        try (S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket(bucket));
        }
    }

    @Test
    void keysWithCharactersAUriMayNotHoldUnencodedRoundTrip()
            throws Exception
    {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("odd/pipe|key", "odd/pipe|key");
        keys.put("odd/caret^key", "odd/caret^key");
        keys.put("odd/brace{key}", "odd/brace{key}");
        keys.put("odd/space%20key", "odd/space key");
        keys.put("odd/plus+key", "odd/plus+key");
        for (Map.Entry<String, String> key : keys.entrySet()) {
            String path = "/" + bucket + "/" + key.getKey();
            String put = exchangeUnencoded("PUT", path, key.getValue().getBytes(StandardCharsets.UTF_8));
            assertThat(put).as(key.getKey()).startsWith("HTTP/1.1 200 ");
            String get = exchangeUnencoded("GET", path, new byte[0]);
            assertThat(get).as(key.getKey()).startsWith("HTTP/1.1 200 ").endsWith("\r\n\r\n" + key.getValue());
        }
        try (S3Client s3 = stack.s3()) {
            assertThat(s3.listObjectsV2(request -> request.bucket(bucket).prefix("odd/")).contents()).extracting(S3Object::key)
                    .containsExactlyInAnyOrderElementsOf(keys.values());
            for (String key : keys.values()) {
                assertThat(s3.getObjectAsBytes(request -> request.bucket(bucket).key(key)).asUtf8String()).isEqualTo(key);
            }
        }
    }

    @Test
    void aRangeS3CannotParseGetsTheWholeObject()
    {
        try (S3Client s3 = stack.s3()) {
            s3.putObject(request -> request.bucket(bucket).key("digits.txt"), RequestBody.fromString("0123456789"));
            for (String range : List.of("bytes=abc", "bytes=5-2", "bytes=0-1,3-4", "items=0-4")) {
                ResponseBytes<GetObjectResponse> whole = s3.getObjectAsBytes(request -> request.bucket(bucket).key("digits.txt").range(range));
                assertThat(whole.response().sdkHttpResponse().statusCode()).as(range).isEqualTo(200);
                assertThat(whole.response().contentRange()).as(range).isNull();
                assertThat(whole.asUtf8String()).as(range).isEqualTo("0123456789");
            }
            ResponseBytes<GetObjectResponse> part = s3.getObjectAsBytes(request -> request.bucket(bucket).key("digits.txt").range("bytes=2-4"));
            assertThat(part.response().sdkHttpResponse().statusCode()).isEqualTo(206);
            assertThat(part.response().contentRange()).isEqualTo("bytes 2-4/10");
            assertThat(part.asUtf8String()).isEqualTo("234");

            // a range S3 can parse but not satisfy is still S3's error
            assertThatThrownBy(() -> s3.getObjectAsBytes(request -> request.bucket(bucket).key("digits.txt").range("bytes=100-200")))
                    .isInstanceOfSatisfying(S3Exception.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(416);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidRange");
                    });
        }
    }

    @Test
    void keysOver1024BytesAreKeyTooLongError()
    {
        String longest = "k".repeat(1024);
        String tooLong = "k".repeat(1025);
        String tooLongInBytes = "\u00e9".repeat(513);
        try (S3Client s3 = stack.s3()) {
            s3.putObject(request -> request.bucket(bucket).key(longest), RequestBody.fromString("longest"));
            assertThat(s3.getObjectAsBytes(request -> request.bucket(bucket).key(longest)).asUtf8String()).isEqualTo("longest");

            assertKeyTooLong(() -> s3.putObject(request -> request.bucket(bucket).key(tooLong), RequestBody.fromString("x")));
            assertKeyTooLong(() -> s3.putObject(request -> request.bucket(bucket).key(tooLongInBytes), RequestBody.fromString("x")));
            assertKeyTooLong(() -> s3.copyObject(request -> request.sourceBucket(bucket).sourceKey(longest).destinationBucket(bucket).destinationKey(tooLong)));
            assertKeyTooLong(() -> s3.createMultipartUpload(request -> request.bucket(bucket).key(tooLong)));
            assertThat(s3.listObjectsV2(request -> request.bucket(bucket)).contents()).extracting(S3Object::key).containsExactly(longest);
        }
    }

    private static void assertKeyTooLong(ThrowingCallable call)
    {
        assertThatThrownBy(call).isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("KeyTooLongError");
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Your key is too long");
        });
    }

    @Test
    void aContentMd5ThatDoesNotMatchIsBadDigestAndOneThatIsNoMd5IsInvalidDigest()
            throws Exception
    {
        byte[] data = "checked body".getBytes(StandardCharsets.UTF_8);
        String md5 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(data));
        String wrong = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest("another body".getBytes(StandardCharsets.UTF_8)));
        try (S3Client s3 = stack.s3()) {
            s3.putObject(request -> request.bucket(bucket).key("md5.txt"), RequestBody.fromString("original"));

            // the SDK sends its body aws-chunked: the MD5 is the decoded body's
            assertThatThrownBy(() -> s3.putObject(request -> request.bucket(bucket).key("md5.txt").contentMD5(wrong), RequestBody.fromBytes(data)))
                    .isInstanceOfSatisfying(S3Exception.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("BadDigest");
                        assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The Content-MD5 you specified did not match what we received.");
                    });
            for (String invalid : List.of("AAAA", "not an md5!")) {
                assertThatThrownBy(() -> s3.putObject(request -> request.bucket(bucket).key("md5.txt").contentMD5(invalid), RequestBody.fromBytes(data)))
                        .isInstanceOfSatisfying(S3Exception.class, e -> {
                            assertThat(e.statusCode()).isEqualTo(400);
                            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidDigest");
                            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The Content-MD5 you specified was invalid.");
                        });
            }
            assertThat(s3.getObjectAsBytes(request -> request.bucket(bucket).key("md5.txt")).asUtf8String()).isEqualTo("original");

            s3.putObject(request -> request.bucket(bucket).key("md5.txt").contentMD5(md5), RequestBody.fromBytes(data));
            assertThat(s3.getObjectAsBytes(request -> request.bucket(bucket).key("md5.txt")).asByteArray()).isEqualTo(data);
        }

        // a plain body, signed with its SHA-256
        HttpResponse<String> plain = RawRequests.send(stack.endpoint(), "PUT", "/" + bucket + "/md5.txt", Map.of("Content-MD5", wrong), "other".getBytes(
                StandardCharsets.UTF_8), "s3", TestStack.ACCESS_KEY, TestStack.SECRET_KEY);
        String otherMd5 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest("other".getBytes(StandardCharsets.UTF_8)));
        assertThat(plain.statusCode()).isEqualTo(400);
        assertThat(plain.body()).startsWith(XML_ERROR + "BadDigest</Code><Message>The Content-MD5 you specified did not match what we received.</Message>"
                + "<CalculatedDigest>" + otherMd5 + "</CalculatedDigest><ExpectedDigest>" + wrong + "</ExpectedDigest><Resource>/" + bucket + "/md5.txt</Resource>");
        try (S3Client s3 = stack.s3()) {
            assertThat(s3.getObjectAsBytes(request -> request.bucket(bucket).key("md5.txt")).asByteArray()).isEqualTo(data);
        }
    }

    /**
     * A path the HTTP server refuses before any service sees it (an encoded NUL) is an S3 error, and the server closes
     * the connection after it, saying so: the client's next request goes on a new connection and is answered.
     */
    @Test
    void aPathTheHttpServerRefusesIsAnS3ErrorThatClosesTheConnection()
            throws Exception
    {
        HttpResponse<String> refused = RawRequests.send(stack.endpoint(), "DELETE", "/" + bucket + "/nul%00key", Map.of(), new byte[0], "s3",
                TestStack.ACCESS_KEY, TestStack.SECRET_KEY);
        assertThat(List.of(refused.statusCode(), refused.headers().firstValue("Connection").orElse("(none)"))).isEqualTo(List.of(400, "close"));
        assertThat(refused.body()).startsWith(XML_ERROR + "BadRequest</Code><Message>lakestack could not read the request (Bad Request)");

        HttpResponse<String> next = RawRequests.send(stack.endpoint(), "DELETE", "/" + bucket + "/after-nul", Map.of(), new byte[0], "s3",
                TestStack.ACCESS_KEY, TestStack.SECRET_KEY);
        assertThat(next.statusCode()).isEqualTo(204);
    }

    @Test
    void whatTheS3ServerRefusesInItsOwnWordsComesBackAsAnS3Error()
            throws Exception
    {
        // the S3 server answers an encoded backslash with an HTML page
        HttpResponse<String> html = RawRequests.send(stack.endpoint(), "PUT", "/" + bucket + "/back%5Cslash", Map.of(), "x".getBytes(StandardCharsets.UTF_8),
                "s3", TestStack.ACCESS_KEY, TestStack.SECRET_KEY);
        assertS3Error(html, 400, "InvalidRequest", "The S3 server refused PUT /" + bucket + "/back%5Cslash with HTTP 400 and no S3 error; lakestack&apos;s log "
                + "has its answer (request id " + html.headers().firstValue("x-amz-request-id").orElseThrow() + ").", "/" + bucket + "/back%5Cslash");

        // an upload id of no form the S3 server knows (it answers with its framework's JSON) is no upload of that key: S3's NoSuchUpload
        HttpResponse<String> forged = RawRequests.send(stack.endpoint(), "GET", "/" + bucket + "/upload.bin?uploadId=forged-token", Map.of(), new byte[0],
                "s3", TestStack.ACCESS_KEY, TestStack.SECRET_KEY);
        assertS3Error(forged, 404, "NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been "
                + "aborted or completed (upload forged-token of s3://" + bucket + "/upload.bin)", "/" + bucket + "/upload.bin");

        try (S3Client s3 = stack.s3()) {
            assertThatThrownBy(() -> s3.putObject(request -> request.bucket(bucket).key("back\\slash"), RequestBody.fromString("x")))
                    .isInstanceOfSatisfying(S3Exception.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidRequest");
                    });
        }
    }

    private static void assertS3Error(HttpResponse<String> response, int status, String code, String message, String resource)
    {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().allValues("content-type")).containsExactly("application/xml");
        assertThat(response.body()).startsWith(XML_ERROR + code + "</Code><Message>" + message + "</Message><Resource>" + resource + "</Resource>");
    }

    /**
     * Sends a request whose path holds characters as they are, which no HTTP client of the JDK or the SDK would send
     * (curl does), signed by the SDK's signer; the whole answer, status line first.
     */
    private String exchangeUnencoded(String method, String path, byte[] body)
            throws IOException
    {
        URI endpoint = URI.create(stack.endpoint());
        SdkHttpRequest signed = AwsV4HttpSigner.create().sign(sign -> sign
                .identity(AwsCredentialsIdentity.create(TestStack.ACCESS_KEY, TestStack.SECRET_KEY))
                .request(SdkHttpRequest.builder()
                        .method(SdkHttpMethod.fromValue(method))
                        .protocol("http")
                        .host(endpoint.getHost())
                        .port(endpoint.getPort())
                        .encodedPath(path)
                        .build())
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "s3")
                .putProperty(AwsV4HttpSigner.REGION_NAME, TestStack.REGION)
                .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, true)).request();
        try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
            socket.setSoTimeout(60_000);
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + endpoint.getAuthority()
                    + "\r\nConnection: close\r\nContent-Length: " + body.length + "\r\n");
            signed.headers().forEach((name, values) -> {
                if (!name.equalsIgnoreCase("host")) {
                    values.forEach(value -> head.append(name).append(": ").append(value).append("\r\n"));
                }
            });
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
