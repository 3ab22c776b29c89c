package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates a definition and builds its {@link StateGraph}s, collecting every problem as AWS does.
 *
 * <p>Messages whose wording was checked against AWS's own answers (quoted in public bug reports):
 * {@code The field "X" is not supported by Step Functions}, {@code The field 'X' is required but was missing},
 * {@code The field 'Type' should have one of these values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map]},
 * {@code Missing 'Next' target: X} (also for {@code Default}, {@code Choices[i]/Next} and {@code Catch[i]/Next}),
 * {@code State "X" is not reachable.}, {@code Workflow has no terminal state} (without a location, and without the
 * reachability walk), {@code Value is not a Reference Path: Reference path didn't start with '$'},
 * {@code Value is not a valid resource ARN}, {@code There should only be one of the following fields: [A, B]} and
 * {@code Minimum value is N}; the codes {@code DUPLICATE_STATE_NAME} and {@code INVALID_STATE_NAME} are AWS's, their
 * messages lakestack's. Modelled on AWS's wording but not confirmed: {@code The value for the field 'x.$' must be
 * a valid JSONPath} (and {@code ... or a valid intrinsic function call}). Every other message is lakestack's own
 * wording under AWS's code; the locations follow AWS's ({@code /States/A/Next}, {@code /States/P/Branches[0]/States/B},
 * {@code /StartAt}).
 *
 * <p>{@code QueryLanguage}: a state takes the machine's unless it sets its own; a JSONPath machine's state may be
 * JSONata, a JSONata machine's may not be JSONPath. Each language's own fields are refused in the other's states, at the
 * field's location, in lakestack's wording: JSONPath's paths, templates and {@code Variable} (replaced by
 * {@code Arguments}, {@code Output}, {@code Items} and {@code Condition}). JSONata expressions are parsed here, so a
 * syntax error is a diagnostic; variable names are checked against AWS's rules.
 */
