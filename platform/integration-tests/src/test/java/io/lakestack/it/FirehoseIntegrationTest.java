package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.it.FirehoseObjects.Delivered;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
import software.amazon.awssdk.services.kafka.KafkaClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static io.lakestack.it.FirehoseObjects.inPutOrder;
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
    private Admin admin;

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
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers()));
    }

    @AfterAll
    void tearDown()
    {
        firehose.close();
        s3.close();
        admin.close();
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

    private void awaitDelivered(String stream, int records)
    {
        FirehoseObjects.awaitDelivered(admin, stream, records, WAIT);
    }

    private List<Delivered> objects(String prefix, String stream, Function<byte[], List<String>> reader)
    {
        return FirehoseObjects.objects(s3, BUCKET, prefix, stream, reader);
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

    /** An error object's records: the raw data of its documents. */
    private static List<String> rawData(byte[] bytes)
    {
        List<String> records = new ArrayList<>();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            try {
                records.add(new String(Base64.getDecoder().decode(JSON.readTree(line).path("rawData").asText()), StandardCharsets.UTF_8));
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return records;
    }

    /**
     * The documents of error objects, in put order. Each object is named by the arrival of its first record, which its
     * first document tells to the millisecond; every record arrived between the test's clock readings around the put.
     */
    private List<JsonNode> errorDocuments(List<Delivered> objects, Instant before, Instant after)
            throws IOException
    {
        List<JsonNode> documents = new ArrayList<>();
        for (Delivered object : objects) {
            List<JsonNode> inObject = errorDocuments(object.key());
            assertThat(object.arrival()).as("time in the name of %s", object.key())
                    .isEqualTo(Instant.ofEpochMilli(inObject.get(0).path("arrivalTimestamp").asLong()).truncatedTo(ChronoUnit.SECONDS));
            documents.addAll(inObject);
        }
        assertThat(documents).extracting(document -> Instant.ofEpochMilli(document.path("arrivalTimestamp").asLong()))
                .allSatisfy(arrival -> assertThat(arrival).isBetween(before.truncatedTo(ChronoUnit.MILLIS), after));
        return documents;
    }

    /** The objects were named by the arrival of their first records, which came between the test's clock readings. */
    private static void assertArrivedBetween(List<Delivered> objects, Instant before, Instant after)
    {
        assertThat(objects).extracting(Delivered::arrival).allSatisfy(arrival -> assertThat(arrival).isBetween(before.truncatedTo(ChronoUnit.SECONDS), after));
    }

    @Test
    void deliversRawRecordsWithPrefixCompressionAndDelimiter()
            throws IOException
    {
        Instant before = Instant.now();
        create("it-raw-gzip", builder -> builder.prefix("raw/year=!{timestamp:yyyy}/").errorOutputPrefix("raw-errors/!{firehose:error-output-type}/")
                .bufferingHints(hints -> hints.sizeInMBs(1).intervalInSeconds(1)).compressionFormat(CompressionFormat.GZIP)
                .processingConfiguration(processing -> processing.enabled(true).processors(processor -> processor.type(ProcessorType.APPEND_DELIMITER_TO_RECORD))));
        PutRecordBatchResponse response = put("it-raw-gzip", "{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
        assertThat(response.failedPutCount()).isZero();
        assertThat(response.encrypted()).isFalse();
        assertThat(response.requestResponses()).hasSize(3).allSatisfy(entry -> assertThat(entry.recordId()).matches("\\d{56}"));
        awaitDelivered("it-raw-gzip", 3);
        Instant after = Instant.now();
        List<Delivered> gzip = inPutOrder(objects("raw/", "it-raw-gzip", bytes -> FirehoseObjects.split(FirehoseObjects.gunzip(bytes), "\n")),
                List.of("{\"n\":1}\n", "{\"n\":2}\n", "{\"n\":3}\n"));
        // the year of the prefix is that of the first record's arrival, which the name carries
        assertThat(gzip).extracting(Delivered::key).allSatisfy(key -> assertThat(key)
                .matches("raw/year=(\\d{4})/it-raw-gzip-1-\\1-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-" + FirehoseObjects.UUID + "\\.gz"));
        assertArrivedBetween(gzip, before, after);
        assertThat(FirehoseObjects.keys(s3, BUCKET, "raw-errors/")).isEmpty();

        // no prefix: Firehose's YYYY/MM/dd/HH/ layout, no extension, records as they came, whichever buffers they fell in
        create("it-raw-default", builder -> builder.bufferingHints(hints -> hints.sizeInMBs(1).intervalInSeconds(1)));
        before = Instant.now();
        firehose.putRecord(request -> request.deliveryStreamName("it-raw-default").record(record -> record.data(SdkBytes.fromUtf8String("x|"))));
        put("it-raw-default", "y|", "z|");
        awaitDelivered("it-raw-default", 3);
        after = Instant.now();
        List<Delivered> defaults = inPutOrder(objects("", "it-raw-default", FirehoseObjects.delimited("|")), List.of("x|", "y|", "z|"));
        assertThat(defaults).extracting(Delivered::key).allSatisfy(key -> assertThat(key).matches(FirehoseObjects.timePathKey("", "it-raw-default", 1, "")));
        assertArrivedBetween(defaults, before, after);

        create("it-raw-snappy", builder -> builder.prefix("snappy/").bufferingHints(hints -> hints.sizeInMBs(1).intervalInSeconds(1))
                .compressionFormat(CompressionFormat.SNAPPY).fileExtension(".sz"));
        create("it-raw-zip", builder -> builder.prefix("zip/").bufferingHints(hints -> hints.sizeInMBs(1).intervalInSeconds(0))
                .compressionFormat(CompressionFormat.ZIP));
        before = Instant.now();
        put("it-raw-snappy", "one,", "two,");
        put("it-raw-zip", "three;");
        awaitDelivered("it-raw-snappy", 2);
        awaitDelivered("it-raw-zip", 1);
        after = Instant.now();
        List<Delivered> snappy = inPutOrder(objects("snappy/", "it-raw-snappy", bytes -> {
            try (SnappyFramedInputStream in = new SnappyFramedInputStream(new ByteArrayInputStream(bytes))) {
                return FirehoseObjects.split(new String(in.readAllBytes(), StandardCharsets.UTF_8), ",");
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }), List.of("one,", "two,"));
        assertThat(snappy).extracting(Delivered::key).allSatisfy(key -> assertThat(key).matches(FirehoseObjects.timePathKey("snappy/", "it-raw-snappy", 1, ".sz")));
        assertArrivedBetween(snappy, before, after);
        List<String> zips = FirehoseObjects.keys(s3, BUCKET, "zip/");
        assertThat(zips).hasSize(1);
        String zip = zips.get(0);
        assertThat(zip).matches(FirehoseObjects.timePathKey("zip/", "it-raw-zip", 1, ".zip"));
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(FirehoseObjects.bytes(s3, BUCKET, zip)))) {
            ZipEntry entry = in.getNextEntry();
            assertThat(entry.getName()).isEqualTo(zip.substring(zip.lastIndexOf('/') + 1, zip.length() - 4));
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("three;");
            assertThat(in.getNextEntry()).isNull();
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
            Instant before = Instant.now();
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
            awaitDelivered("it-" + format, 5);
            Instant after = Instant.now();
            List<Delivered> data = objects(format + "/", "it-" + format, bytes -> List.of());
            assertThat(data).extracting(Delivered::key).allSatisfy(key -> assertThat(key).matches(FirehoseObjects.timePathKey(format + "/", "it-" + format, 1, "." + format)));
            assertArrivedBetween(data, before, after);
            List<Delivered> errors = inPutOrder(objects(format + "-errors/", "it-" + format, FirehoseIntegrationTest::rawData),
                    List.of("{\"id\":4,\"name\":\"broken\"", "{\"id\":\"five\",\"name\":\"mismatch\"}"));
            assertThat(errors).extracting(Delivered::prefix).containsOnly(format + "-errors/format-conversion-failed/");
            List<JsonNode> documents = errorDocuments(errors, before, after);
            assertThat(documents).extracting(document -> document.path("errorCode").asText())
                    .containsExactly("DataFormatConversion.MalformedData", "DataFormatConversion.TypeMismatch");
            assertThat(documents).allSatisfy(document -> {
                assertThat(document.path("attemptsMade").asInt()).isEqualTo(1);
                assertThat(document.path("dataCatalogTable").path("tableName").asText()).isEqualTo("events");
            });

            // read back by Trino, from the folders the objects are in (one, unless the records' arrivals straddle an hour)
            List<String> folders = data.stream().map(Delivered::prefix).distinct().toList();
            List<String> rows = new ArrayList<>();
            try (Connection trino = stack.trino(); Statement statement = trino.createStatement()) {
                for (int i = 0; i < folders.size(); i++) {
                    String table = "awsdatacatalog.it_firehose.read_" + format + "_" + i;
                    statement.execute("CREATE TABLE " + table + " (id integer, name varchar, amount double, tags array(varchar)) "
                            + "WITH (format = '" + format.toUpperCase(java.util.Locale.ROOT) + "', external_location = 's3://" + BUCKET + "/" + folders.get(i) + "')");
                    try (ResultSet result = statement.executeQuery("SELECT id, name, amount, array_join(tags, '+', '-') FROM " + table)) {
                        while (result.next()) {
                            rows.add(result.getInt(1) + "|" + result.getString(2) + "|" + result.getDouble(3) + "|" + result.getString(4));
                        }
                    }
                }
            }
            assertThat(rows).containsExactlyInAnyOrder("1|ada|1.5|a+b", "2|grace|2.0|null", "3|null|0.25|");
        }
    }

    @Test
    void dynamicPartitioningWritesOneObjectPerKeyAndFailedRecordsUnderTheErrorPrefix()
            throws Exception
    {
        Instant before = Instant.now();
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
        awaitDelivered("it-dp", 5);
        Instant after = Instant.now();
        List<Delivered> acme = inPutOrder(objects("dp/customer=acme/", "it-dp", FirehoseObjects.delimited("\n")), List.of(
                "{\"customer\":\"acme\",\"at\":\"2024-05-01\",\"n\":1}\n", "{\"customer\":\"acme\",\"at\":\"2024-07-03\",\"n\":3}\n"));
        assertThat(acme).extracting(Delivered::key).allSatisfy(key -> assertThat(key)
                .matches("dp/customer=acme/year=2024/it-dp-1-\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-" + FirehoseObjects.UUID));
        List<Delivered> globex = inPutOrder(objects("dp/customer=globex/", "it-dp", FirehoseObjects.delimited("\n")), List.of(
                "{\"customer\":\"globex\",\"at\":\"2025-01-02\",\"n\":2}\n"));
        assertThat(globex).extracting(Delivered::key).allSatisfy(key -> assertThat(key)
                .matches("dp/customer=globex/year=2025/it-dp-1-\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-" + FirehoseObjects.UUID));
        assertThat(FirehoseObjects.keys(s3, BUCKET, "dp/")).hasSize(acme.size() + globex.size());
        assertArrivedBetween(acme, before, after);
        assertArrivedBetween(globex, before, after);

        List<Delivered> errors = inPutOrder(objects("dp-errors/", "it-dp", FirehoseIntegrationTest::rawData), List.of("{\"at\":\"2025-01-01\",\"n\":4}", "not json"));
        // the year of the error prefix is that of the first failed record's arrival, which the name carries
        assertThat(errors).extracting(Delivered::key).allSatisfy(key -> assertThat(key)
                .matches("dp-errors/processing-failed/(\\d{4})/it-dp-1-\\1-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-" + FirehoseObjects.UUID));
        List<JsonNode> documents = errorDocuments(errors, before, after);
        assertThat(documents).extracting(document -> document.path("errorCode").asText())
                .containsExactly("DynamicPartitioning.MetadataExtractionFailed", "DynamicPartitioning.MetadataExtractionFailed");
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
            // each object holds records of one shard, which keeps them in the order they were put
            FirehoseObjects.awaitObjects(s3, BUCKET, "kinesis/", "it-from-kinesis", FirehoseObjects.delimited(";"), WAIT, objects -> {
                assertThat(objects).flatExtracting(Delivered::records).containsExactlyInAnyOrder("r0;", "r1;", "r2;", "r3;", "r4;", "r5;");
                assertThat(objects).allSatisfy(object -> assertThat(object.records()).isSorted());
            });

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
    void readsAnMskTopicFromItsReadFromTimestamp()
            throws Exception
    {
        stack.kafkaTopics().ensure("it-fh-msk", 2, Map.of("message.timestamp.type", "CreateTime"));
        // records stamped 1, 2 and 3 seconds after the epoch: ReadFromTimestamp 2 s starts each partition at its first
        // record stamped 2 s or later
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
            Map<Integer, List<Integer>> secondsByPartition = Map.of(0, List.of(1, 2, 3), 1, List.of(1, 3));
            for (Map.Entry<Integer, List<Integer>> partition : secondsByPartition.entrySet()) {
                for (int second : partition.getValue()) {
                    producer.send(new ProducerRecord<>("it-fh-msk", partition.getKey(), second * 1000L, null,
                            ("p" + partition.getKey() + "s" + second + ";").getBytes(StandardCharsets.UTF_8))).get();
                }
            }
        }
        String clusterArn;
        try (KafkaClient msk = stack.client(KafkaClient.builder())) {
            clusterArn = msk.listClustersV2(request -> request.clusterNameFilter("lakestack")).clusterInfoList().get(0).clusterArn();
        }
        firehose.createDeliveryStream(request -> request.deliveryStreamName("it-from-msk").deliveryStreamType("MSKAsSource")
                .mskSourceConfiguration(source -> source.mskClusterARN(clusterArn).topicName("it-fh-msk").readFromTimestamp(Instant.ofEpochSecond(2))
                        .authenticationConfiguration(authentication -> authentication.roleARN(ROLE).connectivity("PRIVATE")))
                .extendedS3DestinationConfiguration(destination().prefix("msk/").bufferingHints(hints -> hints.sizeInMBs(1).intervalInSeconds(1)).build()));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("it-fh-msk", 1, 4000L, null, "p1s4;".getBytes(StandardCharsets.UTF_8))).get();
        }
        FirehoseObjects.awaitObjects(s3, BUCKET, "msk/", "it-from-msk", FirehoseObjects.delimited(";"), WAIT, objects -> {
            assertThat(objects).flatExtracting(Delivered::records).containsExactlyInAnyOrder("p0s2;", "p0s3;", "p1s3;", "p1s4;");
            assertThat(objects).allSatisfy(object -> assertThat(object.records()).isSorted());
        });

        DeliveryStreamDescription description = firehose.describeDeliveryStream(request -> request.deliveryStreamName("it-from-msk"))
                .deliveryStreamDescription();
        assertThat(description.deliveryStreamTypeAsString()).isEqualTo("MSKAsSource");
        assertThat(description.source().mskSourceDescription().mskClusterARN()).isEqualTo(clusterArn);
        assertThat(description.source().mskSourceDescription().topicName()).isEqualTo("it-fh-msk");
        assertThat(description.source().mskSourceDescription().readFromTimestamp()).isEqualTo(Instant.ofEpochSecond(2));
        assertThat(description.source().mskSourceDescription().authenticationConfiguration().roleARN()).isEqualTo(ROLE);
        assertThat(description.source().mskSourceDescription().authenticationConfiguration().connectivityAsString()).isEqualTo("PRIVATE");
        assertThat(firehose.listDeliveryStreams(request -> request.deliveryStreamType("MSKAsSource").limit(10000)).deliveryStreamNames())
                .contains("it-from-msk").doesNotContain("it-from-kinesis");
        assertThatThrownBy(() -> put("it-from-msk", "direct"))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("This operation is not permitted on MSKAsSource delivery stream type.");

        assertThatThrownBy(() -> firehose.createDeliveryStream(request -> request.deliveryStreamName("it-msk-missing").deliveryStreamType("MSKAsSource")
                .mskSourceConfiguration(source -> source.mskClusterARN(clusterArn).topicName("it-fh-no-such-topic")
                        .authenticationConfiguration(authentication -> authentication.roleARN(ROLE).connectivity("PUBLIC")))
                .extendedS3DestinationConfiguration(destination().build())))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("Topic it-fh-no-such-topic does not exist in MSK cluster " + clusterArn + ": create it before the delivery stream");
        String otherCluster = "arn:aws:kafka:us-east-1:000000000000:cluster/other/0b6bd2c6-0f8a-4c3e-a3a5-3f1a5b1e0b2e-3";
        assertThatThrownBy(() -> firehose.createDeliveryStream(request -> request.deliveryStreamName("it-msk-other").deliveryStreamType("MSKAsSource")
                .mskSourceConfiguration(source -> source.mskClusterARN(otherCluster).topicName("it-fh-msk")
                        .authenticationConfiguration(authentication -> authentication.roleARN(ROLE).connectivity("PUBLIC")))
                .extendedS3DestinationConfiguration(destination().build())))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("MSKClusterARN " + otherCluster + " is not an MSK cluster of lakestack: its one cluster, the Kafka cluster it runs on, is "
                        + clusterArn);
        assertThatThrownBy(() -> firehose.createDeliveryStream(request -> request.deliveryStreamName("it-msk-none").deliveryStreamType("MSKAsSource")
                .extendedS3DestinationConfiguration(destination().build())))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("MSKSourceConfiguration is required for a MSKAsSource delivery stream");
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
        Instant before = Instant.now();
        put("it-api", "after-update");
        awaitDelivered("it-api", 1);
        Instant after = Instant.now();
        List<Delivered> updated = objects("api-v2/", "it-api", FirehoseObjects.delimited("\n"));
        assertThat(updated).extracting(Delivered::records).containsExactly(List.of("after-update"));
        assertThat(updated.get(0).key()).matches(FirehoseObjects.timePathKey("api-v2/", "it-api", 2, ""));
        assertArrivedBetween(updated, before, after);
        assertThat(FirehoseObjects.keys(s3, BUCKET, "api/")).isEmpty();
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
                .hasMessageStartingWith("The Lambda processor needs the parameter LambdaArn");
        assertThatThrownBy(() -> create("it-small-buffer", builder -> builder.bufferingHints(hints -> hints.sizeInMBs(1).intervalInSeconds(1))
                .dynamicPartitioningConfiguration(dynamic -> dynamic.enabled(true)).prefix("p/!{partitionKeyFromQuery:k}/").errorOutputPrefix("e/")))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("BufferingHints.SizeInMBs must be at least 64 when dynamic partitioning is enabled, not 1");

        firehose.deleteDeliveryStream(request -> request.deliveryStreamName("it-api"));
        assertThatThrownBy(() -> firehose.describeDeliveryStream(request -> request.deliveryStreamName("it-api")))
                .isInstanceOf(ResourceNotFoundException.class);
    }
}
