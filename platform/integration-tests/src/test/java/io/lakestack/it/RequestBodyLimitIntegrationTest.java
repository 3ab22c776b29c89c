package io.lakestack.it;

import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request bodies are bounded by each service's limit, and a request is checked as far as its headers allow before
 * any of its body is read. Requests go over a plain socket, so that a test decides exactly how much of a body is ever
 * sent: an answer that arrives while the rest of the body is still unsent proves the endpoint did not wait for it.
 */
@LakestackTest
@Order(3)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestBodyLimitIntegrationTest
{
    private static final int MIB = 1024 * 1024;
    private static final int KINESIS_LIMIT = 10 * MIB;
    private static final int ATHENA_LIMIT = 2 * MIB;
    private static final String STREAM = "it-body-limit";

    private final TestStack stack;
    private KinesisClient kinesis;

    RequestBodyLimitIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void setUp()
    {
        kinesis = stack.kinesis();
        kinesis.createStream(request -> request.streamName(STREAM).shardCount(1));
    }

    @AfterAll
    void close()
    {
        kinesis.close();
    }

    /** An answer read off the socket. */
    private record Answer(int status, Map<String, String> headers, String body)
    {
    }

    /**
     * Sends the request line, the headers and {@code body} (all of it: a test that wants the endpoint to answer before
     * the body ends sends a head that promises more), then reads one answer while the connection is still open.
     */
    private Answer exchange(String head, byte[] body)
            throws IOException
    {
        URI endpoint = URI.create(stack.endpoint());
        try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
            // a guard against a hang, not a wait: the answer is expected at once
            socket.setSoTimeout((int) Duration.ofSeconds(60).toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return read(socket.getInputStream());
        }
    }

    private static Answer read(InputStream in)
            throws IOException
    {
        ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the connection closed before an answer: " + headBytes.toString(StandardCharsets.ISO_8859_1));
            }
            headBytes.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String[] lines = headBytes.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : Arrays.copyOfRange(lines, 1, lines.length)) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
        return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private String host()
    {
        URI endpoint = URI.create(stack.endpoint());
        return endpoint.getHost() + ":" + endpoint.getPort();
    }

    /** The head of a JSON 1.1 POST with the given headers, each line ended. */
    private String head(Map<String, String> headers)
    {
        StringBuilder head = new StringBuilder("POST / HTTP/1.1\r\nHost: ").append(host()).append("\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        return head.append("\r\n").toString();
    }

    /** The headers the AWS SDK's own signer gives a JSON 1.1 request with this body, the host and any length left out. */
    private Map<String, String> signed(String service, String target, byte[] body)
    {
        SdkHttpRequest request = SdkHttpRequest.builder().uri(URI.create(stack.endpoint() + "/")).method(SdkHttpMethod.POST)
                .putHeader("Content-Type", "application/x-amz-json-1.1").putHeader("X-Amz-Target", target).build();
        SdkHttpRequest signedRequest = AwsV4HttpSigner.create().sign(sign -> sign
                .identity(AwsCredentialsIdentity.create(TestStack.ACCESS_KEY, TestStack.SECRET_KEY))
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, TestStack.REGION)).request();
        Map<String, String> headers = new LinkedHashMap<>();
        signedRequest.headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("content-length")) {
                headers.put(name, values.get(0));
            }
        });
        return headers;
    }

    /** A PutRecords request of about {@code bytes} bytes: one record of base64 data that makes up the size. */
    private static byte[] putRecords(int bytes)
    {
        String prefix = "{\"StreamName\":\"" + STREAM + "\",\"Records\":[{\"PartitionKey\":\"k\",\"Data\":\"";
        String suffix = "\"}]}";
        byte[] body = new byte[bytes];
        byte[] start = prefix.getBytes(StandardCharsets.UTF_8);
        byte[] end = suffix.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(start, 0, body, 0, start.length);
        Arrays.fill(body, start.length, bytes - end.length, (byte) 'A');
        System.arraycopy(end, 0, body, bytes - end.length, end.length);
        return body;
    }

    private void assertHealthy()
            throws Exception
    {
        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(stack.endpoint() + "/_lakestack/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(kinesis.listStreams(request -> {}).streamNames()).contains(STREAM);
    }

    private static Map<String, String> bogusHeaders(String accessKey, Instant date, int contentLength)
    {
        String amzDate = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(date);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/x-amz-json-1.1");
        headers.put("X-Amz-Target", "Kinesis_20131202.PutRecords");
        headers.put("X-Amz-Date", amzDate);
        headers.put("Authorization", "AWS4-HMAC-SHA256 Credential=" + accessKey + "/" + amzDate.substring(0, 8) + "/us-east-1/kinesis/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + "0".repeat(64));
        headers.put("Content-Length", String.valueOf(contentLength));
        return headers;
    }

    @Test
    void sixtyFourMebibytesWithABogusSignatureAreAnsweredWithoutTheBody()
            throws Exception
    {
        // the body is never sent: every answer comes from the headers alone
        for (int i = 0; i < 10; i++) {
            Answer unknownKey = exchange(head(bogusHeaders("AKIDBOGUS", Instant.now(), 64 * MIB)), new byte[0]);
            assertThat(unknownKey.status()).isEqualTo(400);
            assertThat(unknownKey.headers()).containsEntry("x-amzn-errortype", "UnrecognizedClientException");
            assertThat(unknownKey.body()).isEqualTo("{\"__type\":\"UnrecognizedClientException\",\"message\":\"The security token included in the request "
                    + "is invalid.\"}");

            Answer expired = exchange(head(bogusHeaders(TestStack.ACCESS_KEY, Instant.now().minus(Duration.ofHours(1)), 64 * MIB)), new byte[0]);
            assertThat(expired.status()).isEqualTo(400);
            assertThat(expired.body()).startsWith("{\"__type\":\"InvalidSignatureException\",\"message\":\"Signature expired: ");

            // a known key at the right time: only the body could show the signature wrong, and the body is too large to read
            Answer tooLarge = exchange(head(bogusHeaders(TestStack.ACCESS_KEY, Instant.now(), 64 * MIB)), new byte[0]);
            assertThat(tooLarge.status()).isEqualTo(413);
            assertThat(tooLarge.body()).isEqualTo("{\"__type\":\"RequestEntityTooLargeException\",\"message\":\"Request must be at most 10485760 bytes "
                    + "for the PutRecords operation; this one is 67108864 bytes\"}");
        }
        Map<String, String> unsigned = bogusHeaders(TestStack.ACCESS_KEY, Instant.now(), 64 * MIB);
        unsigned.remove("Authorization");
        Answer missing = exchange(head(unsigned), new byte[0]);
        assertThat(missing.status()).isEqualTo(403);
        assertThat(missing.body()).isEqualTo("{\"__type\":\"MissingAuthenticationTokenException\",\"message\":\"Missing Authentication Token\"}");

        // within the limit, the body is read and the bogus signature found out
        byte[] small = "{}".getBytes(StandardCharsets.UTF_8);
        Answer mismatch = exchange(head(bogusHeaders(TestStack.ACCESS_KEY, Instant.now(), small.length)), small);
        assertThat(mismatch.status()).isEqualTo(400);
        assertThat(mismatch.body()).startsWith("{\"__type\":\"InvalidSignatureException\",\"message\":\"The request signature we calculated does not "
                + "match the signature you provided.");

        assertHealthy();
    }

    @Test
    void declaredLengthOverTheLimitIsRefusedBeforeTheBodyIsRead()
            throws Exception
    {
        byte[] body = putRecords(KINESIS_LIMIT + 1);
        Map<String, String> headers = signed("kinesis", "Kinesis_20131202.PutRecords", body);
        headers.put("Content-Length", String.valueOf(body.length));

        Answer answer = exchange(head(headers), new byte[0]);

        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.headers()).containsEntry("content-type", "application/x-amz-json-1.1")
                .containsEntry("x-amzn-errortype", "RequestEntityTooLargeException");
        assertThat(answer.body()).isEqualTo("{\"__type\":\"RequestEntityTooLargeException\",\"message\":\"Request must be at most 10485760 bytes for the "
                + "PutRecords operation; this one is 10485761 bytes\"}");
        assertHealthy();
    }

    private static byte[] chunked(byte[] body, boolean end)
    {
        ByteArrayOutputStream chunks = new ByteArrayOutputStream();
        for (int offset = 0; offset < body.length; offset += 64 * 1024) {
            int length = Math.min(64 * 1024, body.length - offset);
            chunks.writeBytes((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            chunks.write(body, offset, length);
            chunks.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        if (end) {
            chunks.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        return chunks.toByteArray();
    }

    @Test
    void chunkedBodyIsCutAtTheLimit()
            throws Exception
    {
        byte[] body = putRecords(KINESIS_LIMIT + 1);
        Map<String, String> headers = signed("kinesis", "Kinesis_20131202.PutRecords", body);
        headers.put("Transfer-Encoding", "chunked");

        // limit + 1 bytes, and no last chunk: the endpoint must answer without waiting for the end
        Answer answer = exchange(head(headers), chunked(body, false));

        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.headers()).containsEntry("x-amzn-errortype", "RequestEntityTooLargeException");
        assertThat(answer.body()).isEqualTo("{\"__type\":\"RequestEntityTooLargeException\",\"message\":\"Request must be at most 10485760 bytes for the "
                + "PutRecords operation\"}");
        assertHealthy();
    }

    @Test
    void chunkedBodyWithinTheLimitIsRead()
            throws Exception
    {
        byte[] body = ("{\"StreamName\":\"" + STREAM + "\",\"Records\":[{\"PartitionKey\":\"k\",\"Data\":\"" + "QUJD".repeat(100_000) + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = signed("kinesis", "Kinesis_20131202.PutRecords", body);
        headers.put("Transfer-Encoding", "chunked");

        Answer answer = exchange(head(headers), chunked(body, true));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).contains("\"FailedRecordCount\":0");
    }

    @Test
    void eachServiceHasItsOwnLimit()
            throws Exception
    {
        // 3 MiB: within Kinesis's limit (the request is read and refused for its content), over Athena's
        String query = "SELECT '" + "x".repeat(3 * MIB) + "'";
        byte[] athenaBody = ("{\"QueryString\":\"" + query + "\"}").getBytes(StandardCharsets.UTF_8);
        Map<String, String> athena = signed("athena", "AmazonAthena.StartQueryExecution", athenaBody);
        athena.put("Content-Length", String.valueOf(athenaBody.length));

        Answer tooLarge = exchange(head(athena), new byte[0]);

        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.body()).isEqualTo("{\"__type\":\"RequestEntityTooLargeException\",\"message\":\"Request must be at most " + ATHENA_LIMIT
                + " bytes for the StartQueryExecution operation; this one is " + athenaBody.length + " bytes\"}");

        byte[] kinesisBody = ("{\"StreamName\":\"" + STREAM + "\",\"Records\":[{\"PartitionKey\":\"k\",\"Data\":\"" + "QUJD".repeat(3 * MIB / 4) + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        Map<String, String> kinesisHeaders = signed("kinesis", "Kinesis_20131202.PutRecords", kinesisBody);
        kinesisHeaders.put("Content-Length", String.valueOf(kinesisBody.length));

        Answer read = exchange(head(kinesisHeaders), kinesisBody);

        assertThat(read.status()).isEqualTo(400);
        assertThat(read.body()).isEqualTo("{\"__type\":\"ValidationException\",\"message\":\"1 validation error detected: Value '(2359296 bytes)' at "
                + "'Records.1.data' failed to satisfy constraint: Member must have length less than or equal to 1048576\"}");
    }
}
