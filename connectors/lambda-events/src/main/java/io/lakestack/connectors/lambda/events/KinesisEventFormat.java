package io.lakestack.connectors.lambda.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.spi.Arn;
import io.lakestack.spi.kinesis.SequenceNumber;
import io.lakestack.spi.kinesis.ShardId;

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
    private static final byte[] CLOSE = JsonBytes.utf8("]}");

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
     * Sized as the record comes, written into the event as it is assembled, field for field what Jackson writes for
     * {@code {"kinesis":{...},"eventSource":...}} in this order; {@code EventFormatsTest} holds the exact text.
     */
    @Override
    public Element element(StreamRecord record)
    {
        return new KinesisElement(record);
    }

    /** {@code ...,"eventID":"shardId-000000000001:} for the partition. */
    private byte[] eventIdField(int partition)
    {
        return eventIdFields.computeIfAbsent(partition, shard -> JsonBytes.utf8("},\"eventSource\":\"aws:kinesis\",\"eventVersion\":\"1.0\",\"eventID\":\""
                + ShardId.of(shard) + ":"));
    }

    private final class KinesisElement
            implements Element
    {
        private final StreamRecord record;
        private final byte[] value;
        /** The partition key, quoted and escaped, when it is not plain ASCII (which is copied between quotes as it is). */
        private final byte[] escapedKey;
        private final byte[] eventId;
        private final int size;

        KinesisElement(StreamRecord record)
        {
            this.record = record;
            this.value = record.value() == null ? new byte[0] : record.value();
            byte[] key = record.key() == null ? new byte[0] : record.key();
            this.escapedKey = JsonBytes.plainAscii(key) ? null : JsonBytes.quoted(new String(key, StandardCharsets.UTF_8));
            this.eventId = eventIdField(record.partition());
            this.size = ELEMENT_HEAD.length + (escapedKey == null ? key.length + 2 : escapedKey.length) + SEQUENCE_FIELD.length + 2 * SequenceNumber.LENGTH
                    + DATA_FIELD.length + JsonBytes.quotedBase64Size(value.length) + ARRIVAL_FIELD.length
                    + JsonBytes.digits(Math.floorDiv(record.timestampMillis(), 1000)) + 4 + eventId.length + elementTail.length;
        }

        @Override
        public int size()
        {
            return size;
        }

        @Override
        public void writeTo(JsonBytes event)
        {
            long millis = record.timestampMillis();
            long fraction = Math.floorMod(millis, 1000);
            event.raw(ELEMENT_HEAD);
            if (escapedKey == null) {
                event.quotedPlainAscii(record.key() == null ? new byte[0] : record.key());
            }
            else {
                event.raw(escapedKey);
            }
            event.raw(SEQUENCE_FIELD);
            int sequenceAt = event.size();
            event.sequenceNumber(new SequenceNumber(streamCreationMillis, record.partition(), record.offset()))
                    .raw(DATA_FIELD).quotedBase64(value)
                    .raw(ARRIVAL_FIELD).number(Math.floorDiv(millis, 1000)).plain(".")
                    .plain(fraction < 10 ? "00" : fraction < 100 ? "0" : "").number(fraction)
                    .raw(eventId).repeat(sequenceAt, SequenceNumber.LENGTH)
                    .raw(elementTail);
        }
    }

    @Override
    public byte[] event(int partition, List<Element> elements, Optional<WindowFields> window)
    {
        byte[] tail = CLOSE;
        if (window.isPresent()) {
            WindowFields fields = window.get();
            ObjectNode fieldsNode = Json.object();
            fieldsNode.putObject("window")
                    .put("start", Json.ISO_SECONDS.format(Instant.ofEpochMilli(fields.startMillis())))
                    .put("end", Json.ISO_SECONDS.format(Instant.ofEpochMilli(fields.endMillis())));
            fieldsNode.set("state", fields.state());
            fieldsNode.put("shardId", fields.shardId());
            fieldsNode.put("eventSourceARN", fields.eventSourceArn());
            fieldsNode.put("isFinalInvokeForWindow", fields.finalInvoke());
            fieldsNode.put("isWindowTerminatedEarly", fields.terminatedEarly());
            byte[] bytes = Json.bytes(fieldsNode);
            // the object's fields, after the records: ],"window":{...},...}
            tail = new byte[bytes.length + 1];
            tail[0] = ']';
            tail[1] = ',';
            System.arraycopy(bytes, 1, tail, 2, bytes.length - 1);
        }
        int size = RECORDS_START.length + Math.max(0, elements.size() - 1) + tail.length;
        for (Element element : elements) {
            size += element.size();
        }
        // the one array of a batch of up to 6 MB, of its exact size
        JsonBytes event = new JsonBytes(size);
        event.raw(RECORDS_START);
        for (int i = 0; i < elements.size(); i++) {
            if (i > 0) {
                event.plain(",");
            }
            elements.get(i).writeTo(event);
        }
        return event.raw(tail).toByteArray();
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
