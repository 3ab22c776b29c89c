package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/**
 * Step Functions' {@code TestState}: runs one state of a definition once, with the input and output processing steps
 * of executions ({@link Execution}'s {@code InputPath}, {@code ResultPath}, {@code OutputPath}, payload templates,
 * JSONata expressions, Choice rules), and reports its output, where it goes next, and what each step produced.
 *
 * <p>As on AWS: a Task runs for real through the {@link TaskInvoker} unless mocked; activities, {@code .sync},
 * {@code .waitForTaskToken}, Parallel and Map states are tested only with a mock; a failure that a Retrier with
 * attempts left matches ends {@link Status#RETRIABLE} (nothing is retried), one that a Catcher matches ends
 * {@link Status#CAUGHT_ERROR} with the Catcher's output and {@code Next}. A Wait state does not wait: it reports its
 * output and next state at once. Nothing is recorded: there is no execution and no history.
 *
 * <p>Where lakestack differs from AWS: the inspection data of a mocked Map or Parallel state holds the input, the
 * {@code InputPath}, the result and the result processing steps, not the Map's item steps ({@code afterItemsPath},
 * {@code afterItemSelector}, ...).
 */
public final class StateTester
{
    /** AWS: the name under which a single state's definition is tested (its {@code $$.State.Name}). */
    public static final String SINGLE_STATE_NAME = "TestState";
    /** AWS: TestState runs a state for at most five minutes, then fails it with {@code States.Timeout}. */
    static final int MAX_SECONDS = 300;
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    public enum Status
    {
        SUCCEEDED, FAILED, RETRIABLE, CAUGHT_ERROR
    }

    /** A request that cannot be tested as given (AWS's {@code ValidationException}); the message says what to change. */
    public static final class RefusedException
            extends RuntimeException
    {
        RefusedException(String message)
        {
            super(message);
        }
    }

    /** The machine whose state is tested, and that state's name. */
    public record Tested(String definition, String stateName)
    {
        public Tested
        {
            requireNonNull(definition, "definition is null");
            requireNonNull(stateName, "stateName is null");
        }
    }

    /** A mocked result of a Task, Map or Parallel: its result, or the error it fails with. */
    public record Mock(Optional<JsonNode> result, String error, String cause)
    {
        public Mock
        {
            requireNonNull(result, "result is null");
            requireNonNull(error, "error is null");
            requireNonNull(cause, "cause is null");
        }

        public static Mock result(JsonNode result)
        {
            return new Mock(Optional.of(result), "", "");
        }

        public static Mock failure(String error, String cause)
        {
            return new Mock(Optional.empty(), error, cause);
        }
    }

    /**
     * @param executionArn the ARN the state sees as its execution's ({@code $$.Execution.Id}) and hands to its task
     * @param context members set over the generated context object ({@code $$})
     * @param retrierRetryCount the attempts already made of the Retrier that matches the state's error (0 when empty)
     */
    public record Request(String executionArn, String roleArn, JsonNode input, ObjectNode variables, Optional<ObjectNode> context, Optional<Mock> mock,
            Optional<Integer> retrierRetryCount, Instant now)
    {
        public Request
        {
            requireNonNull(executionArn, "executionArn is null");
            requireNonNull(roleArn, "roleArn is null");
            requireNonNull(input, "input is null");
            requireNonNull(variables, "variables is null");
            requireNonNull(context, "context is null");
            requireNonNull(mock, "mock is null");
            requireNonNull(retrierRetryCount, "retrierRetryCount is null");
            requireNonNull(now, "now is null");
        }
    }

    /**
     * How the state ended. {@code inspection} holds AWS's {@code inspectionData} members ({@code input},
     * {@code afterInputPath}, {@code afterParameters}, {@code result}, {@code afterResultSelector},
     * {@code afterResultPath}, {@code afterArguments} and {@code variables} as JSON text, {@code errorDetails} as an
     * object), those the state went through.
     */
    public record Result(Status status, Optional<JsonNode> output, Optional<String> error, Optional<String> cause, Optional<String> nextState,
            ObjectNode inspection)
    {
        public Result
        {
            requireNonNull(status, "status is null");
            requireNonNull(output, "output is null");
            requireNonNull(error, "error is null");
            requireNonNull(cause, "cause is null");
            requireNonNull(nextState, "nextState is null");
            requireNonNull(inspection, "inspection is null");
        }

        /** The output as JSON text, if there is one. */
        public Optional<String> outputJson()
        {
            return output.map(Json::write);
        }
    }

