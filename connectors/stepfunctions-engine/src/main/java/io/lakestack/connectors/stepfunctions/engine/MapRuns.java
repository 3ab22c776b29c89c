package io.lakestack.connectors.stepfunctions.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.connectors.stepfunctions.MapRunRequest;
import io.lakestack.connectors.stepfunctions.MapRunner;
import io.lakestack.connectors.stepfunctions.TaskOutcome;
import io.lakestack.spi.stepfunctions.MapRun;
import io.lakestack.spi.stepfunctions.StateMachineExecution;
import io.lakestack.spi.stepfunctions.StepFunctions;
import io.lakestack.spi.store.RecordStore;
import io.lakestack.spi.store.RecordStores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * The Map Runs of distributed Map states: each child input runs as a child execution, stored in
 * {@value StepFunctions#EXECUTIONS_STORE} ({@code RUNNING}) and started through the runner's commands topic as any
 * execution, so it is durable and resumes on its own. The Map Run's record ({@value StepFunctions#MAP_RUNS_STORE}) is
 * stored before {@code MapRunStarted}; a Map Run handed over again (its parent resumed) finds its record and its
 * children, starts only those not started yet, and runs none of those that ended again.
 *
 * <p>At most {@code maxConcurrency} children run at once, read from the record each round, so {@code UpdateMapRun}
 * applies to a running Map Run; so do the tolerated failures. Failed, timed-out and aborted children count as failures;
 * when their count exceeds {@code ToleratedFailureCount}, or their share of all children exceeds
 * {@code ToleratedFailurePercentage}, the running children are stopped and the Map fails with
 * {@code States.ExceedToleratedFailureThreshold}. The {@code ResultWriter} writes {@code SUCCEEDED_0.json},
 * {@code FAILED_0.json} (each when it has entries; {@code .jsonl}, JSON Lines, with the {@code OutputType} {@code JSONL})
 * and {@code manifest.json} under {@code <Prefix>/<map run id>/}; its {@code WriterConfig}'s {@code Transformation}
 * shapes the succeeded children's results there or, without an export, in the Map's result.
 *
 * <p>Items are read from S3 through lakestack's own endpoint with the SDK; a Parquet object's rows are decoded by
 * {@link ParquetItems}.
 */
final class MapRuns
        implements MapRunner
{
    static final String EXCEEDED = "States.ExceedToleratedFailureThreshold";
    /** The results could not be written to S3 (the bucket is missing, say), as AWS names it. */
    static final String RESULT_WRITER_FAILED = "States.ResultWriterFailed";
    private static final Logger log = LoggerFactory.getLogger(MapRuns.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long ROUND_MILLIS = 50;

    private final RecordStore<MapRun> mapRuns;
    private final RecordStore<StateMachineExecution> executions;
    private final Optional<S3Client> s3;
    private final Consumer<StateMachineExecution> starter;
    private final Stopper stopper;
    private final Consumer<String> redriver;
    private final Clock clock;
    private final ExecutorService pool;

    /** Stops a running child execution. */
    @FunctionalInterface
    interface Stopper
    {
        void stop(String executionArn, Optional<String> error, Optional<String> cause);
    }

    /**
     * @param redriver redrives a child execution that ended (failed, timed out or aborted), as {@code RedriveExecution}
     *         does; a {@link RuntimeException} when it cannot
     */
    MapRuns(RecordStores stores, Optional<S3Client> s3, Consumer<StateMachineExecution> starter, Stopper stopper, Consumer<String> redriver,
            Clock clock)
    {
        requireNonNull(stores, "stores is null");
        this.mapRuns = stores.open(StepFunctions.MAP_RUNS_STORE, MapRun.class);
        this.executions = stores.open(StepFunctions.EXECUTIONS_STORE, StateMachineExecution.class);
        this.s3 = requireNonNull(s3, "s3 is null");
        this.starter = requireNonNull(starter, "starter is null");
        this.stopper = requireNonNull(stopper, "stopper is null");
        this.redriver = requireNonNull(redriver, "redriver is null");
        this.clock = requireNonNull(clock, "clock is null");
        AtomicInteger threads = new AtomicInteger();
        this.pool = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "stepfunctions-map-run-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public byte[] getObject(String bucket, String key)
    {
        return s3().getObjectAsBytes(request -> request.bucket(bucket).key(key)).asByteArrayUnsafe();
    }

    @Override
    public List<JsonNode> parquetRows(String bucket, String key)
    {
        return ParquetItems.rows(getObject(bucket, key), "s3://" + bucket + "/" + key);
    }

    @Override
    public List<JsonNode> listObjects(String bucket, String prefix)
    {
        List<JsonNode> items = new ArrayList<>();
        for (S3Object object : s3().listObjectsV2Paginator(request -> request.bucket(bucket).prefix(prefix)).contents()) {
            ObjectNode item = JSON.createObjectNode();
            item.put("Etag", object.eTag());
            item.put("Key", object.key());
            item.put("LastModified", object.lastModified().getEpochSecond());
            item.put("Size", object.size());
            item.put("StorageClass", object.storageClassAsString() == null ? "STANDARD" : object.storageClassAsString());
            items.add(item);
        }
        return items;
    }

    private S3Client s3()
    {
        return s3.orElseThrow(() -> new IllegalStateException("this lakestack instance has no S3 client for Step Functions"));
    }

    @Override
    public CompletableFuture<TaskOutcome> run(MapRunRequest request)
    {
        CompletableFuture<TaskOutcome> result = new CompletableFuture<>();
        pool.execute(() -> {
            try {
                result.complete(runToEnd(request, result));
            }
            catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private TaskOutcome runToEnd(MapRunRequest request, CompletableFuture<TaskOutcome> handle)
    {
        String arn = request.mapRunArn();
        StateMachineExecution parent = executions.getLatest(request.executionArn())
                .orElseThrow(() -> new IllegalStateException("the execution " + request.executionArn() + " of Map Run " + arn + " is not stored"));
        MapRun run = mapRuns.getLatest(arn).orElseGet(() -> {
            MapRun created = new MapRun(arn, request.executionArn(), MapRun.RUNNING, clock.millis(), 0, request.maxConcurrency(),
                    request.toleratedFailurePercentage(), request.toleratedFailureCount(), request.itemsPerChild(), 0, 0, 0);
            mapRuns.put(arn, created);
            return created;
        });
        int count = run.itemsPerChild().size();
        String machineArn = StepFunctions.mapRunChildMachineArn(arn);
        List<String> children = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            children.add(StepFunctions.executionArn(machineArn, StepFunctions.mapRunChildName(arn, i), request.express()));
        }
        while (true) {
            if (handle.isCancelled()) {
                throw new CancellationException("Map Run " + arn + " no longer awaited");
            }
            run = mapRuns.getLatest(arn).orElse(run);
            List<Optional<StateMachineExecution>> states = children.stream().map(executions::get).toList();
            if (!run.running()) {
                return outcome(request, run, states);
            }
            int running = 0;
            int failed = 0;
            int ended = 0;
            for (Optional<StateMachineExecution> child : states) {
                if (child.isEmpty()) {
                    continue;
                }
                if (child.get().running()) {
                    running++;
                }
                else {
                    ended++;
                    if (!child.get().status().equals(StateMachineExecution.SUCCEEDED)) {
                        failed++;
                    }
                }
            }
            if (exceeded(run, failed, count)) {
                for (Optional<StateMachineExecution> child : states) {
                    child.filter(StateMachineExecution::running).ifPresent(execution -> stopper.stop(execution.executionArn(), Optional.empty(),
                            Optional.of("The Map Run " + arn + " failed")));
                }
                states = children.stream().map(executions::getLatest).toList();
                return end(request, run, states, MapRun.FAILED);
            }
            if (ended == count) {
                return end(request, run, states, MapRun.SUCCEEDED);
            }
            int limit = run.maxConcurrency() == 0 ? Integer.MAX_VALUE : run.maxConcurrency();
            for (int i = 0; i < count && running < limit; i++) {
                if (states.get(i).isEmpty()) {
                    start(parent, children.get(i), StepFunctions.mapRunChildName(arn, i), machineArn, request, i);
                    running++;
                }
            }
            try {
                Thread.sleep(ROUND_MILLIS);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted while running Map Run " + arn);
            }
        }
    }

    /**
     * Whether the failures exceed a tolerated count or percentage that is set (negative: not set); with neither set,
     * whether any child failed.
     */
    static boolean exceeded(MapRun run, int failed, int count)
    {
        boolean countSet = run.toleratedFailureCount() >= 0;
        boolean percentageSet = run.toleratedFailurePercentage() >= 0;
        if (!countSet && !percentageSet) {
            return failed > 0;
        }
        return countSet && failed > run.toleratedFailureCount()
                || percentageSet && count > 0 && failed * 100.0 / count > run.toleratedFailurePercentage();
    }

    private void start(StateMachineExecution parent, String childArn, String name, String machineArn, MapRunRequest request, int index)
    {
        StateMachineExecution child = new StateMachineExecution(childArn, machineArn, name, StateMachineExecution.RUNNING,
                request.childInputs().get(index).toString(), request.childDefinition(), parent.roleArn(), clock.millis(), 0, Optional.empty(),
                Optional.empty(), Optional.empty());
        executions.put(childArn, child);
        starter.accept(child);
    }

    /**
     * Writes the results, stores the Map Run ended, and answers the Map's outcome. Results S3 does not take fail the Map
     * Run and the Map with {@code States.ResultWriterFailed}; redriving the execution writes them again.
     */
    private TaskOutcome end(MapRunRequest request, MapRun run, List<Optional<StateMachineExecution>> states, String status)
    {
        long written = 0;
        if (request.resultWriter().isPresent()) {
            try {
                written = writeResults(request, run, states);
            }
            catch (SdkException e) {
                mapRuns.put(run.mapRunArn(), run.ended(MapRun.FAILED, clock.millis(), 0));
                String reason = e instanceof AwsServiceException service && service.awsErrorDetails() != null
                        ? service.awsErrorDetails().errorCode() + ": " + service.awsErrorDetails().errorMessage()
                        : e.getMessage();
                return TaskOutcome.failed(RESULT_WRITER_FAILED, resultWriterFailure(request) + ": " + reason);
            }
        }
        MapRun ended = run.ended(status, clock.millis(), written);
        mapRuns.put(run.mapRunArn(), ended);
        return outcome(request, ended, states);
    }

    private static String resultWriterFailure(MapRunRequest request)
    {
        MapRunRequest.ResultWriter writer = request.resultWriter().orElseThrow();
        return "The ResultWriter could not write the results of Map Run " + request.mapRunArn() + " to the bucket " + writer.bucket();
    }

    /** The Map's outcome once its Map Run has ended (or is found ended when the Map resumes). */
    static TaskOutcome outcome(MapRunRequest request, MapRun run, List<Optional<StateMachineExecution>> states)
    {
        if (run.status().equals(MapRun.FAILED)) {
            long failed = states.stream().flatMap(Optional::stream).filter(child -> !child.running() && !child.status().equals(StateMachineExecution.SUCCEEDED))
                    .count();
            if (request.resultWriter().isPresent() && !exceeded(run, (int) failed, states.size())) {
                // a Map Run whose children stayed within the tolerance failed writing its results (before a restart)
                return TaskOutcome.failed(RESULT_WRITER_FAILED, resultWriterFailure(request));
            }
            return TaskOutcome.failed(EXCEEDED, "The specified tolerated failure threshold was exceeded: " + failed + " of " + states.size()
                    + " child executions of Map Run " + run.mapRunArn() + " failed (tolerated: " + Math.max(0, run.toleratedFailureCount()) + " executions, "
                    + Math.max(0, run.toleratedFailurePercentage()) + " percent)");
        }
        if (run.status().equals(MapRun.ABORTED)) {
            return TaskOutcome.failed(EXCEEDED, "The Map Run " + run.mapRunArn() + " was aborted");
        }
        if (request.resultWriter().isPresent()) {
            ObjectNode output = JSON.createObjectNode();
            output.put("MapRunArn", run.mapRunArn());
            ObjectNode details = output.putObject("ResultWriterDetails");
            details.put("Bucket", request.resultWriter().get().bucket());
            details.put("Key", resultKey(request, "manifest.json"));
            return TaskOutcome.succeeded(output);
        }
        return TaskOutcome.succeeded(results(request.transformation(), states.stream().map(Optional::orElseThrow).toList()));
    }

    /**
     * The Map's result without an S3 export: every child's, in item order, as the {@code Transformation} makes it. A
     * child that did not succeed is its {@code Error} and {@code Cause} with {@code COMPACT} (as a Map without a
     * {@code ResultWriter} has it), and its record with {@code NONE} and {@code FLATTEN} (which, AWS documents, returns
     * a failed child's result "unchanged", as {@code NONE} does).
     */
    static ArrayNode results(MapRunRequest.Transformation transformation, List<StateMachineExecution> children)
    {
        ArrayNode output = JSON.createArrayNode();
        for (StateMachineExecution child : children) {
            if (child.status().equals(StateMachineExecution.SUCCEEDED)) {
                addSucceeded(output, transformation, child);
            }
            else if (transformation == MapRunRequest.Transformation.COMPACT) {
                ObjectNode error = output.addObject();
                error.put("Error", child.error().orElse(""));
                error.put("Cause", child.cause().orElse(""));
            }
            else {
                output.add(record(child));
            }
        }
        return output;
    }

    /**
     * Adds a succeeded child's result as the {@code Transformation} makes it: its record ({@code NONE}), its output
     * ({@code COMPACT}), or its output with an array's elements one by one ({@code FLATTEN}).
     */
    private static void addSucceeded(ArrayNode results, MapRunRequest.Transformation transformation, StateMachineExecution child)
    {
        if (transformation == MapRunRequest.Transformation.NONE) {
            results.add(record(child));
            return;
        }
        JsonNode output = parse(child.output().orElse("null"));
        if (transformation == MapRunRequest.Transformation.FLATTEN && output.isArray()) {
            results.addAll((ArrayNode) output);
        }
        else {
            results.add(output);
        }
    }

    /** A child execution's record, as the S3 export writes it ({@code Transformation} {@code NONE}). */
    static ObjectNode record(StateMachineExecution child)
    {
        boolean success = child.status().equals(StateMachineExecution.SUCCEEDED);
        ObjectNode entry = JSON.createObjectNode();
        entry.put("ExecutionArn", child.executionArn());
        entry.put("Input", child.input());
        entry.putObject("InputDetails").put("Included", true);
        entry.put("Name", child.name());
        if (success) {
            entry.put("Output", child.output().orElse("null"));
            entry.putObject("OutputDetails").put("Included", true);
        }
        else {
            child.error().ifPresent(error -> entry.put("Error", error));
            child.cause().ifPresent(cause -> entry.put("Cause", cause));
        }
        entry.put("RedriveCount", child.redriveCount());
        if (success || child.express()) {
            entry.put("RedriveStatus", "NOT_REDRIVABLE");
            entry.put("RedriveStatusReason", "Execution is " + child.status() + " and cannot be redriven");
        }
        else {
            // a STANDARD child that did not succeed is redriven with its Map Run
            entry.put("RedriveStatus", "REDRIVABLE_BY_MAP_RUN");
        }
        entry.put("StartDate", Instant.ofEpochMilli(child.startMillis()).toString());
        entry.put("StateMachineArn", child.stateMachineArn());
        entry.put("Status", child.status());
        entry.put("StopDate", Instant.ofEpochMilli(child.stopMillis()).toString());
        return entry;
    }

    /**
     * Writes {@code SUCCEEDED_0.json} (the succeeded children's results, as the {@code Transformation} makes them),
     * {@code FAILED_0.json} (the records of the others, never transformed) and {@code manifest.json}; with the
     * {@code OutputType} {@code JSONL}, {@code SUCCEEDED_0.jsonl} and {@code FAILED_0.jsonl}, one entry a line.
     *
     * @return the number of items whose results were written
     */
    private long writeResults(MapRunRequest request, MapRun run, List<Optional<StateMachineExecution>> states)
    {
        MapRunRequest.ResultWriter writer = request.resultWriter().orElseThrow();
        ArrayNode succeeded = JSON.createArrayNode();
        ArrayNode failed = JSON.createArrayNode();
        long written = 0;
        for (int i = 0; i < states.size(); i++) {
            if (states.get(i).isEmpty() || states.get(i).get().running()) {
                continue;
            }
            StateMachineExecution child = states.get(i).get();
            if (child.status().equals(StateMachineExecution.SUCCEEDED)) {
                addSucceeded(succeeded, request.transformation(), child);
            }
            else {
                failed.add(record(child));
            }
            written += run.itemsPerChild().get(i);
        }
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("DestinationBucket", writer.bucket());
        manifest.put("MapRunArn", run.mapRunArn());
        ObjectNode files = manifest.putObject("ResultFiles");
        files.set("FAILED", put(request, "FAILED_0", failed));
        files.putArray("PENDING");
        files.set("SUCCEEDED", put(request, "SUCCEEDED_0", succeeded));
        putText(writer.bucket(), resultKey(request, "manifest.json"), "application/json", manifest.toString());
        return written;
    }

    /** Writes the entries, in the file {@code name} of the {@code OutputType}, when there are any, and answers the manifest's list of files. */
    private ArrayNode put(MapRunRequest request, String name, ArrayNode entries)
    {
        ArrayNode list = JSON.createArrayNode();
        if (entries.isEmpty()) {
            return list;
        }
        MapRunRequest.ResultWriter writer = request.resultWriter().orElseThrow();
        String text = text(writer.outputType(), entries);
        String key = resultKey(request, name + writer.outputType().extension());
        putText(writer.bucket(), key, writer.outputType().contentType(), text);
        list.addObject().put("Key", key).put("Size", text.getBytes(StandardCharsets.UTF_8).length);
        return list;
    }

    /** A result file's text: the entries as one JSON array, or as JSON Lines (each entry on a line, each line ended). */
    static String text(MapRunRequest.OutputType outputType, ArrayNode entries)
    {
        if (outputType == MapRunRequest.OutputType.JSON) {
            return entries.toString();
        }
        StringBuilder lines = new StringBuilder();
        entries.forEach(entry -> lines.append(entry).append('\n'));
        return lines.toString();
    }

    private void putText(String bucket, String key, String contentType, String text)
    {
        s3().putObject(request -> request.bucket(bucket).key(key).contentType(contentType), RequestBody.fromString(text, StandardCharsets.UTF_8));
    }

    private static String resultKey(MapRunRequest request, String name)
    {
        String prefix = request.resultWriter().orElseThrow().prefix();
        String id = request.mapRunArn().substring(request.mapRunArn().lastIndexOf(':') + 1);
        String base = prefix.isEmpty() ? id : (prefix.endsWith("/") ? prefix : prefix + "/") + id;
        return base + "/" + name;
    }

    private static JsonNode parse(String json)
    {
        try {
            return JSON.readTree(json);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("a child execution's output is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Ends the running Map Runs of a stopped execution {@code ABORTED}, handing each running child to {@code stopChild}. */
    void abortOf(String executionArn, Consumer<String> stopChild)
    {
        for (MapRun run : mapRuns.all().values()) {
            if (run.executionArn().equals(executionArn)) {
                abort(run, stopChild);
            }
        }
    }

    @Override
    public void abort(String mapRunArn)
    {
        mapRuns.getLatest(mapRunArn).ifPresent(run -> pool.execute(() -> abort(run, child -> stopper.stop(child, Optional.empty(),
                Optional.of("The Map Run " + mapRunArn + " was aborted")))));
    }

    @Override
    public void redrive(String mapRunArn, int redriveCount)
    {
        MapRun run = mapRuns.getLatest(mapRunArn).orElseThrow(() -> new IllegalStateException("the Map Run " + mapRunArn + " is not stored"));
        if (run.redriveCount() < redriveCount) {
            run = run.redriven(redriveCount, clock.millis());
            mapRuns.put(mapRunArn, run);
        }
        else if (!run.running()) {
            // this redrive ran to its end already
            return;
        }
        String machineArn = StepFunctions.mapRunChildMachineArn(mapRunArn);
        long since = run.redriveMillis();
        for (int i = 0; i < run.itemsPerChild().size(); i++) {
            String childArn = StepFunctions.executionArn(machineArn, StepFunctions.mapRunChildName(mapRunArn, i), false);
            // a child redriven by this redrive already (before a restart) is left to its run
            Optional<StateMachineExecution> child = executions.getLatest(childArn)
                    .filter(execution -> !execution.running() && !execution.status().equals(StateMachineExecution.SUCCEEDED))
                    .filter(execution -> execution.redriveMillis() < since);
            if (child.isPresent()) {
                try {
                    redriver.accept(childArn);
                }
                catch (RuntimeException e) {
                    // it stays as it ended, and counts as a failure of the Map Run again
                    log.warn("the child execution {} of Map Run {} could not be redriven: {}", childArn, mapRunArn, e.getMessage());
                }
            }
        }
    }

    /** Why the Map Runs of this execution cannot be redriven with it, empty when they can: lakestack redrives STANDARD children only. */
    Optional<String> redriveRefusal(String executionArn)
    {
        for (MapRun run : mapRuns.all().values()) {
            if (!run.executionArn().equals(executionArn) || run.status().equals(MapRun.SUCCEEDED)) {
                continue;
            }
            String machineArn = StepFunctions.mapRunChildMachineArn(run.mapRunArn());
            for (int i = 0; i < run.itemsPerChild().size(); i++) {
                if (executions.get(StepFunctions.executionArn(machineArn, StepFunctions.mapRunChildName(run.mapRunArn(), i), true)).isPresent()) {
                    return Optional.of("lakestack redrives the Map Runs of STANDARD child executions only, and the Map Run " + run.mapRunArn()
                            + " runs EXPRESS ones");
                }
            }
        }
        return Optional.empty();
    }

    private void abort(MapRun run, Consumer<String> stopChild)
    {
        if (!run.running()) {
            return;
        }
        mapRuns.put(run.mapRunArn(), run.ended(MapRun.ABORTED, clock.millis(), run.resultsWritten()));
        String machineArn = StepFunctions.mapRunChildMachineArn(run.mapRunArn());
        for (int i = 0; i < run.itemsPerChild().size(); i++) {
            String name = StepFunctions.mapRunChildName(run.mapRunArn(), i);
            for (boolean express : List.of(false, true)) {
                executions.get(StepFunctions.executionArn(machineArn, name, express)).filter(StateMachineExecution::running)
                        .ifPresent(child -> stopChild.accept(child.executionArn()));
            }
        }
    }

    void close()
    {
        pool.shutdownNow();
    }
}
