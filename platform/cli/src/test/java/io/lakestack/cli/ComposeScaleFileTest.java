package io.lakestack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestack.embedded.EngineAddresses;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.lakestack.cli.ComposeFiles.BASE;
import static io.lakestack.cli.ComposeFiles.COMPOSE;
import static io.lakestack.cli.ComposeFiles.SCALE;
import static io.lakestack.cli.ComposeFiles.assertAthenasCatalog;
import static io.lakestack.cli.ComposeFiles.assertHostPortsDistinct;
import static io.lakestack.cli.ComposeFiles.assertPinnedHealthCheckedAndOrdered;
import static io.lakestack.cli.ComposeFiles.assertReadmeTableDescribes;
import static io.lakestack.cli.ComposeFiles.assertServicesAtTheirPortsHealthyBefore;
import static io.lakestack.cli.ComposeFiles.document;
import static io.lakestack.cli.ComposeFiles.lakestackSettings;
import static io.lakestack.cli.ComposeFiles.mountedFile;
import static io.lakestack.cli.ComposeFiles.namedEngines;
import static io.lakestack.cli.ComposeFiles.properties;
import static io.lakestack.cli.ComposeFiles.readmeSection;
import static io.lakestack.cli.ComposeFiles.services;
import static io.lakestack.cli.ComposeFiles.strings;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scale-out, {@code compose/docker-compose.scale.yml}, checked without Docker as {@link ComposeFileTest} checks the
 * base file: three Kafka nodes that agree on their quorum and that lakestack's bootstrap list names, with replication
 * factor 3 and min ISR 2 for lakestack's topics; a Trino coordinator and two workers that point at it; two lakestack
 * endpoints on these engines behind a load balancer that health-checks both; pinned images, health checks, start order,
 * and the README's table.
 */
class ComposeScaleFileTest
{
    private static final List<String> BROKERS = List.of("kafka-1", "kafka-2", "kafka-3");
    private static final List<String> WORKERS = List.of("trino-worker-1", "trino-worker-2");
    private static final List<String> ENDPOINTS = List.of("lakestack-1", "lakestack-2");
    private static final String HAPROXY_CONFIG = "/usr/local/etc/haproxy/haproxy.cfg";

    private final JsonNode services = services(SCALE);

    /** The services of the file that run an image, by its name (without the tag). */
    private List<String> servicesOfImage(String image)
    {
        List<String> found = new ArrayList<>();
        services.fields().forEachRemaining(service -> {
            if (service.getValue().path("image").asText().startsWith(image + ":")) {
                found.add(service.getKey());
            }
        });
        return found;
    }

    /** A Kafka node's settings, from the {@code KAFKA_*} environment as the apache/kafka image renders them ({@code _} a dot, {@code __} an underscore, {@code ___} a dash). */
    private Map<String, String> kafkaSettings(String broker)
    {
        Map<String, String> settings = new TreeMap<>();
        services.path(broker).path("environment").fields().forEachRemaining(variable -> {
            if (variable.getKey().startsWith("KAFKA_")) {
                String key = variable.getKey().substring("KAFKA_".length()).replace("___", "-").replace("__", "\u0000").replace('_', '.').replace('\u0000', '_');
                settings.put(key.toLowerCase(Locale.ROOT), variable.getValue().asText());
            }
        });
        return settings;
    }

