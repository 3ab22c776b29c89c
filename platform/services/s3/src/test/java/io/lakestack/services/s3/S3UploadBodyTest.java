package io.lakestack.services.s3;

import io.lakestack.endpoint.auth.Authenticator;
import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.endpoint.protocol.DetailedServiceException;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.s3.S3Upstream;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What reaches the S3 server of a request body, and what never does. */
class S3UploadBodyTest
{
    @TempDir
    Path spool;

    private static final Authenticator.Caller CALLER = new Authenticator.Caller("test", "us-east-1");
    private static final String DATA = "hello, chunked world";
    private static final String DATA_CRC32 = "XT19kg==";
    private static final String MALFORMED_TRAILER = "The request contained trailing data that was not well-formed or did not conform to our published schema.";

    @Test
    void anUnsignedTrailerUploadIsForwardedDecodedWithItsChecksumAsAHeader()
            throws Exception
    {
        Map<String, String> headers = chunkedHeaders("x-amz-checksum-crc32");
        headers.put("x-amz-sdk-checksum-algorithm", "CRC32");
        headers.put("content-type", "text/plain");
        try (S3UploadBody body = S3UploadBody.of(request(headers, chunked(DATA, "x-amz-checksum-crc32:" + DATA_CRC32)), CALLER, spool)) {
            assertThat(bytes(body.body())).isEqualTo(DATA.getBytes(StandardCharsets.UTF_8));
            assertThat(body.headers()).containsOnly(
                    Map.entry("content-length", List.of("20")),
                    Map.entry("content-type", List.of("text/plain")),
                    Map.entry("x-amz-checksum-crc32", List.of(DATA_CRC32)),
                    Map.entry("x-amz-content-sha256", List.of("UNSIGNED-PAYLOAD")));
        }
    }

    @Test
    void otherContentEncodingsStay()
            throws Exception
    {
        Map<String, String> headers = chunkedHeaders("x-amz-checksum-crc32");
        headers.put("content-encoding", "aws-chunked, gzip");
        try (S3UploadBody body = S3UploadBody.of(request(headers, chunked(DATA, "x-amz-checksum-crc32:" + DATA_CRC32)), CALLER, spool)) {
            assertThat(body.headers()).containsEntry("content-encoding", List.of("gzip"));
        }
    }

    @Test
    void eachTrailingChecksumIsChecked()
            throws Exception
    {
        Map<String, String> valid = Map.of(
                "x-amz-checksum-crc32", DATA_CRC32,
                "x-amz-checksum-crc32c", base64(crc32c(DATA)),
                "x-amz-checksum-crc64nvme", "M3eFcAZSQlc=",
                "x-amz-checksum-sha1", base64(MessageDigest.getInstance("SHA-1").digest(DATA.getBytes(StandardCharsets.UTF_8))),
                "x-amz-checksum-sha256", base64(MessageDigest.getInstance("SHA-256").digest(DATA.getBytes(StandardCharsets.UTF_8))));
        Map<String, String> names = Map.of("x-amz-checksum-crc32", "CRC32", "x-amz-checksum-crc32c", "CRC32C", "x-amz-checksum-crc64nvme", "CRC64NVME",
                "x-amz-checksum-sha1", "SHA1", "x-amz-checksum-sha256", "SHA256");
        for (Map.Entry<String, String> checksum : valid.entrySet()) {
            String name = checksum.getKey();
            String data = name.equals("x-amz-checksum-crc64nvme") ? "hello" : DATA;
            try (S3UploadBody body = S3UploadBody.of(request(chunkedHeaders(name, data.length()), chunked(data, name + ":" + checksum.getValue())), CALLER, spool)) {
                assertThat(body.headers()).as(name).containsEntry(name, List.of(checksum.getValue()));
            }
            byte[] wrong = Base64.getDecoder().decode(checksum.getValue());
            wrong[0] ^= 1;
            assertError(() -> S3UploadBody.of(request(chunkedHeaders(name, data.length()), chunked(data, name + ":" + base64(wrong))), CALLER, spool),
                    "BadDigest", 400, "The " + names.get(name) + " you specified did not match the calculated checksum.");
        }
    }

