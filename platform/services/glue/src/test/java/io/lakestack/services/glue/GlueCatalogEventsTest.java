package io.lakestack.services.glue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.glue.BatchError;
import io.lakestack.spi.glue.CatalogPartition;
import io.lakestack.spi.glue.CatalogTable;
import io.lakestack.spi.glue.Column;
import io.lakestack.spi.glue.GlueCatalog;
import io.lakestack.spi.glue.SerDeInfo;
import io.lakestack.spi.glue.StorageDescriptor;
import io.lakestack.spi.testing.ManualClock;
import io.lakestack.spi.testing.RecordingEventSink;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Glue Data Catalog events: put after each change the catalog underneath made, in the shapes AWS documents, and never for a change it refused. */
class GlueCatalogEventsTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final StorageDescriptor STORAGE = new StorageDescriptor(List.of(Column.of("id", "string")), Optional.of("s3://data/orders"),
            Optional.empty(), Optional.empty(), false, -1, SerDeInfo.NONE, List.of(), List.of(), Map.of(), false);

    private final RecordingEventSink events = new RecordingEventSink();
    private final List<String> calls = new ArrayList<>();
    private final GlueCatalog underneath = (GlueCatalog) Proxy.newProxyInstance(GlueCatalog.class.getClassLoader(), new Class<?>[] {GlueCatalog.class},
            (proxy, method, arguments) -> {
                calls.add(method.getName());
                return switch (method.getName()) {
                    case "createPartitions" -> List.of(new BatchError<>(List.of("2024", "02"), "AlreadyExistsException", "Partition already exists."));
                    case "deleteTable" -> throw ServiceException.user("EntityNotFoundException", 400, "Table nope not found.");
                    default -> null;
                };
            });
    private final GlueCatalogEvents catalog = new GlueCatalogEvents(underneath, events, "000000000000", "eu-west-1", new ManualClock(1_790_000_000_000L));

    @Test
    void aCreatedTableIsADatabaseStateChange()
            throws Exception
    {
        catalog.createTable(new CatalogTable("Sales", "Orders", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                0, STORAGE, List.of(Column.of("dt", "string")), Optional.empty(), Optional.empty(), Optional.of("EXTERNAL_TABLE"), Map.of(), Optional.empty()));

        assertThat(calls).containsExactly("createTable");
        assertThat(documents("sales")).containsExactly(JSON.readTree("""
                {"version": "0", "detail-type": "Glue Data Catalog Database State Change", "source": "aws.glue", "account": "000000000000",
                 "time": "2026-09-21T14:13:20Z", "region": "eu-west-1", "resources": ["arn:aws:glue:eu-west-1:000000000000:table/sales/orders"],
                 "detail": {"databaseName": "sales", "typeOfChange": "CreateTable", "changedTables": ["orders"]}}"""));
    }

    @Test
    void aBatchOfPartitionsIsATableStateChangeOfThoseCreated()
            throws Exception
    {
        List<CatalogPartition> partitions = List.of(partition("2024", "01"), partition("2024", "02"), partition("2024", "03"));

        assertThat(catalog.createPartitions("sales", "orders", partitions)).hasSize(1);

        assertThat(documents("sales")).containsExactly(JSON.readTree("""
                {"version": "0", "detail-type": "Glue Data Catalog Table State Change", "source": "aws.glue", "account": "000000000000",
                 "time": "2026-09-21T14:13:20Z", "region": "eu-west-1", "resources": ["arn:aws:glue:eu-west-1:000000000000:table/sales/orders"],
                 "detail": {"databaseName": "sales", "changedPartitions": ["[2024, 01]", "[2024, 03]"], "typeOfChange": "BatchCreatePartition",
                  "tableName": "orders"}}"""));
    }

    @Test
    void aRefusedChangePutsNoEvent()
    {
        assertThatThrownBy(() -> catalog.deleteTable("sales", "nope")).isInstanceOf(ServiceException.class).hasMessage("Table nope not found.");

        assertThat(events.published()).isEmpty();
    }

    private static CatalogPartition partition(String year, String month)
    {
        return new CatalogPartition("sales", "orders", List.of(year, month), Optional.empty(), Optional.empty(), STORAGE, Map.of());
    }

    private List<JsonNode> documents(String key)
            throws Exception
    {
        String prefix = "lakestack.events.default " + key + " ";
        List<JsonNode> documents = new ArrayList<>();
        for (String event : events.published()) {
            assertThat(event).startsWith(prefix);
            ObjectNode document = (ObjectNode) JSON.readTree(event.substring(prefix.length()));
            assertThat(document.path("id").asText()).matches("[0-9a-f-]{36}");
            document.remove("id");
            documents.add(document);
        }
        return documents;
    }
}
