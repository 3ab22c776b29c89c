package io.lakestack.it;

import io.lakestack.embedded.EmbeddedStack;
import io.lakestack.embedded.StackPorts;
import io.lakestack.endpoint.EndpointConfig;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An embedded stack without Trino in a JVM of its own, as {@code lakestack up} runs one: the tests that need a second
 * stack beside the shared one (another bind address, a data directory prepared before the start, a stack to kill) start
 * it here, so that the processes of each stack are apart. It stops when its standard input closes, or dies by
 * {@link #kill()}.
 */
final class StackProcess
        implements AutoCloseable
{
    private final Process process;
    private final StackPorts ports;
    private final Map<String, Long> children;

    private StackProcess(Process process, StackPorts ports, Map<String, Long> children)
    {
        this.process = process;
        this.ports = ports;
        this.children = children;
    }

    /** Starts a stack on the data directory, its endpoint bound to {@code bind}, and waits until it is ready. */
    static StackProcess start(Path dataDirectory, String bind)
            throws IOException
    {
        StackPorts ports = StackPorts.free();
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"), StackProcess.class.getName(),
                dataDirectory.toString(), String.valueOf(ports.endpoint()), bind)
                .redirectErrorStream(true)
                .start();
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        CompletableFuture<Map<String, Long>> ready = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line = output.readLine(); line != null; line = output.readLine()) {
                    if (line.startsWith("ready")) {
                        CompletableFuture.runAsync(() -> output.lines().forEach(ignored -> { }));
                        Map<String, Long> pids = new LinkedHashMap<>();
                        for (String child : line.substring("ready".length()).trim().split(" ")) {
                            String[] pair = child.split("=");
                            pids.put(pair[0], Long.parseLong(pair[1]));
                        }
                        return pids;
                    }
                    seen.append(line).append('\n');
                }
                throw new IllegalStateException("the stack process ended before it was ready; its output:\n" + seen);
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            return new StackProcess(process, ports, ready.get(Duration.ofMinutes(4).toMillis(), TimeUnit.MILLISECONDS));
        }
        catch (Exception e) {
            process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new IllegalStateException("the stack process did not get ready; its output:\n" + seen, e);
        }
    }

    StackPorts ports()
    {
        return ports;
    }

    long pid()
    {
        return process.pid();
    }

    /** The endpoint's URL, on loopback whatever the bind address. */
    String endpoint()
    {
        return "http://127.0.0.1:" + ports.endpoint();
    }

    String kafkaBootstrapServers()
    {
        return "127.0.0.1:" + ports.kafka();
    }

    /** The engines' JVMs, by component name. */
    Map<String, Long> children()
    {
        return children;
    }

    /**
     * Kills the stack's JVM with SIGKILL, as {@code kill -9} or a crash would, and waits until it and the engines' JVMs
     * (which exit once it is gone) have ended, so that the next stack on the data directory finds nothing of it running.
     */
    void kill()
            throws Exception
    {
        List<ProcessHandle> engines = children.values().stream().map(ProcessHandle::of).flatMap(Optional::stream).toList();
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the stack process " + process.pid() + " is still running 30 s after SIGKILL");
        }
        for (ProcessHandle engine : engines) {
            engine.onExit().get(60, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close()
            throws InterruptedException
    {
        try {
            process.getOutputStream().close();
        }
        catch (IOException ignored) {
            // the process is gone already
        }
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** {@code <data directory> <endpoint port> <bind address>}: prints {@code ready <component>=<pid> ...}, stops at the end of its input. */
    public static void main(String[] args)
            throws IOException
    {
        EmbeddedStack stack = EmbeddedStack.builder()
                .dataDirectory(Path.of(args[0]))
                .ports(StackPorts.from(Integer.parseInt(args[1])))
                .endpointSettings(Map.of(EndpointConfig.BIND, args[2]))
                .withTrino(false)
                .build()
                .start();
        StringBuilder ready = new StringBuilder("ready");
        stack.childProcessIds().forEach((name, pid) -> ready.append(' ').append(name).append('=').append(pid));
        System.out.println(ready);
        System.out.flush();
        while (System.in.read() >= 0) {
            // the test never writes; the end of input means stop
        }
        stack.close();
        System.exit(0);
    }
}
