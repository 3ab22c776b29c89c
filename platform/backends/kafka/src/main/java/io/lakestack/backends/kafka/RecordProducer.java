package io.lakestack.backends.kafka;

import io.lakestack.spi.cluster.KafkaClientSettings;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/**
 * Writes the records of a put API (Kinesis {@code PutRecords}, Firehose {@code PutRecordBatch}): idempotent, acknowledged
 * by every in-sync replica, batched across concurrent requests; a call returns once Kafka has every record, or says
 * which it failed.
 */
public final class RecordProducer
        implements AutoCloseable
{
    private static final long ACK_TIMEOUT_SECONDS = 30;

    private final KafkaProducer<byte[], byte[]> producer;

    public RecordProducer(String bootstrapServers, String clientId)
    {
        requireNonNull(bootstrapServers, "bootstrapServers is null");
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 1024 * 1024);
        config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, requireNonNull(clientId, "clientId is null"));
        producer = new KafkaProducer<>(KafkaClientSettings.complete(config), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends the records in order and waits for each; a record Kafka did not acknowledge is empty in its place. */
    public List<Optional<RecordMetadata>> sendAll(List<ProducerRecord<byte[], byte[]>> records)
    {
        List<Future<RecordMetadata>> sends = new ArrayList<>(records.size());
        for (ProducerRecord<byte[], byte[]> record : records) {
            sends.add(producer.send(record));
        }
        List<Optional<RecordMetadata>> acknowledged = new ArrayList<>(records.size());
        for (Future<RecordMetadata> send : sends) {
            try {
                acknowledged.add(Optional.of(send.get(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS)));
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                acknowledged.add(Optional.empty());
            }
            catch (ExecutionException | TimeoutException e) {
                acknowledged.add(Optional.empty());
            }
        }
        return acknowledged;
    }

    /** Waits up to five seconds for records still being sent. */
    @Override
    public void close()
    {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
