package io.lakestack.it.contract;

import io.lakestack.spi.glue.BatchError;
import io.lakestack.spi.glue.CatalogDatabase;
import io.lakestack.spi.glue.CatalogPartition;
import io.lakestack.spi.glue.CatalogTable;
import io.lakestack.spi.glue.Column;
import io.lakestack.spi.glue.GlueCatalog;
import io.lakestack.spi.glue.Page;
import io.lakestack.spi.glue.SerDeInfo;
import io.lakestack.spi.glue.SkewedInfo;
import io.lakestack.spi.glue.SortColumn;
import io.lakestack.spi.glue.StorageDescriptor;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.BatchCreatePartitionResponse;
import software.amazon.awssdk.services.glue.model.BatchGetPartitionResponse;
import software.amazon.awssdk.services.glue.model.Database;
import software.amazon.awssdk.services.glue.model.DatabaseInput;
import software.amazon.awssdk.services.glue.model.GetDatabasesResponse;
import software.amazon.awssdk.services.glue.model.GetPartitionsResponse;
import software.amazon.awssdk.services.glue.model.GetTablesResponse;
import software.amazon.awssdk.services.glue.model.Order;
import software.amazon.awssdk.services.glue.model.Partition;
import software.amazon.awssdk.services.glue.model.PartitionInput;
import software.amazon.awssdk.services.glue.model.PartitionValueList;
import software.amazon.awssdk.services.glue.model.Table;
import software.amazon.awssdk.services.glue.model.TableInput;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.lakestack.it.contract.AwsErrors.call;
import static java.util.Objects.requireNonNull;

/**
 * {@link GlueCatalog} on the AWS Glue Data Catalog, for the contract suite: each call is the Glue API's, the spi's
 * records mapped to the SDK's model field by field (absent numbers and flags as 0 and false, absent texts empty), and
 * Glue's errors turned into {@link io.lakestack.spi.ServiceException}s with the same error codes.
 */
