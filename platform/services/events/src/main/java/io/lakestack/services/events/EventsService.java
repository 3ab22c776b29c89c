package io.lakestack.services.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.endpoint.json.JsonInput;
import io.lakestack.endpoint.json.JsonProtocolService;
import io.lakestack.spi.Arn;
import io.lakestack.spi.OffsetTokens;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.eventbridge.EventBus;
import io.lakestack.spi.eventbridge.EventBuses;
import io.lakestack.spi.eventbridge.Rule;
import io.lakestack.spi.eventbridge.Target;
import io.lakestack.spi.eventbridge.TargetInput;
import io.lakestack.spi.events.EventSink;
import io.lakestack.spi.pattern.EventPattern;
import io.lakestack.spi.scheduler.ScheduleExpression;
import io.lakestack.spi.store.RecordStore;
import io.lakestack.spi.store.RecordStores;
import io.lakestack.spi.targets.TargetArn;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Amazon EventBridge's JSON 1.1 API ({@code AWSEvents.*}): event buses, rules with event patterns ({@link EventPattern})
 * and their targets, PutEvents, TestEventPattern and tags.
 *
 * <p>Buses and rules (with their targets) are kept in the record stores {@value EventBuses#BUSES_STORE} and
 * {@value EventBuses#RULES_STORE}. PutEvents answers once every accepted event is durably on its bus's Kafka topic
 * ({@link EventBuses#kafkaTopic}), from where the rule engine delivers it to the targets of each matching rule.
 *
 * <p>Scheduled rules ({@code ScheduleExpression}, {@code rate} or {@code cron}, on the default bus) are run by the
 * scheduler's engine ({@link io.lakestack.spi.eventbridge.ScheduledRules}). Refused, each with an error saying so:
 * a rule with both a pattern and a schedule, partner event sources, bus encryption and dead-letter settings, archives, replays, API destinations,
 * endpoints, {@code TraceHeader} and every target parameter besides {@code Input},
 * {@code InputPath}, {@code InputTransformer}, {@code RetryPolicy}, {@code DeadLetterConfig}, {@code RoleArn} (kept,
 * not assumed), {@code SqsParameters} and {@code KinesisParameters}.
 */
public final class EventsService
        extends JsonProtocolService
{
    static final String VALIDATION = "ValidationException";
    static final String NOT_FOUND = "ResourceNotFoundException";
    static final int MAX_TARGETS_PER_RULE = 5;
    static final int MAX_ENTRIES = 10;
    static final int MAX_ENTRIES_BYTES = 256 * 1024;
    static final int MAX_PATTERN_LENGTH = 4096;
    private static final Pattern BUS_NAME = Pattern.compile("[/\\.\\-_A-Za-z0-9]+");
    private static final Pattern BUS_NAME_OR_ARN = Pattern.compile("(arn:aws[\\w-]*:events:[a-z0-9-]+:\\d{12}:event-bus/)?[/\\.\\-_A-Za-z0-9]+");
    private static final Pattern RULE_NAME = Pattern.compile("[\\.\\-_A-Za-z0-9]+");
    private static final Pattern TARGET_ID = Pattern.compile("[\\.\\-_A-Za-z0-9]+");
    private static final Pattern EVENTS_ARN = Pattern.compile("arn:aws[\\w-]*:events:([a-z0-9-]+):(\\d{12}):(event-bus|rule)/(.+)");
    private static final Set<String> TARGET_FIELDS = Set.of("Id", "Arn", "RoleArn", "Input", "InputPath", "InputTransformer", "RetryPolicy",
            "DeadLetterConfig", "SqsParameters", "KinesisParameters");
    private static final DateTimeFormatter EVENT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    /** Reads an event's detail keeping its numbers as written ({@code 12.50} stays {@code 12.50}). */
    private static final ObjectMapper DETAIL = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    private final RecordStore<EventBus> buses;
    private final RecordStore<Rule> rules;
    private final EventSink events;
    private final String accountId;
    private final Clock clock;

    /**
     * Buses and rules keep the ARN of the region of the request that created them; the default bus is in every region.
     * Bus names, and rule names on a bus, are one namespace across regions.
     */
    public EventsService(RecordStores stores, EventSink events, String accountId, Clock clock)
    {
        super("events", "AWSEvents", VALIDATION);
        requireNonNull(stores, "stores is null");
        this.buses = stores.open(EventBuses.BUSES_STORE, EventBus.class);
        this.rules = stores.open(EventBuses.RULES_STORE, Rule.class);
        this.events = requireNonNull(events, "events is null");
        this.accountId = requireNonNull(accountId, "accountId is null");
        this.clock = requireNonNull(clock, "clock is null");
        operation("CreateEventBus", (input, caller) -> createEventBus(input, caller.region()));
        operation("DescribeEventBus", (input, caller) -> describeEventBus(input, caller.region()));
        operation("DeleteEventBus", (input, caller) -> deleteEventBus(input));
        operation("ListEventBuses", (input, caller) -> listEventBuses(input, caller.region()));
        operation("PutRule", (input, caller) -> putRule(input, caller.region()));
        operation("DescribeRule", (input, caller) -> describeRule(input, caller.region()));
        operation("DeleteRule", (input, caller) -> deleteRule(input, caller.region()));
        operation("ListRules", (input, caller) -> listRules(input, caller.region()));
        operation("EnableRule", (input, caller) -> setState(input, caller.region(), Rule.State.ENABLED));
        operation("DisableRule", (input, caller) -> setState(input, caller.region(), Rule.State.DISABLED));
        operation("ListRuleNamesByTarget", (input, caller) -> listRuleNamesByTarget(input, caller.region()));
        operation("PutTargets", (input, caller) -> putTargets(input, caller.region()));
        operation("RemoveTargets", (input, caller) -> removeTargets(input, caller.region()));
        operation("ListTargetsByRule", (input, caller) -> listTargetsByRule(input, caller.region()));
        operation("PutEvents", (input, caller) -> putEvents(input, caller.region()));
        operation("TestEventPattern", (input, caller) -> testEventPattern(input));
        operation("TagResource", (input, caller) -> tagResource(input, caller.region()));
        operation("UntagResource", (input, caller) -> untagResource(input, caller.region()));
        operation("ListTagsForResource", (input, caller) -> listTags(input, caller.region()));
    }

    @Override
    public OptionalLong maxRequestBytes()
    {
        // ten entries of up to 256 KiB together, escaped in JSON
        return OptionalLong.of(4L * 1024 * 1024);
    }

    static ServiceException validation(String message)
    {
        return ServiceException.user(VALIDATION, message);
    }

    // buses

    /**
     * The default bus, which every account has in every region and which no request creates: its ARN names the region
     * of the request it answers. Its record exists once it is tagged.
     */
    private EventBus defaultBus(String region)
    {
        String arn = EventBuses.busArn(region, accountId, EventBuses.DEFAULT_BUS);
        return buses.get(EventBuses.DEFAULT_BUS).map(bus -> new EventBus(bus.name(), arn, bus.description(), bus.tags(), bus.createdMillis()))
                .orElseGet(() -> new EventBus(EventBuses.DEFAULT_BUS, arn, Optional.empty(), Map.of(), 0));
    }

    private Optional<EventBus> bus(String name, String region)
    {
        return name.equals(EventBuses.DEFAULT_BUS) ? Optional.of(defaultBus(region)) : buses.getLatest(name);
    }

    /** The bus a request names ({@code EventBusName} or {@code Name}: a name or an ARN), which must exist. */
    private EventBus existingBus(JsonInput input, String field, String region)
    {
        String given = input.string(field, BUS_NAME_OR_ARN, 1600).orElse(EventBuses.DEFAULT_BUS);
        return namedBus(given, region).orElseThrow(() -> ServiceException.user(NOT_FOUND, "Event bus " + given + " does not exist."));
    }

    /** The bus of a name, or of an ARN: one of its name whose ARN it is, so that an ARN of another region names none. */
    private Optional<EventBus> namedBus(String given, String region)
    {
        int slash = given.startsWith("arn:") ? given.indexOf("event-bus/") : -1;
        if (slash < 0) {
            return bus(given, region);
        }
        return bus(given.substring(slash + "event-bus/".length()), region).filter(bus -> bus.arn().equals(given));
    }

    private JsonNode createEventBus(JsonInput input, String region)
    {
        String name = input.requiredString("Name", BUS_NAME, 256);
        for (String refused : List.of("EventSourceName", "KmsKeyIdentifier", "DeadLetterConfig")) {
            if (input.has(refused)) {
                throw validation("lakestack does not emulate " + refused + " on event buses (partner event sources, encryption with KMS keys and "
                        + "bus dead-letter queues); create event bus " + name + " without it");
            }
        }
        if (name.startsWith("aws.")) {
            throw validation("Event bus names starting with 'aws.' are for partner event sources, which lakestack does not emulate.");
        }
        Optional<String> description = input.string("Description", Pattern.compile("(?s).*"), 512);
        Map<String, String> tags = tags(input);
        // bus names are one namespace across regions
        if (bus(name, region).isPresent()) {
            throw ServiceException.user("ResourceAlreadyExistsException", "Event bus " + name + " already exists.");
        }
        EventBus bus = new EventBus(name, EventBuses.busArn(region, accountId, name), description, tags, clock.millis());
        events.declare(EventBuses.kafkaTopic(name));
        buses.put(name, bus);
        ObjectNode output = output();
        output.put("EventBusArn", bus.arn());
        description.ifPresent(text -> output.put("Description", text));
        return output;
    }

    private JsonNode describeEventBus(JsonInput input, String region)
    {
        EventBus bus = existingBus(input, "Name", region);
        ObjectNode output = output();
        writeBus(bus, output);
        return output;
    }

    private void writeBus(EventBus bus, ObjectNode node)
    {
        node.put("Name", bus.name());
        node.put("Arn", bus.arn());
        bus.description().ifPresent(text -> node.put("Description", text));
        if (bus.createdMillis() > 0) {
            node.put("CreationTime", epochSeconds(Instant.ofEpochMilli(bus.createdMillis())));
            node.put("LastModifiedTime", epochSeconds(Instant.ofEpochMilli(bus.createdMillis())));
        }
    }

    private JsonNode deleteEventBus(JsonInput input)
    {
        String name = input.requiredString("Name", BUS_NAME, 256);
        if (name.equals(EventBuses.DEFAULT_BUS)) {
            throw validation("Cannot delete event bus default.");
        }
        if (buses.get(name).isEmpty()) {
            return output();
        }
        List<String> left = rulesOn(name).stream().map(Rule::name).toList();
        if (!left.isEmpty()) {
            throw validation("Event bus " + name + " still has rules (" + String.join(", ", left) + "); delete them before the bus.");
        }
        buses.delete(name);
        return output();
    }

    private JsonNode listEventBuses(JsonInput input, String region)
    {
        Optional<String> prefix = input.string("NamePrefix", BUS_NAME, 256);
        int limit = input.integer("Limit", 1, 100).orElse(100);
        Map<String, EventBus> all = new TreeMap<>(buses.all());
        all.put(EventBuses.DEFAULT_BUS, defaultBus(region));
        List<EventBus> matching = all.values().stream().filter(bus -> prefix.isEmpty() || bus.name().startsWith(prefix.get())).toList();
        OffsetTokens.Slice<EventBus> page = OffsetTokens.slice(matching, input.string("NextToken"), limit, VALIDATION);
        ObjectNode output = output();
        ArrayNode list = output.putArray("EventBuses");
        page.items().forEach(bus -> writeBus(bus, list.addObject()));
        page.nextToken().ifPresent(token -> output.put("NextToken", token));
        return output;
    }

    // rules

    private List<Rule> rulesOn(String busName)
    {
        return rules.all().values().stream().filter(rule -> rule.busName().equals(busName)).toList();
    }

    private Rule existingRule(JsonInput input, String field, String region)
    {
        String name = input.requiredString(field, RULE_NAME, 64);
        String busName = existingBus(input, "EventBusName", region).name();
        return rules.get(EventBuses.ruleKey(busName, name))
                .orElseThrow(() -> ServiceException.user(NOT_FOUND, "Rule " + name + " does not exist on EventBus " + busName + "."));
    }

    private JsonNode putRule(JsonInput input, String region)
    {
        String name = input.requiredString("Name", RULE_NAME, 64);
        EventBus bus = existingBus(input, "EventBusName", region);
        Optional<String> pattern = input.string("EventPattern");
        Optional<String> schedule = input.string("ScheduleExpression", Pattern.compile("(?s).*"), 256);
        if (pattern.isEmpty() && schedule.isEmpty()) {
            throw validation("Parameter(s) EventPattern or ScheduleExpression must be specified.");
        }
        if (schedule.isPresent()) {
            checkSchedule(schedule.get(), bus, pattern);
        }
        if (pattern.isPresent()) {
            if (pattern.get().length() > MAX_PATTERN_LENGTH) {
                throw input.invalid("EventPattern", pattern.get(), "Member must have length less than or equal to " + MAX_PATTERN_LENGTH);
            }
            checkPattern(pattern.get());
        }
        String stateText = input.string("State").orElse("ENABLED");
        Rule.State state;
        try {
            state = Rule.State.valueOf(stateText);
        }
        catch (IllegalArgumentException e) {
            if (stateText.equals("ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")) {
                throw validation("lakestack has no CloudTrail management events: use State ENABLED or DISABLED");
            }
            throw input.invalid("State", stateText, "Member must satisfy enum value set: [ENABLED, DISABLED, "
                    + "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS]");
        }
        Optional<String> description = input.string("Description", Pattern.compile("(?s).*"), 512);
        Optional<String> roleArn = input.string("RoleArn", Pattern.compile("arn:aws[\\w-]*:iam::\\d{12}:role/.+"), 1600);
        Map<String, String> tags = tags(input);
        String key = EventBuses.ruleKey(bus.name(), name);
        // the rule engine follows the bus's topic from the rule's start: it exists before the first event
        events.declare(EventBuses.kafkaTopic(bus.name()));
        Optional<Rule> existing = rules.get(key);
        long now = clock.millis();
        Rule rule;
        if (existing.isEmpty()) {
            rule = new Rule(name, bus.name(), EventBuses.ruleArn(region, accountId, bus.name(), name), pattern, schedule, state, description,
                    roleArn, tags, List.of(), now, now);
        }
        else {
            Rule old = existing.get();
            // tags are set on creation; TagResource changes them afterwards, as on AWS
            rule = new Rule(name, bus.name(), old.arn(), pattern, schedule, old.state(), description, roleArn, old.tags(), old.targets(),
                    old.createdMillis(), old.activeSinceMillis()).withState(state, now);
        }
        rules.put(key, rule);
        ObjectNode output = output();
        output.put("RuleArn", rule.arn());
        return output;
    }

    /**
     * A rule's {@code ScheduleExpression}: {@code rate} or {@code cron} (UTC), on the default bus, as EventBridge takes
     * them; a rule has an event pattern or a schedule in lakestack, not both.
     */
    private static void checkSchedule(String schedule, EventBus bus, Optional<String> pattern)
    {
        ScheduleExpression parsed;
        try {
            parsed = ScheduleExpression.parse(schedule);
        }
        catch (IllegalArgumentException e) {
            throw validation("Parameter ScheduleExpression is not valid. " + e.getMessage());
        }
        if (parsed.kind() == ScheduleExpression.Kind.AT) {
            throw validation("Parameter ScheduleExpression is not valid: rules take rate(...) and cron(...) expressions; a one-time at(...) is "
                    + "EventBridge Scheduler's (CreateSchedule)");
        }
        if (!bus.name().equals(EventBuses.DEFAULT_BUS)) {
            throw validation("ScheduleExpression is supported only on the default event bus.");
        }
        if (pattern.isPresent()) {
            throw validation("lakestack runs a rule on an EventPattern or on a ScheduleExpression, not on both: make two rules");
        }
    }

    private static EventPattern checkPattern(String pattern)
    {
        try {
            return EventPattern.parse(pattern);
        }
        catch (EventPattern.InvalidPatternException e) {
            throw ServiceException.user("InvalidEventPatternException", "Event pattern is not valid. Reason: " + e.getMessage());
        }
    }

    private JsonNode describeRule(JsonInput input, String region)
    {
        Rule rule = existingRule(input, "Name", region);
        ObjectNode output = output();
        writeRule(rule, output);
        output.put("CreatedBy", accountId);
        return output;
    }

    private static void writeRule(Rule rule, ObjectNode node)
    {
        node.put("Name", rule.name());
        node.put("Arn", rule.arn());
        rule.eventPattern().ifPresent(pattern -> node.put("EventPattern", pattern));
        rule.scheduleExpression().ifPresent(schedule -> node.put("ScheduleExpression", schedule));
        node.put("State", rule.state().name());
        rule.description().ifPresent(text -> node.put("Description", text));
        rule.roleArn().ifPresent(arn -> node.put("RoleArn", arn));
        node.put("EventBusName", rule.busName());
    }

    private JsonNode deleteRule(JsonInput input, String region)
    {
        String name = input.requiredString("Name", RULE_NAME, 64);
        String busName = existingBus(input, "EventBusName", region).name();
        // Force matters for rules managed by AWS services only, which lakestack has none of: as on AWS, it changes nothing here
        input.bool("Force");
        Optional<Rule> rule = rules.get(EventBuses.ruleKey(busName, name));
        if (rule.isEmpty()) {
            return output();
        }
        if (!rule.get().targets().isEmpty()) {
            throw validation("Rule can't be deleted since it has targets.");
        }
        rules.delete(EventBuses.ruleKey(busName, name));
        return output();
    }

    private JsonNode listRules(JsonInput input, String region)
    {
        Optional<String> prefix = input.string("NamePrefix", RULE_NAME, 64);
        String busName = existingBus(input, "EventBusName", region).name();
        int limit = input.integer("Limit", 1, 100).orElse(100);
        List<Rule> matching = rulesOn(busName).stream().filter(rule -> prefix.isEmpty() || rule.name().startsWith(prefix.get())).toList();
        OffsetTokens.Slice<Rule> page = OffsetTokens.slice(matching, input.string("NextToken"), limit, VALIDATION);
        ObjectNode output = output();
        ArrayNode list = output.putArray("Rules");
        page.items().forEach(rule -> writeRule(rule, list.addObject()));
        page.nextToken().ifPresent(token -> output.put("NextToken", token));
        return output;
    }

    private JsonNode setState(JsonInput input, String region, Rule.State state)
    {
        Rule rule = existingRule(input, "Name", region);
        if (rule.state() != state) {
            rules.put(EventBuses.ruleKey(rule.busName(), rule.name()), rule.withState(state, clock.millis()));
        }
        return output();
    }

    private JsonNode listRuleNamesByTarget(JsonInput input, String region)
    {
        String targetArn = input.requiredString("TargetArn", Pattern.compile("(?s).+"), 1600);
        String busName = existingBus(input, "EventBusName", region).name();
        int limit = input.integer("Limit", 1, 100).orElse(100);
        List<String> names = rulesOn(busName).stream()
                .filter(rule -> rule.targets().stream().anyMatch(target -> target.arn().equals(targetArn)))
                .map(Rule::name)
                .toList();
        OffsetTokens.Slice<String> page = OffsetTokens.slice(names, input.string("NextToken"), limit, VALIDATION);
        ObjectNode output = output();
        ArrayNode list = output.putArray("RuleNames");
        page.items().forEach(list::add);
        page.nextToken().ifPresent(token -> output.put("NextToken", token));
        return output;
    }

    // targets

    private JsonNode putTargets(JsonInput input, String region)
    {
        Rule rule = existingRule(input, "Rule", region);
        List<JsonInput> entries = input.objects("Targets");
        if (entries.isEmpty()) {
            throw input.missing("Targets");
        }
        if (entries.size() > 100) {
            throw input.invalid("Targets", "[...]", "Member must have length less than or equal to 100");
        }
        Map<String, Target> targets = new LinkedHashMap<>();
        rule.targets().forEach(target -> targets.put(target.id(), target));
        ObjectNode output = output();
        ArrayNode failed = JSON.createArrayNode();
        for (JsonInput entry : entries) {
            String id = entry.requiredString("Id", TARGET_ID, 64);
            try {
                Target target = target(entry, id);
                targets.put(id, target);
            }
            catch (IllegalArgumentException | ServiceException e) {
                ObjectNode failure = failed.addObject();
                failure.put("TargetId", id);
                failure.put("ErrorCode", VALIDATION);
                failure.put("ErrorMessage", e.getMessage());
            }
        }
        if (targets.size() > MAX_TARGETS_PER_RULE) {
            throw ServiceException.user("LimitExceededException", "The requested resource exceeds the maximum number allowed. A rule has at most "
                    + MAX_TARGETS_PER_RULE + " targets; rule " + rule.name() + " would have " + targets.size() + ".");
        }
        rules.put(EventBuses.ruleKey(rule.busName(), rule.name()), rule.withTargets(List.copyOf(targets.values())));
        output.put("FailedEntryCount", failed.size());
        output.set("FailedEntries", failed);
        return output;
    }

    /** One entry of PutTargets. @throws IllegalArgumentException the entry's error message */
    private static Target target(JsonInput entry, String id)
    {
        entry.raw().fieldNames().forEachRemaining(field -> {
            if (!TARGET_FIELDS.contains(field)) {
                throw new IllegalArgumentException(field + " is not supported by lakestack: targets take Input, InputPath, InputTransformer, RetryPolicy, "
                        + "DeadLetterConfig, RoleArn, SqsParameters and KinesisParameters only.");
            }
        });
        String arn = entry.requiredString("Arn", Pattern.compile("(?s).+"), 1600);
        TargetArn target;
        try {
            target = TargetArn.parse(arn);
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Target " + id + ": " + e.getMessage());
        }
        Optional<Target.InputTransformer> transformer = entry.optionalObject("InputTransformer").map(node -> {
            Map<String, String> paths = node.stringMap("InputPathsMap");
            String template = node.string("InputTemplate").orElseThrow(() -> new IllegalArgumentException(
                    "InputTransformer of target " + id + " has no InputTemplate."));
            return new Target.InputTransformer(paths, template);
        });
        Target.RetryPolicy retry = entry.optionalObject("RetryPolicy").map(node -> {
            int attempts = retryValue(node, "MaximumRetryAttempts", 0, 185, Target.RetryPolicy.DEFAULT.maximumRetryAttempts());
            int age = retryValue(node, "MaximumEventAgeInSeconds", 60, 86_400, Target.RetryPolicy.DEFAULT.maximumEventAgeSeconds());
            return new Target.RetryPolicy(attempts, age);
        }).orElse(Target.RetryPolicy.DEFAULT);
        Optional<String> deadLetter = entry.optionalObject("DeadLetterConfig").flatMap(node -> node.string("Arn"));
        deadLetter.ifPresent(dlq -> {
            TargetArn parsed;
            try {
                parsed = TargetArn.parse(dlq);
            }
            catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("DeadLetterConfig.Arn of target " + id + " must be an SQS queue ARN: " + e.getMessage());
            }
            if (parsed.kind() != TargetArn.Kind.SQS) {
                throw new IllegalArgumentException("DeadLetterConfig.Arn of target " + id + " must be an SQS queue ARN, not " + dlq);
            }
        });
        Optional<String> groupId = entry.optionalObject("SqsParameters").flatMap(node -> node.string("MessageGroupId"));
        if (entry.has("SqsParameters") && target.kind() != TargetArn.Kind.SQS) {
            throw new IllegalArgumentException("SqsParameters are for SQS queue targets; target " + id + " is " + arn);
        }
        if (target.kind() == TargetArn.Kind.SQS && target.name().endsWith(".fifo") && groupId.isEmpty()) {
            throw new IllegalArgumentException("Target " + id + " is a FIFO queue: it needs SqsParameters.MessageGroupId.");
        }
        Optional<String> partitionKeyPath = entry.optionalObject("KinesisParameters").flatMap(node -> node.string("PartitionKeyPath"));
        if (entry.has("KinesisParameters") && target.kind() != TargetArn.Kind.KINESIS) {
            throw new IllegalArgumentException("KinesisParameters are for Kinesis stream targets; target " + id + " is " + arn);
        }
        Target result = new Target(id, arn, entry.string("RoleArn"), entry.string("Input"), entry.string("InputPath"), transformer, retry, deadLetter,
                groupId, partitionKeyPath);
        TargetInput.check(result);
        return result;
    }

    private static int retryValue(JsonInput node, String field, int min, int max, int fallback)
    {
        try {
            return node.integer(field, min, max).orElse(fallback);
        }
        catch (ServiceException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    private JsonNode removeTargets(JsonInput input, String region)
    {
        Rule rule = existingRule(input, "Rule", region);
        List<String> ids = input.strings("Ids");
        if (ids.isEmpty()) {
            throw input.missing("Ids");
        }
        input.bool("Force");
        List<Target> kept = rule.targets().stream().filter(target -> !ids.contains(target.id())).toList();
        if (kept.size() != rule.targets().size()) {
            rules.put(EventBuses.ruleKey(rule.busName(), rule.name()), rule.withTargets(kept));
        }
        ObjectNode output = output();
        output.put("FailedEntryCount", 0);
        output.putArray("FailedEntries");
        return output;
    }

    private JsonNode listTargetsByRule(JsonInput input, String region)
    {
        Rule rule = existingRule(input, "Rule", region);
        int limit = input.integer("Limit", 1, 100).orElse(100);
        OffsetTokens.Slice<Target> page = OffsetTokens.slice(rule.targets(), input.string("NextToken"), limit, VALIDATION);
        ObjectNode output = output();
        ArrayNode list = output.putArray("Targets");
        for (Target target : page.items()) {
            ObjectNode node = list.addObject();
            node.put("Id", target.id());
            node.put("Arn", target.arn());
            target.roleArn().ifPresent(arn -> node.put("RoleArn", arn));
            target.input().ifPresent(text -> node.put("Input", text));
            target.inputPath().ifPresent(text -> node.put("InputPath", text));
            target.inputTransformer().ifPresent(transformer -> {
                ObjectNode transform = node.putObject("InputTransformer");
                ObjectNode paths = transform.putObject("InputPathsMap");
                new TreeMap<>(transformer.inputPathsMap()).forEach(paths::put);
                transform.put("InputTemplate", transformer.inputTemplate());
            });
            ObjectNode retry = node.putObject("RetryPolicy");
            retry.put("MaximumRetryAttempts", target.retryPolicy().maximumRetryAttempts());
            retry.put("MaximumEventAgeInSeconds", target.retryPolicy().maximumEventAgeSeconds());
            target.deadLetterArn().ifPresent(arn -> node.putObject("DeadLetterConfig").put("Arn", arn));
            target.messageGroupId().ifPresent(group -> node.putObject("SqsParameters").put("MessageGroupId", group));
            target.partitionKeyPath().ifPresent(path -> node.putObject("KinesisParameters").put("PartitionKeyPath", path));
        }
        page.nextToken().ifPresent(token -> output.put("NextToken", token));
        return output;
    }

    // events

    private JsonNode putEvents(JsonInput input, String region)
    {
        if (input.has("EndpointId")) {
            throw validation("lakestack does not emulate global endpoints: send PutEvents without EndpointId");
        }
        List<JsonInput> entries = input.objects("Entries");
        if (entries.isEmpty()) {
            throw validation("1 validation error detected: Value '[]' at 'entries' failed to satisfy constraint: Member must have length greater than "
                    + "or equal to 1");
        }
        if (entries.size() > MAX_ENTRIES) {
            throw validation("1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or "
                    + "equal to " + MAX_ENTRIES);
        }
        long size = 0;
        for (JsonInput entry : entries) {
            size += entrySize(entry);
        }
        if (size > MAX_ENTRIES_BYTES) {
            throw validation("Total size of the entries in the request is over the limit.");
        }
        ObjectNode output = output();
        ArrayNode results = output.putArray("Entries");
        int failed = 0;
        for (JsonInput entry : entries) {
            ObjectNode result = results.addObject();
            try {
                result.put("EventId", putEvent(entry, region));
            }
            catch (EntryException e) {
                failed++;
                result.put("ErrorCode", e.code);
                result.put("ErrorMessage", e.getMessage());
            }
        }
        output.put("FailedEntryCount", failed);
        return output;
    }

    /** The size PutEvents counts: 14 bytes of time when given, and the UTF-8 bytes of the other fields. */
    private static long entrySize(JsonInput entry)
    {
        long size = entry.has("Time") ? 14 : 0;
        for (String field : List.of("Source", "DetailType", "Detail")) {
            if (entry.raw().path(field).isTextual()) {
                size += entry.raw().path(field).asText().getBytes(StandardCharsets.UTF_8).length;
            }
        }
        for (JsonNode resource : entry.raw().path("Resources")) {
            size += resource.asText().getBytes(StandardCharsets.UTF_8).length;
        }
        return size;
    }

    private static final class EntryException
            extends Exception
    {
        private static final long serialVersionUID = 1L;

        private final String code;

        EntryException(String code, String message)
        {
            super(message);
            this.code = code;
        }
    }

    private String putEvent(JsonInput entry, String region)
            throws EntryException
    {
        Optional<String> source = entry.string("Source").filter(text -> !text.isEmpty());
        Optional<String> detailType = entry.string("DetailType").filter(text -> !text.isEmpty());
        Optional<String> detail = entry.string("Detail").filter(text -> !text.isEmpty());
        if (source.isEmpty()) {
            throw new EntryException("InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument.");
        }
        if (detailType.isEmpty()) {
            throw new EntryException("InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType is a required argument.");
        }
        if (detail.isEmpty()) {
            throw new EntryException("InvalidArgument", "Parameter Detail is not valid. Reason: Detail is a required argument.");
        }
        if (entry.has("TraceHeader")) {
            throw new EntryException("InvalidArgument", "lakestack does not trace events with X-Ray: send the entry without TraceHeader.");
        }
        if (source.get().startsWith("aws.")) {
            throw new EntryException("NotAuthorizedForSourceException", "Not authorized for the source.");
        }
        JsonNode detailDocument;
        try {
            detailDocument = DETAIL.readTree(detail.get());
        }
        catch (JsonProcessingException e) {
            throw new EntryException("MalformedDetail", "Detail is malformed.");
        }
        if (detailDocument == null || !detailDocument.isObject()) {
            throw new EntryException("MalformedDetail", "Detail is malformed.");
        }
        String busName;
        Optional<EventBus> bus;
        List<String> resources;
        Instant time;
        try {
            busName = entry.string("EventBusName", BUS_NAME_OR_ARN, 1600).orElse(EventBuses.DEFAULT_BUS);
            bus = namedBus(busName, region);
            resources = entry.strings("Resources");
            time = entry.timestamp("Time").orElse(Instant.ofEpochMilli(clock.millis()));
        }
        catch (ServiceException e) {
            throw new EntryException("InvalidArgument", e.getMessage());
        }
        if (bus.isEmpty()) {
            throw new EntryException(NOT_FOUND, "Event bus " + busName + " does not exist.");
        }
        String id = UUID.randomUUID().toString();
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "0");
        event.put("id", id);
        event.put("detail-type", detailType.get());
        event.put("source", source.get());
        event.put("account", accountId);
        event.put("time", EVENT_TIME.format(time));
        // an event is of its bus's region
        event.put("region", Arn.parse(bus.get().arn()).orElseThrow().region());
        ArrayNode resourceList = event.putArray("resources");
        resources.forEach(resourceList::add);
        event.set("detail", detailDocument);
        try {
            events.publish(EventBuses.kafkaTopic(bus.get().name()), id, DETAIL.writeValueAsBytes(event));
        }
        catch (JsonProcessingException e) {
            throw new EntryException("InternalFailure", "The event could not be written: " + e.getMessage());
        }
        catch (ServiceException e) {
            throw new EntryException("InternalFailure", e.getMessage());
        }
        return id;
    }

    private JsonNode testEventPattern(JsonInput input)
    {
        EventPattern pattern = checkPattern(input.requiredString("EventPattern"));
        String event = input.requiredString("Event");
        JsonNode document;
        try {
            document = DETAIL.readTree(event);
        }
        catch (JsonProcessingException e) {
            throw validation("Parameter Event is not valid. Reason: it is not JSON (" + e.getOriginalMessage() + ").");
        }
        if (document == null || !document.isObject()) {
            throw validation("Parameter Event is not valid. Reason: it must be a JSON object.");
        }
        List<String> missing = new ArrayList<>();
        for (String field : List.of("id", "account", "source", "time", "region", "resources", "detail-type")) {
            if (!document.has(field)) {
                missing.add(field);
            }
        }
        if (!missing.isEmpty()) {
            throw validation("Parameter Event is not valid. Reason: Provided Event must have all required fields: id, account, source, time, region, "
                    + "resources, detail-type; missing " + String.join(", ", missing) + ".");
        }
        if (!document.path("account").asText().equals(accountId)) {
            throw validation("Parameter Event is not valid. Reason: Provided account value must match the account of the caller (" + accountId + ").");
        }
        ObjectNode output = output();
        output.put("Result", pattern.matches(event));
        return output;
    }

    // tags

    private Map<String, String> tags(JsonInput input)
    {
        Map<String, String> tags = new TreeMap<>();
        for (JsonInput tag : input.objects("Tags")) {
            tags.put(tag.requiredString("Key", Pattern.compile("(?s).+"), 128), tag.string("Value").orElseThrow(() -> tag.missing("Value")));
        }
        if (tags.size() > 50) {
            throw validation("A resource has at most 50 tags.");
        }
        return tags;
    }

    /** The bus or rule an ARN names, for the tag operations: one whose ARN it is. */
    private Object resource(String arn, String region)
    {
        Matcher matcher = EVENTS_ARN.matcher(arn);
        if (!matcher.matches() || !matcher.group(2).equals(accountId)) {
            throw validation("Parameter ResourceARN is not valid: " + arn + " is not the ARN of an event bus or rule of account " + accountId + ".");
        }
        String path = matcher.group(4);
        if (matcher.group(3).equals("event-bus")) {
            EventBus bus = bus(path, region).orElseThrow(() -> ServiceException.user(NOT_FOUND, "Event bus " + path + " does not exist."));
            return ofArn(bus, bus.arn(), arn, "Event bus");
        }
        int slash = path.lastIndexOf('/');
        String busName = slash < 0 ? EventBuses.DEFAULT_BUS : path.substring(0, slash);
        String ruleName = path.substring(slash + 1);
        Rule rule = rules.get(EventBuses.ruleKey(busName, ruleName))
                .orElseThrow(() -> ServiceException.user(NOT_FOUND, "Rule " + ruleName + " does not exist on EventBus " + busName + "."));
        return ofArn(rule, rule.arn(), arn, "Rule");
    }

    /** The resource, when the ARN given is its own: names are one namespace across regions, an ARN names a resource in its region only. */
    private static Object ofArn(Object resource, String resourceArn, String given, String kind)
    {
        if (!resourceArn.equals(given)) {
            throw ServiceException.user(NOT_FOUND, kind + " " + given + " does not exist: the one of that name is " + resourceArn + ".");
        }
        return resource;
    }

    private void retag(Object resource, Map<String, String> tags)
    {
        if (resource instanceof EventBus bus) {
            EventBus changed = bus.createdMillis() == 0 ? new EventBus(bus.name(), bus.arn(), bus.description(), tags, clock.millis()) : bus.withTags(tags);
            buses.put(bus.name(), changed);
        }
        else {
            Rule rule = (Rule) resource;
            rules.put(EventBuses.ruleKey(rule.busName(), rule.name()), rule.withTags(tags));
        }
    }

    private static Map<String, String> tagsOf(Object resource)
    {
        return resource instanceof EventBus bus ? bus.tags() : ((Rule) resource).tags();
    }

    private JsonNode tagResource(JsonInput input, String region)
    {
        Object resource = resource(input.requiredString("ResourceARN", Pattern.compile("(?s).+"), 1600), region);
        if (!input.has("Tags")) {
            throw input.missing("Tags");
        }
        Map<String, String> tags = new TreeMap<>(tagsOf(resource));
        tags.putAll(tags(input));
        if (tags.size() > 50) {
            throw validation("A resource has at most 50 tags.");
        }
        retag(resource, tags);
        return output();
    }

    private JsonNode untagResource(JsonInput input, String region)
    {
        Object resource = resource(input.requiredString("ResourceARN", Pattern.compile("(?s).+"), 1600), region);
        if (!input.has("TagKeys")) {
            throw input.missing("TagKeys");
        }
        Map<String, String> tags = new TreeMap<>(tagsOf(resource));
        input.strings("TagKeys").forEach(tags::remove);
        retag(resource, tags);
        return output();
    }

    private JsonNode listTags(JsonInput input, String region)
    {
        Object resource = resource(input.requiredString("ResourceARN", Pattern.compile("(?s).+"), 1600), region);
        ObjectNode output = output();
        ArrayNode list = output.putArray("Tags");
        new TreeMap<>(tagsOf(resource)).forEach((key, value) -> list.addObject().put("Key", key).put("Value", value));
        return output;
    }
}
