package io.lakestack.services.logs;

import io.lakestack.spi.ServiceException;
import io.lakestack.spi.logs.LogStore;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A PutLogEvents batch checked as CloudWatch Logs checks it. The batch as a whole is refused
 * ({@code InvalidParameterException}) when it has no event or more than {@value #MAX_EVENTS}, when its messages and
 * {@value #EVENT_OVERHEAD_BYTES} bytes per event come to more than {@value #MAX_BATCH_BYTES} bytes, when its events
 * are not in timestamp order, or when its accepted events span more than 24 hours. Single events are rejected, and
 * the others stored, when they are more than 2 hours in the future ({@code tooNewLogEventStartIndex}, the first of
 * them), more than 14 days old ({@code tooOldLogEventEndIndex}, the index after the last of them) or older than the
 * group's retention ({@code expiredLogEventEndIndex}, likewise). The events being in order, the rejected ones are a
 * run at each end.
 */
record PutLogEventsBatch(List<LogStore.Event> accepted, Optional<Integer> tooNewStartIndex, Optional<Integer> tooOldEndIndex,
        Optional<Integer> expiredEndIndex)
{
    static final int MAX_EVENTS = 10_000;
    static final int MAX_BATCH_BYTES = 1_048_576;
    static final int EVENT_OVERHEAD_BYTES = 26;
    static final long MAX_SPAN_MILLIS = 24L * 3600 * 1000;
    static final long MAX_FUTURE_MILLIS = 2L * 3600 * 1000;
    static final long MAX_AGE_MILLIS = 14L * 24 * 3600 * 1000;
    private static final long DAY_MILLIS = 24L * 3600 * 1000;

    PutLogEventsBatch
    {
        accepted = List.copyOf(accepted);
        requireNonNull(tooNewStartIndex, "tooNewStartIndex is null");
        requireNonNull(tooOldEndIndex, "tooOldEndIndex is null");
        requireNonNull(expiredEndIndex, "expiredEndIndex is null");
    }

    boolean rejectedAny()
    {
        return tooNewStartIndex.isPresent() || tooOldEndIndex.isPresent() || expiredEndIndex.isPresent();
    }

    /**
     * @param nowMillis the time the batch arrived
     * @param retentionDays the group's retention
     */
    static PutLogEventsBatch check(List<LogStore.Event> events, long nowMillis, Optional<Integer> retentionDays)
    {
        if (events.isEmpty() || events.size() > MAX_EVENTS) {
            throw ServiceException.user("InvalidParameterException", "1 validation error detected: Value at 'logEvents' failed to satisfy constraint: "
                    + "Member must have length " + (events.isEmpty() ? "greater than or equal to 1" : "less than or equal to " + MAX_EVENTS));
        }
        long bytes = 0;
        for (LogStore.Event event : events) {
            bytes += event.message().getBytes(StandardCharsets.UTF_8).length + EVENT_OVERHEAD_BYTES;
        }
        if (bytes > MAX_BATCH_BYTES) {
            throw ServiceException.user("InvalidParameterException", "Upload too large: " + bytes + " bytes exceeds limit of " + MAX_BATCH_BYTES);
        }
        for (int i = 1; i < events.size(); i++) {
            if (events.get(i).timestampMillis() < events.get(i - 1).timestampMillis()) {
                throw ServiceException.user("InvalidParameterException", "Log events in a single PutLogEvents request must be in chronological order.");
            }
        }
        long tooOld = nowMillis - MAX_AGE_MILLIS;
        long expired = retentionDays.map(days -> nowMillis - days * DAY_MILLIS).orElse(Long.MIN_VALUE);
        long tooNew = nowMillis + MAX_FUTURE_MILLIS;
        int tooOldEnd = 0;
        int expiredEnd = 0;
        int tooNewStart = events.size();
        for (int i = 0; i < events.size(); i++) {
            long timestamp = events.get(i).timestampMillis();
            if (timestamp < tooOld) {
                tooOldEnd = i + 1;
            }
            if (timestamp < expired) {
                expiredEnd = i + 1;
            }
            if (timestamp > tooNew && tooNewStart == events.size()) {
                tooNewStart = i;
            }
        }
        int first = Math.max(tooOldEnd, expiredEnd);
        List<LogStore.Event> accepted = first < tooNewStart ? events.subList(first, tooNewStart) : List.of();
        if (!accepted.isEmpty() && accepted.get(accepted.size() - 1).timestampMillis() - accepted.get(0).timestampMillis() > MAX_SPAN_MILLIS) {
            throw ServiceException.user("InvalidParameterException", "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.");
        }
        return new PutLogEventsBatch(accepted,
                tooNewStart < events.size() ? Optional.of(tooNewStart) : Optional.empty(),
                tooOldEnd > 0 ? Optional.of(tooOldEnd) : Optional.empty(),
                expiredEnd > 0 ? Optional.of(expiredEnd) : Optional.empty());
    }
}
