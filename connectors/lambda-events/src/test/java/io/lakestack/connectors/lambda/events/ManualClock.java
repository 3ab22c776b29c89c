package io.lakestack.connectors.lambda.events;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that moves only when a test says so. */
final class ManualClock
        extends Clock
{
    private volatile long millis;

    ManualClock(Instant start)
    {
        this.millis = start.toEpochMilli();
    }

    void advance(Duration duration)
    {
        millis += duration.toMillis();
    }

    void set(long epochMillis)
    {
        millis = epochMillis;
    }

    @Override
    public ZoneId getZone()
    {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone)
    {
        return this;
    }

    @Override
    public long millis()
    {
        return millis;
    }

    @Override
    public Instant instant()
    {
        return Instant.ofEpochMilli(millis);
    }
}
