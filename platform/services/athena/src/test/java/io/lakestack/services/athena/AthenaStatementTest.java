package io.lakestack.services.athena;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AthenaStatementTest
{
    private static final String CTAS_LOCATION = "s3://out/tables/q1/";

    @Test
    void classifiesAsAthenaDoes()
            throws Exception
    {
        assertThat(type("SELECT 1")).containsExactly("DML", "SELECT");
        assertThat(type("WITH a AS (SELECT 1) SELECT * FROM a")).containsExactly("DML", "SELECT");
        assertThat(type("INSERT INTO t SELECT 1")).containsExactly("DML", "INSERT");
        assertThat(type("EXPLAIN SELECT 1")).containsExactly("UTILITY", "EXPLAIN");
        assertThat(type("CREATE VIEW v AS SELECT 1 x")).containsExactly("DDL", "CREATE_VIEW");
        assertThat(type("SHOW PARTITIONS t")).containsExactly("UTILITY", "SHOW_PARTITIONS");
        assertThat(type("MSCK REPAIR TABLE t")).containsExactly("DDL", "MSCK_REPAIR_TABLE");
        assertThat(type("CREATE EXTERNAL TABLE t (a int) LOCATION 's3://b/t/'")).containsExactly("DDL", "CREATE_TABLE");
    }

    @Test
    void rewritesAthenaCtasWithItsDefaults()
            throws Exception
    {
        AthenaStatement plain = AthenaStatement.classify("CREATE TABLE t AS SELECT 1 AS a", CTAS_LOCATION);
        assertThat(plain.trinoSql()).contains("CREATE TABLE t WITH (format = 'PARQUET', external_location = 's3://out/tables/q1/', "
                + "extra_properties = MAP(ARRAY['parquet.compression'], ARRAY['GZIP'])) AS SELECT 1 AS a");
        assertThat(plain.sessionProperties()).isEqualTo(Map.of("awsdatacatalog.compression_codec", "GZIP"));
        assertThat(plain.substatementType()).isEqualTo("CREATE_TABLE_AS_SELECT");

        AthenaStatement full = AthenaStatement.classify("CREATE TABLE db.t WITH (format = 'ORC', write_compression = 'ZSTD', "
                + "external_location = 's3://b/t/', partitioned_by = ARRAY['dt']) AS SELECT 1 AS a, 'x' AS dt", CTAS_LOCATION);
        assertThat(full.trinoSql()).contains("CREATE TABLE db.t WITH (external_location = 's3://b/t/', partitioned_by = ARRAY['dt'], format = 'ORC', "
                + "extra_properties = MAP(ARRAY['orc.compress'], ARRAY['ZSTD'])) AS SELECT 1 AS a, 'x' AS dt");
        assertThat(full.sessionProperties()).isEqualTo(Map.of("awsdatacatalog.compression_codec", "ZSTD"));

        assertThatThrownBy(() -> AthenaStatement.classify("CREATE TABLE t WITH (table_type = 'ICEBERG') AS SELECT 1 a", CTAS_LOCATION))
                .hasMessageStartingWith("NOT_SUPPORTED: table_type 'ICEBERG'");
        assertThatThrownBy(() -> AthenaStatement.classify("CREATE TABLE t WITH (vacuum_max_snapshot_age_seconds = 1) AS SELECT 1 a", CTAS_LOCATION))
                .hasMessageStartingWith("NOT_SUPPORTED: the CTAS table property 'vacuum_max_snapshot_age_seconds'");
    }

    @Test
    void rewritesHiveCtasWithItsProperties()
            throws Exception
    {
        AthenaStatement statement = AthenaStatement.classify("CREATE TABLE github_orc STORED AS ORC TBLPROPERTIES (\"orc.compress\"=\"ZLIB\") "
                + "AS SELECT * FROM github", CTAS_LOCATION);
        assertThat(statement.trinoSql()).contains("CREATE TABLE \"github_orc\" WITH (format = 'ORC', external_location = 's3://out/tables/q1/', "
                + "extra_properties = MAP(ARRAY['orc.compress'], ARRAY['ZLIB'])) AS SELECT * FROM github");
        assertThat(statement.sessionProperties()).isEqualTo(Map.of("awsdatacatalog.compression_codec", "GZIP"));
        assertThat(statement.statementType()).isEqualTo("DDL");
    }

    @Test
    void insertKnowsItsTarget()
            throws Exception
    {
        assertThat(AthenaStatement.classify("INSERT INTO sales.\"Orders\" VALUES (1)", CTAS_LOCATION).insertTarget()).contains(List.of("sales", "orders"));
        assertThat(AthenaStatement.classify("INSERT INTO awsdatacatalog.sales.orders SELECT 1", CTAS_LOCATION).insertTarget())
                .contains(List.of("sales", "orders"));
        assertThat(AthenaStatement.classify("INSERT INTO orders SELECT 1", CTAS_LOCATION).insertTarget()).contains(List.of("orders"));
        assertThat(AthenaStatement.classify("INSERT INTO orders SELECT 1", CTAS_LOCATION).withWriteCompression("snappy").sessionProperties())
                .isEqualTo(Map.of("awsdatacatalog.compression_codec", "SNAPPY"));
        assertThat(AthenaStatement.classify("SELECT 1", CTAS_LOCATION).insertTarget()).isEqualTo(Optional.empty());
    }

    @Test
    void unloadTakesItsQueryLocationAndProperties()
            throws Exception
    {
        AthenaStatement plain = AthenaStatement.classify("UNLOAD (SELECT a, b FROM t WHERE c = ')') TO 's3://out/exports' WITH (format = 'parquet')",
                CTAS_LOCATION);
        assertThat(type("UNLOAD (SELECT 1) TO 's3://b/p/' WITH (format = 'JSON')")).containsExactly("DML", "UNLOAD");
        assertThat(plain.trinoSql()).isEqualTo(Optional.empty());
        assertThat(plain.unload()).contains(new AthenaStatement.Unload("SELECT a, b FROM t WHERE c = ')'", "out", "exports/",
                Map.of("format", "'PARQUET'"), false));
        assertThat(plain.unload().orElseThrow().location()).isEqualTo("s3://out/exports/");
        assertThat(plain.sessionProperties()).isEqualTo(Map.of("awsdatacatalog.compression_codec", "GZIP"));

        AthenaStatement full = AthenaStatement.classify("unload (WITH x AS (SELECT 1 a, 'k' dt) SELECT * FROM x) to 's3://b/' "
                + "with (format = 'TEXTFILE', field_delimiter = '\\t', compression = 'none', partitioned_by = ARRAY['dt'])", CTAS_LOCATION);
        AthenaStatement.Unload unload = full.unload().orElseThrow();
        assertThat(unload.query()).isEqualTo("WITH x AS (SELECT 1 a, 'k' dt) SELECT * FROM x");
        assertThat(unload.bucket()).isEqualTo("b");
        assertThat(unload.prefix()).isEqualTo("");
        assertThat(unload.tableProperties()).containsExactly(Map.entry("format", "'TEXTFILE'"), Map.entry("textfile_field_separator", "'\t'"),
                Map.entry("partitioned_by", "ARRAY['dt']"));
        assertThat(unload.partitioned()).isTrue();
        assertThat(full.sessionProperties()).isEqualTo(Map.of("awsdatacatalog.compression_codec", "NONE"));
    }

    @Test
    void unloadRefusesWhatAthenaRefusesAndWhatItCannotApply()
    {
        assertThatThrownBy(() -> AthenaStatement.classify("UNLOAD SELECT 1 TO 's3://b/p/' WITH (format = 'ORC')", CTAS_LOCATION))
                .hasMessage("SYNTAX_ERROR: line 1:8: UNLOAD takes its query in parentheses: UNLOAD (SELECT ...) TO 's3://bucket/prefix/' WITH (format = '...')");
        assertThatThrownBy(() -> AthenaStatement.classify("UNLOAD (SELECT 1) TO '/tmp/x' WITH (format = 'ORC')", CTAS_LOCATION))
                .hasMessage("INVALID_INPUT: line 1:22: UNLOAD's TO location must be an S3 location, s3://bucket/prefix/, not '/tmp/x'");
        assertThatThrownBy(() -> AthenaStatement.classify("UNLOAD (SELECT 1) TO 's3://b/p/'", CTAS_LOCATION))
                .hasMessage("SYNTAX_ERROR: line 1:33: UNLOAD needs WITH (format = '...') after its TO location: "
                        + "UNLOAD (SELECT ...) TO 's3://bucket/prefix/' WITH (format = '...')");
        assertThatThrownBy(() -> AthenaStatement.classify("UNLOAD (SELECT 1) TO 's3://b/p/' WITH (compression = 'GZIP')", CTAS_LOCATION))
                .hasMessage("INVALID_INPUT: UNLOAD needs the property format: one of PARQUET, ORC, AVRO, JSON, TEXTFILE");
        assertThatThrownBy(() -> AthenaStatement.classify("UNLOAD (SELECT 1) TO 's3://b/p/' WITH (format = 'CSV')", CTAS_LOCATION))
                .hasMessage("INVALID_INPUT: UNLOAD's format 'CSV' is not one of PARQUET, ORC, AVRO, JSON, TEXTFILE");
        assertThatThrownBy(() -> AthenaStatement.classify("UNLOAD (SELECT 1) TO 's3://b/p/' WITH (format = 'JSON', field_delimiter = ',')", CTAS_LOCATION))
                .hasMessage("INVALID_INPUT: UNLOAD's field_delimiter applies to format TEXTFILE only, not to JSON");
        assertThatThrownBy(() -> AthenaStatement.classify("UNLOAD (SELECT 1) TO 's3://b/p/' WITH (format = 'TEXTFILE', field_delimiter = '||')",
                CTAS_LOCATION)).hasMessage("INVALID_INPUT: UNLOAD's field_delimiter must be one character in single quotes, not '||'");
        assertThatThrownBy(() -> AthenaStatement.classify("UNLOAD (SELECT 1) TO 's3://b/p/' WITH (format = 'ORC', compression_level = 3)", CTAS_LOCATION))
                .hasMessage("NOT_SUPPORTED: the UNLOAD property 'compression_level' is not supported by lakestack "
                        + "(supported: format, compression, field_delimiter, partitioned_by)");
        assertThatThrownBy(() -> AthenaStatement.classify("UNLOAD (SELECT 1) TO 's3://b/p/' WITH (format = 'ORC', compression = 'BROTLI')", CTAS_LOCATION))
                .hasMessageStartingWith("NOT_SUPPORTED: compression BROTLI is not supported");
        assertThatThrownBy(() -> AthenaStatement.classify("UNLOAD (SELECT 1) TO 's3://b/p/' WITH (format = 'ORC') x", CTAS_LOCATION))
                .hasMessage("SYNTAX_ERROR: line 1:56: extraneous input 'x' after UNLOAD's WITH (...)");
    }

    @Test
    void refusesWhatItCannotRunWithTheReason()
    {
        assertThatThrownBy(() -> AthenaStatement.classify("SELEC 1", CTAS_LOCATION))
                .hasMessageStartingWith("SYNTAX_ERROR: line 1:1: mismatched input 'SELEC'");
        assertThatThrownBy(() -> AthenaStatement.classify("GRANT SELECT ON t TO u", CTAS_LOCATION))
                .hasMessageStartingWith("NOT_SUPPORTED: line 1:1: lakestack's Athena does not support GRANT");
        assertThatThrownBy(() -> AthenaStatement.classify("SELECT 1; SELECT 2", CTAS_LOCATION))
                .hasMessage("SYNTAX_ERROR: line 1:9: only one statement per query is supported");
        assertThatThrownBy(() -> AthenaStatement.classify("   ", CTAS_LOCATION)).hasMessage("SYNTAX_ERROR: line 1:1: the query is empty");
    }

    private static List<String> type(String sql)
            throws AthenaStatement.Unsupported
    {
        AthenaStatement statement = AthenaStatement.classify(sql, CTAS_LOCATION);
        return List.of(statement.statementType(), statement.substatementType());
    }
}
