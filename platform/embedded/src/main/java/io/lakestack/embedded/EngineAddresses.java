package io.lakestack.embedded;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * Where the endpoint finds its engines and how it reaches them: Kafka's bootstrap servers and the settings every Kafka
 * client of it takes (SASL, TLS), the S3-compatible object store with the credentials and region lakestack's own calls
 * sign with, the Hive Metastore's Thrift address, and Trino's HTTP address with the user queries run as. The embedded
 * stack makes one of its own engines; {@code --engines external} takes one from the user.
 *
 * @param trino empty when the stack runs without Trino
 * @param signObjectStoreRequests whether S3 requests forwarded to the object store are signed again with its credentials
 *         (an object store that checks signatures, as every external one does); the embedded one checks none
 */
public record EngineAddresses(
        String kafkaBootstrap,
        Map<String, String> kafkaProperties,
        URI objectStore,
        String objectStoreAccessKey,
        String objectStoreSecretKey,
        String objectStoreRegion,
        URI metastore,
        Optional<URI> trino,
        String trinoUser,
        boolean signObjectStoreRequests)
{
    /** The user the endpoint runs Trino queries as unless told otherwise. */
    public static final String DEFAULT_TRINO_USER = "lakestack";

    /** External engines: S3 requests forwarded to the object store are signed with its credentials. */
    public static EngineAddresses external(String kafkaBootstrap, Map<String, String> kafkaProperties, URI objectStore, String objectStoreAccessKey,
            String objectStoreSecretKey, String objectStoreRegion, URI metastore, Optional<URI> trino, String trinoUser)
    {
        return new EngineAddresses(kafkaBootstrap, kafkaProperties, objectStore, objectStoreAccessKey, objectStoreSecretKey, objectStoreRegion, metastore,
                trino, trinoUser, true);
    }

    public EngineAddresses
    {
        requireNonNull(kafkaBootstrap, "kafkaBootstrap is null");
        kafkaProperties = Map.copyOf(new TreeMap<>(requireNonNull(kafkaProperties, "kafkaProperties is null")));
        requireNonNull(objectStore, "objectStore is null");
        requireNonNull(objectStoreAccessKey, "objectStoreAccessKey is null");
        requireNonNull(objectStoreSecretKey, "objectStoreSecretKey is null");
        requireNonNull(objectStoreRegion, "objectStoreRegion is null");
        requireNonNull(metastore, "metastore is null");
        requireNonNull(trino, "trino is null");
        requireNonNull(trinoUser, "trinoUser is null");
        if (kafkaBootstrap.isBlank()) {
            throw new IllegalArgumentException("the Kafka bootstrap servers are empty");
        }
        for (String server : kafkaBootstrap.split(",")) {
            hostAndPort("Kafka bootstrap server", server.trim());
        }
        for (String key : kafkaProperties.keySet()) {
            requireClientSetting(key);
        }
        requireHttp("object store", objectStore);
        if (!"thrift".equals(metastore.getScheme()) || metastore.getHost() == null || metastore.getPort() < 0) {
            throw new IllegalArgumentException("the metastore URI must be thrift://HOST:PORT, not " + metastore);
        }
        trino.ifPresent(uri -> requireHttp("Trino", uri));
        if (trinoUser.isBlank()) {
            throw new IllegalArgumentException("the Trino user is empty");
        }
    }

    /** The metastore's host. */
    String metastoreHost()
    {
        return metastore.getHost();
    }

    /** The metastore's Thrift port. */
    int metastorePort()
    {
        return metastore.getPort();
    }

    /**
     * A Kafka setting lakestack passes to every client it makes must be one every kind of client takes (admin,
     * producer, consumer): a setting only some take would be ignored by the others, or refused by them at run time.
     * {@code bootstrap.servers} has its own option.
     */
    static void requireClientSetting(String key)
    {
        if (key.equals(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new IllegalArgumentException("Kafka property bootstrap.servers: give the bootstrap servers with --kafka-bootstrap (kafka.bootstrap in the "
                    + "config file)");
        }
        if (!CLIENT_SETTINGS.contains(key)) {
            throw new IllegalArgumentException("Kafka property " + key + " is not a setting every Kafka client takes (admin, producer and consumer): "
                    + "lakestack passes these properties to every client it makes, so it accepts only such settings (security.protocol, sasl.*, ssl.*, ...)");
        }
    }

    private static final Set<String> CLIENT_SETTINGS = clientSettings();

    private static Set<String> clientSettings()
    {
        Set<String> common = new java.util.HashSet<>(AdminClientConfig.configNames());
        common.retainAll(ProducerConfig.configNames());
        common.retainAll(ConsumerConfig.configNames());
        return Set.copyOf(common);
    }

    /** {@code host:port}, the port a number from 1 to 65535. */
    static void hostAndPort(String what, String address)
    {
        int colon = address.lastIndexOf(':');
        boolean valid = colon > 0 && colon < address.length() - 1;
        if (valid) {
            try {
                int port = Integer.parseInt(address.substring(colon + 1));
                valid = port >= 1 && port <= 65535;
            }
            catch (NumberFormatException e) {
                valid = false;
            }
        }
        if (!valid) {
            throw new IllegalArgumentException("the " + what + " must be HOST:PORT, not '" + address + "'");
        }
    }

    private static void requireHttp(String what, URI uri)
    {
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("the " + what + " URL must be http://HOST[:PORT] or https://HOST[:PORT], not " + uri);
        }
    }
}
