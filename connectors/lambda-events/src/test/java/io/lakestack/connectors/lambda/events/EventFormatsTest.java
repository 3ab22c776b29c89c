package io.lakestack.connectors.lambda.events;

import com.amazonaws.services.lambda.runtime.events.KafkaEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisTimeWindowEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The events functions receive, read back with AWS's own event types as a Java function's runtime reads them. */
class EventFormatsTest
{
    private static final String STREAM_ARN = "arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream";
    private static final String ROLE = "arn:aws:iam::123456789012:role/lambda-role";
    private static final long CREATION = 1_545_000_000_000L;

    private final KinesisEventFormat kinesis = new KinesisEventFormat(STREAM_ARN, CREATION, ROLE);

    private static StreamRecord kinesisRecord(int shard, long offset, String key, String data, long arrival)
    {
        return new StreamRecord("lakestack.kinesis.lambda-stream", shard, offset, key.getBytes(StandardCharsets.UTF_8), data.getBytes(StandardCharsets.UTF_8),
                arrival, "LOG_APPEND_TIME", List.of());
    }

    @Test
    void kinesisEventIsAwsShapeFieldForField()
    {
        StreamRecord record = kinesisRecord(6, 42, "1", "Hello, this is a test.", 1_545_084_650_987L);
        String event = new String(kinesis.event(6, List.of(kinesis.element(record)), Optional.empty()), StandardCharsets.UTF_8);
        String sequence = "49" + "0000000" + CREATION + "000006" + "0".repeat(26) + "42";
        assertThat(event).isEqualTo("{\"Records\":[{\"kinesis\":{\"kinesisSchemaVersion\":\"1.0\",\"partitionKey\":\"1\",\"sequenceNumber\":\"" + sequence + "\","
                + "\"data\":\"SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg==\",\"approximateArrivalTimestamp\":1545084650.987},\"eventSource\":\"aws:kinesis\","
                + "\"eventVersion\":\"1.0\",\"eventID\":\"shardId-000000000006:" + sequence + "\",\"eventName\":\"aws:kinesis:record\","
                + "\"invokeIdentityArn\":\"" + ROLE + "\",\"awsRegion\":\"us-east-2\",\"eventSourceARN\":\"" + STREAM_ARN + "\"}]}");
    }

    /**
     * The element is written without Jackson's tree; it must be what Jackson writes for the same fields, escapes and numbers included (a
     * character outside the BMP is written as its UTF-8 bytes, which Jackson escapes).
     */
    @Test
    void kinesisElementIsWhatJacksonWrites()
    {
        for (String key : List.of("", "plain-key_42.x", "del\u007f", "a\"b\\c/d", "tab\tnew\nline\u0001\u001f", "\u00e9\u20ac\ud83d\ude00", "<script>&'")) {
            for (long arrival : List.of(0L, 5L, 999L, 1_000L, 9_999L, 10_000L, 1_545_084_650_010L, 1_545_084_650_100L)) {
                StreamRecord record = new StreamRecord("lakestack.kinesis.lambda-stream", 13, 7_000_000_123L, key.getBytes(StandardCharsets.UTF_8),
                        ("{\"k\":\"" + key + "\"}").getBytes(StandardCharsets.UTF_8), arrival, "LOG_APPEND_TIME", List.of());
                String sequence = kinesis.sequenceNumber(record);
                com.fasterxml.jackson.databind.node.ObjectNode expected = Json.object();
                com.fasterxml.jackson.databind.node.ObjectNode fields = expected.putObject("kinesis");
                fields.put("kinesisSchemaVersion", "1.0");
                fields.put("partitionKey", key);
                fields.put("sequenceNumber", sequence);
                fields.put("data", java.util.Base64.getEncoder().encodeToString(record.value()));
                fields.put("approximateArrivalTimestamp", Json.epochSeconds(arrival));
                expected.put("eventSource", "aws:kinesis");
                expected.put("eventVersion", "1.0");
                expected.put("eventID", "shardId-000000000013:" + sequence);
                expected.put("eventName", "aws:kinesis:record");
                expected.put("invokeIdentityArn", ROLE);
                expected.put("awsRegion", "us-east-2");
                expected.put("eventSourceARN", STREAM_ARN);
                EventFormat.Element element = kinesis.element(record);
                JsonBytes written = new JsonBytes(16);
                element.writeTo(written);
                assertThat(written.size()).as("the size the element announces").isEqualTo(element.size());
                if (key.codePoints().allMatch(Character::isBmpCodePoint)) {
                    assertThat(new String(EventFormat.Element.bytes(element), StandardCharsets.UTF_8)).isEqualTo(new String(Json.bytes(expected), StandardCharsets.UTF_8));
                }
                else {
                    // Jackson's generator escapes a surrogate pair as two \\u escapes; the element has its UTF-8 bytes: the same string
                    assertThat(Json.parse(EventFormat.Element.bytes(kinesis.element(record)))).isEqualTo(Json.parse(Json.bytes(expected)));
                }
            }
        }
    }

