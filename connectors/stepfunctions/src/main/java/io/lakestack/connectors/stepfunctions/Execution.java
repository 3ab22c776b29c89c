package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jayway.jsonpath.JsonPathException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * One running execution: walks the state graphs, writes history before each step, and returns how it ended.
 *
 * <p>Error names are AWS's. The causes of run-time failures are lakestack's own wording, except the
 * {@code Parameters} path failure ({@code The JSONPath '$.x' specified for the field 'x.$' could not be found in the
 * input '...'}), which is the wording of AWS's Step Functions Local. A {@code Parameters} or {@code ItemSelector} path
 * that selects nothing raises {@code States.ParameterPathFailure}, which Retry and Catch see; an {@code InputPath},
 * {@code OutputPath}, {@code ResultSelector}, {@code ItemsPath} or Choice variable that selects nothing raises {@code States.Runtime}, which they
 * do not. In JSONata states ({@link JsonataExpressions}) an expression that fails or gives nothing raises
 * {@code States.QueryEvaluationError}, which they do see.
 *
 * <p>Variables ({@code Assign}, {@link Variables}) are evaluated before {@code Output}, both against the variables the
 * state entered with; the values take effect as the state exits and are recorded in its {@code ...StateExited} event
 * ({@code assignedVariables}), from which a resumed execution takes them.
 */
final class Execution
{
    /** AWS runs at most this many iterations of an inline Map at once. */
    static final int INLINE_MAP_CONCURRENCY = 40;

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final StateMachineInterpreter interpreter;
    private final StateMachineDefinition definition;
    private final ExecutionRequest request;
    private final Optional<Instant> deadline;
    private long lastEventId;
    /** The events of the history being resumed, by the event each follows; consumed as the execution replays them. */
    private final Map<Long, List<HistoryEvent>> recorded = new HashMap<>();
    /** Where the runs of a redriven execution go on after its {@code ExecutionRedriven} events. */
    private final Redrives redrives;

    /**
     * Where one thread of the execution (the top, a branch, an iteration) stands: its last event and when that was
     * written (the time from which its waits count, also on replay), and its abort flag.
     */
    private static final class Frame
    {
        private long last;
        private Instant lastAt;
        private final Optional<ObjectNode> mapItem;
        private final Abort abort;
        private final Variables variables;
        /** The {@code ...StateEntered} event of the state the frame is in. */
        private long enteredId;

        Frame(long last, Instant lastAt, Optional<ObjectNode> mapItem, Abort abort, Variables variables)
        {
            this.last = last;
            this.lastAt = lastAt;
            this.mapItem = mapItem;
            this.abort = abort;
            this.variables = variables;
        }
    }

    /** An event of this run: written now, or found in the history being resumed. */
    private record Recorded(HistoryEvent event, boolean replayed) {}

    /** Where a state goes, with its output and the variables it assigns (empty when it has no {@code Assign}). */
    private record Transition(JsonNode output, Optional<String> next, Optional<ObjectNode> assigned)
    {
        Transition(JsonNode output, Optional<String> next)
        {
            this(output, next, Optional.empty());
        }
    }

    /** The machine's {@code TimeoutSeconds} passed. */
    private static final class ExecutionTimeout
            extends RuntimeException
    {
        ExecutionTimeout()
        {
            super("execution timed out", null, false, false);
        }
    }

    /**
     * The abort signal of the branches of one Parallel or the iterations of one Map: set when one of them fails, or when
     * the branch the Parallel or Map is in is aborted. A branch stops at once where it waits (a task, a Wait, a retry
     * interval), else before its next state.
     */
    private static final class Abort
    {
        private final boolean top;
        private final Optional<Abort> enclosing;
        private volatile boolean set;
        /** The aborts of the Parallels and Maps running inside these branches, and the waits going on in them. */
        private final Set<Abort> inner = ConcurrentHashMap.newKeySet();
        private final Set<CompletableFuture<Boolean>> waits = ConcurrentHashMap.newKeySet();

        private Abort(boolean top, Optional<Abort> enclosing)
        {
            this.top = top;
            this.enclosing = enclosing;
        }

        /** The top of an execution: never set. */
        static Abort top()
        {
            return new Abort(true, Optional.empty());
        }

        /** The abort of the branches or iterations of a state run in this frame, set also when the frame's is, until {@link #close}. */
        static Abort inside(Frame frame)
        {
            Abort enclosing = frame.abort;
            Abort abort = new Abort(false, enclosing.top ? Optional.empty() : Optional.of(enclosing));
            if (!enclosing.top) {
                enclosing.inner.add(abort);
                if (enclosing.set) {
                    abort.set();
                }
            }
            return abort;
        }

        void set()
        {
            // the flag first: what registers after it sees it, what registered before is completed below
            set = true;
            inner.forEach(Abort::set);
            waits.forEach(wait -> wait.complete(true));
        }

        boolean isSet()
        {
            return set;
        }

        /** A future completed (with {@code true}) when this is set, for one wait: {@link #release} it after. */
        CompletableFuture<Boolean> await()
        {
            CompletableFuture<Boolean> wait = new CompletableFuture<>();
            waits.add(wait);
            if (set) {
                wait.complete(true);
            }
            return wait;
        }

        void release(CompletableFuture<Boolean> wait)
        {
            waits.remove(wait);
        }

        /** The Parallel or Map is done: its abort no longer follows the enclosing one. */
        void close()
        {
            enclosing.ifPresent(outer -> outer.inner.remove(this));
        }
    }

    /** Another branch failed, or the branch this one is in was aborted: this one stops. */
    private static final class Aborted
            extends RuntimeException
    {
        Aborted()
        {
            super("branch aborted", null, false, false);
        }
    }

    Execution(StateMachineInterpreter interpreter, StateMachineDefinition definition, ExecutionRequest request, List<HistoryEvent> history)
    {
        this.interpreter = interpreter;
        this.definition = definition;
        this.request = request;
        this.redrives = Redrives.of(history);
        // a redriven execution has its TimeoutSeconds again from its last redrive
        this.deadline = definition.timeoutSeconds().map(seconds -> redrives.last().orElse(request.startTime()).plusSeconds(seconds));
        for (HistoryEvent event : history) {
            recorded.computeIfAbsent(event.previousEventId(), previous -> new ArrayList<>()).add(event);
            lastEventId = Math.max(lastEventId, event.id());
        }
    }

    ExecutionResult run()
    {
        ObjectNode started = Json.object();
        started.put("input", Json.write(request.input()));
        started.set("inputDetails", truncated());
        started.put("roleArn", request.roleArn());
        Frame frame = new Frame(0, request.startTime(), Optional.empty(), Abort.top(), Variables.top());
        record(frame, "ExecutionStarted", started);
        try {
            JsonNode output = runGraph(definition.graph(), request.input(), frame);
            ObjectNode succeeded = Json.object();
            succeeded.put("output", Json.write(output));
            succeeded.set("outputDetails", truncated());
            record(frame, "ExecutionSucceeded", succeeded);
            return new ExecutionResult.Succeeded(output);
        }
        catch (StatesFailure failure) {
            record(frame, "ExecutionFailed", errorDetails(failure.error(), failure.cause()));
            return new ExecutionResult.Failed(failure.error(), failure.cause());
        }
        catch (ExecutionTimeout timeout) {
            ObjectNode details = Json.object();
            details.put("error", StatesErrors.TIMEOUT);
            details.put("cause", "The execution exceeded its TimeoutSeconds of " + definition.timeoutSeconds().orElse(0) + " seconds");
            record(frame, "ExecutionTimedOut", details);
            return new ExecutionResult.TimedOut();
        }
    }

    private JsonNode runGraph(StateGraph graph, JsonNode input, Frame frame)
    {
        String name = graph.startAt();
        JsonNode data = input;
        while (true) {
            if (frame.abort.isSet()) {
                throw new Aborted();
            }
            checkDeadline();
            State state = graph.state(name);
            Transition transition = runState(state, data, frame);
            if (transition.next().isEmpty()) {
                return transition.output();
            }
            name = transition.next().get();
            data = transition.output();
        }
    }

    private Transition runState(State state, JsonNode raw, Frame frame)
    {
        ObjectNode enteredDetails = Json.object();
        enteredDetails.put("name", state.name());
        enteredDetails.put("input", Json.write(raw));
        enteredDetails.set("inputDetails", truncated());
        long enteredId = record(frame, state.type() + "StateEntered", enteredDetails);
        frame.enteredId = enteredId;
        Instant entered = frame.lastAt;
        if (state.jsonata() && state.type() != StateType.Task && state.type() != StateType.Parallel && state.type() != StateType.Map) {
            return jsonataState(state, raw, context(state, entered, 0, frame), frame);
        }
        switch (state.type()) {
            case Pass:
                if (replayable(frame, List.of("PassStateExited")).isPresent()) {
                    // its recorded output stands (exit takes it), and nothing is drawn at random again
                    return exit(state, frame, new Transition(NullNode.getInstance(), next(state)));
                }
                return exit(state, frame, pass(state, raw, context(state, entered, 0, frame), frame));
            case Succeed:
                return exit(state, frame, new Transition(outputPath(state, inputPath(state, raw)), Optional.empty()));
            case Fail:
                throw fail(state, raw, context(state, entered, 0, frame));
            case Choice:
                return exit(state, frame, choice(state, raw, context(state, entered, 0, frame), frame));
            case Wait:
                return exit(state, frame, waitState(state, raw, context(state, entered, 0, frame), frame));
            case Task:
            case Parallel:
            case Map:
                return exit(state, frame, withRetryAndCatch(state, raw, entered, enteredId, frame));
            default:
                throw new IllegalStateException("Unknown state type " + state.type());
        }
    }

