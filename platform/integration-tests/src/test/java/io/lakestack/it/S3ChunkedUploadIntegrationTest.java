package io.lakestack.it;

import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * aws-chunked uploads are decoded and verified before the S3 server sees them: the AWS SDK's own uploads in the
 * formats it sends (signed chunks with a CRC32 trailer over HTTP, unsigned chunks with a trailer over HTTPS), and
 * requests changed after they were signed, with wrong checksums or with broken framing, which must never replace an
 * object.
 */
@LakestackTest
@Order(6)
class S3ChunkedUploadIntegrationTest
{
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Set<String> RESTRICTED = Set.of("host", "content-length");
    private static final String SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    private static final String SIGNED_WITH_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
    private static final String UNSIGNED_WITH_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
    private static final String SIGNATURE_MISMATCH =
            "The request signature we calculated does not match the signature you provided. Check your key and signing method.";
    private static final String DATA = "hello, chunked world";
    private static final int MIB = 1024 * 1024;

    private final TestStack stack;
    private final String bucket = "chunked-" + S3EndpointIntegrationTest.suffix();

    S3ChunkedUploadIntegrationTest(TestStack stack)
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
    void theSdksSignedUploadsOverHttpAreVerifiedAndKeepTheirChecksum()
    {
        List<String> sent = new CopyOnWriteArrayList<>();
        try (S3Client s3 = sdk(false, sent)) {
            roundTrip(s3, "signed");
        }
        assertThat(sent).containsExactly("PutObject " + SIGNED_WITH_TRAILER, "UploadPart " + SIGNED_WITH_TRAILER, "UploadPart " + SIGNED_WITH_TRAILER);
    }

    @Test
    void theSdksUnsignedUploadsOverHttpsAreVerifiedAndKeepTheirChecksum()
    {
        List<String> sent = new CopyOnWriteArrayList<>();
        try (S3Client s3 = sdk(true, sent)) {
            roundTrip(s3, "unsigned");
        }
        assertThat(sent).containsExactly("PutObject " + UNSIGNED_WITH_TRAILER, "UploadPart " + UNSIGNED_WITH_TRAILER, "UploadPart " + UNSIGNED_WITH_TRAILER);
    }

