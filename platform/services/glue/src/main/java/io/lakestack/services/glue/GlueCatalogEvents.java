package io.lakestack.services.glue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.endpoint.json.JsonProtocolService;
import io.lakestack.spi.eventbridge.EventBuses;
import io.lakestack.spi.events.EventSink;
import io.lakestack.spi.glue.BatchError;
import io.lakestack.spi.glue.CatalogDatabase;
import io.lakestack.spi.glue.CatalogPartition;
import io.lakestack.spi.glue.CatalogTable;
import io.lakestack.spi.glue.GlueCatalog;
import io.lakestack.spi.glue.Page;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * The catalog, putting Glue's Data Catalog events on EventBridge's default bus after each change it makes: a table
 * created or deleted is a {@code Glue Data Catalog Database State Change} ({@code typeOfChange} {@code CreateTable} or
 * {@code DeleteTable}, {@code changedTables}); a table updated, or its partitions created, updated or deleted, a
 * {@code Glue Data Catalog Table State Change} ({@code UpdateTable}, {@code CreatePartition},
 * {@code BatchCreatePartition}, {@code UpdatePartition}, {@code DeletePartition}, with {@code changedPartitions} each
 * written as its values' list, {@code [2024, 01]}), {@code resources} the table's ARN. Every change through it is
 * seen: Glue's API, crawlers and Athena's DDL.
 *
 * <p>Local emulation: the region is the endpoint's; a batch delete of tables or partitions is seen as its single
 * deletes, each its own event; what Trino writes to the metastore itself (CTAS, {@code INSERT} partitions) is not seen.
 * A put that fails is logged and never fails the change.
 */
public final class GlueCatalogEvents
        implements GlueCatalog
{
    static final String DATABASE_DETAIL_TYPE = "Glue Data Catalog Database State Change";
    static final String TABLE_DETAIL_TYPE = "Glue Data Catalog Table State Change";
    private static final Logger log = LoggerFactory.getLogger(GlueCatalogEvents.class);

    private final GlueCatalog catalog;
    private final EventSink sink;
    private final String accountId;
    private final String region;
    private final Clock clock;

    public GlueCatalogEvents(GlueCatalog catalog, EventSink sink, String accountId, String region, Clock clock)
    {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.sink = requireNonNull(sink, "sink is null");
        this.accountId = requireNonNull(accountId, "accountId is null");
        this.region = requireNonNull(region, "region is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public void createDatabase(CatalogDatabase database)
    {
        catalog.createDatabase(database);
    }

    @Override
    public CatalogDatabase getDatabase(String name)
    {
        return catalog.getDatabase(name);
    }

    @Override
    public Page<CatalogDatabase> getDatabases(Optional<String> nextToken, int maxResults)
    {
        return catalog.getDatabases(nextToken, maxResults);
    }

    @Override
    public void updateDatabase(String name, CatalogDatabase database)
    {
        catalog.updateDatabase(name, database);
    }

    @Override
    public void deleteDatabase(String name)
    {
        catalog.deleteDatabase(name);
    }

    @Override
    public void createTable(CatalogTable table)
    {
        catalog.createTable(table);
        databaseChanged(table.databaseName(), "CreateTable", table.name());
    }

    @Override
    public CatalogTable getTable(String database, String name)
    {
        return catalog.getTable(database, name);
    }

    @Override
    public Page<CatalogTable> getTables(String database, Optional<String> expression, Optional<String> nextToken, int maxResults)
    {
        return catalog.getTables(database, expression, nextToken, maxResults);
    }

    @Override
    public void updateTable(CatalogTable table)
    {
        catalog.updateTable(table);
        tableChanged(table.databaseName(), table.name(), "UpdateTable", Optional.empty());
    }

    @Override
    public void deleteTable(String database, String name)
    {
        catalog.deleteTable(database, name);
        databaseChanged(database, "DeleteTable", name);
    }

    @Override
    public void createPartition(CatalogPartition partition)
    {
        catalog.createPartition(partition);
        tableChanged(partition.databaseName(), partition.tableName(), "CreatePartition", Optional.of(List.of(partition.values())));
    }

    @Override
    public List<BatchError<List<String>>> createPartitions(String database, String table, List<CatalogPartition> partitions)
    {
        List<BatchError<List<String>>> errors = catalog.createPartitions(database, table, partitions);
        Set<List<String>> failed = new HashSet<>();
        errors.forEach(error -> failed.add(error.item()));
        List<List<String>> created = partitions.stream().map(CatalogPartition::values).filter(values -> !failed.contains(values)).toList();
        if (!created.isEmpty()) {
            tableChanged(database, table, "BatchCreatePartition", Optional.of(created));
        }
        return errors;
    }

    @Override
    public CatalogPartition getPartition(String database, String table, List<String> values)
    {
        return catalog.getPartition(database, table, values);
    }

    @Override
    public List<CatalogPartition> getPartitions(String database, String table, List<List<String>> values)
    {
        return catalog.getPartitions(database, table, values);
    }

    @Override
    public Page<CatalogPartition> getPartitions(String database, String table, Optional<String> expression, Optional<String> nextToken, int maxResults)
    {
        return catalog.getPartitions(database, table, expression, nextToken, maxResults);
    }

    @Override
    public void updatePartition(String database, String table, List<String> values, CatalogPartition partition)
    {
        catalog.updatePartition(database, table, values, partition);
        tableChanged(database, table, "UpdatePartition", Optional.of(List.of(partition.values())));
    }

    @Override
    public void deletePartition(String database, String table, List<String> values)
    {
        catalog.deletePartition(database, table, values);
        tableChanged(database, table, "DeletePartition", Optional.of(List.of(values)));
    }

    private void databaseChanged(String database, String typeOfChange, String table)
    {
        String databaseName = database.toLowerCase(Locale.ROOT);
        String tableName = table.toLowerCase(Locale.ROOT);
        ObjectNode event = envelope(DATABASE_DETAIL_TYPE, databaseName, tableName);
        ObjectNode detail = event.putObject("detail");
        detail.put("databaseName", databaseName);
        detail.put("typeOfChange", typeOfChange);
        detail.putArray("changedTables").add(tableName);
        publish(databaseName, event);
    }

    private void tableChanged(String database, String table, String typeOfChange, Optional<List<List<String>>> partitions)
    {
        String databaseName = database.toLowerCase(Locale.ROOT);
        String tableName = table.toLowerCase(Locale.ROOT);
        ObjectNode event = envelope(TABLE_DETAIL_TYPE, databaseName, tableName);
        ObjectNode detail = event.putObject("detail");
        detail.put("databaseName", databaseName);
        partitions.ifPresent(values -> {
            ArrayNode changed = detail.putArray("changedPartitions");
            values.forEach(partition -> changed.add(partition.toString()));
        });
        detail.put("typeOfChange", typeOfChange);
        detail.put("tableName", tableName);
        publish(databaseName, event);
    }

    private ObjectNode envelope(String detailType, String database, String table)
    {
        ObjectNode event = JsonProtocolService.JSON.createObjectNode();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", detailType);
        event.put("source", "aws.glue");
        event.put("account", accountId);
        event.put("time", Instant.ofEpochMilli(clock.millis()).truncatedTo(ChronoUnit.SECONDS).toString());
        event.put("region", region);
        event.putArray("resources").add("arn:aws:glue:" + region + ":" + accountId + ":table/" + database + "/" + table);
        return event;
    }

    private void publish(String database, ObjectNode event)
    {
        try {
            sink.publish(EventBuses.kafkaTopic(EventBuses.DEFAULT_BUS), database, event.toString().getBytes(StandardCharsets.UTF_8));
        }
        catch (RuntimeException e) {
            log.error("Glue catalog database {}: its {} event could not be put on the default bus: {}", database, event.path("detail-type").asText(), event, e);
        }
    }
}
