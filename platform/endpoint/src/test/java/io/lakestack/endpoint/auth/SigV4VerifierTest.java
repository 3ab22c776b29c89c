package io.lakestack.endpoint.auth;

import io.lakestack.endpoint.protocol.AwsProtocol;
import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.endpoint.protocol.DetailedServiceException;
import io.lakestack.spi.ServiceException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The verifier must accept exactly what the AWS SDK's own signer produces, and nothing it did not sign. */
class SigV4VerifierTest
{
    private static final Instant NOW = Instant.parse("2026-11-21T10:15:30Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final Authenticator AUTHENTICATOR = new Authenticator(Map.of("test", "test"), true, "us-east-1", CLOCK);

    @Test
    void acceptsJsonRequestSignedBySdk()
    {
        byte[] body = "{\"StreamName\":\"orders\"}".getBytes(StandardCharsets.UTF_8);
        AwsRequest request = signed(jsonRequest(), body, "kinesis", "eu-west-1", "test", true, true);

        Authenticator.Caller caller = AUTHENTICATOR.authenticate(request, AwsProtocol.JSON_1_1, "kinesis");

        assertThat(caller).isEqualTo(new Authenticator.Caller("test", "eu-west-1"));
    }

    @Test
    void acceptsS3RequestWithEncodedKeyAndQuerySignedBySdk()
    {
        SdkHttpRequest.Builder get = SdkHttpRequest.builder()
                .method(SdkHttpMethod.GET)
                .protocol("http")
                .host("127.0.0.1")
                .port(4566)
                .encodedPath("/data/year%3D2024/a%20b%2Bc%C3%A9.json")
                .appendRawQueryParameter("list-type", "2")
                .appendRawQueryParameter("prefix", "a b/c")
                .appendRawQueryParameter("delimiter", "/");
        AwsRequest request = signed(get, null, "s3", "us-east-1", "test", false, false);

        assertThat(request.header("x-amz-content-sha256")).contains("UNSIGNED-PAYLOAD");
        assertThat(AUTHENTICATOR.authenticate(request, AwsProtocol.REST_XML, "s3")).isEqualTo(new Authenticator.Caller("test", "us-east-1"));
    }

    @Test
    void acceptsRestJsonPathDoubleEncoded()
    {
        SdkHttpRequest.Builder invoke = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .protocol("http")
                .host("localhost")
                .port(4566)
                .encodedPath("/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Af/invocations")
                .putHeader("Content-Type", "application/json");
        AwsRequest request = signed(invoke, "{}".getBytes(StandardCharsets.UTF_8), "lambda", "us-east-1", "test", true, true);

        assertThat(AUTHENTICATOR.authenticate(request, AwsProtocol.REST_JSON, "lambda").accessKey()).isEqualTo("test");
    }

    /** The SDK signs a path normalised without dot segments, and without a trailing slash the path did not have. */
    @Test
    void acceptsRestJsonPathWithDotSegmentsSignedBySdk()
    {
        for (String path : List.of("/2015-03-31/functions/..", "/2015-03-31/functions/.", "/2015-03-31/functions/../configuration",
                "/2015-03-31/functions/f/./aliases/..", "/2015-03-31/functions/f/../", "/2017-03-31/tags/../..")) {
            SdkHttpRequest.Builder get = SdkHttpRequest.builder()
                    .method(SdkHttpMethod.GET)
                    .protocol("http")
                    .host("localhost")
                    .port(4566)
                    .encodedPath(path);
            AwsRequest request = signed(get, null, "lambda", "us-east-1", "test", true, true);

            assertThat(AUTHENTICATOR.authenticate(request, AwsProtocol.REST_JSON, "lambda").accessKey()).as(path).isEqualTo("test");
        }
    }

    @Test
    void acceptsPresignedUrlUntilItExpires()
    {
        SdkHttpRequest.Builder get = SdkHttpRequest.builder()
                .method(SdkHttpMethod.GET)
                .protocol("http")
                .host("localhost")
                .port(4566)
                .encodedPath("/bucket/report.csv");
        SignedRequest signed = AwsV4HttpSigner.create().sign(sign -> sign
                .identity(AwsCredentialsIdentity.create("test", "test"))
                .request(get.build())
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "s3")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                .putProperty(AwsV4FamilyHttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, Duration.ofMinutes(5))
                .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, CLOCK));
        AwsRequest request = toAwsRequest(signed.request(), new byte[0]);

        assertThat(AUTHENTICATOR.authenticate(request, AwsProtocol.REST_XML, "s3").accessKey()).isEqualTo("test");