    @Test
    void kinesisEventReadsAsKinesisEvent()
    {
        StreamRecord first = kinesisRecord(6, 42, "1", "Hello, this is a test.", 1_545_084_650_987L);
        StreamRecord second = kinesisRecord(6, 43, "2", "This is only a test.", 1_545_084_711_000L);
        byte[] event = kinesis.event(6, List.of(kinesis.element(first), kinesis.element(second)), Optional.empty());

        KinesisEvent read = LambdaEventSerializers.serializerFor(KinesisEvent.class, getClass().getClassLoader())
                .fromJson(new String(event, StandardCharsets.UTF_8));

        assertThat(read.getRecords()).hasSize(2);
        KinesisEvent.KinesisEventRecord record = read.getRecords().get(0);
        assertThat(record.getEventSource()).isEqualTo("aws:kinesis");
        assertThat(record.getEventVersion()).isEqualTo("1.0");
        assertThat(record.getEventName()).isEqualTo("aws:kinesis:record");
        assertThat(record.getEventID()).isEqualTo("shardId-000000000006:" + kinesis.sequenceNumber(first));
        assertThat(record.getInvokeIdentityArn()).isEqualTo(ROLE);
        assertThat(record.getAwsRegion()).isEqualTo("us-east-2");
        assertThat(record.getEventSourceARN()).isEqualTo(STREAM_ARN);
        assertThat(record.getKinesis().getKinesisSchemaVersion()).isEqualTo("1.0");
        assertThat(record.getKinesis().getPartitionKey()).isEqualTo("1");
        assertThat(record.getKinesis().getSequenceNumber()).isEqualTo(kinesis.sequenceNumber(first));
        assertThat(StandardCharsets.UTF_8.decode(record.getKinesis().getData()).toString()).isEqualTo("Hello, this is a test.");
        assertThat(record.getKinesis().getApproximateArrivalTimestamp().getTime()).isEqualTo(1_545_084_650_987L);
        KinesisEvent.KinesisEventRecord next = read.getRecords().get(1);
        assertThat(next.getKinesis().getPartitionKey()).isEqualTo("2");
        assertThat(next.getKinesis().getData()).isEqualTo(ByteBuffer.wrap("This is only a test.".getBytes(StandardCharsets.UTF_8)));
        assertThat(next.getKinesis().getApproximateArrivalTimestamp().getTime()).isEqualTo(1_545_084_711_000L);
        assertThat(next.getKinesis().getSequenceNumber()).isEqualTo(kinesis.sequenceNumber(second));
    }

    @Test
    void kinesisWindowEventReadsAsKinesisTimeWindowEvent()
            throws Exception
    {
        StreamRecord record = kinesisRecord(6, 42, "1", "Hello", 1_607_497_475_000L);
        EventFormat.WindowFields window = new EventFormat.WindowFields(1_607_497_440_000L, 1_607_497_560_000L, Json.MAPPER.readTree("{\"1\":282,\"2\":715}"),
                "shardId-000000000006", STREAM_ARN, false, true);
        byte[] event = kinesis.event(6, List.of(kinesis.element(record)), Optional.of(window));

        KinesisTimeWindowEvent read = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .readValue(withoutRecords(event), KinesisTimeWindowEvent.class);
        assertThat(read.getWindow().getStart()).isEqualTo("2020-12-09T07:04:00Z");
        assertThat(read.getWindow().getEnd()).isEqualTo("2020-12-09T07:06:00Z");
        assertThat(read.getState()).isEqualTo(Map.of("1", "282", "2", "715"));
        assertThat(read.getShardId()).isEqualTo("shardId-000000000006");
        assertThat(read.getIsFinalInvokeForWindow()).isFalse();
        assertThat(read.getIsWindowTerminatedEarly()).isTrue();
        assertThat(Json.parse(event).orElseThrow().path("eventSourceARN").asText()).isEqualTo(STREAM_ARN);
        assertThat(new String(event, StandardCharsets.UTF_8)).contains("\"approximateArrivalTimestamp\":1607497475.000}");
    }

    /** The window fields alone: {@code KinesisTimeWindowEvent}'s records are the {@code KinesisEvent}'s, checked above. */
    private static byte[] withoutRecords(byte[] event)
            throws Exception
    {
        com.fasterxml.jackson.databind.node.ObjectNode node = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(event);
        node.remove("Records");
        return Json.bytes(node);
    }

