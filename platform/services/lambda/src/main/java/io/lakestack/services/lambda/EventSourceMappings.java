package io.lakestack.services.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.endpoint.json.JsonInput;
import io.lakestack.endpoint.rest.RestJsonService;
import io.lakestack.endpoint.rest.RestJsonService.RestResult;
import io.lakestack.spi.OffsetTokens;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.kinesis.KinesisStreams;
import io.lakestack.spi.lambda.EventSourceMapping;
import io.lakestack.spi.lambda.EventSourceMappingStatus;
import io.lakestack.spi.msk.MskClusters;
import io.lakestack.spi.pattern.EventPattern;
import io.lakestack.spi.sqs.Queue;
import io.lakestack.spi.store.RecordStore;
import io.lakestack.spi.store.RecordStores;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Lambda's event source mappings: their definitions, kept in the record store {@value #STORE} for the pollers of
 * every instance to follow, and the status the pollers report ({@value #STATUS_STORE}).
 *
 * <p>Sources: a Kinesis stream of this account (its ARN), an SQS queue of this account in its region (its ARN), or a Kafka
 * cluster ({@code SelfManagedEventSource} with {@code KAFKA_BOOTSTRAP_SERVERS}, lakestack's own included). Every setting
 * Lambda has for those sources is checked as Lambda checks it and applied by the pollers; a setting of another kind of
 * source (MQ, DynamoDB streams, DocumentDB) is refused until lakestack has that source, and a setting that does not
 * apply to the mapping's kind of source is refused as Lambda refuses it.
 */
final class EventSourceMappings
{
    public static final String STORE = "lambda.event-source-mappings";
    public static final String STATUS_STORE = "lambda.event-source-mapping-status";
    private static final String PATH = "/2015-03-31/event-source-mappings";
    private static final Set<String> STREAM_POSITIONS = Set.of("TRIM_HORIZON", "LATEST", "AT_TIMESTAMP");
    /** An event source ARN as Lambda's API takes it. */
    private static final Pattern SOURCE_ARN = Pattern.compile("arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:([a-z]{2}(-gov)?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)");
    private static final Pattern QUEUE_ARN = Pattern.compile("arn:aws[a-zA-Z-]*:sqs:([a-z0-9-]+):(\\d{12}):([A-Za-z0-9_.-]{1,80})");
    /** Settings of stream sources, which Lambda refuses for an SQS queue. */
    private static final List<String> STREAM_SETTINGS = List.of("StartingPosition", "StartingPositionTimestamp", "ParallelizationFactor",
            "BisectBatchOnFunctionError", "DestinationConfig", "MaximumRetryAttempts", "MaximumRecordAgeInSeconds", "TumblingWindowInSeconds", "Topics");
    /** As Lambda answers a mapping of a queue that does not exist (its pollers' ReceiveMessage failed). */
    private static final String NO_QUEUE = "Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error "
            + "Message: The specified queue does not exist or you do not have access to it.";

    /** Resolves a function name or ARN of the request to the function's ARN as the mapping names it. */
    interface Functions
    {
        String arnOf(String functionName);
    }

    /** The SQS queues of this account, by name (one namespace across regions). */
    interface Queues
    {
        Optional<Queue> get(String name);
    }

    private final RecordStore<EventSourceMapping> mappings;
    private final RecordStore<EventSourceMappingStatus> statuses;
    private final KinesisStreams kinesis;
    private final MskClusters mskClusters;
    private final Functions functions;
    private final Queues queues;
    private final String region;
    private final String accountId;
    private final Clock clock;

    /**
     * @param region the stack's configured region: that of queues stored before queues kept their region
     */
    EventSourceMappings(RecordStores stores, KinesisStreams kinesis, MskClusters mskClusters, Queues queues, Functions functions, String region,
            String accountId, Clock clock)
    {
        this.mskClusters = requireNonNull(mskClusters, "mskClusters is null");
        this.mappings = stores.open(STORE, EventSourceMapping.class);
        this.statuses = stores.open(STATUS_STORE, EventSourceMappingStatus.class);
        this.kinesis = requireNonNull(kinesis, "kinesis is null");
        this.functions = requireNonNull(functions, "functions is null");
        this.queues = requireNonNull(queues, "queues is null");
        this.region = requireNonNull(region, "region is null");
        this.accountId = requireNonNull(accountId, "accountId is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    void register(LambdaService service)
    {
        service.register("POST", PATH, (request, caller) -> {
            JsonInput input = request.json();
            EventSourceMapping mapping = create(input);
            mappings.put(mapping.uuid(), mapping);
            return RestResult.json(202, describe(mapping, Optional.of("Creating")));
        });
        service.register("GET", PATH, (request, caller) -> {
            Optional<String> source = request.query("EventSourceArn");
            source.filter(arn -> arn.length() > 1024 || !SOURCE_ARN.matcher(arn).matches()).ifPresent(arn -> {
                throw ServiceException.user("ValidationException", "1 validation error detected: Value '" + arn + "' at 'eventSourceArn' failed to "
                        + "satisfy constraint: Member must satisfy regular expression pattern: " + SOURCE_ARN.pattern());
            });
            Optional<String> function = request.query("FunctionName").map(functions::arnOf);
            List<ObjectNode> found = new ArrayList<>();
            for (EventSourceMapping mapping : mappings.all().values()) {
                if (source.filter(arn -> !mapping.eventSourceArn().equals(Optional.of(arn))).isPresent()
                        || function.filter(arn -> !unqualified(mapping.functionArn()).equals(unqualified(arn))).isPresent()) {
                    continue;
                }
                found.add(describe(mapping, Optional.empty()));
            }
            OffsetTokens.Slice<ObjectNode> page = OffsetTokens.slice(found, request.query("Marker"), LambdaService.maxItems(request, 100),
                    "InvalidParameterValueException");
            ObjectNode result = RestJsonService.JSON.createObjectNode();
            ArrayNode list = result.putArray("EventSourceMappings");
            page.items().forEach(list::add);
            page.nextToken().ifPresent(marker -> result.put("NextMarker", marker));
            return RestResult.json(200, result);
        });
        service.register("GET", PATH + "/{UUID}", (request, caller) -> RestResult.json(200, describe(require(request.path("UUID")), Optional.empty())));
        service.register("PUT", PATH + "/{UUID}", (request, caller) -> {
            EventSourceMapping updated = update(require(request.path("UUID")), request.json());
            mappings.put(updated.uuid(), updated);
            return RestResult.json(202, describe(updated, Optional.of("Updating")));
        });
        service.register("DELETE", PATH + "/{UUID}", (request, caller) -> {
            EventSourceMapping mapping = require(request.path("UUID"));
            mappings.delete(mapping.uuid());
            statuses.delete(mapping.uuid());
            return RestResult.json(202, describe(mapping, Optional.of("Deleting")));
        });
    }

    private EventSourceMapping require(String uuid)
    {
        return mappings.getLatest(uuid).orElseThrow(() -> ServiceException.user("ResourceNotFoundException", 404, "The resource you requested does not "
                + "exist. (Service: Lambda, Status Code: 404, Request ID: " + uuid + ")"));
    }

    private EventSourceMapping create(JsonInput input)
    {
        String functionArn = functions.arnOf(input.requiredString("FunctionName"));
        refuseOtherSources(input);
        Optional<String> sourceArn = input.string("EventSourceArn");
        Optional<JsonInput> selfManaged = input.optionalObject("SelfManagedEventSource");
        if (sourceArn.isPresent() == selfManaged.isPresent()) {
            throw ServiceException.user("InvalidParameterValueException", "Give either EventSourceArn (a Kinesis stream, an SQS queue or an MSK "
                    + "cluster) or SelfManagedEventSource (a Kafka cluster)");
        }
        boolean msk = sourceArn.flatMap(MskClusters::regionOf).isPresent();
        if (input.has("AmazonManagedKafkaEventSourceConfig") && !msk) {
            throw ServiceException.user("InvalidParameterValueException", "AmazonManagedKafkaEventSourceConfig is only for an MSK cluster event source");
        }
        if (input.has("SelfManagedKafkaEventSourceConfig") && selfManaged.isEmpty()) {
            throw ServiceException.user("InvalidParameterValueException", "SelfManagedKafkaEventSourceConfig is only for a self-managed Kafka event source");
        }
        if (sourceArn.isPresent() && QUEUE_ARN.matcher(sourceArn.get()).matches()) {
            return createForQueue(functionArn, sourceArn.get(), input);
        }
        refuseScalingConfig(input);
        String uuid = UUID.randomUUID().toString();
        EventSourceMapping.Kind kind;
        List<String> topics;
        Optional<String> servers = Optional.empty();
        long creation = 0;
        String group;
        if (sourceArn.isPresent() && !msk) {
            if (kinesis.nameOf(sourceArn.get()).isEmpty()) {
                throw ServiceException.user("InvalidParameterValueException", "The event source " + sourceArn.get() + " is not supported by "
                        + "lakestack: mappings read Kinesis streams and SQS queues of this account (arn:aws:kinesis:<region>:<account>:stream/<name>, "
                        + "arn:aws:sqs:<region>:<account>:<name>), its MSK cluster (arn:aws:kafka:<region>:<account>:cluster/lakestack/<uuid>) and "
                        + "Kafka clusters (SelfManagedEventSource)");
            }
            KinesisStreams.Stream found = kinesis.findByArn(sourceArn.get()).orElseThrow(() -> ServiceException.user("InvalidParameterValueException",
                    "Stream not found: " + sourceArn.get()));
            kind = EventSourceMapping.Kind.KINESIS;
            topics = List.of(kinesis.recordLog(found.name()));
            creation = found.creationMillis();
            group = "lakestack.lambda.esm." + uuid;
            if (input.has("Topics")) {
                throw ServiceException.user("InvalidParameterValueException", "Topics is only for Kafka event sources");
            }
        }
        else {
            kind = EventSourceMapping.Kind.KAFKA;
            if (msk) {
                // the cluster's brokers as GetBootstrapBrokers names them, as Lambda reads an MSK cluster
                MskClusters.Cluster cluster = mskClusters.findByArn(sourceArn.get(), accountId).orElseThrow(() -> ServiceException.user(
                        "InvalidParameterValueException", "The MSK cluster " + sourceArn.get() + " does not exist: lakestack's one cluster is "
                                + mskClusters.cluster().arn(MskClusters.regionOf(sourceArn.get()).orElseThrow(), accountId)));
                servers = Optional.of(cluster.bootstrapServers());
            }
            else {
                List<String> bootstrap = selfManaged.get().optionalObject("Endpoints").map(endpoints -> endpoints.strings("KAFKA_BOOTSTRAP_SERVERS"))
                        .orElse(List.of());
                if (bootstrap.isEmpty()) {
                    throw ServiceException.user("InvalidParameterValueException", "SelfManagedEventSource.Endpoints.KAFKA_BOOTSTRAP_SERVERS is required");
                }
                servers = Optional.of(String.join(",", bootstrap));
            }
            topics = input.strings("Topics");
            if (topics.size() != 1) {
                throw ServiceException.user("InvalidParameterValueException", "Topics must name exactly one Kafka topic, as Lambda requires");
            }
            if (!input.strings("SourceAccessConfigurations").isEmpty() || input.hasList("SourceAccessConfigurations")
                    && !input.objects("SourceAccessConfigurations").isEmpty()) {
                throw ServiceException.user("InvalidParameterValueException", "SourceAccessConfigurations (SASL, TLS, VPC) cannot be applied by "
                        + "lakestack yet: it reads the Kafka cluster in plaintext");
            }
            group = input.optionalObject(msk ? "AmazonManagedKafkaEventSourceConfig" : "SelfManagedKafkaEventSourceConfig")
                    .flatMap(config -> config.string("ConsumerGroupId")).orElse(uuid);
            for (String streamOnly : List.of("ParallelizationFactor", "BisectBatchOnFunctionError", "MaximumRetryAttempts", "MaximumRecordAgeInSeconds",
                    "TumblingWindowInSeconds")) {
                if (input.has(streamOnly)) {
                    throw ServiceException.user("InvalidParameterValueException", streamOnly + " is not supported for Kafka event sources (Lambda takes it "
                            + "for Kinesis and DynamoDB streams only)");
                }
            }
        }
        String position = input.string("StartingPosition").orElseThrow(() -> ServiceException.user("InvalidParameterValueException",
                "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null"));
        if (!STREAM_POSITIONS.contains(position) || kind == EventSourceMapping.Kind.KAFKA && position.equals("AT_TIMESTAMP")) {
            throw ServiceException.user("InvalidParameterValueException", "Unsupported starting position for this event source: " + position);
        }
        Optional<Long> timestamp = input.timestamp("StartingPositionTimestamp").map(instant -> instant.toEpochMilli());
        if (position.equals("AT_TIMESTAMP") != timestamp.isPresent()) {
            throw ServiceException.user("InvalidParameterValueException", "StartingPositionTimestamp is required with AT_TIMESTAMP, and only then");
        }
        return new EventSourceMapping(uuid, functionArn, kind, sourceArn, topics, servers, creation, group, input.bool("Enabled").orElse(true),
                input.integer("BatchSize", 1, 10_000).orElse(100), window(input).orElse(0), position, timestamp,
                input.integer("ParallelizationFactor", 1, 10).orElse(1), input.bool("BisectBatchOnFunctionError").orElse(false),
                input.integer("MaximumRetryAttempts", -1, 10_000).orElse(-1), recordAge(input).orElse(-1), onFailure(input),
                reportBatchItemFailures(input).orElse(false), input.integer("TumblingWindowInSeconds", 0, 900).orElse(0), filters(input).orElse(List.of()),
                clock.millis(), Optional.empty(), 0);
    }

    /** An SQS queue's mapping: checked as Lambda checks it (the queue must exist; batch size and window as for a queue). */
    private EventSourceMapping createForQueue(String functionArn, String arn, JsonInput input)
    {
        refuseStreamSettings(input);
        Queue queue = queueOf(arn);
        int window = window(input).orElse(0);
        int batchSize = input.integer("BatchSize", 1, 10_000).orElse(10);
        checkQueueBatch(batchSize, window, queue.fifo());
        return new EventSourceMapping(UUID.randomUUID().toString(), functionArn, EventSourceMapping.Kind.SQS, Optional.of(arn), List.of(), Optional.empty(),
                0, "", input.bool("Enabled").orElse(true), batchSize, window, "", Optional.empty(), 1, false, -1, -1, Optional.empty(),
                reportBatchItemFailures(input).orElse(false), 0, filters(input).orElse(List.of()), clock.millis(), Optional.of(queue.name()),
                maximumConcurrency(input).orElse(0));
    }

    private EventSourceMapping updateForQueue(EventSourceMapping mapping, JsonInput input)
    {
        refuseStreamSettings(input);
        int window = window(input).orElse(mapping.maximumBatchingWindowSeconds());
        int batchSize = input.integer("BatchSize", 1, 10_000).orElse(mapping.batchSize());
        checkQueueBatch(batchSize, window, mapping.queueName().orElseThrow().endsWith(".fifo"));
        return new EventSourceMapping(mapping.uuid(), input.string("FunctionName").map(functions::arnOf).orElse(mapping.functionArn()), mapping.kind(),
                mapping.eventSourceArn(), mapping.sourceTopics(), mapping.bootstrapServers(), 0, mapping.consumerGroup(),
                input.bool("Enabled").orElse(mapping.enabled()), batchSize, window, "", Optional.empty(), 1, false, -1, -1, Optional.empty(),
                reportBatchItemFailures(input).orElse(mapping.reportBatchItemFailures()), 0, filters(input).orElse(mapping.filterPatterns()), clock.millis(),
                mapping.queueName(), input.has("ScalingConfig") ? maximumConcurrency(input).orElse(0) : mapping.maximumConcurrency());
    }

    private static void refuseStreamSettings(JsonInput input)
    {
        for (String setting : STREAM_SETTINGS) {
            if (input.has(setting)) {
                throw ServiceException.user("InvalidParameterValueException", setting + " is not valid for SQS event sources.");
            }
        }
    }

    private static void refuseScalingConfig(JsonInput input)
    {
        if (input.has("ScalingConfig")) {
            throw ServiceException.user("InvalidParameterValueException", "ScalingConfig is only valid for SQS event sources.");
        }
    }

    /** The queue an ARN names, if it is of this account and exists in the ARN's region. */
    private Queue queueOf(String arn)
    {
        Matcher matcher = QUEUE_ARN.matcher(arn);
        if (!matcher.matches() || !matcher.group(2).equals(accountId)) {
            throw ServiceException.user("InvalidParameterValueException", NO_QUEUE);
        }
        return queues.get(matcher.group(3)).filter(queue -> queue.region().orElse(region).equals(matcher.group(1)))
                .orElseThrow(() -> ServiceException.user("InvalidParameterValueException", NO_QUEUE));
    }

    /** A queue's batches: at most 10 messages from a FIFO queue; more than 10 only with a batching window, as Lambda requires. */
    private static void checkQueueBatch(int batchSize, int windowSeconds, boolean fifo)
    {
        if (fifo && batchSize > 10) {
            throw ServiceException.user("InvalidParameterValueException", "BatchSize must be between 1 and 10 for FIFO queues, not " + batchSize);
        }
        if (batchSize > 10 && windowSeconds == 0) {
            throw ServiceException.user("InvalidParameterValueException", "Maximum batch window in seconds must be greater than 0 if maximum batch size "
                    + "is greater than 10");
        }
    }

    private static Optional<Integer> maximumConcurrency(JsonInput input)
    {
        Optional<Long> value = input.optionalObject("ScalingConfig").flatMap(config -> config.longValue("MaximumConcurrency"));
        value.filter(concurrency -> concurrency < 2 || concurrency > 1000).ifPresent(concurrency -> {
            throw ServiceException.user("ValidationException", "1 validation error detected: Value '" + concurrency + "' at "
                    + "'scalingConfig.maximumConcurrency' failed to satisfy constraint: Member must have value " + (concurrency < 2
                    ? "greater than or equal to 2" : "less than or equal to 1000"));
        });
        return value.map(Math::toIntExact);
    }

    private EventSourceMapping update(EventSourceMapping mapping, JsonInput input)
    {
        refuseOtherSources(input);
        if (input.has("AmazonManagedKafkaEventSourceConfig") || input.has("SelfManagedKafkaEventSourceConfig")) {
            throw ServiceException.user("InvalidParameterValueException", "A Kafka mapping's consumer group is set when it is created: "
                    + "its ConsumerGroupId cannot be changed");
        }
        if (mapping.kind() == EventSourceMapping.Kind.SQS) {
            return updateForQueue(mapping, input);
        }
        refuseScalingConfig(input);
        if (mapping.kind() == EventSourceMapping.Kind.KAFKA) {
            for (String streamOnly : List.of("ParallelizationFactor", "BisectBatchOnFunctionError", "MaximumRetryAttempts", "MaximumRecordAgeInSeconds",
                    "TumblingWindowInSeconds")) {
                if (input.has(streamOnly)) {
                    throw ServiceException.user("InvalidParameterValueException", streamOnly + " is not supported for Kafka event sources");
                }
            }
        }
        return new EventSourceMapping(mapping.uuid(), input.string("FunctionName").map(functions::arnOf).orElse(mapping.functionArn()), mapping.kind(),
                mapping.eventSourceArn(), mapping.sourceTopics(), mapping.bootstrapServers(), mapping.sourceCreationMillis(), mapping.consumerGroup(),
                input.bool("Enabled").orElse(mapping.enabled()), input.integer("BatchSize", 1, 10_000).orElse(mapping.batchSize()),
                window(input).orElse(mapping.maximumBatchingWindowSeconds()), mapping.startingPosition(), mapping.startingPositionTimestampMillis(),
                input.integer("ParallelizationFactor", 1, 10).orElse(mapping.parallelizationFactor()),
                input.bool("BisectBatchOnFunctionError").orElse(mapping.bisectBatchOnFunctionError()),
                input.integer("MaximumRetryAttempts", -1, 10_000).orElse(mapping.maximumRetryAttempts()), recordAge(input).orElse(mapping.maximumRecordAgeSeconds()),
                input.has("DestinationConfig") ? onFailure(input) : mapping.onFailureDestination(),
                reportBatchItemFailures(input).orElse(mapping.reportBatchItemFailures()),
                input.integer("TumblingWindowInSeconds", 0, 900).orElse(mapping.tumblingWindowSeconds()), filters(input).orElse(mapping.filterPatterns()),
                clock.millis(), Optional.empty(), 0);
    }

    private static void refuseOtherSources(JsonInput input)
    {
        for (String other : List.of("Queues", "DocumentDBEventSourceConfig", "KMSKeyArn", "MetricsConfig", "ProvisionedPollerConfig")) {
            if (input.has(other)) {
                throw ServiceException.user("InvalidParameterValueException", other + " cannot be applied by lakestack: its mappings read Kinesis "
                        + "streams, SQS queues and Kafka clusters");
            }
        }
    }

    private static Optional<Integer> window(JsonInput input)
    {
        return input.integer("MaximumBatchingWindowInSeconds", 0, 300);
    }

    private static Optional<Integer> recordAge(JsonInput input)
    {
        Optional<Integer> age = input.integer("MaximumRecordAgeInSeconds", -1, 604_800);
        age.filter(value -> value >= 0 && value < 60).ifPresent(value -> {
            throw ServiceException.user("InvalidParameterValueException", "MaximumRecordAgeInSeconds is -1 (no limit) or between 60 and 604800, not "
                    + value);
        });
        return age;
    }

    private static Optional<String> onFailure(JsonInput input)
    {
        return input.optionalObject("DestinationConfig").flatMap(config -> config.optionalObject("OnFailure")).flatMap(failure -> failure.string("Destination"))
                .filter(arn -> !arn.isEmpty()).map(arn -> {
                    if (!arn.matches("arn:aws[a-zA-Z-]*:(sqs|sns):[a-z0-9-]+:\\d{12}:[a-zA-Z0-9_.-]+|arn:aws[a-zA-Z-]*:s3:::[a-z0-9.-]{3,63}")) {
                        throw ServiceException.user("InvalidParameterValueException", "The OnFailure destination " + arn + " is not an SQS queue, SNS "
                                + "topic or S3 bucket ARN");
                    }
                    return arn;
                });
    }

    private static Optional<Boolean> reportBatchItemFailures(JsonInput input)
    {
        List<String> types = input.strings("FunctionResponseTypes");
        if (!input.has("FunctionResponseTypes")) {
            return Optional.empty();
        }
        for (String type : types) {
            if (!type.equals("ReportBatchItemFailures")) {
                throw ServiceException.user("ValidationException", "1 validation error detected: Value '" + types + "' at 'functionResponseTypes' failed "
                        + "to satisfy constraint: Member must satisfy enum value set: [ReportBatchItemFailures]");
            }
        }
        return Optional.of(!types.isEmpty());
    }

    private static Optional<List<String>> filters(JsonInput input)
    {
        return input.optionalObject("FilterCriteria").map(criteria -> {
            List<String> patterns = new ArrayList<>();
            for (JsonInput filter : criteria.objects("Filters")) {
                String pattern = filter.requiredString("Pattern");
                try {
                    JsonNode parsed = RestJsonService.JSON.readTree(pattern);
                    if (parsed == null || !parsed.isObject()) {
                        throw new IllegalArgumentException("not an object");
                    }
                }
                catch (Exception e) {
                    throw ServiceException.user("InvalidParameterValueException", "Invalid filter pattern definition: " + pattern + " is not a JSON object");
                }
                try {
                    EventPattern.parse(pattern, EventPattern.NumberEquality.TEXT);
                }
                catch (EventPattern.InvalidPatternException e) {
                    throw ServiceException.user("InvalidParameterValueException", "Invalid filter pattern definition: " + pattern + ": " + e.reason());
                }
                patterns.add(pattern);
            }
            if (patterns.size() > 5) {
                throw ServiceException.user("InvalidParameterValueException", "At most 5 filters are allowed, " + patterns.size() + " given");
            }
            return patterns;
        });
    }

    private static String unqualified(String functionArn)
    {
        String[] parts = functionArn.split(":");
        return parts.length > 7 ? String.join(":", java.util.Arrays.copyOf(parts, 7)) : functionArn;
    }

    private ObjectNode describe(EventSourceMapping mapping, Optional<String> transition)
    {
        Optional<EventSourceMappingStatus> status = statuses.get(mapping.uuid());
        ObjectNode node = RestJsonService.JSON.createObjectNode();
        node.put("UUID", mapping.uuid());
        if (mapping.kind() == EventSourceMapping.Kind.SQS) {
            return describeQueueMapping(mapping, status, transition, node);
        }
        node.put("StartingPosition", mapping.startingPosition());
        mapping.startingPositionTimestampMillis().ifPresent(millis -> node.put("StartingPositionTimestamp", millis / 1000.0));
        node.put("BatchSize", mapping.batchSize());
        node.put("MaximumBatchingWindowInSeconds", mapping.maximumBatchingWindowSeconds());
        mapping.eventSourceArn().ifPresent(arn -> node.put("EventSourceArn", arn));
        node.put("FunctionArn", mapping.functionArn());
        node.put("LastModified", mapping.lastModifiedMillis() / 1000.0);
        node.put("LastProcessingResult", status.map(EventSourceMappingStatus::lastProcessingResult).orElse("No records processed"));
        node.put("State", transition.orElse(status.map(EventSourceMappingStatus::state).orElse(mapping.enabled() ? "Creating" : "Disabled")));
        node.put("StateTransitionReason", "User action");
        if (mapping.kind() == EventSourceMapping.Kind.KINESIS) {
            node.put("ParallelizationFactor", mapping.parallelizationFactor());
            node.put("BisectBatchOnFunctionError", mapping.bisectBatchOnFunctionError());
            node.put("MaximumRetryAttempts", mapping.maximumRetryAttempts());
            node.put("MaximumRecordAgeInSeconds", mapping.maximumRecordAgeSeconds());
            node.put("TumblingWindowInSeconds", mapping.tumblingWindowSeconds());
        }
        else {
            ArrayNode topics = node.putArray("Topics");
            mapping.sourceTopics().forEach(topics::add);
            if (mapping.eventSourceArn().isPresent()) {
                node.putObject("AmazonManagedKafkaEventSourceConfig").put("ConsumerGroupId", mapping.consumerGroup());
            }
            else {
                ArrayNode servers = node.putObject("SelfManagedEventSource").putObject("Endpoints").putArray("KAFKA_BOOTSTRAP_SERVERS");
                mapping.bootstrapServers().ifPresent(list -> List.of(list.split(",")).forEach(servers::add));
                node.putObject("SelfManagedKafkaEventSourceConfig").put("ConsumerGroupId", mapping.consumerGroup());
            }
        }
        ObjectNode failure = node.putObject("DestinationConfig").putObject("OnFailure");
        mapping.onFailureDestination().ifPresent(arn -> failure.put("Destination", arn));
        ArrayNode responseTypes = node.putArray("FunctionResponseTypes");
        if (mapping.reportBatchItemFailures()) {
            responseTypes.add("ReportBatchItemFailures");
        }
        if (!mapping.filterPatterns().isEmpty()) {
            ArrayNode filters = node.putObject("FilterCriteria").putArray("Filters");
            mapping.filterPatterns().forEach(pattern -> filters.addObject().put("Pattern", pattern));
        }
        return node;
    }

    /** As Lambda describes an SQS queue's mapping: no stream settings, {@code ScalingConfig} when set. */
    private static ObjectNode describeQueueMapping(EventSourceMapping mapping, Optional<EventSourceMappingStatus> status, Optional<String> transition,
            ObjectNode node)
    {
        node.put("BatchSize", mapping.batchSize());
        node.put("MaximumBatchingWindowInSeconds", mapping.maximumBatchingWindowSeconds());
        mapping.eventSourceArn().ifPresent(arn -> node.put("EventSourceArn", arn));
        if (!mapping.filterPatterns().isEmpty()) {
            ArrayNode filters = node.putObject("FilterCriteria").putArray("Filters");
            mapping.filterPatterns().forEach(pattern -> filters.addObject().put("Pattern", pattern));
        }
        node.put("FunctionArn", mapping.functionArn());
        node.put("LastModified", mapping.lastModifiedMillis() / 1000.0);
        node.put("LastProcessingResult", status.map(EventSourceMappingStatus::lastProcessingResult).orElse("No records processed"));
        node.put("State", transition.orElse(status.map(EventSourceMappingStatus::state).orElse(mapping.enabled() ? "Creating" : "Disabled")));
        node.put("StateTransitionReason", "USER_INITIATED");
        ArrayNode responseTypes = node.putArray("FunctionResponseTypes");
        if (mapping.reportBatchItemFailures()) {
            responseTypes.add("ReportBatchItemFailures");
        }
        if (mapping.maximumConcurrency() > 0) {
            node.putObject("ScalingConfig").put("MaximumConcurrency", mapping.maximumConcurrency());
        }
        return node;
    }
}
