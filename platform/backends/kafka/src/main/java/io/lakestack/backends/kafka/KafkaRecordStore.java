package io.lakestack.backends.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.spi.store.RecordStore;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static java.util.Objects.requireNonNull;

/**
 * A {@link RecordStore} over a {@link KafkaTable}: each record is a JSON document bound to {@code T} with Jackson,
 * keyed by the record's key; every instance keeps the decoded records of the whole topic in memory.
 */
final class KafkaRecordStore<T>
        implements RecordStore<T>, AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(KafkaRecordStore.class);

    private final String topic;
    private final Class<T> type;
    private final ObjectMapper mapper;
    private final ConcurrentSkipListMap<String, T> records = new ConcurrentSkipListMap<>();
    private final List<Listener<T>> listeners = new CopyOnWriteArrayList<>();
    private final KafkaTable table;

    KafkaRecordStore(String bootstrapServers, String topic, KafkaTopics topics, KafkaProducer<String, byte[]> producer, Class<T> type, ObjectMapper mapper)
    {
        this.topic = requireNonNull(topic, "topic is null");
        this.type = requireNonNull(type, "type is null");
        this.mapper = requireNonNull(mapper, "mapper is null");
        this.table = new KafkaTable(bootstrapServers, topic, topics, producer, this::apply);
    }

    private void apply(String key, byte[] value, long offset)
    {
        Optional<T> record;
        if (value == null) {
            records.remove(key);
            record = Optional.empty();
        }
        else {
            try {
                record = Optional.of(mapper.readValue(value, type));
            }
            catch (IOException | RuntimeException e) {
                log.warn("record {} at offset {} of Kafka topic {} does not read as a {} ({}); it is left there and not used", key, offset,
                        topic, type.getSimpleName(), e.toString());
                return;
            }
            records.put(key, record.get());
        }
        for (Listener<T> listener : listeners) {
            listener.changed(key, record);
        }
    }

    @Override
    public Optional<T> get(String key)
    {
        return Optional.ofNullable(records.get(requireNonNull(key, "key is null")));
    }

    @Override
    public void catchUp()
    {
        table.catchUp();
    }

    @Override
    public void put(String key, T record)
    {
        table.put(requireNonNull(key, "key is null"), json(key, record));
    }

    @Override
    public CompletableFuture<Void> putAsync(String key, T record)
    {
        return table.putAsync(requireNonNull(key, "key is null"), json(key, record));
    }

    private byte[] json(String key, T record)
    {
        requireNonNull(record, "record is null");
        try {
            return mapper.writeValueAsBytes(record);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write " + type.getSimpleName() + " " + key + " as JSON", e);
        }
    }

    @Override
    public void delete(String key)
    {
        if (records.containsKey(requireNonNull(key, "key is null"))) {
            table.put(key, null);
        }
    }

    @Override
    public SortedMap<String, T> all()
    {
        return new java.util.TreeMap<>(records);
    }

    @Override
    public SortedMap<String, T> range(String fromKey, String toKey)
    {
        return new java.util.TreeMap<>(records.subMap(fromKey, toKey));
    }

    @Override
    public void subscribe(Listener<T> listener)
    {
        listeners.add(requireNonNull(listener, "listener is null"));
    }

    Class<T> type()
    {
        return type;
    }

    @Override
    public void close()
    {
        table.close();
    }
}
