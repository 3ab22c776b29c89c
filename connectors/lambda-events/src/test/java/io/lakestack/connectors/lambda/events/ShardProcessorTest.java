package io.lakestack.connectors.lambda.events;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ShardProcessorTest
{
    private static final String QUEUE = "arn:aws:sqs:us-east-1:123456789012:failures";

    @Test
    void batchesUpToBatchSizeInOrderAndCommitsAfterEach()
    {
        ShardHarness shard = new ShardHarness(MappingBuilder.kinesis().batchSize(3));
        shard.addNumbered(7);
        assertThat(shard.position()).isEqualTo(0);
        shard.drain();
        assertThat(shard.batches()).containsExactly(List.of("0", "1", "2"), List.of("3", "4", "5"), List.of("6"));
        assertThat(shard.position()).isEqualTo(7);
        assertThat(shard.outcomes).containsExactly(false, false, false);
    }

    @Test
    void kinesisBatchingWindowRunsFromTheEndOfThePreviousInvocation()
    {
        ShardHarness shard = new ShardHarness(MappingBuilder.kinesis().batchSize(10).window(5));
        shard.clock.advance(Duration.ofSeconds(1));
        shard.addNumbered(2);
        shard.drain();
        shard.clock.advance(Duration.ofMillis(3_999));
        shard.drain();
        assertThat(shard.invoker.calls()).isEmpty();
        shard.clock.advance(Duration.ofMillis(1));
        shard.drain();
        assertThat(shard.batches()).containsExactly(List.of("0", "1"));
        // the next window starts when that invocation ended
        shard.addNumbered(1);
        shard.clock.advance(Duration.ofMillis(4_999));
        shard.drain();
        assertThat(shard.invoker.calls()).hasSize(1);
        shard.clock.advance(Duration.ofMillis(1));
        shard.drain();
        assertThat(shard.batches()).containsExactly(List.of("0", "1"), List.of("2"));
        assertThat(shard.invoker.calls().get(1).atMillis() - shard.invoker.calls().get(0).atMillis()).isEqualTo(5_000);
    }

    @Test
    void fullBatchDoesNotWaitForTheWindow()
    {
        ShardHarness shard = new ShardHarness(MappingBuilder.kinesis().batchSize(2).window(300));
        shard.addNumbered(3);
        shard.drain();
        assertThat(shard.batches()).containsExactly(List.of("0", "1"));
    }

    @Test
    void kafkaWaitsFiveHundredMillisecondsFromTheFirstRecordByDefault()
    {
        ShardHarness shard = new ShardHarness(MappingBuilder.kafka());
        shard.clock.advance(Duration.ofSeconds(10));
        shard.add("k", "a");
        shard.clock.advance(Duration.ofMillis(499));
        shard.drain();
        assertThat(shard.invoker.calls()).isEmpty();
        shard.clock.advance(Duration.ofMillis(1));
        shard.drain();
        assertThat(shard.invoker.calls()).hasSize(1);
        assertThat(shard.invoker.calls().get(0).event().path("records").path("orders-0").size()).isEqualTo(1);
        assertThat(shard.position()).isEqualTo(1);
    }

    @Test
    void splitsBatchesToFitTheSixMegabytePayloadLimit()
    {
        ShardHarness shard = new ShardHarness(MappingBuilder.kinesis().batchSize(10_000));
        String megabyte = "x".repeat(1_000_000);
        List<StreamRecord> records = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            records.add(shard.record("k", megabyte, shard.clock.millis()));
        }
        shard.processor.add(records);
        shard.drain();
        // each record is 1,333,336 bytes of base64 plus about 400 of metadata: four fit in 6 MB, five do not
        assertThat(shard.batchSizes()).containsExactly(4, 4, 2);
        assertThat(shard.invoker.calls()).allSatisfy(call -> assertThat(call.payload().length).isLessThanOrEqualTo(6 * 1024 * 1024));
        assertThat(shard.invoker.calls().get(0).payload().length).isGreaterThan(5 * 1024 * 1024);
        assertThat(shard.position()).isEqualTo(10);
    }

    @Test
    void bisectIsolatesOnePoisonRecordOfEight()
    {
        ShardHarness shard = new ShardHarness(MappingBuilder.kinesis().bisect().maxRetries(0).onFailure(QUEUE));
        shard.invoker.answering((call, number) -> call.event().toString().contains(base64("5")) ? null : "null");
        shard.addNumbered(8);
        shard.drain();
        assertThat(shard.batchSizes()).containsExactly(8, 4, 4, 2, 1, 1, 2);
        assertThat(shard.batches()).containsExactly(List.of("0", "1", "2", "3", "4", "5", "6", "7"), List.of("0", "1", "2", "3"),
                List.of("4", "5", "6", "7"), List.of("4", "5"), List.of("4"), List.of("5"), List.of("6", "7"));
        assertThat(shard.position()).isEqualTo(8);
        assertThat(shard.destinations.published()).singleElement().satisfies(message -> {
            assertThat(message.topic()).isEqualTo("lakestack.sqs.failures");
            assertThat(message.key()).isEqualTo("shardId-000000000000");
            assertThat(message.value()).isEqualTo("{\"requestContext\":{\"requestId\":\"request-6\",\"functionArn\":\"" + MappingBuilder.FUNCTION_ARN + "\","
                    + "\"condition\":\"RetryAttemptsExhausted\",\"approximateInvokeCount\":4},"
                    + "\"responseContext\":{\"statusCode\":200,\"executedVersion\":\"$LATEST\",\"functionError\":\"Unhandled\"},"
                    + "\"version\":\"1.0\",\"timestamp\":\"2024-05-01T10:00:00.000Z\","
                    + "\"KinesisBatchInfo\":{\"shardId\":\"shardId-000000000000\",\"startSequenceNumber\":\"" + shard.sequence(5) + "\","
                    + "\"endSequenceNumber\":\"" + shard.sequence(5) + "\",\"approximateArrivalOfFirstRecord\":\"2024-05-01T10:00:00.000Z\","
                    + "\"approximateArrivalOfLastRecord\":\"2024-05-01T10:00:00.000Z\",\"batchSize\":1,\"streamArn\":\"" + MappingBuilder.STREAM_ARN + "\"}}");
        });
    }

    @Test
    void bisectedPoisonRecordIsRetriedAsOftenAsMaximumRetryAttemptsSays()
    {
        ShardHarness shard = new ShardHarness(MappingBuilder.kinesis().bisect().maxRetries(2).onFailure(QUEUE));
        shard.invoker.answering((call, number) -> call.event().toString().contains(base64("5")) ? null : "null");
        shard.addNumbered(8);
        shard.runFor(Duration.ofMinutes(1));
        assertThat(shard.batchSizes()).containsExactly(8, 4, 4, 2, 1, 1, 1, 1, 2);
        List<Long> poisonCalls = shard.invoker.calls().stream().filter(call -> call.event().path("Records").size() == 1)
                .filter(call -> call.event().toString().contains(base64("5"))).map(FakeInvoker.Call::atMillis).toList();
        long start = ShardHarness.START.toEpochMilli();
        assertThat(poisonCalls).containsExactly(start, start + 1_000, start + 3_000);
        assertThat(Json.parse(shard.destinations.published().get(0).value().getBytes()).orElseThrow().path("requestContext")
                .path("approximateInvokeCount").asInt()).isEqualTo(6);
        assertThat(shard.position()).isEqualTo(8);
    }

    @Test
    void withoutBisectTheWholeBatchIsRetriedThenGivenUpAfterMaximumRetryAttempts()
    {
        ShardHarness shard = new ShardHarness(MappingBuilder.kinesis().maxRetries(1).onFailure(QUEUE));
        shard.invoker.answering((call, number) -> number <= 2 ? null : "null");
        shard.addNumbered(3);
        shard.runFor(Duration.ofMinutes(1));
        long start = ShardHarness.START.toEpochMilli();
        assertThat(shard.invoker.calls()).extracting(FakeInvoker.Call::atMillis).containsExactly(start, start + 1_000);
        assertThat(shard.batchSizes()).containsExactly(3, 3);
        JsonNode document = Json.parse(shard.destinations.published().get(0).value().getBytes()).orElseThrow();
        assertThat(document.path("requestContext").path("approximateInvokeCount").asInt()).isEqualTo(2);
        assertThat(document.path("KinesisBatchInfo").path("batchSize").asInt()).isEqualTo(3);
        assertThat(document.path("KinesisBatchInfo").path("startSequenceNumber").asText()).isEqualTo(shard.sequence(0));
        assertThat(document.path("KinesisBatchInfo").path("endSequenceNumber").asText()).isEqualTo(shard.sequence(2));
        assertThat(shard.position()).isEqualTo(3);
        assertThat(shard.outcomes).containsExactly(true, true);
    }

    @Test
    void failingBatchBlocksItsShardUntilItSucceeds()
    {
        ShardHarness shard = new ShardHarness(MappingBuilder.kinesis().batchSize(2));
        shard.invoker.answering((call, number) -> number <= 2 ? null : "null");
        shard.addNumbered(4);
        shard.drain();
        assertThat(shard.batchSizes()).containsExactly(2);
        assertThat(shard.position()).isEqualTo(0);
        shard.runFor(Duration.ofSeconds(10));
        long start = ShardHarness.START.toEpochMilli();
        // failed twice: retried after 1 s, then 2 s more; then the next batch at once
        assertThat(shard.invoker.calls()).extracting(FakeInvoker.Call::atMillis).containsExactly(start, start + 1_000, start + 3_000, start + 3_000);
        assertThat(shard.batches()).containsExactly(List.of("0", "1"), List.of("0", "1"), List.of("0", "1"), List.of("2", "3"));
        assertThat(shard.position()).isEqualTo(4);
    }

    @Test
    void recordsOlderThanMaximumRecordAgeAreGivenUpWithoutAnotherInvocation()
    {
        ShardHarness shard = new ShardHarness(MappingBuilder.kinesis().maxAge(60).onFailure(QUEUE));
        shard.invoker.answering((call, number) -> null);
        shard.addNumbered(1);
        shard.runFor(Duration.ofMinutes(5));
        long start = ShardHarness.START.toEpochMilli();
        assertThat(shard.invoker.calls()).extracting(FakeInvoker.Call::atMillis)
                .containsExactly(start, start + 1_000, start + 3_000, start + 7_000, start + 15_000, start + 31_000);
        JsonNode document = Json.parse(shard.destinations.published().get(0).value().getBytes()).orElseThrow();
        assertThat(document.path("requestContext").path("condition").asText()).isEqualTo("RecordAgeExceeded");
        assertThat(document.path("requestContext").path("approximateInvokeCount").asInt()).isEqualTo(6);
        assertThat(document.path("timestamp").asText()).isEqualTo("2024-05-01T10:01:01.000Z");
        assertThat(shard.position()).isEqualTo(1);
    }

    @Test
    void recordsAlreadyTooOldAreGivenUpBeforeAnyInvocation()
    {
        ShardHarness shard = new ShardHarness(MappingBuilder.kinesis().maxAge(60).onFailure(QUEUE));
        shard.processor.add(List.of(shard.record("k", "old", shard.clock.millis() - 61_000), shard.record("k", "new", shard.clock.millis())));
        shard.drain();
        assertThat(shard.batches()).containsExactly(List.of("new"));
        JsonNode document = Json.parse(shard.destinations.published().get(0).value().getBytes()).orElseThrow();
        assertThat(document.path("requestContext").path("condition").asText()).isEqualTo("RecordAgeExceeded");
        assertThat(document.path("requestContext").path("approximateInvokeCount").asInt()).isEqualTo(0);
        assertThat(document.get("responseContext").isNull()).isTrue();
        assertThat(document.path("KinesisBatchInfo").path("batchSize").asInt()).isEqualTo(1);
        assertThat(shard.position()).isEqualTo(2);
    }

    @Test
    void throttlesAreRetriedWithoutCountingAnAttempt()
    {
        ShardHarness shard = new ShardHarness(MappingBuilder.kinesis().maxRetries(0).onFailure(QUEUE));
        shard.invoker.answering((call, number) -> {
            if (number <= 2) {
                throw new Invoker.InvokeException(429, "TooManyRequestsException", "Rate Exceeded.");
            }
            return "null";
        });
        shard.addNumbered(1);
        shard.runFor(Duration.ofSeconds(10));
        long start = ShardHarness.START.toEpochMilli();
        assertThat(shard.invoker.calls()).extracting(FakeInvoker.Call::atMillis).containsExactly(start, start + 1_000, start + 3_000);
        assertThat(shard.destinations.published()).isEmpty();
        assertThat(shard.position()).isEqualTo(1);
        assertThat(shard.outcomes).containsExactly(false);
    }

    @Test
    void reportBatchItemFailuresCheckpointsBeforeTheLowestFailedItem()
    {
        ShardHarness shard = new ShardHarness(MappingBuilder.kinesis().reportBatchItemFailures());
        shard.invoker.answering((call, number) -> number == 1
                ? "{\"batchItemFailures\":[{\"itemIdentifier\":\"" + shard.sequence(3) + "\"},{\"itemIdentifier\":\"" + shard.sequence(2) + "\"}]}"
                : "{\"batchItemFailures\":[]}");
        shard.addNumbered(5);
        shard.drain();
        assertThat(shard.position()).isEqualTo(2);
        shard.runFor(Duration.ofSeconds(5));
        assertThat(shard.batches()).containsExactly(List.of("0", "1", "2", "3", "4"), List.of("2", "3", "4"));
        assertThat(shard.invoker.calls().get(1).atMillis() - shard.invoker.calls().get(0).atMillis()).isEqualTo(1_000);
        assertThat(shard.position()).isEqualTo(5);
    }

    @Test
    void anEmptyOrUnknownItemIdentifierFailsTheWholeBatch()
    {
        ShardHarness shard = new ShardHarness(MappingBuilder.kinesis().reportBatchItemFailures());
        shard.invoker.answering((call, number) -> switch (number) {
            case 1 -> "{\"batchItemFailures\":[{\"itemIdentifier\":\"\"}]}";
            case 2 -> "{\"batchItemFailures\":[{\"itemIdentifier\":\"49000\"}]}";
            case 3 -> "{\"batchItemFailures\":[{\"id\":\"" + shard.sequence(1) + "\"}]}";
            default -> "{}";
        });
        shard.addNumbered(3);
        shard.runFor(Duration.ofSeconds(30));
        assertThat(shard.batchSizes()).containsExactly(3, 3, 3, 3);
        assertThat(shard.position()).isEqualTo(3);
    }

    @Test
    void reportedFailureIsRetriedUntilMaximumRetryAttemptsThenOnlyTheRestIsGivenUp()
    {
        ShardHarness shard = new ShardHarness(MappingBuilder.kinesis().reportBatchItemFailures().maxRetries(1).onFailure(QUEUE));
        shard.invoker.answering((call, number) -> "{\"batchItemFailures\":[{\"itemIdentifier\":\"" + shard.sequence(2) + "\"}]}");
        shard.addNumbered(4);
        shard.runFor(Duration.ofSeconds(30));
        assertThat(shard.batchSizes()).containsExactly(4, 2);
        JsonNode document = Json.parse(shard.destinations.published().get(0).value().getBytes()).orElseThrow();
        assertThat(document.path("KinesisBatchInfo").path("startSequenceNumber").asText()).isEqualTo(shard.sequence(2));
        assertThat(document.path("KinesisBatchInfo").path("endSequenceNumber").asText()).isEqualTo(shard.sequence(3));
        assertThat(document.path("responseContext").has("functionError")).isFalse();
        assertThat(shard.position()).isEqualTo(4);
    }

    @Test
    void tumblingWindowCarriesStateAndEndsWithAFinalInvocation()
    {
        ShardHarness shard = new ShardHarness(MappingBuilder.kinesis().tumbling(60));
        shard.invoker.answering((call, number) -> {
            if (call.event().path("isFinalInvokeForWindow").asBoolean()) {
                return "{}";
            }
            int total = call.event().path("state").path("total").asInt();
            for (JsonNode record : call.event().path("Records")) {
                total += Integer.parseInt(new String(java.util.Base64.getDecoder().decode(record.path("kinesis").path("data").asText())));
            }
            return "{\"state\":{\"total\":" + total + "}}";
        });
        long start = ShardHarness.START.toEpochMilli();
        shard.clock.set(start + 10_000);
        shard.processor.add(List.of(shard.record("a", "1", start + 5_000), shard.record("b", "2", start + 10_000)));
        shard.drain();
        shard.clock.set(start + 50_000);
        shard.processor.add(List.of(shard.record("a", "3", start + 50_000)));
        shard.drain();
        assertThat(shard.position()).isEqualTo(0);
        shard.clock.set(start + 65_000);
        shard.processor.add(List.of(shard.record("a", "4", start + 65_000)));
        shard.drain();
        assertThat(shard.position()).isEqualTo(3);
        shard.clock.set(start + 120_999);
        shard.drain();
        assertThat(shard.invoker.calls()).hasSize(4);
        shard.clock.set(start + 121_000);
        shard.drain();
        assertThat(shard.position()).isEqualTo(4);

        List<FakeInvoker.Call> calls = shard.invoker.calls();
        assertThat(calls).hasSize(5);
        assertThat(calls).extracting(call -> call.event().path("Records").size()).containsExactly(2, 1, 0, 1, 0);
        assertThat(calls).extracting(call -> call.event().path("state").toString())
                .containsExactly("{}", "{\"total\":3}", "{\"total\":6}", "{}", "{\"total\":4}");
        assertThat(calls).extracting(call -> call.event().path("isFinalInvokeForWindow").asBoolean()).containsExactly(false, false, true, false, true);
        assertThat(calls).extracting(call -> call.event().path("window").path("start").asText() + "/" + call.event().path("window").path("end").asText())
                .containsExactly("2024-05-01T10:00:00Z/2024-05-01T10:01:00Z", "2024-05-01T10:00:00Z/2024-05-01T10:01:00Z",
                        "2024-05-01T10:00:00Z/2024-05-01T10:01:00Z", "2024-05-01T10:01:00Z/2024-05-01T10:02:00Z",
                        "2024-05-01T10:01:00Z/2024-05-01T10:02:00Z");
        String finalEvent = new String(calls.get(2).payload(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(finalEvent).isEqualTo("{\"Records\":[],\"window\":{\"start\":\"2024-05-01T10:00:00Z\",\"end\":\"2024-05-01T10:01:00Z\"},"
                + "\"state\":{\"total\":6},\"shardId\":\"shardId-000000000000\",\"eventSourceARN\":\"" + MappingBuilder.STREAM_ARN + "\","
                + "\"isFinalInvokeForWindow\":true,\"isWindowTerminatedEarly\":false}");
    }

    @Test
    void tumblingWindowResponseWithoutStateIsAFailure()
    {
        ShardHarness shard = new ShardHarness(MappingBuilder.kinesis().tumbling(60));
        shard.invoker.answering((call, number) -> number == 1 ? "{}" : "{\"state\":{\"n\":1}}");
        shard.addNumbered(1);
        shard.runFor(Duration.ofSeconds(5));
        assertThat(shard.invoker.calls()).extracting(call -> call.event().path("state").toString()).containsExactly("{}", "{}");
        assertThat(shard.processor.lanes().get(0).windowState().orElseThrow().toString()).isEqualTo("{\"n\":1}");
    }

    @Test
    void stateAboveTheLimitTerminatesTheWindowEarly()
    {
        ShardProcessor.Timing small = new ShardProcessor.Timing(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(1),
                Duration.ofMillis(500), 6 * 1024 * 1024, 20);
        ShardHarness shard = new ShardHarness(MappingBuilder.kinesis().tumbling(60).batchSize(1), small);
        shard.invoker.answering((call, number) -> "{\"state\":{\"padding\":\"0123456789\"}}");
        shard.addNumbered(2);
        shard.drain();
        assertThat(shard.invoker.calls()).extracting(call -> call.event().path("Records").size() + ":"
                + call.event().path("isFinalInvokeForWindow").asBoolean() + ":" + call.event().path("isWindowTerminatedEarly").asBoolean() + ":"
                + call.event().path("state").toString())
                .containsExactly("1:false:false:{}", "0:true:true:{\"padding\":\"0123456789\"}", "1:false:false:{}",
                        "0:true:true:{\"padding\":\"0123456789\"}");
        assertThat(shard.position()).isEqualTo(2);
    }

    @Test
    void recordsNoFilterMatchesAreSkippedAndCommitted()
    {
        ShardHarness shard = new ShardHarness(MappingBuilder.kinesis().filters("{\"data\":{\"type\":[\"buy\"]}}"));
        shard.add("k", "{\"type\":\"buy\",\"n\":1}", "k", "{\"type\":\"sell\"}", "k", "not json", "k", "{\"type\":\"buy\",\"n\":2}");
        assertThat(shard.position()).isEqualTo(0);
        shard.drain();
        assertThat(shard.batches()).containsExactly(List.of("{\"type\":\"buy\",\"n\":1}", "{\"type\":\"buy\",\"n\":2}"));
        assertThat(shard.position()).isEqualTo(4);
    }

    @Test
    void onlyFilteredRecordsAreCommittedAtOnce()
    {
        ShardHarness shard = new ShardHarness(MappingBuilder.kinesis().filters("{\"data\":{\"type\":[\"buy\"]}}"));
        shard.add("k", "{\"type\":\"sell\"}", "k", "{\"type\":\"sell\"}");
        assertThat(shard.position()).isEqualTo(2);
        assertThat(shard.invoker.calls()).isEmpty();
    }

    @Test
    void parallelizationKeepsOrderPerPartitionKeyAndAFailingKeyHoldsTheCheckpoint()
    {
        ShardHarness shard = new ShardHarness(MappingBuilder.kinesis().parallelization(2));
        // "a".hashCode() is 97 (lane 1), "b".hashCode() is 98 (lane 0)
        shard.invoker.answering((call, number) -> call.event().path("Records").get(0).path("kinesis").path("partitionKey").asText().equals("b") ? null : "null");
        shard.add("a", "a1", "b", "b1", "a", "a2", "b", "b2", "a", "a3");
        shard.drain();
        assertThat(shard.batches()).containsExactly(List.of("b1", "b2"), List.of("a1", "a2", "a3"));
        // a's records are done; b1 (offset 1) is not, so nothing after it may be committed
        assertThat(shard.position()).isEqualTo(1);
        shard.add("a", "a4");
        shard.drain();
        assertThat(shard.batches()).containsExactly(List.of("b1", "b2"), List.of("a1", "a2", "a3"), List.of("a4"));
        assertThat(shard.position()).isEqualTo(1);
        shard.invoker.answering((call, number) -> "null");
        shard.runFor(Duration.ofSeconds(5));
        assertThat(shard.batches().get(3)).containsExactly("b1", "b2");
        assertThat(shard.position()).isEqualTo(6);
    }

    @Test
    void givenUpBatchIsDoneOnlyOnceItsDestinationTookIt()
    {
        ShardHarness shard = new ShardHarness(MappingBuilder.kinesis().maxRetries(0).onFailure(QUEUE));
        shard.invoker.answering((call, number) -> null);
        shard.destinations.refuse(1);
        shard.addNumbered(1);
        shard.drain();
        assertThat(shard.destinations.published()).isEmpty();
        assertThat(shard.position()).isEqualTo(0);
        shard.clock.advance(Duration.ofSeconds(1));
        shard.drain();
        assertThat(shard.destinations.published()).hasSize(1);
        assertThat(shard.invoker.calls()).hasSize(1);
        assertThat(shard.position()).isEqualTo(1);
    }

    @Test
    void givenUpBatchWithoutDestinationIsKeptOnTheMappingsDeadLetterTopic()
    {
        ShardHarness shard = new ShardHarness(MappingBuilder.kinesis().maxRetries(0));
        shard.invoker.answering((call, number) -> null);
        shard.addNumbered(2);
        shard.drain();
        assertThat(shard.destinations.published()).singleElement().satisfies(message -> {
            assertThat(message.topic()).isEqualTo("lakestack.lambda-esm.6f0e3c52-0000-4000-8000-000000000001.failed");
            assertThat(message.headers()).containsOnly(java.util.Map.entry("lakestack.source-topic", "lakestack.kinesis.orders"),
                    java.util.Map.entry("lakestack.source-partition", "0"), java.util.Map.entry("lakestack.source-offset", "0"),
                    java.util.Map.entry("lakestack.source-last-offset", "1"));
            JsonNode document = Json.parse(message.value().getBytes()).orElseThrow();
            assertThat(document.path("payload").asText()).isEqualTo(new String(shard.invoker.calls().get(0).payload(), java.nio.charset.StandardCharsets.UTF_8));
        });
        assertThat(shard.position()).isEqualTo(2);
    }

    @Test
    void s3DestinationGetsTheRecordWithTheWholeEventUnderLambdasObjectName()
    {
        ShardHarness shard = new ShardHarness(MappingBuilder.kinesis().maxRetries(0).onFailure("arn:aws:s3:::failed-batches"));
        shard.invoker.answering((call, number) -> null);
        shard.addNumbered(1);
        shard.drain();
        assertThat(shard.destinations.puts()).singleElement().satisfies(put -> {
            assertThat(put.bucket()).isEqualTo("failed-batches");
            assertThat(put.key()).isEqualTo("aws/lambda/6f0e3c52-0000-4000-8000-000000000001/shardId-000000000000/2024/05/01/2024-05-01T10.00.00-"
                    + "00000000-0000-0000-0000-000000000001");
            JsonNode document = Json.parse(put.body().getBytes()).orElseThrow();
            assertThat(document.path("payload").asText()).isEqualTo(new String(shard.invoker.calls().get(0).payload(), java.nio.charset.StandardCharsets.UTF_8));
            assertThat(document.path("KinesisBatchInfo").path("batchSize").asInt()).isEqualTo(1);
        });
    }

    @Test
    void kafkaFailureRecordDescribesTheTopicPartitionAndOffsets()
    {
        ShardHarness shard = new ShardHarness(MappingBuilder.kafka().maxRetries(0).onFailure("arn:aws:sns:us-east-1:123456789012:alerts"));
        shard.invoker.answering((call, number) -> null);
        shard.add("k", "a", "k", "b");
        shard.clock.advance(Duration.ofMillis(500));
        shard.drain();
        String event = new String(shard.invoker.calls().get(0).payload(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(shard.destinations.published()).singleElement().satisfies(message -> {
            assertThat(message.topic()).isEqualTo("lakestack.sns.alerts");
            assertThat(message.key()).isEqualTo("orders-0");
            assertThat(message.value()).isEqualTo("{\"requestContext\":{\"requestId\":\"request-1\",\"functionArn\":\"" + MappingBuilder.FUNCTION_ARN + "\","
                    + "\"condition\":\"RetryAttemptsExhausted\",\"approximateInvokeCount\":1},"
                    + "\"responseContext\":{\"statusCode\":200,\"executedVersion\":\"$LATEST\",\"functionError\":\"Unhandled\"},"
                    + "\"version\":\"1.0\",\"timestamp\":\"2024-05-01T10:00:00.500Z\","
                    + "\"KafkaBatchInfo\":{\"batchSize\":2,\"bootstrapServers\":\"broker-1:9092,broker-2:9092\",\"payloadSize\":" + event.length() + ","
                    + "\"recordsInfo\":{\"orders-0\":{\"firstRecordOffset\":\"0\",\"lastRecordOffset\":\"1\","
                    + "\"firstRecordTimestamp\":\"2024-05-01T10:00:00.000Z\",\"lastRecordTimestamp\":\"2024-05-01T10:00:00.000Z\"}}}}");
        });
    }

    @Test
    void kafkaRecordTooLargeForAnEventIsGivenUpWithoutInvocation()
    {
        ShardHarness shard = new ShardHarness(MappingBuilder.kafka().onFailure(QUEUE));
        shard.add("k", "x".repeat(5_000_000));
        shard.clock.advance(Duration.ofMillis(500));
        shard.drain();
        assertThat(shard.invoker.calls()).isEmpty();
        JsonNode document = Json.parse(shard.destinations.published().get(0).value().getBytes()).orElseThrow();
        assertThat(document.path("requestContext").path("condition").asText()).isEqualTo("MaximumPayloadSizeExceeded");
        assertThat(document.get("responseContext").isNull()).isTrue();
        assertThat(shard.position()).isEqualTo(1);
    }

    @Test
    void kafkaReportBatchItemFailuresNamesOffsets()
    {
        ShardHarness shard = new ShardHarness(MappingBuilder.kafka().reportBatchItemFailures());
        shard.invoker.answering((call, number) -> number == 1 ? "{\"batchItemFailures\":[{\"itemIdentifier\":\"1\"}]}" : "{}");
        shard.add("k", "a", "k", "b", "k", "c");
        shard.clock.advance(Duration.ofMillis(500));
        shard.drain();
        assertThat(shard.position()).isEqualTo(1);
        shard.runFor(Duration.ofSeconds(5));
        assertThat(shard.invoker.calls()).extracting(call -> call.event().path("records").path("orders-0").size()).containsExactly(3, 2);
        assertThat(shard.position()).isEqualTo(3);
    }

    private static String base64(String text)
    {
        return java.util.Base64.getEncoder().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
