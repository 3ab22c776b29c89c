package io.lakestack.connectors.sns;

import java.net.URI;
import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * Settings of the SNS fan-out.
 *
 * @param kafkaBootstrapServers the Kafka the topics' messages are on
 * @param endpoint the SNS endpoint the {@code SubscribeURL} and {@code UnsubscribeURL} of notifications point at
 *         (lakestack's endpoint)
 * @param retries how often a failed delivery is retried before the message goes to the subscription's dead-letter
 *         queue (default 3, as SNS's default delivery policy for HTTP: {@code numRetries} 3)
 * @param retryDelay the wait before each retry (default 20 s: that policy's {@code minDelayTarget} and
 *         {@code maxDelayTarget}, linear)
 */
public record SnsFanOutConfig(String kafkaBootstrapServers, URI endpoint, int retries, Duration retryDelay)
{
    public SnsFanOutConfig
    {
        requireNonNull(kafkaBootstrapServers, "kafkaBootstrapServers is null");
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(retryDelay, "retryDelay is null");
        if (kafkaBootstrapServers.isBlank()) {
            throw new IllegalArgumentException("the Kafka bootstrap servers are required");
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be at least 0, not " + retries);
        }
        if (retryDelay.isNegative()) {
            throw new IllegalArgumentException("retryDelay must not be negative, not " + retryDelay);
        }
    }

    /** SNS's default delivery policy for HTTP: 3 retries, 20 s apart. */
    public static SnsFanOutConfig defaults(String kafkaBootstrapServers, URI endpoint)
    {
        return new SnsFanOutConfig(kafkaBootstrapServers, endpoint, 3, Duration.ofSeconds(20));
    }
}