final class AwsGlueCatalog
        implements GlueCatalog, AutoCloseable
{
    /** BatchCreatePartition takes up to 100 partitions, BatchGetPartition up to 1,000 keys. */
    private static final int CREATE_BATCH = 100;
    private static final int GET_BATCH = 1_000;

    private final GlueClient glue;

    AwsGlueCatalog(GlueClient glue)
    {
        this.glue = requireNonNull(glue, "glue is null");
    }

    // databases

    @Override
    public void createDatabase(CatalogDatabase database)
    {
        call(() -> glue.createDatabase(request -> request.databaseInput(input(database))));
    }

    @Override
    public CatalogDatabase getDatabase(String name)
    {
        return database(call(() -> glue.getDatabase(request -> request.name(name))).database());
    }

    @Override
    public Page<CatalogDatabase> getDatabases(Optional<String> nextToken, int maxResults)
    {
        GetDatabasesResponse page = call(() -> glue.getDatabases(request -> request.nextToken(nextToken.orElse(null)).maxResults(maxResults)));
        return new Page<>(page.databaseList().stream().map(AwsGlueCatalog::database).toList(), Optional.ofNullable(page.nextToken()));
    }

    @Override
    public void updateDatabase(String name, CatalogDatabase database)
    {
        call(() -> glue.updateDatabase(request -> request.name(name).databaseInput(input(database))));
    }

    @Override
    public void deleteDatabase(String name)
    {
        call(() -> glue.deleteDatabase(request -> request.name(name)));
    }

    // tables

    @Override
    public void createTable(CatalogTable table)
    {
        call(() -> glue.createTable(request -> request.databaseName(table.databaseName()).tableInput(input(table))));
    }

    @Override
    public CatalogTable getTable(String database, String name)
    {
        return table(call(() -> glue.getTable(request -> request.databaseName(database).name(name))).table());
    }

    @Override
    public Page<CatalogTable> getTables(String database, Optional<String> expression, Optional<String> nextToken, int maxResults)
    {
        GetTablesResponse page = call(() -> glue.getTables(request -> request.databaseName(database).expression(expression.orElse(null))
                .nextToken(nextToken.orElse(null)).maxResults(maxResults)));
        return new Page<>(page.tableList().stream().map(AwsGlueCatalog::table).toList(), Optional.ofNullable(page.nextToken()));
    }

    @Override
    public void updateTable(CatalogTable table)
    {
        call(() -> glue.updateTable(request -> request.databaseName(table.databaseName()).tableInput(input(table))));
    }

    @Override
    public void deleteTable(String database, String name)
    {
        call(() -> glue.deleteTable(request -> request.databaseName(database).name(name)));
    }

    // partitions

    @Override
    public void createPartition(CatalogPartition partition)
    {
        call(() -> glue.createPartition(request -> request.databaseName(partition.databaseName()).tableName(partition.tableName())
                .partitionInput(input(partition))));
    }

    @Override
    public List<BatchError<List<String>>> createPartitions(String database, String table, List<CatalogPartition> partitions)
    {
        List<BatchError<List<String>>> errors = new ArrayList<>();
        for (int start = 0; start < partitions.size(); start += CREATE_BATCH) {
            List<PartitionInput> inputs = partitions.subList(start, Math.min(start + CREATE_BATCH, partitions.size())).stream()
                    .map(AwsGlueCatalog::input)
                    .toList();
            BatchCreatePartitionResponse response = call(() -> glue.batchCreatePartition(request -> request.databaseName(database).tableName(table)
                    .partitionInputList(inputs)));
            response.errors().forEach(error -> errors.add(new BatchError<>(List.copyOf(error.partitionValues()), error.errorDetail().errorCode(),
                    String.valueOf(error.errorDetail().errorMessage()))));
        }
        return errors;
    }

    @Override
    public CatalogPartition getPartition(String database, String table, List<String> values)
    {
        return partition(call(() -> glue.getPartition(request -> request.databaseName(database).tableName(table).partitionValues(values))).partition());
    }

    @Override
    public List<CatalogPartition> getPartitions(String database, String table, List<List<String>> values)
    {
        List<CatalogPartition> found = new ArrayList<>();
        List<PartitionValueList> pending = values.stream().map(partition -> PartitionValueList.builder().values(partition).build()).toList();
        while (!pending.isEmpty()) {
            List<PartitionValueList> batch = pending.subList(0, Math.min(GET_BATCH, pending.size()));
            List<PartitionValueList> rest = pending.subList(batch.size(), pending.size());
            BatchGetPartitionResponse response = call(() -> glue.batchGetPartition(request -> request.databaseName(database).tableName(table)
                    .partitionsToGet(batch)));
            response.partitions().stream().map(AwsGlueCatalog::partition).forEach(found::add);
            // keys Glue did not get to this time are asked for again
            List<PartitionValueList> again = new ArrayList<>(response.unprocessedKeys());
            again.addAll(rest);
            pending = again;
        }
        return found;
    }

    @Override
    public Page<CatalogPartition> getPartitions(String database, String table, Optional<String> expression, Optional<String> nextToken, int maxResults)
    {
        GetPartitionsResponse page = call(() -> glue.getPartitions(request -> request.databaseName(database).tableName(table)
                .expression(expression.orElse(null)).nextToken(nextToken.orElse(null)).maxResults(maxResults)));
        return new Page<>(page.partitions().stream().map(AwsGlueCatalog::partition).toList(), Optional.ofNullable(page.nextToken()));
    }

    @Override
    public void updatePartition(String database, String table, List<String> values, CatalogPartition partition)
    {
        call(() -> glue.updatePartition(request -> request.databaseName(database).tableName(table).partitionValueList(values)
                .partitionInput(input(partition))));
    }

    @Override
    public void deletePartition(String database, String table, List<String> values)
    {
        call(() -> glue.deletePartition(request -> request.databaseName(database).tableName(table).partitionValues(values)));
    }

    // to the SDK's model

    private static DatabaseInput input(CatalogDatabase database)
    {
        return DatabaseInput.builder()
                .name(database.name())
                .description(database.description().orElse(null))
                .locationUri(database.locationUri().orElse(null))
                .parameters(database.parameters())
                .build();
    }

    private static TableInput input(CatalogTable table)
    {
        return TableInput.builder()
                .name(table.name())
                .description(table.description().orElse(null))
                .owner(table.owner().orElse(null))
                .lastAccessTime(table.lastAccessTime().orElse(null))
                .retention(table.retention())
                .storageDescriptor(input(table.storage()))
                .partitionKeys(table.partitionKeys().stream().map(AwsGlueCatalog::input).toList())
                .viewOriginalText(table.viewOriginalText().orElse(null))
                .viewExpandedText(table.viewExpandedText().orElse(null))
                .tableType(table.tableType().orElse(null))
                .parameters(table.parameters())
                .build();
    }

    private static PartitionInput input(CatalogPartition partition)
    {
        return PartitionInput.builder()
                .values(partition.values())
                .lastAccessTime(partition.lastAccessTime().orElse(null))
                .storageDescriptor(input(partition.storage()))
                .parameters(partition.parameters())
                .build();
    }

    private static software.amazon.awssdk.services.glue.model.StorageDescriptor input(StorageDescriptor storage)
    {
        return software.amazon.awssdk.services.glue.model.StorageDescriptor.builder()
                .columns(storage.columns().stream().map(AwsGlueCatalog::input).toList())
                .location(storage.location().orElse(null))
                .inputFormat(storage.inputFormat().orElse(null))
                .outputFormat(storage.outputFormat().orElse(null))
                .compressed(storage.compressed())
                .numberOfBuckets(storage.numberOfBuckets())
                .serdeInfo(software.amazon.awssdk.services.glue.model.SerDeInfo.builder()
                        .name(storage.serdeInfo().name().orElse(null))
                        .serializationLibrary(storage.serdeInfo().serializationLibrary().orElse(null))
                        .parameters(storage.serdeInfo().parameters())
                        .build())
                .bucketColumns(storage.bucketColumns())
                .sortColumns(storage.sortColumns().stream().map(sort -> Order.builder().column(sort.column()).sortOrder(sort.sortOrder()).build()).toList())
                .parameters(storage.parameters())
                .storedAsSubDirectories(storage.storedAsSubDirectories())
                .skewedInfo(storage.skewedInfo().isEmpty() ? null : software.amazon.awssdk.services.glue.model.SkewedInfo.builder()
                        .skewedColumnNames(storage.skewedInfo().columnNames())
                        .skewedColumnValues(storage.skewedInfo().columnValues())
                        .skewedColumnValueLocationMaps(storage.skewedInfo().valueLocations())
                        .build())
                .build();
    }

    private static software.amazon.awssdk.services.glue.model.Column input(Column column)
    {
        return software.amazon.awssdk.services.glue.model.Column.builder()
                .name(column.name())
                .type(column.type())
                .comment(column.comment().orElse(null))
                .parameters(column.parameters())
                .build();
    }

    // from the SDK's model

    private static CatalogDatabase database(Database database)
    {
        return new CatalogDatabase(database.name(), Optional.ofNullable(database.description()), Optional.ofNullable(database.locationUri()),
                database.parameters(), Optional.ofNullable(database.createTime()));
    }

    private static CatalogTable table(Table table)
    {
        return new CatalogTable(
                table.databaseName(),
                table.name(),
                Optional.ofNullable(table.description()),
                Optional.ofNullable(table.owner()),
                Optional.ofNullable(table.createTime()),
                Optional.ofNullable(table.updateTime()),
                Optional.ofNullable(table.lastAccessTime()),
                orZero(table.retention()),
                storage(table.storageDescriptor()),
                table.partitionKeys().stream().map(AwsGlueCatalog::column).toList(),
                Optional.ofNullable(table.viewOriginalText()),
                Optional.ofNullable(table.viewExpandedText()),
                Optional.ofNullable(table.tableType()),
                table.parameters(),
                Optional.ofNullable(table.versionId()));
    }

    private static CatalogPartition partition(Partition partition)
    {
        return new CatalogPartition(partition.databaseName(), partition.tableName(), partition.values(), Optional.ofNullable(partition.creationTime()),
                Optional.ofNullable(partition.lastAccessTime()), storage(partition.storageDescriptor()), partition.parameters());
    }

    private static StorageDescriptor storage(software.amazon.awssdk.services.glue.model.StorageDescriptor storage)
    {
        if (storage == null) {
            return new StorageDescriptor(List.of(), Optional.empty(), Optional.empty(), Optional.empty(), false, 0, SerDeInfo.NONE, List.of(), List.of(),
                    Map.of(), false);
        }
        software.amazon.awssdk.services.glue.model.SerDeInfo serde = storage.serdeInfo();
        return new StorageDescriptor(
                storage.columns().stream().map(AwsGlueCatalog::column).toList(),
                Optional.ofNullable(storage.location()),
                Optional.ofNullable(storage.inputFormat()),
                Optional.ofNullable(storage.outputFormat()),
                Boolean.TRUE.equals(storage.compressed()),
                orZero(storage.numberOfBuckets()),
                serde == null ? SerDeInfo.NONE : new SerDeInfo(Optional.ofNullable(serde.name()), Optional.ofNullable(serde.serializationLibrary()),
                        serde.parameters()),
                storage.bucketColumns(),
                storage.sortColumns().stream().map(order -> new SortColumn(order.column(), orZero(order.sortOrder()))).toList(),
                storage.parameters(),
                Boolean.TRUE.equals(storage.storedAsSubDirectories()),
                storage.skewedInfo() == null ? SkewedInfo.NONE : new SkewedInfo(storage.skewedInfo().skewedColumnNames(),
                        storage.skewedInfo().skewedColumnValues(), storage.skewedInfo().skewedColumnValueLocationMaps()));
    }

    private static Column column(software.amazon.awssdk.services.glue.model.Column column)
    {
        return new Column(column.name(), column.type(), Optional.ofNullable(column.comment()), column.parameters());
    }

    private static int orZero(Integer value)
    {
        return value == null ? 0 : value;
    }


    @Override
    public void close()
    {
        glue.close();
    }
}
