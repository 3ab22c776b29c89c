package io.lakestack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.lakestack.embedded.EngineAddresses;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The docker compose files of the repository as the tests read them (without Docker), and the checks they share. */
final class ComposeFiles
{
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final Path REPOSITORY = repository();
    static final Path COMPOSE = REPOSITORY.resolve("compose");
    static final String BASE = "docker-compose.yml";
    static final String EMBEDDED = "docker-compose.embedded.yml";
    static final String SCALE = "docker-compose.scale.yml";
    static final List<String> ALL = List.of(BASE, EMBEDDED, SCALE);
    /** A row of a README table of services: service, image, port in the compose network, port on the host (or none). */
    private static final Pattern ROW = Pattern.compile("^\\| (\\w[\\w-]*) \\| ([^|]+) \\| (\\d+) \\| ?(\\d*) ?\\|$", Pattern.MULTILINE);

    private ComposeFiles()
    {
    }

    private static Path repository()
    {
        for (Path directory = Path.of("").toAbsolutePath(); directory != null; directory = directory.getParent()) {
            if (Files.exists(directory.resolve("compose/docker-compose.yml")) && Files.exists(directory.resolve("README.md"))) {
                return directory;
            }
        }
        throw new IllegalStateException("no compose/docker-compose.yml above " + Path.of("").toAbsolutePath());
    }

    /** A compose file of compose/, whole. */
    static JsonNode document(String file)
    {
        try {
            return YAML.readTree(COMPOSE.resolve(file).toFile());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode services(String file)
    {
        return document(file).path("services");
    }

    /** The config file a lakestack service runs with, as the container sees it, read as {@code up --config} reads it. */
    static Map<String, String> lakestackSettings(JsonNode services, String service)
    {
        JsonNode lakestack = services.path(service);
        List<String> command = strings(lakestack.path("command"));
        assertThat(command).as("command of %s", service).contains("--config");
        String config = command.get(command.indexOf("--config") + 1);
        return EngineOptions.read(mountedFile(lakestack, service, config));
    }

    /** The file of the repository a service mounts at a path of its container. */
    static Path mountedFile(JsonNode definition, String service, String target)
    {
        String mount = strings(definition.path("volumes")).stream().filter(volume -> volume.split(":")[1].equals(target)).findFirst().orElseThrow(
                () -> new AssertionError("the service " + service + " mounts no file at " + target));
        assertThat(mount).as("mount of %s at %s", service, target).startsWith("./").endsWith(":ro");
        Path file = COMPOSE.resolve(mount.split(":")[0]).normalize();
        assertThat(file).as("file %s mounts at %s", service, target).isRegularFile();
        return file;
    }

    /** The engines lakestack's settings name, each as host and port, in the order Kafka's brokers, object store, metastore, Trino. */
    static Map<String, Integer> namedEngines(EngineAddresses engines)
    {
        Map<String, Integer> named = new LinkedHashMap<>();
        for (String server : engines.kafkaBootstrap().split(",")) {
            named.put(server.substring(0, server.lastIndexOf(':')), Integer.parseInt(server.substring(server.lastIndexOf(':') + 1)));
        }
        for (URI uri : List.of(engines.objectStore(), engines.metastore(), engines.trino().orElseThrow())) {
            named.put(uri.getHost(), uri.getPort());
        }
        return named;
    }

    /** Every engine named is a service of the file that exposes the port named, has a health check, and is healthy before the lakestack service starts. */
    static void assertServicesAtTheirPortsHealthyBefore(JsonNode services, String lakestack, Map<String, Integer> named)
    {
        JsonNode dependsOn = services.path(lakestack).path("depends_on");
        named.forEach((service, port) -> {
            assertThat(services.has(service)).as("service %s", service).isTrue();
            assertThat(strings(services.path(service).path("expose"))).as("ports %s exposes", service).contains(String.valueOf(port));
            assertThat(services.path(service).path("healthcheck").path("test").isMissingNode()).as("health check of %s", service).isFalse();
            assertThat(dependsOn.path(service).path("condition").asText()).as("%s waits for %s", lakestack, service).isEqualTo("service_healthy");
        });
    }

    /** Trino's catalog (mounted by the service) is Athena's, on the metastore and object store lakestack names, which MinIO signs for. */
    static void assertAthenasCatalog(JsonNode services, String trino, EngineAddresses engines)
    {
        Properties catalog = properties(mountedFile(services.path(trino), trino, "/etc/trino/catalog/awsdatacatalog.properties"));
        assertThat(catalog.getProperty("connector.name")).isEqualTo("hive");
        assertThat(catalog.getProperty("hive.metastore.uri")).isEqualTo(engines.metastore().toString());
        assertThat(catalog.getProperty("s3.endpoint")).isEqualTo(engines.objectStore().toString());
        assertThat(catalog.getProperty("s3.aws-access-key")).isEqualTo(engines.objectStoreAccessKey());
        assertThat(catalog.getProperty("s3.aws-secret-key")).isEqualTo(engines.objectStoreSecretKey());
        // and MinIO's root user is what lakestack and Trino sign with
        JsonNode minio = services.path("minio").path("environment");
        assertThat(minio.path("MINIO_ROOT_USER").asText()).isEqualTo(engines.objectStoreAccessKey());
        assertThat(minio.path("MINIO_ROOT_PASSWORD").asText()).isEqualTo(engines.objectStoreSecretKey());
    }

    /** Every image is pinned, every long-running service has a health check, what a service waits for is a service of the file, and nothing waits in a cycle. */
    static void assertPinnedHealthCheckedAndOrdered(String file)
    {
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
            definition.path("depends_on").fieldNames().forEachRemaining(dependency -> assertThat(services.has(dependency))
                    .as("%s: %s depends on %s", file, service.getKey(), dependency).isTrue());
        });
        services.fieldNames().forEachRemaining(service -> assertNoCycle(file, services, service, new ArrayList<>()));
    }

