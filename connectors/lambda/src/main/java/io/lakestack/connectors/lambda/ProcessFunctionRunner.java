package io.lakestack.connectors.lambda;

import io.lakestack.spi.ServiceException;
import io.lakestack.spi.lambda.FunctionRunner;
import io.lakestack.spi.lambda.FunctionVersion;
import io.lakestack.spi.logs.LogStore;
import io.lakestack.spi.s3.ObjectStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Runs Lambda functions as child processes of this JVM: each execution environment is a process that speaks the Lambda
 * Runtime API to this runner on a loopback port of its own, started with AWS's Java runtime interface client
 * ({@code java17}, {@code java21}, {@code java25}) or lakestack's Python bootstrap ({@code python3.9} to
 * {@code python3.13}), with Lambda's environment variables, the function's own, and {@code AWS_ENDPOINT_URL} pointing
 * at lakestack so that the AWS SDKs in a handler reach lakestack unchanged.
 *
 * <p>An environment is reused while warm (per function version and revision), stopped after
 * {@link ProcessFunctionRunnerConfig#idleTimeout()} idle; environments start in parallel up to the request's
 * concurrency limit, beyond which {@code invoke} answers Lambda's {@code TooManyRequestsException}. A time-out kills the
 * environment and answers Lambda's time-out error; a runtime that dies is {@code Runtime.ExitError}. Output is written to
 * the function's log group as it comes, one log stream per environment.
 *
 * <p>The wiring passes the settings (the endpoint's URL above all), the object store holding the deployment packages
 * and the log store; it closes the runner when lakestack stops.
 */
public final class ProcessFunctionRunner
        implements FunctionRunner
{
    /** glibc keeps blocks of up to 32 MB (its largest mmap threshold) in its heap, and up to 128 MB of it free, rather than returning them. */
    private static final String MALLOC_TUNABLES = "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=134217728";

    private static final Logger LOG = LoggerFactory.getLogger(ProcessFunctionRunner.class);

    private static final Map<String, Integer> JAVA_RUNTIMES = javaRuntimes();
    private static final List<String> PYTHON_VERSIONS = List.of("3.9", "3.10", "3.11", "3.12", "3.13");
    private static final long PUMP_MILLIS = 200;

    private final ProcessFunctionRunnerConfig config;
    private final Map<String, LanguageRuntime> runtimes;
    private final CodeCache code;
    private final LogShipper logs;
    private final RuntimeApiServer server;
    private final Path workDirectory;
    private final Map<String, FunctionPool> pools = new ConcurrentHashMap<>();
    private final Set<ExecutionEnvironment> environments = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService housekeeping;
    private volatile boolean closed;

    public ProcessFunctionRunner(ProcessFunctionRunnerConfig config, ObjectStore objectStore, LogStore logStore)
    {
        this.config = requireNonNull(config, "config is null");
        requireNonNull(objectStore, "objectStore is null");
        requireNonNull(logStore, "logStore is null");
        Path cache = config.cacheDirectory();
        Map<String, LanguageRuntime> known = new LinkedHashMap<>();
        JavaHomes javaHomes = new JavaHomes(config.javaHomes());
        JavaRuntimeFiles javaFiles = new JavaRuntimeFiles(config.javaRuntimeClasspath(), cache);
        JAVA_RUNTIMES.forEach((name, feature) -> known.put(name, new JavaRuntime(name, feature, javaHomes, javaFiles)));
        PythonInterpreters interpreters = new PythonInterpreters(config.pythonExecutables());
        PythonEnvironments pythonEnvironments = new PythonEnvironments(cache.resolve("python"));
        for (String version : PYTHON_VERSIONS) {
            known.put("python" + version, new PythonRuntime(version, interpreters, pythonEnvironments, cache));
        }
        this.runtimes = Collections.unmodifiableMap(known);
        this.code = new CodeCache(objectStore, cache.resolve("code"));
        try {
            this.workDirectory = Files.createTempDirectory(Files.createDirectories(config.workDirectory()), "lakestack-lambda-");
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot create a working directory for Lambda execution environments", e);
        }
        this.logs = new LogShipper(logStore);
        this.server = new RuntimeApiServer();
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "lambda-runner-housekeeping");
            thread.setDaemon(true);
            return thread;
        });
        housekeeping.scheduleWithFixedDelay(this::pumpOutput, PUMP_MILLIS, PUMP_MILLIS, TimeUnit.MILLISECONDS);
        housekeeping.scheduleWithFixedDelay(this::stopIdle, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public Result invoke(FunctionVersion function, Request request)
    {
        requireNonNull(function, "function is null");
        requireNonNull(request, "request is null");
        if (closed) {
            throw ServiceException.external("ServiceException", "lakestack's function runner is stopped", null);
        }
        LanguageRuntime runtime = runtimes.get(function.runtime());
        if (runtime == null) {
            throw LambdaErrors.invalidRuntime(unknownRuntime(function.runtime()));
        }
        FunctionPool pool = pools.computeIfAbsent(function.name(), name -> new FunctionPool());
        pool.acquire(request.concurrencyLimit());
        try {
            ExecutionEnvironment environment = take(pool, function);
            if (environment == null) {
                environment = start(pool, function, runtime);
            }
            Invocation invocation = new Invocation(request.requestId(), request.payload(), request.invokedArn(), clientContext(request.clientContext()),
                    traceId(), function.timeoutSeconds());
            Outcome outcome;
            try {
                outcome = environment.run(invocation, function.timeoutSeconds());
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                release(pool, environment, false);
                throw ServiceException.internal("ServiceException", "the invocation " + request.requestId() + " of " + function.arn() + " was interrupted", e);
            }
            release(pool, environment, true);
            return result(function, request, invocation, outcome);
        }
        finally {
            pool.release();
        }
    }

    @Override
    public Set<String> runtimes()
    {
        return Collections.unmodifiableSet(new LinkedHashSet<>(runtimes.keySet()));
    }

    @Override
    public Optional<String> unavailable(String runtime)
    {
        LanguageRuntime known = runtimes.get(runtime);
        if (known == null) {
            return Optional.of(unknownRuntime(runtime));
        }
        return known.unavailable();
    }

    /**
     * Installs now what the runtime needs once (for Python, the virtual environment with boto3), so that the first
     * invocation does not wait for it. Empty when the runtime is ready, else why it cannot run, as {@code invoke} would
     * say.
     */
    public Optional<String> prepare(String runtime)
    {
        LanguageRuntime known = runtimes.get(runtime);
        if (known == null) {
            return Optional.of(unknownRuntime(runtime));
        }
        try {
            known.prepare();
            return Optional.empty();
        }
        catch (ServiceException e) {
            return Optional.of(e.getMessage());
        }
    }

    @Override
    public void stage(FunctionVersion function)
    {
        try {
            code.unpacked(function);
        }
        catch (ServiceException e) {
            LOG.warn("the code of {} could not be fetched ahead of its first invocation, which tries again: {}", function.arn(), e.getMessage());
        }
    }

    @Override
    public void retire(String functionName)
    {
        FunctionPool pool = pools.get(functionName);
        if (pool == null) {
            return;
        }
        List<ExecutionEnvironment> idle;
        synchronized (pool) {
            idle = pool.takeAllIdle();
            pool.busy.forEach(ExecutionEnvironment::retire);
        }
        idle.forEach(this::stop);
    }

    @Override
    public void close()
    {
        closed = true;
        housekeeping.shutdownNow();
        List<ExecutionEnvironment> all = new ArrayList<>(environments);
        all.forEach(this::stop);
        server.close();
        logs.close();
        try {
            PythonEnvironments.deleteTree(workDirectory);
        }
        catch (IOException e) {
            LOG.debug("cannot remove {}: {}", workDirectory, e.toString());
        }
    }

    /** Waits until the log lines written so far are in the log store. */
    void flushLogs()
            throws InterruptedException
    {
        for (ExecutionEnvironment environment : environments) {
            environment.pumpOutput();
        }
        logs.flush();
    }

    private ExecutionEnvironment take(FunctionPool pool, FunctionVersion function)
    {
        List<ExecutionEnvironment> stale = new ArrayList<>();
        ExecutionEnvironment taken;
        synchronized (pool) {
            taken = pool.takeIdle(function, stale);
        }
        stale.forEach(this::stop);
        return taken;
    }

    private ExecutionEnvironment start(FunctionPool pool, FunctionVersion function, LanguageRuntime runtime)
    {
        LanguageRuntime.Launcher launcher = runtime.prepare();
        Path taskRoot = code.unpacked(function);
        ExecutionEnvironment environment;
        try {
            environment = ExecutionEnvironment.start(function, launcher, taskRoot, workDirectory, server, logs, config.initTimeout().toNanos(), this::variables);
        }
        catch (UncheckedIOException e) {
            throw ServiceException.internal("ServiceException", e.getMessage(), e);
        }
        environments.add(environment);
        synchronized (pool) {
            pool.busy.add(environment);
        }
        if (closed) {
            stop(environment);
        }
        return environment;
    }

    private void release(FunctionPool pool, ExecutionEnvironment environment, boolean keep)
    {
        boolean warm;
        synchronized (pool) {
            pool.busy.remove(environment);
            warm = keep && !closed && environment.reusable();
            if (warm) {
                pool.idle(environment);
            }
        }
        if (!warm) {
            stop(environment);
        }
    }

    private void stop(ExecutionEnvironment environment)
    {
        environments.remove(environment);
        environment.stop();
    }

    private void pumpOutput()
    {
        for (ExecutionEnvironment environment : environments) {
            try {
                environment.pumpOutput();
            }
            catch (RuntimeException e) {
                LOG.warn("reading the output of execution environment {} failed", environment.id(), e);
            }
        }
    }

    private void stopIdle()
    {
        long now = System.nanoTime();
        List<ExecutionEnvironment> expired = new ArrayList<>();
        for (FunctionPool pool : pools.values()) {
            synchronized (pool) {
                expired.addAll(pool.takeExpired(now - config.idleTimeout().toNanos()));
            }
        }
        for (ExecutionEnvironment environment : expired) {
            LOG.debug("stopping idle execution environment {} of {}", environment.id(), environment.function().arn());
            stop(environment);
        }
    }

    private Map<String, String> variables(FunctionVersion function, LanguageRuntime.Launcher launcher, Path taskRoot, String runtimeApi, String logStream)
    {
        Map<String, String> variables = new LinkedHashMap<>();
        // what a function may set itself
        variables.put("PATH", ExecutionEnvironment.path(launcher.path()));
        variables.put("LANG", "en_US.UTF-8");
        variables.put("LD_LIBRARY_PATH", taskRoot + ":" + taskRoot.resolve("lib"));
        variables.put("AWS_ENDPOINT_URL", config.endpointUrl().toString());
        // Lambda has no ~/.aws: the SDKs take their settings from the environment alone, not from this user's files
        variables.put("AWS_CONFIG_FILE", workDirectory.resolve("no-aws-config").toString());
        variables.put("AWS_SHARED_CREDENTIALS_FILE", workDirectory.resolve("no-aws-credentials").toString());
        // the runtime clients read each event into fresh buffers of its size (AWS's Java client: several copies of up to 6 MB); with glibc's
        // defaults those are mapped and unmapped per invocation and every page faults anew, which costs more CPU than the copies themselves
        variables.put("GLIBC_TUNABLES", MALLOC_TUNABLES);
        variables.putAll(launcher.environment());
        variables.putAll(function.environment());
        // Lambda's reserved variables, which a function cannot set
        String region = function.region();
        variables.put("_HANDLER", function.handler());
        variables.put("AWS_REGION", region);
        variables.put("AWS_DEFAULT_REGION", region);
        variables.put("AWS_EXECUTION_ENV", "AWS_Lambda_" + function.runtime());
        variables.put("AWS_LAMBDA_FUNCTION_NAME", function.name());
        variables.put("AWS_LAMBDA_FUNCTION_VERSION", function.version());
        variables.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", String.valueOf(function.memoryMb()));
        variables.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        variables.put("AWS_LAMBDA_LOG_GROUP_NAME", function.logGroup());
        variables.put("AWS_LAMBDA_LOG_STREAM_NAME", logStream);
        variables.put("AWS_ACCESS_KEY_ID", config.accessKey());
        variables.put("AWS_SECRET_ACCESS_KEY", config.secretKey());
        variables.remove("AWS_SESSION_TOKEN");
        config.sessionToken().ifPresent(token -> variables.put("AWS_SESSION_TOKEN", token));
        variables.put("AWS_LAMBDA_RUNTIME_API", runtimeApi);
        variables.put("LAMBDA_TASK_ROOT", taskRoot.toString());
        variables.put("LAMBDA_RUNTIME_DIR", launcher.runtimeDirectory().toString());
        variables.put("TZ", ":UTC");
        return variables;
    }

    private static Result result(FunctionVersion function, Request request, Invocation invocation, Outcome outcome)
    {
        Optional<String> tail = request.tailLog() ? Optional.of(invocation.logTail()) : Optional.empty();
        Optional<String> unhandled = Optional.of("Unhandled");
        if (outcome instanceof Outcome.Response response) {
            return new Result(response.body(), Optional.empty(), tail);
        }
        if (outcome instanceof Outcome.FunctionError error) {
            return new Result(errorDocument(error.body(), error.errorType()), unhandled, tail);
        }
        if (outcome instanceof Outcome.InitError error) {
            return new Result(errorDocument(error.body(), error.errorType()), unhandled, tail);
        }
        if (outcome instanceof Outcome.ResponseTooLarge) {
            return new Result(LambdaErrors.responseTooLarge(), unhandled, tail);
        }
        if (outcome instanceof Outcome.Exited exited) {
            return new Result(LambdaErrors.runtimeExit(invocation.requestId(), exited.exitCode()), unhandled, tail);
        }
        if (outcome instanceof Outcome.OutOfMemory) {
            return new Result(LambdaErrors.outOfMemory(invocation.requestId()), unhandled, tail);
        }
        if (outcome instanceof Outcome.TimedOut) {
            return new Result(LambdaErrors.timeout(invocation.endedAt(), invocation.requestId(), function.timeoutSeconds()), unhandled, tail);
        }
        throw ServiceException.external("ServiceException", "lakestack's function runner stopped during the invocation " + invocation.requestId() + " of "
                + function.arn(), null);
    }

    /** The runtime's error document as it posted it; Lambda builds one from the error type when it posted none. */
    private static byte[] errorDocument(byte[] body, Optional<String> errorType)
    {
        if (body.length > 0) {
            return body;
        }
        return ("{\"errorType\":\"" + errorType.orElse("Runtime.Unknown").replace("\"", "") + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private String unknownRuntime(String runtime)
    {
        return "lakestack does not run the runtime " + runtime + "; it runs " + String.join(", ", runtimes.keySet());
    }

    /** The runtime receives the client context as JSON; the caller gives it as the base64 of {@code X-Amz-Client-Context}. */
    private static Optional<String> clientContext(Optional<String> base64)
    {
        return base64.map(text -> {
            try {
                return new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
            }
            catch (IllegalArgumentException e) {
                return text;
            }
        });
    }

    /** An X-Ray trace header as Lambda passes one to every invocation (not sampled: there is no X-Ray here). */
    private static String traceId()
    {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        byte[] root = new byte[12];
        byte[] parent = new byte[8];
        random.nextBytes(root);
        random.nextBytes(parent);
        return "Root=1-" + String.format("%08x", System.currentTimeMillis() / 1000) + "-" + HexFormat.of().formatHex(root) + ";Parent="
                + HexFormat.of().formatHex(parent) + ";Sampled=0";
    }

    private static Map<String, Integer> javaRuntimes()
    {
        Map<String, Integer> runtimes = new LinkedHashMap<>();
        runtimes.put("java17", 17);
        runtimes.put("java21", 21);
        runtimes.put("java25", 25);
        return Collections.unmodifiableMap(runtimes);
    }

    /** The environments of one function, all its versions: its invocations in flight count against one limit. */
    private static final class FunctionPool
    {
        private final Map<String, Deque<ExecutionEnvironment>> idle = new HashMap<>();
        private final Set<ExecutionEnvironment> busy = new HashSet<>();
        private int inFlight;

        synchronized void acquire(int limit)
        {
            if (inFlight >= limit) {
                throw LambdaErrors.tooManyRequests();
            }
            inFlight++;
        }

        synchronized void release()
        {
            inFlight--;
        }

        /**
         * The most recently used live environment of the function's version and revision; environments of the version's
         * other revisions, and dead ones, go to {@code stale}.
         */
        ExecutionEnvironment takeIdle(FunctionVersion function, List<ExecutionEnvironment> stale)
        {
            String key = key(function);
            for (Iterator<Map.Entry<String, Deque<ExecutionEnvironment>>> entries = idle.entrySet().iterator(); entries.hasNext(); ) {
                Map.Entry<String, Deque<ExecutionEnvironment>> entry = entries.next();
                if (!entry.getKey().equals(key) && entry.getKey().startsWith(function.arn() + "\n")) {
                    stale.addAll(entry.getValue());
                    entries.remove();
                }
            }
            Deque<ExecutionEnvironment> environments = idle.get(key);
            while (environments != null && !environments.isEmpty()) {
                ExecutionEnvironment environment = environments.pollLast();
                if (environment.reusable()) {
                    busy.add(environment);
                    return environment;
                }
                stale.add(environment);
            }
            return null;
        }

        void idle(ExecutionEnvironment environment)
        {
            idle.computeIfAbsent(key(environment.function()), key -> new ArrayDeque<>()).addLast(environment);
        }

        List<ExecutionEnvironment> takeAllIdle()
        {
            List<ExecutionEnvironment> all = new ArrayList<>();
            idle.values().forEach(all::addAll);
            idle.clear();
            return all;
        }

        List<ExecutionEnvironment> takeExpired(long idleSinceBefore)
        {
            List<ExecutionEnvironment> expired = new ArrayList<>();
            for (Deque<ExecutionEnvironment> environments : idle.values()) {
                environments.removeIf(environment -> {
                    boolean gone = environment.idleSinceNanos() - idleSinceBefore < 0 || !environment.reusable();
                    if (gone) {
                        expired.add(environment);
                    }
                    return gone;
                });
            }
            idle.values().removeIf(Deque::isEmpty);
            return expired;
        }

        private static String key(FunctionVersion function)
        {
            return function.arn() + "\n" + function.revisionId();
        }
    }
}