    @Test
    void bothEndpointsRunOnEveryEngineTheirConfigNamesHealthyBeforeThem()
    {
        Map<String, String> settings = lakestackSettings(services, ENDPOINTS.get(0));
        assertThat(EngineOptions.external(settings)).isTrue();
        EngineAddresses engines = EngineOptions.externalEngines(settings, true, "test", "test");
        Map<String, Integer> named = namedEngines(engines);
        assertThat(named).containsExactly(Map.entry("kafka-1", 9092), Map.entry("kafka-2", 9092), Map.entry("kafka-3", 9092), Map.entry("minio", 9000),
                Map.entry("metastore", 9083), Map.entry("trino", 8080));
        for (String endpoint : ENDPOINTS) {
            // the same engines and keys (the endpoint's default test / test: no --access-key on either)
            assertThat(lakestackSettings(services, endpoint)).as("settings of %s", endpoint).isEqualTo(settings);
            assertServicesAtTheirPortsHealthyBefore(services, endpoint, named);
            // Trino's workers run the queries (the coordinator schedules none on itself): both healthy first too
            assertServicesAtTheirPortsHealthyBefore(services, endpoint, workersAt(8080));
            JsonNode definition = services.path(endpoint);
            List<String> command = strings(definition.path("command"));
            assertThat(command).as("command of %s", endpoint).containsSubsequence("up", "--config").containsSubsequence("--bind", "0.0.0.0")
                    .containsSubsequence("--data-dir", "/data").doesNotContain("--access-key", "--secret-key", "--port");
            assertThat(strings(definition.path("volumes"))).as("data volume of %s", endpoint).contains(endpoint + "-data:/data");
            // reached through the load balancer only
            assertThat(definition.has("ports")).as("%s publishes no port", endpoint).isFalse();
            assertThat(strings(definition.path("expose"))).as("port of %s", endpoint).containsExactly("4566");
        }
        // every service built from this repository is one of the two endpoints
        List<String> built = new ArrayList<>();
        services.fields().forEachRemaining(service -> {
            if (service.getValue().has("build")) {
                built.add(service.getKey());
            }
        });
        assertThat(built).containsExactlyElementsOf(ENDPOINTS);
        assertAthenasCatalog(services, "trino", engines);
    }

    private static Map<String, Integer> workersAt(int port)
    {
        Map<String, Integer> workers = new LinkedHashMap<>();
        WORKERS.forEach(worker -> workers.put(worker, port));
        return workers;
    }

    @Test
    void threeKafkaNodesAgreeOnTheirQuorumAndReplicateLakestacksTopicsThreeTimesWithMinIsrTwo()
    {
        assertThat(servicesOfImage("apache/kafka")).containsExactlyElementsOf(BROKERS);
        String voters = BROKERS.stream().map(broker -> (BROKERS.indexOf(broker) + 1) + "@" + broker + ":9093").collect(Collectors.joining(","));
        List<String> advertised = new ArrayList<>();
        for (String broker : BROKERS) {
            JsonNode definition = services.path(broker);
            Map<String, String> kafka = kafkaSettings(broker);
            assertThat(definition.path("image").asText()).as("image of %s", broker).isEqualTo(services(BASE).path("kafka").path("image").asText());
            assertThat(definition.path("environment").path("CLUSTER_ID").asText()).as("cluster id of %s", broker)
                    .isEqualTo(services.path(BROKERS.get(0)).path("environment").path("CLUSTER_ID").asText()).isNotBlank();
            assertThat(kafka.get("node.id")).as("node id of %s", broker).isEqualTo(String.valueOf(BROKERS.indexOf(broker) + 1));
            assertThat(kafka.get("process.roles")).as("roles of %s", broker).isEqualTo("broker,controller");
            assertThat(kafka.get("controller.quorum.voters")).as("quorum voters of %s", broker).isEqualTo(voters);
            assertThat(kafka.get("controller.listener.names")).isEqualTo("CONTROLLER");
            assertThat(kafka.get("listeners").split(",")).as("listeners of %s", broker).contains("PLAINTEXT://:9092", "CONTROLLER://:9093");
            assertThat(strings(definition.path("expose"))).as("ports %s exposes", broker).contains("9092", "9093");
            String plaintext = Stream.of(kafka.get("advertised.listeners").split(",")).filter(listener -> listener.startsWith("PLAINTEXT://")).findFirst().orElseThrow();
            advertised.add(plaintext.substring("PLAINTEXT://".length()));
            // clients on the host: each node advertises the host port it publishes
            String host = Stream.of(kafka.get("advertised.listeners").split(",")).filter(listener -> listener.startsWith("HOST://")).findFirst().orElseThrow();
            String hostPort = host.substring(host.lastIndexOf(':') + 1);
            assertThat(host).isEqualTo("HOST://127.0.0.1:" + hostPort);
            assertThat(kafka.get("listeners").split(",")).contains("HOST://:" + hostPort);
            assertThat(strings(definition.path("ports"))).as("host port of %s", broker).containsExactly(hostPort + ":" + hostPort);
            // its log on a volume of its own
            assertThat(strings(definition.path("volumes"))).as("volumes of %s", broker).containsExactly(broker + "-data:" + kafka.get("log.dirs"));

            // lakestack creates its topics with a replication factor of the number of brokers up to 3 (KafkaTopics),
            // here 3, the others with the broker's default; min.insync.replicas is the broker's (lakestack sets none)
            assertThat(kafka).as("replication settings of %s", broker)
                    .containsEntry("default.replication.factor", "3")
                    .containsEntry("min.insync.replicas", "2")
                    .containsEntry("offsets.topic.replication.factor", "3")
                    .containsEntry("transaction.state.log.replication.factor", "3")
                    .containsEntry("transaction.state.log.min.isr", "2")
                    .containsEntry("share.coordinator.state.topic.replication.factor", "3")
                    .containsEntry("share.coordinator.state.topic.min.isr", "2")
                    .containsEntry("unclean.leader.election.enable", "false");
        }
        assertThat(Math.min(3, BROKERS.size())).as("the replication factor lakestack asks for").isEqualTo(3);
        // lakestack's bootstrap list is the three brokers, as they advertise themselves
        assertThat(lakestackSettings(services, ENDPOINTS.get(0)).get(EngineOptions.KAFKA_BOOTSTRAP)).isEqualTo(String.join(",", advertised));
        // the three start together (each waits for the quorum, not for a container)
        BROKERS.forEach(broker -> assertThat(services.path(broker).has("depends_on")).as("%s waits for nothing", broker).isFalse());
    }

