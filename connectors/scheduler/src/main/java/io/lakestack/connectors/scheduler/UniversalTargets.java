package io.lakestack.connectors.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.connectors.targets.TargetException;
import io.lakestack.spi.Arn;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Universal targets, {@code arn:aws:scheduler:::aws-sdk:<service>:<apiAction>}, for the services that speak a JSON
 * protocol: the target's input is the body of a SigV4-signed POST to the endpoint with {@code X-Amz-Target}
 * {@code <prefix>.<ApiAction>}, as the service's SDK would send it. EventBridge event buses are called the same way,
 * with {@code PutEvents}.
 */
final class UniversalTargets
{
    private static final Pattern UNIVERSAL = Pattern.compile("arn:aws:scheduler:::aws-sdk:([a-z0-9-]+):([a-zA-Z0-9]+)");
    /** The JSON protocol's target prefix and content type of each service. */
    private static final Map<String, List<String>> SERVICES = Map.of(
            "sqs", List.of("AmazonSQS", "application/x-amz-json-1.0"),
            "kinesis", List.of("Kinesis_20131202", "application/x-amz-json-1.1"),
            "firehose", List.of("Firehose_20150804", "application/x-amz-json-1.1"),
            "glue", List.of("AWSGlue", "application/x-amz-json-1.1"),
            "athena", List.of("AmazonAthena", "application/x-amz-json-1.1"),
            "logs", List.of("Logs_20140328", "application/x-amz-json-1.1"));
    private static final Set<String> RETRYABLE = Set.of("ThrottlingException", "Throttling", "ThrottledException", "RequestLimitExceeded",
            "ProvisionedThroughputExceededException", "ServiceUnavailable", "ServiceUnavailableException", "InternalFailure", "InternalServerException",
            "InternalServiceException", "LimitExceededException");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI endpoint;
    private final Region region;
    private final AwsCredentialsProvider credentials;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final ObjectMapper json = new ObjectMapper();

    UniversalTargets(URI endpoint, Region region, AwsCredentialsProvider credentials)
    {
        this.endpoint = requireNonNull(endpoint, "endpoint is null");
        this.region = requireNonNull(region, "region is null");
        this.credentials = requireNonNull(credentials, "credentials is null");
    }

    static boolean isUniversal(String arn)
    {
        return arn.startsWith("arn:aws:scheduler:::aws-sdk:");
    }

    static boolean isEventBus(String arn)
    {
        return arn.startsWith("arn:aws:events:") && arn.contains(":event-bus/");
    }

    /**
     * Calls the service's action with the input, signed for the schedule's region, where a schedule's API calls are made.
     */
    void call(String arn, String scheduleArn, String input)
            throws TargetException
    {
        Matcher matcher = UNIVERSAL.matcher(arn);
        if (!matcher.matches() || !SERVICES.containsKey(matcher.group(1))) {
            throw new TargetException("InvalidTarget", "lakestack calls universal targets of " + String.join(", ", SERVICES.keySet()) + " only, not " + arn, false, null);
        }
        String service = matcher.group(1);
        String action = matcher.group(2).substring(0, 1).toUpperCase(Locale.ROOT) + matcher.group(2).substring(1);
        List<String> protocol = SERVICES.get(service);
        post(service, regionOf(scheduleArn), protocol.get(0) + "." + action, protocol.get(1), input);
    }

    /**
     * Puts one event on an EventBridge event bus, as Scheduler does for a bus target: the input is its detail. The call
     * is signed for the bus's region, where an ARN of a bus names it.
     */
    void putEvent(String busArn, String source, String detailType, String detail)
            throws TargetException
    {
        ObjectNode entry = json.createObjectNode();
        entry.put("EventBusName", busArn);
        entry.put("Source", source);
        entry.put("DetailType", detailType);
        entry.put("Detail", detail);
        ObjectNode request = json.createObjectNode();
        request.putArray("Entries").add(entry);
        String answer = post("events", regionOf(busArn), "AWSEvents.PutEvents", "application/x-amz-json-1.1", request.toString());
        try {
            JsonNode result = json.readTree(answer);
            if (result.path("FailedEntryCount").asInt(0) > 0) {
                JsonNode failed = result.path("Entries").path(0);
                String code = failed.path("ErrorCode").asText("PutEventsFailed");
                throw new TargetException(code, "events PutEvents to " + busArn + " failed: " + failed.path("ErrorMessage").asText(""), RETRYABLE.contains(code), null);
            }
        }
        catch (IOException e) {
            throw new TargetException("SdkClientException", "events PutEvents to " + busArn + " answered what is not JSON: " + answer, true, e);
        }
    }

    /** The region an ARN names; the configured one for an ARN of none. */
    private String regionOf(String arn)
    {
        return Arn.parse(arn).map(Arn::region).filter(name -> !name.isEmpty()).orElse(region.id());
    }

    /** A signed JSON-protocol POST; returns the answer's body when it is a success. */
    private String post(String service, String signingRegion, String target, String contentType, String input)
            throws TargetException
    {
        byte[] body = input.getBytes(StandardCharsets.UTF_8);
        URI uri = endpoint.resolve("/");
        SdkHttpRequest request = SdkHttpRequest.builder().uri(uri).method(SdkHttpMethod.POST)
                .putHeader("Content-Type", contentType)
                .putHeader("X-Amz-Target", target)
                .build();
        AwsCredentials resolved = credentials.resolveCredentials();
        SdkHttpRequest signed = AwsV4HttpSigner.create().sign(sign -> sign
                .identity(AwsCredentialsIdentity.create(resolved.accessKeyId(), resolved.secretAccessKey()))
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, signingRegion)).request();
        HttpRequest.Builder http = HttpRequest.newBuilder(uri).timeout(TIMEOUT).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        signed.headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("content-length")) {
                values.forEach(value -> http.header(name, value));
            }
        });
        HttpResponse<String> response;
        try {
            response = this.http.send(http.build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (IOException e) {
            throw new TargetException("SdkClientException", "could not reach " + service + " at " + uri + ": " + e.getMessage(), true, e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TargetException("SdkClientException", "interrupted calling " + service, true, e);
        }
        if (response.statusCode() / 100 == 2) {
            return response.body();
        }
        String code = errorCode(response.body()).orElse("HTTP " + response.statusCode());
        throw new TargetException(code, target + " answered " + response.statusCode() + ": " + response.body(),
                response.statusCode() >= 500 || response.statusCode() == 429 || RETRYABLE.contains(code), null);
    }

    private Optional<String> errorCode(String body)
    {
        try {
            JsonNode node = json.readTree(body);
            String type = node.path("__type").asText("");
            if (type.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(type.substring(type.lastIndexOf('#') + 1));
        }
        catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
