package io.lakestack.connectors.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.connectors.targets.JsonApi;
import io.lakestack.connectors.targets.TargetException;
import io.lakestack.spi.Arn;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
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
    /** The services universal targets call. */
    private static final Set<String> SERVICES = Set.of("sqs", "kinesis", "firehose", "glue", "athena", "logs");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Region region;
    private final JsonApi api;
    private final ObjectMapper json = new ObjectMapper();

    UniversalTargets(URI endpoint, Region region, AwsCredentialsProvider credentials)
    {
        this.region = requireNonNull(region, "region is null");
        this.api = new JsonApi(endpoint, credentials, TIMEOUT);
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
        if (!matcher.matches() || !SERVICES.contains(matcher.group(1))) {
            throw new TargetException("InvalidTarget", "lakestack calls universal targets of " + String.join(", ", new java.util.TreeSet<>(SERVICES))
                    + " only, not " + arn, false, null);
        }
        post(matcher.group(1), regionOf(scheduleArn), JsonApi.action(matcher.group(2)), input);
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
        String answer = post("eventbridge", regionOf(busArn), "PutEvents", request.toString());
        try {
            JsonNode result = json.readTree(answer);
            if (result.path("FailedEntryCount").asInt(0) > 0) {
                JsonNode failed = result.path("Entries").path(0);
                String code = failed.path("ErrorCode").asText("PutEventsFailed");
                throw new TargetException(code, "events PutEvents to " + busArn + " failed: " + failed.path("ErrorMessage").asText(""), JsonApi.retryable(code), null);
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
    private String post(String service, String signingRegion, String action, String input)
            throws TargetException
    {
        try {
            return api.call(JsonApi.SERVICES.get(service), signingRegion, action, input);
        }
        catch (JsonApi.Failure e) {
            throw new TargetException(e.errorCode(), e.getMessage(), e.retryable(), e.getCause());
        }
    }
}
