package io.lakestack.services.sqs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.sqs.Queue;
import io.lakestack.spi.sqs.Queues;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Queue names and attributes as {@code CreateQueue} and {@code SetQueueAttributes} check them, with AWS's ranges,
 * defaults and errors, and the {@link Queue} definitions made of them.
 */
final class QueueDefinitions
{
    static final int MAX_MESSAGE_SIZE = 1_048_576;
    static final String VISIBILITY_TIMEOUT = "VisibilityTimeout";
    static final String MAXIMUM_MESSAGE_SIZE = "MaximumMessageSize";
    static final String MESSAGE_RETENTION_PERIOD = "MessageRetentionPeriod";
    static final String DELAY_SECONDS = "DelaySeconds";
    static final String RECEIVE_WAIT = "ReceiveMessageWaitTimeSeconds";
    static final String POLICY = "Policy";
    static final String REDRIVE_POLICY = "RedrivePolicy";
    static final String REDRIVE_ALLOW_POLICY = "RedriveAllowPolicy";
    static final String KMS_MASTER_KEY_ID = "KmsMasterKeyId";
    static final String KMS_DATA_KEY_REUSE = "KmsDataKeyReusePeriodSeconds";
    static final String SQS_MANAGED_SSE = "SqsManagedSseEnabled";
    static final String FIFO_QUEUE = "FifoQueue";
    static final String CONTENT_BASED_DEDUPLICATION = "ContentBasedDeduplication";
    static final String DEDUPLICATION_SCOPE = "DeduplicationScope";
    static final String FIFO_THROUGHPUT_LIMIT = "FifoThroughputLimit";

    /** The attributes only {@code GetQueueAttributes} answers. */
    static final Set<String> READ_ONLY = Set.of("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesDelayed", "ApproximateNumberOfMessagesNotVisible",
            "CreatedTimestamp", "LastModifiedTimestamp", "QueueArn");

