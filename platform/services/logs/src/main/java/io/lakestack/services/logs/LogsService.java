package io.lakestack.services.logs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.endpoint.json.JsonInput;
import io.lakestack.endpoint.json.JsonProtocolService;
import io.lakestack.spi.Arn;
import io.lakestack.spi.OffsetTokens;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.logs.LogStore;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Amazon CloudWatch Logs' JSON 1.1 API ({@code Logs_20140328.*}) on {@link LogStore}: log groups, streams and events,
 * retention, tags, GetLogEvents and FilterLogEvents with CloudWatch's filter patterns ({@link FilterPattern}).
 * Timestamps are epoch milliseconds, as in this API.
 *
 * <p>Local emulation: KMS keys and log group classes other than {@code STANDARD} are refused, as is
 * {@code StartLiveTail} (an HTTP/2 event stream; {@code aws logs tail --follow} polls FilterLogEvents instead); there
 * are no metric filters, subscription filters, exports, Logs Insights queries or data protection; sequence tokens are
 * accepted and ignored, as CloudWatch does now, and PutLogEvents answers without {@code nextSequenceToken}.
 */
public final class LogsService
        extends JsonProtocolService
{
    /** The retention periods CloudWatch Logs accepts, in days. */
    static final List<Integer> RETENTION_DAYS = List.of(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
            3288, 3653);
    static final int MAX_EVENTS_PER_READ = 10_000;
    static final int MAX_TAGS = 50;
    private static final Pattern GROUP_NAME = Pattern.compile("[.\\-_/#A-Za-z0-9]+");
    /** The resource of a log group's ARN: {@code log-group:<name>}, with {@code :*} in the form DescribeLogGroups' {@code arn} has. */
    private static final Pattern GROUP_RESOURCE = Pattern.compile("log-group:([.\\-_/#A-Za-z0-9]+)(:\\*)?");
    private static final Pattern STREAM_NAME = Pattern.compile("[^:*]*");
    private static final Pattern TAG_KEY = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");
    private static final Pattern TAG_VALUE = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
    private static final Pattern ANY = Pattern.compile("(?s).*");
    private static final String INVALID = "InvalidParameterException";
    /** A PutLogEvents batch is at most 1 MiB of messages; escaped in JSON it may take several times that. */
    private static final long MAX_REQUEST_BYTES = 8L * 1024 * 1024;

    private final LogStore store;
    private final Clock clock;
    private final String defaultRegion;
    private final String accountId;

    /**
     * A log group's ARN names the region of the request that created it, kept with the group; group names are one
     * namespace across regions.
     *
     * @param region the stack's configured region: that of groups stored before groups kept their region
     */
    public LogsService(LogStore store, String region, String accountId, Clock clock)
    {
        super("logs", "Logs_20140328", INVALID);
        this.store = requireNonNull(store, "store is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.defaultRegion = requireNonNull(region, "region is null");
        this.accountId = requireNonNull(accountId, "accountId is null");
        groupOperations();
        streamOperations();
        eventOperations();
        tagOperations();
        operation("StartLiveTail", (input, caller) -> {
            throw ServiceException.user("InvalidOperationException", "StartLiveTail is not supported by lakestack: it answers with an HTTP/2 event "
                    + "stream. Poll FilterLogEvents instead, as 'aws logs tail --follow' does.");
        });
    }

    @Override
    public OptionalLong maxRequestBytes()
    {
        return OptionalLong.of(MAX_REQUEST_BYTES);
    }

    // groups

    private void groupOperations()
    {
        operation("CreateLogGroup", (input, caller) -> {
            String name = input.requiredString("logGroupName", GROUP_NAME, 512);
            if (input.has("kmsKeyId")) {
                throw ServiceException.user(INVALID, "lakestack does not encrypt log groups with KMS keys: create log group " + name + " without kmsKeyId");
            }
            String logGroupClass = input.string("logGroupClass").orElse("STANDARD");
            if (!logGroupClass.equals("STANDARD")) {
                throw ServiceException.user(INVALID, "lakestack keeps log groups of the class STANDARD only, not " + logGroupClass);
            }
            Map<String, String> tags = tags(input, "tags");
            store.createGroup(name, caller.region(), Optional.empty(), tags);
            return output();
        });
        operation("DeleteLogGroup", (input, caller) -> {
            store.deleteGroup(input.requiredString("logGroupName", GROUP_NAME, 512));
            return output();
        });
        operation("DescribeLogGroups", (input, caller) -> {
            Optional<String> prefix = input.string("logGroupNamePrefix", GROUP_NAME, 512);
            Optional<String> pattern = input.string("logGroupNamePattern", GROUP_NAME, 512);
            if (prefix.isPresent() && pattern.isPresent()) {
                throw ServiceException.user(INVALID, "LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive parameters.");
            }
            List<String> identifiers = input.strings("logGroupIdentifiers");
            if (!identifiers.isEmpty() && (prefix.isPresent() || pattern.isPresent())) {
                throw ServiceException.user(INVALID, "logGroupIdentifiers cannot be given with logGroupNamePrefix or logGroupNamePattern");
            }
            Set<String> names = new HashSet<>();
            identifiers.forEach(identifier -> groupName(identifier).ifPresent(names::add));
            if (!identifiers.isEmpty() && names.isEmpty()) {
                ObjectNode none = output();
                none.putArray("logGroups");
                return none;
            }
            int limit = input.integer("limit", 1, 50).orElse(50);
            List<LogStore.LogGroup> groups = store.groups(prefix).stream()
                    .filter(group -> pattern.isEmpty() || group.name().toLowerCase(Locale.ROOT).contains(pattern.get().toLowerCase(Locale.ROOT)))
                    .filter(group -> names.isEmpty() || names.contains(group.name()))
                    .toList();
            OffsetTokens.Slice<LogStore.LogGroup> page = OffsetTokens.slice(groups, input.string("nextToken"), limit, INVALID);
            ObjectNode result = output();
            ArrayNode list = result.putArray("logGroups");
            for (LogStore.LogGroup group : page.items()) {
                ObjectNode node = list.addObject();
                node.put("logGroupName", group.name());
                node.put("creationTime", group.creationMillis());
                group.retentionDays().ifPresent(days -> node.put("retentionInDays", days));
                node.put("metricFilterCount", 0);
                node.put("arn", arn(group) + ":*");
                node.put("storedBytes", group.storedBytes());
                node.put("logGroupClass", "STANDARD");
                node.put("logGroupArn", arn(group));
            }
            page.nextToken().ifPresent(token -> result.put("nextToken", token));
            return result;
        });
        operation("PutRetentionPolicy", (input, caller) -> {
            String name = input.requiredString("logGroupName", GROUP_NAME, 512);
            int days = input.integer("retentionInDays", Integer.MIN_VALUE, Integer.MAX_VALUE).orElseThrow(() -> input.missing("retentionInDays"));
            if (!RETENTION_DAYS.contains(days)) {
                throw input.invalid("retentionInDays", String.valueOf(days), "Member must satisfy enum value set: " + RETENTION_DAYS);
            }
            store.setRetention(name, Optional.of(days));
            return output();
        });
        operation("DeleteRetentionPolicy", (input, caller) -> {
            store.setRetention(input.requiredString("logGroupName", GROUP_NAME, 512), Optional.empty());
            return output();
        });
    }

    // streams

    private void streamOperations()
    {
        operation("CreateLogStream", (input, caller) -> {
            store.createStream(input.requiredString("logGroupName", GROUP_NAME, 512), input.requiredString("logStreamName", STREAM_NAME, 512));
            return output();
        });
        operation("DeleteLogStream", (input, caller) -> {
            store.deleteStream(input.requiredString("logGroupName", GROUP_NAME, 512), input.requiredString("logStreamName", STREAM_NAME, 512));
            return output();
        });
        operation("DescribeLogStreams", (input, caller) -> {
            String group = groupOf(input);
            String groupArn = arn(store.group(group).orElseThrow(LogStore::groupNotFound));
            Optional<String> prefix = input.string("logStreamNamePrefix", STREAM_NAME, 512);
            String orderBy = input.string("orderBy").orElse("LogStreamName");
            if (!orderBy.equals("LogStreamName") && !orderBy.equals("LastEventTime")) {
                throw input.invalid("orderBy", orderBy, "Member must satisfy enum value set: [LogStreamName, LastEventTime]");
            }
            if (orderBy.equals("LastEventTime") && prefix.isPresent()) {
                throw ServiceException.user(INVALID, "Cannot order by LastEventTime with a logStreamNamePrefix.");
            }
            boolean descending = input.bool("descending").orElse(false);
            int limit = input.integer("limit", 1, 50).orElse(50);
            List<LogStore.LogStream> streams = new ArrayList<>(store.streams(group, prefix));
            Comparator<LogStore.LogStream> order = orderBy.equals("LastEventTime")
                    ? Comparator.<LogStore.LogStream>comparingLong(stream -> stream.lastEventMillis().orElse(Long.MIN_VALUE))
                            .thenComparing(LogStore.LogStream::name)
                    : Comparator.comparing(LogStore.LogStream::name);
            streams.sort(descending ? order.reversed() : order);
            OffsetTokens.Slice<LogStore.LogStream> page = OffsetTokens.slice(streams, input.string("nextToken"), limit, INVALID);
            ObjectNode result = output();
            ArrayNode list = result.putArray("logStreams");
            for (LogStore.LogStream stream : page.items()) {
                ObjectNode node = list.addObject();
                node.put("logStreamName", stream.name());
                node.put("creationTime", stream.creationMillis());
                stream.firstEventMillis().ifPresent(millis -> node.put("firstEventTimestamp", millis));
                stream.lastEventMillis().ifPresent(millis -> node.put("lastEventTimestamp", millis));
                if (stream.lastIngestionMillis() > 0) {
                    node.put("lastIngestionTime", stream.lastIngestionMillis());
                }
                node.put("arn", groupArn + ":log-stream:" + stream.name());
                // deprecated for streams in 2019: CloudWatch reports 0
                node.put("storedBytes", 0);
            }
            page.nextToken().ifPresent(token -> result.put("nextToken", token));
            return result;
        });
    }

    // events

    private void eventOperations()
    {
        operation("PutLogEvents", (input, caller) -> {
            String group = input.requiredString("logGroupName", GROUP_NAME, 512);
            String stream = input.requiredString("logStreamName", STREAM_NAME, 512);
            List<LogStore.Event> events = new ArrayList<>();
            for (JsonInput event : input.objects("logEvents")) {
                long timestamp = event.longValue("timestamp").orElseThrow(() -> event.missing("timestamp"));
                if (timestamp < 0) {
                    throw event.invalid("timestamp", String.valueOf(timestamp), "Member must have value greater than or equal to 0");
                }
                String message = event.requiredString("message", ANY, Integer.MAX_VALUE);
                events.add(new LogStore.Event(timestamp, message));
            }
            LogStore.LogGroup found = store.group(group).orElseThrow(LogStore::groupNotFound);
            if (store.stream(group, stream).isEmpty()) {
                throw LogStore.streamNotFound();
            }
            PutLogEventsBatch batch = PutLogEventsBatch.check(events, clock.millis(), found.retentionDays());
            if (!batch.accepted().isEmpty()) {
                store.put(group, stream, batch.accepted());
            }
            ObjectNode result = output();
            if (batch.rejectedAny()) {
                ObjectNode rejected = result.putObject("rejectedLogEventsInfo");
                batch.tooNewStartIndex().ifPresent(index -> rejected.put("tooNewLogEventStartIndex", index));
                batch.tooOldEndIndex().ifPresent(index -> rejected.put("tooOldLogEventEndIndex", index));
                batch.expiredEndIndex().ifPresent(index -> rejected.put("expiredLogEventEndIndex", index));
            }
            return result;
        });
        operation("GetLogEvents", (input, caller) -> {
            String group = groupOf(input);
            String stream = input.requiredString("logStreamName", STREAM_NAME, 512);
            int limit = input.integer("limit", 1, MAX_EVENTS_PER_READ).orElse(MAX_EVENTS_PER_READ);
            LogStore.StreamPage page = store.events(group, stream, time(input, "startTime"), time(input, "endTime"), input.string("nextToken", ANY, 1024),
                    input.bool("startFromHead").orElse(false), limit);
            ObjectNode result = output();
            ArrayNode list = result.putArray("events");
            for (LogStore.StoredEvent event : page.events()) {
                list.addObject().put("timestamp", event.timestampMillis()).put("message", event.message()).put("ingestionTime", event.ingestionMillis());
            }
            result.put("nextForwardToken", page.nextForwardToken());
            result.put("nextBackwardToken", page.nextBackwardToken());
            return result;
        });
        operation("FilterLogEvents", (input, caller) -> {
            String group = groupOf(input);
            List<String> names = input.strings("logStreamNames");
            Optional<String> prefix = input.string("logStreamNamePrefix", STREAM_NAME, 512);
            if (input.hasList("logStreamNames") && (names.isEmpty() || names.size() > 100)) {
                throw input.invalid("logStreamNames", String.valueOf(names), "Member must have length less than or equal to 100 and greater than or "
                        + "equal to 1");
            }
            if (!names.isEmpty() && prefix.isPresent()) {
                throw ServiceException.user(INVALID, "logStreamNames and logStreamNamePrefix are mutually exclusive parameters.");
            }
            Set<String> named = Set.copyOf(names);
            Predicate<String> streams = !named.isEmpty() ? named::contains : prefix.isPresent() ? name -> name.startsWith(prefix.get()) : name -> true;
            FilterPattern pattern = FilterPattern.parse(input.string("filterPattern", ANY, 1024).orElse(""));
            int limit = input.integer("limit", 1, MAX_EVENTS_PER_READ).orElse(MAX_EVENTS_PER_READ);
            // FilterLogEvents' endTime is inclusive, the store's end exclusive
            Optional<Long> end = time(input, "endTime").map(millis -> millis == Long.MAX_VALUE ? millis : millis + 1);
            if (store.group(group).isEmpty()) {
                throw LogStore.groupNotFound();
            }
            LogStore.Page page = store.filter(group, streams, time(input, "startTime"), end, event -> pattern.test(event.message()),
                    input.string("nextToken", ANY, 1024), limit);
            ObjectNode result = output();
            ArrayNode list = result.putArray("events");
            for (LogStore.StoredEvent event : page.events()) {
                list.addObject()
                        .put("logStreamName", event.stream())
                        .put("timestamp", event.timestampMillis())
                        .put("message", event.message())
                        .put("ingestionTime", event.ingestionMillis())
                        .put("eventId", event.eventId());
            }
            page.nextToken().ifPresent(token -> result.put("nextToken", token));
            return result;
        });
    }

    private static Optional<Long> time(JsonInput input, String field)
    {
        Optional<Long> millis = input.longValue(field);
        if (millis.isPresent() && millis.get() < 0) {
            throw input.invalid(field, String.valueOf(millis.get()), "Member must have value greater than or equal to 0");
        }
        return millis;
    }

    // tags

    private void tagOperations()
    {
        operation("TagLogGroup", (input, caller) -> {
            String group = input.requiredString("logGroupName", GROUP_NAME, 512);
            addTags(group, tags(input, "tags"));
            return output();
        });
        operation("UntagLogGroup", (input, caller) -> {
            String group = input.requiredString("logGroupName", GROUP_NAME, 512);
            removeTags(group, tagKeys(input, "tags", 1, Integer.MAX_VALUE));
            return output();
        });
        operation("ListTagsLogGroup", (input, caller) -> {
            String group = input.requiredString("logGroupName", GROUP_NAME, 512);
            return tagsOutput(group);
        });
        operation("TagResource", (input, caller) -> {
            addTags(resource(input), tags(input, "tags"));
            return output();
        });
        operation("UntagResource", (input, caller) -> {
            removeTags(resource(input), tagKeys(input, "tagKeys", 0, MAX_TAGS));
            return output();
        });
        operation("ListTagsForResource", (input, caller) -> tagsOutput(resource(input)));
    }

    private void addTags(String group, Map<String, String> added)
    {
        if (added.isEmpty()) {
            throw ServiceException.user(INVALID, "1 validation error detected: Value '{}' at 'tags' failed to satisfy constraint: Member must have "
                    + "length greater than or equal to 1");
        }
        Map<String, String> tags = new TreeMap<>(store.group(group).orElseThrow(LogStore::groupNotFound).tags());
        tags.putAll(added);
        if (tags.size() > MAX_TAGS) {
            throw ServiceException.user("TooManyTagsException", "A resource can have no more than " + MAX_TAGS + " tags: log group " + group + " would have "
                    + tags.size());
        }
        store.setTags(group, tags);
    }

    private void removeTags(String group, List<String> keys)
    {
        Map<String, String> tags = new TreeMap<>(store.group(group).orElseThrow(LogStore::groupNotFound).tags());
        keys.forEach(tags::remove);
        store.setTags(group, tags);
    }

    /**
     * The keys of the tags to remove, which CloudWatch Logs requires: UntagLogGroup takes at least one, UntagResource
     * an empty list too, and at most {@value #MAX_TAGS}.
     */
    private static List<String> tagKeys(JsonInput input, String field, int minimum, int maximum)
    {
        List<String> keys = input.strings(field);
        if (!input.has(field)) {
            throw input.missing(field);
        }
        if (keys.size() < minimum || keys.size() > maximum) {
            throw input.invalid(field, String.valueOf(keys), keys.size() < minimum ? "Member must have length greater than or equal to " + minimum
                    : "Member must have length less than or equal to " + maximum);
        }
        return keys;
    }

    private ObjectNode tagsOutput(String group)
    {
        ObjectNode result = output();
        ObjectNode tags = result.putObject("tags");
        new TreeMap<>(store.group(group).orElseThrow(LogStore::groupNotFound).tags()).forEach(tags::put);
        return result;
    }

    private static Map<String, String> tags(JsonInput input, String field)
    {
        Map<String, String> tags = input.stringMap(field);
        if (tags.size() > MAX_TAGS) {
            throw input.invalid(field, "(" + tags.size() + " tags)", "Map must have length less than or equal to " + MAX_TAGS);
        }
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            if (tag.getKey().isEmpty() || tag.getKey().length() > 128 || !TAG_KEY.matcher(tag.getKey()).matches()) {
                throw input.invalid(field, tag.getKey(), "Map keys must satisfy constraint: [Member must have length less than or equal to 128, "
                        + "Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: " + TAG_KEY.pattern() + "]");
            }
            if (tag.getKey().toLowerCase(Locale.ROOT).startsWith("aws:")) {
                throw ServiceException.user(INVALID, "Tag keys starting with 'aws:' are reserved for AWS: " + tag.getKey());
            }
            if (tag.getValue().length() > 256 || !TAG_VALUE.matcher(tag.getValue()).matches()) {
                throw input.invalid(field + "." + tag.getKey(), tag.getValue(), "Member must have length less than or equal to 256, Member must satisfy "
                        + "regular expression pattern: " + TAG_VALUE.pattern());
            }
        }
        return tags;
    }

    // names and ARNs

    private String arn(LogStore.LogGroup group)
    {
        return Arn.of("logs", group.region().orElse(defaultRegion), accountId, "log-group:" + group.name()).toString();
    }

    /** The group an operation names with {@code logGroupName} or {@code logGroupIdentifier} (a name or an ARN). */
    private String groupOf(JsonInput input)
    {
        Optional<String> name = input.string("logGroupName", GROUP_NAME, 512);
        Optional<String> identifier = input.string("logGroupIdentifier", ANY, 2048);
        if (name.isPresent() && identifier.isPresent()) {
            throw ServiceException.user(INVALID, "LogGroupName and LogGroupIdentifier are mutually exclusive parameters.");
        }
        if (name.isEmpty() && identifier.isEmpty()) {
            throw ServiceException.user(INVALID, "Either logGroupName or logGroupIdentifier must be given.");
        }
        return name.orElseGet(() -> groupName(identifier.get()).orElseThrow(() -> noGroup(identifier.get())));
    }

    /**
     * The group an identifier names: a name, or the ARN of a group of this account. A name reaches its group from any
     * region; an ARN only in the group's own region, so empty for the ARN of another region's group. A name of no
     * group is answered as given, for the store to answer that it does not exist.
     */
    private Optional<String> groupName(String identifier)
    {
        if (!identifier.startsWith("arn:")) {
            if (!GROUP_NAME.matcher(identifier).matches() || identifier.length() > 512) {
                throw ServiceException.user(INVALID, "'" + identifier + "' is neither a log group name nor a log group ARN");
            }
            return Optional.of(identifier);
        }
        Optional<Arn> arn = Arn.parse(identifier, "logs").filter(parsed -> parsed.accountId().equals(accountId));
        Optional<Matcher> resource = arn.map(parsed -> GROUP_RESOURCE.matcher(parsed.resource())).filter(Matcher::matches);
        if (resource.isEmpty()) {
            throw ServiceException.user(INVALID, "'" + identifier + "' is not a log group ARN of account " + accountId + " (arn:aws:logs:<region>:"
                    + accountId + ":log-group:<name>)");
        }
        String name = resource.get().group(1);
        return Optional.of(name).filter(ignored -> store.group(name).map(group -> group.region().orElse(defaultRegion).equals(arn.get().region())).orElse(true));
    }

    private static ServiceException noGroup(String arn)
    {
        return ServiceException.user("ResourceNotFoundException", "The specified log group does not exist: " + arn);
    }

    private String resource(JsonInput input)
    {
        String arn = input.requiredString("resourceArn", ANY, 1011);
        if (Arn.parse(arn, "logs").filter(parsed -> GROUP_RESOURCE.matcher(parsed.resource()).matches()).isEmpty()) {
            throw ServiceException.user(INVALID, "lakestack tags log groups only; '" + arn + "' is not a log group ARN (arn:aws:logs:<region>:"
                    + accountId + ":log-group:<name>)");
        }
        return groupName(arn).orElseThrow(() -> noGroup(arn));
    }
}