    @Test
    void kafkaEventIsAwsShapeFieldForField()
    {
        KafkaEventFormat kafka = new KafkaEventFormat("mytopic", "b-1:9092,b-2:9092");
        StreamRecord record = new StreamRecord("mytopic", 0, 15, "abc".getBytes(StandardCharsets.UTF_8),
                "Hello, this is a test.".getBytes(StandardCharsets.UTF_8), 1_545_084_650_987L, "CREATE_TIME",
                List.of(Map.entry("headerKey", "headerValue".getBytes(StandardCharsets.UTF_8))));
        String event = new String(kafka.event(0, List.of(kafka.element(record)), Optional.empty()), StandardCharsets.UTF_8);
        assertThat(event).isEqualTo("{\"eventSource\":\"SelfManagedKafka\",\"bootstrapServers\":\"b-1:9092,b-2:9092\",\"records\":{\"mytopic-0\":["
                + "{\"topic\":\"mytopic\",\"partition\":0,\"offset\":15,\"timestamp\":1545084650987,\"timestampType\":\"CREATE_TIME\",\"key\":\"YWJj\","
                + "\"value\":\"SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg==\",\"headers\":[{\"headerKey\":[104,101,97,100,101,114,86,97,108,117,101]}]}]}}");
        assertThat(event.length()).isEqualTo(kafka.envelopeSize(0, Optional.empty()) + kafka.element(record).size());
    }

    @Test
    void mskEventNamesTheClusterAsLambdaDoes()
    {
        String arn = "arn:aws:kafka:us-east-1:123456789012:cluster/vpc-2priv-2pub/751d2973-a626-431c-9d4e-d7975eb44dd7-2";
        KafkaEventFormat kafka = new KafkaEventFormat("mytopic", "b-1:9092", Optional.of(arn));
        StreamRecord record = new StreamRecord("mytopic", 0, 15, null, "hi".getBytes(StandardCharsets.UTF_8), 1_545_084_650_987L, "CREATE_TIME", List.of());
        String event = new String(kafka.event(0, List.of(kafka.element(record)), Optional.empty()), StandardCharsets.UTF_8);
        assertThat(event).isEqualTo("{\"eventSource\":\"aws:kafka\",\"eventSourceArn\":\"" + arn + "\",\"bootstrapServers\":\"b-1:9092\","
                + "\"records\":{\"mytopic-0\":[{\"topic\":\"mytopic\",\"partition\":0,\"offset\":15,\"timestamp\":1545084650987,"
                + "\"timestampType\":\"CREATE_TIME\",\"value\":\"aGk=\",\"headers\":[]}]}}");
        assertThat(event.length()).isEqualTo(kafka.envelopeSize(0, Optional.empty()) + kafka.element(record).size());
    }

    @Test
    void kafkaEventReadsAsKafkaEvent()
            throws Exception
    {
        KafkaEventFormat kafka = new KafkaEventFormat("mytopic", "b-1:9092");
        StreamRecord first = new StreamRecord("mytopic", 3, 15, "abc".getBytes(StandardCharsets.UTF_8), "hello".getBytes(StandardCharsets.UTF_8),
                1_545_084_650_987L, "CREATE_TIME", List.of(Map.entry("h", new byte[] {1, (byte) 200})));
        StreamRecord second = new StreamRecord("mytopic", 3, 16, null, "again".getBytes(StandardCharsets.UTF_8), 1_545_084_650_999L, "LOG_APPEND_TIME",
                List.of());
        byte[] event = kafka.event(3, List.of(kafka.element(first), kafka.element(second)), Optional.empty());

        KafkaEvent read = new ObjectMapper().readValue(event, KafkaEvent.class);
        assertThat(read.getEventSource()).isEqualTo("SelfManagedKafka");
        assertThat(read.getBootstrapServers()).isEqualTo("b-1:9092");
        assertThat(read.getRecords()).containsOnlyKeys("mytopic-3");
        List<KafkaEvent.KafkaEventRecord> records = read.getRecords().get("mytopic-3");
        assertThat(records).hasSize(2);
        KafkaEvent.KafkaEventRecord one = records.get(0);
        assertThat(one.getTopic()).isEqualTo("mytopic");
        assertThat(one.getPartition()).isEqualTo(3);
        assertThat(one.getOffset()).isEqualTo(15);
        assertThat(one.getTimestamp()).isEqualTo(1_545_084_650_987L);
        assertThat(one.getTimestampType()).isEqualTo("CREATE_TIME");
        assertThat(one.getKey()).isEqualTo("YWJj");
        assertThat(one.getValue()).isEqualTo("aGVsbG8=");
        assertThat(one.getHeaders()).hasSize(1);
        assertThat(one.getHeaders().get(0).get("h")).containsExactly(1, (byte) 200);
        KafkaEvent.KafkaEventRecord two = records.get(1);
        assertThat(two.getOffset()).isEqualTo(16);
        assertThat(two.getKey()).isNull();
        assertThat(two.getValue()).isEqualTo("YWdhaW4=");
        assertThat(two.getTimestampType()).isEqualTo("LOG_APPEND_TIME");
        assertThat(two.getHeaders()).isEmpty();
    }

    @Test
    void kinesisEnvelopeSizeIsExact()
    {
        StreamRecord one = kinesisRecord(0, 1, "k", "a", 0);
        StreamRecord two = kinesisRecord(0, 2, "k", "b", 0);
        byte[] event = kinesis.event(0, List.of(kinesis.element(one), kinesis.element(two)), Optional.empty());
        assertThat(event.length).isEqualTo(kinesis.envelopeSize(0, Optional.empty()) + kinesis.element(one).size() + kinesis.element(two).size() + 1);
    }
}
