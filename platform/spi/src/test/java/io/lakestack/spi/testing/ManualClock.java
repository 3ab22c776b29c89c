package io.lakestack.spi.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock in UTC that moves only when a test moves it, for tests that control time rather than wait for it. Safe to
 * read from the threads of the code under test.
 */
public final class ManualClock
        extends Clock
{
    private final AtomicLong millis;

    public ManualClock(Instant start)
    {
        this.millis = new AtomicLong(start.toEpochMilli());
    }

    public ManualClock(long startMillis)
    {
        this.millis = new AtomicLong(startMillis);
    }

    public void advance(Duration duration)
    {
        advance(duration.toMillis());
    }

    public void advance(long deltaMillis)
    {
        millis.addAndGet(deltaMillis);
    }

    public void set(long epochMillis)
    {
        millis.set(epochMillis);
    }

    @Override
    public ZoneId getZone()
    {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone)
    {
        if (!ZoneOffset.UTC.equals(zone)) {
            throw new UnsupportedOperationException("a manual clock is in UTC only");
        }
        return this;
    }

    @Override
    public long millis()
    {
        return millis.get();
    }

    @Override
    public Instant instant()
    {
        return Instant.ofEpochMilli(millis());
    }
}
