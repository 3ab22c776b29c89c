package io.lakestack.connectors.eventbridge;

import io.lakestack.connectors.targets.SdkTargets;
import io.lakestack.connectors.targets.Targets;
import io.lakestack.spi.eventbridge.EventBuses;
import io.lakestack.spi.eventbridge.Rule;
import io.lakestack.spi.store.RecordStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

import static java.util.Objects.requireNonNull;

/**
 * EventBridge's rules on one lakestack instance (or in a process of its own, against AWS-compatible endpoints): a
 * {@link RuleWorker} per enabled rule, started, updated and stopped as the rules in the record store change. Every
 * instance runs a member of each rule's consumer group, so each rule is delivered independently of the others (a
 * failing target holds up only its own rule) and survives the loss of any instance.
 */
public final class RuleEngine
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(RuleEngine.class);

    private final RecordStore<Rule> rules;
    private final RuleEngineConfig config;
    private final TargetDelivery delivery;
    private final Map<String, RuleWorker> workers = new ConcurrentHashMap<>();
    private final ExecutorService changes = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "events-rules");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean closed;

    /**
     * @param rules the rules the EventBridge service keeps ({@value EventBuses#RULES_STORE})
     * @param targets {@link SdkTargets} in production
     */
    public RuleEngine(RecordStore<Rule> rules, RuleEngineConfig config, Targets targets, Clock clock)
    {
        this.rules = requireNonNull(rules, "rules is null");
        this.config = requireNonNull(config, "config is null");
        requireNonNull(targets, "targets is null");
        requireNonNull(clock, "clock is null");
        this.delivery = new TargetDelivery(targets, config, clock, this::sleep);
    }

    /** Follows the rules from now on, and delivers for every enabled one there is. */
    public RuleEngine start()
    {
        rules.subscribe((key, rule) -> changes.execute(() -> apply(key, rule)));
        changes.execute(() -> rules.all().forEach((key, rule) -> apply(key, Optional.of(rule))));
        return this;
    }

    /** The rules (bus/name) this instance delivers for. */
    public List<String> delivered()
    {
        return List.copyOf(new TreeSet<>(workers.keySet()));
    }

    private void apply(String key, Optional<Rule> rule)
    {
        if (closed) {
            return;
        }
        RuleWorker running = workers.get(key);
        boolean wanted = rule.isPresent() && rule.get().enabled()
                && (rule.get().eventPattern().isPresent() || rule.get().scheduleExpression().isPresent());
        if (running != null && (!wanted || !running.group().equals(EventBuses.consumerGroup(rule.get())))) {
            workers.remove(key);
            running.close();
            running = null;
            log.info("EventBridge rule {} stopped ({})", key, rule.isEmpty() ? "deleted" : rule.get().enabled() ? "enabled anew" : "disabled");
        }
        if (!wanted) {
            return;
        }
        try {
            if (running != null) {
                running.update(rule.get());
                return;
            }
            workers.put(key, new RuleWorker(rule.get(), config, delivery).start());
            log.info("EventBridge rule {} delivers to {} target(s)", rule.get().arn(), rule.get().targets().size());
        }
        catch (IllegalArgumentException e) {
            log.error("EventBridge rule {}: its event pattern no longer reads ({}); the rule does not deliver", key, e.getMessage());
        }
    }

    private boolean sleep(Duration duration, BooleanSupplier running)
    {
        long until = System.nanoTime() + duration.toNanos();
        while (!closed && running.getAsBoolean() && System.nanoTime() < until) {
            try {
                Thread.sleep(Math.max(1, Math.min(100, (until - System.nanoTime()) / 1_000_000)));
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !closed && running.getAsBoolean();
    }

    @Override
    public void close()
    {
        closed = true;
        changes.shutdownNow();
        List<RuleWorker> running = new ArrayList<>(workers.values());
        workers.clear();
        running.parallelStream().forEach(RuleWorker::close);
    }
}
