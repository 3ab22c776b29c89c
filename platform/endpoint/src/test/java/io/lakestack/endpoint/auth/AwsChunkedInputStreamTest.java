package io.lakestack.endpoint.auth;

import io.lakestack.endpoint.protocol.AwsProtocol;
import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.endpoint.protocol.DetailedServiceException;
import io.lakestack.spi.ServiceException;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.checksums.DefaultChecksumAlgorithm;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * aws-chunked bodies are decoded and checked as they are read: AWS's documented example of a chunked upload, bodies
 * the AWS SDK's own signer encodes in each of the three formats, and what a client could break or tamper with.
 */
class AwsChunkedInputStreamTest
{
    private static final Instant NOW = Instant.parse("2026-11-21T10:15:30Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final Authenticator AUTHENTICATOR = new Authenticator(Map.of("test", "test"), true, "us-east-1", CLOCK);
    private static final String SIGNATURE_MISMATCH =
            "The request signature we calculated does not match the signature you provided. Check your key and signing method.";
    private static final String BODY_TERMINATED = "The request body terminated unexpectedly";
    private static final String ZERO_SIGNATURE = "0".repeat(64);

    /** "Signature Calculations for the Authorization Header: Transferring Payload in Multiple Chunks", AWS S3 API reference. */
    private static final class AwsExample
    {
        static final String SEED = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
        static final String CHUNK_1 = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";
        static final String CHUNK_2 = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497";
        static final String FINAL = "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9";

        static AwsRequest request(byte[] body)
        {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            headers.put("Host", List.of("s3.amazonaws.com"));
            headers.put("x-amz-date", List.of("20130524T000000Z"));
            headers.put("x-amz-storage-class", List.of("REDUCED_REDUNDANCY"));
            headers.put("Authorization", List.of("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                    + "SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;"
                    + "x-amz-storage-class,Signature=" + SEED));
            headers.put("x-amz-content-sha256", List.of("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"));
            headers.put("Content-Encoding", List.of("aws-chunked"));
            headers.put("x-amz-decoded-content-length", List.of("66560"));
            headers.put("Content-Length", List.of("66824"));
            return new AwsRequest("PUT", "/examplebucket/chunkObject.txt", "", headers, new ByteArrayInputStream(body), "127.0.0.1");
        }

        static byte[] body(String chunk1, String chunk2, String last)
        {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(("10000;chunk-signature=" + chunk1 + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(as(65536));
            out.writeBytes(("\r\n400;chunk-signature=" + chunk2 + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(as(1024));
            out.writeBytes(("\r\n0;chunk-signature=" + last + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return out.toByteArray();
        }

        static Authenticator.Caller authenticate()
        {
            Authenticator authenticator = new Authenticator(Map.of("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), true, "us-east-1",
                    Clock.fixed(Instant.parse("2013-05-24T00:00:00Z"), ZoneOffset.UTC));
            return authenticator.authenticate(request(new byte[0]), AwsProtocol.REST_XML, "s3");
        }
    }

    @Test
    void decodesAndVerifiesAwsDocumentedExample()
            throws IOException
    {
        Authenticator.Caller caller = AwsExample.authenticate();
        assertThat(caller.chunkSignatures()).isPresent();
        assertThat(caller.chunkSignatures().get().seedSignature()).isEqualTo(AwsExample.SEED);
        assertThat(caller.chunkSignatures().get()).hasToString("ChunkSignatures[scope=20130524/us-east-1/s3/aws4_request, time=20130524T000000Z]");

        byte[] body = AwsExample.body(AwsExample.CHUNK_1, AwsExample.CHUNK_2, AwsExample.FINAL);
        assertThat(body).hasSize(66824);
        try (AwsChunkedInputStream decoded = new AwsChunkedInputStream(new ByteArrayInputStream(body), AwsChunkedInputStream.Format.SIGNED,
                caller.chunkSignatures(), 66560)) {
            assertThat(readInPieces(decoded, 1000)).isEqualTo(as(66560));
            assertThat(decoded.read()).isEqualTo(-1);
            assertThat(decoded.trailers()).isEmpty();
        }
    }

    @Test
    void changedChunkDataIsSignatureDoesNotMatch()
    {
        Authenticator.Caller caller = AwsExample.authenticate();
        byte[] body = AwsExample.body(AwsExample.CHUNK_1, AwsExample.CHUNK_2, AwsExample.FINAL);
        body[88 + 65536 + 2 + 86 + 10] = 'b';

        assertSignatureDoesNotMatch(() -> drain(new AwsChunkedInputStream(new ByteArrayInputStream(body), AwsChunkedInputStream.Format.SIGNED,
                        caller.chunkSignatures(), 66560)),
                "AWS4-HMAC-SHA256-PAYLOAD\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n" + AwsExample.CHUNK_1
                        + "\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
                        + SigV4Verifier.sha256Hex(withByte(as(1024), 10, (byte) 'b')),
                AwsExample.CHUNK_2);
    }

    @Test
    void zeroChunkSignaturesAreSignatureDoesNotMatch()
    {
        Authenticator.Caller caller = AwsExample.authenticate();
        for (byte[] body : List.of(
                AwsExample.body(ZERO_SIGNATURE, AwsExample.CHUNK_2, AwsExample.FINAL),
                AwsExample.body(AwsExample.CHUNK_1, ZERO_SIGNATURE, AwsExample.FINAL),
                AwsExample.body(AwsExample.CHUNK_1, AwsExample.CHUNK_2, ZERO_SIGNATURE))) {
            assertThatThrownBy(() -> drain(new AwsChunkedInputStream(new ByteArrayInputStream(body), AwsChunkedInputStream.Format.SIGNED,
                    caller.chunkSignatures(), 66560)))
                    .isInstanceOfSatisfying(DetailedServiceException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo("SignatureDoesNotMatch");
                        assertThat(e.httpStatus()).isEqualTo(403);
                        assertThat(e.xmlDetails()).containsEntry("SignatureProvided", ZERO_SIGNATURE);
                    });
        }
    }

    @Test
    void chunksInAnotherOrderAreSignatureDoesNotMatch()
    {
        Authenticator.Caller caller = AwsExample.authenticate();
        String swapped = "400;chunk-signature=" + AwsExample.CHUNK_2 + "\r\n" + "a".repeat(1024) + "\r\n10000;chunk-signature=" + AwsExample.CHUNK_1
                + "\r\n" + "a".repeat(65536) + "\r\n0;chunk-signature=" + AwsExample.FINAL + "\r\n\r\n";

        assertThatThrownBy(() -> drain(new AwsChunkedInputStream(new ByteArrayInputStream(swapped.getBytes(StandardCharsets.US_ASCII)),
                AwsChunkedInputStream.Format.SIGNED, caller.chunkSignatures(), 66560)))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.errorCode()).isEqualTo("SignatureDoesNotMatch"));
    }

    @Test
    void signaturesAreReadButNotCheckedWithoutChunkSignatures()
            throws IOException
    {
        byte[] body = AwsExample.body(ZERO_SIGNATURE, ZERO_SIGNATURE, ZERO_SIGNATURE);

        assertThat(drain(new AwsChunkedInputStream(new ByteArrayInputStream(body), AwsChunkedInputStream.Format.SIGNED, Optional.empty(), 66560)))
                .isEqualTo(as(66560));
    }

    @Test
    void decodesWhatTheSdkSignerEncodesInEachFormat()
            throws IOException
    {
        byte[] data = pattern(300 * 1024 + 17);
        for (AwsChunkedInputStream.Format format : AwsChunkedInputStream.Format.values()) {
            Encoded encoded = encode(data, format);
            assertThat(encoded.headers().get("x-amz-content-sha256")).as(format.name()).containsExactly(format.contentSha256());
            Authenticator.Caller caller = AUTHENTICATOR.authenticate(encoded.request(), AwsProtocol.REST_XML, "s3");
            assertThat(caller.chunkSignatures().isPresent()).as(format.name()).isEqualTo(format.signed());

            try (AwsChunkedInputStream decoded = new AwsChunkedInputStream(new ByteArrayInputStream(encoded.body()), format, caller.chunkSignatures(),
                    data.length)) {
                assertThat(readInPieces(decoded, 8191)).as(format.name()).isEqualTo(data);
                assertThat(decoded.trailers()).as(format.name())
                        .isEqualTo(format.trailer() ? Map.of("x-amz-checksum-crc32", crc32Base64(data)) : Map.of());
            }
        }
    }

    @Test
    void changedDataOfASignedTrailerUploadIsSignatureDoesNotMatch()
    {
        byte[] data = "hello, chunked world".getBytes(StandardCharsets.UTF_8);
        Encoded encoded = encode(data, AwsChunkedInputStream.Format.SIGNED_WITH_TRAILER);
        Authenticator.Caller caller = AUTHENTICATOR.authenticate(encoded.request(), AwsProtocol.REST_XML, "s3");
        byte[] tampered = encoded.text().replace("hello, chunked world", "HELLO, chunked world").getBytes(StandardCharsets.ISO_8859_1);

        assertThatThrownBy(() -> drain(new AwsChunkedInputStream(new ByteArrayInputStream(tampered), AwsChunkedInputStream.Format.SIGNED_WITH_TRAILER,
                caller.chunkSignatures(), data.length)))
                .isInstanceOfSatisfying(ServiceException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("SignatureDoesNotMatch");
                    assertThat(e.httpStatus()).isEqualTo(403);
                });
    }

    @Test
    void changedTrailerOfASignedTrailerUploadIsSignatureDoesNotMatch()
    {
        byte[] data = "hello, chunked world".getBytes(StandardCharsets.UTF_8);
        Encoded encoded = encode(data, AwsChunkedInputStream.Format.SIGNED_WITH_TRAILER);
        Authenticator.Caller caller = AUTHENTICATOR.authenticate(encoded.request(), AwsProtocol.REST_XML, "s3");
        String text = encoded.text();
        String finalSignature = text.substring(text.indexOf("0;chunk-signature=") + 18, text.indexOf("0;chunk-signature=") + 18 + 64);
        byte[] tampered = text.replace("x-amz-checksum-crc32:" + crc32Base64(data), "x-amz-checksum-crc32:AAAAAA==").getBytes(StandardCharsets.ISO_8859_1);

        assertSignatureDoesNotMatch(() -> drain(new AwsChunkedInputStream(new ByteArrayInputStream(tampered),
                        AwsChunkedInputStream.Format.SIGNED_WITH_TRAILER, caller.chunkSignatures(), data.length)),
                "AWS4-HMAC-SHA256-TRAILER\n20261121T101530Z\n20261121/us-east-1/s3/aws4_request\n" + finalSignature + "\n"
                        + SigV4Verifier.sha256Hex("x-amz-checksum-crc32:AAAAAA==\n"),
                text.substring(text.indexOf("x-amz-trailer-signature:") + 24, text.indexOf("x-amz-trailer-signature:") + 24 + 64));
    }

    @Test
    void aSignedTrailerUploadWithoutItsTrailerSignatureIsIncompleteBody()
    {
        byte[] data = "hello, chunked world".getBytes(StandardCharsets.UTF_8);
        Encoded encoded = encode(data, AwsChunkedInputStream.Format.SIGNED_WITH_TRAILER);
        Authenticator.Caller caller = AUTHENTICATOR.authenticate(encoded.request(), AwsProtocol.REST_XML, "s3");
        byte[] unsigned = encoded.text().replaceAll("x-amz-trailer-signature:[0-9a-f]{64}\r\n", "").getBytes(StandardCharsets.ISO_8859_1);

        assertError(() -> drain(new AwsChunkedInputStream(new ByteArrayInputStream(unsigned), AwsChunkedInputStream.Format.SIGNED_WITH_TRAILER,
                caller.chunkSignatures(), data.length)), "IncompleteBody", BODY_TERMINATED);
    }

    @Test
    void anUnsignedTrailerIsHandedOverAsSent()
            throws IOException
    {
        String body = "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n";
        try (AwsChunkedInputStream decoded = unsigned(body, 5)) {
            assertThat(decoded.readAllBytes()).isEqualTo("hello".getBytes(StandardCharsets.US_ASCII));
            assertThat(decoded.trailers()).containsExactly(Map.entry("x-amz-checksum-crc32", "AAAAAA=="));
        }
        try (AwsChunkedInputStream noTrailer = unsigned("5\r\nhello\r\n0\r\n\r\n", 5)) {
            assertThat(noTrailer.readAllBytes()).isEqualTo("hello".getBytes(StandardCharsets.US_ASCII));
            assertThat(noTrailer.trailers()).isEmpty();
        }
    }

    @Test
    void brokenFramingIsIncompleteBody()
    {
        Map<String, String> broken = new LinkedHashMap<>();
        broken.put("size larger than the data", "a\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n");
        broken.put("size larger than the rest of the body", "10\r\nhello");
        broken.put("no final chunk", "5\r\nhello\r\n");
        broken.put("no end after the final chunk", "5\r\nhello\r\n0\r\n");
        broken.put("size not hex", "zz\r\nhello\r\n0\r\n\r\n");
        broken.put("negative size", "-5\r\nhello\r\n0\r\n\r\n");
        broken.put("empty size", "\r\nhello\r\n0\r\n\r\n");
        broken.put("size too large", "1000000000000000\r\nhello\r\n0\r\n\r\n");
        broken.put("data not ended by CRLF", "5\r\nhelloX\r\n0\r\n\r\n");
        broken.put("LF alone", "5\nhello\n0\n\n");
        broken.put("bytes after the end", "5\r\nhello\r\n0\r\n\r\nmore");
        broken.put("chunk extension on an unsigned chunk", "5;chunk-signature=" + ZERO_SIGNATURE + "\r\nhello\r\n0\r\n\r\n");
        broken.put("chunk header too long", "5" + ";x".repeat(3000) + "\r\nhello\r\n0\r\n\r\n");
        broken.forEach((what, body) -> assertError(() -> drain(unsigned(body, 5)), "IncompleteBody", BODY_TERMINATED));

        Map<String, String> brokenSigned = new LinkedHashMap<>();
        brokenSigned.put("no chunk signature", "5\r\nhello\r\n0;chunk-signature=" + ZERO_SIGNATURE + "\r\n\r\n");
        brokenSigned.put("short chunk signature", "5;chunk-signature=abc\r\nhello\r\n0;chunk-signature=" + ZERO_SIGNATURE + "\r\n\r\n");
        brokenSigned.put("other extension", "5;chunk-sig=" + ZERO_SIGNATURE + "\r\nhello\r\n0;chunk-signature=" + ZERO_SIGNATURE + "\r\n\r\n");
        brokenSigned.put("no empty line at the end", "5;chunk-signature=" + ZERO_SIGNATURE + "\r\nhello\r\n0;chunk-signature=" + ZERO_SIGNATURE + "\r\n");
        brokenSigned.forEach((what, body) -> assertError(() -> drain(new AwsChunkedInputStream(
                new ByteArrayInputStream(body.getBytes(StandardCharsets.US_ASCII)), AwsChunkedInputStream.Format.SIGNED, Optional.empty(), 5)),
                "IncompleteBody", BODY_TERMINATED));
    }

    @Test
    void aBodyThatCannotBeReadToItsEndIsIncompleteBody()
    {
        InputStream broken = new InputStream()
        {
            private final InputStream start = new ByteArrayInputStream("5\r\nhel".getBytes(StandardCharsets.US_ASCII));

            @Override
            public int read()
                    throws IOException
            {
                int b = start.read();
                if (b < 0) {
                    throw new IOException("Early EOF");
                }
                return b;
            }
        };

        assertError(() -> drain(new AwsChunkedInputStream(broken, AwsChunkedInputStream.Format.UNSIGNED_WITH_TRAILER, Optional.empty(), 5)),
                "IncompleteBody", BODY_TERMINATED);
    }

    @Test
    void aDecodedLengthOtherThanTheDeclaredOneIsIncompleteBody()
    {
        assertThatThrownBy(() -> drain(unsigned("5\r\nhello\r\n0\r\n\r\n", 3)))
                .isInstanceOfSatisfying(DetailedServiceException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("IncompleteBody");
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e).hasMessage("You did not provide the number of bytes specified by the Content-Length HTTP header");
                    assertThat(e.xmlDetails()).containsExactly(Map.entry("NumberBytesExpected", "3"), Map.entry("NumberBytesProvided", "5"));
                });
        assertThatThrownBy(() -> drain(unsigned("2\r\nhe\r\n3\r\nllo\r\n2\r\n!!\r\n0\r\n\r\n", 4)))
                .isInstanceOfSatisfying(DetailedServiceException.class, e -> assertThat(e.xmlDetails())
                        .containsExactly(Map.entry("NumberBytesExpected", "4"), Map.entry("NumberBytesProvided", "7")));
        assertThatThrownBy(() -> drain(unsigned("5\r\nhello\r\n0\r\n\r\n", 8)))
                .isInstanceOfSatisfying(DetailedServiceException.class, e -> assertThat(e.xmlDetails())
                        .containsExactly(Map.entry("NumberBytesExpected", "8"), Map.entry("NumberBytesProvided", "5")));
    }

    @Test
    void aTrailerThatIsNotNameColonValueIsMalformedTrailerError()
    {
        String message = "The request contained trailing data that was not well-formed or did not conform to our published schema.";
        assertError(() -> drain(unsigned("5\r\nhello\r\n0\r\nx-amz-checksum-crc32 AAAAAA==\r\n\r\n", 5)), "MalformedTrailerError", message);
        assertError(() -> drain(unsigned("5\r\nhello\r\n0\r\n:AAAAAA==\r\n\r\n", 5)), "MalformedTrailerError", message);
        assertError(() -> drain(unsigned("5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n", 5)),
                "MalformedTrailerError", message);
        assertError(() -> drain(unsigned("5\r\nhello\r\n0\r\nx-amz-checksum-crc32:" + "A".repeat(2000) + "\r\n\r\n", 5)), "MalformedTrailerError", message);
    }

    @Test
    void onlySignedStreamingUploadsCarryChunkSignatures()
    {
        byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
        Authenticator unchecked = new Authenticator(Map.of("test", "test"), false, "us-east-1", CLOCK);

        assertThat(unchecked.authenticate(encode(data, AwsChunkedInputStream.Format.SIGNED).request(), AwsProtocol.REST_XML, "s3").chunkSignatures())
                .isEmpty();
        assertThat(AUTHENTICATOR.authenticate(encode(data, AwsChunkedInputStream.Format.UNSIGNED_WITH_TRAILER).request(), AwsProtocol.REST_XML, "s3")
                .chunkSignatures()).isEmpty();
    }

    private static AwsChunkedInputStream unsigned(String body, long declaredLength)
    {
        return new AwsChunkedInputStream(new ByteArrayInputStream(body.getBytes(StandardCharsets.US_ASCII)), AwsChunkedInputStream.Format.UNSIGNED_WITH_TRAILER,
                Optional.empty(), declaredLength);
    }

    private static void assertError(ThrowableAssert.ThrowingCallable read, String code, String message)
    {
        assertThatThrownBy(read)
                .isInstanceOfSatisfying(ServiceException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(code);
                    assertThat(e.httpStatus()).isEqualTo(400);
                })
                .hasMessage(message);
    }

    private static void assertSignatureDoesNotMatch(ThrowableAssert.ThrowingCallable read, String stringToSign, String provided)
    {
        assertThatThrownBy(read)
                .isInstanceOfSatisfying(DetailedServiceException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("SignatureDoesNotMatch");
                    assertThat(e.httpStatus()).isEqualTo(403);
                    assertThat(e.xmlDetails()).containsExactly(Map.entry("StringToSign", stringToSign), Map.entry("SignatureProvided", provided));
                })
                .hasMessage(SIGNATURE_MISMATCH);
    }

