package io.lakestack.connectors.targets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
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
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Actions of the services that speak a JSON protocol, called as their SDKs call them: a SigV4-signed POST of the
 * request's JSON to the endpoint with {@code X-Amz-Target: <prefix>.<Action>}, answered with the response's JSON as the
 * service writes it. Used where a request is given as JSON and its answer wanted as JSON (Scheduler's universal
 * targets, Step Functions' SDK integrations), so nothing is lost or renamed by a typed client in between.
 */
public final class JsonApi
{
    /**
     * How a service speaks: its signing name, target prefix and content type, and the name the AWS SDKs give it (the
     * first part of an error's name in Step Functions' SDK integrations, {@code Glue.EntityNotFoundException}).
     */
    public record Protocol(String signingName, String targetPrefix, String contentType, String sdkName)
    {
        public Protocol
        {
            requireNonNull(signingName, "signingName is null");
            requireNonNull(targetPrefix, "targetPrefix is null");
            requireNonNull(contentType, "contentType is null");
            requireNonNull(sdkName, "sdkName is null");
        }
    }

    /** The JSON-protocol services lakestack emulates, by the name the AWS SDKs' integrations give them. */
    public static final Map<String, Protocol> SERVICES = Map.of(
            "sqs", new Protocol("sqs", "AmazonSQS", "application/x-amz-json-1.0", "Sqs"),
            "kinesis", new Protocol("kinesis", "Kinesis_20131202", "application/x-amz-json-1.1", "Kinesis"),
            "firehose", new Protocol("firehose", "Firehose_20150804", "application/x-amz-json-1.1", "Firehose"),
            "glue", new Protocol("glue", "AWSGlue", "application/x-amz-json-1.1", "Glue"),
            "athena", new Protocol("athena", "AmazonAthena", "application/x-amz-json-1.1", "Athena"),
            "logs", new Protocol("logs", "Logs_20140328", "application/x-amz-json-1.1", "CloudWatchLogs"),
            "eventbridge", new Protocol("events", "AWSEvents", "application/x-amz-json-1.1", "EventBridge"));
    private static final Set<String> RETRYABLE = Set.of("ThrottlingException", "Throttling", "ThrottledException", "RequestLimitExceeded",
            "ProvisionedThroughputExceededException", "ServiceUnavailable", "ServiceUnavailableException", "InternalFailure", "InternalServerException",
            "InternalServiceException", "LimitExceededException");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A call the service refused or could not be made: the service's error code (after the last {@code #}), the status. */
    public static final class Failure
            extends Exception
    {
        private final String errorCode;
        private final int status;
        private final String serviceMessage;
        private final boolean retryable;

        Failure(String errorCode, int status, String message, String serviceMessage, boolean retryable, Throwable cause)
        {
            super(message, cause);
            this.errorCode = requireNonNull(errorCode, "errorCode is null");
            this.status = status;
            this.serviceMessage = requireNonNull(serviceMessage, "serviceMessage is null");
            this.retryable = retryable;
        }

        /** The error's message as the service wrote it ({@code message} or {@code Message}), else what went wrong. */
        public String serviceMessage()
        {
            return serviceMessage;
        }

        public String errorCode()
        {
            return errorCode;
        }

        /** The HTTP status, 0 when the service was not reached. */
        public int status()
        {
            return status;
        }

        /** Whether the same call may succeed later (throttling, a server error, no answer). */
        public boolean retryable()
        {
            return retryable;
        }
    }

    private final URI endpoint;
    private final AwsCredentialsProvider credentials;
    private final Duration timeout;
    private final HttpClient http;

    public JsonApi(URI endpoint, AwsCredentialsProvider credentials, Duration timeout)
    {
        this.endpoint = requireNonNull(endpoint, "endpoint is null");
        this.credentials = requireNonNull(credentials, "credentials is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** Whether an error of this code may go away when the same call is made again (throttling, a server's trouble). */
    public static boolean retryable(String errorCode)
    {
        return RETRYABLE.contains(errorCode);
    }

    /** {@code getQueryExecution} or {@code GetQueryExecution}: the action as its {@code X-Amz-Target} names it. */
    public static String action(String name)
    {
        return name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1);
    }

    /**
     * Calls the action with the request's JSON, signed for the region; returns the answer's JSON text.
     *
     * @throws Failure the service's error, or why it was not reached
     */
    public String call(Protocol protocol, String region, String action, String request)
            throws Failure
    {
        byte[] body = request.getBytes(StandardCharsets.UTF_8);
        URI uri = endpoint.resolve("/");
        String target = protocol.targetPrefix() + "." + action;
        SdkHttpRequest unsigned = SdkHttpRequest.builder().uri(uri).method(SdkHttpMethod.POST)
                .putHeader("Content-Type", protocol.contentType())
                .putHeader("X-Amz-Target", target)
                .build();
        AwsCredentials resolved = credentials.resolveCredentials();
        SdkHttpRequest signed = AwsV4HttpSigner.create().sign(sign -> sign
                .identity(AwsCredentialsIdentity.create(resolved.accessKeyId(), resolved.secretAccessKey()))
                .request(unsigned)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, protocol.signingName())
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)).request();
        HttpRequest.Builder post = HttpRequest.newBuilder(uri).timeout(timeout).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        signed.headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("content-length")) {
                values.forEach(value -> post.header(name, value));
            }
        });
        HttpResponse<String> response;
        try {
            response = http.send(post.build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (IOException e) {
            String why = "could not reach " + protocol.signingName() + " at " + uri + ": " + e.getMessage();
            throw new Failure("SdkClientException", 0, why, why, true, e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("SdkClientException", 0, "interrupted calling " + target, "interrupted calling " + target, true, e);
        }
        if (response.statusCode() / 100 == 2) {
            return response.body();
        }
        String code = errorCode(response.body()).orElse("HTTP " + response.statusCode());
        throw new Failure(code, response.statusCode(), target + " answered " + response.statusCode() + ": " + response.body(),
                errorMessage(response.body()), response.statusCode() >= 500 || response.statusCode() == 429 || retryable(code), null);
    }

    /** The message of an error answer ({@code message} or {@code Message}), else the whole body. */
    private static String errorMessage(String body)
    {
        try {
            JsonNode node = JSON.readTree(body);
            JsonNode message = node.has("message") ? node.get("message") : node.get("Message");
            return message == null ? body : message.asText();
        }
        catch (IOException | RuntimeException e) {
            return body;
        }
    }

    private static Optional<String> errorCode(String body)
    {
        try {
            String type = JSON.readTree(body).path("__type").asText("");
            return type.isEmpty() ? Optional.empty() : Optional.of(type.substring(type.lastIndexOf('#') + 1));
        }
        catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
