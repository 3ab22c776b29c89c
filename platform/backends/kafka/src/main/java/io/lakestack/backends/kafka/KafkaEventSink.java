package io.lakestack.backends.kafka;

import io.lakestack.spi.ServiceException;
import io.lakestack.spi.cluster.KafkaClientSettings;
import io.lakestack.spi.events.EventSink;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/** Publishes events to Kafka topics, creating each topic on first use with {@code partitions} partitions. */
public final class KafkaEventSink
        implements EventSink, AutoCloseable
{
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final KafkaProducer<String, byte[]> producer;
    private final KafkaTopics topics;
    private final int partitions;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    public KafkaEventSink(String bootstrapServers, KafkaTopics topics, int partitions)
    {
        this.topics = requireNonNull(topics, "topics is null");
        this.partitions = partitions;
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "lakestack-events");
        producer = new KafkaProducer<>(KafkaClientSettings.complete(config), new StringSerializer(), new ByteArraySerializer());
    }

    @Override
    public void declare(String topic)
    {
        if (!known.contains(topic)) {
            topics.ensure(topic, partitions, Map.of());
            known.add(topic);
        }
    }

    /** One partition, timestamps set by the broker when it appends (so that they never go back in the log). */
    @Override
    public void declareOrdered(String topic)
    {
        if (!known.contains(topic)) {
            topics.ensure(topic, 1, Map.of("message.timestamp.type", "LogAppendTime"));
            known.add(topic);
        }
    }

    @Override
    public void publish(String topic, String key, byte[] value, Map<String, String> headers)
    {
        declare(topic);
        send(topic, key, value, headers);
    }

    @Override
    public long publishOrdered(String topic, String key, byte[] value, Map<String, String> headers)
    {
        declareOrdered(topic);
        return send(topic, key, value, headers).offset();
    }

    private RecordMetadata send(String topic, String key, byte[] value, Map<String, String> headers)
    {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
        headers.forEach((name, header) -> record.headers().add(name, header.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        try {
            return producer.send(record).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ServiceException.external("ServiceUnavailable", "interrupted while publishing an event to " + topic, e);
        }
        catch (ExecutionException | TimeoutException e) {
            throw ServiceException.external("ServiceUnavailable", "cannot publish an event to Kafka topic " + topic + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close()
    {
        producer.close(Duration.ofSeconds(5));
    }
}
