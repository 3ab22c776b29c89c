package io.lakestack.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.endpoint.EndpointConfig;
import io.lakestack.spi.cluster.KafkaClientSettings;
import io.lakestack.spi.stack.ComponentState;
import io.lakestack.spi.stack.ComponentStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/**
 * The embedded stack: Kafka, the object store, the Hive Metastore, Trino and the AWS endpoint, on one data
 * directory, started in parallel and stopped together. With {@link Builder#externalEngines} it starts the endpoint
 * alone, on engines that run already: each is checked first, and nothing starts when one does not answer.
 *
 * <p>{@link #start()} returns once Kafka, the object store, the metastore and the endpoint answer; Trino may still
 * be starting ({@link #awaitTrino}). While a stack runs, its data directory is locked: a second stack on the same
 * directory is refused with a message naming the first. The lock is an operating-system file lock, released when
 * the process ends however it ends, so it never blocks the next start. Child processes exit when this process does.
 *
 * <pre>{@code
 * try (EmbeddedStack stack = EmbeddedStack.builder().dataDirectory(dir).build().start()) {
 *     stack.awaitTrino(Duration.ofMinutes(2));
 *     String endpoint = stack.endpointUrl();
 * }
 * }</pre>
 */
public final class EmbeddedStack
        implements AutoCloseable
{
    public static final String WAREHOUSE_BUCKET = "lakestack-warehouse";
    private static final Logger log = LoggerFactory.getLogger(EmbeddedStack.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StackLayout layout;
    private final StackPorts ports;
    private final EndpointConfig endpointConfig;
    private final boolean withTrino;
    private final boolean sequentialStart;
    private final String trinoHeap;
    private final StackListener listener;

    /** The embedded engines; null when the engines are external. */
    private final KafkaComponent kafka;
    private final ObjectStoreComponent objectStore;
    private final MetastoreComponent metastore;
    private final TrinoComponent trino;
    /** The engines lakestack does not run, checked at start; empty when they are embedded. */
    private final List<ExternalEngine> externalEngines;
    private final EngineAddresses engines;
    private final EndpointComponent endpoint;
    private final List<Component> components;

    /** The Kafka client settings of external engines, registered while the stack runs. */
    private KafkaClientSettings.Registration kafkaSettings;
    private FileChannel lockChannel;
    private FileLock lock;
    private ExecutorService executor;
    private CompletableFuture<Void> trinoStart = CompletableFuture.completedFuture(null);
    private Instant startedAt;

    private EmbeddedStack(Builder builder)
    {
        this.layout = new StackLayout(builder.dataDirectory);
        this.ports = builder.ports;
        this.endpointConfig = builder.endpointConfig.with(Map.of(EndpointConfig.PORT, String.valueOf(ports.endpoint())));
        this.withTrino = builder.withTrino;
        this.sequentialStart = builder.sequentialStart;
        this.trinoHeap = builder.trinoHeap;
        this.listener = builder.listener;

        List<Component> all = new ArrayList<>();
        if (builder.externalEngines.isPresent()) {
            engines = builder.externalEngines.get();
            if (withTrino != engines.trino().isPresent()) {
                throw new IllegalArgumentException(withTrino ? "external engines without Trino: give Trino's address, or start without Trino"
                        : "external engines with Trino's address, but a stack without Trino");
            }
            kafka = null;
            objectStore = null;
            metastore = null;
            trino = null;
            externalEngines = ExternalEngine.of(engines, listener);
            all.addAll(externalEngines);
        }
        else {
            if (!builder.kafkaProperties.isEmpty()) {
                throw new IllegalArgumentException("Kafka properties (" + String.join(", ", new java.util.TreeSet<>(builder.kafkaProperties.keySet()))
                        + ") apply to external Kafka only (--engines external): the embedded Kafka speaks plaintext on loopback and takes no client settings");
            }
            EngineArtifacts artifacts = EngineArtifacts.load();
            JavaRuntimes.Runtime engineJava = withTrino
                    ? JavaRuntimes.require("trino", TrinoComponent.REQUIRED_JAVA)
                    : JavaRuntimes.find(TrinoComponent.REQUIRED_JAVA).orElseGet(() -> JavaRuntimes.require("object-store", 17));

            String endpointUrl = "http://127.0.0.1:" + ports.endpoint();
            String region = endpointConfig.region();
            kafka = new KafkaComponent(layout.kafka(), Component.LOOPBACK, ports.kafka(), ports.kafkaController(), listener);
            objectStore = new ObjectStoreComponent(artifacts, engineJava, layout.objectStore(), layout.log("object-store"), layout.temporary("object-store"),
                    ports.objectStore(), listener);
            metastore = new MetastoreComponent(artifacts, engineJava, layout.metastore(), layout.log("metastore"), layout.temporary("metastore"),
                    ports.metastore(), endpointUrl, endpointConfig.accessKey(), endpointConfig.secretKey(), region, "s3://" + WAREHOUSE_BUCKET + "/", listener);
            trino = new TrinoComponent(artifacts, engineJava, layout.trino(), layout.log("trino"), layout.temporary("trino"), ports.trino(), trinoHeap,
                    metastore.uri(), endpointUrl, endpointConfig.accessKey(), endpointConfig.secretKey(), region, listener);
            // the embedded object store checks no signature: lakestack's own calls sign with the endpoint's credentials
            engines = new EngineAddresses(kafka.bootstrapServers(), Map.of(), objectStore.uri(), endpointConfig.accessKey(), endpointConfig.secretKey(),
                    region, URI.create(metastore.uri()), withTrino ? Optional.of(trino.uri()) : Optional.empty(), EngineAddresses.DEFAULT_TRINO_USER, false);
            externalEngines = List.of();
            all.addAll(List.of(kafka, objectStore, metastore));
            if (withTrino) {
                all.add(trino);
            }
        }
        endpoint = new EndpointComponent(endpointConfig, engines, this::status, layout.firehose(), layout.temporary("endpoint"), builder.leaseMillis,
                listener);
        all.add(endpoint);
        components = List.copyOf(all);
    }

    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * Starts every component; returns when all but Trino answer.
     *
     * @throws StackException naming the component that failed, why, and what to do; everything started is stopped
     */
    public synchronized EmbeddedStack start()
    {
        if (executor != null) {
            throw new IllegalStateException("already started");
        }
        layout.create();
        acquireLock();
        // what a stack that was killed left in its temporary directories
        layout.clearTemporary();
        startedAt = Instant.now();
        try {
            if (!externalEngines.isEmpty()) {
                startOnExternalEngines();
                return this;
            }
            Ports.requireFree("endpoint", endpointConfig.bindAddress(), ports.endpoint(), "--port");
            Ports.requireFree("kafka", Component.LOOPBACK, ports.kafka(), "--port (Kafka uses port+1)");
            Ports.requireFree("object-store", Component.LOOPBACK, ports.objectStore(), "--port (the object store uses port+2)");
            Ports.requireFree("metastore", Component.LOOPBACK, ports.metastore(), "--port (the metastore uses port+3)");
            if (withTrino) {
                Ports.requireFree("trino", Component.LOOPBACK, ports.trino(), "--port (Trino uses port+4)");
            }
            Ports.requireFree("kafka", Component.LOOPBACK, ports.kafkaController(), "--port (the Kafka controller uses port+5)");

            executor = Executors.newCachedThreadPool(runnable -> {
                Thread thread = new Thread(runnable, "lakestack-start");
                thread.setDaemon(true);
                return thread;
            });
            if (sequentialStart) {
                kafka.start();
                objectStore.start();
                metastore.start();
                endpoint.start();
                if (withTrino) {
                    trinoStart = CompletableFuture.runAsync(trino::start, executor);
                }
            }
            else {
                // on two cores the start-up is bound by CPU: Kafka and the object store start first, and the endpoint
                // answers S3, Kinesis and Firehose once they are up; the metastore and the endpoint's other services
                // start once it does, so that their start-up work does not delay its first answers. Trino starts at
                // once, at a lower priority: it takes the CPU time the others leave
                CompletableFuture<Void> kafkaStart = CompletableFuture.runAsync(kafka::start, executor);
                CompletableFuture<Void> objectStoreStart = CompletableFuture.runAsync(objectStore::start, executor);
                if (withTrino) {
                    trinoStart = CompletableFuture.runAsync(trino::start, executor);
                }
                CompletableFuture<Void> firstAnswers = CompletableFuture.allOf(objectStoreStart, endpoint.listening());
                CompletableFuture<Void> metastoreStart = firstAnswers.thenRunAsync(metastore::start, executor);
                endpoint.startOtherServicesAfter(firstAnswers);
                CompletableFuture<Void> endpointStart = kafkaStart.thenRunAsync(endpoint::start, executor);
                // an endpoint that does not start (Kafka did not) never listens: what waits for it fails with it
                endpointStart.whenComplete((started, failure) -> {
                    if (failure != null) {
                        endpoint.listening().completeExceptionally(failure);
                    }
                });
                join(CompletableFuture.allOf(kafkaStart, objectStoreStart, metastoreStart, endpointStart),
                        kafkaStart, objectStoreStart, metastoreStart, endpointStart);
            }
            endpoint.ensureBucket(WAREHOUSE_BUCKET);
            writeState();
            return this;
        }
        catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Checks every external engine at once, then starts the endpoint on them; nothing is started when an engine does not
     * answer.
     *
     * @throws UnreachableEnginesException with one line for each engine that does not answer
     */
    private void startOnExternalEngines()
    {
        Ports.requireFree("endpoint", endpointConfig.bindAddress(), ports.endpoint(), "--port");
        kafkaSettings = KafkaClientSettings.register(engines.kafkaBootstrap(), engines.kafkaProperties());
        executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "lakestack-check");
            thread.setDaemon(true);
            return thread;
        });
        List<CompletableFuture<String>> checks = externalEngines.stream()
                .map(engine -> CompletableFuture.supplyAsync(() -> {
                    try {
                        engine.start();
                        return "";
                    }
                    catch (StackException e) {
                        return e.getMessage().substring(e.component().length() + 2);
                    }
                }, executor))
                .toList();
        List<String> unreachable = checks.stream().map(CompletableFuture::join).filter(line -> !line.isEmpty()).toList();
        if (!unreachable.isEmpty()) {
            throw new UnreachableEnginesException(unreachable);
        }
        endpoint.start();
        endpoint.ensureBucket(WAREHOUSE_BUCKET);
        writeState();
    }

    /** Waits for every future; the first failure (by component order) is thrown. */
    private static void join(CompletableFuture<Void> all, List<CompletableFuture<Void>> each)
    {
        try {
            all.join();
        }
        catch (CompletionException ignored) {
            for (CompletableFuture<Void> future : each) {
                try {
                    future.join();
                }
                catch (CompletionException e) {
                    if (e.getCause() instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    throw e;
                }
            }
        }
    }

    @SafeVarargs
    private static void join(CompletableFuture<Void> all, CompletableFuture<Void>... each)
    {
        join(all, List.of(each));
    }

    /**
     * Waits until Trino answers queries.
     *
     * @throws StackException when Trino failed to start or did not answer in time
     */
    public void awaitTrino(Duration timeout)
    {
        if (!withTrino) {
            throw new IllegalStateException("this stack was built without Trino");
        }
        if (trino == null) {
            // an external Trino answered when the stack started
            return;
        }
        try {
            trinoStart.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (ExecutionException e) {
            throw e.getCause() instanceof StackException stack ? stack : new StackException("trino", Component.describe(e), e);
        }
        catch (TimeoutException e) {
            throw new StackException("trino", "not ready after " + timeout.toSeconds() + " s; see " + layout.log("trino"));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("trino", "interrupted while waiting for Trino");
        }
    }

    public List<ComponentStatus> status()
    {
        return components.stream().map(Component::status).toList();
    }

    public boolean isReady()
    {
        return components.stream().allMatch(component -> component.state() == ComponentState.READY);
    }

    public String endpointUrl()
    {
        return endpoint.url();
    }

    public String kafkaBootstrapServers()
    {
        return engines.kafkaBootstrap();
    }

    public String metastoreUri()
    {
        return engines.metastore().toString();
    }

    public int metastorePort()
    {
        return engines.metastorePort();
    }

    /** The engines' addresses: the embedded ones, or the external ones the stack was given. */
    public EngineAddresses engines()
    {
        return engines;
    }

    /** Whether the engines are external: the stack runs the endpoint only. */
    public boolean externalEngines()
    {
        return !externalEngines.isEmpty();
    }

    /** The process ids of the engines' JVMs (object store, metastore, Trino) that are running, by component name. */
    public Map<String, Long> childProcessIds()
    {
        Map<String, Long> pids = new LinkedHashMap<>();
        for (ChildComponent child : children()) {
            if (child.pid() > 0) {
                pids.put(child.name(), child.pid());
            }
        }
        return pids;
    }

    /** The engines' JVMs this stack runs: none when the engines are external. */
    private List<ChildComponent> children()
    {
        return objectStore == null ? List.of() : List.of(objectStore, metastore, trino);
    }

    /** The process id of the metastore's JVM, or -1 while it is not running (or is not this stack's). */
    public long metastorePid()
    {
        return metastore == null ? -1 : metastore.pid();
    }

    public String trinoJdbcUrl()
    {
        URI uri = trinoUri();
        return "jdbc:trino://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + "/" + TrinoComponent.CATALOG + ("https".equals(uri.getScheme()) ? "?SSL=true" : "");
    }

    /** Trino's HTTP address, where its client protocol ({@code /v1/statement}) answers. */
    public URI trinoUri()
    {
        return engines.trino().orElseThrow(() -> new IllegalStateException("this stack was built without Trino"));
    }

    public String objectStoreUrl()
    {
        return engines.objectStore().toString();
    }

    public EndpointConfig endpointConfig()
    {
        return endpointConfig;
    }

    public StackLayout layout()
    {
        return layout;
    }

    public StackPorts ports()
    {
        return ports;
    }

    /** Stops everything that was started, the endpoint first and Kafka last, and releases the data directory. */
    @Override
    public synchronized void close()
    {
        if (lock == null) {
            // never started, or the data directory belongs to another lakestack: nothing here is this one's to stop
            return;
        }
        try {
            endpoint.stop();
            externalEngines.forEach(Component::stop);
            List<CompletableFuture<Void>> stops = new ArrayList<>();
            ExecutorService stopper = Executors.newFixedThreadPool(3);
            for (Component child : trino == null ? List.<Component>of() : List.<Component>of(trino, metastore, objectStore)) {
                stops.add(CompletableFuture.runAsync(child::stop, stopper));
            }
            stops.forEach(stop -> {
                try {
                    stop.get(60, TimeUnit.SECONDS);
                }
                catch (Exception e) {
                    log.warn("stopping a component failed", e);
                }
            });
            stopper.shutdownNow();
            if (kafka != null) {
                kafka.stop();
            }
        }
        finally {
            if (executor != null) {
                executor.shutdownNow();
                executor = null;
            }
            if (kafkaSettings != null) {
                kafkaSettings.close();
                kafkaSettings = null;
            }
            try {
                Files.deleteIfExists(layout.stateFile());
            }
            catch (IOException e) {
                log.warn("cannot delete {}", layout.stateFile(), e);
            }
            releaseLock();
        }
    }

    private void acquireLock()
    {
        try {
            lockChannel = FileChannel.open(layout.lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                lock = lockChannel.tryLock();
            }
            catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                lockChannel.close();
                lockChannel = null;
                String running = RunState.read(layout).map(state -> " (pid " + state.pid() + ", endpoint " + state.endpoint() + ")").orElse("");
                throw new StackException("data-dir", "another lakestack is already running on " + layout.root() + running
                        + "; stop it with 'lakestack down' or use another --data-dir");
            }
        }
        catch (IOException e) {
            throw new StackException("data-dir", "cannot lock the data directory " + layout.root() + ": " + e.getMessage(), e);
        }
    }

    private void releaseLock()
    {
        try {
            if (lock != null) {
                lock.release();
                lock = null;
            }
            if (lockChannel != null) {
                lockChannel.close();
                lockChannel = null;
            }
        }
        catch (IOException e) {
            log.warn("cannot release the lock on {}", layout.root(), e);
        }
    }

    private void writeState()
    {
        ObjectNode state = JSON.createObjectNode();
        state.put("pid", ProcessHandle.current().pid());
        state.put("startedAt", startedAt.toString());
        state.put("endpoint", endpointUrl());
        state.put("engines", externalEngines.isEmpty() ? "embedded" : "external");
        state.put("kafka", kafkaBootstrapServers());
        state.put("objectStore", objectStoreUrl());
        state.put("metastore", metastoreUri());
        if (withTrino) {
            state.put("trino", trinoUri().toString());
            state.put("trinoJdbcUrl", trinoJdbcUrl());
        }
        try {
            Path file = layout.stateFile();
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(temporary, state.toPrettyString());
            Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write " + layout.stateFile(), e);
        }
    }

    /** Deletes the data directory's contents, as {@code --fresh} asks; refused while a stack runs on it. */
    public static void wipe(Path dataDirectory)
    {
        new StackLayout(dataDirectory).wipe();
    }

    public static final class Builder
    {
        private Path dataDirectory = Path.of(System.getProperty("user.home"), ".lakestack");
        private StackPorts ports = StackPorts.from(EndpointConfig.DEFAULT_PORT);
        private EndpointConfig endpointConfig = EndpointConfig.defaults();
        private boolean withTrino = true;
        private boolean sequentialStart;
        private String trinoHeap = "640M";
        private StackListener listener = StackListener.NONE;
        private long leaseMillis = io.lakestack.backends.kafka.KafkaInstances.DEFAULT_LEASE_MILLIS;
        private Optional<EngineAddresses> externalEngines = Optional.empty();
        private Map<String, String> kafkaProperties = Map.of();

        public Builder dataDirectory(Path dataDirectory)
        {
            this.dataDirectory = requireNonNull(dataDirectory, "dataDirectory is null");
            return this;
        }

        public Builder ports(StackPorts ports)
        {
            this.ports = requireNonNull(ports, "ports is null");
            return this;
        }

        /** Endpoint settings; its port is replaced by {@link StackPorts#endpoint()}. */
        public Builder endpointConfig(EndpointConfig endpointConfig)
        {
            this.endpointConfig = requireNonNull(endpointConfig, "endpointConfig is null");
            return this;
        }

        public Builder endpointSettings(Map<String, String> settings)
        {
            Map<String, String> merged = new HashMap<>(endpointConfig.toMap());
            merged.putAll(settings);
            this.endpointConfig = EndpointConfig.fromMap(merged);
            return this;
        }

        /**
         * Runs the endpoint on engines that run already, starting none: Kafka, the object store, the metastore and (unless
         * the stack is without Trino) Trino at these addresses. Each is checked at start.
         */
        public Builder externalEngines(EngineAddresses engines)
        {
            this.externalEngines = Optional.of(requireNonNull(engines, "engines is null"));
            return this;
        }

        /**
         * Kafka client settings asked for while the engines are embedded: refused at {@link #build()}, as the embedded
         * Kafka takes none (external engines carry theirs in {@link EngineAddresses#kafkaProperties()}).
         */
        public Builder kafkaProperties(Map<String, String> kafkaProperties)
        {
            this.kafkaProperties = Map.copyOf(kafkaProperties);
            return this;
        }

        public Builder withTrino(boolean withTrino)
        {
            this.withTrino = withTrino;
            return this;
        }

        /** Starts the components one after another, Trino last: the start-up benchmark's baseline. */
        public Builder sequentialStart(boolean sequentialStart)
        {
            this.sequentialStart = sequentialStart;
            return this;
        }

        public Builder trinoHeap(String trinoHeap)
        {
            this.trinoHeap = requireNonNull(trinoHeap, "trinoHeap is null");
            return this;
        }

        /** How long the endpoint may go without renewing its lease before other endpoints on the same Kafka take it for gone. */
        public Builder leaseMillis(long leaseMillis)
        {
            this.leaseMillis = leaseMillis;
            return this;
        }

        public Builder listener(StackListener listener)
        {
            this.listener = requireNonNull(listener, "listener is null");
            return this;
        }

        public EmbeddedStack build()
        {
            return new EmbeddedStack(this);
        }
    }

    /** Runs a stack on {@code ~/.lakestack} (or the directory given) until interrupted; the CLI does more. */
    public static void main(String[] args)
            throws InterruptedException
    {
        Path directory = args.length > 0 ? Path.of(args[0]) : Path.of(System.getProperty("user.home"), ".lakestack");
        EmbeddedStack stack = builder().dataDirectory(directory).listener(new StackListener()
        {
            @Override
            public void componentChanged(ComponentStatus status)
            {
                System.out.println(status.name() + " " + status.state().label() + " " + status.address() + " " + status.detail());
            }
        }).build().start();
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close));
        Thread.currentThread().join();
    }
}
