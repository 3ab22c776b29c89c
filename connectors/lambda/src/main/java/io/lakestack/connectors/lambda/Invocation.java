package io.lakestack.connectors.lambda;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * One invocation on its way through an environment: what the runtime is handed by {@code /next}, its deadline, how it
 * ended (set once: the first of a response, an error, the process ending or the time-out wins), and the last lines of
 * its log.
 */
final class Invocation
{
    /** Lambda returns the last 4 KB of an invocation's log. */
    static final int TAIL_BYTES = 4 * 1024;

    private final String requestId;
    private final byte[] payload;
    private final String invokedArn;
    private final Optional<String> clientContext;
    private final String traceId;
    private final int timeoutSeconds;
    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    /** Wakes {@link #await} when the outcome is set or the deadline moves. */
    private final Object waiters = new Object();
    private final ArrayDeque<byte[]> tail = new ArrayDeque<>();
    private int tailSize;
    private volatile long deadlineNanos;
    private volatile long deadlineEpochMillis;
    private volatile long deliveredNanos;
    private volatile boolean delivered;
    private boolean startLogged;
    private volatile Instant endedAt;

    Invocation(String requestId, byte[] payload, String invokedArn, Optional<String> clientContext, String traceId, int timeoutSeconds)
    {
        this.requestId = requireNonNull(requestId, "requestId is null");
        this.payload = requireNonNull(payload, "payload is null");
        this.invokedArn = requireNonNull(invokedArn, "invokedArn is null");
        this.clientContext = requireNonNull(clientContext, "clientContext is null");
        this.traceId = requireNonNull(traceId, "traceId is null");
        this.timeoutSeconds = timeoutSeconds;
    }

    String requestId()
    {
        return requestId;
    }

    byte[] payload()
    {
        return payload;
    }

    String invokedArn()
    {
        return invokedArn;
    }

    /** The client context as the runtime receives it: the JSON document, not its base64. */
    Optional<String> clientContext()
    {
        return clientContext;
    }

    String traceId()
    {
        return traceId;
    }

    /** The function's time-out: how long the invocation may run once its runtime has it. */
    int timeoutSeconds()
    {
        return timeoutSeconds;
    }

    void deadline(long nanos)
    {
        deadlineEpochMillis = System.currentTimeMillis() + TimeUnit.NANOSECONDS.toMillis(nanos - System.nanoTime());
        deadlineNanos = nanos;
        synchronized (waiters) {
            // the deadline of a cold start moves earlier when the runtime takes the invocation
            waiters.notifyAll();
        }
    }

    long deadlineNanos()
    {
        return deadlineNanos;
    }

    long deadlineEpochMillis()
    {
        return deadlineEpochMillis;
    }

    void delivered(long nanos)
    {
        deliveredNanos = nanos;
        delivered = true;
    }

    boolean isDelivered()
    {
        return delivered;
    }

    long deliveredNanos()
    {
        return deliveredNanos;
    }

    /** Sets how the invocation ended, unless something else already did; true when this call decided it. */
    boolean complete(Outcome ended)
    {
        boolean decided = outcome.complete(ended);
        synchronized (waiters) {
            waiters.notifyAll();
        }
        return decided;
    }

    boolean isDone()
    {
        return outcome.isDone();
    }

    /**
     * Waits until the invocation ends or its deadline passes; empty on the deadline. The deadline may move while it waits,
     * later or earlier (a cold start's runs from when the runtime takes the invocation).
     */
    Optional<Outcome> await()
            throws InterruptedException
    {
        synchronized (waiters) {
            while (!outcome.isDone()) {
                long remaining = deadlineNanos - System.nanoTime();
                if (remaining <= 0) {
                    return Optional.empty();
                }
                TimeUnit.NANOSECONDS.timedWait(waiters, remaining);
            }
        }
        return Optional.of(outcome.join());
    }

    Outcome outcome()
    {
        return outcome.join();
    }

    /** When the runner saw the invocation end; a time-out's message names this moment. */
    void endedAt(Instant at)
    {
        endedAt = at;
    }

    Instant endedAt()
    {
        return endedAt;
    }

    /** Whether its {@code START} line is in the log; true from then on. */
    synchronized boolean startLogged()
    {
        boolean logged = startLogged;
        startLogged = true;
        return logged;
    }

    /** Keeps a line of the invocation's log for {@link #logTail()}. */
    synchronized void logged(String message)
    {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        tail.addLast(bytes);
        tailSize += bytes.length;
        while (tailSize - tail.peekFirst().length >= TAIL_BYTES) {
            tailSize -= tail.removeFirst().length;
        }
    }

    /** The last 4 KB of the invocation's log, base64, as Lambda's {@code LogResult}. */
    synchronized String logTail()
    {
        byte[] all = new byte[tailSize];
        int at = 0;
        for (byte[] line : tail) {
            System.arraycopy(line, 0, all, at, line.length);
            at += line.length;
        }
        return Base64.getEncoder().encodeToString(Arrays.copyOfRange(all, Math.max(0, all.length - TAIL_BYTES), all.length));
    }
}
