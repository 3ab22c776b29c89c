package io.lakestack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.lakestack.embedded.EngineAddresses;
import org.junit.jupiter.api.Test;

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
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The docker compose files, checked without Docker (none runs where lakestack is built): lakestack's config names
 * services of the file at the ports they expose, every engine is healthy before lakestack starts, every image is
 * pinned, and the README's table says what the file does.
 */
class ComposeFileTest
{
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path REPOSITORY = repository();
    private static final Path COMPOSE = REPOSITORY.resolve("compose");

    private static Path repository()
    {
        for (Path directory = Path.of("").toAbsolutePath(); directory != null; directory = directory.getParent()) {
            if (Files.exists(directory.resolve("compose/docker-compose.yml")) && Files.exists(directory.resolve("README.md"))) {
                return directory;
            }
        }
        throw new IllegalStateException("no compose/docker-compose.yml above " + Path.of("").toAbsolutePath());
    }

    private static JsonNode services(String file)
            throws IOException
    {
        return YAML.readTree(COMPOSE.resolve(file).toFile()).path("services");
    }

    /** The lakestack service's config file, as the container sees it, read as {@code up --config} reads it. */
    private static Map<String, String> lakestackSettings(JsonNode services)
    {
        JsonNode lakestack = services.path("lakestack");
        List<String> command = strings(lakestack.path("command"));
        String config = command.get(command.indexOf("--config") + 1);
        String mount = strings(lakestack.path("volumes")).stream().filter(volume -> volume.split(":")[1].equals(config)).findFirst().orElseThrow(
                () -> new AssertionError("the lakestack service mounts no file at " + config));
        return EngineOptions.read(COMPOSE.resolve(mount.split(":")[0]).normalize());
    }

    @Test
    void everyEngineLakestacksConfigNamesIsAServiceAtItsPortHealthyBeforeLakestack()
            throws IOException
    {
        JsonNode services = services("docker-compose.yml");
        Map<String, String> settings = lakestackSettings(services);
        assertThat(EngineOptions.external(settings)).isTrue();
        EngineAddresses engines = EngineOptions.externalEngines(settings, true, "test", "test");

        Map<String, Integer> named = new LinkedHashMap<>();
        for (String server : engines.kafkaBootstrap().split(",")) {
            named.put(server.substring(0, server.lastIndexOf(':')), Integer.parseInt(server.substring(server.lastIndexOf(':') + 1)));
        }
        for (URI uri : List.of(engines.objectStore(), engines.metastore(), engines.trino().orElseThrow())) {
            named.put(uri.getHost(), uri.getPort());
        }
        assertThat(named).containsExactly(Map.entry("kafka", 9092), Map.entry("minio", 9000), Map.entry("metastore", 9083), Map.entry("trino", 8080));
        JsonNode dependsOn = services.path("lakestack").path("depends_on");
        named.forEach((service, port) -> {
            assertThat(services.has(service)).as("service %s", service).isTrue();
            assertThat(strings(services.path(service).path("expose"))).as("ports %s exposes", service).contains(String.valueOf(port));
            assertThat(services.path(service).path("healthcheck").path("test").isMissingNode()).as("health check of %s", service).isFalse();
            assertThat(dependsOn.path(service).path("condition").asText()).as("lakestack waits for %s", service).isEqualTo("service_healthy");
        });

        // Trino's catalog is Athena's, on the same metastore and object store
        Properties catalog = properties(COMPOSE.resolve("trino/catalog/awsdatacatalog.properties"));
        assertThat(strings(services.path("trino").path("volumes"))).contains("./trino/catalog/awsdatacatalog.properties:/etc/trino/catalog/awsdatacatalog.properties:ro");
        assertThat(catalog.getProperty("connector.name")).isEqualTo("hive");
        assertThat(catalog.getProperty("hive.metastore.uri")).isEqualTo(engines.metastore().toString());
        assertThat(catalog.getProperty("s3.endpoint")).isEqualTo(engines.objectStore().toString());
        assertThat(catalog.getProperty("s3.aws-access-key")).isEqualTo(engines.objectStoreAccessKey());
        assertThat(catalog.getProperty("s3.aws-secret-key")).isEqualTo(engines.objectStoreSecretKey());
        // and MinIO's root user is what lakestack and Trino sign with
        JsonNode minio = services.path("minio").path("environment");
        assertThat(minio.path("MINIO_ROOT_USER").asText()).isEqualTo(engines.objectStoreAccessKey());
        assertThat(minio.path("MINIO_ROOT_PASSWORD").asText()).isEqualTo(engines.objectStoreSecretKey());

        // Kafka keeps its log on its volume, not in the container (the image's default log.dirs is under /tmp)
        String logDirs = services.path("kafka").path("environment").path("KAFKA_LOG_DIRS").asText();
        assertThat(strings(services.path("kafka").path("volumes"))).as("kafka's volumes").contains("kafka-data:" + logDirs);

        assertThat(strings(services.path("lakestack").path("ports"))).containsExactly("4566:4566");
        assertThat(strings(services.path("lakestack").path("command"))).containsSubsequence("--bind", "0.0.0.0");
    }

