package io.lakestack.spi.firehose;

import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One Firehose stream as its definition says.
 *
 * @param type {@value #DIRECT_PUT}, {@value #KINESIS_SOURCE} or {@value #MSK_SOURCE}
 * @param version goes up with every {@code UpdateDestination}; every delivered object's name carries it
 * @param sourceTopic the record log the stream delivers from (a Kafka topic): its own for {@code DirectPut}, its
 *         Kinesis stream's for {@code KinesisStreamAsSource}, the MSK topic for {@code MSKAsSource}
 * @param deliveryGroup the consumer group whose members deliver the stream, one buffer per source partition
 * @param sequenceEpochMillis the creation time of the source (the stream, or its Kinesis stream): sequence numbers
 *         and record ids carry it
 * @param mskSource what an {@code MSKAsSource} stream reads, as its {@code MSKSourceConfiguration} gave it
 * @param destination the {@code ExtendedS3DestinationConfiguration} as given (and updated), as JSON, without defaults
 *         filled in
 */
public record DeliveryStream(
        String name,
        String arn,
        String type,
        int version,
        long creationMillis,
        long updateMillis,
        String sourceTopic,
        String deliveryGroup,
        long sequenceEpochMillis,
        Optional<String> kinesisStreamArn,
        Optional<String> roleArn,
        String destination,
        Map<String, String> tags,
        Optional<MskSource> mskSource)
{
    public static final String DIRECT_PUT = "DirectPut";
    public static final String KINESIS_SOURCE = "KinesisStreamAsSource";
    public static final String MSK_SOURCE = "MSKAsSource";
    /** The one destination of a stream, as Firehose names its first. */
    public static final String DESTINATION_ID = "destinationId-000000000001";

    public DeliveryStream
    {
        requireNonNull(name, "name is null");
        requireNonNull(arn, "arn is null");
        requireNonNull(type, "type is null");
        requireNonNull(sourceTopic, "sourceTopic is null");
        requireNonNull(deliveryGroup, "deliveryGroup is null");
        requireNonNull(kinesisStreamArn, "kinesisStreamArn is null");
        requireNonNull(roleArn, "roleArn is null");
        requireNonNull(destination, "destination is null");
        tags = Map.copyOf(tags);
        // a stream kept before MSK sources existed has none
        mskSource = mskSource == null ? Optional.empty() : mskSource;
    }

    /**
     * The topic an {@code MSKAsSource} stream reads, from the first record at or after {@code readFromMillis}.
     *
     * @param clusterArn the MSK cluster's ARN as given
     * @param connectivity {@code PUBLIC} or {@code PRIVATE}, as given
     * @param readFromMillis where the delivery started reading: the {@code ReadFromTimestamp} given, or the creation
     */
    public record MskSource(String clusterArn, String topic, String roleArn, String connectivity, long readFromMillis)
    {
        public MskSource
        {
            requireNonNull(clusterArn, "clusterArn is null");
            requireNonNull(topic, "topic is null");
            requireNonNull(roleArn, "roleArn is null");
            requireNonNull(connectivity, "connectivity is null");
        }
    }

    public DeliveryStream withDestination(String newDestination, long updatedMillis)
    {
        return new DeliveryStream(name, arn, type, version + 1, creationMillis, updatedMillis, sourceTopic, deliveryGroup, sequenceEpochMillis,
                kinesisStreamArn, roleArn, newDestination, tags, mskSource);
    }

    public DeliveryStream withTags(Map<String, String> newTags)
    {
        return new DeliveryStream(name, arn, type, version, creationMillis, updateMillis, sourceTopic, deliveryGroup, sequenceEpochMillis,
                kinesisStreamArn, roleArn, destination, newTags, mskSource);
    }
}
