package io.lakestack.spi.testing;

import io.lakestack.spi.Arn;
import io.lakestack.spi.kinesis.HashKeyRange;
import io.lakestack.spi.kinesis.KinesisStreams;
import io.lakestack.spi.kinesis.SequenceNumber;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * Kinesis streams in memory, for tests of what uses {@link KinesisStreams} without Kafka: at a clock the test sets, a
 * stream's creation and a record's arrival are the clock's time when they happened.
 */
public final class InMemoryKinesisStreams
        implements KinesisStreams
{
    private final Clock clock;
    private final Map<String, Stream> streams = new TreeMap<>();
    private final Map<String, List<List<StoredRecord>>> records = new TreeMap<>();

    public InMemoryKinesisStreams(Clock clock)
    {
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public synchronized Stream create(String name, String region, int shards, String mode, Map<String, String> tags)
    {
        if (streams.containsKey(name)) {
            throw KinesisStreams.inUse(name, "000000000000");
        }
        Stream stream = new Stream(name, arn(region, name), mode, shards, 24, clock.millis(), tags);
        streams.put(name, stream);
        List<List<StoredRecord>> shardRecords = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            shardRecords.add(new ArrayList<>());
        }
        records.put(name, shardRecords);
        return stream;
    }

    @Override
    public synchronized Optional<Stream> find(String name)
    {
        return Optional.ofNullable(streams.get(name));
    }

    @Override
    public Stream require(String name)
    {
        return find(name).orElseThrow(() -> KinesisStreams.notFound(name, "000000000000"));
    }

    @Override
    public synchronized List<String> names()
    {
        return List.copyOf(streams.keySet());
    }

    @Override
    public synchronized void delete(String name)
    {
        require(name);
        streams.remove(name);
        records.remove(name);
    }

    @Override
    public synchronized Stream setRetention(String name, int hours)
    {
        Stream updated = require(name).withRetentionHours(hours);
        streams.put(name, updated);
        return updated;
    }

    @Override
    public synchronized Stream setTags(String name, Map<String, String> tags)
    {
        Stream updated = require(name).withTags(tags);
        streams.put(name, updated);
        return updated;
    }

    @Override
    public String arn(String region, String name)
    {
        return "arn:aws:kinesis:" + region + ":000000000000:stream/" + name;
    }

    @Override
    public String recordLog(String name)
    {
        return "lakestack.kinesis." + name;
    }

    @Override
    public Optional<String> nameOf(String arn)
    {
        return Arn.parse(arn, "kinesis")
                .filter(parsed -> parsed.accountId().equals("000000000000") && parsed.resource().startsWith("stream/"))
                .map(parsed -> parsed.resource().substring("stream/".length()));
    }

    @Override
    public synchronized List<Optional<Written>> put(Stream stream, List<Entry> entries)
    {
        List<Optional<Written>> written = new ArrayList<>();
        for (Entry entry : entries) {
            BigInteger hashKey = entry.explicitHashKey().orElseGet(() -> HashKeyRange.hashKey(entry.partitionKey()));
            int shard = HashKeyRange.shardOf(stream.ranges(), hashKey);
            List<StoredRecord> shardRecords = records.get(stream.name()).get(shard);
            SequenceNumber sequence = new SequenceNumber(stream.creationMillis(), shard, shardRecords.size());
            shardRecords.add(new StoredRecord(sequence, entry.partitionKey(), entry.data(), clock.instant()));
            written.add(Optional.of(new Written(shard, sequence)));
        }
        return written;
    }

    @Override
    public synchronized Positions positions(Stream stream, int shard)
    {
        return new Positions(0, records.get(stream.name()).get(shard).size());
    }

    @Override
    public synchronized long positionAt(Stream stream, int shard, Instant time)
    {
        List<StoredRecord> shardRecords = records.get(stream.name()).get(shard);
        for (int i = 0; i < shardRecords.size(); i++) {
            if (!shardRecords.get(i).arrival().isBefore(time)) {
                return i;
            }
        }
        return shardRecords.size();
    }

    @Override
    public synchronized Read read(Stream stream, int shard, long position, int limit, long maxBytes)
    {
        List<StoredRecord> shardRecords = records.getOrDefault(stream.name(), List.of()).isEmpty() ? List.of() : records.get(stream.name()).get(shard);
        List<StoredRecord> read = new ArrayList<>();
        long bytes = 0;
        int next = (int) position;
        while (next < shardRecords.size() && read.size() < limit && (read.isEmpty() || bytes + shardRecords.get(next).data().length <= maxBytes)) {
            bytes += shardRecords.get(next).data().length;
            read.add(shardRecords.get(next++));
        }
        return new Read(read, next, shardRecords.size());
    }
}
