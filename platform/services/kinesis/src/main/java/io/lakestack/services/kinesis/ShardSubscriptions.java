package io.lakestack.services.kinesis;

import io.lakestack.spi.ServiceException;
import io.lakestack.spi.kinesis.ShardId;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The SubscribeToShard subscriptions open on this endpoint, one per consumer and shard, as Kinesis keeps them: a
 * second subscription within {@link #TAKEOVER_DELAY} of the first is refused with {@code ResourceInUseException}; a
 * later one takes over, and the first ends with that error.
 */
final class ShardSubscriptions
{
    static final Duration TAKEOVER_DELAY = Duration.ofSeconds(5);

    private final Clock clock;
    private final Map<String, Subscription> active = new HashMap<>();

    ShardSubscriptions(Clock clock)
    {
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** One subscription: whether a later one took it over. */
    final class Subscription
            implements AutoCloseable
    {
        private final String key;
        private final long startMillis;
        private volatile boolean takenOver;

        private Subscription(String key, long startMillis)
        {
            this.key = key;
            this.startMillis = startMillis;
        }

        boolean takenOver()
        {
            return takenOver;
        }

        @Override
        public void close()
        {
            synchronized (ShardSubscriptions.this) {
                active.remove(key, this);
            }
        }
    }

    /**
     * @throws ServiceException {@code ResourceInUseException} when a subscription of the consumer to the shard began
     *         less than {@link #TAKEOVER_DELAY} ago
     */
    synchronized Subscription open(String consumerArn, int shard)
    {
        String key = consumerArn + "|" + shard;
        long now = clock.millis();
        Subscription current = active.get(key);
        if (current != null) {
            if (now - current.startMillis < TAKEOVER_DELAY.toMillis()) {
                throw ServiceException.user("ResourceInUseException", "Another active subscription exists for consumer " + consumerArn + " and shard "
                        + ShardId.of(shard) + ", started " + (now - current.startMillis) + " ms ago; a new one takes it over "
                        + TAKEOVER_DELAY.toSeconds() + " seconds after it started");
            }
            current.takenOver = true;
        }
        Subscription subscription = new Subscription(key, now);
        active.put(key, subscription);
        return subscription;
    }
}
