package io.lakestack.connectors.eventbridge;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * Settings of the EventBridge rule engine.
 *
 * @param kafkaBootstrapServers the Kafka the buses' events are on
 * @param firstRetryDelay the wait before a failed delivery's first retry; each next wait doubles, up to
 *         {@code maximumRetryDelay} (EventBridge backs off exponentially; default 1 s)
 * @param maximumRetryDelay the longest wait between two attempts (default 3 minutes)
 */
public record RuleEngineConfig(String kafkaBootstrapServers, Duration firstRetryDelay, Duration maximumRetryDelay)
{
    public RuleEngineConfig
    {
        requireNonNull(kafkaBootstrapServers, "kafkaBootstrapServers is null");
        requireNonNull(firstRetryDelay, "firstRetryDelay is null");
        requireNonNull(maximumRetryDelay, "maximumRetryDelay is null");
        if (kafkaBootstrapServers.isBlank()) {
            throw new IllegalArgumentException("the Kafka bootstrap servers are required");
        }
        if (firstRetryDelay.isNegative() || maximumRetryDelay.compareTo(firstRetryDelay) < 0) {
            throw new IllegalArgumentException("the retry delays must be 0 or more, the first at most the maximum: " + firstRetryDelay + ", "
                    + maximumRetryDelay);
        }
    }

    public static RuleEngineConfig defaults(String kafkaBootstrapServers)
    {
        return new RuleEngineConfig(kafkaBootstrapServers, Duration.ofSeconds(1), Duration.ofMinutes(3));
    }
}