    /** PutObject (over a chunk, so several of them) and a multipart upload whose first part is spooled to a file. */
    private void roundTrip(S3Client s3, String prefix)
    {
        byte[] small = S3EndpointIntegrationTest.pattern(300 * 1024 + 17);
        String key = prefix + "/small.bin";
        assertThat(s3.putObject(request -> request.bucket(bucket).key(key), RequestBody.fromBytes(small)).checksumCRC32()).isEqualTo(crc32(small));
        assertThat(s3.getObjectAsBytes(request -> request.bucket(bucket).key(key)).asByteArray()).isEqualTo(small);
        HeadObjectResponse head = s3.headObject(request -> request.bucket(bucket).key(key).checksumMode(ChecksumMode.ENABLED));
        assertThat(head.contentLength()).isEqualTo(small.length);
        assertThat(head.checksumCRC32()).isEqualTo(crc32(small));
        assertThat(head.contentEncoding()).isNull();

        byte[] large = S3EndpointIntegrationTest.pattern(9 * MIB + 5);
        String largeKey = prefix + "/large.bin";
        String uploadId = s3.createMultipartUpload(request -> request.bucket(bucket).key(largeKey)).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        int[] bounds = {0, 9 * MIB, large.length};
        for (int part = 1; part <= 2; part++) {
            int number = part;
            byte[] bytes = Arrays.copyOfRange(large, bounds[part - 1], bounds[part]);
            String eTag = s3.uploadPart(request -> request.bucket(bucket).key(largeKey).uploadId(uploadId).partNumber(number), RequestBody.fromBytes(bytes))
                    .eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(eTag).build());
        }
        s3.completeMultipartUpload(request -> request.bucket(bucket).key(largeKey).uploadId(uploadId).multipartUpload(upload -> upload.parts(parts)));
        assertThat(s3.getObjectAsBytes(request -> request.bucket(bucket).key(largeKey)).asByteArray()).isEqualTo(large);
    }

    @Test
    void eachChecksumAlgorithmOfTheSdkIsVerifiedAndKept()
            throws Exception
    {
        byte[] data = DATA.getBytes(StandardCharsets.UTF_8);
        List<String> sent = new CopyOnWriteArrayList<>();
        try (S3Client s3 = sdk(true, sent)) {
            s3.putObject(request -> request.bucket(bucket).key("algorithms/crc32c").checksumAlgorithm(ChecksumAlgorithm.CRC32_C), RequestBody.fromBytes(data));
            s3.putObject(request -> request.bucket(bucket).key("algorithms/sha1").checksumAlgorithm(ChecksumAlgorithm.SHA1), RequestBody.fromBytes(data));
            s3.putObject(request -> request.bucket(bucket).key("algorithms/sha256").checksumAlgorithm(ChecksumAlgorithm.SHA256), RequestBody.fromBytes(data));

            assertThat(s3.headObject(request -> request.bucket(bucket).key("algorithms/crc32c").checksumMode(ChecksumMode.ENABLED)).checksumCRC32C())
                    .isEqualTo(crc32c(data));
            assertThat(s3.headObject(request -> request.bucket(bucket).key("algorithms/sha1").checksumMode(ChecksumMode.ENABLED)).checksumSHA1())
                    .isEqualTo(base64(MessageDigest.getInstance("SHA-1").digest(data)));
            assertThat(s3.headObject(request -> request.bucket(bucket).key("algorithms/sha256").checksumMode(ChecksumMode.ENABLED)).checksumSHA256())
                    .isEqualTo(base64(MessageDigest.getInstance("SHA-256").digest(data)));
        }
        assertThat(sent).containsOnly("PutObject " + UNSIGNED_WITH_TRAILER);

        // the SDK computes CRC64NVME only with the AWS CRT; its signer encodes a trailer given as a header: S3's value for "hello"
        HttpResponse<String> crc64 = send("algorithms/crc64nvme", chunked("algorithms/crc64nvme", UNSIGNED_WITH_TRAILER, "hello", "x-amz-checksum-crc64nvme", "M3eFcAZSQlc="));
        assertThat(crc64.statusCode()).isEqualTo(200);
        try (S3Client s3 = stack.s3()) {
            HeadObjectResponse head = s3.headObject(request -> request.bucket(bucket).key("algorithms/crc64nvme").checksumMode(ChecksumMode.ENABLED));
            assertThat(head.checksumCRC64NVME()).isEqualTo("M3eFcAZSQlc=");
            assertThat(s3.getObjectAsBytes(request -> request.bucket(bucket).key("algorithms/crc64nvme")).asUtf8String()).isEqualTo("hello");
        }
    }

    @Test
    void aChunkChangedAfterSigningIsSignatureDoesNotMatchAndReplacesNothing()
            throws Exception
    {
        String key = "tampered/data.txt";
        putOriginal(key);
        for (String format : List.of(SIGNED, SIGNED_WITH_TRAILER)) {
            Chunked tampered = chunked(key, format, DATA, null, null).changed(body -> body.replace(DATA, "HELLO, chunked world"));

            assertError(send(key, tampered), 403, "SignatureDoesNotMatch", SIGNATURE_MISMATCH);
        }
        assertOriginal(key);
    }

    @Test
    void zeroChunkSignaturesAreSignatureDoesNotMatch()
            throws Exception
    {
        String key = "tampered/zero.txt";
        putOriginal(key);
        Chunked zero = chunked(key, SIGNED, DATA, null, null).changed(body -> body.replaceAll("chunk-signature=[0-9a-f]{64}", "chunk-signature=" + "0".repeat(64)));

        assertError(send(key, zero), 403, "SignatureDoesNotMatch", SIGNATURE_MISMATCH);
        assertOriginal(key);
    }

    @Test
    void aTrailerChangedAfterSigningIsSignatureDoesNotMatch()
            throws Exception
    {
        String key = "tampered/trailer.txt";
        putOriginal(key);
        Chunked tampered = chunked(key, SIGNED_WITH_TRAILER, DATA, null, null)
                .changed(body -> body.replaceAll("x-amz-checksum-crc32:[^\r]+", "x-amz-checksum-crc32:" + crc32("HELLO".getBytes(StandardCharsets.UTF_8))));

        assertError(send(key, tampered), 403, "SignatureDoesNotMatch", SIGNATURE_MISMATCH);
        assertOriginal(key);
    }

    @Test
    void aWrongTrailingChecksumIsBadDigestAndReplacesNothing()
            throws Exception
    {
        String key = "bad-digest/data.txt";
        putOriginal(key);
        String wrongCrc32 = crc32("not the data".getBytes(StandardCharsets.UTF_8));
        for (String format : List.of(UNSIGNED_WITH_TRAILER, SIGNED_WITH_TRAILER)) {
            assertError(send(key, chunked(key, format, DATA, "x-amz-checksum-crc32", wrongCrc32)), 400, "BadDigest",
                    "The CRC32 you specified did not match the calculated checksum.");
        }
        assertError(send(key, chunked(key, UNSIGNED_WITH_TRAILER, DATA, "x-amz-checksum-sha256", base64(MessageDigest.getInstance("SHA-256").digest(new byte[1])))),
                400, "BadDigest", "The SHA256 you specified did not match the calculated checksum.");
        assertError(send(key, chunked(key, UNSIGNED_WITH_TRAILER, "hello", "x-amz-checksum-crc64nvme", "AAAAAAAAAAA=")), 400, "BadDigest",
                "The CRC64NVME you specified did not match the calculated checksum.");
        assertError(send(key, chunked(key, UNSIGNED_WITH_TRAILER, DATA, "x-amz-checksum-crc32", "not-a-crc")), 400, "InvalidRequest",
                "Value for x-amz-checksum-crc32 trailing header is invalid.");
        assertOriginal(key);
    }

    @Test
    void brokenFramingIsIncompleteBodyNotAServerError()
            throws Exception
    {
        String key = "framing/data.txt";
        putOriginal(key);
        // the signature covers Content-Length: each change keeps the length of the body
        String firstChunk = Integer.toHexString(DATA.length()) + "\r\n" + DATA + "\r\n";
        Map<String, Function<String, String>> broken = Map.of(
                "a chunk size larger than the data that follows", body -> body.replace(firstChunk, "1f\r\n" + DATA + "\r\n"),
                "a chunk size that is not hex", body -> body.replace(firstChunk, "zz\r\n" + DATA + "\r\n"),
                "data not ended by CRLF", body -> body.replace(firstChunk, firstChunk.replace(DATA + "\r\n", DATA + "\n\n")));
        for (Map.Entry<String, Function<String, String>> change : broken.entrySet()) {
            HttpResponse<String> response = send(key, chunked(key, UNSIGNED_WITH_TRAILER, DATA, null, null).changed(change.getValue()));
            assertThat(response.statusCode()).as(change.getKey()).isEqualTo(400);
            assertThat(response.body()).as(change.getKey())
                    .contains("<Code>IncompleteBody</Code><Message>The request body terminated unexpectedly</Message>");
        }

        Chunked badExtension = chunked(key, SIGNED, DATA, null, null).changed(body -> body.replaceFirst(";chunk-signature=", ";chunk-signaturX="));
        assertError(send(key, badExtension), 400, "IncompleteBody", "The request body terminated unexpectedly");

        // 10 + 6 bytes in two chunks where the signed headers declare 20
        Chunked fewer = chunked(key, UNSIGNED_WITH_TRAILER, DATA, null, null)
                .changed(body -> body.replace(firstChunk, "a\r\n" + DATA.substring(0, 10) + "\r\n6\r\n" + DATA.substring(10, 16) + "\r\n"));
        HttpResponse<String> shorter = send(key, fewer);
        assertError(shorter, 400, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header");
        assertThat(shorter.body()).contains("<NumberBytesExpected>20</NumberBytesExpected><NumberBytesProvided>16</NumberBytesProvided>");
        assertOriginal(key);
    }

    @Test
    void aBodyThatEndsBeforeItsFinalChunkIsIncompleteBody()
            throws Exception
    {
        String key = "framing/cut.txt";
        putOriginal(key);
        for (String format : List.of(SIGNED, UNSIGNED_WITH_TRAILER)) {
            Chunked upload = chunked(key, format, DATA, null, null);
            // the client sends the chunk with the data, then nothing: no final chunk, and fewer bytes than Content-Length says
            String cut = upload.body().substring(0, upload.body().indexOf(DATA) + DATA.length() + 2);

            String response = sendCut(key, upload, cut);
            assertThat(response).as(format).startsWith("HTTP/1.1 400 ");
            assertThat(response).as(format).contains("<Code>IncompleteBody</Code><Message>The request body terminated unexpectedly</Message>");
        }
        assertOriginal(key);
    }

    /** Sends {@code upload}'s headers and the first bytes of its body, then closes its side of the connection; the whole answer. */
    private String sendCut(String key, Chunked upload, String cut)
            throws IOException
    {
        URI endpoint = URI.create(stack.endpoint());
        try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
            socket.setSoTimeout(60_000);
            StringBuilder head = new StringBuilder("PUT /" + bucket + "/" + key + " HTTP/1.1\r\nHost: " + endpoint.getAuthority() + "\r\nConnection: close\r\n");
            upload.headers().forEach((name, values) -> {
                if (!name.equalsIgnoreCase("host")) {
                    values.forEach(value -> head.append(name).append(": ").append(value).append("\r\n"));
                }
            });
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(cut.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private void putOriginal(String key)
    {
        try (S3Client s3 = stack.s3()) {
            s3.putObject(request -> request.bucket(bucket).key(key), RequestBody.fromString("original"));
        }
    }

    private void assertOriginal(String key)
    {
        try (S3Client s3 = stack.s3()) {
            assertThat(s3.getObjectAsBytes(request -> request.bucket(bucket).key(key)).asUtf8String()).isEqualTo("original");
            assertThatThrownBy(() -> s3.headObject(request -> request.bucket(bucket).key(key + ".missing")))
                    .isInstanceOf(NoSuchKeyException.class);
        }
    }

    private static void assertError(HttpResponse<String> response, int status, String code, String message)
    {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type")).contains("application/xml");
        assertThat(response.body()).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + message + "</Message>");
    }

    /**
     * An aws-chunked upload of {@code data} to {@code uri} as the AWS SDK's signer encodes and signs it, with a
     * trailer given as a header ({@code trailerName}: {@code trailerValue}) or its own CRC32, then changed as a test
     * needs.
     */
    private record Chunked(Map<String, List<String>> headers, String body)
    {
        static Chunked of(URI uri, String contentSha256, String data, String trailerName, String trailerValue)
        {
            byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
            boolean signed = !contentSha256.equals(UNSIGNED_WITH_TRAILER);
            SdkHttpRequest.Builder request = SdkHttpRequest.builder()
                    .method(SdkHttpMethod.PUT)
                    // the SDK signs chunks without signatures only over HTTPS; the scheme is not part of what is signed
                    .uri(signed ? uri : URI.create(uri.toString().replaceFirst("^http:", "https:")))
                    .putHeader("Content-Length", String.valueOf(bytes.length));
            if (trailerName != null) {
                request.putHeader("x-amz-trailer", trailerName).putHeader(trailerName, trailerValue);
            }
            SignedRequest encoded = AwsV4HttpSigner.create().sign(sign -> {
                sign.identity(AwsCredentialsIdentity.create(TestStack.ACCESS_KEY, TestStack.SECRET_KEY))
                        .request(request.build())
                        .payload(ContentStreamProvider.fromByteArray(bytes))
                        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "s3")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, TestStack.REGION)
                        .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                        .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
                        .putProperty(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED, true)
                        .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, signed);
                if (trailerName == null && !contentSha256.equals(SIGNED)) {
                    sign.putProperty(AwsV4FamilyHttpSigner.CHECKSUM_ALGORITHM, software.amazon.awssdk.checksums.DefaultChecksumAlgorithm.CRC32);
                }
            });
            assertThat(encoded.request().firstMatchingHeader("x-amz-content-sha256")).contains(contentSha256);
            try (InputStream body = encoded.payload().orElseThrow().newStream()) {
                return new Chunked(encoded.request().headers(), new String(body.readAllBytes(), StandardCharsets.ISO_8859_1));
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Chunked changed(Function<String, String> change)
        {
            return new Chunked(headers, change.apply(body));
        }
    }

    private Chunked chunked(String key, String contentSha256, String data, String trailerName, String trailerValue)
    {
        return Chunked.of(URI.create(stack.endpoint() + "/" + bucket + "/" + key), contentSha256, data, trailerName, trailerValue);
    }

    private HttpResponse<String> send(String key, Chunked upload)
            throws IOException, InterruptedException
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.endpoint() + "/" + bucket + "/" + key))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(upload.body().getBytes(StandardCharsets.ISO_8859_1)));
        upload.headers().forEach((name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> request.header(name, value));
            }
        });
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * An S3 client of the endpoint as the AWS SDK is configured by default, recording the {@code x-amz-content-sha256}
     * of its uploads; {@code asOverTls}: the SDK believes it talks HTTPS (and so sends unsigned chunks, its default
     * there) while its requests go over plain HTTP, as behind a TLS-terminating proxy.
     */
    private S3Client sdk(boolean asOverTls, List<String> sent)
    {
        String endpoint = asOverTls ? stack.endpoint().replaceFirst("^http:", "https:") : stack.endpoint();
        SdkHttpClient apache = ApacheHttpClient.create();
        SdkHttpClient http = !asOverTls ? apache : new SdkHttpClient()
        {
            @Override
            public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request)
            {
                HttpExecuteRequest.Builder plain = HttpExecuteRequest.builder().request(request.httpRequest().toBuilder().protocol("http").build());
                request.contentStreamProvider().ifPresent(plain::contentStreamProvider);
                request.metricCollector().ifPresent(plain::metricCollector);
                return apache.prepareRequest(plain.build());
            }

            @Override
            public void close()
            {
                apache.close();
            }
        };
        return S3Client.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.of(TestStack.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(TestStack.ACCESS_KEY, TestStack.SECRET_KEY)))
                .forcePathStyle(true)
                .httpClient(http)
                .overrideConfiguration(configuration -> configuration.addExecutionInterceptor(new ExecutionInterceptor()
                {
                    @Override
                    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes)
                    {
                        String operation = attributes.getAttribute(software.amazon.awssdk.core.interceptor.SdkExecutionAttribute.OPERATION_NAME);
                        if (operation.equals("PutObject") || operation.equals("UploadPart")) {
                            sent.add(operation + " " + context.httpRequest().firstMatchingHeader("x-amz-content-sha256").orElse("none"));
                        }
                    }
                }))
                .build();
    }

    private static String crc32(byte[] data)
    {
        CRC32 crc = new CRC32();
        crc.update(data);
        return base64(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static String crc32c(byte[] data)
    {
        CRC32C crc = new CRC32C();
        crc.update(data);
        return base64(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static String base64(byte[] bytes)
    {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
