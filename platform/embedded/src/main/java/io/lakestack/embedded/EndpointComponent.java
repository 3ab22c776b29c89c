package io.lakestack.embedded;

import io.lakestack.server.EndpointConfig;
import io.lakestack.server.EndpointServer;
import io.lakestack.server.ServiceHandler;
import io.lakestack.server.kafka.KafkaBucketNotificationStore;
import io.lakestack.server.kafka.KafkaEventSink;
import io.lakestack.server.kafka.KafkaTable;
import io.lakestack.server.kafka.KafkaTopics;
import io.lakestack.server.s3.S3Gateway;
import io.lakestack.spi.stack.ComponentStatus;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The AWS-compatible endpoint with the local backends of its services: S3 through the object store, notification
 * configurations and events in Kafka.
 */
final class EndpointComponent
        extends Component
{
    private final EndpointConfig config;
    private final String kafkaBootstrap;
    private final URI objectStore;
    private final Supplier<List<ComponentStatus>> health;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private EndpointServer server;

    EndpointComponent(EndpointConfig config, String kafkaBootstrap, URI objectStore, Supplier<List<ComponentStatus>> health,
            StackListener listener)
    {
        super("endpoint", listener);
        this.config = config;
        this.kafkaBootstrap = kafkaBootstrap;
        this.objectStore = objectStore;
        this.health = health;
    }

    String url()
    {
        String host = config.bindAddress().equals("0.0.0.0") ? "127.0.0.1" : config.bindAddress();
        return "http://" + host + ":" + config.port();
    }

    @Override
    String plannedAddress()
    {
        return url();
    }

    @Override
    void doStart()
            throws Exception
    {
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap));
        resources.add(admin);
        KafkaTopics topics = new KafkaTopics(admin, Duration.ofSeconds(30));
        KafkaTable notificationTable = new KafkaTable(kafkaBootstrap, KafkaBucketNotificationStore.TOPIC, topics);
        resources.add(notificationTable);
        KafkaEventSink events = new KafkaEventSink(kafkaBootstrap, topics, 3);
        resources.add(events);
        List<ServiceHandler> services = List.of(
                new S3Gateway(objectStore, new KafkaBucketNotificationStore(notificationTable), events, config.accountId(),
                        config.hostnames(), Clock.systemUTC()));
        server = new EndpointServer(config, services, health).start();
    }

    /** Creates a bucket the stack itself needs, directly in the object store, once that is ready. */
    void ensureBucket(String bucket)
    {
        try {
            createIfMissing(bucket);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException(name(), "interrupted while creating bucket " + bucket);
        }
        catch (java.io.IOException e) {
            throw new StackException(name(), "cannot create bucket " + bucket + " in the object store: " + e.getMessage(), e);
        }
    }

    private void createIfMissing(String bucket)
            throws java.io.IOException, InterruptedException
    {
        HttpClient http = HttpClient.newHttpClient();
        URI uri = objectStore.resolve("/" + bucket);
        int status = http.send(HttpRequest.newBuilder(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status == 404) {
            int created = http.send(HttpRequest.newBuilder(uri).PUT(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            if (created != 200) {
                throw new StackException(name(), "cannot create the warehouse bucket " + bucket + " (object store answered " + created + ")");
            }
        }
    }

    @Override
    void doStop()
    {
        if (server != null) {
            server.close();
            server = null;
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            }
            catch (Exception ignored) {
                // closing what is left
            }
        }
        resources.clear();
    }
}
