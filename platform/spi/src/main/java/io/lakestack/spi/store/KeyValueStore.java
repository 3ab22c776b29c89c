package io.lakestack.spi.store;

import java.util.Map;
import java.util.Optional;

/**
 * Durable state of a service (crawler definitions, query history...): small documents by key.
 *
 * <p>Implementations are shared by every lakestack instance on the same Kafka and survive restarts; a writer reads
 * its own writes at once.
 */
public interface KeyValueStore
{
    Optional<byte[]> get(String key);

    /** Writes the value; {@code null} deletes the key. Returns once the write is durable. */
    void put(String key, byte[] value);

    /** Every key and value, as of now. */
    Map<String, byte[]> snapshot();
}
