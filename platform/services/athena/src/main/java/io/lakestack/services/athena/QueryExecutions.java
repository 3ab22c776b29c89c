package io.lakestack.services.athena;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.endpoint.json.JsonProtocolService;
import io.lakestack.services.athena.QueryExecution.Failure;
import io.lakestack.services.athena.QueryExecution.Result;
import io.lakestack.services.athena.QueryExecution.State;
import io.lakestack.services.athena.QueryExecution.Statistics;
import io.lakestack.services.athena.sql.HiveStatement;
import io.lakestack.services.athena.sql.PreparedCommand;
import io.lakestack.services.athena.sql.SqlTokens;
import io.lakestack.spi.ErrorKind;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.athena.QueryEngine;
import io.lakestack.spi.cluster.Instances;
import io.lakestack.spi.s3.ObjectStore;
import io.lakestack.spi.store.RecordStore;
import io.lakestack.spi.store.RecordStores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Athena query executions: queued, run on a pool of {@value #DEFAULT_CONCURRENCY} (HiveQL DDL against the catalog,
 * everything else on the engine), their results written to the output location as Athena writes them, their history
 * kept in the record store {@value #STORE} so that it survives restarts.
 *
 * <p>A query runs on the instance that started it, its owner. {@code RUNNING} is kept in the owner's memory only,
 * sparing every query a durable write: other instances report a running query as {@code QUEUED}. A query whose
 * owner stops ends {@code FAILED}: at once when the owner stops cleanly, and once its lease runs out when it stops
 * without a word; a query owned by a live instance is never touched by another.
 */
final class QueryExecutions
        implements AutoCloseable
{
    static final String STORE = "athena.queries";
    static final int DEFAULT_CONCURRENCY = 4;
    private static final long BUCKET_CHECK_MILLIS = 30_000;
    /** The one data catalog, named as Athena names it; any case addresses it. */
    static final String CATALOG = "AwsDataCatalog";
    /** The database of a query whose context names none, as in Athena. */
    static final String DEFAULT_DATABASE = "default";
    /** The tables UNLOADs write through, in the {@code default} database while each runs. */
    static final String UNLOAD_TABLE_PREFIX = "lakestack_unload_";
    private static final QueryEngine.RowSink DISCARD = new QueryEngine.RowSink()
    {
        @Override
        public void columns(List<QueryEngine.Column> columns)
        {
        }

        @Override
        public void row(List<String> values)
        {
        }
    };
    private static final Logger log = LoggerFactory.getLogger(QueryExecutions.class);
    private static final Pattern TYPE_PARAMETERS = Pattern.compile("^[a-z ]+\\((\\d+)(?:,\\s*(\\d+))?\\)");

    /** What {@code StartQueryExecution} asked for, after the work group's settings are applied. */
    record Request(String query, String workGroup, Optional<String> database, Optional<String> catalog, String outputLocation,
            List<String> parameters, Optional<String> clientRequestToken, Optional<Long> bytesScannedCutoff)
    {
    }

    private final RecordStore<QueryExecution> store;
    private final QueryEngine engine;
    private final HiveDdlExecutor ddl;
    private final WorkGroups workGroups;
    private final ObjectStore objects;
    private final ResultFiles results;
    private final Path temporaryDirectory;
    private final Clock clock;
    private final Instances instances;
    private final QueryStateEvents events;
    private final ExecutorService executor;
    private final ExecutorService uploads;
    private final Map<String, AtomicBoolean> cancellations = new ConcurrentHashMap<>();
    private final Map<String, String> byClientToken = new ConcurrentHashMap<>();
    private final Map<String, QueryExecution> running = new ConcurrentHashMap<>();
    private final Map<String, Long> knownBuckets = new ConcurrentHashMap<>();
    private volatile boolean closing;

    QueryExecutions(RecordStores stores, QueryEngine engine, HiveDdlExecutor ddl, WorkGroups workGroups, ObjectStore objects, Clock clock,
            Instances instances, QueryStateEvents events, int concurrency, Path temporaryDirectory)
    {
        this.store = requireNonNull(stores, "stores is null").open(STORE, QueryExecution.class);
        this.workGroups = requireNonNull(workGroups, "workGroups is null");
        this.engine = requireNonNull(engine, "engine is null");
        this.ddl = requireNonNull(ddl, "ddl is null");
        this.objects = requireNonNull(objects, "objects is null");
        this.temporaryDirectory = requireNonNull(temporaryDirectory, "temporaryDirectory is null");
        this.results = new ResultFiles(objects, temporaryDirectory);
        this.clock = requireNonNull(clock, "clock is null");
        this.instances = requireNonNull(instances, "instances is null");
        this.events = requireNonNull(events, "events is null");
        this.uploads = Executors.newFixedThreadPool(concurrency, runnable -> {
            Thread thread = new Thread(runnable, "lakestack-athena-upload");
            thread.setDaemon(true);
            return thread;
        });
        this.executor = Executors.newFixedThreadPool(concurrency, runnable -> {
            Thread thread = new Thread(runnable, "lakestack-athena-query");
            thread.setDaemon(true);
            return thread;
        });
        store.subscribe((id, execution) -> execution.ifPresent(this::changed));
        store.all().values().forEach(execution -> execution.clientRequestToken().ifPresent(token -> byClientToken.put(token, execution.id())));
        instances.onDeparture(owner -> failQueriesOf(owner::equals, "the lakestack instance that ran it (" + owner + ") stopped"));
        failQueriesOf(owner -> !instances.holdsLease(owner), "the lakestack instance that ran it stopped");
    }

    /** Client tokens of every instance's queries, and stops asked for through another instance. */
    private void changed(QueryExecution execution)
    {
        execution.clientRequestToken().ifPresent(token -> byClientToken.putIfAbsent(token, execution.id()));
        if (execution.cancelRequested() && execution.owner().equals(instances.self())) {
            Optional.ofNullable(cancellations.get(execution.id())).ifPresent(cancelled -> cancelled.set(true));
        }
    }

    /** Ends, as FAILED, the queries whose owner is gone. */
    private void failQueriesOf(Predicate<String> gone, String why)
    {
        store.all().values().stream()
                .filter(execution -> !execution.state().isDone() && gone.test(execution.owner()))
                .forEach(execution -> {
                    synchronized (this) {
                        store.get(execution.id()).filter(current -> !current.state().isDone()).ifPresent(current -> {
                            QueryExecution failed = current.finished(State.FAILED, Optional.of("The query did not finish: " + why + "; run it again"),
                                    Optional.of(new Failure(false)), clock.millis(),
                                    current.statementType(), current.substatementType(), current.outputLocation(), current.statistics(), Optional.empty());
                            store.put(current.id(), failed);
                            ended(failed, current.state());
                            log.warn("query {} ended FAILED: {}", current.id(), why);
                        });
                    }
                });
    }

    String start(Request request)
    {
        if (request.clientRequestToken().isPresent()) {
            String existing = byClientToken.get(request.clientRequestToken().get());
            if (existing != null) {
                if (!get(existing).query().equals(request.query())) {
                    throw ServiceException.user("InvalidRequestException", "ClientRequestToken " + request.clientRequestToken().get()
                            + " was used for another query");
                }
                return existing;
            }
        }
        String id = UUID.randomUUID().toString();
        String output = request.outputLocation().endsWith("/") ? request.outputLocation() : request.outputLocation() + "/";
        QueryExecution execution = new QueryExecution(id, request.query(), "DML", Optional.empty(), request.workGroup(), request.database(),
                request.catalog(), output, output + id + ".csv", request.parameters(), request.clientRequestToken(), instances.self(), State.QUEUED,
                Optional.empty(), Optional.empty(), clock.millis(), Optional.empty(), Optional.empty(), Optional.empty(), false);
        // the engine starts on the query while its record is written; the caller has its id once the record is durable
        CompletableFuture<Void> queued = store.putAsync(id, execution);
        CompletableFuture<Void> announced = new CompletableFuture<>();
        AtomicBoolean cancelled = new AtomicBoolean();
        cancellations.put(id, cancelled);
        executor.submit(() -> run(id, request, execution, announced));
        try {
            queued.join();
        }
        catch (CompletionException e) {
            cancelled.set(true);
            announced.completeExceptionally(e.getCause());
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
        try {
            events.changed(execution, Optional.empty(), execution.submittedMillis());
        }
        finally {
            announced.complete(null);
        }
        request.clientRequestToken().ifPresent(token -> byClientToken.put(token, id));
        return id;
    }

    /** What a run found out, gathered as it goes. */
    private static final class Run
    {
        String statementType = "DML";
        Optional<String> substatementType = Optional.empty();
        String outputLocation;
        Optional<Long> dataScannedBytes = Optional.empty();
        long engineMillis;
        long planningMillis;
        Optional<Result> result = Optional.empty();
        Optional<String> dataManifestLocation = Optional.empty();

        Run(String outputLocation)
        {
            this.outputLocation = outputLocation;
        }
    }

    /**
     * Runs the query and ends it, whatever happens: every failure, an {@link Error} included, ends it {@code FAILED}
     * with a reason, and a stop ends it {@code CANCELLED} (the engine and {@link HiveDdlExecutor} read the flag
     * between their steps).
     */
    private void run(String id, Request request, QueryExecution submitted, CompletableFuture<Void> queued)
    {
        try {
            execute(id, request, submitted, queued);
        }
        catch (Throwable e) {
            // execute ends every query itself; this is a failure to record how it ended
            log.error("query {} could not be ended normally", id, e);
            if (durable(queued)) {
                endFailed(submitted, "INTERNAL_ERROR: lakestack could not record how the query ended: " + e);
            }
        }
        finally {
            running.remove(id);
            cancellations.remove(id);
        }
    }

    /** The query's end is stored: its state change event. */
    private void ended(QueryExecution execution, State previous)
    {
        events.changed(execution, Optional.of(previous), execution.completedMillis().orElse(clock.millis()));
    }

    /** Ends the query FAILED, unless it has ended already. */
    private synchronized void endFailed(QueryExecution submitted, String reason)
    {
        String id = submitted.id();
        try {
            Optional.of(stored(submitted)).filter(current -> !current.state().isDone()).ifPresent(current -> {
                QueryExecution failed = current.finished(State.FAILED, Optional.of(reason), Optional.of(new Failure(false)), clock.millis(),
                        current.statementType(), current.substatementType(), current.outputLocation(), current.statistics(), Optional.empty());
                store.put(id, failed);
                ended(failed, running.containsKey(id) ? State.RUNNING : current.state());
            });
        }
        catch (RuntimeException e) {
            log.error("query {} could not be ended FAILED ({}); the record store refused it", id, reason, e);
        }
    }

    /**
     * @param submitted the query as {@link #start} stored it
     * @param queued the write of {@code submitted} and then its state change event: nothing of the query's end is
     *         written before it is done, and nothing at all when the write failed (the caller of {@link #start} was
     *         told so)
     */
    private void execute(String id, Request request, QueryExecution submitted, CompletableFuture<Void> queued)
    {
        AtomicBoolean cancelled = cancellations.getOrDefault(id, new AtomicBoolean());
        QueryExecution execution;
        long started = clock.millis();
        synchronized (this) {
            execution = stored(submitted);
            if (cancelled.get() || execution.state() != State.QUEUED || execution.cancelRequested()) {
                if (!durable(queued)) {
                    cancellations.remove(id);
                    return;
                }
                execution = stored(submitted);
                if (!execution.state().isDone()) {
                    QueryExecution cancelledExecution = execution.finished(State.CANCELLED, Optional.of("Query cancelled by user"), Optional.empty(),
                            clock.millis(), execution.statementType(), execution.substatementType(), execution.outputLocation(), Optional.empty(),
                            Optional.empty());
                    store.put(id, cancelledExecution);
                    ended(cancelledExecution, execution.state());
                }
                cancellations.remove(id);
                return;
            }
            running.put(id, execution.running());
        }
        QueryExecution entered = execution.running();
        // its event follows the QUEUED one
        CompletableFuture<Void> announced = queued.thenRun(() -> events.changed(entered, Optional.of(State.QUEUED), started));
        Run run = new Run(execution.outputLocation());
        State state = State.SUCCEEDED;
        Optional<String> reason = Optional.empty();
        Optional<Failure> failure = Optional.empty();
        try {
            String[] location = AthenaStatement.bucketAndKey(execution.outputFolder());
            if (!outputBucketExists(location[0])) {
                throw new QueryFailed("Unable to verify/create output bucket " + location[0] + ": the bucket does not exist", true);
            }
            String catalog = request.catalog().orElse(CATALOG);
            if (!catalog.equalsIgnoreCase(CATALOG)) {
                throw new QueryFailed("CATALOG_NOT_FOUND: line 1:1: Catalog '" + catalog.toLowerCase(Locale.ROOT)
                        + "' does not exist; lakestack's Athena has the AwsDataCatalog catalog only", true);
            }
            Optional<PreparedCommand> command = PreparedCommand.parse(request.query());
            if (command.isPresent() && !(command.get() instanceof PreparedCommand.Execute)) {
                runPreparedCommand(id, run, command.get(), request, location);
                run.engineMillis = clock.millis() - started;
                run.dataScannedBytes = Optional.of(0L);
            }
            else {
                runStatement(id, run, execution.outputFolder(), request, resolve(request, command), location, cancelled, started);
            }
        }
        catch (AthenaStatement.Unsupported e) {
            state = State.FAILED;
            reason = Optional.of(e.getMessage());
            failure = Optional.of(new Failure(true));
        }
        catch (HiveDdlExecutor.Cancelled e) {
            state = State.CANCELLED;
            reason = Optional.of(e.getMessage());
        }
        catch (HiveDdlExecutor.DdlFailure e) {
            state = State.FAILED;
            reason = Optional.of("FAILED: " + e.getMessage());
            failure = Optional.of(new Failure(true));
        }
        catch (QueryFailed e) {
            state = State.FAILED;
            reason = Optional.of(e.getMessage());
            failure = Optional.of(new Failure(e.user));
        }
        catch (ServiceException e) {
            state = State.FAILED;
            reason = Optional.of(e.errorCode() + ": " + e.getMessage());
            failure = Optional.of(new Failure(e.kind() == ErrorKind.USER));
        }
        catch (QueryEngine.QueryFailure e) {
            if (e.errorName().equals("USER_CANCELED") && cancelled.get()) {
                state = State.CANCELLED;
                reason = Optional.of("Query cancelled by user");
            }
            else {
                state = State.FAILED;
                reason = Optional.of(e.errorName() + ": " + e.getMessage());
                failure = Optional.of(new Failure(e.userError()));
            }
        }
        catch (IllegalArgumentException e) {
            state = State.FAILED;
            reason = Optional.of("SYNTAX_ERROR: " + e.getMessage());
            failure = Optional.of(new Failure(true));
        }
        catch (IOException | RuntimeException e) {
            log.error("query {} failed", id, e);
            state = State.FAILED;
            reason = Optional.of("INTERNAL_ERROR: " + e.getMessage());
            failure = Optional.of(new Failure(false));
        }
        catch (StackOverflowError e) {
            log.error("query {} failed: lakestack ran out of stack on it", id, e);
            state = State.FAILED;
            reason = Optional.of("INTERNAL_ERROR: the query is nested too deeply for lakestack to process it (java.lang.StackOverflowError)");
            // running it again would fail again
            failure = Optional.of(new Failure(true));
        }
        catch (Error e) {
            // the query still ends, and the pool thread lives on for the next one
            log.error("query {} failed", id, e);
            state = State.FAILED;
            reason = Optional.of("INTERNAL_ERROR: " + e);
            failure = Optional.of(new Failure(false));
        }
        if (closing) {
            state = State.FAILED;
            reason = Optional.of("The query did not finish: lakestack stopped while it was running; run it again");
            failure = Optional.of(new Failure(false));
        }
        long completed = clock.millis();
        if (!durable(announced)) {
            return;
        }
        Statistics statistics = new Statistics(started - execution.submittedMillis(), run.dataScannedBytes, run.engineMillis, run.planningMillis,
                completed - execution.submittedMillis(), run.dataManifestLocation);
        synchronized (this) {
            // unless another instance took this one for gone and ended the query meanwhile
            if (!stored(submitted).state().isDone()) {
                QueryExecution finished = execution.finished(state, reason, failure, completed, run.statementType, run.substatementType,
                        run.outputLocation, Optional.of(statistics), state == State.SUCCEEDED ? run.result : Optional.empty());
                store.put(id, finished);
                ended(finished, State.RUNNING);
            }
            running.remove(id);
            cancellations.remove(id);
        }
    }

    /**
     * The query as this instance last read it from the store, or as {@link #start} wrote it when the store has not
     * read that write back yet (it is durable, and nothing else has changed the query since)
     */
    private QueryExecution stored(QueryExecution submitted)
    {
        return store.get(submitted.id()).orElse(submitted);
    }

    /** Waits for the query's first write (and its events): whether it is durable. */
    private static boolean durable(CompletableFuture<Void> written)
    {
        try {
            written.join();
            return true;
        }
        catch (CompletionException e) {
            log.warn("a query was not started: its record could not be written", e.getCause());
            return false;
        }
    }

    private void runStatement(String id, Run run, String output, Request request, String query, String[] location, AtomicBoolean cancelled,
            long started)
            throws AthenaStatement.Unsupported, HiveDdlExecutor.DdlFailure, HiveDdlExecutor.Cancelled, QueryEngine.QueryFailure, QueryFailed, IOException
    {
        String catalog = request.catalog().orElse(CATALOG);
        AthenaStatement statement = AthenaStatement.classify(query, output + "tables/" + id + "/");
        if (statement.insertTarget().isPresent()) {
            List<String> target = statement.insertTarget().get();
            String database = target.size() == 2 ? target.get(0) : request.database().orElse(DEFAULT_DATABASE);
            Optional<String> compression = ddl.writeCompression(database, target.get(target.size() - 1));
            if (compression.isPresent()) {
                statement = statement.withWriteCompression(compression.get());
            }
        }
        run.statementType = statement.statementType();
        run.substatementType = Optional.of(statement.substatementType());
        if (statement.hive().isPresent()) {
            runDdl(id, run, statement.hive().get(), request.database().orElse(DEFAULT_DATABASE), location, cancelled);
            run.dataScannedBytes = Optional.of(0L);
            run.engineMillis = clock.millis() - started;
            return;
        }
        String engineCatalog = catalog.toLowerCase(Locale.ROOT);
        Optional<String> schema = Optional.of(request.database().orElse(DEFAULT_DATABASE).toLowerCase(Locale.ROOT));
        Optional<AthenaStatement.Unload> unload = statement.unload();
        String table = UNLOAD_TABLE_PREFIX + id.replace('-', '_');
        String sql = unload.isPresent()
                ? "INSERT INTO " + AthenaStatement.CATALOG + ".\"" + DEFAULT_DATABASE + "\".\"" + table + "\" " + unload.get().query()
                : statement.trinoSql().orElseThrow();
        if (unload.isPresent()) {
            createUnloadTable(unload.get(), table, engineCatalog, schema, cancelled);
        }
        QueryEngine.Query engineQuery = new QueryEngine.Query(sql, engineCatalog, schema, statement.sessionProperties());
        try (ResultFiles.CsvWriter writer = results.newWriter()) {
            QueryEngine.Outcome outcome = engine.execute(engineQuery, writer, cancelled::get);
            CompletableFuture<Void> metadata = CompletableFuture.runAsync(() -> writeMetadata(writer.columns(), location, id), uploads);
            String key = location[1] + id + ".csv";
            long size = results.publish(writer, location[0], key, "text/csv");
            join(metadata);
            if (unload.isPresent()) {
                run.dataManifestLocation = Optional.of(writeManifest(unload.get(), outcome.engineQueryId(), location, id));
            }
            run.result = Optional.of(new Result(location[0], key, size, true, writer.columns(), writer.rows(), outcome.updateCount()));
            run.dataScannedBytes = Optional.of(outcome.dataScannedBytes());
            run.engineMillis = outcome.executionMillis();
            run.planningMillis = outcome.planningMillis();
            if (request.bytesScannedCutoff().isPresent() && outcome.dataScannedBytes() > request.bytesScannedCutoff().get()) {
                throw new QueryFailed("Query exhausted the data scanned limit of work group " + request.workGroup() + ": it scanned "
                        + outcome.dataScannedBytes() + " bytes, the limit (BytesScannedCutoffPerQuery) is " + request.bytesScannedCutoff().get(), true);
            }
        }
        finally {
            if (unload.isPresent()) {
                dropUnloadTable(table);
            }
        }
    }

    /**
     * The table an UNLOAD writes through: the columns of its query, over its {@code TO} location, with the format and
     * partitions it asks for. An UNLOAD without partitions writes only to an empty location, as Athena's.
     */
    private void createUnloadTable(AthenaStatement.Unload unload, String table, String catalog, Optional<String> schema, AtomicBoolean cancelled)
            throws QueryEngine.QueryFailure, QueryFailed, IOException
    {
        if (!objects.bucketExists(unload.bucket())) {
            throw new QueryFailed("INVALID_INPUT: UNLOAD's TO location " + unload.location() + " is in a bucket that does not exist: create the bucket "
                    + unload.bucket() + " first", true);
        }
        if (!unload.partitioned() && !objects.list(unload.bucket(), unload.prefix()).isEmpty()) {
            throw new QueryFailed("HIVE_PATH_ALREADY_EXISTS: UNLOAD's TO location " + unload.location() + " is not empty: UNLOAD writes only to an "
                    + "empty location (with partitioned_by it adds to the partitions of one); delete its objects or choose another location", true);
        }
        List<QueryEngine.Column> columns = new ArrayList<>();
        engine.execute(new QueryEngine.Query("SELECT * FROM (" + unload.query() + ") LIMIT 0", catalog, schema, Map.of()), new QueryEngine.RowSink()
        {
            @Override
            public void columns(List<QueryEngine.Column> resultColumns)
            {
                columns.addAll(resultColumns);
            }

            @Override
            public void row(List<String> values)
            {
                // LIMIT 0
            }
        }, cancelled::get);
        Map<String, String> properties = new LinkedHashMap<>(unload.tableProperties());
        properties.put("external_location", "'" + unload.location().replace("'", "''") + "'");
        String sql = "CREATE TABLE " + AthenaStatement.CATALOG + ".\"" + DEFAULT_DATABASE + "\".\"" + table + "\" ("
                + columns.stream().map(column -> "\"" + column.name().replace("\"", "\"\"") + "\" " + column.type()).collect(Collectors.joining(", "))
                + ") WITH (" + properties.entrySet().stream().map(entry -> entry.getKey() + " = " + entry.getValue()).collect(Collectors.joining(", ")) + ")";
        engine.execute(new QueryEngine.Query(sql, catalog, schema, Map.of()), DISCARD, cancelled::get);
    }

    /** Drops an UNLOAD's table once it has written (or failed): an external table, whose files stay. */
    private void dropUnloadTable(String table)
    {
        try {
            engine.execute(new QueryEngine.Query("DROP TABLE IF EXISTS " + AthenaStatement.CATALOG + ".\"" + DEFAULT_DATABASE + "\".\"" + table + "\"",
                    AthenaStatement.CATALOG, Optional.of(DEFAULT_DATABASE), Map.of()), DISCARD, () -> false);
        }
        catch (QueryEngine.QueryFailure | RuntimeException e) {
            log.warn("the table {}.{} an UNLOAD wrote through could not be dropped; drop it with DROP TABLE", DEFAULT_DATABASE, table, e);
        }
    }

    /**
     * Athena's data manifest of an UNLOAD, {@code <id>-manifest.csv} in the result location: the {@code s3://} location
     * of every file the statement wrote, one a line. Trino begins the name of each file a query writes with the query's
     * id, which tells them from the files already in a partition.
     */
    private String writeManifest(AthenaStatement.Unload unload, Optional<String> engineQueryId, String[] location, String id)
            throws IOException
    {
        StringBuilder manifest = new StringBuilder();
        for (ObjectStore.Entry entry : objects.list(unload.bucket(), unload.prefix())) {
            String name = entry.key().substring(entry.key().lastIndexOf('/') + 1);
            if (engineQueryId.map(engineId -> name.startsWith(engineId + "_")).orElse(true)) {
                manifest.append("s3://").append(unload.bucket()).append('/').append(entry.key()).append('\n');
            }
        }
        String key = location[1] + id + "-manifest.csv";
        Path file = Files.createTempFile(temporaryDirectory, "manifest-", ".csv");
        try {
            Files.writeString(file, manifest, StandardCharsets.UTF_8);
            objects.put(location[0], key, file, "text/csv");
        }
        finally {
            Files.deleteIfExists(file);
        }
        return "s3://" + location[0] + "/" + key;
    }

    /** Whether the output bucket exists; a positive answer is remembered for a while, sparing every query a round trip. */
    private boolean outputBucketExists(String bucket)
            throws IOException
    {
        Long checked = knownBuckets.get(bucket);
        if (checked != null && clock.millis() - checked < BUCKET_CHECK_MILLIS) {
            return true;
        }
        boolean exists = objects.bucketExists(bucket);
        if (exists) {
            knownBuckets.put(bucket, clock.millis());
        }
        else {
            knownBuckets.remove(bucket);
        }
        return exists;
    }

    /** The SQL to run: the prepared statement an EXECUTE names, its ? bound to USING values or ExecutionParameters. */
    private String resolve(Request request, Optional<PreparedCommand> command)
            throws QueryFailed
    {
        if (command.isEmpty()) {
            return request.parameters().isEmpty() ? request.query() : SqlTokens.bind(request.query(), request.parameters());
        }
        PreparedCommand.Execute execute = (PreparedCommand.Execute) command.get();
        if (!execute.using().isEmpty() && !request.parameters().isEmpty()) {
            throw new QueryFailed("INVALID_INPUT: EXECUTE " + execute.name() + " has both USING values and ExecutionParameters; give one of them", true);
        }
        String prepared = workGroups.statement(request.workGroup(), execute.name())
                .orElseThrow(() -> new QueryFailed("INVALID_INPUT: Prepared statement " + execute.name() + " was not found in WorkGroup "
                        + request.workGroup(), true))
                .statement();
        return SqlTokens.bind(prepared, execute.using().isEmpty() ? request.parameters() : execute.using());
    }

    private void runPreparedCommand(String id, Run run, PreparedCommand command, Request request, String[] location)
            throws IOException
    {
        run.statementType = "UTILITY";
        if (command instanceof PreparedCommand.Prepare prepare) {
            run.substatementType = Optional.of("PREPARE");
            boolean exists = workGroups.statement(request.workGroup(), prepare.name()).isPresent();
            workGroups.putStatement(request.workGroup(), prepare.name(), prepare.statement(), Optional.empty(), !exists);
        }
        else {
            run.substatementType = Optional.of("DEALLOCATE");
            workGroups.deleteStatement(request.workGroup(), command.name());
        }
        writeText(id, run, List.of(), List.of(), location);
    }

    /** A query that ends FAILED with this message; {@code user} when the query, not lakestack, is at fault. */
    private static final class QueryFailed
            extends Exception
    {
        private static final long serialVersionUID = 1L;
        private final boolean user;

        QueryFailed(String message, boolean user)
        {
            super(message);
            this.user = user;
        }
    }

    private void runDdl(String id, Run run, HiveStatement statement, String database, String[] location, AtomicBoolean cancelled)
            throws HiveDdlExecutor.DdlFailure, HiveDdlExecutor.Cancelled, IOException
    {
        HiveDdlExecutor.Result result = ddl.execute(statement, database, cancelled::get);
        writeText(id, run, result.columns(), result.rows(), location);
        run.substatementType = Optional.of(result.substatementType());
    }

    /** The {@code <id>.txt} result of DDL and utility statements: one line per row, values separated by tabs. */
    private void writeText(String id, Run run, List<String> columns, List<List<String>> rows, String[] location)
            throws IOException
    {
        try (ResultFiles.CsvWriter writer = results.newWriter()) {
            for (List<String> row : rows) {
                writer.line(String.join("\t", row));
            }
            String key = location[1] + id + ".txt";
            long size = results.publish(writer, location[0], key, "text/plain");
            run.result = Optional.of(new Result(location[0], key, size, false,
                    columns.stream().map(name -> new QueryEngine.Column(name, "varchar")).toList(), rows.size(), Optional.empty()));
        }
        run.outputLocation = "s3://" + location[0] + "/" + location[1] + id + ".txt";
    }

    private void writeMetadata(List<QueryEngine.Column> columns, String[] location, String id)
    {
        try {
            Path file = Files.createTempFile(temporaryDirectory, "metadata-", ".json");
            try {
                ObjectNode metadata = JsonProtocolService.JSON.createObjectNode();
                metadata.set("ColumnInfo", columnInfo(columns));
                Files.write(file, JsonProtocolService.JSON.writeValueAsBytes(metadata));
                objects.put(location[0], location[1] + id + ".csv.metadata", file, "application/json");
            }
            finally {
                Files.deleteIfExists(file);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void join(CompletableFuture<Void> future)
            throws IOException
    {
        try {
            future.join();
        }
        catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            throw e;
        }
    }

    /** Athena's {@code ColumnInfo} for the engine's column types. */
    static ArrayNode columnInfo(List<QueryEngine.Column> columns)
    {
        ArrayNode list = JsonProtocolService.JSON.createArrayNode();
        for (QueryEngine.Column column : columns) {
            String type = column.type().toLowerCase(Locale.ROOT);
            String base = type.contains("(") ? type.substring(0, type.indexOf('(')) : type;
            if (type.startsWith("timestamp") && type.contains("with time zone")) {
                base = "timestamp with time zone";
            }
            int precision;
            int scale = 0;
            Matcher numbers = TYPE_PARAMETERS.matcher(type);
            boolean parameterized = numbers.find();
            switch (base) {
                case "decimal" -> {
                    precision = parameterized ? Integer.parseInt(numbers.group(1)) : 38;
                    scale = parameterized && numbers.group(2) != null ? Integer.parseInt(numbers.group(2)) : 0;
                }
                case "varchar", "char" -> precision = parameterized ? Integer.parseInt(numbers.group(1)) : Integer.MAX_VALUE;
                case "tinyint" -> precision = 3;
                case "smallint" -> precision = 5;
                case "integer" -> precision = 10;
                case "bigint" -> precision = 19;
                case "real" -> precision = 7;
                case "double" -> precision = 17;
                case "timestamp", "time" -> precision = parameterized ? Integer.parseInt(numbers.group(1)) : 3;
                default -> precision = 0;
            }
            ObjectNode node = list.addObject();
            node.put("CatalogName", "hive");
            node.put("SchemaName", "");
            node.put("TableName", "");
            node.put("Name", column.name());
            node.put("Label", column.name());
            node.put("Type", base.equals("real") ? "float" : base);
            node.put("Precision", precision);
            node.put("Scale", scale);
            node.put("Nullable", "UNKNOWN");
            node.put("CaseSensitive", base.equals("varchar") || base.equals("char"));
        }
        return list;
    }

    QueryExecution get(String id)
    {
        QueryExecution live = running.get(id);
        if (live != null) {
            return live;
        }
        return store.getLatest(id).orElseThrow(() -> ServiceException.user("InvalidRequestException", "QueryExecution " + id + " was not found"));
    }

    /** The execution in Athena's {@code QueryExecution} shape. */
    ObjectNode describe(String id)
    {
        QueryExecution execution = get(id);
        ObjectNode node = JsonProtocolService.JSON.createObjectNode();
        node.put("QueryExecutionId", execution.id());
        node.put("Query", execution.query());
        node.put("StatementType", execution.statementType());
        execution.substatementType().ifPresent(type -> node.put("SubstatementType", type));
        node.putObject("ResultConfiguration").put("OutputLocation", execution.outputLocation());
        node.putObject("ResultReuseConfiguration").putObject("ResultReuseByAgeConfiguration").put("Enabled", false);
        ObjectNode context = node.putObject("QueryExecutionContext");
        execution.database().ifPresent(database -> context.put("Database", database));
        execution.catalog().ifPresent(catalog -> context.put("Catalog", catalog));
        ObjectNode status = node.putObject("Status");
        status.put("State", execution.state().name());
        status.put("SubmissionDateTime", epochSeconds(execution.submittedMillis()));
        execution.completedMillis().ifPresent(completed -> status.put("CompletionDateTime", epochSeconds(completed)));
        execution.stateChangeReason().ifPresent(reason -> status.put("StateChangeReason", reason));
        if (execution.state() == State.FAILED) {
            Failure failure = execution.failure().orElse(new Failure(false));
            ObjectNode error = status.putObject("AthenaError");
            error.put("ErrorCategory", failure.category());
            error.put("ErrorType", failure.type());
            error.put("Retryable", !failure.userError());
            error.put("ErrorMessage", execution.stateChangeReason().orElse(""));
        }
        execution.statistics().ifPresent(statistics -> {
            ObjectNode node1 = node.putObject("Statistics");
            node1.put("QueryQueueTimeInMillis", statistics.queueMillis());
            statistics.dataScannedBytes().ifPresent(bytes -> node1.put("DataScannedInBytes", bytes));
            node1.put("EngineExecutionTimeInMillis", statistics.engineExecutionMillis());
            node1.put("QueryPlanningTimeInMillis", statistics.planningMillis());
            node1.put("TotalExecutionTimeInMillis", statistics.totalExecutionMillis());
            statistics.dataManifestLocation().ifPresent(manifest -> node1.put("DataManifestLocation", manifest));
            node1.put("ServicePreProcessingTimeInMillis", 0);
            node1.put("ServiceProcessingTimeInMillis", 0);
            node1.putObject("ResultReuseInformation").put("ReusedPreviousResult", false);
        });
        node.put("WorkGroup", execution.workGroup());
        node.set("EngineVersion", WorkGroups.engineVersion());
        if (!execution.executionParameters().isEmpty()) {
            ArrayNode parameters = node.putArray("ExecutionParameters");
            execution.executionParameters().forEach(parameters::add);
        }
        return node;
    }

    record Results(ArrayNode columns, List<List<String>> rows, Optional<String> nextToken, Optional<Long> updateCount)
    {
    }

    Results results(String id, Optional<String> token, int maxResults)
            throws IOException
    {
        QueryExecution execution = get(id);
        if (!execution.state().isDone()) {
            throw ServiceException.user("InvalidRequestException", "Query has not yet finished. Current state: " + execution.state());
        }
        if (execution.state() != State.SUCCEEDED) {
            throw ServiceException.user("InvalidRequestException", "Query did not finish successfully. Final query state: " + execution.state()
                    + "\n" + execution.stateChangeReason().orElse(""));
        }
        Result result = execution.result().orElseThrow(() -> ServiceException.internal("InternalServerException", "query " + id
                + " succeeded without a result", null));
        if (result.updateCount().isPresent()) {
            // INSERT INTO and CTAS answer with the number of rows written, not a result set
            return new Results(JsonProtocolService.JSON.createArrayNode(), List.of(), Optional.empty(), result.updateCount());
        }
        ResultFiles.Page page = results.read(result.bucket(), result.key(), result.bytes(), result.csv(), token, maxResults);
        return new Results(columnInfo(result.columns()), page.rows(), page.nextToken(), Optional.empty());
    }

    synchronized void stop(String id)
    {
        QueryExecution execution = get(id);
        if (execution.state().isDone()) {
            return;
        }
        if (!execution.owner().equals(instances.self())) {
            // the owner cancels it when it reads this
            store.put(id, execution.withCancelRequested());
            return;
        }
        Optional.ofNullable(cancellations.get(id)).ifPresent(cancelled -> cancelled.set(true));
        if (execution.state() == State.QUEUED) {
            QueryExecution cancelled = execution.finished(State.CANCELLED, Optional.of("Query cancelled by user"), Optional.empty(), clock.millis(),
                    execution.statementType(), execution.substatementType(), execution.outputLocation(), Optional.empty(), Optional.empty());
            store.put(id, cancelled);
            ended(cancelled, State.QUEUED);
        }
    }

    /** Execution ids of a work group, most recent first. */
    List<String> ids(String workGroup)
    {
        return store.all().values().stream()
                .filter(execution -> execution.workGroup().equals(workGroup))
                .sorted(Comparator.comparingLong(QueryExecution::submittedMillis).reversed().thenComparing(QueryExecution::id))
                .map(QueryExecution::id)
                .toList();
    }

    private static double epochSeconds(long millis)
    {
        return JsonProtocolService.epochSeconds(Instant.ofEpochMilli(millis));
    }

    /** Stops the queries of this instance; they end FAILED, saying lakestack stopped while they ran. */
    @Override
    public void close()
    {
        closing = true;
        cancellations.values().forEach(cancelled -> cancelled.set(true));
        executor.shutdownNow();
        uploads.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        running.clear();
        failQueriesOf(instances.self()::equals, "lakestack stopped");
        results.close();
    }
}
