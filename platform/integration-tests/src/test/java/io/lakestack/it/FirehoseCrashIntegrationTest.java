package io.lakestack.it;

import io.lakestack.connectors.firehose.DeliveryMain;
import io.lakestack.connectors.firehose.DeliveryWorker;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import io.lakestack.backends.kafka.KafkaDeliveryStreams;
import io.lakestack.backends.kafka.KafkaTopics;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Exactly-once delivery across a crash: 1,000,000 records are delivered by a delivery process that is killed with
 * SIGKILL part-way, then started again; every record is in S3 exactly once.
 */
@LakestackTest
@Order(26)
class FirehoseCrashIntegrationTest
{
    private static final int RECORDS = 1_000_000;
    private static final int PARTITIONS = 4;
    private static final String TOPIC = "it-crash-source";
    private static final String BUCKET = "it-firehose-crash";

    private final TestStack stack;

    FirehoseCrashIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @Test
    void everyRecordIsDeliveredExactlyOnceAcrossAKill(@org.junit.jupiter.api.io.TempDir Path work)
            throws Exception
    {
        try (S3Client s3 = stack.s3(); Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers()))) {
            s3.createBucket(request -> request.bucket(BUCKET));
            // created as the endpoint creates stream topics: producing before every partition has a leader can leave an
            // idempotent producer retrying OUT_OF_ORDER_SEQUENCE_NUMBER forever
            new KafkaTopics(admin, Duration.ofSeconds(30)).ensureRecords(TOPIC, PARTITIONS, Duration.ofHours(24));
            produce();
            long produced = admin.listOffsets(IntStream.range(0, PARTITIONS).boxed()
                            .collect(Collectors.toMap(partition -> new TopicPartition(TOPIC, partition), partition -> OffsetSpec.latest())))
                    .all().get(30, TimeUnit.SECONDS).values().stream().mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
            assertThat(produced).as("records in the source topic").isEqualTo(RECORDS);
            Path config = work.resolve("stream.json");
            Files.writeString(config, """
                    {"DeliveryStreamName": "it-crash",
                     "ExtendedS3DestinationConfiguration": {
                       "BucketARN": "arn:aws:s3:::%s", "RoleARN": "arn:aws:iam::000000000000:role/firehose",
                       "Prefix": "crash/", "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 1},
                       "ProcessingConfiguration": {"Enabled": true, "Processors": [{"Type": "AppendDelimiterToRecord"}]}}}
                    """.formatted(BUCKET));

            String group = KafkaDeliveryStreams.groupId("it-crash");
            Process first = start(config, work, "first");
            // kill it hard once it delivered part of the records, in the middle of its work
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(50))
                    .failFast(() -> assertAlive(first, work, "first"))
                    .untilAsserted(() -> assertThat(DeliveryWorker.deliveredRecords(admin, group)).as("records delivered").isGreaterThanOrEqualTo(RECORDS / 3));
            first.destroyForcibly();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).as("first delivery process ended by SIGKILL").isTrue();
            long atKill = DeliveryWorker.deliveredRecords(admin, group);
            assertThat(atKill).as("records committed when the delivery was killed").isBetween((long) RECORDS / 3, (long) RECORDS - 1);

            Process second = start(config, work, "second");
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200))
                    .failFast(() -> assertAlive(second, work, "second"))
                    .untilAsserted(() -> assertThat(DeliveryWorker.deliveredRecords(admin, group)).as("records delivered").isEqualTo(RECORDS));
            second.destroy();
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("second delivery process stopped").isTrue();
            assertThat(DeliveryWorker.deliveredRecords(admin, group)).isEqualTo(RECORDS);

            BitSet seen = new BitSet(RECORDS);
            long lines = 0;
            for (String key : FirehoseObjects.keys(s3, BUCKET, "crash/")) {
                try (ResponseInputStream<GetObjectResponse> object = s3.getObject(request -> request.bucket(BUCKET).key(key));
                        BufferedReader reader = new BufferedReader(new InputStreamReader(object, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = reader.readLine()) != null) {
                        lines++;
                        int id = Integer.parseInt(line.substring(line.indexOf(':') + 1, line.indexOf(',')));
                        assertThat(seen.get(id)).as("record %d delivered twice (again in %s)", id, key).isFalse();
                        seen.set(id);
                    }
                }
            }
            assertThat(lines).isEqualTo(RECORDS);
            assertThat(seen.cardinality()).isEqualTo(RECORDS);
        }
    }

    private void produce()
    {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        String padding = "x".repeat(150);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            AtomicReference<Exception> failure = new AtomicReference<>();
            for (int id = 0; id < RECORDS; id++) {
                producer.send(new ProducerRecord<>(TOPIC, id % PARTITIONS, null, "{\"id\":" + id + ",\"payload\":\"" + padding + "\"}"),
                        (metadata, exception) -> {
                            if (exception != null) {
                                failure.compareAndSet(null, exception);
                            }
                        });
            }
            producer.flush();
            assertThat(failure.get()).as("a failed send").isNull();
        }
    }

    private static void assertAlive(Process process, Path work, String name)
    {
        assertThat(process.isAlive()).as(() -> "the " + name + " delivery process is running; it exited with " + process.exitValue() + ", its log:\n"
                + readLog(work.resolve(name + ".log"))).isTrue();
    }

    private static String readLog(Path log)
    {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        }
        catch (java.io.IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    private Process start(Path config, Path work, String name)
            throws Exception
    {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"), DeliveryMain.class.getName(),
                "--bootstrap-servers", stack.kafkaBootstrapServers(), "--source-topic", TOPIC, "--stream-json", config.toString(),
                "--endpoint-url", stack.endpoint(), "--work-dir", work.toString());
        builder.environment().put("AWS_ACCESS_KEY_ID", TestStack.ACCESS_KEY);
        builder.environment().put("AWS_SECRET_ACCESS_KEY", TestStack.SECRET_KEY);
        builder.environment().put("AWS_REGION", TestStack.REGION);
        builder.redirectErrorStream(true).redirectOutput(work.resolve(name + ".log").toFile());
        return builder.start();
    }
}