    @Test
    void aTrailingChecksumThatIsNoValueOfItsAlgorithmIsInvalidRequest()
    {
        for (String value : List.of("not base64!", "AAAAAAAA", "")) {
            assertError(() -> S3UploadBody.of(request(chunkedHeaders("x-amz-checksum-crc32"), chunked(DATA, "x-amz-checksum-crc32:" + value)), CALLER, spool),
                    "InvalidRequest", 400, "Value for x-amz-checksum-crc32 trailing header is invalid.");
        }
    }

    @Test
    void aTrailerOtherThanTheDeclaredOneIsMalformedTrailerError()
    {
        assertError(() -> S3UploadBody.of(request(chunkedHeaders("x-amz-checksum-crc32"), chunked(DATA, null)), CALLER, spool),
                "MalformedTrailerError", 400, MALFORMED_TRAILER);
        assertError(() -> S3UploadBody.of(request(chunkedHeaders("x-amz-checksum-crc32"), chunked(DATA, "x-amz-checksum-sha1:" + DATA_CRC32)), CALLER, spool),
                "MalformedTrailerError", 400, MALFORMED_TRAILER);
        assertError(() -> S3UploadBody.of(request(chunkedHeaders(null), chunked(DATA, "x-amz-checksum-crc32:" + DATA_CRC32)), CALLER, spool),
                "MalformedTrailerError", 400, MALFORMED_TRAILER);
        assertError(() -> S3UploadBody.of(request(chunkedHeaders("x-amz-checksum-crc32"),
                        chunked(DATA, "x-amz-checksum-crc32:" + DATA_CRC32 + "\r\nx-amz-meta-extra:1")), CALLER, spool),
                "MalformedTrailerError", 400, MALFORMED_TRAILER);
    }

    @Test
    void anUploadWithoutTrailerNeedsNone()
            throws Exception
    {
        try (S3UploadBody body = S3UploadBody.of(request(chunkedHeaders(null), chunked(DATA, null)), CALLER, spool)) {
            assertThat(bytes(body.body())).isEqualTo(DATA.getBytes(StandardCharsets.UTF_8));
            assertThat(body.headers()).doesNotContainKeys("x-amz-checksum-crc32", "x-amz-trailer");
        }
    }

    @Test
    void anUnsupportedTrailerIsInvalidRequest()
    {
        assertError(() -> S3UploadBody.of(request(chunkedHeaders("x-amz-checksum-md5"), chunked(DATA, "x-amz-checksum-md5:AAAA")), CALLER, spool),
                "InvalidRequest", 400, "The value specified in the x-amz-trailer header is not supported");
    }

    @Test
    void anUploadWithoutItsDecodedLengthIsMissingContentLength()
    {
        for (String length : new String[] {null, "abc", "-1"}) {
            Map<String, String> headers = chunkedHeaders("x-amz-checksum-crc32");
            headers.remove("x-amz-decoded-content-length");
            if (length != null) {
                headers.put("x-amz-decoded-content-length", length);
            }
            assertError(() -> S3UploadBody.of(request(headers, chunked(DATA, "x-amz-checksum-crc32:" + DATA_CRC32)), CALLER, spool),
                    "MissingContentLength", 411, "You must provide the Content-Length HTTP header.");
        }
    }

    @Test
    void brokenFramingIsIncompleteBody()
    {
        String body = "20\r\n" + DATA + "\r\n0\r\nx-amz-checksum-crc32:" + DATA_CRC32 + "\r\n\r\n";
        assertError(() -> S3UploadBody.of(request(chunkedHeaders("x-amz-checksum-crc32"), body.getBytes(StandardCharsets.US_ASCII)), CALLER, spool),
                "IncompleteBody", 400, "The request body terminated unexpectedly");
    }

