package io.lakestack.services.glue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.endpoint.json.JsonInput;
import io.lakestack.endpoint.json.JsonProtocolService;
import io.lakestack.spi.glue.CatalogDatabase;
import io.lakestack.spi.glue.CatalogPartition;
import io.lakestack.spi.glue.CatalogTable;
import io.lakestack.spi.glue.Column;
import io.lakestack.spi.glue.SerDeInfo;
import io.lakestack.spi.glue.SortColumn;
import io.lakestack.spi.glue.StorageDescriptor;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Glue's JSON shapes: reading {@code DatabaseInput}, {@code TableInput}, {@code PartitionInput}; writing their outputs. */
final class GlueJson
{
    private GlueJson() {}

    static CatalogDatabase database(JsonInput input)
    {
        return new CatalogDatabase(input.requiredString("Name"), input.string("Description"), input.string("LocationUri"),
                input.stringMap("Parameters"), Optional.empty());
    }

    static CatalogTable table(String database, JsonInput input)
    {
        return new CatalogTable(
                database,
                input.requiredString("Name"),
                input.string("Description"),
                input.string("Owner"),
                Optional.empty(),
                Optional.empty(),
                input.timestamp("LastAccessTime"),
                input.integer("Retention", 0, Integer.MAX_VALUE).orElse(0),
                input.optionalObject("StorageDescriptor").map(GlueJson::storage).orElse(emptyStorage()),
                input.objects("PartitionKeys").stream().map(GlueJson::column).toList(),
                input.string("ViewOriginalText"),
                input.string("ViewExpandedText"),
                input.string("TableType"),
                input.stringMap("Parameters"),
                Optional.empty());
    }

    static CatalogPartition partition(String database, String table, JsonInput input)
    {
        if (!input.hasList("Values")) {
            throw input.missing("Values");
        }
        return new CatalogPartition(database, table, input.strings("Values"), Optional.empty(), input.timestamp("LastAccessTime"),
                input.optionalObject("StorageDescriptor").map(GlueJson::storage).orElse(emptyStorage()), input.stringMap("Parameters"));
    }

    static StorageDescriptor storage(JsonInput input)
    {
        return new StorageDescriptor(
                input.objects("Columns").stream().map(GlueJson::column).toList(),
                input.string("Location"),
                input.string("InputFormat"),
                input.string("OutputFormat"),
                input.bool("Compressed").orElse(false),
                input.integer("NumberOfBuckets", -1, Integer.MAX_VALUE).orElse(0),
                input.optionalObject("SerdeInfo").map(serde -> new SerDeInfo(serde.string("Name"), serde.string("SerializationLibrary"),
                        serde.stringMap("Parameters"))).orElse(SerDeInfo.NONE),
                input.strings("BucketColumns"),
                input.objects("SortColumns").stream().map(sort -> new SortColumn(sort.requiredString("Column"),
                        sort.integer("SortOrder", 0, 1).orElse(1))).toList(),
                input.stringMap("Parameters"),
                input.bool("StoredAsSubDirectories").orElse(false));
    }

    static StorageDescriptor emptyStorage()
    {
        return new StorageDescriptor(List.of(), Optional.empty(), Optional.empty(), Optional.empty(), false, 0, SerDeInfo.NONE, List.of(), List.of(),
                Map.of(), false);
    }

    static Column column(JsonInput input)
    {
        return new Column(input.requiredString("Name"), input.string("Type", "string"), input.string("Comment"), input.stringMap("Parameters"));
    }

    static ObjectNode write(CatalogDatabase database, String catalogId)
    {
        ObjectNode node = JsonProtocolService.JSON.createObjectNode();
        node.put("Name", database.name());
        database.description().ifPresent(description -> node.put("Description", description));
        database.locationUri().ifPresent(location -> node.put("LocationUri", location));
        node.set("Parameters", map(database.parameters()));
        database.createTime().ifPresent(time -> timestamp(node, "CreateTime", time));
        ObjectNode permission = node.putArray("CreateTableDefaultPermissions").addObject();
        permission.putObject("Principal").put("DataLakePrincipalIdentifier", "IAM_ALLOWED_PRINCIPALS");
        permission.putArray("Permissions").add("ALL");
        node.put("CatalogId", catalogId);
        return node;
    }

