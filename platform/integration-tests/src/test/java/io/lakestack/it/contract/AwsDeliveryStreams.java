package io.lakestack.it.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.firehose.DeliveryStream;
import io.lakestack.spi.firehose.DeliveryStreams;
import io.lakestack.spi.firehose.DestinationRules;
import io.lakestack.spi.kinesis.KinesisStreams;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.BufferingHints;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamDescription;
import software.amazon.awssdk.services.firehose.model.ExtendedS3DestinationConfiguration;
import software.amazon.awssdk.services.firehose.model.ExtendedS3DestinationDescription;
import software.amazon.awssdk.services.firehose.model.ExtendedS3DestinationUpdate;
import software.amazon.awssdk.services.firehose.model.ListDeliveryStreamsResponse;
import software.amazon.awssdk.services.firehose.model.ListTagsForDeliveryStreamResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.firehose.model.Tag;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static io.lakestack.it.contract.AwsErrors.call;
import static java.util.Objects.requireNonNull;

/**
 * {@link DeliveryStreams} and {@link DestinationRules} on Amazon Data Firehose, for the contract suite: {@code DirectPut}
 * streams to S3, each call waiting until the stream is {@code ACTIVE} (or gone), as lakestack's return once done.
 *
 * <p>Destinations are the JSON of an {@code ExtendedS3DestinationConfiguration} with the fields the suite uses
 * ({@value #FIELDS}); anything else is refused rather than dropped. A stream's {@code destination} is the described one
 * in the same fields, defaults filled in; the fields that are lakestack's own ({@code sourceTopic},
 * {@code deliveryGroup}, {@code sequenceEpochMillis}) are empty. {@link #check} creates a stream with the destination
 * and deletes it again: Firehose checks a destination only when it applies one.
 */
