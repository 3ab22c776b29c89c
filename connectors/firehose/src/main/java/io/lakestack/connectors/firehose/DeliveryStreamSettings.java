package io.lakestack.connectors.firehose;

import static java.util.Objects.requireNonNull;

/**
 * What a delivery needs to know of its Firehose stream.
 *
 * @param arn the stream's ARN, which the Lambda function of its data transformation is told (its region too)
 * @param version the stream's version, in every object name; it goes up with each {@code UpdateDestination}
 * @param sourceTopic the Kafka topic the records are read from
 * @param group the consumer group of the stream's deliveries, which share the topic's partitions
 * @param sequenceEpochMillis the incarnation of the source, encoded in the sequence numbers of error records
 */
public record DeliveryStreamSettings(String name, String arn, int version, String sourceTopic, String group, long sequenceEpochMillis, S3Destination destination)
{
    public DeliveryStreamSettings
    {
        requireNonNull(name, "name is null");
        requireNonNull(arn, "arn is null");
        requireNonNull(sourceTopic, "sourceTopic is null");
        requireNonNull(group, "group is null");
        requireNonNull(destination, "destination is null");
    }
}