final class DefinitionParser
{
    private static final Set<String> TOP_FIELDS = Set.of("Comment", "StartAt", "States", "TimeoutSeconds", "Version", "QueryLanguage");
    private static final Set<String> GRAPH_FIELDS = Set.of("Comment", "StartAt", "States");
    private static final Set<String> PROCESSOR_FIELDS = Set.of("Comment", "StartAt", "States", "ProcessorConfig");
    private static final Set<String> COMMON = Set.of("Type", "Comment", "QueryLanguage");
    private static final Map<StateType, Set<String>> FIELDS = Map.of(
            StateType.Pass, Set.of("Next", "End", "InputPath", "OutputPath", "Parameters", "ResultPath", "Result"),
            StateType.Task, Set.of("Next", "End", "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Retry", "Catch", "Resource",
                    "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Credentials"),
            StateType.Choice, Set.of("InputPath", "OutputPath", "Choices", "Default"),
            StateType.Wait, Set.of("Next", "End", "InputPath", "OutputPath", "Seconds", "SecondsPath", "Timestamp", "TimestampPath"),
            StateType.Succeed, Set.of("InputPath", "OutputPath"),
            StateType.Fail, Set.of("Error", "ErrorPath", "Cause", "CausePath"),
            StateType.Parallel, Set.of("Next", "End", "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Retry", "Catch", "Branches"),
            StateType.Map, Set.of("Next", "End", "InputPath", "OutputPath", "Parameters", "ItemSelector", "ResultSelector", "ResultPath", "Retry", "Catch",
                    "ItemsPath", "MaxConcurrency", "MaxConcurrencyPath", "ItemProcessor", "Iterator", "ItemReader", "ItemBatcher", "ResultWriter",
                    "ToleratedFailureCount", "ToleratedFailureCountPath", "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "Label"));
    private static final List<String> DISTRIBUTED_MAP_FIELDS = List.of("ItemReader", "ItemBatcher", "ResultWriter", "ToleratedFailureCount",
            "ToleratedFailureCountPath", "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "Label");
    private static final String S3_GET_OBJECT = "arn:aws:states:::s3:getObject";
    private static final String S3_LIST_OBJECTS = "arn:aws:states:::s3:listObjectsV2";
    /** An ItemReader's {@code ReaderConfig.ManifestType}s: an Athena data manifest (CSV, JSONL or Parquet data) and an S3 Inventory manifest. */
    private static final List<String> MANIFEST_TYPES = List.of("ATHENA_DATA", "S3_INVENTORY");
    private static final String S3_PUT_OBJECT = "arn:aws:states:::s3:putObject";
    private static final Pattern LABEL_FORBIDDEN = Pattern.compile("[\\s<>{}\\[\\]?*\"#%\\\\^|~`$&,;:/\\p{Cntrl}]");
    private static final Set<String> RETRIER_FIELDS = Set.of("ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy");
    private static final Set<String> CATCHER_FIELDS = Set.of("ErrorEquals", "Next", "ResultPath", "Output", "Assign");
    /** The states that may assign variables, in either query language. */
    private static final Set<StateType> ASSIGNING = Set.of(StateType.Pass, StateType.Task, StateType.Choice, StateType.Wait, StateType.Parallel,
            StateType.Map);
    /** The fields of JSONPath states that JSONata states do not have: {@code Arguments} and {@code Output} replace them. */
    private static final Set<String> JSONPATH_ONLY = Set.of("InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Result",
            "ItemsPath", "TimeoutSecondsPath", "HeartbeatSecondsPath", "SecondsPath", "TimestampPath", "ErrorPath", "CausePath", "MaxConcurrencyPath",
            "ToleratedFailureCountPath", "ToleratedFailurePercentagePath", "Variable", "MaxItemsPath", "MaxItemsPerBatchPath", "MaxInputBytesPerBatchPath");
    /** The fields of JSONata states that JSONPath states do not have. */
    private static final Set<String> JSONATA_ONLY = Set.of("Arguments", "Output", "Items", "Condition");
    static final Set<String> STRING_COMPARISONS = Set.of("StringEquals", "StringLessThan", "StringGreaterThan", "StringLessThanEquals",
            "StringGreaterThanEquals", "StringMatches");
    static final Set<String> NUMERIC_COMPARISONS = Set.of("NumericEquals", "NumericLessThan", "NumericGreaterThan", "NumericLessThanEquals",
            "NumericGreaterThanEquals");
    static final Set<String> TIMESTAMP_COMPARISONS = Set.of("TimestampEquals", "TimestampLessThan", "TimestampGreaterThan", "TimestampLessThanEquals",
            "TimestampGreaterThanEquals");
    static final Set<String> TYPE_TESTS = Set.of("IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp");
    private static final String SCHEMA = "SCHEMA_VALIDATION_FAILED";
    private static final String TARGET = "MISSING_TRANSITION_TARGET";

    private final List<Diagnostic> diagnostics = new ArrayList<>();
    private final Set<String> stateNames = new HashSet<>();
    private boolean machineJsonata;

    private DefinitionParser() {}

    static StateMachineDefinition parse(String json)
    {
        DefinitionParser parser = new DefinitionParser();
        if (json == null || json.isBlank()) {
            throw new InvalidDefinitionException(List.of(new Diagnostic("MISSING_DESCRIPTION", "The state machine definition is empty", Optional.empty())));
        }
        JsonNode root;
        try {
            root = Json.parse(json);
        }
        catch (JsonProcessingException e) {
            throw new InvalidDefinitionException(List.of(new Diagnostic("INVALID_JSON_DESCRIPTION", e.getOriginalMessage(), Optional.empty())));
        }
        if (!root.isObject()) {
            throw new InvalidDefinitionException(List.of(new Diagnostic("INVALID_JSON_DESCRIPTION", "The state machine definition is not a JSON object",
                    Optional.empty())));
        }
        parser.unknownFields(root, TOP_FIELDS, "");
        parser.queryLanguage(root, "");
        parser.machineJsonata = root.path("QueryLanguage").asText("").equals("JSONata");
        Optional<Integer> timeout = parser.integer(root, "TimeoutSeconds", "", 1);
        if (root.has("Version") && !"1.0".equals(root.get("Version").asText(null))) {
            parser.schema("The field 'Version' should have one of these values: [1.0]", "/Version");
        }
        StateGraph graph = parser.graph(root, "", GRAPH_FIELDS);
        if (!parser.diagnostics.isEmpty()) {
            throw new InvalidDefinitionException(parser.diagnostics);
        }
        return new StateMachineDefinition(json, root.path("Comment").asText(null), timeout, graph, parser.machineJsonata);
    }

    private StateGraph graph(JsonNode node, String location, Set<String> fields)
    {
        if (!location.isEmpty()) {
            unknownFields(node, fields, location);
        }
        String startAt = requiredString(node, "StartAt", location);
        JsonNode statesNode = node.get("States");
        Map<String, State> states = new LinkedHashMap<>();
        if (statesNode == null) {
            required("States", location);
        }
        else if (!statesNode.isObject() || statesNode.isEmpty()) {
            schema("The field 'States' should be a non-empty object", location + "/States");
        }
        else {
            Iterator<Map.Entry<String, JsonNode>> entries = statesNode.fields();
            while (entries.hasNext()) {
                Map.Entry<String, JsonNode> entry = entries.next();
                String stateLocation = location + "/States/" + entry.getKey();
                if (entry.getKey().isEmpty() || entry.getKey().length() > 80) {
                    diagnostics.add(Diagnostic.at("INVALID_STATE_NAME", "State names must contain between 1 and 80 characters", stateLocation));
                }
                if (!stateNames.add(entry.getKey())) {
                    // names are unique across the whole machine, branches and item processors included
                    diagnostics.add(Diagnostic.at("DUPLICATE_STATE_NAME", "Duplicate state name: " + entry.getKey(), stateLocation));
                }
                state(entry.getKey(), entry.getValue(), stateLocation).ifPresent(state -> states.put(state.name(), state));
            }
        }
        if (startAt != null && !states.isEmpty()) {
            transitions(startAt, statesNode, states, location);
        }
        return new StateGraph(startAt == null ? "" : startAt, states, location);
    }

    private void transitions(String startAt, JsonNode statesNode, Map<String, State> states, String location)
    {
        Map<String, List<String>> edges = new LinkedHashMap<>();
        boolean missing = false;
        if (!statesNode.has(startAt)) {
            missingTarget(startAt, location + "/StartAt");
            missing = true;
        }
        for (State state : states.values()) {
            List<String> targets = new ArrayList<>();
            state.text("Next").ifPresent(next -> targets.add(next));
            if (state.type() != StateType.Choice && state.has("Next") && !statesNode.has(state.text("Next").orElse(""))) {
                missingTarget(state.text("Next").orElse(""), state.location() + "/Next");
            }
            if (state.type() == StateType.Choice) {
                JsonNode choices = state.get("Choices");
                if (choices != null && choices.isArray()) {
                    for (int i = 0; i < choices.size(); i++) {
                        String next = choices.get(i).path("Next").asText(null);
                        if (next != null) {
                            targets.add(next);
                            if (!statesNode.has(next)) {
                                missingTarget(next, state.location() + "/Choices[" + i + "]/Next");
                            }
                        }
                    }
                }
                state.text("Default").ifPresent(next -> {
                    targets.add(next);
                    if (!statesNode.has(next)) {
                        missingTarget(next, state.location() + "/Default");
                    }
                });
            }
            for (int i = 0; i < state.catchers().size(); i++) {
                String next = state.catchers().get(i).next();
                targets.add(next);
                if (!statesNode.has(next)) {
                    missingTarget(next, state.location() + "/Catch[" + i + "]/Next");
                }
            }
            edges.put(state.name(), targets);
        }
        if (states.values().stream().noneMatch(State::isEnd)) {
            diagnostics.add(new Diagnostic("MISSING_END_STATE", "Workflow has no terminal state", Optional.empty()));
            return;
        }
        if (missing) {
            // nothing is reachable from a StartAt that does not exist: AWS reports each state
            states.values().forEach(state -> diagnostics.add(Diagnostic.at(TARGET, "State \"" + state.name() + "\" is not reachable.", state.location())));
            return;
        }
        Set<String> reached = new HashSet<>();
        Deque<String> queue = new ArrayDeque<>(List.of(startAt));
        while (!queue.isEmpty()) {
            String name = queue.poll();
            if (reached.add(name)) {
                queue.addAll(edges.getOrDefault(name, List.of()));
            }
        }
        for (State state : states.values()) {
            if (!reached.contains(state.name())) {
                diagnostics.add(Diagnostic.at(TARGET, "State \"" + state.name() + "\" is not reachable.", state.location()));
            }
        }
    }

    private Optional<State> state(String name, JsonNode node, String location)
    {
        if (!node.isObject()) {
            schema("The state should be an object", location);
            return Optional.empty();
        }
        JsonNode typeNode = node.get("Type");
        if (typeNode == null) {
            required("Type", location);
            return Optional.empty();
        }
        StateType type;
        try {
            type = StateType.valueOf(typeNode.asText());
        }
        catch (IllegalArgumentException e) {
            schema("The field 'Type' should have one of these values: " + Arrays.toString(StateType.values()), location + "/Type");
            return Optional.empty();
        }
        Set<String> allowed = new LinkedHashSet<>(COMMON);
        allowed.addAll(FIELDS.get(type));
        allowed.addAll(jsonataFields(type));
        if (ASSIGNING.contains(type)) {
            allowed.add("Assign");
        }
        unknownFields(node, allowed, location);
        queryLanguage(node, location);
        boolean jsonata = machineJsonata || node.path("QueryLanguage").asText("").equals("JSONata");
        if (machineJsonata && node.path("QueryLanguage").asText("").equals("JSONPath")) {
            schema("A state of a state machine whose QueryLanguage is JSONata cannot set its QueryLanguage to JSONPath", location + "/QueryLanguage");
        }
        languageFields(node, jsonata, location);
        assign(node, jsonata, location);
        optionalString(node, "Comment", location);
        if (FIELDS.get(type).contains("End")) {
            boolean end = node.path("End").asBoolean(false);
            if (node.has("End") && !node.get("End").isBoolean()) {
                schema("The field 'End' should be a boolean", location + "/End");
            }
            optionalString(node, "Next", location);
            if (node.has("Next") && end) {
                schema("The state should not have both 'Next' and 'End': true", location);
            }
            else if (!node.has("Next") && !end) {
                schema("The state should have either 'Next' or 'End': true", location);
            }
        }
        for (String field : List.of("InputPath", "OutputPath")) {
            path(node, field, location);
        }
        referencePath(node, "ResultPath", location, true);
        for (String field : List.of("Parameters", "ResultSelector", "ItemSelector")) {
            if (jsonata) {
                expressions(node, field, location);
            }
            else {
                template(node, field, location);
            }
        }
        for (String field : List.of("Arguments", "Output", "Items")) {
            if (jsonata) {
                expressions(node, field, location);
            }
        }
        if (jsonata && node.has("Arguments") && !node.get("Arguments").isObject() && !JsonataExpressions.isExpression(node.get("Arguments"))) {
            schema("The field 'Arguments' should be an object or a JSONata expression", location + "/Arguments");
        }
        if (jsonata && node.has("Items") && !node.get("Items").isArray() && !JsonataExpressions.isExpression(node.get("Items"))) {
            schema("The field 'Items' should be an array or a JSONata expression", location + "/Items");
        }
        List<StateGraph> branches = List.of();
        Optional<StateGraph> processor = Optional.empty();
        switch (type) {
            case Task:
                task(node, location, jsonata);
                break;
            case Choice:
                choice(node, location, jsonata);
                break;
            case Wait:
                waitState(node, location, jsonata);
                break;
            case Fail:
                exclusive(node, "Error", "ErrorPath", location);
                exclusive(node, "Cause", "CausePath", location);
                optionalString(node, "Error", location);
                optionalString(node, "Cause", location);
                if (jsonata) {
                    expressions(node, "Error", location);
                    expressions(node, "Cause", location);
                }
                referencePathOrIntrinsic(node, "ErrorPath", location);
                referencePathOrIntrinsic(node, "CausePath", location);
                break;
            case Parallel:
                branches = parallel(node, location);
                break;
            case Map:
                processor = map(node, location, jsonata);
                break;
            default:
                break;
        }
        List<State.Retrier> retriers = FIELDS.get(type).contains("Retry") ? retriers(node, location) : List.of();
        List<State.Catcher> catchers = FIELDS.get(type).contains("Catch") ? catchers(node, location, jsonata) : List.of();
        return Optional.of(new State(name, type, location, node, branches, processor, retriers, catchers, jsonata));
    }

    private static Set<String> jsonataFields(StateType type)
    {
        switch (type) {
            case Task:
            case Parallel:
                return Set.of("Arguments", "Output");
            case Map:
                return Set.of("Items", "Output");
            case Fail:
                return Set.of();
            default:
                return Set.of("Output");
        }
    }

    /** Refuses, at its own location, each field of the other query language. */
    private void languageFields(JsonNode node, boolean jsonata, String location)
    {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (jsonata && JSONPATH_ONLY.contains(name)) {
                schema("The field \"" + name + "\" is not supported when the QueryLanguage is JSONata", location + "/" + name);
            }
            else if (!jsonata && JSONATA_ONLY.contains(name)) {
                schema("The field \"" + name + "\" is supported only when the QueryLanguage is JSONata", location + "/" + name);
            }
        }
    }

    /** {@code Assign}: an object of variable names; values JSONata expressions (JSONata) or {@code .$} paths (JSONPath). */
    private void assign(JsonNode node, boolean jsonata, String location)
    {
        JsonNode assign = node.get("Assign");
        if (assign == null) {
            return;
        }
        String at = location + "/Assign";
        if (!assign.isObject()) {
            schema("The field 'Assign' should be an object", at);
            return;
        }
        Iterator<String> names = assign.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            String variable = !jsonata && name.endsWith(".$") ? name.substring(0, name.length() - 2) : name;
            Variables.nameProblem(variable).ifPresent(problem -> schema(problem, at + "/" + name));
        }
        if (jsonata) {
            JsonataExpressions.problem(assign).ifPresent(problem -> schema(problem, at));
        }
        else {
            PayloadTemplate.problem(assign).ifPresent(problem -> schema(problem, at));
        }
    }

    /** A field whose JSONata expressions (anywhere inside it) must parse. */
    private void expressions(JsonNode node, String field, String location)
    {
        JsonNode value = node.get(field);
        if (value != null) {
            JsonataExpressions.problem(value).ifPresent(problem -> schema(problem, location + "/" + field));
        }
    }

    private void task(JsonNode node, String location, boolean jsonata)
    {
        String resource = requiredString(node, "Resource", location);
        if (resource != null && !resource.matches("arn:[^:]+:[^:]+:[^:]*:[^:]*:.+")) {
            schema("Value is not a valid resource ARN", location + "/Resource");
        }
        exclusive(node, "TimeoutSeconds", "TimeoutSecondsPath", location);
        exclusive(node, "HeartbeatSeconds", "HeartbeatSecondsPath", location);
        Optional<Integer> timeout = integerOrExpression(node, "TimeoutSeconds", location, 1, jsonata);
        Optional<Integer> heartbeat = integerOrExpression(node, "HeartbeatSeconds", location, 1, jsonata);
        referencePath(node, "TimeoutSecondsPath", location, false);
        referencePath(node, "HeartbeatSecondsPath", location, false);
        if (timeout.isPresent() && heartbeat.isPresent() && heartbeat.get() >= timeout.get()) {
            schema("The field 'HeartbeatSeconds' should be smaller than 'TimeoutSeconds'", location + "/HeartbeatSeconds");
        }
    }

    private void waitState(JsonNode node, String location, boolean jsonata)
    {
        long count = List.of("Seconds", "SecondsPath", "Timestamp", "TimestampPath").stream().filter(node::has).count();
        if (count != 1) {
            schema("The state should have exactly one of the fields [Seconds, SecondsPath, Timestamp, TimestampPath]", location);
        }
        integerOrExpression(node, "Seconds", location, 0, jsonata);
        referencePath(node, "SecondsPath", location, false);
        referencePath(node, "TimestampPath", location, false);
        if (node.has("Timestamp") && !(jsonata && JsonataExpressions.isExpression(node.get("Timestamp"))) && timestamp(node.get("Timestamp")).isEmpty()) {
            schema("The field 'Timestamp' should be an RFC3339 timestamp", location + "/Timestamp");
        }
    }

    private void choice(JsonNode node, String location, boolean jsonata)
    {
        JsonNode choices = node.get("Choices");
        if (choices == null) {
            required("Choices", location);
        }
        else if (!choices.isArray() || choices.isEmpty()) {
            schema("The field 'Choices' should be a non-empty array", location + "/Choices");
        }
        else {
            for (int i = 0; i < choices.size(); i++) {
                String ruleLocation = location + "/Choices[" + i + "]";
                JsonNode rule = choices.get(i);
                if (rule.isObject() && !rule.has("Next")) {
                    required("Next", ruleLocation);
                }
                if (jsonata) {
                    jsonataRule(rule, ruleLocation);
                }
                else {
                    assign(rule, false, ruleLocation);
                    choiceRule(rule, ruleLocation, true);
                }
            }
        }
        optionalString(node, "Default", location);
    }

    private void choiceRule(JsonNode rule, String location, boolean top)
    {
        if (!rule.isObject()) {
            schema("A Choice Rule should be an object", location);
            return;
        }
        if (!top && rule.has("Next")) {
            schema("The field \"Next\" is not supported by Step Functions", location);
        }
        if (top) {
            optionalString(rule, "Next", location);
        }
        List<String> operators = new ArrayList<>();
        Iterator<String> names = rule.fieldNames();
        while (names.hasNext()) {
            String field = names.next();
            if (field.equals("Next") || field.equals("Variable") || field.equals("Comment") || top && field.equals("Assign")) {
                continue;
            }
            if (!isOperator(field)) {
                schema("The field \"" + field + "\" is not supported by Step Functions", location);
                continue;
            }
            operators.add(field);
        }
        if (operators.size() != 1) {
            schema("A Choice Rule should have exactly one comparison operator or one of And, Or, Not", location);
            return;
        }
        String operator = operators.get(0);
        JsonNode value = rule.get(operator);
        String at = location + "/" + operator;
        if (operator.equals("And") || operator.equals("Or")) {
            if (rule.has("Variable")) {
                schema("The field \"Variable\" is not supported by Step Functions", location);
            }
            if (!value.isArray() || value.isEmpty()) {
                schema("The field '" + operator + "' should be a non-empty array", at);
                return;
            }
            for (int i = 0; i < value.size(); i++) {
                choiceRule(value.get(i), at + "[" + i + "]", false);
            }
            return;
        }
        if (operator.equals("Not")) {
            if (rule.has("Variable")) {
                schema("The field \"Variable\" is not supported by Step Functions", location);
            }
            choiceRule(value, at, false);
            return;
        }
        if (!rule.has("Variable")) {
            required("Variable", location);
        }
        else {
            referencePath(rule, "Variable", location, false);
        }
        if (operator.endsWith("Path")) {
            referencePath(rule, operator, location, false);
        }
        else if (TYPE_TESTS.contains(operator)) {
            if (!value.isBoolean()) {
                schema("The field '" + operator + "' should be a boolean", at);
            }
        }
        else if (STRING_COMPARISONS.contains(operator)) {
            if (!value.isTextual()) {
                schema("The field '" + operator + "' should be a string", at);
            }
        }
        else if (NUMERIC_COMPARISONS.contains(operator)) {
            if (!value.isNumber()) {
                schema("The field '" + operator + "' should be a number", at);
            }
        }
        else if (TIMESTAMP_COMPARISONS.contains(operator)) {
            if (timestamp(value).isEmpty()) {
                schema("The field '" + operator + "' should be an RFC3339 timestamp", at);
            }
        }
        else if (operator.equals("BooleanEquals") && !value.isBoolean()) {
            schema("The field 'BooleanEquals' should be a boolean", at);
        }
    }

    /** A JSONata Choice Rule: a {@code Condition}, its {@code Next}, and optionally {@code Assign}. */
    private void jsonataRule(JsonNode rule, String location)
    {
        if (!rule.isObject()) {
            schema("A Choice Rule should be an object", location);
            return;
        }
        optionalString(rule, "Next", location);
        Iterator<String> names = rule.fieldNames();
        while (names.hasNext()) {
            String field = names.next();
            if (JSONPATH_ONLY.contains(field) || isOperator(field)) {
                schema("The field \"" + field + "\" is not supported when the QueryLanguage is JSONata", location + "/" + field);
            }
            else if (!Set.of("Next", "Comment", "Condition", "Assign").contains(field)) {
                schema("The field \"" + field + "\" is not supported by Step Functions", location);
            }
        }
        JsonNode condition = rule.get("Condition");
        if (condition == null) {
            required("Condition", location);
        }
        else if (!condition.isBoolean() && !JsonataExpressions.isExpression(condition)) {
            schema("The field 'Condition' should be a JSONata expression or a boolean", location + "/Condition");
        }
        else {
            expressions(rule, "Condition", location);
        }
        assign(rule, true, location);
    }

    static boolean isOperator(String field)
    {
        String base = field.endsWith("Path") && !field.equals("Path") ? field.substring(0, field.length() - 4) : field;
        return field.equals("And") || field.equals("Or") || field.equals("Not") || TYPE_TESTS.contains(field) || field.equals("BooleanEquals")
                || field.equals("BooleanEqualsPath") || STRING_COMPARISONS.contains(base) || NUMERIC_COMPARISONS.contains(base)
                || TIMESTAMP_COMPARISONS.contains(base);
    }

    private List<StateGraph> parallel(JsonNode node, String location)
    {
        JsonNode branches = node.get("Branches");
        if (branches == null) {
            required("Branches", location);
            return List.of();
        }
        if (!branches.isArray() || branches.isEmpty()) {
            schema("The field 'Branches' should be a non-empty array", location + "/Branches");
            return List.of();
        }
        List<StateGraph> graphs = new ArrayList<>();
        for (int i = 0; i < branches.size(); i++) {
            graphs.add(graph(branches.get(i), location + "/Branches[" + i + "]", GRAPH_FIELDS));
        }
        return graphs;
    }

    private Optional<StateGraph> map(JsonNode node, String location, boolean jsonata)
    {
        exclusive(node, "ItemSelector", "Parameters", location);
        exclusive(node, "ItemProcessor", "Iterator", location);
        referencePath(node, "ItemsPath", location, false);
        integerOrExpression(node, "MaxConcurrency", location, 0, jsonata);
        exclusive(node, "MaxConcurrency", "MaxConcurrencyPath", location);
        referencePath(node, "MaxConcurrencyPath", location, false);
        String field = node.has("Iterator") ? "Iterator" : "ItemProcessor";
        JsonNode processor = node.get(field);
        boolean distributed = false;
        String at = location + "/" + field;
        if (processor != null && processor.isObject() && processor.has("ProcessorConfig")) {
            JsonNode config = processor.get("ProcessorConfig");
            String mode = config.path("Mode").asText("INLINE");
            unknownFields(config, Set.of("Mode", "ExecutionType"), at + "/ProcessorConfig");
            if (mode.equals("DISTRIBUTED")) {
                distributed = true;
                String type = config.path("ExecutionType").asText("");
                if (!type.equals("STANDARD") && !type.equals("EXPRESS")) {
                    schema("The field 'ExecutionType' should have one of these values: [STANDARD, EXPRESS] (a DISTRIBUTED Map needs it)",
                            at + "/ProcessorConfig/ExecutionType");
                }
            }
            else if (!mode.equals("INLINE")) {
                schema("The field 'Mode' should have one of these values: [INLINE, DISTRIBUTED]", at + "/ProcessorConfig/Mode");
            }
            else if (config.has("ExecutionType")) {
                schema("The field 'ExecutionType' belongs to a DISTRIBUTED Map", at + "/ProcessorConfig/ExecutionType");
            }
        }
        if (distributed) {
            distributedMap(node, location, jsonata);
        }
        else {
            for (String distributedField : DISTRIBUTED_MAP_FIELDS) {
                if (node.has(distributedField)) {
                    schema("The field '" + distributedField + "' belongs to a distributed Map (ItemProcessor.ProcessorConfig.Mode DISTRIBUTED)",
                            location + "/" + distributedField);
                }
            }
        }
        if (processor == null) {
            required("ItemProcessor", location);
            return Optional.empty();
        }
        if (!processor.isObject()) {
            schema("The field '" + field + "' should be an object", at);
            return Optional.empty();
        }
        return Optional.of(graph(processor, at, field.equals("Iterator") ? GRAPH_FIELDS : PROCESSOR_FIELDS));
    }

    /**
     * The fields of a distributed Map: what lakestack reads, batches, tolerates and writes, and what it refuses. In a
     * JSONata state the reader's and writer's {@code Parameters} are {@code Arguments}, and the limits are integers or
     * JSONata expressions in place of their {@code ...Path} fields.
     */
    private void distributedMap(JsonNode node, String location, boolean jsonata)
    {
        JsonNode reader = node.get("ItemReader");
        if (reader != null) {
            itemReader(reader, location + "/ItemReader", jsonata);
            String items = jsonata ? "Items" : "ItemsPath";
            if (node.has(items)) {
                schema("The field '" + items + "' cannot be used with 'ItemReader' (the items are the reader's)", location + "/" + items);
            }
        }
        JsonNode batcher = node.get("ItemBatcher");
        if (batcher != null) {
            String at = location + "/ItemBatcher";
            if (!batcher.isObject()) {
                schema("The field 'ItemBatcher' should be an object", at);
            }
            else {
                unknownFields(batcher, Set.of("MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath",
                        "BatchInput"), at);
                languageFields(batcher, jsonata, at);
                exclusive(batcher, "MaxItemsPerBatch", "MaxItemsPerBatchPath", at);
                exclusive(batcher, "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath", at);
                integerOrExpression(batcher, "MaxItemsPerBatch", at, 1, jsonata);
                Optional<Integer> bytes = integerOrExpression(batcher, "MaxInputBytesPerBatch", at, 1, jsonata);
                if (bytes.isPresent() && bytes.get() > 262_144) {
                    schema("Maximum value is 262144", at + "/MaxInputBytesPerBatch");
                }
                referencePath(batcher, "MaxItemsPerBatchPath", at, false);
                referencePath(batcher, "MaxInputBytesPerBatchPath", at, false);
                if (jsonata) {
                    expressions(batcher, "BatchInput", at);
                }
                else {
                    template(batcher, "BatchInput", at);
                }
                if (!batcher.has("MaxItemsPerBatch") && !batcher.has("MaxItemsPerBatchPath") && !batcher.has("MaxInputBytesPerBatch")
                        && !batcher.has("MaxInputBytesPerBatchPath")) {
                    schema("The field 'ItemBatcher' should have at least one of MaxItemsPerBatch, MaxItemsPerBatchPath, MaxInputBytesPerBatch, "
                            + "MaxInputBytesPerBatchPath", at);
                }
            }
        }
        JsonNode writer = node.get("ResultWriter");
        if (writer != null) {
            String at = location + "/ResultWriter";
            if (!writer.isObject()) {
                schema("The field 'ResultWriter' should be an object", at);
            }
            else {
                unknownFields(writer, Set.of("Resource", "Parameters", "Arguments", "WriterConfig"), at);
                languageFields(writer, jsonata, at);
                if (writer.has("WriterConfig")) {
                    writerConfig(writer.get("WriterConfig"), at + "/WriterConfig");
                }
                String arguments = jsonata ? "Arguments" : "Parameters";
                if (writer.has("Resource") || !writer.has("WriterConfig")) {
                    // the S3 export: Resource with Parameters (or Arguments), with or without a WriterConfig
                    String resource = requiredString(writer, "Resource", at);
                    if (resource != null && !resource.equals(S3_PUT_OBJECT)) {
                        schema("The ResultWriter's Resource should be " + S3_PUT_OBJECT + " (it was '" + resource + "')", at + "/Resource");
                    }
                    s3Parameters(writer, at, "Bucket", Set.of("Bucket", "Prefix"), jsonata);
                }
                else if (writer.has(arguments)) {
                    schema("The field '" + arguments + "' of a ResultWriter needs its 'Resource' (" + S3_PUT_OBJECT + "): a ResultWriter is a "
                            + "WriterConfig, a Resource with " + arguments + ", or all three", at + "/" + arguments);
                }
            }
        }
        exclusive(node, "ToleratedFailureCount", "ToleratedFailureCountPath", location);
        exclusive(node, "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", location);
        integerOrExpression(node, "ToleratedFailureCount", location, 0, jsonata);
        if (node.has("ToleratedFailurePercentage") && !(jsonata && JsonataExpressions.isExpression(node.get("ToleratedFailurePercentage")))) {
            JsonNode percentage = node.get("ToleratedFailurePercentage");
            if (!percentage.isNumber() || percentage.doubleValue() < 0 || percentage.doubleValue() > 100) {
                schema("The field 'ToleratedFailurePercentage' should be a number from 0 to 100", location + "/ToleratedFailurePercentage");
            }
        }
        referencePath(node, "ToleratedFailureCountPath", location, false);
        referencePath(node, "ToleratedFailurePercentagePath", location, false);
        if (node.has("Label")) {
            JsonNode label = node.get("Label");
            if (!label.isTextual() || label.textValue().isEmpty() || label.textValue().length() > 40
                    || LABEL_FORBIDDEN.matcher(label.textValue()).find()) {
                schema("The field 'Label' should be a string of 1 to 40 characters without whitespace, brackets, wildcards, special characters "
                        + "or control characters", location + "/Label");
            }
        }
    }

    /** A ResultWriter's {@code WriterConfig}: {@code OutputType} (required) and {@code Transformation}. */
    private void writerConfig(JsonNode config, String at)
    {
        if (!config.isObject()) {
            schema("The field 'WriterConfig' should be an object", at);
            return;
        }
        unknownFields(config, Set.of("OutputType", "Transformation"), at);
        String type = requiredString(config, "OutputType", at);
        if (type != null && !type.equals("JSON") && !type.equals("JSONL")) {
            schema("The field 'OutputType' should have one of these values: [JSON, JSONL]", at + "/OutputType");
        }
        if (config.has("Transformation")) {
            JsonNode transformation = config.get("Transformation");
            if (!transformation.isTextual() || !Set.of("NONE", "COMPACT", "FLATTEN").contains(transformation.textValue())) {
                schema("The field 'Transformation' should have one of these values: [NONE, COMPACT, FLATTEN]", at + "/Transformation");
            }
        }
    }

    private void itemReader(JsonNode reader, String at, boolean jsonata)
    {
        if (!reader.isObject()) {
            schema("The field 'ItemReader' should be an object", at);
            return;
        }
        unknownFields(reader, Set.of("Resource", "ReaderConfig", "Parameters", "Arguments"), at);
        languageFields(reader, jsonata, at);
        String resource = requiredString(reader, "Resource", at);
        if (resource == null) {
            return;
        }
        JsonNode config = reader.path("ReaderConfig");
        String configAt = at + "/ReaderConfig";
        if (reader.has("ReaderConfig")) {
            if (!config.isObject()) {
                schema("The field 'ReaderConfig' should be an object", configAt);
                return;
            }
            unknownFields(config, Set.of("InputType", "CSVHeaderLocation", "CSVHeaders", "CSVDelimiter", "MaxItems", "MaxItemsPath", "ManifestType"),
                    configAt);
            languageFields(config, jsonata, configAt);
            exclusive(config, "MaxItems", "MaxItemsPath", configAt);
            integerOrExpression(config, "MaxItems", configAt, 0, jsonata);
            referencePath(config, "MaxItemsPath", configAt, false);
        }
        String manifestType = null;
        if (config.has("ManifestType")) {
            JsonNode manifest = config.get("ManifestType");
            if (manifest.isTextual() && MANIFEST_TYPES.contains(manifest.textValue())) {
                manifestType = manifest.textValue();
            }
            else {
                schema("The field 'ManifestType' should have one of these values: " + MANIFEST_TYPES, configAt + "/ManifestType");
            }
        }
        if (resource.equals(S3_LIST_OBJECTS)) {
            s3Parameters(reader, at, "Bucket", Set.of("Bucket", "Prefix"), jsonata);
            if (config.has("InputType")) {
                schema("The ReaderConfig field 'InputType' belongs to the s3:getObject reader", configAt + "/InputType");
            }
            if (manifestType != null) {
                schema("The ReaderConfig field 'ManifestType' belongs to the s3:getObject reader", configAt + "/ManifestType");
            }
            return;
        }
        if (!resource.equals(S3_GET_OBJECT)) {
            schema("lakestack reads the items of a distributed Map with " + S3_GET_OBJECT + " (InputType JSON, JSONL, CSV, PARQUET or MANIFEST) and "
                    + S3_LIST_OBJECTS + " only, not with '" + resource + "'", at + "/Resource");
            return;
        }
        String arguments = jsonata ? "Arguments" : "Parameters";
        s3Parameters(reader, at, "Key", Set.of("Bucket", "Key", "VersionId"), jsonata);
        if (reader.path(arguments).has("VersionId") || reader.path(arguments).has("VersionId.$")) {
            schema("lakestack does not read object versions: the ItemReader reads the object's current version (leave out 'VersionId')",
                    at + "/" + arguments + "/VersionId");
        }
        String type = config.path("InputType").asText("");
        if (!Set.of("CSV", "JSON", "JSONL", "MANIFEST", "PARQUET").contains(type)) {
            schema("The field 'InputType' should have one of these values: [CSV, JSON, JSONL, MANIFEST, PARQUET] (the s3:getObject reader needs it)",
                    configAt + "/InputType");
            return;
        }
        if ("ATHENA_DATA".equals(manifestType) && !Set.of("CSV", "JSONL", "PARQUET").contains(type)) {
            schema("The field 'InputType' should have one of these values with the ManifestType ATHENA_DATA: [CSV, JSONL, PARQUET]",
                    configAt + "/InputType");
        }
        if ("S3_INVENTORY".equals(manifestType) && !type.equals("MANIFEST")) {
            schema("The field 'InputType' should be MANIFEST with the ManifestType S3_INVENTORY", configAt + "/InputType");
        }
        if (type.equals("CSV")) {
            if (config.has("CSVDelimiter") && !MapItems.CSV_DELIMITERS.containsKey(config.get("CSVDelimiter").asText())) {
                schema("The field 'CSVDelimiter' should have one of these values: " + MapItems.CSV_DELIMITERS.keySet(), configAt + "/CSVDelimiter");
            }
            String location = config.path("CSVHeaderLocation").asText("");
            if (!location.equals("FIRST_ROW") && !location.equals("GIVEN")) {
                schema("The field 'CSVHeaderLocation' should have one of these values: [FIRST_ROW, GIVEN] (a CSV reader needs it)",
                        configAt + "/CSVHeaderLocation");
            }
            JsonNode headers = config.get("CSVHeaders");
            if (location.equals("GIVEN")) {
                boolean strings = headers != null && headers.isArray() && !headers.isEmpty();
                if (strings) {
                    for (JsonNode header : headers) {
                        strings &= header.isTextual();
                    }
                }
                if (!strings) {
                    schema("The field 'CSVHeaders' should be a non-empty array of strings (CSVHeaderLocation GIVEN needs it)", configAt + "/CSVHeaders");
                }
            }
            else if (headers != null) {
                schema("The field 'CSVHeaders' belongs to CSVHeaderLocation GIVEN", configAt + "/CSVHeaders");
            }
        }
        else {
            for (String csvField : List.of("CSVHeaderLocation", "CSVHeaders", "CSVDelimiter")) {
                if (config.has(csvField)) {
                    schema("The field '" + csvField + "' belongs to InputType CSV", configAt + "/" + csvField);
                }
            }
        }
    }

    /**
     * {@code Parameters} of an S3 reader or writer (JSONPath): an object with a bucket and the other fields given, each a
     * string or a path; its {@code Arguments} (JSONata): such an object of strings and expressions, or one expression
     * (its fields are checked when it runs).
     */
    private void s3Parameters(JsonNode node, String at, String required, Set<String> fields, boolean jsonata)
    {
        String field = jsonata ? "Arguments" : "Parameters";
        JsonNode parameters = node.get(field);
        if (parameters == null) {
            required(field, at);
            return;
        }
        if (jsonata) {
            expressions(node, field, at);
            if (!parameters.isObject() && !JsonataExpressions.isExpression(parameters)) {
                schema("The field 'Arguments' should be an object or a JSONata expression", at + "/Arguments");
            }
        }
        else {
            template(node, field, at);
        }
        if (!parameters.isObject()) {
            return;
        }
        Set<String> allowed = new HashSet<>(fields);
        if (!jsonata) {
            fields.forEach(name -> allowed.add(name + ".$"));
        }
        unknownFields(parameters, allowed, at + "/" + field);
        for (String name : List.of("Bucket", required)) {
            if (!parameters.has(name) && !parameters.has(name + ".$")) {
                required(name, at + "/" + field);
            }
        }
    }

    private List<State.Retrier> retriers(JsonNode node, String location)
    {
        JsonNode retry = node.get("Retry");
        if (retry == null) {
            return List.of();
        }
        if (!retry.isArray()) {
            schema("The field 'Retry' should be an array", location + "/Retry");
            return List.of();
        }
        List<State.Retrier> retriers = new ArrayList<>();
        for (int i = 0; i < retry.size(); i++) {
            JsonNode retrier = retry.get(i);
            String at = location + "/Retry[" + i + "]";
            if (!retrier.isObject()) {
                schema("A Retrier should be an object", at);
                continue;
            }
            unknownFields(retrier, RETRIER_FIELDS, at);
            List<String> errors = errorEquals(retrier, at, i == retry.size() - 1, "Retrier");
            int interval = integer(retrier, "IntervalSeconds", at, 1).orElse(1);
            int attempts = integer(retrier, "MaxAttempts", at, 0).orElse(3);
            int maxDelay = integer(retrier, "MaxDelaySeconds", at, 1).orElse(0);
            double backoff = 2.0;
            if (retrier.has("BackoffRate")) {
                if (!retrier.get("BackoffRate").isNumber() || retrier.get("BackoffRate").doubleValue() < 1.0) {
                    schema("The field 'BackoffRate' should be a number not less than 1.0", at + "/BackoffRate");
                }
                else {
                    backoff = retrier.get("BackoffRate").doubleValue();
                }
            }
            String jitter = retrier.path("JitterStrategy").asText("NONE");
            if (!jitter.equals("NONE") && !jitter.equals("FULL")) {
                schema("The field 'JitterStrategy' should have one of these values: [FULL, NONE]", at + "/JitterStrategy");
            }
            retriers.add(new State.Retrier(errors, interval, attempts, backoff, maxDelay, jitter.equals("FULL")));
        }
        return retriers;
    }

    private List<State.Catcher> catchers(JsonNode node, String location, boolean jsonata)
    {
        JsonNode catchNode = node.get("Catch");
        if (catchNode == null) {
            return List.of();
        }
        if (!catchNode.isArray()) {
            schema("The field 'Catch' should be an array", location + "/Catch");
            return List.of();
        }
        List<State.Catcher> catchers = new ArrayList<>();
        for (int i = 0; i < catchNode.size(); i++) {
            JsonNode catcher = catchNode.get(i);
            String at = location + "/Catch[" + i + "]";
            if (!catcher.isObject()) {
                schema("A Catcher should be an object", at);
                continue;
            }
            unknownFields(catcher, CATCHER_FIELDS, at);
            languageFields(catcher, jsonata, at);
            assign(catcher, jsonata, at);
            expressions(catcher, "Output", at);
            List<String> errors = errorEquals(catcher, at, i == catchNode.size() - 1, "Catcher");
            String next = requiredString(catcher, "Next", at);
            referencePath(catcher, "ResultPath", at, true);
            Optional<String> resultPath = catcher.has("ResultPath") && catcher.get("ResultPath").isNull()
                    ? Optional.empty()
                    : Optional.of(catcher.path("ResultPath").asText("$"));
            if (next != null) {
                catchers.add(new State.Catcher(errors, next, resultPath, catcher));
            }
        }
        return catchers;
    }

    private List<String> errorEquals(JsonNode node, String location, boolean last, String what)
    {
        JsonNode errors = node.get("ErrorEquals");
        if (errors == null) {
            required("ErrorEquals", location);
            return List.of();
        }
        if (!errors.isArray() || errors.isEmpty()) {
            schema("The field 'ErrorEquals' should be a non-empty array of strings", location + "/ErrorEquals");
            return List.of();
        }
        List<String> names = new ArrayList<>();
        errors.forEach(error -> names.add(error.asText()));
        if (names.contains(StatesErrors.ALL)) {
            if (names.size() > 1) {
                schema("States.ALL should be the only error name in its ErrorEquals", location + "/ErrorEquals");
            }
            if (!last) {
                schema("A " + what + " matching States.ALL should be the last one", location);
            }
        }
        return names;
    }

    private void queryLanguage(JsonNode node, String location)
    {
        JsonNode language = node.get("QueryLanguage");
        if (language == null || language.asText().equals("JSONPath")) {
            return;
        }
        if (!language.asText().equals("JSONata")) {
            schema("The field 'QueryLanguage' should have one of these values: [JSONata, JSONPath]", location + "/QueryLanguage");
        }
    }

    private void template(JsonNode node, String field, String location)
    {
        JsonNode template = node.get(field);
        if (template == null) {
            return;
        }
        if (!template.isObject()) {
            schema("The field '" + field + "' should be an object", location + "/" + field);
            return;
        }
        PayloadTemplate.problem(template).ifPresent(problem -> schema(problem, location + "/" + field));
    }

    private void path(JsonNode node, String field, String location)
    {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isTextual()) {
            schema("The field '" + field + "' should be a string or null", location + "/" + field);
            return;
        }
        JsonPaths.pathProblem(value.textValue()).ifPresent(problem -> schema("Value is not a valid JSONPath: " + problem, location + "/" + field));
    }

