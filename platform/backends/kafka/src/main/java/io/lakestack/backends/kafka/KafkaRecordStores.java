package io.lakestack.backends.kafka;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import io.lakestack.spi.cluster.KafkaClientSettings;
import io.lakestack.spi.store.RecordStore;
import io.lakestack.spi.store.RecordStores;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * {@link RecordStores} in compacted Kafka topics: the store {@code kinesis.streams} is the topic
 * {@value #TOPIC_PREFIX}{@code kinesis.streams}. Records are bound by their fields (a record's components), so a
 * method such as {@code isEmpty()} never becomes a stored property.
 */
public final class KafkaRecordStores
        implements RecordStores, AutoCloseable
{
    public static final String TOPIC_PREFIX = "_lakestack.";
    private static final Pattern NAME = Pattern.compile("[a-z0-9]+([.-][a-z0-9]+)*");

    private final String bootstrapServers;
    private final KafkaTopics topics;
    private final ObjectMapper mapper;
    private final KafkaProducer<String, byte[]> producer;
    private final Map<String, KafkaRecordStore<?>> stores = new ConcurrentHashMap<>();

    public KafkaRecordStores(String bootstrapServers, KafkaTopics topics)
    {
        this.bootstrapServers = requireNonNull(bootstrapServers, "bootstrapServers is null");
        this.topics = requireNonNull(topics, "topics is null");
        this.mapper = mapper();
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // a put waits for its write: send at once (Kafka 4 lingers 5 ms by default); writes made while others are on
        // their way still go together, up to five requests in flight
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "lakestack-record-stores");
        this.producer = new KafkaProducer<>(KafkaClientSettings.complete(config), new StringSerializer(), new ByteArraySerializer());
    }

    /** The JSON binding of stored records: by field, absent optionals as {@code null}, unknown properties ignored. */
    static ObjectMapper mapper()
    {
        return new ObjectMapper()
                .registerModule(new Jdk8Module())
                .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
                .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> RecordStore<T> open(String name, Class<T> type)
    {
        if (!NAME.matcher(requireNonNull(name, "name is null")).matches()) {
            throw new IllegalArgumentException("a record store name is lower-case words joined by '.' or '-', not '" + name + "'");
        }
        KafkaRecordStore<?> store = stores.computeIfAbsent(name, ignored -> new KafkaRecordStore<>(bootstrapServers, TOPIC_PREFIX + name, topics, producer, type, mapper));
        if (!store.type().equals(type)) {
            throw new IllegalArgumentException("record store " + name + " holds " + store.type().getName() + ", not " + type.getName());
        }
        return (RecordStore<T>) store;
    }

    @Override
    public void close()
    {
        List<KafkaRecordStore<?>> open = new ArrayList<>(stores.values());
        stores.clear();
        open.forEach(KafkaRecordStore::close);
        producer.close(Duration.ofSeconds(5));
    }
}
