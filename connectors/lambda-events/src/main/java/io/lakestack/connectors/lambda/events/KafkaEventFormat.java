package io.lakestack.connectors.lambda.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Kafka records as Lambda hands them to a function from a self-managed cluster (<a
 * href="https://docs.aws.amazon.com/lambda/latest/dg/with-kafka.html">Using Lambda with self-managed Apache Kafka</a>):
 * {@code {"eventSource":"SelfManagedKafka","bootstrapServers":...,"records":{"<topic>-<partition>":[...]}}}, keys and
 * values base64, header values as arrays of byte values (0-255). A key or value that is null is left out. From an MSK
 * cluster the event names it: {@code {"eventSource":"aws:kafka","eventSourceArn":"<cluster ARN>",...}}.
 */
final class KafkaEventFormat
        implements EventFormat
{
    private final String topic;
    private final String bootstrapServers;
    private final Optional<String> mskClusterArn;

    KafkaEventFormat(String topic, String bootstrapServers)
    {
        this(topic, bootstrapServers, Optional.empty());
    }

    /**
     * @param mskClusterArn the MSK cluster the mapping's {@code EventSourceArn} names; empty for a self-managed cluster
     */
    KafkaEventFormat(String topic, String bootstrapServers, Optional<String> mskClusterArn)
    {
        this.topic = requireNonNull(topic, "topic is null");
        this.bootstrapServers = requireNonNull(bootstrapServers, "bootstrapServers is null");
        this.mskClusterArn = requireNonNull(mskClusterArn, "mskClusterArn is null");
    }

    @Override
    public Element element(StreamRecord record)
    {
        ObjectNode element = Json.object();
        element.put("topic", record.topic());
        element.put("partition", record.partition());
        element.put("offset", record.offset());
        element.put("timestamp", record.timestampMillis());
        element.put("timestampType", record.timestampType());
        if (record.key() != null) {
            element.put("key", Base64.getEncoder().encodeToString(record.key()));
        }
        if (record.value() != null) {
            element.put("value", Base64.getEncoder().encodeToString(record.value()));
        }
        ArrayNode headers = element.putArray("headers");
        for (Map.Entry<String, byte[]> header : record.headers()) {
            ArrayNode bytes = headers.addObject().putArray(header.getKey());
            byte[] value = header.getValue() == null ? new byte[0] : header.getValue();
            for (byte b : value) {
                bytes.add(b & 0xff);
            }
        }
        return Element.of(Json.bytes(element));
    }

    @Override
    public byte[] event(int partition, List<Element> elements, Optional<WindowFields> window)
    {
        // one partition per event: records of several partitions are never batched together (see the README)
        ObjectNode head = Json.object();
        head.put("eventSource", mskClusterArn.isPresent() ? "aws:kafka" : "SelfManagedKafka");
        mskClusterArn.ifPresent(arn -> head.put("eventSourceArn", arn));
        head.put("bootstrapServers", bootstrapServers);
        byte[] start = Json.bytes(head);
        int size = start.length + 64;
        for (Element element : elements) {
            size += element.size() + 1;
        }
        JsonBytes out = new JsonBytes(size);
        out.raw(Arrays.copyOf(start, start.length - 1));
        out.plain(",\"records\":{");
        if (!elements.isEmpty()) {
            out.raw(Json.bytes(TextNode.valueOf(topic + "-" + partition)));
            out.plain(":[");
            for (int i = 0; i < elements.size(); i++) {
                if (i > 0) {
                    out.plain(",");
                }
                elements.get(i).writeTo(out);
            }
            out.plain("]");
        }
        out.plain("}}");
        return out.toByteArray();
    }

    @Override
    public int envelopeSize(int partition, Optional<WindowFields> window)
    {
        // with records, "<topic>-<partition>":[ and ] are added
        return event(partition, List.of(), window).length + Json.bytes(TextNode.valueOf(topic + "-" + partition)).length + 3;
    }

    @Override
    public String itemIdentifier(StreamRecord record)
    {
        return Long.toString(record.offset());
    }

    @Override
    public String orderingKey(StreamRecord record)
    {
        return record.key() == null ? "" : Base64.getEncoder().encodeToString(record.key());
    }

    /**
     * The record as Lambda filters it (<a href="https://docs.aws.amazon.com/lambda/latest/dg/kafka-filtering.html">Kafka
     * filtering</a>): {@code key} and {@code value} decoded from UTF-8, as JSON when they are JSON objects or arrays and
     * as plain strings otherwise; a pattern of the other kind, or bytes that are not UTF-8, leave the field out of the
     * match (metadata only).
     */
    @Override
    public FilterCriteria.Candidate filterView(StreamRecord record)
    {
        ObjectNode view = Json.object();
        view.put("topic", record.topic());
        view.put("partition", record.partition());
        view.put("offset", record.offset());
        view.put("timestamp", record.timestampMillis());
        view.put("timestampType", record.timestampType());
        Set<String> undecodable = new HashSet<>();
        decode(record.key()).ifPresentOrElse(node -> view.set("key", node), () -> undecodable.add("key"));
        decode(record.value()).ifPresentOrElse(node -> view.set("value", node), () -> undecodable.add("value"));
        return new FilterCriteria.Candidate(view, undecodable, FilterCriteria.Mismatch.IGNORE);
    }

    private static Optional<JsonNode> decode(byte[] bytes)
    {
        if (bytes == null) {
            return Optional.empty();
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        }
        catch (CharacterCodingException e) {
            return Optional.empty();
        }
        Optional<JsonNode> json = Json.parse(bytes).filter(node -> node.isObject() || node.isArray());
        return Optional.of(json.orElse(TextNode.valueOf(text)));
    }

    @Override
    public String batchInfoField()
    {
        return "KafkaBatchInfo";
    }

    /**
     * As <a href="https://docs.aws.amazon.com/lambda/latest/dg/with-kafka-on-failure.html">Capturing discarded batches for a
     * self-managed Apache Kafka event source</a> shows it (no {@code eventSourceArn}: a self-managed cluster has none).
     */
    @Override
    public ObjectNode batchInfo(List<StreamRecord> records, int payloadSize)
    {
        StreamRecord first = records.get(0);
        StreamRecord last = records.get(records.size() - 1);
        ObjectNode info = Json.object();
        info.put("batchSize", records.size());
        info.put("bootstrapServers", bootstrapServers);
        info.put("payloadSize", payloadSize);
        ObjectNode partition = info.putObject("recordsInfo").putObject(first.topic() + "-" + first.partition());
        partition.put("firstRecordOffset", Long.toString(first.offset()));
        partition.put("lastRecordOffset", Long.toString(last.offset()));
        partition.put("firstRecordTimestamp", Json.isoMillis(first.timestampMillis()));
        partition.put("lastRecordTimestamp", Json.isoMillis(last.timestampMillis()));
        return info;
    }

    @Override
    public String partitionName(int partition)
    {
        return topic + "-" + partition;
    }
}
