package io.lakestack.services.kinesis;

import io.lakestack.spi.kinesis.KinesisStreams;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wakes the subscriptions of a shard when this endpoint has written to it, so that a record put through it reaches
 * them at once; records written elsewhere (another lakestack instance, a Kafka producer) are found by the
 * subscriptions' own re-reads.
 */
final class ShardSignals
{
    private final Map<String, Signal> signals = new ConcurrentHashMap<>();

    private static final class Signal
    {
        private long version;

        synchronized long version()
        {
            return version;
        }

        synchronized void raise()
        {
            version++;
            notifyAll();
        }

        synchronized void await(long seen, long timeoutMillis)
                throws InterruptedException
        {
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
            long left = timeoutMillis;
            while (version == seen && left > 0) {
                wait(left);
                left = (deadline - System.nanoTime()) / 1_000_000;
            }
        }
    }

    private Signal signal(KinesisStreams.Stream stream, int shard)
    {
        return signals.computeIfAbsent(stream.name() + "|" + stream.creationMillis() + "|" + shard, key -> new Signal());
    }

    /** The shard's version now: {@link #await} returns once it has changed. */
    long version(KinesisStreams.Stream stream, int shard)
    {
        return signal(stream, shard).version();
    }

    void written(KinesisStreams.Stream stream, int shard)
    {
        signal(stream, shard).raise();
    }

    /** Returns when the shard was written to after {@code seen} was read, or after {@code timeoutMillis}. */
    void await(KinesisStreams.Stream stream, int shard, long seen, long timeoutMillis)
            throws InterruptedException
    {
        signal(stream, shard).await(seen, timeoutMillis);
    }

    /** Forgets the shards of a deleted stream. */
    void forget(KinesisStreams.Stream stream)
    {
        signals.keySet().removeIf(key -> key.startsWith(stream.name() + "|" + stream.creationMillis() + "|"));
    }
}