    private Transition exit(State state, Frame frame, Transition transition)
    {
        ObjectNode exited = Json.object();
        exited.put("name", state.name());
        exited.put("output", Json.write(transition.output()));
        exited.set("outputDetails", truncated());
        if (transition.assigned().isPresent()) {
            ObjectNode assigned = transition.assigned().get();
            Optional<StatesFailure> overLimit = frame.variables.limitFailure(assigned);
            if (overLimit.isPresent()) {
                throw overLimit.get();
            }
            ObjectNode recordedVariables = exited.putObject("assignedVariables");
            assigned.fields().forEachRemaining(variable -> recordedVariables.put(variable.getKey(), Json.write(variable.getValue())));
            exited.set("assignedVariablesDetails", truncated());
        }
        Recorded recordedExit = recordEvent(frame, state.type() + "StateExited", exited);
        // on replay the recorded output and variables stand: they may hold values drawn at random the first time
        Transition taken = recordedExit.replayed()
                ? new Transition(parseRecorded(recordedExit.event(), "output"), transition.next(), recordedVariables(recordedExit.event()))
                : transition;
        taken.assigned().ifPresent(frame.variables::assign);
        return taken;
    }

    private static Optional<ObjectNode> recordedVariables(HistoryEvent event)
    {
        JsonNode recordedVariables = event.details().get("assignedVariables");
        if (recordedVariables == null) {
            return Optional.empty();
        }
        ObjectNode assigned = Json.object();
        recordedVariables.fields().forEachRemaining(variable -> {
            try {
                assigned.set(variable.getKey(), Json.parse(variable.getValue().asText()));
            }
            catch (JsonProcessingException e) {
                throw new IllegalStateException("The recorded " + event.type() + " event " + event.id() + " has a variable that is not JSON", e);
            }
        });
        return Optional.of(assigned);
    }

    private Transition pass(State state, JsonNode raw, ObjectNode context, Frame frame)
    {
        JsonNode effective = inputPath(state, raw);
        JsonNode result;
        if (state.has("Parameters")) {
            result = PayloadTemplate.evaluate(state.get("Parameters"), effective, context, interpreter.random(), StatesErrors.PARAMETER_PATH_FAILURE);
        }
        else if (state.has("Result")) {
            result = state.get("Result");
        }
        else {
            result = effective;
        }
        Optional<ObjectNode> assigned = assignPath(state, frame, state.get("Assign"), result, states(raw, context), context);
        return new Transition(outputPath(state, resultPath(state, raw, result)), next(state), assigned);
    }

    private StatesFailure fail(State state, JsonNode raw, ObjectNode context)
    {
        String error = state.text("Error").orElse(state.text("ErrorPath").map(path -> failField(path, raw, context, "ErrorPath")).orElse(""));
        String cause = state.text("Cause").orElse(state.text("CausePath").map(path -> failField(path, raw, context, "CausePath")).orElse(""));
        return new StatesFailure(error, cause);
    }

    private String failField(String expression, JsonNode raw, ObjectNode context, String field)
    {
        JsonNode value;
        if (IntrinsicFunction.looksLikeCall(expression)) {
            value = IntrinsicFunction.parse(expression).evaluate(raw, context, interpreter.random());
        }
        else {
            value = readOrFail(expression, raw, context, StatesErrors.RUNTIME, field);
        }
        if (!value.isTextual()) {
            throw new StatesFailure(StatesErrors.RUNTIME, "The value of " + field + " '" + expression + "' is not a string: " + Json.write(value));
        }
        return value.textValue();
    }

    private Transition choice(State state, JsonNode raw, ObjectNode context, Frame frame)
    {
        JsonNode effective = inputPath(state, raw);
        for (JsonNode rule : state.get("Choices")) {
            if (ChoiceRules.matches(rule, effective, context)) {
                JsonNode assign = choiceAssign(state, rule).orElse(null);
                Optional<ObjectNode> assigned = assignPath(state, frame, assign, effective, states(raw, context), context);
                return new Transition(outputPath(state, effective), Optional.of(rule.get("Next").textValue()), assigned);
            }
        }
        Optional<ObjectNode> assigned = assignPath(state, frame, state.get("Assign"), effective, states(raw, context), context);
        return new Transition(outputPath(state, effective), noChoiceMatched(state), assigned);
    }

    /** What a Choice assigns when this rule matches: the state's {@code Assign}, with the rule's over it (AWS: both apply). */
    static Optional<ObjectNode> choiceAssign(State state, JsonNode rule)
    {
        if (!state.has("Assign") && !rule.has("Assign")) {
            return Optional.empty();
        }
        ObjectNode assign = Json.object();
        if (state.has("Assign")) {
            assign.setAll((ObjectNode) state.get("Assign"));
        }
        if (rule.has("Assign")) {
            assign.setAll((ObjectNode) rule.get("Assign"));
        }
        return Optional.of(assign);
    }

    private Optional<String> noChoiceMatched(State state)
    {
        Optional<String> fallback = state.text("Default");
        if (fallback.isEmpty()) {
            throw new StatesFailure(StatesErrors.NO_CHOICE_MATCHED, "No Choice Rule matched and there is no Default in state '" + state.name() + "'");
        }
        return fallback;
    }

    /** Pass, Succeed, Fail, Choice and Wait in a JSONata state; Task, Parallel and Map share {@link #withRetryAndCatch}. */
    private Transition jsonataState(State state, JsonNode raw, ObjectNode context, Frame frame)
    {
        ObjectNode states = states(raw, context);
        switch (state.type()) {
            case Pass:
                if (replayable(frame, List.of("PassStateExited")).isPresent()) {
                    // its recorded output and variables stand (exit takes them), and nothing is drawn at random again
                    return exit(state, frame, new Transition(NullNode.getInstance(), next(state)));
                }
                return exit(state, frame, finish(state, frame, state.body(), state.body(), states, context, raw, next(state)));
            case Succeed:
                return exit(state, frame, new Transition(output(state.body(), states, context, raw), Optional.empty()));
            case Fail:
                throw new StatesFailure(failText(state, "Error", states, context), failText(state, "Cause", states, context));
            case Choice:
                for (int i = 0; i < state.get("Choices").size(); i++) {
                    JsonNode rule = state.get("Choices").get(i);
                    JsonNode condition = rule.get("Condition");
                    String field = "Choices[" + i + "]/Condition";
                    JsonNode matched = evaluate(condition, states, context, field);
                    if (!matched.isBoolean()) {
                        throw queryFailure(context, condition.asText(), field, "returned a value that is not a boolean: " + Json.write(matched));
                    }
                    if (matched.booleanValue()) {
                        ObjectNode assignFrom = Json.object();
                        choiceAssign(state, rule).ifPresent(assign -> assignFrom.set("Assign", assign));
                        Optional<String> next = Optional.of(rule.get("Next").textValue());
                        return exit(state, frame, finish(state, frame, assignFrom, state.body(), states, context, raw, next));
                    }
                }
                return exit(state, frame, finish(state, frame, state.body(), state.body(), states, context, raw, noChoiceMatched(state)));
            case Wait:
                Instant wakeAt;
                if (state.has("Seconds")) {
                    JsonNode seconds = evaluate(state.get("Seconds"), states, context, "Seconds");
                    if (!seconds.isIntegralNumber() || !seconds.canConvertToLong() || seconds.longValue() < 0) {
                        throw queryFailure(context, state.get("Seconds").asText(), "Seconds",
                                "returned a value that is not a non-negative integer: " + Json.write(seconds));
                    }
                    wakeAt = frame.lastAt.plusSeconds(seconds.longValue());
                }
                else {
                    JsonNode timestamp = evaluate(state.get("Timestamp"), states, context, "Timestamp");
                    wakeAt = DefinitionParser.timestamp(timestamp).orElseThrow(() -> queryFailure(context, state.get("Timestamp").asText(), "Timestamp",
                            "returned a value that is not an RFC3339 timestamp: " + Json.write(timestamp))).toInstant();
                }
                // evaluated before the wait, against the variables the state entered with
                Transition transition = finish(state, frame, state.body(), state.body(), states, context, raw, next(state));
                replayAbort(frame, "WaitStateAborted");
                if (!replaying(frame)) {
                    sleepUntil(wakeAt, frame, Optional.of("WaitStateAborted"));
                }
                return exit(state, frame, transition);
            default:
                throw new IllegalStateException("Not a JSONata state of its own: " + state.type());
        }
    }

    private String failText(State state, String field, ObjectNode states, ObjectNode context)
    {
        if (!state.has(field)) {
            return "";
        }
        JsonNode value = evaluate(state.get(field), states, context, field);
        if (!value.isTextual()) {
            throw queryFailure(context, state.get(field).asText(), field, "returned a value that is not a string: " + Json.write(value));
        }
        return value.textValue();
    }

    /** The {@code $states} of a state's expressions: its input and context object ({@code result}, {@code errorOutput} added where they exist). */
    static ObjectNode states(JsonNode raw, ObjectNode context)
    {
        ObjectNode states = Json.object();
        states.set("input", raw);
        states.set("context", context);
        return states;
    }

    private JsonNode evaluate(JsonNode template, ObjectNode states, ObjectNode context, String field)
    {
        try {
            return JsonataExpressions.evaluate(template, states, ((ContextObject) context).variables(), interpreter.random(), field);
        }
        catch (StatesFailure failure) {
            throw failure.error().equals(StatesErrors.QUERY_EVALUATION_ERROR) ? inState(context, failure) : failure;
        }
    }

