package io.lakestack.connectors.stepfunctions.engine;

import io.lakestack.connectors.stepfunctions.Waiter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import static java.util.Objects.requireNonNull;

/**
 * The {@link Waiter} of one execution: sleeps and awaits tasks on the clock, and gives up at once, with an
 * {@link InterruptedException}, when the execution is stopped or handed over, in every branch of it. It looks at the
 * clock at least every {@value #TICK_MILLIS} ms, so a clock moved by a test is noticed without a signal.
 */
final class StoppableWaiter
        implements Waiter
{
    private static final long TICK_MILLIS = 50;

    private final Clock clock;
    private final Object lock = new Object();
    private boolean stopped;

    StoppableWaiter(Clock clock)
    {
        this.clock = requireNonNull(clock, "clock is null");
    }

    void stop()
    {
        synchronized (lock) {
            stopped = true;
            lock.notifyAll();
        }
    }

    @Override
    public void sleepUntil(Instant wakeAt)
            throws InterruptedException
    {
        synchronized (lock) {
            long millis;
            while (!stopped && (millis = Duration.between(clock.instant(), wakeAt).toMillis()) > 0) {
                lock.wait(Math.min(millis, TICK_MILLIS));
            }
            if (stopped) {
                throw new InterruptedException("the execution was stopped");
            }
        }
    }

    @Override
    public <T> Optional<T> await(CompletableFuture<T> future, Optional<Instant> deadline)
            throws InterruptedException
    {
        future.whenComplete((value, failure) -> {
            synchronized (lock) {
                lock.notifyAll();
            }
        });
        synchronized (lock) {
            while (!stopped && !future.isDone()) {
                long millis = deadline.map(at -> Duration.between(clock.instant(), at).toMillis()).orElse(TICK_MILLIS);
                if (millis <= 0) {
                    return Optional.empty();
                }
                lock.wait(Math.min(millis, TICK_MILLIS));
            }
            if (stopped) {
                throw new InterruptedException("the execution was stopped");
            }
        }
        try {
            return Optional.of(future.get());
        }
        catch (ExecutionException e) {
            throw new CompletionException(e.getCause());
        }
    }
}
