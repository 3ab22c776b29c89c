package io.lakestack.it;

import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.Column;
import software.amazon.awssdk.services.glue.model.Crawler;
import software.amazon.awssdk.services.glue.model.CrawlerMetrics;
import software.amazon.awssdk.services.glue.model.CrawlerRunningException;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.InvalidInputException;
import software.amazon.awssdk.services.glue.model.CrawlerHistory;
import software.amazon.awssdk.services.glue.model.CrawlsFilter;
import software.amazon.awssdk.services.glue.model.LastCrawlInfo;
import software.amazon.awssdk.services.glue.model.Partition;
import software.amazon.awssdk.services.glue.model.S3Target;
import software.amazon.awssdk.services.glue.model.Table;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * Glue crawlers over objects written through the S3 endpoint: JSON (plain and gzip), CSV, TSV, Parquet and ORC (written
 * by Trino), Hive-style and unnamed partitions, a schema change, unreadable files, and the tables Trino then reads.
 */
@LakestackTest
@Order(11)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GlueCrawlerIntegrationTest
{
    private static final String BUCKET = "crawl-it";
    private static final String ROLE = "arn:aws:iam::000000000000:role/crawler";

    private final TestStack stack;
    private GlueClient glue;
    private S3Client s3;

    GlueCrawlerIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void data()
            throws Exception
    {
        glue = stack.glue();
        s3 = stack.s3();
        s3.createBucket(request -> request.bucket(BUCKET));
        put("json/orders/dt=2024-01-01/part-0.json",
                "{\"id\":1,\"amount\":10,\"customer\":{\"name\":\"ada\",\"vip\":true},\"items\":[\"pen\",\"ink\"]}\n"
                        + "{\"id\":2,\"amount\":2.5,\"customer\":{\"name\":\"alan\",\"vip\":false},\"items\":[]}\n");
        put("json/orders/dt=2024-01-02/part-0.json.gz", gzip(
                "{\"id\":3,\"amount\":7,\"customer\":{\"name\":\"grace\",\"vip\":false},\"items\":[\"pad\"]}\n"));
        put("json/orders/_SUCCESS", "");
        put("csv/people/2024/01/people.csv", "name,age,city\nada,36,London\nalan,41,Wilmslow\n");
        put("csv/people/2024/02/people.csv", "name,age,city\ngrace,85,Arlington\n");
        put("tsv/metrics/m.tsv", "metric\tvalue\tok\ncpu\t0.75\ttrue\nmem\t0.5\tfalse\n");
        try (Connection trino = stack.trino(); Statement statement = trino.createStatement()) {
            statement.execute("CREATE SCHEMA IF NOT EXISTS awsdatacatalog.crawl_source");
            statement.execute("CREATE TABLE awsdatacatalog.crawl_source.pq WITH (format = 'PARQUET', external_location = 's3://crawl-it/columnar/pq/') AS "
                    + "SELECT * FROM (VALUES (BIGINT '1', 'one', DOUBLE '1.5', CAST('12.34' AS decimal(10,2)), DATE '2024-01-01', ARRAY[1, 2]), "
                    + "(BIGINT '2', 'two', DOUBLE '2.5', CAST('0.01' AS decimal(10,2)), DATE '2024-01-02', ARRAY[3])) AS t(id, name, score, price, day, nums)");
            statement.execute("CREATE TABLE awsdatacatalog.crawl_source.orc WITH (format = 'ORC', external_location = 's3://crawl-it/columnar/orc/') AS "
                    + "SELECT * FROM (VALUES (INTEGER '7', CAST('seven' AS varchar), TIMESTAMP '2024-01-01 10:00:00.000', CAST(ROW('x', 1) AS ROW(k varchar, v integer))))"
                    + " AS t(id, name, at, pair)");
            // the source tables go; their files stay for the crawler
            statement.execute("DROP TABLE awsdatacatalog.crawl_source.pq");
            statement.execute("DROP TABLE awsdatacatalog.crawl_source.orc");
        }
        put("columnar/broken/part-0.parquet", "PAR1 this is not a parquet file at all");
        put("junk/blob/data.bin", new String(new byte[] {0, 1, 2, (byte) 0xff, 0, 0x7f, 3, 4}, StandardCharsets.ISO_8859_1));
    }

    @AfterAll
    void close()
    {
        glue.close();
        s3.close();
    }

    @Test
    void crawlsEveryFormatIntoTablesAndPartitionsTrinoReads()
            throws Exception
    {
        glue.createCrawler(request -> request.name("it-all").role(ROLE).databaseName("crawled").tablePrefix("c_")
                .targets(targets -> targets.s3Targets(
                        S3Target.builder().path("s3://crawl-it/json/").build(),
                        S3Target.builder().path("s3://crawl-it/csv/").build(),
                        S3Target.builder().path("s3://crawl-it/tsv/").build(),
                        S3Target.builder().path("s3://crawl-it/columnar/").build(),
                        S3Target.builder().path("s3://crawl-it/junk/").build())));
        Crawler ready = glue.getCrawler(request -> request.name("it-all")).crawler();
        assertThat(ready.stateAsString()).isEqualTo("READY");
        assertThat(ready.lastCrawl()).isNull();

        Crawler done = crawl("it-all");
        assertThat(done.lastCrawl().statusAsString()).isEqualTo("SUCCEEDED");
        assertThat(done.lastCrawl().errorMessage())
                .contains("2 file(s) could not be classified")
                .contains("s3://crawl-it/columnar/broken/part-0.parquet")
                .contains("s3://crawl-it/junk/blob/data.bin");

        assertThat(glue.getTables(request -> request.databaseName("crawled")).tableList()).extracting(Table::name)
                .containsExactly("c_metrics", "c_orc", "c_orders", "c_people", "c_pq");

        Table orders = table("c_orders");
        assertThat(orders.storageDescriptor().columns()).extracting(Column::name, Column::type).containsExactly(
                tuple("id", "int"),
                tuple("amount", "double"),
                tuple("customer", "struct<name:string,vip:boolean>"),
                tuple("items", "array<string>"));
        assertThat(orders.partitionKeys()).extracting(Column::name, Column::type).containsExactly(tuple("dt", "string"));
        assertThat(orders.parameters()).containsEntry("classification", "json").containsEntry("UPDATED_BY_CRAWLER", "it-all");
        assertThat(orders.storageDescriptor().location()).isEqualTo("s3://crawl-it/json/orders");
        assertThat(partitions("c_orders")).extracting(Partition::values).containsExactlyInAnyOrder(List.of("2024-01-01"), List.of("2024-01-02"));

        Table people = table("c_people");
        assertThat(people.storageDescriptor().columns()).extracting(Column::name, Column::type).containsExactly(
                tuple("name", "string"), tuple("age", "bigint"), tuple("city", "string"));
        assertThat(people.partitionKeys()).extracting(Column::name).containsExactly("partition_0", "partition_1");
        assertThat(people.parameters()).containsEntry("classification", "csv").containsEntry("delimiter", ",").containsEntry("skip.header.line.count", "1");
        assertThat(partitions("c_people")).extracting(Partition::values).containsExactlyInAnyOrder(List.of("2024", "01"), List.of("2024", "02"));

        Table metrics = table("c_metrics");
        assertThat(metrics.storageDescriptor().columns()).extracting(Column::name, Column::type).containsExactly(
                tuple("metric", "string"), tuple("value", "double"), tuple("ok", "boolean"));
        assertThat(metrics.parameters()).containsEntry("classification", "csv").containsEntry("delimiter", "\t");

        Table parquet = table("c_pq");
        assertThat(parquet.storageDescriptor().columns()).extracting(Column::name, Column::type).containsExactly(
                tuple("id", "bigint"), tuple("name", "string"), tuple("score", "double"), tuple("price", "decimal(10,2)"), tuple("day", "date"),
                tuple("nums", "array<int>"));
        assertThat(parquet.parameters()).containsEntry("classification", "parquet");
        assertThat(parquet.storageDescriptor().serdeInfo().serializationLibrary()).isEqualTo("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe");

        Table orc = table("c_orc");
        assertThat(orc.storageDescriptor().columns()).extracting(Column::name, Column::type).containsExactly(
                tuple("id", "int"), tuple("name", "string"), tuple("at", "timestamp"), tuple("pair", "struct<k:string,v:int>"));
        assertThat(orc.parameters()).containsEntry("classification", "orc");

        try (Connection trino = stack.trino(); Statement statement = trino.createStatement()) {
            assertThat(rows(statement, "SELECT id, amount, customer.name, cardinality(items), dt FROM awsdatacatalog.crawled.c_orders ORDER BY id"))
                    .containsExactly("1|10.0|ada|2|2024-01-01", "2|2.5|alan|0|2024-01-01", "3|7.0|grace|1|2024-01-02");
            assertThat(rows(statement, "SELECT name, age, city, partition_1 FROM awsdatacatalog.crawled.c_people ORDER BY age"))
                    .containsExactly("ada|36|London|01", "alan|41|Wilmslow|01", "grace|85|Arlington|02");
            assertThat(rows(statement, "SELECT metric, value, ok FROM awsdatacatalog.crawled.c_metrics ORDER BY metric"))
                    .containsExactly("cpu|0.75|true", "mem|0.5|false");
            assertThat(rows(statement, "SELECT id, name, score, price, day, nums FROM awsdatacatalog.crawled.c_pq ORDER BY id"))
                    .containsExactly("1|one|1.5|12.34|2024-01-01|[1, 2]", "2|two|2.5|0.01|2024-01-02|[3]");
            assertThat(rows(statement, "SELECT id, name, CAST(at AS varchar), pair.k, pair.v FROM awsdatacatalog.crawled.c_orc"))
                    .containsExactly("7|seven|2024-01-01 10:00:00.000|x|1");
        }

        CrawlerMetrics metricsOfCrawl = glue.getCrawlerMetrics(request -> request.crawlerNameList("it-all")).crawlerMetricsList().get(0);
        assertThat(metricsOfCrawl.tablesCreated()).isEqualTo(5);
        assertThat(metricsOfCrawl.tablesUpdated()).isEqualTo(0);
        assertThat(metricsOfCrawl.tablesDeleted()).isEqualTo(0);
        assertThat(metricsOfCrawl.medianRuntimeSeconds()).as("median of one crawl").isEqualTo(metricsOfCrawl.lastRuntimeSeconds());

        List<CrawlerHistory> crawls = glue.listCrawls(request -> request.crawlerName("it-all")).crawls();
        assertThat(crawls).hasSize(1);
        assertThat(crawls.get(0).crawlId()).isEqualTo(done.lastCrawl().messagePrefix());
        assertThat(crawls.get(0).stateAsString()).isEqualTo("COMPLETED");
        assertThat(crawls.get(0).startTime()).isEqualTo(done.lastCrawl().startTime());
        assertThat(crawls.get(0).endTime()).isAfterOrEqualTo(crawls.get(0).startTime());
        assertThat(crawls.get(0).summary()).isEqualTo("{\"TABLE\":{\"ADD\":5,\"UPDATE\":0,\"DELETE\":0},\"PARTITION\":{\"ADD\":4}}");
        assertThat(glue.listCrawls(request -> request.crawlerName("it-all").filters(CrawlsFilter.builder().fieldName("STATE").filterOperator("EQ")
                .fieldValue("FAILED").build())).crawls()).isEmpty();
    }

    @Test
    void aNewFieldAddsAColumnAndANewFolderAPartition()
            throws Exception
    {
        put("evolve/events/day=1/a.json", "{\"id\":1,\"kind\":\"click\"}\n");
        glue.createCrawler(request -> request.name("it-evolve").role(ROLE).databaseName("evolving")
                .targets(targets -> targets.s3Targets(S3Target.builder().path("s3://crawl-it/evolve/").build())));
        crawl("it-evolve");
        assertThat(table("evolving", "events").storageDescriptor().columns()).extracting(Column::name).containsExactly("id", "kind");

        // LOG: the next crawl reports, the catalog stays as it is
        glue.updateCrawler(request -> request.name("it-evolve").schemaChangePolicy(policy -> policy.updateBehavior("LOG").deleteBehavior("LOG")));
        put("evolve/events/day=2/b.json", "{\"id\":2,\"kind\":\"view\",\"referrer\":\"search\"}\n");
        crawl("it-evolve");
        assertThat(table("evolving", "events").storageDescriptor().columns()).extracting(Column::name).containsExactly("id", "kind");

        glue.updateCrawler(request -> request.name("it-evolve").schemaChangePolicy(policy -> policy.updateBehavior("UPDATE_IN_DATABASE")
                .deleteBehavior("DEPRECATE_IN_DATABASE")));
        crawl("it-evolve");
        Table evolved = table("evolving", "events");
        assertThat(evolved.storageDescriptor().columns()).extracting(Column::name, Column::type)
                .containsExactly(tuple("id", "int"), tuple("kind", "string"), tuple("referrer", "string"));
        assertThat(glue.getPartitions(request -> request.databaseName("evolving").tableName("events")).partitions())
                .extracting(Partition::values).containsExactlyInAnyOrder(List.of("1"), List.of("2"));
        CrawlerMetrics metrics = glue.getCrawlerMetrics(request -> request.crawlerNameList("it-evolve")).crawlerMetricsList().get(0);
        assertThat(metrics.tablesUpdated()).isEqualTo(1);

        try (Connection trino = stack.trino(); Statement statement = trino.createStatement()) {
            assertThat(rows(statement, "SELECT id, kind, referrer, day FROM awsdatacatalog.evolving.events ORDER BY id"))
                    .containsExactly("1|click|null|1", "2|view|search|2");
        }
    }

    @Test
    void everyFileIsReadUnlessSampleSizeSaysHowManyAndStructsGainFields()
            throws Exception
    {
        // 30 files in one folder; only the last has the field "channel" and the struct field "attributes.tier"
        for (int i = 0; i < 30; i++) {
            put(String.format(java.util.Locale.ROOT, "sampled/contacts/c-%02d.json", i), i < 29
                    ? "{\"id\":" + i + ",\"attributes\":{\"lang\":\"en\"}}"
                    : "{\"id\":" + i + ",\"channel\":\"VOICE\",\"attributes\":{\"lang\":\"de\",\"tier\":\"gold\"}}");
        }
        glue.createCrawler(request -> request.name("it-every-file").role(ROLE).databaseName("sampled")
                .targets(targets -> targets.s3Targets(S3Target.builder().path("s3://crawl-it/sampled/").build())));
        glue.createCrawler(request -> request.name("it-sample-size").role(ROLE).databaseName("sampled").tablePrefix("two_")
                .targets(targets -> targets.s3Targets(S3Target.builder().path("s3://crawl-it/sampled/").sampleSize(2).build())));
        crawl("it-every-file");
        crawl("it-sample-size");
        assertThat(table("sampled", "contacts").storageDescriptor().columns()).extracting(Column::name, Column::type)
                .containsExactly(tuple("id", "int"), tuple("attributes", "struct<lang:string,tier:string>"), tuple("channel", "string"));
        assertThat(table("sampled", "two_contacts").storageDescriptor().columns()).extracting(Column::name, Column::type)
                .containsExactly(tuple("id", "int"), tuple("attributes", "struct<lang:string>"));
        assertThat(glue.getCrawler(request -> request.name("it-sample-size")).crawler().targets().s3Targets().get(0).sampleSize()).isEqualTo(2);

        // a struct column gains the fields new files bring, rather than becoming a string
        put("sampled/contacts/c-30.json", "{\"id\":30,\"attributes\":{\"lang\":\"fr\",\"vip\":true}}");
        crawl("it-every-file");
        assertThat(table("sampled", "contacts").storageDescriptor().columns()).extracting(Column::name, Column::type)
                .containsExactly(tuple("id", "int"), tuple("attributes", "struct<lang:string,tier:string,vip:boolean>"), tuple("channel", "string"));
        try (Connection trino = stack.trino(); Statement statement = trino.createStatement()) {
            assertThat(rows(statement, "SELECT id, attributes.lang, attributes.tier, attributes.vip FROM awsdatacatalog.sampled.contacts WHERE id >= 28 ORDER BY id"))
                    .containsExactly("28|en|null|null", "29|de|gold|null", "30|fr|null|true");
        }
    }

    @Test
    void newFoldersOnlySkipsWhatWasCrawled()
            throws Exception
    {
        put("incremental/logs/hour=00/a.json", "{\"n\":1}\n");
        glue.createCrawler(request -> request.name("it-incremental").role(ROLE).databaseName("incremental")
                .recrawlPolicy(policy -> policy.recrawlBehavior("CRAWL_NEW_FOLDERS_ONLY"))
                .schemaChangePolicy(policy -> policy.updateBehavior("LOG").deleteBehavior("LOG"))
                .targets(targets -> targets.s3Targets(S3Target.builder().path("s3://crawl-it/incremental/").build())));
        crawl("it-incremental");
        put("incremental/logs/hour=01/b.json", "{\"n\":2}\n");
        crawl("it-incremental");
        assertThat(glue.getPartitions(request -> request.databaseName("incremental").tableName("logs")).partitions())
                .extracting(Partition::values).containsExactlyInAnyOrder(List.of("00"), List.of("01"));
        assertThat(glue.getCrawlerMetrics(request -> request.crawlerNameList("it-incremental")).crawlerMetricsList().get(0).tablesCreated())
                .isEqualTo(0);

        assertThatThrownBy(() -> glue.updateCrawler(request -> request.name("it-incremental")
                .schemaChangePolicy(policy -> policy.updateBehavior("UPDATE_IN_DATABASE"))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("Crawl New Folders Only");
    }

    @Test
    void crawlerLifecycleAndErrors()
            throws Exception
    {
        assertThatThrownBy(() -> glue.startCrawler(request -> request.name("no-such-crawler")))
                .isInstanceOf(EntityNotFoundException.class)
                .hasMessageContaining("no-such-crawler");
        assertThatThrownBy(() -> glue.createCrawler(request -> request.name("it-scheduled").role(ROLE).databaseName("x")
                .schedule("rate(1 hour)")
                .targets(targets -> targets.s3Targets(S3Target.builder().path("s3://crawl-it/json/").build()))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("Schedule rate(1 hour) is not a cron expression");
        assertThatThrownBy(() -> glue.createCrawler(request -> request.name("it-jdbc").role(ROLE).databaseName("x")
                .targets(targets -> targets.jdbcTargets(jdbc -> jdbc.connectionName("db").path("db/%")))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("JdbcTargets");

        // DatabaseName is optional, as in Glue's API: the crawler is kept, and a crawl fails saying it has nowhere to write
        glue.createCrawler(request -> request.name("it-no-database").role(ROLE)
                .targets(targets -> targets.s3Targets(S3Target.builder().path("s3://crawl-it/json/").build())));
        assertThat(glue.getCrawler(request -> request.name("it-no-database")).crawler().databaseName()).isNull();
        Instant noDatabaseStarting = Instant.now();
        glue.startCrawler(request -> request.name("it-no-database"));
        Crawler failed = awaitCrawled("it-no-database", noDatabaseStarting, Instant.now());
        assertThat(failed.lastCrawl().statusAsString()).isEqualTo("FAILED");
        assertThat(failed.lastCrawl().errorMessage())
                .isEqualTo("The crawler it-no-database has no DatabaseName to write its tables to: set one with UpdateCrawler");
        glue.deleteCrawler(request -> request.name("it-no-database"));

        put("lifecycle/big/p=0/x.json", "{\"i\":0}\n");
        glue.createCrawler(request -> request.name("it-lifecycle").role(ROLE).databaseName("lifecycle")
                .targets(targets -> targets.s3Targets(S3Target.builder().path("s3://crawl-it/lifecycle/").build())));
        // the metastore is frozen (SIGSTOP), so the crawl's first catalog call waits: the crawl is RUNNING for as long
        // as the test needs it; crawler state lives in Kafka, so the crawler API answers meanwhile
        Instant starting;
        Instant started;
        try (FrozenProcess ignored = FrozenProcess.freeze(stack.stack().metastorePid())) {
            starting = Instant.now();
            glue.startCrawler(request -> request.name("it-lifecycle"));
            started = Instant.now();
            assertThat(glue.getCrawler(request -> request.name("it-lifecycle")).crawler().stateAsString()).isEqualTo("RUNNING");
            assertThatThrownBy(() -> glue.startCrawler(request -> request.name("it-lifecycle")))
                    .isInstanceOf(CrawlerRunningException.class)
                    .hasMessageContaining("Crawler with name it-lifecycle has already started");
            assertThatThrownBy(() -> glue.deleteCrawler(request -> request.name("it-lifecycle")))
                    .isInstanceOf(CrawlerRunningException.class)
                    .hasMessageContaining("Crawler with name it-lifecycle is running; stop it before deleting it");
            assertThatThrownBy(() -> glue.updateCrawler(request -> request.name("it-lifecycle").description("changed")))
                    .isInstanceOf(CrawlerRunningException.class);
            glue.stopCrawler(request -> request.name("it-lifecycle"));
            assertThat(glue.getCrawler(request -> request.name("it-lifecycle")).crawler().stateAsString()).isEqualTo("STOPPING");
            assertThatThrownBy(() -> glue.stopCrawler(request -> request.name("it-lifecycle")))
                    .isInstanceOf(software.amazon.awssdk.services.glue.model.CrawlerStoppingException.class);
        }
        Crawler done = awaitCrawled("it-lifecycle", starting, started);
        assertThat(done.lastCrawl().statusAsString()).isEqualTo("CANCELLED");
        assertThat(glue.listCrawls(request -> request.crawlerName("it-lifecycle")).crawls()).extracting(CrawlerHistory::stateAsString)
                .containsExactly("STOPPED");
        assertThat(done.stateAsString()).isEqualTo("READY");
        assertThatThrownBy(() -> glue.stopCrawler(request -> request.name("it-lifecycle")))
                .isInstanceOf(software.amazon.awssdk.services.glue.model.CrawlerNotRunningException.class);

        assertThat(glue.listCrawlers(request -> request.maxResults(100)).crawlerNames()).contains("it-lifecycle");
        assertThat(glue.getCrawlers(request -> request.maxResults(100)).crawlers()).extracting(Crawler::name).contains("it-lifecycle");
        glue.deleteCrawler(request -> request.name("it-lifecycle"));
        assertThatThrownBy(() -> glue.getCrawler(request -> request.name("it-lifecycle")))
                .isInstanceOf(EntityNotFoundException.class);
    }

    /** Runs a crawl to its end; asserts it succeeded and took no longer than the test waited for it. */
    private Crawler crawl(String name)
    {
        Instant starting = Instant.now();
        glue.startCrawler(request -> request.name(name));
        Instant started = Instant.now();
        Crawler crawler = awaitCrawled(name, starting, started);
        Instant ended = Instant.now();
        assertThat(crawler.lastCrawl().statusAsString()).isEqualTo("SUCCEEDED");
        double waited = Duration.between(starting, ended).toNanos() / 1e9;
        assertThat(glue.getCrawlerMetrics(request -> request.crawlerNameList(name)).crawlerMetricsList().get(0).lastRuntimeSeconds())
                .as("runtime of the crawl of %s, which ended within %s s of its start", name, waited)
                .isGreaterThan(0.0)
                .isLessThanOrEqualTo(waited);
        return crawler;
    }

    /** The crawler once it is READY again after the crawl started between the two instants. */
    private Crawler awaitCrawled(String name, Instant starting, Instant started)
    {
        return Eventually.read(Duration.ofMinutes(2), () -> glue.getCrawler(request -> request.name(name)).crawler(), crawler -> {
            assertThat(crawler.stateAsString()).as("state of %s", crawler).isEqualTo("READY");
            assertThat(crawler.lastCrawl()).as("last crawl of %s", crawler).extracting(LastCrawlInfo::startTime, InstanceOfAssertFactories.INSTANT)
                    .isBetween(starting.truncatedTo(ChronoUnit.MILLIS), started);
        });
    }

    private Table table(String name)
    {
        return table("crawled", name);
    }

    private Table table(String database, String name)
    {
        return glue.getTable(request -> request.databaseName(database).name(name)).table();
    }

    private List<Partition> partitions(String table)
    {
        return glue.getPartitions(request -> request.databaseName("crawled").tableName(table)).partitions();
    }

    private static List<String> rows(Statement statement, String sql)
            throws Exception
    {
        List<String> rows = new ArrayList<>();
        try (ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    Object value = result.getObject(i);
                    values.add(value instanceof java.sql.Array array ? java.util.Arrays.toString((Object[]) array.getArray()) : String.valueOf(value));
                }
                rows.add(String.join("|", values));
            }
        }
        return rows;
    }

    private void put(String key, String content)
    {
        s3.putObject(request -> request.bucket(BUCKET).key(key), RequestBody.fromBytes(content.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private void put(String key, byte[] content)
    {
        s3.putObject(request -> request.bucket(BUCKET).key(key), RequestBody.fromBytes(content));
    }

    /** The text, UTF-8, gzip-compressed: an object as S3 Inventory, Athena and Firehose write them. */
    static byte[] gzip(String text)
            throws IOException
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    /** A process stopped with SIGSTOP until closed (SIGCONT): it keeps its sockets open and answers nothing meanwhile. */
    private record FrozenProcess(long pid)
            implements AutoCloseable
    {
        static FrozenProcess freeze(long pid)
                throws IOException, InterruptedException
        {
            assertThat(pid).as("pid of the process to freeze").isGreaterThan(0);
            signal("STOP", pid);
            return new FrozenProcess(pid);
        }

        @Override
        public void close()
                throws IOException, InterruptedException
        {
            signal("CONT", pid);
        }

        private static void signal(String signal, long pid)
                throws IOException, InterruptedException
        {
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).inheritIO().start();
            assertThat(kill.waitFor()).as("kill -%s %s", signal, pid).isEqualTo(0);
        }
    }
}
