package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.backends.kafka.KafkaKinesisStreams;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.EventSourcePosition;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A restart in the middle of a Kinesis event source mapping loses no record: 3,000 records over two shards go to a
 * slow Python function in batches of 100; the stack is killed with SIGKILL part-way, started again on the same data
 * directory, stopped gracefully part-way, and started a third time. The function writes every batch it gets to S3, and
 * the batches together hold every record, each shard's in order, at least once (a batch whose offsets were not yet
 * committed when the stack was killed comes again; after the graceful stop, which waits for the invocations in progress
 * and commits them, none does); the mapping's committed offsets reach the ends of the stream's
 * partitions. Each stack runs in a JVM of its own ({@link StackProcess}), so that it can be killed.
 */
@LakestackTest
@Order(65)
class LambdaMappingRestartIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final Comparator<String> SEQUENCE_ORDER = Comparator.comparing(BigInteger::new);
    private static final int RECORDS = 3000;
    private static final int SHARDS = 2;
    private static final int BATCH_SIZE = 100;
    private static final String NAME = "it-restart-mapping";
    private static final String BIND = "127.0.0.1";

    /**
     * Writes each batch to S3 before it returns, named after the batch's first sequence number: its event IDs, the
     * {@code id} of each record, when it ran and the endpoint of the stack that invoked it; then takes a while, so that
     * the stack can go away in the middle of the mapping.
     */
    private static final String RECORDER = """
            import base64
            import json
            import os
            import time

            import boto3

            s3 = boto3.client("s3")

            def handler(event, context):
                records = event["Records"]
                body = {
                    "at": time.time_ns(),
                    "endpoint": os.environ["AWS_ENDPOINT_URL"],
                    "eventIDs": [record["eventID"] for record in records],
                    "ids": [json.loads(base64.b64decode(record["kinesis"]["data"]))["id"] for record in records],
                }
                key = "batches/" + records[0]["kinesis"]["sequenceNumber"] + "-" + context.aws_request_id + ".json"
                s3.put_object(Bucket=os.environ["BUCKET"], Key=key, Body=json.dumps(body))
                time.sleep(0.3)
            """;

    /** A batch the function wrote: the records' shard (the stream's partition), sequence numbers and ids, in the batch's order. */
    private record Batch(String key, long at, String endpoint, int partition, List<String> sequences, List<Integer> ids)
    {
    }

    @Test
    void noRecordIsLostWhenTheStackIsKilledOrStoppedInTheMiddleOfAMapping(@TempDir Path dataDirectory)
            throws Exception
    {
        // the ids of each shard in the order they were put, and each id's sequence number
        Map<Integer, List<Integer>> expected = new TreeMap<>();
        Map<Integer, String> sequences = new HashMap<>();
        List<String> endpoints = new ArrayList<>();
        String uuid;
        try (StackProcess first = StackProcess.start(dataDirectory, BIND)) {
            endpoints.add(first.endpoint());
            try (LambdaClient lambda = TestStack.client(LambdaClient.builder(), first.endpoint());
                    KinesisClient kinesis = TestStack.client(KinesisClient.builder(), first.endpoint());
                    S3Client s3 = s3(first)) {
                s3.createBucket(request -> request.bucket(NAME));
                LambdaPackages.createPythonFunction(lambda, NAME, RECORDER, 60, Map.of("BUCKET", NAME));
                kinesis.createStream(request -> request.streamName(NAME).shardCount(SHARDS));
                kinesis.waiter().waitUntilStreamExists(request -> request.streamName(NAME));
                String streamArn = kinesis.describeStreamSummary(request -> request.streamName(NAME)).streamDescriptionSummary().streamARN();
                for (int start = 0; start < RECORDS; start += 500) {
                    List<PutRecordsRequestEntry> entries = new ArrayList<>();
                    for (int id = start; id < start + 500; id++) {
                        entries.add(PutRecordsRequestEntry.builder().partitionKey("key-" + id).data(SdkBytes.fromUtf8String("{\"id\":" + id + "}")).build());
                    }
                    PutRecordsResponse put = kinesis.putRecords(request -> request.streamName(NAME).records(entries));
                    assertThat(put.failedRecordCount()).isZero();
                    for (int i = 0; i < entries.size(); i++) {
                        PutRecordsResultEntry entry = put.records().get(i);
                        expected.computeIfAbsent(partition(entry.shardId()), shard -> new ArrayList<>()).add(start + i);
                        sequences.put(start + i, entry.sequenceNumber());
                    }
                }
                assertThat(expected.keySet()).containsExactly(0, 1);
                expected.values().forEach(ids -> assertThat(ids).hasSizeGreaterThan(RECORDS / 4));

                uuid = lambda.createEventSourceMapping(request -> request.functionName(NAME).eventSourceArn(streamArn)
                        .startingPosition(EventSourcePosition.TRIM_HORIZON).batchSize(BATCH_SIZE)).uuid();
                // killed once the function has had some of the 30-odd batches
                Eventually.read(TIMEOUT, () -> batches(s3), batches -> assertThat(batches).hasSizeGreaterThanOrEqualTo(5));
            }
            first.kill();
        }

        try (StackProcess second = StackProcess.start(dataDirectory, BIND); S3Client s3 = s3(second)) {
            endpoints.add(second.endpoint());
            // the mapping goes on where its committed offsets say, once Kafka takes the killed stack's member of the mapping's
            // group for gone (the pollers' session timeout, 10 s); stopped gracefully once it has had some more batches
            Eventually.read(TIMEOUT, () -> batches(s3), batches -> assertThat(batches).filteredOn(batch -> batch.endpoint().equals(second.endpoint()))
                    .hasSizeGreaterThanOrEqualTo(5));
        }

        try (StackProcess third = StackProcess.start(dataDirectory, BIND);
                LambdaClient lambda = TestStack.client(LambdaClient.builder(), third.endpoint());
                S3Client s3 = s3(third);
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, third.kafkaBootstrapServers()))) {
            endpoints.add(third.endpoint());
            String topic = KafkaKinesisStreams.topic(NAME);
            Map<TopicPartition, Long> ends = expected.entrySet().stream()
                    .collect(Collectors.toMap(shard -> new TopicPartition(topic, shard.getKey()), shard -> (long) shard.getValue().size()));
            assertThat(admin.listOffsets(ends.keySet().stream().collect(Collectors.toMap(partition -> partition, partition -> OffsetSpec.latest())))
                    .all().get(30, TimeUnit.SECONDS).entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, end -> end.getValue().offset())))
                    .as("end offsets of the stream's partitions").isEqualTo(ends);
            Eventually.read(TIMEOUT, () -> committed(admin, "lakestack.lambda.esm." + uuid), committed -> assertThat(committed).isEqualTo(ends));
            Eventually.read(TIMEOUT, () -> lambda.getEventSourceMapping(request -> request.uuid(uuid)),
                    status -> assertThat(status.state() + "/" + status.lastProcessingResult()).isEqualTo("Enabled/OK"));

            // the function wrote each batch before it returned, and the offsets were committed after
            List<Batch> batches = new ArrayList<>(batches(s3));
            batches.sort(Comparator.comparingLong(Batch::at));
            Map<Integer, List<Integer>> delivered = new TreeMap<>();
            Map<Integer, Integer> deliveries = new HashMap<>();
            for (Batch batch : batches) {
                // a run of one shard's records, in the shard's order
                assertThat(batch.ids()).as(batch.key()).hasSizeBetween(1, BATCH_SIZE);
                assertThat(Collections.indexOfSubList(expected.get(batch.partition()), batch.ids())).as("%s: %s", batch.key(), batch.ids()).isNotNegative();
                assertThat(batch.sequences()).as(batch.key()).isEqualTo(batch.ids().stream().map(sequences::get).toList())
                        .isSortedAccordingTo(SEQUENCE_ORDER);
                assertThat(batch.key()).startsWith("batches/" + batch.sequences().get(0) + "-");
                delivered.computeIfAbsent(batch.partition(), shard -> new ArrayList<>()).addAll(batch.ids());
                batch.ids().forEach(id -> deliveries.merge(id, 1, Integer::sum));
            }
            // every record arrived: at least once, so a shard's records may come again, but first in the shard's order
            List<Integer> missing = IntStream.range(0, RECORDS).filter(id -> !deliveries.containsKey(id)).boxed().toList();
            assertThat(missing).as("ids no batch held").isEmpty();
            assertThat(deliveries).hasSize(RECORDS);
            assertThat(delivered.keySet()).isEqualTo(expected.keySet());
            for (Map.Entry<Integer, List<Integer>> shard : expected.entrySet()) {
                assertThat(List.copyOf(new LinkedHashSet<>(delivered.get(shard.getKey())))).as("shard %d", shard.getKey()).isEqualTo(shard.getValue());
            }
            // each stack invoked the function, one after the other: the first two went away in the middle of the mapping
            assertThat(runs(batches.stream().map(Batch::endpoint).toList())).isEqualTo(runs(endpoints));

            // the records each stack delivered again, which a stack before it had delivered without committing them: after the
            // kill some may come again (as information); after the graceful stop none, as the poller commits what its invocations did
            List<String> stacks = new ArrayList<>();
            List<Long> repeated = new ArrayList<>();
            Set<Integer> earlier = new HashSet<>();
            Set<Integer> current = new HashSet<>();
            int stackBatches = 0;
            long again = 0;
            for (int i = 0; i < batches.size(); i++) {
                Batch batch = batches.get(i);
                stackBatches++;
                again += batch.ids().stream().filter(earlier::contains).count();
                current.addAll(batch.ids());
                if (i == batches.size() - 1 || !batches.get(i + 1).endpoint().equals(batch.endpoint())) {
                    stacks.add(batch.endpoint() + ": " + stackBatches + " batches, " + again + " records again");
                    repeated.add(again);
                    earlier.addAll(current);
                    current.clear();
                    stackBatches = 0;
                    again = 0;
                }
            }
            System.out.printf("%d records delivered %d times in %d batches; %s%n", RECORDS, deliveries.values().stream().mapToInt(Integer::intValue).sum(),
                    batches.size(), stacks);
            assertThat(repeated).hasSize(3);
            assertThat(repeated.get(0)).isZero();
            assertThat(repeated.get(2)).as("records invoked again after the graceful stop").isZero();
        }
    }

    /**
     * The endpoints without consecutive repeats: the stacks in the order they invoked the function. (Each stack takes
     * free ports of its own, which may by chance be those of the one before.)
     */
    private static List<String> runs(List<String> endpoints)
    {
        List<String> runs = new ArrayList<>();
        for (String endpoint : endpoints) {
            if (runs.isEmpty() || !runs.get(runs.size() - 1).equals(endpoint)) {
                runs.add(endpoint);
            }
        }
        return runs;
    }

    /** An S3 client of the stack's endpoint, path-style. */
    private static S3Client s3(StackProcess stack)
    {
        return TestStack.client(S3Client.builder().forcePathStyle(true), stack.endpoint());
    }

    /** The shard's index, which is its partition's: {@code shardId-000000000001} is partition 1. */
    private static int partition(String shardId)
    {
        return Integer.parseInt(shardId.substring("shardId-".length()));
    }

    private static List<Batch> batches(S3Client s3)
            throws IOException
    {
        List<Batch> batches = new ArrayList<>();
        for (String key : FirehoseObjects.keys(s3, NAME, "batches/")) {
            JsonNode body = JSON.readTree(FirehoseObjects.bytes(s3, NAME, key));
            List<String> eventIds = new ArrayList<>();
            body.path("eventIDs").forEach(eventId -> eventIds.add(eventId.asText()));
            String shard = eventIds.get(0).substring(0, eventIds.get(0).indexOf(':'));
            List<String> batchSequences = new ArrayList<>();
            for (String eventId : eventIds) {
                assertThat(eventId).as(key).startsWith(shard + ":");
                batchSequences.add(eventId.substring(shard.length() + 1));
            }
            List<Integer> ids = new ArrayList<>();
            body.path("ids").forEach(id -> ids.add(id.asInt()));
            assertThat(ids).as(key).hasSameSizeAs(eventIds);
            batches.add(new Batch(key, body.path("at").asLong(), body.path("endpoint").asText(), partition(shard), batchSequences, ids));
        }
        return batches;
    }

    /** The offsets the consumer group has committed, by partition. */
    private static Map<TopicPartition, Long> committed(Admin admin, String group)
            throws Exception
    {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, offset -> offset.getValue().offset()));
    }
}
