package io.lakestack.connectors.firehose;

import static java.util.Objects.requireNonNull;

/**
 * A record as the delivery reads it from Kafka: where it is (partition, offset), when it arrived, its bytes.
 *
 * @param arrivalMillis the record's approximate arrival time (the topic's log-append time)
 */
public record SourceRecord(int partition, long offset, long arrivalMillis, byte[] data)
{
    public SourceRecord
    {
        requireNonNull(data, "data is null");
    }
}
