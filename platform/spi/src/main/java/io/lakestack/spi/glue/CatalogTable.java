package io.lakestack.spi.glue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A table of the catalog.
 *
 * @param tableType {@code EXTERNAL_TABLE}, {@code MANAGED_TABLE}, {@code VIRTUAL_VIEW}...; empty when none was given
 * @param versionId increases with every update, as Glue's table versions do
 */
public record CatalogTable(
        String databaseName,
        String name,
        Optional<String> description,
        Optional<String> owner,
        Optional<Instant> createTime,
        Optional<Instant> updateTime,
        Optional<Instant> lastAccessTime,
        int retention,
        StorageDescriptor storage,
        List<Column> partitionKeys,
        Optional<String> viewOriginalText,
        Optional<String> viewExpandedText,
        Optional<String> tableType,
        Map<String, String> parameters,
        Optional<String> versionId)
{
    public CatalogTable
    {
        requireNonNull(databaseName, "databaseName is null");
        requireNonNull(name, "name is null");
        requireNonNull(description, "description is null");
        requireNonNull(owner, "owner is null");
        requireNonNull(createTime, "createTime is null");
        requireNonNull(updateTime, "updateTime is null");
        requireNonNull(lastAccessTime, "lastAccessTime is null");
        requireNonNull(storage, "storage is null");
        partitionKeys = List.copyOf(partitionKeys);
        requireNonNull(viewOriginalText, "viewOriginalText is null");
        requireNonNull(viewExpandedText, "viewExpandedText is null");
        requireNonNull(tableType, "tableType is null");
        parameters = Map.copyOf(parameters);
        requireNonNull(versionId, "versionId is null");
    }

    public CatalogTable withStorage(StorageDescriptor newStorage)
    {
        return new CatalogTable(databaseName, name, description, owner, createTime, updateTime, lastAccessTime, retention, newStorage, partitionKeys,
                viewOriginalText, viewExpandedText, tableType, parameters, versionId);
    }

    public CatalogTable withParameters(Map<String, String> newParameters)
    {
        return new CatalogTable(databaseName, name, description, owner, createTime, updateTime, lastAccessTime, retention, storage, partitionKeys,
                viewOriginalText, viewExpandedText, tableType, newParameters, versionId);
    }

    public CatalogTable withPartitionKeys(List<Column> newPartitionKeys)
    {
        return new CatalogTable(databaseName, name, description, owner, createTime, updateTime, lastAccessTime, retention, storage, newPartitionKeys,
                viewOriginalText, viewExpandedText, tableType, parameters, versionId);
    }
}
