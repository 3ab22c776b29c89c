package io.lakestack.connectors.lambda.events;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Which offsets of a partition are done, and so which may be committed: every one before the first that is not. Records
 * may finish in any order; the position only moves past a contiguous run of done records.
 */
final class OffsetTracker
{
    private final Deque<Long> open = new ArrayDeque<>();
    private final Set<Long> done = new HashSet<>();
    private long next = -1;

    /** A record taken, at an offset above every one tracked before. */
    synchronized void track(long offset)
    {
        open.add(offset);
        next = offset + 1;
    }

    synchronized void done(long offset)
    {
        done.add(offset);
        while (!open.isEmpty() && done.remove(open.peek())) {
            open.poll();
        }
    }

    /** The offset to commit: every record before it is done. Empty before the first record. */
    synchronized OptionalLong position()
    {
        if (next < 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(open.isEmpty() ? next : open.peek());
    }

    /** Records tracked and not done. */
    synchronized int pending()
    {
        return open.size();
    }
}
