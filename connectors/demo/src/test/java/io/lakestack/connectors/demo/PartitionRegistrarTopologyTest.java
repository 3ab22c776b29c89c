package io.lakestack.connectors.demo;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PartitionRegistrarTopologyTest
{
    private static final PartitionRegistrarTopology.Settings SETTINGS = new PartitionRegistrarTopology.Settings(
            "events", "registered", "dead", "demo", "orders", "lakestack-demo", "orders/", List.of("dt"));

    /** A hand-written catalog that remembers partitions, as the metastore does. */
    private static final class RecordingCatalog
            implements PartitionCatalog
    {
        final List<TablePartition> added = new ArrayList<>();
        final Set<List<String>> existing = new HashSet<>();

        @Override
        public boolean addPartition(TablePartition partition)
        {
            if (!existing.add(partition.values())) {
                return false;
            }
            added.add(partition);
            return true;
        }
    }

    private RecordingCatalog catalog;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> events;
    private TestOutputTopic<String, byte[]> registered;
    private TestOutputTopic<String, byte[]> dead;

    @BeforeEach
    void setUp()
    {
        catalog = new RecordingCatalog();
        StreamsBuilder builder = new StreamsBuilder();
        PartitionRegistrarTopology.build(builder, SETTINGS, catalog);
        driver = new TopologyTestDriver(builder.build());
        events = driver.createInputTopic("events", new StringSerializer(), new ByteArraySerializer());
        registered = driver.createOutputTopic("registered", new StringDeserializer(), new ByteArrayDeserializer());
        dead = driver.createOutputTopic("dead", new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void tearDown()
    {
        driver.close();
    }

    @Test
    void registersOnePartitionPerDateFolderOnce()
            throws Exception
    {
        events.pipeInput("lakestack-demo/orders/dt=2026-11-20/part-0000.jsonl", event("ObjectCreated:Put", "orders/dt%3D2026-11-20/part-0000.jsonl"));
        events.pipeInput("lakestack-demo/orders/dt=2026-11-20/part-0001.jsonl", event("ObjectCreated:Put", "orders/dt%3D2026-11-20/part-0001.jsonl"));
        events.pipeInput("lakestack-demo/orders/dt=2026-11-21/part-0000.jsonl", event("ObjectCreated:CompleteMultipartUpload", "orders/dt%3D2026-11-21/part-0000.jsonl"));

        assertThat(catalog.added).containsExactly(
                new TablePartition("demo", "orders", List.of("2026-11-20"), "s3://lakestack-demo/orders/dt=2026-11-20/"),
                new TablePartition("demo", "orders", List.of("2026-11-21"), "s3://lakestack-demo/orders/dt=2026-11-21/"));
        List<JsonNode> outputs = new ArrayList<>();
        for (byte[] value : registered.readValuesToList()) {
            outputs.add(S3EventNotification.JSON.readTree(value));
        }
        assertThat(outputs).extracting(node -> node.path("values").get(0).asText() + " added=" + node.path("added").asBoolean())
                .containsExactly("2026-11-20 added=true", "2026-11-20 added=false", "2026-11-21 added=true");
        assertThat(outputs.get(0).path("object").asText()).isEqualTo("s3://lakestack-demo/orders/dt=2026-11-20/part-0000.jsonl");
        assertThat(dead.isEmpty()).isTrue();
    }

    @Test
    void passesOverTestEventsAndRemovals()
    {
        events.pipeInput("lakestack-demo", ("{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Time\":\"2026-11-21T10:00:00.000Z\","
                + "\"Bucket\":\"lakestack-demo\",\"RequestId\":\"R\",\"HostId\":\"H\"}").getBytes(StandardCharsets.UTF_8));
        events.pipeInput("k", event("ObjectRemoved:Delete", "orders/dt%3D2026-11-20/part-0000.jsonl"));

        assertThat(catalog.added).isEmpty();
        assertThat(registered.isEmpty()).isTrue();
        assertThat(dead.isEmpty()).isTrue();
    }

    @Test
    void keepsWhatItCannotUseInTheDeadLetterTopic()
    {
        byte[] garbage = "not json at all".getBytes(StandardCharsets.UTF_8);
        byte[] outside = event("ObjectCreated:Put", "orders/readme.jsonl");
        events.pipeInput("a", garbage);
        events.pipeInput("b", outside);

        List<TestRecord<String, byte[]>> letters = dead.readRecordsToList();
        assertThat(letters).hasSize(2);
        assertThat(letters.get(0).getKey()).isEqualTo("a");
        assertThat(letters.get(0).getValue()).isEqualTo(garbage);
        assertThat(header(letters.get(0), PartitionRegistrarTopology.ERROR_HEADER))
                .isEqualTo("unreadable S3 event notification: not JSON: Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')");
        assertThat(header(letters.get(0), PartitionRegistrarTopology.SOURCE_HEADER)).isEqualTo("events/0/0");
        assertThat(letters.get(1).getValue()).isEqualTo(outside);
        assertThat(header(letters.get(1), PartitionRegistrarTopology.ERROR_HEADER))
                .isEqualTo("object key orders/readme.jsonl is not under dt=<value>/ folders");
        assertThat(header(letters.get(1), PartitionRegistrarTopology.SOURCE_HEADER)).isEqualTo("events/0/1");
        assertThat(catalog.added).isEmpty();
    }

    private static String header(TestRecord<String, byte[]> record, String name)
    {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static byte[] event(String eventName, String encodedKey)
    {
        return ("{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"awsRegion\":\"us-east-1\","
                + "\"eventTime\":\"2026-11-21T10:00:00.000Z\",\"eventName\":\"" + eventName + "\","
                + "\"s3\":{\"s3SchemaVersion\":\"1.0\",\"configurationId\":\"order-uploads\",\"bucket\":{\"name\":\"lakestack-demo\","
                + "\"arn\":\"arn:aws:s3:::lakestack-demo\"},\"object\":{\"key\":\"" + encodedKey + "\",\"size\":617,\"sequencer\":\"0A\"}}}]}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
