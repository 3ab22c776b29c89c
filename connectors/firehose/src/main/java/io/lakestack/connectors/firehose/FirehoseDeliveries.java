package io.lakestack.connectors.firehose;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.spi.firehose.DeliveryRunner;
import io.lakestack.spi.firehose.DeliveryStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * The deliveries of one lakestack instance: a {@link DeliveryWorker} per Firehose stream, started, replaced and stopped
 * as the stream definitions change.
 */
public final class FirehoseDeliveries
        implements DeliveryRunner
{
    private static final Logger log = LoggerFactory.getLogger(FirehoseDeliveries.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String bootstrapServers;
    private final ObjectSink sink;
    private final TableSchemas schemas;
    private final LambdaInvoker invoker;
    private final Path workDirectory;
    private final Map<String, DeliveryWorker> workers = new ConcurrentHashMap<>();

    /**
     * @param workDirectory where buffers are kept on their way to S3; what a crashed instance left there is deleted,
     *         its records are read again from Kafka
     */
    public FirehoseDeliveries(String bootstrapServers, ObjectSink sink, TableSchemas schemas, Path workDirectory)
    {
        this(bootstrapServers, sink, schemas, LambdaInvoker.NONE, workDirectory);
    }

    /**
     * @param invoker how the streams' Lambda processors reach their functions (an SDK client of the endpoint's Lambda API)
     */
    public FirehoseDeliveries(String bootstrapServers, ObjectSink sink, TableSchemas schemas, LambdaInvoker invoker, Path workDirectory)
    {
        this.invoker = requireNonNull(invoker, "invoker is null");
        this.bootstrapServers = requireNonNull(bootstrapServers, "bootstrapServers is null");
        this.sink = requireNonNull(sink, "sink is null");
        this.schemas = requireNonNull(schemas, "schemas is null");
        this.workDirectory = requireNonNull(workDirectory, "workDirectory is null");
        deleteContents(workDirectory);
    }

    @Override
    public void run(DeliveryStream stream)
    {
        DeliveryWorker running = workers.get(stream.name());
        if (running != null && running.settings().version() == stream.version()) {
            return;
        }
        if (running != null) {
            // the old worker delivers what it holds under the old settings, then the new one goes on
            workers.remove(stream.name());
            running.close();
        }
        DeliveryStreamSettings settings = new DeliveryStreamSettings(stream.name(), stream.arn(), stream.version(), stream.sourceTopic(), stream.deliveryGroup(),
                stream.sequenceEpochMillis(), destination(stream));
        try {
            // failures are logged by the worker, which retries them
            DeliveryWorker worker = new DeliveryWorker(settings, bootstrapServers, sink, schemas, invoker, workDirectory.resolve(stream.name()),
                    new DeliveryWorker.Listener()
                    {
                    });
            workers.put(stream.name(), worker.start());
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot start the delivery of Firehose stream " + stream.name(), e);
        }
    }

    private static S3Destination destination(DeliveryStream stream)
    {
        try {
            return S3Destination.parse(JSON.readTree(stream.destination()));
        }
        catch (IOException | InvalidConfigurationException e) {
            throw new IllegalStateException("the stored destination of Firehose stream " + stream.name() + " is invalid: " + e.getMessage(), e);
        }
    }

    @Override
    public void abandon(String name)
    {
        Optional.ofNullable(workers.remove(name)).ifPresent(DeliveryWorker::abandon);
    }

    @Override
    public void close()
    {
        List<DeliveryWorker> running = new ArrayList<>(workers.values());
        workers.clear();
        // each delivers what its partitions hold before it stops
        running.parallelStream().forEach(DeliveryWorker::drainAndClose);
    }

    private static void deleteContents(Path directory)
    {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).filter(path -> !path.equals(directory)).forEach(path -> {
                try {
                    Files.delete(path);
                }
                catch (IOException e) {
                    log.warn("cannot delete the stale Firehose buffer {}: {}", path, e.toString());
                }
            });
        }
        catch (IOException e) {
            log.warn("cannot list {}: {}", directory, e.toString());
        }
    }
}
