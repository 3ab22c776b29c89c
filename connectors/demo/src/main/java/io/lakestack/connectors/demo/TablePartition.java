package io.lakestack.connectors.demo;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A partition of a catalog table.
 *
 * @param values the partition values, in the order of the table's partition keys
 * @param location where its files are, e.g. {@code s3://bucket/orders/dt=2026-11-20/}
 */
public record TablePartition(String database, String table, List<String> values, String location)
{
    public TablePartition
    {
        requireNonNull(database, "database is null");
        requireNonNull(table, "table is null");
        values = List.copyOf(values);
        requireNonNull(location, "location is null");
    }
}
