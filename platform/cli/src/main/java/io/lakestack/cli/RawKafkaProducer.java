package io.lakestack.cli;

import io.lakestack.backends.kafka.KafkaTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The benchmarks' baseline: a raw Kafka producer writing records durably ({@code acks=all}) to a topic of one
 * partition, created as lakestack creates a stream's (every partition led before the first send), on the stack's own
 * broker. Every record must be acknowledged, or the baseline fails.
 */
final class RawKafkaProducer
{
    private RawKafkaProducer() {}

    /** Writes every value, in order, and returns records per second from the first send to the last acknowledgement. */
    static double recordsPerSecond(String bootstrap, String topic, Iterator<byte[]> values)
            throws Exception
    {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            new KafkaTopics(admin, Duration.ofSeconds(30)).ensureRecords(topic, 1, Duration.ofHours(24));
        }
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 1024 * 1024);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        AtomicReference<Exception> failure = new AtomicReference<>();
        long count = 0;
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            while (values.hasNext()) {
                producer.send(new ProducerRecord<>(topic, 0, null, values.next()), (metadata, exception) -> {
                    if (exception != null) {
                        failure.compareAndSet(null, exception);
                    }
                });
                count++;
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("the baseline producer could not write every record to " + topic, failure.get());
        }
        return count / ((System.nanoTime() - start) / 1e9);
    }
}
