package io.lakestack.backends.kafka;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.ToLongFunction;

import static java.util.Objects.requireNonNull;

/**
 * Picks a page from items offered in any order: the longest run of the smallest items (in the selector's order) with
 * at most {@code limit} items and at most {@code maxBytes} bytes, the first item coming even when it alone is larger.
 * Memory stays bounded by the page, not by the items offered: an item is dropped as soon as it cannot be on the page.
 *
 * <p>Events of a Kafka topic are in put order, not in timestamp order, so a page in timestamp order needs every
 * candidate of the range to be seen before any is known to be on it.
 */
final class PageSelector<T>
{
    private final Comparator<T> order;
    private final int limit;
    private final long maxBytes;
    private final ToLongFunction<T> size;
    private final PriorityQueue<T> kept;
    private long keptBytes;
    /** The smallest item dropped so far: nothing at or after it can be on the page. */
    private T frontier;

    PageSelector(Comparator<T> order, int limit, long maxBytes, ToLongFunction<T> size)
    {
        this.order = requireNonNull(order, "order is null");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, not " + limit);
        }
        this.limit = limit;
        this.maxBytes = maxBytes;
        this.size = requireNonNull(size, "size is null");
        this.kept = new PriorityQueue<>(order.reversed());
    }

    void offer(T item)
    {
        if (frontier != null && order.compare(item, frontier) >= 0) {
            return;
        }
        kept.add(item);
        keptBytes += size.applyAsLong(item);
        while (kept.size() > limit || (kept.size() > 1 && keptBytes > maxBytes)) {
            T dropped = kept.poll();
            keptBytes -= size.applyAsLong(dropped);
            if (frontier == null || order.compare(dropped, frontier) < 0) {
                frontier = dropped;
            }
        }
    }

    /** The page, in the selector's order. */
    List<T> page()
    {
        List<T> page = new ArrayList<>(kept);
        page.sort(order);
        return page;
    }

    /** Whether an item offered is not on the page: there is more after it. */
    boolean more()
    {
        return frontier != null;
    }
}
