package io.lakestack.services.athena;

import io.lakestack.spi.store.RecordStore;
import io.lakestack.spi.store.RecordStores;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Record stores in memory, for one instance: listeners hear of each change before put or delete returns. */
final class MemoryRecordStores
        implements RecordStores
{
    private final Map<String, MemoryRecordStore<?>> stores = new HashMap<>();

    @Override
    @SuppressWarnings("unchecked")
    public synchronized <T> RecordStore<T> open(String name, Class<T> type)
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
