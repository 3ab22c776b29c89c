package io.lakestack.services.athena;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.endpoint.json.JsonInput;
import io.lakestack.endpoint.json.JsonProtocolService;
import io.lakestack.spi.OffsetTokens;
import io.lakestack.spi.s3.ObjectStore;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.athena.QueryEngine;
import io.lakestack.spi.glue.CatalogDatabase;
import io.lakestack.spi.glue.CatalogTable;
import io.lakestack.spi.glue.Column;
import io.lakestack.spi.glue.GlueCatalog;
import io.lakestack.spi.glue.Page;
import io.lakestack.spi.cluster.Instances;
import io.lakestack.spi.events.EventSink;
import io.lakestack.spi.store.RecordStores;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Amazon Athena's JSON 1.1 API ({@code AmazonAthena.*}) on Trino: query executions ({@link QueryExecutions}),
 * work groups, named queries and prepared statements ({@link WorkGroups}), and the {@code AwsDataCatalog}'s
 * metadata read from the Glue catalog.
 */
public final class AthenaService
        extends JsonProtocolService
        implements AutoCloseable
{
    /**
     * The largest request body: Athena's largest input is a query string (or a named query's, or a prepared statement's)
     * of at most 262,144 characters, which JSON escaping makes at most 1.5 MiB; 2 MiB keeps every valid request within
     * reach.
     */
    static final long MAX_REQUEST_BYTES = 2L * 1024 * 1024;
    private static final Pattern ANY = Pattern.compile("(?s).*");
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7E]{32,128}");
    private static final Pattern NAMED_QUERY_ID = Pattern.compile("[a-zA-Z0-9-]{1,128}");

    private final WorkGroups workGroups;
    private final QueryExecutions executions;
    private final GlueCatalog catalog;
    private final String accountId;
    private final Clock clock;

    /**
     * @param stores where query history, work groups, named queries and prepared statements are kept
     * @param engine where DML runs; a query that arrives while it is unavailable fails with the reason
     * @param instances the lakestack instances: queries run on the one that started them
     * @param events where each query's state changes are published as EventBridge's {@code Athena Query State Change}
     *         events, on the default bus
     * @param region the region of the events of the primary work group's queries (it is in every region)
     * @param temporaryDirectory where results are written before they go to S3, and recent ones are kept for paging:
     *         a directory of lakestack's own, which its owner clears when it starts (a killed process leaves files behind)
     */
    public AthenaService(RecordStores stores, QueryEngine engine, GlueCatalog catalog, ObjectStore objects, String accountId, Clock clock,
            Instances instances, EventSink events, String region, Path temporaryDirectory)
    {
        super("athena", "AmazonAthena", "InvalidRequestException");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.accountId = requireNonNull(accountId, "accountId is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.workGroups = new WorkGroups(stores, clock);
        // the events are put on a thread of their own, off the queries' path, in the order their states changed
        QueryStateEvents queryEvents = new QueryStateEvents(events, accountId, this::workGroupRegion, region, Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "athena-query-events");
            thread.setDaemon(true);
            return thread;
        }));
        this.executions = new QueryExecutions(stores, engine, new HiveDdlExecutor(catalog, objects), workGroups, objects, clock, instances,
                queryEvents, QueryExecutions.DEFAULT_CONCURRENCY, temporaryDirectory);
        queryOperations();
        workGroupOperations();
        namedQueryOperations();
        preparedStatementOperations();
        catalogOperations();
    }

    @Override
    public OptionalLong maxRequestBytes()
    {
        return OptionalLong.of(MAX_REQUEST_BYTES);
    }

    /** The region a work group was created in; none for the primary work group, and for one deleted meanwhile. */
    private Optional<String> workGroupRegion(String name)
    {
        try {
            return workGroups.get(name).region();
        }
        catch (ServiceException e) {
            return Optional.empty();
        }
    }

    private void queryOperations()
    {
        operation("StartQueryExecution", (input, caller) -> {
            String query = input.requiredString("QueryString", ANY, 262_144);
            if (query.isBlank()) {
                throw input.invalid("QueryString", query, "Member must have length greater than or equal to 1");
            }
            String workGroupName = input.string("WorkGroup", WorkGroups.NAME, 128).orElse(WorkGroups.PRIMARY);
            WorkGroups.WorkGroup workGroup = workGroups.requireEnabled(workGroupName);
            Optional<JsonInput> context = input.optionalObject("QueryExecutionContext");
            Optional<String> database = context.flatMap(value -> value.string("Database", Pattern.compile("[\\u0020-\\uD7FF\\uE000-\\uFFFD\\t]*"), 255));
            Optional<String> catalogName = context.flatMap(value -> value.string("Catalog", Pattern.compile("[\\u0020-\\uD7FF\\uE000-\\uFFFD\\t]*"), 256));
            Optional<String> requestedOutput = input.optionalObject("ResultConfiguration").flatMap(result -> result.string("OutputLocation"));
            String output = WorkGroups.effectiveOutput(workGroup, requestedOutput);
            if (!output.matches("s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?")) {
                throw input.invalid("ResultConfiguration.OutputLocation", output, "Member must be an S3 location: s3://<bucket>/<prefix>/");
            }
            List<String> parameters = input.strings("ExecutionParameters");
            for (String parameter : parameters) {
                if (parameter.isEmpty() || parameter.length() > 1024) {
                    throw input.invalid("ExecutionParameters", parameter, "Member must have length between 1 and 1024");
                }
            }
            Optional<String> token = input.string("ClientRequestToken", TOKEN, 128);
            String id = executions.start(new QueryExecutions.Request(query, workGroupName, database, catalogName, output, parameters, token,
                    workGroup.configuration().bytesScannedCutoff()));
            ObjectNode result = output();
            result.put("QueryExecutionId", id);
            return result;
        });
        operation("GetQueryExecution", (input, caller) -> {
            ObjectNode result = output();
            result.set("QueryExecution", executions.describe(input.requiredString("QueryExecutionId")));
            return result;
        });
        operation("BatchGetQueryExecution", (input, caller) -> {
            List<String> ids = input.strings("QueryExecutionIds");
            if (ids.isEmpty() || ids.size() > 50) {
                throw input.invalid("QueryExecutionIds", String.valueOf(ids.size()), "Member must have length between 1 and 50");
            }
            ObjectNode result = output();
            ArrayNode found = result.putArray("QueryExecutions");
            ArrayNode unprocessed = result.putArray("UnprocessedQueryExecutionIds");
            for (String id : ids) {
                try {
                    found.add(executions.describe(id));
                }
                catch (ServiceException e) {
                    unprocessed.addObject().put("QueryExecutionId", id).put("ErrorCode", e.errorCode()).put("ErrorMessage", e.getMessage());
                }
            }
            return result;
        });
        operation("GetQueryResults", (input, caller) -> {
            String id = input.requiredString("QueryExecutionId");
            int max = input.integer("MaxResults", 1, 1000).orElse(1000);
            QueryExecutions.Results page = executions.results(id, input.string("NextToken"), max);
            ObjectNode result = output();
            page.updateCount().ifPresentOrElse(count -> result.put("UpdateCount", count), () -> result.put("UpdateCount", 0));
            ObjectNode resultSet = result.putObject("ResultSet");
            resultSet.putPOJO("Rows", ResultRows.of(page.rows()));
            resultSet.putObject("ResultSetMetadata").set("ColumnInfo", page.columns());
            page.nextToken().ifPresent(next -> result.put("NextToken", next));
            return result;
        });
        operation("StopQueryExecution", (input, caller) -> {
            executions.stop(input.requiredString("QueryExecutionId"));
            return output();
        });
        operation("ListQueryExecutions", (input, caller) -> {
            String workGroup = input.string("WorkGroup", WorkGroups.NAME, 128).orElse(WorkGroups.PRIMARY);
            workGroups.get(workGroup);
            int max = input.integer("MaxResults", 0, 50).orElse(50);
            OffsetTokens.Slice<String> slice = OffsetTokens.slice(executions.ids(workGroup), input.string("NextToken"), max, "InvalidRequestException");
            ObjectNode result = output();
            ArrayNode ids = result.putArray("QueryExecutionIds");
            slice.items().forEach(ids::add);
            slice.nextToken().ifPresent(next -> result.put("NextToken", next));
            return result;
        });
    }

    private void workGroupOperations()
    {
        operation("CreateWorkGroup", (input, caller) -> {
            workGroups.create(input, caller.region());
            return output();
        });
        operation("GetWorkGroup", (input, caller) -> {
            ObjectNode result = output();
            result.set("WorkGroup", workGroups.describe(input.requiredString("WorkGroup")));
            return result;
        });
        operation("ListWorkGroups", (input, caller) -> {
            int max = input.integer("MaxResults", 1, 50).orElse(50);
            OffsetTokens.Slice<String> slice = OffsetTokens.slice(workGroups.names(), input.string("NextToken"), max, "InvalidRequestException");
            ObjectNode result = output();
            ArrayNode list = result.putArray("WorkGroups");
            slice.items().forEach(name -> list.add(workGroups.summary(name)));
            slice.nextToken().ifPresent(next -> result.put("NextToken", next));
            return result;
        });
        operation("UpdateWorkGroup", (input, caller) -> {
            workGroups.update(input);
            return output();
        });
        operation("DeleteWorkGroup", (input, caller) -> {
            workGroups.delete(input.requiredString("WorkGroup"), input.bool("RecursiveDeleteOption").orElse(false));
            return output();
        });
        operation("TagResource", (input, caller) -> {
            workGroups.tag(input, accountId);
            return output();
        });
        operation("UntagResource", (input, caller) -> {
            workGroups.untag(input, accountId);
            return output();
        });
        operation("ListTagsForResource", (input, caller) -> {
            WorkGroups.WorkGroup workGroup = workGroups.tagged(input, accountId);
            // Athena's smallest page of tags is 75
            int max = input.integer("MaxResults", 75, Integer.MAX_VALUE).orElse(Integer.MAX_VALUE);
            List<Map.Entry<String, String>> tags = List.copyOf(new TreeMap<>(workGroup.tags()).entrySet());
            OffsetTokens.Slice<Map.Entry<String, String>> slice = OffsetTokens.slice(tags, input.string("NextToken"), max, "InvalidRequestException");
            ObjectNode result = output();
            ArrayNode list = result.putArray("Tags");
            slice.items().forEach(tag -> list.addObject().put("Key", tag.getKey()).put("Value", tag.getValue()));
            slice.nextToken().ifPresent(next -> result.put("NextToken", next));
            return result;
        });
    }

    private void namedQueryOperations()
    {
        operation("CreateNamedQuery", (input, caller) -> {
            String workGroup = input.string("WorkGroup", WorkGroups.NAME, 128).orElse(WorkGroups.PRIMARY);
            workGroups.get(workGroup);
            String id = input.string("ClientRequestToken", TOKEN, 128)
                    .map(token -> UUID.nameUUIDFromBytes(("named-query:" + workGroup + ":" + token).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString())
                    .orElseGet(() -> UUID.randomUUID().toString());
            WorkGroups.NamedQuery query = new WorkGroups.NamedQuery(id, input.requiredString("Name", ANY, 128), input.string("Description", ANY, 1024),
                    input.requiredString("Database", ANY, 255), input.requiredString("QueryString", ANY, 262_144), workGroup, clock.millis());
            Optional<WorkGroups.NamedQuery> existing = workGroups.namedQuery(id);
            if (existing.isPresent()) {
                if (!existing.get().sameAs(query)) {
                    throw ServiceException.user("InvalidRequestException", "ClientRequestToken was used for another named query (" + id + ")");
                }
            }
            else {
                workGroups.putNamedQuery(query);
            }
            ObjectNode result = output();
            result.put("NamedQueryId", id);
            return result;
        });
        operation("GetNamedQuery", (input, caller) -> {
            ObjectNode result = output();
            result.set("NamedQuery", namedQuery(input.requiredString("NamedQueryId", NAMED_QUERY_ID, 128)));
            return result;
        });
        operation("BatchGetNamedQuery", (input, caller) -> {
            List<String> ids = input.strings("NamedQueryIds");
            if (ids.isEmpty() || ids.size() > 50) {
                throw input.invalid("NamedQueryIds", String.valueOf(ids.size()), "Member must have length between 1 and 50");
            }
            ObjectNode result = output();
            ArrayNode found = result.putArray("NamedQueries");
            ArrayNode unprocessed = result.putArray("UnprocessedNamedQueryIds");
            for (String id : ids) {
                try {
                    found.add(namedQuery(id));
                }
                catch (ServiceException e) {
                    unprocessed.addObject().put("NamedQueryId", id).put("ErrorCode", e.errorCode()).put("ErrorMessage", e.getMessage());
                }
            }
            return result;
        });
        operation("ListNamedQueries", (input, caller) -> {
            String workGroup = input.string("WorkGroup", WorkGroups.NAME, 128).orElse(WorkGroups.PRIMARY);
            int max = input.integer("MaxResults", 0, 50).orElse(50);
            OffsetTokens.Slice<String> slice = OffsetTokens.slice(workGroups.namedQueryIds(workGroup), input.string("NextToken"), max,
                    "InvalidRequestException");
            ObjectNode result = output();
            ArrayNode ids = result.putArray("NamedQueryIds");
            slice.items().forEach(ids::add);
            slice.nextToken().ifPresent(next -> result.put("NextToken", next));
            return result;
        });
        operation("UpdateNamedQuery", (input, caller) -> {
            String id = input.requiredString("NamedQueryId", NAMED_QUERY_ID, 128);
            WorkGroups.NamedQuery query = storedNamedQuery(id);
            workGroups.putNamedQuery(new WorkGroups.NamedQuery(id, input.requiredString("Name", ANY, 128), input.string("Description", ANY, 1024),
                    query.database(), input.requiredString("QueryString", ANY, 262_144), query.workGroup(), query.createdMillis()));
            return output();
        });
        operation("DeleteNamedQuery", (input, caller) -> {
            String id = input.requiredString("NamedQueryId", NAMED_QUERY_ID, 128);
            storedNamedQuery(id);
            workGroups.deleteNamedQuery(id);
            return output();
        });
    }

    private WorkGroups.NamedQuery storedNamedQuery(String id)
    {
        return workGroups.namedQuery(id).orElseThrow(() -> ServiceException.user("InvalidRequestException", "NamedQuery " + id + " was not found"));
    }

    private ObjectNode namedQuery(String id)
    {
        return WorkGroups.describe(storedNamedQuery(id));
    }

    private void preparedStatementOperations()
    {
        operation("CreatePreparedStatement", (input, caller) -> {
            String workGroup = input.requiredString("WorkGroup", WorkGroups.NAME, 128);
            String name = input.requiredString("StatementName", WorkGroups.STATEMENT_NAME, 256);
            workGroups.putStatement(workGroup, name, preparedQuery(input), input.string("Description", ANY, 1024), true);
            return output();
        });
        operation("UpdatePreparedStatement", (input, caller) -> {
            String workGroup = input.requiredString("WorkGroup", WorkGroups.NAME, 128);
            String name = input.requiredString("StatementName", WorkGroups.STATEMENT_NAME, 256);
            workGroups.putStatement(workGroup, name, preparedQuery(input), input.string("Description", ANY, 1024), false);
            return output();
        });
        operation("GetPreparedStatement", (input, caller) -> {
            ObjectNode result = output();
            result.set("PreparedStatement", WorkGroups.describe(workGroups.requireStatement(input.requiredString("WorkGroup", WorkGroups.NAME, 128),
                    input.requiredString("StatementName", WorkGroups.STATEMENT_NAME, 256))));
            return result;
        });
        operation("BatchGetPreparedStatement", (input, caller) -> {
            String workGroup = input.requiredString("WorkGroup", WorkGroups.NAME, 128);
            List<String> names = input.strings("PreparedStatementNames");
            if (names.isEmpty() || names.size() > 50) {
                throw input.invalid("PreparedStatementNames", String.valueOf(names.size()), "Member must have length between 1 and 50");
            }
            workGroups.get(workGroup);
            ObjectNode result = output();
            ArrayNode found = result.putArray("PreparedStatements");
            ArrayNode unprocessed = result.putArray("UnprocessedPreparedStatementNames");
            for (String name : names) {
                workGroups.statement(workGroup, name).map(WorkGroups::describe).ifPresentOrElse(found::add, () -> unprocessed.addObject().put("StatementName", name)
                        .put("ErrorCode", "ResourceNotFoundException").put("ErrorMessage", "Prepared statement " + name + " was not found in WorkGroup " + workGroup));
            }
            return result;
        });
        operation("ListPreparedStatements", (input, caller) -> {
            String workGroup = input.requiredString("WorkGroup", WorkGroups.NAME, 128);
            int max = input.integer("MaxResults", 1, 50).orElse(50);
            OffsetTokens.Slice<WorkGroups.PreparedStatement> slice = OffsetTokens.slice(workGroups.statements(workGroup), input.string("NextToken"), max,
                    "InvalidRequestException");
            ObjectNode result = output();
            ArrayNode list = result.putArray("PreparedStatements");
            slice.items().forEach(statement -> list.addObject().put("StatementName", statement.name())
                    .put("LastModifiedTime", epochSeconds(java.time.Instant.ofEpochMilli(statement.lastModifiedMillis()))));
            slice.nextToken().ifPresent(next -> result.put("NextToken", next));
            return result;
        });
        operation("DeletePreparedStatement", (input, caller) -> {
            workGroups.deleteStatement(input.requiredString("WorkGroup", WorkGroups.NAME, 128),
                    input.requiredString("StatementName", WorkGroups.STATEMENT_NAME, 256));
            return output();
        });
    }

    private static String preparedQuery(JsonInput input)
    {
        String query = input.requiredString("QueryStatement", ANY, 262_144);
        if (query.isBlank()) {
            throw input.invalid("QueryStatement", query, "Member must have length greater than or equal to 1");
        }
        return query;
    }

    private void catalogOperations()
    {
        operation("ListDataCatalogs", (input, caller) -> {
            ObjectNode result = output();
            result.putArray("DataCatalogsSummary").addObject().put("CatalogName", QueryExecutions.CATALOG).put("Type", "GLUE");
            return result;
        });
        operation("GetDataCatalog", (input, caller) -> {
            checkCatalog(input.requiredString("Name"));
            ObjectNode result = output();
            ObjectNode dataCatalog = result.putObject("DataCatalog");
            dataCatalog.put("Name", QueryExecutions.CATALOG);
            dataCatalog.put("Description", "AWS Glue Data Catalog of lakestack, on its Hive Metastore");
            dataCatalog.put("Type", "GLUE");
            dataCatalog.putObject("Parameters").put("catalog-id", accountId);
            return result;
        });
        operation("ListDatabases", (input, caller) -> {
            checkCatalog(input.requiredString("CatalogName"));
            Page<CatalogDatabase> page = metadata(() -> catalog.getDatabases(input.string("NextToken"), input.integer("MaxResults", 1, 50).orElse(50)));
            ObjectNode result = output();
            ArrayNode list = result.putArray("DatabaseList");
            page.items().forEach(database -> list.add(database(database)));
            page.nextToken().ifPresent(next -> result.put("NextToken", next));
            return result;
        });
        operation("GetDatabase", (input, caller) -> {
            checkCatalog(input.requiredString("CatalogName"));
            ObjectNode result = output();
            result.set("Database", database(metadata(() -> catalog.getDatabase(input.requiredString("DatabaseName")))));
            return result;
        });
        operation("ListTableMetadata", (input, caller) -> {
            checkCatalog(input.requiredString("CatalogName"));
            String database = input.requiredString("DatabaseName");
            Page<CatalogTable> page = metadata(() -> catalog.getTables(database, input.string("Expression", ANY, 256), input.string("NextToken"),
                    input.integer("MaxResults", 1, 50).orElse(50)));
            ObjectNode result = output();
            ArrayNode list = result.putArray("TableMetadataList");
            page.items().forEach(table -> list.add(tableMetadata(table)));
            page.nextToken().ifPresent(next -> result.put("NextToken", next));
            return result;
        });
        operation("GetTableMetadata", (input, caller) -> {
            checkCatalog(input.requiredString("CatalogName"));
            ObjectNode result = output();
            result.set("TableMetadata", tableMetadata(metadata(() -> catalog.getTable(input.requiredString("DatabaseName"), input.requiredString("TableName")))));
            return result;
        });
    }

    private static void checkCatalog(String name)
    {
        if (!name.equalsIgnoreCase(QueryExecutions.CATALOG)) {
            throw ServiceException.user("MetadataException", "Catalog " + name + " was not found; lakestack's Athena has the "
                    + QueryExecutions.CATALOG + " catalog only");
        }
    }

    /** Glue's not-found becomes Athena's MetadataException, as Athena reports catalog lookups. */
    private static <T> T metadata(Supplier<T> lookup)
    {
        try {
            return lookup.get();
        }
        catch (ServiceException e) {
            if (e.errorCode().equals("EntityNotFoundException")) {
                throw ServiceException.user("MetadataException", e.getMessage());
            }
            // the catalog's own validation error (a NextToken it did not issue) is Athena's InvalidRequestException
            if (e.errorCode().equals("InvalidInputException")) {
                throw ServiceException.user("InvalidRequestException", e.getMessage());
            }
            throw e;
        }
    }

    private static ObjectNode database(CatalogDatabase database)
    {
        ObjectNode node = JSON.createObjectNode();
        node.put("Name", database.name());
        database.description().ifPresent(description -> node.put("Description", description));
        ObjectNode parameters = node.putObject("Parameters");
        database.parameters().forEach(parameters::put);
        database.locationUri().ifPresent(location -> parameters.put("location", location));
        return node;
    }

    private static ObjectNode tableMetadata(CatalogTable table)
    {
        ObjectNode node = JSON.createObjectNode();
        node.put("Name", table.name());
        table.createTime().ifPresent(time -> node.put("CreateTime", epochSeconds(time)));
        table.lastAccessTime().ifPresent(time -> node.put("LastAccessTime", epochSeconds(time)));
        table.tableType().ifPresent(type -> node.put("TableType", type));
        columns(node.putArray("Columns"), table.storage().columns());
        columns(node.putArray("PartitionKeys"), table.partitionKeys());
        ObjectNode parameters = node.putObject("Parameters");
        for (Map.Entry<String, String> parameter : table.parameters().entrySet()) {
            parameters.put(parameter.getKey(), parameter.getValue());
        }
        table.storage().location().ifPresent(location -> parameters.put("location", location));
        table.storage().inputFormat().ifPresent(format -> parameters.put("inputformat", format));
        table.storage().outputFormat().ifPresent(format -> parameters.put("outputformat", format));
        table.storage().serdeInfo().serializationLibrary().ifPresent(library -> parameters.put("serde.serialization.lib", library));
        table.storage().serdeInfo().parameters().forEach((key, value) -> parameters.put("serde.param." + key, value));
        return node;
    }

    private static void columns(ArrayNode list, List<Column> columns)
    {
        for (Column column : columns) {
            ObjectNode node = list.addObject();
            node.put("Name", column.name());
            node.put("Type", column.type());
            column.comment().ifPresent(comment -> node.put("Comment", comment));
        }
    }

    @Override
    public void close()
    {
        executions.close();
    }
}