    static ObjectNode write(CatalogTable table, String catalogId)
    {
        ObjectNode node = JsonProtocolService.JSON.createObjectNode();
        node.put("Name", table.name());
        node.put("DatabaseName", table.databaseName());
        table.description().ifPresent(description -> node.put("Description", description));
        table.owner().ifPresent(owner -> node.put("Owner", owner));
        table.createTime().ifPresent(time -> timestamp(node, "CreateTime", time));
        table.updateTime().or(table::createTime).ifPresent(time -> timestamp(node, "UpdateTime", time));
        table.lastAccessTime().ifPresent(time -> timestamp(node, "LastAccessTime", time));
        node.put("Retention", table.retention());
        node.set("StorageDescriptor", write(table.storage()));
        node.set("PartitionKeys", columns(table.partitionKeys()));
        table.viewOriginalText().ifPresent(text -> node.put("ViewOriginalText", text));
        table.viewExpandedText().ifPresent(text -> node.put("ViewExpandedText", text));
        table.tableType().ifPresent(type -> node.put("TableType", type));
        node.set("Parameters", map(table.parameters()));
        node.put("CreatedBy", "arn:aws:iam::" + catalogId + ":user/lakestack");
        node.put("IsRegisteredWithLakeFormation", false);
        node.put("CatalogId", catalogId);
        table.versionId().ifPresent(version -> node.put("VersionId", version));
        return node;
    }

    static ObjectNode write(CatalogPartition partition, String catalogId)
    {
        ObjectNode node = JsonProtocolService.JSON.createObjectNode();
        ArrayNode values = node.putArray("Values");
        partition.values().forEach(values::add);
        node.put("DatabaseName", partition.databaseName());
        node.put("TableName", partition.tableName());
        partition.creationTime().ifPresent(time -> timestamp(node, "CreationTime", time));
        partition.lastAccessTime().ifPresent(time -> timestamp(node, "LastAccessTime", time));
        node.set("StorageDescriptor", write(partition.storage()));
        node.set("Parameters", map(partition.parameters()));
        node.put("CatalogId", catalogId);
        return node;
    }

    static ObjectNode write(StorageDescriptor storage)
    {
        ObjectNode node = JsonProtocolService.JSON.createObjectNode();
        node.set("Columns", columns(storage.columns()));
        storage.location().ifPresent(location -> node.put("Location", location));
        storage.inputFormat().ifPresent(format -> node.put("InputFormat", format));
        storage.outputFormat().ifPresent(format -> node.put("OutputFormat", format));
        node.put("Compressed", storage.compressed());
        node.put("NumberOfBuckets", storage.numberOfBuckets());
        ObjectNode serde = node.putObject("SerdeInfo");
        storage.serdeInfo().name().ifPresent(name -> serde.put("Name", name));
        storage.serdeInfo().serializationLibrary().ifPresent(library -> serde.put("SerializationLibrary", library));
        serde.set("Parameters", map(storage.serdeInfo().parameters()));
        ArrayNode buckets = node.putArray("BucketColumns");
        storage.bucketColumns().forEach(buckets::add);
        ArrayNode sorts = node.putArray("SortColumns");
        storage.sortColumns().forEach(sort -> sorts.addObject().put("Column", sort.column()).put("SortOrder", sort.sortOrder()));
        node.set("Parameters", map(storage.parameters()));
        node.put("StoredAsSubDirectories", storage.storedAsSubDirectories());
        return node;
    }

    private static ArrayNode columns(List<Column> columns)
    {
        ArrayNode array = JsonProtocolService.JSON.createArrayNode();
        for (Column column : columns) {
            ObjectNode node = array.addObject();
            node.put("Name", column.name());
            node.put("Type", column.type());
            column.comment().ifPresent(comment -> node.put("Comment", comment));
            if (!column.parameters().isEmpty()) {
                node.set("Parameters", map(column.parameters()));
            }
        }
        return array;
    }

    static ObjectNode map(Map<String, String> map)
    {
        ObjectNode node = JsonProtocolService.JSON.createObjectNode();
        map.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> node.put(entry.getKey(), entry.getValue()));
        return node;
    }

    static void timestamp(ObjectNode node, String field, Instant time)
    {
        node.put(field, JsonProtocolService.epochSeconds(time));
    }
}
