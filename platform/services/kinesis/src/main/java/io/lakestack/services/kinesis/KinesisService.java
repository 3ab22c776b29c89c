package io.lakestack.services.kinesis;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.endpoint.json.JsonInput;
import io.lakestack.endpoint.json.JsonProtocolService;
import io.lakestack.spi.OffsetTokens;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.kinesis.HashKeyRange;
import io.lakestack.spi.kinesis.KinesisStreams;
import io.lakestack.spi.kinesis.SequenceNumber;
import io.lakestack.spi.kinesis.ShardId;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
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
 * operations, their validation and Kinesis's errors.
 *
 * <p>Local emulation: shards never split or merge ({@code UpdateShardCount}, {@code SplitShard} and
 * {@code MergeShards} are refused: a shard is a Kafka partition, and partitions cannot be split while keeping each
 * shard's order and hash range); throughput limits per shard are not enforced; enhanced fan-out consumers and
 * server-side encryption are not there.
 */
public final class KinesisService
        extends JsonProtocolService
{
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

    private final KinesisStreams streams;
    private final Clock clock;

    public KinesisService(KinesisStreams streams, Clock clock)
    {
        super("kinesis", "Kinesis_20131202", "ValidationException");
        this.streams = requireNonNull(streams, "streams is null");
        this.clock = requireNonNull(clock, "clock is null");
        streamOperations();
        recordOperations();
        tagOperations();
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
            streams.delete(streamName(input));
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
            ObjectNode result = output();
            ArrayNode list = result.putArray("Records");
            int failed = 0;
            for (Optional<KinesisStreams.Written> outcome : written) {
                ObjectNode node = list.addObject();
                if (outcome.isPresent()) {
                    node.put("SequenceNumber", outcome.get().sequenceNumber().toString());
                    node.put("ShardId", ShardId.of(outcome.get().shard()));
                }
                else {
                    failed++;
                    node.put("ErrorCode", "InternalFailure");
                    node.put("ErrorMessage", "Kafka did not acknowledge the record; retry it");
                }
            }
            result.put("FailedRecordCount", failed);
            result.put("EncryptionType", "NONE");
            return result;
        });
        operation("GetShardIterator", (input, caller) -> {
            KinesisStreams.Stream stream = stream(input);
            String shardId = input.requiredString("ShardId");
            int shard = shardIndex(stream, shardId);
            String type = input.requiredString("ShardIteratorType");
            long position = switch (type) {
                case "TRIM_HORIZON" -> streams.positions(stream, shard).trimHorizon();
                case "LATEST" -> streams.positions(stream, shard).latest();
                case "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER" -> {
                    String text = input.string("StartingSequenceNumber").orElseThrow(() -> ServiceException.user("InvalidArgumentException",
                            "StartingSequenceNumber is required for ShardIteratorType " + type));
                    SequenceNumber sequence = sequenceNumber(stream, shard, text);
                    yield type.equals("AT_SEQUENCE_NUMBER") || sequence.position() == Long.MAX_VALUE ? sequence.position() : sequence.position() + 1;
                }
                case "AT_TIMESTAMP" -> {
                    Instant timestamp = input.timestamp("Timestamp").orElseThrow(() -> ServiceException.user(
                            "InvalidArgumentException", "Timestamp is required for ShardIteratorType AT_TIMESTAMP"));
                    if (timestamp.isBefore(Instant.EPOCH)) {
                        throw ServiceException.user("InvalidArgumentException", "The timestampInMillis parameter cannot be less than 0. timestampInMillis: "
                                + timestamp.toEpochMilli());
                    }
                    yield streams.positionAt(stream, shard, timestamp);
                }
                default -> throw input.invalid("shardIteratorType", type,
                        "Member must satisfy enum value set: [AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST, AT_TIMESTAMP]");
            };
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
            ArrayNode records = result.putArray("Records");
            for (KinesisStreams.StoredRecord record : read.records()) {
                ObjectNode node = records.addObject();
                node.put("SequenceNumber", record.sequenceNumber().toString());
                node.set("ApproximateArrivalTimestamp", input.timestampNode(record.arrival()));
                node.put("Data", record.data());
                node.put("PartitionKey", record.partitionKey());
            }
            result.put("NextShardIterator", new ShardIterator(stream.name(), stream.creationMillis(), iterator.shard(), read.nextPosition(),
                    clock.millis()).encode());
            long behind = read.nextPosition() >= read.latestPosition() || read.records().isEmpty()
                    ? 0
                    : Math.max(0, clock.millis() - read.records().get(read.records().size() - 1).arrival().toEpochMilli());
            result.put("MillisBehindLatest", behind);
            return result;
        });
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
            description.put("ConsumerCount", 0);
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
                throw KinesisStreams.notFound(fromArn, arn.get().split(":")[4]);
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
