package io.lakestack.cli;

import io.lakestack.embedded.EngineAddresses;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which engines a stack runs on: the embedded ones (the default), or engines that run already ({@code --engines
 * external}), from flags and from a properties file ({@code --config FILE}); a flag overrides the file's key. A key the
 * file may not have, or a setting that cannot apply to the engines chosen, is refused with the reason.
 *
 * <pre>
 * engines=external
 * kafka.bootstrap=broker-1:9092,broker-2:9092
 * kafka.property.security.protocol=SASL_SSL
 * s3.endpoint=http://minio:9000
 * s3.access-key=minio
 * s3.secret-key=minio123
 * s3.region=us-east-1
 * metastore.uri=thrift://metastore:9083
 * trino.uri=http://trino:8080
 * trino.user=lakestack
 * </pre>
 */
final class EngineOptions
{
    static final String ENGINES = "engines";
    static final String KAFKA_BOOTSTRAP = "kafka.bootstrap";
    static final String KAFKA_PROPERTY = "kafka.property.";
    static final String S3_ENDPOINT = "s3.endpoint";
    static final String S3_ACCESS_KEY = "s3.access-key";
    static final String S3_SECRET_KEY = "s3.secret-key";
    static final String S3_REGION = "s3.region";
    static final String METASTORE_URI = "metastore.uri";
    static final String TRINO_URI = "trino.uri";
    static final String TRINO_USER = "trino.user";
    private static final Set<String> KEYS = Set.of(ENGINES, KAFKA_BOOTSTRAP, S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY, S3_REGION, METASTORE_URI, TRINO_URI,
            TRINO_USER);
    /** The flag of each key, for messages. */
    private static final Map<String, String> FLAGS = Map.of(ENGINES, "--engines", KAFKA_BOOTSTRAP, "--kafka-bootstrap", S3_ENDPOINT, "--s3-endpoint",
            S3_ACCESS_KEY, "--s3-access-key", S3_SECRET_KEY, "--s3-secret-key", S3_REGION, "--s3-region", METASTORE_URI, "--metastore-uri", TRINO_URI,
            "--trino-uri", TRINO_USER, "--trino-user");

    @Option(names = "--engines", paramLabel = "embedded|external", description = "Start the embedded engines (default), or run on engines that run "
            + "already (Kafka, an S3-compatible object store, a Hive Metastore, Trino), starting none.")
    String engines;

    @Option(names = "--config", paramLabel = "FILE", description = "A properties file with the engine settings (engines, kafka.bootstrap, "
            + "kafka.property.KEY, s3.endpoint, s3.access-key, s3.secret-key, s3.region, metastore.uri, trino.uri, trino.user); flags override it.")
    Path config;

    @Option(names = "--kafka-bootstrap", paramLabel = "HOST:PORT[,...]", description = "External Kafka's bootstrap servers.")
    String kafkaBootstrap;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE", description = "A setting every Kafka client lakestack makes takes (SASL, TLS: "
            + "security.protocol, sasl.*, ssl.*); repeatable. External Kafka only.")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Option(names = "--s3-endpoint", paramLabel = "URL", description = "External S3-compatible object store, e.g. http://minio:9000.")
    String s3Endpoint;

    @Option(names = "--s3-access-key", paramLabel = "ID", description = "Access key lakestack signs its own object store calls with (default: the "
            + "endpoint's --access-key).")
    String s3AccessKey;

    @Option(names = "--s3-secret-key", paramLabel = "SECRET", description = "Its secret key (default: the endpoint's --secret-key).")
    String s3SecretKey;

    @Option(names = "--s3-region", paramLabel = "REGION", description = "The object store's region (default: us-east-1).")
    String s3Region;

    @Option(names = "--metastore-uri", paramLabel = "thrift://HOST:PORT", description = "External Hive Metastore.")
    String metastoreUri;

    @Option(names = "--trino-uri", paramLabel = "URL", description = "External Trino, e.g. http://trino:8080; it needs a Hive catalog named "
            + "awsdatacatalog on the same metastore.")
    String trinoUri;

    @Option(names = "--trino-user", paramLabel = "USER", description = "The Trino user Athena's queries run as (default: lakestack).")
    String trinoUser;

    /** The settings: the file's, then the flags over them. */
    Map<String, String> settings()
    {
        Map<String, String> settings = new TreeMap<>(config == null ? Map.of() : read(config));
        put(settings, ENGINES, engines);
        put(settings, KAFKA_BOOTSTRAP, kafkaBootstrap);
        kafkaProperties.forEach((key, value) -> settings.put(KAFKA_PROPERTY + key, value));
        put(settings, S3_ENDPOINT, s3Endpoint);
        put(settings, S3_ACCESS_KEY, s3AccessKey);
        put(settings, S3_SECRET_KEY, s3SecretKey);
        put(settings, S3_REGION, s3Region);
        put(settings, METASTORE_URI, metastoreUri);
        put(settings, TRINO_URI, trinoUri);
        put(settings, TRINO_USER, trinoUser);
        return settings;
    }

