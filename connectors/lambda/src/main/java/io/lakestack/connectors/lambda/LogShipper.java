package io.lakestack.connectors.lambda;

import io.lakestack.spi.ServiceException;
import io.lakestack.spi.logs.LogStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import static java.util.Objects.requireNonNull;

/**
 * Writes the environments' log lines to the {@link LogStore} as they come, in batches: one thread takes whatever has
 * queued since its last write (waiting a little for more while the store is fast), groups it by log stream and puts
 * each stream's events in order. The log group is created the first time it is written to (and again if it was deleted
 * meanwhile). A batch the store keeps refusing is logged with its group, stream and size, never dropped silently.
 */
public final class LogShipper
        implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(LogShipper.class);

    /** CloudWatch Logs' limits: an event of at most 256 KiB with its 26 bytes of overhead; 10,000 events a put. */
    static final int MAX_EVENT_BYTES = 256 * 1024 - 26;
    private static final int MAX_EVENTS_PER_PUT = 10_000;
    private static final long LINGER_MILLIS = 50;
    private static final int ATTEMPTS = 3;

    private record Entry(String group, String region, String stream, LogStore.Event event)
    {
    }

    private record StreamKey(String group, String region, String stream)
    {
    }

    private final LogStore store;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<Entry> queue = new ArrayList<>();
    private final Set<String> knownGroups = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private long enqueued;
    private long written;
    private boolean closed;

    public LogShipper(LogStore store)
    {
        this.store = requireNonNull(store, "store is null");
        this.thread = new Thread(this::run, "lambda-log-shipper");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Queues one event; a message over CloudWatch's size limit is cut, as Lambda cuts it.
     *
     * @param region the region of the group when it is to be created: the function's
     */
    public void add(String group, String region, String stream, long timestampMillis, String message)
    {
        LogStore.Event event = new LogStore.Event(timestampMillis, truncate(message));
        lock.lock();
        try {
            if (closed) {
                LOG.warn("log line of {} {} after the runner stopped, not written: {}", group, stream, message);
                return;
            }
            queue.add(new Entry(group, region, stream, event));
            enqueued++;
            changed.signalAll();
        }
        finally {
            lock.unlock();
        }
    }

    /** Waits until every event queued before this call has been written (or given up on). */
    void flush()
            throws InterruptedException
    {
        lock.lock();
        try {
            long target = enqueued;
            while (written < target && thread.isAlive()) {
                changed.await(100, TimeUnit.MILLISECONDS);
            }
        }
        finally {
            lock.unlock();
        }
    }

    @Override
    public void close()
    {
        try {
            flush();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        }
        finally {
            lock.unlock();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run()
    {
        while (true) {
            List<Entry> batch;
            lock.lock();
            try {
                while (queue.isEmpty() && !closed) {
                    changed.await();
                }
                if (queue.isEmpty()) {
                    return;
                }
                if (!closed) {
                    // lines of one invocation arrive in a burst: let it finish so that they make one put
                    changed.await(LINGER_MILLIS, TimeUnit.MILLISECONDS);
                }
                batch = new ArrayList<>(queue);
                queue.clear();
            }
            catch (InterruptedException e) {
                return;
            }
            finally {
                lock.unlock();
            }
            write(batch);
            lock.lock();
            try {
                written += batch.size();
                changed.signalAll();
            }
            finally {
                lock.unlock();
            }
        }
    }

    private void write(List<Entry> batch)
    {
        Map<StreamKey, List<LogStore.Event>> byStream = new LinkedHashMap<>();
        for (Entry entry : batch) {
            byStream.computeIfAbsent(new StreamKey(entry.group(), entry.region(), entry.stream()), key -> new ArrayList<>()).add(entry.event());
        }
        byStream.forEach((key, events) -> {
            for (int from = 0; from < events.size(); from += MAX_EVENTS_PER_PUT) {
                put(key, events.subList(from, Math.min(events.size(), from + MAX_EVENTS_PER_PUT)));
            }
        });
    }

    private void put(StreamKey key, List<LogStore.Event> events)
    {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                ensureGroup(key.group(), key.region());
                store.put(key.group(), key.stream(), events);
                return;
            }
            catch (ServiceException e) {
                last = e;
                if (e.errorCode().equals("ResourceNotFoundException")) {
                    // the group was deleted since we created it: Lambda creates it again on its next write
                    knownGroups.remove(key.group());
                }
            }
            catch (RuntimeException e) {
                last = e;
            }
            sleepBeforeRetry(attempt);
        }
        LOG.error("{} log events of log group {} stream {} could not be written after {} attempts; the first was: {}", events.size(), key.group(),
                key.stream(), ATTEMPTS, events.get(0).message(), last);
    }

    private void ensureGroup(String group, String region)
    {
        if (knownGroups.contains(group)) {
            return;
        }
        if (store.group(group).isEmpty()) {
            try {
                store.createGroup(group, region, Optional.empty(), Map.of());
            }
            catch (ServiceException e) {
                if (!e.errorCode().equals("ResourceAlreadyExistsException")) {
                    throw e;
                }
            }
        }
        knownGroups.add(group);
    }

    private static void sleepBeforeRetry(int attempt)
    {
        try {
            Thread.sleep(200L * attempt);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String truncate(String message)
    {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_EVENT_BYTES) {
            return message;
        }
        int end = MAX_EVENT_BYTES;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
}
