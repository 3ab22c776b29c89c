package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.testing.AwsCli;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The AWS CLI v2, unchanged but for --endpoint-url, with {@code aws glue} and {@code aws athena}. */
@LakestackTest
@Order(13)
class AwsCliGlueAthenaIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestStack stack;
    private AwsCli aws;

    AwsCliGlueAthenaIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeEach
    void findCli()
    {
        aws = AwsCli.required(stack);
    }

    @Test
    void glueCatalogAndCrawler()
            throws Exception
    {
        assertThat(aws.run("glue", "create-database", "--database-input", "{\"Name\":\"cli_glue\",\"Description\":\"from the CLI\"}"))
                .isEqualTo(new AwsCli.Result(0, "", ""));
        JsonNode database = json("glue", "get-database", "--name", "cli_glue").get("Database");
        assertThat(database.get("Name").asText()).isEqualTo("cli_glue");
        assertThat(database.get("Description").asText()).isEqualTo("from the CLI");

        String tableInput = """
                {"Name":"visits","TableType":"EXTERNAL_TABLE","Parameters":{"classification":"csv"},
                 "PartitionKeys":[{"Name":"day","Type":"string"}],
                 "StorageDescriptor":{"Columns":[{"Name":"page","Type":"string"},{"Name":"hits","Type":"bigint"}],
                   "Location":"s3://cli-glue/visits/",
                   "InputFormat":"org.apache.hadoop.mapred.TextInputFormat",
                   "OutputFormat":"org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                   "SerdeInfo":{"SerializationLibrary":"org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe","Parameters":{"field.delim":","}}}}
                """;
        assertThat(aws.run("glue", "create-table", "--database-name", "cli_glue", "--table-input", tableInput)).isEqualTo(new AwsCli.Result(0, "", ""));
        JsonNode table = json("glue", "get-table", "--database-name", "cli_glue", "--name", "visits").get("Table");
        assertThat(table.get("TableType").asText()).isEqualTo("EXTERNAL_TABLE");
        assertThat(table.get("StorageDescriptor").get("SerdeInfo").get("Parameters").get("field.delim").asText()).isEqualTo(",");
        assertThat(table.get("PartitionKeys").get(0).get("Name").asText()).isEqualTo("day");

        JsonNode created = json("glue", "batch-create-partition", "--database-name", "cli_glue", "--table-name", "visits", "--partition-input-list",
                "[{\"Values\":[\"2024-01-01\"],\"StorageDescriptor\":{\"Location\":\"s3://cli-glue/visits/day=2024-01-01/\"}},"
                        + "{\"Values\":[\"2024-01-02\"],\"StorageDescriptor\":{\"Location\":\"s3://cli-glue/visits/day=2024-01-02/\"}}]");
        assertThat(created.get("Errors")).isEmpty();
        JsonNode partitions = json("glue", "get-partitions", "--database-name", "cli_glue", "--table-name", "visits", "--expression", "day > '2024-01-01'");
        assertThat(partitions.get("Partitions")).hasSize(1);
        assertThat(partitions.get("Partitions").get(0).get("Values").get(0).asText()).isEqualTo("2024-01-02");

        AwsCli.Result missing = aws.run("glue", "get-table", "--database-name", "cli_glue", "--name", "nope");
        assertThat(missing.exitCode()).isEqualTo(254);
        assertThat(missing.stderr()).contains("An error occurred (EntityNotFoundException) when calling the GetTable operation: Table nope not found.");

        try (S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket("cli-glue"));
            s3.putObject(request -> request.bucket("cli-glue").key("crawl/sales/region=eu/part.csv"), RequestBody.fromString("sku,qty\na1,3\nb2,5\n"));
        }
        assertThat(aws.run("glue", "create-crawler", "--name", "cli-crawler", "--role", "arn:aws:iam::000000000000:role/c", "--database-name", "cli_glue",
                "--targets", "{\"S3Targets\":[{\"Path\":\"s3://cli-glue/crawl/\"}]}").exitCode()).isEqualTo(0);
        Instant starting = Instant.now();
        assertThat(aws.run("glue", "start-crawler", "--name", "cli-crawler")).isEqualTo(new AwsCli.Result(0, "", ""));
        Instant started = Instant.now();
        JsonNode crawler = awaitCrawled("cli-crawler", starting, started);
        assertThat(crawler.get("LastCrawl").get("Status").asText()).isEqualTo("SUCCEEDED");
        JsonNode sales = json("glue", "get-table", "--database-name", "cli_glue", "--name", "sales").get("Table");
        List<String> columns = new ArrayList<>();
        sales.get("StorageDescriptor").get("Columns").forEach(column -> columns.add(column.get("Name").asText() + ":" + column.get("Type").asText()));
        assertThat(columns).containsExactly("sku:string", "qty:bigint");
        assertThat(sales.get("PartitionKeys").get(0).get("Name").asText()).isEqualTo("region");
        JsonNode metrics = json("glue", "get-crawler-metrics", "--crawler-name-list", "cli-crawler").get("CrawlerMetricsList").get(0);
        assertThat(metrics.get("TablesCreated").asInt()).isEqualTo(1);
    }

    @Test
    void athenaQueriesAndWorkGroups()
            throws Exception
    {
        String id = json("athena", "start-query-execution", "--query-string", "SELECT x, x * x AS square FROM UNNEST(sequence(1, 3)) AS t(x) ORDER BY x")
                .get("QueryExecutionId").asText();
        JsonNode execution = awaitQuery(id);
        assertThat(execution.get("Status").get("State").asText()).as(execution.toString()).isEqualTo("SUCCEEDED");
        assertThat(execution.get("ResultConfiguration").get("OutputLocation").asText()).isEqualTo("s3://lakestack-warehouse/athena-results/" + id + ".csv");
        JsonNode results = json("athena", "get-query-results", "--query-execution-id", id);
        List<String> rows = new ArrayList<>();
        results.get("ResultSet").get("Rows").forEach(row -> {
            List<String> values = new ArrayList<>();
            row.get("Data").forEach(datum -> values.add(datum.get("VarCharValue").asText()));
            rows.add(String.join(",", values));
        });
        assertThat(rows).containsExactly("x,square", "1,1", "2,4", "3,9");
        assertThat(results.get("ResultSet").get("ResultSetMetadata").get("ColumnInfo").get(1).get("Type").asText()).isEqualTo("bigint");

        String failed = json("athena", "start-query-execution", "--query-string", "SELECT * FROM nowhere_at_all").get("QueryExecutionId").asText();
        JsonNode failure = awaitQuery(failed);
        assertThat(failure.get("Status").get("State").asText()).isEqualTo("FAILED");
        assertThat(failure.get("Status").get("StateChangeReason").asText())
                .isEqualTo("TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.default.nowhere_at_all' does not exist");

        JsonNode workGroups = json("athena", "list-work-groups");
        List<String> names = new ArrayList<>();
        workGroups.get("WorkGroups").forEach(group -> names.add(group.get("Name").asText()));
        assertThat(names).contains("primary");
        JsonNode executions = json("athena", "list-query-executions", "--work-group", "primary");
        List<String> ids = new ArrayList<>();
        executions.get("QueryExecutionIds").forEach(node -> ids.add(node.asText()));
        assertThat(ids).contains(id, failed);

        AwsCli.Result wrong = aws.run("athena", "get-query-results", "--query-execution-id", failed);
        assertThat(wrong.exitCode()).isEqualTo(254);
        assertThat(wrong.stderr()).contains("An error occurred (InvalidRequestException) when calling the GetQueryResults operation: "
                + "Query did not finish successfully. Final query state: FAILED");
    }

    /** The crawler once it is READY again after a crawl that started between the two instants. */
    private JsonNode awaitCrawled(String name, Instant starting, Instant started)
    {
        return Eventually.read(Duration.ofMinutes(2), () -> json("glue", "get-crawler", "--name", name).get("Crawler"), crawler -> {
            assertThat(crawler.path("State").asText()).as("state of %s", crawler).isEqualTo("READY");
            // the CLI prints timestamps as ISO 8601 with the offset
            assertThat(crawler.path("LastCrawl").path("StartTime").asText()).as("start of the last crawl of %s", crawler)
                    .matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?\\+00:00")
                    .satisfies(time -> assertThat(OffsetDateTime.parse(time).toInstant()).isBetween(starting.truncatedTo(ChronoUnit.MILLIS), started));
        });
    }

    /** The execution once it is done: SUCCEEDED, FAILED or CANCELLED. */
    private JsonNode awaitQuery(String id)
    {
        return Eventually.read(Duration.ofMinutes(2), () -> json("athena", "get-query-execution", "--query-execution-id", id).get("QueryExecution"),
                execution -> assertThat(execution.path("Status").path("State").asText()).as("state of %s", execution)
                        .isIn("SUCCEEDED", "FAILED", "CANCELLED"));
    }

    private JsonNode json(String... arguments)
            throws Exception
    {
        AwsCli.Result result = aws.run(arguments);
        assertThat(result.exitCode()).as("aws %s: %s", String.join(" ", arguments), result.stderr()).isEqualTo(0);
        return JSON.readTree(result.stdout());
    }
}
