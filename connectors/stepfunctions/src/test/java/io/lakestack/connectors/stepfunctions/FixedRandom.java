package io.lakestack.connectors.stepfunctions;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.UUID;

/** Hands out the given numbers and UUIDs in order, and fails a test that asks for more. */
final class FixedRandom
        implements RandomSource
{
    private final Deque<Double> doubles;
    private final Deque<UUID> uuids;

    FixedRandom(List<Double> doubles, List<UUID> uuids)
    {
        this.doubles = new ArrayDeque<>(doubles);
        this.uuids = new ArrayDeque<>(uuids);
    }

    static FixedRandom none()
    {
        return new FixedRandom(List.of(), List.of());
    }

    @Override
    public synchronized double nextDouble()
    {
        if (doubles.isEmpty()) {
            throw new AssertionError("no more random numbers");
        }
        return doubles.poll();
    }

    @Override
    public synchronized UUID nextUuid()
    {
        if (uuids.isEmpty()) {
            throw new AssertionError("no more UUIDs");
        }
        return uuids.poll();
    }
}
