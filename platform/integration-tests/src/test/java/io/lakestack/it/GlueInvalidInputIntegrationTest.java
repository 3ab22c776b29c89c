package io.lakestack.it;

import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.Column;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.GlueException;
import software.amazon.awssdk.services.glue.model.PartitionInput;
import software.amazon.awssdk.services.glue.model.S3Target;
import software.amazon.awssdk.services.glue.model.StorageDescriptor;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Glue input the metastore cannot take (duplicate column names, which its database refuses with a unique-key
 * violation) or Glue would refuse (more than 50 tags, numbers beyond their type) is refused with
 * {@code InvalidInputException} before anything reaches the metastore.
 */
@LakestackTest
@Order(14)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GlueInvalidInputIntegrationTest
{
    private static final String DATABASE = "glue_input";

    private final TestStack stack;
    private GlueClient glue;

    GlueInvalidInputIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void setUp()
    {
        glue = stack.glue();
        glue.createDatabase(request -> request.databaseInput(input -> input.name(DATABASE)));
    }

    @AfterAll
    void close()
    {
        glue.close();
    }

    private static void assertInvalidInput(Runnable call, String message)
    {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(GlueException.class, e -> assertThat(new JsonRequests.Error(e.statusCode(),
                e.awsErrorDetails().errorCode(), e.awsErrorDetails().errorMessage())).isEqualTo(new JsonRequests.Error(400, "InvalidInputException", message)));
    }

    private static Column column(String name, String type)
    {
        return Column.builder().name(name).type(type).build();
    }

    private static StorageDescriptor storage(Column... columns)
    {
        return StorageDescriptor.builder().columns(columns).location("s3://glue-input/table/")
                .inputFormat("org.apache.hadoop.mapred.TextInputFormat")
                .outputFormat("org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat")
                .serdeInfo(serde -> serde.serializationLibrary("org.openx.data.jsonserde.JsonSerDe")).build();
    }

    @Test
    void duplicateColumnsOfATableAreInvalidInput()
    {
        assertInvalidInput(() -> glue.createTable(request -> request.databaseName(DATABASE).tableInput(table -> table.name("dup_columns")
                        .storageDescriptor(storage(column("id", "bigint"), column("name", "string"), column("ID", "string"))))),
                "Duplicate column 'ID' at TableInput.StorageDescriptor.Columns.3: column 1 is 'id' (the catalog compares column names ignoring case)");
        assertInvalidInput(() -> glue.createTable(request -> request.databaseName(DATABASE).tableInput(table -> table.name("dup_keys")
                        .storageDescriptor(storage(column("id", "bigint"))).partitionKeys(column("dt", "string"), column("dt", "string")))),
                "Duplicate column 'dt' at TableInput.PartitionKeys.2: column 1 is 'dt' (the catalog compares column names ignoring case)");
        assertThatThrownBy(() -> glue.getTable(request -> request.databaseName(DATABASE).name("dup_columns"))).isInstanceOf(EntityNotFoundException.class);
        assertThatThrownBy(() -> glue.getTable(request -> request.databaseName(DATABASE).name("dup_keys"))).isInstanceOf(EntityNotFoundException.class);

        glue.createTable(request -> request.databaseName(DATABASE).tableInput(table -> table.name("updated")
                .storageDescriptor(storage(column("id", "bigint"))).partitionKeys(column("dt", "string"))));
        assertInvalidInput(() -> glue.updateTable(request -> request.databaseName(DATABASE).tableInput(table -> table.name("updated")
                        .storageDescriptor(storage(column("id", "bigint"), column("id", "bigint"))).partitionKeys(column("dt", "string")))),
                "Duplicate column 'id' at TableInput.StorageDescriptor.Columns.2: column 1 is 'id' (the catalog compares column names ignoring case)");
        assertThat(glue.getTable(request -> request.databaseName(DATABASE).name("updated")).table().storageDescriptor().columns())
                .extracting(Column::name).containsExactly("id");
    }

    @Test
    void duplicateColumnsOfAPartitionAreInvalidInput()
    {
        glue.createTable(request -> request.databaseName(DATABASE).tableInput(table -> table.name("partitioned")
                .storageDescriptor(storage(column("id", "bigint"))).partitionKeys(column("dt", "string"))));
        PartitionInput duplicate = PartitionInput.builder().values("2026-11-20").storageDescriptor(storage(column("id", "bigint"), column("Id", "bigint"))).build();
        String message = "Duplicate column 'Id' at PartitionInput.StorageDescriptor.Columns.2: column 1 is 'id' (the catalog compares column names ignoring case)";

        assertInvalidInput(() -> glue.createPartition(request -> request.databaseName(DATABASE).tableName("partitioned").partitionInput(duplicate)), message);
        assertInvalidInput(() -> glue.batchCreatePartition(request -> request.databaseName(DATABASE).tableName("partitioned").partitionInputList(duplicate)),
                "Duplicate column 'Id' at PartitionInputList.1.StorageDescriptor.Columns.2: column 1 is 'id' (the catalog compares column names ignoring case)");
        glue.createPartition(request -> request.databaseName(DATABASE).tableName("partitioned")
                .partitionInput(PartitionInput.builder().values("2026-11-21").storageDescriptor(storage(column("id", "bigint"))).build()));
        assertInvalidInput(() -> glue.updatePartition(request -> request.databaseName(DATABASE).tableName("partitioned").partitionValueList("2026-11-21")
                .partitionInput(PartitionInput.builder().values("2026-11-21").storageDescriptor(storage(column("id", "bigint"), column("Id", "bigint"))).build())),
                message);
        assertThat(glue.getPartitions(request -> request.databaseName(DATABASE).tableName("partitioned")).partitions())
                .extracting(partition -> partition.values().get(0), partition -> partition.storageDescriptor().columns().size())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("2026-11-21", 1));
    }

    private static Map<String, String> tags(int count)
    {
        return IntStream.range(0, count).boxed().collect(Collectors.toMap(i -> "k" + i, i -> "v"));
    }

    @Test
    void moreThanFiftyTagsAreInvalidInput()
    {
        String tooMany = "1 validation error detected: Value '(10001 tags)' at 'Tags' failed to satisfy constraint: Member must have length less than "
                + "or equal to 50";
        assertInvalidInput(() -> glue.createDatabase(request -> request.databaseInput(input -> input.name("glue_tagged")).tags(tags(10_001))), tooMany);
        assertThatThrownBy(() -> glue.getDatabase(request -> request.name("glue_tagged"))).isInstanceOf(EntityNotFoundException.class);

        Function<Map<String, String>, Runnable> createCrawler = tags -> () -> glue.createCrawler(request -> request.name("it-tagged")
                .role("arn:aws:iam::000000000000:role/glue").databaseName(DATABASE)
                .targets(targets -> targets.s3Targets(S3Target.builder().path("s3://glue-input/crawl/").build())).tags(tags));
        assertInvalidInput(createCrawler.apply(tags(10_001)), tooMany);
        assertInvalidInput(createCrawler.apply(Map.of("owner", "x".repeat(257))), "1 validation error detected: Value '" + "x".repeat(257)
                + "' at 'Tags.owner' failed to satisfy constraint: Member must have length less than or equal to 256");
        assertThatThrownBy(() -> glue.getCrawler(request -> request.name("it-tagged"))).isInstanceOf(EntityNotFoundException.class);

        createCrawler.apply(tags(50)).run();
        assertThat(glue.getCrawler(request -> request.name("it-tagged")).crawler().name()).isEqualTo("it-tagged");
        glue.deleteCrawler(request -> request.name("it-tagged"));
    }

    @Test
    void maxResultsBeyondItsTypeIsInvalidInput()
    {
        assertThat(JsonRequests.error(stack, "glue", "AWSGlue.GetDatabases", "{\"MaxResults\":18446744073709551617}"))
                .isEqualTo(new JsonRequests.Error(400, "InvalidInputException", "1 validation error detected: Value '18446744073709551617' at "
                        + "'MaxResults' failed to satisfy constraint: Member must have value less than or equal to 100"));
    }
}
