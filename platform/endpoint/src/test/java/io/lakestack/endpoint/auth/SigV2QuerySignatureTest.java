package io.lakestack.endpoint.auth;

import io.lakestack.endpoint.protocol.AwsProtocol;
import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.spi.ServiceException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** S3 URLs presigned with Signature Version 2, checked against the example of S3's documentation ("Query string request authentication"). */
class SigV2QuerySignatureTest
{
    private static final String ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    /** S3's example: GET of johnsmith's photos/puppy.jpg, expiring at 1175139620. */
    private static final String QUERY = "AWSAccessKeyId=" + ACCESS_KEY + "&Expires=1175139620&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D";

    private static AwsRequest request(String method, String path, String host, String query)
    {
        return new AwsRequest(method, path, query, Map.of("Host", List.of(host)), new ByteArrayInputStream(new byte[0]), "127.0.0.1");
    }

    private static Authenticator authenticatorAt(long epochSecond)
    {
        return new Authenticator(Map.of(ACCESS_KEY, SECRET), true, "us-east-1", Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC));
    }

    @Test
    void s3sDocumentedExampleMatchesInBothAddressingStyles()
            throws Exception
    {
        AwsRequest virtualHosted = request("GET", "/photos/puppy.jpg", "johnsmith.s3.amazonaws.com", QUERY);
        SigV2QuerySignature signature = SigV2QuerySignature.of(virtualHosted).orElseThrow();
        assertThat(signature.accessKey()).isEqualTo(ACCESS_KEY);
        assertThat(signature.expires()).isEqualTo(1175139620L);
        assertThat(signature.matches(virtualHosted, SECRET)).isTrue();
        assertThat(signature.matches(virtualHosted, "another secret")).isFalse();

        AwsRequest pathStyle = request("GET", "/johnsmith/photos/puppy.jpg", "127.0.0.1:4566", QUERY);
        assertThat(signature.stringToSign(pathStyle)).isEqualTo("GET\n\n\n1175139620\n/johnsmith/photos/puppy.jpg");
        assertThat(signature.matches(pathStyle, SECRET)).isTrue();
        assertThat(signature.matches(request("PUT", "/johnsmith/photos/puppy.jpg", "127.0.0.1:4566", QUERY), SECRET)).isFalse();
        assertThat(signature.matches(request("GET", "/johnsmith/photos/kitten.jpg", "127.0.0.1:4566", QUERY), SECRET)).isFalse();
    }

    @Test
    void signedSubresourcesAndAmzHeadersAreSigned()
            throws Exception
    {
        AwsRequest request = new AwsRequest("GET", "/bucket/key", "versionId=3&AWSAccessKeyId=test&Expires=10&Signature=x&response-content-type=text%2Fplain",
                Map.of("Host", List.of("127.0.0.1:4566"), "X-Amz-Meta-B", List.of(" two "), "x-amz-meta-a", List.of("one")),
                new ByteArrayInputStream(new byte[0]), "127.0.0.1");
        assertThat(SigV2QuerySignature.of(request).orElseThrow().stringToSign(request))
                .isEqualTo("GET\n\n\n10\nx-amz-meta-a:one\nx-amz-meta-b:two\n/bucket/key?response-content-type=text/plain&versionId=3");
    }

    @Test
    void theAuthenticatorTakesItForS3Only()
    {
        AwsRequest pathStyle = request("GET", "/johnsmith/photos/puppy.jpg", "127.0.0.1:4566", QUERY);
        Authenticator.Caller caller = authenticatorAt(1175139620L).authenticate(pathStyle, AwsProtocol.REST_XML, "s3");
        assertThat(caller.accessKey()).isEqualTo(ACCESS_KEY);
        assertThat(caller.region()).isEqualTo("us-east-1");

        assertThatThrownBy(() -> authenticatorAt(1175139621L).authenticate(pathStyle, AwsProtocol.REST_XML, "s3"))
                .isInstanceOfSatisfying(ServiceException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(403);
                    assertThat(e.errorCode()).isEqualTo("AccessDenied");
                })
                .hasMessage("Request has expired (Expires 1175139620, now 1175139621)");
        AwsRequest tampered = request("GET", "/johnsmith/photos/kitten.jpg", "127.0.0.1:4566", QUERY);
        assertThatThrownBy(() -> authenticatorAt(1175139620L).authenticate(tampered, AwsProtocol.REST_XML, "s3"))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.errorCode()).isEqualTo("SignatureDoesNotMatch"));
        AwsRequest unknownKey = request("GET", "/johnsmith/photos/puppy.jpg", "127.0.0.1:4566", QUERY.replace(ACCESS_KEY, "AKIAUNKNOWN"));
        assertThatThrownBy(() -> authenticatorAt(1175139620L).authenticate(unknownKey, AwsProtocol.REST_XML, "s3"))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.errorCode()).isEqualTo("InvalidAccessKeyId"));
        AwsRequest incomplete = request("GET", "/johnsmith/photos/puppy.jpg", "127.0.0.1:4566", "AWSAccessKeyId=" + ACCESS_KEY + "&Signature=abc");
        assertThatThrownBy(() -> authenticatorAt(1175139620L).authenticate(incomplete, AwsProtocol.REST_XML, "s3"))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.errorCode()).isEqualTo("AccessDenied"))
                .hasMessage("Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters");
        // the other services never take it
        assertThatThrownBy(() -> authenticatorAt(1175139620L).authenticate(pathStyle, AwsProtocol.JSON_1_1, "kinesis"))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.errorCode()).isEqualTo("MissingAuthenticationTokenException"));
    }
}
