package io.lakestack.it;

import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.Util;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.ColumnInfo;
import software.amazon.awssdk.services.athena.model.GetQueryResultsResponse;
import software.amazon.awssdk.services.athena.model.InvalidRequestException;
import software.amazon.awssdk.services.athena.model.MetadataException;
import software.amazon.awssdk.services.athena.model.QueryExecution;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;
import software.amazon.awssdk.services.athena.model.TableMetadata;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.Column;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.Partition;
import software.amazon.awssdk.services.glue.model.Table;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * Athena on Trino with the AWS SDK v2 Athena client: Athena's HiveQL DDL, Trino DML, CTAS, results in S3 and paged,
 * failures with the engine's reason, work groups, named queries and prepared statements.
 */
@LakestackTest
@Order(12)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AthenaIntegrationTest
{
    private static final String BUCKET = "athena-it";
    /** The name Trino's Hive writer gives a file, {@code <query id>_<uuid>}. */
    private static final String TRINO_NAME = "\\d{8}_\\d{6}_\\d{5}_[a-z0-9]{5}_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final String TRINO_FILE = "ctas/daily/day=\\d{4}-\\d{2}-\\d{2}/" + TRINO_NAME;
    private static final String GITHUB = """
            {"id":"101","type":"PushEvent","actor":{"login":"ada","id":7},"repo":{"name":"lake/stack"},"payload":{"size":3,"commits":[{"sha":"a1"}]},"public":true,"created_at":"2024-03-01T10:15:00Z","org":{"login":"lakestack"}}
            {"id":"102","type":"WatchEvent","actor":"{\\"login\\":\\"alan\\"}","repo":"{\\"name\\":\\"lake/stack\\"}","payload":"{\\"action\\":\\"started\\"}","public":"true","created_at":"2024-03-01T11:00:00Z"}
            {"id":"103","type":"PushEvent","actor":"{\\"login\\":\\"grace\\"}","repo":"{\\"name\\":\\"cobol/compiler\\"}","payload":"{\\"size\\":1}","public":"false","created_at":"2024-03-02T09:30:00Z","org":null}
            """;

    private final TestStack stack;
    private AthenaClient athena;
    private GlueClient glue;
    private S3Client s3;
    private AthenaQueries queries;

    AthenaIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void setUp()
    {
        athena = stack.athena();
        glue = stack.glue();
        s3 = stack.s3();
        s3.createBucket(request -> request.bucket(BUCKET));
        s3.putObject(request -> request.bucket(BUCKET).key("data/github/2024-03-01.json"), RequestBody.fromString(GITHUB));
        queries = new AthenaQueries(athena, "athena_it");
        new AthenaQueries(athena, "default").succeed("CREATE DATABASE IF NOT EXISTS athena_it");
    }

    @AfterAll
    void tearDown()
    {
        athena.close();
        glue.close();
        s3.close();
    }

    @Test
    void githubPipelineDdlAndOrcCtas()
            throws Exception
    {
        QueryExecution ddl = queries.succeed("""
                CREATE EXTERNAL TABLE github (`id` STRING, `type` STRING, `actor` STRING, `repo` STRING,
                  `payload` STRING, `public` STRING, `created_at` STRING, `org` STRING)
                ROW FORMAT SERDE 'org.apache.hadoop.hive.contrib.serde2.JsonSerde'
                LOCATION 's3://athena-it/data/github/';
                """);
        assertThat(ddl.statementTypeAsString()).isEqualTo("DDL");
        assertThat(ddl.statistics().dataScannedInBytes()).isEqualTo(0L);

        Table github = glue.getTable(request -> request.databaseName("athena_it").name("github")).table();
        assertThat(github.tableType()).isEqualTo("EXTERNAL_TABLE");
        assertThat(github.storageDescriptor().location()).isEqualTo("s3://athena-it/data/github");
        assertThat(github.storageDescriptor().columns()).extracting(Column::name).containsExactly("id", "type", "actor", "repo", "payload", "public",
                "created_at", "org");

        assertThat(queries.lines("SELECT id, type, json_extract_scalar(actor, '$.login') AS login, from_iso8601_timestamp(created_at) AS at, "
                + "json_extract_scalar(org, '$.login') AS org FROM github ORDER BY id"))
                .containsExactly(
                        "id|type|login|at|org",
                        "101|PushEvent|ada|2024-03-01 10:15:00.000 UTC|lakestack",
                        "102|WatchEvent|alan|2024-03-01 11:00:00.000 UTC|null",
                        "103|PushEvent|grace|2024-03-02 09:30:00.000 UTC|null");
        // a nested object or a boolean in a string column reads as its JSON text, as the contrib SerDe gives it
        assertThat(queries.lines("SELECT payload, public FROM github WHERE id = '101'"))
                .containsExactly("payload|public", "{\"size\":3,\"commits\":[{\"sha\":\"a1\"}]}|true");
        assertThat(github.storageDescriptor().serdeInfo().serializationLibrary()).isEqualTo("org.openx.data.jsonserde.JsonSerDe");
        assertThat(github.parameters()).containsEntry("lakestack.serde.substituted-for", "org.apache.hadoop.hive.contrib.serde2.JsonSerde");

        QueryExecution ctas = queries.succeed("""
                CREATE TABLE github_orc STORED AS ORC TBLPROPERTIES ("orc.compress"="ZLIB")
                  AS SELECT * FROM github;
                """);
        assertThat(ctas.statementTypeAsString()).isEqualTo("DDL");
        assertThat(athena.getQueryResults(request -> request.queryExecutionId(ctas.queryExecutionId())).updateCount()).isEqualTo(3L);
        Table orc = glue.getTable(request -> request.databaseName("athena_it").name("github_orc")).table();
        assertThat(orc.storageDescriptor().serdeInfo().serializationLibrary()).isEqualTo("org.apache.hadoop.hive.ql.io.orc.OrcSerde");
        assertThat(orc.parameters()).containsEntry("orc.compress", "ZLIB");
        // Athena puts a CTAS without a location under the query's output location
        String location = orc.storageDescriptor().location();
        assertThat(location).isEqualTo("s3://lakestack-warehouse/athena-results/tables/" + ctas.queryExecutionId());
        List<S3Object> files = s3.listObjectsV2(request -> request.bucket("lakestack-warehouse").prefix("athena-results/tables/" + ctas.queryExecutionId() + "/"))
                .contents();
        assertThat(files).hasSize(1);
        byte[] file = s3.getObjectAsBytes(request -> request.bucket("lakestack-warehouse").key(files.get(0).key())).asByteArray();
        assertThat(orcCompression(file)).isEqualTo(1); // ZLIB in ORC's PostScript

        assertThat(queries.lines("SELECT type, count(*) AS events FROM github_orc GROUP BY type ORDER BY type"))
                .containsExactly("type|events", "PushEvent|2", "WatchEvent|1");
    }

    @Test
    void parquetSnappyTableQueriedWithJsonFunctions()
            throws Exception
    {
        queries.succeed("""
                CREATE EXTERNAL TABLE clicks (id bigint, doc string, at string)
                PARTITIONED BY (dt string)
                STORED AS PARQUET
                LOCATION 's3://athena-it/parquet/clicks/'
                TBLPROPERTIES ("parquet.compression"="SNAPPY")
                """);
        QueryExecution insert = queries.succeed("INSERT INTO clicks VALUES "
                + "(1, '{\"user\":{\"name\":\"ada\"},\"tags\":[\"a\",\"b\"]}', '2024-03-01T10:00:00Z', '2024-03-01'), "
                + "(2, '{\"user\":{\"name\":\"alan\"},\"tags\":[\"c\"]}', '2024-03-01T12:30:00+01:00', '2024-03-01'), "
                + "(3, '{\"user\":{\"name\":\"grace\"},\"tags\":[]}', '2024-03-02T08:00:00Z', '2024-03-02')");
        assertThat(insert.statementTypeAsString()).isEqualTo("DML");
        assertThat(athena.getQueryResults(request -> request.queryExecutionId(insert.queryExecutionId())).updateCount()).isEqualTo(3L);

        List<S3Object> files = s3.listObjectsV2(request -> request.bucket(BUCKET).prefix("parquet/clicks/dt=2024-03-01/")).contents();
        assertThat(files).hasSize(1);
        byte[] parquet = s3.getObjectAsBytes(request -> request.bucket(BUCKET).key(files.get(0).key())).asByteArray();
        assertThat(parquetCodec(parquet)).isEqualTo("SNAPPY");

        assertThat(queries.lines("SELECT id, json_extract_scalar(doc, '$.user.name') AS name, tag, "
                + "to_unixtime(from_iso8601_timestamp(at)) AS epoch FROM clicks CROSS JOIN UNNEST(CAST(json_extract(doc, '$.tags') AS array(varchar))) AS t(tag) "
                + "ORDER BY id, tag"))
                .containsExactly("id|name|tag|epoch", "1|ada|a|1.7092872E9", "1|ada|b|1.7092872E9", "2|alan|c|1.7092926E9");

        assertThat(queries.lines("SHOW PARTITIONS clicks")).containsExactly("dt=2024-03-01", "dt=2024-03-02");

        // files that arrive in a new folder: registered by ALTER TABLE ADD PARTITION or MSCK REPAIR TABLE
        copy("parquet/clicks/dt=2024-03-01/" + fileName(files.get(0)), "parquet/clicks/dt=2024-03-03/copied.parquet");
        copy("parquet/clicks/dt=2024-03-01/" + fileName(files.get(0)), "parquet/clicks/dt=2024-03-04/copied.parquet");
        queries.succeed("ALTER TABLE clicks ADD IF NOT EXISTS PARTITION (dt='2024-03-03') LOCATION 's3://athena-it/parquet/clicks/dt=2024-03-03/'");
        QueryExecution repair = queries.succeed("MSCK REPAIR TABLE clicks");
        assertThat(repair.statementTypeAsString()).isEqualTo("DDL");
        assertThat(queries.lines("SHOW PARTITIONS clicks")).containsExactly("dt=2024-03-01", "dt=2024-03-02", "dt=2024-03-03", "dt=2024-03-04");
        assertThat(queries.lines("SELECT dt, count(*) AS n FROM clicks GROUP BY dt ORDER BY dt"))
                .containsExactly("dt|n", "2024-03-01|2", "2024-03-02|1", "2024-03-03|2", "2024-03-04|2");

        assertThat(queries.lines("DESCRIBE clicks").get(0)).isEqualTo("id                  \tbigint              \t");
        assertThat(queries.lines("SHOW TABLES 'cl*'")).containsExactly("clicks");
        queries.succeed("ALTER TABLE clicks DROP PARTITION (dt='2024-03-04')");
        assertThat(glue.getPartitions(request -> request.databaseName("athena_it").tableName("clicks")).partitions())
                .extracting(Partition::values).containsExactlyInAnyOrder(List.of("2024-03-01"), List.of("2024-03-02"), List.of("2024-03-03"));
    }

    @Test
    void athenaCtasPropertiesAndInsertInto()
    {
        QueryExecution ctas = queries.succeed("""
                CREATE TABLE daily WITH (format = 'PARQUET', write_compression = 'SNAPPY', external_location = 's3://athena-it/ctas/daily/',
                  partitioned_by = ARRAY['day'])
                AS SELECT n, n * 10 AS tenfold, date_format(date_add('day', n % 2, DATE '2024-01-01'), '%Y-%m-%d') AS day
                FROM UNNEST(sequence(1, 5)) AS t(n)
                """);
        assertThat(athena.getQueryResults(request -> request.queryExecutionId(ctas.queryExecutionId())).updateCount()).isEqualTo(5L);
        Table daily = glue.getTable(request -> request.databaseName("athena_it").name("daily")).table();
        assertThat(daily.partitionKeys()).extracting(Column::name, Column::type).containsExactly(tuple("day", "string"));
        assertThat(daily.storageDescriptor().location()).isEqualTo("s3://athena-it/ctas/daily");
        assertThat(daily.parameters()).containsEntry("parquet.compression", "SNAPPY");
        // files in the two partitions' folders, named by Trino's writer after its query id and a UUID
        List<String> written = keys("ctas/daily/");
        assertThat(written).extracting(key -> key.substring(0, key.lastIndexOf('/') + 1)).containsOnly("ctas/daily/day=2024-01-01/", "ctas/daily/day=2024-01-02/");
        assertThat(written).allSatisfy(key -> assertThat(key).matches(TRINO_FILE));

        queries.succeed("INSERT INTO daily SELECT 6, 60, '2024-01-09'");
        List<String> inserted = keys("ctas/daily/");
        assertThat(inserted).containsAll(written).hasSize(written.size() + 1);
        assertThat(inserted).filteredOn(key -> !written.contains(key)).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("ctas/daily/day=2024-01-09/").matches(TRINO_FILE);
        assertThat(queries.lines("SELECT day, sum(tenfold) AS total FROM daily GROUP BY day ORDER BY day"))
                .containsExactly("day|total", "2024-01-01|60", "2024-01-02|90", "2024-01-09|60");
        queries.succeed("DROP TABLE daily");
        assertThatThrownBy(() -> glue.getTable(request -> request.databaseName("athena_it").name("daily")))
                .isInstanceOf(EntityNotFoundException.class);
        // an external table's data stays when the table goes
        assertThat(keys("ctas/daily/")).isEqualTo(inserted);
    }

    @Test
    void unloadWritesTheQueryInItsFormatAndListsTheFilesInAManifest()
            throws Exception
    {
        QueryExecution parquet = queries.succeed("""
                UNLOAD (SELECT n, concat('v', CAST(n AS varchar)) AS name FROM UNNEST(sequence(1, 4)) AS t(n))
                TO 's3://athena-it/unload/parquet/' WITH (format = 'PARQUET', compression = 'SNAPPY')
                """);
        assertThat(parquet.statementTypeAsString()).isEqualTo("DML");
        assertThat(parquet.substatementType()).isEqualTo("UNLOAD");
        assertThat(athena.getQueryResults(request -> request.queryExecutionId(parquet.queryExecutionId())).updateCount()).isEqualTo(4L);
        String manifest = parquet.statistics().dataManifestLocation();
        assertThat(manifest).isEqualTo("s3://lakestack-warehouse/athena-results/" + parquet.queryExecutionId() + "-manifest.csv");
        List<String> files = keys("unload/parquet/");
        assertThat(files).isNotEmpty().allSatisfy(key -> assertThat(key).matches("unload/parquet/" + TRINO_NAME));
        assertThat(manifestLines(manifest)).containsExactlyInAnyOrderElementsOf(files.stream().map(key -> "s3://athena-it/" + key).toList());
        for (String file : files) {
            assertThat(parquetCodec(s3.getObjectAsBytes(request -> request.bucket(BUCKET).key(file)).asByteArray())).isEqualTo("SNAPPY");
        }
        // what it wrote is what the query returns, read back as a table over the location
        queries.succeed("CREATE EXTERNAL TABLE unloaded (n bigint, name string) STORED AS PARQUET LOCATION 's3://athena-it/unload/parquet/'");
        assertThat(queries.lines("SELECT n, name FROM unloaded ORDER BY n")).containsExactly("n|name", "1|v1", "2|v2", "3|v3", "4|v4");
        queries.succeed("DROP TABLE unloaded");

        // without partitions, only to an empty location, as Athena's
        assertThat(queries.fail("UNLOAD (SELECT 5 AS n) TO 's3://athena-it/unload/parquet/' WITH (format = 'PARQUET')"))
                .isEqualTo("HIVE_PATH_ALREADY_EXISTS: UNLOAD's TO location s3://athena-it/unload/parquet/ is not empty: UNLOAD writes only to an "
                        + "empty location (with partitioned_by it adds to the partitions of one); delete its objects or choose another location");
        assertThat(keys("unload/parquet/")).isEqualTo(files);

        // with partitions, into a location that has some: the manifest lists this statement's files only
        QueryExecution first = queries.succeed("""
                UNLOAD (SELECT * FROM (VALUES (1, 'a', '2024-01-01'), (2, 'b', '2024-01-02')) AS v(id, name, day))
                TO 's3://athena-it/unload/json' WITH (format = 'JSON', compression = 'NONE', partitioned_by = ARRAY['day'])
                """);
        List<String> before = keys("unload/json/");
        assertThat(before).extracting(key -> key.substring(0, key.lastIndexOf('/') + 1))
                .containsExactlyInAnyOrder("unload/json/day=2024-01-01/", "unload/json/day=2024-01-02/");
        assertThat(manifestLines(first.statistics().dataManifestLocation()))
                .containsExactlyInAnyOrderElementsOf(before.stream().map(key -> "s3://athena-it/" + key).toList());
        QueryExecution second = queries.succeed("""
                UNLOAD (SELECT * FROM (VALUES (3, 'c', '2024-01-02')) AS v(id, name, day))
                TO 's3://athena-it/unload/json/' WITH (format = 'JSON', compression = 'NONE', partitioned_by = ARRAY['day'])
                """);
        List<String> added = keys("unload/json/").stream().filter(key -> !before.contains(key)).toList();
        assertThat(added).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING).startsWith("unload/json/day=2024-01-02/");
        assertThat(manifestLines(second.statistics().dataManifestLocation())).containsExactly("s3://athena-it/" + added.get(0));
        // JSON lines without the partition column, which the path holds
        assertThat(s3.getObjectAsBytes(request -> request.bucket(BUCKET).key(added.get(0))).asUtf8String()).isEqualTo("{\"id\":3,\"name\":\"c\"}\n");
        // TEXTFILE with the field delimiter given, uncompressed: one line a row
        QueryExecution text = queries.succeed("""
                UNLOAD (SELECT 1 AS id, 'x' AS name) TO 's3://athena-it/unload/text/' WITH (format = 'TEXTFILE', field_delimiter = '\\t',
                  compression = 'NONE')
                """);
        List<String> textFiles = keys("unload/text/");
        assertThat(manifestLines(text.statistics().dataManifestLocation())).containsExactly("s3://athena-it/" + textFiles.get(0));
        assertThat(s3.getObjectAsBytes(request -> request.bucket(BUCKET).key(textFiles.get(0))).asUtf8String()).isEqualTo("1\tx\n");
        // the table each wrote through is gone
        assertThat(glue.getTables(request -> request.databaseName("default")).tableList()).extracting(Table::name)
                .noneMatch(name -> name.startsWith("lakestack_unload_"));
    }

    @Test
    void resultsArePagedTypedAndWrittenToTheOutputLocation()
    {
        Instant before = Instant.now();
        QueryExecution execution = queries.run("SELECT n, 'row ' || CAST(n AS varchar) AS label, n / 4e0 AS quarter, n % 2 = 0 AS even, "
                        + "IF(n = 3, NULL, DATE '2024-01-01') AS day, ARRAY[n, n] AS pair, CAST(n AS decimal(12,3)) AS exact "
                        + "FROM UNNEST(sequence(1, 2500)) AS t(n) ORDER BY n",
                request -> request.resultConfiguration(result -> result.outputLocation("s3://athena-it/results/paged/")));
        assertThat(execution.status().state()).isEqualTo(QueryExecutionState.SUCCEEDED);
        String id = execution.queryExecutionId();
        assertThat(execution.resultConfiguration().outputLocation()).isEqualTo("s3://athena-it/results/paged/" + id + ".csv");
        assertThat(execution.statementTypeAsString()).isEqualTo("DML");
        // submitted and completed while the test waited; the engine's time is part of the whole
        Instant after = Instant.now();
        Instant submitted = execution.status().submissionDateTime();
        Instant completed = execution.status().completionDateTime();
        assertThat(submitted).isBetween(before.truncatedTo(ChronoUnit.MILLIS), after);
        assertThat(completed).isBetween(submitted, after);
        assertThat(execution.statistics().totalExecutionTimeInMillis()).isEqualTo(Duration.between(submitted, completed).toMillis());
        assertThat(execution.statistics().engineExecutionTimeInMillis()).isBetween(0L, execution.statistics().totalExecutionTimeInMillis());
        assertThat(execution.queryExecutionContext().database()).isEqualTo("athena_it");
        assertThat(execution.workGroup()).isEqualTo("primary");

        GetQueryResultsResponse first = athena.getQueryResults(request -> request.queryExecutionId(id).maxResults(1000));
        assertThat(first.resultSet().rows()).hasSize(1000);
        assertThat(first.resultSet().rows().get(0).data()).extracting(datum -> datum.varCharValue())
                .containsExactly("n", "label", "quarter", "even", "day", "pair", "exact");
        assertThat(first.resultSet().rows().get(3).data()).extracting(datum -> datum.varCharValue())
                .containsExactly("3", "row 3", "0.75", "false", null, "[3, 3]", "3.000");
        assertThat(first.resultSet().resultSetMetadata().columnInfo()).extracting(ColumnInfo::name, ColumnInfo::type, ColumnInfo::precision, ColumnInfo::scale)
                .containsExactly(
                        tuple("n", "bigint", 19, 0),
                        tuple("label", "varchar", Integer.MAX_VALUE, 0),
                        tuple("quarter", "double", 17, 0),
                        tuple("even", "boolean", 0, 0),
                        tuple("day", "date", 0, 0),
                        tuple("pair", "array", 0, 0),
                        tuple("exact", "decimal", 12, 3));
        GetQueryResultsResponse second = athena.getQueryResults(request -> request.queryExecutionId(id).maxResults(1000).nextToken(first.nextToken()));
        assertThat(second.resultSet().rows()).hasSize(1000);
        assertThat(second.resultSet().rows().get(0).data().get(0).varCharValue()).isEqualTo("1000");
        GetQueryResultsResponse third = athena.getQueryResults(request -> request.queryExecutionId(id).maxResults(1000).nextToken(second.nextToken()));
        assertThat(third.resultSet().rows()).hasSize(501);
        assertThat(third.resultSet().rows().get(500).data().get(0).varCharValue()).isEqualTo("2500");
        assertThat(third.nextToken()).isNull();

        String csv = s3.getObjectAsBytes(request -> request.bucket(BUCKET).key("results/paged/" + id + ".csv")).asString(StandardCharsets.UTF_8);
        assertThat(csv.lines().limit(4)).containsExactly(
                "\"n\",\"label\",\"quarter\",\"even\",\"day\",\"pair\",\"exact\"",
                "\"1\",\"row 1\",\"0.25\",\"false\",\"2024-01-01\",\"[1, 1]\",\"1.000\"",
                "\"2\",\"row 2\",\"0.5\",\"true\",\"2024-01-01\",\"[2, 2]\",\"2.000\"",
                "\"3\",\"row 3\",\"0.75\",\"false\",,\"[3, 3]\",\"3.000\"");
        assertThat(csv.lines().count()).isEqualTo(2501);
        String metadata = s3.getObjectAsBytes(request -> request.bucket(BUCKET).key("results/paged/" + id + ".csv.metadata")).asString(StandardCharsets.UTF_8);
        assertThat(metadata).contains("\"Name\":\"label\"").contains("\"Type\":\"varchar\"");

        assertThatThrownBy(() -> athena.getQueryResults(request -> request.queryExecutionId(id).maxResults(1001)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("MaxResults");
    }

    @Test
    void failuresCarryTheEngineReasonAndLeaveTheCatalogAlone()
    {
        assertThat(queries.fail("SELEC 1")).startsWith("SYNTAX_ERROR: line 1:1: mismatched input 'SELEC'");
        assertThat(queries.fail("SELECT * FROM no_such_table")).isEqualTo("TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.athena_it.no_such_table' does not exist");
        assertThat(queries.fail("SELECT 1 + 'one'")).startsWith("TYPE_MISMATCH: line 1:10: Cannot apply operator: integer + varchar(3)");
        assertThat(queries.fail("SELECT FROM")).startsWith("SYNTAX_ERROR: line 1:8: mismatched input 'FROM'");
        assertThat(queries.fail("GRANT SELECT ON github TO alice")).startsWith("NOT_SUPPORTED: line 1:1: lakestack's Athena does not support GRANT");
        assertThat(queries.fail("SELECT 1; SELECT 2")).startsWith("SYNTAX_ERROR: line 1:9: only one statement per query is supported");

        assertThat(queries.fail("CREATE EXTERNAL TABLE bad_location (id int) LOCATION '/tmp/local'")).contains("/tmp/local").contains("s3://");
        assertThat(queries.fail("CREATE EXTERNAL TABLE bad_type (id integr) LOCATION 's3://athena-it/bad/'")).contains("integr");
        assertThatThrownBy(() -> glue.getTable(request -> request.databaseName("athena_it").name("bad_location"))).isInstanceOf(EntityNotFoundException.class);
        assertThatThrownBy(() -> glue.getTable(request -> request.databaseName("athena_it").name("bad_type"))).isInstanceOf(EntityNotFoundException.class);

        QueryExecution unknownCatalog = queries.run("SELECT 1", request -> request.queryExecutionContext(context -> context.catalog("hive_elsewhere")));
        assertThat(unknownCatalog.status().state()).isEqualTo(QueryExecutionState.FAILED);
        assertThat(unknownCatalog.status().stateChangeReason()).startsWith("CATALOG_NOT_FOUND: line 1:1: Catalog 'hive_elsewhere' does not exist");
        QueryExecution missingBucket = queries.run("SELECT 1", request -> request.resultConfiguration(result -> result.outputLocation("s3://no-such-bucket-it/out/")));
        assertThat(missingBucket.status().state()).isEqualTo(QueryExecutionState.FAILED);
        assertThat(missingBucket.status().stateChangeReason()).isEqualTo("Unable to verify/create output bucket no-such-bucket-it: the bucket does not exist");

        String failedId = athena.startQueryExecution(request -> request.queryString("SELECT * FROM no_such_table")
                .queryExecutionContext(context -> context.database("athena_it"))).queryExecutionId();
        queries.await(failedId);
        assertThatThrownBy(() -> athena.getQueryResults(request -> request.queryExecutionId(failedId)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("FAILED");
        assertThatThrownBy(() -> athena.getQueryExecution(request -> request.queryExecutionId("00000000-0000-0000-0000-000000000000")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("00000000-0000-0000-0000-000000000000");
        assertThatThrownBy(() -> athena.startQueryExecution(request -> request.queryString("SELECT 1").workGroup("no-such-group")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("no-such-group");
    }

    @Test
    void catalogIsAwsDataCatalogInAnyCase()
    {
        queries.succeed("CREATE EXTERNAL TABLE IF NOT EXISTS github_any (id string) ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' "
                + "LOCATION 's3://athena-it/data/github/'");
        for (String catalog : List.of("AwsDataCatalog", "awsdatacatalog", "AWSDATACATALOG")) {
            QueryExecution execution = queries.run("SELECT count(*) FROM github_any", request -> request.queryExecutionContext(context -> context.catalog(catalog).database("athena_it")));
            assertThat(execution.status().state()).as(catalog + ": " + execution.status().stateChangeReason()).isEqualTo(QueryExecutionState.SUCCEEDED);
            assertThat(queries.rows(execution.queryExecutionId())).containsExactly(List.of("_col0"), List.of("3"));
        }
        assertThat(queries.lines("SELECT count(*) AS n FROM AwsDataCatalog.athena_it.github_any")).containsExactly("n", "3");

        assertThat(athena.listDataCatalogs(request -> {}).dataCatalogsSummary()).extracting(summary -> summary.catalogName(), summary -> summary.typeAsString())
                .containsExactly(tuple("AwsDataCatalog", "GLUE"));
        assertThat(athena.getDatabase(request -> request.catalogName("awsdatacatalog").databaseName("athena_it")).database().name()).isEqualTo("athena_it");
        TableMetadata metadata = athena.getTableMetadata(request -> request.catalogName("AwsDataCatalog").databaseName("athena_it").tableName("github_any"))
                .tableMetadata();
        assertThat(metadata.tableType()).isEqualTo("EXTERNAL_TABLE");
        assertThat(metadata.columns()).extracting(column -> column.name(), column -> column.type()).containsExactly(tuple("id", "string"));
        assertThat(metadata.parameters()).containsEntry("location", "s3://athena-it/data/github").containsEntry("serde.serialization.lib",
                "org.openx.data.jsonserde.JsonSerDe");
        assertThat(athena.listTableMetadata(request -> request.catalogName("AwsDataCatalog").databaseName("athena_it").expression("github_a.*"))
                .tableMetadataList()).extracting(TableMetadata::name).containsExactly("github_any");
        assertThatThrownBy(() -> athena.getTableMetadata(request -> request.catalogName("AwsDataCatalog").databaseName("athena_it").tableName("nope")))
                .isInstanceOf(MetadataException.class)
                .hasMessageContaining("nope");
    }

    @Test
    void stopListAndBatchGet()
    {
        String id = athena.startQueryExecution(request -> request.queryString(
                "SELECT count(*) FROM UNNEST(sequence(1, 10000)) AS a(x) CROSS JOIN UNNEST(sequence(1, 10000)) AS b(y) CROSS JOIN UNNEST(sequence(1, 1000)) AS c(z) "
                        + "WHERE (x * y + z) % 7 = 3")).queryExecutionId();
        athena.stopQueryExecution(request -> request.queryExecutionId(id));
        QueryExecution stopped = queries.await(id);
        assertThat(stopped.status().state()).isEqualTo(QueryExecutionState.CANCELLED);
        assertThat(stopped.status().stateChangeReason()).isEqualTo("Query cancelled by user");

        String done = queries.succeed("SELECT 42").queryExecutionId();
        assertThat(athena.listQueryExecutions(request -> request.workGroup("primary")).queryExecutionIds()).contains(id, done);
        var batch = athena.batchGetQueryExecution(request -> request.queryExecutionIds(id, done, "11111111-1111-1111-1111-111111111111"));
        assertThat(batch.queryExecutions()).extracting(QueryExecution::queryExecutionId).containsExactlyInAnyOrder(id, done);
        assertThat(batch.unprocessedQueryExecutionIds()).extracting(unprocessed -> unprocessed.queryExecutionId(), unprocessed -> unprocessed.errorCode())
                .containsExactly(tuple("11111111-1111-1111-1111-111111111111", "InvalidRequestException"));
    }

    @Test
    void workGroupsNamedQueriesAndPreparedStatements()
    {
        athena.createWorkGroup(request -> request.name("it-analysts").description("analysts")
                .configuration(configuration -> configuration.enforceWorkGroupConfiguration(true)
                        .resultConfiguration(result -> result.outputLocation("s3://athena-it/analysts/"))));
        var workGroup = athena.getWorkGroup(request -> request.workGroup("it-analysts")).workGroup();
        assertThat(workGroup.stateAsString()).isEqualTo("ENABLED");
        assertThat(workGroup.configuration().resultConfiguration().outputLocation()).isEqualTo("s3://athena-it/analysts/");
        assertThat(workGroup.configuration().engineVersion().effectiveEngineVersion()).isEqualTo("Athena engine version 3");
        // AWS's defaults; lakestack has no CloudWatch metrics, so asking for them is refused rather than ignored
        assertThat(workGroup.configuration().publishCloudWatchMetricsEnabled()).isFalse();
        assertThat(workGroup.configuration().enforceWorkGroupConfiguration()).isTrue();
        assertThat(workGroup.configuration().requesterPaysEnabled()).isFalse();
        assertThatThrownBy(() -> athena.createWorkGroup(request -> request.name("it-metrics")
                .configuration(configuration -> configuration.publishCloudWatchMetricsEnabled(true))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("PublishCloudWatchMetricsEnabled cannot be applied by lakestack");
        assertThatThrownBy(() -> athena.updateWorkGroup(request -> request.workGroup("it-analysts")
                .configurationUpdates(updates -> updates.publishCloudWatchMetricsEnabled(true))))
                .isInstanceOf(InvalidRequestException.class);
        assertThat(athena.listWorkGroups(request -> {}).workGroups()).extracting(summary -> summary.name()).contains("primary", "it-analysts");

        // the work group's enforced location wins over the request's
        QueryExecution inGroup = queries.run("SELECT 'x' AS x", request -> request.workGroup("it-analysts")
                .resultConfiguration(result -> result.outputLocation("s3://athena-it/ignored/")));
        assertThat(inGroup.resultConfiguration().outputLocation()).isEqualTo("s3://athena-it/analysts/" + inGroup.queryExecutionId() + ".csv");
        assertThat(athena.listQueryExecutions(request -> request.workGroup("it-analysts")).queryExecutionIds()).containsExactly(inGroup.queryExecutionId());

        athena.createPreparedStatement(request -> request.workGroup("it-analysts").statementName("events_of")
                .queryStatement("SELECT n FROM UNNEST(sequence(1, 10)) AS t(n) WHERE n BETWEEN ? AND ? ORDER BY n").description("a range"));
        assertThat(athena.getPreparedStatement(request -> request.workGroup("it-analysts").statementName("events_of")).preparedStatement().queryStatement())
                .isEqualTo("SELECT n FROM UNNEST(sequence(1, 10)) AS t(n) WHERE n BETWEEN ? AND ? ORDER BY n");
        QueryExecution using = queries.run("EXECUTE events_of USING 3, 5", request -> request.workGroup("it-analysts"));
        assertThat(queries.rows(using.queryExecutionId())).containsExactly(List.of("n"), List.of("3"), List.of("4"), List.of("5"));
        QueryExecution parameters = queries.run("EXECUTE events_of", request -> request.workGroup("it-analysts").executionParameters("9", "12"));
        assertThat(queries.rows(parameters.queryExecutionId())).containsExactly(List.of("n"), List.of("9"), List.of("10"));
        QueryExecution inline = queries.run("SELECT ? AS a, ? AS b", request -> request.executionParameters("'text'", "7"));
        assertThat(queries.rows(inline.queryExecutionId())).containsExactly(List.of("a", "b"), List.of("text", "7"));
        QueryExecution wrongCount = queries.run("SELECT ? AS a", request -> request.executionParameters("1", "2"));
        assertThat(wrongCount.status().stateChangeReason()).contains("1 parameter placeholder(s)").contains("2 ExecutionParameters");

        queries.run("PREPARE by_sql FROM SELECT ? + 1 AS next", request -> request.workGroup("it-analysts"));
        assertThat(athena.listPreparedStatements(request -> request.workGroup("it-analysts")).preparedStatements())
                .extracting(summary -> summary.statementName()).containsExactlyInAnyOrder("events_of", "by_sql");
        QueryExecution bySql = queries.run("EXECUTE by_sql USING 41", request -> request.workGroup("it-analysts"));
        assertThat(queries.rows(bySql.queryExecutionId())).containsExactly(List.of("next"), List.of("42"));
        queries.run("DEALLOCATE PREPARE by_sql", request -> request.workGroup("it-analysts"));
        QueryExecution gone = queries.run("EXECUTE by_sql USING 41", request -> request.workGroup("it-analysts"));
        assertThat(gone.status().stateChangeReason()).isEqualTo("INVALID_INPUT: Prepared statement by_sql was not found in WorkGroup it-analysts");

        String namedId = athena.createNamedQuery(request -> request.name("top types").database("athena_it").workGroup("it-analysts")
                .queryString("SELECT type, count(*) FROM github GROUP BY type").description("by type")).namedQueryId();
        var named = athena.getNamedQuery(request -> request.namedQueryId(namedId)).namedQuery();
        assertThat(named.name()).isEqualTo("top types");
        assertThat(named.database()).isEqualTo("athena_it");
        assertThat(named.queryString()).isEqualTo("SELECT type, count(*) FROM github GROUP BY type");
        assertThat(named.workGroup()).isEqualTo("it-analysts");
        assertThat(athena.listNamedQueries(request -> request.workGroup("it-analysts")).namedQueryIds()).containsExactly(namedId);

        assertThatThrownBy(() -> athena.deleteWorkGroup(request -> request.workGroup("it-analysts")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("not empty");
        athena.updateWorkGroup(request -> request.workGroup("it-analysts").state("DISABLED"));
        assertThatThrownBy(() -> athena.startQueryExecution(request -> request.workGroup("it-analysts").queryString("SELECT 1")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("WorkGroup it-analysts is disabled.");
        athena.deleteWorkGroup(request -> request.workGroup("it-analysts").recursiveDeleteOption(true));
        assertThatThrownBy(() -> athena.getNamedQuery(request -> request.namedQueryId(namedId))).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> athena.deleteWorkGroup(request -> request.workGroup("primary")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("primary");
    }

    private void copy(String from, String to)
    {
        s3.copyObject(request -> request.sourceBucket(BUCKET).sourceKey(from).destinationBucket(BUCKET).destinationKey(to));
    }

    private static String fileName(S3Object object)
    {
        return object.key().substring(object.key().lastIndexOf('/') + 1);
    }

    /** The compression kind in an ORC file's PostScript (0 NONE, 1 ZLIB, 2 SNAPPY...). */
    static int orcCompression(byte[] file)
    {
        int length = file[file.length - 1] & 0xff;
        int position = file.length - 1 - length;
        int end = file.length - 1;
        while (position < end) {
            int tag = file[position++] & 0xff;
            long value = 0;
            int shift = 0;
            int b;
            do {
                b = file[position++] & 0xff;
                value |= (long) (b & 0x7f) << shift;
                shift += 7;
            }
            while ((b & 0x80) != 0);
            if (tag == 0x10) {
                return (int) value;
            }
        }
        throw new AssertionError("no compression in the ORC PostScript");
    }

    /** The lines of an UNLOAD's data manifest, the {@code s3://} location of a file each. */
    private List<String> manifestLines(String manifest)
    {
        String path = manifest.substring("s3://".length());
        String text = s3.getObjectAsBytes(request -> request.bucket(path.substring(0, path.indexOf('/'))).key(path.substring(path.indexOf('/') + 1)))
                .asUtf8String();
        assertThat(text).endsWith("\n");
        return List.of(text.split("\n"));
    }

    private List<String> keys(String prefix)
    {
        return s3.listObjectsV2Paginator(request -> request.bucket(BUCKET).prefix(prefix)).contents().stream().map(S3Object::key).sorted().toList();
    }

    static String parquetCodec(byte[] file)
            throws Exception
    {
        int length = ByteBuffer.wrap(file, file.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        FileMetaData metadata = Util.readFileMetaData(new ByteArrayInputStream(file, file.length - 8 - length, length));
        return metadata.getRow_groups().get(0).getColumns().get(0).getMeta_data().getCodec().name();
    }
}
