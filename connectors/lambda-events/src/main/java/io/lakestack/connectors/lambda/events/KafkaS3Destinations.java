package io.lakestack.connectors.lambda.events;

import io.lakestack.spi.cluster.KafkaClientSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/**
 * {@link Destinations} on lakestack's Kafka (a topic is created on first use, with the broker's default partitions) and
 * an S3 client (of lakestack's endpoint, so that S3 notifications fire for the objects, or of AWS).
 */
public final class KafkaS3Destinations
        implements Destinations, AutoCloseable
{
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final KafkaProducer<String, byte[]> producer;
    private final Admin admin;
    private final S3Client s3;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    public KafkaS3Destinations(String bootstrapServers, S3Client s3)
    {
        this.s3 = requireNonNull(s3, "s3 is null");
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "lakestack-lambda-destinations");
        this.producer = new KafkaProducer<>(KafkaClientSettings.complete(config), new StringSerializer(), new ByteArraySerializer());
        this.admin = Admin.create(KafkaClientSettings.complete(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers)));
    }

    @Override
    public void publish(String topic, String key, byte[] value, Map<String, String> headers)
            throws DestinationException
    {
        try {
            if (!known.contains(topic)) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty()))).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
                catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
                known.add(topic);
            }
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
            headers.forEach((name, header) -> record.headers().add(name, header.getBytes(StandardCharsets.UTF_8)));
            producer.send(record).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DestinationException("interrupted while publishing to Kafka topic " + topic, e);
        }
        catch (ExecutionException | TimeoutException e) {
            throw new DestinationException("cannot publish to Kafka topic " + topic + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void putObject(String bucket, String key, byte[] body)
            throws DestinationException
    {
        try {
            s3.putObject(request -> request.bucket(bucket).key(key).contentType("application/json"), RequestBody.fromBytes(body));
        }
        catch (SdkException e) {
            throw new DestinationException("cannot put s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close()
    {
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }
}
