package io.lakestack.it.contract;

import io.lakestack.spi.ServiceException;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import static io.lakestack.it.contract.ContractAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract of {@link GlueCatalog}: databases, tables and partitions round trip exactly (names lower-cased, as Glue
 * stores them), list in name order and by page, filter partitions by expression, and fail with Glue's error codes,
 * changing nothing. Where lakestack's catalog (a Hive Metastore) differs from Glue, a {@code supportsX()} flag says so
 * and the test states what each does.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractGlueCatalogContractTest
{
    private static final String TEXT_INPUT = "org.apache.hadoop.mapred.TextInputFormat";
    private static final String TEXT_OUTPUT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";
    private static final String JSON_SERDE = "org.openx.data.jsonserde.JsonSerDe";

    private GlueCatalog catalog;
    private String locations;
    private final String run = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final List<String> databases = new CopyOnWriteArrayList<>();

    protected abstract GlueCatalog createCatalog()
            throws Exception;

    /** A bucket the tables' locations may name. */
    protected abstract String bucket();

    /**
     * Whether column types are checked to be Hive types (a bad one is {@code InvalidInputException}) and kept in their
     * canonical spelling ({@code INTEGER} -> {@code int}), or kept as any string given.
     */
    protected abstract boolean checksColumnTypes();

    /** Whether columns keep their parameters. */
    protected abstract boolean keepsColumnParameters();

    /**
     * Whether locations are kept as given, or must be {@code s3://} URIs (else {@code InvalidInputException}) and lose
     * a trailing {@code /}.
     */
    protected abstract boolean keepsLocationsAsGiven();

    /** Whether a partition created without columns and SerDe takes its table's, or keeps none. */
    protected abstract boolean partitionsInheritTableStorage();

    /** Whether partitions are listed in the order of their values compared as text, or in no stated order. */
    protected abstract boolean listsPartitionsInValueOrder();

    @BeforeAll
    final void createGlueCatalog()
            throws Exception
    {
        catalog = createCatalog();
        locations = "s3://" + bucket() + "/contract/" + run;
    }

    @AfterAll
    final void deleteDatabasesAndClose()
            throws Exception
    {
        if (catalog == null) {
            return;
        }
        for (String database : databases) {
            try {
                catalog.deleteDatabase(database);
            }
            catch (ServiceException e) {
                if (!e.errorCode().equals("EntityNotFoundException")) {
                    throw e;
                }
            }
        }
        if (catalog instanceof AutoCloseable closeable) {
            closeable.close();
        }
        closeResources();
    }

    /** Closes what the subclass opened for its backend, after the databases the suite created are deleted. */
    protected void closeResources()
            throws Exception
    {
    }

    private String newDatabase()
    {
        String name = "contract_" + run + "_" + databases.size();
        catalog.createDatabase(new CatalogDatabase(name, Optional.empty(), Optional.empty(), Map.of(), Optional.empty()));
        databases.add(name);
        return name;
    }

    // databases

    @Test
    void databasesRoundTripUpdateAndDelete()
    {
        String name = "Contract_" + run + "_Db";
        String lower = name.toLowerCase(Locale.ROOT);
        databases.add(lower);
        catalog.createDatabase(new CatalogDatabase(name, Optional.of("orders of the shop"), Optional.of(locations + "/db"), Map.of("team", "data"),
                Optional.empty()));

        CatalogDatabase created = catalog.getDatabase(lower);
        assertThat(created.createTime()).isPresent();
        assertThat(created).isEqualTo(new CatalogDatabase(lower, Optional.of("orders of the shop"), Optional.of(locations + "/db"),
                Map.of("team", "data"), created.createTime()));
        assertThat(catalog.getDatabase(name)).isEqualTo(created);

        assertError(() -> catalog.createDatabase(new CatalogDatabase(name, Optional.empty(), Optional.empty(), Map.of(), Optional.empty())),
                "AlreadyExistsException");
        assertThat(catalog.getDatabase(lower)).isEqualTo(created);

        catalog.updateDatabase(lower, new CatalogDatabase(lower, Optional.of("updated"), Optional.of(locations + "/db2"), Map.of("team", "platform"),
                Optional.empty()));
        assertThat(catalog.getDatabase(lower)).isEqualTo(new CatalogDatabase(lower, Optional.of("updated"), Optional.of(locations + "/db2"),
                Map.of("team", "platform"), created.createTime()));

        catalog.deleteDatabase(lower);
        assertError(() -> catalog.getDatabase(lower), "EntityNotFoundException");
        assertError(() -> catalog.deleteDatabase(lower), "EntityNotFoundException");
        assertError(() -> catalog.updateDatabase(lower, created), "EntityNotFoundException");
    }

    @Test
    void databasesListInNameOrderByPage()
    {
        List<String> mine = List.of(newDatabase(), newDatabase(), newDatabase());
        Page<CatalogDatabase> first = catalog.getDatabases(Optional.empty(), 1);
        assertThat(first.items()).hasSize(1);
        assertThat(first.nextToken()).isPresent();

        List<String> names = collect(token -> catalog.getDatabases(token, 100), CatalogDatabase::name);
        assertThat(names).containsAll(mine).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void deletingADatabaseDeletesItsTables()
    {
        String database = newDatabase();
        catalog.createTable(table(database, "doomed", List.of(Column.of("id", "bigint")), List.of()));
        catalog.deleteDatabase(database);
        assertError(() -> catalog.getTable(database, "doomed"), "EntityNotFoundException");
        assertError(() -> catalog.getTables(database, Optional.empty(), Optional.empty(), 10), "EntityNotFoundException");
    }

    // tables

    @Test
    void aTableRoundTripsExactlyAndUpdatesMoveItsVersionOn()
    {
        String database = newDatabase();
        List<Column> columns = List.of(
                new Column("id", "bigint", Optional.of("order id"), Map.of()),
                Column.of("price", "decimal(10,2)"),
                Column.of("code", "varchar(20)"),
                Column.of("at", "timestamp"),
                Column.of("tags", "array<string>"),
                Column.of("attrs", "map<string,bigint>"),
                new Column("buyer", "struct<name:string,age:int,emails:array<string>>", Optional.of("who bought"), Map.of()));
        StorageDescriptor storage = new StorageDescriptor(columns, Optional.of(locations + "/orders"), Optional.of(TEXT_INPUT), Optional.of(TEXT_OUTPUT),
                false, 4, new SerDeInfo(Optional.of("json"), Optional.of(JSON_SERDE), Map.of("ignore.malformed.json", "true", "paths", "id,price")),
                List.of("id"), List.of(new SortColumn("id", 1)), Map.of("storage.key", "value"), false,
                new SkewedInfo(List.of("code"), List.of("eu", "us"), Map.of("eu", locations + "/orders/code=eu")));
        List<Column> partitionKeys = List.of(new Column("dt", "string", Optional.of("day"), Map.of()), Column.of("hour", "int"));
        CatalogTable given = new CatalogTable(database, "Orders", Optional.of("orders of the shop"), Optional.of("lakestack-contract"), Optional.empty(),
                Optional.empty(), Optional.empty(), 0, storage, partitionKeys, Optional.empty(), Optional.empty(), Optional.of("EXTERNAL_TABLE"),
                Map.of("classification", "json", "custom.key", "custom value"), Optional.empty());
        catalog.createTable(given);

        CatalogTable created = catalog.getTable(database, "orders");
        assertThat(created.createTime()).isPresent();
        assertThat(created.versionId()).isPresent();
        CatalogTable expected = new CatalogTable(database, "orders", given.description(), given.owner(), Optional.empty(), Optional.empty(),
                Optional.empty(), 0, storage, partitionKeys, Optional.empty(), Optional.empty(), Optional.of("EXTERNAL_TABLE"), given.parameters(),
                Optional.empty());
        assertThat(withoutServerFields(created)).isEqualTo(expected);
        assertThat(catalog.getTable(database, "ORDERS")).isEqualTo(created);

        List<Column> moreColumns = new ArrayList<>(columns);
        moreColumns.add(Column.of("note", "string"));
        CatalogTable update = new CatalogTable(database, "orders", Optional.of("updated"), given.owner(), Optional.empty(), Optional.empty(),
                Optional.empty(), 0, storage.withColumns(moreColumns), partitionKeys, Optional.empty(), Optional.empty(), Optional.of("EXTERNAL_TABLE"),
                Map.of("classification", "json", "owner_team", "shop"), Optional.empty());
        catalog.updateTable(update);
        CatalogTable updated = catalog.getTable(database, "orders");
        assertThat(withoutServerFields(updated)).isEqualTo(update);
        assertThat(updated.createTime()).isEqualTo(created.createTime());
        assertThat(Long.parseLong(updated.versionId().orElseThrow())).isEqualTo(Long.parseLong(created.versionId().orElseThrow()) + 1);
    }

    @Test
    void tablesListInNameOrderFilteredByExpressionAndByPage()
    {
        String database = newDatabase();
        for (String name : List.of("orders_b", "customers", "orders_a")) {
            catalog.createTable(table(database, name, List.of(Column.of("id", "bigint")), List.of()));
        }
        assertThat(collect(token -> catalog.getTables(database, Optional.empty(), token, 100), CatalogTable::name))
                .containsExactly("customers", "orders_a", "orders_b");
        assertThat(collect(token -> catalog.getTables(database, Optional.of("orders_.*"), token, 100), CatalogTable::name))
                .containsExactly("orders_a", "orders_b");

        Page<CatalogTable> first = catalog.getTables(database, Optional.empty(), Optional.empty(), 2);
        assertThat(first.items()).extracting(CatalogTable::name).containsExactly("customers", "orders_a");
        assertThat(first.nextToken()).isPresent();
        assertThat(collect(token -> catalog.getTables(database, Optional.empty(), token, 2), CatalogTable::name))
                .containsExactly("customers", "orders_a", "orders_b");
    }

    @Test
    void tableErrorsCarryGlueCodesAndChangeNothing()
    {
        String database = newDatabase();
        String missingDatabase = "contract_" + run + "_missing";
        CatalogTable table = table(database, "kept", List.of(Column.of("id", "bigint")), List.of());
        catalog.createTable(table);

        assertError(() -> catalog.createTable(table), "AlreadyExistsException");
        assertError(() -> catalog.getTable(database, "missing"), "EntityNotFoundException");
        assertError(() -> catalog.getTable(missingDatabase, "kept"), "EntityNotFoundException");
        assertError(() -> catalog.createTable(table(missingDatabase, "t", List.of(Column.of("id", "bigint")), List.of())), "EntityNotFoundException");
        assertError(() -> catalog.updateTable(table(database, "missing", List.of(Column.of("id", "bigint")), List.of())), "EntityNotFoundException");
        assertError(() -> catalog.deleteTable(database, "missing"), "EntityNotFoundException");
        assertError(() -> catalog.getTables(missingDatabase, Optional.empty(), Optional.empty(), 10), "EntityNotFoundException");

        assertThat(collect(token -> catalog.getTables(database, Optional.empty(), token, 100), CatalogTable::name)).containsExactly("kept");
        catalog.deleteTable(database, "kept");
        assertError(() -> catalog.getTable(database, "kept"), "EntityNotFoundException");
    }

    @Test
    void columnTypesAreCheckedAndCanonicalOrKeptAsGiven()
    {
        String database = newDatabase();
        List<Column> spelled = List.of(Column.of("a", "INTEGER"), Column.of("b", "Array< String >"), Column.of("c", "STRUCT<x:INT,y:string>"),
                Column.of("d", "double precision"));
        catalog.createTable(table(database, "spelled", spelled, List.of()));
        List<Column> read = catalog.getTable(database, "spelled").storage().columns();
        List<Column> bad = List.of(Column.of("id", "bigint"), Column.of("x", "strin"));
        if (checksColumnTypes()) {
            assertThat(read).containsExactly(Column.of("a", "int"), Column.of("b", "array<string>"), Column.of("c", "struct<x:int,y:string>"),
                    Column.of("d", "double"));
            assertThatThrownBy(() -> catalog.createTable(table(database, "bad_type", bad, List.of())))
                    .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.errorCode()).isEqualTo("InvalidInputException"))
                    .hasMessageContaining("strin");
            assertError(() -> catalog.getTable(database, "bad_type"), "EntityNotFoundException");
        }
        else {
            assertThat(read).containsExactlyElementsOf(spelled);
            catalog.createTable(table(database, "bad_type", bad, List.of()));
            assertThat(catalog.getTable(database, "bad_type").storage().columns()).containsExactlyElementsOf(bad);
        }
    }

    @Test
    void columnParametersAreKeptOrDropped()
    {
        String database = newDatabase();
        catalog.createTable(table(database, "described", List.of(new Column("id", "bigint", Optional.of("key"), Map.of("pii", "false"))), List.of()));
        assertThat(catalog.getTable(database, "described").storage().columns()).containsExactly(
                new Column("id", "bigint", Optional.of("key"), keepsColumnParameters() ? Map.of("pii", "false") : Map.of()));
    }

    @Test
    void locationsAreKeptAsGivenOrNormalised()
    {
        String database = newDatabase();
        catalog.createTable(table(database, "slashed", List.of(Column.of("id", "bigint")), List.of()).withStorage(
                storage(List.of(Column.of("id", "bigint"))).withLocation(locations + "/slashed/")));
        CatalogTable nonS3 = table(database, "local_path", List.of(Column.of("id", "bigint")), List.of())
                .withStorage(storage(List.of(Column.of("id", "bigint"))).withLocation("/local/path"));
        if (keepsLocationsAsGiven()) {
            assertThat(catalog.getTable(database, "slashed").storage().location()).contains(locations + "/slashed/");
            catalog.createTable(nonS3);
            assertThat(catalog.getTable(database, "local_path").storage().location()).contains("/local/path");
        }
        else {
            assertThat(catalog.getTable(database, "slashed").storage().location()).contains(locations + "/slashed");
            assertThatThrownBy(() -> catalog.createTable(nonS3))
                    .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.errorCode()).isEqualTo("InvalidInputException"))
                    .hasMessageContaining("/local/path");
            assertError(() -> catalog.getTable(database, "local_path"), "EntityNotFoundException");
        }
    }

    // partitions

    @Test
    void aPartitionRoundTripsExactlyUpdatesAndDeletes()
    {
        String database = newDatabase();
        catalog.createTable(partitioned(database, "events"));
        CatalogPartition given = partition(database, "events", "2026-11-20", "9");
        catalog.createPartition(given);

        CatalogPartition created = catalog.getPartition(database, "events", List.of("2026-11-20", "9"));
        assertThat(created.creationTime()).isPresent();
        assertThat(withoutServerFields(created)).isEqualTo(given);

        CatalogPartition update = new CatalogPartition(database, "events", List.of("2026-11-20", "9"), Optional.empty(), Optional.empty(),
                given.storage().withLocation(locations + "/events/moved"), Map.of("source", "update", "rows", "12"));
        catalog.updatePartition(database, "events", List.of("2026-11-20", "9"), update);
        CatalogPartition updated = catalog.getPartition(database, "events", List.of("2026-11-20", "9"));
        assertThat(withoutServerFields(updated)).isEqualTo(update);

        assertError(() -> catalog.createPartition(given), "AlreadyExistsException");
        assertError(() -> catalog.getPartition(database, "events", List.of("2026-11-21", "9")), "EntityNotFoundException");
        assertError(() -> catalog.createPartition(partition(database, "missing", "2026-11-20", "9")), "EntityNotFoundException");
        assertError(() -> catalog.deletePartition(database, "events", List.of("2026-11-21", "9")), "EntityNotFoundException");

        catalog.deletePartition(database, "events", List.of("2026-11-20", "9"));
        assertError(() -> catalog.getPartition(database, "events", List.of("2026-11-20", "9")), "EntityNotFoundException");
    }

    @Test
    void aBatchCreatesWhatItCanAndReportsEachFailure()
    {
        String database = newDatabase();
        catalog.createTable(partitioned(database, "events"));
        catalog.createPartition(partition(database, "events", "2026-11-20", "9"));

        List<BatchError<List<String>>> errors = catalog.createPartitions(database, "events", List.of(
                partition(database, "events", "2026-11-20", "10"),
                partition(database, "events", "2026-11-20", "9"),
                partition(database, "events", "2026-11-21", "9")));
        assertThat(errors).extracting(BatchError::item, BatchError::errorCode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(List.of("2026-11-20", "9"), "AlreadyExistsException"));

        List<CatalogPartition> found = catalog.getPartitions(database, "events", List.of(List.of("2026-11-20", "10"), List.of("2026-12-31", "0"),
                List.of("2026-11-21", "9"), List.of("2026-11-20", "9")));
        assertThat(found).map(this::withoutServerFields).containsExactlyInAnyOrder(
                partition(database, "events", "2026-11-20", "10"),
                partition(database, "events", "2026-11-21", "9"),
                partition(database, "events", "2026-11-20", "9"));
    }

    @Test
    void partitionsAreFilteredByExpressionComparingByTheKeysTypes()
    {
        String database = newDatabase();
        catalog.createTable(partitioned(database, "events"));
        List<CatalogPartition> all = new ArrayList<>();
        for (String day : List.of("2026-11-03", "2026-11-01", "2026-11-02")) {
            for (String hour : List.of("9", "10")) {
                all.add(partition(database, "events", day, hour));
            }
        }
        assertThat(catalog.createPartitions(database, "events", all)).isEmpty();

        // hour is an int: 10 > 9, though '10' < '9' as text
        assertPartitions(database, "dt >= '2026-11-02' AND hour > 9", List.of("2026-11-02", "10"), List.of("2026-11-03", "10"));
        assertPartitions(database, "hour = 9 OR dt = '2026-11-01'", List.of("2026-11-01", "10"), List.of("2026-11-01", "9"),
                List.of("2026-11-02", "9"), List.of("2026-11-03", "9"));
        assertPartitions(database, "dt BETWEEN '2026-11-01' AND '2026-11-02' AND hour IN (10)", List.of("2026-11-01", "10"),
                List.of("2026-11-02", "10"));
        assertPartitions(database, "dt LIKE '2026-11-0%' AND hour < 10", List.of("2026-11-01", "9"), List.of("2026-11-02", "9"),
                List.of("2026-11-03", "9"));
        assertPartitions(database, "dt <> '2026-11-02' AND hour <= 9", List.of("2026-11-01", "9"), List.of("2026-11-03", "9"));

        Page<CatalogPartition> first = catalog.getPartitions(database, "events", Optional.empty(), Optional.empty(), 4);
        assertThat(first.items()).hasSize(4);
        assertThat(first.nextToken()).isPresent();
        List<List<String>> paged = collect(token -> catalog.getPartitions(database, "events", Optional.empty(), token, 4), CatalogPartition::values);
        assertThat(paged).hasSize(6).containsExactlyInAnyOrderElementsOf(all.stream().map(CatalogPartition::values).toList());
        if (listsPartitionsInValueOrder()) {
            // as text: "10" before "9"
            assertThat(paged).containsExactly(List.of("2026-11-01", "10"), List.of("2026-11-01", "9"), List.of("2026-11-02", "10"),
                    List.of("2026-11-02", "9"), List.of("2026-11-03", "10"), List.of("2026-11-03", "9"));
        }

        assertError(() -> catalog.getPartitions(database, "events", Optional.of("hour >>> 1"), Optional.empty(), 10), "InvalidInputException");
    }

    @Test
    void aPartitionWithoutColumnsOrSerDeTakesItsTablesOrNone()
    {
        String database = newDatabase();
        CatalogTable table = partitioned(database, "events");
        catalog.createTable(table);
        StorageDescriptor bare = new StorageDescriptor(List.of(), Optional.of(locations + "/events/bare"), Optional.empty(), Optional.empty(), false, 0,
                SerDeInfo.NONE, List.of(), List.of(), Map.of(), false);
        catalog.createPartition(new CatalogPartition(database, "events", List.of("2026-11-20", "9"), Optional.empty(), Optional.empty(), bare, Map.of()));

        StorageDescriptor read = catalog.getPartition(database, "events", List.of("2026-11-20", "9")).storage();
        if (partitionsInheritTableStorage()) {
            assertThat(read).isEqualTo(table.storage().withLocation(locations + "/events/bare"));
        }
        else {
            assertThat(read).isEqualTo(bare);
        }
    }

    @SafeVarargs
    private void assertPartitions(String database, String expression, List<String>... expected)
    {
        List<List<String>> values = collect(token -> catalog.getPartitions(database, "events", Optional.of(expression), token, 2),
                CatalogPartition::values);
        if (listsPartitionsInValueOrder()) {
            assertThat(values).as(expression).containsExactly(expected);
        }
        else {
            assertThat(values).as(expression).containsExactlyInAnyOrder(expected);
        }
    }

    // building blocks

    private StorageDescriptor storage(List<Column> columns)
    {
        return new StorageDescriptor(columns, Optional.of(locations + "/tables"), Optional.of(TEXT_INPUT), Optional.of(TEXT_OUTPUT), false, 0,
                new SerDeInfo(Optional.empty(), Optional.of(JSON_SERDE), Map.of()), List.of(), List.of(), Map.of(), false);
    }

    private CatalogTable table(String database, String name, List<Column> columns, List<Column> partitionKeys)
    {
        return new CatalogTable(database, name, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 0,
                storage(columns), partitionKeys, Optional.empty(), Optional.empty(), Optional.of("EXTERNAL_TABLE"), Map.of("classification", "json"),
                Optional.empty());
    }

    private CatalogTable partitioned(String database, String name)
    {
        return table(database, name, List.of(Column.of("id", "bigint"), Column.of("payload", "string")), List.of(Column.of("dt", "string"),
                Column.of("hour", "int"))).withStorage(storage(List.of(Column.of("id", "bigint"), Column.of("payload", "string")))
                .withLocation(locations + "/" + name));
    }

    private CatalogPartition partition(String database, String table, String day, String hour)
    {
        StorageDescriptor storage = new StorageDescriptor(List.of(Column.of("id", "bigint"), Column.of("payload", "string")),
                Optional.of(locations + "/" + table + "/dt=" + day + "/hour=" + hour), Optional.of(TEXT_INPUT), Optional.of(TEXT_OUTPUT), false, 0,
                new SerDeInfo(Optional.empty(), Optional.of(JSON_SERDE), Map.of("ignore.malformed.json", "true")), List.of(), List.of(),
                Map.of("partition.storage", "x"), false);
        return new CatalogPartition(database, table, List.of(day, hour), Optional.empty(), Optional.empty(), storage, Map.of("source", "contract"));
    }

    private CatalogTable withoutServerFields(CatalogTable table)
    {
        return new CatalogTable(table.databaseName(), table.name(), table.description(), table.owner(), Optional.empty(), Optional.empty(),
                Optional.empty(), table.retention(), table.storage(), table.partitionKeys(), table.viewOriginalText(), table.viewExpandedText(),
                table.tableType(), table.parameters(), Optional.empty());
    }

    private CatalogPartition withoutServerFields(CatalogPartition partition)
    {
        return new CatalogPartition(partition.databaseName(), partition.tableName(), partition.values(), Optional.empty(), Optional.empty(),
                partition.storage(), partition.parameters());
    }

    /** Every item of every page, following the tokens. */
    private static <T, R> List<R> collect(Function<Optional<String>, Page<T>> pages, Function<T, R> field)
    {
        List<R> all = new ArrayList<>();
        Optional<String> token = Optional.empty();
        do {
            Page<T> page = pages.apply(token);
            page.items().forEach(item -> all.add(field.apply(item)));
            token = page.nextToken();
        }
        while (token.isPresent());
        return all;
    }
}
