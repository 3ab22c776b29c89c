package io.lakestack.testing;

import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Requests no SDK would send (a malformed body, an unsigned call, a service lakestack does not emulate), signed with
 * the AWS SDK's own SigV4 signer where a signature is wanted.
 */
public final class RawRequests
{
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    private RawRequests() {}

    /**
     * @param service the signing name, or {@code null} to send the request unsigned
     */
    public static HttpResponse<String> send(String endpoint, String method, String pathAndQuery, Map<String, String> headers, byte[] body,
            String service, String accessKey, String secretKey)
            throws IOException, InterruptedException
    {
        return send(endpoint, method, pathAndQuery, headers, body, service, accessKey, secretKey, null);
    }

    /**
     * @param service the signing name, or {@code null} to send the request unsigned
     * @param timeout how long to wait for the response, or {@code null} to wait as long as it takes
     * @throws java.net.http.HttpTimeoutException when no response came within {@code timeout}
     */
    public static HttpResponse<String> send(String endpoint, String method, String pathAndQuery, Map<String, String> headers, byte[] body,
            String service, String accessKey, String secretKey, Duration timeout)
            throws IOException, InterruptedException
    {
        return send(endpoint, method, pathAndQuery, headers, body, service, TestStack.REGION, accessKey, secretKey, timeout);
    }

    /**
     * @param service the signing name, or {@code null} to send the request unsigned
     * @param region the region the signature is scoped to
     * @param timeout how long to wait for the response, or {@code null} to wait as long as it takes
     * @throws java.net.http.HttpTimeoutException when no response came within {@code timeout}
     */
    public static HttpResponse<String> send(String endpoint, String method, String pathAndQuery, Map<String, String> headers, byte[] body,
            String service, String region, String accessKey, String secretKey, Duration timeout)
            throws IOException, InterruptedException
    {
        URI uri = URI.create(endpoint + pathAndQuery);
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().uri(uri).method(SdkHttpMethod.fromValue(method));
        headers.forEach(request::putHeader);
        SdkHttpRequest toSend = request.build();
        if (service != null) {
            toSend = AwsV4HttpSigner.create().sign(sign -> sign
                    .identity(AwsCredentialsIdentity.create(accessKey, secretKey))
                    .request(request.build())
                    .payload(ContentStreamProvider.fromByteArray(body))
                    .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, service)
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                    .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, !service.equals("s3"))
                    .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, !service.equals("s3"))).request();
        }
        HttpRequest.Builder http = HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (timeout != null) {
            http.timeout(timeout);
        }
        for (Map.Entry<String, List<String>> header : toSend.headers().entrySet()) {
            if (!RESTRICTED.contains(header.getKey().toLowerCase(java.util.Locale.ROOT))) {
                header.getValue().forEach(value -> http.header(header.getKey(), value));
            }
        }
        return HTTP.send(http.build(), HttpResponse.BodyHandlers.ofString());
    }
}
