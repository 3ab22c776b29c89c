package io.lakestack.connectors.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class LambdaTransformerTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FUNCTION = "arn:aws:lambda:eu-west-1:123456789012:function:transform";
    private static final String STREAM = "arn:aws:firehose:eu-west-1:123456789012:deliverystream/orders";
    private static final long NOW = 1_700_000_000_123L;

    private final List<String> payloads = new ArrayList<>();
    private final List<Long> pauses = new ArrayList<>();

    /** A function as a Firehose transformation is written: upper case, {@code drop} dropped, {@code fail} failed. */
    private static byte[] transform(JsonNode event)
    {
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode records = answer.putArray("records");
        for (JsonNode record : event.path("records")) {
            String data = new String(Base64.getDecoder().decode(record.path("data").asText()), StandardCharsets.UTF_8);
            ObjectNode result = records.addObject().put("recordId", record.path("recordId").asText());
            if (data.contains("drop")) {
                result.put("result", "Dropped");
            }
            else if (data.contains("fail")) {
                result.put("result", "ProcessingFailed").put("data", record.path("data").asText());
            }
            else {
                result.put("result", "Ok").put("data", Base64.getEncoder().encodeToString(data.toUpperCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8)));
            }
        }
        return bytes(answer);
    }

    private static byte[] bytes(JsonNode json)
    {
        try {
            return JSON.writeValueAsBytes(json);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private LambdaTransformer transformer(int retries, long bufferBytes, LambdaInvoker function)
    {
        AtomicInteger invocations = new AtomicInteger();
        LambdaInvoker recording = (arn, payload) -> {
            assertThat(arn).isEqualTo(FUNCTION);
            payloads.add(new String(payload, StandardCharsets.UTF_8));
            return function.invoke(arn, payload);
        };
        return new LambdaTransformer(new S3Destination.LambdaProcessor(FUNCTION, retries, bufferBytes, 60_000, Optional.empty()), recording, STREAM,
                pauses::add, () -> NOW, () -> "invocation-" + invocations.incrementAndGet());
    }

    private static LambdaInvoker answering(Function<JsonNode, byte[]> function)
    {
        return (arn, payload) -> {
            try {
                return new LambdaInvoker.Response(Optional.empty(), function.apply(JSON.readTree(payload)));
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    private static LambdaTransformer.Input input(String id, long arrival, String data)
    {
        return new LambdaTransformer.Input(id, arrival, data.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> described(List<LambdaTransformer.Outcome> outcomes)
    {
        return outcomes.stream().map(outcome -> {
            if (outcome instanceof LambdaTransformer.Ok ok) {
                return "Ok " + new String(ok.data(), StandardCharsets.UTF_8);
            }
            if (outcome instanceof LambdaTransformer.Failed failed) {
                return "Failed " + failed.errorCode() + " | " + failed.errorMessage() + " | attempts " + failed.attemptsMade() + " | ended "
                        + failed.attemptEndingMillis();
            }
            return "Dropped";
        }).toList();
    }

    @Test
    void sendsFirehosesEventAndTakesEachRecordsResult()
            throws Exception
    {
        LambdaTransformer transformer = transformer(3, 1024 * 1024, answering(LambdaTransformerTest::transform));

        List<LambdaTransformer.Outcome> outcomes = transformer.transform(List.of(input("r1", 1000, "order 1"), input("r2", 1001, "drop me"),
                input("r3", 1002, "fail me"), input("r4", 1003, "order 4")));

        assertThat(payloads).containsExactly("{\"invocationId\":\"invocation-1\",\"deliveryStreamArn\":\"" + STREAM + "\",\"region\":\"eu-west-1\","
                + "\"records\":[{\"recordId\":\"r1\",\"approximateArrivalTimestamp\":1000,\"data\":\"b3JkZXIgMQ==\"},"
                + "{\"recordId\":\"r2\",\"approximateArrivalTimestamp\":1001,\"data\":\"ZHJvcCBtZQ==\"},"
                + "{\"recordId\":\"r3\",\"approximateArrivalTimestamp\":1002,\"data\":\"ZmFpbCBtZQ==\"},"
                + "{\"recordId\":\"r4\",\"approximateArrivalTimestamp\":1003,\"data\":\"b3JkZXIgNA==\"}]}");
        assertThat(described(outcomes)).containsExactly(
                "Ok ORDER 1",
                "Dropped",
                "Failed Lambda.ProcessingFailedStatus | ProcessingFailed status set for record | attempts 1 | ended " + NOW,
                "Ok ORDER 4");
        assertThat(pauses).isEmpty();
    }

    @Test
    void batchesHoldAtMostBufferSizeInMBsOfData()
            throws Exception
    {
        // 0.2 MB: two records of 100,000 bytes fit, a third does not
        LambdaTransformer transformer = transformer(3, 209_715, answering(LambdaTransformerTest::transform));
        String data = "x".repeat(100_000);
        List<LambdaTransformer.Input> inputs = IntStream.range(0, 5).mapToObj(i -> input("r" + i, 1000 + i, data)).toList();

        List<LambdaTransformer.Outcome> outcomes = transformer.transform(inputs);

        List<List<String>> invoked = payloads.stream().map(payload -> {
            try {
                List<String> ids = new ArrayList<>();
                JSON.readTree(payload).path("records").forEach(record -> ids.add(record.path("recordId").asText()));
                return ids;
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
        assertThat(invoked).containsExactly(List.of("r0", "r1"), List.of("r2", "r3"), List.of("r4"));
        assertThat(described(outcomes)).containsExactly(IntStream.range(0, 5).mapToObj(i -> "Ok " + "X".repeat(100_000)).toArray(String[]::new));
        assertThat(transformer.full(200_000, 300_000)).isFalse();
        assertThat(transformer.full(209_715, 300_000)).isTrue();
        assertThat(transformer.over(209_715, 300_000)).isFalse();
        assertThat(transformer.over(209_716, 300_000)).isTrue();
    }

    @Test
    void batchesStayWithinLambdasSixMegabytePayload()
    {
        LambdaTransformer transformer = transformer(3, 3 * 1024 * 1024, answering(LambdaTransformerTest::transform));
        // each record counts 4 bytes of base64, 6 of id and 160 of JSON around them: 37,005 of them and the event's 512 fit in 6 MiB
        List<LambdaTransformer.Input> inputs = IntStream.range(0, 40_000).mapToObj(i -> input(String.format("r%05d", i), i, "a")).toList();

        assertThat(transformer.batches(inputs)).extracting(List::size).containsExactly(37_005, 2_995);
        assertThat(transformer.full(37_005, 37_005 * 170L)).isFalse();
        assertThat(transformer.full(37_006, 37_006 * 170L)).isTrue();
        assertThat(transformer.over(37_005, 37_005 * 170L)).isFalse();
        assertThat(transformer.over(37_006, 37_006 * 170L)).isTrue();
    }

    @Test
    void aFunctionErrorIsRetriedNumberOfRetriesTimesThenTheWholeBatchFails()
            throws Exception
    {
        LambdaTransformer transformer = transformer(2, 1024 * 1024, (arn, payload) -> new LambdaInvoker.Response(Optional.of("Unhandled"),
                "{\"errorMessage\": \"boom\", \"errorType\": \"ValueError\", \"stackTrace\": []}".getBytes(StandardCharsets.UTF_8)));

        List<LambdaTransformer.Outcome> outcomes = transformer.transform(List.of(input("r1", 1000, "a"), input("r2", 1001, "b")));

        assertThat(payloads).hasSize(3);
        assertThat(payloads).extracting(payload -> payload.substring(0, payload.indexOf(',')))
                .containsExactly("{\"invocationId\":\"invocation-1\"", "{\"invocationId\":\"invocation-2\"", "{\"invocationId\":\"invocation-3\"");
        assertThat(pauses).containsExactly(500L, 1000L);
        String failed = "Failed Lambda.FunctionError | The Lambda function was successfully invoked but it returned an error result. ValueError: boom | "
                + "attempts 3 | ended " + NOW;
        assertThat(described(outcomes)).containsExactly(failed, failed);
    }

    @Test
    void anInvocationThatFailsIsRetriedAndCountsInAttemptsMade()
            throws Exception
    {
        AtomicInteger calls = new AtomicInteger();
        LambdaInvoker throttledOnce = (arn, payload) -> {
            if (calls.incrementAndGet() == 1) {
                throw new LambdaInvoker.InvokeFailure("Lambda.InvokeLimitExceeded", "Rate exceeded");
            }
            return answering(LambdaTransformerTest::transform).invoke(arn, payload);
        };
        LambdaTransformer transformer = transformer(3, 1024 * 1024, throttledOnce);

        List<LambdaTransformer.Outcome> outcomes = transformer.transform(List.of(input("r1", 1000, "a"), input("r2", 1001, "fail")));

        assertThat(payloads).hasSize(2);
        assertThat(pauses).containsExactly(500L);
        assertThat(described(outcomes)).containsExactly("Ok A",
                "Failed Lambda.ProcessingFailedStatus | ProcessingFailed status set for record | attempts 2 | ended " + NOW);
    }

    @Test
    void aMissingFunctionFailsTheBatchOnceRetriesAreSpent()
            throws Exception
    {
        LambdaTransformer transformer = transformer(0, 1024 * 1024, (arn, payload) -> {
            throw new LambdaInvoker.InvokeFailure("Lambda.ResourceNotFound", "Function not found: " + arn);
        });

        List<LambdaTransformer.Outcome> outcomes = transformer.transform(List.of(input("r1", 1000, "a")));

        assertThat(payloads).hasSize(1);
        assertThat(pauses).isEmpty();
        assertThat(described(outcomes)).containsExactly("Failed Lambda.ResourceNotFound | Function not found: " + FUNCTION + " | attempts 1 | ended " + NOW);
    }

    @Test
    void answersOutsideTheStatusModelFailTheirRecords()
            throws Exception
    {
        String ok = Base64.getEncoder().encodeToString("fine".getBytes(StandardCharsets.UTF_8));
        LambdaTransformer transformer = transformer(3, 1024 * 1024, answering(event -> ("{\"records\": ["
                + "{\"recordId\": \"r1\", \"result\": \"Ok\", \"data\": \"" + ok + "\"},"
                + "{\"recordId\": \"r2\", \"result\": \"Ok\", \"data\": \"" + ok + "\"},"
                + "{\"recordId\": \"r2\", \"result\": \"Dropped\"},"
                + "{\"recordId\": \"r4\", \"result\": \"Ok\"},"
                + "{\"recordId\": \"r5\", \"result\": \"Maybe\", \"data\": \"" + ok + "\"},"
                + "{\"recordId\": \"r6\", \"result\": \"Ok\", \"data\": \"not base64!\"},"
                + "{\"recordId\": \"other\", \"result\": \"Ok\", \"data\": \"" + ok + "\"}]}").getBytes(StandardCharsets.UTF_8)));

        List<LambdaTransformer.Outcome> outcomes = transformer.transform(List.of(input("r1", 1, "a"), input("r2", 2, "b"), input("r3", 3, "c"),
                input("r4", 4, "d"), input("r5", 5, "e"), input("r6", 6, "f")));

        assertThat(described(outcomes)).containsExactly(
                "Ok fine",
                "Failed Lambda.DuplicatedRecordId | Multiple records were returned with the same record Id. Ensure that the Lambda function returns a "
                        + "unique record Id for each record. | attempts 1 | ended " + NOW,
                "Failed Lambda.MissingRecordId | One or more record Ids were not returned. Ensure that the Lambda function returns all received record Ids. "
                        + "| attempts 1 | ended " + NOW,
                "Failed Lambda.JsonProcessingException | The data field cannot be null when the processing result is Ok. | attempts 1 | ended " + NOW,
                "Failed Lambda.JsonProcessingException | The result of a record must be Ok, Dropped or ProcessingFailed, not 'Maybe'. | attempts 1 | ended "
                        + NOW,
                "Failed Lambda.JsonProcessingException | The data field of a record must be base64: Illegal base64 character 20 | attempts 1 | ended " + NOW);
    }

    @Test
    void anAnswerWithoutRecordsFailsTheWholeBatchWithoutRetrying()
            throws Exception
    {
        LambdaTransformer transformer = transformer(3, 1024 * 1024, answering(event -> "\"done\"".getBytes(StandardCharsets.UTF_8)));

        List<LambdaTransformer.Outcome> outcomes = transformer.transform(List.of(input("r1", 1, "a"), input("r2", 2, "b")));

        assertThat(payloads).hasSize(1);
        String failed = "Failed Lambda.JsonProcessingException | There was an error parsing returned records from the Lambda function. Ensure that the "
                + "returned records follow the status model required by Firehose: {\"records\": [{\"recordId\", \"result\", \"data\"}]}. | attempts 1 | ended "
                + NOW;
        assertThat(described(outcomes)).containsExactly(failed, failed);
    }
}
