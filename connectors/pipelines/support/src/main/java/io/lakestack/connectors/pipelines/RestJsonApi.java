package io.lakestack.connectors.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * A REST-JSON AWS API whose SDK client the build does not carry (EventBridge Scheduler): requests signed with the SDK's
 * own SigV4 signer and the target's credentials, sent to lakestack's endpoint or to {@code https://<service>.<region>.amazonaws.com}.
 * An answer other than 2xx is an {@link ApiException} with the service's error code and message.
 */
public final class RestJsonApi
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    private final URI endpoint;
    private final AwsTarget target;
    private final String signingName;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** An error answer: the HTTP status, the service's error code ({@code ConflictException}) and message. */
    public static final class ApiException
            extends RuntimeException
    {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String code;

        ApiException(int status, String code, String message)
        {
            super(code + " (" + status + "): " + message);
            this.status = status;
            this.code = code;
        }

        public int status()
        {
            return status;
        }

        public String code()
        {
            return code;
        }
    }

    /** The API the service of this signing name ({@code scheduler}) answers at the target. */
    public RestJsonApi(AwsTarget target, String signingName)
    {
        this.target = requireNonNull(target, "target is null");
        this.signingName = requireNonNull(signingName, "signingName is null");
        this.endpoint = target.endpoint().orElse(URI.create("https://" + signingName + "." + target.region().id() + ".amazonaws.com"));
    }

    /** Where requests go. */
    public URI endpoint()
    {
        return endpoint;
    }

    /**
     * Sends {@code body} ({@code null} for none) to {@code path} (already percent-encoded) and returns the answer's
     * JSON ({@link NullNode} for an empty answer).
     */
    public JsonNode call(String method, String path, JsonNode body)
            throws InterruptedException
    {
        byte[] bytes;
        try {
            bytes = body == null ? new byte[0] : JSON.writeValueAsBytes(body);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String base = endpoint.toString().endsWith("/") ? endpoint.toString().substring(0, endpoint.toString().length() - 1) : endpoint.toString();
        URI uri = URI.create(base + path);
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().uri(uri).method(SdkHttpMethod.fromValue(method));
        if (body != null) {
            request.putHeader("Content-Type", "application/json");
        }
        SdkHttpRequest signed = AwsV4HttpSigner.create().sign(sign -> sign
                .identity(target.credentials().resolveCredentials())
                .request(request.build())
                .payload(ContentStreamProvider.fromByteArray(bytes))
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, signingName)
                .putProperty(AwsV4HttpSigner.REGION_NAME, target.region().id())).request();
        HttpRequest.Builder send = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2)).method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
        for (Map.Entry<String, List<String>> header : signed.headers().entrySet()) {
            if (!RESTRICTED.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                header.getValue().forEach(value -> send.header(header.getKey(), value));
            }
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(send.build(), HttpResponse.BodyHandlers.ofByteArray());
        }
        catch (IOException e) {
            throw new UncheckedIOException(method + " " + uri + " failed", e);
        }
        JsonNode answer;
        try {
            answer = response.body().length == 0 ? NullNode.getInstance() : JSON.readTree(response.body());
        }
        catch (IOException e) {
            answer = NullNode.getInstance();
        }
        if (response.statusCode() / 100 != 2) {
            String code = response.headers().firstValue("x-amzn-ErrorType").map(type -> type.split(":")[0])
                    .orElse(answer.path("__type").asText(answer.path("code").asText("HTTP " + response.statusCode())));
            code = code.contains("#") ? code.substring(code.indexOf('#') + 1) : code;
            String message = answer.path("Message").asText(answer.path("message").asText(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8)));
            throw new ApiException(response.statusCode(), code, message);
        }
        return answer;
    }
}
