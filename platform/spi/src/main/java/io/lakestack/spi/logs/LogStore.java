package io.lakestack.spi.logs;

import io.lakestack.spi.ServiceException;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/**
 * CloudWatch Logs' log groups, log streams and log events, durable: what is put survives a restart and is read by
 * every lakestack instance on the same engines.
 *
 * <p>What a caller may rely on:
 * <ul>
 * <li>{@link #put} returns once the events are durable; events of one stream are read back in the order of their
 *     timestamps and, for equal timestamps, in the order they were put (a later {@code put}, or a later place in the
 *     same {@code put}, comes later). Reads of a group ({@link #filter}) interleave its streams in the same order.</li>
 * <li>Time ranges are half-open, {@code [start, end)}, in epoch milliseconds; an empty bound is unbounded.
 *     (FilterLogEvents' {@code endTime} is inclusive: the service passes {@code endTime + 1}.)</li>
 * <li>Tokens are opaque strings the store issued; a token it did not issue for that group (forged, altered, or of a
 *     group since deleted and created again) is refused with {@code InvalidParameterException}, never read as a
 *     position. Tokens do not expire.</li>
 * <li>A page holds at most {@code limit} events and at most {@link #MAX_PAGE_BYTES} bytes of messages (UTF-8), as
 *     CloudWatch Logs caps its answers; the first event of a page comes even when it alone is larger.</li>
 * <li>Errors are {@link ServiceException}s with CloudWatch Logs' codes and words ({@link #groupNotFound()},
 *     {@link #streamNotFound()}, {@link #groupExists()}, {@link #streamExists()}, {@code InvalidParameterException}).</li>
 * <li>The store does not validate events (batch sizes, the accepted time window, order within a batch): that is the
 *     API's work, done before {@link #put}.</li>
 * </ul>
 *
 * <p>Where lakestack differs from CloudWatch Logs: stored bytes are the UTF-8 bytes of the messages put into a
 * group's streams, not CloudWatch's measure of its compressed storage, and they do not go down when events expire. An
 * event older than its group's retention is no longer read, as in CloudWatch; the space it takes is freed when the
 * backend drops the whole stretch of the log that holds it. There are no metric filters, subscription filters,
 * exports, data protection or queries (Logs Insights).
 */
public interface LogStore
{
    /** The most message bytes a page of events holds, as CloudWatch Logs' GetLogEvents and FilterLogEvents answer. */
    int MAX_PAGE_BYTES = 1024 * 1024;

    /**
     * @param region the region the group was created in, which its ARN names; empty for a group stored before groups
     *         kept their region, which is of the stack's configured region
     * @param storedBytes the UTF-8 bytes of the messages put into the group's streams (those not deleted)
     */
    record LogGroup(String name, Optional<String> region, long creationMillis, Optional<Integer> retentionDays, long storedBytes, Map<String, String> tags)
    {
        public LogGroup
        {
            requireNonNull(name, "name is null");
            requireNonNull(region, "region is null");
            requireNonNull(retentionDays, "retentionDays is null");
            tags = Map.copyOf(tags);
        }
    }

    /**
     * @param firstEventMillis the smallest event timestamp put into the stream, empty before its first event
     * @param lastEventMillis the largest event timestamp put into the stream
     * @param lastIngestionMillis when the last {@link #put} into the stream was made; 0 before its first event
     * @param storedBytes the UTF-8 bytes of the messages put into the stream
     */
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

    /**
     * An event as stored: its stream, when it happened and when it was put, and an id unique in its group (a string of
     * digits, as CloudWatch's event ids are), the same every time the event is read.
     */
    record StoredEvent(String stream, long timestampMillis, long ingestionMillis, String message, String eventId)
    {
        public StoredEvent
        {
            requireNonNull(stream, "stream is null");
            requireNonNull(message, "message is null");
            requireNonNull(eventId, "eventId is null");
        }
    }

    /** Events of a group in order, and the token of the next page when there may be more. */
    record Page(List<StoredEvent> events, Optional<String> nextToken)
    {
        public Page
        {
            events = List.copyOf(events);
            requireNonNull(nextToken, "nextToken is null");
        }
    }

