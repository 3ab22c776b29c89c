package io.lakestack.connectors.lambda.events;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A record of a Kafka partition as the pollers see it, whatever it stands for: a Kinesis record (key = partition key,
 * value = data, timestamp = arrival, the partition is the shard) or a Kafka record.
 *
 * @param key null when the record has none
 * @param value null for a tombstone
 * @param timestampType {@code CREATE_TIME} or {@code LOG_APPEND_TIME}
 */
public record StreamRecord(String topic, int partition, long offset, byte[] key, byte[] value, long timestampMillis, String timestampType,
        List<Map.Entry<String, byte[]>> headers)
{
    public StreamRecord
    {
        requireNonNull(topic, "topic is null");
        requireNonNull(timestampType, "timestampType is null");
        headers = List.copyOf(headers);
    }

    /** The size the record's key and value take. */
    public int dataSize()
    {
        return (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
    }
}
