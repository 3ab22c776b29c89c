package io.lakestack.it;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * One Kafka node (broker and controller, KRaft) as a process of its own, for a cluster of several such processes:
 * formats its log directory on first start with the cluster's id, starts, and prints {@code started}. SIGTERM stops it
 * cleanly; SIGKILL is a crash.
 *
 * <pre>java -cp ... io.lakestack.it.KafkaNodeMain server.properties CLUSTER_ID</pre>
 */
public final class KafkaNodeMain
{
    private KafkaNodeMain()
    {
    }

    public static void main(String[] args)
            throws Exception
    {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        Path logDirectory = Path.of(properties.getProperty("log.dirs"));
        if (!Files.exists(logDirectory.resolve("meta.properties"))) {
            format(properties, logDirectory, args[1]);
        }
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(properties, false), Time.SYSTEM);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            server.awaitShutdown();
        }));
        server.startup();
        System.out.println("started");
        System.out.flush();
        Thread.currentThread().join();
    }

    private static void format(Properties properties, Path logDirectory, String clusterId)
            throws IOException
    {
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                    .setNodeId(Integer.parseInt(properties.getProperty("node.id")))
                    .setClusterId(clusterId)
                    .setDirectories(List.of(logDirectory.toString()))
                    .setMetadataLogDirectory(logDirectory.toString())
                    .setControllerListenerName(properties.getProperty("controller.listener.names"))
                    .run();
        }
        catch (Exception e) {
            throw new IOException("cannot format " + logDirectory + ": " + e.getMessage(), e);
        }
    }
}
