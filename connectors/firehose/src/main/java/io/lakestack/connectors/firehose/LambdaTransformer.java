package io.lakestack.connectors.firehose;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Firehose's data transformation with Lambda: records go to the function in batches, synchronously, as
 * {@code {"invocationId", "deliveryStreamArn", "region", "records": [{"recordId", "approximateArrivalTimestamp",
 * "data"}]}}; the function answers each record once with {@code Ok} (and its new data), {@code Dropped} or
 * {@code ProcessingFailed}. An invocation that fails (or that the function answers with an error) is tried again
 * {@code NumberOfRetries} times; then all of its records fail.
 */
final class LambdaTransformer
{
    /** Lambda's bound on a synchronous invocation's payload. */
    static final long MAX_PAYLOAD_BYTES = 6L * 1024 * 1024;
    static final String FUNCTION_ERROR = "Lambda.FunctionError";
    static final String PROCESSING_FAILED_STATUS = "Lambda.ProcessingFailedStatus";
    static final String MISSING_RECORD_ID = "Lambda.MissingRecordId";
    static final String DUPLICATED_RECORD_ID = "Lambda.DuplicatedRecordId";
    static final String JSON_PROCESSING = "Lambda.JsonProcessingException";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long FIRST_PAUSE_MILLIS = 500;
    private static final long MAX_PAUSE_MILLIS = 8_000;
    /** The bytes of a record in the payload besides its base64 data: its id, its arrival time, the field names. */
    private static final int RECORD_OVERHEAD = 160;
    private static final int EVENT_OVERHEAD = 512;

    /** Waits between attempts; an {@link InterruptedException} stops the transformation with nothing settled. */
    interface Pause
    {
        void pause(long millis)
                throws InterruptedException;
    }

    private final S3Destination.LambdaProcessor processor;
    private final LambdaInvoker invoker;
    private final String streamArn;
    private final String region;
    private final Pause pause;
    private final LongSupplier clock;
    private final Supplier<String> invocationIds;