    private final TaskInvoker taskInvoker;
    private final RandomSource random;

    public StateTester(TaskInvoker taskInvoker, RandomSource random)
    {
        this.taskInvoker = requireNonNull(taskInvoker, "taskInvoker is null");
        this.random = requireNonNull(random, "random is null");
    }

    /**
     * The machine to validate and run: with {@code stateName}, {@code definition} is a whole machine and the state one of
     * its top-level states; without, {@code definition} is one state, tested as {@value #SINGLE_STATE_NAME} in a machine
     * that ends after each of its transitions (so that its {@code Next} targets need not exist). Definitions that are not
     * JSON objects are passed on as they are, for validation to report.
     */
    public static Tested tested(String definition, Optional<String> stateName)
    {
        if (stateName.isPresent()) {
            return new Tested(definition, stateName.get());
        }
        JsonNode state;
        try {
            state = Json.parse(definition);
        }
        catch (JsonProcessingException e) {
            return new Tested(definition, SINGLE_STATE_NAME);
        }
        if (state == null || !state.isObject()) {
            return new Tested(definition, SINGLE_STATE_NAME);
        }
        ObjectNode machine = Json.object();
        machine.put("StartAt", SINGLE_STATE_NAME);
        // a JSONata state keeps its QueryLanguage; its targets, ends of the test, are written in the state's language
        ObjectNode states = machine.putObject("States");
        states.set(SINGLE_STATE_NAME, state);
        for (String target : targets(state)) {
            if (!target.equals(SINGLE_STATE_NAME)) {
                states.putObject(target).put("Type", "Succeed");
            }
        }
        return new Tested(Json.write(machine), SINGLE_STATE_NAME);
    }

    private static List<String> targets(JsonNode state)
    {
        List<String> targets = new ArrayList<>();
        addText(targets, state.get("Next"));
        addText(targets, state.get("Default"));
        for (String list : List.of("Choices", "Catch")) {
            JsonNode entries = state.get(list);
            if (entries != null && entries.isArray()) {
                entries.forEach(entry -> addText(targets, entry.get("Next")));
            }
        }
        return targets;
    }

    private static void addText(List<String> targets, JsonNode value)
    {
        if (value != null && value.isTextual() && !value.textValue().isEmpty() && !targets.contains(value.textValue())) {
            targets.add(value.textValue());
        }
    }

