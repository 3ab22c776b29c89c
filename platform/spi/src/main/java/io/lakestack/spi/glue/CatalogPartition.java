package io.lakestack.spi.glue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** A partition of a table: its values, in the order of the table's partition keys, and its storage. */
public record CatalogPartition(
        String databaseName,
        String tableName,
        List<String> values,
        Optional<Instant> creationTime,
        Optional<Instant> lastAccessTime,
        StorageDescriptor storage,
        Map<String, String> parameters)
{
    public CatalogPartition
    {
        requireNonNull(databaseName, "databaseName is null");
        requireNonNull(tableName, "tableName is null");
        values = List.copyOf(values);
        requireNonNull(creationTime, "creationTime is null");
        requireNonNull(lastAccessTime, "lastAccessTime is null");
        requireNonNull(storage, "storage is null");
        parameters = Map.copyOf(parameters);
    }
}