    LambdaTransformer(S3Destination.LambdaProcessor processor, LambdaInvoker invoker, String streamArn, Pause pause, LongSupplier clock,
            Supplier<String> invocationIds)
    {
        this.processor = requireNonNull(processor, "processor is null");
        this.invoker = requireNonNull(invoker, "invoker is null");
        this.streamArn = requireNonNull(streamArn, "streamArn is null");
        String[] parts = streamArn.split(":", 6);
        this.region = parts.length > 3 ? parts[3] : "";
        this.pause = requireNonNull(pause, "pause is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.invocationIds = requireNonNull(invocationIds, "invocationIds is null");
    }

    S3Destination.LambdaProcessor processor()
    {
        return processor;
    }

    /** A record on its way to the function. */
    record Input(String recordId, long arrivalMillis, byte[] data)
    {
        Input
        {
            requireNonNull(recordId, "recordId is null");
            requireNonNull(data, "data is null");
        }

        long payloadBytes()
        {
            return (data.length + 2L) / 3 * 4 + recordId.length() + RECORD_OVERHEAD;
        }
    }

    /** What became of a record. */
    sealed interface Outcome
            permits Ok, Dropped, Failed
    {
    }

    /** The function transformed the record into {@code data}. */
    record Ok(byte[] data)
            implements Outcome
    {
    }

    /** The function dropped the record. */
    record Dropped()
            implements Outcome
    {
    }

    /**
     * The record goes to the error output.
     *
     * @param attemptsMade the invocations made for it
     * @param attemptEndingMillis when the delivery stopped invoking for it
     */
    record Failed(String errorCode, String errorMessage, int attemptsMade, long attemptEndingMillis)
            implements Outcome
    {
    }

    /** Whether records of this many data bytes make a batch the function is to get now. */
    boolean full(long dataBytes, long payloadBytes)
    {
        return dataBytes >= processor.bufferBytes() || payloadBytes + EVENT_OVERHEAD >= MAX_PAYLOAD_BYTES;
    }

    /**
     * Whether records of this many data bytes are more than one invocation takes ({@code BufferSizeInMBs}, Lambda's
     * payload): the buffer goes to the function before the record that would take it over joins it.
     */
    boolean over(long dataBytes, long payloadBytes)
    {
        return dataBytes > processor.bufferBytes() || payloadBytes + EVENT_OVERHEAD > MAX_PAYLOAD_BYTES;
    }

    /** The invocations the records make: in order, each within {@code BufferSizeInMBs} of data and the 6 MB payload (a larger record alone). */
    List<List<Input>> batches(List<Input> inputs)
    {
        List<List<Input>> batches = new ArrayList<>();
        List<Input> current = new ArrayList<>();
        long dataBytes = 0;
        long payloadBytes = EVENT_OVERHEAD;
        for (Input input : inputs) {
            if (!current.isEmpty() && (dataBytes + input.data().length > processor.bufferBytes() || payloadBytes + input.payloadBytes() > MAX_PAYLOAD_BYTES)) {
                batches.add(current);
                current = new ArrayList<>();
                dataBytes = 0;
                payloadBytes = EVENT_OVERHEAD;
            }
            current.add(input);
            dataBytes += input.data().length;
            payloadBytes += input.payloadBytes();
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }

    /**
     * Transforms the records, one invocation per batch; the outcomes are in the order of the records.
     *
     * @throws InterruptedException when the delivery stops while waiting to try again: nothing is settled, the records
     *         are read again
     */
    List<Outcome> transform(List<Input> inputs)
            throws InterruptedException
    {
        List<Outcome> outcomes = new ArrayList<>(inputs.size());
        for (List<Input> batch : batches(inputs)) {
            outcomes.addAll(invoke(batch));
        }
        return outcomes;
    }

    private List<Outcome> invoke(List<Input> batch)
            throws InterruptedException
    {
        int attempts = 0;
        long pauseMillis = FIRST_PAUSE_MILLIS;
        while (true) {
            attempts++;
            String code;
            String message;
            try {
                LambdaInvoker.Response response = invoker.invoke(processor.functionArn(), event(batch));
                if (response.functionError().isEmpty()) {
                    return answer(batch, response.payload(), attempts);
                }
                code = FUNCTION_ERROR;
                message = "The Lambda function was successfully invoked but it returned an error result." + functionError(response.payload());
            }
            catch (LambdaInvoker.InvokeFailure e) {
                code = e.errorCode();
                message = e.getMessage();
            }
            if (attempts > processor.numberOfRetries()) {
                long ending = clock.getAsLong();
                Failed failed = new Failed(code, message, attempts, ending);
                List<Outcome> outcomes = new ArrayList<>(batch.size());
                batch.forEach(input -> outcomes.add(failed));
                return outcomes;
            }
            pause.pause(pauseMillis);
            pauseMillis = Math.min(MAX_PAUSE_MILLIS, pauseMillis * 2);
        }
    }

    /** The function's {@code errorType} and {@code errorMessage}, when its error answer has them. */
    private static String functionError(byte[] payload)
    {
        try {
            JsonNode error = JSON.readTree(payload);
            if (error != null && error.isObject() && error.hasNonNull("errorMessage")) {
                return " " + (error.hasNonNull("errorType") ? error.get("errorType").asText() + ": " : "") + error.get("errorMessage").asText();
            }
        }
        catch (IOException e) {
            // not JSON: the fixed message says enough
        }
        return "";
    }

    byte[] event(List<Input> batch)
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.getFactory().createGenerator(bytes)) {
            json.writeStartObject();
            json.writeStringField("invocationId", invocationIds.get());
            json.writeStringField("deliveryStreamArn", streamArn);
            json.writeStringField("region", region);
            json.writeArrayFieldStart("records");
            for (Input input : batch) {
                json.writeStartObject();
                json.writeStringField("recordId", input.recordId());
                json.writeNumberField("approximateArrivalTimestamp", input.arrivalMillis());
                json.writeStringField("data", Base64.getEncoder().encodeToString(input.data()));
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Reads the function's answer: each record once, by its id, with its result. */
    private List<Outcome> answer(List<Input> batch, byte[] payload, int attempts)
    {
        JsonNode records = null;
        try {
            JsonNode answer = JSON.readTree(payload);
            if (answer != null && answer.isObject() && answer.path("records").isArray()) {
                records = answer.get("records");
            }
        }
        catch (IOException e) {
            // as below
        }
        long ending = clock.getAsLong();
        if (records == null) {
            Failed failed = new Failed(JSON_PROCESSING, "There was an error parsing returned records from the Lambda function. Ensure that the returned "
                    + "records follow the status model required by Firehose: {\"records\": [{\"recordId\", \"result\", \"data\"}]}.", attempts, ending);
            List<Outcome> outcomes = new ArrayList<>(batch.size());
            batch.forEach(input -> outcomes.add(failed));
            return outcomes;
        }
        Map<String, JsonNode> byId = new HashMap<>();
        Set<String> duplicated = new HashSet<>();
        for (JsonNode record : records) {
            String id = record.path("recordId").asText("");
            if (byId.putIfAbsent(id, record) != null) {
                duplicated.add(id);
            }
        }
        List<Outcome> outcomes = new ArrayList<>(batch.size());
        for (Input input : batch) {
            JsonNode record = byId.get(input.recordId());
            if (duplicated.contains(input.recordId())) {
                outcomes.add(new Failed(DUPLICATED_RECORD_ID, "Multiple records were returned with the same record Id. Ensure that the Lambda function "
                        + "returns a unique record Id for each record.", attempts, ending));
            }
            else if (record == null) {
                outcomes.add(new Failed(MISSING_RECORD_ID, "One or more record Ids were not returned. Ensure that the Lambda function returns all received "
                        + "record Ids.", attempts, ending));
            }
            else {
                outcomes.add(result(record, attempts, ending));
            }
        }
        return outcomes;
    }

    private static Outcome result(JsonNode record, int attempts, long ending)
    {
        String result = record.path("result").asText("");
        switch (result) {
            case "Dropped":
                return new Dropped();
            case "ProcessingFailed":
                return new Failed(PROCESSING_FAILED_STATUS, "ProcessingFailed status set for record", attempts, ending);
            case "Ok":
                Optional<String> data = Optional.ofNullable(record.get("data")).filter(JsonNode::isTextual).map(JsonNode::asText);
                if (data.isEmpty()) {
                    return new Failed(JSON_PROCESSING, "The data field cannot be null when the processing result is Ok.", attempts, ending);
                }
                try {
                    return new Ok(Base64.getDecoder().decode(data.get()));
                }
                catch (IllegalArgumentException e) {
                    return new Failed(JSON_PROCESSING, "The data field of a record must be base64: " + e.getMessage(), attempts, ending);
                }
            default:
                return new Failed(JSON_PROCESSING, "The result of a record must be Ok, Dropped or ProcessingFailed, not '" + result + "'.", attempts, ending);
        }
    }
}