    private static final Map<String, int[]> RANGES = Map.of(
            VISIBILITY_TIMEOUT, new int[] {0, 43_200},
            MAXIMUM_MESSAGE_SIZE, new int[] {1024, MAX_MESSAGE_SIZE},
            MESSAGE_RETENTION_PERIOD, new int[] {60, 1_209_600},
            DELAY_SECONDS, new int[] {0, 900},
            RECEIVE_WAIT, new int[] {0, 20});
    private static final Map<String, String> DEFAULTS = Map.of(
            VISIBILITY_TIMEOUT, "30",
            MAXIMUM_MESSAGE_SIZE, Integer.toString(MAX_MESSAGE_SIZE),
            MESSAGE_RETENTION_PERIOD, "345600",
            DELAY_SECONDS, "0",
            RECEIVE_WAIT, "0",
            SQS_MANAGED_SSE, "false");
    private static final Map<String, String> FIFO_DEFAULTS = Map.of(
            FIFO_QUEUE, "true",
            CONTENT_BASED_DEDUPLICATION, "false",
            DEDUPLICATION_SCOPE, "queue",
            FIFO_THROUGHPUT_LIMIT, "perQueue");
    private static final Set<String> SETTABLE = Set.of(VISIBILITY_TIMEOUT, MAXIMUM_MESSAGE_SIZE, MESSAGE_RETENTION_PERIOD, DELAY_SECONDS, RECEIVE_WAIT,
            POLICY, REDRIVE_POLICY, REDRIVE_ALLOW_POLICY, KMS_MASTER_KEY_ID, KMS_DATA_KEY_REUSE, SQS_MANAGED_SSE, FIFO_QUEUE, CONTENT_BASED_DEDUPLICATION,
            DEDUPLICATION_SCOPE, FIFO_THROUGHPUT_LIMIT);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,80}");
    private static final Pattern FIFO_NAME = Pattern.compile("[A-Za-z0-9_-]{1,75}\\.fifo");
    private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,10}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Queues queues;
    private final QueueArns arns;

    QueueDefinitions(Queues queues, QueueArns arns)
    {
        this.queues = requireNonNull(queues, "queues is null");
        this.arns = requireNonNull(arns, "arns is null");
    }

    /** Checks a new queue's name against its {@code FifoQueue} attribute. */
    /** Whether {@code name} is a queue's name, standard or FIFO. */
    static boolean isName(String name)
    {
        return NAME.matcher(name).matches() || FIFO_NAME.matcher(name).matches();
    }

    static void checkName(String name, Map<String, String> attributes)
    {
        boolean fifo = "true".equalsIgnoreCase(attributes.get(FIFO_QUEUE));
        if (fifo && !FIFO_NAME.matcher(name).matches()) {
            throw SqsErrors.invalidParameter("The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with "
                    + ".fifo suffix and be 1 to 80 in length.");
        }
        if (!fifo && !NAME.matcher(name).matches()) {
            throw SqsErrors.invalidParameter("Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length");
        }
    }

    /** A new queue of the region with the given attributes, AWS's defaults for the others. */
    Queue create(String name, String region, Map<String, String> given, Map<String, String> tags, long nowMillis)
    {
        boolean fifo = name.endsWith(".fifo");
        checkNames(given, fifo, true);
        Map<String, String> attributes = new TreeMap<>(DEFAULTS);
        if (fifo) {
            attributes.putAll(FIFO_DEFAULTS);
        }
        apply(arns.arn(region, name), fifo, attributes, given);
        return queue(name, Optional.of(region), nowMillis, nowMillis, attributes, tags);
    }

    /** The queue with {@code given} attributes changed ({@code SetQueueAttributes}). */
    Queue update(Queue queue, Map<String, String> given, long nowMillis)
    {
        checkNames(given, queue.fifo(), false);
        Map<String, String> attributes = new TreeMap<>(queue.attributes());
        apply(arns.arn(queue), queue.fifo(), attributes, given);
        return queue(queue.name(), queue.region(), queue.createdMillis(), nowMillis, attributes, queue.tags());
    }

    /**
     * The first attribute {@code CreateQueue} gives a value different from the existing queue's; what a
     * {@code CreateQueue} of an existing name compares.
     */
    Optional<String> differingAttribute(Queue existing, Map<String, String> given)
    {
        checkNames(given, existing.fifo(), true);
        Map<String, String> requested = new TreeMap<>(DEFAULTS);
        if (existing.fifo()) {
            requested.putAll(FIFO_DEFAULTS);
        }
        apply(arns.arn(existing), existing.fifo(), requested, given);
        for (String name : given.keySet()) {
            if (!java.util.Objects.equals(requested.get(name), existing.attributes().get(name))) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    private static void checkNames(Map<String, String> given, boolean fifo, boolean creating)
    {
        for (Map.Entry<String, String> attribute : given.entrySet()) {
            String name = attribute.getKey();
            if (!SETTABLE.contains(name)) {
                throw SqsErrors.unknownAttribute(name);
            }
            if (!fifo) {
                if (name.equals(FIFO_QUEUE) || name.equals(CONTENT_BASED_DEDUPLICATION)) {
                    throw SqsErrors.unknownAttribute(name);
                }
                if (name.equals(DEDUPLICATION_SCOPE) || name.equals(FIFO_THROUGHPUT_LIMIT)) {
                    throw SqsErrors.error(SqsErrors.INVALID_ATTRIBUTE_NAME, "You can specify the " + name + " only when FifoQueue is set to true.");
                }
            }
            else if (name.equals(FIFO_QUEUE) && !attribute.getValue().equalsIgnoreCase("true")) {
                if (creating) {
                    throw SqsErrors.invalidParameter("Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length");
                }
                throw SqsErrors.invalidAttributeValue(FIFO_QUEUE, "Modifying queue type is not supported.");
            }
        }
    }

    private void apply(String queueArn, boolean fifo, Map<String, String> attributes, Map<String, String> given)
    {
        for (Map.Entry<String, String> attribute : given.entrySet()) {
            String name = attribute.getKey();
            String value = attribute.getValue();
            switch (name) {
                case VISIBILITY_TIMEOUT, MAXIMUM_MESSAGE_SIZE, MESSAGE_RETENTION_PERIOD, DELAY_SECONDS, RECEIVE_WAIT ->
                        attributes.put(name, Integer.toString(integer(name, value)));
                case POLICY -> {
                    if (value.isEmpty()) {
                        attributes.remove(POLICY);
                    }
                    else {
                        attributes.put(POLICY, policy(value));
                    }
                }
                case REDRIVE_POLICY -> {
                    if (value.isEmpty()) {
                        attributes.remove(REDRIVE_POLICY);
                    }
                    else {
                        attributes.put(REDRIVE_POLICY, redrivePolicy(queueArn, fifo, value).text());
                    }
                }
                case REDRIVE_ALLOW_POLICY -> {
                    if (value.isEmpty()) {
                        attributes.remove(REDRIVE_ALLOW_POLICY);
                    }
                    else {
                        attributes.put(REDRIVE_ALLOW_POLICY, redriveAllowPolicy(value));
                    }
                }
                case KMS_MASTER_KEY_ID -> {
                    // an empty key is what "no KMS key" is; any other cannot be applied
                    if (!value.isEmpty()) {
                        throw SqsErrors.invalidAttributeValue(name, "lakestack does not encrypt queues at rest, so it cannot apply a KMS key. Leave "
                                + "KmsMasterKeyId out: messages are kept unencrypted by the engine underneath (SqsManagedSseEnabled is false).");
                    }
                }
                case KMS_DATA_KEY_REUSE -> throw SqsErrors.invalidAttributeValue(name, "lakestack does not encrypt queues at rest and uses no KMS data "
                        + "keys. Leave KmsDataKeyReusePeriodSeconds out.");
                case SQS_MANAGED_SSE -> {
                    String flag = bool(name, value);
                    if (flag.equals("true")) {
                        throw SqsErrors.invalidAttributeValue(name, "lakestack does not encrypt queues at rest, so it cannot apply SSE-SQS. "
                                + "Leave SqsManagedSseEnabled out or set it to false.");
                    }
                    attributes.put(name, flag);
                }
                case FIFO_QUEUE -> attributes.put(name, "true");
                case CONTENT_BASED_DEDUPLICATION -> attributes.put(name, bool(name, value));
                case DEDUPLICATION_SCOPE -> attributes.put(name, oneOf(name, value, "messageGroup", "queue"));
                case FIFO_THROUGHPUT_LIMIT -> attributes.put(name, oneOf(name, value, "perQueue", "perMessageGroupId"));
                default -> throw SqsErrors.unknownAttribute(name);
            }
        }
        if (fifo && attributes.get(FIFO_THROUGHPUT_LIMIT).equals("perMessageGroupId") && !attributes.get(DEDUPLICATION_SCOPE).equals("messageGroup")) {
            throw SqsErrors.invalidAttributeValue(FIFO_THROUGHPUT_LIMIT, "The perMessageGroupId value is allowed only when the value for "
                    + "DeduplicationScope is messageGroup.");
        }
    }

    private Queue queue(String name, Optional<String> region, long createdMillis, long modifiedMillis, Map<String, String> attributes, Map<String, String> tags)
    {
        Optional<Queue.RedrivePolicy> redrive = Optional.ofNullable(attributes.get(REDRIVE_POLICY)).map(text -> {
            ParsedRedrivePolicy parsed = parseRedrivePolicy(text);
            return new Queue.RedrivePolicy(parsed.deadLetterQueue(), parsed.deadLetterTargetArn(), parsed.maxReceiveCount());
        });
        boolean fifo = name.endsWith(".fifo");
        return new Queue(name, region, createdMillis, modifiedMillis,
                Integer.parseInt(attributes.get(VISIBILITY_TIMEOUT)),
                Integer.parseInt(attributes.get(MESSAGE_RETENTION_PERIOD)),
                Integer.parseInt(attributes.get(DELAY_SECONDS)),
                Integer.parseInt(attributes.get(MAXIMUM_MESSAGE_SIZE)),
                Integer.parseInt(attributes.get(RECEIVE_WAIT)),
                redrive,
                fifo && attributes.get(CONTENT_BASED_DEDUPLICATION).equals("true"),
                fifo && attributes.get(DEDUPLICATION_SCOPE).equals("messageGroup"),
                attributes,
                tags);
    }

    private static int integer(String name, String value)
    {
        int[] range = RANGES.get(name);
        if (!INTEGER.matcher(value).matches()) {
            throw SqsErrors.invalidAttributeValue(name);
        }
        long number = Long.parseLong(value);
        if (number < range[0] || number > range[1]) {
            throw SqsErrors.invalidAttributeValue(name);
        }
        return (int) number;
    }

    private static String bool(String name, String value)
    {
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return value.toLowerCase(java.util.Locale.ROOT);
        }
        throw SqsErrors.invalidAttributeValue(name);
    }

    private static String oneOf(String name, String value, String... allowed)
    {
        for (String candidate : allowed) {
            if (candidate.equals(value)) {
                return value;
            }
        }
        throw SqsErrors.invalidAttributeValue(name, "Valid values are " + String.join(" and ", allowed) + ".");
    }

    /** A policy is kept as given once it is a JSON object; lakestack has one account and no IAM, so none ever denies anything. */
    private static String policy(String value)
    {
        try {
            JsonNode node = JSON.readTree(value);
            if (node != null && node.isObject()) {
                return value;
            }
        }
        catch (JsonProcessingException e) {
            // answered below
        }
        throw SqsErrors.invalidAttributeValue(POLICY, "The policy must be a JSON document.");
    }

    record ParsedRedrivePolicy(String deadLetterQueue, String deadLetterTargetArn, int maxReceiveCount)
    {
        /** As {@code GetQueueAttributes} answers it. */
        String text()
        {
            ObjectNode node = JSON.createObjectNode();
            node.put("deadLetterTargetArn", deadLetterTargetArn);
            node.put("maxReceiveCount", maxReceiveCount);
            return node.toString();
        }
    }

    /** A redrive policy, checked against its dead-letter queue: it exists, is of the source's type, and lets the source use it. */
    private ParsedRedrivePolicy redrivePolicy(String source, boolean fifo, String value)
    {
        ParsedRedrivePolicy parsed = parseRedrivePolicy(value);
        Optional<Queue> deadLetter = queues.get(parsed.deadLetterQueue()).filter(queue -> arns.arn(queue).equals(parsed.deadLetterTargetArn()));
        if (deadLetter.isEmpty()) {
            throw SqsErrors.invalidParameter(REDRIVE_POLICY, value, "Dead letter target does not exist.");
        }
        if (deadLetter.get().fifo() != fifo) {
            throw SqsErrors.invalidParameter(REDRIVE_POLICY, value, "Dead-letter queue must be same type of queue as the source.");
        }
        String allowPolicy = deadLetter.get().attributes().get(REDRIVE_ALLOW_POLICY);
        if (allowPolicy != null) {
            JsonNode allow = readJson(allowPolicy).orElseThrow();
            String permission = allow.path("redrivePermission").asText();
            boolean allowed = switch (permission) {
                case "denyAll" -> false;
                case "byQueue" -> {
                    boolean listed = false;
                    for (JsonNode arn : allow.path("sourceQueueArns")) {
                        listed |= arn.asText().equals(source);
                    }
                    yield listed;
                }
                default -> true;
            };
            if (!allowed) {
                throw SqsErrors.invalidParameter(REDRIVE_POLICY, value, "Queue " + parsed.deadLetterTargetArn() + " does not allow " + source
                        + " to use it as a dead-letter queue: its RedriveAllowPolicy is " + allowPolicy + ".");
            }
        }
        return parsed;
    }

    private ParsedRedrivePolicy parseRedrivePolicy(String value)
    {
        JsonNode node = readJson(value).filter(JsonNode::isObject)
                .orElseThrow(() -> SqsErrors.invalidParameter(REDRIVE_POLICY, value, "Redrive policy is not a valid JSON map."));
        JsonNode arn = node.get("deadLetterTargetArn");
        if (arn == null || arn.isNull()) {
            throw SqsErrors.invalidParameter(REDRIVE_POLICY, value, "Redrive policy does not contain mandatory attribute: deadLetterTargetArn.");
        }
        JsonNode count = node.get("maxReceiveCount");
        if (count == null || count.isNull()) {
            throw SqsErrors.invalidParameter(REDRIVE_POLICY, value, "Redrive policy does not contain mandatory attribute: maxReceiveCount.");
        }
        String countText = count.asText();
        if (!(count.isIntegralNumber() || count.isTextual()) || !INTEGER.matcher(countText).matches() || Long.parseLong(countText) < 1
                || Long.parseLong(countText) > 1000) {
            throw SqsErrors.invalidParameter(REDRIVE_POLICY, value, "Invalid value for maxReceiveCount: " + countText
                    + ", valid values are from 1 to 1000 both inclusive.");
        }
        Optional<String> queue = arn.isTextual() ? arns.queueName(arn.textValue()) : Optional.empty();
        if (queue.isEmpty()) {
            throw SqsErrors.invalidParameter(REDRIVE_POLICY, value, "Invalid value for deadLetterTargetArn.");
        }
        return new ParsedRedrivePolicy(queue.get(), arn.textValue(), Integer.parseInt(countText));
    }

    private static String redriveAllowPolicy(String value)
    {
        JsonNode node = readJson(value).filter(JsonNode::isObject)
                .orElseThrow(() -> SqsErrors.invalidParameter(REDRIVE_ALLOW_POLICY, value, "Redrive allow policy is not a valid JSON map."));
        String permission = node.path("redrivePermission").asText("");
        if (!Set.of("allowAll", "denyAll", "byQueue").contains(permission)) {
            throw SqsErrors.invalidParameter(REDRIVE_ALLOW_POLICY, value, "Invalid value for redrivePermission: " + (permission.isEmpty() ? "(none)"
                    : permission) + ", valid values are allowAll, denyAll and byQueue.");
        }
        JsonNode sources = node.get("sourceQueueArns");
        ObjectNode normalized = JSON.createObjectNode();
        normalized.put("redrivePermission", permission);
        if (!permission.equals("byQueue")) {
            if (sources != null && !sources.isNull()) {
                throw SqsErrors.invalidParameter(REDRIVE_ALLOW_POLICY, value, "sourceQueueArns can be specified only when redrivePermission is byQueue.");
            }
            return normalized.toString();
        }
        if (sources == null || !sources.isArray() || sources.isEmpty()) {
            throw SqsErrors.invalidParameter(REDRIVE_ALLOW_POLICY, value, "sourceQueueArns (1 to 10 queue ARNs) is required when redrivePermission is "
                    + "byQueue.");
        }
        if (sources.size() > 10) {
            throw SqsErrors.invalidParameter(REDRIVE_ALLOW_POLICY, value, "At most 10 sourceQueueArns can be specified; " + sources.size()
                    + " were. Use allowAll to allow more source queues.");
        }
        ArrayNode arnList = normalized.putArray("sourceQueueArns");
        for (JsonNode arn : sources) {
            if (!arn.isTextual() || !QueueArns.isArn(arn.textValue())) {
                throw SqsErrors.invalidParameter(REDRIVE_ALLOW_POLICY, value, "Invalid value for sourceQueueArns: " + arn + " is not a queue ARN.");
            }
            arnList.add(arn.textValue());
        }
        return normalized.toString();
    }

    private static Optional<JsonNode> readJson(String value)
    {
        try {
            return Optional.ofNullable(JSON.readTree(value));
        }
        catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /** A queue's attributes for {@code GetQueueAttributes}: the stored ones with the counts, timestamps and ARN. */
    static Map<String, String> all(Queue queue, Queues.QueueCounts counts, String arn)
    {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("QueueArn", arn);
        all.put("ApproximateNumberOfMessages", Long.toString(counts.visible()));
        all.put("ApproximateNumberOfMessagesNotVisible", Long.toString(counts.inFlight()));
        all.put("ApproximateNumberOfMessagesDelayed", Long.toString(counts.delayed()));
        all.put("CreatedTimestamp", Long.toString(queue.createdMillis() / 1000));
        all.put("LastModifiedTimestamp", Long.toString(queue.modifiedMillis() / 1000));
        all.putAll(new TreeMap<>(queue.attributes()));
        return all;
    }

    static boolean isAttributeName(String name)
    {
        return SETTABLE.contains(name) || READ_ONLY.contains(name);
    }

    static ServiceException unknown(String name)
    {
        return SqsErrors.unknownAttribute(name);
    }
}