    private void referencePath(JsonNode node, String field, String location, boolean nullable)
    {
        JsonNode value = node.get(field);
        if (value == null || nullable && value.isNull()) {
            return;
        }
        if (!value.isTextual()) {
            schema("The field '" + field + "' should be a string", location + "/" + field);
            return;
        }
        String text = value.textValue();
        if (field.equals("ResultPath") && JsonPaths.variable(text).isPresent()) {
            schema("Value is not a Reference Path: a ResultPath cannot write a variable", location + "/" + field);
            return;
        }
        String checked = !field.equals("ResultPath") && text.startsWith("$$") ? text.substring(1) : text;
        JsonPaths.referencePathProblem(checked).ifPresent(problem -> schema("Value is not a Reference Path: " + problem, location + "/" + field));
    }

    private void referencePathOrIntrinsic(JsonNode node, String field, String location)
    {
        JsonNode value = node.get(field);
        if (value != null && value.isTextual() && IntrinsicFunction.looksLikeCall(value.textValue())) {
            try {
                IntrinsicFunction.parse(value.textValue());
            }
            catch (IllegalArgumentException e) {
                schema("The value for the field '" + field + "' must be a valid JSONPath or a valid intrinsic function call", location + "/" + field);
            }
            return;
        }
        referencePath(node, field, location, false);
    }

