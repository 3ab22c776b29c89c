package io.lakestack.connectors.gluejobs;

import io.lakestack.connectors.lambda.ChildProcesses;
import io.lakestack.connectors.lambda.LogShipper;
import io.lakestack.connectors.lambda.ProcessFunctionRunnerConfig;
import io.lakestack.connectors.lambda.PythonEnvironments;
import io.lakestack.connectors.lambda.PythonInterpreters;
import io.lakestack.spi.glue.JobRunner;
import io.lakestack.spi.logs.LogStore;
import io.lakestack.spi.s3.ObjectStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * Runs Glue {@code pythonshell} scripts as child processes, as Glue's Python shell runs them: the script (and the files
 * of {@code --extra-py-files} and {@code --extra-files}) fetched from S3 into the run's own folder, which is the
 * working directory; the interpreter of the job's Python version from the virtual environment with boto3 that Lambda's
 * Python functions share; {@code --additional-python-modules} installed by pip once per set of modules; lakestack's
 * {@code awsglue.utils} ({@code getResolvedOptions}) importable; {@code AWS_ENDPOINT_URL} and credentials pointing
 * at lakestack, so boto3 in the script reaches it unchanged. The script's standard input is a pipe from lakestack that
 * stays open while it runs: when lakestack dies (even by kill -9), the pipe closes and lakestack's launcher ends the
 * script, so no run goes on writing once no instance owns it. Standard output goes to CloudWatch Logs'
 * {@code /aws-glue/python-jobs/output}, standard error to {@code /aws-glue/python-jobs/error}, in a stream named by
 * the run's id. A process whose peak resident size goes over the run's memory bound is killed.
 */
