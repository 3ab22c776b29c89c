package io.lakestack.connectors.pipelines.clickstream;

import io.lakestack.connectors.pipelines.clickstream.ClickstreamView.Key;
import io.lakestack.connectors.pipelines.clickstream.ClickstreamView.Totals;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class ClickstreamTopologyTest
{
    private static final String TOPIC = "clicks";
    /** A record time far from the clicks' own: the windows must not use it. */
    private static final Instant PRODUCED_AT = Instant.parse("2026-05-01T00:00:00Z");

    @TempDir
    Path state;

    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> clicks;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void setUp()
    {
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "clickstream-topology-test");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        driver = new TopologyTestDriver(ClickstreamTopology.build(TOPIC), properties);
        clicks = driver.createInputTopic(TOPIC, new ByteArraySerializer(), new ByteArraySerializer());
        deadLetters = driver.createOutputTopic("clicks-dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void tearDown()
    {
        driver.close();
    }

    @Test
    void foldsEachKeysClicksPerSecondOfTheirOwnTime()
    {
        pipe(95126, "product2", 16, "2014-11-01 19:35:41.158");
        pipe(95126, "product2", 17, "2014-11-01 19:35:41.999");
        pipe(95112, "product2", 5, "2014-11-01 19:35:41.999");
        pipe(95126, "product2", 15, "2014-11-01 19:35:42.000");
        pipe(95126, "product1", 20, "2014-11-01 19:35:42.500");
        pipe(95126, "product2", 1, "2014-11-01 19:35:44.001");

        assertThat(windows()).containsExactly(
                entry("product1", 95126, "2014-11-01T19:35:42Z", 20, 1),
                entry("product2", 95112, "2014-11-01T19:35:41Z", 5, 1),
                entry("product2", 95126, "2014-11-01T19:35:41Z", 33, 2),
                entry("product2", 95126, "2014-11-01T19:35:42Z", 15, 1),
                entry("product2", 95126, "2014-11-01T19:35:44Z", 1, 1));
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(deadLetterCounts()).isEmpty();
    }

    @Test
    void windowsFromAMarkHoldOnlyTheClicksFromThatSecondOn()
    {
        pipe(95126, "product2", 16, "2014-11-01 19:35:41.158");
        pipe(95126, "product2", 4, "2014-11-01 19:35:42.000");
        pipe(95126, "product2", 6, "2014-11-01 19:35:43.010");
        WindowStore<Key, Totals> store = driver.getWindowStore(ClickstreamTopology.TOTALS_STORE);

        List<Long> starts = new ArrayList<>();
        try (var iterator = store.fetch(new Key("product2", 95126), Instant.parse("2014-11-01T19:35:42Z"), Instant.ofEpochMilli(Long.MAX_VALUE))) {
            iterator.forEachRemaining(window -> starts.add(window.key));
        }
        assertThat(starts).containsExactly(Instant.parse("2014-11-01T19:35:42Z").toEpochMilli(), Instant.parse("2014-11-01T19:35:43Z").toEpochMilli());
    }

    @Test
    void sendsWhatIsNotAClickToTheDeadLetterTopicWithItsReasonAndCountsIt()
    {
        pipe(95126, "product2", 16, "2014-11-01 19:35:41.158");
        clicks.pipeInput(new TestRecord<>("k".getBytes(StandardCharsets.UTF_8), "not json".getBytes(StandardCharsets.UTF_8), PRODUCED_AT));
        clicks.pipeInput(new TestRecord<>(null, json(95126, "product2", 16, "2014-11-01 19:35:41").getBytes(StandardCharsets.UTF_8), PRODUCED_AT));
        clicks.pipeInput(new TestRecord<>(null, "{\"zipcode\":\"95126\",\"ProductName\":\"product2\",\"price\":16,\"timestamp\":\"2014-11-01 19:35:42.000\"}"
                .getBytes(StandardCharsets.UTF_8), PRODUCED_AT));
        pipe(95126, "product2", 4, "2014-11-01 19:35:41.500");

        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).extracting(record -> new String(record.value(), StandardCharsets.UTF_8)).containsExactly(
                "not json",
                json(95126, "product2", 16, "2014-11-01 19:35:41"),
                "{\"zipcode\":\"95126\",\"ProductName\":\"product2\",\"price\":16,\"timestamp\":\"2014-11-01 19:35:42.000\"}");
        assertThat(new String(dead.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("k");
        assertThat(dead).extracting(record -> header(record, ClickstreamTopology.PROBLEM_HEADER))
                .containsExactly("NOT_JSON", "INVALID_TIMESTAMP", "INVALID_FIELD");
        assertThat(dead).extracting(record -> header(record, ClickstreamTopology.SOURCE_HEADER)).containsExactly("clicks/0/1", "clicks/0/2", "clicks/0/3");
        assertThat(header(dead.get(1), ClickstreamTopology.ERROR_HEADER)).isEqualTo("timestamp \"2014-11-01 19:35:41\" is not yyyy-MM-dd HH:mm:ss.SSS (UTC)");
        assertThat(header(dead.get(2), ClickstreamTopology.ERROR_HEADER)).isEqualTo("zipcode is \"95126\", not a 32-bit integer");
        assertThat(deadLetterCounts()).containsExactly(Map.entry("INVALID_FIELD", 1L), Map.entry("INVALID_TIMESTAMP", 1L), Map.entry("NOT_JSON", 1L));
        // the clicks around them are counted, in their own second (a dead letter's record time does not move the windows)
        assertThat(windows()).containsExactly(entry("product2", 95126, "2014-11-01T19:35:41Z", 20, 2));
    }

    private void pipe(int zipcode, String product, int price, String timestamp)
    {
        clicks.pipeInput(new TestRecord<>(null, json(zipcode, product, price, timestamp).getBytes(StandardCharsets.UTF_8), PRODUCED_AT));
    }

    private static String json(int zipcode, String product, int price, String timestamp)
    {
        return "{\"zipcode\":" + zipcode + ",\"ProductName\":\"" + product + "\",\"price\":" + price + ",\"timestamp\":\"" + timestamp + "\"}";
    }

    private Map<String, Totals> windows()
    {
        WindowStore<Key, Totals> store = driver.getWindowStore(ClickstreamTopology.TOTALS_STORE);
        Map<String, Totals> windows = new LinkedHashMap<>();
        try (KeyValueIterator<Windowed<Key>, Totals> iterator = store.all()) {
            List<KeyValue<Windowed<Key>, Totals>> all = new ArrayList<>();
            iterator.forEachRemaining(all::add);
            all.sort((a, b) -> a.key.key().compareTo(b.key.key()) != 0 ? a.key.key().compareTo(b.key.key()) : Long.compare(a.key.window().start(), b.key.window().start()));
            for (KeyValue<Windowed<Key>, Totals> window : all) {
                assertThat(window.key.window().end() - window.key.window().start()).isEqualTo(1_000);
                windows.put(window.key.key().product() + " " + window.key.key().zipcode() + " " + window.key.window().startTime(), window.value);
            }
        }
        return windows;
    }

    private Map<String, Long> deadLetterCounts()
    {
        KeyValueStore<String, Long> store = driver.getKeyValueStore(ClickstreamTopology.DEAD_LETTERS_STORE);
        Map<String, Long> counts = new LinkedHashMap<>();
        try (KeyValueIterator<String, Long> iterator = store.all()) {
            iterator.forEachRemaining(entry -> counts.put(entry.key, entry.value));
        }
        return counts;
    }

    private static Map.Entry<String, Totals> entry(String product, int zipcode, String windowStart, long revenue, long count)
    {
        return Map.entry(product + " " + zipcode + " " + Instant.parse(windowStart), new Totals(revenue, count));
    }

    private static String header(TestRecord<byte[], byte[]> record, String name)
    {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
