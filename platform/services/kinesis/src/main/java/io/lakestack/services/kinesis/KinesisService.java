package io.lakestack.services.kinesis;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.endpoint.json.JsonInput;
import io.lakestack.endpoint.json.JsonProtocolService;
import io.lakestack.endpoint.json.WrittenArray;
import io.lakestack.spi.Arn;
import io.lakestack.spi.OffsetTokens;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.kinesis.HashKeyRange;
import io.lakestack.spi.kinesis.KinesisStreams;
import io.lakestack.spi.kinesis.SequenceNumber;
import io.lakestack.spi.kinesis.ShardId;
import io.lakestack.spi.store.RecordStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Amazon Kinesis Data Streams' JSON 1.1 / CBOR API ({@code Kinesis_20131202.*}) on {@link KinesisStreams}: the
 * operations, their validation and Kinesis's errors, and enhanced fan-out: consumers (kept in a {@link RecordStore})
 * and {@code SubscribeToShard}, whose answer is an event stream that pushes a shard's records as they arrive.
 *
 * <p>Local emulation: shards never split or merge ({@code UpdateShardCount}, {@code SplitShard} and
 * {@code MergeShards} are refused: a shard is a Kafka partition, and partitions cannot be split while keeping each
 * shard's order and hash range); throughput limits per shard are not enforced; server-side encryption is not there. A
 * consumer is {@code ACTIVE} as soon as it is registered (RegisterStreamConsumer answers {@code CREATING}, as Kinesis
 * does) and gone as soon as it is deregistered. A subscription sends an event as soon as records are there (a record
 * put through this endpoint at once; one written elsewhere within {@value #REREAD_MILLIS} ms), an event without records
 * after {@value #IDLE_EVENT_MILLIS} ms without any, and ends after its lifetime (5 minutes, as Kinesis's);
 * subscriptions are counted per endpoint, so two endpoints each accept one for the same consumer and shard.
 */
public final class KinesisService
        extends JsonProtocolService
{
    private static final Logger log = LoggerFactory.getLogger(KinesisService.class);
    static final int MAX_RECORD_BYTES = 1024 * 1024;
    static final int MAX_PUT_RECORDS = 500;
    static final int MAX_PUT_RECORDS_BYTES = 5 * 1024 * 1024;
    static final int MAX_GET_RECORDS = 10_000;
    static final long MAX_GET_RECORDS_BYTES = 10L * 1024 * 1024;
    static final int MAX_SHARDS = 1000;
    static final int MAX_TAGS = 50;
    /**
     * The largest request body: {@code PutRecords} carries at most 5 MiB of data and partition keys, which base64 and
     * JSON framing (500 records, each with a partition key of up to 256 characters, JSON-escaped, and an explicit hash
     * key) make at most about 7.5 MiB; CBOR is smaller. 10 MiB keeps every valid request within reach.
     */
    static final long MAX_REQUEST_BYTES = 10L * 1024 * 1024;
    private static final Pattern STREAM_NAME = Pattern.compile("[a-zA-Z0-9_.-]+");
    private static final Pattern EXPLICIT_HASH_KEY = Pattern.compile("0|([1-9]\\d{0,38})");
    private static final Pattern ANY = Pattern.compile("(?s).*");
    /** The store of enhanced fan-out consumers. */
    public static final String CONSUMERS_STORE = "kinesis.consumers";
    static final int MAX_CONSUMERS = 20;
    /** How long a subscription lasts, as on Kinesis. */
    public static final Duration SUBSCRIPTION_LIFETIME = Duration.ofMinutes(5);
    /** How often a subscription reads its shard again when nothing woke it: records written by other instances arrive within this. */
    static final long REREAD_MILLIS = 1000;
    /** An event without records goes out after this long without one, so that clients see the subscription alive and its continuation. */
    static final long IDLE_EVENT_MILLIS = 5000;
    /** The most data one SubscribeToShardEvent carries; a larger first record goes alone. */
    static final long MAX_EVENT_BYTES = 2L * 1024 * 1024;
    private static final Pattern CONSUMER_NAME = Pattern.compile("[a-zA-Z0-9_.-]+");
    private static final String CONSUMER_ARN_INFIX = "/consumer/";

    private final KinesisStreams streams;
    private final RecordStore<StreamConsumer> consumers;
    private final Clock clock;
    private final Duration subscriptionLifetime;
    private final ShardSubscriptions subscriptions;
    private final ShardSignals signals = new ShardSignals();
    /** Registrations on this endpoint one at a time, so that the limit and the names hold among them. */
    private final Object consumerLock = new Object();

    public KinesisService(KinesisStreams streams, RecordStore<StreamConsumer> consumers, Clock clock)
    {
        this(streams, consumers, clock, SUBSCRIPTION_LIFETIME);
    }

    /**
     * @param subscriptionLifetime how long a SubscribeToShard answer lasts, by {@code clock}: {@link #SUBSCRIPTION_LIFETIME} but in tests
     */
    public KinesisService(KinesisStreams streams, RecordStore<StreamConsumer> consumers, Clock clock, Duration subscriptionLifetime)
    {
        super("kinesis", "Kinesis_20131202", "ValidationException");
        this.streams = requireNonNull(streams, "streams is null");
        this.consumers = requireNonNull(consumers, "consumers is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.subscriptionLifetime = requireNonNull(subscriptionLifetime, "subscriptionLifetime is null");
        this.subscriptions = new ShardSubscriptions(clock);
        streamOperations();
        recordOperations();
        tagOperations();
        consumerOperations();
        for (String refused : List.of("UpdateShardCount", "SplitShard", "MergeShards")) {
            operation(refused, (input, caller) -> {
                throw ServiceException.user("InvalidArgumentException", refused + " is not supported by lakestack: a stream's shards are Kafka "
                        + "partitions, which cannot be split or merged while keeping each shard's order and hash key range. Create a new stream "
                        + "with the shard count you need.");
            });
        }
    }

    @Override
    public OptionalLong maxRequestBytes()
    {
        return OptionalLong.of(MAX_REQUEST_BYTES);
    }

    private void streamOperations()
    {
        operation("CreateStream", (input, caller) -> {
            String name = input.requiredString("StreamName", STREAM_NAME, 128);
            String mode = input.optionalObject("StreamModeDetails").map(details -> details.requiredString("StreamMode")).orElse("PROVISIONED");
            Optional<Integer> shardCount = input.integer("ShardCount", 1, Integer.MAX_VALUE);
            int shards;
            switch (mode) {
                case "PROVISIONED" -> shards = shardCount.orElseThrow(() -> ServiceException.user("InvalidArgumentException",
                        "ShardCount is required for a PROVISIONED stream (or give StreamModeDetails {StreamMode: ON_DEMAND})"));
                case "ON_DEMAND" -> {
                    if (shardCount.isPresent()) {
                        throw ServiceException.user("InvalidArgumentException", "ShardCount cannot be given for an ON_DEMAND stream");
                    }
                    shards = KinesisStreams.ON_DEMAND_SHARDS;
                }
                default -> throw input.invalid("StreamModeDetails.StreamMode", mode, "Member must satisfy enum value set: [ON_DEMAND, PROVISIONED]");
            }
            if (shards > MAX_SHARDS) {
                throw ServiceException.user("LimitExceededException", "This request would exceed the shard limit for the account 000000000000 in "
                        + "lakestack: " + shards + " shards asked, at most " + MAX_SHARDS + " per stream");
            }
            Map<String, String> tags = input.has("Tags") ? tags(input) : Map.of();
            if (tags.size() > MAX_TAGS) {
                throw ServiceException.user("InvalidArgumentException", "A stream can have at most " + MAX_TAGS + " tags; " + tags.size() + " given");
            }
            streams.create(name, caller.region(), shards, mode, tags);
            return output();
        });
        operation("DeleteStream", (input, caller) -> {
            KinesisStreams.Stream stream = stream(input);
            streams.delete(stream.name());
            for (String key : consumers.all().keySet()) {
                if (key.startsWith(StreamConsumer.keyPrefix(stream.name()))) {
                    consumers.delete(key);
                }
            }
            signals.forget(stream);
            return output();
        });
        operation("DescribeStream", (input, caller) -> {
            KinesisStreams.Stream stream = stream(input);
            int limit = input.integer("Limit", 1, 10_000).orElse(100);
            int from = input.string("ExclusiveStartShardId").map(id -> shardIndex(stream, id) + 1).orElse(0);
            ObjectNode description = summary(stream, input, false);
            ArrayNode shards = description.putArray("Shards");
            int end = Math.min(stream.shards(), from + limit);
            for (int shard = from; shard < end; shard++) {
                shards.add(shard(stream, shard));
            }
            description.put("HasMoreShards", end < stream.shards());
            ObjectNode result = output();
            result.set("StreamDescription", description);
            return result;
        });
        operation("DescribeStreamSummary", (input, caller) -> {
            ObjectNode result = output();
            result.set("StreamDescriptionSummary", summary(stream(input), input, true));
            return result;
        });
        operation("ListStreams", (input, caller) -> {
            int limit = input.integer("Limit", 1, 10_000).orElse(100);
            List<String> names = streams.names();
            Optional<String> exclusiveStart = input.string("ExclusiveStartStreamName", STREAM_NAME, 128);
            List<String> after = exclusiveStart.map(start -> names.stream().filter(name -> name.compareTo(start) > 0).toList()).orElse(names);
            OffsetTokens.Slice<String> page = OffsetTokens.slice(after, input.string("NextToken"), limit, "InvalidArgumentException");
            ObjectNode result = output();
            ArrayNode list = result.putArray("StreamNames");
            ArrayNode summaries = result.putArray("StreamSummaries");
            for (String name : page.items()) {
                list.add(name);
                streams.find(name).ifPresent(stream -> {
                    ObjectNode summary = summaries.addObject();
                    summary.put("StreamName", stream.name());
                    summary.put("StreamARN", stream.arn());
                    summary.put("StreamStatus", "ACTIVE");
                    summary.putObject("StreamModeDetails").put("StreamMode", stream.mode());
                    summary.set("StreamCreationTimestamp", input.timestampNode(Instant.ofEpochMilli(stream.creationMillis())));
                });
            }
            result.put("HasMoreStreams", page.nextToken().isPresent());
            page.nextToken().ifPresent(token -> result.put("NextToken", token));
            return result;
        });
        operation("ListShards", (input, caller) -> {
            Optional<String> token = input.string("NextToken");
            if (token.isPresent() && (input.has("StreamName") || input.has("StreamARN"))) {
                throw ServiceException.user("InvalidArgumentException", "NextToken and StreamName (or StreamARN) cannot be given together");
            }
            KinesisStreams.Stream stream;
            int from;
            if (token.isPresent()) {
                String[] parts = decodeShardToken(token.get());
                stream = streams.require(parts[0]);
                from = Integer.parseInt(parts[1]);
                // a token ListShards issued points inside the stream, past its first shard
                if (from < 1 || from >= stream.shards()) {
                    throw invalidShardToken();
                }
            }
            else {
                stream = stream(input);
                from = input.string("ExclusiveStartShardId").map(id -> shardIndex(stream, id) + 1).orElse(0);
                Optional<JsonInput> filter = input.optionalObject("ShardFilter");
                if (filter.isPresent() && filter.get().string("Type").orElse("").equals("AFTER_SHARD_ID")) {
                    from = shardIndex(stream, filter.get().requiredString("ShardId")) + 1;
                }
            }
            int max = input.integer("MaxResults", 1, 10_000).orElse(1000);
            int end = Math.min(stream.shards(), from + max);
            ObjectNode result = output();
            ArrayNode shards = result.putArray("Shards");
            for (int shard = from; shard < end; shard++) {
                shards.add(shard(stream, shard));
            }
            if (end < stream.shards()) {
                result.put("NextToken", java.util.Base64.getEncoder().encodeToString((stream.name() + "|" + end).getBytes(StandardCharsets.UTF_8)));
            }
            return result;
        });
        operation("IncreaseStreamRetentionPeriod", (input, caller) -> {
            KinesisStreams.Stream stream = stream(input);
            int hours = retentionHours(input);
            if (hours < 24) {
                throw ServiceException.user("InvalidArgumentException", "Minimum allowed retention period is 24 hours. Requested retention period ("
                        + hours + " hours) is too short.");
            }
            if (hours < stream.retentionHours()) {
                throw ServiceException.user("InvalidArgumentException", "Requested retention period (" + hours + " hours) for stream " + stream.name()
                        + " can not be shorter than existing retention period (" + stream.retentionHours() + " hours). Use "
                        + "DecreaseRetentionPeriod API.");
            }
            streams.setRetention(stream.name(), hours);
            return output();
        });
        operation("DecreaseStreamRetentionPeriod", (input, caller) -> {
            KinesisStreams.Stream stream = stream(input);
            int hours = retentionHours(input);
            if (hours < 24) {
                throw ServiceException.user("InvalidArgumentException", "Minimum allowed retention period is 24 hours. Requested retention period ("
                        + hours + " hours) is too short.");
            }
            if (hours > stream.retentionHours()) {
                throw ServiceException.user("InvalidArgumentException", "Requested retention period (" + hours + " hours) for stream " + stream.name()
                        + " can not be longer than existing retention period (" + stream.retentionHours() + " hours). Use "
                        + "IncreaseRetentionPeriod API.");
            }
            streams.setRetention(stream.name(), hours);
            return output();
        });
    }

    /** {@code RetentionPeriodHours}: over 8,760 hours (365 days) Kinesis answers {@code InvalidArgumentException}, as it does below 24. */
    private static int retentionHours(JsonInput input)
    {
        int hours = input.integer("RetentionPeriodHours", 1, Integer.MAX_VALUE).orElseThrow(() -> input.missing("RetentionPeriodHours"));
        if (hours > 8760) {
            throw ServiceException.user("InvalidArgumentException", "Maximum allowed retention period is 8760 hours. Requested retention period (" + hours
                    + " hours) is too long.");
        }
        return hours;
    }

    private void recordOperations()
    {
        operation("PutRecord", (input, caller) -> {
            KinesisStreams.Stream stream = stream(input);
            KinesisStreams.Entry entry = entry(input);
            KinesisStreams.Written written = streams.put(stream, List.of(entry)).get(0).orElseThrow(() -> ServiceException.external(
                    "InternalFailure", "Kafka did not acknowledge the record for stream " + stream.name() + "; retry it", null));
            signals.written(stream, written.shard());
            ObjectNode result = output();
            result.put("ShardId", ShardId.of(written.shard()));
            result.put("SequenceNumber", written.sequenceNumber().toString());
            result.put("EncryptionType", "NONE");
            return result;
        });
        operation("PutRecords", (input, caller) -> {
            KinesisStreams.Stream stream = stream(input);
            List<JsonInput> records = input.objects("Records");
            if (records.isEmpty() || records.size() > MAX_PUT_RECORDS) {
                throw input.invalid("records", String.valueOf(records.size()), "Member must have length less than or equal to " + MAX_PUT_RECORDS
                        + " and greater than or equal to 1");
            }
            List<KinesisStreams.Entry> entries = new ArrayList<>(records.size());
            long total = 0;
            for (JsonInput record : records) {
                KinesisStreams.Entry entry = entry(record);
                total += entry.data().length + entry.partitionKey().getBytes(StandardCharsets.UTF_8).length;
                entries.add(entry);
            }
            if (total > MAX_PUT_RECORDS_BYTES) {
                throw ServiceException.user("InvalidArgumentException", "Records size exceeds 5 MB limit: the request holds " + total
                        + " bytes of data and partition keys, at most " + MAX_PUT_RECORDS_BYTES + " are allowed");
            }
            List<Optional<KinesisStreams.Written>> written = streams.put(stream, entries);
            written.stream().flatMap(Optional::stream).mapToInt(KinesisStreams.Written::shard).distinct().forEach(shard -> signals.written(stream, shard));
            ObjectNode result = output();
            result.putPOJO("Records", new WrittenArray<>(written, (generator, outcome) -> {
                generator.writeStartObject();
                if (outcome.isPresent()) {
                    generator.writeStringField("SequenceNumber", outcome.get().sequenceNumber().toString());
                    generator.writeStringField("ShardId", ShardId.of(outcome.get().shard()));
                }
                else {
                    generator.writeStringField("ErrorCode", "InternalFailure");
                    generator.writeStringField("ErrorMessage", "Kafka did not acknowledge the record; retry it");
                }
                generator.writeEndObject();
            }));
            result.put("FailedRecordCount", written.stream().filter(Optional::isEmpty).count());
            result.put("EncryptionType", "NONE");
            return result;
        });
        operation("GetShardIterator", (input, caller) -> {
            KinesisStreams.Stream stream = stream(input);
            String shardId = input.requiredString("ShardId");
            int shard = shardIndex(stream, shardId);
            long position = startingPosition(stream, shard, input.requiredString("ShardIteratorType"), input.string("StartingSequenceNumber"),
                    input.timestamp("Timestamp"), "ShardIteratorType", input);
            ObjectNode result = output();
            result.put("ShardIterator", new ShardIterator(stream.name(), stream.creationMillis(), shard, position, clock.millis()).encode());
            return result;
        });
        operation("GetRecords", (input, caller) -> {
            ShardIterator iterator = ShardIterator.decode(input.requiredString("ShardIterator", ANY, 512), clock.millis());
            int limit = input.integer("Limit", 1, MAX_GET_RECORDS).orElse(MAX_GET_RECORDS);
            KinesisStreams.Stream stream = streams.find(iterator.stream())
                    .filter(found -> found.creationMillis() == iterator.streamCreationMillis())
                    .orElseThrow(() -> shardNotFound(iterator.stream(), iterator.shard()));
            if (iterator.shard() < 0 || iterator.shard() >= stream.shards()) {
                throw shardNotFound(stream.name(), iterator.shard());
            }
            KinesisStreams.Read read = streams.read(stream, iterator.shard(), iterator.position(), limit, MAX_GET_RECORDS_BYTES);
            ObjectNode result = output();
            putRecords(result, read, input);
            result.put("NextShardIterator", new ShardIterator(stream.name(), stream.creationMillis(), iterator.shard(), read.nextPosition(),
                    clock.millis()).encode());
            return result;
        });
    }

    /**
     * The position a reader starts at: GetShardIterator's {@code ShardIteratorType} and SubscribeToShard's
     * {@code StartingPosition.Type}, with their sequence number and timestamp.
     */
    private long startingPosition(KinesisStreams.Stream stream, int shard, String type, Optional<String> sequenceText, Optional<Instant> time,
            String typeField, JsonInput input)
    {
        return switch (type) {
            case "TRIM_HORIZON" -> streams.positions(stream, shard).trimHorizon();
            case "LATEST" -> streams.positions(stream, shard).latest();
            case "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER" -> {
                String text = sequenceText.orElseThrow(() -> ServiceException.user("InvalidArgumentException",
                        (typeField.equals("ShardIteratorType") ? "StartingSequenceNumber" : "StartingPosition.SequenceNumber") + " is required for "
                                + typeField + " " + type));
                if (text.equals(beforeFirst(stream, shard))) {
                    yield 0;
                }
                SequenceNumber sequence = sequenceNumber(stream, shard, text);
                yield type.equals("AT_SEQUENCE_NUMBER") || sequence.position() == Long.MAX_VALUE ? sequence.position() : sequence.position() + 1;
            }
            case "AT_TIMESTAMP" -> {
                Instant timestamp = time.orElseThrow(() -> ServiceException.user(
                        "InvalidArgumentException", "Timestamp is required for " + typeField + " AT_TIMESTAMP"));
                if (timestamp.isBefore(Instant.EPOCH)) {
                    throw ServiceException.user("InvalidArgumentException", "The timestampInMillis parameter cannot be less than 0. timestampInMillis: "
                            + timestamp.toEpochMilli());
                }
                yield streams.positionAt(stream, shard, timestamp);
            }
            default -> throw input.invalid(typeField.equals("ShardIteratorType") ? "shardIteratorType" : "type", type,
                    "Member must satisfy enum value set: [AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST, AT_TIMESTAMP]");
        };
    }

    /**
     * The continuation of a subscription to a shard that never held a record: below every sequence number of the
     * shard (whose first record gets the shard's {@code StartingSequenceNumber}), so that {@code AFTER_SEQUENCE_NUMBER}
     * with it starts at the first record.
     */
    static String beforeFirst(KinesisStreams.Stream stream, int shard)
    {
        return "48" + new SequenceNumber(stream.creationMillis(), shard, 0).toString().substring(2);
    }

    private void consumerOperations()
    {
        operation("RegisterStreamConsumer", (input, caller) -> {
            KinesisStreams.Stream stream = streamOfArn(input);
            String name = input.requiredString("ConsumerName", CONSUMER_NAME, 128);
            StreamConsumer consumer;
            synchronized (consumerLock) {
                if (consumers.get(StreamConsumer.key(stream.name(), name)).filter(found -> found.streamCreationMillis() == stream.creationMillis()).isPresent()) {
                    throw ServiceException.user("ResourceInUseException", "Consumer " + name + " of stream " + stream.arn() + " already exists; "
                            + "deregister it first (DeregisterStreamConsumer) or register another name");
                }
                int count = consumersOf(stream).size();
                if (count >= MAX_CONSUMERS) {
                    throw ServiceException.user("LimitExceededException", "Stream " + stream.arn() + " already has " + count + " consumers, the most "
                            + "a stream can have; deregister one (DeregisterStreamConsumer) before registering " + name);
                }
                long now = clock.millis();
                consumer = new StreamConsumer(stream.name(), stream.creationMillis(), name,
                        stream.arn() + CONSUMER_ARN_INFIX + name + ":" + now / 1000, now);
                consumers.put(StreamConsumer.key(stream.name(), name), consumer);
            }
            ObjectNode result = output();
            result.set("Consumer", consumerNode(consumer, "CREATING", input, false));
            return result;
        });
        operation("DescribeStreamConsumer", (input, caller) -> {
            StreamConsumer consumer = consumer(input);
            ObjectNode result = output();
            result.set("ConsumerDescription", consumerNode(consumer, "ACTIVE", input, true));
            return result;
        });
        operation("ListStreamConsumers", (input, caller) -> {
            KinesisStreams.Stream stream = streamOfArn(input);
            int max = input.integer("MaxResults", 1, 10_000).orElse(100);
            Optional<Instant> created = input.timestamp("StreamCreationTimestamp");
            if (created.isPresent() && created.get().getEpochSecond() != Instant.ofEpochMilli(stream.creationMillis()).getEpochSecond()) {
                throw ServiceException.user("ResourceNotFoundException", "Stream " + stream.arn() + " was created at "
                        + Instant.ofEpochMilli(stream.creationMillis()) + ", not at " + created.get() + " (StreamCreationTimestamp)");
            }
            OffsetTokens.Slice<StreamConsumer> page = OffsetTokens.slice(consumersOf(stream), input.string("NextToken"), max, "InvalidArgumentException");
            ObjectNode result = output();
            ArrayNode list = result.putArray("Consumers");
            page.items().forEach(consumer -> list.add(consumerNode(consumer, "ACTIVE", input, false)));
            page.nextToken().ifPresent(token -> result.put("NextToken", token));
            return result;
        });
        operation("DeregisterStreamConsumer", (input, caller) -> {
            StreamConsumer consumer = consumer(input);
            consumers.delete(StreamConsumer.key(consumer.streamName(), consumer.name()));
            return output();
        });
        eventStreamOperation("SubscribeToShard", (input, caller) -> {
            StreamConsumer consumer = consumerOfArn(input.requiredString("ConsumerARN", ANY, 2048));
            KinesisStreams.Stream stream = streamOf(consumer);
            int shard = shardIndex(stream, input.requiredString("ShardId"));
            JsonInput starting = input.optionalObject("StartingPosition").orElseThrow(() -> input.missing("StartingPosition"));
            long start = startingPosition(stream, shard, starting.requiredString("Type"), starting.string("SequenceNumber"), starting.timestamp("Timestamp"),
                    "StartingPosition.Type", starting);
            ShardSubscriptions.Subscription subscription = subscriptions.open(consumer.arn(), shard);
            return events -> {
                try (subscription) {
                    push(consumer, stream, shard, start, subscription, input, events);
                }
                catch (RuntimeException e) {
                    log.warn("Subscription of {} to {} failed", consumer.arn(), ShardId.of(shard), e);
                    events.exception("InternalFailureException", "lakestack could not read " + ShardId.of(shard) + " of stream " + stream.name()
                            + ": " + e.getMessage() + "; subscribe again");
                }
            };
        });
    }

    /** Pushes a shard's records to one subscription until its lifetime ends, it is taken over, or its consumer or stream goes. */
    private void push(StreamConsumer consumer, KinesisStreams.Stream stream, int shard, long start, ShardSubscriptions.Subscription subscription,
            JsonInput input, EventWriter events)
            throws IOException
    {
        long end = clock.millis() + subscriptionLifetime.toMillis();
        long position = start;
        long lastEvent = Long.MIN_VALUE;
        while (true) {
            if (subscription.takenOver()) {
                events.exception("ResourceInUseException", "A newer subscription of consumer " + consumer.arn() + " to shard " + ShardId.of(shard)
                        + " took over this one");
                return;
            }
            if (consumers.get(StreamConsumer.key(consumer.streamName(), consumer.name())).filter(consumer::equals).isEmpty()
                    || streams.find(stream.name()).filter(found -> found.creationMillis() == stream.creationMillis()).isEmpty()) {
                events.exception("ResourceNotFoundException", "Consumer " + consumer.arn() + " was deregistered, or its stream deleted");
                return;
            }
            long seen = signals.version(stream, shard);
            KinesisStreams.Read read = streams.read(stream, shard, position, MAX_GET_RECORDS, MAX_EVENT_BYTES);
            long now = clock.millis();
            boolean behind = false;
            if (!read.records().isEmpty() || lastEvent == Long.MIN_VALUE || now - lastEvent >= IDLE_EVENT_MILLIS) {
                events.event("SubscribeToShardEvent", shardEvent(stream, shard, read, input));
                position = read.nextPosition();
                lastEvent = now;
                behind = !read.records().isEmpty() && read.nextPosition() < read.latestPosition();
            }
            if (now >= end) {
                return;
            }
            if (behind) {
                continue;
            }
            try {
                signals.await(stream, shard, seen, REREAD_MILLIS);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private ObjectNode shardEvent(KinesisStreams.Stream stream, int shard, KinesisStreams.Read read, JsonInput input)
    {
        ObjectNode event = JSON.createObjectNode();
        putRecords(event, read, input);
        long next = read.nextPosition();
        event.put("ContinuationSequenceNumber", next == 0 ? beforeFirst(stream, shard) : new SequenceNumber(stream.creationMillis(), shard, next - 1).toString());
        event.putArray("ChildShards");
        return event;
    }

    /** GetRecords' and SubscribeToShardEvent's {@code Records} and {@code MillisBehindLatest}. */
    private void putRecords(ObjectNode target, KinesisStreams.Read read, JsonInput input)
    {
        target.putPOJO("Records", new WrittenArray<>(read.records(), (generator, record) -> {
            generator.writeStartObject();
            generator.writeStringField("SequenceNumber", record.sequenceNumber().toString());
            generator.writeFieldName("ApproximateArrivalTimestamp");
            if (input.cbor()) {
                generator.writeNumber(record.arrival().toEpochMilli());
            }
            else {
                generator.writeNumber(epochSeconds(record.arrival()));
            }
            generator.writeFieldName("Data");
            generator.writeBinary(record.data());
            generator.writeStringField("PartitionKey", record.partitionKey());
            generator.writeStringField("EncryptionType", "NONE");
            generator.writeEndObject();
        }));
        long behind = read.nextPosition() >= read.latestPosition() || read.records().isEmpty()
                ? 0
                : Math.max(0, clock.millis() - read.records().get(read.records().size() - 1).arrival().toEpochMilli());
        target.put("MillisBehindLatest", behind);
    }

    private ObjectNode consumerNode(StreamConsumer consumer, String status, JsonInput input, boolean withStream)
    {
        ObjectNode node = JSON.createObjectNode();
        node.put("ConsumerName", consumer.name());
        node.put("ConsumerARN", consumer.arn());
        node.put("ConsumerStatus", status);
        node.set("ConsumerCreationTimestamp", input.timestampNode(Instant.ofEpochMilli(consumer.creationMillis())));
        if (withStream) {
            node.put("StreamARN", consumer.arn().substring(0, consumer.arn().indexOf(CONSUMER_ARN_INFIX)));
        }
        return node;
    }

    /** The consumers of this incarnation of the stream, by name. */
    private List<StreamConsumer> consumersOf(KinesisStreams.Stream stream)
    {
        return consumers.all().tailMap(StreamConsumer.keyPrefix(stream.name())).entrySet().stream()
                .takeWhile(entry -> entry.getKey().startsWith(StreamConsumer.keyPrefix(stream.name())))
                .map(Map.Entry::getValue)
                .filter(consumer -> consumer.streamCreationMillis() == stream.creationMillis())
                .toList();
    }

    /** The stream a request's {@code StreamARN} names (the consumer operations take no StreamName). */
    private KinesisStreams.Stream streamOfArn(JsonInput input)
    {
        String arn = input.requiredString("StreamARN", ANY, 2048);
        String name = streams.nameOf(arn).orElseThrow(() -> ServiceException.user("InvalidArgumentException", "StreamARN " + arn
                + " is not a stream ARN of this account (arn:aws:kinesis:<region>:<account>:stream/<name>)"));
        // a stream ARN naming another region than the stream's names no stream
        return streams.findByArn(arn).orElseThrow(() -> KinesisStreams.notFound(name, Arn.parse(arn).orElseThrow().accountId()));
    }

    /** The consumer DescribeStreamConsumer and DeregisterStreamConsumer name: by {@code ConsumerARN}, or by {@code StreamARN} and {@code ConsumerName}. */
    private StreamConsumer consumer(JsonInput input)
    {
        Optional<String> arn = input.string("ConsumerARN", ANY, 2048);
        if (arn.isPresent()) {
            if (input.has("StreamARN") || input.has("ConsumerName")) {
                throw ServiceException.user("InvalidArgumentException", "Give either ConsumerARN, or StreamARN and ConsumerName, not both");
            }
            return consumerOfArn(arn.get());
        }
        if (!input.has("StreamARN") || !input.has("ConsumerName")) {
            throw ServiceException.user("InvalidArgumentException", "Either ConsumerARN, or StreamARN and ConsumerName, must be given");
        }
        KinesisStreams.Stream stream = streamOfArn(input);
        String name = input.requiredString("ConsumerName", CONSUMER_NAME, 128);
        return consumers.get(StreamConsumer.key(stream.name(), name))
                .filter(consumer -> consumer.streamCreationMillis() == stream.creationMillis())
                .orElseThrow(() -> consumerNotFound(stream.arn() + CONSUMER_ARN_INFIX + name));
    }

    /** The consumer of a {@code ConsumerARN}: its stream's ARN, {@code /consumer/<name>:<creation epoch seconds>}. */
    private StreamConsumer consumerOfArn(String arn)
    {
        int infix = arn.lastIndexOf(CONSUMER_ARN_INFIX);
        int colon = arn.lastIndexOf(':');
        if (infix < 0 || colon < infix) {
            throw ServiceException.user("InvalidArgumentException", "ConsumerARN " + arn + " is not a consumer ARN "
                    + "(arn:aws:kinesis:<region>:<account>:stream/<stream>/consumer/<name>:<creation epoch seconds>)");
        }
        String streamName = streams.nameOf(arn.substring(0, infix)).orElseThrow(() -> ServiceException.user("InvalidArgumentException",
                "ConsumerARN " + arn + " does not name a stream of this account"));
        String name = arn.substring(infix + CONSUMER_ARN_INFIX.length(), colon);
        return consumers.get(StreamConsumer.key(streamName, name))
                .filter(consumer -> consumer.arn().equals(arn))
                .filter(consumer -> streams.find(streamName).filter(stream -> stream.creationMillis() == consumer.streamCreationMillis()).isPresent())
                .orElseThrow(() -> consumerNotFound(arn));
    }

    private KinesisStreams.Stream streamOf(StreamConsumer consumer)
    {
        return streams.find(consumer.streamName()).filter(stream -> stream.creationMillis() == consumer.streamCreationMillis())
                .orElseThrow(() -> consumerNotFound(consumer.arn()));
    }

    private static ServiceException consumerNotFound(String arn)
    {
        return ServiceException.user("ResourceNotFoundException", "Consumer " + arn + " under account 000000000000 not found.");
    }

    private void tagOperations()
    {
        operation("AddTagsToStream", (input, caller) -> {
            KinesisStreams.Stream stream = stream(input);
            Map<String, String> tags = new TreeMap<>(stream.tags());
            Map<String, String> added = tags(input);
            if (added.isEmpty() || added.size() > 10) {
                throw input.invalid("tags", String.valueOf(added.size()), "Member must have length less than or equal to 10 and greater than or equal to 1");
            }
            tags.putAll(added);
            if (tags.size() > MAX_TAGS) {
                throw ServiceException.user("LimitExceededException", "Stream " + stream.name() + " would have " + tags.size() + " tags; at most "
                        + MAX_TAGS);
            }
            streams.setTags(stream.name(), tags);
            return output();
        });
        operation("RemoveTagsFromStream", (input, caller) -> {
            KinesisStreams.Stream stream = stream(input);
            Map<String, String> tags = new TreeMap<>(stream.tags());
            input.strings("TagKeys").forEach(tags::remove);
            streams.setTags(stream.name(), tags);
            return output();
        });
        operation("ListTagsForStream", (input, caller) -> {
            KinesisStreams.Stream stream = stream(input);
            int limit = input.integer("Limit", 1, 50).orElse(50);
            Map<String, String> tags = new TreeMap<>(stream.tags());
            Optional<String> start = input.string("ExclusiveStartTagKey", ANY, 128);
            Map<String, String> shown = new LinkedHashMap<>();
            tags.forEach((key, value) -> {
                if (start.isEmpty() || key.compareTo(start.get()) > 0) {
                    shown.put(key, value);
                }
            });
            ObjectNode result = output();
            ArrayNode list = result.putArray("Tags");
            int count = 0;
            for (Map.Entry<String, String> tag : shown.entrySet()) {
                if (count++ == limit) {
                    break;
                }
                list.addObject().put("Key", tag.getKey()).put("Value", tag.getValue());
            }
            result.put("HasMoreTags", shown.size() > limit);
            return result;
        });
    }

    private ObjectNode summary(KinesisStreams.Stream stream, JsonInput input, boolean counts)
    {
        ObjectNode description = JSON.createObjectNode();
        description.put("StreamName", stream.name());
        description.put("StreamARN", stream.arn());
        description.put("StreamStatus", "ACTIVE");
        description.putObject("StreamModeDetails").put("StreamMode", stream.mode());
        description.put("RetentionPeriodHours", stream.retentionHours());
        description.set("StreamCreationTimestamp", input.timestampNode(Instant.ofEpochMilli(stream.creationMillis())));
        description.putArray("EnhancedMonitoring").addObject().putArray("ShardLevelMetrics");
        description.put("EncryptionType", "NONE");
        if (counts) {
            description.put("OpenShardCount", stream.shards());
            description.put("ConsumerCount", consumersOf(stream).size());
        }
        return description;
    }

    private ObjectNode shard(KinesisStreams.Stream stream, int shard)
    {
        HashKeyRange range = stream.ranges().get(shard);
        ObjectNode node = JSON.createObjectNode();
        node.put("ShardId", ShardId.of(shard));
        ObjectNode hashKeys = node.putObject("HashKeyRange");
        hashKeys.put("StartingHashKey", range.startingHashKey().toString());
        hashKeys.put("EndingHashKey", range.endingHashKey().toString());
        node.putObject("SequenceNumberRange").put("StartingSequenceNumber", new SequenceNumber(stream.creationMillis(), shard, 0).toString());
        return node;
    }

    private String streamName(JsonInput input)
    {
        Optional<String> name = input.string("StreamName", STREAM_NAME, 128);
        Optional<String> arn = input.string("StreamARN", ANY, 2048);
        if (name.isEmpty() && arn.isEmpty()) {
            throw ServiceException.user("InvalidArgumentException", "Either StreamName or StreamARN must be given");
        }
        if (arn.isPresent()) {
            String fromArn = streams.nameOf(arn.get()).orElseThrow(() -> ServiceException.user("InvalidArgumentException", "StreamARN " + arn.get()
                    + " is not a stream ARN of this account (arn:aws:kinesis:<region>:<account>:stream/<name>)"));
            if (name.isPresent() && !name.get().equals(fromArn)) {
                throw ServiceException.user("InvalidArgumentException", "StreamName " + name.get() + " and StreamARN " + arn.get() + " name different streams");
            }
            if (streams.find(fromArn).isPresent() && streams.findByArn(arn.get()).isEmpty()) {
                // the stream lives in the region that created it; in any other region there is no such stream
                throw KinesisStreams.notFound(fromArn, Arn.parse(arn.get()).orElseThrow().accountId());
            }
            return fromArn;
        }
        return name.get();
    }

    private KinesisStreams.Stream stream(JsonInput input)
    {
        return streams.require(streamName(input));
    }

    private static ServiceException shardNotFound(String stream, int shard)
    {
        return ServiceException.user("ResourceNotFoundException", "Shard " + (shard < 0 ? String.valueOf(shard) : ShardId.of(shard)) + " in stream "
                + stream + " under account 000000000000 does not exist");
    }

    /** Tags as Kinesis takes them: keys of 1 to 128 characters, values of at most 256. */
    private static Map<String, String> tags(JsonInput input)
    {
        Map<String, String> tags = input.stringMap("Tags");
        tags.forEach((key, value) -> {
            if (key.isEmpty() || key.length() > 128) {
                throw input.invalid("Tags", key, "Map keys must have length less than or equal to 128 and greater than or equal to 1");
            }
            if (value.length() > 256) {
                throw input.invalid("Tags." + key, value, "Member must have length less than or equal to 256");
            }
        });
        return tags;
    }

    private static int shardIndex(KinesisStreams.Stream stream, String shardId)
    {
        return ShardId.index(shardId).filter(index -> index < stream.shards()).orElseThrow(() -> ServiceException.user(
                "ResourceNotFoundException", "Shard " + shardId + " in stream " + stream.name() + " under account 000000000000 does not exist"));
    }

    private static SequenceNumber sequenceNumber(KinesisStreams.Stream stream, int shard, String text)
    {
        SequenceNumber sequence = SequenceNumber.parse(text).orElseThrow(() -> ServiceException.user("InvalidArgumentException",
                "Invalid StartingSequenceNumber " + text + ": it is not a sequence number of this stream"));
        if (sequence.streamCreationMillis() != stream.creationMillis()) {
            throw ServiceException.user("InvalidArgumentException", "Invalid StartingSequenceNumber " + text + ": it belongs to an earlier stream named "
                    + stream.name());
        }
        if (sequence.shard() != shard) {
            throw ServiceException.user("InvalidArgumentException", "Invalid StartingSequenceNumber. It encodes " + ShardId.of(sequence.shard())
                    + ", while it was used in a call to a shard with " + ShardId.of(shard));
        }
        return sequence;
    }

    private static KinesisStreams.Entry entry(JsonInput input)
    {
        String partitionKey = input.requiredString("PartitionKey", ANY, 256);
        if (partitionKey.isEmpty()) {
            throw input.invalid("partitionKey", partitionKey, "Member must have length greater than or equal to 1");
        }
        byte[] data = input.blob("Data").orElseThrow(() -> input.missing("Data"));
        if (data.length > MAX_RECORD_BYTES) {
            throw input.invalid("data", "(" + data.length + " bytes)", "Member must have length less than or equal to " + MAX_RECORD_BYTES);
        }
        if (data.length + partitionKey.getBytes(StandardCharsets.UTF_8).length > MAX_RECORD_BYTES) {
            throw ServiceException.user("InvalidArgumentException", "The record's data and partition key together are "
                    + (data.length + partitionKey.getBytes(StandardCharsets.UTF_8).length) + " bytes; at most " + MAX_RECORD_BYTES + " are allowed");
        }
        Optional<BigInteger> explicitHashKey = input.string("ExplicitHashKey").map(text -> {
            if (!EXPLICIT_HASH_KEY.matcher(text).matches() || new BigInteger(text).compareTo(HashKeyRange.MAX_HASH_KEY) > 0) {
                throw ServiceException.user("InvalidArgumentException", "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. "
                        + "Specified value was " + text);
            }
            return new BigInteger(text);
        });
        return new KinesisStreams.Entry(partitionKey, explicitHashKey, data);
    }

    private static String[] decodeShardToken(String token)
    {
        try {
            String[] parts = new String(java.util.Base64.getDecoder().decode(token), StandardCharsets.UTF_8).split("\\|");
            Integer.parseInt(parts[1]);
            return parts;
        }
        catch (RuntimeException e) {
            throw invalidShardToken();
        }
    }

    private static ServiceException invalidShardToken()
    {
        return ServiceException.user("InvalidArgumentException", "Invalid NextToken: it is not one ListShards returned");
    }
}
