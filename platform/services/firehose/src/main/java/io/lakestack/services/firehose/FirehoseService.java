package io.lakestack.services.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.endpoint.json.JsonInput;
import io.lakestack.endpoint.json.JsonProtocolService;
import io.lakestack.endpoint.json.WrittenArray;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.firehose.DeliveryStream;
import io.lakestack.spi.firehose.DeliveryStreams;
import io.lakestack.spi.firehose.DestinationRules;
import io.lakestack.spi.kinesis.KinesisStreams;
import io.lakestack.spi.msk.MskClusters;

import java.math.BigInteger;
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
 * Amazon Data Firehose's JSON 1.1 API ({@code Firehose_20150804.*}) on {@link DeliveryStreams}, delivering to S3:
 * the operations, their validation (destinations as {@link DestinationRules} check them) and Firehose's errors.
 *
 * <p>Local emulation: the destination is S3 (through lakestack's endpoint), with data transformation by a Lambda
 * function of lakestack's Lambda; other destinations (Redshift, OpenSearch, HTTP endpoints, Splunk, ...) are refused
 * with a message saying so. Server-side
 * encryption settings are accepted and reported, not applied; throughput quotas are not enforced.
 */
public final class FirehoseService
        extends JsonProtocolService
{
    static final int MAX_BATCH_RECORDS = 500;
    static final int MAX_RECORD_BYTES = 1_024_000;
    static final int MAX_BATCH_BYTES = 4 * 1024 * 1024;
    /**
     * The largest request body: {@code PutRecordBatch} carries at most 4 MiB of record data, which base64 makes 5.3 MiB,
     * plus the framing of 500 records; a {@code CreateDeliveryStream} is far smaller. 8 MiB keeps every valid request
     * within reach.
     */
    static final long MAX_REQUEST_BYTES = 8L * 1024 * 1024;
    private static final Pattern STREAM_NAME = Pattern.compile("[a-zA-Z0-9_.-]+");
    private static final Pattern ANY = Pattern.compile("(?s).*");
    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9\\._\\-]+");
    private static final List<String> OTHER_DESTINATIONS = List.of("RedshiftDestinationConfiguration", "ElasticsearchDestinationConfiguration",
            "AmazonopensearchserviceDestinationConfiguration", "SplunkDestinationConfiguration", "HttpEndpointDestinationConfiguration",
            "AmazonOpenSearchServerlessDestinationConfiguration", "SnowflakeDestinationConfiguration", "IcebergDestinationConfiguration");

    private final DeliveryStreams streams;
    private final KinesisStreams kinesis;
    private final MskClusters clusters;
    private final Clock clock;
    private final DestinationRules rules;
    private final String accountId;

    public FirehoseService(DeliveryStreams streams, KinesisStreams kinesis, MskClusters clusters, DestinationRules rules, String accountId, Clock clock)
    {
        super("firehose", "Firehose_20150804", "ValidationException");
        this.streams = requireNonNull(streams, "streams is null");
        this.kinesis = requireNonNull(kinesis, "kinesis is null");
        this.clusters = requireNonNull(clusters, "clusters is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.rules = requireNonNull(rules, "rules is null");
        this.accountId = requireNonNull(accountId, "accountId is null");
        streamOperations();
        recordOperations();
        tagOperations();
    }

    @Override
    public OptionalLong maxRequestBytes()
    {
        return OptionalLong.of(MAX_REQUEST_BYTES);
    }

    private void streamOperations()
    {
        operation("CreateDeliveryStream", (input, caller) -> {
            String name = streamName(input);
            String type = input.string("DeliveryStreamType", DeliveryStream.DIRECT_PUT);
            Optional<KinesisStreams.Stream> source = Optional.empty();
            Optional<DeliveryStream.MskSource> mskSource = Optional.empty();
            Optional<String> roleArn = Optional.empty();
            if (input.has("KinesisStreamSourceConfiguration") && !type.equals(DeliveryStream.KINESIS_SOURCE)) {
                throw ServiceException.user("InvalidArgumentException", "KinesisStreamSourceConfiguration is only allowed for a "
                        + "KinesisStreamAsSource delivery stream type");
            }
            if (input.has("MSKSourceConfiguration") && !type.equals(DeliveryStream.MSK_SOURCE)) {
                throw ServiceException.user("InvalidArgumentException", "MSKSourceConfiguration is only allowed for a MSKAsSource delivery stream type");
            }
            switch (type) {
                case DeliveryStream.DIRECT_PUT -> {
                }
                case DeliveryStream.MSK_SOURCE -> mskSource = Optional.of(mskSource(input, caller.region()));
                case DeliveryStream.KINESIS_SOURCE -> {
                    JsonInput configuration = input.optionalObject("KinesisStreamSourceConfiguration").orElseThrow(() -> ServiceException.user(
                            "InvalidArgumentException", "KinesisStreamSourceConfiguration is required for a KinesisStreamAsSource delivery stream"));
                    String arn = configuration.requiredString("KinesisStreamARN", ANY, 512);
                    roleArn = Optional.of(configuration.requiredString("RoleARN", ANY, 512));
                    String kinesisName = kinesis.nameOf(arn).orElseThrow(() -> ServiceException.user("InvalidArgumentException",
                            "KinesisStreamARN " + arn + " is not a Kinesis stream ARN of this account (arn:aws:kinesis:<region>:<account>:stream/<name>)"));
                    if (!arn.equals(kinesis.arn(caller.region(), kinesisName))) {
                        throw ServiceException.user("InvalidArgumentException", "KinesisStreamARN " + arn + " names a stream of another region than "
                                + "this request's (" + caller.region() + "): a delivery stream reads a Kinesis stream of its own region");
                    }
                    source = Optional.of(kinesis.findByArn(arn).orElseThrow(() -> ServiceException.user("InvalidArgumentException",
                            "Kinesis stream " + kinesisName + " under account " + accountId + " not found in " + caller.region()
                                    + ": create it before the delivery stream")));
                }
                case "DatabaseAsSource" -> throw ServiceException.user("InvalidArgumentException", "DeliveryStreamType " + type
                        + " is not supported by lakestack; use DirectPut, KinesisStreamAsSource or MSKAsSource");
                default -> throw input.invalid("deliveryStreamType", type, "Member must satisfy enum value set: [DatabaseAsSource, "
                        + "KinesisStreamAsSource, MSKAsSource, DirectPut]");
            }
            for (String other : OTHER_DESTINATIONS) {
                if (input.has(other)) {
                    throw ServiceException.user("InvalidArgumentException", other + " is not supported by lakestack: it delivers to S3 "
                            + "(ExtendedS3DestinationConfiguration or S3DestinationConfiguration)");
                }
            }
            JsonNode destination = input.raw().has("ExtendedS3DestinationConfiguration")
                    ? input.raw().get("ExtendedS3DestinationConfiguration")
                    : input.raw().get("S3DestinationConfiguration");
            if (destination == null || !destination.isObject()) {
                throw ServiceException.user("InvalidArgumentException", "A destination is required: give ExtendedS3DestinationConfiguration");
            }
            validate(destination);
            Map<String, String> tags = tags(input);
            if (tags.size() > 50) {
                throw ServiceException.user("InvalidArgumentException", "A delivery stream can have at most 50 tags; " + tags.size() + " given");
            }
            DeliveryStream stream = streams.create(name, caller.region(), type, source, mskSource, roleArn, destination.toString(), tags);
            ObjectNode result = output();
            result.put("DeliveryStreamARN", stream.arn());
            return result;
        });
        operation("DeleteDeliveryStream", (input, caller) -> {
            streams.delete(streams.require(streamName(input)).name());
            return output();
        });
        operation("DescribeDeliveryStream", (input, caller) -> {
            DeliveryStream stream = streams.require(streamName(input));
            input.integer("Limit", 1, 10_000);
            ObjectNode description = JSON.createObjectNode();
            description.put("DeliveryStreamName", stream.name());
            description.put("DeliveryStreamARN", stream.arn());
            description.put("DeliveryStreamStatus", "ACTIVE");
            description.putObject("DeliveryStreamEncryptionConfiguration").put("Status", "DISABLED");
            description.put("DeliveryStreamType", stream.type());
            description.put("VersionId", String.valueOf(stream.version()));
            description.set("CreateTimestamp", input.timestampNode(Instant.ofEpochMilli(stream.creationMillis())));
            if (stream.version() > 1) {
                description.set("LastUpdateTimestamp", input.timestampNode(Instant.ofEpochMilli(stream.updateMillis())));
            }
            if (stream.kinesisStreamArn().isPresent()) {
                ObjectNode source = description.putObject("Source").putObject("KinesisStreamSourceDescription");
                source.put("KinesisStreamARN", stream.kinesisStreamArn().get());
                stream.roleArn().ifPresent(role -> source.put("RoleARN", role));
                source.set("DeliveryStartTimestamp", input.timestampNode(Instant.ofEpochMilli(stream.creationMillis())));
            }
            if (stream.mskSource().isPresent()) {
                DeliveryStream.MskSource msk = stream.mskSource().get();
                ObjectNode source = description.putObject("Source").putObject("MSKSourceDescription");
                source.put("MSKClusterARN", msk.clusterArn());
                source.put("TopicName", msk.topic());
                ObjectNode authentication = source.putObject("AuthenticationConfiguration");
                authentication.put("RoleARN", msk.roleArn());
                authentication.put("Connectivity", msk.connectivity());
                source.set("DeliveryStartTimestamp", input.timestampNode(Instant.ofEpochMilli(stream.creationMillis())));
                source.set("ReadFromTimestamp", input.timestampNode(Instant.ofEpochMilli(msk.readFromMillis())));
            }
            ArrayNode destinations = description.putArray("Destinations");
            boolean skip = input.string("ExclusiveStartDestinationId", ANY, 100).filter(DeliveryStream.DESTINATION_ID::equals).isPresent();
            if (!skip) {
                ObjectNode destination = destinations.addObject();
                destination.put("DestinationId", DeliveryStream.DESTINATION_ID);
                ObjectNode extended = extendedDescription(stream, rules);
                destination.set("S3DestinationDescription", s3Description(extended));
                destination.set("ExtendedS3DestinationDescription", extended);
            }
            description.put("HasMoreDestinations", false);
            ObjectNode result = output();
            result.set("DeliveryStreamDescription", description);
            return result;
        });
        operation("ListDeliveryStreams", (input, caller) -> {
            int limit = input.integer("Limit", 1, 10_000).orElse(10);
            Optional<String> type = input.string("DeliveryStreamType");
            if (type.isPresent() && !List.of("DirectPut", "KinesisStreamAsSource", "MSKAsSource", "DatabaseAsSource").contains(type.get())) {
                throw input.invalid("deliveryStreamType", type.get(), "Member must satisfy enum value set: [DatabaseAsSource, KinesisStreamAsSource, "
                        + "MSKAsSource, DirectPut]");
            }
            Optional<String> start = input.string("ExclusiveStartDeliveryStreamName", STREAM_NAME, 64);
            List<String> names = new ArrayList<>();
            for (String name : streams.names()) {
                if (start.isPresent() && name.compareTo(start.get()) <= 0) {
                    continue;
                }
                if (type.isPresent() && !streams.find(name).map(DeliveryStream::type).orElse("").equals(type.get())) {
                    continue;
                }
                names.add(name);
            }
            ObjectNode result = output();
            ArrayNode list = result.putArray("DeliveryStreamNames");
            names.stream().limit(limit).forEach(list::add);
            result.put("HasMoreDeliveryStreams", names.size() > limit);
            return result;
        });
        operation("UpdateDestination", (input, caller) -> {
            DeliveryStream stream = streams.require(streamName(input));
            String version = input.requiredString("CurrentDeliveryStreamVersionId", Pattern.compile("[0-9]+"), 50);
            String destinationId = input.requiredString("DestinationId", ANY, 100);
            if (!destinationId.equals(DeliveryStream.DESTINATION_ID)) {
                throw ServiceException.user("InvalidArgumentException", "Destination " + destinationId + " not found in delivery stream "
                        + stream.name() + "; its destination is " + DeliveryStream.DESTINATION_ID);
            }
            for (String other : List.of("RedshiftDestinationUpdate", "ElasticsearchDestinationUpdate", "SplunkDestinationUpdate",
                    "HttpEndpointDestinationUpdate", "AmazonopensearchserviceDestinationUpdate", "SnowflakeDestinationUpdate", "IcebergDestinationUpdate")) {
                if (input.has(other)) {
                    throw ServiceException.user("InvalidArgumentException", "Changing the destination type with " + other
                            + " is not supported by lakestack: it delivers to S3");
                }
            }
            JsonNode update = input.raw().has("ExtendedS3DestinationUpdate")
                    ? input.raw().get("ExtendedS3DestinationUpdate")
                    : input.raw().get("S3DestinationUpdate");
            if (update == null || !update.isObject()) {
                throw ServiceException.user("InvalidArgumentException", "UpdateDestination needs ExtendedS3DestinationUpdate (or S3DestinationUpdate)");
            }
            String merged = rules.merge(stream.destination(), update.toString());
            rules.check(merged);
            // any run of digits is a version id Firehose's model accepts; one that is not the stream's version does not match it
            if (!new BigInteger(version).equals(BigInteger.valueOf(stream.version()))) {
                throw DeliveryStreams.versionMismatch(stream.name(), stream.version(), version);
            }
            streams.updateDestination(stream.name(), stream.version(), merged);
            return output();
        });
    }

    private void recordOperations()
    {
        operation("PutRecord", (input, caller) -> {
            DeliveryStream stream = directPutStream(input);
            byte[] data = data(input.object("Record"));
            String id = streams.put(stream, List.of(data)).get(0).orElseThrow(() -> ServiceException.external("ServiceUnavailableException",
                    "Kafka did not acknowledge the record for Firehose " + stream.name() + "; retry it", null));
            ObjectNode result = output();
            result.put("RecordId", id);
            result.put("Encrypted", false);
            return result;
        });
        operation("PutRecordBatch", (input, caller) -> {
            DeliveryStream stream = directPutStream(input);
            List<JsonInput> records = input.objects("Records");
            if (records.isEmpty() || records.size() > MAX_BATCH_RECORDS) {
                throw input.invalid("records", "(" + records.size() + " records)", "Member must have length less than or equal to "
                        + MAX_BATCH_RECORDS + " and greater than or equal to 1");
            }
            List<byte[]> data = new ArrayList<>(records.size());
            long total = 0;
            for (JsonInput record : records) {
                byte[] bytes = data(record);
                total += bytes.length;
                data.add(bytes);
            }
            if (total > MAX_BATCH_BYTES) {
                throw ServiceException.user("InvalidArgumentException", "The request holds " + total + " bytes of record data; a PutRecordBatch "
                        + "request may hold at most 4 MiB (" + MAX_BATCH_BYTES + " bytes)");
            }
            List<Optional<String>> ids = streams.put(stream, data);
            ObjectNode result = output();
            result.putPOJO("RequestResponses", new WrittenArray<>(ids, (generator, id) -> {
                generator.writeStartObject();
                if (id.isPresent()) {
                    generator.writeStringField("RecordId", id.get());
                }
                else {
                    generator.writeStringField("ErrorCode", "ServiceUnavailableException");
                    generator.writeStringField("ErrorMessage", "Kafka did not acknowledge the record; retry it");
                }
                generator.writeEndObject();
            }));
            result.put("FailedPutCount", ids.stream().filter(Optional::isEmpty).count());
            result.put("Encrypted", false);
            return result;
        });
    }

    private void tagOperations()
    {
        operation("TagDeliveryStream", (input, caller) -> {
            DeliveryStream stream = streams.require(streamName(input));
            Map<String, String> added = tags(input);
            if (added.isEmpty() || added.size() > 50) {
                throw input.invalid("tags", "(" + added.size() + " tags)", "Member must have length less than or equal to 50 and greater than or equal to 1");
            }
            Map<String, String> tags = new TreeMap<>(stream.tags());
            tags.putAll(added);
            if (tags.size() > 50) {
                throw ServiceException.user("LimitExceededException", "Delivery stream " + stream.name() + " would have " + tags.size()
                        + " tags; at most 50 are allowed");
            }
            streams.setTags(stream.name(), tags);
            return output();
        });
        operation("UntagDeliveryStream", (input, caller) -> {
            DeliveryStream stream = streams.require(streamName(input));
            List<String> keys = input.strings("TagKeys");
            if (keys.isEmpty() || keys.size() > 50) {
                throw input.invalid("tagKeys", "(" + keys.size() + " keys)", "Member must have length less than or equal to 50 and greater than or equal to 1");
            }
            Map<String, String> tags = new TreeMap<>(stream.tags());
            keys.forEach(tags::remove);
            streams.setTags(stream.name(), tags);
            return output();
        });
        operation("ListTagsForDeliveryStream", (input, caller) -> {
            DeliveryStream stream = streams.require(streamName(input));
            int limit = input.integer("Limit", 1, 50).orElse(50);
            Optional<String> start = input.string("ExclusiveStartTagKey", ANY, 128);
            List<Map.Entry<String, String>> shown = new TreeMap<>(stream.tags()).entrySet().stream()
                    .filter(tag -> start.isEmpty() || tag.getKey().compareTo(start.get()) > 0)
                    .toList();
            ObjectNode result = output();
            ArrayNode list = result.putArray("Tags");
            shown.stream().limit(limit).forEach(tag -> list.addObject().put("Key", tag.getKey()).put("Value", tag.getValue()));
            result.put("HasMoreTags", shown.size() > limit);
            return result;
        });
    }

    private void validate(JsonNode destination)
    {
        rules.check(destination.toString());
    }

    /** The destination as DescribeDeliveryStream shows it: as configured, with Firehose's defaults filled in. */
    private static ObjectNode extendedDescription(DeliveryStream stream, DestinationRules rules)
    {
        DestinationRules.Buffering buffering = rules.check(stream.destination());
        ObjectNode description;
        try {
            description = (ObjectNode) JSON.readTree(stream.destination());
        }
        catch (java.io.IOException | ClassCastException e) {
            throw ServiceException.internal("ServiceUnavailableException", "the stored destination of delivery stream " + stream.name()
                    + " is not a JSON object", e);
        }
        ObjectNode hints = description.putObject("BufferingHints");
        hints.put("SizeInMBs", buffering.sizeBytes() / (1024 * 1024));
        hints.put("IntervalInSeconds", buffering.intervalMillis() / 1000);
        if (!description.has("CompressionFormat")) {
            description.put("CompressionFormat", "UNCOMPRESSED");
        }
        if (!description.has("EncryptionConfiguration")) {
            description.putObject("EncryptionConfiguration").put("NoEncryptionConfig", "NoEncryption");
        }
        if (!description.has("CloudWatchLoggingOptions")) {
            description.putObject("CloudWatchLoggingOptions").put("Enabled", false);
        }
        if (!description.has("S3BackupMode")) {
            description.put("S3BackupMode", "Disabled");
        }
        JsonNode backup = description.remove("S3BackupConfiguration");
        if (backup != null) {
            description.set("S3BackupDescription", backup);
        }
        return description;
    }

    private static ObjectNode s3Description(ObjectNode extended)
    {
        ObjectNode description = JSON.createObjectNode();
        for (String field : List.of("RoleARN", "BucketARN", "Prefix", "ErrorOutputPrefix", "BufferingHints", "CompressionFormat", "EncryptionConfiguration",
                "CloudWatchLoggingOptions")) {
            if (extended.has(field)) {
                description.set(field, extended.get(field));
            }
        }
        return description;
    }

    /**
     * An {@code MSKSourceConfiguration}: a topic of the MSK cluster lakestack runs on (its ARN in the region of the
     * request), read from its first record at or after {@code ReadFromTimestamp}, or from the stream's creation on.
     * Both connectivities reach the cluster's one listener.
     */
    private DeliveryStream.MskSource mskSource(JsonInput input, String region)
    {
        JsonInput configuration = input.optionalObject("MSKSourceConfiguration").orElseThrow(() -> ServiceException.user(
                "InvalidArgumentException", "MSKSourceConfiguration is required for a MSKAsSource delivery stream"));
        String arn = configuration.requiredString("MSKClusterARN", ANY, 512);
        String topic = configuration.requiredString("TopicName", TOPIC_NAME, 255);
        JsonInput authentication = configuration.optionalObject("AuthenticationConfiguration")
                .orElseThrow(() -> configuration.missing("AuthenticationConfiguration"));
        String role = authentication.requiredString("RoleARN", ANY, 512);
        String connectivity = authentication.requiredString("Connectivity", ANY, 16);
        if (!List.of("PUBLIC", "PRIVATE").contains(connectivity)) {
            throw authentication.invalid("connectivity", connectivity, "Member must satisfy enum value set: [PUBLIC, PRIVATE]");
        }
        long readFrom = configuration.timestamp("ReadFromTimestamp").map(Instant::toEpochMilli).orElseGet(clock::millis);
        MskClusters.Cluster cluster = clusters.findByArn(arn, accountId).orElseThrow(() -> ServiceException.user("InvalidArgumentException",
                "MSKClusterARN " + arn + " is not an MSK cluster of lakestack: its one cluster, the Kafka cluster it runs on, is "
                        + clusters.cluster().arn(region, accountId) + " in this region (the MSK API's ListClustersV2 answers it)"));
        if (!arn.equals(cluster.arn(region, accountId))) {
            throw ServiceException.user("InvalidArgumentException", "MSKClusterARN " + arn + " names a cluster of another region than this "
                    + "request's (" + region + "): a delivery stream reads a cluster of its own region");
        }
        if (clusters.partitions(topic).isEmpty()) {
            throw ServiceException.user("InvalidArgumentException", "Topic " + topic + " does not exist in MSK cluster " + arn
                    + ": create it before the delivery stream");
        }
        return new DeliveryStream.MskSource(arn, topic, role, connectivity, readFrom);
    }

    private DeliveryStream directPutStream(JsonInput input)
    {
        DeliveryStream stream = streams.require(streamName(input));
        if (!stream.type().equals(DeliveryStream.DIRECT_PUT)) {
            throw ServiceException.user("InvalidArgumentException", "This operation is not permitted on " + stream.type() + " delivery stream type.");
        }
        return stream;
    }

    private static byte[] data(JsonInput record)
    {
        byte[] data = record.blob("Data").orElseThrow(() -> record.missing("Data"));
        if (data.length > MAX_RECORD_BYTES) {
            throw record.invalid("data", "(" + data.length + " bytes)", "Member must have length less than or equal to " + MAX_RECORD_BYTES);
        }
        return data;
    }

    private static String streamName(JsonInput input)
    {
        return input.requiredString("DeliveryStreamName", STREAM_NAME, 64);
    }

    private static Map<String, String> tags(JsonInput input)
    {
        Map<String, String> tags = new LinkedHashMap<>();
        for (JsonInput tag : input.objects("Tags")) {
            String key = tag.requiredString("Key", ANY, 128);
            if (key.isEmpty()) {
                throw tag.invalid("key", key, "Member must have length greater than or equal to 1");
            }
            String value = tag.string("Value", "");
            if (value.length() > 256) {
                throw tag.invalid("Value", value, "Member must have length less than or equal to 256");
            }
            tags.put(key, value);
        }
        return tags;
    }
}