    static StatesFailure queryFailure(ObjectNode context, String text, String field, String reason)
    {
        return inState(context, JsonataExpressions.failure(text, field, reason));
    }

    /** AWS's cause of a failed expression opens with the state it failed in. */
    static StatesFailure inState(ObjectNode context, StatesFailure failure)
    {
        return new StatesFailure(failure.error(), "An error occurred while executing the state '" + context.path("State").path("Name").asText()
                + "' (entered at the event id #" + ((ContextObject) context).enteredEventId() + "). " + failure.cause());
    }

    /** A JSONata state's exit: {@code Assign} (of {@code assignFrom}), then {@code Output} (of {@code outputFrom}, else {@code fallback}). */
    private Transition finish(State state, Frame frame, JsonNode assignFrom, JsonNode outputFrom, ObjectNode states, ObjectNode context, JsonNode fallback,
            Optional<String> next)
    {
        return finish(state, frame, "", assignFrom, outputFrom, states, context, fallback, next);
    }

    /** @param at where the fields are in the state ({@code Catch[1]/}), as a failure names them */
    private Transition finish(State state, Frame frame, String at, JsonNode assignFrom, JsonNode outputFrom, ObjectNode states, ObjectNode context,
            JsonNode fallback, Optional<String> next)
    {
        if (exitReplays(state, frame)) {
            // the recorded output and variables stand (exit takes them): nothing is drawn at random again
            return new Transition(NullNode.getInstance(), next);
        }
        JsonNode assign = assignFrom.get("Assign");
        Optional<ObjectNode> assigned = Optional.ofNullable(assign).map(template -> (ObjectNode) evaluate(template, states, context, at + "Assign"));
        JsonNode output = outputFrom.has("Output") ? evaluate(outputFrom.get("Output"), states, context, at + "Output") : fallback;
        return new Transition(output, next, assigned);
    }

    /** Whether the history being resumed has the state's exit next: what it recorded stands. */
    private boolean exitReplays(State state, Frame frame)
    {
        return replayable(frame, List.of(state.type() + "StateExited")).isPresent();
    }

    private JsonNode output(JsonNode body, ObjectNode states, ObjectNode context, JsonNode fallback)
    {
        return body.has("Output") ? evaluate(body.get("Output"), states, context, "Output") : fallback;
    }

    /**
     * A JSONPath state's {@code Assign}: a payload template on {@code value} (the state's result, or its effective input
     * where it has no result), whose paths also read {@code $states} and the variables.
     */
    private Optional<ObjectNode> assignPath(State state, Frame frame, JsonNode assign, JsonNode value, ObjectNode states, ObjectNode context)
    {
        if (assign == null || exitReplays(state, frame)) {
            // replayed, the recorded variables stand (exit takes them)
            return Optional.empty();
        }
        Variables withStates = ((ContextObject) context).variables().inner();
        ObjectNode reserved = Json.object();
        reserved.set(Variables.STATES, states);
        withStates.assign(reserved);
        ContextObject scoped = ((ContextObject) context).with(withStates);
        return Optional.of((ObjectNode) PayloadTemplate.evaluate(assign, value, scoped, interpreter.random(), StatesErrors.RUNTIME));
    }

    /** The input of a Task's resource or of a Parallel's branches: {@code Arguments} (JSONata), {@code Parameters} (JSONPath), else the input. */
    private JsonNode arguments(State state, JsonNode effective, ObjectNode context)
    {
        if (state.jsonata()) {
            return state.has("Arguments") ? evaluate(state.get("Arguments"), states(effective, context), context, "Arguments") : effective;
        }
        return state.has("Parameters")
                ? PayloadTemplate.evaluate(state.get("Parameters"), effective, context, interpreter.random(), StatesErrors.PARAMETER_PATH_FAILURE)
                : effective;
    }

    private JsonNode items(State state, JsonNode effective, ObjectNode context)
    {
        if (state.jsonata()) {
            if (!state.has("Items")) {
                if (!effective.isArray()) {
                    throw inState(context, new StatesFailure(StatesErrors.QUERY_EVALUATION_ERROR, "The input of the Map state '" + state.name()
                            + "', which has no Items, is not an array: " + Json.write(effective)));
                }
                return effective;
            }
            JsonNode items = evaluate(state.get("Items"), states(effective, context), context, "Items");
            if (!items.isArray()) {
                throw queryFailure(context, state.get("Items").asText(), "Items", "returned a value that is not an array: " + Json.write(items));
            }
            return items;
        }
        String itemsPath = state.text("ItemsPath").orElse("$");
        JsonNode items = readOrFail(itemsPath, effective, context, StatesErrors.RUNTIME, "ItemsPath");
        if (!items.isArray()) {
            throw new StatesFailure(StatesErrors.RUNTIME, "The ItemsPath '" + itemsPath + "' does not select an array: " + Json.write(items));
        }
        return items;
    }

