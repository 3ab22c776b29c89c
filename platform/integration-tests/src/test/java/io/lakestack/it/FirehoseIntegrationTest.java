package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.xerial.snappy.SnappyFramedInputStream;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.CompressionFormat;
import software.amazon.awssdk.services.firehose.model.ConcurrentModificationException;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamDescription;
import software.amazon.awssdk.services.firehose.model.ExtendedS3DestinationConfiguration;
import software.amazon.awssdk.services.firehose.model.ExtendedS3DestinationDescription;
import software.amazon.awssdk.services.firehose.model.FirehoseException;
import software.amazon.awssdk.services.firehose.model.InvalidArgumentException;
import software.amazon.awssdk.services.firehose.model.ProcessorType;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.firehose.model.ResourceInUseException;
import software.amazon.awssdk.services.firehose.model.ResourceNotFoundException;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.Column;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Firehose delivery to S3 on Kafka, with the AWS SDK v2 Firehose client; objects read back through S3 and Trino. */
@LakestackTest
@Order(25)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FirehoseIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUCKET = "it-firehose";
    private static final String ROLE = "arn:aws:iam::000000000000:role/firehose";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final TestStack stack;
    private FirehoseClient firehose;
    private S3Client s3;

    FirehoseIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void setUp()
    {
        firehose = stack.firehose();
        s3 = stack.s3();
        s3.createBucket(request -> request.bucket(BUCKET));
    }

    @AfterAll
    void tearDown()
    {
        firehose.close();
        s3.close();
    }

    private static ExtendedS3DestinationConfiguration.Builder destination()
    {
        return ExtendedS3DestinationConfiguration.builder().bucketARN("arn:aws:s3:::" + BUCKET).roleARN(ROLE);
    }

    private void create(String name, UnaryOperator<ExtendedS3DestinationConfiguration.Builder> configuration)
    {
        firehose.createDeliveryStream(request -> request.deliveryStreamName(name).deliveryStreamType("DirectPut")
                .extendedS3DestinationConfiguration(configuration.apply(destination()).build()));
    }

    private PutRecordBatchResponse put(String stream, String... records)
    {
        List<Record> batch = new ArrayList<>();
        for (String record : records) {
            batch.add(Record.builder().data(SdkBytes.fromUtf8String(record)).build());
        }
        return firehose.putRecordBatch(request -> request.deliveryStreamName(stream).records(batch));
    }

    private List<String> await(String prefix, int objects)
    {
        List<String> keys = FirehoseObjects.await(s3, BUCKET, prefix, found -> found.size() >= objects, WAIT);
        assertThat(keys).as("objects under " + prefix).hasSize(objects);
        return keys;
    }

    /** The JSON lines of an error object. */
    private List<JsonNode> errorDocuments(String key)
            throws IOException
    {
        List<JsonNode> documents = new ArrayList<>();
        for (String line : FirehoseObjects.text(s3, BUCKET, key).split("\n")) {
            documents.add(JSON.readTree(line));
        }
        return documents;
    }

    private static String hourPath()
    {
        return LocalDate.now(ZoneOffset.UTC).toString().replace('-', '/') + "/" + String.format("%02d", java.time.LocalTime.now(ZoneOffset.UTC).getHour());
    }

    @Test
    void deliversRawRecordsWithPrefixCompressionAndDelimiter()
            throws IOException
    {
        create("it-raw-gzip", builder -> builder.prefix("raw/year=!{timestamp:yyyy}/").errorOutputPrefix("raw-errors/!{firehose:error-output-type}/")
                .bufferingHints(hints -> hints.sizeInMBs(1).intervalInSeconds(1)).compressionFormat(CompressionFormat.GZIP)
                .processingConfiguration(processing -> processing.enabled(true).processors(processor -> processor.type(ProcessorType.APPEND_DELIMITER_TO_RECORD))));
        PutRecordBatchResponse response = put("it-raw-gzip", "{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
        assertThat(response.failedPutCount()).isZero();
        assertThat(response.encrypted()).isFalse();
        assertThat(response.requestResponses()).hasSize(3).allSatisfy(entry -> assertThat(entry.recordId()).matches("\\d{56}"));
        String year = String.valueOf(LocalDate.now(ZoneOffset.UTC).getYear());
        List<String> keys = await("raw/", 1);
        assertThat(keys.get(0)).matches("raw/year=" + year + "/it-raw-gzip-1-\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-[0-9a-f-]{36}\\.gz");
        assertThat(FirehoseObjects.gunzip(FirehoseObjects.bytes(s3, BUCKET, keys.get(0)))).isEqualTo("{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");

        // no prefix: Firehose's YYYY/MM/dd/HH/ layout, no extension, records as they came
        create("it-raw-default", builder -> builder.bufferingHints(hints -> hints.sizeInMBs(1).intervalInSeconds(1)));
        firehose.putRecord(request -> request.deliveryStreamName("it-raw-default").record(record -> record.data(SdkBytes.fromUtf8String("x|"))));
        put("it-raw-default", "y|", "z|");
        List<String> defaults = FirehoseObjects.await(s3, BUCKET, "", found -> found.stream().anyMatch(key -> key.contains("it-raw-default")), WAIT)
                .stream().filter(key -> key.contains("it-raw-default")).toList();
        assertThat(defaults).hasSize(1);
        assertThat(defaults.get(0)).matches(hourPath() + "/it-raw-default-1-\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-[0-9a-f-]{36}");
        assertThat(FirehoseObjects.text(s3, BUCKET, defaults.get(0))).isEqualTo("x|y|z|");

        create("it-raw-snappy", builder -> builder.prefix("snappy/").bufferingHints(hints -> hints.sizeInMBs(1).intervalInSeconds(1))
                .compressionFormat(CompressionFormat.SNAPPY).fileExtension(".sz"));
        create("it-raw-zip", builder -> builder.prefix("zip/").bufferingHints(hints -> hints.sizeInMBs(1).intervalInSeconds(0))
                .compressionFormat(CompressionFormat.ZIP));
        put("it-raw-snappy", "one,", "two,");
        put("it-raw-zip", "three;");
        String snappy = await("snappy/", 1).get(0);
        assertThat(snappy).matches("snappy/" + hourPath() + "/it-raw-snappy-1-.*\\.sz");
        try (SnappyFramedInputStream in = new SnappyFramedInputStream(new ByteArrayInputStream(FirehoseObjects.bytes(s3, BUCKET, snappy)))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("one,two,");
        }
        String zip = await("zip/", 1).get(0);
        assertThat(zip).endsWith(".zip");
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(FirehoseObjects.bytes(s3, BUCKET, zip)))) {
            ZipEntry entry = in.getNextEntry();
            assertThat(entry.getName()).isEqualTo(zip.substring(zip.lastIndexOf('/') + 1, zip.length() - 4));
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("three;");
        }
    }

    @Test
    void convertsToParquetAndOrcWithTheCatalogSchemaAndKeepsFailedRecords()
            throws Exception
    {
        try (GlueClient glue = stack.glue()) {
            glue.createDatabase(request -> request.databaseInput(database -> database.name("it_firehose")));
            glue.createTable(request -> request.databaseName("it_firehose").tableInput(table -> table.name("events").storageDescriptor(storage -> storage
                    .location("s3://" + BUCKET + "/schema-only/")
                    .columns(Column.builder().name("id").type("int").build(), Column.builder().name("name").type("string").build(),
                            Column.builder().name("amount").type("double").build(), Column.builder().name("tags").type("array<string>").build()))));
        }
        for (String format : List.of("parquet", "orc")) {
            create("it-" + format, builder -> builder.prefix(format + "/").errorOutputPrefix(format + "-errors/!{firehose:error-output-type}/")
                    .bufferingHints(hints -> hints.sizeInMBs(64).intervalInSeconds(1))
                    .dataFormatConversionConfiguration(conversion -> conversion.enabled(true)
                            .schemaConfiguration(schema -> schema.databaseName("it_firehose").tableName("events").roleARN(ROLE))
                            .inputFormatConfiguration(input -> input.deserializer(deserializer -> deserializer.openXJsonSerDe(openX -> openX.caseInsensitive(true))))
                            .outputFormatConfiguration(output -> output.serializer(serializer -> {
                                if (format.equals("parquet")) {
                                    serializer.parquetSerDe(parquet -> parquet.compression("SNAPPY"));
                                }
                                else {
                                    serializer.orcSerDe(orc -> orc.compression("ZLIB"));
                                }
                            }))));
            put("it-" + format,
                    "{\"id\":1,\"name\":\"ada\",\"amount\":1.5,\"tags\":[\"a\",\"b\"]}",
                    "{\"ID\":2,\"Name\":\"grace\",\"amount\":2}",
                    "{\"id\":3,\"name\":null,\"amount\":0.25,\"tags\":[],\"unknown\":true}",
                    "{\"id\":4,\"name\":\"broken\"",
                    "{\"id\":\"five\",\"name\":\"mismatch\"}");
            String data = await(format + "/", 1).get(0);
            assertThat(data).matches(format + "/" + hourPath() + "/it-" + format + "-1-.*\\." + format);
            String errors = await(format + "-errors/", 1).get(0);
            assertThat(errors).startsWith(format + "-errors/format-conversion-failed/it-" + format + "-1-");
            List<JsonNode> documents = errorDocuments(errors);
            assertThat(documents).extracting(document -> document.path("errorCode").asText())
                    .containsExactly("DataFormatConversion.MalformedData", "DataFormatConversion.TypeMismatch");
            assertThat(documents).extracting(document -> new String(Base64.getDecoder().decode(document.path("rawData").asText()), StandardCharsets.UTF_8))
                    .containsExactly("{\"id\":4,\"name\":\"broken\"", "{\"id\":\"five\",\"name\":\"mismatch\"}");
            assertThat(documents).allSatisfy(document -> {
                assertThat(document.path("attemptsMade").asInt()).isEqualTo(1);
                assertThat(document.path("dataCatalogTable").path("tableName").asText()).isEqualTo("events");
            });

            // read back by Trino, from the folder the object is in
            String folder = data.substring(0, data.lastIndexOf('/') + 1);
            try (Connection trino = stack.trino(); Statement statement = trino.createStatement()) {
                statement.execute("CREATE TABLE awsdatacatalog.it_firehose.read_" + format + " (id integer, name varchar, amount double, tags array(varchar)) "
                        + "WITH (format = '" + format.toUpperCase(java.util.Locale.ROOT) + "', external_location = 's3://" + BUCKET + "/" + folder + "')");
                List<String> rows = new ArrayList<>();
                try (ResultSet result = statement.executeQuery("SELECT id, name, amount, array_join(tags, '+', '-') FROM awsdatacatalog.it_firehose.read_"
                        + format + " ORDER BY id")) {
                    while (result.next()) {
                        rows.add(result.getInt(1) + "|" + result.getString(2) + "|" + result.getDouble(3) + "|" + result.getString(4));
                    }
                }
                assertThat(rows).containsExactly("1|ada|1.5|a+b", "2|grace|2.0|null", "3|null|0.25|");
            }
        }
    }

    @Test
    void dynamicPartitioningWritesOneObjectPerKeyAndFailedRecordsUnderTheErrorPrefix()
            throws Exception
    {
        create("it-dp", builder -> builder.prefix("dp/customer=!{partitionKeyFromQuery:customer}/year=!{partitionKeyFromQuery:year}/")
                .errorOutputPrefix("dp-errors/!{firehose:error-output-type}/!{timestamp:yyyy}/")
                .bufferingHints(hints -> hints.sizeInMBs(64).intervalInSeconds(1))
                .dynamicPartitioningConfiguration(dynamic -> dynamic.enabled(true))
                .processingConfiguration(processing -> processing.enabled(true).processors(
                        processor -> processor.type(ProcessorType.METADATA_EXTRACTION).parameters(
                                parameter -> parameter.parameterName("MetadataExtractionQuery").parameterValue("{customer: .customer, year: .at[0:4]}"),
                                parameter -> parameter.parameterName("JsonParsingEngine").parameterValue("JQ-1.6")),
                        processor -> processor.type(ProcessorType.APPEND_DELIMITER_TO_RECORD))));
        put("it-dp",
                "{\"customer\":\"acme\",\"at\":\"2024-05-01\",\"n\":1}",
                "{\"customer\":\"globex\",\"at\":\"2025-01-02\",\"n\":2}",
                "{\"customer\":\"acme\",\"at\":\"2024-07-03\",\"n\":3}",
                "{\"at\":\"2025-01-01\",\"n\":4}",
                "not json");
        List<String> keys = await("dp/", 2);
        assertThat(keys.get(0)).matches("dp/customer=acme/year=2024/it-dp-1-.*");
        assertThat(keys.get(1)).matches("dp/customer=globex/year=2025/it-dp-1-.*");
        assertThat(FirehoseObjects.text(s3, BUCKET, keys.get(0))).isEqualTo("{\"customer\":\"acme\",\"at\":\"2024-05-01\",\"n\":1}\n"
                + "{\"customer\":\"acme\",\"at\":\"2024-07-03\",\"n\":3}\n");
        assertThat(FirehoseObjects.text(s3, BUCKET, keys.get(1))).isEqualTo("{\"customer\":\"globex\",\"at\":\"2025-01-02\",\"n\":2}\n");
        String errors = await("dp-errors/", 1).get(0);
        assertThat(errors).startsWith("dp-errors/processing-failed/" + LocalDate.now(ZoneOffset.UTC).getYear() + "/it-dp-1-");
        List<JsonNode> documents = errorDocuments(errors);
        assertThat(documents).extracting(document -> document.path("errorCode").asText())
                .containsExactly("DynamicPartitioning.MetadataExtractionFailed", "DynamicPartitioning.MetadataExtractionFailed");
        assertThat(documents).extracting(document -> new String(Base64.getDecoder().decode(document.path("rawData").asText()), StandardCharsets.UTF_8))
                .containsExactly("{\"at\":\"2025-01-01\",\"n\":4}", "not json");
    }

    @Test
    void readsFromAKinesisStreamFromItsLatestRecords()
    {
        try (KinesisClient kinesis = stack.kinesis()) {
            kinesis.createStream(request -> request.streamName("it-fh-source").shardCount(2));
            kinesis.putRecord(request -> request.streamName("it-fh-source").partitionKey("before").data(SdkBytes.fromUtf8String("before;")));
            String streamArn = kinesis.describeStreamSummary(request -> request.streamName("it-fh-source")).streamDescriptionSummary().streamARN();
            firehose.createDeliveryStream(request -> request.deliveryStreamName("it-from-kinesis").deliveryStreamType("KinesisStreamAsSource")
                    .kinesisStreamSourceConfiguration(source -> source.kinesisStreamARN(streamArn).roleARN(ROLE))
                    .extendedS3DestinationConfiguration(destination().prefix("kinesis/").bufferingHints(hints -> hints.sizeInMBs(1).intervalInSeconds(1)).build()));
            for (int i = 0; i < 6; i++) {
                int n = i;
                kinesis.putRecord(request -> request.streamName("it-fh-source").partitionKey("key-" + n).data(SdkBytes.fromUtf8String("r" + n + ";")));
            }
            List<String> delivered = new ArrayList<>();
            FirehoseObjects.await(s3, BUCKET, "kinesis/", keys -> {
                delivered.clear();
                keys.forEach(key -> delivered.addAll(List.of(FirehoseObjects.text(s3, BUCKET, key).split(";"))));
                return delivered.size() >= 6;
            }, WAIT);
            assertThat(delivered).containsExactlyInAnyOrder("r0", "r1", "r2", "r3", "r4", "r5");

            assertThatThrownBy(() -> put("it-from-kinesis", "direct"))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageStartingWith("This operation is not permitted on KinesisStreamAsSource delivery stream type.");
            DeliveryStreamDescription description = firehose.describeDeliveryStream(request -> request.deliveryStreamName("it-from-kinesis"))
                    .deliveryStreamDescription();
            assertThat(description.deliveryStreamTypeAsString()).isEqualTo("KinesisStreamAsSource");
            assertThat(description.source().kinesisStreamSourceDescription().kinesisStreamARN()).isEqualTo(streamArn);
        }
    }

    @Test
    void describeUpdateTagsAndErrorsAsFirehoseDoes()
    {
        create("it-api", builder -> builder.prefix("api/").bufferingHints(hints -> hints.sizeInMBs(1).intervalInSeconds(1)));
        DeliveryStreamDescription description = firehose.describeDeliveryStream(request -> request.deliveryStreamName("it-api")).deliveryStreamDescription();
        assertThat(description.deliveryStreamARN()).isEqualTo("arn:aws:firehose:us-east-1:000000000000:deliverystream/it-api");
        assertThat(description.deliveryStreamStatusAsString()).isEqualTo("ACTIVE");
        assertThat(description.versionId()).isEqualTo("1");
        assertThat(description.destinations()).hasSize(1);
        assertThat(description.destinations().get(0).destinationId()).isEqualTo("destinationId-000000000001");
        ExtendedS3DestinationDescription s3Description = description.destinations().get(0).extendedS3DestinationDescription();
        assertThat(s3Description.bucketARN()).isEqualTo("arn:aws:s3:::" + BUCKET);
        assertThat(s3Description.prefix()).isEqualTo("api/");
        assertThat(s3Description.bufferingHints().sizeInMBs()).isEqualTo(1);
        assertThat(s3Description.bufferingHints().intervalInSeconds()).isEqualTo(1);
        assertThat(s3Description.compressionFormatAsString()).isEqualTo("UNCOMPRESSED");
        assertThat(s3Description.s3BackupModeAsString()).isEqualTo("Disabled");
        assertThat(firehose.listDeliveryStreams(request -> request.limit(10000)).deliveryStreamNames()).contains("it-api");

        firehose.updateDestination(request -> request.deliveryStreamName("it-api").currentDeliveryStreamVersionId("1")
                .destinationId("destinationId-000000000001").extendedS3DestinationUpdate(update -> update.prefix("api-v2/")));
        assertThat(firehose.describeDeliveryStream(request -> request.deliveryStreamName("it-api")).deliveryStreamDescription().versionId()).isEqualTo("2");
        put("it-api", "after-update");
        assertThat(await("api-v2/", 1).get(0)).matches("api-v2/" + hourPath() + "/it-api-2-.*");
        assertThatThrownBy(() -> firehose.updateDestination(request -> request.deliveryStreamName("it-api").currentDeliveryStreamVersionId("1")
                .destinationId("destinationId-000000000001").extendedS3DestinationUpdate(update -> update.prefix("stale/"))))
                .isInstanceOf(ConcurrentModificationException.class)
                .hasMessageStartingWith("Cannot update firehose: it-api since the current version id: 2 and specified version id: 1 do not match");

        firehose.tagDeliveryStream(request -> request.deliveryStreamName("it-api").tags(tag -> tag.key("team").value("data"), tag -> tag.key("env").value("dev")));
        firehose.untagDeliveryStream(request -> request.deliveryStreamName("it-api").tagKeys("env"));
        assertThat(firehose.listTagsForDeliveryStream(request -> request.deliveryStreamName("it-api")).tags())
                .extracting(tag -> tag.key() + "=" + tag.value()).containsExactly("team=data");

        assertThatThrownBy(() -> create("it-api", builder -> builder))
                .isInstanceOf(ResourceInUseException.class)
                .hasMessageStartingWith("Firehose it-api under accountId 000000000000 already exists");
        assertThatThrownBy(() -> put("it-missing", "x"))
                .isInstanceOf(ResourceNotFoundException.class)
                .hasMessageStartingWith("Firehose it-missing under account 000000000000 not found.");
        assertThatThrownBy(() -> put("it-api", IntStream.range(0, 501).mapToObj(String::valueOf).toArray(String[]::new)))
                .isInstanceOf(FirehoseException.class)
                .satisfies(e -> assertThat(((FirehoseException) e).awsErrorDetails().errorCode()).isEqualTo("ValidationException"))
                .hasMessageContaining("Member must have length less than or equal to 500");
        assertThatThrownBy(() -> put("it-api", "x".repeat(1_024_001)))
                .isInstanceOf(FirehoseException.class)
                .hasMessageContaining("Member must have length less than or equal to 1024000");
        assertThatThrownBy(() -> create("it-lambda", builder -> builder.processingConfiguration(processing -> processing.enabled(true)
                .processors(processor -> processor.type(ProcessorType.LAMBDA)))))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("Data transformation with Lambda is not supported by lakestack's Firehose yet");
        assertThatThrownBy(() -> create("it-small-buffer", builder -> builder.bufferingHints(hints -> hints.sizeInMBs(1).intervalInSeconds(1))
                .dynamicPartitioningConfiguration(dynamic -> dynamic.enabled(true)).prefix("p/!{partitionKeyFromQuery:k}/").errorOutputPrefix("e/")))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("BufferingHints.SizeInMBs must be at least 64 when dynamic partitioning is enabled, not 1");

        firehose.deleteDeliveryStream(request -> request.deliveryStreamName("it-api"));
        assertThatThrownBy(() -> firehose.describeDeliveryStream(request -> request.deliveryStreamName("it-api")))
                .isInstanceOf(ResourceNotFoundException.class);
    }
}
