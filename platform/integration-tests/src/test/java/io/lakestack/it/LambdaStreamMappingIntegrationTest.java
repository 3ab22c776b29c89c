package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kafka.KafkaClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateEventSourceMappingRequest;
import software.amazon.awssdk.services.lambda.model.CreateEventSourceMappingResponse;
import software.amazon.awssdk.services.lambda.model.EndPointType;
import software.amazon.awssdk.services.lambda.model.EventSourcePosition;
import software.amazon.awssdk.services.lambda.model.FunctionResponseType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Event source mappings of Kinesis streams and a Kafka topic to Python functions, end to end through the AWS SDK: the
 * functions write what they were given to S3 with boto3 (their environment points {@code AWS_ENDPOINT_URL} at
 * lakestack), and the test reads it back and the mappings' consumer groups' committed offsets. Ten thousand records over
 * four shards in batches of 500, {@code ReportBatchItemFailures}, tumbling windows, filter criteria, a self-managed Kafka
 * source; then a synchronous invocation's time-out and a function's reserved concurrency.
 */
@LakestackTest
@Order(63)
class LambdaStreamMappingIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final Comparator<String> SEQUENCE_ORDER = Comparator.comparing(BigInteger::new);

    /** Writes each batch's event IDs and sequence numbers, and when it ran, to S3. */
    private static final String BATCH_RECORDER = """
            import json
            import os
            import time

            import boto3

            s3 = boto3.client("s3")

            def handler(event, context):
                records = event["Records"]
                body = {
                    "at": time.time_ns(),
                    "eventIDs": [record["eventID"] for record in records],
                    "sequences": [record["kinesis"]["sequenceNumber"] for record in records],
                }
                s3.put_object(Bucket=os.environ["BUCKET"], Key="batches/" + context.aws_request_id + ".json", Body=json.dumps(body))
            """;

    /**
     * Processes the records in order and stops at the first {@code bad-<n>} it has not seen before (remembered in S3),
     * reporting it as the batch's failed item; the second time it sees one it processes it.
     */
    private static final String ITEM_FAILURES = """
            import base64
            import json
            import os
            import time

            import boto3
            from botocore.exceptions import ClientError

            s3 = boto3.client("s3")
            BUCKET = os.environ["BUCKET"]

            def seen_before(value):
                try:
                    s3.head_object(Bucket=BUCKET, Key="seen/" + value)
                    return True
                except ClientError:
                    return False

            def handler(event, context):
                values = [base64.b64decode(record["kinesis"]["data"]).decode("utf-8") for record in event["Records"]]
                failed = None
                for record, value in zip(event["Records"], values):
                    if value.startswith("bad-") and not seen_before(value):
                        s3.put_object(Bucket=BUCKET, Key="seen/" + value, Body=b"")
                        failed = (value, record["kinesis"]["sequenceNumber"])
                        break
                body = {"at": time.time_ns(), "values": values, "failed": failed[0] if failed else None}
                s3.put_object(Bucket=BUCKET, Key="batches/" + context.aws_request_id + ".json", Body=json.dumps(body))
                return {"batchItemFailures": [{"itemIdentifier": failed[1]}] if failed else []}
            """;

    /** Sums the records' values over each tumbling window; the final invocation of a window writes the total to S3. */
    private static final String WINDOW_TOTALS = """
            import base64
            import json
            import os

            import boto3

            s3 = boto3.client("s3")

            def handler(event, context):
                state = event.get("state") or {}
                total = state.get("total", 0)
                count = state.get("count", 0)
                for record in event.get("Records", []):
                    total += json.loads(base64.b64decode(record["kinesis"]["data"]))["value"]
                    count += 1
                if event.get("isFinalInvokeForWindow"):
                    body = {"shardId": event["shardId"], "window": event["window"], "total": total, "count": count,
                            "records": len(event.get("Records", []))}
                    s3.put_object(Bucket=os.environ["BUCKET"], Key="windows/" + context.aws_request_id + ".json", Body=json.dumps(body))
                return {"state": {"total": total, "count": count}}
            """;

    /** Writes the records' data of each invocation to S3. */
    private static final String DATA_RECORDER = """
            import base64
            import json
            import os
            import time

            import boto3

            s3 = boto3.client("s3")

            def handler(event, context):
                values = [base64.b64decode(record["kinesis"]["data"]).decode("utf-8") for record in event["Records"]]
                body = {"at": time.time_ns(), "values": values}
                s3.put_object(Bucket=os.environ["BUCKET"], Key="batches/" + context.aws_request_id + ".json", Body=json.dumps(body))
            """;

    /** Writes each event as it came to S3. */
    private static final String EVENT_RECORDER = """
            import json
            import os

            import boto3

            s3 = boto3.client("s3")

            def handler(event, context):
                s3.put_object(Bucket=os.environ["BUCKET"], Key="events/" + context.aws_request_id + ".json", Body=json.dumps(event))
            """;

    /** Sleeps as long as the event says, five seconds by default. */
    private static final String SLEEPER = """
            import time

            def handler(event, context):
                time.sleep(event.get("sleep", 5))
                return {"slept": event.get("sleep", 5)}
            """;

    /** Says in S3 that it started, then waits until the object {@code release} is there. */
    private static final String WAITER = """
            import json
            import os
            import time

            import boto3
            from botocore.exceptions import ClientError

            s3 = boto3.client("s3")
            BUCKET = os.environ["BUCKET"]

            def handler(event, context):
                s3.put_object(Bucket=BUCKET, Key="started/" + context.aws_request_id, Body=json.dumps(event))
                while True:
                    try:
                        s3.head_object(Bucket=BUCKET, Key="release")
                        return {"released": event["call"]}
                    except ClientError:
                        time.sleep(0.1)
            """;

    private final TestStack stack;

    LambdaStreamMappingIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @Test
    void tenThousandRecordsOverFourShardsArriveInShardOrderAndAreCommitted()
            throws Exception
    {
        String bucket = "it-smap-batches";
        String stream = "it-smap-large";
        int records = 10_000;
        try (LambdaClient lambda = stack.client(LambdaClient.builder()); KinesisClient kinesis = stack.kinesis(); S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket(bucket));
            createFunction(lambda, "it-smap-batches", BATCH_RECORDER, 60, bucket);
            String streamArn = createStream(kinesis, stream, 4);

            // sequence numbers by shard, in the order PutRecords answered them
            Map<String, List<String>> expected = new TreeMap<>();
            for (int start = 0; start < records; start += 500) {
                List<PutRecordsRequestEntry> entries = new ArrayList<>();
                for (int i = start; i < start + 500; i++) {
                    entries.add(PutRecordsRequestEntry.builder().partitionKey("key-" + i).data(SdkBytes.fromUtf8String("record-" + i)).build());
                }
                PutRecordsResponse put = kinesis.putRecords(request -> request.streamName(stream).records(entries));
                assertThat(put.failedRecordCount()).isZero();
                for (PutRecordsResultEntry entry : put.records()) {
                    expected.computeIfAbsent(entry.shardId(), shard -> new ArrayList<>()).add(entry.sequenceNumber());
                }
            }
            assertThat(expected).containsOnlyKeys("shardId-000000000000", "shardId-000000000001", "shardId-000000000002", "shardId-000000000003");
            expected.values().forEach(sequences -> assertThat(sequences).hasSizeGreaterThan(1000).isSortedAccordingTo(SEQUENCE_ORDER));

            CreateEventSourceMappingResponse mapping = lambda.createEventSourceMapping(request -> request.functionName("it-smap-batches")
                    .eventSourceArn(streamArn).startingPosition(EventSourcePosition.TRIM_HORIZON).batchSize(500));
            assertThat(mapping.state()).isEqualTo("Creating");
            assertThat(mapping.batchSize()).isEqualTo(500);
            String group = "lakestack.lambda.esm." + mapping.uuid();
            Eventually.read(Duration.ofSeconds(180), () -> stack.committed(group), total -> assertThat(total).isEqualTo(records));

            // the function wrote each batch before it returned, and the offsets were committed after
            List<JsonNode> batches = objects(s3, bucket, "batches/");
            batches.sort(Comparator.comparing(batch -> batch.path("at").asLong()));
            Map<String, List<String>> delivered = new TreeMap<>();
            for (JsonNode batch : batches) {
                List<String> eventIds = strings(batch.path("eventIDs"));
                List<String> sequences = strings(batch.path("sequences"));
                assertThat(sequences).hasSizeBetween(1, 500).doesNotHaveDuplicates().isSortedAccordingTo(SEQUENCE_ORDER);
                String shard = eventIds.get(0).split(":")[0];
                assertThat(eventIds).isEqualTo(sequences.stream().map(sequence -> shard + ":" + sequence).toList());
                delivered.computeIfAbsent(shard, key -> new ArrayList<>()).addAll(sequences);
            }
            // every record arrived; at least once, so a shard's records may come again, but first in the shard's order
            assertThat(delivered.keySet()).isEqualTo(expected.keySet());
            for (Map.Entry<String, List<String>> shard : expected.entrySet()) {
                assertThat(List.copyOf(new LinkedHashSet<>(delivered.get(shard.getKey())))).as(shard.getKey()).isEqualTo(shard.getValue());
            }
            assertThat(delivered.values().stream().mapToInt(List::size).sum()).isGreaterThanOrEqualTo(records);
            Eventually.read(TIMEOUT, () -> lambda.getEventSourceMapping(request -> request.uuid(mapping.uuid())),
                    status -> assertThat(status.state() + "/" + status.lastProcessingResult()).isEqualTo("Enabled/OK"));
            delete(lambda, mapping);
        }
    }

    @Test
    void reportedItemFailureRetriesFromTheFailedRecordOnly()
            throws Exception
    {
        String bucket = "it-smap-item-failures";
        String stream = "it-smap-item-failures";
        List<String> values = IntStream.range(0, 30).mapToObj(i -> i == 7 || i == 19 ? "bad-" + i : "ok-" + i).toList();
        try (LambdaClient lambda = stack.client(LambdaClient.builder()); KinesisClient kinesis = stack.kinesis(); S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket(bucket));
            createFunction(lambda, "it-smap-item-failures", ITEM_FAILURES, 60, bucket);
            String streamArn = createStream(kinesis, stream, 1);
            putRecords(kinesis, stream, values);
            CreateEventSourceMappingResponse mapping = lambda.createEventSourceMapping(request -> request.functionName("it-smap-item-failures")
                    .eventSourceArn(streamArn).startingPosition(EventSourcePosition.TRIM_HORIZON).batchSize(10)
                    .functionResponseTypes(FunctionResponseType.REPORT_BATCH_ITEM_FAILURES));
            assertThat(mapping.functionResponseTypes()).containsExactly(FunctionResponseType.REPORT_BATCH_ITEM_FAILURES);
            Eventually.read(TIMEOUT, () -> stack.committed("lakestack.lambda.esm." + mapping.uuid()), total -> assertThat(total).isEqualTo(values.size()));

            List<JsonNode> batches = objects(s3, bucket, "batches/");
            batches.sort(Comparator.comparing(batch -> batch.path("at").asLong()));
            List<String> processed = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            Map<String, Integer> deliveries = new HashMap<>();
            for (int i = 0; i < batches.size(); i++) {
                List<String> batch = strings(batches.get(i).path("values"));
                batch.forEach(value -> deliveries.merge(value, 1, Integer::sum));
                JsonNode failed = batches.get(i).path("failed");
                if (failed.isNull()) {
                    processed.addAll(batch);
                    continue;
                }
                failures.add(failed.asText());
                int at = batch.indexOf(failed.asText());
                processed.addAll(batch.subList(0, at));
                // the next invocation retries the failed record and the ones after it in its batch, nothing before it
                assertThat(i + 1).as("an invocation after the failure of " + failed.asText()).isLessThan(batches.size());
                assertThat(strings(batches.get(i + 1).path("values"))).as("the retry of " + failed.asText()).isEqualTo(batch.subList(at, batch.size()));
            }
            assertThat(failures).containsExactly("bad-7", "bad-19");
            // every record was processed, once and in order
            assertThat(processed).isEqualTo(values);
            assertThat(deliveries).containsOnlyKeys(values);
            IntStream.range(0, 7).forEach(i -> assertThat(deliveries.get(values.get(i))).as(values.get(i)).isEqualTo(1));
            assertThat(deliveries.get("bad-7")).isEqualTo(2);
            assertThat(deliveries.get("bad-19")).isEqualTo(2);
            delete(lambda, mapping);
        }
    }

    @Test
    void finalInvocationsOfTumblingWindowsHoldTheTotals()
            throws Exception
    {
        String bucket = "it-smap-windows";
        String stream = "it-smap-windows";
        List<Integer> amounts = IntStream.rangeClosed(1, 40).boxed().toList();
        long expectedTotal = amounts.stream().mapToLong(Integer::longValue).sum();
        try (LambdaClient lambda = stack.client(LambdaClient.builder()); KinesisClient kinesis = stack.kinesis(); S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket(bucket));
            createFunction(lambda, "it-smap-windows", WINDOW_TOTALS, 60, bucket);
            String streamArn = createStream(kinesis, stream, 2);
            putRecords(kinesis, stream, amounts.stream().map(amount -> "{\"value\":" + amount + "}").toList());
            CreateEventSourceMappingResponse mapping = lambda.createEventSourceMapping(request -> request.functionName("it-smap-windows")
                    .eventSourceArn(streamArn).startingPosition(EventSourcePosition.TRIM_HORIZON).batchSize(7).tumblingWindowInSeconds(2));
            assertThat(mapping.tumblingWindowInSeconds()).isEqualTo(2);

            // the records of a window are committed once its final invocation succeeded
            Eventually.read(TIMEOUT, () -> stack.committed("lakestack.lambda.esm." + mapping.uuid()), total -> assertThat(total).isEqualTo(amounts.size()));
            List<JsonNode> finals = objects(s3, bucket, "windows/");
            assertThat(finals).isNotEmpty();
            assertThat(finals).allSatisfy(window -> {
                assertThat(window.path("records").asInt()).isZero();
                assertThat(window.path("shardId").asText()).isIn("shardId-000000000000", "shardId-000000000001");
            });
            assertThat(finals.stream().mapToLong(window -> window.path("total").asLong()).sum()).isEqualTo(expectedTotal);
            assertThat(finals.stream().mapToLong(window -> window.path("count").asLong()).sum()).isEqualTo(amounts.size());
            delete(lambda, mapping);
        }
    }

    @Test
    void filterCriteriaLetOnlyMatchingRecordsReachTheFunctionAndCommitTheRest()
            throws Exception
    {
        String bucket = "it-smap-filtered";
        String stream = "it-smap-filtered";
        List<String> values = IntStream.range(0, 30).mapToObj(i -> switch (i % 3) {
            case 0 -> "{\"kind\":\"order\",\"n\":" + i + "}";
            case 1 -> "{\"kind\":\"refund\",\"n\":" + i + "}";
            default -> "plain-" + i;
        }).toList();
        try (LambdaClient lambda = stack.client(LambdaClient.builder()); KinesisClient kinesis = stack.kinesis(); S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket(bucket));
            createFunction(lambda, "it-smap-filtered", DATA_RECORDER, 60, bucket);
            String streamArn = createStream(kinesis, stream, 1);
            putRecords(kinesis, stream, values);
            CreateEventSourceMappingResponse mapping = lambda.createEventSourceMapping(request -> request.functionName("it-smap-filtered")
                    .eventSourceArn(streamArn).startingPosition(EventSourcePosition.TRIM_HORIZON).batchSize(100)
                    .filterCriteria(criteria -> criteria.filters(filter -> filter.pattern("{\"data\":{\"kind\":[\"order\"]}}"))));
            assertThat(mapping.filterCriteria().filters()).hasSize(1);

            // the last record matches no filter: it is committed all the same
            Eventually.read(TIMEOUT, () -> stack.committed("lakestack.lambda.esm." + mapping.uuid()), total -> assertThat(total).isEqualTo(values.size()));
            List<JsonNode> batches = objects(s3, bucket, "batches/");
            batches.sort(Comparator.comparing(batch -> batch.path("at").asLong()));
            List<String> delivered = batches.stream().flatMap(batch -> strings(batch.path("values")).stream()).toList();
            assertThat(delivered).isEqualTo(values.stream().filter(value -> value.contains("\"order\"")).toList());
            delete(lambda, mapping);
        }
    }

    @Test
    void kafkaTopicRecordsReachTheFunctionInKafkaEventsAndAreCommitted()
            throws Exception
    {
        kafkaRecordsReachTheFunction("it-smap-kafka", Optional.empty());
    }

    @Test
    void mskTopicRecordsReachTheFunctionInMskEventsAndAreCommitted()
            throws Exception
    {
        try (KafkaClient msk = stack.client(KafkaClient.builder())) {
            kafkaRecordsReachTheFunction("it-smap-msk", Optional.of(msk.listClustersV2(request -> { }).clusterInfoList().get(0).clusterArn()));
        }
    }

    /** Records of a topic of two partitions through a mapping of the stack's Kafka, self-managed or as the MSK cluster. */
    private void kafkaRecordsReachTheFunction(String name, Optional<String> mskCluster)
            throws Exception
    {
        String bucket = name;
        String topic = name + "-orders";
        stack.kafkaTopics().ensure(topic, 2, Map.of());
        Map<String, String> produced = new HashMap<>();
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 20; i++) {
                RecordMetadata written = producer.send(new ProducerRecord<>(topic, i % 2, "key-" + i, "{\"order\":" + i + "}")).get(30, TimeUnit.SECONDS);
                produced.put(written.partition() + "/" + written.offset(), "key-" + i + "=" + "{\"order\":" + i + "}");
            }
        }
        try (LambdaClient lambda = stack.client(LambdaClient.builder()); S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket(bucket));
            createFunction(lambda, name, EVENT_RECORDER, 60, bucket);
            CreateEventSourceMappingRequest.Builder request = CreateEventSourceMappingRequest.builder().functionName(name)
                    .topics(topic).startingPosition(EventSourcePosition.TRIM_HORIZON).batchSize(5);
            if (mskCluster.isPresent()) {
                request.eventSourceArn(mskCluster.get()).amazonManagedKafkaEventSourceConfig(source -> source.consumerGroupId(name + "-readers"));
            }
            else {
                request.selfManagedEventSource(source -> source.endpoints(Map.of(EndPointType.KAFKA_BOOTSTRAP_SERVERS, List.of(stack.kafkaBootstrapServers()))));
            }
            CreateEventSourceMappingResponse mapping = lambda.createEventSourceMapping(request.build());
            assertThat(mapping.topics()).containsExactly(topic);
            String group = mskCluster.isPresent() ? mapping.amazonManagedKafkaEventSourceConfig().consumerGroupId()
                    : mapping.selfManagedKafkaEventSourceConfig().consumerGroupId();
            assertThat(group).isEqualTo(mskCluster.isPresent() ? name + "-readers" : mapping.uuid());
            assertThat(mapping.eventSourceArn()).isEqualTo(mskCluster.orElse(null));
            Eventually.read(TIMEOUT, () -> stack.committed(group), total -> assertThat(total).isEqualTo(20));

            Map<String, String> received = new HashMap<>();
            for (JsonNode event : objects(s3, bucket, "events/")) {
                assertThat(event.path("eventSource").asText()).isEqualTo(mskCluster.isPresent() ? "aws:kafka" : "SelfManagedKafka");
                assertThat(event.path("eventSourceArn").asText(null)).isEqualTo(mskCluster.orElse(null));
                assertThat(event.path("bootstrapServers").asText()).isEqualTo(stack.kafkaBootstrapServers());
                assertThat(event.path("records").size()).isEqualTo(1);
                Map.Entry<String, JsonNode> partition = event.path("records").properties().iterator().next();
                assertThat(partition.getKey()).isIn(topic + "-0", topic + "-1");
                assertThat(partition.getValue().size()).isBetween(1, 5);
                for (JsonNode record : partition.getValue()) {
                    assertThat(topic + "-" + record.path("partition").asInt()).isEqualTo(partition.getKey());
                    assertThat(record.path("topic").asText()).isEqualTo(topic);
                    assertThat(record.path("timestampType").asText()).isEqualTo("CREATE_TIME");
                    received.put(record.path("partition").asInt() + "/" + record.path("offset").asLong(),
                            decode(record.path("key").asText()) + "=" + decode(record.path("value").asText()));
                }
            }
            assertThat(received).isEqualTo(produced);
            delete(lambda, mapping);
        }
    }

    @Test
    void synchronousInvocationTimesOut()
            throws Exception
    {
        try (LambdaClient lambda = stack.client(LambdaClient.builder())) {
            createFunction(lambda, "it-smap-sleeper", SLEEPER, 1, null);
            InvokeResponse timedOut = lambda.invoke(request -> request.functionName("it-smap-sleeper").payload(SdkBytes.fromUtf8String("{}")));
            assertThat(timedOut.statusCode()).isEqualTo(200);
            assertThat(timedOut.functionError()).isEqualTo("Unhandled");
            String message = JSON.readTree(timedOut.payload().asUtf8String()).path("errorMessage").asText();
            assertThat(message).endsWith("Task timed out after 1.00 seconds");
            assertThat(message).matches("\\S+ " + Pattern.quote(timedOut.responseMetadata().requestId()) + " Task timed out after 1\\.00 seconds");

            // the environment that timed out is gone; the next invocation gets a new one
            InvokeResponse quick = lambda.invoke(request -> request.functionName("it-smap-sleeper").payload(SdkBytes.fromUtf8String("{\"sleep\":0}")));
            assertThat(quick.functionError()).isNull();
            assertThat(JSON.readTree(quick.payload().asUtf8String())).isEqualTo(JSON.readTree("{\"slept\":0}"));
        }
    }

    @Test
    void reservedConcurrencyOfOneThrottlesASecondSynchronousInvocation()
            throws Exception
    {
        String bucket = "it-smap-waiter";
        try (LambdaClient lambda = lambdaClient(true); LambdaClient once = lambdaClient(false); S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket(bucket));
            createFunction(lambda, "it-smap-waiter", WAITER, 60, bucket);
            assertThat(lambda.putFunctionConcurrency(request -> request.functionName("it-smap-waiter").reservedConcurrentExecutions(1))
                    .reservedConcurrentExecutions()).isEqualTo(1);

            CompletableFuture<InvokeResponse> first = CompletableFuture.supplyAsync(() -> lambda.invoke(request -> request.functionName("it-smap-waiter")
                    .payload(SdkBytes.fromUtf8String("{\"call\":\"first\"}"))));
            // the first invocation runs, and waits for the release object
            Eventually.read(TIMEOUT, () -> keys(s3, bucket, "started/"), started -> assertThat(started).hasSize(1));

            assertThatThrownBy(() -> once.invoke(request -> request.functionName("it-smap-waiter").payload(SdkBytes.fromUtf8String("{\"call\":\"second\"}"))))
                    .isInstanceOfSatisfying(TooManyRequestsException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(429);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("TooManyRequestsException");
                    });

            s3.putObject(request -> request.bucket(bucket).key("release"), RequestBody.empty());
            InvokeResponse answer = first.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(answer.functionError()).isNull();
            assertThat(JSON.readTree(answer.payload().asUtf8String())).isEqualTo(JSON.readTree("{\"released\":\"first\"}"));
            // the throttled call never reached the function
            assertThat(keys(s3, bucket, "started/")).hasSize(1);
        }
    }

    /** A Python function with the bucket it writes to in {@code BUCKET}, Active. */
    private static void createFunction(LambdaClient lambda, String name, String source, int timeoutSeconds, String bucket)
            throws IOException
    {
        LambdaPackages.createPythonFunction(lambda, name, source, timeoutSeconds, bucket == null ? Map.of() : Map.of("BUCKET", bucket));
    }

    /** Deletes a mapping once the test has read what it did, so that its poller stops. */
    private static void delete(LambdaClient lambda, CreateEventSourceMappingResponse mapping)
    {
        assertThat(lambda.deleteEventSourceMapping(request -> request.uuid(mapping.uuid())).state()).isEqualTo("Deleting");
    }

    private static String createStream(KinesisClient kinesis, String name, int shards)
    {
        kinesis.createStream(request -> request.streamName(name).shardCount(shards));
        kinesis.waiter().waitUntilStreamExists(request -> request.streamName(name));
        return kinesis.describeStreamSummary(request -> request.streamName(name)).streamDescriptionSummary().streamARN();
    }

    /** Puts the values in order, each with a partition key of its own. */
    private static void putRecords(KinesisClient kinesis, String stream, List<String> values)
    {
        List<PutRecordsRequestEntry> entries = IntStream.range(0, values.size())
                .mapToObj(i -> PutRecordsRequestEntry.builder().partitionKey("key-" + i).data(SdkBytes.fromUtf8String(values.get(i))).build())
                .toList();
        assertThat(kinesis.putRecords(request -> request.streamName(stream).records(entries)).failedRecordCount()).isZero();
    }

    /** A Lambda client whose calls wait up to three minutes, with the SDK's retries or none. */
    private LambdaClient lambdaClient(boolean retries)
    {
        return LambdaClient.builder()
                .endpointOverride(URI.create(stack.endpoint()))
                .region(Region.of(TestStack.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(TestStack.ACCESS_KEY, TestStack.SECRET_KEY)))
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofMinutes(3)))
                .overrideConfiguration(config -> {
                    if (!retries) {
                        config.retryStrategy(AwsRetryStrategy.doNotRetry());
                    }
                })
                .build();
    }

    private static List<String> keys(S3Client s3, String bucket, String prefix)
    {
        return s3.listObjectsV2Paginator(request -> request.bucket(bucket).prefix(prefix)).contents().stream().map(S3Object::key).toList();
    }

    /** The JSON objects under the prefix. */
    private static List<JsonNode> objects(S3Client s3, String bucket, String prefix)
            throws IOException
    {
        List<JsonNode> objects = new ArrayList<>();
        for (String key : keys(s3, bucket, prefix)) {
            objects.add(JSON.readTree(s3.getObjectAsBytes(request -> request.bucket(bucket).key(key)).asByteArray()));
        }
        return objects;
    }

    private static List<String> strings(JsonNode array)
    {
        List<String> strings = new ArrayList<>();
        array.forEach(element -> strings.add(element.asText()));
        return strings;
    }

    private static String decode(String base64)
    {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }
}
