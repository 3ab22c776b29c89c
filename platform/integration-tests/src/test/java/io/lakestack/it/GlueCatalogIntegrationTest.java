package io.lakestack.it;

import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.AlreadyExistsException;
import software.amazon.awssdk.services.glue.model.BatchCreatePartitionResponse;
import software.amazon.awssdk.services.glue.model.BatchDeletePartitionResponse;
import software.amazon.awssdk.services.glue.model.BatchDeleteTableResponse;
import software.amazon.awssdk.services.glue.model.BatchGetPartitionResponse;
import software.amazon.awssdk.services.glue.model.Column;
import software.amazon.awssdk.services.glue.model.Database;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.GetPartitionsResponse;
import software.amazon.awssdk.services.glue.model.GetTablesResponse;
import software.amazon.awssdk.services.glue.model.InvalidInputException;
import software.amazon.awssdk.services.glue.model.Partition;
import software.amazon.awssdk.services.glue.model.PartitionInput;
import software.amazon.awssdk.services.glue.model.PartitionValueList;
import software.amazon.awssdk.services.glue.model.SerDeInfo;
import software.amazon.awssdk.services.glue.model.StorageDescriptor;
import software.amazon.awssdk.services.glue.model.Table;
import software.amazon.awssdk.services.glue.model.TableInput;
import software.amazon.awssdk.services.s3.S3Client;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Glue Data Catalog API on the Hive Metastore, with the AWS SDK v2 Glue client; what it writes, Trino reads. */
@LakestackTest
@Order(10)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GlueCatalogIntegrationTest
{
    private static final String BUCKET = "glue-it";

    private final TestStack stack;
    private GlueClient glue;

    GlueCatalogIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void clients()
    {
        glue = stack.glue();
        try (S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket(BUCKET));
        }
    }

    @AfterAll
    void close()
    {
        glue.close();
    }

    @Test
    void databasesRoundTripAndReportErrorsByName()
    {
        Instant beforeCreate = Instant.now();
        glue.createDatabase(request -> request.databaseInput(input -> input.name("glue_db").description("orders of the shop")
                .locationUri("s3://glue-it/glue_db/").parameters(Map.of("team", "data"))));
        Instant afterCreate = Instant.now();
        Database database = glue.getDatabase(request -> request.name("glue_db")).database();
        assertThat(database.name()).isEqualTo("glue_db");
        assertThat(database.description()).isEqualTo("orders of the shop");
        assertThat(database.locationUri()).isEqualTo("s3://glue-it/glue_db");
        assertThat(database.parameters()).isEqualTo(Map.of("team", "data"));
        assertThat(database.catalogId()).isEqualTo("000000000000");
        // the metastore keeps whole seconds
        assertThat(database.createTime()).isBetween(beforeCreate.truncatedTo(ChronoUnit.SECONDS), afterCreate);

        assertThatThrownBy(() -> glue.createDatabase(request -> request.databaseInput(input -> input.name("glue_db"))))
                .isInstanceOf(AlreadyExistsException.class)
                .hasMessageStartingWith("Database glue_db already exists.");
        assertThatThrownBy(() -> glue.getDatabase(request -> request.name("no_such_db")))
                .isInstanceOfSatisfying(EntityNotFoundException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo("Database no_such_db not found."));
        // a table of a missing database: the database is what Glue reports; a missing table of a database, by its name alone
        assertThatThrownBy(() -> glue.getTable(request -> request.databaseName("no_such_db").name("t")))
                .isInstanceOfSatisfying(EntityNotFoundException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo("Database no_such_db not found."));
        assertThatThrownBy(() -> glue.getTable(request -> request.databaseName("glue_db").name("no_such_table")))
                .isInstanceOfSatisfying(EntityNotFoundException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo("Table no_such_table not found."));
        // any account's catalog id is lakestack's one catalog
        glue.createDatabase(request -> request.catalogId("123456789012").databaseInput(input -> input.name("glue_db_other_catalog")));
        assertThat(glue.getDatabase(request -> request.catalogId("210987654321").name("glue_db_other_catalog")).database().name())
                .isEqualTo("glue_db_other_catalog");
        glue.deleteDatabase(request -> request.catalogId("123456789012").name("glue_db_other_catalog"));
        assertThatThrownBy(() -> glue.getDatabase(request -> request.catalogId("12345").name("glue_db")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("\\d{12}");
        assertThatThrownBy(() -> glue.createDatabase(request -> request.databaseInput(input -> input.name("bad/name"))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("bad/name");

        glue.updateDatabase(request -> request.name("glue_db").databaseInput(input -> input.name("glue_db").description("updated")
                .locationUri("s3://glue-it/glue_db/").parameters(Map.of("team", "platform"))));
        Database updated = glue.getDatabase(request -> request.name("glue_db")).database();
        assertThat(updated.description()).isEqualTo("updated");
        assertThat(updated.parameters()).isEqualTo(Map.of("team", "platform"));
        assertThat(updated.createTime()).isEqualTo(database.createTime());

        glue.createDatabase(request -> request.databaseInput(input -> input.name("glue_db_gone")));
        List<String> names = new ArrayList<>();
        String token = null;
        do {
            String next = token;
            var page = glue.getDatabases(request -> request.maxResults(1).nextToken(next));
            assertThat(page.databaseList()).hasSizeLessThanOrEqualTo(1);
            page.databaseList().forEach(db -> names.add(db.name()));
            token = page.nextToken();
        }
        while (token != null);
        assertThat(names).contains("default", "glue_db", "glue_db_gone").isSorted();
        glue.deleteDatabase(request -> request.name("glue_db_gone"));
        assertThatThrownBy(() -> glue.deleteDatabase(request -> request.name("glue_db_gone")))
                .isInstanceOf(EntityNotFoundException.class)
                .hasMessageStartingWith("Database glue_db_gone not found.");
    }

    @Test
    void tableRoundTripsExactlyAndIsQueryableInTrino()
            throws Exception
    {
        glue.createDatabase(request -> request.databaseInput(input -> input.name("glue_tables")));
        try (S3Client s3 = stack.s3()) {
            s3.putObject(request -> request.bucket(BUCKET).key("tables/typed/dt=2024-05-01/part-0.json"), RequestBody.fromString(
                    "{\"id\":1,\"price\":\"12.50\",\"tags\":[\"a\",\"b\"],\"attrs\":{\"color\":\"red\"},\"buyer\":{\"name\":\"ada\",\"age\":36}}\n"
                            + "{\"id\":2,\"price\":\"3.05\",\"tags\":[],\"attrs\":{},\"buyer\":{\"name\":\"alan\",\"age\":41}}\n"));
        }
        List<Column> columns = List.of(
                Column.builder().name("id").type("bigint").comment("order id").build(),
                Column.builder().name("price").type("decimal(10,2)").build(),
                Column.builder().name("tags").type("array<string>").build(),
                Column.builder().name("attrs").type("map<string,string>").build(),
                Column.builder().name("buyer").type("struct<name:string,age:int>").build());
        StorageDescriptor storage = StorageDescriptor.builder()
                .columns(columns)
                .location("s3://glue-it/tables/typed/")
                .inputFormat("org.apache.hadoop.mapred.TextInputFormat")
                .outputFormat("org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat")
                .serdeInfo(SerDeInfo.builder().serializationLibrary("org.openx.data.jsonserde.JsonSerDe")
                        .parameters(Map.of("ignore.malformed.json", "true")).build())
                .compressed(false)
                .numberOfBuckets(-1)
                .parameters(Map.of("classification", "json"))
                .skewedInfo(skewed -> skewed.skewedColumnNames("id").skewedColumnValues("1", "2")
                        .skewedColumnValueLocationMaps(Map.of("1", "s3://glue-it/tables/typed/id=1")))
                .build();
        TableInput input = TableInput.builder()
                .name("typed")
                .description("typed orders")
                .tableType("EXTERNAL_TABLE")
                .storageDescriptor(storage)
                .partitionKeys(Column.builder().name("dt").type("string").build())
                .parameters(Map.of("classification", "json", "compressionType", "none", "EXTERNAL", "TRUE"))
                .build();
        glue.createTable(request -> request.databaseName("glue_tables").tableInput(input));

        Table table = glue.getTable(request -> request.databaseName("glue_tables").name("typed")).table();
        assertThat(table.name()).isEqualTo("typed");
        assertThat(table.databaseName()).isEqualTo("glue_tables");
        assertThat(table.description()).isEqualTo("typed orders");
        assertThat(table.tableType()).isEqualTo("EXTERNAL_TABLE");
        assertThat(table.parameters()).isEqualTo(Map.of("classification", "json", "compressionType", "none", "EXTERNAL", "TRUE"));
        assertThat(table.partitionKeys()).containsExactly(Column.builder().name("dt").type("string").build());
        assertThat(table.storageDescriptor().columns()).isEqualTo(columns);
        assertThat(table.storageDescriptor().location()).isEqualTo("s3://glue-it/tables/typed");
        assertThat(table.storageDescriptor().inputFormat()).isEqualTo("org.apache.hadoop.mapred.TextInputFormat");
        assertThat(table.storageDescriptor().outputFormat()).isEqualTo("org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat");
        assertThat(table.storageDescriptor().serdeInfo().serializationLibrary()).isEqualTo("org.openx.data.jsonserde.JsonSerDe");
        assertThat(table.storageDescriptor().serdeInfo().parameters()).isEqualTo(Map.of("ignore.malformed.json", "true"));
        assertThat(table.storageDescriptor().parameters()).isEqualTo(Map.of("classification", "json"));
        assertThat(table.storageDescriptor().numberOfBuckets()).isEqualTo(-1);
        assertThat(table.storageDescriptor().skewedInfo()).isEqualTo(storage.skewedInfo());
        assertThat(table.versionId()).isEqualTo("0");

        glue.createPartition(request -> request.databaseName("glue_tables").tableName("typed").partitionInput(PartitionInput.builder()
                .values("2024-05-01")
                .storageDescriptor(storage.toBuilder().location("s3://glue-it/tables/typed/dt=2024-05-01/").build())
                .build()));
        try (Connection trino = stack.trino(); Statement statement = trino.createStatement()) {
            List<String> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery("SELECT id, price, cardinality(tags), element_at(attrs, 'color'), buyer.name, buyer.age, dt "
                    + "FROM awsdatacatalog.glue_tables.typed ORDER BY id")) {
                while (result.next()) {
                    rows.add(result.getLong(1) + "|" + result.getBigDecimal(2) + "|" + result.getInt(3) + "|" + result.getString(4) + "|"
                            + result.getString(5) + "|" + result.getInt(6) + "|" + result.getString(7));
                }
            }
            assertThat(rows).containsExactly("1|12.50|2|red|ada|36|2024-05-01", "2|3.05|0|null|alan|41|2024-05-01");

            // and what Trino creates shows up through Glue, with Glue's type names
            statement.execute("CREATE TABLE awsdatacatalog.glue_tables.from_trino (id bigint, amount real, at timestamp(3), flags array(boolean)) "
                    + "WITH (format = 'PARQUET', external_location = 's3://glue-it/tables/from_trino/')");
        }
        Table fromTrino = glue.getTable(request -> request.databaseName("glue_tables").name("from_trino")).table();
        assertThat(fromTrino.storageDescriptor().columns()).extracting(Column::name, Column::type).containsExactly(
                org.assertj.core.groups.Tuple.tuple("id", "bigint"),
                org.assertj.core.groups.Tuple.tuple("amount", "float"),
                org.assertj.core.groups.Tuple.tuple("at", "timestamp"),
                org.assertj.core.groups.Tuple.tuple("flags", "array<boolean>"));
        assertThat(fromTrino.storageDescriptor().serdeInfo().serializationLibrary()).isEqualTo("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe");
        assertThat(fromTrino.tableType()).isEqualTo("EXTERNAL_TABLE");

        // update: a new column, a new parameter; the version moves on
        glue.updateTable(request -> request.databaseName("glue_tables").tableInput(input.toBuilder()
                .storageDescriptor(storage.toBuilder().columns(new ArrayList<>(columns) {
                    {
                        add(Column.builder().name("note").type("varchar(20)").build());
                    }
                }).build())
                .parameters(Map.of("classification", "json", "compressionType", "none", "EXTERNAL", "TRUE", "owner_team", "shop"))
                .build()));
        Table updated = glue.getTable(request -> request.databaseName("glue_tables").name("typed")).table();
        assertThat(updated.storageDescriptor().columns()).hasSize(6).last().isEqualTo(Column.builder().name("note").type("varchar(20)").build());
        assertThat(updated.parameters()).containsEntry("owner_team", "shop").hasSize(4);
        assertThat(updated.versionId()).isEqualTo("1");
        var versions = glue.getTableVersions(request -> request.databaseName("glue_tables").tableName("typed")).tableVersions();
        assertThat(versions).hasSize(1);
        assertThat(versions.get(0).versionId()).isEqualTo("1");
        assertThat(versions.get(0).table().storageDescriptor().columns()).hasSize(6);

        GetTablesResponse matching = glue.getTables(request -> request.databaseName("glue_tables").expression("typ.*"));
        assertThat(matching.tableList()).extracting(Table::name).containsExactly("typed");
        GetTablesResponse all = glue.getTables(request -> request.databaseName("glue_tables"));
        assertThat(all.tableList()).extracting(Table::name).containsExactly("from_trino", "typed");
    }

    @Test
    void badTablesAreRefusedWithoutLeavingAnythingBehind()
    {
        glue.createDatabase(request -> request.databaseInput(input -> input.name("glue_bad")));
        StorageDescriptor storage = StorageDescriptor.builder()
                .columns(Column.builder().name("id").type("bigint").build(), Column.builder().name("x").type("strin").build())
                .location("s3://glue-it/bad/")
                .build();
        assertThatThrownBy(() -> glue.createTable(request -> request.databaseName("glue_bad").tableInput(input -> input.name("bad_type")
                .storageDescriptor(storage))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("strin")
                .hasMessageContaining("x");
        assertThatThrownBy(() -> glue.createTable(request -> request.databaseName("glue_bad").tableInput(input -> input.name("bad_location")
                .storageDescriptor(storage.toBuilder().columns(Column.builder().name("id").type("bigint").build()).location("/local/path").build()))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("/local/path");
        assertThatThrownBy(() -> glue.createTable(request -> request.databaseName("no_such_db").tableInput(input -> input.name("t")
                .storageDescriptor(storage.toBuilder().columns(Column.builder().name("id").type("bigint").build()).build()))))
                .isInstanceOf(EntityNotFoundException.class)
                .hasMessageContaining("no_such_db");
        assertThat(glue.getTables(request -> request.databaseName("glue_bad")).tableList()).isEmpty();
        assertThatThrownBy(() -> glue.getTable(request -> request.databaseName("glue_bad").name("bad_type")))
                .isInstanceOf(EntityNotFoundException.class)
                .hasMessageStartingWith("Table bad_type not found.");

        glue.createTable(request -> request.databaseName("glue_bad").tableInput(input -> input.name("kept")
                .storageDescriptor(storage.toBuilder().columns(Column.builder().name("id").type("bigint").build()).build())));
        BatchDeleteTableResponse deleted = glue.batchDeleteTable(request -> request.databaseName("glue_bad").tablesToDelete("kept", "never_was"));
        assertThat(deleted.errors()).hasSize(1);
        assertThat(deleted.errors().get(0).tableName()).isEqualTo("never_was");
        assertThat(deleted.errors().get(0).errorDetail().errorCode()).isEqualTo("EntityNotFoundException");
        assertThat(glue.getTables(request -> request.databaseName("glue_bad")).tableList()).isEmpty();
    }

    @Test
    void partitionsPageFilterAndBatch()
    {
        glue.createDatabase(request -> request.databaseInput(input -> input.name("glue_parts")));
        StorageDescriptor storage = StorageDescriptor.builder()
                .columns(Column.builder().name("v").type("string").build())
                .location("s3://glue-it/parts/")
                .inputFormat("org.apache.hadoop.mapred.TextInputFormat")
                .outputFormat("org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat")
                .serdeInfo(SerDeInfo.builder().serializationLibrary("org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe").build())
                .build();
        glue.createTable(request -> request.databaseName("glue_parts").tableInput(input -> input.name("events").tableType("EXTERNAL_TABLE")
                .storageDescriptor(storage)
                .partitionKeys(Column.builder().name("year").type("int").build(), Column.builder().name("region").type("string").build())));

        List<PartitionInput> inputs = new ArrayList<>();
        for (int year = 2020; year < 2025; year++) {
            for (String region : List.of("eu", "us")) {
                inputs.add(PartitionInput.builder().values(String.valueOf(year), region)
                        .storageDescriptor(storage.toBuilder().location("s3://glue-it/parts/year=" + year + "/region=" + region + "/").build())
                        .parameters(Map.of("source", "test"))
                        .build());
            }
        }
        BatchCreatePartitionResponse created = glue.batchCreatePartition(request -> request.databaseName("glue_parts").tableName("events")
                .partitionInputList(inputs));
        assertThat(created.errors()).isEmpty();
        BatchCreatePartitionResponse again = glue.batchCreatePartition(request -> request.databaseName("glue_parts").tableName("events")
                .partitionInputList(inputs.get(0), PartitionInput.builder().values("2030", "eu").storageDescriptor(storage).build()));
        assertThat(again.errors()).hasSize(1);
        assertThat(again.errors().get(0).partitionValues()).containsExactly("2020", "eu");
        assertThat(again.errors().get(0).errorDetail().errorCode()).isEqualTo("AlreadyExistsException");

        Partition one = glue.getPartition(request -> request.databaseName("glue_parts").tableName("events").partitionValues("2022", "us")).partition();
        assertThat(one.values()).containsExactly("2022", "us");
        assertThat(one.storageDescriptor().location()).isEqualTo("s3://glue-it/parts/year=2022/region=us");
        assertThat(one.parameters()).isEqualTo(Map.of("source", "test"));
        assertThat(one.databaseName()).isEqualTo("glue_parts");
        assertThat(one.tableName()).isEqualTo("events");

        // pages of 4 over 11 partitions
        List<List<String>> paged = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String next = token;
            GetPartitionsResponse page = glue.getPartitions(request -> request.databaseName("glue_parts").tableName("events").maxResults(4).nextToken(next));
            assertThat(page.partitions()).hasSizeLessThanOrEqualTo(4);
            page.partitions().forEach(partition -> paged.add(partition.values()));
            token = page.nextToken();
            pages++;
        }
        while (token != null);
        assertThat(pages).isEqualTo(3);
        assertThat(paged).hasSize(11).doesNotHaveDuplicates();

        List<List<String>> filtered = glue.getPartitions(request -> request.databaseName("glue_parts").tableName("events")
                .expression("year >= 2023 AND region = 'eu'")).partitions().stream().map(Partition::values).toList();
        assertThat(filtered).containsExactlyInAnyOrder(List.of("2023", "eu"), List.of("2024", "eu"), List.of("2030", "eu"));
        List<List<String>> inList = glue.getPartitions(request -> request.databaseName("glue_parts").tableName("events")
                .expression("year IN (2020, 2021) AND region <> 'eu'")).partitions().stream().map(Partition::values).toList();
        assertThat(inList).containsExactlyInAnyOrder(List.of("2020", "us"), List.of("2021", "us"));
        assertThatThrownBy(() -> glue.getPartitions(request -> request.databaseName("glue_parts").tableName("events").expression("year >>> 1")))
                .isInstanceOf(InvalidInputException.class);

        BatchGetPartitionResponse batch = glue.batchGetPartition(request -> request.databaseName("glue_parts").tableName("events").partitionsToGet(
                PartitionValueList.builder().values("2021", "eu").build(), PartitionValueList.builder().values("1999", "eu").build()));
        assertThat(batch.partitions()).extracting(Partition::values).containsExactly(List.of("2021", "eu"));

        glue.updatePartition(request -> request.databaseName("glue_parts").tableName("events").partitionValueList("2021", "eu")
                .partitionInput(PartitionInput.builder().values("2021", "eu")
                        .storageDescriptor(storage.toBuilder().location("s3://glue-it/moved/2021-eu/").build())
                        .parameters(Map.of("source", "moved")).build()));
        Partition moved = glue.getPartition(request -> request.databaseName("glue_parts").tableName("events").partitionValues("2021", "eu")).partition();
        assertThat(moved.storageDescriptor().location()).isEqualTo("s3://glue-it/moved/2021-eu");
        assertThat(moved.parameters()).isEqualTo(Map.of("source", "moved"));

        glue.deletePartition(request -> request.databaseName("glue_parts").tableName("events").partitionValues("2030", "eu"));
        assertThatThrownBy(() -> glue.getPartition(request -> request.databaseName("glue_parts").tableName("events").partitionValues("2030", "eu")))
                .isInstanceOf(EntityNotFoundException.class);
        BatchDeletePartitionResponse batchDeleted = glue.batchDeletePartition(request -> request.databaseName("glue_parts").tableName("events")
                .partitionsToDelete(IntStream.of(2020, 2021, 1999).mapToObj(year -> PartitionValueList.builder().values(String.valueOf(year), "us").build())
                        .toList()));
        assertThat(batchDeleted.errors()).hasSize(1);
        assertThat(batchDeleted.errors().get(0).partitionValues()).containsExactly("1999", "us");
        assertThat(glue.getPartitions(request -> request.databaseName("glue_parts").tableName("events")).partitions()).hasSize(8);

        assertThatThrownBy(() -> glue.createPartition(request -> request.databaseName("glue_parts").tableName("events")
                .partitionInput(PartitionInput.builder().values("2025").storageDescriptor(storage).build())))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("2");
    }
}
