package io.lakestack.connectors.lambda.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.spi.Arn;
import io.lakestack.spi.kinesis.SequenceNumber;
import io.lakestack.spi.kinesis.ShardId;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * Kinesis records as Lambda hands them to a function (<a href="https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html">Using
 * Lambda with Kinesis</a>): {@code {"Records":[{"kinesis":{...},"eventSource":"aws:kinesis",...}]}}, field for field and
 * in AWS's order; with a tumbling window, the {@code KinesisTimeWindowEvent} fields after the records.
 */
final class KinesisEventFormat
        implements EventFormat
{
    private static final byte[] RECORDS_START = "{\"Records\":[".getBytes(StandardCharsets.UTF_8);
    private static final byte[] ELEMENT_HEAD = JsonBytes.utf8("{\"kinesis\":{\"kinesisSchemaVersion\":\"1.0\",\"partitionKey\":");
    private static final byte[] SEQUENCE_FIELD = JsonBytes.utf8(",\"sequenceNumber\":\"");
    private static final byte[] DATA_FIELD = JsonBytes.utf8("\",\"data\":");
    private static final byte[] ARRIVAL_FIELD = JsonBytes.utf8(",\"approximateArrivalTimestamp\":");
    private static final byte[] EMPTY_KEY = JsonBytes.utf8("\"\"");

    private final String streamArn;
    private final long streamCreationMillis;
    private final String invokeIdentityArn;
    private final String region;
    private final byte[] elementTail;
    private final Map<Integer, byte[]> eventIdFields = new ConcurrentHashMap<>();

    /**
     * @param invokeIdentityArn the function's execution role
     */
    KinesisEventFormat(String streamArn, long streamCreationMillis, String invokeIdentityArn)
    {
        this.streamArn = requireNonNull(streamArn, "streamArn is null");
        this.streamCreationMillis = streamCreationMillis;
        this.invokeIdentityArn = requireNonNull(invokeIdentityArn, "invokeIdentityArn is null");
        this.region = Arn.parse(streamArn).map(Arn::region).orElse("");
        this.elementTail = JsonBytes.utf8("\",\"eventName\":\"aws:kinesis:record\",\"invokeIdentityArn\":" + new String(JsonBytes.quoted(invokeIdentityArn),
                StandardCharsets.UTF_8) + ",\"awsRegion\":" + new String(JsonBytes.quoted(region), StandardCharsets.UTF_8) + ",\"eventSourceARN\":"
                + new String(JsonBytes.quoted(streamArn), StandardCharsets.UTF_8) + "}");
    }

    String sequenceNumber(StreamRecord record)
    {
        return new SequenceNumber(streamCreationMillis, record.partition(), record.offset()).toString();
    }

    private static String partitionKey(StreamRecord record)
    {
        return record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
    }

    /**
     * Written straight into bytes (the pollers write one per record), field for field what Jackson writes for
     * {@code {"kinesis":{...},"eventSource":...}} in this order; {@code EventFormatsTest} holds the exact text.
     */
    @Override
    public byte[] element(StreamRecord record)
    {
        byte[] value = record.value() == null ? new byte[0] : record.value();
        byte[] key = record.key() == null ? EMPTY_KEY : JsonBytes.quotedUtf8(record.key());
        byte[] eventId = eventIdField(record.partition());
        long millis = record.timestampMillis();
        String seconds = Long.toString(Math.floorDiv(millis, 1000));
        long fraction = Math.floorMod(millis, 1000);
        // the exact size: no array grows
        int size = ELEMENT_HEAD.length + key.length + SEQUENCE_FIELD.length + 2 * SequenceNumber.LENGTH + DATA_FIELD.length + 2 + 4 * ((value.length + 2) / 3)
                + ARRIVAL_FIELD.length + seconds.length() + 4 + eventId.length + elementTail.length;
        JsonBytes element = new JsonBytes(size);
        element.raw(ELEMENT_HEAD)
                .raw(key)
                .raw(SEQUENCE_FIELD);
        int sequenceAt = element.size();
        element.sequenceNumber(new SequenceNumber(streamCreationMillis, record.partition(), record.offset()))
                .raw(DATA_FIELD).quotedBase64(value)
                .raw(ARRIVAL_FIELD).plain(seconds).plain(".")
                .plain(fraction < 10 ? "00" : fraction < 100 ? "0" : "").number(fraction)
                .raw(eventId).repeat(sequenceAt, SequenceNumber.LENGTH)
                .raw(elementTail);
        return element.toByteArray();
    }

    /** {@code ...,"eventID":"shardId-000000000001:} for the partition. */
    private byte[] eventIdField(int partition)
    {
        return eventIdFields.computeIfAbsent(partition, shard -> JsonBytes.utf8("},\"eventSource\":\"aws:kinesis\",\"eventVersion\":\"1.0\",\"eventID\":\""
                + ShardId.of(shard) + ":"));
    }

    @Override
    public byte[] event(int partition, List<byte[]> elements, Optional<WindowFields> window)
    {
        int size = RECORDS_START.length + 2 + Math.max(0, elements.size() - 1);
        for (byte[] element : elements) {
            size += element.length;
        }
        if (window.isEmpty()) {
            // the one copy of a batch of up to 6 MB
            byte[] event = new byte[size];
            int at = RECORDS_START.length;
            System.arraycopy(RECORDS_START, 0, event, 0, at);
            for (int i = 0; i < elements.size(); i++) {
                if (i > 0) {
                    event[at++] = ',';
                }
                byte[] element = elements.get(i);
                System.arraycopy(element, 0, event, at, element.length);
                at += element.length;
            }
            event[at++] = ']';
            event[at] = '}';
            return event;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size + 512);
        out.writeBytes(RECORDS_START);
        for (int i = 0; i < elements.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(elements.get(i));
        }
        out.write(']');
        if (window.isPresent()) {
            WindowFields fields = window.get();
            ObjectNode tail = Json.object();
            tail.putObject("window")
                    .put("start", Json.ISO_SECONDS.format(Instant.ofEpochMilli(fields.startMillis())))
                    .put("end", Json.ISO_SECONDS.format(Instant.ofEpochMilli(fields.endMillis())));
            tail.set("state", fields.state());
            tail.put("shardId", fields.shardId());
            tail.put("eventSourceARN", fields.eventSourceArn());
            tail.put("isFinalInvokeForWindow", fields.finalInvoke());
            tail.put("isWindowTerminatedEarly", fields.terminatedEarly());
            byte[] bytes = Json.bytes(tail);
            // the object's fields, after the records
            out.write(',');
            out.write(bytes, 1, bytes.length - 1);
        }
        else {
            out.write('}');
        }
        return out.toByteArray();
    }

    @Override
    public int envelopeSize(int partition, Optional<WindowFields> window)
    {
        return event(partition, List.of(), window).length;
    }

    @Override
    public String itemIdentifier(StreamRecord record)
    {
        return sequenceNumber(record);
    }

    @Override
    public String orderingKey(StreamRecord record)
    {
        return partitionKey(record);
    }

    /**
     * The record as Lambda filters it: the fields of {@code kinesis}, with {@code data} decoded as JSON when it is JSON. A
     * pattern on {@code data} drops a record whose data is not JSON, as <a
     * href="https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis-filtering.html">Kinesis filtering</a> says.
     */
    @Override
    public FilterCriteria.Candidate filterView(StreamRecord record)
    {
        ObjectNode view = Json.object();
        view.put("kinesisSchemaVersion", "1.0");
        view.put("partitionKey", partitionKey(record));
        view.put("sequenceNumber", sequenceNumber(record));
        view.put("approximateArrivalTimestamp", Json.epochSeconds(record.timestampMillis()));
        Optional<JsonNode> data = Json.parse(record.value()).filter(node -> node.isObject() || node.isArray());
        data.ifPresent(node -> view.set("data", node));
        return new FilterCriteria.Candidate(view, data.isPresent() ? java.util.Set.of() : java.util.Set.of("data"), FilterCriteria.Mismatch.DROP);
    }

    @Override
    public String batchInfoField()
    {
        return "KinesisBatchInfo";
    }

    /**
     * As <a href="https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html">Retain discarded batch
     * records</a> shows it.
     */
    @Override
    public ObjectNode batchInfo(List<StreamRecord> records, int payloadSize)
    {
        StreamRecord first = records.get(0);
        StreamRecord last = records.get(records.size() - 1);
        ObjectNode info = Json.object();
        info.put("shardId", ShardId.of(first.partition()));
        info.put("startSequenceNumber", sequenceNumber(first));
        info.put("endSequenceNumber", sequenceNumber(last));
        info.put("approximateArrivalOfFirstRecord", Json.isoMillis(first.timestampMillis()));
        info.put("approximateArrivalOfLastRecord", Json.isoMillis(last.timestampMillis()));
        info.put("batchSize", records.size());
        info.put("streamArn", streamArn);
        return info;
    }

    @Override
    public String partitionName(int partition)
    {
        return ShardId.of(partition);
    }
}
