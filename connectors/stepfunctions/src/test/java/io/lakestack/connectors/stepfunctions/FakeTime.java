package io.lakestack.connectors.stepfunctions;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A clock that only moves when the interpreter waits: sleeping jumps to the wake-up time, awaiting a future that is not
 * done jumps to the deadline. Every wait is recorded, as seconds from the previous instant.
 */
final class FakeTime
        extends Clock
        implements Waiter
{
    private Instant now;
    private final List<Duration> sleeps = new ArrayList<>();

    FakeTime(Instant start)
    {
        this.now = start;
    }

    @Override
    public synchronized Instant instant()
    {
        return now;
    }

    @Override
    public ZoneId getZone()
    {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone)
    {
        throw new UnsupportedOperationException();
    }

    @Override
    public synchronized void sleepUntil(Instant wakeAt)
    {
        sleeps.add(Duration.between(now, wakeAt));
        if (wakeAt.isAfter(now)) {
            now = wakeAt;
        }
    }

    @Override
    public <T> Optional<T> await(CompletableFuture<T> future, Optional<Instant> deadline)
    {
        if (future.isDone()) {
            return Optional.of(future.join());
        }
        synchronized (this) {
            Instant until = deadline.orElseThrow(() -> new AssertionError("a fake task that never completes needs a deadline"));
            sleeps.add(Duration.between(now, until));
            now = until;
        }
        return Optional.empty();
    }

    synchronized void advance(Duration duration)
    {
        now = now.plus(duration);
    }

    synchronized List<Duration> sleeps()
    {
        return List.copyOf(sleeps);
    }
}
