package io.lakestack.endpoint.auth;

import io.lakestack.endpoint.protocol.AwsProtocol;
import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.spi.ServiceException;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Dates of the right shape that name no real time, and the checks a request passes before its body is read. */
class AuthenticatorTest
{
    private static final Instant NOW = Instant.parse("2026-11-21T10:15:30Z");
    private static final Authenticator AUTHENTICATOR = new Authenticator(Map.of("test", "test"), true, "us-east-1", Clock.fixed(NOW, ZoneOffset.UTC));
    private static final String BOGUS_SIGNATURE = "0".repeat(64);

    /** A body that fails the test if anything reads it. */
    private static final class UnreadableBody
            extends InputStream
    {
        @Override
        public int read()
        {
            throw new AssertionError("the body was read");
        }
    }

    private static AwsRequest headerSigned(String accessKey, String service, String amzDate, Map<String, String> more)
    {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Authorization", List.of("AWS4-HMAC-SHA256 Credential=" + accessKey + "/" + amzDate.substring(0, 8) + "/us-east-1/" + service
                + "/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + BOGUS_SIGNATURE));
        headers.put("X-Amz-Date", List.of(amzDate));
        headers.put("Host", List.of("127.0.0.1:4566"));
        more.forEach((name, value) -> headers.put(name, List.of(value)));
        return new AwsRequest("POST", "/", "", headers, new UnreadableBody(), "127.0.0.1");
    }

    private static AwsRequest presigned(String service, String amzDate)
    {
        String query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=test%2F" + amzDate.substring(0, 8) + "%2Fus-east-1%2F" + service
                + "%2Faws4_request&X-Amz-Date=" + amzDate + "&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=" + BOGUS_SIGNATURE;
        return new AwsRequest("GET", "/bucket/key", query, Map.of("Host", List.of("127.0.0.1:4566")), new UnreadableBody(), "127.0.0.1");
    }