final class AwsDeliveryStreams
        implements DeliveryStreams, DestinationRules, AutoCloseable
{
    private static final String FIELDS = "BucketARN, RoleARN, Prefix, ErrorOutputPrefix, BufferingHints, CompressionFormat";
    private static final Set<String> KNOWN_FIELDS = Set.of(FIELDS.split(", "));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 500;
    private static final long POLL_MILLIS = 2_000;

    private final FirehoseClient firehose;
    private final String region;
    private final String accountId;

    /**
     * @param accountId the account of the streams (their ARNs name it)
     */
    AwsDeliveryStreams(FirehoseClient firehose, String region, String accountId)
    {
        this.firehose = requireNonNull(firehose, "firehose is null");
        this.region = requireNonNull(region, "region is null");
        this.accountId = requireNonNull(accountId, "accountId is null");
    }

    @Override
    public DeliveryStream create(String name, String region, String type, Optional<KinesisStreams.Stream> source,
            Optional<DeliveryStream.MskSource> mskSource, Optional<String> roleArn, String destination, Map<String, String> tags)
    {
        if (!region.equals(this.region)) {
            throw new UnsupportedOperationException("the test adapter creates streams in " + this.region + " only");
        }
        if (!type.equals(DeliveryStream.DIRECT_PUT) || source.isPresent() || mskSource.isPresent()) {
            throw new UnsupportedOperationException("the test adapter creates DirectPut streams only");
        }
        ExtendedS3DestinationConfiguration configuration = configuration(destination);
        call(() -> firehose.createDeliveryStream(request -> {
            request.deliveryStreamName(name).deliveryStreamType(type).extendedS3DestinationConfiguration(configuration);
            // Firehose takes one tag at least, or no list
            if (!tags.isEmpty()) {
                request.tags(tags.entrySet().stream().map(tag -> Tag.builder().key(tag.getKey()).value(tag.getValue()).build()).toList());
            }
        }));
        return awaitActive(name);
    }

    private DeliveryStream awaitActive(String name)
    {
        while (true) {
            DeliveryStreamDescription description = describe(name).orElseThrow(() -> new IllegalStateException("Firehose stream " + name + " vanished"));
            switch (description.deliveryStreamStatusAsString()) {
                case "ACTIVE":
                    return stream(description);
                case "CREATING_FAILED":
                    throw new IllegalStateException("Firehose could not create " + name + ": " + description.failureDescription());
                default:
                    pause();
            }
        }
    }

    private Optional<DeliveryStreamDescription> describe(String name)
    {
        try {
            return Optional.of(call(() -> firehose.describeDeliveryStream(request -> request.deliveryStreamName(name))).deliveryStreamDescription());
        }
        catch (ServiceException e) {
            if (e.errorCode().equals("ResourceNotFoundException")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public Optional<DeliveryStream> find(String name)
    {
        return describe(name).map(this::stream);
    }

    @Override
    public DeliveryStream require(String name)
    {
        return stream(describe(name).orElseThrow(() -> DeliveryStreams.notFound(name, accountId)));
    }

    @Override
    public List<String> names()
    {
        List<String> names = new ArrayList<>();
        String start = null;
        while (true) {
            String from = start;
            ListDeliveryStreamsResponse page = call(() -> firehose.listDeliveryStreams(request -> request.exclusiveStartDeliveryStreamName(from)));
            names.addAll(page.deliveryStreamNames());
            if (!Boolean.TRUE.equals(page.hasMoreDeliveryStreams()) || page.deliveryStreamNames().isEmpty()) {
                names.sort(null);
                return names;
            }
            start = page.deliveryStreamNames().get(page.deliveryStreamNames().size() - 1);
        }
    }

    @Override
    public void delete(String name)
    {
        call(() -> firehose.deleteDeliveryStream(request -> request.deliveryStreamName(name)));
        while (describe(name).isPresent()) {
            pause();
        }
    }

    @Override
    public DeliveryStream updateDestination(String name, int currentVersion, String destination)
    {
        ExtendedS3DestinationConfiguration configuration = configuration(destination);
        DeliveryStreamDescription current = describe(name).orElseThrow(() -> DeliveryStreams.notFound(name, accountId));
        ExtendedS3DestinationUpdate update = ExtendedS3DestinationUpdate.builder()
                .bucketARN(configuration.bucketARN())
                .roleARN(configuration.roleARN())
                .prefix(configuration.prefix())
                .errorOutputPrefix(configuration.errorOutputPrefix())
                .bufferingHints(configuration.bufferingHints())
                .compressionFormat(configuration.compressionFormat())
                .build();
        call(() -> firehose.updateDestination(request -> request.deliveryStreamName(name).currentDeliveryStreamVersionId(String.valueOf(currentVersion))
                .destinationId(current.destinations().get(0).destinationId()).extendedS3DestinationUpdate(update)));
        return awaitActive(name);
    }

    @Override
    public DeliveryStream setTags(String name, Map<String, String> tags)
    {
        Map<String, String> current = tags(name);
        List<String> removed = current.keySet().stream().filter(key -> !tags.containsKey(key)).toList();
        if (!removed.isEmpty()) {
            call(() -> firehose.untagDeliveryStream(request -> request.deliveryStreamName(name).tagKeys(removed)));
        }
        if (!tags.isEmpty()) {
            call(() -> firehose.tagDeliveryStream(request -> request.deliveryStreamName(name)
                    .tags(tags.entrySet().stream().map(tag -> Tag.builder().key(tag.getKey()).value(tag.getValue()).build()).toList())));
        }
        return require(name);
    }

    @Override
    public String arn(String region, String name)
    {
        return "arn:aws:firehose:" + region + ":" + accountId + ":deliverystream/" + name;
    }

    @Override
    public List<Optional<String>> put(DeliveryStream stream, List<byte[]> records)
    {
        List<Optional<String>> ids = new ArrayList<>(records.size());
        for (int start = 0; start < records.size(); start += BATCH) {
            List<Record> batch = records.subList(start, Math.min(start + BATCH, records.size())).stream()
                    .map(data -> Record.builder().data(SdkBytes.fromByteArray(data)).build())
                    .toList();
            PutRecordBatchResponse response = call(() -> firehose.putRecordBatch(request -> request.deliveryStreamName(stream.name()).records(batch)));
            response.requestResponses().forEach(entry -> ids.add(entry.errorCode() == null ? Optional.of(entry.recordId()) : Optional.empty()));
        }
        return ids;
    }

    // DestinationRules

    @Override
    public Buffering check(String destination)
    {
        String probe = "lakestack-contract-check-" + UUID.randomUUID().toString().substring(0, 8);
        DeliveryStream stream = create(probe, region, DeliveryStream.DIRECT_PUT, Optional.empty(), Optional.empty(), Optional.empty(), destination,
                Map.of());
        try {
            JsonNode hints = json(stream.destination()).path("BufferingHints");
            return new Buffering(hints.path("SizeInMBs").asLong() * 1024 * 1024, hints.path("IntervalInSeconds").asLong() * 1000);
        }
        finally {
            delete(probe);
        }
    }

    @Override
    public String merge(String current, String update)
    {
        throw new UnsupportedOperationException("Firehose merges an ExtendedS3DestinationUpdate only when it applies it");
    }

    // mapping

    private DeliveryStream stream(DeliveryStreamDescription description)
    {
        long created = description.createTimestamp().toEpochMilli();
        return new DeliveryStream(
                description.deliveryStreamName(),
                description.deliveryStreamARN(),
                description.deliveryStreamTypeAsString(),
                Integer.parseInt(description.versionId()),
                created,
                description.lastUpdateTimestamp() == null ? created : description.lastUpdateTimestamp().toEpochMilli(),
                "",
                "",
                0,
                Optional.ofNullable(description.source()).map(source -> source.kinesisStreamSourceDescription())
                        .map(kinesis -> kinesis.kinesisStreamARN()),
                Optional.empty(),
                destination(description.destinations().get(0).extendedS3DestinationDescription()),
                tags(description.deliveryStreamName()),
                Optional.ofNullable(description.source()).map(source -> source.mskSourceDescription()).map(msk -> new DeliveryStream.MskSource(
                        msk.mskClusterARN(), msk.topicName(), msk.authenticationConfiguration().roleARN(),
                        msk.authenticationConfiguration().connectivityAsString(), msk.readFromTimestamp().toEpochMilli())));
    }

    private Map<String, String> tags(String name)
    {
        Map<String, String> tags = new HashMap<>();
        String start = null;
        while (true) {
            String from = start;
            ListTagsForDeliveryStreamResponse page = call(() -> firehose.listTagsForDeliveryStream(request -> request.deliveryStreamName(name)
                    .exclusiveStartTagKey(from)));
            page.tags().forEach(tag -> tags.put(tag.key(), tag.value()));
            if (!Boolean.TRUE.equals(page.hasMoreTags()) || page.tags().isEmpty()) {
                return tags;
            }
            start = page.tags().get(page.tags().size() - 1).key();
        }
    }

    private static ExtendedS3DestinationConfiguration configuration(String destination)
    {
        JsonNode node = json(destination);
        node.fieldNames().forEachRemaining(field -> {
            if (!KNOWN_FIELDS.contains(field)) {
                throw new IllegalArgumentException("the test adapter maps " + FIELDS + ", not " + field);
            }
        });
        ExtendedS3DestinationConfiguration.Builder configuration = ExtendedS3DestinationConfiguration.builder()
                .bucketARN(text(node, "BucketARN"))
                .roleARN(text(node, "RoleARN"))
                .prefix(text(node, "Prefix"))
                .errorOutputPrefix(text(node, "ErrorOutputPrefix"))
                .compressionFormat(text(node, "CompressionFormat"));
        JsonNode hints = node.get("BufferingHints");
        if (hints != null) {
            configuration.bufferingHints(BufferingHints.builder()
                    .sizeInMBs(hints.has("SizeInMBs") ? hints.get("SizeInMBs").asInt() : null)
                    .intervalInSeconds(hints.has("IntervalInSeconds") ? hints.get("IntervalInSeconds").asInt() : null)
                    .build());
        }
        return configuration.build();
    }

    private static String destination(ExtendedS3DestinationDescription description)
    {
        ObjectNode node = JSON.createObjectNode();
        node.put("BucketARN", description.bucketARN());
        node.put("RoleARN", description.roleARN());
        if (description.prefix() != null) {
            node.put("Prefix", description.prefix());
        }
        if (description.errorOutputPrefix() != null) {
            node.put("ErrorOutputPrefix", description.errorOutputPrefix());
        }
        if (description.bufferingHints() != null) {
            node.putObject("BufferingHints")
                    .put("SizeInMBs", description.bufferingHints().sizeInMBs())
                    .put("IntervalInSeconds", description.bufferingHints().intervalInSeconds());
        }
        node.put("CompressionFormat", description.compressionFormatAsString());
        return node.toString();
    }

    private static String text(JsonNode node, String field)
    {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static JsonNode json(String text)
    {
        try {
            return JSON.readTree(text);
        }
        catch (IOException e) {
            throw new UncheckedIOException("a destination is JSON", e);
        }
    }

    private static void pause()
    {
        try {
            Thread.sleep(POLL_MILLIS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Firehose", e);
        }
    }


    @Override
    public void close()
    {
        firehose.close();
    }
}
