package io.lakestack.backends.kafka;

import io.lakestack.spi.cluster.Instances;
import io.lakestack.spi.store.RecordStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * Instances as leases in the record store {@value #STORE}: each instance writes its lease when it starts and renews
 * it every third of its lease period; a clean stop deletes it. An instance whose lease has not been renewed for a
 * whole period (the period it declared), as this instance observed it with its own clock, is taken for gone: its departure is reported and its
 * lease deleted. Observing renewals rather than comparing timestamps keeps clocks of other machines out of it; the
 * price is that an instance that starts waits one lease period before it takes an earlier, silent instance for gone.
 */
public final class KafkaInstances
        implements Instances, AutoCloseable
{
    public static final String STORE = "instances";
    public static final long DEFAULT_LEASE_MILLIS = 15_000;
    private static final Logger log = LoggerFactory.getLogger(KafkaInstances.class);

    /**
     * An instance's lease.
     *
     * @param renewals how many times the lease was renewed: a change tells the others the instance is alive
     */
    public record Lease(String id, String host, long pid, long startedMillis, long renewals, long leaseMillis)
    {
        public Lease
        {
            requireNonNull(id, "id is null");
            requireNonNull(host, "host is null");
        }

        Lease renewed()
        {
            return new Lease(id, host, pid, startedMillis, renewals + 1, leaseMillis);
        }
    }

    /** When this instance last saw another's lease change, and how long that lease lasts. */
    private record Observation(long renewals, long observedMillis, long leaseMillis)
    {
    }

    private final RecordStore<Lease> leases;
    private final Clock clock;
    private final long leaseMillis;
    private final String self;
    private final Map<String, Observation> observed = new ConcurrentHashMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer;
    private volatile Lease lease;
    private volatile boolean closed;

    public KafkaInstances(RecordStore<Lease> leases, Clock clock, long leaseMillis)
    {
        this.leases = requireNonNull(leases, "leases is null");
        this.clock = requireNonNull(clock, "clock is null");
        if (leaseMillis < 1_000) {
            throw new IllegalArgumentException("a lease lasts at least 1000 ms, not " + leaseMillis);
        }
        this.leaseMillis = leaseMillis;
        this.self = UUID.randomUUID().toString();
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "lakestack-instance-leases");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Writes this instance's lease and starts renewing it and watching the others'. */
    public KafkaInstances start()
    {
        leases.subscribe(this::changed);
        long now = clock.millis();
        leases.all().forEach((id, existing) -> observed.put(id, new Observation(existing.renewals(), now, existing.leaseMillis())));
        lease = new Lease(self, hostName(), ProcessHandle.current().pid(), now, 0, leaseMillis);
        leases.put(self, lease);
        long renewEvery = leaseMillis / 3;
        timer.scheduleWithFixedDelay(this::tick, renewEvery, renewEvery, TimeUnit.MILLISECONDS);
        log.info("lakestack instance {} holds a lease of {} ms", self, leaseMillis);
        return this;
    }

    private void changed(String id, Optional<Lease> changed)
    {
        if (changed.isPresent()) {
            observed.put(id, new Observation(changed.get().renewals(), clock.millis(), changed.get().leaseMillis()));
        }
        else if (observed.remove(id) != null && !id.equals(self)) {
            // a clean stop, or another instance found it gone and deleted its lease
            timer.execute(() -> depart(id, "left"));
        }
    }

    /** Renews this instance's lease and finds the instances whose leases ran out. */
    void tick()
    {
        if (closed) {
            return;
        }
        try {
            lease = lease.renewed();
            leases.put(self, lease);
        }
        catch (RuntimeException e) {
            log.warn("cannot renew the lease of instance {}: {}", self, e.toString());
        }
        long now = clock.millis();
        observed.forEach((id, observation) -> {
            if (!id.equals(self) && now - observation.observedMillis() > observation.leaseMillis()) {
                log.warn("lakestack instance {} has not renewed its lease for {} ms; taking it for gone", id, now - observation.observedMillis());
                observed.remove(id);
                depart(id, "lease ran out");
                leases.delete(id);
            }
        });
    }

    private void depart(String id, String how)
    {
        log.info("lakestack instance {} is gone ({}); recovering the work it left", id, how);
        for (Consumer<String> listener : listeners) {
            try {
                listener.accept(id);
            }
            catch (RuntimeException e) {
                log.error("recovering the work of instance {} failed", id, e);
            }
        }
    }

    @Override
    public String self()
    {
        return self;
    }

    @Override
    public long leaseMillis()
    {
        return leaseMillis;
    }

    @Override
    public boolean holdsLease(String instanceId)
    {
        return instanceId.equals(self) || leases.get(instanceId).isPresent();
    }

    @Override
    public void onDeparture(Consumer<String> listener)
    {
        listeners.add(requireNonNull(listener, "listener is null"));
    }

    private static String hostName()
    {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        }
        catch (java.io.IOException e) {
            return "localhost";
        }
    }

    /** Leaves cleanly: the lease is deleted, and the other instances learn at once that this one is gone. */
    @Override
    public void close()
    {
        closed = true;
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            leases.delete(self);
        }
        catch (RuntimeException e) {
            log.warn("cannot delete the lease of instance {}: {}", self, e.toString());
        }
    }
}
