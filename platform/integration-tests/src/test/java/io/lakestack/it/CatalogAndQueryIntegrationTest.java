package io.lakestack.it;

import io.lakestack.backends.hive.ThriftMetastoreClient;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import io.trino.hive.thrift.metastore.FieldSchema;
import io.trino.hive.thrift.metastore.Table;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Objects written through the endpoint, a table over them in the Hive Metastore, and Trino reading them back. */
@LakestackTest
@Order(3)
class CatalogAndQueryIntegrationTest
{
    private final TestStack stack;

    CatalogAndQueryIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @Test
    void externalTableOverJsonLinesIsRegisteredAndQueryable()
            throws Exception
    {
        try (S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket("catalog-it"));
            s3.putObject(request -> request.bucket("catalog-it").key("events/part-1.json"), RequestBody.fromString(
                    "{\"id\":1,\"name\":\"ada\",\"score\":9.5}\n{\"id\":2,\"name\":\"grace\",\"score\":8.25}\n"));
            s3.putObject(request -> request.bucket("catalog-it").key("events/part-2.json"), RequestBody.fromString(
                    "{\"id\":3,\"name\":\"alan\",\"score\":7.0}\n"));
        }
        try (Connection trino = stack.trino(); Statement statement = trino.createStatement()) {
            statement.execute("CREATE SCHEMA awsdatacatalog.catalog_it WITH (location = 's3://catalog-it/')");
            statement.execute("CREATE TABLE awsdatacatalog.catalog_it.events (id bigint, name varchar, score double) "
                    + "WITH (format = 'JSON', external_location = 's3://catalog-it/events/')");

            try (ThriftMetastoreClient metastore = stack.metastore()) {
                Table table = metastore.getTable("catalog_it", "events");
                assertThat(table.getTableType()).isEqualTo("EXTERNAL_TABLE");
                assertThat(table.getSd().getLocation()).isEqualTo("s3://catalog-it/events");
                assertThat(table.getSd().getSerdeInfo().getSerializationLib()).isEqualTo("org.apache.hive.hcatalog.data.JsonSerDe");
                assertThat(table.getSd().getCols()).extracting(FieldSchema::getName, FieldSchema::getType).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("id", "bigint"),
                        org.assertj.core.groups.Tuple.tuple("name", "string"),
                        org.assertj.core.groups.Tuple.tuple("score", "double"));
            }

            List<String> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery("SELECT id, name, score FROM awsdatacatalog.catalog_it.events ORDER BY id")) {
                while (result.next()) {
                    rows.add(result.getLong("id") + "|" + result.getString("name") + "|" + result.getDouble("score"));
                }
            }
            assertThat(rows).containsExactly("1|ada|9.5", "2|grace|8.25", "3|alan|7.0");
        }
    }
}
