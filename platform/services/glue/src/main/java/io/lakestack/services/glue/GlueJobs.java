package io.lakestack.services.glue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.endpoint.json.JsonInput;
import io.lakestack.endpoint.json.JsonProtocolService;
import io.lakestack.services.glue.StoredJobRun.State;
import io.lakestack.spi.OffsetTokens;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.cluster.Instances;
import io.lakestack.spi.eventbridge.EventBuses;
import io.lakestack.spi.events.EventSink;
import io.lakestack.spi.glue.JobRunner;
import io.lakestack.spi.glue.JobRunner.RunningJob;
import io.lakestack.spi.store.RecordStore;
import io.lakestack.spi.store.RecordStores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Glue jobs and their runs: {@code CreateJob}, {@code UpdateJob}, {@code GetJob(s)}, {@code ListJobs},
 * {@code BatchGetJobs}, {@code DeleteJob}, {@code StartJobRun}, {@code GetJobRun(s)}, {@code BatchStopJobRun}. Jobs
 * live in the record store {@value #JOBS_STORE}, runs in {@value #RUNS_STORE}; a run's script runs as a process of
 * the instance that took its {@code StartJobRun} (its owner), through a {@link JobRunner}.
 *
 * <p>What is applied: {@code pythonshell} jobs on Python 3.9 (Glue 3.0), {@code DefaultArguments} overridden by a
 * run's {@code Arguments}, {@code NonOverridableArguments} (a run that gives one is refused), the special arguments
 * {@code --scriptLocation}, {@code --extra-py-files}, {@code --extra-files} and {@code --additional-python-modules},
 * {@code MaxConcurrentRuns} ({@code ConcurrentRunsExceededException}), {@code Timeout} (the process is killed and the
 * run ends {@code TIMEOUT}), {@code MaxRetries} (a failed run is followed by {@code <id>_attempt_<n>}),
 * {@code MaxCapacity} (0.0625 DPU bounds the process to 1 GiB resident, 1 DPU to 16 GiB), stops and
 * {@code NotificationProperty} (a {@code Glue Job Run Status} event once a run is still going {@code NotifyDelayAfter}
 * minutes after its start, timed in the owner's memory as its process is) and {@code JobRunQueuingEnabled} (of the job,
 * or of a {@code StartJobRun}, which wins): a run beyond {@code MaxConcurrentRuns} is {@code WAITING} instead of refused,
 * starts when a run of its job ends, oldest first, and ends {@code FAILED} after {@value #MAX_WAIT_MINUTES} minutes
 * of waiting, as Glue's queue gives up; its {@code Timeout} and {@code ExecutionTime} count from the end of its wait.
 * What lakestack cannot run is refused with a message saying so: Spark and Ray jobs, workers, connections, security
 * configurations, Flex execution, the {@code analytics} library set.
 *
 * <p>A run whose instance stops ends {@code FAILED} (at once when it stops cleanly, once its lease has run out
 * otherwise) and is not retried: the instance that finds it gone does not know whether the script had done its work.
 * A waiting run has done nothing yet: it stays {@code WAITING} when its instance stops, and the next instance to start,
 * or one that sees it leave, takes it over.
 */
public final class GlueJobs
        implements AutoCloseable
{
    public static final String JOBS_STORE = "glue.jobs";
    public static final String RUNS_STORE = "glue.job-runs";
    /** Where a Python shell job's output goes, with a stream named by the run's id: {@code /output} and {@code /error}. */
    public static final String LOG_GROUP = "/aws-glue/python-jobs";
    static final String PYTHON_SHELL = "pythonshell";
    static final String PYTHON_VERSION = "3.9";
    static final String GLUE_VERSION = "3.0";
    static final int DEFAULT_TIMEOUT_MINUTES = 2880;
    static final int MAX_TIMEOUT_MINUTES = 10080;
    /** How long a run waits for its job's {@code MaxConcurrentRuns} before it ends {@code FAILED}, as Glue's job run queuing. */
    static final int MAX_WAIT_MINUTES = 15;
    private static final long GIB = 1024L * 1024 * 1024;
    private static final Logger log = LoggerFactory.getLogger(GlueJobs.class);
    private static final Pattern S3_OBJECT = Pattern.compile("s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+");
    private static final Set<String> JOB_MODES = Set.of("SCRIPT", "VISUAL", "NOTEBOOK");
    /** Fields of a job definition that name something lakestack does not run, and why. */
    private static final Map<String, String> REFUSED = refused();
    private static final char KEY_SEPARATOR = '\n';

    private final RecordStore<StoredJob> jobs;
    private final RecordStore<StoredJobRun> runs;
    private final JobRunner runner;
    private final EventSink events;
    private final Clock clock;
    private final Instances instances;
    private final String accountId;
    private final ScheduledExecutorService timer;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    /** The processes of the runs this instance owns, by run id. */
    private final Map<String, Local> processes = new ConcurrentHashMap<>();
    /** How a run this instance is killing ends ({@code TIMEOUT} or {@code STOPPED}), by run id. */
    private final Map<String, State> endings = new ConcurrentHashMap<>();
    private final List<Consumer<StoredJobRun>> endListeners = new CopyOnWriteArrayList<>();
    /** The jobs with a run of this instance waiting (job run queuing), which the timer looks at each second. */
    private final Set<String> waitingJobs = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;

    /**
     * A run's process here, when its {@code Timeout} runs out, and when its delay notification is due ({@code Long.MAX_VALUE}
     * without one); {@code notified} once it was put.
     */
    private record Local(RunningJob process, String key, long deadlineMillis, long notifyAtMillis, AtomicBoolean notified) {}

    /**
     * @param events where a run's end is published as EventBridge's {@code Glue Job State Change} event, on the default
     *         bus
     */
    public GlueJobs(RecordStores stores, JobRunner runner, EventSink events, Clock clock, Instances instances, String accountId)
    {
        this.events = requireNonNull(events, "events is null");
        requireNonNull(stores, "stores is null");
        this.jobs = stores.open(JOBS_STORE, StoredJob.class);
        this.runs = stores.open(RUNS_STORE, StoredJobRun.class);
        this.runner = requireNonNull(runner, "runner is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.instances = requireNonNull(instances, "instances is null");
        this.accountId = requireNonNull(accountId, "accountId is null");
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "lakestack-glue-job-timeouts");
            thread.setDaemon(true);
            return thread;
        });
        // a BatchStopJobRun through another instance reaches the process here
        runs.subscribe((key, changed) -> changed.filter(run -> run.state() == State.STOPPING && run.owner().equals(instances.self()))
                .ifPresent(run -> stopProcess(run.id(), State.STOPPED)));
        instances.onDeparture(owner -> failRunsOf(owner::equals, "the lakestack instance that ran it (" + owner + ") stopped while it ran"));
        failRunsOf(owner -> !instances.holdsLease(owner), "the lakestack instance that ran it stopped while it ran");
        runs.all().values().stream().filter(run -> run.state() == State.WAITING && run.owner().equals(instances.self()))
                .forEach(run -> waitingJobs.add(run.jobName()));
        timer.scheduleWithFixedDelay(() -> {
            checkTimeouts();
            checkWaiting();
        }, 1, 1, TimeUnit.SECONDS);
    }

    private static Map<String, String> refused()
    {
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("WorkerType", "pythonshell jobs have no workers; give MaxCapacity (0.0625 or 1 DPU) instead");
        refused.put("NumberOfWorkers", "pythonshell jobs have no workers; give MaxCapacity (0.0625 or 1 DPU) instead");
        refused.put("AllocatedCapacity", "AllocatedCapacity is deprecated and not for pythonshell jobs; give MaxCapacity (0.0625 or 1 DPU) instead");
        refused.put("SecurityConfiguration", "lakestack has no Glue security configurations (encryption of job output and logs)");
        refused.put("MaintenanceWindow", "maintenance windows are for gluestreaming jobs, which lakestack does not run");
        refused.put("CodeGenConfigurationNodes", "visual (Glue Studio) jobs generate Spark scripts, which lakestack does not run");
        refused.put("SourceControlDetails", "lakestack does not synchronise job scripts with source control");
        refused.put("ExecutionRoleSessionPolicy", "lakestack does not scope a run's credentials with a session policy");
        refused.put("ProfileName", "lakestack has no Glue usage profiles");
        return refused;
    }

    void register(GlueService service)
    {
        service.register("CreateJob", (input, caller) -> {
            String name = GlueService.name(input, "Name");
            Map<String, String> tags = GlueJson.tags(input);
            synchronized (lock(name)) {
                if (jobs.getLatest(name).isPresent()) {
                    throw ServiceException.user("AlreadyExistsException", 400, "Job " + name + " already exists.");
                }
                long now = clock.millis();
                jobs.put(name, definition(input, name, tags, caller.region(), now, now));
            }
            return JsonProtocolService.JSON.createObjectNode().put("Name", name);
        });
        service.register("UpdateJob", (input, caller) -> {
            String name = GlueService.name(input, "JobName");
            if (!input.has("JobUpdate")) {
                throw input.missing("JobUpdate");
            }
            synchronized (lock(name)) {
                StoredJob existing = job(name);
                // as in Glue, the update replaces the whole definition; the tags and creation time stay
                jobs.put(name, definition(input.object("JobUpdate"), name, existing.tags(), existing.region(), existing.createdMillis(), clock.millis()));
            }
            return JsonProtocolService.JSON.createObjectNode().put("JobName", name);
        });
        service.register("GetJob", (input, caller) -> {
            ObjectNode output = JsonProtocolService.JSON.createObjectNode();
            output.set("Job", describe(job(GlueService.name(input, "JobName"))));
            return output;
        });
        service.register("GetJobs", (input, caller) -> {
            OffsetTokens.Slice<String> page = OffsetTokens.slice(new ArrayList<>(jobs.all().keySet()), input.string("NextToken"),
                    input.integer("MaxResults", 1, 1000).orElse(100), "InvalidInputException");
            ObjectNode output = JsonProtocolService.JSON.createObjectNode();
            ArrayNode list = output.putArray("Jobs");
            page.items().forEach(name -> jobs.get(name).ifPresent(job -> list.add(describe(job))));
            page.nextToken().ifPresent(token -> output.put("NextToken", token));
            return output;
        });
        service.register("ListJobs", (input, caller) -> {
            Map<String, String> wanted = input.stringMap("Tags");
            List<String> names = jobs.all().values().stream()
                    .filter(job -> wanted.entrySet().stream().allMatch(tag -> tag.getValue().equals(job.tags().get(tag.getKey()))))
                    .map(StoredJob::name)
                    .toList();
            OffsetTokens.Slice<String> page = OffsetTokens.slice(names, input.string("NextToken"), input.integer("MaxResults", 1, 1000).orElse(100),
                    "InvalidInputException");
            ObjectNode output = JsonProtocolService.JSON.createObjectNode();
            ArrayNode list = output.putArray("JobNames");
            page.items().forEach(list::add);
            page.nextToken().ifPresent(token -> output.put("NextToken", token));
            return output;
        });
        service.register("BatchGetJobs", (input, caller) -> {
            if (!input.has("JobNames")) {
                throw input.missing("JobNames");
            }
            List<String> names = input.strings("JobNames");
            if (names.size() > 25) {
                throw input.invalid("JobNames", "(" + names.size() + " names)", "Member must have length less than or equal to 25");
            }
            ObjectNode output = JsonProtocolService.JSON.createObjectNode();
            ArrayNode found = output.putArray("Jobs");
            ArrayNode missing = output.putArray("JobsNotFound");
            for (String name : names) {
                jobs.getLatest(name).ifPresentOrElse(job -> found.add(describe(job)), () -> missing.add(name));
            }
            return output;
        });
        service.register("DeleteJob", (input, caller) -> {
            String name = GlueService.name(input, "JobName");
            synchronized (lock(name)) {
                // as Glue, deleting a job that is not there succeeds; its runs go with it (a running one once it ends)
                jobs.delete(name);
                runsOf(name).stream().filter(run -> !run.state().active()).forEach(run -> runs.delete(key(run)));
            }
            return JsonProtocolService.JSON.createObjectNode().put("JobName", name);
        });
        service.register("StartJobRun", (input, caller) -> {
            String name = GlueService.name(input, "JobName");
            StoredJobRun run = start(input, name);
            return JsonProtocolService.JSON.createObjectNode().put("JobRunId", run.id());
        });
        service.register("GetJobRun", (input, caller) -> {
            String name = GlueService.name(input, "JobName");
            String id = GlueService.name(input, "RunId");
            job(name);
            StoredJobRun run = run(name, id);
            ObjectNode output = JsonProtocolService.JSON.createObjectNode();
            output.set("JobRun", describe(run));
            return output;
        });
        service.register("GetJobRuns", (input, caller) -> {
            String name = GlueService.name(input, "JobName");
            job(name);
            List<StoredJobRun> all = new ArrayList<>(runsOf(name));
            all.sort(Comparator.comparingLong(StoredJobRun::startedMillis).thenComparing(StoredJobRun::id).reversed());
            OffsetTokens.Slice<StoredJobRun> page = OffsetTokens.slice(all, input.string("NextToken"), input.integer("MaxResults", 1, 200).orElse(100),
                    "InvalidInputException");
            ObjectNode output = JsonProtocolService.JSON.createObjectNode();
            ArrayNode list = output.putArray("JobRuns");
            page.items().forEach(run -> list.add(describe(run)));
            page.nextToken().ifPresent(token -> output.put("NextToken", token));
            return output;
        });
        service.register("BatchStopJobRun", (input, caller) -> {
            String name = GlueService.name(input, "JobName");
            if (!input.has("JobRunIds")) {
                throw input.missing("JobRunIds");
            }
            List<String> ids = input.strings("JobRunIds");
            if (ids.isEmpty() || ids.size() > 25) {
                throw input.invalid("JobRunIds", "(" + ids.size() + " ids)", "Member must have length between 1 and 25");
            }
            ObjectNode output = JsonProtocolService.JSON.createObjectNode();
            ArrayNode stopped = output.putArray("SuccessfulSubmissions");
            ArrayNode errors = output.putArray("Errors");
            for (String id : ids) {
                try {
                    stop(name, id);
                    stopped.addObject().put("JobName", name).put("JobRunId", id);
                }
                catch (ServiceException e) {
                    ObjectNode entry = errors.addObject().put("JobName", name).put("JobRunId", id);
                    entry.putObject("ErrorDetail").put("ErrorCode", e.errorCode()).put("ErrorMessage", e.getMessage());
                }
            }
            return output;
        });
    }

    // definitions

    /** The job a {@code CreateJob} input or an {@code UpdateJob}'s {@code JobUpdate} defines, checked. */
    private StoredJob definition(JsonInput input, String name, Map<String, String> tags, String region, long createdMillis, long modifiedMillis)
    {
        refuseUnsupported(input);
        String role = input.requiredString("Role");
        if (role.isBlank()) {
            throw input.invalid("Role", role, "Member must have length greater than or equal to 1");
        }
        if (!input.has("Command")) {
            throw input.missing("Command");
        }
        JsonInput command = input.object("Command");
        String commandName = command.string("Name").orElse("glueetl");
        if (!commandName.equals(PYTHON_SHELL)) {
            throw input.invalid("Command.Name " + commandName + " is not supported by lakestack: it runs " + PYTHON_SHELL + " jobs (Python scripts with "
                    + "boto3); glueetl and gluestreaming (Spark) and glueray (Ray) jobs are not there yet");
        }
        if (command.has("Runtime")) {
            throw input.invalid("Command.Runtime is for Ray jobs; " + PYTHON_SHELL + " jobs take none");
        }
        String script = command.string("ScriptLocation").orElseThrow(() -> input.invalid("Command.ScriptLocation is required: the s3:// location of "
                + "the job's Python script"));
        checkS3Object(input, "Command.ScriptLocation", script);
        String glueVersion = input.string("GlueVersion").orElse(GLUE_VERSION);
        String pythonVersion = command.string("PythonVersion").orElse(PYTHON_VERSION);
        checkVersions(input, glueVersion, pythonVersion);
        Map<String, String> defaults = input.stringMap("DefaultArguments");
        checkArguments(input, "DefaultArguments", defaults);
        Map<String, String> fixed = input.stringMap("NonOverridableArguments");
        checkArguments(input, "NonOverridableArguments", fixed);
        int maxConcurrentRuns = input.optionalObject("ExecutionProperty").flatMap(property -> property.integer("MaxConcurrentRuns", 1, 1000)).orElse(1);
        int maxRetries = input.integer("MaxRetries", 0, 10).orElse(0);
        int timeout = input.integer("Timeout", 1, MAX_TIMEOUT_MINUTES).orElse(DEFAULT_TIMEOUT_MINUTES);
        double maxCapacity = maxCapacity(input).orElse(0.0625);
        String jobMode = input.string("JobMode").orElse("SCRIPT");
        if (!JOB_MODES.contains(jobMode)) {
            throw input.invalid("JobMode", jobMode, "Member must satisfy enum value set: [NOTEBOOK, SCRIPT, VISUAL]");
        }
        Optional<String> description = input.string("Description");
        if (description.isPresent() && description.get().length() > 2048) {
            throw input.invalid("Description", description.get(), "Member must have length less than or equal to 2048");
        }
        return new StoredJob(name, description, input.string("LogUri"), role, script, pythonVersion, glueVersion, defaults, fixed, maxConcurrentRuns,
                maxRetries, timeout, maxCapacity, jobMode, tags, region, createdMillis, modifiedMillis, notifyDelayAfter(input),
                input.bool("JobRunQueuingEnabled"));
    }

    /** Glue's {@code NotificationProperty.NotifyDelayAfter}: at least 1 (minutes). */
    static Optional<Integer> notifyDelayAfter(JsonInput input)
    {
        return input.optionalObject("NotificationProperty").flatMap(property -> property.integer("NotifyDelayAfter", 1, Integer.MAX_VALUE));
    }

    private static void refuseUnsupported(JsonInput input)
    {
        REFUSED.forEach((field, why) -> {
            if (input.has(field)) {
                throw input.invalid(field + " is not supported by lakestack: " + why);
            }
        });
        JsonNode connections = input.raw().path("Connections").path("Connections");
        if (connections.isArray() && !connections.isEmpty()) {
            throw input.invalid("Connections are not supported by lakestack: it has no Glue connections; a job reaches lakestack's services "
                    + "through AWS_ENDPOINT_URL");
        }
        if (input.has("ExecutionClass") && !input.string("ExecutionClass").orElse("").equals("STANDARD")) {
            throw input.invalid("ExecutionClass " + input.string("ExecutionClass").orElse("") + " is not supported for " + PYTHON_SHELL
                    + " jobs: only STANDARD is (FLEX is for Spark jobs)");
        }
    }

    private static void checkVersions(JsonInput input, String glueVersion, String pythonVersion)
    {
        if (glueVersion.equals("0.9") || glueVersion.equals("1.0") || pythonVersion.equals("3") || pythonVersion.equals("2")) {
            throw input.invalid("Python shell jobs on Glue 1.0 (PythonVersion 2 or 3, Python 3.6) are past the end of their support and not run by "
                    + "lakestack: use GlueVersion 3.0 with Command.PythonVersion 3.9");
        }
        if (!glueVersion.equals(GLUE_VERSION)) {
            throw input.invalid("GlueVersion " + glueVersion + " does not run " + PYTHON_SHELL + " jobs: use GlueVersion " + GLUE_VERSION);
        }
        if (!pythonVersion.equals(PYTHON_VERSION)) {
            throw input.invalid("Command.PythonVersion " + pythonVersion + " is not one " + PYTHON_SHELL + " jobs of Glue " + GLUE_VERSION
                    + " run on: use " + PYTHON_VERSION);
        }
    }

    private static Optional<Double> maxCapacity(JsonInput input)
    {
        JsonNode value = input.raw().get("MaxCapacity");
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isNumber()) {
            throw ServiceException.user("SerializationException", "'" + input.pathOf("MaxCapacity") + "' must be a number, not " + value);
        }
        double capacity = value.asDouble();
        if (capacity != 0.0625 && capacity != 1.0) {
            throw input.invalid("MaxCapacity " + value.asText() + " is not one " + PYTHON_SHELL + " jobs take: 0.0625 or 1 (DPU)");
        }
        return Optional.of(capacity);
    }

    /** Checks the arguments that Glue itself reads, as lakestack can apply them. */
    private static void checkArguments(JsonInput input, String field, Map<String, String> arguments)
    {
        arguments.forEach((key, value) -> {
            switch (key) {
                case "--library-set" -> throw input.invalid(field + " --library-set is not supported by lakestack: it does not preinstall Glue's "
                        + "analytics libraries; name the modules in --additional-python-modules instead");
                case "--extra-jars" -> throw input.invalid(field + " --extra-jars is for Spark jobs; " + PYTHON_SHELL + " jobs run Python only");
                case "--job-language" -> {
                    if (!value.equals("python")) {
                        throw input.invalid(field + " --job-language " + value + " is not supported for " + PYTHON_SHELL + " jobs: they run python");
                    }
                }
                case "--scriptLocation" -> checkS3Object(input, field + " --scriptLocation", value);
                case "--extra-py-files", "--extra-files" -> {
                    for (String path : split(value)) {
                        if (!path.matches("s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.*")) {
                            throw input.invalid(field + " " + key + " names " + path + ", which is not an s3://bucket/key path");
                        }
                    }
                }
                default -> {
                }
            }
        });
    }

    private static void checkS3Object(JsonInput input, String field, String location)
    {
        if (!S3_OBJECT.matcher(location).matches()) {
            throw input.invalid(field + " " + location + " is not an S3 object location: give s3://<bucket>/<key>");
        }
    }

    static List<String> split(String list)
    {
        return Arrays.stream(list.split(",")).map(String::trim).filter(item -> !item.isEmpty()).toList();
    }

    // runs

    private StoredJobRun start(JsonInput input, String name)
    {
        refuseUnsupported(input);
        Optional<Double> capacity = maxCapacity(input);
        Optional<Integer> timeout = input.integer("Timeout", 1, MAX_TIMEOUT_MINUTES);
        Map<String, String> arguments = input.stringMap("Arguments");
        checkArguments(input, "Arguments", arguments);
        Optional<String> previous = input.string("JobRunId");
        return startRun(name, arguments, previous, timeout, notifyDelayAfter(input), capacity, Optional.empty(), List.of(),
                input.bool("JobRunQueuingEnabled"));
    }

    /** Starts a run of a job for a trigger's action: {@code EntityNotFoundException}, {@code ConcurrentRunsExceededException}, ... as StartJobRun. */
    StoredJobRun startTriggered(String name, Map<String, String> arguments, Optional<Integer> timeout, Optional<Integer> notifyDelayAfter, String trigger,
            List<StoredJobRun.Predecessor> predecessors)
    {
        return startRun(name, arguments, Optional.empty(), timeout, notifyDelayAfter, Optional.empty(), Optional.of(trigger), predecessors,
                Optional.empty());
    }

    /**
     * A new run, started (or {@code WAITING}, when its job's {@code MaxConcurrentRuns} are running or other runs wait
     * before it, and job run queuing is on: {@code queuing}, else the job's); {@code ConcurrentRunsExceededException}
     * when it can neither start nor wait.
     */
    private StoredJobRun startRun(String name, Map<String, String> arguments, Optional<String> previous, Optional<Integer> timeout,
            Optional<Integer> notifyDelayAfter, Optional<Double> capacity, Optional<String> trigger, List<StoredJobRun.Predecessor> predecessors,
            Optional<Boolean> queuing)
    {
        StoredJobRun run;
        StoredJob job;
        synchronized (lock(name)) {
            job = job(name);
            for (String key : arguments.keySet()) {
                if (job.nonOverridableArguments().containsKey(key)) {
                    throw ServiceException.user("InvalidInputException", 400, "Arguments " + key + " is one of job " + name
                            + "'s NonOverridableArguments; a run cannot change it");
                }
            }
            runner.unavailable(job.pythonVersion()).ifPresent(why -> {
                throw ServiceException.user("InvalidInputException", 400, "Job " + name + " cannot run here: " + why);
            });
            if (previous.isPresent()) {
                StoredJobRun retried = run(name, previous.get());
                if (retried.state().active()) {
                    throw ServiceException.user("InvalidInputException", 400, "Job run " + previous.get() + " is " + retried.state()
                            + "; a run can be retried once it has ended");
                }
                if (arguments.isEmpty()) {
                    arguments = retried.arguments();
                }
            }
            List<StoredJobRun> existing = runsOf(name);
            long running = existing.stream().filter(other -> other.state().running()).count();
            boolean queued = existing.stream().anyMatch(other -> other.state() == State.WAITING);
            Optional<Boolean> queuingEnabled = queuing.or(job::jobRunQueuingEnabled);
            boolean waits = queuingEnabled.orElse(false) && (running >= job.maxConcurrentRuns() || queued);
            if (!waits && running >= job.maxConcurrentRuns()) {
                throw ServiceException.user("ConcurrentRunsExceededException", 400, "Concurrent runs exceeded for " + name + ": " + running
                        + " run(s) of it are running and its ExecutionProperty.MaxConcurrentRuns is " + job.maxConcurrentRuns());
            }
            long now = clock.millis();
            run = new StoredJobRun(name, newRunId(), 0, previous, arguments, waits ? State.WAITING : State.STARTING, Optional.empty(),
                    timeout.orElse(job.timeoutMinutes()), capacity.orElse(job.maxCapacity()), job.glueVersion(), instances.self(), now, now,
                    Optional.empty(), trigger, predecessors, notifyDelayAfter.or(job::notifyDelayAfter), queuingEnabled, 0);
            runs.put(key(run), run);
            if (waits) {
                waitingJobs.add(name);
            }
        }
        if (run.state() == State.WAITING) {
            log.info("Glue job {} run {} waits for a place among its MaxConcurrentRuns ({})", name, run.id(), job.maxConcurrentRuns());
        }
        else {
            launch(job, run);
        }
        return run;
    }

    /**
     * Starts the waiting runs of the job that its {@code MaxConcurrentRuns} now lets run, oldest first: those of this
     * instance (a run of another instance keeps its place, and that instance starts it). Ends {@code FAILED} the runs
     * of this instance that have waited {@value #MAX_WAIT_MINUTES} minutes, and removes those of a job that is gone.
     */
    private void startWaiting(String name)
    {
        List<StoredJobRun> launches = new ArrayList<>();
        List<StoredJobRun> expired = new ArrayList<>();
        Optional<StoredJob> job;
        synchronized (lock(name)) {
            List<StoredJobRun> all = runsOf(name);
            List<StoredJobRun> waiting = all.stream()
                    .filter(run -> run.state() == State.WAITING)
                    .sorted(Comparator.comparingLong(StoredJobRun::startedMillis).thenComparing(StoredJobRun::id))
                    .toList();
            if (waiting.stream().noneMatch(run -> run.owner().equals(instances.self()))) {
                waitingJobs.remove(name);
            }
            if (waiting.isEmpty()) {
                return;
            }
            job = jobs.getLatest(name);
            if (job.isEmpty()) {
                // the job was deleted: its runs go with it, and these never ran
                waiting.stream().filter(run -> run.owner().equals(instances.self())).forEach(run -> runs.delete(key(run)));
                waitingJobs.remove(name);
                return;
            }
            long now = clock.millis();
            long free = job.get().maxConcurrentRuns() - all.stream().filter(run -> run.state().running()).count();
            for (StoredJobRun run : waiting) {
                boolean mine = run.owner().equals(instances.self());
                if (free > 0) {
                    free--;
                    if (mine) {
                        StoredJobRun started = run.launched(now);
                        runs.put(key(started), started);
                        launches.add(started);
                    }
                }
                else if (mine && now - run.startedMillis() >= MAX_WAIT_MINUTES * 60_000L) {
                    StoredJobRun end = run.ended(State.FAILED, Optional.of("The run waited " + MAX_WAIT_MINUTES + " minutes in job " + name
                            + "'s queue (JobRunQueuingEnabled) and did not start: its ExecutionProperty.MaxConcurrentRuns is "
                            + job.get().maxConcurrentRuns() + ", and as many runs of it ran all that time"), now);
                    runs.put(key(end), end);
                    expired.add(end);
                }
            }
        }
        for (StoredJobRun run : launches) {
            log.info("Glue job {} run {} starts after waiting {} s", name, run.id(), run.waitedMillis() / 1000);
            launch(job.get(), run);
        }
        expired.forEach(this::ended);
    }

    /** After a run of the job ended: its place goes to the oldest run waiting for one, when one of this instance waits. */
    private void startNextWaiting(String name)
    {
        if (waitingJobs.contains(name)) {
            startWaiting(name);
        }
    }

    /** {@link #startWaiting} for every job with a run of this instance waiting: what the timer does each second. */
    void checkWaiting()
    {
        for (String name : new TreeSet<>(waitingJobs)) {
            try {
                startWaiting(name);
            }
            catch (RuntimeException e) {
                // a failure must not end the timer: the other jobs are still checked
                log.warn("Glue job {}: its waiting runs could not be started", name, e);
            }
        }
    }

    private void launch(StoredJob job, StoredJobRun run)
    {
        RunningJob process;
        try {
            process = runner.start(spec(job, run));
        }
        catch (RuntimeException e) {
            log.error("Glue job {} run {} could not start", run.jobName(), run.id(), e);
            finish(run, JobRunner.Result.failure("The run could not start: " + (e.getMessage() == null ? e.toString() : e.getMessage())));
            return;
        }
        processes.put(run.id(), new Local(process, key(run), run.launchedMillis() + run.timeoutMinutes() * 60_000L,
                run.notifyDelayAfter().map(minutes -> run.launchedMillis() + minutes * 60_000L).orElse(Long.MAX_VALUE), new AtomicBoolean()));
        process.started().thenRun(() -> update(run, current -> current.state() == State.STARTING ? current.withState(State.RUNNING, clock.millis()) : current));
        process.completion().whenComplete((result, failure) -> finish(run, failure == null ? result
                : JobRunner.Result.failure("The run failed in lakestack: " + failure)));
        // a stop that came while the process was being started
        runs.getLatest(key(run)).filter(current -> current.state() == State.STOPPING).ifPresent(current -> stopProcess(run.id(), State.STOPPED));
    }

    private JobRunner.RunSpec spec(StoredJob job, StoredJobRun run)
    {
        Map<String, String> arguments = new LinkedHashMap<>(job.defaultArguments());
        arguments.putAll(run.arguments());
        arguments.putAll(job.nonOverridableArguments());
        String script = arguments.getOrDefault("--scriptLocation", job.scriptLocation());
        arguments.putIfAbsent("--JOB_ID", jobId(job));
        arguments.putIfAbsent("--JOB_RUN_ID", run.id());
        arguments.putIfAbsent("--JOB_NAME", job.name());
        List<String> argv = new ArrayList<>();
        arguments.forEach((key, value) -> {
            argv.add(key);
            argv.add(value);
        });
        long memory = run.maxCapacity() >= 1.0 ? 16 * GIB : GIB;
        return new JobRunner.RunSpec(job.name(), run.id(), job.region(), script, argv, split(arguments.getOrDefault("--extra-py-files", "")),
                split(arguments.getOrDefault("--extra-files", "")), split(arguments.getOrDefault("--additional-python-modules", "")),
                splitOptions(arguments.getOrDefault("--python-modules-installer-option", "")), job.pythonVersion(), memory);
    }

    private static List<String> splitOptions(String options)
    {
        return Arrays.stream(options.trim().split("\\s+")).filter(option -> !option.isEmpty()).toList();
    }

    private void finish(StoredJobRun started, JobRunner.Result result)
    {
        processes.remove(started.id());
        State intended = endings.remove(started.id());
        Optional<StoredJobRun> ended;
        synchronized (lock(started.jobName())) {
            Optional<StoredJobRun> current = runs.getLatest(key(started));
            // ended meanwhile by an instance that took this one for gone
            if (current.isEmpty() || !current.get().state().active() || !current.get().owner().equals(instances.self())) {
                return;
            }
            StoredJobRun run = current.get();
            long now = clock.millis();
            StoredJobRun end;
            if (closing) {
                end = run.ended(State.FAILED, Optional.of("The run did not finish: lakestack stopped while it ran"), now);
            }
            else if (intended == State.TIMEOUT) {
                end = run.ended(State.TIMEOUT, Optional.of("Job run timed out after " + run.timeoutMinutes() + " minute(s) (the run's Timeout)"), now);
            }
            else if (run.state() == State.STOPPING || intended == State.STOPPED) {
                end = run.ended(State.STOPPED, Optional.empty(), now);
            }
            else if (result.succeeded()) {
                end = run.ended(State.SUCCEEDED, Optional.empty(), now);
            }
            else {
                end = run.ended(State.FAILED, result.errorMessage(), now);
            }
            if (jobs.getLatest(run.jobName()).filter(job -> job.createdMillis() <= run.startedMillis()).isEmpty()) {
                // the job was deleted while this run ran: the run goes with it
                runs.delete(key(run));
                return;
            }
            runs.put(key(end), end);
            log.info("Glue job {} run {} (attempt {}) ended {} after {} s{}", end.jobName(), end.id(), end.attempt(), end.state(),
                    end.executionSeconds(now), end.errorMessage().map(message -> ": " + message).orElse(""));
            ended = Optional.of(end);
        }
        ended.filter(end -> end.state() == State.FAILED && !closing).ifPresent(this::retry);
        ended.filter(end -> !closing).ifPresent(end -> {
            ended(end);
            startNextWaiting(end.jobName());
        });
    }

    /** The next attempt of a failed run, as its job's {@code MaxRetries} allows. */
    private void retry(StoredJobRun failed)
    {
        StoredJob job;
        StoredJobRun next;
        synchronized (lock(failed.jobName())) {
            Optional<StoredJob> current = jobs.getLatest(failed.jobName());
            if (current.isEmpty() || failed.attempt() >= current.get().maxRetries()) {
                return;
            }
            job = current.get();
            int attempt = failed.attempt() + 1;
            String base = failed.id().replaceFirst("_attempt_\\d+$", "");
            long now = clock.millis();
            next = new StoredJobRun(failed.jobName(), base + "_attempt_" + attempt, attempt, Optional.of(failed.id()), failed.arguments(), State.STARTING,
                    Optional.empty(), failed.timeoutMinutes(), failed.maxCapacity(), failed.glueVersion(), instances.self(), now, now, Optional.empty(),
                    failed.triggerName(), failed.predecessors(), failed.notifyDelayAfter(), failed.jobRunQueuingEnabled(), 0);
            runs.put(key(next), next);
        }
        log.info("Glue job {}: run {} failed; attempt {} of {} is {}", job.name(), failed.id(), next.attempt(), job.maxRetries(), next.id());
        launch(job, next);
    }

    /**
     * Calls the listener with each run that ends on this instance (its owner's), or that this instance ends for an
     * owner that left: each end is seen by one instance.
     */
    void onRunEnded(Consumer<StoredJobRun> listener)
    {
        endListeners.add(listener);
    }

    private void ended(StoredJobRun run)
    {
        publish(run);
        for (Consumer<StoredJobRun> listener : endListeners) {
            try {
                listener.accept(run);
            }
            catch (RuntimeException e) {
                log.warn("Glue job {} run {}: what follows its end failed", run.jobName(), run.id(), e);
            }
        }
    }

    /**
     * Glue's {@code Glue Job State Change} event of a run that ended, on EventBridge's default bus: {@code INFO} for
     * {@code SUCCEEDED} and {@code STOPPED}, {@code WARN} for {@code TIMEOUT}, {@code ERROR} for {@code FAILED} (the
     * message the run's {@code ErrorMessage}).
     */
    private void publish(StoredJobRun run)
    {
        StoredJob job = jobs.get(run.jobName()).orElse(null);
        ObjectNode event = JsonProtocolService.JSON.createObjectNode();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", "Glue Job State Change");
        event.put("source", "aws.glue");
        event.put("account", accountId);
        event.put("time", Instant.ofEpochMilli(run.completedMillis().orElse(clock.millis())).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        event.put("region", job == null ? "us-east-1" : job.region());
        event.putArray("resources");
        ObjectNode detail = event.putObject("detail");
        detail.put("jobName", run.jobName());
        detail.put("severity", switch (run.state()) {
            case FAILED, ERROR -> "ERROR";
            case TIMEOUT -> "WARN";
            default -> "INFO";
        });
        detail.put("state", run.state().name());
        detail.put("jobRunId", run.id());
        detail.put("message", switch (run.state()) {
            case SUCCEEDED -> "Job run succeeded";
            case STOPPED -> "Job run stopped";
            case TIMEOUT -> "Job run timed out";
            default -> run.errorMessage().orElse("Job run failed");
        });
        try {
            events.publish(EventBuses.kafkaTopic(EventBuses.DEFAULT_BUS), run.jobName(), event.toString().getBytes(StandardCharsets.UTF_8));
        }
        catch (RuntimeException e) {
            log.error("Glue job {} run {}: its Glue Job State Change event ({}) could not be put on the default bus", run.jobName(), run.id(), event, e);
        }
    }

    /**
     * Glue's {@code Glue Job Run Status} event of a run still going {@code NotifyDelayAfter} minutes after its start, on
     * EventBridge's default bus: {@code WARN}, with its state and the condition it met.
     */
    private void notifyDelay(StoredJobRun run)
    {
        int minutes = run.notifyDelayAfter().orElseThrow();
        ObjectNode event = JsonProtocolService.JSON.createObjectNode();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", "Glue Job Run Status");
        event.put("source", "aws.glue");
        event.put("account", accountId);
        event.put("time", clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        event.put("region", jobs.get(run.jobName()).map(StoredJob::region).orElse("us-east-1"));
        event.putArray("resources");
        ObjectNode detail = event.putObject("detail");
        detail.put("jobName", run.jobName());
        detail.put("severity", "WARN");
        detail.putObject("notificationCondition").put("NotifyDelayAfter", (double) minutes);
        detail.put("state", run.state().name());
        detail.put("jobRunId", run.id());
        detail.put("message", "Job is running long");
        try {
            events.publish(EventBuses.kafkaTopic(EventBuses.DEFAULT_BUS), run.jobName(), event.toString().getBytes(StandardCharsets.UTF_8));
        }
        catch (RuntimeException e) {
            log.error("Glue job {} run {}: its Glue Job Run Status event ({}) could not be put on the default bus", run.jobName(), run.id(), event, e);
        }
    }

    /** Makes the run {@code STOPPING}; {@code EntityNotFoundException} or {@code InvalidInputException} (it has ended) when it cannot. */
    void stop(String name, String id)
    {
        StoredJobRun run;
        synchronized (lock(name)) {
            job(name);
            run = run(name, id);
            if (!run.state().active()) {
                throw ServiceException.user("InvalidInputException", 400, "Job Run " + id + " is " + run.state() + " and cannot be stopped");
            }
            if (run.state() == State.WAITING) {
                // it has no process: it ends here, having run for no time
                run = run.ended(State.STOPPED, Optional.empty(), clock.millis());
                runs.put(key(run), run);
            }
            else if (run.state() != State.STOPPING) {
                runs.put(key(run), run.withState(State.STOPPING, clock.millis()));
            }
        }
        if (run.state() == State.STOPPED) {
            ended(run);
        }
        else if (run.owner().equals(instances.self())) {
            stopProcess(id, State.STOPPED);
        }
    }

    private void stopProcess(String id, State ending)
    {
        Local local = processes.get(id);
        // the first reason to stop a run is how it ends; it is stopped once
        if (local != null && endings.putIfAbsent(id, ending) == null) {
            local.process().stop();
        }
    }

    /**
     * Puts the delay notification of each run of this instance still going {@code NotifyDelayAfter} minutes after its
     * start (once a run), and kills the processes of the runs that have run longer than their {@code Timeout}.
     */
    void checkTimeouts()
    {
        long now = clock.millis();
        processes.forEach((id, local) -> {
            if (now >= local.notifyAtMillis() && local.notified().compareAndSet(false, true)) {
                runs.getLatest(local.key()).filter(run -> run.state().active()).ifPresent(this::notifyDelay);
            }
            if (now >= local.deadlineMillis()) {
                try {
                    stopProcess(id, State.TIMEOUT);
                }
                catch (RuntimeException e) {
                    // a failure must not end the timer: the other runs are still checked
                    log.warn("Glue job run {} could not be stopped at its time-out", id, e);
                }
            }
        });
    }

    /**
     * Ends, as FAILED, the started runs whose owner is gone; takes over its waiting runs, which have done nothing yet
     * (this instance's own stay waiting for the next instance to start).
     */
    private void failRunsOf(Predicate<String> gone, String why)
    {
        for (StoredJobRun run : runs.all().values()) {
            if (run.state() == State.WAITING && gone.test(run.owner()) && !run.owner().equals(instances.self())) {
                update(run, current -> current.state() == State.WAITING && gone.test(current.owner()) ? current.withOwner(instances.self(), clock.millis())
                        : current).ifPresent(adopted -> {
                            waitingJobs.add(adopted.jobName());
                            log.info("Glue job {} run {} waits here now: its instance ({}) is gone", adopted.jobName(), adopted.id(), run.owner());
                        });
            }
            else if (run.state().running() && gone.test(run.owner())) {
                update(run, current -> current.state().running() && gone.test(current.owner())
                        ? current.ended(State.FAILED, Optional.of("The run did not finish: " + why + "; it is not retried, start it again"), clock.millis())
                        : current).filter(end -> !closing).ifPresent(end -> {
                            ended(end);
                            startNextWaiting(end.jobName());
                        });
            }
        }
    }

    /** Changes the run as stored; the run as changed, empty when {@code change} left it as it was (or it is gone). */
    private Optional<StoredJobRun> update(StoredJobRun run, UnaryOperator<StoredJobRun> change)
    {
        synchronized (lock(run.jobName())) {
            Optional<StoredJobRun> current = runs.getLatest(key(run));
            if (current.isEmpty()) {
                return Optional.empty();
            }
            StoredJobRun changed = change.apply(current.get());
            if (changed.equals(current.get())) {
                return Optional.empty();
            }
            runs.put(key(changed), changed);
            return Optional.of(changed);
        }
    }

    // shapes

    private ObjectNode describe(StoredJob job)
    {
        ObjectNode node = JsonProtocolService.JSON.createObjectNode();
        node.put("Name", job.name());
        node.put("JobMode", job.jobMode());
        job.description().ifPresent(description -> node.put("Description", description));
        job.logUri().ifPresent(uri -> node.put("LogUri", uri));
        node.put("Role", job.role());
        node.put("CreatedOn", JsonProtocolService.epochSeconds(Instant.ofEpochMilli(job.createdMillis())));
        node.put("LastModifiedOn", JsonProtocolService.epochSeconds(Instant.ofEpochMilli(job.lastModifiedMillis())));
        node.putObject("ExecutionProperty").put("MaxConcurrentRuns", job.maxConcurrentRuns());
        node.putObject("Command").put("Name", PYTHON_SHELL).put("ScriptLocation", job.scriptLocation()).put("PythonVersion", job.pythonVersion());
        ObjectNode defaults = node.putObject("DefaultArguments");
        job.defaultArguments().forEach(defaults::put);
        if (!job.nonOverridableArguments().isEmpty()) {
            ObjectNode fixed = node.putObject("NonOverridableArguments");
            job.nonOverridableArguments().forEach(fixed::put);
        }
        node.put("MaxRetries", job.maxRetries());
        node.put("AllocatedCapacity", 0);
        node.put("Timeout", job.timeoutMinutes());
        node.put("MaxCapacity", job.maxCapacity());
        node.put("GlueVersion", job.glueVersion());
        job.notifyDelayAfter().ifPresent(delay -> node.putObject("NotificationProperty").put("NotifyDelayAfter", delay));
        job.jobRunQueuingEnabled().ifPresent(queuing -> node.put("JobRunQueuingEnabled", queuing));
        return node;
    }

    /** The run in Glue's {@code JobRun} shape. */
    ObjectNode describe(StoredJobRun run)
    {
        long now = clock.millis();
        ObjectNode node = JsonProtocolService.JSON.createObjectNode();
        node.put("Id", run.id());
        node.put("Attempt", run.attempt());
        run.previousRunId().ifPresent(previous -> node.put("PreviousRunId", previous));
        run.triggerName().ifPresent(trigger -> node.put("TriggerName", trigger));
        node.put("JobName", run.jobName());
        node.put("JobMode", "SCRIPT");
        node.put("StartedOn", JsonProtocolService.epochSeconds(Instant.ofEpochMilli(run.startedMillis())));
        node.put("LastModifiedOn", JsonProtocolService.epochSeconds(Instant.ofEpochMilli(run.lastModifiedMillis())));
        run.completedMillis().ifPresent(completed -> node.put("CompletedOn", JsonProtocolService.epochSeconds(Instant.ofEpochMilli(completed))));
        node.put("JobRunState", run.state().name());
        ObjectNode arguments = node.putObject("Arguments");
        run.arguments().forEach(arguments::put);
        run.errorMessage().ifPresent(message -> node.put("ErrorMessage", message));
        ArrayNode predecessors = node.putArray("PredecessorRuns");
        run.predecessors().forEach(predecessor -> predecessors.addObject().put("JobName", predecessor.jobName()).put("RunId", predecessor.runId()));
        node.put("AllocatedCapacity", 0);
        node.put("ExecutionTime", run.executionSeconds(now));
        node.put("Timeout", run.timeoutMinutes());
        node.put("MaxCapacity", run.maxCapacity());
        node.put("LogGroupName", LOG_GROUP);
        node.put("GlueVersion", run.glueVersion());
        run.notifyDelayAfter().ifPresent(delay -> node.putObject("NotificationProperty").put("NotifyDelayAfter", delay));
        run.jobRunQueuingEnabled().ifPresent(queuing -> node.put("JobRunQueuingEnabled", queuing));
        return node;
    }

    // lookups

    /** A job as stored; {@code EntityNotFoundException} in Glue's words when there is none. */
    StoredJob job(String name)
    {
        return jobs.getLatest(name).orElseThrow(() -> ServiceException.user("EntityNotFoundException", 400, "Job with name: " + name + " not found."));
    }

    /** A run of the job as stored; {@code EntityNotFoundException} in Glue's words when there is none. */
    private StoredJobRun run(String name, String id)
    {
        return runs.getLatest(key(name, id)).orElseThrow(() -> ServiceException.user("EntityNotFoundException", 400,
                "Job Run with id: " + id + " not found for job: " + name + "."));
    }

    /** Replaces a job's tags with what {@code change} makes of them. */
    void changeTags(String name, UnaryOperator<Map<String, String>> change)
    {
        synchronized (lock(name)) {
            StoredJob job = job(name);
            jobs.put(name, job.withTags(change.apply(job.tags())));
        }
    }

    /** The runs of a job that the record store keeps. */
    List<StoredJobRun> runsOf(String name)
    {
        runs.catchUp();
        return new ArrayList<>(runs.range(name + KEY_SEPARATOR, name + (char) (KEY_SEPARATOR + 1)).values());
    }

    private static String key(StoredJobRun run)
    {
        return key(run.jobName(), run.id());
    }

    private static String key(String jobName, String runId)
    {
        return jobName + KEY_SEPARATOR + runId;
    }

    /** A run id as Glue's: {@code jr_} and 64 hexadecimal digits. */
    private static String newRunId()
    {
        return "jr_" + sha256(UUID.randomUUID().toString());
    }

    /** The job's id as the script sees it in {@code --JOB_ID}: {@code j_} and 64 hexadecimal digits, the same for every run. */
    private String jobId(StoredJob job)
    {
        return "j_" + sha256(accountId + "/" + job.name() + "/" + job.createdMillis());
    }

    /** The SHA-256 of the text in hexadecimal: the 64 digits of Glue's ids. */
    static String sha256(String text)
    {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Object lock(String name)
    {
        return locks.computeIfAbsent(name, ignored -> new Object());
    }

    /** Kills the processes of this instance's runs; they end FAILED, saying lakestack stopped while they ran. */
    @Override
    public void close()
    {
        closing = true;
        timer.shutdownNow();
        List<RunningJob> running = processes.values().stream().map(Local::process).toList();
        running.forEach(RunningJob::stop);
        for (RunningJob process : running) {
            try {
                process.completion().get(10, TimeUnit.SECONDS);
            }
            catch (Exception e) {
                // ended below either way
            }
        }
        failRunsOf(instances.self()::equals, "lakestack stopped");
    }
}