        Authenticator later = new Authenticator(Map.of("test", "test"), true, "us-east-1", Clock.fixed(NOW.plusSeconds(301), ZoneOffset.UTC));
        assertThatThrownBy(() -> later.authenticate(toAwsRequest(signed.request(), new byte[0]), AwsProtocol.REST_XML, "s3"))
                .isInstanceOfSatisfying(ServiceException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("AccessDenied");
                    assertThat(e.httpStatus()).isEqualTo(403);
                })
                .hasMessageStartingWith("Request has expired");
    }

    @Test
    void refusesTamperedBodyInJsonShape()
    {
        SdkHttpRequest signedRequest = signedRequest(jsonRequest(), "{\"StreamName\":\"orders\"}".getBytes(StandardCharsets.UTF_8),
                "kinesis", "us-east-1", "test", true, true);
        AwsRequest tampered = toAwsRequest(signedRequest, "{\"StreamName\":\"other\"}".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> AUTHENTICATOR.authenticate(tampered, AwsProtocol.JSON_1_1, "kinesis"))
                .isInstanceOfSatisfying(ServiceException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("InvalidSignatureException");
                    assertThat(e.httpStatus()).isEqualTo(400);
                })
                .hasMessage("The request signature we calculated does not match the signature you provided: the body's SHA-256 is "
                        + "fa25e8e3dcf061b4857d84d01a01b6045545fef061adea305b3dd13555ec49e4 but its x-amz-content-sha256 header says "
                        + "c51186d8dde7c68a806475a9ef419978a1f2a935c9db54fe2d405937607b5f7d");
    }

    @Test
    void refusesWrongSecretInS3ShapeWithStringToSign()
    {
        AwsRequest request = signed(SdkHttpRequest.builder().method(SdkHttpMethod.GET).protocol("http").host("localhost").port(4566)
                .encodedPath("/bucket"), null, "s3", "us-east-1", "not-the-secret", false, false);

        assertThatThrownBy(() -> AUTHENTICATOR.authenticate(request, AwsProtocol.REST_XML, "s3"))
                .isInstanceOfSatisfying(DetailedServiceException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("SignatureDoesNotMatch");
                    assertThat(e.httpStatus()).isEqualTo(403);
                    assertThat(e.xmlDetails().keySet()).containsExactly("AWSAccessKeyId", "StringToSign", "SignatureProvided", "CanonicalRequest");
                    assertThat(e.xmlDetails().get("StringToSign")).startsWith("AWS4-HMAC-SHA256\n20261121T101530Z\n20261121/us-east-1/s3/aws4_request\n");
                    assertThat(e.xmlDetails().get("CanonicalRequest")).startsWith("GET\n/bucket\n\n");
                });
    }

    @Test
    void refusesUnknownKeyMissingSignatureAndSkew()
    {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest signedRequest = signedRequest(jsonRequest(), body, "kinesis", "us-east-1", "test", true, true);

        Authenticator otherKeys = new Authenticator(Map.of("AKIDEXAMPLE", "secret"), true, "us-east-1", CLOCK);
        assertThatThrownBy(() -> otherKeys.authenticate(toAwsRequest(signedRequest, body), AwsProtocol.JSON_1_1, "kinesis"))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.errorCode()).isEqualTo("UnrecognizedClientException"));

        AwsRequest unsigned = new AwsRequest("POST", "/", "", Map.of("Content-Type", List.of("application/x-amz-json-1.1")),
                new ByteArrayInputStream(body), "127.0.0.1");
        assertThatThrownBy(() -> AUTHENTICATOR.authenticate(unsigned, AwsProtocol.JSON_1_1, "kinesis"))
                .isInstanceOfSatisfying(ServiceException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("MissingAuthenticationTokenException");
                    assertThat(e.httpStatus()).isEqualTo(403);
                })
                .hasMessage("Missing Authentication Token");

        Authenticator tomorrow = new Authenticator(Map.of("test", "test"), true, "us-east-1", Clock.fixed(NOW.plus(Duration.ofHours(1)), ZoneOffset.UTC));
        assertThatThrownBy(() -> tomorrow.authenticate(toAwsRequest(signedRequest, body), AwsProtocol.JSON_1_1, "kinesis"))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.errorCode()).isEqualTo("InvalidSignatureException"))
                .hasMessage("Signature expired: 20261121T101530Z is now earlier than 20261121T110030Z (20261121T111530Z - 15 min.)");

        Authenticator unchecked = new Authenticator(Map.of(), false, "us-east-1", CLOCK);
        assertThat(unchecked.authenticate(unsigned, AwsProtocol.JSON_1_1, "kinesis")).isEqualTo(new Authenticator.Caller("anonymous", "us-east-1"));
    }

    @Test
    void refusesMalformedAuthorizationHeader()
    {
        AwsRequest request = new AwsRequest("GET", "/bucket", "", Map.of(
                "Authorization", List.of("AWS4-HMAC-SHA256 Credential=test/20261121/us-east-1/s3/aws4_request"),
                "x-amz-date", List.of("20261121T101530Z")), new ByteArrayInputStream(new byte[0]), "127.0.0.1");

        assertThatThrownBy(() -> AUTHENTICATOR.authenticate(request, AwsProtocol.REST_XML, "s3"))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.errorCode()).isEqualTo("AuthorizationHeaderMalformed"))
                .hasMessageStartingWith("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.");
        assertThatThrownBy(() -> AUTHENTICATOR.authenticate(request, AwsProtocol.JSON_1_1, "kinesis"))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.errorCode()).isEqualTo("IncompleteSignatureException"));
    }

    private static SdkHttpRequest.Builder jsonRequest()
    {
        return SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .protocol("http")
                .host("127.0.0.1")
                .port(4566)
                .encodedPath("/")
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", "Kinesis_20131202.DescribeStream");
    }

    private static AwsRequest signed(SdkHttpRequest.Builder request, byte[] body, String service, String region, String secret,
            boolean payloadSigning, boolean doubleEncode)
    {
        return toAwsRequest(signedRequest(request, body, service, region, secret, payloadSigning, doubleEncode), body == null ? new byte[0] : body);
    }

    private static SdkHttpRequest signedRequest(SdkHttpRequest.Builder request, byte[] body, String service, String region, String secret,
            boolean payloadSigning, boolean doubleEncode)
    {
        SignedRequest signed = AwsV4HttpSigner.create().sign(sign -> {
            sign.identity(AwsCredentialsIdentity.create("test", secret))
                    .request(request.build())
                    .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, service)
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                    .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, doubleEncode)
                    .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, doubleEncode)
                    .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, payloadSigning)
                    .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, CLOCK);
            if (body != null) {
                sign.payload(ContentStreamProvider.fromByteArray(body));
            }
        });
        return signed.request();
    }

    private static AwsRequest toAwsRequest(SdkHttpRequest signed, byte[] body)
    {
        Map<String, List<String>> headers = new LinkedHashMap<>(signed.headers());
        headers.put("Host", List.of(signed.host() + ":" + signed.port()));
        String query = signed.encodedQueryParameters().orElse("");
        return new AwsRequest(signed.method().name(), signed.encodedPath(), query, headers, new ByteArrayInputStream(body), "127.0.0.1");
    }

    static String describe(Map<String, List<String>> headers)
    {
        return headers.entrySet().stream().map(entry -> entry.getKey() + "=" + entry.getValue()).collect(Collectors.joining(", "));
    }

    /** The derivation AWS documents (secret wJalr...EXAMPLEKEY, 2012-02-15, us-east-1, iam), also for each scope's second request, whose key is kept. */
    @Test
    void derivesTheSigningKeyOfEachScopeAsAwsDocumentsIt()
    {
        String secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        SigV4Signature iam = new SigV4Signature("AKIDEXAMPLE", "20120215", "us-east-1", "iam", List.of("host"), "0".repeat(64), "20120215T000000Z",
                java.util.Optional.empty());
        SigV4Signature otherDay = new SigV4Signature("AKIDEXAMPLE", "20120216", "us-east-1", "iam", List.of("host"), "0".repeat(64), "20120216T000000Z",
                java.util.Optional.empty());

        String expected = "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d";
        assertThat(java.util.HexFormat.of().formatHex(SigV4Verifier.signingKey(secret, iam))).isEqualTo(expected);
        byte[] again = SigV4Verifier.signingKey(secret, iam);
        assertThat(java.util.HexFormat.of().formatHex(again)).isEqualTo(expected);
        again[0] ^= 1; // a caller's copy: the key kept is not changed through it
        assertThat(java.util.HexFormat.of().formatHex(SigV4Verifier.signingKey(secret, iam))).isEqualTo(expected);
        assertThat(java.util.HexFormat.of().formatHex(SigV4Verifier.signingKey(secret, otherDay))).isNotEqualTo(expected)
                .isEqualTo(java.util.HexFormat.of().formatHex(SigV4Verifier.hmac(SigV4Verifier.hmac(SigV4Verifier.hmac(SigV4Verifier.hmac(
                        ("AWS4" + secret).getBytes(StandardCharsets.UTF_8), "20120216"), "us-east-1"), "iam"), "aws4_request")));
        assertThat(java.util.HexFormat.of().formatHex(SigV4Verifier.signingKey("another" + secret, iam))).isNotEqualTo(expected);
    }
}
