package io.lakestack.it.contract;

import io.lakestack.spi.ServiceException;
import io.lakestack.spi.logs.LogStore;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.CloudWatchLogsException;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.PutLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.RejectedLogEventsInfo;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static io.lakestack.it.contract.AwsErrors.call;
import static java.util.Objects.requireNonNull;

/**
 * {@link LogStore} on CloudWatch Logs, for the contract suite: groups, streams, retention and tags are the calls of
 * the same names; {@link #put} is PutLogEvents, {@link #events} GetLogEvents and {@link #filter} FilterLogEvents, with
 * CloudWatch's own errors (its words are those the contract states).
 *
 * <p>What the adapter adds so that the store's promises hold:
 * <ul>
 * <li>{@link #put} takes events in any order and any number: it sorts them by timestamp (events of one timestamp in
 *     the order given) and sends them in batches PutLogEvents accepts (at most 10,000 events, 1,048,576 bytes counting
 *     26 bytes for each event, and less than 24 hours apart). CloudWatch makes events readable a moment after it takes
 *     them: put returns once GetLogEvents and FilterLogEvents both answer them, as the store's put returns with them
 *     readable. A later put is therefore ingested later, and CloudWatch orders events of one timestamp by ingestion
 *     ("sorted by event timestamp, the timestamp when the event was ingested by CloudWatch Logs, and the ID of the
 *     PutLogEvents request").</li>
 * <li>A page of either read fills up to its limit and {@link LogStore#MAX_PAGE_BYTES} of messages, reading on where
 *     CloudWatch answers a partial page ("a returned page might only be partially full, or even empty"); where the next
 *     answer would overflow the page, it is asked again for as many events as fit (a token marks a place, so the shorter
 *     answer is the start of the longer one).</li>
 * <li>Tokens are CloudWatch's, wrapped with the group (and, for a stream's, the stream) they were issued for: a token of
 *     another group is refused with {@code InvalidParameterException}. A stream token's {@code f/} or {@code b/} says
 *     the direction, and GetLogEvents is asked with {@code startFromHead} to match, as AWS asks of a caller reusing a
 *     forward token.</li>
 * <li>GetLogEvents answers events without their ids: the adapter finds each event's id in FilterLogEvents' answer for
 *     the stream and the page's time range (the same timestamp, ingestion time and message; identical events of one
 *     put may trade ids between reads).</li>
 * <li>FilterLogEvents' {@code endTime} is inclusive: the adapter asks for the store's exclusive end less one. The stream
 *     and event predicates are applied to what CloudWatch answers (the streams chosen are named in the request, up to
 *     100 of them).</li>
 * </ul>
 *
 * <p>What stays CloudWatch's own: events past a new retention are read for up to 72 hours; a stream's
 * {@code storedBytes} is 0 and its last event time is updated within an hour; a group's {@code storedBytes} is its
 * compressed storage; an event is at most 1 MB; CloudWatch's tokens expire after 24 hours; ingestion times are on
 * CloudWatch's clock.
 */
