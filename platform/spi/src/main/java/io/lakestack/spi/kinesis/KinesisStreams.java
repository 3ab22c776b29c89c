package io.lakestack.spi.kinesis;

import io.lakestack.spi.ServiceException;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Kinesis data streams: their definitions and their records. A stream has a fixed number of shards; a shard is an
 * ordered, append-only sequence of records, each at a position that only grows.
 *
 * <p>What a caller may rely on: a record {@link #put} returns for is durable and readable by every lakestack
 * instance on the same engines; records of one shard are read in the order they were written; a definition change
 * is visible to its writer at once and to other instances shortly after.
 *
 * <p>Where lakestack differs from Kinesis: shards never split or merge (a shard is a partition of the record log,
 * which keeps its order and hash key range only while it is never split); per-shard throughput limits are not
 * enforced; the arrival time of a record is the time the record log appended it.
 */
public interface KinesisStreams
{
    /** The shards of an on-demand stream, as Kinesis starts one. */
    int ON_DEMAND_SHARDS = 4;

    /**
     * One stream as its definition says.
     *
     * @param mode {@code PROVISIONED} or {@code ON_DEMAND}
     * @param creationMillis when the stream was created; sequence numbers carry it, so that a stream deleted and
     *         created again under the same name does not accept the old stream's sequence numbers
     */
    record Stream(String name, String arn, String mode, int shards, int retentionHours, long creationMillis, Map<String, String> tags)
    {
        public Stream
        {
            requireNonNull(name, "name is null");
            requireNonNull(arn, "arn is null");
            requireNonNull(mode, "mode is null");
            tags = Map.copyOf(tags);
        }

        public List<HashKeyRange> ranges()
        {
            return HashKeyRange.even(shards);
        }

        public Stream withRetentionHours(int hours)
        {
            return new Stream(name, arn, mode, shards, hours, creationMillis, tags);
        }

        public Stream withTags(Map<String, String> newTags)
        {
            return new Stream(name, arn, mode, shards, retentionHours, creationMillis, newTags);
        }
    }

    /** A record to write: its partition key, an explicit hash key if the caller gave one, and its data. */
    record Entry(String partitionKey, Optional<BigInteger> explicitHashKey, byte[] data)
    {
        public Entry
        {
            requireNonNull(partitionKey, "partitionKey is null");
            requireNonNull(explicitHashKey, "explicitHashKey is null");
            requireNonNull(data, "data is null");
        }
    }

    /** Where a written record went. */
    record Written(int shard, SequenceNumber sequenceNumber)
    {
    }

    /** A record as a shard holds it. */
    record StoredRecord(SequenceNumber sequenceNumber, String partitionKey, byte[] data, Instant arrival)
    {
    }

    /** Records read from a shard, the position after the last, and the shard's latest position (where the next write goes). */
    record Read(List<StoredRecord> records, long nextPosition, long latestPosition)
    {
        public Read
        {
            records = List.copyOf(records);
        }
    }

    /** The first position a shard still holds (its trim horizon) and the position its next record will get. */
    record Positions(long trimHorizon, long latest)
    {
    }

    /**
     * Creates a stream with empty shards, in a region: its ARN names that region (the region of the request that
     * created it). Stream names are one namespace across regions.
     *
     * @throws io.lakestack.spi.ServiceException {@code ResourceInUseException} when a stream of that name exists, or is
     *         still being deleted
     */
    Stream create(String name, String region, int shards, String mode, Map<String, String> tags);

    Optional<Stream> find(String name);

    /**
     * @throws io.lakestack.spi.ServiceException {@code ResourceNotFoundException} naming the stream
     */
    Stream require(String name);

    /** The error an operation on a missing stream is answered with, in Kinesis's words. */
    static ServiceException notFound(String name, String accountId)
    {
        return ServiceException.user("ResourceNotFoundException", "Stream " + name + " under account " + accountId + " not found.");
    }

    /** The error {@link #create} answers when the name is taken, in Kinesis's words. */
    static ServiceException inUse(String name, String accountId)
    {
        return ServiceException.user("ResourceInUseException", "Stream " + name + " under account " + accountId + " already exists.");
    }

    /** Names of every stream, sorted. */
    List<String> names();

    /** Deletes the definition and every record of the stream. */
    void delete(String name);

    /** Keeps records for this many hours from now on. */
    Stream setRetention(String name, int hours);

    Stream setTags(String name, Map<String, String> tags);

    /** The ARN a stream of this account has in a region. */
    String arn(String region, String name);

    /**
     * The record log of a stream (a Kafka topic, one partition per shard), for readers that read records directly
     * rather than through GetRecords: Firehose deliveries, Lambda event source mappings.
     */
    String recordLog(String name);

    /** The name of the stream a stream ARN of this account names, whatever its region; empty for anything else. */
    Optional<String> nameOf(String arn);

    /**
     * The stream whose ARN this is: one of that name whose region is the ARN's. An ARN naming another region than the
     * stream's names no stream, as a stream of one region is not found in another on Kinesis.
     */
    default Optional<Stream> findByArn(String arn)
    {
        return nameOf(arn).flatMap(this::find).filter(stream -> stream.arn().equals(arn));
    }

    /**
     * Writes the records, each to the shard its hash key falls in, and returns once every record is durable or has
     * failed; the outcome of each record is in its place, empty when it was not written.
     */
    List<Optional<Written>> put(Stream stream, List<Entry> entries);

    Positions positions(Stream stream, int shard);

    /** The position of the first record that arrived at or after {@code time}; the latest position when none did. */
    long positionAt(Stream stream, int shard, Instant time);

    /**
     * Up to {@code limit} records and {@code maxBytes} of data from {@code position} on (or from the trim horizon when
     * the records there have expired); returns at once when there is nothing to read. The first record comes even when
     * it alone is larger than {@code maxBytes}, so that a reader is never stuck behind it.
     */
    Read read(Stream stream, int shard, long position, int limit, long maxBytes);
}