    /** A body and the headers of its request, as the AWS SDK's signer encodes and signs them. */
    private record Encoded(Map<String, List<String>> headers, byte[] body)
    {
        AwsRequest request()
        {
            return new AwsRequest("PUT", "/bucket/key", "", headers, new ByteArrayInputStream(body), "127.0.0.1");
        }

        String text()
        {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    private static Encoded encode(byte[] data, AwsChunkedInputStream.Format format)
    {
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.PUT)
                // the SDK signs chunks without signatures only over HTTPS; the scheme is not part of what is signed
                .protocol(format.signed() ? "http" : "https")
                .host("127.0.0.1")
                .port(4566)
                .encodedPath("/bucket/key")
                .putHeader("Content-Length", String.valueOf(data.length))
                .build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(sign -> {
            sign.identity(AwsCredentialsIdentity.create("test", "test"))
                    .request(request)
                    .payload(ContentStreamProvider.fromByteArray(data))
                    .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "s3")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                    .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                    .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
                    .putProperty(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED, true)
                    .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, format.signed())
                    .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, CLOCK);
            if (format.trailer()) {
                sign.putProperty(AwsV4FamilyHttpSigner.CHECKSUM_ALGORITHM, DefaultChecksumAlgorithm.CRC32);
            }
        });
        Map<String, List<String>> headers = new LinkedHashMap<>();
        signed.request().headers().forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT), values));
        headers.put("host", List.of("127.0.0.1:4566"));
        try (InputStream body = signed.payload().orElseThrow().newStream()) {
            return new Encoded(headers, body.readAllBytes());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] drain(InputStream in)
            throws IOException
    {
        try (in) {
            return in.readAllBytes();
        }
    }

    private static byte[] readInPieces(InputStream in, int piece)
            throws IOException
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[piece];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static String crc32Base64(byte[] data)
    {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(data);
        return java.util.Base64.getEncoder().encodeToString(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static byte[] as(int count)
    {
        byte[] bytes = new byte[count];
        Arrays.fill(bytes, (byte) 'a');
        return bytes;
    }

    private static byte[] withByte(byte[] bytes, int index, byte value)
    {
        byte[] copy = bytes.clone();
        copy[index] = value;
        return copy;
    }

    private static byte[] pattern(int size)
    {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) ((i * 31 + (i >> 12)) & 0xff);
        }
        return bytes;
    }
}