    private static void assertNoCycle(String file, JsonNode services, String service, List<String> path)
    {
        assertThat(path).as("%s: start order %s -> %s", file, path, service).doesNotContain(service);
        path.add(service);
        services.path(service).path("depends_on").fieldNames().forEachRemaining(dependency -> assertNoCycle(file, services, dependency, path));
        path.remove(path.size() - 1);
    }

    /** No two services of the file publish the same host port. */
    static void assertHostPortsDistinct(String file)
    {
        Set<String> published = new HashSet<>();
        services(file).fields().forEachRemaining(service -> strings(service.getValue().path("ports")).forEach(mapping -> assertThat(
                published.add(mapping.split(":")[0])).as("%s: host port %s of %s is published once", file, mapping, service.getKey()).isTrue()));
    }

    static String readme()
    {
        try {
            return Files.readString(REPOSITORY.resolve("README.md"), StandardCharsets.UTF_8);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The README's text from a heading to the next heading (of any level; a line of a code block is none). */
    static String readmeSection(String heading)
    {
        List<String> lines = readme().lines().toList();
        int start = lines.indexOf(heading);
        assertThat(start).as("README heading %s", heading).isNotNegative();
        StringBuilder section = new StringBuilder(heading).append('\n');
        boolean code = false;
        for (String line : lines.subList(start + 1, lines.size())) {
            code ^= line.startsWith("```");
            if (!code && line.matches("#+ .*")) {
                break;
            }
            section.append(line).append('\n');
        }
        return section.toString();
    }

    /**
     * The table of services in the README's text says what the file does: each row a service of the file with its image,
     * the port it exposes and the host port it publishes (or none), and a row for every long-running service, in the file's order.
     */
    static void assertReadmeTableDescribes(String text, String file)
    {
        Matcher matcher = ROW.matcher(text);
        JsonNode services = services(file);
        List<String> described = new ArrayList<>();
        while (matcher.find()) {
            String service = matcher.group(1);
            described.add(service);
            JsonNode definition = services.path(service);
            assertThat(definition.isMissingNode()).as("service %s of the README", service).isFalse();
            if (definition.has("image")) {
                assertThat(matcher.group(2)).as("image of %s", service).startsWith("`" + definition.path("image").asText() + "`");
            }
            else {
                assertThat(matcher.group(2)).as("image of %s", service).startsWith("built from `" + definition.path("build").path("dockerfile").asText() + "`");
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
        assertThat(described).as("the services the README's table of %s describes", file).containsExactlyElementsOf(longRunning);
    }

    static List<String> strings(JsonNode array)
    {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    static Properties properties(Path file)
    {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
