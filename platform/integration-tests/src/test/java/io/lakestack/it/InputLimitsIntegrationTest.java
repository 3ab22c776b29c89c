package io.lakestack.it;

import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.RawRequests;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.QueryExecution;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;
import software.amazon.awssdk.services.athena.model.TableMetadata;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamDescription;
import software.amazon.awssdk.services.firehose.model.ExtendedS3DestinationConfiguration;
import software.amazon.awssdk.services.firehose.model.ProcessingConfiguration;
import software.amazon.awssdk.services.firehose.model.ProcessorType;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.Column;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.Partition;
import software.amazon.awssdk.services.glue.model.Table;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Input that makes work grow without bound gets AWS's error, or a query that ends, never a 500 or work that goes on
 * forever: column types, partition filters, JQ queries and request bodies nested thousands of levels deep, and
 * regular expressions that backtrack exponentially. Each limit is stated in the error.
 */
@LakestackTest
@Order(14)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InputLimitsIntegrationTest
{
    private static final String DATABASE = "limits_it";
    private static final String BUCKET = "limits-it";
    private static final String ROLE = "arn:aws:iam::000000000000:role/firehose";
    /** Long enough for any answer on a loaded machine; far shorter than the minutes a backtracking match takes. */
    private static final Duration PROMPT = Duration.ofSeconds(30);
    private static final String DEEP_TYPE = "array<".repeat(20_000) + "int" + ">".repeat(20_000);
    private static final String DEEP_TYPE_REASON = "invalid type '" + "array<".repeat(16) + "arra... (140003 characters)' at position 605: arrays, maps, "
            + "structs and uniontypes nest more than 100 levels deep; lakestack accepts at most 100 levels";
    /** 5,000 levels of unary minus: within the 5,120 characters Firehose allows a processor parameter. */
    private static final String DEEP_JQ = "{k: " + "-".repeat(5_000) + "1}";

    private final TestStack stack;
    private GlueClient glue;
    private AthenaClient athena;
    private FirehoseClient firehose;
    private S3Client s3;
    private AthenaQueries queries;

    InputLimitsIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void setUp()
    {
        glue = stack.glue();
        athena = stack.athena();
        firehose = stack.firehose();
        s3 = stack.s3();
        s3.createBucket(request -> request.bucket(BUCKET));
        glue.createDatabase(request -> request.databaseInput(database -> database.name(DATABASE)));
        queries = new AthenaQueries(athena, DATABASE);
    }

    @AfterAll
    void tearDown()
    {
        glue.close();
        athena.close();
        firehose.close();
        s3.close();
    }

    // Glue

    @Test
    void glueRefusesAColumnTypeNestedTwentyThousandLevelsAndTakesOneHundred()
    {
        assertError(() -> glue.createTable(request -> request.databaseName(DATABASE).tableInput(table("deep_type", DEEP_TYPE))),
                400, "InvalidInputException", "Invalid type for column 'c' of table " + DATABASE + ".deep_type: " + DEEP_TYPE_REASON);
        assertThatThrownBy(() -> glue.getTable(request -> request.databaseName(DATABASE).name("deep_type")))
                .isInstanceOf(EntityNotFoundException.class);

        String hundred = "array<".repeat(99) + "struct<a:int>" + ">".repeat(99);
        glue.createTable(request -> request.databaseName(DATABASE).tableInput(table("hundred_levels", hundred)));
        assertThat(glue.getTable(request -> request.databaseName(DATABASE).name("hundred_levels")).table().storageDescriptor().columns())
                .extracting(Column::type).containsExactly(hundred);
    }

    @Test
    void getPartitionsRefusesExpressionsNestedTooDeepAndEvaluatesLongChainsAndLikes()
    {
        glue.createTable(request -> request.databaseName(DATABASE).tableInput(table("events", "string").toBuilder()
                .partitionKeys(key -> key.name("name").type("string")).build()));
        String longValue = "a".repeat(200);
        for (String value : List.of("b", longValue)) {
            glue.createPartition(request -> request.databaseName(DATABASE).tableName("events").partitionInput(partition -> partition.values(value)
                    .storageDescriptor(storage -> storage.location("s3://" + BUCKET + "/events/name=" + value.length() + "/"))));
        }

        // within Glue's 2,048 characters of an Expression
        assertError(() -> getPartitions("(".repeat(201) + "name = 'b'" + ")".repeat(201)), 400, "InvalidInputException",
                "invalid partition filter expression '" + "(".repeat(100) + "... (412 characters)': parentheses and NOT nest more than 200 levels "
                        + "deep; lakestack accepts at most 200 levels");
        assertError(() -> getPartitions("NOT ".repeat(201) + "name = 'b'"), 400, "InvalidInputException",
                "invalid partition filter expression '" + "NOT ".repeat(25) + "... (814 characters)': parentheses and NOT nest more than 200 levels "
                        + "deep; lakestack accepts at most 200 levels");

        // as long a chain as Glue's 2,048 characters allow
        List<String> terms = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            terms.add("name = 'c" + i + "'");
        }
        assertThat(getPartitions(String.join(" OR ", terms) + " OR name = 'b'")).extracting(Partition::values).containsExactly(List.of("b"));
        assertThat(getPartitions("NOT ".repeat(200) + "name = 'b'")).extracting(Partition::values).containsExactly(List.of("b"));
        // as a regular expression, .*a.*a... backtracks for hours on 200 characters
        assertThat(getPartitions("name LIKE '" + "%a".repeat(20) + "%b'")).isEmpty();
        assertThat(getPartitions("name LIKE '" + "%a".repeat(20) + "%'")).extracting(Partition::values).containsExactly(List.of(longValue));
    }

    @Test
    void getTablesAndListTableMetadataMatchNestedQuantifiersInLinearTime()
    {
        for (String name : List.of("x".repeat(30), "xxxy", "orders_2024")) {
            glue.createTable(request -> request.databaseName(DATABASE).tableInput(table(name, "string")));
        }

        // java.util.regex spends about two minutes of a core on each thirty-x name before saying no
        assertThat(glue.getTables(request -> request.databaseName(DATABASE).expression("((x+)+)+y")
                .overrideConfiguration(o -> o.apiCallTimeout(PROMPT))).tableList()).extracting(Table::name).containsExactly("xxxy");
        assertThat(athena.listTableMetadata(request -> request.catalogName("AwsDataCatalog").databaseName(DATABASE).expression("((x+)+)+y")
                .overrideConfiguration(o -> o.apiCallTimeout(PROMPT))).tableMetadataList()).extracting(TableMetadata::name).containsExactly("xxxy");
        assertThat(glue.getTables(request -> request.databaseName(DATABASE).expression("ORDERS_\\d{4}")).tableList())
                .extracting(Table::name).containsExactly("orders_2024");

        assertError(() -> glue.getTables(request -> request.databaseName(DATABASE).expression("(x")), 400, "InvalidInputException",
                "Expression '(x' is not a valid regular expression: missing closing ) (lakestack reads RE2 syntax: no backreferences or lookaround)");
        assertError(() -> athena.listTableMetadata(request -> request.catalogName("AwsDataCatalog").databaseName(DATABASE).expression("(x")),
                400, "InvalidRequestException",
                "Expression '(x' is not a valid regular expression: missing closing ) (lakestack reads RE2 syntax: no backreferences or lookaround)");
        assertError(() -> glue.getTables(request -> request.databaseName(DATABASE).expression("(?=x)x")), 400, "InvalidInputException",
                "Expression '(?=x)x' is not a valid regular expression: invalid or unsupported Perl syntax (lakestack reads RE2 syntax: no "
                        + "backreferences or lookaround)");
        String tooLarge = "Expression '((x{1000}){1000}){1000}' is too large: written out (counted repetitions such as {n,m} expanded) it is more than "
                + "2000 instructions; lakestack matches table names with expressions of at most 2000 instructions";
        assertError(() -> glue.getTables(request -> request.databaseName(DATABASE).expression("((x{1000}){1000}){1000}")), 400,
                "InvalidInputException", tooLarge);
        assertError(() -> athena.listTableMetadata(request -> request.catalogName("AwsDataCatalog").databaseName(DATABASE)
                .expression("((x{1000}){1000}){1000}")), 400, "InvalidRequestException", tooLarge);
        assertError(() -> glue.getTables(request -> request.databaseName(DATABASE).expression("(".repeat(101) + "x" + ")".repeat(101))), 400,
                "InvalidInputException", "Expression '" + "(".repeat(100) + "... (203 characters)' nests groups more than 100 levels deep; "
                        + "lakestack accepts at most 100 levels");
    }

    // Athena

    @Test
    void athenaDdlWithATypeNestedTwentyThousandLevelsEndsFailedWithTheLimit()
    {
        String id = athena.startQueryExecution(request -> request.queryString("CREATE EXTERNAL TABLE t (c " + DEEP_TYPE + ") LOCATION 's3://"
                + BUCKET + "/p/'").queryExecutionContext(context -> context.database(DATABASE))).queryExecutionId();

        QueryExecution failed = queries.await(id);
        assertThat(failed.status().state()).isEqualTo(QueryExecutionState.FAILED);
        assertThat(failed.status().stateChangeReason()).isEqualTo("FAILED: ParseException line 1:28: column c: " + DEEP_TYPE_REASON);
        assertThat(failed.status().athenaError().errorCategory()).isEqualTo(2);

        // stopping a query that has ended changes nothing, as in Athena
        athena.stopQueryExecution(request -> request.queryExecutionId(id));
        assertThat(athena.getQueryExecution(request -> request.queryExecutionId(id)).queryExecution().status().state())
                .isEqualTo(QueryExecutionState.FAILED);
        assertThatThrownBy(() -> glue.getTable(request -> request.databaseName(DATABASE).name("t"))).isInstanceOf(EntityNotFoundException.class);
    }

    @Test
    void stopQueryExecutionStopsARunningQuery()
    {
        String id = athena.startQueryExecution(request -> request.queryString(
                "SELECT count(*) FROM UNNEST(sequence(1, 10000)) AS a(x) CROSS JOIN UNNEST(sequence(1, 10000)) AS b(y) CROSS JOIN UNNEST(sequence(1, 10000)) "
                        + "AS c(z) WHERE (x * y + z) % 7 = 3")).queryExecutionId();
        Eventually.read(Duration.ofMinutes(3), () -> athena.getQueryExecution(request -> request.queryExecutionId(id)).queryExecution(),
                execution -> assertThat(execution.status().state()).isEqualTo(QueryExecutionState.RUNNING));

        athena.stopQueryExecution(request -> request.queryExecutionId(id));

        QueryExecution stopped = queries.await(id);
        assertThat(stopped.status().state()).isEqualTo(QueryExecutionState.CANCELLED);
        assertThat(stopped.status().stateChangeReason()).isEqualTo("Query cancelled by user");
    }

    @Test
    void showTablesMatchesItsPatternWithoutBacktracking()
    {
        glue.createDatabase(request -> request.databaseInput(database -> database.name("limits_show")));
        for (String name : List.of("a".repeat(100), "orders_1", "b")) {
            glue.createTable(request -> request.databaseName("limits_show").tableInput(table(name, "string")));
        }

        // as a regular expression, .*a.*a... backtracks for hours on a hundred a
        assertThat(queries.lines("SHOW TABLES IN limits_show LIKE '" + "*a".repeat(20) + "*b'")).isEmpty();
        assertThat(queries.lines("SHOW TABLES IN limits_show LIKE 'orders_*|" + "*a".repeat(20) + "'")).containsExactly("a".repeat(100), "orders_1");
    }

    // Firehose

    @Test
    void firehoseRefusesAJqQueryNestedFiveThousandLevelsAtCreateAndUpdate()
    {
        assertError(() -> firehose.createDeliveryStream(request -> request.deliveryStreamName("limits-deep-arrays")
                .extendedS3DestinationConfiguration(partitionedBy("{k: " + "[".repeat(2_500) + ".k" + "]".repeat(2_500) + "}"))), 400,
                "InvalidArgumentException", "MetadataExtractionQuery '{k: " + "[".repeat(96) + "... (5007 characters)' nests 2501 levels deep (brackets, "
                        + "and operators chained within a bracket); lakestack accepts at most 100 levels");
        String reason = "MetadataExtractionQuery '{k: " + "-".repeat(96) + "... (5006 characters)' nests 5001 levels deep (brackets, and operators "
                + "chained within a bracket); lakestack accepts at most 100 levels";
        assertError(() -> firehose.createDeliveryStream(request -> request.deliveryStreamName("limits-deep-jq")
                .extendedS3DestinationConfiguration(partitionedBy(DEEP_JQ))), 400, "InvalidArgumentException", reason);
        // a sum of 1,000 terms compiles, but used to end the stream's delivery with a StackOverflowError at its first record
        assertError(() -> firehose.createDeliveryStream(request -> request.deliveryStreamName("limits-long-sum")
                .extendedS3DestinationConfiguration(partitionedBy("{k: 1" + "+1".repeat(1_000) + "}"))), 400, "InvalidArgumentException",
                "MetadataExtractionQuery '{k: 1" + "+1".repeat(47) + "+... (2006 characters)' nests 1001 levels deep (brackets, and operators chained "
                        + "within a bracket); lakestack accepts at most 100 levels");
        assertThat(firehose.listDeliveryStreams(request -> request.limit(10000)).deliveryStreamNames())
                .doesNotContain("limits-deep-jq", "limits-deep-arrays", "limits-long-sum");

        firehose.createDeliveryStream(request -> request.deliveryStreamName("limits-jq").extendedS3DestinationConfiguration(partitionedBy("{k: .k}")));
        assertError(() -> firehose.updateDestination(request -> request.deliveryStreamName("limits-jq").currentDeliveryStreamVersionId("1")
                .destinationId("destinationId-000000000001").extendedS3DestinationUpdate(update -> update.processingConfiguration(processing(DEEP_JQ)))),
                400, "InvalidArgumentException", reason);
        DeliveryStreamDescription unchanged = firehose.describeDeliveryStream(request -> request.deliveryStreamName("limits-jq")).deliveryStreamDescription();
        assertThat(unchanged.versionId()).isEqualTo("1");
        assertThat(unchanged.destinations().get(0).extendedS3DestinationDescription().processingConfiguration().processors().get(0).parameters())
                .anySatisfy(parameter -> assertThat(parameter.parameterValue()).isEqualTo("{k: .k}"));
        firehose.deleteDeliveryStream(request -> request.deliveryStreamName("limits-jq"));
    }

    // request bodies

    @Test
    void aRequestBodyNestedDeeperThanOneThousandLevelsIsASerializationExceptionInJsonAndCbor()
            throws Exception
    {
        byte[] json = ("{\"DatabaseName\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> glueResponse = RawRequests.send(stack.endpoint(), "POST", "/", Map.of("Content-Type", "application/x-amz-json-1.1",
                "X-Amz-Target", "AWSGlue.GetTables"), json, "glue", TestStack.ACCESS_KEY, TestStack.SECRET_KEY);
        assertThat(glueResponse.statusCode()).isEqualTo(400);
        assertThat(glueResponse.headers().firstValue("x-amzn-ErrorType")).contains("SerializationException");
        assertThat(glueResponse.body()).isEqualTo("{\"__type\":\"SerializationException\",\"message\":\"The request body is not valid JSON: Document nesting "
                + "depth (1001) exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNestingDepth()`)\"}");

        // {"StreamName": [[[...]]]}, the arrays 100,000 deep
        byte[] cbor = new byte[2 + "StreamName".length() + 100_000];
        cbor[0] = (byte) 0xa1;
        cbor[1] = (byte) (0x60 + "StreamName".length());
        System.arraycopy("StreamName".getBytes(StandardCharsets.UTF_8), 0, cbor, 2, "StreamName".length());
        Arrays.fill(cbor, 2 + "StreamName".length(), cbor.length - 1, (byte) 0x81);
        cbor[cbor.length - 1] = (byte) 0x80;
        HttpResponse<String> kinesisResponse = RawRequests.send(stack.endpoint(), "POST", "/", Map.of("Content-Type", "application/x-amz-cbor-1.1",
                "X-Amz-Target", "Kinesis_20131202.DescribeStream"), cbor, "kinesis", TestStack.ACCESS_KEY, TestStack.SECRET_KEY);
        assertThat(kinesisResponse.statusCode()).isEqualTo(400);
        assertThat(kinesisResponse.headers().firstValue("content-type")).contains("application/x-amz-cbor-1.1");
        assertThat(kinesisResponse.headers().firstValue("x-amzn-ErrorType")).contains("SerializationException");
        // the CBOR map's text strings read as UTF-8
        assertThat(kinesisResponse.body()).contains("SerializationException", "The request body is not valid CBOR: Document nesting depth (1001) exceeds "
                + "the maximum allowed (1000, from `StreamReadConstraints.getMaxNestingDepth()`)");
    }

    private List<Partition> getPartitions(String expression)
    {
        return glue.getPartitions(request -> request.databaseName(DATABASE).tableName("events").expression(expression)
                .overrideConfiguration(o -> o.apiCallTimeout(PROMPT))).partitions();
    }

    private static software.amazon.awssdk.services.glue.model.TableInput table(String name, String columnType)
    {
        return software.amazon.awssdk.services.glue.model.TableInput.builder().name(name).tableType("EXTERNAL_TABLE")
                .storageDescriptor(storage -> storage.location("s3://" + BUCKET + "/" + name + "/").columns(column -> column.name("c").type(columnType)))
                .build();
    }

    private static ExtendedS3DestinationConfiguration partitionedBy(String query)
    {
        return ExtendedS3DestinationConfiguration.builder().bucketARN("arn:aws:s3:::" + BUCKET).roleARN(ROLE)
                .prefix("jq/k=!{partitionKeyFromQuery:k}/").errorOutputPrefix("jq-errors/")
                .bufferingHints(hints -> hints.sizeInMBs(64).intervalInSeconds(60))
                .dynamicPartitioningConfiguration(dynamic -> dynamic.enabled(true))
                .processingConfiguration(processing(query))
                .build();
    }

    private static ProcessingConfiguration processing(String query)
    {
        return ProcessingConfiguration.builder().enabled(true).processors(processor -> processor.type(ProcessorType.METADATA_EXTRACTION).parameters(
                parameter -> parameter.parameterName("MetadataExtractionQuery").parameterValue(query),
                parameter -> parameter.parameterName("JsonParsingEngine").parameterValue("JQ-1.6"))).build();
    }

    private static void assertError(Runnable call, int status, String errorCode, String message)
    {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(AwsServiceException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(status);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(errorCode);
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(message);
        });
    }
}
