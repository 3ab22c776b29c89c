package io.lakestack.embedded;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A single-node Kafka in KRaft mode (broker and controller in one), running inside the launcher's JVM. Its log
 * directory is formatted on first start.
 */
final class KafkaComponent
        extends Component
{
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    private final Path logDirectory;
    private final String host;
    private final int port;
    private final int controllerPort;
    private KafkaRaftServer server;

    KafkaComponent(Path logDirectory, String host, int port, int controllerPort, StackListener listener)
    {
        super("kafka", listener);
        this.logDirectory = logDirectory;
        this.host = host;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    String bootstrapServers()
    {
        return host + ":" + port;
    }

    @Override
    String plannedAddress()
    {
        return bootstrapServers();
    }

    Properties brokerProperties()
    {
        Properties properties = new Properties();
        properties.put("process.roles", "broker,controller");
        properties.put("node.id", "1");
        properties.put("controller.quorum.voters", "1@" + host + ":" + controllerPort);
        properties.put("listeners", "PLAINTEXT://" + host + ":" + port + "," + CONTROLLER_LISTENER + "://" + host + ":" + controllerPort);
        properties.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        properties.put("controller.listener.names", CONTROLLER_LISTENER);
        properties.put("inter.broker.listener.name", "PLAINTEXT");
        properties.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        properties.put("log.dirs", logDirectory.toString());
        properties.put("num.partitions", "1");
        properties.put("offsets.topic.replication.factor", "1");
        properties.put("offsets.topic.num.partitions", "10");
        properties.put("transaction.state.log.replication.factor", "1");
        properties.put("transaction.state.log.min.isr", "1");
        properties.put("transaction.state.log.num.partitions", "4");
        properties.put("share.coordinator.state.topic.replication.factor", "1");
        properties.put("share.coordinator.state.topic.min.isr", "1");
        properties.put("group.initial.rebalance.delay.ms", "0");
        // a broker is unfenced after its first heartbeats; the 2 s default interval delays start-up by seconds
        properties.put("broker.heartbeat.interval.ms", "200");
        // the cleaner's 128 MB default dedupe buffer would dominate a single-node broker's heap
        properties.put("log.cleaner.dedupe.buffer.size", String.valueOf(4 * 1024 * 1024));
        properties.put("log.cleaner.threads", "1");
        // Kinesis records are up to 1 MiB, Firehose batches larger
        properties.put("message.max.bytes", String.valueOf(8 * 1024 * 1024));
        properties.put("replica.fetch.max.bytes", String.valueOf(8 * 1024 * 1024));
        return properties;
    }

    @Override
    void doStart()
            throws Exception
    {
        Exit.setExitProcedure((code, message) -> {
            throw new IllegalStateException("Kafka asked to exit with code " + code + ": " + message);
        });
        Exit.setHaltProcedure((code, message) -> {
            throw new IllegalStateException("Kafka asked to halt with code " + code + ": " + message);
        });
        Files.createDirectories(logDirectory);
        if (!Files.exists(logDirectory.resolve("meta.properties"))) {
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            new Formatter()
                    .setPrintStream(new PrintStream(output, true, StandardCharsets.UTF_8))
                    .setNodeId(1)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDirectory.toString()))
                    .setMetadataLogDirectory(logDirectory.toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .run();
        }
        KafkaConfig config;
        try {
            config = KafkaConfig.fromProps(brokerProperties(), false);
            server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
        }
        catch (RuntimeException e) {
            throw new StackException(name(), "cannot start on " + logDirectory + ": " + describe(e)
                    + ". If the data directory is damaged, start over with --fresh (this deletes all topics)", e);
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
        }
    }

    @Override
    void doStop()
    {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }
}
