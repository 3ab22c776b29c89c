package io.lakestack.embedded;

import io.lakestack.endpoint.EndpointConfig;
import io.lakestack.spi.stack.ComponentState;
import io.lakestack.spi.stack.ComponentStatus;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * One more lakestack endpoint, as a process of its own, on engines that run already: a running stack's Kafka, object
 * store, metastore and Trino. It shares every resource with the endpoints already there (they are all on the same
 * Kafka) and takes its share of their background work (deliveries). It prints {@code ready <url>} once it answers;
 * SIGTERM stops it cleanly.
 *
 * <pre>
 * java -cp ... io.lakestack.embedded.EndpointMain --kafka 127.0.0.1:4567 --object-store http://127.0.0.1:4568 \
 *     --metastore-port 4569 [--trino http://127.0.0.1:4570] --port 4666 --work-dir DIR [--lease-millis 15000]
 * </pre>
 */
public final class EndpointMain
{
    private EndpointMain()
    {
    }

    public static void main(String[] args)
            throws InterruptedException, IOException
    {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value pairs, got " + args[i]);
            }
            options.put(args[i], args[i + 1]);
        }
        EndpointConfig config = EndpointConfig.defaults().with(Map.of(EndpointConfig.PORT, required(options, "--port")));
        Optional<URI> trino = Optional.ofNullable(options.get("--trino")).map(URI::create);
        Path work = Path.of(required(options, "--work-dir"));
        // what this endpoint left in its temporary directory when it was killed
        EngineCache.delete(work.resolve("tmp"));
        EngineAddresses engines = new EngineAddresses(required(options, "--kafka"), Map.of(), URI.create(required(options, "--object-store")),
                config.accessKey(), config.secretKey(), config.region(), URI.create("thrift://127.0.0.1:" + required(options, "--metastore-port")), trino,
                EngineAddresses.DEFAULT_TRINO_USER, false);
        EndpointComponent endpoint = new EndpointComponent(config, engines, EndpointMain::engines, work.resolve("firehose"), work.resolve("tmp"),
                Long.parseLong(options.getOrDefault("--lease-millis", "15000")), StackListener.NONE);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            endpoint.stop();
            stopped.countDown();
        }, "lakestack-endpoint-stop"));
        endpoint.start();
        System.out.println("ready " + endpoint.url());
        System.out.flush();
        stopped.await();
    }

    /** The engines are another process's: reported as ready, as they answered for that process. */
    private static List<ComponentStatus> engines()
    {
        return List.of(new ComponentStatus("trino", ComponentState.READY, "", "", Optional.empty()));
    }

    private static String required(Map<String, String> options, String option)
    {
        String value = options.get(option);
        if (value == null) {
            throw new IllegalArgumentException(option + " is required");
        }
        return value;
    }
}
