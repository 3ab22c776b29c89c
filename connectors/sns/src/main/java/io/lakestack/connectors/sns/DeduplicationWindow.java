package io.lakestack.connectors.sns;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Which messages of a FIFO topic are duplicates, decided from the topic's log alone: a message is a duplicate when a
 * message with the same deduplication key (its deduplication id, with its group when the topic's scope is
 * {@code MessageGroup}) is in the log less than the deduplication interval of log time before it. Every reader of the
 * log, on any instance, so decides alike; and one that starts at a given place decides as one that read from the start,
 * once it has been shown the records of the interval before that place.
 *
 * <p>Records are shown in log order; their timestamps, set by the broker as it appends, do not go back.
 */
final class DeduplicationWindow
{
    private final long intervalMillis;
    // key -> log time of its last record, oldest first
    private final LinkedHashMap<String, Long> lastSeen = new LinkedHashMap<>();

    DeduplicationWindow(Duration interval)
    {
        requireNonNull(interval, "interval is null");
        this.intervalMillis = interval.toMillis();
    }

    /**
     * Shows the window the next record of the log.
     *
     * @return whether it is a duplicate
     */
    boolean next(String key, long timestampMillis)
    {
        forgetBefore(timestampMillis - intervalMillis);
        Long before = lastSeen.remove(key);
        lastSeen.put(key, before == null ? timestampMillis : Math.max(before, timestampMillis));
        return before != null && timestampMillis - before < intervalMillis;
    }

    /** Forgets every record: the log is shown again from another place. */
    void clear()
    {
        lastSeen.clear();
    }

    /** How many keys it remembers. */
    int size()
    {
        return lastSeen.size();
    }

    private void forgetBefore(long millis)
    {
        Iterator<Map.Entry<String, Long>> entries = lastSeen.entrySet().iterator();
        while (entries.hasNext()) {
            if (entries.next().getValue() > millis) {
                return;
            }
            entries.remove();
        }
    }
}
