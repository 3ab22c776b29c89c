package io.lakestack.services.sns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.endpoint.auth.Authenticator;
import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.endpoint.protocol.AwsResponse;
import io.lakestack.endpoint.query.QueryInput;
import io.lakestack.endpoint.query.QueryProtocolService;
import io.lakestack.spi.Arn;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.events.EventSink;
import io.lakestack.spi.sns.FilterPolicy;
import io.lakestack.spi.sns.SnsTopics;
import io.lakestack.spi.sns.Subscription;
import io.lakestack.spi.sns.Topic;
import io.lakestack.spi.store.RecordStore;
import io.lakestack.spi.store.RecordStores;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Amazon SNS on the Query protocol: topics, subscriptions ({@code sqs}, {@code lambda}, {@code http}, {@code https}),
 * their attributes and filter policies, {@code Publish} and {@code PublishBatch}, tags.
 *
 * <p>Topics and subscriptions are kept in the record stores {@value SnsTopics#TOPICS_STORE} and
 * {@value SnsTopics#SUBSCRIPTIONS_STORE}. A publish is answered once its notification is durably on the topic's
 * Kafka topic ({@link SnsTopics}), from where the fan-out connector delivers it to every subscription; so an
 * acknowledged message survives a kill -9. Where lakestack differs from AWS: the email, SMS, mobile
 * push and Firehose protocols are refused; notifications are not signed ({@code Signature} is empty).
 *
 * <p>FIFO topics (a name ending in {@code .fifo}, {@code FifoTopic=true}) are ordered Kafka topics of one partition: a
 * message's {@code SequenceNumber} is its record's offset, and its group, deduplication id and deduplication scope
 * travel in the record's headers ({@link SnsTopics}); the fan-out drops duplicates, deciding from the log alone.
 */
public final class SnsService
        extends QueryProtocolService
{
    public static final String NAMESPACE = "http://sns.amazonaws.com/doc/2010-03-31/";
    public static final int MAX_MESSAGE_BYTES = 262_144;
    static final String INVALID_PARAMETER = "InvalidParameter";
    static final String INVALID_PARAMETER_VALUE = "InvalidParameterValue";
    static final String NOT_FOUND = "NotFound";
    private static final long MAX_REQUEST_BYTES = 2 * 1024 * 1024;
    private static final int PAGE = 100;
    private static final int MAX_KAFKA_TOPIC_NAME = 249;
    private static final Pattern TOPIC_NAME = Pattern.compile("[A-Za-z0-9_-]{1,256}");
    private static final Pattern FIFO_TOPIC_NAME = Pattern.compile("[A-Za-z0-9_-]{1,251}\\.fifo");
    private static final Pattern FIFO_ID = Pattern.compile("[\\x21-\\x7E]{1,128}");
    private static final Pattern TOPIC_ARN = Pattern.compile("arn:aws[a-z-]*:sns:([a-z0-9-]+):(\\d{12}):([A-Za-z0-9_.-]{1,256})");
    private static final Pattern SUBSCRIPTION_ARN = Pattern.compile("(arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_.-]{1,256}):[0-9a-f-]{36}");
    private static final Pattern SQS_ARN = Pattern.compile("arn:aws[a-z-]*:sqs:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_.-]{1,80}");
    private static final Pattern LAMBDA_ARN = Pattern.compile("arn:aws[a-z-]*:lambda:[a-z0-9-]+:\\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]+)?");
    private static final Pattern ATTRIBUTE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,256}");
    private static final Pattern BATCH_ID = Pattern.compile("[A-Za-z0-9_-]{1,80}");
    private static final Set<String> SUPPORTED_PROTOCOLS = Set.of("sqs", "lambda", "http", "https");
    private static final Set<String> OTHER_PROTOCOLS = Set.of("email", "email-json", "sms", "application", "firehose");
    private static final Set<String> TOPIC_ATTRIBUTES = Set.of("DisplayName", "Policy", "DeliveryPolicy", "TracingConfig", "SignatureVersion",
            "KmsMasterKeyId", "FifoTopic", "ContentBasedDeduplication", "DataProtectionPolicy", "ArchivePolicy", "FifoThroughputScope");
    private static final Set<String> SUBSCRIPTION_ATTRIBUTES = Set.of("RawMessageDelivery", "FilterPolicy", "FilterPolicyScope", "RedrivePolicy",
            "DeliveryPolicy", "SubscriptionRoleArn", "ReplayPolicy");
    private static final Set<String> PROTOCOL_KEYS = Set.of("default", "sqs", "lambda", "http", "https", "email", "email-json", "sms", "APNS", "GCM",
            "firehose");
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final String DEFAULT_DELIVERY_POLICY = "{\"http\":{\"defaultHealthyRetryPolicy\":{\"minDelayTarget\":20,\"maxDelayTarget\":20,"
            + "\"numRetries\":3,\"numMaxDelayRetries\":0,\"numNoDelayRetries\":0,\"numMinDelayRetries\":0,\"backoffFunction\":\"linear\"},"
            + "\"disableSubscriptionOverrides\":false,\"defaultRequestPolicy\":{\"headerContentType\":\"text/plain; charset=UTF-8\"}}}";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RecordStore<Topic> topics;
    private final RecordStore<Subscription> subscriptions;
    private final EventSink events;
    private final String region;
    private final String accountId;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /**
     * A topic's ARN names the region of the request that created it, and is kept with the topic; a subscription's ARN
     * is its topic's with an id. Topic names are one namespace across regions.
     *
     * @param region the stack's configured region: the caller's of the links SNS sends out, which are not signed
     */
    public SnsService(RecordStores stores, EventSink events, String region, String accountId, Clock clock)
    {
        super("sns", NAMESPACE, "ValidationError");
        requireNonNull(stores, "stores is null");
        this.topics = stores.open(SnsTopics.TOPICS_STORE, Topic.class);
        this.subscriptions = stores.open(SnsTopics.SUBSCRIPTIONS_STORE, Subscription.class);
        this.events = requireNonNull(events, "events is null");
        this.region = requireNonNull(region, "region is null");
        this.accountId = requireNonNull(accountId, "accountId is null");
        this.clock = requireNonNull(clock, "clock is null");
        operation("CreateTopic", this::createTopic);
        operation("DeleteTopic", (input, caller, result) -> deleteTopic(input));
        operation("ListTopics", (input, caller, result) -> listTopics(input, result));
        operation("GetTopicAttributes", (input, caller, result) -> getTopicAttributes(input, result));
        operation("SetTopicAttributes", (input, caller, result) -> setTopicAttributes(input));
        operation("Subscribe", (input, caller, result) -> subscribe(input, result));
        operation("ConfirmSubscription", (input, caller, result) -> confirmSubscription(input, result));
        operation("Unsubscribe", (input, caller, result) -> unsubscribe(input));
        operation("ListSubscriptions", (input, caller, result) -> listSubscriptions(input, Optional.empty(), result));
        operation("ListSubscriptionsByTopic", (input, caller, result) -> listSubscriptions(input, Optional.of(topic(input, "TopicArn")), result));
        operation("GetSubscriptionAttributes", (input, caller, result) -> getSubscriptionAttributes(input, result));
        operation("SetSubscriptionAttributes", (input, caller, result) -> setSubscriptionAttributes(input));
        operation("Publish", (input, caller, result) -> publish(input, result));
        operation("PublishBatch", (input, caller, result) -> publishBatch(input, result));
        operation("TagResource", (input, caller, result) -> tagResource(input));
        operation("UntagResource", (input, caller, result) -> untagResource(input));
        operation("ListTagsForResource", (input, caller, result) -> listTags(input, result));
    }

    /**
     * The links SNS sends out are answered without a signature, as on AWS: a notification's {@code UnsubscribeURL}
     * and a confirmation's {@code SubscribeURL} (GET, the parameters in the query string).
     */
    @Override
    public boolean authenticatesItself(AwsRequest request)
    {
        if (!request.method().equals("GET") || request.header("authorization").isPresent() || request.hasQueryParameter("X-Amz-Signature")) {
            return false;
        }
        Optional<String> action = request.queryParameter("Action");
        return action.equals(Optional.of("ConfirmSubscription")) && request.hasQueryParameter("TopicArn") && request.hasQueryParameter("Token")
                || action.equals(Optional.of("Unsubscribe")) && request.hasQueryParameter("SubscriptionArn");
    }

    /** A link answered unsigned: the caller is anonymous. */
    @Override
    public void handleSelfAuthenticated(AwsRequest request, Authenticator authenticator, AwsResponse response)
            throws Exception
    {
        handle(request, new Authenticator.Caller("anonymous", region), response);
    }

    @Override
    public OptionalLong maxRequestBytes()
    {
        // a batch of ten messages of 256 KiB, form-encoded
        return OptionalLong.of(MAX_REQUEST_BYTES * 4);
    }

    static ServiceException invalid(String message)
    {
        return ServiceException.user(INVALID_PARAMETER, "Invalid parameter: " + message);
    }

    private static String required(QueryInput input, String name)
    {
        return input.string(name).orElseThrow(() -> ServiceException.user("ValidationError", "1 validation error detected: Value null at '"
                + Character.toLowerCase(name.charAt(0)) + name.substring(1) + "' failed to satisfy constraint: Member must not be null"));
    }

    // topics

    private void createTopic(QueryInput input, Authenticator.Caller caller, XmlWriter result)
    {
        String name = required(input, "Name");
        Map<String, String> attributes = new TreeMap<>(input.map("Attributes", "key", "value"));
        String fifoTopic = attributes.getOrDefault("FifoTopic", "false");
        if (!fifoTopic.equalsIgnoreCase("true") && !fifoTopic.equalsIgnoreCase("false")) {
            throw invalid("Attributes Reason: FifoTopic: Invalid value [" + fifoTopic + "]. Must be true or false.");
        }
        boolean fifo = fifoTopic.equalsIgnoreCase("true");
        // a FIFO topic's name ends with .fifo, and only a FIFO topic's does: AWS answers both mistakes so
        if (!(fifo ? FIFO_TOPIC_NAME : TOPIC_NAME).matcher(name).matches()) {
            throw invalid("Topic Name");
        }
        if (SnsTopics.kafkaTopic(name).length() > MAX_KAFKA_TOPIC_NAME) {
            throw invalid("Topic Name Reason: lakestack keeps a topic's messages in the Kafka topic " + SnsTopics.kafkaTopic("<name>") + ", whose name "
                    + "is at most " + MAX_KAFKA_TOPIC_NAME + " characters: use a topic name of at most "
                    + (MAX_KAFKA_TOPIC_NAME - SnsTopics.kafkaTopic("").length()) + " characters");
        }
        attributes.remove("FifoTopic");
        for (Map.Entry<String, String> attribute : attributes.entrySet()) {
            checkTopicAttribute(attribute.getKey(), attribute.getValue(), fifo);
        }
        Map<String, String> tags = tags(input);
        Optional<Topic> existing = topics.get(name);
        // topic names are one namespace across regions: a name of another region's topic answers that topic
        String arn = existing.map(Topic::arn).orElseGet(() -> Arn.of("sns", caller.region(), accountId, name).toString());
        if (existing.isPresent()) {
            Map<String, String> kept = new TreeMap<>(existing.get().attributes());
            kept.remove("FifoTopic");
            if (!attributes.isEmpty() && !kept.equals(attributes)) {
                throw invalid("Attributes Reason: Topic already exists with different attributes");
            }
            if (!tags.isEmpty() && !existing.get().tags().equals(tags)) {
                throw invalid("Tags Reason: Topic already exists with different tags");
            }
        }
        else if (fifo) {
            events.declareOrdered(SnsTopics.kafkaTopic(arn));
            attributes.put("FifoTopic", "true");
            topics.put(name, new Topic(name, arn, attributes, tags, clock.millis()));
        }
        else {
            events.declare(SnsTopics.kafkaTopic(arn));
            topics.put(name, new Topic(name, arn, attributes, tags, clock.millis()));
        }
        result.element("TopicArn", arn);
    }

    /** @param fifo whether the topic is a FIFO topic ({@code FifoTopic} itself is checked by the caller) */
    private static void checkTopicAttribute(String name, String value, boolean fifo)
    {
        if (!TOPIC_ATTRIBUTES.contains(name)) {
            throw invalid("AttributeName");
        }
        switch (name) {
            case "DisplayName" -> {
                if (value.length() > 100) {
                    throw invalid("DisplayName");
                }
            }
            case "Policy", "DeliveryPolicy", "DataProtectionPolicy", "ArchivePolicy" -> {
                if (!value.isEmpty() && !isJsonObject(value)) {
                    throw invalid(name + ": failed to parse JSON");
                }
            }
            case "SignatureVersion" -> {
                if (!value.equals("1") && !value.equals("2")) {
                    throw invalid("SignatureVersion");
                }
            }
            case "TracingConfig" -> {
                if (!value.equals("PassThrough") && !value.equals("Active")) {
                    throw invalid("TracingConfig");
                }
            }
            case "KmsMasterKeyId" -> {
                if (!value.isEmpty()) {
                    throw invalid("KmsMasterKeyId Reason: lakestack does not encrypt topics; leave KmsMasterKeyId out");
                }
            }
            case "ContentBasedDeduplication" -> {
                if (!fifo) {
                    throw invalid("ContentBasedDeduplication Reason: Content based deduplication can only be set for FIFO topics");
                }
                if (!value.equals("true") && !value.equals("false")) {
                    throw invalid("ContentBasedDeduplication Reason: Invalid value [" + value + "]. Must be true or false.");
                }
            }
            case "FifoThroughputScope" -> {
                if (!fifo) {
                    throw invalid("FifoThroughputScope Reason: FifoThroughputScope can only be set for FIFO topics");
                }
                if (!value.equals("Topic") && !value.equals("MessageGroup")) {
                    throw invalid("FifoThroughputScope Reason: Invalid value [" + value + "]. Please use either Topic or MessageGroup");
                }
            }
            default -> {
                // kept as given
            }
        }
    }

    private static boolean isJsonObject(String value)
    {
        try {
            return JSON.readTree(value) instanceof ObjectNode;
        }
        catch (java.io.IOException e) {
            return false;
        }
    }

    /** The topic a parameter names; {@code NotFound} when there is none. */
    private Topic topic(QueryInput input, String parameter)
    {
        String arn = input.string(parameter).orElseThrow(() -> invalid(parameter));
        return topicByArn(arn, parameter);
    }

    private Topic topicByArn(String arn, String parameter)
    {
        Matcher matcher = TOPIC_ARN.matcher(arn);
        if (!matcher.matches()) {
            throw invalid(parameter);
        }
        return topics.getLatest(matcher.group(3)).filter(topic -> topic.arn().equals(arn))
                .orElseThrow(() -> ServiceException.user(NOT_FOUND, 404, "Topic does not exist"));
    }

    private void deleteTopic(QueryInput input)
    {
        String arn = input.string("TopicArn").orElseThrow(() -> invalid("TopicArn"));
        Matcher matcher = TOPIC_ARN.matcher(arn);
        if (!matcher.matches()) {
            throw invalid("TopicArn");
        }
        // deleting a topic that does not exist succeeds, as on AWS
        if (topics.get(matcher.group(3)).filter(topic -> topic.arn().equals(arn)).isPresent()) {
            subscriptions.all().values().stream().filter(subscription -> subscription.topicArn().equals(arn))
                    .forEach(subscription -> subscriptions.delete(subscription.arn()));
            topics.delete(matcher.group(3));
        }
    }

    private void listTopics(QueryInput input, XmlWriter result)
    {
        List<String> arns = topics.all().values().stream().map(Topic::arn).sorted().toList();
        int start = pageStart(input, arns.size());
        result.start("Topics");
        for (String arn : arns.subList(start, Math.min(arns.size(), start + PAGE))) {
            result.start("member").element("TopicArn", arn).end("member");
        }
        result.end("Topics");
        if (start + PAGE < arns.size()) {
            result.element("NextToken", Integer.toString(start + PAGE));
        }
    }

    private static int pageStart(QueryInput input, int size)
    {
        Optional<String> token = input.string("NextToken").filter(text -> !text.isEmpty());
        if (token.isEmpty()) {
            return 0;
        }
        try {
            int start = Integer.parseInt(token.get());
            if (start >= 0 && start <= size) {
                return start;
            }
        }
        catch (NumberFormatException e) {
            // answered below
        }
        throw invalid("NextToken");
    }

    private void getTopicAttributes(QueryInput input, XmlWriter result)
    {
        Topic topic = topic(input, "TopicArn");
        Map<String, String> attributes = new TreeMap<>();
        attributes.put("TopicArn", topic.arn());
        attributes.put("Owner", accountId);
        attributes.put("Policy", defaultPolicy(topic.arn()));
        attributes.put("DisplayName", "");
        attributes.put("EffectiveDeliveryPolicy", DEFAULT_DELIVERY_POLICY);
        attributes.put("SubscriptionsDeleted", "0");
        long confirmed = 0;
        long pending = 0;
        for (Subscription subscription : subscriptions.all().values()) {
            if (subscription.topicArn().equals(topic.arn())) {
                if (subscription.confirmed()) {
                    confirmed++;
                }
                else {
                    pending++;
                }
            }
        }
        attributes.put("SubscriptionsConfirmed", Long.toString(confirmed));
        attributes.put("SubscriptionsPending", Long.toString(pending));
        if (SnsTopics.isFifo(topic.arn())) {
            attributes.put("FifoTopic", "true");
            attributes.put("ContentBasedDeduplication", "false");
            attributes.put("FifoThroughputScope", "Topic");
        }
        attributes.putAll(topic.attributes());
        if (topic.attributes().containsKey("DeliveryPolicy")) {
            attributes.put("EffectiveDeliveryPolicy", topic.attributes().get("DeliveryPolicy"));
        }
        entries(result, attributes);
    }

    private String defaultPolicy(String topicArn)
    {
        return "{\"Version\":\"2008-10-17\",\"Id\":\"__default_policy_ID\",\"Statement\":[{\"Sid\":\"__default_statement_ID\",\"Effect\":\"Allow\","
                + "\"Principal\":{\"AWS\":\"*\"},\"Action\":[\"SNS:GetTopicAttributes\",\"SNS:SetTopicAttributes\",\"SNS:AddPermission\","
                + "\"SNS:RemovePermission\",\"SNS:DeleteTopic\",\"SNS:Subscribe\",\"SNS:ListSubscriptionsByTopic\",\"SNS:Publish\"],\"Resource\":\""
                + topicArn + "\",\"Condition\":{\"StringEquals\":{\"AWS:SourceOwner\":\"" + accountId + "\"}}}]}";
    }

    private static void entries(XmlWriter result, Map<String, String> attributes)
    {
        result.start("Attributes");
        attributes.forEach((key, value) -> result.start("entry").element("key", key).element("value", value).end("entry"));
        result.end("Attributes");
    }

    private void setTopicAttributes(QueryInput input)
    {
        Topic topic = topic(input, "TopicArn");
        String name = input.string("AttributeName").orElseThrow(() -> invalid("AttributeName"));
        String value = input.string("AttributeValue").orElse("");
        if (name.equals("FifoTopic")) {
            // a topic's type is fixed when it is created, as on AWS
            throw invalid("AttributeName");
        }
        checkTopicAttribute(name, value, SnsTopics.isFifo(topic.arn()));
        Map<String, String> attributes = new TreeMap<>(topic.attributes());
        attributes.put(name, value);
        topics.put(topic.name(), new Topic(topic.name(), topic.arn(), attributes, topic.tags(), topic.createdMillis()));
    }

    // subscriptions

    private void subscribe(QueryInput input, XmlWriter result)
    {
        Topic topic = topic(input, "TopicArn");
        String protocol = input.string("Protocol").orElseThrow(() -> invalid("Protocol"));
        if (!SUPPORTED_PROTOCOLS.contains(protocol) && !OTHER_PROTOCOLS.contains(protocol)) {
            throw invalid("Amazon SNS does not support this protocol string: " + protocol);
        }
        boolean fifo = SnsTopics.isFifo(topic.arn());
        if (fifo && !protocol.equals("sqs")) {
            // as on AWS: a FIFO topic delivers to SQS queues (FIFO and standard) only
            throw invalid("Invalid protocol type: " + protocol);
        }
        if (OTHER_PROTOCOLS.contains(protocol)) {
            throw invalid("Protocol Reason: lakestack does not deliver to " + protocol + "; supported protocols: sqs, lambda, http, https");
        }
        String endpoint = input.string("Endpoint").orElseThrow(() -> invalid("Endpoint Reason: an endpoint is required for protocol " + protocol));
        switch (protocol) {
            case "sqs" -> {
                if (!SQS_ARN.matcher(endpoint).matches()) {
                    throw invalid("SQS endpoint ARN");
                }
                if (!fifo && endpoint.endsWith(".fifo")) {
                    // AWS's message, its prefix twice
                    throw invalid("Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics");
                }
            }
            case "lambda" -> {
                if (!LAMBDA_ARN.matcher(endpoint).matches()) {
                    throw invalid("Lambda endpoint ARN");
                }
            }
            default -> {
                if (!endpoint.startsWith(protocol + "://") || endpoint.length() <= protocol.length() + 3) {
                    throw invalid("Endpoint must match the specified protocol");
                }
            }
        }
        Map<String, String> attributes = new TreeMap<>(input.map("Attributes", "key", "value"));
        boolean fifoSubscription = fifo && endpoint.endsWith(".fifo");
        attributes.forEach((name, value) -> checkSubscriptionAttribute(name, value, fifoSubscription));
        checkFilterPolicy(attributes);
        boolean returnArn = input.bool("ReturnSubscriptionArn").orElse(false);
        Optional<Subscription> existing = subscriptions.all().values().stream()
                .filter(subscription -> subscription.topicArn().equals(topic.arn()) && subscription.protocol().equals(protocol)
                        && subscription.endpoint().equals(endpoint))
                .findFirst();
        Subscription subscription;
        if (existing.isPresent()) {
            subscription = existing.get();
            if (!attributes.isEmpty() && !subscription.attributes().equals(attributes)) {
                throw invalid("Attributes Reason: Subscription already exists with different attributes");
            }
        }
        else {
            boolean confirmed = protocol.equals("sqs") || protocol.equals("lambda");
            subscription = new Subscription(topic.arn() + ":" + UUID.randomUUID(), topic.arn(), protocol, endpoint, accountId, confirmed, token(),
                    attributes, clock.millis());
            subscriptions.put(subscription.arn(), subscription);
        }
        result.element("SubscriptionArn", subscription.confirmed() || returnArn ? subscription.arn() : "pending confirmation");
    }

    private String token()
    {
        byte[] bytes = new byte[64];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** @param fifoSubscription whether it is a FIFO queue's subscription to a FIFO topic */
    private void checkSubscriptionAttribute(String name, String value, boolean fifoSubscription)
    {
        if (!SUBSCRIPTION_ATTRIBUTES.contains(name)) {
            throw invalid("AttributeName");
        }
        switch (name) {
            case "RawMessageDelivery" -> {
                if (!value.equals("true") && !value.equals("false")) {
                    throw invalid("Attributes Reason: RawMessageDelivery: Invalid value [" + value + "]. Must be true or false.");
                }
            }
            case "FilterPolicyScope" -> {
                if (!value.equals("MessageAttributes") && !value.equals("MessageBody")) {
                    throw invalid("Attributes Reason: FilterPolicyScope: Invalid value [" + value + "]. Please use either MessageBody or "
                            + "MessageAttributes");
                }
            }
            case "RedrivePolicy" -> {
                if (value.isEmpty()) {
                    return;
                }
                JsonNode policy;
                try {
                    policy = JSON.readTree(value);
                }
                catch (java.io.IOException e) {
                    throw invalid("RedrivePolicy: failed to parse JSON");
                }
                JsonNode target = policy == null ? null : policy.get("deadLetterTargetArn");
                if (target == null || !target.isTextual()) {
                    throw invalid("RedrivePolicy: deadLetterTargetArn is missing");
                }
                if (!SQS_ARN.matcher(target.asText()).matches()) {
                    throw invalid("RedrivePolicy: Invalid deadLetterTargetArn " + target.asText() + ": it must be an SQS queue ARN");
                }
                if (fifoSubscription && !target.asText().endsWith(".fifo")) {
                    throw invalid("RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.");
                }
            }
            case "DeliveryPolicy" -> {
                if (!value.isEmpty() && !isJsonObject(value)) {
                    throw invalid("DeliveryPolicy: failed to parse JSON");
                }
            }
            default -> {
                // FilterPolicy is checked with its scope; the others are kept as given
            }
        }
    }

    private static void checkFilterPolicy(Map<String, String> attributes)
    {
        String policy = attributes.get("FilterPolicy");
        if (policy == null || policy.isEmpty()) {
            attributes.remove("FilterPolicy");
            return;
        }
        try {
            FilterPolicy.parse(policy, FilterPolicy.Scope.valueOf(attributes.getOrDefault("FilterPolicyScope", "MessageAttributes")));
        }
        catch (IllegalArgumentException e) {
            throw invalid("FilterPolicy: " + e.getMessage());
        }
    }

    private Subscription subscription(QueryInput input)
    {
        String arn = input.string("SubscriptionArn").orElseThrow(() -> invalid("SubscriptionArn"));
        if (!SUBSCRIPTION_ARN.matcher(arn).matches()) {
            throw invalid("SubscriptionArn");
        }
        return subscriptions.get(arn).orElseThrow(() -> ServiceException.user(NOT_FOUND, 404, "Subscription does not exist"));
    }

    private void confirmSubscription(QueryInput input, XmlWriter result)
    {
        Topic topic = topic(input, "TopicArn");
        String token = input.string("Token").orElseThrow(() -> invalid("Token"));
        Subscription subscription = subscriptions.all().values().stream()
                .filter(candidate -> candidate.topicArn().equals(topic.arn()) && candidate.token().equals(token))
                .findFirst()
                .orElseThrow(() -> invalid("Token"));
        if (!subscription.confirmed()) {
            subscriptions.put(subscription.arn(), subscription.confirm());
        }
        result.element("SubscriptionArn", subscription.arn());
    }

    private void unsubscribe(QueryInput input)
    {
        subscriptions.delete(subscription(input).arn());
    }

    private void listSubscriptions(QueryInput input, Optional<Topic> topic, XmlWriter result)
    {
        List<Subscription> listed = subscriptions.all().values().stream()
                .filter(subscription -> topic.isEmpty() || subscription.topicArn().equals(topic.get().arn()))
                .toList();
        int start = pageStart(input, listed.size());
        result.start("Subscriptions");
        for (Subscription subscription : listed.subList(start, Math.min(listed.size(), start + PAGE))) {
            result.start("member")
                    .element("SubscriptionArn", subscription.confirmed() ? subscription.arn() : "PendingConfirmation")
                    .element("Owner", subscription.owner())
                    .element("Protocol", subscription.protocol())
                    .element("Endpoint", subscription.endpoint())
                    .element("TopicArn", subscription.topicArn())
                    .end("member");
        }
        result.end("Subscriptions");
        if (start + PAGE < listed.size()) {
            result.element("NextToken", Integer.toString(start + PAGE));
        }
    }

    private void getSubscriptionAttributes(QueryInput input, XmlWriter result)
    {
        Subscription subscription = subscription(input);
        Map<String, String> attributes = new TreeMap<>();
        attributes.put("SubscriptionArn", subscription.arn());
        attributes.put("TopicArn", subscription.topicArn());
        attributes.put("Owner", subscription.owner());
        attributes.put("Protocol", subscription.protocol());
        attributes.put("Endpoint", subscription.endpoint());
        attributes.put("ConfirmationWasAuthenticated", Boolean.toString(subscription.protocol().equals("sqs") || subscription.protocol().equals("lambda")));
        attributes.put("PendingConfirmation", Boolean.toString(!subscription.confirmed()));
        attributes.put("RawMessageDelivery", "false");
        attributes.put("SubscriptionPrincipal", "arn:aws:iam::" + accountId + ":root");
        attributes.putAll(subscription.attributes());
        if (subscription.attributes().containsKey("FilterPolicy")) {
            attributes.putIfAbsent("FilterPolicyScope", "MessageAttributes");
        }
        entries(result, attributes);
    }

    private void setSubscriptionAttributes(QueryInput input)
    {
        Subscription subscription = subscription(input);
        String name = input.string("AttributeName").orElseThrow(() -> invalid("AttributeName"));
        String value = input.string("AttributeValue").orElse("");
        checkSubscriptionAttribute(name, value, SnsTopics.isFifo(subscription.topicArn()) && subscription.endpoint().endsWith(".fifo"));
        Map<String, String> attributes = new TreeMap<>(subscription.attributes());
        if (value.isEmpty() && !name.equals("RawMessageDelivery")) {
            attributes.remove(name);
        }
        else {
            attributes.put(name, value);
        }
        checkFilterPolicy(attributes);
        subscriptions.put(subscription.arn(), subscription.withAttributes(attributes));
    }

    // publishing

    /** One message to publish, checked. */
    private record Outgoing(String message, Optional<String> subject, Optional<String> structure, Map<String, MessageAttribute> attributes) {}

    private record MessageAttribute(String dataType, String value) {}

    private void publish(QueryInput input, XmlWriter result)
    {
        if (input.has("PhoneNumber")) {
            throw invalid("PhoneNumber Reason: lakestack does not send SMS; publish to a topic");
        }
        Optional<String> topicArn = input.string("TopicArn");
        Optional<String> targetArn = input.string("TargetArn");
        if (topicArn.isPresent() && targetArn.isPresent()) {
            throw invalid("TopicArn or TargetArn Reason: both are given; give one");
        }
        if (topicArn.isEmpty() && targetArn.isEmpty()) {
            throw invalid("TopicArn or TargetArn Reason: no value for required parameter");
        }
        Topic topic = topicByArn(topicArn.orElseGet(targetArn::get), topicArn.isPresent() ? "TopicArn" : "TargetArn");
        Ordering ordering = ordering(topic, input, "");
        Outgoing outgoing = outgoing(input, "");
        Published published = send(topic, outgoing, ordering);
        result.element("MessageId", published.messageId());
        published.sequenceNumber().ifPresent(sequenceNumber -> result.element("SequenceNumber", sequenceNumber));
    }

    /**
     * A message's group and deduplication id, checked against its topic: a FIFO topic's message needs a group, and a
     * deduplication id unless the topic has {@code ContentBasedDeduplication}; a standard topic's message may have a
     * group (which SQS queues receive, for their fair queueing, as on AWS) but no deduplication id.
     *
     * @param deduplicationId given; empty when it is to be computed from the body
     */
    record Ordering(Optional<String> groupId, Optional<String> deduplicationId, boolean fifo, boolean contentBased, String scope) {}

    static Ordering ordering(Topic topic, QueryInput input, String prefix)
    {
        Optional<String> group = input.string(prefix + "MessageGroupId");
        Optional<String> deduplication = input.string(prefix + "MessageDeduplicationId");
        if (!SnsTopics.isFifo(topic.arn())) {
            if (deduplication.isPresent()) {
                throw invalid("MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type");
            }
            group.ifPresent(id -> checkFifoId("MessageGroupId", id));
            return new Ordering(group, Optional.empty(), false, false, "Topic");
        }
        if (group.isEmpty()) {
            throw invalid("The MessageGroupId parameter is required for FIFO topics");
        }
        boolean contentBased = "true".equals(topic.attributes().get("ContentBasedDeduplication"));
        if (deduplication.isEmpty() && !contentBased) {
            throw invalid("The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly");
        }
        checkFifoId("MessageGroupId", group.get());
        deduplication.ifPresent(id -> checkFifoId("MessageDeduplicationId", id));
        return new Ordering(group, deduplication, true, contentBased, topic.attributes().getOrDefault("FifoThroughputScope", "Topic"));
    }

    private static void checkFifoId(String parameter, String value)
    {
        if (!FIFO_ID.matcher(value).matches()) {
            throw invalid(parameter + " Reason: " + parameter + " can only include alphanumeric and punctuation characters. 1 to 128 in length.");
        }
    }

    /** The deduplication id SNS computes for a topic with {@code ContentBasedDeduplication}: the hex SHA-256 of the message body. */
    static String contentDeduplicationId(String body)
    {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
        }
        catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private Outgoing outgoing(QueryInput input, String prefix)
    {
        String message = input.string(prefix + "Message").orElseThrow(() -> invalid("Message Reason: no value for required parameter"));
        if (message.isEmpty()) {
            throw invalid("Empty message");
        }
        Optional<String> subject = input.string(prefix + "Subject");
        if (subject.isPresent()) {
            String text = subject.get();
            if (text.isEmpty() || text.length() > 100 || !text.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                throw invalid("Subject");
            }
        }
        Optional<String> structure = input.string(prefix + "MessageStructure");
        String delivered = message;
        if (structure.isPresent()) {
            if (!structure.get().equals("json")) {
                throw invalid("MessageStructure");
            }
            JsonNode messages;
            try {
                messages = JSON.readTree(message);
            }
            catch (java.io.IOException e) {
                throw invalid("Message Structure - JSON message body failed to parse");
            }
            if (!(messages instanceof ObjectNode object)) {
                throw invalid("Message Structure - JSON message body failed to parse");
            }
            if (!object.has("default")) {
                throw invalid("Message Structure - No default entry in JSON message body");
            }
            for (var field : (Iterable<Map.Entry<String, JsonNode>>) object::fields) {
                if (!field.getValue().isTextual() || !PROTOCOL_KEYS.contains(field.getKey())) {
                    throw invalid("Message Structure - " + (field.getValue().isTextual() ? "Unknown protocol " + field.getKey()
                            : "the message for " + field.getKey() + " must be a string"));
                }
            }
            delivered = object.get("default").asText();
        }
        Map<String, MessageAttribute> attributes = messageAttributes(input, prefix + "MessageAttributes");
        long size = message.getBytes(StandardCharsets.UTF_8).length;
        for (Map.Entry<String, MessageAttribute> attribute : attributes.entrySet()) {
            size += attribute.getKey().getBytes(StandardCharsets.UTF_8).length + attribute.getValue().dataType().getBytes(StandardCharsets.UTF_8).length
                    + attribute.getValue().value().getBytes(StandardCharsets.UTF_8).length;
        }
        if (size > MAX_MESSAGE_BYTES) {
            throw invalid("Message too long");
        }
        return new Outgoing(delivered, subject, structure.isPresent() ? Optional.of(message) : Optional.empty(), attributes);
    }

    private static Map<String, MessageAttribute> messageAttributes(QueryInput input, String prefix)
    {
        Map<String, MessageAttribute> attributes = new LinkedHashMap<>();
        String base = input.has(prefix + ".entry.1.Name") ? prefix + ".entry." : prefix + ".";
        Set<String> read = new HashSet<>();
        for (int i = 1; input.has(base + i + ".Name"); i++) {
            for (String member : List.of(".Name", ".Value.DataType", ".Value.StringValue", ".Value.BinaryValue")) {
                read.add(base + i + member);
            }
            String name = input.string(base + i + ".Name").orElseThrow();
            String dataType = input.string(base + i + ".Value.DataType").orElse("");
            Optional<String> string = input.string(base + i + ".Value.StringValue");
            Optional<String> binary = input.string(base + i + ".Value.BinaryValue");
            if (!ATTRIBUTE_NAME.matcher(name).matches() || name.startsWith("AWS.") || name.startsWith("Amazon.") || name.startsWith(".")
                    || name.endsWith(".") || name.contains("..")) {
                throw ServiceException.user(INVALID_PARAMETER_VALUE, "The message attribute name '" + name + "' is invalid: names may contain "
                        + "letters, digits, _, - and . (not at the start or end, not twice in a row) and may not start with AWS. or Amazon.");
            }
            if (attributes.containsKey(name)) {
                throw ServiceException.user(INVALID_PARAMETER_VALUE, "The message attribute '" + name + "' is given more than once.");
            }
            String kind = dataType.contains(".") ? dataType.substring(0, dataType.indexOf('.')) : dataType;
            if (dataType.equals("String.Array")) {
                kind = "String.Array";
            }
            String value;
            switch (kind) {
                case "String", "String.Array" -> {
                    value = string.orElseThrow(() -> ServiceException.user(INVALID_PARAMETER_VALUE, "The message attribute '" + name
                            + "' with type '" + dataType + "' must contain a non-empty message attribute value."));
                    if (kind.equals("String.Array")) {
                        try {
                            if (!JSON.readTree(value).isArray()) {
                                throw new java.io.IOException("not an array");
                            }
                        }
                        catch (java.io.IOException e) {
                            throw ServiceException.user(INVALID_PARAMETER_VALUE, "The message attribute '" + name
                                    + "' has an invalid message attribute value: a String.Array is a JSON array.");
                        }
                    }
                }
                case "Number" -> {
                    value = string.orElseThrow(() -> ServiceException.user(INVALID_PARAMETER_VALUE, "The message attribute '" + name
                            + "' with type 'Number' must contain a non-empty message attribute value."));
                    try {
                        new java.math.BigDecimal(value.trim());
                    }
                    catch (NumberFormatException e) {
                        throw ServiceException.user(INVALID_PARAMETER_VALUE, "Could not cast message attribute '" + name + "' value to number.");
                    }
                }
                case "Binary" -> value = binary.orElseThrow(() -> ServiceException.user(INVALID_PARAMETER_VALUE, "The message attribute '" + name
                        + "' with type 'Binary' must contain a non-empty message attribute value."));
                default -> throw ServiceException.user(INVALID_PARAMETER_VALUE, "The message attribute '" + name
                        + "' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.");
            }
            if (value.isEmpty()) {
                throw ServiceException.user(INVALID_PARAMETER_VALUE, "The message attribute '" + name + "' must contain a non-empty message attribute "
                        + "value for message attribute type '" + dataType + "'.");
            }
            attributes.put(name, new MessageAttribute(dataType, value));
        }
        input.checkMembers(prefix, read);
        if (attributes.size() > 10) {
            throw ServiceException.user(INVALID_PARAMETER_VALUE, "Number of message attributes [" + attributes.size()
                    + "] exceeds the allowed maximum [10].");
        }
        return attributes;
    }

    /** @param sequenceNumber a FIFO topic's message's */
    private record Published(String messageId, Optional<String> sequenceNumber) {}

    /** Publishes the notification durably and answers its message id (and a FIFO topic's message's sequence number). */
    private Published send(Topic topic, Outgoing outgoing, Ordering ordering)
    {
        String messageId = UUID.randomUUID().toString();
        ObjectNode notification = JSON.createObjectNode();
        notification.put("Type", "Notification");
        notification.put("MessageId", messageId);
        notification.put("TopicArn", topic.arn());
        outgoing.subject().ifPresent(subject -> notification.put("Subject", subject));
        notification.put("Message", outgoing.message());
        notification.put("Timestamp", TIMESTAMP.format(Instant.ofEpochMilli(clock.millis())));
        notification.put("SignatureVersion", topic.attributes().getOrDefault("SignatureVersion", "1"));
        notification.put("Signature", "");
        notification.put("SigningCertURL", "");
        if (!outgoing.attributes().isEmpty()) {
            ObjectNode attributes = notification.putObject("MessageAttributes");
            outgoing.attributes().forEach((name, attribute) -> attributes.putObject(name).put("Type", attribute.dataType()).put("Value", attribute.value()));
        }
        byte[] value;
        try {
            value = JSON.writeValueAsBytes(notification);
        }
        catch (java.io.IOException e) {
            throw ServiceException.internal("InternalError", "Publish to " + topic.arn() + ": the notification could not be written", e);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        outgoing.structure().ifPresent(structure -> headers.put(SnsTopics.MESSAGE_STRUCTURE_HEADER, structure));
        ordering.groupId().ifPresent(group -> headers.put(SnsTopics.MESSAGE_GROUP_HEADER, group));
        if (!ordering.fifo()) {
            events.publish(SnsTopics.kafkaTopic(topic.arn()), messageId, value, headers);
            return new Published(messageId, Optional.empty());
        }
        // the given id overrides the computed one, as on AWS; the body is the Message parameter as given
        String deduplicationId = ordering.deduplicationId().orElseGet(() -> contentDeduplicationId(outgoing.structure().orElse(outgoing.message())));
        headers.put(SnsTopics.DEDUPLICATION_ID_HEADER, deduplicationId);
        headers.put(SnsTopics.DEDUPLICATION_SCOPE_HEADER, ordering.scope());
        long offset = events.publishOrdered(SnsTopics.kafkaTopic(topic.arn()), ordering.groupId().orElseThrow(), value, headers);
        return new Published(messageId, Optional.of(SnsTopics.sequenceNumber(offset)));
    }

    private void publishBatch(QueryInput input, XmlWriter result)
    {
        Topic topic = topic(input, "TopicArn");
        String prefix = "PublishBatchRequestEntries.member.";
        List<Integer> indexes = new ArrayList<>();
        for (int i = 1; input.has(prefix + i + ".Id"); i++) {
            indexes.add(i);
        }
        // an entry numbered out of sequence, or without its Id, would be left out of the batch
        Set<String> read = new HashSet<>();
        for (String parameter : input.parameters().keySet()) {
            if (parameter.startsWith(prefix)) {
                String index = parameter.substring(prefix.length(), Math.max(prefix.length(), parameter.indexOf('.', prefix.length())));
                if (index.matches("[1-9][0-9]{0,1}") && indexes.contains(Integer.parseInt(index))) {
                    read.add(parameter);
                }
            }
        }
        input.checkMembers("PublishBatchRequestEntries", read);
        if (indexes.isEmpty()) {
            throw ServiceException.user("EmptyBatchRequest", "The batch request doesn't contain any entries");
        }
        if (indexes.size() > 10) {
            throw ServiceException.user("TooManyEntriesInBatchRequest", "The batch request contains more entries than permissible");
        }
        Set<String> ids = new HashSet<>();
        long total = 0;
        for (int i : indexes) {
            String id = input.string(prefix + i + ".Id").orElseThrow();
            if (!ids.add(id)) {
                throw ServiceException.user("BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the same Id");
            }
            if (!BATCH_ID.matcher(id).matches()) {
                throw ServiceException.user("InvalidBatchEntryId", "The Id of a batch entry in a batch request doesn't abide by the specification");
            }
            total += input.string(prefix + i + ".Message").orElse("").getBytes(StandardCharsets.UTF_8).length;
        }
        if (total > MAX_MESSAGE_BYTES) {
            throw ServiceException.user("BatchRequestTooLong", "The length of all the messages put together is more than the limit");
        }
        if (SnsTopics.isFifo(topic.arn())) {
            // AWS refuses the whole batch when an entry lacks either
            for (int i : indexes) {
                if (!input.has(prefix + i + ".MessageGroupId")) {
                    throw invalid("The MessageGroupId parameter is required for FIFO topics");
                }
            }
            for (int i : indexes) {
                if (!input.has(prefix + i + ".MessageDeduplicationId") && !"true".equals(topic.attributes().get("ContentBasedDeduplication"))) {
                    throw invalid("The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly");
                }
            }
        }
        Map<String, Published> successful = new LinkedHashMap<>();
        Map<String, ServiceException> failed = new LinkedHashMap<>();
        for (int i : indexes) {
            String entry = prefix + i + ".";
            String id = input.string(entry + "Id").orElseThrow();
            try {
                Ordering ordering = ordering(topic, input, entry);
                successful.put(id, send(topic, outgoing(input, entry), ordering));
            }
            catch (ServiceException e) {
                if (e.httpStatus() >= 500) {
                    throw e;
                }
                failed.put(id, e);
            }
        }
        result.start("Successful");
        successful.forEach((id, published) -> {
            result.start("member").element("Id", id).element("MessageId", published.messageId());
            published.sequenceNumber().ifPresent(sequenceNumber -> result.element("SequenceNumber", sequenceNumber));
            result.end("member");
        });
        result.end("Successful");
        result.start("Failed");
        failed.forEach((id, error) -> result.start("member").element("Id", id).element("Code", error.errorCode()).element("Message", error.getMessage())
                .element("SenderFault", "true").end("member"));
        result.end("Failed");
    }

    // tags

    private static Map<String, String> tags(QueryInput input)
    {
        Map<String, String> tags = input.map("Tags.member", "Key", "Value");
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            if (tag.getKey().isEmpty() || tag.getKey().length() > 128 || tag.getValue().length() > 256) {
                throw invalid("Tags Reason: a tag key is 1-128 characters, a value at most 256");
            }
        }
        return tags;
    }

    private Topic taggedTopic(QueryInput input)
    {
        String arn = input.string("ResourceArn").orElseThrow(() -> invalid("ResourceArn"));
        Matcher matcher = TOPIC_ARN.matcher(arn);
        if (!matcher.matches()) {
            throw invalid("ResourceArn");
        }
        return topics.get(matcher.group(3)).filter(topic -> topic.arn().equals(arn))
                .orElseThrow(() -> ServiceException.user("ResourceNotFound", 404, "Resource does not exist"));
    }

    private void tagResource(QueryInput input)
    {
        Topic topic = taggedTopic(input);
        Map<String, String> added = tags(input);
        if (added.isEmpty()) {
            throw invalid("Tags Reason: no value for required parameter");
        }
        Map<String, String> tags = new TreeMap<>(topic.tags());
        tags.putAll(added);
        if (tags.size() > 50) {
            throw ServiceException.user("TagLimitExceeded", "Could not complete request: tag quota of per resource exceeded");
        }
        topics.put(topic.name(), new Topic(topic.name(), topic.arn(), topic.attributes(), tags, topic.createdMillis()));
    }

    private void untagResource(QueryInput input)
    {
        Topic topic = taggedTopic(input);
        List<String> keys = input.list("TagKeys");
        if (keys.isEmpty()) {
            throw invalid("TagKeys Reason: no value for required parameter");
        }
        if (keys.stream().anyMatch(key -> key.isEmpty() || key.length() > 128)) {
            throw invalid("TagKeys Reason: a tag key is 1-128 characters");
        }
        Map<String, String> tags = new TreeMap<>(topic.tags());
        keys.forEach(tags::remove);
        topics.put(topic.name(), new Topic(topic.name(), topic.arn(), topic.attributes(), tags, topic.createdMillis()));
    }

    private void listTags(QueryInput input, XmlWriter result)
    {
        Topic topic = taggedTopic(input);
        result.start("Tags");
        new TreeMap<>(topic.tags()).forEach((key, value) -> result.start("member").element("Key", key).element("Value", value).end("member"));
        result.end("Tags");
    }
}
