package io.lakestack.connectors.lambda.events;

import io.lakestack.spi.lambda.EventSourceMapping;
import io.lakestack.spi.lambda.EventSourceMappingStatus;
import io.lakestack.spi.store.RecordStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/**
 * The event source mapping pollers of one lakestack instance (or of a process of its own, against AWS-compatible
 * endpoints): one poller per enabled mapping, started, replaced and stopped as the definitions in the record store
 * change. A stream's or topic's {@link MappingPoller} is a member of its mapping's consumer group, so that the pollers of
 * every instance share the source's partitions; a queue's {@link SqsMappingPoller} receives through the SQS API, which
 * hands each message to one receiver, so the pollers of every instance poll the queue side by side.
 *
 * <p>Status, as Lambda reports it in {@code State} and {@code LastProcessingResult}: {@code Creating} (or
 * {@code Enabling}, {@code Updating}) until the poller has joined its group and knows its starting positions, then
 * {@code Enabled}; {@code Disabled} when the mapping is; {@code No records processed} until the first invocation, then
 * {@code OK} or {@code PROBLEM: Function call failed} after each invocation that changes it. A deleted mapping's status is
 * left to the service, which deletes it.
 */
public final class EventSourcePollers
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(EventSourcePollers.class);

    private final RecordStore<EventSourceMapping> mappings;
    private final RecordStore<EventSourceMappingStatus> statuses;
    private final LambdaEventsConfig config;
    private final Invoker invoker;
    private final FunctionSettings functions;
    private final DestinationRouter router;
    private final Clock clock;
    private final Optional<SqsClient> sqs;
    private final Map<String, Poller> pollers = new ConcurrentHashMap<>();
    private final ExecutorService changes = Executors.newSingleThreadExecutor(daemon("lambda-esm-definitions"));
    private final ExecutorService lanes = Executors.newCachedThreadPool(daemon("lambda-esm-lane"));
    private volatile boolean closed;

    /**
     * @param mappings the mapping definitions the Lambda service keeps ({@code lambda.event-source-mappings})
     * @param statuses where the pollers report ({@code lambda.event-source-mapping-status})
     * @param invoker invokes the mapped functions (in lakestack, the Lambda service of the same process; {@link LambdaApi}
     *         against AWS or another endpoint)
     * @param functions reads the functions' execution roles (Kinesis events name them)
     * @param destinations where given-up batches are recorded ({@link KafkaS3Destinations} in production)
     */
    public EventSourcePollers(RecordStore<EventSourceMapping> mappings, RecordStore<EventSourceMappingStatus> statuses, LambdaEventsConfig config,
            Invoker invoker, FunctionSettings functions, Destinations destinations, Clock clock)
    {
        this(mappings, statuses, config, invoker, functions, destinations, Optional.empty(), clock);
    }

    /**
     * @param sqs a client of the SQS API the queues of SQS mappings are polled through (the endpoint, or AWS); without
     *         one, SQS mappings are reported as not running
     */
    public EventSourcePollers(RecordStore<EventSourceMapping> mappings, RecordStore<EventSourceMappingStatus> statuses, LambdaEventsConfig config,
            Invoker invoker, FunctionSettings functions, Destinations destinations, Optional<SqsClient> sqs, Clock clock)
    {
        this.sqs = requireNonNull(sqs, "sqs is null");
        this.mappings = requireNonNull(mappings, "mappings is null");
        this.statuses = requireNonNull(statuses, "statuses is null");
        this.config = requireNonNull(config, "config is null");
        this.invoker = requireNonNull(invoker, "invoker is null");
        this.functions = requireNonNull(functions, "functions is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.router = new DestinationRouter(requireNonNull(destinations, "destinations is null"), clock, UUID::randomUUID);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name)
    {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Follows the definitions from now on, and runs every mapping defined. */
    public EventSourcePollers start()
    {
        mappings.subscribe((uuid, mapping) -> changes.execute(() -> apply(uuid, mapping)));
        changes.execute(() -> mappings.all().forEach((uuid, mapping) -> apply(uuid, Optional.of(mapping))));
        return this;
    }

    /** The mappings this instance polls. */
    public List<String> polled()
    {
        return List.copyOf(new java.util.TreeSet<>(pollers.keySet()));
    }

    private void apply(String uuid, Optional<EventSourceMapping> definition)
    {
        if (closed) {
            return;
        }
        Poller running = pollers.get(uuid);
        if (definition.isPresent() && running != null && running.mapping().equals(definition.get())) {
            return;
        }
        Optional<EventSourceMappingStatus> previous = statuses.get(uuid);
        String result = previous.map(EventSourceMappingStatus::lastProcessingResult).orElse("No records processed");
        if (running != null) {
            pollers.remove(uuid);
            running.close();
        }
        if (definition.isEmpty()) {
            log.info("event source mapping {} deleted", uuid);
            return;
        }
        EventSourceMapping mapping = definition.get();
        if (!mapping.enabled()) {
            write(uuid, "Disabled", result);
            return;
        }
        String state = running != null ? "Updating" : previous.filter(status -> status.state().equals("Disabled")).isPresent() ? "Enabling" : "Creating";
        MappingPoller.StatusSink sink = (newState, newResult) -> write(uuid, newState, newResult);
        if (mapping.kind() == EventSourceMapping.Kind.SQS) {
            if (sqs.isEmpty()) {
                write(uuid, "Disabled", "PROBLEM: this lakestack process has no SQS client to poll " + mapping.eventSourceArn().orElse("the queue"));
                return;
            }
            pollers.put(uuid, new SqsMappingPoller(mapping, sqs.get(), invoker, clock, sink, state, result).start());
            log.info("event source mapping {}: {} -> {} ({})", uuid, mapping.eventSourceArn().orElse(""), mapping.functionArn(), state);
            return;
        }
        MappingPoller poller = new MappingPoller(mapping, config, invoker, functions, router, lanes, clock, sink, state, result);
        pollers.put(uuid, poller.start());
        log.info("event source mapping {}: {} -> {} ({})", uuid, mapping.sourceTopics(), mapping.functionArn(), state);
    }

    private void write(String uuid, String state, String result)
    {
        if (closed || mappings.get(uuid).isEmpty()) {
            return;
        }
        Optional<EventSourceMappingStatus> current = statuses.get(uuid);
        if (current.isPresent() && current.get().state().equals(state) && current.get().lastProcessingResult().equals(result)) {
            return;
        }
        statuses.put(uuid, new EventSourceMappingStatus(uuid, state, result, clock.millis()));
    }

    /** Stops every poller; what was done is committed, invocations in progress finish. */
    @Override
    public void close()
    {
        closed = true;
        changes.shutdownNow();
        List<Poller> running = new ArrayList<>(pollers.values());
        pollers.clear();
        running.parallelStream().forEach(Poller::close);
        lanes.shutdown();
    }

    /** The poller of one mapping on this instance. */
    interface Poller
            extends AutoCloseable
    {
        /** The definition it runs. */
        EventSourceMapping mapping();

        /** Stops polling; invocations in progress finish first. */
        @Override
        void close();
    }
}
