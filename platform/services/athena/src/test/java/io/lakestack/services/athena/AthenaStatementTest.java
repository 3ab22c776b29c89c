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
