package io.lakestack.cli;

import io.lakestack.backends.kafka.KafkaTopics;
import io.lakestack.embedded.EmbeddedStack;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * Kinesis ingest and read speed against the stack's own Kafka, in one run: the stack runs as {@code lakestack up
 * --no-trino} in a process of its own, the clients in this one. Put: a raw Kafka producer (acks=all, as the endpoint
 * writes) sends the records to a topic of the stream's shard count, then {@code PutRecords} (batches of 500, from
 * several client threads) sends the same records through the endpoint. Read: a raw Kafka consumer reads the baseline
 * topic from its start, then {@code GetRecords} reads every shard of the stream from {@code TRIM_HORIZON}. Every
 * read checks it got exactly the records put (their count and a checksum of their data), so neither figure counts a
 * lost or extra record.
 */
@Command(name = "kinesis", description = "Measure Kinesis PutRecords and GetRecords through the endpoint against a raw Kafka producer and consumer.")
final class KinesisBenchmark
        implements Benchmark
{
    private static final double TARGET_RECORDS_PER_SECOND = 100_000;
    private static final double TARGET_RATIO = 0.5;
    private static final String STREAM = "bench-kinesis";
    private static final String BASELINE_TOPIC = "bench-kinesis-baseline";

    @Option(names = "--records", description = "Records put and read (default: ${DEFAULT-VALUE}).")
    int records = 1_000_000;

    @Option(names = "--shards", description = "Shards of the stream, partitions of the baseline topic (default: ${DEFAULT-VALUE}).")
    int shards = 4;

    @Option(names = "--threads", description = "Client threads calling PutRecords (default: ${DEFAULT-VALUE}).")
    int threads = 4;

    @Override
    public List<Figure> measure()
            throws Exception
    {
        Path data = Files.createTempDirectory("lakestack-bench-kinesis");
        System.out.printf("lakestack Kinesis benchmark: %d cores, %,d records of %d bytes, %d shards, data dir %s%n",
                Runtime.getRuntime().availableProcessors(), records, FirehoseBenchmark.record(0).length, shards, data);
        try (BenchStack stack = BenchStack.start(data, Optional.empty(), List.of("--no-trino"));
                KinesisClient kinesis = KinesisClient.builder().endpointOverride(URI.create(stack.endpoint())).region(Region.US_EAST_1)
                        .credentialsProvider(AthenaBenchmark.credentials()).httpClientBuilder(ApacheHttpClient.builder().maxConnections(threads * 2)).build();
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers()))) {
            long expectedChecksum = checksum();
            double producer = producer(stack.kafkaBootstrapServers(), admin);
            double putRecords = putRecords(kinesis);
            double consumer = consumer(stack.kafkaBootstrapServers(), expectedChecksum);
            double getRecords = getRecords(kinesis, expectedChecksum);
            return List.of(
                    Figure.of("kinesis", "raw Kafka producer", producer, "records/s"),
                    Figure.of("kinesis", "PutRecords through the endpoint", putRecords, "records/s").against(producer)
                            .target(Figure.Target.valueAtLeast(TARGET_RECORDS_PER_SECOND)).target(Figure.Target.ratioAtLeast(TARGET_RATIO)),
                    Figure.of("kinesis", "raw Kafka consumer", consumer, "records/s"),
                    Figure.of("kinesis", "GetRecords through the endpoint", getRecords, "records/s").against(consumer));
        }
        finally {
            EmbeddedStack.wipe(data);
        }
    }

    /** The checksum of every record's data, summed: what a complete read adds up to, in any order. */
    private long checksum()
    {
        long sum = 0;
        for (int id = 0; id < records; id++) {
            sum += crc(FirehoseBenchmark.record(id));
        }
        return sum;
    }

    private static long crc(byte[] data)
    {
        CRC32 crc = new CRC32();
        crc.update(data);
        return crc.getValue();
    }

    private double producer(String bootstrap, Admin admin)
            throws Exception
    {
        // a topic like a stream's, created as the endpoint creates it (every partition led before the first send)
        new KafkaTopics(admin, Duration.ofSeconds(30)).ensureRecords(BASELINE_TOPIC, shards, Duration.ofHours(24));
        System.out.printf("  baseline: %,d records with a raw Kafka producer...%n", records);
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 2, ProducerConfig.BATCH_SIZE_CONFIG, 1024 * 1024),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int id = 0; id < records; id++) {
                producer.send(new ProducerRecord<>(BASELINE_TOPIC, id % shards, null, FirehoseBenchmark.record(id)));
            }
            producer.flush();
        }
        return records / ((System.nanoTime() - start) / 1e9);
    }

    private double putRecords(KinesisClient kinesis)
            throws Exception
    {
        kinesis.createStream(request -> request.streamName(STREAM).shardCount(shards));
        System.out.printf("  PutRecords: %,d records from %d threads...%n", records, threads);
        long start = System.nanoTime();
        int failed = ParallelBatches.put(threads, records, 500, (from, to) -> {
            List<PutRecordsRequestEntry> batch = new ArrayList<>(to - from);
            for (int id = from; id < to; id++) {
                batch.add(PutRecordsRequestEntry.builder().partitionKey("key-" + id).data(SdkBytes.fromByteArrayUnsafe(FirehoseBenchmark.record(id))).build());
            }
            PutRecordsResponse response = kinesis.putRecords(request -> request.streamName(STREAM).records(batch));
            return response.failedRecordCount();
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failed > 0) {
            throw new IllegalStateException(failed + " records failed PutRecords");
        }
        return records / seconds;
    }

    private double consumer(String bootstrap, long expectedChecksum)
    {
        System.out.printf("  baseline: reading %,d records with a raw Kafka consumer...%n", records);
        long start = System.nanoTime();
        long read = 0;
        long sum = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int shard = 0; shard < shards; shard++) {
                partitions.add(new TopicPartition(BASELINE_TOPIC, shard));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (read < records) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the raw consumer read " + read + " of " + records + " records in 10 minutes");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    read++;
                    sum += crc(record.value());
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        check("the raw consumer", read, sum, expectedChecksum);
        return records / seconds;
    }

    private double getRecords(KinesisClient kinesis, long expectedChecksum)
    {
        System.out.printf("  GetRecords: reading %,d records from %d shards...%n", records, shards);
        long start = System.nanoTime();
        long read = 0;
        long sum = 0;
        for (int shard = 0; shard < shards; shard++) {
            String shardId = String.format(Locale.ROOT, "shardId-%012d", shard);
            String iterator = kinesis.getShardIterator(request -> request.streamName(STREAM).shardId(shardId).shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                    .shardIterator();
            while (true) {
                String current = iterator;
                GetRecordsResponse page = kinesis.getRecords(request -> request.shardIterator(current).limit(10_000));
                for (Record record : page.records()) {
                    read++;
                    sum += crc(record.data().asByteArrayUnsafe());
                }
                if (page.records().isEmpty() && page.millisBehindLatest() == 0) {
                    break;
                }
                iterator = page.nextShardIterator();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        check("GetRecords", read, sum, expectedChecksum);
        return records / seconds;
    }

    private void check(String reader, long read, long checksum, long expectedChecksum)
    {
        if (read != records || checksum != expectedChecksum) {
            throw new IllegalStateException(reader + " read " + read + " records with checksum " + checksum + "; " + records + " were put, checksum "
                    + expectedChecksum);
        }
    }
}