    @Test
    void twoTrinoWorkersPointAtTheCoordinatorWhichRunsNoTaskItself()
    {
        assertThat(servicesOfImage("trinodb/trino")).containsExactly("trino", "trino-worker-1", "trino-worker-2");
        JsonNode coordinator = services.path("trino");
        assertThat(coordinator.path("image").asText()).isEqualTo(services(BASE).path("trino").path("image").asText());
        Properties coordinatorConfig = properties(mountedFile(coordinator, "trino", "/etc/trino/config.properties"));
        assertThat(coordinatorConfig.getProperty("coordinator")).isEqualTo("true");
        assertThat(coordinatorConfig.getProperty("node-scheduler.include-coordinator")).isEqualTo("false");
        String port = coordinatorConfig.getProperty("http-server.http.port");
        assertThat(strings(coordinator.path("expose"))).containsExactly(port);
        assertThat(strings(coordinator.path("ports"))).containsExactly("4570:" + port);
        // lakestack's Athena runs on the coordinator
        URI trino = URI.create(lakestackSettings(services, ENDPOINTS.get(0)).get(EngineOptions.TRINO_URI));
        assertThat(trino.getHost() + ":" + trino.getPort()).isEqualTo("trino:" + port);
        Path catalog = mountedFile(coordinator, "trino", "/etc/trino/catalog/awsdatacatalog.properties");
        for (String worker : WORKERS) {
            JsonNode definition = services.path(worker);
            assertThat(definition.path("image").asText()).as("image of %s", worker).isEqualTo(coordinator.path("image").asText());
            Properties config = properties(mountedFile(definition, worker, "/etc/trino/config.properties"));
            assertThat(config.getProperty("coordinator")).as("%s is a worker", worker).isEqualTo("false");
            assertThat(config.getProperty("discovery.uri")).as("%s announces itself to the coordinator", worker).isEqualTo("http://trino:" + port);
            assertThat(strings(definition.path("expose"))).as("port of %s", worker).containsExactly(config.getProperty("http-server.http.port"));
            assertThat(definition.has("ports")).as("%s publishes no port", worker).isFalse();
            // the same catalog as the coordinator: the workers read the tables
            assertThat(mountedFile(definition, worker, "/etc/trino/catalog/awsdatacatalog.properties")).isEqualTo(catalog);
            assertThat(definition.path("depends_on").path("trino").path("condition").asText()).as("%s starts after the coordinator", worker)
                    .isEqualTo("service_healthy");
            assertThat(definition.path("healthcheck").path("test").isMissingNode()).as("health check of %s", worker).isFalse();
        }
    }

