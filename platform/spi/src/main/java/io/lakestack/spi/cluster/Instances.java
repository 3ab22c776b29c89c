package io.lakestack.spi.cluster;

import java.util.function.Consumer;

/**
 * The lakestack instances (endpoints) that share one set of engines. Each has an id, new at every start. Work an
 * instance runs itself (an Athena query, a crawl) is recorded with its id as the owner; only the owner changes that
 * work's state while it lives, and when it is gone the others end the work it left.
 *
 * <p>What a caller may rely on: an instance that stops cleanly leaves at once; one that stops without a word (kill -9,
 * a lost machine) is taken for gone once it has not renewed its lease for {@link #leaseMillis()} as this instance
 * observed it, so a slow clock on another machine never makes a live instance look gone. Every departure is reported
 * to every listener of every instance that sees it; a listener must therefore be idempotent.
 */
public interface Instances
{
    /** This instance's id. */
    String self();

    /** How long an instance may go without renewing its lease before the others take it for gone. */
    long leaseMillis();

    /**
     * Whether the instance still holds a lease: it is running, or stopped without a word less than a lease period
     * ago. Work owned by an instance without a lease is left over from one that is gone.
     */
    boolean holdsLease(String instanceId);

    /**
     * Calls the listener with the id of each instance that leaves from now on (cleanly, or by letting its lease run
     * out), on a thread of the registry's. For an instance whose lease ran out the listener is called before its lease
     * is deleted ({@link #holdsLease} still says true); an instance that leaves cleanly has deleted its lease itself.
     */
    void onDeparture(Consumer<String> listener);
}
