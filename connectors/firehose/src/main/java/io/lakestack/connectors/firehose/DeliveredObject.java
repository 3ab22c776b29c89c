package io.lakestack.connectors.firehose;

import static java.util.Objects.requireNonNull;

/**
 * An object a delivery wrote.
 *
 * @param records the records it holds (source records for the backup)
 * @param kind {@code data}, {@code error/<error-output-type>} or {@code backup}
 */
public record DeliveredObject(String bucket, String key, long records, String kind)
{
    public DeliveredObject
    {
        requireNonNull(bucket, "bucket is null");
        requireNonNull(key, "key is null");
        requireNonNull(kind, "kind is null");
    }
}