public final class PythonShellJobRunner
        implements JobRunner, AutoCloseable
{
    static final String OUTPUT_GROUP = "/aws-glue/python-jobs/output";
    static final String ERROR_GROUP = "/aws-glue/python-jobs/error";
    private static final Logger log = LoggerFactory.getLogger(PythonShellJobRunner.class);
    private static final int READ_BYTES = 8 * 1024 * 1024;
    private static final long MEMORY_CHECK_MILLIS = 250;
    private static final List<String> NEWER = List.of("3.10", "3.11", "3.12", "3.13");
    /** Runs the script as {@code __main__}, and ends it when this process's end of its standard input closes. */
    private static final String LAUNCHER = "lakestack_glue_launcher.py";

    private final ProcessFunctionRunnerConfig config;
    private final ObjectStore objects;
    private final PythonInterpreters interpreters;
    private final PythonEnvironments environments;
    private final LogShipper logs;
    private final Path workDirectory;
    private final Path library;
    private final ExecutorService threads;

    /**
     * @param config where lakestack's endpoint is and the credentials a script gets, the cache of Python
     *         environments, the folder runs work in, and the Python interpreters to use (the Lambda runner's settings)
     */
    public PythonShellJobRunner(ProcessFunctionRunnerConfig config, ObjectStore objects, LogStore logStore)
    {
        this.config = requireNonNull(config, "config is null");
        this.objects = requireNonNull(objects, "objects is null");
        this.interpreters = new PythonInterpreters(config.pythonExecutables());
        this.environments = new PythonEnvironments(config.cacheDirectory().resolve("python"));
        this.logs = new LogShipper(requireNonNull(logStore, "logStore is null"));
        try {
            this.workDirectory = Files.createTempDirectory(Files.createDirectories(config.workDirectory()), "lakestack-glue-jobs-");
            this.library = writeLibrary(workDirectory.resolve("lib"));
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot create a working directory for Glue job runs under " + config.workDirectory(), e);
        }
        AtomicInteger count = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "lakestack-glue-job-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** lakestack's {@code awsglue} package, where every run's script can import it. */
    private static Path writeLibrary(Path directory)
            throws IOException
    {
        Path awsglue = Files.createDirectories(directory.resolve("awsglue"));
        copyResource("awsglue_init.py", awsglue.resolve("__init__.py"));
        copyResource("awsglue_utils.py", awsglue.resolve("utils.py"));
        copyResource(LAUNCHER, directory.resolve(LAUNCHER));
        return directory;
    }

    private static void copyResource(String name, Path target)
            throws IOException
    {
        try (InputStream in = PythonShellJobRunner.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from lakestack-glue-jobs' jar");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * The job's Python version first, then the newer ones lakestack knows (a Python shell job of 3.9 runs on 3.10 or
     * later where no Python 3.9 on this machine can have boto3, as pip has no boto3 for 3.9 on every index).
     */
    private static List<String> versions(String pythonVersion)
    {
        List<String> versions = new ArrayList<>(List.of(pythonVersion));
        NEWER.stream().filter(minor -> Integer.parseInt(minor.substring(2)) > Integer.parseInt(pythonVersion.substring(2))).forEach(versions::add);
        return versions;
    }

    /** Why Python of that version cannot run scripts here, empty when it can (as far as is known before building its environment). */
    private Optional<String> problem(String minor)
    {
        Optional<PythonInterpreters.Interpreter> interpreter = interpreters.find(minor);
        if (interpreter.isEmpty()) {
            return Optional.of("no Python " + minor + " interpreter was found (looked at " + interpreters.searched(minor) + ")");
        }
        if (!interpreter.get().venv()) {
            return Optional.of("Python " + minor + " at " + interpreter.get().executable() + " cannot create virtual environments (boto3 is "
                    + "installed into one; for example apt-get install python" + minor + "-venv)");
        }
        return environments.failure(interpreter.get()).map(failure -> "Python " + minor + " cannot have boto3: " + failure);
    }

    @Override
    public Optional<String> unavailable(String pythonVersion)
    {
        if (versions(pythonVersion).stream().anyMatch(minor -> problem(minor).isEmpty())) {
            return Optional.empty();
        }
        return Optional.of("Python shell jobs of Python " + pythonVersion + " need Python " + pythonVersion + " (or newer) with boto3, and none is "
                + "usable: " + problem(pythonVersion).orElse("") + "; install Python " + pythonVersion + " (for example pyenv install " + pythonVersion
                + ") with a package index that has boto3 for it, or a newer Python 3, or name the interpreters in "
                + ProcessFunctionRunnerConfig.PYTHON_EXECUTABLES);
    }

    /** The interpreter that runs a job of that version, and its environment with boto3: the first of {@link #versions} whose environment builds. */
    private Python python(String pythonVersion)
    {
        List<String> problems = new ArrayList<>();
        for (String minor : versions(pythonVersion)) {
            Optional<String> problem = problem(minor);
            if (problem.isEmpty()) {
                PythonInterpreters.Interpreter interpreter = interpreters.find(minor).orElseThrow();
                try {
                    return new Python(interpreter, environments.ready(interpreter), problems);
                }
                catch (IllegalStateException e) {
                    problem = Optional.of("Python " + minor + " cannot have boto3: " + e.getMessage());
                }
            }
            if (minor.equals(pythonVersion)) {
                problems.add(problem.get());
            }
        }
        throw new IllegalStateException(unavailable(pythonVersion).orElse("no Python " + pythonVersion + " (or newer) with boto3 can run the script")
                + (problems.isEmpty() ? "" : " (" + String.join("; ", problems) + ")"));
    }

    /** An interpreter, its environment, and why the job's own version was passed over (empty when it runs on it). */
    private record Python(PythonInterpreters.Interpreter interpreter, Path venv, List<String> passedOver) {}

    @Override
    public RunningJob start(RunSpec spec)
    {
        Run run = new Run(spec);
        threads.execute(run::execute);
        return run;
    }

    private final class Run
            implements RunningJob
    {
        private final RunSpec spec;
        private final CompletableFuture<Result> completion = new CompletableFuture<>();
        private final CompletableFuture<Void> started = new CompletableFuture<>();
        private final AtomicBoolean stopped = new AtomicBoolean();
        private final AtomicBoolean outOfMemory = new AtomicBoolean();
        private final AtomicReference<Process> process = new AtomicReference<>();
        private final AtomicReference<String> lastError = new AtomicReference<>();

        Run(RunSpec spec)
        {
            this.spec = spec;
        }

        @Override
        public CompletableFuture<Result> completion()
        {
            return completion;
        }

        @Override
        public CompletableFuture<Void> started()
        {
            return started;
        }

        @Override
        public void stop()
        {
            Process running;
            synchronized (this) {
                stopped.set(true);
                running = process.get();
            }
            if (running != null) {
                ChildProcesses.killTree(running);
            }
        }

        void execute()
        {
            Path directory = workDirectory.resolve(spec.runId());
            try {
                completion.complete(run(directory));
            }
            catch (RuntimeException | IOException e) {
                String message = e instanceof UncheckedIOException unchecked ? unchecked.getCause().getMessage() : e.getMessage();
                error("lakestack could not run the script: " + message);
                completion.complete(Result.failure(message == null ? e.toString() : message));
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                completion.complete(Result.failure("The run was interrupted: lakestack is stopping"));
            }
            finally {
                try {
                    PythonEnvironments.deleteTree(directory);
                }
                catch (IOException e) {
                    log.warn("Glue job {} run {}: its folder {} could not be removed: {}", spec.jobName(), spec.runId(), directory, e.getMessage());
                }
            }
        }

        private Result run(Path directory)
                throws IOException, InterruptedException
        {
            Files.createDirectories(directory);
            Python python = python(spec.pythonVersion());
            PythonInterpreters.Interpreter interpreter = python.interpreter();
            Path venv = python.venv();
            if (!python.passedOver().isEmpty()) {
                error("lakestack runs this Python " + spec.pythonVersion() + " job on Python " + interpreter.version() + " (" + interpreter.executable()
                        + "): " + String.join("; ", python.passedOver()));
            }
            List<String> path = new ArrayList<>();
            path.add(library.toString());
            if (!spec.additionalModules().isEmpty()) {
                try {
                    path.add(environments.modules(interpreter, spec.additionalModules(), spec.installerOptions()).toString());
                }
                catch (IllegalStateException e) {
                    return failed("Installing --additional-python-modules " + String.join(",", spec.additionalModules()) + " failed: " + e.getMessage());
                }
            }
            Path script = directory.resolve("script").resolve(fileName(spec.scriptLocation()));
            if (!download(spec.scriptLocation(), script)) {
                return failed("The script " + spec.scriptLocation() + " (Command.ScriptLocation or --scriptLocation) does not exist in S3");
            }
            Path extra = Files.createDirectories(directory.resolve("extra-py-files"));
            boolean extraModules = false;
            for (String location : spec.extraPyFiles()) {
                Path file = extra.resolve(fileName(location));
                if (!download(location, file)) {
                    return failed("--extra-py-files names " + location + ", which does not exist in S3");
                }
                if (file.toString().endsWith(".py")) {
                    extraModules = true;
                }
                else {
                    path.add(file.toString());
                }
            }
            if (extraModules) {
                path.add(extra.toString());
            }
            for (String location : spec.extraFiles()) {
                if (!download(location, directory.resolve(fileName(location)))) {
                    return failed("--extra-files names " + location + ", which does not exist in S3");
                }
            }
            if (stopped.get()) {
                return Result.failure("The run was stopped before its script started");
            }
            List<String> command = new ArrayList<>();
            command.add(venv.resolve("bin").resolve("python").toString());
            command.add(library.resolve(LAUNCHER).toString());
            command.add(script.toString());
            command.addAll(spec.arguments());
            ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
            Map<String, String> environment = builder.environment();
            Map<String, String> inherited = new LinkedHashMap<>();
            for (String name : List.of("HOME", "LANG", "LC_ALL", "TZ", "TMPDIR")) {
                Optional.ofNullable(System.getenv(name)).ifPresent(value -> inherited.put(name, value));
            }
            environment.clear();
            environment.putAll(inherited);
            environment.put("PATH", venv.resolve("bin") + ":/usr/local/bin:/usr/bin:/bin");
            environment.put("PYTHONPATH", String.join(":", path));
            environment.put("PYTHONUNBUFFERED", "1");
            environment.put("AWS_ENDPOINT_URL", config.endpointUrl().toString());
            environment.put("AWS_ACCESS_KEY_ID", config.accessKey());
            environment.put("AWS_SECRET_ACCESS_KEY", config.secretKey());
            config.sessionToken().ifPresent(token -> environment.put("AWS_SESSION_TOKEN", token));
            environment.put("AWS_REGION", spec.region());
            environment.put("AWS_DEFAULT_REGION", spec.region());
            environment.put("GLUE_PYTHON_VERSION", spec.pythonVersion());
            Process started;
            synchronized (this) {
                if (stopped.get()) {
                    return Result.failure("The run was stopped before its script started");
                }
                started = builder.start();
                process.set(started);
            }
            this.started.complete(null);
            // kept open while the script runs: when lakestack dies, the pipe closes and the launcher ends the script
            OutputStream lifeline = started.getOutputStream();
            Thread output = pump(started.getInputStream(), OUTPUT_GROUP, false);
            Thread errors = pump(started.getErrorStream(), ERROR_GROUP, true);
            while (!started.waitFor(MEMORY_CHECK_MILLIS, TimeUnit.MILLISECONDS)) {
                if (ChildProcesses.peakResidentKb(started).orElse(0) * 1024 > spec.memoryBytes() && outOfMemory.compareAndSet(false, true)) {
                    ChildProcesses.killTree(started);
                }
            }
            lifeline.close();
            output.join();
            errors.join();
            int exit = started.exitValue();
            if (outOfMemory.get()) {
                return failed("Command failed due to MemoryError: the script went over the run's " + (spec.memoryBytes() >> 20)
                        + " MiB (its MaxCapacity) and was killed");
            }
            if (stopped.get()) {
                return Result.failure("The run was stopped");
            }
            if (exit == 0) {
                return Result.success();
            }
            return Result.failure(Optional.ofNullable(lastError.get()).orElse("Command failed with exit code " + exit));
        }

        private Result failed(String message)
        {
            error(message);
            return Result.failure(message);
        }

        private void error(String message)
        {
            logs.add(ERROR_GROUP, spec.region(), spec.runId(), System.currentTimeMillis(), message);
        }

        private Thread pump(InputStream stream, String group, boolean errors)
        {
            Thread thread = new Thread(() -> {
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = reader.readLine()) != null) {
                        logs.add(group, spec.region(), spec.runId(), System.currentTimeMillis(), line);
                        if (errors && !line.isBlank() && !line.startsWith(" ")) {
                            lastError.set(line.strip());
                        }
                    }
                }
                catch (IOException e) {
                    // the process ended
                }
            }, "lakestack-glue-job-output");
            thread.setDaemon(true);
            thread.start();
            return thread;
        }

        /** Reads an object into a file; false when there is no such object. */
        private boolean download(String location, Path target)
                throws IOException
        {
            String rest = location.substring("s3://".length());
            int slash = rest.indexOf('/');
            String bucket = rest.substring(0, slash);
            String key = rest.substring(slash + 1);
            Optional<ObjectStore.ObjectInfo> info = objects.head(bucket, key);
            if (info.isEmpty()) {
                return false;
            }
            Files.createDirectories(target.getParent());
            Path temporary = target.resolveSibling("." + UUID.randomUUID());
            try (OutputStream out = Files.newOutputStream(temporary)) {
                for (long offset = 0; offset < info.get().size(); offset += READ_BYTES) {
                    out.write(objects.read(bucket, key, offset, (int) Math.min(READ_BYTES, info.get().size() - offset)));
                }
            }
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            return true;
        }
    }

    private static String fileName(String location)
    {
        String name = location.substring(location.lastIndexOf('/') + 1);
        return name.isEmpty() ? "script.py" : name;
    }

    @Override
    public void close()
    {
        threads.shutdownNow();
        logs.close();
        try {
            PythonEnvironments.deleteTree(workDirectory);
        }
        catch (IOException e) {
            log.warn("the Glue job runner's folder {} could not be removed: {}", workDirectory, e.getMessage());
        }
    }
}
