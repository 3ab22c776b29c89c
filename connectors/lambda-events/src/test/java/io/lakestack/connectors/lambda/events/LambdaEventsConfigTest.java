package io.lakestack.connectors.lambda.events;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LambdaEventsConfigTest
{
    @Test
    void defaultsAreLambdas()
    {
        LambdaEventsConfig config = LambdaEventsConfig.fromProperties(Map.of(LambdaEventsConfig.KAFKA_BOOTSTRAP_SERVERS, "localhost:9092"));
        assertThat(config).isEqualTo(new LambdaEventsConfig("localhost:9092", "us-east-1", "000000000000", List.of(Duration.ofMinutes(1), Duration.ofMinutes(2)),
                8, 1000, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(1)));
        assertThat(config.streamTiming()).isEqualTo(ShardProcessor.Timing.LAMBDA);
        assertThat(config.asyncTiming()).isEqualTo(AsyncInvocations.Timing.LAMBDA);
    }

    @Test
    void everyKeyIsRead()
    {
        LambdaEventsConfig config = LambdaEventsConfig.fromProperties(Map.of(
                "lambda-events.kafka.bootstrap-servers", "k:1",
                "lambda-events.region", "eu-west-1",
                "lambda-events.account-id", "123456789012",
                "lambda-events.async.retry-delays", "PT0.1S, PT0.2S",
                "lambda-events.async.concurrency", "3",
                "lambda-events.async.maximum-pending", "50",
                "lambda-events.stream.retry-backoff", "PT0.05S",
                "lambda-events.stream.maximum-retry-backoff", "PT2S",
                "lambda-events.stream.window-close-delay", "PT0.5S"));
        assertThat(config).isEqualTo(new LambdaEventsConfig("k:1", "eu-west-1", "123456789012", List.of(Duration.ofMillis(100), Duration.ofMillis(200)), 3, 50,
                Duration.ofMillis(50), Duration.ofSeconds(2), Duration.ofMillis(500)));
    }

    @Test
    void errorsNameTheKey()
    {
        assertThatThrownBy(() -> LambdaEventsConfig.fromProperties(Map.of()))
                .hasMessage("lambda-events.kafka.bootstrap-servers is required");
        assertThatThrownBy(() -> LambdaEventsConfig.fromProperties(Map.of("lambda-events.kafka.bootstrap-servers", "k:1", "lambda-events.async.concurrency", "x")))
                .hasMessage("lambda-events.async.concurrency must be a whole number, not x");
        assertThatThrownBy(() -> LambdaEventsConfig.fromProperties(Map.of("lambda-events.kafka.bootstrap-servers", "k:1", "lambda-events.stream.retry-backoff", "1s")))
                .hasMessage("lambda-events.stream.retry-backoff must be an ISO-8601 duration such as PT1M, not 1s");
        assertThatThrownBy(() -> LambdaEventsConfig.fromProperties(Map.of("lambda-events.kafka.bootstrap-servers", "k:1", "lambda-events.async.retry-delays", "PT1M")))
                .hasMessage("lambda-events.async.retry-delays needs the two waits of Lambda's two retries, not [PT1M]");
        assertThatThrownBy(() -> LambdaEventsConfig.fromProperties(Map.of("lambda-events.kafka.bootstrap-servers", "k:1", "lambda-events.typo", "1")))
                .hasMessage("unknown setting lambda-events.typo");
    }

    @Test
    void asyncQueuesAreMatchedWithoutTheirDeadLetterTopics()
    {
        assertThat(AsyncInvocationWorker.QUEUES.matcher("lakestack.lambda.resize").matches()).isTrue();
        assertThat(AsyncInvocationWorker.QUEUES.matcher("lakestack.lambda.resize.prod").matches()).isTrue();
        assertThat(AsyncInvocationWorker.QUEUES.matcher("lakestack.lambda.resize.7").matches()).isTrue();
        assertThat(AsyncInvocationWorker.QUEUES.matcher("lakestack.lambda.resize.failed").matches()).isFalse();
        assertThat(AsyncInvocationWorker.QUEUES.matcher("lakestack.lambda.resize.prod.failed").matches()).isFalse();
        assertThat(AsyncInvocationWorker.QUEUES.matcher("lakestack.lambda-esm.6f0e3c52.failed").matches()).isFalse();
        assertThat(AsyncInvocationWorker.QUEUES.matcher("lakestack.sqs.resize").matches()).isFalse();
    }
}
