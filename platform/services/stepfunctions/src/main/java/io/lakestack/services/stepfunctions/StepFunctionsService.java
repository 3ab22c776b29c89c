package io.lakestack.services.stepfunctions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.endpoint.json.JsonInput;
import io.lakestack.endpoint.json.JsonProtocolService;
import io.lakestack.endpoint.protocol.AwsProtocol;
import io.lakestack.spi.OffsetTokens;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.logs.LogStore;
import io.lakestack.spi.stepfunctions.Activity;
import io.lakestack.spi.stepfunctions.ActivityTask;
import io.lakestack.spi.stepfunctions.DefinitionProblem;
import io.lakestack.spi.stepfunctions.HistoryPage;
import io.lakestack.spi.stepfunctions.HistoryRecord;
import io.lakestack.spi.stepfunctions.MapRun;
import io.lakestack.spi.stepfunctions.LoggingConfiguration;
import io.lakestack.spi.stepfunctions.StateMachine;
import io.lakestack.spi.stepfunctions.StateMachineAlias;
import io.lakestack.spi.stepfunctions.StateMachineExecution;
import io.lakestack.spi.stepfunctions.StateMachineVersion;
import io.lakestack.spi.stepfunctions.StateTest;
import io.lakestack.spi.stepfunctions.StateTestResult;
import io.lakestack.spi.stepfunctions.StepFunctions;
import io.lakestack.spi.stepfunctions.StepFunctionsEngine;
import io.lakestack.spi.store.RecordStore;
import io.lakestack.spi.store.RecordStores;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * AWS Step Functions' API (JSON 1.0, {@code X-Amz-Target: AWSStepFunctions.<Operation>}, signing name {@code states})
 * over the record stores of {@link StepFunctions}, with executions run by a {@link StepFunctionsEngine}.
 *
 * <p>Versions ({@value StepFunctions#VERSIONS_STORE}) keep the definition and role of the revision they were published
 * from; aliases ({@value StepFunctions#ALIASES_STORE}) route each execution started with them to one of their one or two
 * versions, drawn by weight from the service's random source. An execution keeps the definition it started with, and
 * the machine's {@code loggingConfiguration} of that time, which the engine applies by writing its history events to
 * CloudWatch Logs.
 *
 * <p>Where lakestack differs from AWS: X-Ray tracing, customer-managed KMS encryption and task resources the engine
 * cannot run are refused with the error AWS uses for that field and a message saying lakestack does not apply it,
 * rather than stored and ignored. Roles are kept and not assumed: there is no IAM.
 *
 * <p>Activities ({@code CreateActivity}, ..., {@code GetActivityTask}) are kept in
 * {@value StepFunctions#ACTIVITIES_STORE}; {@code GetActivityTask} holds the request up to {@value #ACTIVITY_POLL_SECONDS}
 * seconds, as AWS does, and answers without a {@code taskToken} when no task came.
 */
public final class StepFunctionsService
        extends JsonProtocolService
{
    public static final String TARGET_PREFIX = "AWSStepFunctions";
    private static final String VALIDATION = "ValidationException";
    /** Names of machines and executions: AWS's forbidden characters (whitespace, brackets, wildcards, specials, controls). */
    private static final Pattern FORBIDDEN_NAME = Pattern.compile("[\\s<>{}\\[\\]?*\"#%\\\\^|~`$&,;:/\\p{Cntrl}]");
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::[0-9]{12}:role/.+");
    private static final Set<String> INSPECTION_LEVELS = Set.of("INFO", "DEBUG", "TRACE");
    private static final Set<String> STATUSES = Set.of("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE");
    private static final int MAX_INPUT = 256 * 1024;
    private static final int MAX_TAGS = 50;
    static final Duration REDRIVABLE_PERIOD = Duration.ofDays(14);
    static final int MAX_REDRIVES = 1000;
    static final int ACTIVITY_POLL_SECONDS = 60;
    private static final Object[] STARTS = java.util.stream.Stream.generate(Object::new).limit(64).toArray();
    /** Publishing and deleting versions of a machine, one at a time on this instance, so that numbers are not taken twice. */
    private static final Object[] MACHINE_LOCKS = java.util.stream.Stream.generate(Object::new).limit(64).toArray();
    static final int MAX_VERSIONS = 1000;
    static final int MAX_ALIASES = 100;
    private static final Pattern ALIAS_NAME = Pattern.compile("(?=.*[a-zA-Z_\\-.])[a-zA-Z0-9_\\-.]{1,80}");
    private static final Pattern LOG_GROUP_ARN = Pattern.compile("arn:aws[a-z-]*:logs:([a-z0-9-]+):([0-9]{12}):log-group:([^:*]+):\\*");

    private final RecordStore<StateMachine> machines;
    private final RecordStore<StateMachineExecution> executions;
    private final RecordStore<HistoryPage> history;
    private final RecordStore<Activity> activities;
    private final RecordStore<MapRun> mapRuns;
    private final RecordStore<StateMachineVersion> versions;
    private final RecordStore<StateMachineAlias> aliases;
    private final StepFunctionsEngine engine;
    private final Optional<LogStore> logs;
    private final String accountId;
    private final Clock clock;
    private final RandomGenerator random;

    /** A service without CloudWatch Logs: a {@code loggingConfiguration} other than {@code OFF} is refused. */
    public StepFunctionsService(RecordStores stores, StepFunctionsEngine engine, String accountId, Clock clock)
    {
        this(stores, engine, Optional.empty(), accountId, clock, new Random());
    }

    /**
     * @param logs the log groups a {@code loggingConfiguration} names are looked up in (the engine writes to them)
     * @param random draws the version an alias runs
     */
    public StepFunctionsService(RecordStores stores, StepFunctionsEngine engine, Optional<LogStore> logs, String accountId, Clock clock,
            RandomGenerator random)
    {
        super("states", TARGET_PREFIX, VALIDATION);
        requireNonNull(stores, "stores is null");
        this.machines = stores.open(StepFunctions.STATE_MACHINES_STORE, StateMachine.class);
        this.executions = stores.open(StepFunctions.EXECUTIONS_STORE, StateMachineExecution.class);
        this.history = stores.open(StepFunctions.HISTORY_STORE, HistoryPage.class);
        this.activities = stores.open(StepFunctions.ACTIVITIES_STORE, Activity.class);
        this.mapRuns = stores.open(StepFunctions.MAP_RUNS_STORE, MapRun.class);
        this.versions = stores.open(StepFunctions.VERSIONS_STORE, StateMachineVersion.class);
        this.aliases = stores.open(StepFunctions.ALIASES_STORE, StateMachineAlias.class);
        this.engine = requireNonNull(engine, "engine is null");
        this.logs = requireNonNull(logs, "logs is null");
        this.accountId = requireNonNull(accountId, "accountId is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.random = requireNonNull(random, "random is null");
        operation("CreateStateMachine", (input, caller) -> createStateMachine(input, caller.region()));
        operation("DescribeStateMachine", (input, caller) -> describeStateMachine(input));
        operation("ListStateMachines", (input, caller) -> listStateMachines(input));
        operation("UpdateStateMachine", (input, caller) -> updateStateMachine(input, caller.region()));
        operation("DeleteStateMachine", (input, caller) -> deleteStateMachine(input));
        operation("ValidateStateMachineDefinition", (input, caller) -> validateDefinition(input));
        operation("TestState", (input, caller) -> testState(input, caller.region()));
        operation("PublishStateMachineVersion", (input, caller) -> publishVersion(input));
        operation("ListStateMachineVersions", (input, caller) -> listVersions(input));
        operation("DeleteStateMachineVersion", (input, caller) -> deleteVersion(input));
        operation("CreateStateMachineAlias", (input, caller) -> createAlias(input));
        operation("DescribeStateMachineAlias", (input, caller) -> describeAlias(input));
        operation("UpdateStateMachineAlias", (input, caller) -> updateAlias(input));
        operation("DeleteStateMachineAlias", (input, caller) -> deleteAlias(input));
        operation("ListStateMachineAliases", (input, caller) -> listAliases(input));
        operation("StartExecution", (input, caller) -> startExecution(input));
        operation("StartSyncExecution", (input, caller) -> startSyncExecution(input));
        operation("DescribeExecution", (input, caller) -> describeExecution(input));
        operation("DescribeStateMachineForExecution", (input, caller) -> describeStateMachineForExecution(input));
        operation("ListExecutions", (input, caller) -> listExecutions(input));
        operation("GetExecutionHistory", (input, caller) -> getExecutionHistory(input));
        operation("StopExecution", (input, caller) -> stopExecution(input));
        operation("RedriveExecution", (input, caller) -> redriveExecution(input));
        operation("DescribeMapRun", (input, caller) -> describeMapRun(input));
        operation("ListMapRuns", (input, caller) -> listMapRuns(input));
        operation("UpdateMapRun", (input, caller) -> updateMapRun(input));
        operation("SendTaskSuccess", (input, caller) -> sendTaskSuccess(input));
        operation("SendTaskFailure", (input, caller) -> sendTaskFailure(input));
        operation("SendTaskHeartbeat", (input, caller) -> sendTaskHeartbeat(input));
        operation("CreateActivity", (input, caller) -> createActivity(input, caller.region()));
        operation("DescribeActivity", (input, caller) -> describeActivity(input));
        operation("ListActivities", (input, caller) -> listActivities(input));
        operation("DeleteActivity", (input, caller) -> deleteActivity(input));
        operation("GetActivityTask", (input, caller) -> getActivityTask(input));
        operation("TagResource", (input, caller) -> tagResource(input));
        operation("UntagResource", (input, caller) -> untagResource(input));
        operation("ListTagsForResource", (input, caller) -> listTags(input));
    }

    @Override
    public AwsProtocol protocol()
    {
        return AwsProtocol.JSON_1_0;
    }

    @Override
    public OptionalLong maxRequestBytes()
    {
        // a definition of 1 MiB, escaped inside the request's JSON, with room for the other fields
        return OptionalLong.of(4L * 1024 * 1024);
    }

    // state machines

    private JsonNode createStateMachine(JsonInput input, String region)
    {
        String name = name(input, "name");
        String definition = input.requiredString("definition");
        checkLength(input, "definition", definition, 1_048_576);
        String roleArn = roleArn(input);
        String type = input.string("type").orElse(StepFunctions.STANDARD);
        if (!type.equals(StepFunctions.STANDARD) && !type.equals(StepFunctions.EXPRESS)) {
            throw input.invalid("type", type, "Member must satisfy enum value set: [STANDARD, EXPRESS]");
        }
        refuseUnapplied(input);
        LoggingConfiguration logging = logging(input, region).orElse(LoggingConfiguration.OFF);
        Optional<String> versionDescription = versionDescription(input);
        boolean publish = input.bool("publish").orElse(false);
        Map<String, String> tags = tags(input);
        checkDefinition(definition, type);
        String arn = StepFunctions.stateMachineArn(region, accountId, name);
        Optional<StateMachine> existing = machines.getLatest(arn);
        if (existing.isPresent()) {
            StateMachine old = existing.get();
            // idempotent on name, definition and type; role and tags of a repeated request are ignored, as on AWS
            if (!old.definition().equals(definition) || !old.type().equals(type)) {
                throw ServiceException.user("StateMachineAlreadyExists", "State Machine Already Exists: '" + arn
                        + "' (with another definition or type; UpdateStateMachine changes a machine)");
            }
            ObjectNode result = output().put("stateMachineArn", arn).put("creationDate", epochSeconds(Instant.ofEpochMilli(old.createdMillis())));
            if (publish) {
                result.put("stateMachineVersionArn", publish(arn, Optional.empty(), versionDescription).arn());
            }
            return result;
        }
        long now = clock.millis();
        machines.put(arn, new StateMachine(name, arn, type, definition, roleArn, input.string("description").orElse(""), tags, now, 0, logging, "", 0));
        ObjectNode result = output().put("stateMachineArn", arn).put("creationDate", epochSeconds(Instant.ofEpochMilli(now)));
        if (publish) {
            result.put("stateMachineVersionArn", publish(arn, Optional.empty(), versionDescription).arn());
        }
        return result;
    }

    /** {@code versionDescription}, which goes with {@code publish} only. */
    private static Optional<String> versionDescription(JsonInput input)
    {
        Optional<String> description = input.string("versionDescription");
        description.filter(text -> text.length() > 256).ifPresent(text -> {
            throw input.invalid("versionDescription", text, "Member must have length less than or equal to 256");
        });
        if (description.isPresent() && !input.bool("publish").orElse(false)) {
            throw ServiceException.user(VALIDATION, "versionDescription can only be set when publish is true");
        }
        return description;
    }

    private JsonNode describeStateMachine(JsonInput input)
    {
        String arn = input.requiredString("stateMachineArn");
        if (StepFunctions.isVersionArn(arn)) {
            return describeVersion(arn);
        }
        StateMachine machine = machine(arn);
        ObjectNode result = output();
        result.put("stateMachineArn", machine.arn());
        result.put("name", machine.name());
        result.put("status", "ACTIVE");
        result.put("definition", machine.definition());
        result.put("roleArn", machine.roleArn());
        result.put("type", machine.type());
        result.put("creationDate", epochSeconds(Instant.ofEpochMilli(machine.createdMillis())));
        if (!machine.description().isEmpty()) {
            result.put("description", machine.description());
        }
        if (!machine.revisionId().isEmpty()) {
            result.put("revisionId", machine.revisionId());
        }
        configurations(result, machine.logging());
        return result;
    }

    private JsonNode describeVersion(String arn)
    {
        StateMachineVersion version = version(arn);
        StateMachine machine = machine(version.stateMachineArn());
        ObjectNode result = output();
        result.put("stateMachineArn", version.arn());
        result.put("name", machine.name());
        result.put("status", "ACTIVE");
        result.put("definition", version.definition());
        result.put("roleArn", version.roleArn());
        result.put("type", machine.type());
        result.put("creationDate", epochSeconds(Instant.ofEpochMilli(version.createdMillis())));
        if (!version.description().isEmpty()) {
            result.put("description", version.description());
        }
        if (!version.revisionId().isEmpty()) {
            result.put("revisionId", version.revisionId());
        }
        configurations(result, machine.logging());
        return result;
    }

    /** {@code loggingConfiguration} as set, and {@code tracingConfiguration} (always disabled). */
    private static void configurations(ObjectNode result, LoggingConfiguration configuration)
    {
        ObjectNode logging = result.putObject("loggingConfiguration");
        logging.put("level", configuration.level());
        logging.put("includeExecutionData", configuration.includeExecutionData());
        configuration.logGroupArn().ifPresent(group -> logging.putArray("destinations").addObject().putObject("cloudWatchLogsLogGroup")
                .put("logGroupArn", group));
        result.putObject("tracingConfiguration").put("enabled", false);
    }

    private JsonNode listStateMachines(JsonInput input)
    {
        List<StateMachine> all = new ArrayList<>(machines.all().values());
        all.sort(Comparator.comparing(StateMachine::name));
        OffsetTokens.Slice<StateMachine> page = OffsetTokens.slice(all, input.string("nextToken"), maxResults(input), "InvalidToken");
        ObjectNode result = output();
        ArrayNode list = result.putArray("stateMachines");
        for (StateMachine machine : page.items()) {
            list.addObject().put("stateMachineArn", machine.arn()).put("name", machine.name()).put("type", machine.type())
                    .put("creationDate", epochSeconds(Instant.ofEpochMilli(machine.createdMillis())));
        }
        page.nextToken().ifPresent(token -> result.put("nextToken", token));
        return result;
    }

    private JsonNode updateStateMachine(JsonInput input, String region)
    {
        StateMachine machine = machine(input.requiredString("stateMachineArn"));
        Optional<String> definition = input.string("definition");
        Optional<String> roleArn = input.has("roleArn") ? Optional.of(roleArn(input)) : Optional.empty();
        if (definition.isEmpty() && roleArn.isEmpty() && !input.has("loggingConfiguration") && !input.has("tracingConfiguration")
                && !input.has("encryptionConfiguration")) {
            throw ServiceException.user("MissingRequiredParameter", "Either the definition, the roleArn, the loggingConfiguration, the "
                    + "tracingConfiguration or the encryptionConfiguration must be specified");
        }
        refuseUnapplied(input);
        Optional<LoggingConfiguration> logging = logging(input, region);
        Optional<String> versionDescription = versionDescription(input);
        definition.ifPresent(text -> {
            checkLength(input, "definition", text, 1_048_576);
            checkDefinition(text, machine.type());
        });
        long now = clock.millis();
        StateMachine updated;
        synchronized (lock(machine.arn())) {
            StateMachine current = machine(machine.arn());
            String newDefinition = definition.orElse(current.definition());
            String newRole = roleArn.orElse(current.roleArn());
            // a new revision when the definition or the role changes, as versions snapshot them
            String revision = newDefinition.equals(current.definition()) && newRole.equals(current.roleArn()) ? current.revisionId()
                    : UUID.randomUUID().toString();
            updated = new StateMachine(current.name(), current.arn(), current.type(), newDefinition, newRole, current.description(), current.tags(),
                    current.createdMillis(), now, logging.orElse(current.logging()), revision, current.lastVersion());
            machines.put(machine.arn(), updated);
        }
        ObjectNode result = output().put("updateDate", epochSeconds(Instant.ofEpochMilli(now)));
        if (!updated.revisionId().isEmpty()) {
            result.put("revisionId", updated.revisionId());
        }
        if (input.bool("publish").orElse(false)) {
            result.put("stateMachineVersionArn", publish(machine.arn(), Optional.empty(), versionDescription).arn());
        }
        return result;
    }

    private JsonNode deleteStateMachine(JsonInput input)
    {
        String arn = input.requiredString("stateMachineArn");
        checkStateMachineArn(arn);
        // deleting a machine that is gone succeeds, as on AWS; its running executions go on with the definition they started with
        synchronized (lock(arn)) {
            for (StateMachineAlias alias : aliasesOf(arn)) {
                aliases.delete(alias.arn());
            }
            for (StateMachineVersion version : versionsOf(arn)) {
                versions.delete(version.arn());
            }
            machines.delete(arn);
        }
        return output();
    }

    private JsonNode validateDefinition(JsonInput input)
    {
        String definition = input.requiredString("definition");
        checkLength(input, "definition", definition, 1_048_576);
        input.string("type").filter(type -> !type.equals(StepFunctions.STANDARD) && !type.equals(StepFunctions.EXPRESS))
                .ifPresent(type -> {
                    throw input.invalid("type", type, "Member must satisfy enum value set: [STANDARD, EXPRESS]");
                });
        String severity = input.string("severity").orElse("ERROR");
        if (!severity.equals("ERROR") && !severity.equals("WARNING")) {
            throw input.invalid("severity", severity, "Member must satisfy enum value set: [ERROR, WARNING]");
        }
        int maxResults = input.integer("maxResults", 0, 100).filter(value -> value > 0).orElse(100);
        List<DefinitionProblem> problems = engine.validate(definition, input.string("type").orElse(StepFunctions.STANDARD));
        ObjectNode result = output();
        result.put("result", problems.isEmpty() ? "OK" : "FAIL");
        ArrayNode diagnostics = result.putArray("diagnostics");
        for (DefinitionProblem problem : problems.subList(0, Math.min(maxResults, problems.size()))) {
            ObjectNode diagnostic = diagnostics.addObject().put("severity", "ERROR").put("code", problem.code()).put("message", problem.message());
            problem.location().ifPresent(location -> diagnostic.put("location", location));
        }
        result.put("truncated", problems.size() > maxResults);
        return result;
    }

    // TestState

    private JsonNode testState(JsonInput input, String region)
    {
        String definition = input.requiredString("definition");
        checkLength(input, "definition", definition, 1_048_576);
        Optional<String> role = input.has("roleArn") ? Optional.of(roleArn(input)) : Optional.empty();
        String level = input.string("inspectionLevel").orElse("INFO");
        if (!INSPECTION_LEVELS.contains(level)) {
            throw input.invalid("inspectionLevel", level, "Member must satisfy enum value set: [INFO, DEBUG, TRACE]");
        }
        // lakestack runs no HTTP Task (the only state whose inspection data holds secrets): there is nothing to hide
        input.bool("revealSecrets");
        Optional<String> stateName = input.string("stateName");
        stateName.ifPresent(name -> checkLength(input, "stateName", name, 80));
        String text = executionInput(input);
        String variables = jsonObject(input, "variables").orElse("{}");
        Optional<String> context = jsonObject(input, "context");
        Optional<StateTest.Mock> mock = input.optionalObject("mock").map(StepFunctionsService::mock);
        Optional<Integer> retrierRetryCount = Optional.empty();
        Optional<JsonInput> configuration = input.optionalObject("stateConfiguration");
        if (configuration.isPresent()) {
            for (String field : List.of("errorCausedByState", "mapIterationFailureCount", "mapItemReaderData")) {
                if (configuration.get().has(field)) {
                    throw ServiceException.user(VALIDATION, "lakestack does not apply stateConfiguration." + field + ": it tests Map and Parallel "
                            + "states with a mocked result only; test without it");
                }
            }
            retrierRetryCount = configuration.get().integer("retrierRetryCount", 0, Integer.MAX_VALUE);
        }
        if (role.isEmpty() && mock.isEmpty()) {
            // AWS: the role becomes optional with a mock; lakestack assumes no role, but keeps AWS's rule so a test runs on both
            throw ServiceException.user(VALIDATION, "TestState needs a roleArn when it has no mock: give the role the state runs with, or mock its result");
        }
        String executionArn = "arn:aws:states:" + region + ":" + accountId + ":execution:TestState:" + UUID.randomUUID();
        StateTestResult result = engine.testState(new StateTest(definition, stateName, executionArn, role.orElse(""), text, variables, mock, context,
                retrierRetryCount));
        ObjectNode answer = output();
        result.output().ifPresent(output -> answer.put("output", output));
        result.error().ifPresent(error -> answer.put("error", error));
        result.cause().ifPresent(cause -> answer.put("cause", cause));
        if (!level.equals("INFO")) {
            try {
                answer.set("inspectionData", JSON.readTree(result.inspectionData()));
            }
            catch (JsonProcessingException e) {
                throw new IllegalStateException("the engine's inspection data is not JSON: " + result.inspectionData(), e);
            }
        }
        result.nextState().ifPresent(next -> answer.put("nextState", next));
        answer.put("status", result.status());
        return answer;
    }

    /** A JSON object given as text in a string field, checked. */
    private static Optional<String> jsonObject(JsonInput input, String field)
    {
        Optional<String> text = input.string(field);
        text.ifPresent(json -> {
            JsonNode node;
            try {
                node = JSON.readTree(json);
            }
            catch (JsonProcessingException e) {
                throw ServiceException.user(VALIDATION, "The " + field + " is not valid JSON: " + e.getOriginalMessage());
            }
            if (node == null || !node.isObject()) {
                throw ServiceException.user(VALIDATION, "The " + field + " must be a JSON object, not " + json);
            }
        });
        return text;
    }

    private static StateTest.Mock mock(JsonInput mock)
    {
        String mode = mock.string("fieldValidationMode").orElse("STRICT");
        if (!Set.of("STRICT", "PRESENT", "NONE").contains(mode)) {
            throw mock.invalid("fieldValidationMode", mode, "Member must satisfy enum value set: [STRICT, PRESENT, NONE]");
        }
        Optional<String> result = mock.string("result");
        Optional<JsonInput> errorOutput = mock.optionalObject("errorOutput");
        if (result.isPresent() == errorOutput.isPresent()) {
            throw ServiceException.user(VALIDATION, "A mock has either a result or an errorOutput, not " + (result.isPresent() ? "both" : "neither"));
        }
        if (result.isPresent()) {
            try {
                JSON.readTree(result.get());
            }
            catch (JsonProcessingException e) {
                throw ServiceException.user(VALIDATION, "The mock's result is not valid JSON: " + e.getOriginalMessage());
            }
            return new StateTest.Mock(result, "", "", mode);
        }
        return new StateTest.Mock(Optional.empty(), errorOutput.get().string("error").orElse(""), errorOutput.get().string("cause").orElse(""), mode);
    }

    // executions

    private JsonNode startExecution(JsonInput input)
    {
        Target target = target(input.requiredString("stateMachineArn"));
        StateMachine machine = target.machine();
        StateMachineExecution execution = newExecution(input, target);
        // one start of a name at a time on this instance, so that a repeated request finds the first one's execution
        synchronized (STARTS[Math.floorMod(execution.executionArn().hashCode(), STARTS.length)]) {
            Optional<StateMachineExecution> existing = executions.getLatest(execution.executionArn());
            if (existing.isPresent()) {
                StateMachineExecution old = existing.get();
                if (old.running() && old.input().equals(execution.input()) && !machine.express()) {
                    return started(old);
                }
                throw ServiceException.user("ExecutionAlreadyExists", "Execution Already Exists: '" + old.executionArn() + "'"
                        + (old.running() ? " (running, with another input)" : " (closed; a name is used once per state machine)"));
            }
            executions.put(execution.executionArn(), execution);
            engine.start(execution);
        }
        return started(execution);
    }

    private JsonNode started(StateMachineExecution execution)
    {
        return output().put("executionArn", execution.executionArn()).put("startDate", epochSeconds(Instant.ofEpochMilli(execution.startMillis())));
    }

    /** What an execution runs: a machine's current revision, or one of its versions (named, or drawn by an alias). */
    private record Target(StateMachine machine, String definition, String roleArn, Optional<String> versionArn, Optional<String> aliasArn) {}

    private Target target(String arn)
    {
        if (StepFunctions.isAliasArn(arn)) {
            StateMachineAlias alias = aliases.getLatest(arn).orElseThrow(() -> ServiceException.user("StateMachineDoesNotExist",
                    "State Machine Does Not Exist: '" + arn + "' (no such alias)"));
            StateMachineVersion version = version(alias.chooseVersion(random));
            return new Target(machine(alias.stateMachineArn()), version.definition(), version.roleArn(), Optional.of(version.arn()), Optional.of(arn));
        }
        if (StepFunctions.isVersionArn(arn)) {
            StateMachineVersion version = version(arn);
            return new Target(machine(version.stateMachineArn()), version.definition(), version.roleArn(), Optional.of(arn), Optional.empty());
        }
        StateMachine machine = machine(arn);
        return new Target(machine, machine.definition(), machine.roleArn(), Optional.empty(), Optional.empty());
    }

    /** The request's {@code input} ({@code {}} without one): JSON of at most 256 KB, else {@code InvalidExecutionInput}. */
    private static String executionInput(JsonInput input)
    {
        String text = input.string("input").orElse("{}");
        if (text.length() > MAX_INPUT) {
            throw ServiceException.user("InvalidExecutionInput", "Invalid State Machine Execution Input: the input has " + text.length()
                    + " characters, more than the 262144 allowed");
        }
        try {
            JSON.readTree(text);
        }
        catch (JsonProcessingException e) {
            throw ServiceException.user("InvalidExecutionInput", "Invalid State Machine Execution Input: '" + e.getOriginalMessage() + "'");
        }
        return text;
    }

    private StateMachineExecution newExecution(JsonInput input, Target target)
    {
        StateMachine machine = target.machine();
        String name = input.has("name") ? name(input, "name") : UUID.randomUUID().toString();
        String text = executionInput(input);
        input.string("traceHeader").ifPresent(header -> {
            throw ServiceException.user(VALIDATION, "lakestack does not trace executions with X-Ray: start the execution without 'traceHeader'");
        });
        String arn = StepFunctions.executionArn(machine.arn(), name, machine.express());
        return new StateMachineExecution(arn, machine.arn(), name, StateMachineExecution.RUNNING, text, target.definition(), target.roleArn(),
                clock.millis(), 0, Optional.empty(), Optional.empty(), Optional.empty(), target.versionArn(), target.aliasArn(), machine.logging());
    }

    private JsonNode startSyncExecution(JsonInput input)
    {
        Target target = target(input.requiredString("stateMachineArn"));
        StateMachine machine = target.machine();
        if (!machine.express()) {
            throw ServiceException.user("StateMachineTypeNotSupported", "StartSyncExecution runs EXPRESS state machines only; "
                    + machine.arn() + " is STANDARD (StartExecution runs it)");
        }
        StateMachineExecution ended = engine.runSync(newExecution(input, target));
        ObjectNode result = output();
        result.put("executionArn", ended.executionArn());
        result.put("stateMachineArn", ended.stateMachineArn());
        result.put("name", ended.name());
        result.put("startDate", epochSeconds(Instant.ofEpochMilli(ended.startMillis())));
        result.put("stopDate", epochSeconds(Instant.ofEpochMilli(ended.stopMillis())));
        result.put("status", ended.status());
        ended.error().ifPresent(error -> result.put("error", error));
        ended.cause().ifPresent(cause -> result.put("cause", cause));
        result.put("input", ended.input());
        result.putObject("inputDetails").put("included", true);
        ended.output().ifPresent(output -> {
            result.put("output", output);
            result.putObject("outputDetails").put("included", true);
        });
        result.putObject("billingDetails").put("billedMemoryUsedInMB", 0).put("billedDurationInMilliseconds", 0);
        return result;
    }

    private JsonNode describeExecution(JsonInput input)
    {
        StateMachineExecution execution = execution(input.requiredString("executionArn"));
        ObjectNode result = summary(output(), execution);
        result.put("input", execution.input());
        result.putObject("inputDetails").put("included", true);
        execution.output().ifPresent(output -> {
            result.put("output", output);
            result.putObject("outputDetails").put("included", true);
        });
        execution.error().ifPresent(error -> result.put("error", error));
        execution.cause().ifPresent(cause -> result.put("cause", cause));
        mapRunOf(execution).ifPresent(mapRunArn -> result.put("mapRunArn", mapRunArn));
        redriveSummary(result, execution);
        Optional<String> notRedrivable = notRedrivable(execution);
        if (notRedrivable.isEmpty()) {
            result.put("redriveStatus", "REDRIVABLE");
        }
        else if (mapRunOf(execution).isPresent() && !execution.running() && !execution.status().equals(StateMachineExecution.SUCCEEDED)
                && !execution.express()) {
            // redriven with its Map Run, when its parent execution is
            result.put("redriveStatus", "REDRIVABLE_BY_MAP_RUN");
        }
        else {
            result.put("redriveStatus", "NOT_REDRIVABLE");
            result.put("redriveStatusReason", notRedrivable.get());
        }
        return result;
    }

    /** What DescribeExecution and ListExecutions say of an execution's redrives. */
    private static void redriveSummary(ObjectNode node, StateMachineExecution execution)
    {
        node.put("redriveCount", execution.redriveCount());
        if (execution.redriveCount() > 0) {
            node.put("redriveDate", epochSeconds(Instant.ofEpochMilli(execution.redriveMillis())));
        }
    }

    /** Why {@code RedriveExecution} refuses the execution ({@code ExecutionNotRedrivable}), empty when it would redrive it. */
    private Optional<String> notRedrivable(StateMachineExecution execution)
    {
        if (execution.express()) {
            return Optional.of("Execution of an EXPRESS state machine cannot be redriven; only the EXPRESS children of a Map Run are, with their Map Run");
        }
        if (execution.running() || execution.status().equals(StateMachineExecution.SUCCEEDED)) {
            return Optional.of("Execution is " + execution.status() + " and cannot be redriven.");
        }
        if (mapRunOf(execution).isPresent()) {
            return Optional.of("Execution is a child execution of a Map Run; it is redriven with its Map Run, by redriving its parent execution.");
        }
        if (Instant.ofEpochMilli(execution.stopMillis()).plus(REDRIVABLE_PERIOD).isBefore(clock.instant())) {
            return Optional.of("Execution redrivable period exceeded.");
        }
        if (machines.get(execution.stateMachineArn()).isEmpty()) {
            return Optional.of("State machine " + execution.stateMachineArn() + " does not exist anymore.");
        }
        if (execution.redriveCount() >= MAX_REDRIVES) {
            return Optional.of("Execution has been redriven " + MAX_REDRIVES + " times, the most allowed.");
        }
        return engine.redriveRefusal(execution).map(reason -> reason + ".");
    }

    private JsonNode redriveExecution(JsonInput input)
    {
        String arn = input.requiredString("executionArn");
        Optional<String> clientToken = input.string("clientToken");
        clientToken.ifPresent(token -> checkLength(input, "clientToken", token, 64));
        execution(arn);
        // one redrive of an execution at a time on this instance, so that a repeated token finds the first one's redrive
        synchronized (STARTS[Math.floorMod(arn.hashCode(), STARTS.length)]) {
            StateMachineExecution execution = execution(arn);
            if (clientToken.isPresent() && execution.redriveTokens().contains(clientToken.get())) {
                int back = execution.redriveTokens().size() - 1 - execution.redriveTokens().lastIndexOf(clientToken.get());
                return output().put("redriveDate", epochSeconds(redriveTime(execution, execution.redriveCount() - back)));
            }
            Optional<String> reason = notRedrivable(execution);
            if (reason.isPresent()) {
                throw ServiceException.user("ExecutionNotRedrivable", "Execution '" + arn + "' cannot be redriven: " + reason.get());
            }
            StateMachineExecution redriven = engine.redrive(execution, clientToken);
            return output().put("redriveDate", epochSeconds(Instant.ofEpochMilli(redriven.redriveMillis())));
        }
    }

    private static int redriveCount(HistoryRecord event)
    {
        try {
            return JSON.readTree(event.details()).path("redriveCount").asInt();
        }
        catch (JsonProcessingException e) {
            return 0;
        }
    }

    /** When the execution's redrive number {@code count} was made: its {@code ExecutionRedriven} event's time. */
    private Instant redriveTime(StateMachineExecution execution, int count)
    {
        if (count == execution.redriveCount()) {
            return Instant.ofEpochMilli(execution.redriveMillis());
        }
        return StepFunctions.history(history, execution.executionArn()).stream()
                .filter(event -> event.type().equals("ExecutionRedriven") && redriveCount(event) == count)
                .map(event -> Instant.ofEpochMilli(event.timestampMillis()))
                .findFirst()
                .orElse(Instant.ofEpochMilli(execution.redriveMillis()));
    }

    /** The Map Run a child execution belongs to: its machine is {@code <machine>/<label>}, its name {@code <id>-<index>}. */
    private Optional<String> mapRunOf(StateMachineExecution execution)
    {
        String machine = execution.stateMachineArn();
        int dash = execution.name().lastIndexOf('-');
        if (!machine.substring(machine.lastIndexOf(':') + 1).contains("/") || dash < 0) {
            return Optional.empty();
        }
        String arn = machine.replace(":stateMachine:", ":mapRun:") + ":" + execution.name().substring(0, dash);
        return mapRuns.get(arn).map(MapRun::mapRunArn);
    }

    /** What DescribeExecution and ListExecutions both say of an execution. */
    private static ObjectNode summary(ObjectNode node, StateMachineExecution execution)
    {
        node.put("executionArn", execution.executionArn());
        node.put("stateMachineArn", execution.stateMachineArn());
        node.put("name", execution.name());
        node.put("status", execution.status());
        node.put("startDate", epochSeconds(Instant.ofEpochMilli(execution.startMillis())));
        if (!execution.running()) {
            node.put("stopDate", epochSeconds(Instant.ofEpochMilli(execution.stopMillis())));
        }
        execution.versionArn().ifPresent(arn -> node.put("stateMachineVersionArn", arn));
        execution.aliasArn().ifPresent(arn -> node.put("stateMachineAliasArn", arn));
        return node;
    }

    private JsonNode describeStateMachineForExecution(JsonInput input)
    {
        StateMachineExecution execution = execution(input.requiredString("executionArn"));
        ObjectNode result = output();
        result.put("stateMachineArn", execution.stateMachineArn());
        result.put("name", execution.stateMachineArn().substring(execution.stateMachineArn().lastIndexOf(':') + 1));
        result.put("definition", execution.definition());
        result.put("roleArn", execution.roleArn());
        Optional<StateMachine> machine = machines.get(execution.stateMachineArn());
        Optional<StateMachineVersion> version = execution.versionArn().flatMap(versions::get);
        long updated = version.map(StateMachineVersion::createdMillis).orElseGet(() -> machine.filter(value -> value.definition().equals(execution.definition()))
                .map(value -> value.updatedMillis() == 0 ? value.createdMillis() : value.updatedMillis()).orElse(execution.startMillis()));
        result.put("updateDate", epochSeconds(Instant.ofEpochMilli(updated)));
        version.map(StateMachineVersion::revisionId).filter(revision -> !revision.isEmpty()).ifPresent(revision -> result.put("revisionId", revision));
        configurations(result, execution.logging());
        return result;
    }

    private JsonNode listExecutions(JsonInput input)
    {
        Optional<MapRun> mapRun = Optional.empty();
        String machineArn;
        if (input.has("mapRunArn")) {
            if (input.has("stateMachineArn")) {
                throw ServiceException.user(VALIDATION, "Specify either the stateMachineArn or the mapRunArn, not both");
            }
            mapRun = Optional.of(mapRun(input.requiredString("mapRunArn")));
            machineArn = StepFunctions.mapRunChildMachineArn(mapRun.get().mapRunArn());
        }
        else {
            machineArn = null;
        }
        String listed = mapRun.isPresent() ? machineArn : input.requiredString("stateMachineArn");
        if (mapRun.isEmpty()) {
            // a version's or an alias's ARN lists the executions started with it
            machineArn = StepFunctions.stateMachineOfQualified(listed).orElse(listed);
            machine(machineArn);
            if (StepFunctions.isVersionArn(listed)) {
                version(listed);
            }
            if (StepFunctions.isAliasArn(listed)) {
                alias(listed);
            }
        }
        String listedMachine = machineArn;
        String childPrefix = mapRun.map(run -> StepFunctions.mapRunChildName(run.mapRunArn(), 0)).map(name -> name.substring(0, name.length() - 1))
                .orElse("");
        Optional<String> status = input.string("statusFilter");
        status.filter(value -> !STATUSES.contains(value)).ifPresent(value -> {
            throw input.invalid("statusFilter", value, "Member must satisfy enum value set: [RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE]");
        });
        input.string("redriveFilter").ifPresent(value -> {
            if (!value.equals("REDRIVEN") && !value.equals("NOT_REDRIVEN")) {
                throw input.invalid("redriveFilter", value, "Member must satisfy enum value set: [REDRIVEN, NOT_REDRIVEN]");
            }
        });
        List<StateMachineExecution> matching = new ArrayList<>();
        for (StateMachineExecution execution : executions.all().values()) {
            boolean startedWith = listed.equals(listedMachine) || execution.versionArn().filter(listed::equals).isPresent()
                    || execution.aliasArn().filter(listed::equals).isPresent();
            if (execution.stateMachineArn().equals(listedMachine) && startedWith && execution.name().startsWith(childPrefix)
                    && status.map(execution.status()::equals).orElse(true)
                    && input.string("redriveFilter").map(filter -> filter.equals("REDRIVEN") == execution.redriveCount() > 0).orElse(true)) {
                matching.add(execution);
            }
        }
        // the newest first, as AWS lists them
        matching.sort(Comparator.comparingLong(StateMachineExecution::startMillis).reversed().thenComparing(StateMachineExecution::name));
        OffsetTokens.Slice<StateMachineExecution> page = OffsetTokens.slice(matching, input.string("nextToken"), maxResults(input), "InvalidToken");
        ObjectNode result = output();
        ArrayNode list = result.putArray("executions");
        for (StateMachineExecution execution : page.items()) {
            ObjectNode item = summary(list.addObject(), execution);
            mapRun.ifPresent(run -> item.put("mapRunArn", run.mapRunArn()));
            redriveSummary(item, execution);
        }
        page.nextToken().ifPresent(token -> result.put("nextToken", token));
        return result;
    }

    private JsonNode getExecutionHistory(JsonInput input)
    {
        StateMachineExecution execution = execution(input.requiredString("executionArn"));
        boolean reverse = input.bool("reverseOrder").orElse(false);
        boolean data = input.bool("includeExecutionData").orElse(true);
        List<HistoryRecord> events = StepFunctions.history(history, execution.executionArn());
        if (reverse) {
            java.util.Collections.reverse(events);
        }
        OffsetTokens.Slice<HistoryRecord> page = OffsetTokens.slice(events, input.string("nextToken"), maxResults(input), "InvalidToken");
        ObjectNode result = output();
        ArrayNode list = result.putArray("events");
        for (HistoryRecord event : page.items()) {
            ObjectNode item = list.addObject();
            item.put("timestamp", epochSeconds(Instant.ofEpochMilli(event.timestampMillis())));
            item.put("type", event.type());
            item.put("id", event.id());
            item.put("previousEventId", event.previousEventId());
            ObjectNode details;
            try {
                details = (ObjectNode) JSON.readTree(event.details());
            }
            catch (JsonProcessingException e) {
                throw ServiceException.internal("InternalFailure", "event " + event.id() + " of " + execution.executionArn()
                        + " is not stored as a JSON object", e);
            }
            if (!data) {
                details.remove(List.of("input", "output", "inputDetails", "outputDetails", "parameters"));
            }
            item.set(detailsField(event.type()), details);
        }
        page.nextToken().ifPresent(token -> result.put("nextToken", token));
        return result;
    }

    /** The member of AWS's {@code HistoryEvent} that holds an event's details, e.g. {@code stateEnteredEventDetails}. */
    static String detailsField(String type)
    {
        if (type.endsWith("StateEntered")) {
            return "stateEnteredEventDetails";
        }
        if (type.endsWith("StateExited")) {
            return "stateExitedEventDetails";
        }
        return Character.toLowerCase(type.charAt(0)) + type.substring(1) + "EventDetails";
    }

    private JsonNode stopExecution(JsonInput input)
    {
        String arn = input.requiredString("executionArn");
        Optional<String> error = optionalText(input, "error", 256);
        Optional<String> cause = optionalText(input, "cause", 32768);
        StateMachineExecution execution = execution(arn);
        if (!execution.running()) {
            return output().put("stopDate", epochSeconds(Instant.ofEpochMilli(execution.stopMillis())));
        }
        return output().put("stopDate", epochSeconds(engine.stop(arn, error, cause)));
    }

    // map runs

    private JsonNode describeMapRun(JsonInput input)
    {
        MapRun run = mapRun(input.requiredString("mapRunArn"));
        String machineArn = StepFunctions.mapRunChildMachineArn(run.mapRunArn());
        long[] items = new long[6];
        long[] children = new long[6];
        // EXPRESS children are not redriven by lakestack: their failures are not redrivable
        long[] notRedrivable = new long[2];
        for (int i = 0; i < run.itemsPerChild().size(); i++) {
            String name = StepFunctions.mapRunChildName(run.mapRunArn(), i);
            Optional<StateMachineExecution> child = executions.get(StepFunctions.executionArn(machineArn, name, false))
                    .or(() -> executions.get(StepFunctions.executionArn(machineArn, name, true)));
            int slot = child.map(execution -> switch (execution.status()) {
                case StateMachineExecution.RUNNING -> 1;
                case StateMachineExecution.SUCCEEDED -> 2;
                case StateMachineExecution.FAILED -> 3;
                case StateMachineExecution.TIMED_OUT -> 4;
                default -> 5;
            }).orElse(0);
            items[slot] += run.itemsPerChild().get(i);
            children[slot]++;
            if (slot >= 3 && child.get().express()) {
                notRedrivable[0] += run.itemsPerChild().get(i);
                notRedrivable[1]++;
            }
        }
        ObjectNode result = output();
        result.put("mapRunArn", run.mapRunArn());
        result.put("executionArn", run.executionArn());
        result.put("status", run.status());
        result.put("startDate", epochSeconds(Instant.ofEpochMilli(run.startMillis())));
        if (!run.running()) {
            result.put("stopDate", epochSeconds(Instant.ofEpochMilli(run.stopMillis())));
        }
        result.put("maxConcurrency", run.maxConcurrency());
        result.put("toleratedFailurePercentage", Math.max(0, run.toleratedFailurePercentage()));
        result.put("toleratedFailureCount", Math.max(0, run.toleratedFailureCount()));
        long itemsTotal = run.itemsPerChild().stream().mapToLong(Integer::longValue).sum();
        counts(result.putObject("itemCounts"), items, itemsTotal, run.running() ? 0 : run.resultsWritten(), notRedrivable[0]);
        long childrenWritten = 0;
        if (!run.running() && run.resultsWritten() > 0) {
            childrenWritten = children[2] + children[3] + children[4] + children[5];
        }
        counts(result.putObject("executionCounts"), children, run.itemsPerChild().size(), childrenWritten, notRedrivable[1]);
        result.put("redriveCount", run.redriveCount());
        if (run.redriveCount() > 0) {
            result.put("redriveDate", epochSeconds(Instant.ofEpochMilli(run.redriveMillis())));
        }
        return result;
    }

    private static void counts(ObjectNode node, long[] counts, long total, long written, long notRedrivable)
    {
        node.put("pending", counts[0]);
        node.put("running", counts[1]);
        node.put("succeeded", counts[2]);
        node.put("failed", counts[3]);
        node.put("timedOut", counts[4]);
        node.put("aborted", counts[5]);
        node.put("total", total);
        node.put("resultsWritten", written);
        node.put("failuresNotRedrivable", notRedrivable);
        node.put("pendingRedrive", 0);
    }

    private JsonNode listMapRuns(JsonInput input)
    {
        StateMachineExecution execution = execution(input.requiredString("executionArn"));
        List<MapRun> runs = new ArrayList<>();
        for (MapRun run : mapRuns.all().values()) {
            if (run.executionArn().equals(execution.executionArn())) {
                runs.add(run);
            }
        }
        runs.sort(Comparator.comparingLong(MapRun::startMillis).reversed().thenComparing(MapRun::mapRunArn));
        OffsetTokens.Slice<MapRun> page = OffsetTokens.slice(runs, input.string("nextToken"), maxResults(input), "InvalidToken");
        ObjectNode result = output();
        ArrayNode list = result.putArray("mapRuns");
        for (MapRun run : page.items()) {
            ObjectNode item = list.addObject();
            item.put("executionArn", run.executionArn());
            item.put("mapRunArn", run.mapRunArn());
            item.put("stateMachineArn", StepFunctions.mapRunChildMachineArn(run.mapRunArn()));
            item.put("startDate", epochSeconds(Instant.ofEpochMilli(run.startMillis())));
            if (!run.running()) {
                item.put("stopDate", epochSeconds(Instant.ofEpochMilli(run.stopMillis())));
            }
        }
        page.nextToken().ifPresent(token -> result.put("nextToken", token));
        return result;
    }

    // versions

    private JsonNode publishVersion(JsonInput input)
    {
        String arn = input.requiredString("stateMachineArn");
        machine(arn);
        Optional<String> revisionId = input.string("revisionId");
        Optional<String> description = input.string("description");
        description.filter(text -> text.length() > 256).ifPresent(text -> {
            throw input.invalid("description", text, "Member must have length less than or equal to 256");
        });
        StateMachineVersion version = publish(arn, revisionId, description);
        return output().put("stateMachineVersionArn", version.arn()).put("creationDate", epochSeconds(Instant.ofEpochMilli(version.createdMillis())));
    }

    /**
     * A version of the machine's current revision: the latest version when it was published from this revision (as AWS,
     * publishing is idempotent), else a new one numbered after every version ever published.
     */
    private StateMachineVersion publish(String machineArn, Optional<String> revisionId, Optional<String> description)
    {
        synchronized (lock(machineArn)) {
            StateMachine machine = machine(machineArn);
            String current = machine.revisionId().isEmpty() ? "INITIAL" : machine.revisionId();
            revisionId.filter(expected -> !expected.equals(current)).ifPresent(expected -> {
                throw ServiceException.user("ConflictException", "Failed to publish the State Machine version: revisionId '" + expected
                        + "' is not the current revision of " + machineArn + " ('" + current + "'); DescribeStateMachine gives it");
            });
            List<StateMachineVersion> published = versionsOf(machineArn);
            if (!published.isEmpty() && published.get(0).revisionId().equals(machine.revisionId())) {
                return published.get(0);
            }
            if (published.size() >= MAX_VERSIONS) {
                throw ServiceException.user("ServiceQuotaExceededException", machineArn + " has " + MAX_VERSIONS
                        + " versions, the most a state machine has; DeleteStateMachineVersion deletes one");
            }
            int number = machine.lastVersion() + 1;
            // the number is taken before the version is stored: it is never used again, even if storing it fails
            machines.put(machineArn, machine.withLastVersion(number));
            StateMachineVersion version = new StateMachineVersion(StepFunctions.versionArn(machineArn, number), machineArn, number, machine.definition(),
                    machine.roleArn(), description.orElse(""), machine.revisionId(), clock.millis());
            versions.put(version.arn(), version);
            return version;
        }
    }

    private JsonNode listVersions(JsonInput input)
    {
        StateMachine machine = machine(input.requiredString("stateMachineArn"));
        OffsetTokens.Slice<StateMachineVersion> page = OffsetTokens.slice(versionsOf(machine.arn()), input.string("nextToken"), maxResults(input),
                "InvalidToken");
        ObjectNode result = output();
        ArrayNode list = result.putArray("stateMachineVersions");
        for (StateMachineVersion version : page.items()) {
            list.addObject().put("stateMachineVersionArn", version.arn()).put("creationDate", epochSeconds(Instant.ofEpochMilli(version.createdMillis())));
        }
        page.nextToken().ifPresent(token -> result.put("nextToken", token));
        return result;
    }

    private JsonNode updateMapRun(JsonInput input)
    {
        MapRun run = mapRun(input.requiredString("mapRunArn"));
        Optional<Integer> maxConcurrency = input.integer("maxConcurrency", 0, 10_000);
        Optional<Double> percentage = Optional.empty();
        if (input.has("toleratedFailurePercentage")) {
            JsonNode value = input.raw().get("toleratedFailurePercentage");
            if (!value.isNumber() || value.doubleValue() < 0 || value.doubleValue() > 100) {
                throw input.invalid("toleratedFailurePercentage", value.toString(), "Member must have value between 0 and 100");
            }
            percentage = Optional.of(value.doubleValue());
        }
        Optional<Long> count = Optional.empty();
        if (input.has("toleratedFailureCount")) {
            JsonNode value = input.raw().get("toleratedFailureCount");
            if (!value.isIntegralNumber() || value.longValue() < 0) {
                throw input.invalid("toleratedFailureCount", value.toString(), "Member must have value greater than or equal to 0");
            }
            count = Optional.of(value.longValue());
        }
        if (maxConcurrency.isEmpty() && percentage.isEmpty() && count.isEmpty()) {
            throw ServiceException.user(VALIDATION, "At least one of the parameters maxConcurrency, toleratedFailurePercentage or "
                    + "toleratedFailureCount must be specified");
        }
        if (!run.running()) {
            throw ServiceException.user("InvalidArn", "The Map Run " + run.mapRunArn() + " has ended (" + run.status() + "); only a running Map Run "
                    + "can be updated");
        }
        mapRuns.put(run.mapRunArn(), run.updated(maxConcurrency.orElse(run.maxConcurrency()), percentage.orElse(run.toleratedFailurePercentage()),
                count.orElse(run.toleratedFailureCount())));
        return output();
    }

    private MapRun mapRun(String arn)
    {
        if (!StepFunctions.isMapRunArn(arn)) {
            throw ServiceException.user("InvalidArn", "Invalid Arn: '" + arn + "' is not a Map Run ARN "
                    + "(arn:aws:states:<region>:<account>:mapRun:<machine>/<label>:<id>)");
        }
        return mapRuns.getLatest(arn).orElseThrow(() -> ServiceException.user("ResourceNotFound", "Resource not found: Map Run '" + arn + "'"));
    }

    private JsonNode deleteVersion(JsonInput input)
    {
        String arn = input.requiredString("stateMachineVersionArn");
        checkVersionArn(arn);
        String machineArn = StepFunctions.stateMachineOfQualified(arn).orElseThrow();
        synchronized (lock(machineArn)) {
            List<String> routing = aliasesOf(machineArn).stream().filter(alias -> alias.routesTo(arn)).map(StateMachineAlias::arn).toList();
            if (!routing.isEmpty()) {
                throw ServiceException.user("ConflictException", "Version " + arn + " cannot be deleted while aliases route to it: "
                        + String.join(", ", routing) + " (UpdateStateMachineAlias or DeleteStateMachineAlias first)");
            }
            // deleting a version that is gone succeeds; its executions under way go on
            versions.delete(arn);
        }
        return output();
    }

    /** The machine's versions, the newest first. */
    private List<StateMachineVersion> versionsOf(String machineArn)
    {
        List<StateMachineVersion> all = new ArrayList<>(versions.range(machineArn + ":", machineArn + ";").values());
        all.removeIf(version -> !version.stateMachineArn().equals(machineArn));
        all.sort(Comparator.comparingInt(StateMachineVersion::number).reversed());
        return all;
    }

    private StateMachineVersion version(String arn)
    {
        checkVersionArn(arn);
        return versions.getLatest(arn).orElseThrow(() -> ServiceException.user("ResourceNotFound", "Resource not found: '" + arn
                + "' (no such version; ListStateMachineVersions lists them)"));
    }

    private static void checkVersionArn(String arn)
    {
        if (!StepFunctions.isVersionArn(arn)) {
            throw ServiceException.user("InvalidArn", "Invalid Arn: '" + arn + "' is not a state machine version ARN "
                    + "(arn:aws:states:<region>:<account>:stateMachine:<name>:<version number>)");
        }
    }

    // aliases

    private JsonNode createAlias(JsonInput input)
    {
        String name = input.requiredString("name");
        if (!ALIAS_NAME.matcher(name).matches()) {
            throw ServiceException.user("InvalidName", "Invalid Name: '" + name + "' (an alias name has 1 to 80 letters, digits, '-', '_' or '.', "
                    + "and is not a number)");
        }
        String description = aliasDescription(input).orElse("");
        List<StateMachineAlias.Route> routes = routes(input);
        String machineArn = StepFunctions.stateMachineOfQualified(routes.get(0).versionArn()).orElseThrow();
        String arn = StepFunctions.aliasArn(machineArn, name);
        synchronized (lock(machineArn)) {
            machine(machineArn);
            routes.forEach(route -> version(route.versionArn()));
            Optional<StateMachineAlias> existing = aliases.getLatest(arn);
            if (existing.isPresent()) {
                StateMachineAlias old = existing.get();
                // idempotent on the whole request, as on AWS
                if (!old.routes().equals(routes) || !old.description().equals(description)) {
                    throw ServiceException.user("ConflictException", "Alias " + arn + " exists with another routing configuration or description "
                            + "(UpdateStateMachineAlias changes it)");
                }
                return output().put("stateMachineAliasArn", arn).put("creationDate", epochSeconds(Instant.ofEpochMilli(old.createdMillis())));
            }
            if (aliasesOf(machineArn).size() >= MAX_ALIASES) {
                throw ServiceException.user("ServiceQuotaExceededException", machineArn + " has " + MAX_ALIASES + " aliases, the most a state machine has");
            }
            long now = clock.millis();
            aliases.put(arn, new StateMachineAlias(name, arn, machineArn, description, routes, now, now));
            return output().put("stateMachineAliasArn", arn).put("creationDate", epochSeconds(Instant.ofEpochMilli(now)));
        }
    }

    private JsonNode describeAlias(JsonInput input)
    {
        StateMachineAlias alias = alias(input.requiredString("stateMachineAliasArn"));
        ObjectNode result = output();
        result.put("stateMachineAliasArn", alias.arn());
        result.put("name", alias.name());
        if (!alias.description().isEmpty()) {
            result.put("description", alias.description());
        }
        ArrayNode routing = result.putArray("routingConfiguration");
        alias.routes().forEach(route -> routing.addObject().put("stateMachineVersionArn", route.versionArn()).put("weight", route.weight()));
        result.put("creationDate", epochSeconds(Instant.ofEpochMilli(alias.createdMillis())));
        result.put("updateDate", epochSeconds(Instant.ofEpochMilli(alias.updatedMillis())));
        return result;
    }

    private JsonNode updateAlias(JsonInput input)
    {
        String arn = input.requiredString("stateMachineAliasArn");
        alias(arn);
        Optional<String> description = aliasDescription(input);
        Optional<List<StateMachineAlias.Route>> routes = input.has("routingConfiguration") ? Optional.of(routes(input)) : Optional.empty();
        if (description.isEmpty() && routes.isEmpty()) {
            throw ServiceException.user(VALIDATION, "Either the description or the routingConfiguration must be specified");
        }
        String machineArn = StepFunctions.stateMachineOfQualified(arn).orElseThrow();
        routes.ifPresent(list -> list.forEach(route -> {
            if (!StepFunctions.stateMachineOfQualified(route.versionArn()).orElseThrow().equals(machineArn)) {
                throw ServiceException.user(VALIDATION, "Version " + route.versionArn() + " is not a version of " + machineArn + ", the machine of the alias");
            }
        }));
        long now = clock.millis();
        synchronized (lock(machineArn)) {
            StateMachineAlias alias = alias(arn);
            routes.ifPresent(list -> list.forEach(route -> version(route.versionArn())));
            aliases.put(arn, new StateMachineAlias(alias.name(), arn, machineArn, description.orElse(alias.description()), routes.orElse(alias.routes()),
                    alias.createdMillis(), now));
        }
        return output().put("updateDate", epochSeconds(Instant.ofEpochMilli(now)));
    }

    private JsonNode deleteAlias(JsonInput input)
    {
        String arn = input.requiredString("stateMachineAliasArn");
        alias(arn);
        // executions started with it go on with the version they run
        aliases.delete(arn);
        return output();
    }

    private JsonNode listAliases(JsonInput input)
    {
        String arn = input.requiredString("stateMachineArn");
        // a version's ARN lists the aliases that route to it
        String machineArn = StepFunctions.isVersionArn(arn) ? version(arn).stateMachineArn() : machine(arn).arn();
        List<StateMachineAlias> listed = new ArrayList<>(aliasesOf(machineArn));
        if (StepFunctions.isVersionArn(arn)) {
            listed.removeIf(alias -> !alias.routesTo(arn));
        }
        OffsetTokens.Slice<StateMachineAlias> page = OffsetTokens.slice(listed, input.string("nextToken"), maxResults(input), "InvalidToken");
        ObjectNode result = output();
        ArrayNode list = result.putArray("stateMachineAliases");
        for (StateMachineAlias alias : page.items()) {
            list.addObject().put("stateMachineAliasArn", alias.arn()).put("creationDate", epochSeconds(Instant.ofEpochMilli(alias.createdMillis())));
        }
        page.nextToken().ifPresent(token -> result.put("nextToken", token));
        return result;
    }

    private static Optional<String> aliasDescription(JsonInput input)
    {
        Optional<String> description = input.string("description");
        description.filter(text -> text.length() > 256).ifPresent(text -> {
            throw input.invalid("description", text, "Member must have length less than or equal to 256");
        });
        return description;
    }

    /** {@code routingConfiguration}: one or two versions of one machine, their weights summing to 100. */
    private static List<StateMachineAlias.Route> routes(JsonInput input)
    {
        if (!input.hasList("routingConfiguration")) {
            throw input.missing("routingConfiguration");
        }
        List<JsonInput> items = input.objects("routingConfiguration");
        if (items.isEmpty() || items.size() > 2) {
            throw input.invalid("routingConfiguration", items.size() + " items", "Member must have length between 1 and 2");
        }
        List<StateMachineAlias.Route> routes = new ArrayList<>();
        int sum = 0;
        for (JsonInput item : items) {
            String versionArn = item.requiredString("stateMachineVersionArn");
            checkVersionArn(versionArn);
            if (!item.has("weight")) {
                throw item.missing("weight");
            }
            int weight = item.integer("weight", 0, 100).orElseThrow();
            if (routes.stream().anyMatch(route -> route.versionArn().equals(versionArn))) {
                throw ServiceException.user(VALIDATION, "Routing configuration names version " + versionArn + " twice");
            }
            if (!routes.isEmpty() && !StepFunctions.stateMachineOfQualified(routes.get(0).versionArn()).equals(StepFunctions.stateMachineOfQualified(versionArn))) {
                throw ServiceException.user(VALIDATION, "Routing configuration names versions of two state machines: " + routes.get(0).versionArn()
                        + " and " + versionArn);
            }
            routes.add(new StateMachineAlias.Route(versionArn, weight));
            sum += weight;
        }
        if (sum != 100) {
            throw ServiceException.user(VALIDATION, "The weights of the routing configuration sum to " + sum + "; they must sum to 100");
        }
        return routes;
    }

    private StateMachineAlias alias(String arn)
    {
        if (!StepFunctions.isAliasArn(arn)) {
            throw ServiceException.user("InvalidArn", "Invalid Arn: '" + arn + "' is not a state machine alias ARN "
                    + "(arn:aws:states:<region>:<account>:stateMachine:<name>:<alias name>)");
        }
        return aliases.getLatest(arn).orElseThrow(() -> ServiceException.user("ResourceNotFound", "Resource not found: '" + arn + "' (no such alias)"));
    }

    /** The machine's aliases in name order. */
    private List<StateMachineAlias> aliasesOf(String machineArn)
    {
        List<StateMachineAlias> all = new ArrayList<>(aliases.range(machineArn + ":", machineArn + ";").values());
        all.removeIf(alias -> !alias.stateMachineArn().equals(machineArn));
        return all;
    }

    private static Object lock(String machineArn)
    {
        return MACHINE_LOCKS[Math.floorMod(machineArn.hashCode(), MACHINE_LOCKS.length)];
    }

    // activities

    private JsonNode createActivity(JsonInput input, String region)
    {
        String name = name(input, "name");
        input.optionalObject("encryptionConfiguration").ifPresent(encryption -> {
            String type = encryption.string("type").orElse("AWS_OWNED_KEY");
            if (!type.equals("AWS_OWNED_KEY")) {
                throw ServiceException.user("InvalidEncryptionConfiguration", "lakestack does not encrypt with customer-managed KMS keys: "
                        + "encryptionConfiguration.type must be AWS_OWNED_KEY (it was " + type + ")");
            }
        });
        Map<String, String> tags = tags(input);
        String arn = StepFunctions.activityArn(region, accountId, name);
        // idempotent on the name: a repeat with other tags answers the same activity and leaves its tags, as on AWS
        Activity activity = activities.getLatest(arn).orElseGet(() -> {
            Activity created = new Activity(name, arn, tags, clock.millis());
            activities.put(arn, created);
            return created;
        });
        return output().put("activityArn", activity.arn()).put("creationDate", epochSeconds(Instant.ofEpochMilli(activity.createdMillis())));
    }

    private JsonNode describeActivity(JsonInput input)
    {
        Activity activity = activity(input.requiredString("activityArn"));
        ObjectNode result = output();
        result.put("activityArn", activity.arn());
        result.put("name", activity.name());
        result.put("creationDate", epochSeconds(Instant.ofEpochMilli(activity.createdMillis())));
        result.putObject("encryptionConfiguration").put("type", "AWS_OWNED_KEY");
        return result;
    }

    private JsonNode listActivities(JsonInput input)
    {
        List<Activity> all = new ArrayList<>(activities.all().values());
        all.sort(Comparator.comparing(Activity::name));
        OffsetTokens.Slice<Activity> page = OffsetTokens.slice(all, input.string("nextToken"), maxResults(input), "InvalidToken");
        ObjectNode result = output();
        ArrayNode list = result.putArray("activities");
        for (Activity activity : page.items()) {
            list.addObject().put("activityArn", activity.arn()).put("name", activity.name())
                    .put("creationDate", epochSeconds(Instant.ofEpochMilli(activity.createdMillis())));
        }
        page.nextToken().ifPresent(token -> result.put("nextToken", token));
        return result;
    }

    private JsonNode deleteActivity(JsonInput input)
    {
        String arn = input.requiredString("activityArn");
        checkActivityArn(arn);
        // deleting an activity that is gone succeeds, as on AWS; a task of it scheduled from now on fails (ActivityScheduleFailed)
        activities.delete(arn);
        return output();
    }

    private JsonNode getActivityTask(JsonInput input)
    {
        Activity activity = activity(input.requiredString("activityArn"));
        String workerName = input.string("workerName").orElse("");
        if (workerName.length() > 80) {
            throw input.invalid("workerName", workerName, "Member must have length less than or equal to 80");
        }
        Optional<ActivityTask> task;
        try {
            task = engine.getActivityTask(activity.arn(), workerName, Duration.ofSeconds(ACTIVITY_POLL_SECONDS));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ServiceException.internal("InternalFailure", "interrupted while waiting for a task of " + activity.arn(), e);
        }
        ObjectNode result = output();
        // no task in time: no taskToken and no input, which the SDKs read as null
        task.ifPresent(taken -> result.put("taskToken", taken.taskToken()).put("input", taken.input()));
        return result;
    }

    private Activity activity(String arn)
    {
        checkActivityArn(arn);
        return activities.getLatest(arn).orElseThrow(() -> ServiceException.user("ActivityDoesNotExist", "Activity Does Not Exist: '" + arn + "'"));
    }

    private static void checkActivityArn(String arn)
    {
        if (!StepFunctions.isActivityArn(arn)) {
            throw ServiceException.user("InvalidArn", "Invalid Arn: '" + arn + "' is not an activity ARN "
                    + "(arn:aws:states:<region>:<account>:activity:<name>)");
        }
    }

    // task callbacks

    private JsonNode sendTaskSuccess(JsonInput input)
    {
        String token = taskToken(input);
        String output = input.requiredString("output");
        if (output.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_INPUT) {
            throw input.invalid("output", "(" + output.length() + " characters)", "Member must have length less than or equal to " + MAX_INPUT);
        }
        try {
            JsonNode parsed = JSON.readTree(output);
            if (parsed == null || parsed.isMissingNode()) {
                throw ServiceException.user("InvalidOutput", "Invalid Output: the output is empty; it must be a JSON value");
            }
        }
        catch (JsonProcessingException e) {
            throw ServiceException.user("InvalidOutput", "Invalid Output: '" + e.getOriginalMessage() + "'");
        }
        engine.sendTaskSuccess(token, output);
        return output();
    }

    private JsonNode sendTaskFailure(JsonInput input)
    {
        String token = taskToken(input);
        Optional<String> error = optionalText(input, "error", 256);
        Optional<String> cause = optionalText(input, "cause", 32768);
        engine.sendTaskFailure(token, error, cause);
        return output();
    }

    private JsonNode sendTaskHeartbeat(JsonInput input)
    {
        engine.sendTaskHeartbeat(taskToken(input));
        return output();
    }

    /** An optional text field of at most {@code max} characters ({@code error} and {@code cause} of a stop or failure). */
    private static Optional<String> optionalText(JsonInput input, String field, int max)
    {
        Optional<String> value = input.string(field);
        value.filter(text -> text.length() > max).ifPresent(text -> {
            throw input.invalid(field, text, "Member must have length less than or equal to " + max);
        });
        return value;
    }

    private static String taskToken(JsonInput input)
    {
        String token = input.requiredString("taskToken");
        checkLength(input, "taskToken", token, 2048);
        if (token.isEmpty()) {
            throw input.invalid("taskToken", token, "Member must have length greater than or equal to 1");
        }
        return token;
    }

    // tags

    private JsonNode tagResource(JsonInput input)
    {
        String arn = input.requiredString("resourceArn");
        Map<String, String> current = taggable(arn);
        if (!input.has("tags")) {
            throw input.missing("tags");
        }
        Map<String, String> tags = new TreeMap<>(current);
        tags.putAll(tags(input));
        if (tags.size() > MAX_TAGS) {
            throw ServiceException.user("TooManyTags", "A resource has at most " + MAX_TAGS + " tags; " + arn + " would have " + tags.size());
        }
        retag(arn, tags);
        return output();
    }

    private JsonNode untagResource(JsonInput input)
    {
        String arn = input.requiredString("resourceArn");
        Map<String, String> tags = new TreeMap<>(taggable(arn));
        if (!input.has("tagKeys")) {
            throw input.missing("tagKeys");
        }
        input.strings("tagKeys").forEach(tags::remove);
        retag(arn, tags);
        return output();
    }

    private JsonNode listTags(JsonInput input)
    {
        Map<String, String> tags = taggable(input.requiredString("resourceArn"));
        ObjectNode result = output();
        ArrayNode list = result.putArray("tags");
        new TreeMap<>(tags).forEach((key, value) -> list.addObject().put("key", key).put("value", value));
        return result;
    }

    /** The tags of a state machine or activity. */
    private Map<String, String> taggable(String arn)
    {
        if (StepFunctions.isActivityArn(arn)) {
            return activities.getLatest(arn).orElseThrow(() -> ServiceException.user("ResourceNotFound", "Resource not found: '" + arn + "'")).tags();
        }
        if (!StepFunctions.isStateMachineArn(arn)) {
            throw ServiceException.user("InvalidArn", "Invalid Arn: '" + arn + "': lakestack tags state machines "
                    + "(arn:aws:states:<region>:<account>:stateMachine:<name>) and activities (...:activity:<name>), not executions");
        }
        return machines.getLatest(arn).orElseThrow(() -> ServiceException.user("ResourceNotFound", "Resource not found: '" + arn + "'")).tags();
    }

    private void retag(String arn, Map<String, String> tags)
    {
        if (StepFunctions.isActivityArn(arn)) {
            activities.getLatest(arn).ifPresent(activity -> activities.put(arn, activity.withTags(tags)));
        }
        else {
            machines.getLatest(arn).ifPresent(machine -> machines.put(arn, machine.withTags(tags)));
        }
    }

    private static Map<String, String> tags(JsonInput input)
    {
        Map<String, String> tags = new TreeMap<>();
        for (JsonInput tag : input.objects("tags")) {
            String key = tag.requiredString("key", Pattern.compile("(?s).+"), 128);
            String value = tag.string("value").orElse("");
            if (value.length() > 256) {
                throw tag.invalid("value", value, "Member must have length less than or equal to 256");
            }
            tags.put(key, value);
        }
        if (tags.size() > MAX_TAGS) {
            throw ServiceException.user("TooManyTags", "A resource has at most " + MAX_TAGS + " tags, not " + tags.size());
        }
        return tags;
    }

    // checks

    private StateMachine machine(String arn)
    {
        checkStateMachineArn(arn);
        return machines.getLatest(arn).orElseThrow(() -> ServiceException.user("StateMachineDoesNotExist", "State Machine Does Not Exist: '" + arn + "'"));
    }

    private static void checkStateMachineArn(String arn)
    {
        if (!StepFunctions.isStateMachineArn(arn)) {
            throw ServiceException.user("InvalidArn", "Invalid Arn: '" + arn + "' is not a state machine ARN "
                    + "(arn:aws:states:<region>:<account>:stateMachine:<name>)");
        }
    }

    private StateMachineExecution execution(String arn)
    {
        if (StepFunctions.stateMachineOfExecution(arn).isEmpty()) {
            throw ServiceException.user("InvalidArn", "Invalid Arn: '" + arn + "' is not an execution ARN "
                    + "(arn:aws:states:<region>:<account>:execution:<machine>:<name>)");
        }
        return executions.getLatest(arn).orElseThrow(() -> ServiceException.user("ExecutionDoesNotExist", "Execution Does Not Exist: '" + arn + "'"));
    }

    private static String name(JsonInput input, String field)
    {
        String name = input.requiredString(field);
        if (name.isEmpty() || name.length() > 80) {
            throw ServiceException.user("InvalidName", "Invalid Name: '" + name + "' (a name has 1 to 80 characters)");
        }
        if (FORBIDDEN_NAME.matcher(name).find()) {
            throw ServiceException.user("InvalidName", "Invalid Name: '" + name + "' (a name has no whitespace, brackets < > { } [ ], wildcards ? *, "
                    + "control characters or any of \" # % \\ ^ | ~ ` $ & , ; : /)");
        }
        return name;
    }

    private static String roleArn(JsonInput input)
    {
        String role = input.requiredString("roleArn");
        checkLength(input, "roleArn", role, 256);
        if (!ROLE_ARN.matcher(role).matches()) {
            throw ServiceException.user("InvalidArn", "Invalid Arn: 'Resource type not valid in this context: " + role
                    + "' (the role is an IAM role ARN, arn:aws:iam::<account>:role/<name>)");
        }
        return role;
    }

    private static void checkLength(JsonInput input, String field, String value, int max)
    {
        if (value.isEmpty()) {
            throw input.invalid(field, value, "Member must have length greater than or equal to 1");
        }
        if (value.length() > max) {
            throw input.invalid(field, value.substring(0, 32) + "...", "Member must have length less than or equal to " + max);
        }
    }

    /**
     * The request's {@code loggingConfiguration}, empty when it has none: its destination is a log group of this account
     * and region that exists, as AWS checks.
     */
    private Optional<LoggingConfiguration> logging(JsonInput input, String region)
    {
        Optional<JsonInput> node = input.optionalObject("loggingConfiguration");
        if (node.isEmpty()) {
            return Optional.empty();
        }
        JsonInput logging = node.get();
        String level = logging.string("level").orElse("OFF");
        if (!LoggingConfiguration.LEVELS.contains(level)) {
            throw logging.invalid("level", level, "Member must satisfy enum value set: [ALL, ERROR, FATAL, OFF]");
        }
        boolean data = logging.bool("includeExecutionData").orElse(false);
        List<JsonInput> destinations = logging.hasList("destinations") ? logging.objects("destinations") : List.of();
        if (destinations.size() > 1) {
            throw ServiceException.user("InvalidLoggingConfiguration", "Invalid Logging Configuration: a loggingConfiguration has at most 1 destination, not "
                    + destinations.size());
        }
        if (destinations.isEmpty()) {
            if (!level.equals("OFF")) {
                throw ServiceException.user("InvalidLoggingConfiguration", "Invalid Logging Configuration: level " + level
                        + " needs a destination (destinations: [{cloudWatchLogsLogGroup: {logGroupArn: ...}}])");
            }
            return Optional.of(new LoggingConfiguration(level, data, Optional.empty()));
        }
        String groupArn = destinations.get(0).optionalObject("cloudWatchLogsLogGroup").flatMap(group -> group.string("logGroupArn"))
                .orElseThrow(() -> ServiceException.user("InvalidLoggingConfiguration", "Invalid Logging Configuration: the destination has no "
                        + "cloudWatchLogsLogGroup.logGroupArn"));
        Matcher matcher = LOG_GROUP_ARN.matcher(groupArn);
        if (!matcher.matches()) {
            throw ServiceException.user("InvalidLoggingConfiguration", "Invalid Logging Configuration: '" + groupArn + "' is not a log group ARN "
                    + "(arn:aws:logs:<region>:<account>:log-group:<name>:*)");
        }
        if (logs.isEmpty()) {
            throw ServiceException.user("InvalidLoggingConfiguration", "lakestack runs this Step Functions without CloudWatch Logs: "
                    + "loggingConfiguration may only be level OFF without destinations");
        }
        String name = matcher.group(3);
        boolean found = matcher.group(1).equals(region) && matcher.group(2).equals(accountId)
                && logs.get().group(name).filter(group -> group.region().map(region::equals).orElse(true)).isPresent();
        if (!found) {
            throw ServiceException.user("InvalidLoggingConfiguration", "Invalid Logging Configuration: Log Destination not found: '" + groupArn
                    + "' (CreateLogGroup creates the group in " + region + " of account " + accountId + ")");
        }
        return Optional.of(new LoggingConfiguration(level, data, Optional.of(groupArn)));
    }

    /** Tracing and KMS encryption that lakestack would store and not apply are refused. */
    private static void refuseUnapplied(JsonInput input)
    {
        input.optionalObject("tracingConfiguration").ifPresent(tracing -> {
            if (tracing.bool("enabled").orElse(false)) {
                throw ServiceException.user("InvalidTracingConfiguration", "lakestack does not trace executions with X-Ray: "
                        + "tracingConfiguration.enabled must be false");
            }
        });
        input.optionalObject("encryptionConfiguration").ifPresent(encryption -> {
            String type = encryption.string("type").orElse("AWS_OWNED_KEY");
            if (!type.equals("AWS_OWNED_KEY")) {
                throw ServiceException.user("InvalidEncryptionConfiguration", "lakestack does not encrypt with customer-managed KMS keys: "
                        + "encryptionConfiguration.type must be AWS_OWNED_KEY (it was " + type + ")");
            }
        });
    }

    private void checkDefinition(String definition, String type)
    {
        List<DefinitionProblem> problems = engine.validate(definition, type);
        if (!problems.isEmpty()) {
            throw ServiceException.user("InvalidDefinition", "Invalid State Machine Definition: '"
                    + String.join(", ", problems.stream().map(DefinitionProblem::toString).toList()) + "'");
        }
    }

    private static int maxResults(JsonInput input)
    {
        return input.integer("maxResults", 0, 1000).filter(value -> value > 0).orElse(100);
    }
}
