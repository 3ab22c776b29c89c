package io.lakestack.endpoint.testing;

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
import java.nio.charset.StandardCharsets;

/** Query protocol forms posted to an endpoint over HTTP/1.1, signed with SigV4 for a service as the SDKs sign them. */
public final class SignedForms
{
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private SignedForms() {}

    /** Posts {@code form} to {@code /} of the endpoint on {@code port}, signed by access key {@code test} with {@code secret}. */
    public static HttpResponse<String> post(int port, String service, String secret, String form)
            throws IOException, InterruptedException
    {
        byte[] body = form.getBytes(StandardCharsets.UTF_8);
        URI uri = URI.create("http://127.0.0.1:" + port + "/");
        SdkHttpRequest request = SdkHttpRequest.builder().uri(uri).method(SdkHttpMethod.POST)
                .putHeader("content-type", "application/x-www-form-urlencoded; charset=utf-8").build();
        SdkHttpRequest signed = AwsV4HttpSigner.create().sign(sign -> sign
                .identity(AwsCredentialsIdentity.create("test", secret))
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")).request();
        HttpRequest.Builder http = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        signed.headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("content-length")) {
                values.forEach(value -> http.header(name, value));
            }
        });
        return HTTP.send(http.build(), HttpResponse.BodyHandlers.ofString());
    }
}
