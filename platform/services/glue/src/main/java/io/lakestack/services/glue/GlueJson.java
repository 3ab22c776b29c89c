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
import io.lakestack.spi.glue.SkewedInfo;
import io.lakestack.spi.glue.SortColumn;
import io.lakestack.spi.glue.StorageDescriptor;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Glue's JSON shapes: reading {@code DatabaseInput}, {@code TableInput}, {@code PartitionInput}; writing their outputs. */
final class GlueJson
{
    /** Glue's limit on the tags of a resource, and on the length of a tag's key and value. */
    static final int MAX_TAGS = 50;
    static final int MAX_TAG_KEY_LENGTH = 128;
    static final int MAX_TAG_VALUE_LENGTH = 256;

    private GlueJson() {}

    /**
     * The {@code Tags} of a create request, checked as Glue checks them: at most 50, keys of 1 to 128 characters, values
     * of at most 256.
     */
    static Map<String, String> tags(JsonInput input)
    {
        return tags(input, "Tags");
    }

    /** A map of tags as Glue checks one: at most 50, keys of 1 to 128 characters, values of at most 256. */
    static Map<String, String> tags(JsonInput input, String field)
    {
        Map<String, String> tags = input.stringMap(field);
        if (tags.size() > MAX_TAGS) {
            throw input.invalid(field, "(" + tags.size() + " tags)", "Member must have length less than or equal to " + MAX_TAGS);
        }
        tags.forEach((key, value) -> {
            if (key.isEmpty() || key.length() > MAX_TAG_KEY_LENGTH) {
                throw input.invalid(field, key, "Map keys must have length less than or equal to " + MAX_TAG_KEY_LENGTH + " and greater than or equal to 1");
            }
            if (value.length() > MAX_TAG_VALUE_LENGTH) {
                throw input.invalid(field + "." + key, value, "Member must have length less than or equal to " + MAX_TAG_VALUE_LENGTH);
            }
        });
        return tags;
    }

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
                columns(input, "PartitionKeys"),
                input.string("ViewOriginalText"),
                input.string("ViewExpandedText"),
                input.string("TableType"),
                input.stringMap("Parameters"),
                Optional.empty());
    }

    static CatalogPartition partition(String database, String table, JsonInput input)
    {
        if (!input.has("Values")) {
            throw input.missing("Values");
        }
        return new CatalogPartition(database, table, input.strings("Values"), Optional.empty(), input.timestamp("LastAccessTime"),
                input.optionalObject("StorageDescriptor").map(GlueJson::storage).orElse(emptyStorage()), input.stringMap("Parameters"));
    }

    static StorageDescriptor storage(JsonInput input)
    {
        return new StorageDescriptor(
                columns(input, "Columns"),
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
                input.bool("StoredAsSubDirectories").orElse(false),
                input.optionalObject("SkewedInfo").map(skewed -> new SkewedInfo(skewed.strings("SkewedColumnNames"), skewed.strings("SkewedColumnValues"),
                        skewed.stringMap("SkewedColumnValueLocationMaps"))).orElse(SkewedInfo.NONE));
    }

    static StorageDescriptor emptyStorage()
    {
        return new StorageDescriptor(List.of(), Optional.empty(), Optional.empty(), Optional.empty(), false, 0, SerDeInfo.NONE, List.of(), List.of(),
                Map.of(), false);
    }

    /**
     * A list of columns whose names are unique ignoring case, as the metastore keeps them (lower-cased, under a unique
     * key): a repeated name is refused here, naming it, rather than by the metastore's database.
     */
    private static List<Column> columns(JsonInput input, String field)
    {
        List<Column> columns = input.objects(field).stream().map(GlueJson::column).toList();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            String name = columns.get(i).name();
            Integer first = seen.putIfAbsent(name.toLowerCase(Locale.ROOT), i);
            if (first != null) {
                throw input.invalid("Duplicate column '" + name + "' at " + input.pathOf(field) + "." + (i + 1) + ": column " + (first + 1) + " is '"
                        + columns.get(first).name() + "' (the catalog compares column names ignoring case)");
            }
        }
        return columns;
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
        if (!storage.skewedInfo().isEmpty()) {
            ObjectNode skewed = node.putObject("SkewedInfo");
            ArrayNode names = skewed.putArray("SkewedColumnNames");
            storage.skewedInfo().columnNames().forEach(names::add);
            ArrayNode values = skewed.putArray("SkewedColumnValues");
            storage.skewedInfo().columnValues().forEach(values::add);
            skewed.set("SkewedColumnValueLocationMaps", map(storage.skewedInfo().valueLocations()));
        }
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
