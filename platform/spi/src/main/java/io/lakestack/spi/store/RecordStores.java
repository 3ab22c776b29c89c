package io.lakestack.spi.store;

/**
 * Opens {@link RecordStore}s. One store per name; a name is a short dotted word such as {@code kinesis.streams},
 * and names the place the records live (for Kafka, the compacted topic {@code _lakestack.<name>}).
 */
public interface RecordStores
{
    /**
     * @throws IllegalArgumentException when the name was opened before with another type
     */
    <T> RecordStore<T> open(String name, Class<T> type);
}