    /**
     * Runs the state {@code stateName} of the validated definition once.
     *
     * @throws RefusedException when the state cannot be tested so (no such top-level state; a mock missing where AWS
     *         requires one, or given where AWS refuses it; a variable name AWS does not allow)
     */
    public Result test(StateMachineDefinition definition, String stateName, Request request)
    {
        State state = definition.graph().states().get(stateName);
        if (state == null) {
            throw new RefusedException("The definition has no top-level state named '" + stateName + "' (its states: "
                    + String.join(", ", definition.graph().states().keySet().stream().sorted().toList()) + ")");
        }
        checkMock(state, request.mock());
        Variables variables = Variables.top();
        Iterator<String> names = request.variables().fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            Variables.nameProblem(name).ifPresent(problem -> {
                throw new RefusedException("variables: " + problem);
            });
        }
        variables.assign(request.variables());
        return new Run(state, request, variables).run();
    }

    private static void checkMock(State state, Optional<Mock> mock)
    {
        boolean mockable = state.type() == StateType.Task || state.type() == StateType.Map || state.type() == StateType.Parallel;
        if (mock.isPresent() && !mockable) {
            throw new RefusedException("A mock is for Task, Map and Parallel states; the state '" + state.name() + "' is a " + state.type()
                    + " state: test it without 'mock'");
        }
        if (mock.isPresent()) {
            return;
        }
        if (state.type() == StateType.Map || state.type() == StateType.Parallel) {
            throw new RefusedException("TestState runs a " + state.type() + " state only with a mock of its result: add 'mock' with a 'result' or an "
                    + "'errorOutput'");
        }
        if (state.type() == StateType.Task) {
            String resource = state.text("Resource").orElse("");
            if (TaskRequest.isActivity(resource) || resource.endsWith(".sync") || resource.endsWith(".sync:2") || resource.endsWith(".waitForTaskToken")) {
                throw new RefusedException("TestState runs activities and the .sync and .waitForTaskToken integration patterns only with a mock of "
                        + "their result: add 'mock' with a 'result' or an 'errorOutput' for the resource '" + resource + "'");
            }
        }
    }

    /** One test of one state. */
    private final class Run
    {
        private final State state;
        private final Request request;
        private final Variables variables;
        private final ObjectNode inspection = Json.object();
        private final int retryCount;

        Run(State state, Request request, Variables variables)
        {
            this.state = state;
            this.request = request;
            this.variables = variables;
            this.retryCount = request.retrierRetryCount().orElse(0);
        }

        Result run()
        {
            JsonNode raw = request.input();
            inspection.put("input", Json.write(raw));
            ObjectNode context = context();
            try {
                if (state.type() == StateType.Task || state.type() == StateType.Parallel || state.type() == StateType.Map) {
                    return attempt(raw, context);
                }
                return end(Status.SUCCEEDED, state.jsonata() ? jsonataFlow(raw, context) : jsonPathFlow(raw, context), Optional.empty());
            }
            catch (StatesFailure failure) {
                return failed(failure);
            }
        }

        /** Takes the state's variables and reports how it ended. */
        private Result end(Status status, Transition transition, Optional<StatesFailure> failure)
        {
            transition.assigned().ifPresent(assigned -> {
                variables.limitFailure(assigned).ifPresent(overLimit -> {
                    throw overLimit;
                });
                variables.assign(assigned);
            });
            Map<String, JsonNode> visible = variables.visible();
            if (!visible.isEmpty()) {
                ObjectNode all = Json.object();
                visible.forEach(all::set);
                inspection.put("variables", Json.write(all));
            }
            return new Result(status, Optional.of(transition.output()), failure.map(StatesFailure::error), failure.map(StatesFailure::cause),
                    transition.next(), inspection);
        }

        private Result failed(StatesFailure failure)
        {
            return new Result(Status.FAILED, Optional.empty(), Optional.of(failure.error()), Optional.of(failure.cause()), Optional.empty(), inspection);
        }

        private ObjectNode context()
        {
            ContextObject context = new ContextObject(variables, 0);
            ObjectNode execution = context.putObject("Execution");
            execution.put("Id", request.executionArn());
            execution.set("Input", request.input());
            execution.put("Name", request.executionArn().substring(request.executionArn().lastIndexOf(':') + 1));
            execution.put("RoleArn", request.roleArn());
            execution.put("StartTime", TIMESTAMP.format(request.now()));
            ObjectNode stateNode = context.putObject("State");
            stateNode.put("EnteredTime", TIMESTAMP.format(request.now()));
            stateNode.put("Name", state.name());
            stateNode.put("RetryCount", retryCount);
            request.context().ifPresent(context::setAll);
            return context;
        }

        /** Pass, Succeed, Fail, Choice and Wait in a JSONPath state. */
        private Transition jsonPathFlow(JsonNode raw, ObjectNode context)
        {
            JsonNode effective = Execution.inputPath(state, raw);
            inspection.put("afterInputPath", Json.write(effective));
            switch (state.type()) {
                case Pass: {
                    JsonNode result = effective;
                    if (state.has("Parameters")) {
                        result = PayloadTemplate.evaluate(state.get("Parameters"), effective, context, random, StatesErrors.PARAMETER_PATH_FAILURE);
                        inspection.put("afterParameters", Json.write(result));
                    }
                    else if (state.has("Result")) {
                        result = state.get("Result");
                    }
                    inspection.put("result", Json.write(result));
                    Optional<ObjectNode> assigned = assignPath(state.get("Assign"), result, Execution.states(raw, context), context);
                    JsonNode afterResultPath = Execution.resultPath(state, raw, result);
                    inspection.put("afterResultPath", Json.write(afterResultPath));
                    return new Transition(Execution.outputPath(state, afterResultPath), state.text("Next"), assigned);
                }
                case Succeed:
                    return new Transition(Execution.outputPath(state, effective), Optional.empty(), Optional.empty());
                case Fail:
                    throw new StatesFailure(failText("Error", raw, context), failText("Cause", raw, context));
                case Choice: {
                    for (JsonNode rule : state.get("Choices")) {
                        if (ChoiceRules.matches(rule, effective, context)) {
                            JsonNode assign = Execution.choiceAssign(state, rule).orElse(null);
                            Optional<ObjectNode> assigned = assignPath(assign, effective, Execution.states(raw, context), context);
                            return new Transition(Execution.outputPath(state, effective), Optional.of(rule.get("Next").textValue()), assigned);
                        }
                    }
                    Optional<ObjectNode> assigned = assignPath(state.get("Assign"), effective, Execution.states(raw, context), context);
                    return new Transition(Execution.outputPath(state, effective), Optional.of(noChoiceMatched()), assigned);
                }
                case Wait: {
                    waitUntil(effective, context);
                    Optional<ObjectNode> assigned = assignPath(state.get("Assign"), effective, Execution.states(raw, context), context);
                    return new Transition(Execution.outputPath(state, effective), state.text("Next"), assigned);
                }
                default:
                    throw new IllegalStateException("Not a state of its own: " + state.type());
            }
        }

        /** A Wait's {@code SecondsPath} or {@code TimestampPath} is read and checked as in an execution; the test does not wait. */
        private void waitUntil(JsonNode effective, ObjectNode context)
        {
            if (state.has("SecondsPath")) {
                String path = state.text("SecondsPath").orElseThrow();
                JsonNode seconds = Execution.readOrFail(path, effective, context, StatesErrors.RUNTIME, "SecondsPath");
                if (!seconds.canConvertToLong() || !seconds.isIntegralNumber() || seconds.longValue() < 0) {
                    throw new StatesFailure(StatesErrors.RUNTIME, "The SecondsPath '" + path + "' does not select a non-negative integer: "
                            + Json.write(seconds));
                }
            }
            if (state.has("TimestampPath")) {
                String path = state.text("TimestampPath").orElseThrow();
                JsonNode timestamp = Execution.readOrFail(path, effective, context, StatesErrors.RUNTIME, "TimestampPath");
                if (DefinitionParser.timestamp(timestamp).isEmpty()) {
                    throw new StatesFailure(StatesErrors.RUNTIME, "The TimestampPath '" + path + "' does not select an RFC3339 timestamp: "
                            + Json.write(timestamp));
                }
            }
        }

        private String noChoiceMatched()
        {
            return state.text("Default").orElseThrow(() -> new StatesFailure(StatesErrors.NO_CHOICE_MATCHED,
                    "No Choice Rule matched and there is no Default in state '" + state.name() + "'"));
        }

        private String failText(String field, JsonNode raw, ObjectNode context)
        {
            Optional<String> text = state.text(field);
            if (text.isPresent()) {
                return text.get();
            }
            Optional<String> path = state.text(field + "Path");
            if (path.isEmpty()) {
                return "";
            }
            JsonNode value = IntrinsicFunction.looksLikeCall(path.get())
                    ? IntrinsicFunction.parse(path.get()).evaluate(raw, context, random)
                    : Execution.readOrFail(path.get(), raw, context, StatesErrors.RUNTIME, field + "Path");
            if (!value.isTextual()) {
                throw new StatesFailure(StatesErrors.RUNTIME, "The value of " + field + "Path '" + path.get() + "' is not a string: " + Json.write(value));
            }
            return value.textValue();
        }

        /** Pass, Succeed, Fail, Choice and Wait in a JSONata state. */
        private Transition jsonataFlow(JsonNode raw, ObjectNode context)
        {
            ObjectNode states = Execution.states(raw, context);
            switch (state.type()) {
                case Pass:
                    return finish(state.body(), states, context, raw, state.text("Next"), "");
                case Succeed:
                    return new Transition(output(state.body(), states, context, raw, ""), Optional.empty(), Optional.empty());
                case Fail:
                    throw new StatesFailure(jsonataText("Error", states, context), jsonataText("Cause", states, context));
                case Choice: {
                    for (int i = 0; i < state.get("Choices").size(); i++) {
                        JsonNode rule = state.get("Choices").get(i);
                        String field = "Choices[" + i + "]/Condition";
                        JsonNode matched = evaluate(rule.get("Condition"), states, context, field);
                        if (!matched.isBoolean()) {
                            throw Execution.queryFailure(context, rule.get("Condition").asText(), field,
                                    "returned a value that is not a boolean: " + Json.write(matched));
                        }
                        if (matched.booleanValue()) {
                            ObjectNode assignFrom = Json.object();
                            Execution.choiceAssign(state, rule).ifPresent(assign -> assignFrom.set("Assign", assign));
                            Optional<ObjectNode> assigned = assign(assignFrom, states, context, "");
                            return new Transition(output(state.body(), states, context, raw, ""), Optional.of(rule.get("Next").textValue()), assigned);
                        }
                    }
                    return finish(state.body(), states, context, raw, Optional.of(noChoiceMatched()), "");
                }
                case Wait: {
                    if (state.has("Seconds")) {
                        JsonNode seconds = evaluate(state.get("Seconds"), states, context, "Seconds");
                        if (!seconds.isIntegralNumber() || !seconds.canConvertToLong() || seconds.longValue() < 0) {
                            throw Execution.queryFailure(context, state.get("Seconds").asText(), "Seconds",
                                    "returned a value that is not a non-negative integer: " + Json.write(seconds));
                        }
                    }
                    else {
                        JsonNode timestamp = evaluate(state.get("Timestamp"), states, context, "Timestamp");
                        if (DefinitionParser.timestamp(timestamp).isEmpty()) {
                            throw Execution.queryFailure(context, state.get("Timestamp").asText(), "Timestamp",
                                    "returned a value that is not an RFC3339 timestamp: " + Json.write(timestamp));
                        }
                    }
                    return finish(state.body(), states, context, raw, state.text("Next"), "");
                }
                default:
                    throw new IllegalStateException("Not a JSONata state of its own: " + state.type());
            }
        }

        /** A JSONata state's exit: {@code Assign}, then {@code Output} (else {@code fallback}), both of {@code body} at {@code at}. */
        private Transition finish(JsonNode body, ObjectNode states, ObjectNode context, JsonNode fallback, Optional<String> next, String at)
        {
            Optional<ObjectNode> assigned = assign(body, states, context, at);
            return new Transition(output(body, states, context, fallback, at), next, assigned);
        }

        private Optional<ObjectNode> assign(JsonNode body, ObjectNode states, ObjectNode context, String at)
        {
            return Optional.ofNullable(body.get("Assign")).map(template -> (ObjectNode) evaluate(template, states, context, at + "Assign"));
        }

        private JsonNode output(JsonNode body, ObjectNode states, ObjectNode context, JsonNode fallback, String at)
        {
            return body.has("Output") ? evaluate(body.get("Output"), states, context, at + "Output") : fallback;
        }

        private String jsonataText(String field, ObjectNode states, ObjectNode context)
        {
            if (!state.has(field)) {
                return "";
            }
            JsonNode value = evaluate(state.get(field), states, context, field);
            if (!value.isTextual()) {
                throw Execution.queryFailure(context, state.get(field).asText(), field, "returned a value that is not a string: " + Json.write(value));
            }
            return value.textValue();
        }

        private JsonNode evaluate(JsonNode template, ObjectNode states, ObjectNode context, String field)
        {
            try {
                return JsonataExpressions.evaluate(template, states, variables, random, field);
            }
            catch (StatesFailure failure) {
                throw failure.error().equals(StatesErrors.QUERY_EVALUATION_ERROR) ? Execution.inState(context, failure) : failure;
            }
        }

        /** A JSONPath {@code Assign}: a payload template on {@code value} whose paths also read {@code $states} and the variables. */
        private Optional<ObjectNode> assignPath(JsonNode assign, JsonNode value, ObjectNode states, ObjectNode context)
        {
            if (assign == null) {
                return Optional.empty();
            }
            Variables withStates = variables.inner();
            ObjectNode reserved = Json.object();
            reserved.set(Variables.STATES, states);
            withStates.assign(reserved);
            ContextObject scoped = ((ContextObject) context).with(withStates);
            return Optional.of((ObjectNode) PayloadTemplate.evaluate(assign, value, scoped, random, StatesErrors.RUNTIME));
        }

        /** Task, Parallel and Map: one attempt, its failure matched against the Retry and Catch fields. */
        private Result attempt(JsonNode raw, ObjectNode context)
        {
            String resource = state.text("Resource").orElse("");
            if (resource.endsWith(".waitForTaskToken") || TaskRequest.isActivity(resource)) {
                context.putObject("Task").put("Token", TaskTokens.of(request.executionArn(), 1, retryCount));
            }
            try {
                JsonNode effective = raw;
                JsonNode arguments;
                if (state.jsonata()) {
                    arguments = state.has("Arguments") ? evaluate(state.get("Arguments"), Execution.states(raw, context), context, "Arguments") : raw;
                    inspection.put("afterArguments", Json.write(arguments));
                }
                else {
                    effective = Execution.inputPath(state, raw);
                    inspection.put("afterInputPath", Json.write(effective));
                    arguments = state.has("Parameters")
                            ? PayloadTemplate.evaluate(state.get("Parameters"), effective, context, random, StatesErrors.PARAMETER_PATH_FAILURE)
                            : effective;
                    inspection.put("afterParameters", Json.write(arguments));
                }
                JsonNode result = result(arguments, effective, context);
                inspection.put("result", Json.write(result));
                ObjectNode states = Execution.states(raw, context);
                if (state.jsonata()) {
                    states.set("result", result);
                    return end(Status.SUCCEEDED, finish(state.body(), states, context, result, state.text("Next"), ""), Optional.empty());
                }
                if (state.has("ResultSelector")) {
                    result = PayloadTemplate.evaluate(state.get("ResultSelector"), result, context, random, StatesErrors.RUNTIME);
                }
                inspection.put("afterResultSelector", Json.write(result));
                states.set("result", result);
                Optional<ObjectNode> assigned = assignPath(state.get("Assign"), result, states, context);
                JsonNode afterResultPath = Execution.resultPath(state, raw, result);
                inspection.put("afterResultPath", Json.write(afterResultPath));
                return end(Status.SUCCEEDED, new Transition(Execution.outputPath(state, afterResultPath), state.text("Next"), assigned), Optional.empty());
            }
            catch (StatesFailure failure) {
                if (failure.error().equals(StatesErrors.RUNTIME)) {
                    throw failure;
                }
                return handle(failure, raw, context);
            }
        }

        /** The mocked result, else what the task returned (Parallel and Map are always mocked). */
        private JsonNode result(JsonNode arguments, JsonNode effective, ObjectNode context)
        {
            if (request.mock().isPresent()) {
                Mock mock = request.mock().get();
                return mock.result().orElseThrow(() -> new StatesFailure(mock.error(), mock.cause()));
            }
            String resource = state.text("Resource").orElseThrow();
            Optional<Integer> timeout = Execution.seconds(state, "TimeoutSeconds", effective, context, this::evaluate);
            TaskRequest task = new TaskRequest(request.executionArn(), state.name(), resource, arguments,
                    TaskTokens.of(request.executionArn(), 1, retryCount), retryCount, timeout, Optional.empty(), () -> {});
            CompletableFuture<TaskOutcome> future;
            try {
                future = taskInvoker.invoke(task);
            }
            catch (RuntimeException e) {
                future = CompletableFuture.failedFuture(e);
            }
            int limit = Math.min(timeout.orElse(MAX_SECONDS), MAX_SECONDS);
            TaskOutcome outcome;
            try {
                outcome = future.get(limit, TimeUnit.SECONDS);
            }
            catch (TimeoutException e) {
                future.cancel(true);
                throw new StatesFailure(StatesErrors.TIMEOUT, timeout.isPresent() && timeout.get() <= MAX_SECONDS
                        ? "The task did not end within its TimeoutSeconds of " + limit
                        : "TestState runs a state for at most " + MAX_SECONDS + " seconds");
            }
            catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                outcome = TaskOutcome.failed(cause.getClass().getSimpleName(), String.valueOf(cause.getMessage()));
            }
            catch (InterruptedException e) {
                future.cancel(true);
                Thread.currentThread().interrupt();
                throw new java.util.concurrent.CancellationException("interrupted while testing the state " + state.name());
            }
            if (outcome instanceof TaskOutcome.Succeeded succeeded) {
                return succeeded.output();
            }
            TaskOutcome.Failed failed = (TaskOutcome.Failed) outcome;
            throw new StatesFailure(failed.error(), failed.cause());
        }

        /**
         * A failed attempt: {@code RETRIABLE} when a Retrier with attempts left matches, else {@code CAUGHT_ERROR} when a
         * Catcher does, else {@code FAILED}.
         */
        private Result handle(StatesFailure failure, JsonNode raw, ObjectNode context)
        {
            boolean task = state.type() == StateType.Task;
            Optional<Integer> retrier = Execution.firstMatch(state.retriers().stream().map(State.Retrier::errorEquals), failure.error(), task);
            if (retrier.isPresent() && retryCount < state.retriers().get(retrier.get()).maxAttempts()) {
                State.Retrier retry = state.retriers().get(retrier.get());
                double delay = retry.intervalSeconds() * Math.pow(retry.backoffRate(), retryCount);
                if (retry.maxDelaySeconds() > 0) {
                    delay = Math.min(delay, retry.maxDelaySeconds());
                }
                ObjectNode details = inspection.putObject("errorDetails");
                details.put("retryIndex", retrier.get());
                details.put("retryBackoffIntervalSeconds", (int) Math.round(delay));
                return new Result(Status.RETRIABLE, Optional.empty(), Optional.of(failure.error()), Optional.of(failure.cause()), Optional.empty(),
                        inspection);
            }
            Optional<Integer> catcher = Execution.firstMatch(state.catchers().stream().map(State.Catcher::errorEquals), failure.error(), task);
            if (catcher.isEmpty()) {
                return failed(failure);
            }
            State.Catcher handler = state.catchers().get(catcher.get());
            inspection.putObject("errorDetails").put("catchIndex", catcher.get());
            ObjectNode errorOutput = Json.object();
            errorOutput.put("Error", failure.error());
            errorOutput.put("Cause", failure.cause());
            ObjectNode states = Execution.states(raw, context);
            states.set("errorOutput", errorOutput);
            Transition transition;
            if (state.jsonata()) {
                transition = finish(handler.body(), states, context, errorOutput, Optional.of(handler.next()), "Catch[" + catcher.get() + "]/");
            }
            else {
                JsonNode output = handler.resultPath().isEmpty() ? raw : JsonPaths.write(handler.resultPath().get(), raw, errorOutput).orElseThrow(
                        () -> new StatesFailure(StatesErrors.RESULT_PATH_MATCH_FAILURE, "Unable to apply the Catch ResultPath '"
                                + handler.resultPath().get() + "' to the input '" + Json.write(raw) + "'"));
                inspection.put("afterResultPath", Json.write(output));
                transition = new Transition(output, Optional.of(handler.next()), assignPath(handler.body().get("Assign"), errorOutput, states, context));
            }
            return end(Status.CAUGHT_ERROR, transition, Optional.of(failure));
        }
    }

    /** Where a state goes, with its output and the variables it assigns. */
    private record Transition(JsonNode output, Optional<String> next, Optional<ObjectNode> assigned) {}
}
