package io.lakestack.it;

import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamDescription;
import software.amazon.awssdk.services.kinesis.model.StreamMode;
import software.amazon.awssdk.services.kinesis.model.KinesisException;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

/** Kinesis Data Streams on Kafka, with the AWS SDK v2 Kinesis client (which speaks CBOR). */
@LakestackTest
@Order(20)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KinesisIntegrationTest
{
    private static final BigInteger SHARD_1_START = new BigInteger("85070591730234615865843651857942052864");

    private final TestStack stack;
    private KinesisClient kinesis;

    KinesisIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void client()
    {
        kinesis = stack.kinesis();
    }

    @AfterAll
    void close()
    {
        kinesis.close();
    }

    @Test
    void createDescribeListAndRouteAsKinesisDoes()
    {
        kinesis.createStream(request -> request.streamName("it-orders").shardCount(4));
        StreamDescription description = kinesis.describeStream(request -> request.streamName("it-orders")).streamDescription();
        assertThat(description.streamStatusAsString()).isEqualTo("ACTIVE");
        assertThat(description.streamARN()).isEqualTo("arn:aws:kinesis:us-east-1:000000000000:stream/it-orders");
        assertThat(description.retentionPeriodHours()).isEqualTo(24);
        assertThat(description.hasMoreShards()).isFalse();
        assertThat(description.shards()).extracting(Shard::shardId, shard -> shard.hashKeyRange().startingHashKey(), shard -> shard.hashKeyRange().endingHashKey())
                .containsExactly(
                        tuple("shardId-000000000000", "0", "85070591730234615865843651857942052863"),
                        tuple("shardId-000000000001", "85070591730234615865843651857942052864", "170141183460469231731687303715884105727"),
                        tuple("shardId-000000000002", "170141183460469231731687303715884105728", "255211775190703847597530955573826158591"),
                        tuple("shardId-000000000003", "255211775190703847597530955573826158592", "340282366920938463463374607431768211455"));
        var summary = kinesis.describeStreamSummary(request -> request.streamName("it-orders")).streamDescriptionSummary();
        assertThat(summary.openShardCount()).isEqualTo(4);
        assertThat(summary.streamModeDetails().streamMode()).isEqualTo(StreamMode.PROVISIONED);

        var firstPage = kinesis.listShards(request -> request.streamName("it-orders").maxResults(3));
        assertThat(firstPage.shards()).extracting(Shard::shardId).containsExactly("shardId-000000000000", "shardId-000000000001", "shardId-000000000002");
        var secondPage = kinesis.listShards(request -> request.nextToken(firstPage.nextToken()));
        assertThat(secondPage.shards()).extracting(Shard::shardId).containsExactly("shardId-000000000003");
        assertThat(secondPage.nextToken()).isNull();
        assertThat(kinesis.listStreams(request -> {}).streamNames()).contains("it-orders");

        // MD5("a") = 0cc175b9..., in the first quarter; MD5("b") = 92eb5ffe..., in the third
        PutRecordResponse a = put("it-orders", "a", "first");
        PutRecordResponse b = put("it-orders", "b", "second");
        assertThat(a.shardId()).isEqualTo("shardId-000000000000");
        assertThat(b.shardId()).isEqualTo("shardId-000000000002");
        PutRecordResponse explicit = kinesis.putRecord(request -> request.streamName("it-orders").partitionKey("a").explicitHashKey(SHARD_1_START.toString())
                .data(SdkBytes.fromUtf8String("routed by hash key")));
        assertThat(explicit.shardId()).isEqualTo("shardId-000000000001");
        PutRecordResponse below = kinesis.putRecord(request -> request.streamName("it-orders").partitionKey("b")
                .explicitHashKey(SHARD_1_START.subtract(BigInteger.ONE).toString()).data(SdkBytes.fromUtf8String("just below")));
        assertThat(below.shardId()).isEqualTo("shardId-000000000000");
        assertThat(new BigInteger(below.sequenceNumber())).isGreaterThan(new BigInteger(a.sequenceNumber()));
        assertThat(a.sequenceNumber()).hasSize(56).startsWith("49");

        assertThatThrownBy(() -> kinesis.createStream(request -> request.streamName("it-orders").shardCount(1)))
                .isInstanceOf(ResourceInUseException.class)
                .hasMessageStartingWith("Stream it-orders under account 000000000000 already exists.");
        assertThatThrownBy(() -> kinesis.describeStream(request -> request.streamName("it-nope")))
                .isInstanceOf(ResourceNotFoundException.class)
                .hasMessageStartingWith("Stream it-nope under account 000000000000 not found.");
        assertThatThrownBy(() -> kinesis.updateShardCount(request -> request.streamName("it-orders").targetShardCount(8).scalingType("UNIFORM_SCALING")))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("UpdateShardCount is not supported by lakestack");

        // the stream is an ordinary Kafka topic: partition = shard, key = partition key
        try (KafkaConsumer<String, String> consumer = stack.consumer("lakestack.kinesis.it-orders")) {
            List<String> seen = new ArrayList<>();
            for (ConsumerRecord<String, String> record : TestStack.poll(consumer, 4, Duration.ofSeconds(30))) {
                seen.add(record.partition() + ":" + record.key() + ":" + record.value());
            }
            assertThat(seen).containsExactlyInAnyOrder("0:a:first", "2:b:second", "1:a:routed by hash key", "0:b:just below");
        }

        kinesis.createStream(request -> request.streamName("it-on-demand").streamModeDetails(details -> details.streamMode(StreamMode.ON_DEMAND)));
        assertThat(kinesis.describeStreamSummary(request -> request.streamName("it-on-demand")).streamDescriptionSummary().openShardCount()).isEqualTo(4);
        kinesis.deleteStream(request -> request.streamName("it-on-demand"));
        assertThatThrownBy(() -> kinesis.describeStream(request -> request.streamName("it-on-demand"))).isInstanceOf(ResourceNotFoundException.class);
        kinesis.createStream(request -> request.streamName("it-on-demand").shardCount(1));
        assertThat(kinesis.describeStreamSummary(request -> request.streamName("it-on-demand")).streamDescriptionSummary().openShardCount()).isEqualTo(1);
    }

    /** A deleted stream's name can be used again once its records are gone, though it was read: nothing brings its topic back. */
    @Test
    void deletedStreamThatWasReadCanBeCreatedAgain()
            throws Exception
    {
        kinesis.createStream(request -> request.streamName("it-recreate").shardCount(2));
        put("it-recreate", "a", "old record");
        String iterator = kinesis.getShardIterator(request -> request.streamName("it-recreate").shardId("shardId-000000000000")
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        assertThat(kinesis.getRecords(request -> request.shardIterator(iterator)).records()).extracting(record -> record.data().asUtf8String())
                .containsExactly("old record");
        kinesis.deleteStream(request -> request.streamName("it-recreate"));
        // a reader that goes on with its iterator after the deletion (a consumer loop) is told the stream is gone
        assertThatThrownBy(() -> kinesis.getRecords(request -> request.shardIterator(iterator))).isInstanceOf(ResourceNotFoundException.class);

        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreException(ResourceInUseException.class)
                .until(() -> kinesis.createStream(request -> request.streamName("it-recreate").shardCount(3)) != null);
        assertThat(kinesis.describeStreamSummary(request -> request.streamName("it-recreate")).streamDescriptionSummary().openShardCount()).isEqualTo(3);
        assertThat(stack.kafkaAdmin().describeTopics(List.of("lakestack.kinesis.it-recreate")).allTopicNames().get().get("lakestack.kinesis.it-recreate")
                .partitions()).hasSize(3);
        for (String shard : List.of("shardId-000000000000", "shardId-000000000001", "shardId-000000000002")) {
            String fresh = kinesis.getShardIterator(request -> request.streamName("it-recreate").shardId(shard).shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                    .shardIterator();
            assertThat(kinesis.getRecords(request -> request.shardIterator(fresh)).records()).as(shard).isEmpty();
        }
        kinesis.deleteStream(request -> request.streamName("it-recreate"));
    }

    @Test
    void iteratorsOfEveryKindReadTheShard()
    {
        kinesis.createStream(request -> request.streamName("it-reads").shardCount(1));
        List<String> first = new ArrayList<>();
        // the clock read around each put bounds the record's arrival time
        List<Instant> putStarted = new ArrayList<>();
        List<Instant> putEnded = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            putStarted.add(Instant.now());
            first.add(put("it-reads", "k" + i, "r" + i).sequenceNumber());
            putEnded.add(Instant.now());
        }
        String latest = iterator("it-reads", ShardIteratorType.LATEST, null, null);
        for (int i = 5; i < 8; i++) {
            putStarted.add(Instant.now());
            put("it-reads", "k" + i, "r" + i);
            putEnded.add(Instant.now());
        }

        GetRecordsResponse all = kinesis.getRecords(request -> request.shardIterator(iterator("it-reads", ShardIteratorType.TRIM_HORIZON, null, null)));
        assertThat(data(all)).containsExactly("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7");
        List<Instant> arrivals = all.records().stream().map(Record::approximateArrivalTimestamp).toList();
        assertThat(arrivals).as("arrival times").isSorted();
        for (int i = 0; i < arrivals.size(); i++) {
            assertThat(arrivals.get(i)).as("arrival time of r%d", i).isBetween(putStarted.get(i).truncatedTo(ChronoUnit.MILLIS), putEnded.get(i));
        }
        assertThat(data(kinesis.getRecords(request -> request.shardIterator(latest)))).containsExactly("r5", "r6", "r7");
        assertThat(data(kinesis.getRecords(request -> request.shardIterator(iterator("it-reads", ShardIteratorType.AT_SEQUENCE_NUMBER, first.get(3), null)))))
                .containsExactly("r3", "r4", "r5", "r6", "r7");
        assertThat(data(kinesis.getRecords(request -> request.shardIterator(iterator("it-reads", ShardIteratorType.AFTER_SEQUENCE_NUMBER, first.get(3), null)))))
                .containsExactly("r4", "r5", "r6", "r7");

        // AT_TIMESTAMP starts at the first record that arrived at or after the time: at each record's own arrival time
        // (records that share its millisecond included), before the first and after the last
        List<Instant> times = new ArrayList<>(arrivals);
        times.add(0, arrivals.get(0).minusMillis(1));
        times.add(arrivals.get(arrivals.size() - 1).plusMillis(1));
        for (Instant time : times) {
            int from = 0;
            while (from < arrivals.size() && arrivals.get(from).isBefore(time)) {
                from++;
            }
            assertThat(data(kinesis.getRecords(request -> request.shardIterator(iterator("it-reads", ShardIteratorType.AT_TIMESTAMP, null, time)))))
                    .as("records AT_TIMESTAMP %s (arrival times %s)", time, arrivals)
                    .containsExactlyElementsOf(data(all).subList(from, arrivals.size()));
        }

        Instant beforeRead = Instant.now();
        GetRecordsResponse page = kinesis.getRecords(request -> request.shardIterator(iterator("it-reads", ShardIteratorType.TRIM_HORIZON, null, null)).limit(3));
        Instant afterRead = Instant.now();
        assertThat(data(page)).containsExactly("r0", "r1", "r2");
        assertThat(page.records().get(0).partitionKey()).isEqualTo("k0");
        assertThat(page.records().get(0).sequenceNumber()).isEqualTo(first.get(0));
        assertThat(page.records()).extracting(Record::approximateArrivalTimestamp).containsExactlyElementsOf(arrivals.subList(0, 3));
        // behind by the time since the last record returned arrived, as the endpoint's clock read it during the call
        long lastReturned = arrivals.get(2).toEpochMilli();
        assertThat(page.millisBehindLatest()).isBetween(beforeRead.toEpochMilli() - lastReturned, afterRead.toEpochMilli() - lastReturned);
        GetRecordsResponse rest = kinesis.getRecords(request -> request.shardIterator(page.nextShardIterator()));
        assertThat(data(rest)).containsExactly("r3", "r4", "r5", "r6", "r7");
        assertThat(rest.millisBehindLatest()).isEqualTo(0L);
        GetRecordsResponse empty = kinesis.getRecords(request -> request.shardIterator(rest.nextShardIterator()));
        assertThat(empty.records()).isEmpty();
        assertThat(empty.millisBehindLatest()).isEqualTo(0L);
        // the iterator of a caught-up read goes on with the records put after it
        String eighth = put("it-reads", "k8", "r8").sequenceNumber();
        GetRecordsResponse next = kinesis.getRecords(request -> request.shardIterator(empty.nextShardIterator()));
        assertThat(data(next)).containsExactly("r8");
        assertThat(next.records().get(0).sequenceNumber()).isEqualTo(eighth);
        assertThat(next.millisBehindLatest()).isEqualTo(0L);

        assertThatThrownBy(() -> kinesis.getRecords(request -> request.shardIterator("bm90IGFuIGl0ZXJhdG9y")))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("Invalid ShardIterator");
        assertThatThrownBy(() -> kinesis.getRecords(request -> request.shardIterator(rest.nextShardIterator()).limit(10_001)))
                .isInstanceOf(KinesisException.class)
                .satisfies(e -> assertThat(((KinesisException) e).awsErrorDetails().errorCode()).isEqualTo("ValidationException"))
                .hasMessageContaining("Member must have value less than or equal to 10000");
        assertThatThrownBy(() -> iterator("it-reads", ShardIteratorType.AT_SEQUENCE_NUMBER, null, null))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("StartingSequenceNumber is required");
        assertThatThrownBy(() -> kinesis.getShardIterator(request -> request.streamName("it-reads").shardId("shardId-000000000007")
                .shardIteratorType(ShardIteratorType.LATEST)))
                .isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("shardId-000000000007");
    }

    @Test
    void putRecordsLimitsAndErrors()
    {
        kinesis.createStream(request -> request.streamName("it-batches").shardCount(2));
        List<PutRecordsRequestEntry> entries = IntStream.range(0, 500)
                .mapToObj(i -> PutRecordsRequestEntry.builder().partitionKey("key-" + i).data(SdkBytes.fromUtf8String("{\"n\":" + i + "}")).build())
                .toList();
        PutRecordsResponse response = kinesis.putRecords(request -> request.streamName("it-batches").records(entries));
        assertThat(response.failedRecordCount()).isEqualTo(0);
        assertThat(response.records()).hasSize(500).allSatisfy(result -> assertThat(result.sequenceNumber()).hasSize(56));
        assertThat(response.records()).extracting(result -> result.shardId()).containsOnly("shardId-000000000000", "shardId-000000000001");

        List<PutRecordsRequestEntry> tooMany = new ArrayList<>(entries);
        tooMany.add(entries.get(0));
        assertThatThrownBy(() -> kinesis.putRecords(request -> request.streamName("it-batches").records(tooMany)))
                .isInstanceOf(KinesisException.class)
                .hasMessageContaining("Member must have length less than or equal to 500");
        byte[] oneMegabyte = new byte[1024 * 1024];
        assertThatThrownBy(() -> kinesis.putRecord(request -> request.streamName("it-batches").partitionKey("big")
                .data(SdkBytes.fromByteArray(new byte[1024 * 1024 + 1]))))
                .isInstanceOf(KinesisException.class)
                .hasMessageContaining("Member must have length less than or equal to 1048576");
        List<PutRecordsRequestEntry> sixMegabytes = IntStream.range(0, 6)
                .mapToObj(i -> PutRecordsRequestEntry.builder().partitionKey("p").data(SdkBytes.fromByteArray(new byte[1000 * 1024])).build()).toList();
        assertThatThrownBy(() -> kinesis.putRecords(request -> request.streamName("it-batches").records(sixMegabytes)))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("Records size exceeds 5 MB limit");
        assertThat(kinesis.putRecord(request -> request.streamName("it-batches").partitionKey("k").data(SdkBytes.fromByteArray(
                new byte[oneMegabyte.length - 1]))).shardId()).startsWith("shardId-");
        assertThatThrownBy(() -> kinesis.putRecord(request -> request.streamName("it-batches").partitionKey("k").explicitHashKey("-1")
                .data(SdkBytes.fromUtf8String("x"))))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("Invalid ExplicitHashKey");

        kinesis.increaseStreamRetentionPeriod(request -> request.streamName("it-batches").retentionPeriodHours(48));
        assertThat(kinesis.describeStreamSummary(request -> request.streamName("it-batches")).streamDescriptionSummary().retentionPeriodHours())
                .isEqualTo(48);
        assertThatThrownBy(() -> kinesis.increaseStreamRetentionPeriod(request -> request.streamName("it-batches").retentionPeriodHours(30)))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("can not be shorter than existing retention period (48 hours)");
        assertThatThrownBy(() -> kinesis.increaseStreamRetentionPeriod(request -> request.streamName("it-batches").retentionPeriodHours(8761)))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("Maximum allowed retention period is 8760 hours. Requested retention period (8761 hours) is too long.");
        kinesis.decreaseStreamRetentionPeriod(request -> request.streamName("it-batches").retentionPeriodHours(24));
        assertThat(kinesis.describeStreamSummary(request -> request.streamName("it-batches")).streamDescriptionSummary().retentionPeriodHours())
                .isEqualTo(24);

        kinesis.addTagsToStream(request -> request.streamName("it-batches").tags(java.util.Map.of("team", "data", "env", "test")));
        assertThat(kinesis.listTagsForStream(request -> request.streamName("it-batches")).tags())
                .extracting(tag -> tag.key() + "=" + tag.value()).containsExactly("env=test", "team=data");
        kinesis.removeTagsFromStream(request -> request.streamName("it-batches").tagKeys("env"));
        assertThat(kinesis.listTagsForStream(request -> request.streamName("it-batches")).tags())
                .extracting(tag -> tag.key() + "=" + tag.value()).containsExactly("team=data");
    }

    private PutRecordResponse put(String stream, String partitionKey, String data)
    {
        return kinesis.putRecord(request -> request.streamName(stream).partitionKey(partitionKey).data(SdkBytes.fromUtf8String(data)));
    }

    private String iterator(String stream, ShardIteratorType type, String sequenceNumber, Instant timestamp)
    {
        return kinesis.getShardIterator(request -> request.streamName(stream).shardId("shardId-000000000000").shardIteratorType(type)
                .startingSequenceNumber(sequenceNumber).timestamp(timestamp)).shardIterator();
    }

    private static List<String> data(GetRecordsResponse response)
    {
        return response.records().stream().map(Record::data).map(bytes -> bytes.asString(StandardCharsets.UTF_8)).toList();
    }
}
