package io.lakestack.connectors.stepfunctions.engine;

import io.lakestack.spi.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoppableWaiterTest
{
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void sleepsUntilTheClockPassesTheInstant()
            throws Exception
    {
        ManualClock clock = new ManualClock(START);
        StoppableWaiter waiter = new StoppableWaiter(clock);
        CompletableFuture<Void> slept = CompletableFuture.runAsync(() -> {
            try {
                waiter.sleepUntil(START.plusSeconds(10));
            }
            catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(slept).isNotDone();
        clock.advance(Duration.ofSeconds(10));
        slept.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aStopEndsSleepsAndAwaitsAtOnce()
    {
        StoppableWaiter waiter = new StoppableWaiter(new ManualClock(START));
        waiter.stop();
        assertThatThrownBy(() -> waiter.sleepUntil(START.plusSeconds(3600))).isInstanceOf(InterruptedException.class);
        assertThatThrownBy(() -> waiter.await(new CompletableFuture<>(), Optional.empty())).isInstanceOf(InterruptedException.class);
    }

    @Test
    void anAwaitEndsWithTheFutureOrAtTheDeadline()
            throws Exception
    {
        ManualClock clock = new ManualClock(START);
        StoppableWaiter waiter = new StoppableWaiter(clock);
        assertThat(waiter.await(CompletableFuture.completedFuture("done"), Optional.empty())).contains("done");
        clock.advance(Duration.ofSeconds(5));
        assertThat(waiter.await(new CompletableFuture<String>(), Optional.of(START.plusSeconds(5)))).isEmpty();
    }
}