    private static void assertRefused(AwsRequest request, AwsProtocol protocol, String service, int status, String code, String message)
    {
        assertThatThrownBy(() -> AUTHENTICATOR.authenticate(request, protocol, service)).isInstanceOfSatisfying(ServiceException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(status);
            assertThat(e.errorCode()).isEqualTo(code);
        }).hasMessage(message);
    }

    /**
     * Temporary credentials are accepted with their session token until they expire; the signature is then checked with the session's
     * secret (the bogus signature here is what fails, after the token was accepted).
     */
    @Test
    void temporaryCredentialsNeedTheirTokenAndExpire()
    {
        String amzDate = "20261121T101530Z";
        TemporaryCredentials sessions = accessKey -> accessKey.equals("ASIAVALID")
                ? java.util.Optional.of(new TemporaryCredentials.Session("session-secret", "the-token", NOW.plusSeconds(1).toEpochMilli()))
                : accessKey.equals("ASIAEXPIRED")
                        ? java.util.Optional.of(new TemporaryCredentials.Session("session-secret", "the-token", NOW.toEpochMilli()))
                        : java.util.Optional.empty();
        Authenticator authenticator = new Authenticator(Map.of("test", "test"), sessions, true, "us-east-1", Clock.fixed(NOW, ZoneOffset.UTC));

        AwsRequest withToken = headerSigned("ASIAVALID", "sts", amzDate, Map.of("X-Amz-Security-Token", "the-token"));
        AwsRequest readable = new AwsRequest(withToken.method(), withToken.rawPath(), withToken.rawQuery(), withToken.headers(),
                new java.io.ByteArrayInputStream(new byte[0]), "127.0.0.1");
        assertThatThrownBy(() -> authenticator.authenticate(readable, AwsProtocol.QUERY, "sts"))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.errorCode()).isEqualTo("SignatureDoesNotMatch"));
        assertThatThrownBy(() -> authenticator.authenticate(headerSigned("ASIAVALID", "sts", amzDate, Map.of()), AwsProtocol.QUERY, "sts"))
                .isInstanceOfSatisfying(ServiceException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(403);
                    assertThat(e.errorCode()).isEqualTo("InvalidClientTokenId");
                }).hasMessage("The security token included in the request is invalid.");
        assertThatThrownBy(() -> authenticator.authenticate(headerSigned("ASIAVALID", "s3", amzDate, Map.of("X-Amz-Security-Token", "other")),
                AwsProtocol.REST_XML, "s3")).isInstanceOfSatisfying(ServiceException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.errorCode()).isEqualTo("InvalidToken");
                }).hasMessage("The provided token is malformed or otherwise invalid.");
        assertThatThrownBy(() -> authenticator.authenticate(headerSigned("ASIAEXPIRED", "kinesis", amzDate, Map.of("X-Amz-Security-Token", "the-token")),
                AwsProtocol.JSON_1_1, "kinesis")).isInstanceOfSatisfying(ServiceException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.errorCode()).isEqualTo("ExpiredTokenException");
                }).hasMessage("The security token included in the request is expired");
        assertThatThrownBy(() -> authenticator.authenticate(headerSigned("ASIAUNKNOWN", "sts", amzDate, Map.of("X-Amz-Security-Token", "the-token")),
                AwsProtocol.QUERY, "sts")).isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.errorCode()).isEqualTo("InvalidClientTokenId"));
    }

    @Test
    void datesThatNameNoRealTimeAreRefusedInEachProtocolsWords()
    {
        // month 13 and hour 25; February 30, which a lenient parser reads as February 28; hour 24
        for (String date : List.of("20261399T256199Z", "20260230T101530Z", "20261121T240000Z")) {
            String message = "Date must be in ISO-8601 'basic format'. Got '" + date + "'. See http://en.wikipedia.org/wiki/ISO_8601";
            assertRefused(headerSigned("test", "kinesis", date, Map.of()), AwsProtocol.JSON_1_1, "kinesis", 400, "IncompleteSignatureException", message);
            assertRefused(headerSigned("test", "kinesis", date, Map.of()), AwsProtocol.CBOR, "kinesis", 400, "IncompleteSignatureException", message);
            assertRefused(presigned("kinesis", date), AwsProtocol.JSON_1_1, "kinesis", 400, "IncompleteSignatureException", message);
            assertRefused(headerSigned("test", "sns", date, Map.of()), AwsProtocol.QUERY, "sns", 400, "IncompleteSignature", message);
            assertRefused(headerSigned("test", "s3", date, Map.of()), AwsProtocol.REST_XML, "s3", 403, "AccessDenied",
                    "AWS authentication requires a valid Date or x-amz-date header");
            assertRefused(presigned("s3", date), AwsProtocol.REST_XML, "s3", 400, "AuthorizationQueryParametersError",
                    "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
        }
    }

    /** S3 answers 403 to a presigned URL whose X-Amz-Expires is out of range (a week at most), and to one of 0 seconds, expired at once. */
    @Test
    void presignedUrlsOutOfTheirExpiryRangeAre403()
    {
        String signedNow = "20261121T101530Z";
        assertRefused(expiring(signedNow, "-7"), AwsProtocol.REST_XML, "s3", 403, "AuthorizationQueryParametersError",
                "X-Amz-Expires must be non-negative, not -7");
        assertRefused(expiring(signedNow, "609901"), AwsProtocol.REST_XML, "s3", 403, "AuthorizationQueryParametersError",
                "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds (it is 609901)");
        assertRefused(expiring(signedNow, "0"), AwsProtocol.REST_XML, "s3", 403, "AccessDenied",
                "Request has expired (X-Amz-Date 20261121T101530Z, X-Amz-Expires 0, now 20261121T101530Z)");
        // within the range, the (bogus) signature is what fails
        assertRefused(expiring(signedNow, "604800"), AwsProtocol.REST_XML, "s3", 403, "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. Check your key and signing method.");
    }

    private static AwsRequest expiring(String amzDate, String expires)
    {
        AwsRequest presigned = presigned("s3", amzDate);
        return new AwsRequest(presigned.method(), presigned.rawPath(), presigned.rawQuery().replace("X-Amz-Expires=60", "X-Amz-Expires=" + expires),
                presigned.headers(), new java.io.ByteArrayInputStream(new byte[0]), "127.0.0.1");
    }

    @Test
    void aDateIsCheckedBeforeTheAccessKey()
    {
        assertRefused(headerSigned("AKIDUNKNOWN", "kinesis", "20261399T256199Z", Map.of()), AwsProtocol.JSON_1_1, "kinesis", 400,
                "IncompleteSignatureException", "Date must be in ISO-8601 'basic format'. Got '20261399T256199Z'. See http://en.wikipedia.org/wiki/ISO_8601");
    }

    @Test
    void headerChecksComeBeforeTheBodyIsRead()
    {
        Map<String, String> huge = Map.of("Content-Length", String.valueOf(1L << 30));
        assertRefused(headerSigned("AKIDUNKNOWN", "kinesis", "20261121T101530Z", huge), AwsProtocol.JSON_1_1, "kinesis", 400,
                "UnrecognizedClientException", "The security token included in the request is invalid.");
        assertRefused(headerSigned("test", "kinesis", "20261121T090000Z", huge), AwsProtocol.JSON_1_1, "kinesis", 400, "InvalidSignatureException",
                "Signature expired: 20261121T090000Z is now earlier than 20261121T100030Z (20261121T101530Z - 15 min.)");

        // a known key at the right time: the payload hash needs the body, which its limit refuses unread
        AwsRequest tooLarge = headerSigned("test", "kinesis", "20261121T101530Z", huge);
        tooLarge.limitBody(10 * 1024 * 1024, declared -> ServiceException.user("RequestEntityTooLargeException", 413, "too large: " + declared));
        assertRefused(tooLarge, AwsProtocol.JSON_1_1, "kinesis", 413, "RequestEntityTooLargeException", "too large: OptionalLong[1073741824]");
    }
}
