package io.lakestack.connectors.pipelines.clickstream;

import io.lakestack.connectors.pipelines.clickstream.ClickstreamEvent.InvalidEventException;
import io.lakestack.connectors.pipelines.clickstream.ClickstreamView.Key;
import io.lakestack.connectors.pipelines.clickstream.ClickstreamView.Totals;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.processor.TimestampExtractor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The speed layer's stream processing: clicks in, the view per second out, kept in a window store that interactive
 * queries read.
 *
 * <p>A click's time is its own {@code timestamp} (event time, {@link ClickTimeExtractor}). Clicks are keyed by
 * {@link ClickstreamView#key} (a repartition), and each key's {@link Totals} are folded per 1 s tumbling window, aligned
 * to the second as the batch layer's high-water mark is, into {@value #TOTALS_STORE}, which keeps {@link #RETENTION} of
 * event time. A window accepts clicks up to {@link #GRACE} of event time after it ends; on a topic of one partition,
 * where clicks come in the order they happened, none comes that late.
 *
 * <p>Bytes that are not a click ({@link ClickstreamEvent#parse}) go to the dead-letter topic {@code <topic>-dlq}
 * unchanged, with headers {@value #PROBLEM_HEADER} (the {@link ClickstreamEvent.Problem}), {@value #ERROR_HEADER} (why)
 * and {@value #SOURCE_HEADER} (the topic, partition and offset they came from), and are counted per problem in
 * {@value #DEAD_LETTERS_STORE}.
 */
public final class ClickstreamTopology
{
    public static final String TOTALS_STORE = "clickstream-totals";
    public static final String DEAD_LETTERS_STORE = "clickstream-dead-letters";
    public static final String PROBLEM_HEADER = "clickstream.problem";
    public static final String ERROR_HEADER = "clickstream.error";
    public static final String SOURCE_HEADER = "clickstream.source";
    public static final Duration WINDOW = Duration.ofSeconds(1);
    public static final Duration GRACE = Duration.ofHours(1);
    public static final Duration RETENTION = Duration.ofDays(1);
    static final Serde<Key> KEY_SERDE = Serdes.serdeFrom(new KeySerializer(), new KeyDeserializer());
    static final Serde<Totals> TOTALS_SERDE = Serdes.serdeFrom(new TotalsSerializer(), new TotalsDeserializer());
    private static final Logger log = LoggerFactory.getLogger(ClickstreamTopology.class);

    private ClickstreamTopology()
    {
    }

    /** The dead-letter topic of the clicks' topic. */
    public static String deadLetterTopic(String topic)
    {
        return topic + "-dlq";
    }

    /** The speed layer over the clicks of {@code topic}. */
    public static Topology build(String topic)
    {
        StreamsBuilder builder = new StreamsBuilder();
        build(builder, topic);
        return builder.build();
    }

    public static void build(StreamsBuilder builder, String topic)
    {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DEAD_LETTERS_STORE), Serdes.String(), Serdes.Long()));
        builder.stream(topic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withTimestampExtractor(new ClickTimeExtractor()).withName("clicks"))
                .processValues(Parse::new, Named.as("parse"), DEAD_LETTERS_STORE)
                .split(Named.as("parsed-"))
                .branch((key, outcome) -> outcome instanceof Counted, Branched.withConsumer(counted -> counted
                        .map((key, outcome) -> KeyValue.pair(ClickstreamView.key(((Counted) outcome).event()), Totals.of(((Counted) outcome).event())),
                                Named.as("key-by-product-and-zipcode"))
                        .groupByKey(Grouped.with("by-product-and-zipcode", KEY_SERDE, TOTALS_SERDE))
                        .windowedBy(TimeWindows.ofSizeAndGrace(WINDOW, GRACE))
                        .reduce(Totals::plus, Named.as("fold-totals"), Materialized.<Key, Totals, WindowStore<Bytes, byte[]>>as(TOTALS_STORE)
                                .withKeySerde(KEY_SERDE)
                                .withValueSerde(TOTALS_SERDE)
                                .withRetention(RETENTION)), "counted"))
                .branch((key, outcome) -> outcome instanceof DeadLetter, Branched.withConsumer(dead -> dead
                        .mapValues(outcome -> ((DeadLetter) outcome).bytes(), Named.as("original-bytes"))
                        .to(deadLetterTopic(topic), Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("dead-letters")), "dead-letter"))
                .noDefaultBranch();
    }

    /**
     * A click's time from its {@code timestamp}. Bytes that are not a click keep the time of the partition so far (else
     * the record's own): a negative time would make Kafka Streams drop them unseen, where the parser sends them to the
     * dead-letter topic.
     */
    static final class ClickTimeExtractor
            implements TimestampExtractor
    {
        @Override
        public long extract(ConsumerRecord<Object, Object> record, long partitionTime)
        {
            try {
                return ClickstreamEvent.parse((byte[]) record.value()).timestamp().toEpochMilli();
            }
            catch (InvalidEventException e) {
                return partitionTime >= 0 ? partitionTime : Math.max(record.timestamp(), 0);
            }
        }
    }

    sealed interface Outcome
            permits Counted, DeadLetter
    {
    }

    record Counted(ClickstreamEvent event)
            implements Outcome
    {
    }

    record DeadLetter(byte[] bytes)
            implements Outcome
    {
    }

    private static final class Parse
            implements FixedKeyProcessor<byte[], byte[], Outcome>
    {
        private FixedKeyProcessorContext<byte[], Outcome> context;
        private KeyValueStore<String, Long> deadLetters;

        @Override
        public void init(FixedKeyProcessorContext<byte[], Outcome> context)
        {
            this.context = context;
            this.deadLetters = context.getStateStore(DEAD_LETTERS_STORE);
        }

        @Override
        public void process(FixedKeyRecord<byte[], byte[]> record)
        {
            try {
                context.forward(record.withValue(new Counted(ClickstreamEvent.parse(record.value()))));
            }
            catch (InvalidEventException e) {
                String source = context.recordMetadata()
                        .map(metadata -> metadata.topic() + "/" + metadata.partition() + "/" + metadata.offset())
                        .orElse("unknown");
                log.warn("dead-lettering the record at {}: {}", source, e.getMessage());
                String problem = e.problem().name();
                Long before = deadLetters.get(problem);
                deadLetters.put(problem, before == null ? 1 : before + 1);
                FixedKeyRecord<byte[], Outcome> dead = record.withValue(new DeadLetter(record.value()));
                dead.headers().add(PROBLEM_HEADER, problem.getBytes(StandardCharsets.UTF_8));
                dead.headers().add(ERROR_HEADER, e.getMessage().getBytes(StandardCharsets.UTF_8));
                dead.headers().add(SOURCE_HEADER, source.getBytes(StandardCharsets.UTF_8));
                context.forward(dead);
            }
        }
    }

    /** A key as the zipcode's four bytes and the product's UTF-8. */
    private static final class KeySerializer
            implements Serializer<Key>
    {
        @Override
        public byte[] serialize(String topic, Key key)
        {
            if (key == null) {
                return null;
            }
            byte[] product = key.product().getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(Integer.BYTES + product.length).putInt(key.zipcode()).put(product).array();
        }
    }

    private static final class KeyDeserializer
            implements Deserializer<Key>
    {
        @Override
        public Key deserialize(String topic, byte[] bytes)
        {
            if (bytes == null) {
                return null;
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            int zipcode = buffer.getInt();
            return new Key(new String(bytes, Integer.BYTES, bytes.length - Integer.BYTES, StandardCharsets.UTF_8), zipcode);
        }
    }

    /** Totals as two longs: revenue, count. */
    private static final class TotalsSerializer
            implements Serializer<Totals>
    {
        @Override
        public byte[] serialize(String topic, Totals totals)
        {
            return totals == null ? null : ByteBuffer.allocate(2 * Long.BYTES).putLong(totals.revenue()).putLong(totals.count()).array();
        }
    }

    private static final class TotalsDeserializer
            implements Deserializer<Totals>
    {
        @Override
        public Totals deserialize(String topic, byte[] bytes)
        {
            if (bytes == null) {
                return null;
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            return new Totals(buffer.getLong(), buffer.getLong());
        }
    }
}
