package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.connectors.lambda.events.EventSourcePollers;
import io.lakestack.connectors.lambda.events.FunctionSettings;
import io.lakestack.connectors.lambda.events.Invoker;
import io.lakestack.connectors.lambda.events.KafkaS3Destinations;
import io.lakestack.connectors.lambda.events.LambdaEventsConfig;
import io.lakestack.spi.kinesis.SequenceNumber;
import io.lakestack.spi.lambda.EventSourceMapping;
import io.lakestack.spi.lambda.EventSourceMappingStatus;
import io.lakestack.spi.store.MemoryRecordStores;
import io.lakestack.spi.store.RecordStore;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kafka side of Lambda's event sources on the real stack's Kafka, with functions faked in the test (the function
 * runner is not needed): a Kinesis stream's records reach the mapped function in per-shard order, with the sequence
 * numbers {@code PutRecord} answered, and the group commits them. (Asynchronous invocations are shown end to end, with
 * a real function, by {@link LambdaEventSourceIntegrationTest}: the endpoint's own worker is in their consumer group.)
 */
@LakestackTest
@Order(60)
class LambdaEventsKafkaIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final TestStack stack;

    LambdaEventsKafkaIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @Test
    void kinesisRecordsReachTheFunctionInShardOrderAndAreCommitted()
            throws Exception
    {
        KinesisClient kinesis = stack.kinesis();
        kinesis.createStream(request -> request.streamName("it-esm-orders").shardCount(2));
        String streamArn = kinesis.describeStreamSummary(request -> request.streamName("it-esm-orders")).streamDescriptionSummary().streamARN();
        Map<String, String> sequences = new HashMap<>();
        long creation = 0;
        for (int i = 0; i < 30; i++) {
            String data = Integer.toString(i);
            PutRecordResponse put = kinesis.putRecord(request -> request.streamName("it-esm-orders").partitionKey("key-" + data).data(SdkBytes.fromUtf8String(data)));
            sequences.put(data, put.sequenceNumber());
            creation = SequenceNumber.parse(put.sequenceNumber()).orElseThrow().streamCreationMillis();
        }
        EventSourceMapping mapping = new EventSourceMapping("it-esm-1", "arn:aws:lambda:us-east-1:000000000000:function:it-consumer",
                EventSourceMapping.Kind.KINESIS, Optional.of(streamArn), List.of("lakestack.kinesis.it-esm-orders"), Optional.empty(), creation,
                "lakestack.lambda.esm.it-esm-1", true, 10, 0, "TRIM_HORIZON", Optional.empty(), 1, false, -1, -1, Optional.empty(), false, 0, List.of(),
                System.currentTimeMillis(), Optional.empty(), 0);
        MemoryRecordStores stores = new MemoryRecordStores();
        RecordStore<EventSourceMapping> mappings = stores.open("mappings", EventSourceMapping.class);
        RecordStore<EventSourceMappingStatus> statuses = stores.open("statuses", EventSourceMappingStatus.class);
        mappings.put(mapping.uuid(), mapping);
        RecordingFunction function = new RecordingFunction(0);
        try (S3Client s3 = stack.s3();
                KafkaS3Destinations destinations = new KafkaS3Destinations(stack.kafkaBootstrapServers(), s3);
                EventSourcePollers pollers = new EventSourcePollers(mappings, statuses, LambdaEventsConfig.defaults(stack.kafkaBootstrapServers()), function,
                        function, destinations, Clock.systemUTC()).start()) {
            List<JsonNode> records = Eventually.read(TIMEOUT, () -> function.events().stream().flatMap(event -> list(event.path("Records")).stream()).toList(),
                    read -> assertThat(read).hasSize(30));
            assertThat(function.events()).allSatisfy(event -> assertThat(event.path("Records").size()).isBetween(1, 10));
            for (JsonNode record : records) {
                String data = new String(Base64.getDecoder().decode(record.path("kinesis").path("data").asText()), StandardCharsets.UTF_8);
                assertThat(record.path("kinesis").path("sequenceNumber").asText()).isEqualTo(sequences.get(data));
                assertThat(record.path("kinesis").path("partitionKey").asText()).isEqualTo("key-" + data);
                assertThat(record.path("eventSourceARN").asText()).isEqualTo(streamArn);
                assertThat(record.path("invokeIdentityArn").asText()).isEqualTo("arn:aws:iam::000000000000:role/it-role");
            }
            Map<String, List<String>> byShard = records.stream().collect(Collectors.groupingBy(record -> record.path("eventID").asText().split(":")[0],
                    TreeMap::new, Collectors.mapping(record -> record.path("kinesis").path("sequenceNumber").asText(), Collectors.toList())));
            assertThat(byShard).hasSize(2);
            byShard.values().forEach(shard -> assertThat(shard).isSortedAccordingTo(String::compareTo));
            Eventually.read(TIMEOUT, () -> stack.committed("lakestack.lambda.esm.it-esm-1"), total -> assertThat(total).isEqualTo(30));
            Eventually.read(TIMEOUT, () -> statuses.get(mapping.uuid()),
                    status -> assertThat(status).hasValueSatisfying(value -> assertThat(value.state() + "/" + value.lastProcessingResult()).isEqualTo("Enabled/OK")));
        }
    }

    private static List<JsonNode> list(JsonNode array)
    {
        List<JsonNode> list = new ArrayList<>();
        array.forEach(list::add);
        return list;
    }

    /** A function that records its events and fails the first {@code failures} calls. */
    private static final class RecordingFunction
            implements Invoker, FunctionSettings
    {
        private final List<JsonNode> events = new CopyOnWriteArrayList<>();
        private final List<String> requestIds = new CopyOnWriteArrayList<>();
        private final int failures;
        volatile EventInvokeConfig config = EventInvokeConfig.DEFAULT;

        RecordingFunction(int failures)
        {
            this.failures = failures;
        }

        List<JsonNode> events()
        {
            return List.copyOf(events);
        }

        List<String> requestIds()
        {
            return List.copyOf(requestIds);
        }

        @Override
        public Invocation invoke(String functionArn, byte[] payload, Optional<String> requestId)
        {
            try {
                events.add(JSON.readTree(payload));
            }
            catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            requestId.ifPresent(requestIds::add);
            boolean fail = events.size() <= failures;
            return new Invocation(requestId.orElse("req"), 200, fail ? Optional.of("Unhandled") : Optional.empty(),
                    (fail ? "{\"errorMessage\":\"failing\"}" : "null").getBytes(StandardCharsets.UTF_8), "$LATEST");
        }

        @Override
        public EventInvokeConfig eventInvokeConfig(String functionName, Optional<String> qualifier)
        {
            return config;
        }

        @Override
        public Optional<String> deadLetterTarget(String functionName, Optional<String> qualifier)
        {
            return Optional.empty();
        }

        @Override
        public String executionRole(String functionArn)
        {
            return "arn:aws:iam::000000000000:role/it-role";
        }
    }
}
