package io.lakestack.connectors.sns;

import io.lakestack.spi.sns.Subscription;
import io.lakestack.spi.store.RecordStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static java.util.Objects.requireNonNull;

/**
 * SNS's fan-out on one lakestack instance (or in a process of its own, against AWS-compatible endpoints): a
 * {@link SubscriptionWorker} per subscription, started, updated and stopped as the subscriptions in the record store
 * change. Every instance runs a member of each subscription's consumer group, so each subscription is delivered
 * independently of the others and survives the loss of any instance.
 */
public final class SnsFanOut
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(SnsFanOut.class);

    private final RecordStore<Subscription> subscriptions;
    private final SnsFanOutConfig config;
    private final Deliveries deliveries;
    private final Clock clock;
    private final Map<String, SubscriptionWorker> workers = new ConcurrentHashMap<>();
    private final ExecutorService changes = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "sns-subscriptions");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean closed;

    /**
     * @param subscriptions the subscriptions the SNS service keeps ({@code sns.subscriptions})
     * @param deliveries {@link SdkDeliveries} in production
     */
    public SnsFanOut(RecordStore<Subscription> subscriptions, SnsFanOutConfig config, SdkDeliveries deliveries, Clock clock)
    {
        this(subscriptions, config, (Deliveries) deliveries, clock);
    }

    SnsFanOut(RecordStore<Subscription> subscriptions, SnsFanOutConfig config, Deliveries deliveries, Clock clock)
    {
        this.subscriptions = requireNonNull(subscriptions, "subscriptions is null");
        this.config = requireNonNull(config, "config is null");
        this.deliveries = requireNonNull(deliveries, "deliveries is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Follows the subscriptions from now on, and delivers to every one there is. */
    public SnsFanOut start()
    {
        subscriptions.subscribe((arn, subscription) -> changes.execute(() -> apply(arn, subscription)));
        changes.execute(() -> subscriptions.all().forEach((arn, subscription) -> apply(arn, Optional.of(subscription))));
        return this;
    }

    /** The subscriptions this instance delivers to. */
    public List<String> delivered()
    {
        return List.copyOf(new TreeSet<>(workers.keySet()));
    }

    private void apply(String arn, Optional<Subscription> subscription)
    {
        if (closed) {
            return;
        }
        SubscriptionWorker running = workers.get(arn);
        if (subscription.isEmpty()) {
            if (running != null) {
                workers.remove(arn);
                running.close();
                log.info("SNS subscription {} deleted", arn);
            }
            return;
        }
        if (running != null) {
            running.update(subscription.get());
            return;
        }
        workers.put(arn, new SubscriptionWorker(subscription.get(), config, deliveries, clock).start());
        log.info("SNS subscription {}: {} -> {} {}", arn, subscription.get().topicArn(), subscription.get().protocol(), subscription.get().endpoint());
    }

    @Override
    public void close()
    {
        closed = true;
        changes.shutdownNow();
        List<SubscriptionWorker> running = new ArrayList<>(workers.values());
        workers.clear();
        running.parallelStream().forEach(SubscriptionWorker::close);
    }
}
