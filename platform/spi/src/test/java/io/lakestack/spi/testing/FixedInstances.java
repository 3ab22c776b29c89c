package io.lakestack.spi.testing;

import io.lakestack.spi.cluster.Instances;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * Instances for tests: this one is {@code self}, every instance holds its lease, and one leaves only when the test says
 * so ({@link #depart}).
 */
public final class FixedInstances
        implements Instances
{
    private final String self;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    public FixedInstances(String self)
    {
        this.self = requireNonNull(self, "self is null");
    }

    @Override
    public String self()
    {
        return self;
    }

    @Override
    public long leaseMillis()
    {
        return 15_000;
    }

    @Override
    public boolean holdsLease(String instanceId)
    {
        return true;
    }

    @Override
    public void onDeparture(Consumer<String> listener)
    {
        listeners.add(requireNonNull(listener, "listener is null"));
    }

    /** Tells the listeners that the instance has left. */
    public void depart(String instance)
    {
        listeners.forEach(listener -> listener.accept(instance));
    }
}
