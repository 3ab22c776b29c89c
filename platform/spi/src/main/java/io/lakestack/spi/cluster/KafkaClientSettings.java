package io.lakestack.spi.cluster;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * The settings every Kafka client of one cluster needs besides {@code bootstrap.servers}: its security settings
 * ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}) and the like, by the cluster's bootstrap servers. The
 * wiring registers them once for the Kafka lakestack runs on; every place that makes a Kafka client passes its
 * configuration through {@link #complete}, which adds the settings of the cluster its {@code bootstrap.servers} names.
 * A cluster nobody registered (the embedded Kafka, a cluster of an event source mapping) gets nothing added.
 */
public final class KafkaClientSettings
{
    private static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    private static final Map<String, Map<String, String>> CLUSTERS = new ConcurrentHashMap<>();

    private KafkaClientSettings()
    {
    }

    /**
     * Registers the settings of the cluster at these bootstrap servers.
     *
     * @throws IllegalStateException when other settings are registered for the same bootstrap servers already
     */
    public static void register(String bootstrapServers, Map<String, String> settings)
    {
        requireNonNull(bootstrapServers, "bootstrapServers is null");
        Map<String, String> copy = Map.copyOf(settings);
        if (copy.containsKey(BOOTSTRAP_SERVERS)) {
            throw new IllegalArgumentException("bootstrap.servers is not one of a cluster's client settings: it is the key they are registered by");
        }
        Map<String, String> before = CLUSTERS.putIfAbsent(bootstrapServers, copy);
        if (before != null && !before.equals(copy)) {
            throw new IllegalStateException("other Kafka client settings are registered for " + bootstrapServers + " already");
        }
    }

    /** The settings registered for the cluster at these bootstrap servers; empty when none are. */
    public static Map<String, String> of(String bootstrapServers)
    {
        return CLUSTERS.getOrDefault(requireNonNull(bootstrapServers, "bootstrapServers is null"), Map.of());
    }

    /** A client configuration with the registered settings of the cluster its {@code bootstrap.servers} names added. */
    public static Map<String, Object> complete(Map<String, ?> config)
    {
        Map<String, Object> completed = new HashMap<>(config);
        Object bootstrapServers = config.get(BOOTSTRAP_SERVERS);
        if (bootstrapServers != null) {
            completed.putAll(of(bootstrapServers.toString()));
        }
        return completed;
    }

    /** The same for a {@link java.util.Properties} configuration. */
    public static java.util.Properties complete(java.util.Properties config)
    {
        java.util.Properties completed = new java.util.Properties();
        completed.putAll(config);
        Object bootstrapServers = config.get(BOOTSTRAP_SERVERS);
        if (bootstrapServers != null) {
            completed.putAll(of(bootstrapServers.toString()));
        }
        return completed;
    }
}
