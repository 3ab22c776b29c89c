package io.lakestack.services.scheduler;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.endpoint.json.JsonInput;
import io.lakestack.endpoint.rest.RestJsonService;
import io.lakestack.spi.OffsetTokens;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.scheduler.Schedule;
import io.lakestack.spi.scheduler.ScheduleExpression;
import io.lakestack.spi.scheduler.ScheduleGroup;
import io.lakestack.spi.scheduler.ScheduleTarget;
import io.lakestack.spi.scheduler.Schedules;
import io.lakestack.spi.store.RecordStore;
import io.lakestack.spi.store.RecordStores;
import io.lakestack.spi.targets.TargetArn;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * EventBridge Scheduler's REST-JSON API: schedules and schedule groups, kept in the record stores of {@link Schedules},
 * where the scheduler connector reads them and fires their occurrences.
 *
 * <p>Local emulation: the role of a target is kept and not assumed (lakestack checks no IAM); targets are Lambda
 * functions, SQS queues, SNS topics, Kinesis and Firehose streams, Step Functions state machines ({@code StartExecution}
 * with the target's {@code Input}), and universal targets for the lakestack services that speak a JSON protocol
 * ({@value #UNIVERSAL_SERVICES_TEXT}). A customer managed KMS key, ECS, EventBridge and SageMaker parameters are refused
 * with a {@code ValidationException} saying so.
 */
public final class SchedulerService
        extends RestJsonService
{
    /** The services a universal target {@code arn:aws:scheduler:::aws-sdk:<service>:<apiAction>} may call. */
    public static final Set<String> UNIVERSAL_SERVICES = Set.of("sqs", "kinesis", "firehose", "glue", "athena", "logs");
    static final String UNIVERSAL_SERVICES_TEXT = "sqs, kinesis, firehose, glue, athena, logs";
    /** Schedule groups per account and region, as AWS's quota. */
    static final int MAX_GROUPS = 500;
    static final int MAX_SCHEDULES = 1_000_000;
    private static final Pattern NAME = Pattern.compile("^[0-9a-zA-Z-_.]+$");
    private static final Pattern CLIENT_TOKEN = Pattern.compile("^[a-zA-Z0-9-_]+$");
    private static final Pattern ROLE = Pattern.compile("^arn:aws(-[a-z]+)?:iam::\\d{12}:role\\/[\\w+=,.@\\/-]+$");
    private static final Pattern DEAD_LETTER = Pattern.compile("^arn:aws(-[a-z]+)?:sqs:[a-z0-9\\-]+:\\d{12}:[a-zA-Z0-9\\-_]+$");
    private static final Pattern GROUP_ARN = Pattern.compile("^arn:aws(-[a-z]+)?:scheduler:[a-z0-9\\-]+:\\d{12}:schedule-group\\/([0-9a-zA-Z-_.]+)$");
    private static final Pattern UNIVERSAL = Pattern.compile("arn:aws:scheduler:::aws-sdk:([a-z0-9-]+):([a-zA-Z0-9]+)");
    private static final Pattern ANY = Pattern.compile("(?s).*");
    private static final List<String> REFUSED_TARGET_PARAMETERS = List.of("EcsParameters", "SageMakerPipelineParameters");
    private static final Pattern EVENT_BUS = Pattern.compile("arn:aws:events:[a-z0-9-]+:\\d{12}:event-bus/[/\\.\\-_A-Za-z0-9]{1,256}");

    private final RecordStore<Schedule> schedules;
    private final RecordStore<ScheduleGroup> groups;
    private final String accountId;
    private final Clock clock;

    /**
     * Schedules and groups keep the ARN of the region of the request that created them; the default group is in every
     * region. Group names, and schedule names in a group, are one namespace across regions.
     */
    public SchedulerService(RecordStores stores, String accountId, Clock clock)
    {
        super("scheduler", "ValidationException");
        this.schedules = requireNonNull(stores, "stores is null").open(Schedules.SCHEDULES_STORE, Schedule.class);
        this.groups = stores.open(Schedules.GROUPS_STORE, ScheduleGroup.class);
        this.accountId = requireNonNull(accountId, "accountId is null");
        this.clock = requireNonNull(clock, "clock is null");
        scheduleRoutes();
        groupRoutes();
        tagRoutes();
    }

    @Override
    public OptionalLong maxRequestBytes()
    {
        // a schedule is small; its Input is the largest part (256 KiB at most on AWS)
        return OptionalLong.of(1024 * 1024);
    }

    // schedules

    private void scheduleRoutes()
    {
        route("POST", "/schedules/{Name}", (request, caller) -> {
            String name = name(request.path("Name"), "name");
            JsonInput input = request.json();
            String group = input.string("GroupName", NAME, 64).orElse(Schedules.DEFAULT_GROUP);
            Optional<String> clientToken = input.string("ClientToken", CLIENT_TOKEN, 64);
            synchronized (this) {
                requireGroup(group, caller.region());
                Optional<Schedule> existing = schedules.get(Schedules.key(group, name));
                if (existing.isPresent()) {
                    if (clientToken.isPresent() && existing.get().clientToken().equals(clientToken)) {
                        return arnResult(existing.get().arn());
                    }
                    throw ServiceException.user("ConflictException", 409, "Schedule " + name + " already exists.");
                }
                if (schedules.all().size() >= MAX_SCHEDULES) {
                    throw ServiceException.user("ServiceQuotaExceededException", 402, "The account has " + MAX_SCHEDULES
                            + " schedules in this region, its quota; delete schedules before creating more.");
                }
                long now = clock.millis();
                Schedule schedule = schedule(input, Schedules.scheduleArn(caller.region(), accountId, group, name), group, name, clientToken, now, now);
                schedules.put(schedule.key(), schedule);
                return arnResult(schedule.arn());
            }
        });
        route("PUT", "/schedules/{Name}", (request, caller) -> {
            String name = name(request.path("Name"), "name");
            JsonInput input = request.json();
            String group = input.string("GroupName", NAME, 64).orElse(Schedules.DEFAULT_GROUP);
            Optional<String> clientToken = input.string("ClientToken", CLIENT_TOKEN, 64);
            synchronized (this) {
                requireGroup(group, caller.region());
                Schedule existing = requireSchedule(group, name);
                Schedule schedule = schedule(input, existing.arn(), group, name, clientToken.or(existing::clientToken), existing.createdMillis(), clock.millis());
                schedules.put(schedule.key(), schedule);
                return arnResult(schedule.arn());
            }
        });
        route("GET", "/schedules/{Name}", (request, caller) -> {
            String name = name(request.path("Name"), "name");
            String group = queryName(request, "groupName").orElse(Schedules.DEFAULT_GROUP);
            return RestResult.json(200, describe(requireSchedule(group, name)));
        });
        route("DELETE", "/schedules/{Name}", (request, caller) -> {
            String name = name(request.path("Name"), "name");
            clientToken(request);
            String group = queryName(request, "groupName").orElse(Schedules.DEFAULT_GROUP);
            synchronized (this) {
                requireSchedule(group, name);
                schedules.delete(Schedules.key(group, name));
            }
            return RestResult.json(200, JSON.createObjectNode());
        });
        route("GET", "/schedules", (request, caller) -> {
            Optional<String> group = queryName(request, "ScheduleGroup");
            group.ifPresent(name -> requireGroup(name, caller.region()));
            Optional<String> prefix = queryName(request, "NamePrefix");
            Optional<Schedule.State> state = request.query("State").map(value -> {
                try {
                    return Schedule.State.valueOf(value);
                }
                catch (IllegalArgumentException e) {
                    throw invalid("state", value, "Member must satisfy enum value set: [ENABLED, DISABLED]");
                }
            });
            List<Schedule> matching = schedules.all().values().stream()
                    .filter(schedule -> group.isEmpty() || schedule.groupName().equals(group.get()))
                    .filter(schedule -> prefix.isEmpty() || schedule.name().startsWith(prefix.get()))
                    .filter(schedule -> state.isEmpty() || schedule.state() == state.get())
                    .toList();
            OffsetTokens.Slice<Schedule> page = OffsetTokens.slice(matching, request.query("NextToken"), maxResults(request), "ValidationException");
            ObjectNode result = JSON.createObjectNode();
            ArrayNode list = result.putArray("Schedules");
            for (Schedule schedule : page.items()) {
                ObjectNode summary = list.addObject();
                summary.put("Arn", schedule.arn());
                summary.put("CreationDate", seconds(schedule.createdMillis()));
                summary.put("GroupName", schedule.groupName());
                summary.put("LastModificationDate", seconds(schedule.modifiedMillis()));
                summary.put("Name", schedule.name());
                summary.put("State", schedule.state().name());
                summary.putObject("Target").put("Arn", schedule.target().arn());
            }
            page.nextToken().ifPresent(token -> result.put("NextToken", token));
            return RestResult.json(200, result);
        });
    }

    private Schedule schedule(JsonInput input, String arn, String group, String name, Optional<String> clientToken, long created, long now)
    {
        if (input.has("KmsKeyArn")) {
            throw input.invalid("lakestack does not apply KmsKeyArn: schedules are kept unencrypted in lakestack's record store; leave KmsKeyArn out.");
        }
        String expression = input.requiredString("ScheduleExpression", ANY, 256);
        ScheduleExpression parsed;
        try {
            parsed = ScheduleExpression.parse(expression);
        }
        catch (IllegalArgumentException e) {
            throw input.invalid(e.getMessage());
        }
        String timezone = input.string("ScheduleExpressionTimezone", ANY, 50).orElse("UTC");
        try {
            ScheduleExpression.zone(timezone);
        }
        catch (IllegalArgumentException e) {
            throw input.invalid(e.getMessage());
        }
        Optional<Instant> start = input.timestamp("StartDate");
        Optional<Instant> end = input.timestamp("EndDate");
        Instant clockNow = Instant.ofEpochMilli(now);
        if (start.isPresent() && start.get().isBefore(clockNow.minusSeconds(300))) {
            throw input.invalid("The StartDate must not be earlier than 5 minutes ago.");
        }
        if (end.isPresent() && !end.get().isAfter(clockNow)) {
            throw input.invalid("The EndDate must be in the future.");
        }
        if (start.isPresent() && end.isPresent() && !end.get().isAfter(start.get())) {
            throw input.invalid("The EndDate must be later than the StartDate.");
        }
        Schedule.State state = enumValue(input, "State", Schedule.State.class).orElse(Schedule.State.ENABLED);
        Schedule.ActionAfterCompletion action = enumValue(input, "ActionAfterCompletion", Schedule.ActionAfterCompletion.class)
                .orElse(Schedule.ActionAfterCompletion.NONE);
        JsonInput window = input.object("FlexibleTimeWindow");
        String mode = window.requiredString("Mode");
        Optional<Integer> windowMinutes = window.integer("MaximumWindowInMinutes", 1, 1440);
        switch (mode) {
            case "OFF" -> {
                if (windowMinutes.isPresent()) {
                    throw input.invalid("MaximumWindowInMinutes is only for a FlexibleTimeWindow of Mode FLEXIBLE, not OFF.");
                }
            }
            case "FLEXIBLE" -> {
                if (windowMinutes.isEmpty()) {
                    throw input.invalid("A FlexibleTimeWindow of Mode FLEXIBLE needs MaximumWindowInMinutes (1 to 1440).");
                }
            }
            default -> throw window.invalid("Mode", mode, "Member must satisfy enum value set: [OFF, FLEXIBLE]");
        }
        String description = input.has("Description") ? input.string("Description").orElseThrow() : "";
        if (description.length() > 512) {
            throw input.invalid("Description", description, "Member must have length less than or equal to 512");
        }
        ScheduleTarget target = target(input.object("Target"));
        return new Schedule(group, name, arn, description, expression, timezone,
                start.map(Instant::toEpochMilli), end.map(Instant::toEpochMilli), state, windowMinutes, action, target, clientToken, created, now);
    }

    private static ScheduleTarget target(JsonInput target)
    {
        String arn = target.requiredString("Arn", ANY, 1600);
        String role = target.requiredString("RoleArn", ROLE, 1600);
        for (String refused : REFUSED_TARGET_PARAMETERS) {
            if (target.has(refused)) {
                throw target.invalid("lakestack does not apply Target." + refused + ": it runs no " + (refused.equals("EcsParameters") ? "ECS tasks" : "SageMaker pipelines")
                        + "; leave it out.");
            }
        }
        Matcher universal = UNIVERSAL.matcher(arn);
        boolean sqs = false;
        boolean kinesis = false;
        boolean bus = EVENT_BUS.matcher(arn).matches();
        if (bus) {
            // an EventBridge event bus: the target's events are put on it with PutEvents, the input as their Detail
            source(target);
        }
        else if (universal.matches()) {
            if (!UNIVERSAL_SERVICES.contains(universal.group(1))) {
                throw target.invalid("lakestack delivers universal targets to the services that speak a JSON protocol (" + UNIVERSAL_SERVICES_TEXT + "), not "
                        + universal.group(1) + ": " + arn + ".");
            }
        }
        else if (arn.startsWith("arn:aws:scheduler:")) {
            throw target.invalid("Target.Arn " + arn + " is not a universal target: those are arn:aws:scheduler:::aws-sdk:<service>:<apiAction>.");
        }
        else {
            TargetArn parsed;
            try {
                parsed = TargetArn.parse(arn);
            }
            catch (IllegalArgumentException e) {
                throw target.invalid(e.getMessage());
            }
            if (parsed.kind() == TargetArn.Kind.GLUE_WORKFLOW) {
                throw target.invalid("Target.Arn " + arn + " is a Glue workflow, which EventBridge rules deliver to, not schedules: start a workflow from a "
                        + "schedule with the universal target arn:aws:scheduler:::aws-sdk:glue:startWorkflowRun.");
            }
            sqs = parsed.kind() == TargetArn.Kind.SQS;
            kinesis = parsed.kind() == TargetArn.Kind.KINESIS;
        }
        Optional<String> input = target.string("Input", ANY, Integer.MAX_VALUE);
        int maximumAge = ScheduleTarget.DEFAULT_MAXIMUM_EVENT_AGE_SECONDS;
        int maximumAttempts = ScheduleTarget.DEFAULT_MAXIMUM_RETRY_ATTEMPTS;
        Optional<JsonInput> retry = target.optionalObject("RetryPolicy");
        if (retry.isPresent()) {
            maximumAge = retry.get().integer("MaximumEventAgeInSeconds", 60, 86_400).orElse(maximumAge);
            maximumAttempts = retry.get().integer("MaximumRetryAttempts", 0, 185).orElse(maximumAttempts);
        }
        Optional<String> deadLetter = target.optionalObject("DeadLetterConfig").flatMap(config -> config.string("Arn", DEAD_LETTER, 1600));
        Optional<String> groupId = Optional.empty();
        Optional<JsonInput> sqsParameters = target.optionalObject("SqsParameters");
        if (sqsParameters.isPresent()) {
            if (!sqs) {
                throw target.invalid("Target.SqsParameters apply to SQS queue targets only, not " + arn + ".");
            }
            groupId = sqsParameters.get().string("MessageGroupId", ANY, 128);
        }
        if (sqs && arn.endsWith(".fifo") && groupId.isEmpty()) {
            throw target.invalid("A FIFO queue target needs Target.SqsParameters.MessageGroupId.");
        }
        Optional<String> partitionKey = Optional.empty();
        Optional<JsonInput> kinesisParameters = target.optionalObject("KinesisParameters");
        if (kinesisParameters.isPresent()) {
            if (!kinesis) {
                throw target.invalid("Target.KinesisParameters apply to Kinesis stream targets only, not " + arn + ".");
            }
            partitionKey = Optional.of(kinesisParameters.get().requiredString("PartitionKey", ANY, 256));
        }
        Optional<String> source = Optional.empty();
        Optional<String> detailType = Optional.empty();
        Optional<JsonInput> eventBridge = target.optionalObject("EventBridgeParameters");
        if (eventBridge.isPresent()) {
            if (!bus) {
                throw target.invalid("Target.EventBridgeParameters apply to EventBridge event bus targets only, not " + arn + ".");
            }
            detailType = Optional.of(eventBridge.get().requiredString("DetailType", ANY, 128));
            source = Optional.of(eventBridge.get().requiredString("Source", Pattern.compile("(?=[/\\.\\-_A-Za-z0-9]+)((?!aws\\.).*)|(\\$(\\.[\\w_-]+(\\[(\\d+|\\*)\\])*)*)"), 256));
        }
        return new ScheduleTarget(arn, role, input, maximumAge, maximumAttempts, deadLetter, groupId, partitionKey, source, detailType);
    }

    private static void source(JsonInput target)
    {
        if (target.optionalObject("EventBridgeParameters").isEmpty()) {
            throw target.invalid("An EventBridge event bus target needs Target.EventBridgeParameters (DetailType and Source).");
        }
    }

    private ObjectNode describe(Schedule schedule)
    {
        ObjectNode result = JSON.createObjectNode();
        result.put("ActionAfterCompletion", schedule.actionAfterCompletion().name());
        result.put("Arn", schedule.arn());
        result.put("CreationDate", seconds(schedule.createdMillis()));
        if (!schedule.description().isEmpty()) {
            result.put("Description", schedule.description());
        }
        schedule.endMillis().ifPresent(end -> result.put("EndDate", seconds(end)));
        ObjectNode window = result.putObject("FlexibleTimeWindow");
        window.put("Mode", schedule.flexibleWindowMinutes().isPresent() ? "FLEXIBLE" : "OFF");
        schedule.flexibleWindowMinutes().ifPresent(minutes -> window.put("MaximumWindowInMinutes", minutes));
        result.put("GroupName", schedule.groupName());
        result.put("LastModificationDate", seconds(schedule.modifiedMillis()));
        result.put("Name", schedule.name());
        result.put("ScheduleExpression", schedule.expression());
        result.put("ScheduleExpressionTimezone", schedule.timezone());
        schedule.startMillis().ifPresent(start -> result.put("StartDate", seconds(start)));
        result.put("State", schedule.state().name());
        ScheduleTarget target = schedule.target();
        ObjectNode node = result.putObject("Target");
        node.put("Arn", target.arn());
        node.put("RoleArn", target.roleArn());
        target.input().ifPresent(input -> node.put("Input", input));
        ObjectNode retry = node.putObject("RetryPolicy");
        retry.put("MaximumEventAgeInSeconds", target.maximumEventAgeSeconds());
        retry.put("MaximumRetryAttempts", target.maximumRetryAttempts());
        target.deadLetterArn().ifPresent(arn -> node.putObject("DeadLetterConfig").put("Arn", arn));
        target.messageGroupId().ifPresent(group -> node.putObject("SqsParameters").put("MessageGroupId", group));
        target.partitionKey().ifPresent(key -> node.putObject("KinesisParameters").put("PartitionKey", key));
        if (target.eventSource().isPresent()) {
            ObjectNode parameters = node.putObject("EventBridgeParameters");
            parameters.put("DetailType", target.eventDetailType().orElse(""));
            parameters.put("Source", target.eventSource().get());
        }
        return result;
    }

    // groups

    private void groupRoutes()
    {
        route("POST", "/schedule-groups/{Name}", (request, caller) -> {
            String name = name(request.path("Name"), "name");
            JsonInput input = request.json();
            input.string("ClientToken", CLIENT_TOKEN, 64);
            Map<String, String> tags = tags(input);
            synchronized (this) {
                // group names are one namespace across regions
                if (group(name, caller.region()).isPresent()) {
                    throw ServiceException.user("ConflictException", 409, "Schedule group " + name + " already exists.");
                }
                if (groups.all().size() + (groups.get(Schedules.DEFAULT_GROUP).isPresent() ? 0 : 1) >= MAX_GROUPS) {
                    throw ServiceException.user("ServiceQuotaExceededException", 402, "The account has " + MAX_GROUPS
                            + " schedule groups in this region, its quota; delete groups before creating more.");
                }
                long now = clock.millis();
                ScheduleGroup group = new ScheduleGroup(name, Schedules.groupArn(caller.region(), accountId, name), tags, now, now);
                groups.put(name, group);
                ObjectNode result = JSON.createObjectNode();
                result.put("ScheduleGroupArn", group.arn());
                return RestResult.json(200, result);
            }
        });
        route("GET", "/schedule-groups/{Name}", (request, caller) -> {
            String name = name(request.path("Name"), "name");
            return RestResult.json(200, describe(requireGroup(name, caller.region())));
        });
        route("DELETE", "/schedule-groups/{Name}", (request, caller) -> {
            String name = name(request.path("Name"), "name");
            clientToken(request);
            if (name.equals(Schedules.DEFAULT_GROUP)) {
                throw ServiceException.user("ValidationException", "The default schedule group cannot be deleted.");
            }
            synchronized (this) {
                requireGroup(name, caller.region());
                for (Schedule schedule : schedules.all().values()) {
                    if (schedule.groupName().equals(name)) {
                        schedules.delete(schedule.key());
                    }
                }
                groups.delete(name);
            }
            return RestResult.json(200, JSON.createObjectNode());
        });
        route("GET", "/schedule-groups", (request, caller) -> {
            Optional<String> prefix = queryName(request, "NamePrefix");
            List<ScheduleGroup> all = new ArrayList<>();
            group(Schedules.DEFAULT_GROUP, caller.region()).ifPresent(all::add);
            groups.all().values().stream().filter(group -> !group.name().equals(Schedules.DEFAULT_GROUP)).forEach(all::add);
            List<ScheduleGroup> matching = all.stream().filter(group -> prefix.isEmpty() || group.name().startsWith(prefix.get())).toList();
            OffsetTokens.Slice<ScheduleGroup> page = OffsetTokens.slice(matching, request.query("NextToken"), maxResults(request), "ValidationException");
            ObjectNode result = JSON.createObjectNode();
            ArrayNode list = result.putArray("ScheduleGroups");
            page.items().forEach(group -> list.add(describe(group)));
            page.nextToken().ifPresent(token -> result.put("NextToken", token));
            return RestResult.json(200, result);
        });
    }

    private ObjectNode describe(ScheduleGroup group)
    {
        ObjectNode result = JSON.createObjectNode();
        result.put("Arn", group.arn());
        result.put("CreationDate", seconds(group.createdMillis()));
        result.put("LastModificationDate", seconds(group.modifiedMillis()));
        result.put("Name", group.name());
        result.put("State", "ACTIVE");
        return result;
    }

    // tags

    private void tagRoutes()
    {
        route("POST", "/tags/{ResourceArn}", (request, caller) -> {
            String name = taggable(request.path("ResourceArn"), caller.region());
            JsonInput input = request.json();
            if (!input.hasList("Tags")) {
                throw input.missing("Tags");
            }
            Map<String, String> added = tags(input);
            synchronized (this) {
                ScheduleGroup group = requireGroup(name, caller.region());
                Map<String, String> tags = new TreeMap<>(group.tags());
                tags.putAll(added);
                if (tags.size() > 200) {
                    throw ServiceException.user("ValidationException", "A schedule group has at most 200 tags; this would give it " + tags.size() + ".");
                }
                groups.put(name, group.withTags(tags, clock.millis()));
            }
            return RestResult.json(200, JSON.createObjectNode());
        });
        route("DELETE", "/tags/{ResourceArn}", (request, caller) -> {
            String name = taggable(request.path("ResourceArn"), caller.region());
            List<String> keys = request.raw().queryParameters().stream().filter(entry -> entry.getKey().equals("TagKeys")).map(Map.Entry::getValue).toList();
            for (String key : keys) {
                if (key.isEmpty() || key.length() > 128) {
                    throw invalid("tagKeys", key, "Member must have length between 1 and 128");
                }
            }
            if (keys.isEmpty()) {
                throw ServiceException.user("ValidationException", "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null");
            }
            synchronized (this) {
                ScheduleGroup group = requireGroup(name, caller.region());
                Map<String, String> tags = new TreeMap<>(group.tags());
                keys.forEach(tags::remove);
                groups.put(name, group.withTags(tags, clock.millis()));
            }
            return RestResult.json(200, JSON.createObjectNode());
        });
        route("GET", "/tags/{ResourceArn}", (request, caller) -> {
            ScheduleGroup group = requireGroup(taggable(request.path("ResourceArn"), caller.region()), caller.region());
            ObjectNode result = JSON.createObjectNode();
            ArrayNode list = result.putArray("Tags");
            new TreeMap<>(group.tags()).forEach((key, value) -> list.addObject().put("Key", key).put("Value", value));
            return RestResult.json(200, result);
        });
    }

    /** The name of the group an ARN names: one whose ARN it is, so that an ARN of another region names none. */
    private String taggable(String arn, String region)
    {
        Matcher matcher = GROUP_ARN.matcher(arn);
        if (!matcher.matches() || arn.length() > 1011) {
            throw invalid("resourceArn", arn, "Member must satisfy regular expression pattern: " + GROUP_ARN.pattern()
                    + " (only schedule groups are tagged)");
        }
        if (!group(matcher.group(2), region).map(ScheduleGroup::arn).equals(Optional.of(arn))) {
            throw ServiceException.user("ResourceNotFoundException", 404, "Schedule group " + arn + " does not exist.");
        }
        return matcher.group(2);
    }

    private static Map<String, String> tags(JsonInput input)
    {
        Map<String, String> tags = new LinkedHashMap<>();
        List<JsonInput> list = input.objects("Tags");
        if (list.size() > 200) {
            throw input.invalid("Tags", "list of " + list.size(), "Member must have length less than or equal to 200");
        }
        for (JsonInput tag : list) {
            tags.put(tag.requiredString("Key", ANY, 128), tag.requiredString("Value", ANY, 256));
        }
        return tags;
    }

    // shared

    /**
     * The group of a name. The default group is in every region, as on AWS, and created by no request: its ARN names
     * the region of the request it answers.
     */
    private Optional<ScheduleGroup> group(String name, String region)
    {
        Optional<ScheduleGroup> group = groups.getLatest(name);
        if (!name.equals(Schedules.DEFAULT_GROUP)) {
            return group;
        }
        if (group.isEmpty()) {
            // the default group exists from the start; it is stored the first time it is asked for
            group = Optional.of(new ScheduleGroup(name, Schedules.groupArn(region, accountId, name), Map.of(), clock.millis(), clock.millis()));
            groups.put(name, group.get());
        }
        return group.map(stored -> new ScheduleGroup(name, Schedules.groupArn(region, accountId, name), stored.tags(), stored.createdMillis(),
                stored.modifiedMillis()));
    }

    private ScheduleGroup requireGroup(String name, String region)
    {
        return group(name, region).orElseThrow(() -> ServiceException.user("ResourceNotFoundException", 404, "Schedule group " + name + " does not exist."));
    }

    private Schedule requireSchedule(String group, String name)
    {
        return schedules.getLatest(Schedules.key(group, name))
                .orElseThrow(() -> ServiceException.user("ResourceNotFoundException", 404, "Schedule " + name + " does not exist."));
    }

    private static String name(String value, String field)
    {
        if (value.length() > 64) {
            throw invalid(field, value, "Member must have length less than or equal to 64");
        }
        if (!NAME.matcher(value).matches()) {
            throw invalid(field, value, "Member must satisfy regular expression pattern: " + NAME.pattern());
        }
        if (value.equals(".") || value.equals("..")) {
            // a path segment . or .. is resolved away by HTTP clients: no SDK could name such a schedule again
            throw invalid(field, value, "Member must not be . or .., which a URL path cannot carry");
        }
        return value;
    }

    /** The {@code clientToken} of a delete, checked as AWS checks it. */
    private static void clientToken(RestRequest request)
    {
        request.query("clientToken").ifPresent(token -> {
            if (token.isEmpty() || token.length() > 64 || !CLIENT_TOKEN.matcher(token).matches()) {
                throw invalid("clientToken", token, "Member must satisfy regular expression pattern: " + CLIENT_TOKEN.pattern() + " and have length 1 to 64");
            }
        });
    }

    private static Optional<String> queryName(RestRequest request, String parameter)
    {
        return request.query(parameter).map(value -> name(value, Character.toLowerCase(parameter.charAt(0)) + parameter.substring(1)));
    }

    private static int maxResults(RestRequest request)
    {
        return request.query("MaxResults").map(value -> {
            int number;
            try {
                number = Integer.parseInt(value);
            }
            catch (NumberFormatException e) {
                throw invalid("maxResults", value, "Member must be a number");
            }
            if (number < 1 || number > 100) {
                throw invalid("maxResults", value, "Member must have value " + (number < 1 ? "greater than or equal to 1" : "less than or equal to 100"));
            }
            return number;
        }).orElse(100);
    }

    private static <E extends Enum<E>> Optional<E> enumValue(JsonInput input, String field, Class<E> type)
    {
        return input.string(field).map(value -> {
            try {
                return Enum.valueOf(type, value);
            }
            catch (IllegalArgumentException e) {
                throw input.invalid(field, value, "Member must satisfy enum value set: " + java.util.Arrays.toString(type.getEnumConstants()));
            }
        });
    }

    private static ServiceException invalid(String field, String value, String constraint)
    {
        return ServiceException.user("ValidationException", "1 validation error detected: Value '" + value + "' at '" + field + "' failed to satisfy constraint: "
                + constraint);
    }

    private static RestResult arnResult(String arn)
    {
        ObjectNode result = JSON.createObjectNode();
        result.put("ScheduleArn", arn);
        return RestResult.json(200, result);
    }

    private static double seconds(long millis)
    {
        return millis / 1000.0;
    }
}