    private static void put(Map<String, String> settings, String key, String value)
    {
        if (value != null) {
            settings.put(key, value);
        }
    }

    /** The properties of a config file; a key it may not have is refused. */
    static Map<String, String> read(Path file)
    {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        catch (IOException e) {
            throw new IllegalArgumentException("cannot read the config file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> settings = new TreeMap<>();
        List<String> unknown = new ArrayList<>();
        for (String key : properties.stringPropertyNames()) {
            if (KEYS.contains(key) || (key.startsWith(KAFKA_PROPERTY) && key.length() > KAFKA_PROPERTY.length())) {
                settings.put(key, properties.getProperty(key).trim());
            }
            else {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("the config file " + file + " has keys lakestack does not know: " + String.join(", ", unknown.stream().sorted().toList()) + "; it knows " + String.join(", ",
                    KEYS.stream().sorted().toList()) + " and " + KAFKA_PROPERTY + "KEY");
        }
        return settings;
    }

    /** Whether the settings ask for external engines; refuses an engines value other than embedded and external. */
    static boolean external(Map<String, String> settings)
    {
        String engines = settings.getOrDefault(ENGINES, "embedded");
        return switch (engines) {
            case "embedded" -> false;
            case "external" -> true;
            default -> throw new IllegalArgumentException("--engines must be embedded or external, not '" + engines + "'");
        };
    }

    /** The Kafka client settings asked for (keys without their {@code kafka.property.} prefix). */
    static Map<String, String> kafkaProperties(Map<String, String> settings)
    {
        Map<String, String> properties = new TreeMap<>();
        settings.forEach((key, value) -> {
            if (key.startsWith(KAFKA_PROPERTY)) {
                properties.put(key.substring(KAFKA_PROPERTY.length()), value);
            }
        });
        return properties;
    }

    /**
     * The external engines the settings name.
     *
     * @param withTrino whether the stack runs with Trino (then trino.uri is required; without, it is refused)
     * @param accessKey the endpoint's access key, the object store's by default
     */
    static EngineAddresses externalEngines(Map<String, String> settings, boolean withTrino, String accessKey, String secretKey)
    {
        Optional<URI> trino = Optional.ofNullable(settings.get(TRINO_URI)).map(uri -> uri(TRINO_URI, uri));
        if (withTrino && trino.isEmpty()) {
            throw new IllegalArgumentException("--engines external needs Trino's address (--trino-uri, or trino.uri in the config file), or --no-trino");
        }
        if (!withTrino && trino.isPresent()) {
            throw new IllegalArgumentException("--no-trino and Trino's address (--trino-uri, or trino.uri in the config file) contradict each other");
        }
        if (!withTrino && settings.containsKey(TRINO_USER)) {
            throw new IllegalArgumentException("--trino-user (trino.user in the config file) applies to a stack with Trino, not with --no-trino");
        }
        return EngineAddresses.external(required(settings, KAFKA_BOOTSTRAP), kafkaProperties(settings), uri(S3_ENDPOINT, required(settings, S3_ENDPOINT)),
                settings.getOrDefault(S3_ACCESS_KEY, accessKey), settings.getOrDefault(S3_SECRET_KEY, secretKey), settings.getOrDefault(S3_REGION, "us-east-1"),
                uri(METASTORE_URI, required(settings, METASTORE_URI)), trino, settings.getOrDefault(TRINO_USER, EngineAddresses.DEFAULT_TRINO_USER));
    }

    /** Refuses every engine setting but the Kafka properties (which the stack refuses itself) when the engines are embedded. */
    static void requireNoneForEmbedded(Map<String, String> settings)
    {
        List<String> given = settings.keySet().stream().filter(key -> !key.equals(ENGINES) && !key.startsWith(KAFKA_PROPERTY)).map(FLAGS::get).sorted().toList();
        if (!given.isEmpty()) {
            throw new IllegalArgumentException(String.join(", ", given) + " apply to external engines only (--engines external); the embedded stack starts "
                    + "its own");
        }
    }

    private static String required(Map<String, String> settings, String key)
    {
        String value = settings.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--engines external needs " + FLAGS.get(key) + " (" + key + " in the config file)");
        }
        return value;
    }

    private static URI uri(String key, String value)
    {
        try {
            return new URI(value);
        }
        catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(FLAGS.get(key) + " (" + key + "): not a URI: " + value);
        }
    }
}
