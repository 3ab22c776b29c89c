package io.lakestack.connectors.lambda.events;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Settings of the pollers and the asynchronous invocation worker. Lambda's own timings are the defaults; tests shorten
 * them.
 *
 * @param kafkaBootstrapServers lakestack's Kafka: the Kinesis record logs, the asynchronous queues, the destinations'
 *         topics ({@value #KAFKA_BOOTSTRAP_SERVERS}, required)
 * @param region the region of the function ARNs built from a queue's name ({@value #REGION}, default {@code us-east-1})
 * @param accountId the account of those ARNs ({@value #ACCOUNT_ID}, default {@code 000000000000})
 * @param asyncRetryDelays the waits before the retries of a failed asynchronous invocation ({@value #ASYNC_RETRY_DELAYS},
 *         default {@code PT1M,PT2M}: Lambda's one minute, then two)
 * @param asyncConcurrency asynchronous invocations run at once by one worker ({@value #ASYNC_CONCURRENCY}, default 8)
 * @param asyncMaximumPending events a worker takes before it pauses its queues ({@value #ASYNC_MAXIMUM_PENDING}, default 1000)
 * @param streamRetryBackoff the wait before retrying a failed batch, doubled for each further retry
 *         ({@value #STREAM_RETRY_BACKOFF}, default {@code PT1S})
 * @param streamMaximumRetryBackoff the longest wait between retries of a batch ({@value #STREAM_MAXIMUM_RETRY_BACKOFF},
 *         default {@code PT30S})
 * @param windowCloseDelay how long after a tumbling window's end its final invocation waits for late records
 *         ({@value #WINDOW_CLOSE_DELAY}, default {@code PT1S})
 */
public record LambdaEventsConfig(String kafkaBootstrapServers, String region, String accountId, List<Duration> asyncRetryDelays, int asyncConcurrency,
        int asyncMaximumPending, Duration streamRetryBackoff, Duration streamMaximumRetryBackoff, Duration windowCloseDelay)
{
    public static final String KAFKA_BOOTSTRAP_SERVERS = "lambda-events.kafka.bootstrap-servers";
    public static final String REGION = "lambda-events.region";
    public static final String ACCOUNT_ID = "lambda-events.account-id";
    public static final String ASYNC_RETRY_DELAYS = "lambda-events.async.retry-delays";
    public static final String ASYNC_CONCURRENCY = "lambda-events.async.concurrency";
    public static final String ASYNC_MAXIMUM_PENDING = "lambda-events.async.maximum-pending";
    public static final String STREAM_RETRY_BACKOFF = "lambda-events.stream.retry-backoff";
    public static final String STREAM_MAXIMUM_RETRY_BACKOFF = "lambda-events.stream.maximum-retry-backoff";
    public static final String WINDOW_CLOSE_DELAY = "lambda-events.stream.window-close-delay";
    private static final Set<String> KEYS = Set.of(KAFKA_BOOTSTRAP_SERVERS, REGION, ACCOUNT_ID, ASYNC_RETRY_DELAYS, ASYNC_CONCURRENCY, ASYNC_MAXIMUM_PENDING,
            STREAM_RETRY_BACKOFF, STREAM_MAXIMUM_RETRY_BACKOFF, WINDOW_CLOSE_DELAY);

    public LambdaEventsConfig
    {
        requireNonNull(kafkaBootstrapServers, "kafkaBootstrapServers is null");
        requireNonNull(region, "region is null");
        requireNonNull(accountId, "accountId is null");
        asyncRetryDelays = List.copyOf(asyncRetryDelays);
        requireNonNull(streamRetryBackoff, "streamRetryBackoff is null");
        requireNonNull(streamMaximumRetryBackoff, "streamMaximumRetryBackoff is null");
        requireNonNull(windowCloseDelay, "windowCloseDelay is null");
        if (kafkaBootstrapServers.isBlank()) {
            throw new IllegalArgumentException(KAFKA_BOOTSTRAP_SERVERS + " is required");
        }
        if (asyncRetryDelays.size() != 2) {
            throw new IllegalArgumentException(ASYNC_RETRY_DELAYS + " needs the two waits of Lambda's two retries, not " + asyncRetryDelays);
        }
        if (asyncConcurrency < 1) {
            throw new IllegalArgumentException(ASYNC_CONCURRENCY + " must be at least 1, not " + asyncConcurrency);
        }
        if (asyncMaximumPending < 1) {
            throw new IllegalArgumentException(ASYNC_MAXIMUM_PENDING + " must be at least 1, not " + asyncMaximumPending);
        }
    }

    /** Lambda's timings, on the given Kafka. */
    public static LambdaEventsConfig defaults(String kafkaBootstrapServers)
    {
        return new LambdaEventsConfig(kafkaBootstrapServers, "us-east-1", "000000000000", List.of(Duration.ofMinutes(1), Duration.ofMinutes(2)), 8, 1000,
                Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(1));
    }

    /**
     * The settings the keys give (durations in ISO-8601, {@code PT1M}), defaults for the others.
     *
     * @throws IllegalArgumentException naming the key that is unknown or not valid
     */
    public static LambdaEventsConfig fromProperties(Map<String, String> properties)
    {
        for (String key : properties.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown setting " + key);
            }
        }
        LambdaEventsConfig defaults = defaults(properties.getOrDefault(KAFKA_BOOTSTRAP_SERVERS, ""));
        List<Duration> delays = new ArrayList<>();
        if (properties.containsKey(ASYNC_RETRY_DELAYS)) {
            for (String delay : properties.get(ASYNC_RETRY_DELAYS).split(",")) {
                delays.add(duration(ASYNC_RETRY_DELAYS, delay.trim()));
            }
        }
        return new LambdaEventsConfig(defaults.kafkaBootstrapServers(), properties.getOrDefault(REGION, defaults.region()),
                properties.getOrDefault(ACCOUNT_ID, defaults.accountId()), properties.containsKey(ASYNC_RETRY_DELAYS) ? delays : defaults.asyncRetryDelays(),
                integer(properties, ASYNC_CONCURRENCY, defaults.asyncConcurrency()), integer(properties, ASYNC_MAXIMUM_PENDING, defaults.asyncMaximumPending()),
                duration(properties, STREAM_RETRY_BACKOFF, defaults.streamRetryBackoff()),
                duration(properties, STREAM_MAXIMUM_RETRY_BACKOFF, defaults.streamMaximumRetryBackoff()),
                duration(properties, WINDOW_CLOSE_DELAY, defaults.windowCloseDelay()));
    }

    private static int integer(Map<String, String> properties, String key, int fallback)
    {
        String value = properties.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        }
        catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, not " + value, e);
        }
    }

    private static Duration duration(Map<String, String> properties, String key, Duration fallback)
    {
        return properties.containsKey(key) ? duration(key, properties.get(key).trim()) : fallback;
    }

    private static Duration duration(String key, String value)
    {
        try {
            return Duration.parse(value);
        }
        catch (DateTimeParseException e) {
            throw new IllegalArgumentException(key + " must be an ISO-8601 duration such as PT1M, not " + value, e);
        }
    }

    ShardProcessor.Timing streamTiming()
    {
        return new ShardProcessor.Timing(streamRetryBackoff, streamMaximumRetryBackoff, windowCloseDelay, ShardProcessor.Timing.LAMBDA.kafkaDefaultBatchingWindow(),
                ShardProcessor.Timing.LAMBDA.payloadLimit(), ShardProcessor.Timing.LAMBDA.stateLimit());
    }

    AsyncInvocations.Timing asyncTiming()
    {
        return new AsyncInvocations.Timing(asyncRetryDelays, AsyncInvocations.Timing.LAMBDA.firstThrottleBackoff(),
                AsyncInvocations.Timing.LAMBDA.maximumThrottleBackoff(), AsyncInvocations.Timing.LAMBDA.firstDeliveryBackoff());
    }
}