final class AwsLogStore
        implements LogStore, AutoCloseable
{
    /** PutLogEvents: the most bytes of a batch, counting {@value #EVENT_OVERHEAD} bytes for each event. */
    private static final int BATCH_BYTES = 1_048_576;
    private static final int EVENT_OVERHEAD = 26;
    /** PutLogEvents: the most events of a batch. */
    private static final int BATCH_EVENTS = 10_000;
    /** PutLogEvents: a batch spans less than a day. */
    private static final long BATCH_SPAN_MILLIS = 24 * 3_600_000L;
    /** GetLogEvents, FilterLogEvents: the most events an answer holds. */
    private static final int READ_LIMIT = 10_000;
    /** FilterLogEvents: the most streams a request names. */
    private static final int NAMED_STREAMS = 100;
    private static final Duration READABLE = Duration.ofMinutes(2);
    private static final Duration LISTED = Duration.ofMinutes(1);
    private static final long POLL_MILLIS = 1_000;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final CloudWatchLogsClient logs;
    private final String region;

    /** An event by what the two reads both answer of it. */
    private record EventKey(long timestamp, long ingestion, String message) {}

    /** A stream token: the group and stream it was issued for, its direction, and CloudWatch's token. */
    private record StreamToken(boolean forward, String group, String stream, String token) {}

    /**
     * @param region the region of the client, where groups are created and which they report
     */
    AwsLogStore(CloudWatchLogsClient logs, String region)
    {
        this.logs = requireNonNull(logs, "logs is null");
        this.region = requireNonNull(region, "region is null");
    }

    // groups

    @Override
    public void createGroup(String group, String region, Optional<Integer> retentionDays, Map<String, String> tags)
    {
        if (!region.equals(this.region)) {
            throw new UnsupportedOperationException("the test adapter creates log groups in " + this.region + " only");
        }
        call(() -> logs.createLogGroup(request -> {
            request.logGroupName(group);
            if (!tags.isEmpty()) {
                request.tags(tags);
            }
        }));
        retentionDays.ifPresent(days -> call(() -> logs.putRetentionPolicy(request -> request.logGroupName(group).retentionInDays(days))));
        // the store's createGroup returns with the group listed
        await(() -> describe(group).isPresent(), LISTED, "CloudWatch Logs did not list the new log group " + group);
    }

    @Override
    public Optional<LogGroup> group(String group)
    {
        return describe(group).map(this::group);
    }

    @Override
    public List<LogGroup> groups(Optional<String> prefix)
    {
        List<software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup> described = call(() -> logs.describeLogGroupsPaginator(request ->
                prefix.filter(given -> !given.isEmpty()).ifPresent(request::logGroupNamePrefix)).logGroups().stream().toList());
        return described.stream().map(this::group).sorted(Comparator.comparing(LogGroup::name)).toList();
    }

    @Override
    public void setRetention(String group, Optional<Integer> retentionDays)
    {
        if (retentionDays.isPresent()) {
            call(() -> logs.putRetentionPolicy(request -> request.logGroupName(group).retentionInDays(retentionDays.get())));
        }
        else {
            call(() -> logs.deleteRetentionPolicy(request -> request.logGroupName(group)));
        }
    }

    @Override
    public void setTags(String group, Map<String, String> tags)
    {
        String arn = arn(describe(group).orElseThrow(LogStore::groupNotFound));
        Map<String, String> current = call(() -> logs.listTagsForResource(request -> request.resourceArn(arn))).tags();
        List<String> removed = current.keySet().stream().filter(key -> !tags.containsKey(key)).toList();
        if (!removed.isEmpty()) {
            call(() -> logs.untagResource(request -> request.resourceArn(arn).tagKeys(removed)));
        }
        if (!tags.isEmpty()) {
            call(() -> logs.tagResource(request -> request.resourceArn(arn).tags(tags)));
        }
    }

    @Override
    public void deleteGroup(String group)
    {
        call(() -> logs.deleteLogGroup(request -> request.logGroupName(group)));
        await(() -> describe(group).isEmpty(), LISTED, "CloudWatch Logs still lists the deleted log group " + group);
    }

    private Optional<software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup> describe(String group)
    {
        return call(() -> logs.describeLogGroupsPaginator(request -> request.logGroupNamePrefix(group)).logGroups().stream()
                .filter(described -> described.logGroupName().equals(group))
                .findFirst());
    }

    private LogGroup group(software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup described)
    {
        Map<String, String> tags = call(() -> logs.listTagsForResource(request -> request.resourceArn(arn(described)))).tags();
        return new LogGroup(described.logGroupName(), Optional.of(region), orZero(described.creationTime()), Optional.ofNullable(described.retentionInDays()),
                orZero(described.storedBytes()), tags);
    }

    /** The group's ARN without the {@code :*} that {@code arn} ends with, as the tagging calls take it. */
    private static String arn(software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup described)
    {
        if (described.logGroupArn() != null) {
            return described.logGroupArn();
        }
        String arn = described.arn();
        return arn.endsWith(":*") ? arn.substring(0, arn.length() - 2) : arn;
    }

    // streams

    @Override
    public void createStream(String group, String stream)
    {
        call(() -> logs.createLogStream(request -> request.logGroupName(group).logStreamName(stream)));
    }

    @Override
    public Optional<LogStream> stream(String group, String stream)
    {
        return call(() -> logs.describeLogStreamsPaginator(request -> request.logGroupName(group).logStreamNamePrefix(stream)).logStreams().stream()
                .filter(described -> described.logStreamName().equals(stream))
                .findFirst())
                .map(AwsLogStore::stream);
    }

    @Override
    public List<LogStream> streams(String group, Optional<String> prefix)
    {
        return call(() -> logs.describeLogStreamsPaginator(request -> {
            request.logGroupName(group);
            prefix.filter(given -> !given.isEmpty()).ifPresent(request::logStreamNamePrefix);
        }).logStreams().stream().map(AwsLogStore::stream).sorted(Comparator.comparing(LogStream::name)).toList());
    }

    private static LogStream stream(software.amazon.awssdk.services.cloudwatchlogs.model.LogStream described)
    {
        return new LogStream(described.logStreamName(), orZero(described.creationTime()), Optional.ofNullable(described.firstEventTimestamp()),
                Optional.ofNullable(described.lastEventTimestamp()), orZero(described.lastIngestionTime()), orZero(described.storedBytes()));
    }

    @Override
    public void deleteStream(String group, String stream)
    {
        call(() -> logs.deleteLogStream(request -> request.logGroupName(group).logStreamName(stream)));
    }

    // events

    @Override
    public void put(String group, String stream, List<Event> events)
    {
        if (events.isEmpty()) {
            createStreamIfMissing(group, stream);
            return;
        }
        // PutLogEvents takes a batch in timestamp order; a stable sort keeps events of one timestamp in the order given
        List<Event> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparingLong(Event::timestampMillis));
        for (List<Event> batch : batches(sorted)) {
            List<InputLogEvent> input = batch.stream().map(event -> InputLogEvent.builder().timestamp(event.timestampMillis()).message(event.message()).build())
                    .toList();
            RejectedLogEventsInfo rejected = putCreatingStream(group, stream, input).rejectedLogEventsInfo();
            if (rejected != null && (rejected.tooNewLogEventStartIndex() != null || rejected.tooOldLogEventEndIndex() != null
                    || rejected.expiredLogEventEndIndex() != null)) {
                throw ServiceException.external("ServiceUnavailableException", "CloudWatch Logs did not take every event put into log stream " + stream
                        + " of log group " + group + ": " + rejected, null);
            }
        }
        awaitReadable(group, stream, sorted);
    }

    /** Batches PutLogEvents accepts, in order. */
    private static List<List<Event>> batches(List<Event> sorted)
    {
        List<List<Event>> batches = new ArrayList<>();
        List<Event> batch = new ArrayList<>();
        long bytes = 0;
        for (Event event : sorted) {
            long size = utf8(event.message()) + EVENT_OVERHEAD;
            if (!batch.isEmpty() && (batch.size() == BATCH_EVENTS || bytes + size > BATCH_BYTES
                    || event.timestampMillis() - batch.get(0).timestampMillis() >= BATCH_SPAN_MILLIS)) {
                batches.add(batch);
                batch = new ArrayList<>();
                bytes = 0;
            }
            batch.add(event);
            bytes += size;
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
        return batches;
    }

    /** PutLogEvents; when the stream is not there, makes it (which fails for a group that is not there) and puts again. */
    private PutLogEventsResponse putCreatingStream(String group, String stream, List<InputLogEvent> input)
    {
        try {
            return logs.putLogEvents(request -> request.logGroupName(group).logStreamName(stream).logEvents(input));
        }
        catch (ResourceNotFoundException e) {
            createStreamIfMissing(group, stream);
            return call(() -> logs.putLogEvents(request -> request.logGroupName(group).logStreamName(stream).logEvents(input)));
        }
        catch (CloudWatchLogsException e) {
            throw AwsErrors.translate(e);
        }
    }

    private void createStreamIfMissing(String group, String stream)
    {
        try {
            logs.createLogStream(request -> request.logGroupName(group).logStreamName(stream));
        }
        catch (ResourceAlreadyExistsException e) {
            // made by an earlier put, or by someone else meanwhile
        }
        catch (CloudWatchLogsException e) {
            throw AwsErrors.translate(e);
        }
    }

    /**
     * Waits until GetLogEvents and FilterLogEvents both answer the events put (at least as many of each timestamp and
     * message as were put), as the store's put returns with its events readable.
     */
    private void awaitReadable(String group, String stream, List<Event> sorted)
    {
        long first = sorted.get(0).timestampMillis();
        long last = sorted.get(sorted.size() - 1).timestampMillis();
        Map<Event, Integer> put = new HashMap<>();
        sorted.forEach(event -> put.merge(event, 1, Integer::sum));
        await(() -> answersAll(put, readStream(group, stream, first, last + 1)) && answersAll(put, readFiltered(group, List.of(stream), first, last).stream()
                .map(event -> new Event(event.timestamp(), event.message())).toList()), READABLE,
                "CloudWatch Logs took the events put into log stream " + stream + " of log group " + group + " but did not answer them");
    }

    private static boolean answersAll(Map<Event, Integer> put, List<Event> read)
    {
        Map<Event, Integer> found = new HashMap<>();
        read.forEach(event -> found.merge(event, 1, Integer::sum));
        return put.entrySet().stream().allMatch(entry -> found.getOrDefault(entry.getKey(), 0) >= entry.getValue());
    }

    /** Every event of the stream with a timestamp in {@code [start, end)}, read forward until the token repeats. */
    private List<Event> readStream(String group, String stream, long start, long end)
    {
        List<Event> read = new ArrayList<>();
        String token = null;
        while (true) {
            String from = token;
            GetLogEventsResponse page = call(() -> logs.getLogEvents(request -> request.logGroupName(group).logStreamName(stream).startTime(start).endTime(end)
                    .startFromHead(true).nextToken(from)));
            page.events().forEach(event -> read.add(new Event(event.timestamp(), event.message())));
            if (page.nextForwardToken() == null || page.nextForwardToken().equals(from)) {
                return read;
            }
            token = page.nextForwardToken();
        }
    }

    /** Every event of the streams with a timestamp in {@code [start, last]}, as FilterLogEvents answers them. */
    private List<FilteredLogEvent> readFiltered(String group, List<String> streams, long start, long last)
    {
        List<FilteredLogEvent> read = new ArrayList<>();
        String token = null;
        do {
            String from = token;
            FilterLogEventsResponse page = call(() -> logs.filterLogEvents(request -> request.logGroupName(group).logStreamNames(streams).startTime(start)
                    .endTime(last).nextToken(from)));
            read.addAll(page.events());
            token = page.nextToken();
        }
        while (token != null);
        return read;
    }

    @Override
    public StreamPage events(String group, String stream, Optional<Long> start, Optional<Long> end, Optional<String> token, boolean fromHead, int limit)
    {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        Optional<StreamToken> from = token.map(given -> streamToken(group, stream, given));
        boolean forward = from.map(StreamToken::forward).orElse(fromHead);
        String at = from.map(StreamToken::token).orElse(null);
        List<OutputLogEvent> page = new ArrayList<>();
        long bytes = 0;
        String nextForward = null;
        String nextBackward = null;
        while (page.size() < limit) {
            String position = at;
            GetLogEventsResponse read = getLogEvents(group, stream, start, end, position, forward, Math.min(READ_LIMIT, limit - page.size()));
            int fit = fitting(read.events(), forward, bytes, page.isEmpty());
            boolean full = fit < read.events().size();
            if (fit == 0 && full) {
                // nothing more fits: the page's tokens are those of the reads before
                break;
            }
            if (full) {
                read = getLogEvents(group, stream, start, end, position, forward, fit);
            }
            List<OutputLogEvent> events = read.events();
            if (forward) {
                page.addAll(events);
            }
            else {
                page.addAll(0, events);
            }
            bytes += events.stream().mapToLong(event -> utf8(event.message())).sum();
            // the page's forward token is the newest read's, its backward token the oldest read's
            if (nextForward == null || forward) {
                nextForward = read.nextForwardToken();
            }
            if (nextBackward == null || !forward) {
                nextBackward = read.nextBackwardToken();
            }
            String next = forward ? read.nextForwardToken() : read.nextBackwardToken();
            if (full || next == null || next.equals(position)) {
                break;
            }
            at = next;
        }
        List<StoredEvent> stored = withIds(group, stream, page);
        return new StreamPage(stored, wrap(true, group, stream, nextForward), wrap(false, group, stream, nextBackward));
    }

    private GetLogEventsResponse getLogEvents(String group, String stream, Optional<Long> start, Optional<Long> end, String token, boolean forward, int limit)
    {
        return call(() -> logs.getLogEvents(request -> {
            request.logGroupName(group).logStreamName(stream).startFromHead(forward).limit(limit).nextToken(token);
            start.ifPresent(request::startTime);
            end.ifPresent(request::endTime);
        }));
    }

    /**
     * How many of the events answered fit on the page: counted from the page's side (the oldest reading forward, the
     * newest reading backward), the first event of a page always.
     */
    private static int fitting(List<OutputLogEvent> events, boolean forward, long pageBytes, boolean pageEmpty)
    {
        int fit = 0;
        long bytes = pageBytes;
        for (int i = 0; i < events.size(); i++) {
            long size = utf8(events.get(forward ? i : events.size() - 1 - i).message());
            if (bytes + size > MAX_PAGE_BYTES && !(pageEmpty && fit == 0)) {
                break;
            }
            bytes += size;
            fit++;
        }
        return fit;
    }

    /** The events with their ids, which GetLogEvents does not answer and FilterLogEvents does. */
    private List<StoredEvent> withIds(String group, String stream, List<OutputLogEvent> events)
    {
        if (events.isEmpty()) {
            return List.of();
        }
        long first = events.stream().mapToLong(OutputLogEvent::timestamp).min().orElseThrow();
        long last = events.stream().mapToLong(OutputLogEvent::timestamp).max().orElseThrow();
        List<StoredEvent> stored = new ArrayList<>(events.size());
        await(() -> {
            Map<EventKey, Deque<String>> ids = new HashMap<>();
            for (FilteredLogEvent event : readFiltered(group, List.of(stream), first, last)) {
                ids.computeIfAbsent(new EventKey(event.timestamp(), event.ingestionTime(), event.message()), key -> new ArrayDeque<>()).add(event.eventId());
            }
            stored.clear();
            for (OutputLogEvent event : events) {
                Deque<String> candidates = ids.get(new EventKey(event.timestamp(), event.ingestionTime(), event.message()));
                if (candidates == null || candidates.isEmpty()) {
                    return false;
                }
                stored.add(new StoredEvent(stream, event.timestamp(), event.ingestionTime(), event.message(), candidates.poll()));
            }
            return true;
        }, READABLE, "FilterLogEvents did not answer the events GetLogEvents did of log stream " + stream + " of log group " + group);
        return stored;
    }

    @Override
    public Page filter(String group, Predicate<String> streams, Optional<Long> start, Optional<Long> end, Predicate<StoredEvent> filter, Optional<String> token,
            int limit)
    {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        String at = token.map(given -> filterToken(group, given)).orElse(null);
        // the streams of the group, which also says when the group is not there
        List<String> names = streams(group, Optional.empty()).stream().map(LogStream::name).toList();
        List<String> chosen = names.stream().filter(streams).toList();
        if (chosen.isEmpty() || start.isPresent() && end.isPresent() && end.get() <= start.get()) {
            return new Page(List.of(), Optional.empty());
        }
        Set<String> accepted = Set.copyOf(chosen);
        Optional<List<String>> named = chosen.size() == names.size() || chosen.size() > NAMED_STREAMS ? Optional.empty() : Optional.of(chosen);
        Predicate<FilteredLogEvent> kept = event -> accepted.contains(event.logStreamName()) && filter.test(stored(event));
        List<StoredEvent> page = new ArrayList<>();
        long bytes = 0;
        while (page.size() < limit) {
            String position = at;
            FilterLogEventsResponse read = filterLogEvents(group, named, start, end, position, Math.min(READ_LIMIT, limit - page.size()));
            int consumed = consumed(read.events(), kept, bytes, page.isEmpty());
            boolean full = consumed < read.events().size();
            if (consumed == 0 && full) {
                // nothing more fits: the next page starts where this answer did
                break;
            }
            if (full) {
                read = filterLogEvents(group, named, start, end, position, consumed);
            }
            for (FilteredLogEvent event : read.events()) {
                if (kept.test(event)) {
                    page.add(stored(event));
                    bytes += utf8(event.message());
                }
            }
            at = read.nextToken();
            if (full || at == null) {
                break;
            }
        }
        return new Page(page, Optional.ofNullable(at).map(next -> wrap(group, next)));
    }

    private FilterLogEventsResponse filterLogEvents(String group, Optional<List<String>> streams, Optional<Long> start, Optional<Long> end, String token,
            int limit)
    {
        return call(() -> logs.filterLogEvents(request -> {
            request.logGroupName(group).limit(limit).nextToken(token);
            streams.ifPresent(request::logStreamNames);
            start.ifPresent(request::startTime);
            // FilterLogEvents' endTime is inclusive, the store's end exclusive
            end.ifPresent(exclusive -> request.endTime(exclusive - 1));
        }));
    }

    /**
     * How many of the events answered the page takes, kept or not: up to the first kept event that no longer fits (the
     * first kept event of a page always does).
     */
    private static int consumed(List<FilteredLogEvent> events, Predicate<FilteredLogEvent> kept, long pageBytes, boolean pageEmpty)
    {
        long bytes = pageBytes;
        boolean empty = pageEmpty;
        for (int i = 0; i < events.size(); i++) {
            FilteredLogEvent event = events.get(i);
            if (!kept.test(event)) {
                continue;
            }
            long size = utf8(event.message());
            if (bytes + size > MAX_PAGE_BYTES && !empty) {
                return i;
            }
            bytes += size;
            empty = false;
        }
        return events.size();
    }

    private static StoredEvent stored(FilteredLogEvent event)
    {
        return new StoredEvent(event.logStreamName(), event.timestamp(), orZero(event.ingestionTime()), event.message(), event.eventId());
    }

    // tokens

    /** A stream token: {@code f/} or {@code b/}, then the group, the stream and CloudWatch's token, each in Base64. */
    private static String wrap(boolean forward, String group, String stream, String token)
    {
        return (forward ? "f/" : "b/") + encode(group) + "." + encode(stream) + "." + encode(token == null ? "" : token);
    }

    /** A filter token: the group and CloudWatch's token, each in Base64 (no {@code f/} or {@code b/}, unlike a stream's). */
    private static String wrap(String group, String token)
    {
        return encode(group) + "." + encode(token);
    }

    private static StreamToken streamToken(String group, String stream, String token)
    {
        if (token.startsWith("f/") || token.startsWith("b/")) {
            String[] parts = token.substring(2).split("\\.", -1);
            if (parts.length == 3 && group.equals(decode(parts[0])) && stream.equals(decode(parts[1]))) {
                String wrapped = decode(parts[2]);
                if (wrapped != null) {
                    return new StreamToken(token.startsWith("f/"), group, stream, wrapped.isEmpty() ? null : wrapped);
                }
            }
        }
        throw invalidToken(token, "log stream " + stream + " of log group " + group);
    }

    private static String filterToken(String group, String token)
    {
        String[] parts = token.split("\\.", -1);
        if (parts.length == 2 && !token.startsWith("f/") && !token.startsWith("b/") && group.equals(decode(parts[0]))) {
            String wrapped = decode(parts[1]);
            if (wrapped != null && !wrapped.isEmpty()) {
                return wrapped;
            }
        }
        throw invalidToken(token, "log group " + group);
    }

    private static ServiceException invalidToken(String token, String what)
    {
        String shown = token.length() <= 80 ? token : token.substring(0, 77) + "...";
        return ServiceException.user("InvalidParameterException", "The specified nextToken is not valid: '" + shown + "' is not a token issued for " + what);
    }

    private static String encode(String text)
    {
        return ENCODER.encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The text, or null when it is not Base64. */
    private static String decode(String text)
    {
        try {
            return new String(DECODER.decode(text), StandardCharsets.UTF_8);
        }
        catch (IllegalArgumentException e) {
            return null;
        }
    }

    // helpers

    private static long utf8(String text)
    {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static long orZero(Long value)
    {
        return value == null ? 0 : value;
    }

    /** Asks until the condition holds, for at most {@code timeout}; an {@code EXTERNAL} error after. */
    private static void await(BooleanSupplier condition, Duration timeout, String failure)
    {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw ServiceException.external("ServiceUnavailableException", failure + " within " + timeout.toSeconds() + " s", null);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ServiceException.external("ServiceUnavailableException", "interrupted while waiting: " + failure, e);
            }
        }
    }


    @Override
    public void close()
    {
        logs.close();
    }
}
