package io.lakestack.cli;

import io.lakestack.embedded.EngineAddresses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EngineOptionsTest
{
    @TempDir
    Path directory;

    /** The options of {@code up} as picocli parses these arguments. */
    private static StartOptions parse(String... arguments)
    {
        UpCommand up = new UpCommand();
        new CommandLine(up).parseArgs(arguments);
        return up.start;
    }

    private Path config(String text)
            throws IOException
    {
        Path file = directory.resolve("lakestack.properties");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void theConfigFileNamesTheEnginesAndFlagsOverrideIt()
            throws IOException
    {
        Path file = config("""
                engines=external
                kafka.bootstrap=broker-1:9092,broker-2:9092
                kafka.property.security.protocol=SASL_SSL
                kafka.property.sasl.mechanism=SCRAM-SHA-512
                s3.endpoint=http://minio:9000
                s3.access-key=minio
                s3.secret-key=minio123
                metastore.uri=thrift://metastore:9083
                trino.uri=http://trino:8080
                """);
        StartOptions start = parse("--config", file.toString(), "--kafka-bootstrap", "broker-3:9093", "--kafka-property", "sasl.mechanism=PLAIN",
                "--trino-user", "analyst");
        Map<String, String> settings = start.engines.settings();
        assertThat(EngineOptions.external(settings)).isTrue();
        EngineAddresses engines = EngineOptions.externalEngines(settings, true, "test", "test");
        assertThat(engines).isEqualTo(EngineAddresses.external("broker-3:9093", Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN"),
                URI.create("http://minio:9000"), "minio", "minio123", "us-east-1", URI.create("thrift://metastore:9083"),
                Optional.of(URI.create("http://trino:8080")), "analyst"));
    }

    @Test
    void theObjectStoreSignsWithTheEndpointsKeysUnlessGivenItsOwn()
    {
        StartOptions start = parse("--engines", "external", "--kafka-bootstrap", "kafka:9092", "--s3-endpoint", "http://minio:9000",
                "--metastore-uri", "thrift://metastore:9083", "--no-trino");
        EngineAddresses engines = EngineOptions.externalEngines(start.engines.settings(), false, "endpoint-key", "endpoint-secret");
        assertThat(engines.objectStoreAccessKey()).isEqualTo("endpoint-key");
        assertThat(engines.objectStoreSecretKey()).isEqualTo("endpoint-secret");
        assertThat(engines.trino()).isEmpty();
        assertThat(engines.signObjectStoreRequests()).isTrue();
    }

    @Test
    void whatCannotApplyIsRefused()
            throws IOException
    {
        Path unknown = config("engines=external\nkafka.bootstap=kafka:9092\ntrino.catalog=hive\n");
        assertThatThrownBy(() -> parse("--config", unknown.toString()).engines.settings())
                .hasMessage("the config file " + unknown + " has keys lakestack does not know: kafka.bootstap, trino.catalog; it knows engines, "
                        + "kafka.bootstrap, metastore.uri, s3.access-key, s3.endpoint, s3.region, s3.secret-key, trino.uri, trino.user and kafka.property.KEY");
        assertThatThrownBy(() -> EngineOptions.external(parse("--engines", "docker").engines.settings()))
                .hasMessage("--engines must be embedded or external, not 'docker'");
        assertThatThrownBy(() -> EngineOptions.requireNoneForEmbedded(parse("--kafka-bootstrap", "kafka:9092", "--trino-uri", "http://trino:8080").engines.settings()))
                .hasMessage("--kafka-bootstrap, --trino-uri apply to external engines only (--engines external); the embedded stack starts its own");
        assertThatThrownBy(() -> EngineOptions.externalEngines(parse("--engines", "external", "--kafka-bootstrap", "kafka:9092").engines.settings(), false,
                "test", "test"))
                .hasMessage("--engines external needs --s3-endpoint (s3.endpoint in the config file)");
        assertThatThrownBy(() -> EngineOptions.externalEngines(parse("--engines", "external", "--kafka-bootstrap", "kafka:9092", "--s3-endpoint",
                "http://minio:9000", "--metastore-uri", "thrift://metastore:9083").engines.settings(), true, "test", "test"))
                .hasMessage("--engines external needs Trino's address (--trino-uri, or trino.uri in the config file), or --no-trino");
        assertThatThrownBy(() -> EngineOptions.externalEngines(parse("--engines", "external", "--kafka-bootstrap", "kafka:9092", "--kafka-property",
                "acks=all", "--s3-endpoint", "http://minio:9000", "--metastore-uri", "thrift://metastore:9083").engines.settings(), false, "test", "test"))
                .hasMessageStartingWith("Kafka property acks is not a setting every Kafka client takes (admin, producer and consumer)");
        assertThatThrownBy(() -> EngineOptions.externalEngines(parse("--engines", "external", "--kafka-bootstrap", "kafka", "--s3-endpoint",
                "http://minio:9000", "--metastore-uri", "thrift://metastore:9083").engines.settings(), false, "test", "test"))
                .hasMessage("the Kafka bootstrap server must be HOST:PORT, not 'kafka'");
        assertThatThrownBy(() -> EngineOptions.externalEngines(parse("--engines", "external", "--kafka-bootstrap", "kafka:9092", "--s3-endpoint",
                "http://minio:9000", "--metastore-uri", "http://metastore:9083").engines.settings(), false, "test", "test"))
                .hasMessage("the metastore URI must be thrift://HOST:PORT, not http://metastore:9083");
    }

    @Test
    void upExitsWithOneWhenAnEngineDoesNotAnswerAndPrintsOneLineForEach()
            throws IOException
    {
        int kafka = closedPort();
        int objectStore = closedPort();
        int metastore = closedPort();
        java.io.ByteArrayOutputStream output = new java.io.ByteArrayOutputStream();
        java.io.PrintStream before = System.out;
        int exit;
        System.setOut(new java.io.PrintStream(output, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            exit = Lakestack.execute("up", "--data-dir", directory.resolve("data").toString(), "--port", String.valueOf(io.lakestack.embedded.StackPorts.free()
                    .endpoint()), "--engines", "external", "--no-trino", "--kafka-bootstrap", "127.0.0.1:" + kafka, "--s3-endpoint", "http://127.0.0.1:"
                    + objectStore, "--metastore-uri", "thrift://127.0.0.1:" + metastore);
        }
        finally {
            System.setOut(before);
        }
        assertThat(exit).isEqualTo(1);
        assertThat(output.toString(java.nio.charset.StandardCharsets.UTF_8).lines().filter(line -> line.contains("FAILED") || line.contains("not started"))
                .map(String::strip).sorted())
                .containsExactly(
                        "!! kafka         FAILED     Kafka at 127.0.0.1:" + kafka + " is unreachable: Connection refused",
                        "!! metastore     FAILED     The Hive Metastore at thrift://127.0.0.1:" + metastore + " is unreachable: Connection refused",
                        "!! object-store  FAILED     The object store at http://127.0.0.1:" + objectStore + " is unreachable: Connection refused",
                        "lakestack: the endpoint was not started: 3 engines do not answer");
    }

    /** A loopback port nothing listens on: one that was bound a moment ago and is closed. */
    private static int closedPort()
            throws IOException
    {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void kafkaPropertiesAndEmbeddedOnlyOptionsAreRefusedWhereTheyCannotApply()
    {
        assertThatThrownBy(() -> parse("--kafka-property", "security.protocol=SSL").build(new StackOptions(), io.lakestack.embedded.StackListener.NONE))
                .hasMessage("Kafka properties (security.protocol) apply to external Kafka only (--engines external): the embedded Kafka speaks plaintext on "
                        + "loopback and takes no client settings");
        assertThatThrownBy(() -> parse("--engines", "external", "--fresh").wipeIfFresh(new StackOptions()))
                .hasMessage("--fresh deletes the embedded engines' topics, objects and tables; with --engines external they are on engines lakestack does "
                        + "not run, and it deletes none of them");
        assertThatThrownBy(() -> parse("--engines", "external", "--trino-heap", "1G", "--kafka-bootstrap", "kafka:9092").build(new StackOptions(),
                io.lakestack.embedded.StackListener.NONE))
                .hasMessage("--trino-heap applies to the embedded engines only; with --engines external lakestack starts none");
    }
}