    @Test
    void contentMd5IsCheckedOnEveryKindOfBody()
            throws Exception
    {
        byte[] data = DATA.getBytes(StandardCharsets.UTF_8);
        String md5 = base64(MessageDigest.getInstance("MD5").digest(data));
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        String wrong = "AAAAAAAAAAAAAAAAAAAAAA==";

        Map<String, String> unsignedPayload = plainHeaders(data.length, "UNSIGNED-PAYLOAD");
        Map<String, String> hashed = plainHeaders(data.length, sha256);
        Map<String, String> chunked = chunkedHeaders("x-amz-checksum-crc32");
        byte[] chunkedBody = chunked(DATA, "x-amz-checksum-crc32:" + DATA_CRC32);
        for (Map.Entry<Map<String, String>, byte[]> body : Map.of(unsignedPayload, data, hashed, data, chunked, chunkedBody).entrySet()) {
            Map<String, String> headers = new LinkedHashMap<>(body.getKey());
            headers.put("content-md5", md5);
            try (S3UploadBody checked = S3UploadBody.of(request(headers, body.getValue()), CALLER, spool)) {
                assertThat(bytes(checked.body())).isEqualTo(data);
            }
            headers.put("content-md5", wrong);
            assertThatThrownBy(() -> S3UploadBody.of(request(headers, body.getValue()), CALLER, spool))
                    .isInstanceOfSatisfying(DetailedServiceException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo("BadDigest");
                        assertThat(e.httpStatus()).isEqualTo(400);
                        assertThat(e.xmlDetails()).containsExactly(Map.entry("CalculatedDigest", md5), Map.entry("ExpectedDigest", wrong));
                    })
                    .hasMessage("The Content-MD5 you specified did not match what we received.");
            for (String invalid : List.of("AAAA", "not base64!!", "")) {
                headers.put("content-md5", invalid);
                assertError(() -> S3UploadBody.of(request(headers, body.getValue()), CALLER, spool),
                        "InvalidDigest", 400, "The Content-MD5 you specified was invalid.");
            }
        }
    }

    @Test
    void contentMd5OfAnEmptyBody()
            throws Exception
    {
        Map<String, String> headers = plainHeaders(0, "UNSIGNED-PAYLOAD");
        headers.put("content-md5", "1B2M2Y8AsgTpgAmY7PhCfg==");
        try (S3UploadBody body = S3UploadBody.of(request(headers, new byte[0]), CALLER, spool)) {
            assertThat(body.body()).isEqualTo(new S3Upstream.Body.None());
        }
        headers.put("content-md5", "AAAAAAAAAAAAAAAAAAAAAA==");
        assertError(() -> S3UploadBody.of(request(headers, new byte[0]), CALLER, spool), "BadDigest", 400,
                "The Content-MD5 you specified did not match what we received.");
    }

    @Test
    void aBodyWithNothingToCheckIsStreamedUnread()
            throws Exception
    {
        InputStream stream = new ByteArrayInputStream(DATA.getBytes(StandardCharsets.UTF_8));
        AwsRequest request = new AwsRequest("PUT", "/bucket/key", "", lists(plainHeaders(20, "UNSIGNED-PAYLOAD")), stream, "127.0.0.1");
        try (S3UploadBody body = S3UploadBody.of(request, CALLER, spool)) {
            assertThat(body.body()).isInstanceOfSatisfying(S3Upstream.Body.Stream.class, streamed -> {
                assertThat(streamed.stream()).isSameAs(stream);
                assertThat(streamed.length()).contains(20L);
            });
            assertThat(stream.available()).isEqualTo(20);
        }
    }

    @Test
    void largeBodiesAreSpooledToAFileThatCloseDeletes()
            throws Exception
    {
        int size = (int) S3UploadBody.SPOOL_IN_MEMORY_LIMIT + 1;
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (i * 31 + (i >> 12));
        }
        String crc32 = base64(crc32(data));
        ByteArrayOutputStream encoded = new ByteArrayOutputStream();
        for (int offset = 0; offset < size; offset += 65536) {
            int length = Math.min(65536, size - offset);
            encoded.writeBytes((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            encoded.write(data, offset, length);
            encoded.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        encoded.writeBytes(("0\r\nx-amz-checksum-crc32:" + crc32 + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        Map<String, String> chunked = chunkedHeaders("x-amz-checksum-crc32", size);

        Path spooled;
        try (S3UploadBody body = S3UploadBody.of(request(chunked, encoded.toByteArray()), CALLER, spool)) {
            assertThat(body.body()).isInstanceOf(S3Upstream.Body.File.class);
            spooled = ((S3Upstream.Body.File) body.body()).path();
            assertThat(Files.readAllBytes(spooled)).isEqualTo(data);
            assertThat(body.headers()).containsEntry("content-length", List.of(String.valueOf(size)));
        }
        assertThat(spooled).doesNotExist();

        Map<String, String> plain = plainHeaders(size, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)));
        try (S3UploadBody body = S3UploadBody.of(request(plain, data), CALLER, spool)) {
            spooled = ((S3Upstream.Body.File) body.body()).path();
            assertThat(Files.size(spooled)).isEqualTo(size);
        }
        assertThat(spooled).doesNotExist();
    }

    private static Map<String, String> chunkedHeaders(String trailer)
    {
        return chunkedHeaders(trailer, DATA.length());
    }

    private static Map<String, String> chunkedHeaders(String trailer, int decodedLength)
    {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
        headers.put("content-encoding", "aws-chunked");
        headers.put("x-amz-decoded-content-length", String.valueOf(decodedLength));
        if (trailer != null) {
            headers.put("x-amz-trailer", trailer);
        }
        return headers;
    }

    private static Map<String, String> plainHeaders(int length, String contentSha256)
    {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-amz-content-sha256", contentSha256);
        headers.put("content-length", String.valueOf(length));
        return headers;
    }

    /** One chunk of {@code data}, the final chunk and {@code trailer} ({@code name:value} lines), as STREAMING-UNSIGNED-PAYLOAD-TRAILER frames them. */
    private static byte[] chunked(String data, String trailer)
    {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        return (Integer.toHexString(bytes.length) + "\r\n" + data + "\r\n0\r\n" + (trailer == null ? "" : trailer + "\r\n") + "\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static AwsRequest request(Map<String, String> headers, byte[] body)
    {
        Map<String, String> withLength = new LinkedHashMap<>(headers);
        if (headers.containsKey("x-amz-decoded-content-length") || !headers.containsKey("content-length")) {
            withLength.put("content-length", String.valueOf(body.length));
        }
        return new AwsRequest("PUT", "/bucket/key", "", lists(withLength), new ByteArrayInputStream(body), "127.0.0.1");
    }

    private static Map<String, List<String>> lists(Map<String, String> headers)
    {
        Map<String, List<String>> lists = new LinkedHashMap<>();
        headers.forEach((name, value) -> lists.put(name, List.of(value)));
        return lists;
    }

    private static byte[] bytes(S3Upstream.Body body)
            throws IOException
    {
        if (body instanceof S3Upstream.Body.Bytes bytes) {
            return bytes.bytes();
        }
        if (body instanceof S3Upstream.Body.File file) {
            return Files.readAllBytes(file.path());
        }
        throw new AssertionError("not spooled: " + body);
    }

    private static void assertError(ThrowableAssert.ThrowingCallable call, String code, int status, String message)
    {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(ServiceException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(code);
                    assertThat(e.httpStatus()).isEqualTo(status);
                })
                .hasMessage(message);
    }

    private static String base64(byte[] bytes)
    {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static byte[] crc32c(String text)
    {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array();
    }

    private static byte[] crc32(byte[] data)
    {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(data);
        return java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array();
    }
}