    @Test
    void everyImageIsPinnedAndEveryLongRunningServiceHasAHealthCheck()
            throws IOException
    {
        for (String file : List.of("docker-compose.yml", "docker-compose.embedded.yml")) {
            JsonNode services = services(file);
            services.fields().forEachRemaining(service -> {
                JsonNode definition = service.getValue();
                if (definition.has("image")) {
                    assertThat(definition.path("image").asText()).as("%s: image of %s", file, service.getKey()).matches("[^:]+:[^:]+").doesNotEndWith(":latest");
                }
                else {
                    assertThat(definition.path("build").path("dockerfile").asText()).as("%s: build of %s", file, service.getKey()).isEqualTo("compose/Dockerfile");
                }
                boolean oneShot = definition.path("restart").asText().equals("no");
                boolean needed = !service.getKey().equals("jupyter") && !oneShot;
                if (needed) {
                    assertThat(definition.has("healthcheck")).as("%s: health check of %s", file, service.getKey()).isTrue();
                }
                // what a service waits for is a service of the file
                definition.path("depends_on").fieldNames().forEachRemaining(dependency -> assertThat(services.has(dependency))
                        .as("%s: %s depends on %s", file, service.getKey(), dependency).isTrue());
            });
        }
        // the one-container way: the embedded stack's endpoint on 4566
        assertThat(strings(services("docker-compose.embedded.yml").path("lakestack").path("ports"))).contains("4566:4566");
    }

    @Test
    void theReadmesTableSaysWhatTheFileDoes()
            throws IOException
    {
        String readme = Files.readString(REPOSITORY.resolve("README.md"), StandardCharsets.UTF_8);
        int section = readme.indexOf("### docker compose");
        assertThat(section).isPositive();
        Pattern row = Pattern.compile("^\\| (\\w[\\w-]*) \\| ([^|]+) \\| (\\d+) \\| ?(\\d*) ?\\|$", Pattern.MULTILINE);
        Matcher matcher = row.matcher(readme.substring(section, readme.indexOf("\n## ", section)));
        JsonNode services = services("docker-compose.yml");
        List<String> described = new ArrayList<>();
        while (matcher.find()) {
            String service = matcher.group(1);
            described.add(service);
            JsonNode definition = services.path(service);
            assertThat(definition.isMissingNode()).as("service %s of the README", service).isFalse();
            if (definition.has("image")) {
                assertThat(matcher.group(2)).as("image of %s", service).startsWith("`" + definition.path("image").asText() + "`");
            }
            assertThat(strings(definition.path("expose"))).as("port of %s", service).contains(matcher.group(3));
            List<String> published = strings(definition.path("ports")).stream().map(mapping -> mapping.split(":")[0]).toList();
            assertThat(published).as("host ports of %s", service).isEqualTo(matcher.group(4).isEmpty() ? List.of() : List.of(matcher.group(4)));
        }
        List<String> longRunning = new ArrayList<>();
        services.fields().forEachRemaining(service -> {
            if (!service.getValue().path("restart").asText().equals("no")) {
                longRunning.add(service.getKey());
            }
        });
        assertThat(described).containsExactlyElementsOf(longRunning);
    }

    private static List<String> strings(JsonNode array)
    {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static Properties properties(Path file)
            throws IOException
    {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        return properties;
    }
}