    private void exclusive(JsonNode node, String first, String second, String location)
    {
        if (node.has(first) && node.has(second)) {
            schema("There should only be one of the following fields: [" + first + ", " + second + "]", location);
        }
    }

    /** An integer field that a JSONata state may also give as an expression (checked when it runs). */
    private Optional<Integer> integerOrExpression(JsonNode node, String field, String location, int minimum, boolean jsonata)
    {
        if (jsonata && JsonataExpressions.isExpression(node.get(field))) {
            expressions(node, field, location);
            return Optional.empty();
        }
        return integer(node, field, location, minimum);
    }

    private Optional<Integer> integer(JsonNode node, String field, String location, int minimum)
    {
        JsonNode value = node.get(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber()) {
            schema("The field '" + field + "' should be an integer", location + "/" + field);
            return Optional.empty();
        }
        if (value.intValue() < minimum) {
            schema("Minimum value is " + minimum, location + "/" + field);
            return Optional.empty();
        }
        return Optional.of(value.intValue());
    }

    private String requiredString(JsonNode node, String field, String location)
    {
        JsonNode value = node.get(field);
        if (value == null) {
            required(field, location);
            return null;
        }
        if (!value.isTextual()) {
            schema("The field '" + field + "' should be a string", location + "/" + field);
            return null;
        }
        return value.textValue();
    }

    private void optionalString(JsonNode node, String field, String location)
    {
        JsonNode value = node.get(field);
        if (value != null && !value.isTextual()) {
            schema("The field '" + field + "' should be a string", location + "/" + field);
        }
    }

    private void unknownFields(JsonNode node, Set<String> allowed, String location)
    {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                schema("The field \"" + name + "\" is not supported by Step Functions", location);
            }
        }
    }

    static Optional<OffsetDateTime> timestamp(JsonNode value)
    {
        if (value == null || !value.isTextual()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(value.textValue()));
        }
        catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private void required(String field, String location)
    {
        schema("The field '" + field + "' is required but was missing", location);
    }

    private void missingTarget(String target, String location)
    {
        diagnostics.add(Diagnostic.at(TARGET, "Missing 'Next' target: " + target, location));
    }

    private void schema(String message, String location)
    {
        diagnostics.add(Diagnostic.at(SCHEMA, message, location.isEmpty() ? "/" : location));
    }
}
