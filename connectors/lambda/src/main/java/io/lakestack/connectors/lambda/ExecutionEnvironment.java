package io.lakestack.connectors.lambda;

import io.lakestack.spi.lambda.FunctionVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import static java.util.Objects.requireNonNull;

/**
 * One execution environment: a process of one function version that speaks the Lambda Runtime API on its own port,
 * runs one invocation at a time and is reused while it lives. Its output goes to its own log stream, named as Lambda
 * names it ({@code 2024/05/13/[$LATEST]<32 hex>}), with Lambda's {@code INIT_START}, {@code START}, {@code END} and
 * {@code REPORT} lines around the function's own.
 *
 * <p>The runtime's calls follow Lambda's states: {@code init/error} only before the first {@code next},
 * {@code response} and {@code error} only for the invocation {@code next} handed out; anything else gets the 403 or
 * 400 Lambda gives.
 */
final class ExecutionEnvironment
        implements RuntimeApiServer.Environment
{
    private static final Logger LOG = LoggerFactory.getLogger(ExecutionEnvironment.class);
    private static final DateTimeFormatter STREAM_DATE = DateTimeFormatter.ofPattern("yyyy/MM/dd", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** The runtime's state as Lambda names it in its error messages. */
    private enum RuntimeState
    {
        STARTED("Started"),
        RUNNING("Running"),
        RESPONSE_SENT("RuntimeResponseSentState"),
        INIT_ERROR("InitError");

        private final String label;

        RuntimeState(String label)
        {
            this.label = label;
        }
    }

    private final String id;
    private final FunctionVersion function;
    private final String logStream;
    private final LogShipper logs;
    private final Path directory;
    private final long initTimeoutNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Object outputLock = new Object();

    private RuntimeApiServer.Listener listener;
    private Process process;
    private OutputReader output;
    private long startNanos;

    // guarded by lock
    private RuntimeState state = RuntimeState.STARTED;
    private Invocation assigned;
    private Invocation current;
    private boolean ended;
    private boolean initialized;
    private long readyNanos = -1;
    private long nextCalls;
    private long nextCallsAtDelivery;
    private Optional<Outcome.InitError> initError = Optional.empty();

    // guarded by outputLock
    private Invocation logging;
    private boolean initReported;

    private volatile long maxMemoryKb;
    private volatile long idleSinceNanos;
    private volatile boolean retired;
    private final AtomicBoolean stopped = new AtomicBoolean();
    /** Set when the process was killed for using more than its memory bound. */
    private final AtomicBoolean outOfMemory = new AtomicBoolean();

    private ExecutionEnvironment(String id, FunctionVersion function, LogShipper logs, Path directory, long initTimeoutNanos)
    {
        this.id = requireNonNull(id, "id is null");
        this.function = requireNonNull(function, "function is null");
        this.logs = requireNonNull(logs, "logs is null");
        this.directory = requireNonNull(directory, "directory is null");
        this.initTimeoutNanos = initTimeoutNanos;
        this.logStream = STREAM_DATE.format(Instant.now()) + "/[" + function.version() + "]" + id;
    }

    /**
     * Starts the runtime's process in the task root with Lambda's environment variables (built by {@code variables}
     * once the environment's runtime API address and log stream are known).
     */
    static ExecutionEnvironment start(FunctionVersion function, LanguageRuntime.Launcher launcher, Path taskRoot, Path workDirectory,
            RuntimeApiServer server, LogShipper logs, long initTimeoutNanos, EnvironmentVariables variables)
    {
        byte[] random = new byte[16];
        ThreadLocalRandom.current().nextBytes(random);
        String id = HexFormat.of().formatHex(random);
        Path directory = workDirectory.resolve(id);
        ExecutionEnvironment environment = new ExecutionEnvironment(id, function, logs, directory, initTimeoutNanos);
        environment.launch(launcher, taskRoot, server, variables);
        return environment;
    }

    private void launch(LanguageRuntime.Launcher launcher, Path taskRoot, RuntimeApiServer server, EnvironmentVariables variables)
    {
        Path outputFile = directory.resolve("output.log");
        try {
            Files.createDirectories(directory);
            Files.createFile(outputFile);
            output = new OutputReader(outputFile);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot create the working directory " + directory + " of an execution environment of " + function.arn(), e);
        }
        listener = server.open(this);
        ProcessBuilder builder = new ProcessBuilder(launcher.command(function))
                .directory(taskRoot.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(outputFile.toFile()));
        builder.environment().clear();
        builder.environment().putAll(variables.of(function, launcher, taskRoot, "127.0.0.1:" + listener.port(), logStream));
        emit("INIT_START Runtime Version: " + launcher.runtimeVersion() + "\n");
        startNanos = System.nanoTime();
        try {
            process = builder.start();
        }
        catch (IOException e) {
            listener.close();
            throw new UncheckedIOException("cannot start " + launcher.command(function).get(0) + " for function " + function.arn(), e);
        }
        try {
            process.getOutputStream().close();
        }
        catch (IOException e) {
            // the runtime gets no standard input either way
        }
        LOG.debug("started execution environment {} of {} (pid {}, runtime API port {})", id, function.arn(), process.pid(), listener.port());
        process.onExit().thenRun(this::exited);
    }

    String id()
    {
        return id;
    }

    String logStream()
    {
        return logStream;
    }

    FunctionVersion function()
    {
        return function;
    }

    long pid()
    {
        return process.pid();
    }

    /**
     * Runs one invocation: hands it to the runtime, waits for its end or its deadline, stops the process when it ran
     * out of time, and writes {@code END} and {@code REPORT}. Returns how it ended; {@code endedAt} of a time-out is
     * when the log says it timed out.
     */
    Outcome run(Invocation invocation, int timeoutSeconds)
            throws InterruptedException
    {
        long timeoutNanos = TimeUnit.SECONDS.toNanos(timeoutSeconds);
        long assignedNanos = System.nanoTime();
        lock.lock();
        try {
            if (ended) {
                invocation.complete(endedOutcome());
            }
            else {
                // until it is delivered the invocation may wait for the init phase, which has its own limit
                invocation.deadline((initialized ? assignedNanos : Math.max(assignedNanos, startNanos + initTimeoutNanos)) + timeoutNanos);
                assigned = invocation;
                changed.signalAll();
            }
        }
        finally {
            lock.unlock();
        }
        Optional<Outcome> outcome = invocation.await();
        Instant endedAt = Instant.now();
        invocation.endedAt(endedAt);
        if (outcome.isEmpty()) {
            sampleMemory();
            if (invocation.complete(new Outcome.TimedOut())) {
                kill();
            }
            outcome = Optional.of(invocation.outcome());
        }
        if (outcome.get() instanceof Outcome.InitError) {
            // the runtime exits after reporting; give it a moment to do so itself
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                kill();
            }
        }
        boolean runtimeDone = true;
        if (outcome.get() instanceof Outcome.Response || outcome.get() instanceof Outcome.FunctionError || outcome.get() instanceof Outcome.ResponseTooLarge) {
            runtimeDone = awaitRuntimeDone(invocation);
            if (!runtimeDone) {
                // the runtime answered but never came back for more before the deadline: the answer stands, the
                // environment is replaced as after a time-out
                kill();
            }
        }
        finish(invocation, outcome.get(), runtimeDone, endedAt, assignedNanos, timeoutSeconds);
        idleSinceNanos = System.nanoTime();
        return outcome.get();
    }

    /**
     * Waits until the runtime, having answered, asks for its next invocation: as on Lambda, an invocation ends (and its
     * {@code END} line is written) then, so that what the runtime does after answering (AWS's Java client logs an
     * error only after posting it) belongs to the invocation. False when the deadline came first.
     */
    private boolean awaitRuntimeDone(Invocation invocation)
            throws InterruptedException
    {
        lock.lock();
        try {
            while (nextCalls <= nextCallsAtDelivery && !ended) {
                long remaining = invocation.deadlineNanos() - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                changed.awaitNanos(remaining);
            }
            return true;
        }
        finally {
            lock.unlock();
        }
    }

    /** How an invocation given to an environment that has already ended ends. Holds lock. */
    private Outcome endedOutcome()
    {
        if (initError.isPresent()) {
            return initError.get();
        }
        return process.isAlive() ? new Outcome.Stopped() : exitOutcome();
    }

    /** How the ended process ended: killed for its memory, or on its own. */
    private Outcome exitOutcome()
    {
        return outOfMemory.get() ? new Outcome.OutOfMemory() : new Outcome.Exited(process.exitValue());
    }

    /**
     * The process's memory bound in kB: {@code MemorySize} for runtimes whose own settings do not bound it (Python); none
     * (0) for Java, whose heap the runtime bounds with {@code -Xmx}.
     */
    private long memoryBoundKb()
    {
        return function.runtime().startsWith("python") ? function.memoryMb() * 1024L : 0;
    }

    /** Whether the environment can take another invocation. */
    boolean reusable()
    {
        lock.lock();
        try {
            return !ended && !retired && state != RuntimeState.INIT_ERROR && process.isAlive();
        }
        finally {
            lock.unlock();
        }
    }

    long idleSinceNanos()
    {
        return idleSinceNanos;
    }

    /** The environment is of an old revision or a retired function: stopped when its invocation ends. */
    void retire()
    {
        retired = true;
    }

    boolean isRetired()
    {
        return retired;
    }

    /** Writes the process's new output lines to the log; called periodically, and before each log line of the runner's. */
    void pumpOutput()
    {
        synchronized (outputLock) {
            drain(false);
        }
        sampleMemory();
    }

    /** Stops the process (and whatever it started), ending an invocation in progress with {@link Outcome.Stopped}; once. */
    void stop()
    {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        Invocation pending = end();
        if (pending != null) {
            pending.complete(new Outcome.Stopped());
        }
        kill();
        synchronized (outputLock) {
            drain(true);
            try {
                output.close();
                output = null;
                PythonEnvironments.deleteTree(directory);
            }
            catch (IOException e) {
                LOG.debug("cannot remove the working directory {} of execution environment {}: {}", directory, id, e.toString());
            }
        }
    }

    @Override
    public RuntimeApiServer.Reply next()
            throws InterruptedException
    {
        Invocation invocation;
        boolean first;
        lock.lock();
        try {
            if (state == RuntimeState.INIT_ERROR) {
                return RuntimeApiServer.Reply.invalidStateTransition(state.label, "Ready");
            }
            long now = System.nanoTime();
            if (readyNanos < 0) {
                readyNanos = now;
            }
            state = RuntimeState.RUNNING;
            nextCalls++;
            changed.signalAll();
            while (assigned == null && !ended) {
                changed.await();
            }
            if (ended) {
                return RuntimeApiServer.Reply.containerError();
            }
            invocation = assigned;
            assigned = null;
            current = invocation;
            nextCallsAtDelivery = nextCalls;
            now = System.nanoTime();
            first = !initialized;
            long clockStart = first ? Math.min(now, startNanos + initTimeoutNanos) : now;
            invocation.deadline(clockStart + TimeUnit.SECONDS.toNanos(invocation.timeoutSeconds()));
            invocation.delivered(now);
            initialized = true;
        }
        finally {
            lock.unlock();
        }
        synchronized (outputLock) {
            drain(false);
            startLog(invocation);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Lambda-Runtime-Aws-Request-Id", invocation.requestId());
        headers.put("Lambda-Runtime-Deadline-Ms", String.valueOf(invocation.deadlineEpochMillis()));
        headers.put("Lambda-Runtime-Invoked-Function-Arn", invocation.invokedArn());
        headers.put("Lambda-Runtime-Trace-Id", invocation.traceId());
        invocation.clientContext().ifPresent(context -> headers.put("Lambda-Runtime-Client-Context", context));
        return new RuntimeApiServer.Reply(200, headers, invocation.payload());
    }

    /** The running invocation a response or an error names, taken; or the reply that refuses the call. */
    private record Taken(Invocation invocation, RuntimeApiServer.Reply refusal)
    {
    }

    private Taken take(String requestId, String transition)
    {
        lock.lock();
        try {
            if (state != RuntimeState.RUNNING) {
                return new Taken(null, RuntimeApiServer.Reply.invalidStateTransition(state.label, transition));
            }
            if (current == null || !current.requestId().equals(requestId)) {
                return new Taken(null, RuntimeApiServer.Reply.invalidRequestId());
            }
            Invocation invocation = current;
            current = null;
            state = RuntimeState.RESPONSE_SENT;
            return new Taken(invocation, null);
        }
        finally {
            lock.unlock();
        }
    }

    @Override
    public RuntimeApiServer.Reply response(String requestId, RuntimeApiServer.Body body)
    {
        Taken taken = take(requestId, "InvocationResponse");
        if (taken.refusal() != null) {
            return taken.refusal();
        }
        Invocation invocation = taken.invocation();
        if (body.tooLarge()) {
            invocation.complete(new Outcome.ResponseTooLarge(body.size()));
            return RuntimeApiServer.Reply.tooLarge();
        }
        invocation.complete(new Outcome.Response(body.bytes()));
        return RuntimeApiServer.Reply.accepted();
    }

    @Override
    public RuntimeApiServer.Reply error(String requestId, Optional<String> errorType, RuntimeApiServer.Body body)
    {
        Taken taken = take(requestId, "InvocationErrorResponse");
        if (taken.refusal() != null) {
            return taken.refusal();
        }
        Invocation invocation = taken.invocation();
        invocation.complete(new Outcome.FunctionError(body.bytes(), errorType));
        return RuntimeApiServer.Reply.accepted();
    }

    @Override
    public RuntimeApiServer.Reply initError(Optional<String> errorType, RuntimeApiServer.Body body)
    {
        Invocation invocation;
        Outcome.InitError error = new Outcome.InitError(body.bytes(), errorType);
        lock.lock();
        try {
            if (state != RuntimeState.STARTED) {
                return RuntimeApiServer.Reply.invalidStateTransition(state.label, "InitError");
            }
            state = RuntimeState.INIT_ERROR;
            initError = Optional.of(error);
            invocation = assigned;
            assigned = null;
        }
        finally {
            lock.unlock();
        }
        if (invocation != null) {
            invocation.complete(error);
        }
        return RuntimeApiServer.Reply.accepted();
    }

    /** Marks the environment ended and takes the invocation it was running or about to run, if any. */
    private Invocation end()
    {
        lock.lock();
        try {
            Invocation pending = current != null ? current : assigned;
            current = null;
            assigned = null;
            ended = true;
            changed.signalAll();
            return pending;
        }
        finally {
            lock.unlock();
        }
    }

    private void exited()
    {
        Invocation pending = end();
        listener.close();
        LOG.debug("execution environment {} of {} exited with status {}", id, function.arn(), process.exitValue());
        if (pending != null) {
            pending.complete(initError.isPresent() && !pending.isDelivered() ? initError.get() : exitOutcome());
        }
    }

    private void kill()
    {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                LOG.warn("execution environment {} of {} (pid {}) did not end within 10 s of being killed", id, function.arn(), process.pid());
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        listener.close();
    }

    private void startLog(Invocation invocation)
    {
        invocation.startLogged();
        logging = invocation;
        emit("START RequestId: " + invocation.requestId() + " Version: " + function.version() + "\n");
    }

    private void finish(Invocation invocation, Outcome outcome, boolean runtimeDone, Instant endedAt, long assignedNanos, int timeoutSeconds)
    {
        long endNanos = System.nanoTime();
        // the peak so far, for the report: an invocation may end before the periodic sample first sees the process
        sampleMemory();
        long ready;
        lock.lock();
        try {
            ready = readyNanos;
        }
        finally {
            lock.unlock();
        }
        synchronized (outputLock) {
            if (!invocation.startLogged()) {
                // the init phase did not end: its output, what ended it, then the invocation's own lines
                drain(true);
                initReported = true;
                emit(String.format(Locale.ROOT, "INIT_REPORT Init Duration: %.2f ms\tPhase: init\t%s\n", millis(endNanos - startNanos), status(outcome)));
                startLog(invocation);
            }
            else {
                drain(true);
            }
            if (outcome instanceof Outcome.TimedOut) {
                emit(LambdaErrors.timeoutMessage(endedAt, invocation.requestId(), timeoutSeconds) + "\n");
            }
            else if (outcome instanceof Outcome.Exited exited) {
                emit(LambdaErrors.runtimeExitMessage(invocation.requestId(), exited.exitCode()) + "\n" + LambdaErrors.RUNTIME_EXIT_ERROR + "\n");
            }
            else if (outcome instanceof Outcome.OutOfMemory) {
                emit(LambdaErrors.runtimeExitMessage(invocation.requestId(), LambdaErrors.KILLED) + "\n" + LambdaErrors.OUT_OF_MEMORY + "\n");
            }
            emit("END RequestId: " + invocation.requestId() + "\n");
            long startedNanos = invocation.isDelivered() ? invocation.deliveredNanos() : assignedNanos;
            double duration = millis(endNanos - startedNanos);
            double init = 0;
            StringBuilder report = new StringBuilder("REPORT RequestId: ").append(invocation.requestId()).append('\t');
            boolean coldStart = invocation.isDelivered() && !initReported && ready >= 0;
            if (coldStart) {
                init = millis(ready - startNanos);
                initReported = true;
            }
            report.append(String.format(Locale.ROOT, "Duration: %.2f ms\t", duration));
            // since August 2025 Lambda bills the init phase of on-demand functions too
            report.append("Billed Duration: ").append((long) Math.ceil(duration + init)).append(" ms\t");
            report.append("Memory Size: ").append(function.memoryMb()).append(" MB\t");
            report.append("Max Memory Used: ").append((maxMemoryKb + 1023) / 1024).append(" MB\t");
            if (coldStart) {
                report.append(String.format(Locale.ROOT, "Init Duration: %.2f ms\t", init));
            }
            String status = runtimeDone ? status(outcome) : "Status: timeout";
            if (!status.isEmpty()) {
                report.append(status).append('\t');
            }
            emit(report.append('\n').toString());
            logging = null;
        }
    }

    /** The {@code Status} fields of a report line: empty for an invocation that got an answer from its function. */
    private static String status(Outcome outcome)
    {
        if (outcome instanceof Outcome.TimedOut) {
            return "Status: timeout";
        }
        if (outcome instanceof Outcome.Exited) {
            return "Status: error\tError Type: " + LambdaErrors.RUNTIME_EXIT_ERROR;
        }
        if (outcome instanceof Outcome.OutOfMemory) {
            return "Status: error\tError Type: " + LambdaErrors.OUT_OF_MEMORY;
        }
        if (outcome instanceof Outcome.InitError initError) {
            return "Status: error\tError Type: " + initError.errorType().orElse("Runtime.Unknown");
        }
        if (outcome instanceof Outcome.ResponseTooLarge) {
            return "Status: error\tError Type: Function.ResponseSizeTooLarge";
        }
        return "";
    }

    /** Reads the process's output into the log; with {@code all}, including an unfinished last line. Holds outputLock. */
    private void drain(boolean all)
    {
        if (output == null) {
            return;
        }
        try {
            for (String line : output.read(all)) {
                emit(line);
            }
        }
        catch (IOException e) {
            LOG.warn("cannot read the output of execution environment {} of {}: {}", id, function.arn(), e.toString());
        }
    }

    private void emit(String message)
    {
        logs.add(function.logGroup(), function.region(), logStream, System.currentTimeMillis(), message);
        Invocation collecting = logging;
        if (collecting != null) {
            collecting.logged(message);
        }
    }

    /**
     * Keeps the process's peak resident size ({@code VmHWM}), for {@code Max Memory Used}; kills a process whose peak
     * went over its memory bound, as Lambda does ({@code Runtime.OutOfMemory}). Sampled every few hundred milliseconds:
     * the peak is kept by the kernel, so a short burst over the bound is caught by the next sample.
     */
    private void sampleMemory()
    {
        Process running = process;
        if (running == null || !running.isAlive()) {
            return;
        }
        // not Linux, or the process just ended: the last sample stands
        ChildProcesses.peakResidentKb(running).ifPresent(kb -> maxMemoryKb = Math.max(maxMemoryKb, kb));
        long bound = memoryBoundKb();
        if (bound > 0 && maxMemoryKb > bound && outOfMemory.compareAndSet(false, true)) {
            LOG.info("execution environment {} of {} used {} MB, over its MemorySize of {} MB: killing it", id, function.arn(), (maxMemoryKb + 1023) / 1024,
                    function.memoryMb());
            ChildProcesses.killTree(running);
        }
    }

    private static double millis(long nanos)
    {
        return nanos / 1_000_000.0;
    }

    /** Lambda's environment variables of an execution environment. */
    interface EnvironmentVariables
    {
        Map<String, String> of(FunctionVersion function, LanguageRuntime.Launcher launcher, Path taskRoot, String runtimeApi, String logStream);
    }

    static String path(List<Path> front)
    {
        List<String> entries = new ArrayList<>();
        front.forEach(path -> entries.add(path.toString()));
        entries.addAll(List.of("/usr/local/bin", "/usr/bin", "/bin"));
        return String.join(File.pathSeparator, entries);
    }
}
