package io.lakestack.spi.logs;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/**
 * CloudWatch Logs' log groups, log streams and log events, durable: what is put survives a restart and is read by
 * every lakestack instance.
 *
 * <p>What a caller may rely on: events of one stream are read back in the order of their timestamps (and, for equal
 * timestamps, in the order they were put); {@link #put} returns once the events are durable; errors are
 * {@link io.lakestack.spi.ServiceException}s with CloudWatch Logs' codes ({@code ResourceNotFoundException},
 * {@code ResourceAlreadyExistsException}, {@code InvalidParameterException}).
 *
 * <p>Where lakestack differs from CloudWatch Logs: retention deletes whole old segments rather than single events,
 * so an expired event may be read for a while after it expired; there are no metric filters or subscriptions yet.
 */
public interface LogStore
{
    record LogGroup(String name, long creationMillis, Optional<Integer> retentionDays, long storedBytes, Map<String, String> tags)
    {
        public LogGroup
        {
            requireNonNull(name, "name is null");
            requireNonNull(retentionDays, "retentionDays is null");
            tags = Map.copyOf(tags);
        }
    }

    record LogStream(String name, long creationMillis, Optional<Long> firstEventMillis, Optional<Long> lastEventMillis, long lastIngestionMillis,
            long storedBytes)
    {
        public LogStream
        {
            requireNonNull(name, "name is null");
            requireNonNull(firstEventMillis, "firstEventMillis is null");
            requireNonNull(lastEventMillis, "lastEventMillis is null");
        }
    }

    /** An event to put. */
    record Event(long timestampMillis, String message)
    {
        public Event
        {
            requireNonNull(message, "message is null");
        }
    }

    /** An event as stored: its stream, when it happened and when it was put, and an id unique in its group. */
    record StoredEvent(String stream, long timestampMillis, long ingestionMillis, String message, String eventId)
    {
        public StoredEvent
        {
            requireNonNull(stream, "stream is null");
            requireNonNull(message, "message is null");
            requireNonNull(eventId, "eventId is null");
        }
    }

    /** Events in order and where the next page starts; the token is opaque. */
    record Page(List<StoredEvent> events, Optional<String> nextToken)
    {
        public Page
        {
            events = List.copyOf(events);
            requireNonNull(nextToken, "nextToken is null");
        }
    }

    void createGroup(String group, Optional<Integer> retentionDays, Map<String, String> tags);

    Optional<LogGroup> group(String group);

    /** Groups in name order, those whose names start with the prefix. */
    List<LogGroup> groups(Optional<String> prefix);

    void setRetention(String group, Optional<Integer> retentionDays);

    void setTags(String group, Map<String, String> tags);

    /** Deletes the group with its streams and events. */
    void deleteGroup(String group);

    void createStream(String group, String stream);

    /** Streams of a group in name order, those whose names start with the prefix. */
    List<LogStream> streams(String group, Optional<String> prefix);

    void deleteStream(String group, String stream);

    /** Appends events to a stream, creating the stream if it does not exist; returns once they are durable. */
    void put(String group, String stream, List<Event> events);

    /**
     * Events of one stream with timestamps in {@code [start, end)}, oldest first from the token (or from the start),
     * at most {@code limit}.
     */
    Page events(String group, String stream, Optional<Long> start, Optional<Long> end, Optional<String> token, int limit);

    /**
     * Events of the group's streams (all when {@code streams} is empty) with timestamps in {@code [start, end)} that
     * the filter keeps, oldest first, at most {@code limit}; the token continues where the page ended.
     */
    Page filter(String group, List<String> streams, Optional<Long> start, Optional<Long> end, Predicate<StoredEvent> filter, Optional<String> token,
            int limit);
}
