package io.lakestack.connectors.lambda.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.spi.kinesis.SequenceNumber;
import io.lakestack.spi.kinesis.ShardId;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

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

    private final String streamArn;
    private final long streamCreationMillis;
    private final String invokeIdentityArn;
    private final String region;

    /**
     * @param invokeIdentityArn the function's execution role
     */
    KinesisEventFormat(String streamArn, long streamCreationMillis, String invokeIdentityArn)
    {
        this.streamArn = requireNonNull(streamArn, "streamArn is null");
        this.streamCreationMillis = streamCreationMillis;
        this.invokeIdentityArn = requireNonNull(invokeIdentityArn, "invokeIdentityArn is null");
        String[] parts = streamArn.split(":");
        this.region = parts.length > 3 ? parts[3] : "";
    }

    String sequenceNumber(StreamRecord record)
    {
        return new SequenceNumber(streamCreationMillis, record.partition(), record.offset()).toString();
    }

    private static String partitionKey(StreamRecord record)
    {
        return record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
    }

    @Override
    public byte[] element(StreamRecord record)
    {
        String sequence = sequenceNumber(record);
        ObjectNode element = Json.object();
        ObjectNode kinesis = element.putObject("kinesis");
        kinesis.put("kinesisSchemaVersion", "1.0");
        kinesis.put("partitionKey", partitionKey(record));
        kinesis.put("sequenceNumber", sequence);
        kinesis.put("data", Base64.getEncoder().encodeToString(record.value() == null ? new byte[0] : record.value()));
        kinesis.put("approximateArrivalTimestamp", Json.epochSeconds(record.timestampMillis()));
        element.put("eventSource", "aws:kinesis");
        element.put("eventVersion", "1.0");
        element.put("eventID", ShardId.of(record.partition()) + ":" + sequence);
        element.put("eventName", "aws:kinesis:record");
        element.put("invokeIdentityArn", invokeIdentityArn);
        element.put("awsRegion", region);
        element.put("eventSourceARN", streamArn);
        return Json.bytes(element);
    }

    @Override
    public byte[] event(int partition, List<byte[]> elements, Optional<WindowFields> window)
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
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
