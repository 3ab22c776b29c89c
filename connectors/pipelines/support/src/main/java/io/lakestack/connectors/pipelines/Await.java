package io.lakestack.connectors.pipelines;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for a deployed resource to reach a state, as a deployment script polls. */
public final class Await
{
    private Await()
    {
    }

    /** Waits until the condition holds, checking every 200 ms; fails at the timeout naming what it waited for. */
    public static void until(String what, Duration timeout, BooleanSupplier condition)
            throws InterruptedException
    {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout + " waiting for the " + what);
            }
            Thread.sleep(200);
        }
    }
}
