package io.lakestack.services.glue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.endpoint.json.JsonInput;
import io.lakestack.endpoint.json.JsonProtocolService;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.glue.BatchError;
import io.lakestack.spi.glue.CatalogDatabase;
import io.lakestack.spi.glue.CatalogPartition;
import io.lakestack.spi.glue.CatalogTable;
import io.lakestack.spi.glue.GlueCatalog;
import io.lakestack.spi.glue.Page;
import io.lakestack.spi.store.RecordStores;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * AWS Glue's JSON 1.1 API ({@code AWSGlue.*}): the Data Catalog's databases, tables and partitions on a
 * {@link GlueCatalog}, crawlers ({@link GlueCrawlers}), jobs and their runs ({@link GlueJobs}), triggers ({@link GlueTriggers}),
 * workflows and their runs ({@link GlueWorkflows}), and the tags of databases, crawlers, jobs, triggers and workflows ({@link GlueTagging}).
 */
public final class GlueService
        extends JsonProtocolService
{
    private static final Pattern CATALOG_ID = Pattern.compile("\\d{12}");
    /** Glue's single-line string: no line breaks but tabs. */
    static final Pattern SINGLE_LINE = Pattern.compile("[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\t]*");
    /** The longest database or table name Glue takes. */
    static final int MAX_NAME_LENGTH = 255;
    /**
     * The largest request body. Glue documents limits per field, not per request: a column type of up to 131,072
     * characters, a parameter value of up to 512,000, view text of up to 409,600; its largest requests are
     * {@code BatchCreatePartition} (100 partitions, each with its columns) and tables near those field limits, a few
     * MiB. 10 MiB keeps every such request within reach.
     */
    static final long MAX_REQUEST_BYTES = 10L * 1024 * 1024;

    private final GlueCatalog catalog;
    private final String accountId;
    private final GlueTagging tagging;

    public GlueService(GlueCatalog catalog, GlueCrawlers crawlers, GlueJobs jobs, GlueTriggers triggers, GlueWorkflows workflows, RecordStores stores,
            String accountId)
    {
        super("glue", "AWSGlue", "InvalidInputException");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.accountId = requireNonNull(accountId, "accountId is null");
        this.tagging = new GlueTagging(catalog, crawlers, jobs, triggers, workflows, stores, accountId);

        operation("CreateDatabase", (input, caller) -> {
            checkCatalog(input);
            Map<String, String> tags = GlueJson.tags(input);
            CatalogDatabase database = GlueJson.database(input.object("DatabaseInput"));
            catalog.createDatabase(database);
            try {
                tagging.databaseCreated(database.name(), caller.region(), tags);
            }
            catch (RuntimeException e) {
                // a request that fails changes nothing: the client may send it again
                catalog.deleteDatabase(database.name());
                throw e;
            }
            return output();
        });
        operation("GetDatabase", (input, caller) -> {
            checkCatalog(input);
            ObjectNode output = output();
            output.set("Database", GlueJson.write(catalog.getDatabase(name(input, "Name")), accountId));
            return output;
        });
        operation("GetDatabases", (input, caller) -> {
            checkCatalog(input);
            Page<CatalogDatabase> page = catalog.getDatabases(input.string("NextToken"), input.integer("MaxResults", 1, 100).orElse(100));
            ObjectNode output = output();
            ArrayNode list = output.putArray("DatabaseList");
            page.items().forEach(database -> list.add(GlueJson.write(database, accountId)));
            page.nextToken().ifPresent(token -> output.put("NextToken", token));
            return output;
        });
        operation("UpdateDatabase", (input, caller) -> {
            checkCatalog(input);
            catalog.updateDatabase(name(input, "Name"), GlueJson.database(input.object("DatabaseInput")));
            return output();
        });
        operation("DeleteDatabase", (input, caller) -> {
            checkCatalog(input);
            String name = name(input, "Name");
            catalog.deleteDatabase(name);
            tagging.databaseDeleted(name);
            return output();
        });

        operation("CreateTable", (input, caller) -> {
            checkCatalog(input);
            catalog.createTable(GlueJson.table(name(input, "DatabaseName"), input.object("TableInput")));
            return output();
        });
        operation("GetTable", (input, caller) -> {
            checkCatalog(input);
            ObjectNode output = output();
            output.set("Table", GlueJson.write(catalog.getTable(name(input, "DatabaseName"), name(input, "Name")), accountId));
            return output;
        });
        operation("GetTables", (input, caller) -> {
            checkCatalog(input);
            Page<CatalogTable> page = catalog.getTables(name(input, "DatabaseName"), input.string("Expression", SINGLE_LINE, 2048), input.string("NextToken"),
                    input.integer("MaxResults", 1, 100).orElse(100));
            ObjectNode output = output();
            ArrayNode list = output.putArray("TableList");
            page.items().forEach(table -> list.add(GlueJson.write(table, accountId)));
            page.nextToken().ifPresent(token -> output.put("NextToken", token));
            return output;
        });
        operation("UpdateTable", (input, caller) -> {
            checkCatalog(input);
            catalog.updateTable(GlueJson.table(name(input, "DatabaseName"), input.object("TableInput")));
            return output();
        });
        operation("DeleteTable", (input, caller) -> {
            checkCatalog(input);
            catalog.deleteTable(name(input, "DatabaseName"), name(input, "Name"));
            return output();
        });
        operation("BatchDeleteTable", (input, caller) -> {
            checkCatalog(input);
            String database = name(input, "DatabaseName");
            List<String> names = input.strings("TablesToDelete");
            if (names.isEmpty() || names.size() > 100) {
                throw input.invalid("TablesToDelete", String.valueOf(names.size()), "Member must have length between 1 and 100");
            }
            ObjectNode output = output();
            ArrayNode errors = output.putArray("Errors");
            for (String name : names) {
                try {
                    catalog.deleteTable(database, name);
                }
                catch (ServiceException e) {
                    ObjectNode error = errors.addObject();
                    error.put("TableName", name);
                    error.putObject("ErrorDetail").put("ErrorCode", e.errorCode()).put("ErrorMessage", e.getMessage());
                }
            }
            return output;
        });
        operation("GetTableVersions", (input, caller) -> {
            checkCatalog(input);
            CatalogTable table = catalog.getTable(name(input, "DatabaseName"), name(input, "TableName"));
            ObjectNode output = output();
            ObjectNode version = output.putArray("TableVersions").addObject();
            version.set("Table", GlueJson.write(table, accountId));
            version.put("VersionId", table.versionId().orElse("0"));
            return output;
        });
        operation("GetTableVersion", (input, caller) -> {
            checkCatalog(input);
            CatalogTable table = catalog.getTable(name(input, "DatabaseName"), name(input, "TableName"));
            String current = table.versionId().orElse("0");
            Optional<String> requested = input.string("VersionId");
            if (requested.isPresent() && !requested.get().equals(current)) {
                throw ServiceException.user("EntityNotFoundException", 400, "Version " + requested.get() + " of table " + table.databaseName() + "."
                        + table.name() + " not found; lakestack keeps only the current version, " + current + ".");
            }
            ObjectNode output = output();
            ObjectNode version = output.putObject("TableVersion");
            version.set("Table", GlueJson.write(table, accountId));
            version.put("VersionId", current);
            return output;
        });

        operation("CreatePartition", (input, caller) -> {
            checkCatalog(input);
            catalog.createPartition(GlueJson.partition(name(input, "DatabaseName"), name(input, "TableName"), input.object("PartitionInput")));
            return output();
        });
        operation("BatchCreatePartition", (input, caller) -> {
            checkCatalog(input);
            String database = name(input, "DatabaseName");
            String table = name(input, "TableName");
            List<CatalogPartition> partitions = input.objects("PartitionInputList").stream().map(partition -> GlueJson.partition(database, table, partition)).toList();
            if (partitions.isEmpty() || partitions.size() > 100) {
                throw input.invalid("PartitionInputList", String.valueOf(partitions.size()), "Member must have length between 1 and 100");
            }
            return partitionErrors(catalog.createPartitions(database, table, partitions));
        });
        operation("GetPartition", (input, caller) -> {
            checkCatalog(input);
            ObjectNode output = output();
            output.set("Partition", GlueJson.write(catalog.getPartition(name(input, "DatabaseName"), name(input, "TableName"),
                    values(input, "PartitionValues")), accountId));
            return output;
        });
        operation("GetPartitions", (input, caller) -> {
            checkCatalog(input);
            Page<CatalogPartition> page = catalog.getPartitions(name(input, "DatabaseName"), name(input, "TableName"),
                    input.string("Expression", SINGLE_LINE, 2048), input.string("NextToken"), input.integer("MaxResults", 1, 1000).orElse(1000));
            boolean excludeColumns = input.bool("ExcludeColumnSchema").orElse(false);
            ObjectNode output = output();
            ArrayNode list = output.putArray("Partitions");
            for (CatalogPartition partition : page.items()) {
                ObjectNode node = GlueJson.write(partition, accountId);
                if (excludeColumns) {
                    ((ObjectNode) node.get("StorageDescriptor")).putArray("Columns");
                }
                list.add(node);
            }
            page.nextToken().ifPresent(token -> output.put("NextToken", token));
            return output;
        });
        operation("BatchGetPartition", (input, caller) -> {
            checkCatalog(input);
            List<List<String>> requested = new ArrayList<>();
            for (JsonInput entry : input.objects("PartitionsToGet")) {
                requested.add(values(entry, "Values"));
            }
            if (requested.isEmpty() || requested.size() > 1000) {
                throw input.invalid("PartitionsToGet", String.valueOf(requested.size()), "Member must have length between 1 and 1000");
            }
            List<CatalogPartition> found = catalog.getPartitions(name(input, "DatabaseName"), name(input, "TableName"), requested);
            ObjectNode output = output();
            ArrayNode list = output.putArray("Partitions");
            found.forEach(partition -> list.add(GlueJson.write(partition, accountId)));
            output.putArray("UnprocessedKeys");
            return output;
        });
        operation("UpdatePartition", (input, caller) -> {
            checkCatalog(input);
            String database = name(input, "DatabaseName");
            String table = name(input, "TableName");
            catalog.updatePartition(database, table, values(input, "PartitionValueList"), GlueJson.partition(database, table, input.object("PartitionInput")));
            return output();
        });
        operation("DeletePartition", (input, caller) -> {
            checkCatalog(input);
            catalog.deletePartition(name(input, "DatabaseName"), name(input, "TableName"), values(input, "PartitionValues"));
            return output();
        });
        operation("BatchDeletePartition", (input, caller) -> {
            checkCatalog(input);
            String database = name(input, "DatabaseName");
            String table = name(input, "TableName");
            List<BatchError<List<String>>> errors = new ArrayList<>();
            List<JsonInput> entries = input.objects("PartitionsToDelete");
            if (entries.isEmpty() || entries.size() > 25) {
                throw input.invalid("PartitionsToDelete", String.valueOf(entries.size()), "Member must have length between 1 and 25");
            }
            for (JsonInput entry : entries) {
                List<String> values = values(entry, "Values");
                try {
                    catalog.deletePartition(database, table, values);
                }
                catch (ServiceException e) {
                    errors.add(new BatchError<>(values, e.errorCode(), e.getMessage()));
                }
            }
            return partitionErrors(errors);
        });

        crawlers.register(this);
        jobs.register(this);
        triggers.register(this);
        workflows.register(this);
        tagging.register(this);
    }

    @Override
    public OptionalLong maxRequestBytes()
    {
        return OptionalLong.of(MAX_REQUEST_BYTES);
    }

    /** Lets the crawlers, jobs, triggers and tagging add their operations to this service. */
    void register(String name, Operation operation)
    {
        operation(name, operation);
    }

    private static ObjectNode partitionErrors(List<BatchError<List<String>>> errors)
    {
        ObjectNode output = output();
        ArrayNode list = output.putArray("Errors");
        for (BatchError<List<String>> error : errors) {
            ObjectNode node = list.addObject();
            ArrayNode values = node.putArray("PartitionValues");
            error.item().forEach(values::add);
            node.putObject("ErrorDetail").put("ErrorCode", error.errorCode()).put("ErrorMessage", error.errorMessage());
        }
        return output;
    }

    private static List<String> values(JsonInput input, String field)
    {
        if (!input.has(field)) {
            throw input.missing(field);
        }
        return input.strings(field);
    }

    /** A database or table name, of 1 to 255 characters on one line, as Glue takes them. */
    static String name(JsonInput input, String field)
    {
        return input.requiredString(field, SINGLE_LINE, MAX_NAME_LENGTH);
    }

    /**
     * Any account's catalog id names lakestack's one catalog, so that code written with a real account's id (Terraform, CDK, a
     * job's arguments) runs unchanged; an id that is not 12 digits is refused as Glue refuses it.
     */
    private void checkCatalog(JsonInput input)
    {
        Optional<String> catalogId = input.string("CatalogId");
        if (catalogId.isPresent() && !CATALOG_ID.matcher(catalogId.get()).matches()) {
            throw input.invalid("CatalogId", catalogId.get(), "Member must satisfy regular expression pattern: \\d{12}");
        }
    }
}