    /**
     * Events of one stream in order, oldest first, and the tokens that read on from this page: forward (newer events)
     * and backward (older events), as GetLogEvents' {@code nextForwardToken} and {@code nextBackwardToken}. Forward
     * tokens start with {@code f/}, backward ones with {@code b/}, as CloudWatch's. When a read in a token's direction
     * finds nothing, the next token in that direction is the token given, so that a reader who loops until the token
     * repeats stops.
     */
    record StreamPage(List<StoredEvent> events, String nextForwardToken, String nextBackwardToken)
    {
        public StreamPage
        {
            events = List.copyOf(events);
            requireNonNull(nextForwardToken, "nextForwardToken is null");
            requireNonNull(nextBackwardToken, "nextBackwardToken is null");
        }
    }

    /** An operation on a group that does not exist, in CloudWatch Logs' words. */
    static ServiceException groupNotFound()
    {
        return ServiceException.user("ResourceNotFoundException", "The specified log group does not exist.");
    }

    /** An operation on a stream that does not exist, in CloudWatch Logs' words. */
    static ServiceException streamNotFound()
    {
        return ServiceException.user("ResourceNotFoundException", "The specified log stream does not exist.");
    }

    /** {@link #createGroup} of a name that is taken, in CloudWatch Logs' words. */
    static ServiceException groupExists()
    {
        return ServiceException.user("ResourceAlreadyExistsException", "The specified log group already exists");
    }

    /** {@link #createStream} of a name that is taken, in CloudWatch Logs' words. */
    static ServiceException streamExists()
    {
        return ServiceException.user("ResourceAlreadyExistsException", "The specified log stream already exists");
    }

    /**
     * @throws ServiceException {@link #groupExists()}; {@code OperationAbortedException} while a group of that name is
     *         still being deleted
     */
    void createGroup(String group, String region, Optional<Integer> retentionDays, Map<String, String> tags);

    Optional<LogGroup> group(String group);

    /** Groups in name order, those whose names start with the prefix. */
    List<LogGroup> groups(Optional<String> prefix);

    /** Keeps events for this many days from now on (empty: for ever). @throws ServiceException {@link #groupNotFound()} */
    void setRetention(String group, Optional<Integer> retentionDays);

    /** Replaces the group's tags. @throws ServiceException {@link #groupNotFound()} */
    void setTags(String group, Map<String, String> tags);

    /** Deletes the group with its streams and events. @throws ServiceException {@link #groupNotFound()} */
    void deleteGroup(String group);

    /** @throws ServiceException {@link #groupNotFound()}, {@link #streamExists()} */
    void createStream(String group, String stream);

    /** @throws ServiceException {@link #groupNotFound()} */
    Optional<LogStream> stream(String group, String stream);

    /** Streams of a group in name order, those whose names start with the prefix. @throws ServiceException {@link #groupNotFound()} */
    List<LogStream> streams(String group, Optional<String> prefix);

    /** Deletes the stream and its events. @throws ServiceException {@link #groupNotFound()}, {@link #streamNotFound()} */
    void deleteStream(String group, String stream);

    /**
     * Appends events to a stream, creating the stream if it does not exist (the Lambda runner writes to streams it
     * names itself); returns once they are durable.
     *
     * @throws ServiceException {@link #groupNotFound()}; an {@link io.lakestack.spi.ErrorKind#EXTERNAL} error when the
     *         backend did not take every event (some may have been stored)
     */
    void put(String group, String stream, List<Event> events);

    /**
     * Events of one stream with timestamps in {@code [start, end)}, at most {@code limit}: from the token, in its
     * direction; without a token, the oldest ones when {@code fromHead}, else the newest ones (GetLogEvents'
     * {@code startFromHead}). Either way the page lists its events oldest first.
     *
     * @throws ServiceException {@link #groupNotFound()}, {@link #streamNotFound()}; {@code InvalidParameterException}
     *         for a token the store did not issue for this group
     */
    StreamPage events(String group, String stream, Optional<Long> start, Optional<Long> end, Optional<String> token, boolean fromHead, int limit);

    /**
     * Events of the group's streams whose names {@code streams} accepts, with timestamps in {@code [start, end)}, that
     * {@code filter} keeps, oldest first across streams, at most {@code limit}; the token continues after the last
     * event of the page. {@link Page#nextToken()} is empty when there are no more events as of this read.
     *
     * @throws ServiceException {@link #groupNotFound()}; {@code InvalidParameterException} for a token the store did not
     *         issue for this group
     */
    Page filter(String group, Predicate<String> streams, Optional<Long> start, Optional<Long> end, Predicate<StoredEvent> filter, Optional<String> token,
            int limit);
}
