package io.lakestack.spi.firehose;

/**
 * Runs the delivery of Firehose streams on this lakestack instance. {@link DeliveryStreams} calls it for every
 * stream defined, and again whenever a definition changes, from one thread at a time.
 */
public interface DeliveryRunner
        extends AutoCloseable
{
    /**
     * Delivers the stream from the last delivered record on. A stream already delivered at an older version first
     * writes what it buffered under its old settings; one already delivered at this version is left alone.
     */
    void run(DeliveryStream stream);

    /** Stops delivering a deleted stream, dropping what its buffers hold (its records are still in the source). */
    void abandon(String name);

    /** Writes what every buffer holds, then stops every delivery. */
    @Override
    void close();
}
