package io.lakestack.it;

import io.lakestack.embedded.Ports;
import org.apache.kafka.common.Uuid;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A Kafka cluster of three KRaft nodes (each broker and controller), each a process of its own ({@link KafkaNodeMain})
 * on free loopback ports: replication factor 3 by default, min ISR 2, for every topic lakestack makes and Kafka's own.
 * Each broker has a plaintext listener (between brokers, and for the test's own clients) and a SASL/PLAIN one, where
 * only {@link #SASL_USER} with {@link #SASL_PASSWORD} gets in.
 */
final class KafkaClusterProcesses
        implements AutoCloseable
{
    static final int NODES = 3;
    static final String SASL_USER = "lakestack";
    static final String SASL_PASSWORD = "lakestack-secret";

    private final List<Integer> brokerPorts = new ArrayList<>();
    private final List<Integer> saslPorts = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    KafkaClusterProcesses(Path directory)
            throws IOException
    {
        List<Integer> controllerPorts = new ArrayList<>();
        for (int node = 0; node < NODES; node++) {
            brokerPorts.add(Ports.free());
            saslPorts.add(Ports.free());
            controllerPorts.add(Ports.free());
        }
        String voters = IntStream.range(0, NODES).mapToObj(node -> (node + 1) + "@127.0.0.1:" + controllerPorts.get(node)).collect(Collectors.joining(","));
        String clusterId = Uuid.randomUuid().toString();
        String java = ProcessHandle.current().info().command().orElse("java");
        List<CompletableFuture<Void>> started = new ArrayList<>();
        for (int node = 0; node < NODES; node++) {
            Properties properties = new Properties();
            properties.put("process.roles", "broker,controller");
            properties.put("node.id", String.valueOf(node + 1));
            properties.put("controller.quorum.voters", voters);
            properties.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPorts.get(node) + ",SASL://127.0.0.1:" + saslPorts.get(node)
                    + ",CONTROLLER://127.0.0.1:" + controllerPorts.get(node));
            properties.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPorts.get(node) + ",SASL://127.0.0.1:" + saslPorts.get(node));
            properties.put("controller.listener.names", "CONTROLLER");
            properties.put("inter.broker.listener.name", "PLAINTEXT");
            properties.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SASL:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
            properties.put("listener.name.sasl.sasl.enabled.mechanisms", "PLAIN");
            properties.put("listener.name.sasl.plain.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required user_"
                    + SASL_USER + "=\"" + SASL_PASSWORD + "\";");
            properties.put("log.dirs", directory.resolve("node-" + (node + 1)).toString());
            properties.put("default.replication.factor", "3");
            properties.put("min.insync.replicas", "2");
            properties.put("offsets.topic.replication.factor", "3");
            properties.put("offsets.topic.num.partitions", "5");
            properties.put("transaction.state.log.replication.factor", "3");
            properties.put("transaction.state.log.min.isr", "2");
            properties.put("transaction.state.log.num.partitions", "3");
            properties.put("share.coordinator.state.topic.replication.factor", "3");
            properties.put("share.coordinator.state.topic.min.isr", "2");
            properties.put("unclean.leader.election.enable", "false");
            properties.put("group.initial.rebalance.delay.ms", "0");
            properties.put("log.cleaner.dedupe.buffer.size", String.valueOf(4 * 1024 * 1024));
            properties.put("message.max.bytes", String.valueOf(8 * 1024 * 1024));
            properties.put("replica.fetch.max.bytes", String.valueOf(8 * 1024 * 1024));
            Path file = directory.resolve("node-" + (node + 1) + ".properties");
            try (var writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                properties.store(writer, "Kafka node " + (node + 1));
            }
            Process process = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), KafkaNodeMain.class.getName(),
                    file.toString(), clusterId)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.PIPE)
                    .start();
            processes.add(process);
            started.add(awaitLine(process, "started", directory.resolve("node-" + (node + 1) + ".log")));
        }
        CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).join();
    }

    /** Copies the process's output to a log file, completing once it printed the line. */
    private static CompletableFuture<Void> awaitLine(Process process, String expected, Path log)
    {
        CompletableFuture<Void> seen = new CompletableFuture<>();
        CompletableFuture.runAsync(() -> {
            try (BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                    var writer = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
                for (String line = output.readLine(); line != null; line = output.readLine()) {
                    writer.write(line);
                    writer.newLine();
                    if (line.equals(expected)) {
                        seen.complete(null);
                    }
                }
                seen.completeExceptionally(new IllegalStateException("the Kafka node ended before it started; see " + log));
            }
            catch (IOException e) {
                seen.completeExceptionally(new UncheckedIOException(e));
            }
        });
        return seen;
    }

    /** The plaintext listeners. */
    String bootstrapServers()
    {
        return brokerPorts.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
    }

    /** The SASL/PLAIN listeners. */
    String saslBootstrapServers()
    {
        return saslPorts.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
    }

    /** What a client of the SASL listeners needs, as {@code --kafka-property} gives it. */
    static Map<String, String> saslSettings(String password)
    {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN", "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + SASL_USER + "\" password=\"" + password + "\";");
    }

    /** Kills the node with this id (1 to 3) as a crash would: SIGKILL. */
    void kill(int nodeId)
            throws InterruptedException
    {
        Process process = processes.get(nodeId - 1);
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close()
            throws InterruptedException
    {
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
