package io.lakestack.backends.kafka;

import io.lakestack.spi.cluster.KafkaClientSettings;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import static java.util.Objects.requireNonNull;

/**
 * Kafka consumers for reads at positions the caller assigns (no group, nothing committed), lent out one call at a
 * time: a few are kept for reuse, any more that concurrent calls need are opened and closed around the call.
 */
final class KafkaReaders
        implements AutoCloseable
{
    /** A read with a consumer of this pool; the consumer is unsubscribed (unassigned) after it. */
    interface ReaderCall<T>
    {
        T apply(KafkaConsumer<byte[], byte[]> consumer);
    }

    private final String bootstrapServers;
    private final String clientId;
    private final BlockingQueue<KafkaConsumer<byte[], byte[]>> idle;
    private final List<KafkaConsumer<byte[], byte[]>> all = new ArrayList<>();

    /**
     * @param kept how many consumers are kept for reuse
     */
    KafkaReaders(String bootstrapServers, String clientId, int kept)
    {
        this.bootstrapServers = requireNonNull(bootstrapServers, "bootstrapServers is null");
        this.clientId = requireNonNull(clientId, "clientId is null");
        this.idle = new ArrayBlockingQueue<>(kept);
    }

    <T> T withReader(ReaderCall<T> call)
    {
        KafkaConsumer<byte[], byte[]> consumer = idle.poll();
        if (consumer == null) {
            consumer = open();
        }
        try {
            return call.apply(consumer);
        }
        finally {
            consumer.unsubscribe();
            if (!idle.offer(consumer)) {
                consumer.close(Duration.ofSeconds(1));
                synchronized (all) {
                    all.remove(consumer);
                }
            }
        }
    }

    private KafkaConsumer<byte[], byte[]> open()
    {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 10 * 1024 * 1024);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(KafkaClientSettings.complete(config), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        synchronized (all) {
            all.add(consumer);
        }
        return consumer;
    }

    @Override
    public void close()
    {
        synchronized (all) {
            all.forEach(consumer -> consumer.close(Duration.ofSeconds(1)));
            all.clear();
        }
        idle.clear();
    }
}
