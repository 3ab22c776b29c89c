package io.lakestack.connectors.lambda.events;

import java.util.OptionalLong;

/**
 * Which offsets of a partition are done, and so which may be committed: every one before the first that is not. Records
 * may finish in any order; the position only moves past a contiguous run of done records.
 *
 * <p>The offsets taken and not yet passed are a ring of primitives in offset order (a poller tracks every record it
 * reads, a million a second), with a flag for each done; a record done is found by binary search.
 */
final class OffsetTracker
{
    private long[] offsets = new long[64];
    private boolean[] done = new boolean[64];
    private int head;
    private int count;
    private long next = -1;

    /** A record taken, at an offset above every one tracked before. */
    synchronized void track(long offset)
    {
        if (count == offsets.length) {
            grow();
        }
        int at = slot(count);
        offsets[at] = offset;
        done[at] = false;
        count++;
        next = offset + 1;
    }

    /** A record tracked before is done; an offset never tracked, or passed already, changes nothing. */
    synchronized void done(long offset)
    {
        int low = 0;
        int high = count - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            long value = offsets[slot(middle)];
            if (value < offset) {
                low = middle + 1;
            }
            else if (value > offset) {
                high = middle - 1;
            }
            else {
                done[slot(middle)] = true;
                break;
            }
        }
        while (count > 0 && done[head]) {
            head = (head + 1) % offsets.length;
            count--;
        }
    }

    /** The offset to commit: every record before it is done. Empty before the first record. */
    synchronized OptionalLong position()
    {
        if (next < 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(count == 0 ? next : offsets[head]);
    }

    /** Records tracked that the position has not passed: those not done, and those done after one that is not. */
    synchronized int pending()
    {
        return count;
    }

    private int slot(int index)
    {
        return (head + index) % offsets.length;
    }

    private void grow()
    {
        long[] grownOffsets = new long[offsets.length * 2];
        boolean[] grownDone = new boolean[offsets.length * 2];
        for (int i = 0; i < count; i++) {
            grownOffsets[i] = offsets[slot(i)];
            grownDone[i] = done[slot(i)];
        }
        offsets = grownOffsets;
        done = grownDone;
        head = 0;
    }
}
