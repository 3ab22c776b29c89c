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
 * A cluster nobody registered (the embedded Kafka, a cluster of an event source mapping) gets nothing added. The
 * settings stay registered while a registration of them is open.
 */
public final class KafkaClientSettings
{
    private static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    private static final Map<String, Registered> CLUSTERS = new ConcurrentHashMap<>();

    private record Registered(Map<String, String> settings, int holders) {}

    /** A registration; closing it releases the settings once no other registration of them is open. */
    public interface Registration
            extends AutoCloseable
    {
        @Override
        void close();
    }

    private KafkaClientSettings()
    {
    }

    /**
     * Registers the settings of the cluster at these bootstrap servers, until the registration is closed.
     *
     * @throws IllegalStateException when other settings are registered for the same bootstrap servers
     */
    public static Registration register(String bootstrapServers, Map<String, String> settings)
    {
        requireNonNull(bootstrapServers, "bootstrapServers is null");
        Map<String, String> copy = Map.copyOf(settings);
        if (copy.containsKey(BOOTSTRAP_SERVERS)) {
            throw new IllegalArgumentException("bootstrap.servers is not one of a cluster's client settings: it is the key they are registered by");
        }
        CLUSTERS.compute(bootstrapServers, (servers, registered) -> {
            if (registered == null) {
                return new Registered(copy, 1);
            }
            if (!registered.settings().equals(copy)) {
                throw new IllegalStateException("other Kafka client settings are registered for " + bootstrapServers + " already");
            }
            return new Registered(copy, registered.holders() + 1);
        });
        java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean(true);
        return () -> {
            if (open.getAndSet(false)) {
                CLUSTERS.computeIfPresent(bootstrapServers, (servers, registered) -> registered.holders() == 1 ? null
                        : new Registered(registered.settings(), registered.holders() - 1));
            }
        };
    }

    /** The settings registered for the cluster at these bootstrap servers; empty when none are. */
    public static Map<String, String> of(String bootstrapServers)
    {
        Registered registered = CLUSTERS.get(requireNonNull(bootstrapServers, "bootstrapServers is null"));
        return registered == null ? Map.of() : registered.settings();
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