    /** A Map's {@code MaxConcurrency}: its value, its JSONata expression's, or what its {@code MaxConcurrencyPath} selects; 0 without one. */
    private int maxConcurrency(State state, JsonNode effective, ObjectNode context)
    {
        Optional<String> path = state.text("MaxConcurrencyPath");
        if (path.isPresent()) {
            JsonNode value = readOrFail(path.get(), effective, context, StatesErrors.RUNTIME, "MaxConcurrencyPath");
            if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0) {
                throw new StatesFailure(StatesErrors.RUNTIME, "The MaxConcurrencyPath '" + path.get() + "' does not select a non-negative integer: "
                        + Json.write(value));
            }
            return value.intValue();
        }
        JsonNode field = state.get("MaxConcurrency");
        if (!JsonataExpressions.isExpression(field)) {
            return field == null ? 0 : field.intValue();
        }
        JsonNode value = evaluate(field, states(effective, context), context, "MaxConcurrency");
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0) {
            throw queryFailure(context, field.textValue(), "MaxConcurrency",
                    "returned a value that is not a non-negative integer: " + Json.write(value));
        }
        return value.intValue();
    }

    private Transition waitState(State state, JsonNode raw, ObjectNode context, Frame frame)
    {
        JsonNode effective = inputPath(state, raw);
        Instant now = frame.lastAt;
        Instant wakeAt;
        if (state.has("Seconds")) {
            wakeAt = now.plusSeconds(state.get("Seconds").intValue());
        }
        else if (state.has("Timestamp")) {
            wakeAt = DefinitionParser.timestamp(state.get("Timestamp")).orElseThrow().toInstant();
        }
        else if (state.has("SecondsPath")) {
            String path = state.text("SecondsPath").orElseThrow();
            JsonNode seconds = readOrFail(path, effective, context, StatesErrors.RUNTIME, "SecondsPath");
            if (!seconds.canConvertToLong() || !seconds.isIntegralNumber() || seconds.longValue() < 0) {
                throw new StatesFailure(StatesErrors.RUNTIME, "The SecondsPath '" + path + "' does not select a non-negative integer: " + Json.write(seconds));
            }
            wakeAt = now.plusSeconds(seconds.longValue());
        }
        else {
            String path = state.text("TimestampPath").orElseThrow();
            JsonNode timestamp = readOrFail(path, effective, context, StatesErrors.RUNTIME, "TimestampPath");
            wakeAt = DefinitionParser.timestamp(timestamp).orElseThrow(() -> new StatesFailure(StatesErrors.RUNTIME,
                    "The TimestampPath '" + path + "' does not select an RFC3339 timestamp: " + Json.write(timestamp))).toInstant();
        }
        replayAbort(frame, "WaitStateAborted");
        if (!replaying(frame)) {
            sleepUntil(wakeAt, frame, Optional.of("WaitStateAborted"));
        }
        Optional<ObjectNode> assigned = assignPath(state, frame, state.get("Assign"), effective, states(raw, context), context);
        return new Transition(outputPath(state, effective), next(state), assigned);
    }

    /** Task, Parallel and Map: attempts, retried and caught as the state's Retry and Catch say. */
    private Transition withRetryAndCatch(State state, JsonNode raw, Instant entered, long enteredId, Frame frame)
    {
        JsonNode effective = state.jsonata() ? raw : inputPath(state, raw);
        int[] attempts = new int[state.retriers().size()];
        int retryCount = 0;
        while (true) {
            try {
                ObjectNode context = context(state, entered, retryCount, frame);
                JsonNode result;
                switch (state.type()) {
                    case Task:
                        result = task(state, effective, context, retryCount, taskToken(enteredId, retryCount), frame);
                        break;
                    case Parallel:
                        result = parallel(state, effective, context, frame);
                        break;
                    default:
                        result = map(state, effective, context, frame);
                        break;
                }
                if (state.jsonata()) {
                    ObjectNode states = states(raw, context);
                    states.set("result", result);
                    return finish(state, frame, state.body(), state.body(), states, context, result, next(state));
                }
                if (state.has("ResultSelector")) {
                    result = PayloadTemplate.evaluate(state.get("ResultSelector"), result, context, interpreter.random(), StatesErrors.RUNTIME);
                }
                ObjectNode states = states(raw, context);
                states.set("result", result);
                Optional<ObjectNode> assigned = assignPath(state, frame, state.get("Assign"), result, states, context);
                return new Transition(outputPath(state, resultPath(state, raw, result)), next(state), assigned);
            }
            catch (StatesFailure failure) {
                if (failure.error().equals(StatesErrors.RUNTIME)) {
                    throw failure;
                }
                boolean task = state.type() == StateType.Task;
                Optional<Integer> retrier = firstMatch(state.retriers().stream().map(State.Retrier::errorEquals), failure.error(), task);
                if (retrier.isPresent() && attempts[retrier.get()] < state.retriers().get(retrier.get()).maxAttempts()) {
                    State.Retrier retry = state.retriers().get(retrier.get());
                    double delay = retry.intervalSeconds() * Math.pow(retry.backoffRate(), attempts[retrier.get()]);
                    if (retry.maxDelaySeconds() > 0) {
                        delay = Math.min(delay, retry.maxDelaySeconds());
                    }
                    attempts[retrier.get()]++;
                    retryCount++;
                    // a retry whose next attempt is in the history being resumed has waited already; a Task aborted in its
                    // retry interval is TaskStateAborted (a Parallel or Map, between its attempts, is aborted with no event)
                    Optional<String> abortedType = task ? Optional.of("TaskStateAborted") : Optional.empty();
                    abortedType.ifPresent(type -> replayAbort(frame, type));
                    if (!replaying(frame)) {
                        if (retry.fullJitter()) {
                            delay = delay * interpreter.random().nextDouble();
                        }
                        sleepUntil(frame.lastAt.plusMillis(Math.round(delay * 1000)), frame, abortedType);
                    }
                    continue;
                }
                Optional<Integer> catcher = firstMatch(state.catchers().stream().map(State.Catcher::errorEquals), failure.error(), task);
                if (catcher.isEmpty()) {
                    throw failure;
                }
                State.Catcher handler = state.catchers().get(catcher.get());
                ObjectNode errorOutput = Json.object();
                errorOutput.put("Error", failure.error());
                errorOutput.put("Cause", failure.cause());
                ObjectNode context = context(state, entered, retryCount, frame);
                ObjectNode states = states(raw, context);
                states.set("errorOutput", errorOutput);
                if (state.jsonata()) {
                    return finish(state, frame, "Catch[" + catcher.get() + "]/", handler.body(), handler.body(), states, context, errorOutput,
                            Optional.of(handler.next()));
                }
                JsonNode output = handler.resultPath().isEmpty() ? raw : JsonPaths.write(handler.resultPath().get(), raw, errorOutput).orElseThrow(
                        () -> new StatesFailure(StatesErrors.RESULT_PATH_MATCH_FAILURE, "Unable to apply the Catch ResultPath '" + handler.resultPath().get()
                                + "' to the input '" + Json.write(raw) + "'"));
                return new Transition(output, Optional.of(handler.next()), assignPath(state, frame, handler.body().get("Assign"), errorOutput, states, context));
            }
        }
    }

    static Optional<Integer> firstMatch(Stream<List<String>> matchers, String error, boolean task)
    {
        List<List<String>> all = matchers.toList();
        for (int i = 0; i < all.size(); i++) {
            for (String name : all.get(i)) {
                if (name.equals(error)
                        || name.equals(StatesErrors.ALL) && !error.equals(StatesErrors.DATA_LIMIT_EXCEEDED)
                        || name.equals(StatesErrors.TIMEOUT) && error.equals(StatesErrors.HEARTBEAT_TIMEOUT)
                        || task && name.equals(StatesErrors.TASK_FAILED) && !error.equals(StatesErrors.TIMEOUT) && !error.equals(StatesErrors.HEARTBEAT_TIMEOUT)) {
                    return Optional.of(i);
                }
            }
        }
        return Optional.empty();
    }

    /** Derived from where the task is in the history, so an execution resumed from its history hands out the same token. */
    private String taskToken(long enteredId, int retryCount)
    {
        return TaskTokens.of(request.executionArn(), enteredId, retryCount);
    }

    private JsonNode task(State state, JsonNode effective, ObjectNode context, int retryCount, String token, Frame frame)
    {
        String resource = state.text("Resource").orElseThrow();
        boolean activity = TaskRequest.isActivity(resource);
        if (resource.endsWith(".waitForTaskToken") || activity) {
            context.putObject("Task").put("Token", token);
        }
        Optional<HistoryEvent> recordedSchedule = replayable(frame, List.of(activity ? "ActivityScheduled" : "TaskScheduled"));
        JsonNode parameters;
        if (recordedSchedule.isPresent()) {
            // scheduled before the execution stopped: with the parameters it was scheduled with
            parameters = parseRecorded(recordedSchedule.get(), activity ? "input" : "parameters");
        }
        else {
            parameters = arguments(state, effective, context);
        }
        Optional<Integer> timeout = seconds(state, "TimeoutSeconds", effective, context, this::evaluate);
        Optional<Integer> heartbeat = seconds(state, "HeartbeatSeconds", effective, context, this::evaluate);
        String[] kind = resourceKind(resource);
        if (activity) {
            // AWS's activity events: the task counts its TimeoutSeconds from here, its HeartbeatSeconds from ActivityStarted
            ObjectNode scheduled = Json.object();
            scheduled.put("resource", resource);
            scheduled.put("input", Json.write(parameters));
            scheduled.set("inputDetails", truncated());
            timeout.ifPresent(seconds -> scheduled.put("timeoutInSeconds", seconds));
            heartbeat.ifPresent(seconds -> scheduled.put("heartbeatInSeconds", seconds));
            record(frame, "ActivityScheduled", scheduled);
        }
        else {
            ObjectNode scheduled = Json.object();
            scheduled.put("resourceType", kind[0]);
            scheduled.put("resource", kind[1]);
            scheduled.put("region", request.region());
            scheduled.put("parameters", Json.write(parameters));
            timeout.ifPresent(seconds -> scheduled.put("timeoutInSeconds", seconds));
            heartbeat.ifPresent(seconds -> scheduled.put("heartbeatInSeconds", seconds));
            record(frame, "TaskScheduled", scheduled);
            record(frame, "TaskStarted", resourceDetails(kind));
        }
        Instant start = frame.lastAt;
        AtomicReference<Instant> lastBeat = new AtomicReference<>(start);
        // an activity has started once a worker took it; every other task at once
        boolean started = !activity;
        if (activity) {
            Optional<HistoryEvent> recordedStart = replayable(frame, List.of("ActivityStarted"));
            if (recordedStart.isPresent()) {
                recordEvent(frame, "ActivityStarted", recordedStart.get().details());
                lastBeat.set(frame.lastAt);
                started = true;
            }
        }
        // a .sync or .waitForTaskToken task is submitted once its integration answered: every other task at once
        boolean submitted = !TaskRequest.submits(resource);
        Optional<HistoryEvent> recordedSubmit = submitted ? Optional.empty() : replayable(frame, List.of("TaskSubmitted"));
        if (recordedSubmit.isPresent()) {
            recordEvent(frame, "TaskSubmitted", recordedSubmit.get().details());
            submitted = true;
        }
        Optional<HistoryEvent> recordedOutcome = replayable(frame, activity
                ? List.of("ActivitySucceeded", "ActivityFailed", "ActivityTimedOut", "ActivityScheduleFailed")
                : List.of("TaskSucceeded", "TaskFailed", "TaskTimedOut"));
        if (recordedOutcome.isPresent()) {
            // the task reported before the execution stopped: it is not run again
            HistoryEvent outcome = recordEvent(frame, recordedOutcome.get().type(), recordedOutcome.get().details()).event();
            if (outcome.type().endsWith("Succeeded")) {
                return parseRecorded(outcome, "output");
            }
            throw new StatesFailure(outcome.details().path("error").asText(""), outcome.details().path("cause").asText(""));
        }
        replayAbort(frame, "TaskStateAborted");
        CompletableFuture<String> startedBy = new CompletableFuture<>();
        CompletableFuture<JsonNode> submittedBy = new CompletableFuture<>();
        TaskRequest taskRequest = new TaskRequest(request.executionArn(), state.name(), resource, parameters, token, retryCount, timeout, heartbeat,
                () -> lastBeat.set(interpreter.clock().instant()), startedBy::complete, submittedBy::complete);
        CompletableFuture<TaskOutcome> future;
        try {
            future = interpreter.taskInvoker().invoke(taskRequest);
        }
        catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        }
        Optional<Instant> timeoutAt = timeout.map(start::plusSeconds);
        while (true) {
            if (!started && startedBy.isDone()) {
                // a worker took the activity: its heartbeats count from now
                ObjectNode details = Json.object();
                details.put("workerName", startedBy.join());
                record(frame, "ActivityStarted", details);
                lastBeat.set(frame.lastAt);
                started = true;
            }
            Optional<Instant> heartbeatAt = started ? heartbeat.map(seconds -> lastBeat.get().plusSeconds(seconds)) : Optional.empty();
            Optional<Instant> waitUntil = Stream.of(timeoutAt, heartbeatAt, deadline).flatMap(Optional::stream).min(Instant::compareTo);
            Optional<TaskOutcome> outcome;
            try {
                // until a worker takes an activity, its start wakes this thread too, and so does a submission until it is
                // recorded; in a branch, so does the branch's abort
                CompletableFuture<?> awaited = !started ? CompletableFuture.anyOf(future, startedBy)
                        : !submitted ? CompletableFuture.anyOf(future, submittedBy) : future;
                Optional<?> woken = awaitInBranch(frame, awaited, waitUntil);
                if (!submitted && submittedBy.isDone()) {
                    // the integration answered (before the task's end, which comes after it)
                    ObjectNode details = resourceDetails(kind);
                    details.put("output", Json.write(submittedBy.join()));
                    details.set("outputDetails", truncated());
                    record(frame, "TaskSubmitted", details);
                    submitted = true;
                }
                if (woken.isPresent() && !future.isDone()) {
                    if (frame.abort.isSet()) {
                        // another branch failed: this task stops, and what it started is cancelled
                        future.cancel(true);
                        record(frame, "TaskStateAborted", Json.object());
                        throw new Aborted();
                    }
                    continue;
                }
                CompletableFuture<TaskOutcome> ended = future;
                outcome = woken.map(ignored -> ended.join());
            }
            catch (CompletionException | CancellationException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                if (cause instanceof ActivityScheduleFailure scheduleFailure) {
                    record(frame, "ActivityScheduleFailed", errorDetails(scheduleFailure.error(), scheduleFailure.cause()));
                    throw new StatesFailure(scheduleFailure.error(), scheduleFailure.cause());
                }
                outcome = Optional.of(TaskOutcome.failed(cause.getClass().getSimpleName(), String.valueOf(cause.getMessage())));
            }
            catch (InterruptedException e) {
                future.cancel(true);
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted while waiting for task " + state.name());
            }
            if (outcome.isPresent() && outcome.get() instanceof TaskOutcome.Succeeded succeeded) {
                ObjectNode details = activity ? Json.object() : resourceDetails(kind);
                details.put("output", Json.write(succeeded.output()));
                details.set("outputDetails", truncated());
                record(frame, activity ? "ActivitySucceeded" : "TaskSucceeded", details);
                return succeeded.output();
            }
            if (outcome.isPresent()) {
                TaskOutcome.Failed failed = (TaskOutcome.Failed) outcome.get();
                ObjectNode details = activity ? errorDetails(failed.error(), failed.cause()) : resourceDetails(kind);
                if (!activity) {
                    details.put("error", failed.error());
                    details.put("cause", failed.cause());
                }
                record(frame, activity ? "ActivityFailed" : "TaskFailed", details);
                throw new StatesFailure(failed.error(), failed.cause());
            }
            Instant now = interpreter.clock().instant();
            String error;
            if (timeoutAt.isPresent() && !now.isBefore(timeoutAt.get())) {
                error = StatesErrors.TIMEOUT;
            }
            else if (started && heartbeat.isPresent() && !now.isBefore(lastBeat.get().plusSeconds(heartbeat.get()))) {
                error = StatesErrors.HEARTBEAT_TIMEOUT;
            }
            else if (deadline.isPresent() && !now.isBefore(deadline.get())) {
                future.cancel(true);
                throw new ExecutionTimeout();
            }
            else {
                continue;
            }
            future.cancel(true);
            if (activity) {
                record(frame, "ActivityTimedOut", errorDetails(error, ""));
            }
            else {
                ObjectNode details = resourceDetails(kind);
                details.put("error", error);
                details.put("cause", "");
                record(frame, "TaskTimedOut", details);
            }
            throw new StatesFailure(error, "");
        }
    }

    /** Evaluates a JSONata template of a state's field against {@code $states} (and the variables the evaluator has). */
    @FunctionalInterface
    interface Evaluator
    {
        JsonNode evaluate(JsonNode template, ObjectNode states, ObjectNode context, String field);
    }

    /** A state's {@code TimeoutSeconds} or {@code HeartbeatSeconds}: its value, its JSONata expression's, or its {@code Path}'s; empty without one. */
    static Optional<Integer> seconds(State state, String field, JsonNode effective, ObjectNode context, Evaluator evaluator)
    {
        if (JsonataExpressions.isExpression(state.get(field))) {
            JsonNode value = evaluator.evaluate(state.get(field), states(effective, context), context, field);
            if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 1) {
                throw queryFailure(context, state.get(field).textValue(), field, "returned a value that is not a positive integer: " + Json.write(value));
            }
            return Optional.of(value.intValue());
        }
        if (state.has(field)) {
            return Optional.of(state.get(field).intValue());
        }
        Optional<String> path = state.text(field + "Path");
        if (path.isEmpty()) {
            return Optional.empty();
        }
        JsonNode value = readOrFail(path.get(), effective, context, StatesErrors.RUNTIME, field + "Path");
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 1) {
            throw new StatesFailure(StatesErrors.RUNTIME, "The " + field + "Path '" + path.get() + "' does not select a positive integer: " + Json.write(value));
        }
        return Optional.of(value.intValue());
    }

    private JsonNode parallel(State state, JsonNode effective, ObjectNode context, Frame frame)
    {
        JsonNode input = arguments(state, effective, context);
        long started = record(frame, "ParallelStateStarted", Json.object());
        Instant startedAt = frame.lastAt;
        List<StateGraph> branches = state.branches();
        List<Frame> frames = new ArrayList<>();
        Abort abort = Abort.inside(frame);
        branches.forEach(branch -> frames.add(new Frame(started, startedAt, frame.mapItem, abort, frame.variables.inner())));
        try {
            ArrayNode results = concurrently(frames, 0, abort, i -> runGraph(branches.get(i), input, frames.get(i)));
            frame.last = lastOf(frames, started);
            record(frame, "ParallelStateSucceeded", Json.object());
            return results;
        }
        catch (BranchFailure failure) {
            // after the branch that failed: a redrive finds the state to run again through this event
            frame.last = failure.frame().last;
            record(frame, "ParallelStateFailed", errorDetails(failure.failure().error(), failure.failure().cause()));
            throw failure.failure();
        }
        catch (Aborted aborted) {
            frame.last = lastOf(frames, started);
            record(frame, "ParallelStateAborted", Json.object());
            throw aborted;
        }
        finally {
            abort.close();
        }
    }

    private JsonNode map(State state, JsonNode effective, ObjectNode context, Frame frame)
    {
        if (state.itemProcessor().isPresent() && state.get("ItemProcessor") != null
                && state.get("ItemProcessor").path("ProcessorConfig").path("Mode").asText("INLINE").equals("DISTRIBUTED")) {
            return distributedMap(state, effective, context, frame);
        }
        JsonNode items = items(state, effective, context);
        JsonNode selector = state.has("ItemSelector") ? state.get("ItemSelector") : state.get("Parameters");
        ObjectNode startedDetails = Json.object();
        startedDetails.put("length", items.size());
        long started = record(frame, "MapStateStarted", startedDetails);
        Instant startedAt = frame.lastAt;
        StateGraph processor = state.itemProcessor().orElseThrow();
        // AWS runs at most 40 iterations of an inline Map at once, whatever MaxConcurrency says above that
        int maxConcurrency = maxConcurrency(state, effective, context);
        maxConcurrency = maxConcurrency == 0 ? INLINE_MAP_CONCURRENCY : Math.min(maxConcurrency, INLINE_MAP_CONCURRENCY);
        Abort abort = Abort.inside(frame);
        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            ObjectNode item = Json.object();
            item.put("Index", i);
            item.set("Value", items.get(i));
            frames.add(new Frame(started, startedAt, Optional.of(item), abort, frame.variables.inner()));
        }
        try {
            ArrayNode results = concurrently(frames, maxConcurrency, abort, i -> {
                Frame iteration = frames.get(i);
                ObjectNode iterationDetails = Json.object();
                iterationDetails.put("name", state.name());
                iterationDetails.put("index", i);
                record(iteration, "MapIterationStarted", iterationDetails);
                try {
                    JsonNode input = items.get(i);
                    if (selector != null) {
                        ObjectNode itemContext = context.deepCopy();
                        itemContext.putObject("Map").set("Item", iteration.mapItem.orElseThrow());
                        input = state.jsonata()
                                ? evaluate(selector, states(effective, itemContext), itemContext, "ItemSelector")
                                : PayloadTemplate.evaluate(selector, effective, itemContext, interpreter.random(), StatesErrors.PARAMETER_PATH_FAILURE);
                    }
                    JsonNode output = runGraph(processor, input, iteration);
                    record(iteration, "MapIterationSucceeded", iterationDetails.deepCopy());
                    return output;
                }
                catch (StatesFailure failure) {
                    record(iteration, "MapIterationFailed", iterationDetails.deepCopy());
                    throw failure;
                }
                catch (Aborted aborted) {
                    record(iteration, "MapIterationAborted", iterationDetails.deepCopy());
                    throw aborted;
                }
            });
            frame.last = lastOf(frames, started);
            record(frame, "MapStateSucceeded", Json.object());
            return results;
        }
        catch (BranchFailure failure) {
            frame.last = failure.frame().last;
            record(frame, "MapStateFailed", Json.object());
            throw failure.failure();
        }
        catch (Aborted aborted) {
            frame.last = lastOf(frames, started);
            record(frame, "MapStateAborted", Json.object());
            throw aborted;
        }
        finally {
            abort.close();
        }
    }

    /**
     * A distributed Map: its items read ({@code ItemReader}, else {@code ItemsPath}), selected ({@code ItemSelector}
     * with {@code $$.Map.Item}) and batched ({@code ItemBatcher}) here, each child input then run as a child execution
     * of the Map Run by the {@link MapRunner}, with {@code MapRunStarted} written before the run and
     * {@code MapRunSucceeded} / {@code MapRunFailed} after it.
     */
    private JsonNode distributedMap(State state, JsonNode effective, ObjectNode context, Frame frame)
    {
        List<JsonNode> items = state.has("ItemReader") ? readItems(state, effective, context) : elements(items(state, effective, context));
        JsonNode selector = state.has("ItemSelector") ? state.get("ItemSelector") : state.get("Parameters");
        List<JsonNode> inputs = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            if (selector == null) {
                inputs.add(items.get(i));
                continue;
            }
            ObjectNode itemContext = context.deepCopy();
            ObjectNode item = itemContext.putObject("Map").putObject("Item");
            item.put("Index", i);
            item.set("Value", items.get(i));
            inputs.add(state.jsonata()
                    ? evaluate(selector, states(effective, itemContext), itemContext, "ItemSelector")
                    : PayloadTemplate.evaluate(selector, effective, itemContext, interpreter.random(), StatesErrors.PARAMETER_PATH_FAILURE));
        }
        List<JsonNode> childInputs = inputs;
        List<Integer> itemsPerChild = new ArrayList<>();
        JsonNode batcher = state.get("ItemBatcher");
        if (batcher != null) {
            int maxItems = positive(batcher, "MaxItemsPerBatch", effective, context).orElse(0);
            int maxBytes = positive(batcher, "MaxInputBytesPerBatch", effective, context).orElse(0);
            Optional<JsonNode> batchInput = Optional.ofNullable(batcher.get("BatchInput")).map(template -> state.jsonata()
                    ? evaluate(template, states(effective, context), context, "ItemBatcher/BatchInput")
                    : PayloadTemplate.evaluate(template, effective, context, interpreter.random(), StatesErrors.PARAMETER_PATH_FAILURE));
            childInputs = MapItems.batches(inputs, maxItems, maxBytes, batchInput);
            childInputs.forEach(batch -> itemsPerChild.add(batch.get("Items").size()));
        }
        else {
            inputs.forEach(input -> itemsPerChild.add(1));
        }
        long toleratedCount = tolerated(state, "ToleratedFailureCount", effective, context).map(JsonNode::longValue).orElse(-1L);
        double toleratedPercentage = tolerated(state, "ToleratedFailurePercentage", effective, context).map(JsonNode::doubleValue).orElse(-1.0);
        if (toleratedPercentage > 100) {
            throw new StatesFailure(StatesErrors.RUNTIME, "The ToleratedFailurePercentagePath selects " + toleratedPercentage + ", more than 100");
        }
        // a ResultWriter exports to S3 when it names its Resource; its WriterConfig (alone, or with the export) transforms the results
        Optional<MapRunRequest.ResultWriter> writer = Optional.ofNullable(state.get("ResultWriter")).filter(field -> field.has("Resource")).map(field -> {
            JsonNode parameters = s3Arguments(state, field, "ResultWriter", effective, context);
            MapRunRequest.OutputType outputType = MapRunRequest.OutputType.valueOf(field.path("WriterConfig").path("OutputType").asText("JSON"));
            return new MapRunRequest.ResultWriter(parameters.path("Bucket").asText(), parameters.path("Prefix").asText(""), outputType);
        });
        MapRunRequest.Transformation transformation = Optional.ofNullable(state.get("ResultWriter"))
                .map(field -> field.path("WriterConfig").path("Transformation"))
                .filter(JsonNode::isTextual)
                .map(value -> MapRunRequest.Transformation.valueOf(value.textValue()))
                .orElse(MapRunRequest.Transformation.byDefault(writer.isPresent()));
        ObjectNode startedDetails = Json.object();
        startedDetails.put("length", items.size());
        record(frame, "MapStateStarted", startedDetails);
        ObjectNode processor = state.get("ItemProcessor").deepCopy();
        processor.remove("ProcessorConfig");
        if (definition.jsonata()) {
            // the children run the processor's states as this machine runs them
            processor.put("QueryLanguage", "JSONata");
        }
        boolean express = state.get("ItemProcessor").path("ProcessorConfig").path("ExecutionType").asText().equals("EXPRESS");
        String label = state.text("Label").orElse(state.name());
        String id = UUID.nameUUIDFromBytes((request.executionArn() + "#" + frame.enteredId + "#" + context.path("State").path("RetryCount").asInt())
                .getBytes(StandardCharsets.UTF_8)).toString();
        String mapRunArn = mapRunArn(label, id);
        MapRunRequest run = new MapRunRequest(request.executionArn(), mapRunArn, Json.write(processor), express, childInputs, itemsPerChild,
                maxConcurrency(state, effective, context), toleratedPercentage, toleratedCount, writer, transformation);
        ObjectNode runStarted = Json.object();
        runStarted.put("mapRunArn", mapRunArn);
        record(frame, "MapRunStarted", runStarted);
        Optional<Integer> redrive = redrives.mapRunRedrive(frame.last);
        if (redrive.isPresent()) {
            // the execution ended in this Map Run and was redriven: so is the Map Run (again after a restart: it redrives what is left)
            ObjectNode redriven = Json.object();
            redriven.put("mapRunArn", mapRunArn);
            redriven.put("redriveCount", redrive.get());
            record(frame, "MapRunRedriven", redriven);
            interpreter.mapRunner().redrive(mapRunArn, redrive.get());
        }
        else if (replayable(frame, List.of("MapRunAborted")).isPresent()) {
            // its branch was aborted before the execution stopped: so it is again
            abortMapRun(frame);
        }
        CompletableFuture<TaskOutcome> future = interpreter.mapRunner().run(run);
        TaskOutcome outcome;
        try {
            while (true) {
                Optional<?> woken = awaitInBranch(frame, future, deadline);
                if (woken.isPresent() && !future.isDone()) {
                    // another branch failed: the Map Run stops with its children
                    future.cancel(true);
                    interpreter.mapRunner().abort(mapRunArn);
                    abortMapRun(frame);
                }
                Optional<TaskOutcome> ended = woken.map(ignored -> future.join());
                if (ended.isPresent()) {
                    outcome = ended.get();
                    break;
                }
                if (deadline.isPresent() && !interpreter.clock().instant().isBefore(deadline.get())) {
                    future.cancel(true);
                    throw new ExecutionTimeout();
                }
            }
        }
        catch (CompletionException | CancellationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            outcome = TaskOutcome.failed(StatesErrors.RUNTIME, "The Map Run " + mapRunArn + " failed: " + cause);
        }
        catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for Map Run " + mapRunArn);
        }
        if (outcome instanceof TaskOutcome.Succeeded succeeded) {
            record(frame, "MapRunSucceeded", Json.object());
            record(frame, "MapStateSucceeded", Json.object());
            return succeeded.output();
        }
        TaskOutcome.Failed failed = (TaskOutcome.Failed) outcome;
        record(frame, "MapRunFailed", errorDetails(failed.error(), failed.cause()));
        record(frame, "MapStateFailed", Json.object());
        throw new StatesFailure(failed.error(), failed.cause());
    }

    /** {@code arn:aws:states:<region>:<account>:mapRun:<machine>/<label>:<id>}, from this execution's ARN. */
    private String mapRunArn(String label, String id)
    {
        String[] parts = request.executionArn().split(":", 8);
        return String.join(":", parts[0], parts[1], parts[2], parts[3], parts[4]) + ":mapRun:" + parts[6] + "/" + label + ":" + id;
    }

    /**
     * The items of a distributed Map's {@code ItemReader}, at most its {@code MaxItems} (of all files a manifest lists
     * together; files past the limit are not read).
     */
    private List<JsonNode> readItems(State state, JsonNode effective, ObjectNode context)
    {
        JsonNode reader = state.get("ItemReader");
        JsonNode parameters = s3Arguments(state, reader, "ItemReader", effective, context);
        String bucket = parameters.path("Bucket").asText();
        JsonNode config = reader.path("ReaderConfig");
        int limit = maxItems(config, effective, context).filter(max -> max > 0).orElse(Integer.MAX_VALUE);
        List<JsonNode> items;
        try {
            if (reader.get("Resource").asText().endsWith(":listObjectsV2")) {
                items = interpreter.mapRunner().listObjects(bucket, parameters.path("Prefix").asText(""));
            }
            else {
                String key = parameters.path("Key").asText();
                String source = "s3://" + bucket + "/" + key;
                String inputType = config.path("InputType").asText();
                items = switch (config.path("ManifestType").asText(inputType.equals("MANIFEST") ? "S3_INVENTORY" : "")) {
                    case "ATHENA_DATA" -> athenaDataItems(bucket, key, config, source, limit);
                    case "S3_INVENTORY" -> inventoryItems(bucket, key, source, limit);
                    default -> objectItems(bucket, key, config, source);
                };
            }
        }
        catch (StatesFailure failure) {
            throw failure;
        }
        catch (RuntimeException e) {
            throw new StatesFailure(MapItems.ITEM_READER_FAILED, "The ItemReader could not read " + parameters + ": " + e.getMessage());
        }
        return limit < items.size() ? items.subList(0, limit) : items;
    }

    /** The reader's {@code MaxItems}: its value, its JSONata expression's, or what its {@code MaxItemsPath} selects; 0 reads every item, as on AWS. */
    private Optional<Integer> maxItems(JsonNode config, JsonNode effective, ObjectNode context)
    {
        Optional<Integer> maxItems = config.has("MaxItems") ? Optional.of(config.get("MaxItems").intValue()) : Optional.empty();
        if (JsonataExpressions.isExpression(config.get("MaxItems"))) {
            JsonNode value = evaluate(config.get("MaxItems"), states(effective, context), context, "ItemReader/ReaderConfig/MaxItems");
            if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0) {
                throw queryFailure(context, config.get("MaxItems").textValue(), "ItemReader/ReaderConfig/MaxItems",
                        "returned a value that is not a non-negative integer: " + Json.write(value));
            }
            maxItems = Optional.of(value.intValue());
        }
        if (config.has("MaxItemsPath")) {
            JsonNode value = readOrFail(config.get("MaxItemsPath").asText(), effective, context, StatesErrors.RUNTIME, "MaxItemsPath");
            if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0) {
                throw new StatesFailure(StatesErrors.RUNTIME, "The MaxItemsPath '" + config.get("MaxItemsPath").asText()
                        + "' does not select a non-negative integer: " + Json.write(value));
            }
            maxItems = Optional.of(value.intValue());
        }
        return maxItems;
    }

    /**
     * The items of one data object, read as the reader's {@code InputType} says: the rows of a Parquet object, or the
     * elements, lines or rows of its text (decompressed when it is gzip).
     */
    private List<JsonNode> objectItems(String bucket, String key, JsonNode config, String source)
    {
        String type = config.path("InputType").asText();
        if (type.equals("PARQUET")) {
            return interpreter.mapRunner().parquetRows(bucket, key);
        }
        String text = MapItems.text(interpreter.mapRunner().getObject(bucket, key), source);
        return switch (type) {
            case "CSV" -> MapItems.csv(text, config.path("CSVHeaderLocation").asText().equals("GIVEN")
                    ? Optional.of(elements(config.get("CSVHeaders")).stream().map(JsonNode::asText).toList())
                    : Optional.empty(), MapItems.CSV_DELIMITERS.get(config.path("CSVDelimiter").asText("COMMA")), source);
            case "JSONL" -> MapItems.jsonLines(text, source);
            default -> MapItems.json(text, source);
        };
    }

    /**
     * {@code ManifestType: ATHENA_DATA}: the rows of every data object the Athena data manifest lists, in its order, each
     * object read as the {@code InputType} says (a CSV object with its own header row under {@code FIRST_ROW}).
     */
    private List<JsonNode> athenaDataItems(String bucket, String key, JsonNode config, String source, int limit)
    {
        List<MapItems.S3Location> files = MapItems.athenaManifest(MapItems.text(interpreter.mapRunner().getObject(bucket, key), source), source);
        List<JsonNode> items = new ArrayList<>();
        for (MapItems.S3Location file : files) {
            if (items.size() >= limit) {
                break;
            }
            items.addAll(listedFile(file, source, () -> objectItems(file.bucket(), file.key(), config, file.toString())));
        }
        return items;
    }

    /**
     * {@code InputType: MANIFEST} ({@code ManifestType} {@code S3_INVENTORY}): the rows of every CSV file an S3 Inventory
     * manifest lists, read from its destination bucket (gzip, no header row), each an object keyed by the manifest's
     * {@code fileSchema}.
     */
    private List<JsonNode> inventoryItems(String bucket, String key, String source, int limit)
    {
        MapItems.Inventory inventory = MapItems.inventoryManifest(MapItems.text(interpreter.mapRunner().getObject(bucket, key), source), source);
        List<JsonNode> items = new ArrayList<>();
        for (String fileKey : inventory.files()) {
            if (items.size() >= limit) {
                break;
            }
            MapItems.S3Location file = new MapItems.S3Location(inventory.bucket(), fileKey);
            items.addAll(listedFile(file, source, () -> MapItems.csv(MapItems.text(interpreter.mapRunner().getObject(file.bucket(), file.key()),
                    file.toString()), Optional.of(inventory.columns()), ',', file.toString())));
        }
        return items;
    }

    /** Reads a file a manifest lists; a failure to read it names the file and the manifest. */
    private static List<JsonNode> listedFile(MapItems.S3Location file, String manifest, Supplier<List<JsonNode>> read)
    {
        try {
            return read.get();
        }
        catch (StatesFailure failure) {
            throw failure;
        }
        catch (RuntimeException e) {
            throw new StatesFailure(MapItems.ITEM_READER_FAILED, "The ItemReader could not read " + file + ", which the manifest " + manifest
                    + " lists: " + e.getMessage());
        }
    }

    private static List<JsonNode> elements(JsonNode array)
    {
        List<JsonNode> elements = new ArrayList<>();
        array.forEach(elements::add);
        return elements;
    }

    /**
     * The {@code Parameters} (JSONPath) or {@code Arguments} (JSONata) of a distributed Map's {@code ItemReader} or
     * {@code ResultWriter}, evaluated: an object naming the bucket and the key or prefix.
     */
    private JsonNode s3Arguments(State state, JsonNode field, String fieldName, JsonNode effective, ObjectNode context)
    {
        if (!state.jsonata()) {
            return PayloadTemplate.evaluate(field.get("Parameters"), effective, context, interpreter.random(), StatesErrors.PARAMETER_PATH_FAILURE);
        }
        JsonNode arguments = evaluate(field.get("Arguments"), states(effective, context), context, fieldName + "/Arguments");
        if (!arguments.isObject() || !arguments.path("Bucket").isTextual()) {
            throw queryFailure(context, Json.write(field.get("Arguments")), fieldName + "/Arguments",
                    "returned a value that is not an object with a string Bucket: " + Json.write(arguments));
        }
        return arguments;
    }

    /** An {@code ItemBatcher} limit: its value, its JSONata expression's, or what its {@code ...Path} selects (a positive integer). */
    private Optional<Integer> positive(JsonNode node, String field, JsonNode effective, ObjectNode context)
    {
        if (JsonataExpressions.isExpression(node.get(field))) {
            JsonNode value = evaluate(node.get(field), states(effective, context), context, "ItemBatcher/" + field);
            if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 1) {
                throw queryFailure(context, node.get(field).textValue(), "ItemBatcher/" + field,
                        "returned a value that is not a positive integer: " + Json.write(value));
            }
            return Optional.of(value.intValue());
        }
        if (node.has(field)) {
            return Optional.of(node.get(field).intValue());
        }
        if (!node.has(field + "Path")) {
            return Optional.empty();
        }
        String path = node.get(field + "Path").asText();
        JsonNode value = readOrFail(path, effective, context, StatesErrors.RUNTIME, field + "Path");
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 1) {
            throw new StatesFailure(StatesErrors.RUNTIME, "The " + field + "Path '" + path + "' does not select a positive integer: " + Json.write(value));
        }
        return Optional.of(value.intValue());
    }

    /** A tolerated failure count or percentage: its value, its JSONata expression's, or what its {@code ...Path} selects (a non-negative number). */
    private Optional<JsonNode> tolerated(State state, String field, JsonNode effective, ObjectNode context)
    {
        if (JsonataExpressions.isExpression(state.get(field))) {
            JsonNode value = evaluate(state.get(field), states(effective, context), context, field);
            boolean count = field.endsWith("Count");
            if (!value.isNumber() || value.doubleValue() < 0 || count && !(value.isIntegralNumber() && value.canConvertToLong())
                    || !count && value.doubleValue() > 100) {
                throw queryFailure(context, state.get(field).textValue(), field, "returned a value that is not "
                        + (count ? "a non-negative integer" : "a number from 0 to 100") + ": " + Json.write(value));
            }
            return Optional.of(value);
        }
        if (state.has(field)) {
            return Optional.of(state.get(field));
        }
        Optional<String> path = state.text(field + "Path");
        if (path.isEmpty()) {
            return Optional.empty();
        }
        JsonNode value = readOrFail(path.get(), effective, context, StatesErrors.RUNTIME, field + "Path");
        if (!value.isNumber() || value.doubleValue() < 0 || field.endsWith("Count") && !value.isIntegralNumber()) {
            throw new StatesFailure(StatesErrors.RUNTIME, "The " + field + "Path '" + path.get() + "' does not select a non-negative "
                    + (field.endsWith("Count") ? "integer" : "number") + ": " + Json.write(value));
        }
        return Optional.of(value);
    }

    /** The failure of a Parallel or Map: the branch or iteration that failed first in the history, and its error. */
    private static final class BranchFailure
            extends RuntimeException
    {
        private final Frame frame;
        private final StatesFailure failure;

        BranchFailure(Frame frame, StatesFailure failure)
        {
            super(failure.getMessage(), null, false, false);
            this.frame = frame;
            this.failure = failure;
        }

        Frame frame()
        {
            return frame;
        }

        StatesFailure failure()
        {
            return failure;
        }
    }

    /**
     * Runs one body per frame on the interpreter's executor, at most {@code maxConcurrency} at once (0: no limit), and
     * returns their results in index order. The first to fail sets the abort, which stops the others, and once every
     * body has stopped the lot fails: with {@link BranchFailure} naming the failed frame whose last event came first
     * (the same on a replay of the history), with another exception as it was thrown (a stop, a sink that failed), or
     * with {@link Aborted} when the abort was set from outside.
     */
    private ArrayNode concurrently(List<Frame> frames, int maxConcurrency, Abort abort, IntFunction<JsonNode> body)
    {
        Semaphore permits = new Semaphore(maxConcurrency == 0 ? Integer.MAX_VALUE : maxConcurrency);
        AtomicReference<RuntimeException> otherFailure = new AtomicReference<>();
        Map<Integer, StatesFailure> failures = new ConcurrentHashMap<>();
        List<CompletableFuture<JsonNode>> futures = new ArrayList<>();
        Thread caller = Thread.currentThread();
        for (int i = 0; i < frames.size(); i++) {
            int index = i;
            try {
                permits.acquire();
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                abort.set();
                throw new CancellationException("interrupted while starting branches");
            }
            if (abort.isSet()) {
                permits.release();
                break;
            }
            futures.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return body.apply(index);
                }
                catch (StatesFailure e) {
                    failures.put(index, e);
                    abort.set();
                    throw e;
                }
                catch (Aborted e) {
                    // stopped by the abort (or, replayed, as it was): the lot never succeeds without this one
                    abort.set();
                    throw e;
                }
                catch (RuntimeException e) {
                    otherFailure.compareAndSet(null, e);
                    abort.set();
                    throw e;
                }
                finally {
                    permits.release();
                    if (Thread.currentThread() != caller) {
                        // a pooled thread goes back clean: an interrupt was for this execution's branch only
                        Thread.interrupted();
                    }
                }
            }, interpreter.executor()));
        }
        ArrayNode results = Json.NODES.arrayNode();
        for (CompletableFuture<JsonNode> future : futures) {
            try {
                results.add(future.join());
            }
            catch (CompletionException | CancellationException e) {
                // the failure is rethrown below, once every branch has stopped
            }
        }
        if (otherFailure.get() != null) {
            throw otherFailure.get();
        }
        Optional<Map.Entry<Integer, StatesFailure>> first = failures.entrySet().stream()
                .min(Comparator.comparingLong(failure -> frames.get(failure.getKey()).last));
        if (first.isPresent()) {
            throw new BranchFailure(frames.get(first.get().getKey()), first.get().getValue());
        }
        if (abort.isSet()) {
            throw new Aborted();
        }
        return results;
    }

    static JsonNode inputPath(State state, JsonNode raw)
    {
        if (!state.has("InputPath")) {
            return raw;
        }
        if (state.get("InputPath").isNull()) {
            return Json.object();
        }
        return readOrFail(state.text("InputPath").orElseThrow(), raw, NullNode.getInstance(), StatesErrors.RUNTIME, "InputPath");
    }

    static JsonNode outputPath(State state, JsonNode output)
    {
        if (!state.has("OutputPath")) {
            return output;
        }
        if (state.get("OutputPath").isNull()) {
            return Json.object();
        }
        return readOrFail(state.text("OutputPath").orElseThrow(), output, NullNode.getInstance(), StatesErrors.RUNTIME, "OutputPath");
    }

    static JsonNode resultPath(State state, JsonNode raw, JsonNode result)
    {
        if (!state.has("ResultPath")) {
            return result;
        }
        if (state.get("ResultPath").isNull()) {
            return raw;
        }
        String path = state.text("ResultPath").orElseThrow();
        return JsonPaths.write(path, raw, result).orElseThrow(() -> new StatesFailure(StatesErrors.RESULT_PATH_MATCH_FAILURE,
                "Unable to apply ResultPath '" + path + "' to input '" + Json.write(raw) + "'"));
    }

    static JsonNode readOrFail(String path, JsonNode document, JsonNode context, String error, String field)
    {
        try {
            return JsonPaths.read(path, document, context);
        }
        catch (JsonPathException e) {
            throw new StatesFailure(error, "Invalid path '" + path + "' : No results for path: " + path + " in the " + field + " of input '"
                    + Json.write(document) + "'");
        }
    }

    private ObjectNode context(State state, Instant entered, int retryCount, Frame frame)
    {
        ObjectNode context = new ContextObject(frame.variables, frame.enteredId);
        ObjectNode execution = context.putObject("Execution");
        execution.put("Id", request.executionArn());
        execution.set("Input", request.input());
        execution.put("Name", request.name());
        execution.put("RoleArn", request.roleArn());
        execution.put("StartTime", TIMESTAMP.format(request.startTime()));
        // AWS: RedriveCount is 0 until a redrive; RedriveTime is there once redriven
        execution.put("RedriveCount", redrives.count());
        redrives.last().ifPresent(time -> execution.put("RedriveTime", TIMESTAMP.format(time)));
        ObjectNode stateNode = context.putObject("State");
        stateNode.put("EnteredTime", TIMESTAMP.format(entered));
        stateNode.put("Name", state.name());
        stateNode.put("RetryCount", retryCount);
        ObjectNode machine = context.putObject("StateMachine");
        machine.put("Id", request.stateMachineArn());
        machine.put("Name", request.stateMachineName());
        frame.mapItem.ifPresent(item -> context.putObject("Map").set("Item", item));
        return context;
    }

    private Optional<String> next(State state)
    {
        return state.text("Next");
    }

    /**
     * Sleeps until {@code wakeAt} (or the execution's deadline); in a branch, until its abort if that comes first, then
     * with the event {@code abortedType} recorded (if any), throws {@link Aborted}.
     */
    private void sleepUntil(Instant wakeAt, Frame frame, Optional<String> abortedType)
    {
        Instant until = deadline.filter(limit -> limit.isBefore(wakeAt)).orElse(wakeAt);
        try {
            if (frame.abort.top) {
                interpreter.waiter().sleepUntil(until);
            }
            else if (awaitInBranch(frame, new CompletableFuture<Void>(), Optional.of(until)).isPresent()) {
                // nothing but the branch's abort ends this wait before its time
                abortedType.ifPresent(type -> record(frame, type, Json.object()));
                throw new Aborted();
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting");
        }
        checkDeadline();
    }

    /** A distributed Map whose branch was aborted: {@code MapRunAborted}, {@code MapStateAborted}, and {@link Aborted}. */
    private void abortMapRun(Frame frame)
    {
        record(frame, "MapRunAborted", Json.object());
        record(frame, "MapStateAborted", Json.object());
        throw new Aborted();
    }

    /**
     * Waits on the interpreter's waiter for the future until the deadline (empty once it passed), and in a branch also
     * for the branch's abort: present once either came; the caller tells them apart by whether the future is done.
     *
     * @throws CompletionException when the future completes exceptionally
     */
    private Optional<?> awaitInBranch(Frame frame, CompletableFuture<?> future, Optional<Instant> deadline)
            throws InterruptedException
    {
        if (frame.abort.top) {
            return interpreter.waiter().await(future, deadline);
        }
        CompletableFuture<Boolean> aborted = frame.abort.await();
        try {
            return interpreter.waiter().await(CompletableFuture.anyOf(future, aborted), deadline);
        }
        finally {
            frame.abort.release(aborted);
        }
    }

    /** The last event of a Parallel's branches or a Map's iterations, after which the state ends: the highest id. */
    private static long lastOf(List<Frame> frames, long started)
    {
        return frames.stream().mapToLong(each -> each.last).max().orElse(started);
    }

    /** On a replay, a state that was aborted where it waited stops there again: its abort event is taken, and it throws {@link Aborted}. */
    private void replayAbort(Frame frame, String abortedType)
    {
        if (replayable(frame, List.of(abortedType)).isPresent()) {
            record(frame, abortedType, Json.object());
            throw new Aborted();
        }
    }

    private void checkDeadline()
    {
        if (deadline.isPresent() && !interpreter.clock().instant().isBefore(deadline.get())) {
            throw new ExecutionTimeout();
        }
    }

    /** {@code [resourceType, resource]} as AWS's task events name them. */
    private static String[] resourceKind(String arn)
    {
        String[] parts = arn.split(":", 7);
        if (parts.length == 7 && parts[2].equals("states") && parts[3].isEmpty() && parts[4].isEmpty()) {
            if (parts[5].equals("aws-sdk")) {
                int split = parts[6].indexOf(':');
                return new String[] {"aws-sdk:" + parts[6].substring(0, Math.max(split, 0)), parts[6].substring(split + 1)};
            }
            return new String[] {parts[5], parts[6]};
        }
        return new String[] {parts.length > 2 ? parts[2] : arn, arn};
    }

    private static ObjectNode resourceDetails(String[] kind)
    {
        ObjectNode details = Json.object();
        details.put("resourceType", kind[0]);
        details.put("resource", kind[1]);
        return details;
    }

    private static ObjectNode errorDetails(String error, String cause)
    {
        ObjectNode details = Json.object();
        if (!error.isEmpty()) {
            details.put("error", error);
        }
        if (!cause.isEmpty()) {
            details.put("cause", cause);
        }
        return details;
    }

    private static ObjectNode truncated()
    {
        ObjectNode details = Json.object();
        details.put("truncated", false);
        return details;
    }

    private long record(Frame frame, String type, ObjectNode details)
    {
        return recordEvent(frame, type, details).event().id();
    }

    /**
     * The event of this type that follows the frame's last one: the recorded one when the history being resumed has it,
     * else a new one, appended to the sink before the caller goes on.
     */
    private Recorded recordEvent(Frame frame, String type, ObjectNode details)
    {
        Recorded recorded;
        synchronized (this) {
            recorded = replayed(frame.last, type, details)
                    .map(event -> new Recorded(event, true))
                    .orElseGet(() -> {
                        long previous = redrives.previous(frame.last, type, details.path("name"));
                        HistoryEvent event = new HistoryEvent(++lastEventId, previous, type, interpreter.clock().instant(), details);
                        interpreter.historySink().append(event);
                        return new Recorded(event, false);
                    });
        }
        frame.last = recorded.event().id();
        frame.lastAt = recorded.event().timestamp();
        return recorded;
    }

    /**
     * Takes the recorded event that follows {@code previousId} with this type and, where several threads follow one
     * event (the branches of a Parallel, the iterations of a Map), the same state name and iteration index.
     */
    private Optional<HistoryEvent> replayed(long previousId, String type, ObjectNode details)
    {
        List<HistoryEvent> next = recorded.getOrDefault(redrives.previous(previousId, type, details.path("name")), List.of());
        for (HistoryEvent candidate : next) {
            if (candidate.type().equals(type) && candidate.details().path("name").equals(details.path("name"))
                    && candidate.details().path("index").equals(details.path("index"))) {
                next.remove(candidate);
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The recorded event of one of these types that follows the frame's last one, left in place. */
    private synchronized Optional<HistoryEvent> replayable(Frame frame, List<String> types)
    {
        return recorded.getOrDefault(frame.last, List.of()).stream().filter(event -> types.contains(event.type())).findFirst();
    }

    /** Whether the history being resumed goes on after the frame's last event (so what comes next has happened). */
    private synchronized boolean replaying(Frame frame)
    {
        return !recorded.getOrDefault(frame.last, List.of()).isEmpty();
    }

    private static JsonNode parseRecorded(HistoryEvent event, String field)
    {
        try {
            return Json.parse(event.details().path(field).asText());
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("The recorded " + event.type() + " event " + event.id() + " has no JSON " + field, e);
        }
    }
}
