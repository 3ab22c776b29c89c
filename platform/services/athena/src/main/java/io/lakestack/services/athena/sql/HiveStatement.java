package io.lakestack.services.athena.sql;

import io.lakestack.spi.glue.Column;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The HiveQL DDL statements Athena accepts, as parsed by {@link HiveDdlParser}. */
public sealed interface HiveStatement
{
    /** A table name, with its database when the statement gives one. */
    record TableName(Optional<String> database, String table)
    {
    }

    /** How rows are encoded: a SerDe class with its properties. */
    record RowFormat(String serde, Map<String, String> properties)
    {
    }

    /** The file format: input and output format classes, and the SerDe that goes with the format when no ROW FORMAT says. */
    record StorageFormat(String inputFormat, String outputFormat, String defaultSerde)
    {
    }

    record CreateTable(
            TableName name,
            boolean external,
            boolean ifNotExists,
            List<Column> columns,
            Optional<String> comment,
            List<Column> partitionedBy,
            List<String> clusteredBy,
            int buckets,
            Optional<RowFormat> rowFormat,
            Optional<StorageFormat> storedAs,
            Optional<String> storedAsName,
            Optional<String> location,
            Map<String, String> properties,
            Optional<String> asQuery)
            implements HiveStatement
    {
    }

    record CreateDatabase(String name, boolean ifNotExists, Optional<String> comment, Optional<String> location, Map<String, String> properties)
            implements HiveStatement
    {
    }

    record DropTable(TableName name, boolean ifExists)
            implements HiveStatement
    {
    }

    record DropDatabase(String name, boolean ifExists, boolean cascade)
            implements HiveStatement
    {
    }

    /** A partition by its key values, in the order the statement gives them, and an optional location. */
    record PartitionSpec(Map<String, String> values, Optional<String> location)
    {
    }

    record AddPartitions(TableName table, boolean ifNotExists, List<PartitionSpec> partitions)
            implements HiveStatement
    {
    }

    record DropPartitions(TableName table, boolean ifExists, List<PartitionSpec> partitions)
            implements HiveStatement
    {
    }

    record SetTableProperties(TableName table, Map<String, String> properties)
            implements HiveStatement
    {
    }

    record AddColumns(TableName table, List<Column> columns, boolean replace)
            implements HiveStatement
    {
    }

    record SetLocation(TableName table, String location)
            implements HiveStatement
    {
    }

    record RepairTable(TableName table)
            implements HiveStatement
    {
    }

    record ShowTables(Optional<String> database, Optional<String> pattern)
            implements HiveStatement
    {
    }

    record ShowDatabases(Optional<String> pattern)
            implements HiveStatement
    {
    }

    record ShowPartitions(TableName table)
            implements HiveStatement
    {
    }

    record ShowCreateTable(TableName table)
            implements HiveStatement
    {
    }

    record ShowColumns(TableName table)
            implements HiveStatement
    {
    }

    record ShowTableProperties(TableName table, Optional<String> property)
            implements HiveStatement
    {
    }

    record Describe(TableName table, boolean formatted)
            implements HiveStatement
    {
    }
}
