package io.lakestack.connectors.stepfunctions;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/**
 * How the interpreter lets time pass: Wait states, Retry intervals and task deadlines. Measured against the same
 * {@link Clock} the interpreter reads, so a test's fake clock and fake waiter move time together and nothing sleeps.
 */
public interface Waiter
{
    /** Returns at or after {@code wakeAt} by the clock. */
    void sleepUntil(Instant wakeAt)
            throws InterruptedException;

    /**
     * The future's value once it completes, or empty once {@code deadline} (if any) has passed by the clock first.
     *
     * @throws CompletionException when the future completes exceptionally
     */
    <T> Optional<T> await(CompletableFuture<T> future, Optional<Instant> deadline)
            throws InterruptedException;

    /** Sleeps for real on {@code clock}. */
    static Waiter system(Clock clock)
    {
        requireNonNull(clock, "clock is null");
        return new Waiter()
        {
            @Override
            public void sleepUntil(Instant wakeAt)
                    throws InterruptedException
            {
                long millis;
                while ((millis = Duration.between(clock.instant(), wakeAt).toMillis()) > 0) {
                    Thread.sleep(millis);
                }
            }

            @Override
            public <T> Optional<T> await(CompletableFuture<T> future, Optional<Instant> deadline)
                    throws InterruptedException
            {
                try {
                    if (deadline.isEmpty()) {
                        return Optional.of(future.get());
                    }
                    long millis = Math.max(0, Duration.between(clock.instant(), deadline.get()).toMillis());
                    return Optional.of(future.get(millis, TimeUnit.MILLISECONDS));
                }
                catch (TimeoutException e) {
                    return Optional.empty();
                }
                catch (ExecutionException e) {
                    throw new CompletionException(e.getCause());
                }
            }
        };
    }
}
