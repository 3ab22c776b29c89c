package io.lakestack.connectors.scheduler;

import static java.util.Objects.requireNonNull;

/**
 * The fact that an occurrence of a schedule fired, keyed by the schedule's key on the compacted topic of fired
 * occurrences: only the latest matters.
 *
 * @param createdMillis the creation time of the schedule it belongs to, so a schedule deleted and created again under
 *         its name does not inherit it
 */
record Fired(String scheduleKey, long createdMillis, long occurrenceMillis)
{
    Fired
    {
        requireNonNull(scheduleKey, "scheduleKey is null");
    }
}
