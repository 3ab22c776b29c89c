package io.lakestack.spi.store;

import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;

/**
 * Durable records of one type, by key: the definitions and state of a service (streams, crawlers, query history).
 *
 * <p>What a caller may rely on: once {@link #put} or {@link #delete} returns, the change is durable (it survives a
 * kill -9 of every process) and this instance reads it back; every lakestack instance on the same engines sees every
 * change, in the order they were made, shortly after. There is no transaction across keys and no compare-and-set:
 * two instances writing one key at the same time both succeed and the later write wins, so a service that needs one
 * writer per key arranges it itself (the instance that owns the work writes its state).
 *
 * <p>Record types are Java records of strings, numbers, booleans, enums, {@code Optional}s, lists, maps and other
 * such records. A stored record that no longer reads as the type (written by another lakestack version) is left in
 * place, logged with its key, and not returned.
 *
 * @param <T> the record type
 */
public interface RecordStore<T>
{
    /** The record as this instance has read it: a change another instance made a moment ago may not be here yet. */
    Optional<T> get(String key);

    /**
     * Reads every change made before this call, by any instance, before returning: after it, {@link #get} and
     * {@link #all} see them. What a lookup calls before it answers that something does not exist, and what an instance
     * taking over another's work calls before reading that work's state. A store whose reads are always current has
     * nothing to do.
     */
    default void catchUp() {}

    /**
     * The record, read up to every change made before this call when this instance has not seen it: what a caller uses
     * before it answers that something does not exist, so that a resource made through another instance a moment ago is
     * found.
     */
    default Optional<T> getLatest(String key)
    {
        Optional<T> seen = get(key);
        if (seen.isPresent()) {
            return seen;
        }
        catchUp();
        return get(key);
    }

    /** Stores the record under the key, replacing what was there. */
    void put(String key, T record);

    /**
     * Stores the record under the key without waiting for it: the future completes once the change is durable, or
     * fails when it cannot be made. Changes made through one store are made in the order of the calls, so a later
     * {@link #put} that returned means every earlier change through this store is durable or failed (and its future
     * done) and read back by this instance. What a writer of many small changes uses when only some of them must be
     * durable before it goes on (a history's events before a step that has effects outside it).
     */
    default CompletableFuture<Void> putAsync(String key, T record)
    {
        put(key, record);
        return CompletableFuture.completedFuture(null);
    }

    /** Removes the key; nothing happens when it is not there. */
    void delete(String key);

    /** Every record, in key order, as of now. */
    SortedMap<String, T> all();

    /** The records whose keys are in {@code [fromKey, toKey)}, in key order, as of now. */
    default SortedMap<String, T> range(String fromKey, String toKey)
    {
        return new java.util.TreeMap<>(all().subMap(fromKey, toKey));
    }

    /**
     * Calls the listener for every change from now on, made by this or any other instance, in the order of the
     * changes, on a thread of the store's. A change this instance makes is passed to the listener before
     * {@link #put} or {@link #delete} returns. The listener must return quickly: work that takes time goes to a
     * thread of the listener's own.
     */
    void subscribe(Listener<T> listener);

    @FunctionalInterface
    interface Listener<T>
    {
        /** @param record the new record, or empty when the key was removed */
        void changed(String key, Optional<T> record);
    }
}