    @Test
    void theLoadBalancerOn4566HealthChecksBothEndpointsAndIsTheOnlyWayIn()
            throws Exception
    {
        JsonNode balancer = services.path("balancer");
        assertThat(balancer.path("image").asText()).startsWith("haproxy:");
        assertThat(strings(balancer.path("ports"))).containsExactly("4566:4566");
        List<String> config = Files.readAllLines(mountedFile(balancer, "balancer", HAPROXY_CONFIG)).stream().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        assertThat(config).contains("bind :4566", "default_backend lakestack", "backend lakestack", "balance roundrobin", "option httpchk",
                "http-check send meth GET uri /_lakestack/health");
        // an endpoint is in while its health report says ready (the report answers 200 whatever the state)
        assertThat(config).anyMatch(line -> line.startsWith("http-check expect rstring ") && line.contains("ready"));
        assertThat(config).anyMatch(line -> line.startsWith("default-server check "));
        // a server for every endpoint, at the port it exposes, and for nothing else
        List<String> servers = config.stream().filter(line -> line.startsWith("server ")).toList();
        assertThat(servers).containsExactlyElementsOf(ENDPOINTS.stream().map(endpoint -> "server " + endpoint + " " + endpoint + ":4566").toList());
        // the balancer's own health check asks its monitor, which fails while no endpoint is up
        String monitor = config.get(config.indexOf("monitor-uri /health") - 1);
        assertThat(monitor).startsWith("bind :");
        assertThat(config).contains("monitor fail if { nbsrv(lakestack) lt 1 }");
        assertThat(strings(balancer.path("expose"))).contains("4566", monitor.substring("bind :".length()));
        assertThat(String.join(" ", strings(balancer.path("healthcheck").path("test"))))
                .contains("/dev/tcp/127.0.0.1/" + monitor.substring("bind :".length()), "GET /health ", " 200 ");
        for (String endpoint : ENDPOINTS) {
            assertThat(balancer.path("depends_on").path(endpoint).path("condition").asText()).as("the balancer waits for %s", endpoint).isEqualTo("service_healthy");
        }
        // Jupyter's notebooks go through it
        assertThat(services.path("jupyter").path("environment").path("AWS_ENDPOINT_URL").asText()).isEqualTo("http://balancer:4566");
        assertThat(services.path("jupyter").path("depends_on").path("balancer").path("condition").asText()).isEqualTo("service_healthy");
    }

    @Test
    void theEnginesItSharesWithTheBaseFileAreTheBaseFilesAndEveryImageIsPinned()
    {
        JsonNode base = services(BASE);
        for (String service : List.of("minio", "minio-buckets", "postgres", "metastore-driver", "metastore")) {
            assertThat(services.path(service)).as("%s as in %s", service, BASE).isEqualTo(base.path(service));
        }
        assertPinnedHealthCheckedAndOrdered(SCALE);
        assertHostPortsDistinct(SCALE);
        // every named volume a service mounts is declared
        JsonNode volumes = document(SCALE).path("volumes");
        services.fields().forEachRemaining(service -> strings(service.getValue().path("volumes")).stream().filter(volume -> !volume.startsWith("."))
                .forEach(volume -> assertThat(volumes.has(volume.split(":")[0])).as("volume %s of %s", volume, service.getKey()).isTrue()));
    }

    @Test
    void theReadmesTableSaysWhatTheFileDoes()
    {
        String section = readmeSection("#### Scale-out: three Kafka nodes, two Trino workers, two endpoints");
        assertThat(section).contains("docker compose -p lakestack-scale -f compose/docker-compose.scale.yml up --build", "`ComposeScaleFileTest`",
                "`ComposeConfigTest`");
        assertReadmeTableDescribes(section, SCALE);
        // the file's own header says how to start it as the README does
        assertThat(COMPOSE.resolve(SCALE)).content().contains("docker compose -p lakestack-scale -f compose/docker-compose.scale.yml up --build");
    }
}
