package io.lakestack.it.contract;

import io.lakestack.spi.Arn;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.kinesis.KinesisStreams;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ListTagsForStreamResponse;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamMode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.lakestack.it.contract.AwsErrors.call;
import static java.util.Objects.requireNonNull;

/**
 * {@link KinesisStreams}' definition operations on Kinesis Data Streams, for the contract suite: each call waits
 * until the stream is {@code ACTIVE} (or gone), as lakestack's calls return once done. Record operations are refused:
 * lakestack's positions (offsets of its record log) have no Kinesis counterpart.
 */
final class AwsKinesisStreams
        implements KinesisStreams, AutoCloseable
{
    private final KinesisClient kinesis;
    private final String region;
    private volatile String accountId;

    AwsKinesisStreams(KinesisClient kinesis, String region)
    {
        this.kinesis = requireNonNull(kinesis, "kinesis is null");
        this.region = requireNonNull(region, "region is null");
    }

    @Override
    public Stream create(String name, String region, int shards, String mode, Map<String, String> tags)
    {
        if (!region.equals(this.region)) {
            throw new UnsupportedOperationException("the test adapter creates streams in " + this.region + " only");
        }
        call(() -> kinesis.createStream(request -> {
            request.streamName(name).streamModeDetails(details -> details.streamMode(StreamMode.fromValue(mode)));
            if (!mode.equals("ON_DEMAND")) {
                request.shardCount(shards);
            }
            if (!tags.isEmpty()) {
                request.tags(tags);
            }
        }));
        kinesis.waiter().waitUntilStreamExists(request -> request.streamName(name));
        return require(name);
    }

    @Override
    public Optional<Stream> find(String name)
    {
        StreamDescriptionSummary summary;
        try {
            summary = call(() -> kinesis.describeStreamSummary(request -> request.streamName(name))).streamDescriptionSummary();
        }
        catch (ServiceException e) {
            if (e.errorCode().equals("ResourceNotFoundException")) {
                return Optional.empty();
            }
            throw e;
        }
        learnAccount(summary.streamARN());
        return Optional.of(new Stream(summary.streamName(), summary.streamARN(), summary.streamModeDetails().streamModeAsString(),
                summary.openShardCount(), summary.retentionPeriodHours(), summary.streamCreationTimestamp().toEpochMilli(), tags(name)));
    }

    private Map<String, String> tags(String name)
    {
        Map<String, String> tags = new HashMap<>();
        String start = null;
        while (true) {
            String from = start;
            ListTagsForStreamResponse page = call(() -> kinesis.listTagsForStream(request -> request.streamName(name).exclusiveStartTagKey(from)));
            page.tags().forEach(tag -> tags.put(tag.key(), tag.value()));
            if (!page.hasMoreTags() || page.tags().isEmpty()) {
                return tags;
            }
            start = page.tags().get(page.tags().size() - 1).key();
        }
    }

    @Override
    public Stream require(String name)
    {
        return find(name).orElseThrow(() -> KinesisStreams.notFound(name, accountId));
    }

    @Override
    public List<String> names()
    {
        List<String> names = new ArrayList<>();
        call(() -> kinesis.listStreamsPaginator(request -> {}).streamNames().stream().toList()).forEach(names::add);
        names.sort(null);
        return names;
    }

    @Override
    public void delete(String name)
    {
        call(() -> kinesis.deleteStream(request -> request.streamName(name)));
        kinesis.waiter().waitUntilStreamNotExists(request -> request.streamName(name));
    }

    @Override
    public Stream setRetention(String name, int hours)
    {
        Stream current = require(name);
        if (hours > current.retentionHours()) {
            call(() -> kinesis.increaseStreamRetentionPeriod(request -> request.streamName(name).retentionPeriodHours(hours)));
        }
        else if (hours < current.retentionHours()) {
            call(() -> kinesis.decreaseStreamRetentionPeriod(request -> request.streamName(name).retentionPeriodHours(hours)));
        }
        kinesis.waiter().waitUntilStreamExists(request -> request.streamName(name));
        return require(name);
    }

    @Override
    public Stream setTags(String name, Map<String, String> tags)
    {
        Stream current = require(name);
        List<String> removed = current.tags().keySet().stream().filter(key -> !tags.containsKey(key)).toList();
        if (!removed.isEmpty()) {
            call(() -> kinesis.removeTagsFromStream(request -> request.streamName(name).tagKeys(removed)));
        }
        if (!tags.isEmpty()) {
            call(() -> kinesis.addTagsToStream(request -> request.streamName(name).tags(tags)));
        }
        return require(name);
    }

    @Override
    public String recordLog(String name)
    {
        throw new UnsupportedOperationException("a Kinesis stream on AWS has no record log to read directly: read it with GetRecords");
    }

    @Override
    public String arn(String region, String name)
    {
        if (accountId == null) {
            find(name);
        }
        return "arn:aws:kinesis:" + region + ":" + accountId() + ":stream/" + name;
    }

    @Override
    public Optional<String> nameOf(String arn)
    {
        return Arn.parse(arn, "kinesis")
                .filter(parsed -> parsed.accountId().equals(accountId()) && parsed.resource().startsWith("stream/"))
                .map(parsed -> parsed.resource().substring("stream/".length()));
    }

    private String accountId()
    {
        if (accountId == null) {
            throw new IllegalStateException("the account id is learnt from a stream's ARN: create or describe a stream first");
        }
        return accountId;
    }

    private void learnAccount(String streamArn)
    {
        // arn:aws:kinesis:<region>:<account>:stream/<name>
        String[] parts = streamArn.split(":", 6);
        if (parts.length == 6) {
            accountId = parts[4];
        }
    }

    @Override
    public List<Optional<Written>> put(Stream stream, List<Entry> entries)
    {
        throw recordsUnsupported();
    }

    @Override
    public Positions positions(Stream stream, int shard)
    {
        throw recordsUnsupported();
    }

    @Override
    public long positionAt(Stream stream, int shard, Instant time)
    {
        throw recordsUnsupported();
    }

    @Override
    public Read read(Stream stream, int shard, long position, int limit, long maxBytes)
    {
        throw recordsUnsupported();
    }

    private static UnsupportedOperationException recordsUnsupported()
    {
        return new UnsupportedOperationException("record positions are lakestack's own (offsets of its record log); Kinesis has none to map them to");
    }


    @Override
    public void close()
    {
        kinesis.close();
    }
}
