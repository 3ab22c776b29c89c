package io.lakestack.services.athena.sql;

import io.lakestack.spi.glue.Column;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HiveDdlParserTest
{
    @Test
    void parsesTheGithubPipelineTable()
    {
        HiveStatement statement = HiveDdlParser.parse("""
                CREATE EXTERNAL TABLE github (`id` STRING, `type` STRING, `actor` STRING, `repo` STRING,
                  `payload` STRING, `public` STRING, `created_at` STRING, `org` STRING)
                ROW FORMAT SERDE 'org.apache.hadoop.hive.contrib.serde2.JsonSerde'
                LOCATION 's3://bucket/data/github/'""");
        HiveStatement.CreateTable create = (HiveStatement.CreateTable) statement;
        assertThat(create.name()).isEqualTo(new HiveStatement.TableName(Optional.empty(), "github"));
        assertThat(create.external()).isTrue();
        assertThat(create.columns()).extracting(Column::name).containsExactly("id", "type", "actor", "repo", "payload", "public", "created_at", "org");
        assertThat(create.columns()).extracting(Column::type).containsOnly("string");
        assertThat(create.rowFormat()).contains(new HiveStatement.RowFormat("org.apache.hadoop.hive.contrib.serde2.JsonSerde", Map.of()));
        assertThat(create.location()).contains("s3://bucket/data/github/");
        assertThat(create.asQuery()).isEmpty();
    }

    @Test
    void parsesPartitionedParquetWithPropertiesAndComplexTypes()
    {
        HiveStatement.CreateTable create = (HiveStatement.CreateTable) HiveDdlParser.parse("CREATE EXTERNAL TABLE IF NOT EXISTS db.events (id bigint COMMENT 'the id', "
                + "price decimal(10, 2), tags array<string>, attrs map<string,int>, who struct<name:string, age:int>) "
                + "COMMENT 'events' PARTITIONED BY (dt string, hour int) STORED AS PARQUET LOCATION 's3://b/events/' "
                + "TBLPROPERTIES ('parquet.compression'='SNAPPY', \"classification\"=\"parquet\")");
        assertThat(create.name()).isEqualTo(new HiveStatement.TableName(Optional.of("db"), "events"));
        assertThat(create.ifNotExists()).isTrue();
        assertThat(create.columns()).extracting(Column::name, Column::type).containsExactly(
                org.assertj.core.groups.Tuple.tuple("id", "bigint"),
                org.assertj.core.groups.Tuple.tuple("price", "decimal(10,2)"),
                org.assertj.core.groups.Tuple.tuple("tags", "array<string>"),
                org.assertj.core.groups.Tuple.tuple("attrs", "map<string,int>"),
                org.assertj.core.groups.Tuple.tuple("who", "struct<name:string,age:int>"));
        assertThat(create.columns().get(0).comment()).contains("the id");
        assertThat(create.comment()).contains("events");
        assertThat(create.partitionedBy()).extracting(Column::name, Column::type).containsExactly(
                org.assertj.core.groups.Tuple.tuple("dt", "string"), org.assertj.core.groups.Tuple.tuple("hour", "int"));
        assertThat(create.storedAsName()).contains("PARQUET");
        assertThat(create.properties()).isEqualTo(Map.of("parquet.compression", "SNAPPY", "classification", "parquet"));
    }

    @Test
    void parsesPartitionAndUtilityStatements()
    {
        assertThat(HiveDdlParser.parse("ALTER TABLE t ADD IF NOT EXISTS PARTITION (dt='2024-01-01', h=3) LOCATION 's3://b/t/1/' PARTITION (dt='2024-01-02', h=4)"))
                .isEqualTo(new HiveStatement.AddPartitions(new HiveStatement.TableName(Optional.empty(), "t"), true, List.of(
                        new HiveStatement.PartitionSpec(Map.of("dt", "2024-01-01", "h", "3"), Optional.of("s3://b/t/1/")),
                        new HiveStatement.PartitionSpec(Map.of("dt", "2024-01-02", "h", "4"), Optional.empty()))));
        assertThat(HiveDdlParser.parse("MSCK REPAIR TABLE sales.orders"))
                .isEqualTo(new HiveStatement.RepairTable(new HiveStatement.TableName(Optional.of("sales"), "orders")));
        assertThat(HiveDdlParser.parse("SHOW TABLES IN sales 'ord*'")).isEqualTo(new HiveStatement.ShowTables(Optional.of("sales"), Optional.of("ord*")));
        assertThat(HiveDdlParser.parse("DROP TABLE IF EXISTS `orders`"))
                .isEqualTo(new HiveStatement.DropTable(new HiveStatement.TableName(Optional.empty(), "orders"), true));
        assertThat(HiveDdlParser.parse("DESCRIBE FORMATTED orders"))
                .isEqualTo(new HiveStatement.Describe(new HiveStatement.TableName(Optional.empty(), "orders"), true));
    }

    @Test
    void tellsHiveDdlFromTrinoSql()
    {
        assertThat(HiveDdlParser.isHiveDdl("CREATE EXTERNAL TABLE t (a int) LOCATION 's3://b/'")).isTrue();
        assertThat(HiveDdlParser.isHiveDdl("CREATE TABLE t STORED AS ORC AS SELECT 1 a")).isTrue();
        assertThat(HiveDdlParser.isHiveDdl("CREATE TABLE t WITH (format = 'PARQUET') AS SELECT 1 a")).isFalse();
        assertThat(HiveDdlParser.isHiveDdl("SELECT 1")).isFalse();
        assertThat(HiveDdlParser.isHiveDdl("CREATE VIEW v AS SELECT 1 a")).isFalse();
    }

    @Test
    void errorsNameThePosition()
    {
        assertThatThrownBy(() -> HiveDdlParser.parse("CREATE EXTERNAL TABLE t (a int,) LOCATION 's3://b/'"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("line 1:32:");
        assertThatThrownBy(() -> HiveDdlParser.parse("CREATE EXTERNAL TABLE t (a int) STORED AS PARQUETT"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PARQUETT");
    }
}
