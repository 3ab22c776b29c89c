package io.lakestack.server.athena;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.server.athena.sql.HiveStatement;
import io.lakestack.server.athena.sql.PreparedCommand;
import io.lakestack.server.athena.sql.SqlTokens;
import io.lakestack.server.json.JsonDocuments;
import io.lakestack.server.json.JsonProtocolService;
import io.lakestack.server.storage.ObjectStore;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.athena.QueryEngine;
import io.lakestack.spi.store.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.util.Objects.requireNonNull;

/**
 * Athena query executions: queued, run on a pool of {@value #DEFAULT_CONCURRENCY} (HiveQL DDL against the catalog,
 * everything else on the engine), their results written to the output location as Athena writes them, their history
 * kept in a {@link KeyValueStore} so that it survives restarts.
 */
final class QueryExecutions
        implements AutoCloseable
{
    static final int DEFAULT_CONCURRENCY = 4;
    private static final long BUCKET_CHECK_MILLIS = 30_000;
    /** The one data catalog, named as Athena names it; any case addresses it. */
    static final String CATALOG = "AwsDataCatalog";
    /** The database of a query whose context names none, as in Athena. */
    static final String DEFAULT_DATABASE = "default";
    private static final Logger log = LoggerFactory.getLogger(QueryExecutions.class);

    /** What {@code StartQueryExecution} asked for, after the work group's settings are applied. */
    record Request(String query, String workGroup, Optional<String> database, Optional<String> catalog, String outputLocation,
            List<String> parameters, Optional<String> clientRequestToken, Optional<Long> bytesScannedCutoff)
    {
    }

    private final KeyValueStore store;
    private final QueryEngine engine;
    private final HiveDdlExecutor ddl;
    private final WorkGroups workGroups;
    private final ObjectStore objects;
    private final ResultFiles results;
    private final Clock clock;
    private final ExecutorService executor;
    private final ExecutorService uploads;
    private final Map<String, AtomicBoolean> cancellations = new ConcurrentHashMap<>();
    private final Map<String, String> byClientToken = new ConcurrentHashMap<>();
    private final Map<String, byte[]> running = new ConcurrentHashMap<>();
    private final Map<String, Long> knownBuckets = new ConcurrentHashMap<>();

    QueryExecutions(KeyValueStore store, QueryEngine engine, HiveDdlExecutor ddl, WorkGroups workGroups, ObjectStore objects, Clock clock,
            int concurrency)
    {
        this.store = requireNonNull(store, "store is null");
        this.workGroups = requireNonNull(workGroups, "workGroups is null");
        this.engine = requireNonNull(engine, "engine is null");
        this.ddl = requireNonNull(ddl, "ddl is null");
        this.objects = requireNonNull(objects, "objects is null");
        this.results = new ResultFiles(objects);
        this.clock = requireNonNull(clock, "clock is null");
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
        recover();
    }

    /** Queries that were queued or running when lakestack stopped end as FAILED; client tokens are indexed. */
    private void recover()
    {
        store.snapshot().forEach((id, bytes) -> {
            ObjectNode execution = JsonDocuments.read(bytes, "query execution");
            String token = execution.path("lakestack").path("clientRequestToken").asText("");
            if (!token.isEmpty()) {
                byClientToken.put(token, id);
            }
            String state = execution.path("Status").path("State").asText();
            if (state.equals("QUEUED") || state.equals("RUNNING")) {
                finish(execution, "FAILED", Optional.of("lakestack stopped while this query was " + state.toLowerCase(Locale.ROOT) + "; run it again"), false);
                store.put(id, JsonDocuments.write(execution));
            }
        });
    }

    String start(Request request)
    {
        if (request.clientRequestToken().isPresent()) {
            String existing = byClientToken.get(request.clientRequestToken().get());
            if (existing != null) {
                ObjectNode previous = get(existing);
                if (!previous.path("Query").asText().equals(request.query())) {
                    throw ServiceException.user("InvalidRequestException", "ClientRequestToken " + request.clientRequestToken().get()
                            + " was used for another query");
                }
                return existing;
            }
        }
        String id = UUID.randomUUID().toString();
        ObjectNode execution = JsonProtocolService.JSON.createObjectNode();
        execution.put("QueryExecutionId", id);
        execution.put("Query", request.query());
        execution.put("StatementType", "DML");
        String output = request.outputLocation().endsWith("/") ? request.outputLocation() : request.outputLocation() + "/";
        execution.putObject("ResultConfiguration").put("OutputLocation", output + id + ".csv");
        execution.putObject("ResultReuseConfiguration").putObject("ResultReuseByAgeConfiguration").put("Enabled", false);
        ObjectNode context = execution.putObject("QueryExecutionContext");
        request.database().ifPresent(database -> context.put("Database", database));
        request.catalog().ifPresent(catalog -> context.put("Catalog", catalog));
        ObjectNode status = execution.putObject("Status");
        status.put("State", "QUEUED");
        status.put("SubmissionDateTime", JsonProtocolService.epochSeconds(clock.instant()));
        execution.put("WorkGroup", request.workGroup());
        execution.putObject("EngineVersion").put("SelectedEngineVersion", "AUTO").put("EffectiveEngineVersion", "Athena engine version 3");
        if (!request.parameters().isEmpty()) {
            ArrayNode parameters = execution.putArray("ExecutionParameters");
            request.parameters().forEach(parameters::add);
        }
        ObjectNode internal = execution.putObject("lakestack");
        internal.put("outputFolder", output);
        internal.put("submittedMillis", clock.millis());
        request.clientRequestToken().ifPresent(token -> internal.put("clientRequestToken", token));
        store.put(id, JsonDocuments.write(execution));
        request.clientRequestToken().ifPresent(token -> byClientToken.put(token, id));
        cancellations.put(id, new AtomicBoolean());
        executor.submit(() -> run(id, request));
        return id;
    }

    private void run(String id, Request request)
    {
        AtomicBoolean cancelled = cancellations.getOrDefault(id, new AtomicBoolean());
        ObjectNode execution;
        long started = clock.millis();
        synchronized (this) {
            execution = get(id);
            if (cancelled.get() || !execution.path("Status").path("State").asText().equals("QUEUED")) {
                cancellations.remove(id);
                return;
            }
            // RUNNING is kept in memory only: a query that was running when lakestack stopped is recovered from QUEUED
            execution.with("Status").put("State", "RUNNING");
            running.put(id, JsonDocuments.write(execution));
        }
        String output = execution.path("lakestack").path("outputFolder").asText();
        ObjectNode statistics = execution.putObject("Statistics");
        statistics.put("QueryQueueTimeInMillis", started - execution.path("lakestack").path("submittedMillis").asLong());
        try {
            String[] location = bucketAndKey(output);
            if (!outputBucketExists(location[0])) {
                throw new Failure("Unable to verify/create output bucket " + location[0] + ": the bucket does not exist", true);
            }
            String catalog = request.catalog().orElse(CATALOG);
            if (!catalog.equalsIgnoreCase(CATALOG)) {
                throw new Failure("CATALOG_NOT_FOUND: line 1:1: Catalog '" + catalog.toLowerCase(Locale.ROOT)
                        + "' does not exist; lakestack's Athena has the AwsDataCatalog catalog only", true);
            }
            Optional<PreparedCommand> command = PreparedCommand.parse(request.query());
            if (command.isPresent() && !(command.get() instanceof PreparedCommand.Execute)) {
                runPreparedCommand(execution, command.get(), request, location);
                statistics.put("DataScannedInBytes", 0);
                statistics.put("EngineExecutionTimeInMillis", clock.millis() - started);
                statistics.put("QueryPlanningTimeInMillis", 0);
            }
            else {
                runStatement(execution, request, resolve(request, command), location, cancelled, started);
            }
            finish(execution, "SUCCEEDED", Optional.empty(), false);
        }
        catch (AthenaStatement.Unsupported e) {
            finish(execution, "FAILED", Optional.of(e.getMessage()), true);
        }
        catch (HiveDdlExecutor.DdlFailure e) {
            finish(execution, "FAILED", Optional.of("FAILED: " + e.getMessage()), true);
        }
        catch (Failure e) {
            finish(execution, "FAILED", Optional.of(e.getMessage()), e.user);
        }
        catch (ServiceException e) {
            finish(execution, "FAILED", Optional.of(e.errorCode() + ": " + e.getMessage()), e.kind() == io.lakestack.spi.ErrorKind.USER);
        }
        catch (QueryEngine.QueryFailure e) {
            if (e.errorName().equals("USER_CANCELED") && cancelled.get()) {
                finish(execution, "CANCELLED", Optional.of("Query cancelled by user"), true);
            }
            else {
                finish(execution, "FAILED", Optional.of(e.errorName() + ": " + e.getMessage()), e.userError());
            }
        }
        catch (IllegalArgumentException e) {
            finish(execution, "FAILED", Optional.of("SYNTAX_ERROR: " + e.getMessage()), true);
        }
        catch (IOException | RuntimeException e) {
            log.error("query {} failed", id, e);
            finish(execution, "FAILED", Optional.of("INTERNAL_ERROR: " + e.getMessage()), false);
        }
        statistics.put("TotalExecutionTimeInMillis", clock.millis() - execution.path("lakestack").path("submittedMillis").asLong());
        statistics.put("ServicePreProcessingTimeInMillis", 0);
        statistics.put("ServiceProcessingTimeInMillis", 0);
        statistics.putObject("ResultReuseInformation").put("ReusedPreviousResult", false);
        store.put(id, JsonDocuments.write(execution));
        running.remove(id);
        cancellations.remove(id);
    }

    private void runStatement(ObjectNode execution, Request request, String query, String[] location, AtomicBoolean cancelled, long started)
            throws AthenaStatement.Unsupported, HiveDdlExecutor.DdlFailure, QueryEngine.QueryFailure, Failure, IOException
    {
        String id = execution.path("QueryExecutionId").asText();
        String output = execution.path("lakestack").path("outputFolder").asText();
        ObjectNode statistics = execution.with("Statistics");
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
        execution.put("StatementType", statement.statementType());
        execution.put("SubstatementType", statement.substatementType());
        if (statement.hive().isPresent()) {
            runDdl(execution, statement.hive().get(), request.database().orElse(DEFAULT_DATABASE), location);
            statistics.put("DataScannedInBytes", 0);
            statistics.put("EngineExecutionTimeInMillis", clock.millis() - started);
            statistics.put("QueryPlanningTimeInMillis", 0);
        }
        else {
            QueryEngine.Query engineQuery = new QueryEngine.Query(statement.trinoSql().orElseThrow(), catalog.toLowerCase(Locale.ROOT),
                    Optional.of(request.database().orElse(DEFAULT_DATABASE).toLowerCase(Locale.ROOT)), statement.sessionProperties());
            try (ResultFiles.CsvWriter writer = new ResultFiles.CsvWriter()) {
                QueryEngine.Outcome outcome = engine.execute(engineQuery, writer, cancelled::get);
                CompletableFuture<Void> metadata = CompletableFuture.runAsync(() -> writeMetadata(writer.columns(), location, id), uploads);
                long size = results.publish(writer, location[0], location[1] + id + ".csv", "text/csv");
                join(metadata);
                ObjectNode internal = execution.with("lakestack");
                internal.put("resultBytes", size);
                internal.put("resultKey", location[1] + id + ".csv");
                internal.put("resultBucket", location[0]);
                internal.put("csv", true);
                internal.set("columns", columnInfo(writer.columns()));
                internal.put("rows", writer.rows());
                outcome.updateCount().ifPresent(count -> internal.put("updateCount", count));
                statistics.put("DataScannedInBytes", outcome.dataScannedBytes());
                if (request.bytesScannedCutoff().isPresent() && outcome.dataScannedBytes() > request.bytesScannedCutoff().get()) {
                    throw new Failure("Query exhausted the data scanned limit of work group " + request.workGroup() + ": it scanned "
                            + outcome.dataScannedBytes() + " bytes, the limit (BytesScannedCutoffPerQuery) is " + request.bytesScannedCutoff().get(), true);
                }
                statistics.put("EngineExecutionTimeInMillis", outcome.executionMillis());
                statistics.put("QueryPlanningTimeInMillis", outcome.planningMillis());
            }
        }
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
            throws Failure
    {
        if (command.isEmpty()) {
            return request.parameters().isEmpty() ? request.query() : SqlTokens.bind(request.query(), request.parameters());
        }
        PreparedCommand.Execute execute = (PreparedCommand.Execute) command.get();
        if (!execute.using().isEmpty() && !request.parameters().isEmpty()) {
            throw new Failure("INVALID_INPUT: EXECUTE " + execute.name() + " has both USING values and ExecutionParameters; give one of them", true);
        }
        String prepared = workGroups.statement(request.workGroup(), execute.name())
                .orElseThrow(() -> new Failure("INVALID_INPUT: Prepared statement " + execute.name() + " was not found in WorkGroup "
                        + request.workGroup(), true))
                .path("QueryStatement").asText();
        return SqlTokens.bind(prepared, execute.using().isEmpty() ? request.parameters() : execute.using());
    }

    private void runPreparedCommand(ObjectNode execution, PreparedCommand command, Request request, String[] location)
            throws IOException
    {
        execution.put("StatementType", "UTILITY");
        if (command instanceof PreparedCommand.Prepare prepare) {
            execution.put("SubstatementType", "PREPARE");
            boolean exists = workGroups.statement(request.workGroup(), prepare.name()).isPresent();
            workGroups.putStatement(request.workGroup(), prepare.name(), prepare.statement(), Optional.empty(), !exists);
        }
        else {
            execution.put("SubstatementType", "DEALLOCATE");
            workGroups.deleteStatement(request.workGroup(), command.name());
        }
        writeText(execution, List.of(), List.of(), location);
    }

    private static final class Failure
            extends Exception
    {
        private static final long serialVersionUID = 1L;
        private final boolean user;

        Failure(String message, boolean user)
        {
            super(message);
            this.user = user;
        }
    }

    private void runDdl(ObjectNode execution, HiveStatement statement, String database, String[] location)
            throws HiveDdlExecutor.DdlFailure, IOException
    {
        HiveDdlExecutor.Result result = ddl.execute(statement, database);
        writeText(execution, result.columns(), result.rows(), location);
        execution.put("SubstatementType", result.substatementType());
    }

    /** The {@code <id>.txt} result of DDL and utility statements: one line per row, values separated by tabs. */
    private void writeText(ObjectNode execution, List<String> columns, List<List<String>> rows, String[] location)
            throws IOException
    {
        String id = execution.path("QueryExecutionId").asText();
        try (ResultFiles.CsvWriter writer = new ResultFiles.CsvWriter()) {
            for (List<String> row : rows) {
                writer.line(String.join("\t", row));
            }
            String key = location[1] + id + ".txt";
            long size = results.publish(writer, location[0], key, "text/plain");
            ObjectNode internal = execution.with("lakestack");
            internal.put("resultBytes", size);
            internal.put("resultKey", key);
            internal.put("resultBucket", location[0]);
            internal.put("csv", false);
            internal.set("columns", columnInfo(columns.stream().map(name -> new QueryEngine.Column(name, "varchar")).toList()));
            internal.put("rows", rows.size());
        }
        execution.with("ResultConfiguration").put("OutputLocation", "s3://" + location[0] + "/" + location[1] + id + ".txt");
    }

    private void writeMetadata(List<QueryEngine.Column> columns, String[] location, String id)
    {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("lakestack-athena-", ".metadata");
            try {
                ObjectNode metadata = JsonProtocolService.JSON.createObjectNode();
                metadata.set("ColumnInfo", columnInfo(columns));
                java.nio.file.Files.write(file, JsonProtocolService.JSON.writeValueAsBytes(metadata));
                objects.put(location[0], location[1] + id + ".csv.metadata", file, "application/json");
            }
            finally {
                java.nio.file.Files.deleteIfExists(file);
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
        catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            throw e;
        }
    }

    private void finish(ObjectNode execution, String state, Optional<String> reason, boolean userError)
    {
        ObjectNode status = execution.with("Status");
        status.put("State", state);
        status.put("CompletionDateTime", JsonProtocolService.epochSeconds(clock.instant()));
        reason.ifPresent(text -> status.put("StateChangeReason", text));
        if (state.equals("FAILED")) {
            ObjectNode error = status.putObject("AthenaError");
            error.put("ErrorCategory", userError ? 2 : 1);
            error.put("ErrorType", userError ? 1301 : 401);
            error.put("Retryable", !userError);
            error.put("ErrorMessage", reason.orElse(""));
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
            int precision = 0;
            int scale = 0;
            java.util.regex.Matcher numbers = java.util.regex.Pattern.compile("^[a-z ]+\\((\\d+)(?:,\\s*(\\d+))?\\)").matcher(type);
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

    ObjectNode get(String id)
    {
        byte[] live = running.get(id);
        if (live != null) {
            return JsonDocuments.read(live, "query execution");
        }
        return store.get(id).map(bytes -> JsonDocuments.read(bytes, "query execution"))
                .orElseThrow(() -> ServiceException.user("InvalidRequestException", "QueryExecution " + id + " was not found"));
    }

    /** The execution in Athena's shape, without lakestack's bookkeeping. */
    ObjectNode describe(String id)
    {
        ObjectNode execution = get(id);
        execution.remove("lakestack");
        return execution;
    }

    record Results(JsonNode columns, List<List<String>> rows, Optional<String> nextToken, Optional<Long> updateCount)
    {
    }

    Results results(String id, Optional<String> token, int maxResults)
            throws IOException
    {
        ObjectNode execution = get(id);
        String state = execution.path("Status").path("State").asText();
        if (state.equals("QUEUED") || state.equals("RUNNING")) {
            throw ServiceException.user("InvalidRequestException", "Query has not yet finished. Current state: " + state);
        }
        if (!state.equals("SUCCEEDED")) {
            throw ServiceException.user("InvalidRequestException", "Query did not finish successfully. Final query state: " + state
                    + "\n" + execution.path("Status").path("StateChangeReason").asText(""));
        }
        JsonNode internal = execution.path("lakestack");
        if (internal.has("updateCount")) {
            // INSERT INTO and CTAS answer with the number of rows written, not a result set
            return new Results(JsonProtocolService.JSON.createArrayNode(), List.of(), Optional.empty(), Optional.of(internal.path("updateCount").asLong()));
        }
        ResultFiles.Page page = results.read(internal.path("resultBucket").asText(), internal.path("resultKey").asText(),
                internal.path("resultBytes").asLong(), internal.path("csv").asBoolean(),
                token, maxResults);
        return new Results(internal.path("columns"), page.rows(), page.nextToken(), Optional.empty());
    }

    synchronized void stop(String id)
    {
        ObjectNode execution = get(id);
        String state = execution.path("Status").path("State").asText();
        AtomicBoolean cancelled = cancellations.get(id);
        if (cancelled != null) {
            cancelled.set(true);
        }
        if (state.equals("QUEUED")) {
            finish(execution, "CANCELLED", Optional.of("Query cancelled by user"), true);
            store.put(id, JsonDocuments.write(execution));
        }
    }

    /** Execution ids of a work group, most recent first. */
    List<String> ids(String workGroup)
    {
        List<ObjectNode> executions = new ArrayList<>();
        store.snapshot().values().forEach(bytes -> {
            ObjectNode execution = JsonDocuments.read(bytes, "query execution");
            if (execution.path("WorkGroup").asText().equals(workGroup)) {
                executions.add(execution);
            }
        });
        executions.sort(Comparator.comparingDouble((ObjectNode execution) -> execution.path("Status").path("SubmissionDateTime").asDouble()).reversed()
                .thenComparing(execution -> execution.path("QueryExecutionId").asText()));
        return executions.stream().map(execution -> execution.path("QueryExecutionId").asText()).toList();
    }

    private static String[] bucketAndKey(String location)
    {
        String rest = location.substring("s3://".length());
        int slash = rest.indexOf('/');
        return slash < 0 ? new String[] {rest, ""} : new String[] {rest.substring(0, slash), rest.substring(slash + 1)};
    }

    @Override
    public void close()
    {
        cancellations.values().forEach(cancelled -> cancelled.set(true));
        executor.shutdownNow();
        uploads.shutdownNow();
        results.close();
    }
}
