package io.lakestack.cli;

import io.lakestack.connectors.firehose.DeliveryWorker;
import io.lakestack.embedded.EmbeddedStack;
import io.lakestack.backends.kafka.KafkaDeliveryStreams;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.ProcessorType;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.Column;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Firehose delivery speed on this machine, in one run, with the stack as {@code lakestack up --no-trino} starts it (Trino
 * is not used by delivery) in a process of its own, as a user's stack runs, and the clients in this one: the baseline
 * is a raw Kafka producer writing the same 200-byte JSON records to a topic like a Firehose stream's; then
 * {@code PutRecordBatch} through the endpoint into a stream converting to Parquet, until every record is in a Parquet
 * object in S3 (the delivery commits a record only once its object is written; the objects' row counts are read back
 * and checked); then the latency of single {@code PutRecord}s until their object is listed in S3, with a 1 s buffering
 * interval.
 */
@Command(name = "firehose", description = "Measure Firehose PutRecordBatch -> Parquet in S3 against a raw Kafka producer, and put -> visible latency.")
final class FirehoseBenchmark
        implements Benchmark
{
    private static final int RECORD_BYTES = 200;
    private static final double TARGET_RECORDS_PER_SECOND = 100_000;
    private static final double TARGET_RATIO = 0.5;
    private static final double TARGET_P50_SECONDS = 2.0;

    @Option(names = "--records", description = "Records in the throughput runs (default: ${DEFAULT-VALUE}).")
    int records = 1_000_000;

    @Option(names = "--threads", description = "Client threads calling PutRecordBatch (default: ${DEFAULT-VALUE}).")
    int threads = 4;

    @Option(names = "--latency-seconds", description = "How long the latency run puts records, one every 20 ms (default: ${DEFAULT-VALUE}).")
    int latencySeconds = 20;

    @Override
    public List<Figure> measure()
            throws Exception
    {
        Path data = Files.createTempDirectory("lakestack-bench-firehose");
        System.out.printf("lakestack Firehose benchmark: %d cores, %,d records of %d bytes, data dir %s%n", Runtime.getRuntime().availableProcessors(),
                records, RECORD_BYTES, data);
        try (BenchStack stack = BenchStack.start(data, Optional.empty(), List.of("--no-trino"))) {
            URI endpoint = URI.create(stack.endpoint());
            try (FirehoseClient firehose = FirehoseClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(AthenaBenchmark.credentials())
                            .httpClientBuilder(ApacheHttpClient.builder().maxConnections(threads * 2)).build();
                    GlueClient glue = GlueClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(AthenaBenchmark.credentials())
                            .httpClientBuilder(ApacheHttpClient.builder()).build();
                    S3Client s3 = S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(AthenaBenchmark.credentials())
                            .forcePathStyle(true).httpClientBuilder(ApacheHttpClient.builder()).build();
                    Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers()))) {
                s3.createBucket(request -> request.bucket("bench"));
                double baseline = baseline(stack.kafkaBootstrapServers());
                double delivered = parquet(firehose, glue, s3, admin, data);
                double[] latency = latency(firehose, s3);
                return List.of(
                        Figure.of("firehose", "raw Kafka producer", baseline, "records/s"),
                        Figure.of("firehose", "PutRecordBatch -> Parquet visible in S3", delivered, "records/s").against(baseline)
                                .target(Figure.Target.valueAtLeast(TARGET_RECORDS_PER_SECOND)).target(Figure.Target.ratioAtLeast(TARGET_RATIO)),
                        Figure.of("firehose", "PutRecord -> object visible, 1 s interval, p50", latency[0], "s")
                                .target(Figure.Target.valueAtMost(TARGET_P50_SECONDS)),
                        Figure.of("firehose", "PutRecord -> object visible, 1 s interval, p99", latency[1], "s"));
            }
        }
        finally {
            EmbeddedStack.wipe(data);
        }
    }

    /** A 200-byte JSON record, as text. */
    static byte[] record(int id)
    {
        String head = "{\"id\":" + id + ",\"customer\":\"customer-" + (id % 1000) + "\",\"amount\":" + (id % 10_000) / 100.0 + ",\"note\":\"";
        String text = head + "x".repeat(Math.max(0, RECORD_BYTES - head.length() - 2)) + "\"}";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private double baseline(String bootstrap)
            throws Exception
    {
        System.out.printf("  baseline: %,d records with a raw Kafka producer...%n", records);
        return RawKafkaProducer.recordsPerSecond(bootstrap, "bench-baseline", java.util.stream.IntStream.range(0, records).mapToObj(FirehoseBenchmark::record)
                .iterator());
    }

    private double parquet(FirehoseClient firehose, GlueClient glue, S3Client s3, Admin admin, Path data)
            throws Exception
    {
        glue.createDatabase(request -> request.databaseInput(database -> database.name("bench")));
        glue.createTable(request -> request.databaseName("bench").tableInput(table -> table.name("events").storageDescriptor(storage -> storage
                .location("s3://bench/parquet/")
                .columns(Column.builder().name("id").type("bigint").build(), Column.builder().name("customer").type("string").build(),
                        Column.builder().name("amount").type("double").build(), Column.builder().name("note").type("string").build()))));
        firehose.createDeliveryStream(request -> request.deliveryStreamName("bench-parquet").extendedS3DestinationConfiguration(destination -> destination
                .bucketARN("arn:aws:s3:::bench").roleARN("arn:aws:iam::000000000000:role/firehose").prefix("parquet/")
                .errorOutputPrefix("errors/!{firehose:error-output-type}/")
                .bufferingHints(hints -> hints.sizeInMBs(128).intervalInSeconds(1))
                .dataFormatConversionConfiguration(conversion -> conversion.enabled(true)
                        .schemaConfiguration(schema -> schema.databaseName("bench").tableName("events").roleARN("arn:aws:iam::000000000000:role/firehose"))
                        .inputFormatConfiguration(input -> input.deserializer(deserializer -> deserializer.openXJsonSerDe(openX -> { })))
                        .outputFormatConfiguration(output -> output.serializer(serializer -> serializer.parquetSerDe(parquet -> parquet.compression("SNAPPY")))))));
        System.out.printf("  PutRecordBatch: %,d records from %d threads, into Parquet...%n", records, threads);
        long start = System.nanoTime();
        int failed = ParallelBatches.put(threads, records, 500, (from, to) -> {
            List<Record> batch = new ArrayList<>(to - from);
            for (int id = from; id < to; id++) {
                batch.add(Record.builder().data(SdkBytes.fromByteArrayUnsafe(record(id))).build());
            }
            PutRecordBatchResponse response = firehose.putRecordBatch(request -> request.deliveryStreamName("bench-parquet").records(batch));
            return response.failedPutCount();
        });
        double putSeconds = (System.nanoTime() - start) / 1e9;
        if (failed > 0) {
            throw new IllegalStateException(failed + " records failed PutRecordBatch");
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (DeliveryWorker.deliveredRecords(admin, KafkaDeliveryStreams.groupId("bench-parquet")) < records) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + DeliveryWorker.deliveredRecords(admin, KafkaDeliveryStreams.groupId("bench-parquet")) + " records delivered after 10 minutes");
            }
            Thread.sleep(20);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "  all put in %.1f s, all in Parquet objects in %.1f s%n", putSeconds, seconds);
        long rows = 0;
        int objects = 0;
        Path file = data.resolve("bench-object.parquet");
        for (S3Object object : s3.listObjectsV2Paginator(request -> request.bucket("bench").prefix("parquet/")).contents()) {
            Files.deleteIfExists(file);
            s3.getObject(request -> request.bucket("bench").key(object.key()), file);
            try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
                rows += reader.getRecordCount();
            }
            objects++;
        }
        if (rows != records) {
            throw new IllegalStateException("the Parquet objects hold " + rows + " rows, not " + records);
        }
        System.out.printf("  %d Parquet objects, %,d rows%n", objects, rows);
        return records / seconds;
    }

    private double[] latency(FirehoseClient firehose, S3Client s3)
            throws Exception
    {
        firehose.createDeliveryStream(request -> request.deliveryStreamName("bench-latency").extendedS3DestinationConfiguration(destination -> destination
                .bucketARN("arn:aws:s3:::bench").roleARN("arn:aws:iam::000000000000:role/firehose").prefix("latency/")
                .bufferingHints(hints -> hints.sizeInMBs(1).intervalInSeconds(1))
                .processingConfiguration(processing -> processing.enabled(true).processors(processor -> processor.type(ProcessorType.APPEND_DELIMITER_TO_RECORD)))));
        int count = latencySeconds * 50;
        System.out.printf("  latency: %,d PutRecords, one every 20 ms, buffering interval 1 s...%n", count);
        long[] putAt = new long[count];
        long[] visibleAt = new long[count];
        Thread putter = new Thread(() -> {
            long start = System.nanoTime();
            for (int id = 0; id < count; id++) {
                long due = start + id * 20_000_000L;
                while (System.nanoTime() < due) {
                    Thread.onSpinWait();
                }
                putAt[id] = System.nanoTime();
                int n = id;
                firehose.putRecord(request -> request.deliveryStreamName("bench-latency").record(record -> record.data(SdkBytes.fromByteArray(record(n)))));
            }
        });
        putter.start();
        Set<String> seen = new HashSet<>();
        int visible = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(latencySeconds + 60L);
        while (visible < count && System.nanoTime() < deadline) {
            for (S3Object object : s3.listObjectsV2Paginator(request -> request.bucket("bench").prefix("latency/")).contents()) {
                if (seen.add(object.key())) {
                    long now = System.nanoTime();
                    for (String line : s3.getObjectAsBytes(request -> request.bucket("bench").key(object.key())).asUtf8String().split("\n")) {
                        int id = Integer.parseInt(line.substring(line.indexOf(':') + 1, line.indexOf(',')));
                        visibleAt[id] = now;
                        visible++;
                    }
                }
            }
            Thread.sleep(10);
        }
        putter.join();
        if (visible != count) {
            throw new IllegalStateException("only " + visible + " of " + count + " records became visible");
        }
        List<Double> seconds = new ArrayList<>(count);
        for (int id = 0; id < count; id++) {
            seconds.add((visibleAt[id] - putAt[id]) / 1e9);
        }
        Collections.sort(seconds);
        return new double[] {seconds.get(count / 2), seconds.get((int) Math.ceil(count * 0.99) - 1)};
    }
}
