package io.lakestack.spi.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Record stores in memory, for one process (tests, and tools that run a connector alone): nothing survives the
 * process, and no other instance sees them. Listeners hear of each change before {@code put} or {@code delete} returns.
 */
public final class MemoryRecordStores
        implements RecordStores
{
    private final Map<String, MemoryRecordStore<?>> stores = new ConcurrentHashMap<>();

    @Override
    @SuppressWarnings("unchecked")
    public <T> RecordStore<T> open(String name, Class<T> type)
    {
        return (RecordStore<T>) stores.computeIfAbsent(name, ignored -> new MemoryRecordStore<T>());
    }

    private static final class MemoryRecordStore<T>
            implements RecordStore<T>
    {
        private final SortedMap<String, T> records = new TreeMap<>();
        private final List<Listener<T>> listeners = new CopyOnWriteArrayList<>();

        @Override
        public synchronized Optional<T> get(String key)
        {
            return Optional.ofNullable(records.get(key));
        }

        @Override
        public void put(String key, T record)
        {
            synchronized (this) {
                records.put(key, record);
            }
            listeners.forEach(listener -> listener.changed(key, Optional.of(record)));
        }

        @Override
        public void delete(String key)
        {
            synchronized (this) {
                records.remove(key);
            }
            listeners.forEach(listener -> listener.changed(key, Optional.empty()));
        }

        @Override
        public synchronized SortedMap<String, T> all()
        {
            return new TreeMap<>(records);
        }

        @Override
        public void subscribe(Listener<T> listener)
        {
            listeners.add(listener);
        }
    }
}
