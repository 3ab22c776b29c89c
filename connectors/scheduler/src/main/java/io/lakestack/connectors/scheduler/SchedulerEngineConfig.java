package io.lakestack.connectors.scheduler;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * Settings of the scheduler's firing engine.
 *
 * @param kafkaBootstrapServers the Kafka the engine's topics are on
 * @param partitions how many partitions the topic of fired occurrences has: the unit of ownership (a schedule belongs
 *         to one, by its key), so the most instances that share the firing work
 * @param grace how late an occurrence may still be fired by an instance that just took its schedule over (default
 *         one minute): one missed while its previous owner died is fired; one missed while lakestack was down is not
 * @param tick how often the owner looks for due occurrences (default 200 ms): how late, at most, an occurrence fires
 * @param firstRetryDelay the wait before the first retry of a failed delivery (default 1 s); each next one waits twice
 *         as long, up to {@code maximumRetryDelay} (default 1 minute)
 */
public record SchedulerEngineConfig(String kafkaBootstrapServers, int partitions, Duration grace, Duration tick, Duration firstRetryDelay,
        Duration maximumRetryDelay)
{
    public static final String FIRED_TOPIC = "lakestack.scheduler.fired";
    public static final String INVOCATIONS_TOPIC = "lakestack.scheduler.invocations";
    /** Where an invocation goes when it could not be delivered and has no dead-letter queue (or that failed too). */
    public static final String UNDELIVERED_TOPIC = "lakestack.scheduler.undelivered";
    public static final String OWNER_GROUP = "lakestack.scheduler";
    public static final String DELIVERY_GROUP = "lakestack.scheduler.delivery";

    public SchedulerEngineConfig
    {
        requireNonNull(kafkaBootstrapServers, "kafkaBootstrapServers is null");
        requireNonNull(grace, "grace is null");
        requireNonNull(tick, "tick is null");
        requireNonNull(firstRetryDelay, "firstRetryDelay is null");
        requireNonNull(maximumRetryDelay, "maximumRetryDelay is null");
        if (kafkaBootstrapServers.isBlank()) {
            throw new IllegalArgumentException("the Kafka bootstrap servers are required");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, not " + partitions);
        }
        if (grace.isNegative() || tick.isNegative() || tick.isZero() || firstRetryDelay.isNegative() || maximumRetryDelay.compareTo(firstRetryDelay) < 0) {
            throw new IllegalArgumentException("grace and delays must not be negative, tick must be positive and maximumRetryDelay at least firstRetryDelay");
        }
    }

    public static SchedulerEngineConfig defaults(String kafkaBootstrapServers)
    {
        return new SchedulerEngineConfig(kafkaBootstrapServers, 8, Duration.ofMinutes(1), Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofMinutes(1));
    }

    /** The transactional id of the producer that fires the schedules of one partition: a new owner fences the old. */
    static String transactionalId(int partition)
    {
        return OWNER_GROUP + ".fire." + partition;
    }

    /** The partition a schedule belongs to, by its key (the same on every instance). */
    int partition(String scheduleKey)
    {
        return Math.floorMod(scheduleKey.hashCode(), partitions);
    }
}
