package io.lakestack.it;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.awaitility.Awaitility.await;

/** Waiting for an eventual state with Awaitility. */
final class Eventually
{
    private static final Duration POLL = Duration.ofMillis(200);

    private Eventually()
    {
    }

    /**
     * Reads until what was read passes {@code requirement} (AssertJ assertions), and returns it. A time-out fails with
     * the requirement's last failure, whose message says what was read.
     */
    static <T> T read(Duration timeout, Callable<T> read, Consumer<T> requirement)
    {
        AtomicReference<T> last = new AtomicReference<>();
        await().atMost(timeout).pollInterval(POLL).untilAsserted(() -> {
            last.set(read.call());
            requirement.accept(last.get());
        });
        return last.get();
    }
}
