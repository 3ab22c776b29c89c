package io.lakestack.connectors.consumers;

import io.lakestack.spi.cluster.KafkaClientSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/** The topics a connector's consumers and producers need, created when they are missing. */
public final class Topics
{
    private Topics() {}

    /**
     * Creates each of the topics that does not exist yet, as described; one that exists is left as it is.
     *
     * @throws IllegalStateException when a topic cannot be created within 30 s
     */
    public static void ensure(String bootstrapServers, List<NewTopic> topics)
    {
        requireNonNull(bootstrapServers, "bootstrapServers is null");
        requireNonNull(topics, "topics is null");
        try (Admin admin = Admin.create(KafkaClientSettings.complete(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers)))) {
            for (NewTopic topic : topics) {
                try {
                    admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                }
                catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create the Kafka topic " + topic.name(), e.getCause());
                    }
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted creating the Kafka topic " + topic.name(), e);
                }
                catch (TimeoutException e) {
                    throw new IllegalStateException("timed out creating the Kafka topic " + topic.name(), e);
                }
            }
        }
    }
}
