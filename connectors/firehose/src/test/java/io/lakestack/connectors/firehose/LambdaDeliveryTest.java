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

    private PartitionDelivery delivery(LambdaInvoker invoker)
            throws Exception
    {
        S3Destination destination = S3Destination.parse(JSON.readTree("""
                {"BucketARN": "arn:aws:s3:::out", "RoleARN": "arn:aws:iam::000000000000:role/firehose", "Prefix": "data/",
                 "ErrorOutputPrefix": "errors/!{firehose:error-output-type}/",
                 "ProcessingConfiguration": {"Enabled": true, "Processors": [
                   {"Type": "Lambda", "Parameters": [{"ParameterName": "LambdaArn", "ParameterValue": "%s"},
                                                     {"ParameterName": "NumberOfRetries", "ParameterValue": "1"}]},
                   {"Type": "AppendDelimiterToRecord"}]}}
                """.formatted(FUNCTION)));
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

    @Test
    void okRecordsGoOnThroughThePipelineDroppedOnesAreGoneFailedOnesAreErrorDocuments()
            throws Exception
    {
        PartitionDelivery delivery = delivery((arn, payload) -> upperCase(payload));
        String[] records = {"order 1", "drop 2", "fail 3", "order 4", "fail 5"};
        for (int offset = 0; offset < records.length; offset++) {
            delivery.add(new SourceRecord(0, offset, ARRIVAL + offset, records[offset].getBytes(StandardCharsets.UTF_8)), ARRIVAL);
        }

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
