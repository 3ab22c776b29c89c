package io.lakestack.spi.firehose;

import io.lakestack.spi.ServiceException;
import io.lakestack.spi.kinesis.KinesisStreams;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Firehose streams: their definitions and the records put into them. Every stream is delivered to S3 by a
 * {@link DeliveryRunner} on each lakestack instance; they share the work as the members of one consumer group do.
 *
 * <p>What a caller may rely on: a record {@link #put} returns an id for is durable and will be delivered exactly
 * once (or written under the stream's error prefix); a definition change reaches the delivery on every instance
 * shortly after it returns.
 *
 * <p>Where lakestack differs from Firehose: the destination is S3 only; a {@code KinesisStreamAsSource} stream keeps
 * one buffer per shard (an {@code MSKAsSource} stream one per partition), so it writes one object per shard and interval where Firehose may combine shards.
 */
public interface DeliveryStreams
{
    /**
     * @param region the region of the request that creates the stream, which its ARN names
     * @param source the Kinesis stream a {@code KinesisStreamAsSource} stream reads, from its latest record on
     * @param mskSource the topic an {@code MSKAsSource} stream reads, from its first record at or after the source's
     *         {@code readFromMillis} (from the latest when there is none)
     * @param destination a destination configuration {@link DestinationRules#check} accepted
     * @throws io.lakestack.spi.ServiceException {@code ResourceInUseException} when a stream of that name exists
     */
    DeliveryStream create(String name, String region, String type, Optional<KinesisStreams.Stream> source, Optional<DeliveryStream.MskSource> mskSource,
            Optional<String> roleArn, String destination, Map<String, String> tags);

    Optional<DeliveryStream> find(String name);

    /**
     * @throws io.lakestack.spi.ServiceException {@code ResourceNotFoundException} naming the stream
     */
    DeliveryStream require(String name);

    /** The error an operation on a missing stream is answered with, in Firehose's words. */
    static ServiceException notFound(String name, String accountId)
    {
        return ServiceException.user("ResourceNotFoundException", "Firehose " + name + " under account " + accountId + " not found.");
    }

    /** The error {@link #create} answers when the name is taken, in Firehose's words. */
    static ServiceException inUse(String name, String accountId)
    {
        return ServiceException.user("ResourceInUseException", "Firehose " + name + " under accountId " + accountId + " already exists");
    }

    /**
     * The error {@link #updateDestination} answers when the version id given is not the stream's, in Firehose's words.
     *
     * @param given the version id as the caller gave it (any run of digits, however long)
     */
    static ServiceException versionMismatch(String name, int currentVersion, String given)
    {
        return ServiceException.user("ConcurrentModificationException", "Cannot update firehose: " + name + " since the current version id: "
                + currentVersion + " and specified version id: " + given + " do not match");
    }

    /** Names of every stream, sorted. */
    List<String> names();

    /** Deletes the stream; what its buffers hold is not delivered. */
    void delete(String name);

    /**
     * Replaces the destination; the delivery writes what it buffered under the old one, then goes on under the new.
     *
     * @throws io.lakestack.spi.ServiceException {@code ConcurrentModificationException} when {@code currentVersion}
     *         is not the stream's version
     */
    DeliveryStream updateDestination(String name, int currentVersion, String destination);

    DeliveryStream setTags(String name, Map<String, String> tags);

    /** The ARN a delivery stream of this account has in a region. */
    String arn(String region, String name);

    /**
     * Writes the records of a {@code DirectPut} stream, in order, and returns once each is durable or has failed: each
     * record's id, or empty when it was not written.
     */
    List<Optional<String>> put(DeliveryStream stream, List<byte[]> records);
}
