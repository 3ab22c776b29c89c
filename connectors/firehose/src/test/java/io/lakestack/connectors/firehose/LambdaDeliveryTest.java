package io.lakestack.connectors.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.spi.kinesis.SequenceNumber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** A buffer with a Lambda processor, from source records to the objects written: transformed data, and Firehose's error documents. */
class LambdaDeliveryTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FUNCTION = "arn:aws:lambda:us-east-1:000000000000:function:upper";
    private static final String STREAM = "arn:aws:firehose:us-east-1:000000000000:deliverystream/orders";
    private static final long ENDED = 1_700_000_000_999L;
    // 2023-11-14T22:13:20Z
    private static final long ARRIVAL = 1_700_000_000_000L;

    @TempDir
    Path directory;

    private final Map<String, String> written = new TreeMap<>();
    private final List<JsonNode> events = new ArrayList<>();

    private final ObjectSink sink = (bucket, key, file, contentType) -> written.put(bucket + "/" + key, Files.readString(file));

    /** Upper case; {@code drop} dropped; {@code fail} failed. */
    private LambdaInvoker.Response upperCase(byte[] payload)
    {
        try {
            JsonNode event = JSON.readTree(payload);
            events.add(event);
            ObjectNode answer = JSON.createObjectNode();
            ArrayNode records = answer.putArray("records");
            for (JsonNode record : event.path("records")) {
                String data = new String(Base64.getDecoder().decode(record.path("data").asText()), StandardCharsets.UTF_8);
                String result = data.contains("drop") ? "Dropped" : data.contains("fail") ? "ProcessingFailed" : "Ok";
                records.addObject().put("recordId", record.path("recordId").asText()).put("result", result)
                        .put("data", Base64.getEncoder().encodeToString(data.toUpperCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8)));
            }
            return new LambdaInvoker.Response(Optional.empty(), JSON.writeValueAsBytes(answer));
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Answers each record with {@code bytes} bytes of data. */
    private LambdaInvoker answering(int bytes)
    {
        return (arn, payload) -> {
            try {
                JsonNode event = JSON.readTree(payload);
                events.add(event);
                ObjectNode answer = JSON.createObjectNode();
                ArrayNode records = answer.putArray("records");
                for (JsonNode record : event.path("records")) {
                    records.addObject().put("recordId", record.path("recordId").asText()).put("result", "Ok")
                            .put("data", Base64.getEncoder().encodeToString("y".repeat(bytes).getBytes(StandardCharsets.UTF_8)));
                }
                return new LambdaInvoker.Response(Optional.empty(), JSON.writeValueAsBytes(answer));
            }
            catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
    }

    /** With the Lambda processor's defaults (1 MB, 60 s) and the destination's (5 MB, 300 s). */
    private PartitionDelivery delivery(LambdaInvoker invoker)
            throws Exception
    {
        return delivery(invoker, "", "");
    }

    /**
     * @param lambdaParameters more parameters of the Lambda processor, each followed by a comma
     * @param hints the destination's {@code BufferingHints}, followed by a comma, or nothing
     */
    private PartitionDelivery delivery(LambdaInvoker invoker, String lambdaParameters, String hints)
            throws Exception
    {
        S3Destination destination = S3Destination.parse(JSON.readTree("""
                {"BucketARN": "arn:aws:s3:::out", "RoleARN": "arn:aws:iam::000000000000:role/firehose", "Prefix": "data/",
                 "ErrorOutputPrefix": "errors/!{firehose:error-output-type}/", %s
                 "ProcessingConfiguration": {"Enabled": true, "Processors": [
                   {"Type": "Lambda", "Parameters": [%s {"ParameterName": "LambdaArn", "ParameterValue": "%s"},
                                                     {"ParameterName": "NumberOfRetries", "ParameterValue": "1"}]},
                   {"Type": "AppendDelimiterToRecord"}]}}
                """.formatted(hints, lambdaParameters, FUNCTION)));
        DeliveryStreamSettings settings = new DeliveryStreamSettings("orders", STREAM, 1, "source", "group", 0, destination);
        LambdaTransformer transformer = new LambdaTransformer(destination.lambda().orElseThrow(), invoker, STREAM, millis -> {}, () -> ENDED,
                () -> "invocation");
        return new PartitionDelivery(settings, directory, Optional.empty(), (database, table, version) -> List.of(), Optional.of(transformer));
    }

    private static String id(long offset)
    {
        return new SequenceNumber(0, 0, offset).toString();
    }

    private static String base64(String text)
    {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String parameter(String name, String value)
    {
        return "{\"ParameterName\": \"" + name + "\", \"ParameterValue\": \"" + value + "\"},";
    }

    private static SourceRecord record(long offset, String data)
    {
        return new SourceRecord(0, offset, ARRIVAL + offset, data.getBytes(StandardCharsets.UTF_8));
    }

    /** The record ids of each invocation so far. */
    private List<List<String>> invocations()
    {
        return events.stream().map(event -> {
            List<String> ids = new ArrayList<>();
            event.path("records").forEach(record -> ids.add(record.path("recordId").asText()));
            return ids;
        }).toList();
    }

    @Test
    void theFunctionGetsWhatItsBufferHeldWhenBufferIntervalInSecondsPassesAndTheObjectWaitsForTheDestinationsInterval()
            throws Exception
    {
        PartitionDelivery delivery = delivery((arn, payload) -> upperCase(payload), parameter("BufferIntervalInSeconds", "10"),
                "\"BufferingHints\": {\"SizeInMBs\": 5, \"IntervalInSeconds\": 60},");
        delivery.add(record(0, "order 0"), ARRIVAL);
        delivery.add(record(1, "order 1"), ARRIVAL + 3_000);
        assertThat(delivery.dueAtMillis()).isEqualTo(ARRIVAL + 10_000);

        delivery.transformIfDue(ARRIVAL + 9_999);
        assertThat(events).isEmpty();
        delivery.transformIfDue(ARRIVAL + 10_000);
        assertThat(invocations()).containsExactly(List.of(id(0), id(1)));
        // the destination's interval starts when the transformed records come into its buffer
        assertThat(delivery.due(ARRIVAL + 10_000)).isFalse();
        assertThat(delivery.dueAtMillis()).isEqualTo(ARRIVAL + 70_000);

        delivery.add(record(2, "order 2"), ARRIVAL + 20_000);
        delivery.add(record(3, "order 3"), ARRIVAL + 25_000);
        delivery.transformIfDue(ARRIVAL + 29_999);
        assertThat(invocations()).hasSize(1);
        delivery.transformIfDue(ARRIVAL + 30_000);
        assertThat(invocations()).containsExactly(List.of(id(0), id(1)), List.of(id(2), id(3)));
        delivery.add(record(4, "order 4"), ARRIVAL + 65_000);
        delivery.transformIfDue(ARRIVAL + 69_999);
        assertThat(delivery.due(ARRIVAL + 69_999)).isFalse();
        assertThat(written).isEmpty();
        assertThat(delivery.dueAtMillis()).isEqualTo(ARRIVAL + 70_000);

        delivery.transformIfDue(ARRIVAL + 70_000);
        assertThat(delivery.due(ARRIVAL + 70_000)).isTrue();
        PartitionDelivery.Delivery first = delivery.deliver(sink);

        // the record still in the Lambda buffer is neither delivered nor committed: it waits for its own interval
        assertThat(invocations()).hasSize(2);
        assertThat(first.sourceRecords()).isEqualTo(4);
        assertThat(first.nextOffset()).isEqualTo(4);
        assertThat(first.objects()).extracting(DeliveredObject::kind, DeliveredObject::records).containsExactly(org.assertj.core.groups.Tuple.tuple("data", 4L));
        assertThat(written.values()).containsExactly("ORDER 0\nORDER 1\nORDER 2\nORDER 3\n");
        assertThat(delivery.isEmpty()).isFalse();
        assertThat(delivery.records()).isEqualTo(1);
        assertThat(delivery.due(ARRIVAL + 74_999)).isFalse();
        assertThat(delivery.dueAtMillis()).isEqualTo(ARRIVAL + 75_000);

        delivery.transformIfDue(ARRIVAL + 75_000);
        assertThat(invocations()).containsExactly(List.of(id(0), id(1)), List.of(id(2), id(3)), List.of(id(4)));
        assertThat(delivery.due(ARRIVAL + 134_999)).isFalse();
        assertThat(delivery.dueAtMillis()).isEqualTo(ARRIVAL + 135_000);
        PartitionDelivery.Delivery second = delivery.deliver(sink);

        assertThat(second.sourceRecords()).isEqualTo(1);
        assertThat(second.nextOffset()).isEqualTo(5);
        assertThat(written.values()).containsExactlyInAnyOrder("ORDER 0\nORDER 1\nORDER 2\nORDER 3\n", "ORDER 4\n");
        assertThat(delivery.isEmpty()).isTrue();
        assertThat(delivery.dueAtMillis()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void theFunctionGetsItsBufferWhenItHoldsBufferSizeInMBsBeforeTheInterval()
            throws Exception
    {
        // 0.2 MB is 209,715 bytes: two records of 100,000 fit, a third would take the buffer over
        PartitionDelivery delivery = delivery((arn, payload) -> upperCase(payload), parameter("BufferSizeInMBs", "0.2"), "");
        delivery.add(record(0, "x".repeat(100_000)), ARRIVAL);
        delivery.add(record(1, "x".repeat(100_000)), ARRIVAL + 1);
        assertThat(events).isEmpty();

        delivery.add(record(2, "x".repeat(100_000)), ARRIVAL + 2);
        assertThat(invocations()).containsExactly(List.of(id(0), id(1)));
        assertThat(delivery.dueAtMillis()).isEqualTo(ARRIVAL + 60_002);

        // these fill it exactly
        delivery.add(record(3, "x".repeat(109_715)), ARRIVAL + 3);
        assertThat(invocations()).containsExactly(List.of(id(0), id(1)), List.of(id(2), id(3)));
        assertThat(delivery.dueAtMillis()).isEqualTo(ARRIVAL + 300_002);
        assertThat(delivery.due(ARRIVAL + 300_001)).isFalse();
        assertThat(delivery.due(ARRIVAL + 300_002)).isTrue();

        PartitionDelivery.Delivery delivered = delivery.deliver(sink);

        assertThat(delivered.nextOffset()).isEqualTo(4);
        assertThat(written.values()).containsExactly(("X".repeat(100_000) + "\n").repeat(3) + "X".repeat(109_715) + "\n");
    }

    @Test
    void theDestinationsSizeInMBsCountsTheDataTheFunctionAnswered()
            throws Exception
    {
        // 1 MB is 1,048,576 bytes; the function answers 600,000 for each record of 7
        PartitionDelivery growing = delivery(answering(600_000), parameter("BufferIntervalInSeconds", "0"),
                "\"BufferingHints\": {\"SizeInMBs\": 1, \"IntervalInSeconds\": 900},");
        growing.add(record(0, "order 0"), ARRIVAL);
        growing.transformIfDue(ARRIVAL);
        assertThat(growing.due(ARRIVAL)).isFalse();
        growing.add(record(1, "order 1"), ARRIVAL);
        growing.transformIfDue(ARRIVAL);
        assertThat(growing.due(ARRIVAL)).isTrue();
        assertThat(invocations()).containsExactly(List.of(id(0)), List.of(id(1)));
        assertThat(growing.deliver(sink).nextOffset()).isEqualTo(2);
        assertThat(written.values()).containsExactly(("y".repeat(600_000) + "\n").repeat(2));

        // records of 600,000 bytes the function answers with 2 bytes each: 1.2 MB came, 4 bytes are buffered
        events.clear();
        written.clear();
        PartitionDelivery shrinking = delivery(answering(2), parameter("BufferIntervalInSeconds", "0"),
                "\"BufferingHints\": {\"SizeInMBs\": 1, \"IntervalInSeconds\": 900},");
        shrinking.add(record(0, "x".repeat(600_000)), ARRIVAL);
        shrinking.add(record(1, "x".repeat(600_000)), ARRIVAL);
        shrinking.transformIfDue(ARRIVAL);
        assertThat(invocations()).containsExactly(List.of(id(0)), List.of(id(1)));
        assertThat(shrinking.due(ARRIVAL + 899_999)).isFalse();
        assertThat(shrinking.due(ARRIVAL + 900_000)).isTrue();
        assertThat(shrinking.deliver(sink).nextOffset()).isEqualTo(2);
        assertThat(written.values()).containsExactly("yy\nyy\n");
    }

    @Test
    void okRecordsGoOnThroughThePipelineDroppedOnesAreGoneFailedOnesAreErrorDocuments()
            throws Exception
    {
        PartitionDelivery delivery = delivery((arn, payload) -> upperCase(payload));
        String[] records = {"order 1", "drop 2", "fail 3", "order 4", "fail 5"};
        for (int offset = 0; offset < records.length; offset++) {
            delivery.add(new SourceRecord(0, offset, ARRIVAL + offset, records[offset].getBytes(StandardCharsets.UTF_8)), ARRIVAL);
        }
        delivery.transformIfDue(ARRIVAL + 60_000);

        PartitionDelivery.Delivery delivered = delivery.deliver(sink);

        assertThat(events).hasSize(1);
        assertThat(events.get(0).path("records")).extracting(record -> record.path("recordId").asText())
                .containsExactly(id(0), id(1), id(2), id(3), id(4));
        assertThat(delivered.sourceRecords()).isEqualTo(5);
        assertThat(delivered.droppedRecords()).isEqualTo(1);
        assertThat(delivered.nextOffset()).isEqualTo(5);
        assertThat(delivered.objects()).extracting(DeliveredObject::kind, DeliveredObject::records)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("data", 2L), org.assertj.core.groups.Tuple.tuple("error/processing-failed", 2L));
        assertThat(written.keySet()).hasSize(2);
        String dataKey = written.keySet().stream().filter(key -> key.startsWith("out/data/")).findFirst().orElseThrow();
        assertThat(dataKey).matches("out/data/2023/11/14/22/orders-1-2023-11-14-22-13-20-[0-9a-f-]{36}");
        assertThat(written.get(dataKey)).isEqualTo("ORDER 1\nORDER 4\n");
        String errorKey = written.keySet().stream().filter(key -> key.startsWith("out/errors/")).findFirst().orElseThrow();
        assertThat(errorKey).matches("out/errors/processing-failed/orders-1-2023-11-14-22-13-20-[0-9a-f-]{36}");
        assertThat(written.get(errorKey)).isEqualTo(
                "{\"attemptsMade\":1,\"arrivalTimestamp\":1700000000002,\"errorCode\":\"Lambda.ProcessingFailedStatus\",\"errorMessage\":\"ProcessingFailed status "
                        + "set for record\",\"attemptEndingTimestamp\":" + ENDED + ",\"rawData\":\"" + base64("fail 3") + "\",\"lambdaArn\":\"" + FUNCTION + "\"}\n"
                        + "{\"attemptsMade\":1,\"arrivalTimestamp\":1700000000004,\"errorCode\":\"Lambda.ProcessingFailedStatus\",\"errorMessage\":\"ProcessingFailed "
                        + "status set for record\",\"attemptEndingTimestamp\":" + ENDED + ",\"rawData\":\"" + base64("fail 5") + "\",\"lambdaArn\":\"" + FUNCTION
                        + "\"}\n");
    }

    @Test
    void aBatchTheFunctionCannotTakeGoesWholeToTheErrorOutputAfterTheRetries()
            throws Exception
    {
        List<String> calls = new ArrayList<>();
        PartitionDelivery delivery = delivery((arn, payload) -> {
            calls.add(arn);
            throw new LambdaInvoker.InvokeFailure("Lambda.ResourceNotFound", "Function not found: " + arn);
        });
        delivery.add(new SourceRecord(0, 7, ARRIVAL, "a".getBytes(StandardCharsets.UTF_8)), ARRIVAL);
        delivery.add(new SourceRecord(0, 8, ARRIVAL + 1, "b".getBytes(StandardCharsets.UTF_8)), ARRIVAL);
        // a stopping delivery sends what waits to the function without waiting for the interval
        delivery.transformWaiting(ARRIVAL);

        PartitionDelivery.Delivery delivered = delivery.deliver(sink);

        assertThat(calls).containsExactly(FUNCTION, FUNCTION);
        assertThat(delivered.objects()).extracting(DeliveredObject::kind).containsExactly("error/processing-failed");
        assertThat(delivered.nextOffset()).isEqualTo(9);
        assertThat(written.values()).containsExactly(
                "{\"attemptsMade\":2,\"arrivalTimestamp\":" + ARRIVAL + ",\"errorCode\":\"Lambda.ResourceNotFound\",\"errorMessage\":\"Function not found: "
                        + FUNCTION + "\",\"attemptEndingTimestamp\":" + ENDED + ",\"rawData\":\"YQ==\",\"lambdaArn\":\"" + FUNCTION + "\"}\n"
                        + "{\"attemptsMade\":2,\"arrivalTimestamp\":" + (ARRIVAL + 1) + ",\"errorCode\":\"Lambda.ResourceNotFound\",\"errorMessage\":\"Function "
                        + "not found: " + FUNCTION + "\",\"attemptEndingTimestamp\":" + ENDED + ",\"rawData\":\"Yg==\",\"lambdaArn\":\"" + FUNCTION + "\"}\n");
    }
}
