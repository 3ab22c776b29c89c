package io.lakestack.connectors.eventbridge;

import io.lakestack.spi.testing.ManualClock;
import io.lakestack.connectors.targets.TargetCall;
import io.lakestack.connectors.targets.TargetException;
import io.lakestack.connectors.targets.Targets;
import io.lakestack.spi.eventbridge.Rule;
import io.lakestack.spi.eventbridge.Target;
import io.lakestack.spi.json.JsonText;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Retries with backoff, the retry policy's two limits, and the dead-letter queue's message, on a controlled clock. */
class TargetDeliveryTest
{
    private static final String EVENT = "{\"id\":\"e-1\",\"source\":\"app\",\"detail\":{\"k\":\"v\"}}";
    private static final String QUEUE = "arn:aws:sqs:us-east-1:000000000000:q";
    private static final String DLQ = "arn:aws:sqs:us-east-1:000000000000:dlq";
    private static final Rule RULE = new Rule("r", "default", "arn:aws:events:us-east-1:000000000000:rule/r", Optional.of("{\"source\":[\"app\"]}"),
            Optional.empty(), Rule.State.ENABLED, Optional.empty(), Optional.empty(), Map.of(), List.of(), 0, 0);

    /** Fails the first {@code failures} calls to the target with {@code error}; the dead-letter queue always takes. */
    private static final class FakeTargets
            implements Targets
    {
        final List<TargetCall> calls = new ArrayList<>();
        final List<TargetCall> deadLetters = new ArrayList<>();
        int failures;
        TargetException error;

        @Override
        public void deliver(TargetCall call)
                throws TargetException
        {
            if (call.arn().equals(DLQ)) {
                deadLetters.add(call);
                return;
            }
            calls.add(call);
            if (failures > 0) {
                failures--;
                throw error;
            }
        }
    }

    private final ManualClock clock = new ManualClock(0);
    private final FakeTargets targets = new FakeTargets();
    private final List<Duration> sleeps = new ArrayList<>();
    private final TargetDelivery delivery = new TargetDelivery(targets, new RuleEngineConfig("kafka:9092", Duration.ofSeconds(1), Duration.ofSeconds(5)),
            clock, (duration, running) -> {
                sleeps.add(duration);
                clock.advance(duration);
                return true;
            });

    private static Target target(int retries, int ageSeconds, Optional<String> deadLetter)
    {
        return new Target("t", QUEUE, Optional.empty(), Optional.empty(), Optional.of("$.detail"), Optional.empty(),
                new Target.RetryPolicy(retries, ageSeconds), deadLetter, Optional.of("group"), Optional.empty());
    }

    private TargetDelivery.Outcome deliver(Target target)
    {
        return delivery.deliver(RULE, target, EVENT, JsonText.parse(EVENT), "e-1", 0, () -> true);
    }

    @Test
    void deliversTheTargetsInput()
    {
        assertThat(deliver(target(185, 86_400, Optional.empty()))).isEqualTo(TargetDelivery.Outcome.DELIVERED);
        assertThat(targets.calls).containsExactly(new TargetCall(QUEUE, "{\"k\":\"v\"}", Optional.of("group"), Optional.empty(), Optional.empty(),
                Map.of()));
        assertThat(sleeps).isEmpty();
    }

    @Test
    void retriesWithDoublingBackoffThenSucceeds()
    {
        targets.failures = 4;
        targets.error = new TargetException("ServiceUnavailable", "down", true, null);
        assertThat(deliver(target(185, 86_400, Optional.empty()))).isEqualTo(TargetDelivery.Outcome.DELIVERED);
        assertThat(targets.calls).hasSize(5);
        assertThat(sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(5));
    }

    @Test
    void exhaustedRetryAttemptsGoToTheDeadLetterQueue()
    {
        targets.failures = 10;
        targets.error = new TargetException("ThrottlingException", "slow down", true, null);
        assertThat(deliver(target(2, 86_400, Optional.of(DLQ)))).isEqualTo(TargetDelivery.Outcome.DEAD_LETTERED);
        assertThat(targets.calls).hasSize(3);
        assertThat(targets.deadLetters).containsExactly(new TargetCall(DLQ, EVENT, Optional.empty(), Optional.empty(), Optional.empty(), Map.of(
                "RULE_ARN", RULE.arn(), "TARGET_ARN", QUEUE, "ERROR_CODE", "THROTTLING", "ERROR_MESSAGE", "slow down",
                "EXHAUSTED_RETRY_CONDITION", "MaximumRetryAttempts", "RETRY_ATTEMPTS", "2")));
    }

    @Test
    void exhaustedEventAgeGoesToTheDeadLetterQueue()
    {
        targets.failures = 100;
        targets.error = new TargetException("SdkClientException", "unreachable", true, null);
        // 1 + 2 + 4 + 5 * 10 = 57 s of waits fit into 60 s; the next 5 s would not
        assertThat(deliver(target(185, 60, Optional.of(DLQ)))).isEqualTo(TargetDelivery.Outcome.DEAD_LETTERED);
        assertThat(targets.calls).hasSize(14);
        assertThat(targets.deadLetters.get(0).messageAttributes()).isEqualTo(Map.of("RULE_ARN", RULE.arn(), "TARGET_ARN", QUEUE,
                "ERROR_CODE", "SDK_CLIENT_ERROR", "ERROR_MESSAGE", "unreachable", "EXHAUSTED_RETRY_CONDITION", "MaximumEventAgeInSeconds",
                "RETRY_ATTEMPTS", "13"));
    }

    @Test
    void errorsThatCannotBeRetriedGoStraightToTheDeadLetterQueueOrAreDropped()
    {
        targets.failures = 1;
        targets.error = new TargetException("AWS.SimpleQueueService.NonExistentQueue", "no queue", false, null);
        assertThat(deliver(target(185, 86_400, Optional.of(DLQ)))).isEqualTo(TargetDelivery.Outcome.DEAD_LETTERED);
        assertThat(targets.deadLetters.get(0).messageAttributes()).isEqualTo(Map.of("RULE_ARN", RULE.arn(), "TARGET_ARN", QUEUE,
                "ERROR_CODE", "RESOURCE_NOT_FOUND", "ERROR_MESSAGE", "no queue", "RETRY_ATTEMPTS", "0"));
        targets.failures = 1;
        assertThat(deliver(target(185, 86_400, Optional.empty()))).isEqualTo(TargetDelivery.Outcome.DROPPED);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void stopsWhenTheWorkerStops()
    {
        targets.failures = 1;
        targets.error = new TargetException("ServiceUnavailable", "down", true, null);
        TargetDelivery stopping = new TargetDelivery(targets, RuleEngineConfig.defaults("kafka:9092"), clock, (duration, running) -> false);
        assertThat(stopping.deliver(RULE, target(185, 86_400, Optional.of(DLQ)), EVENT, JsonText.parse(EVENT), "e-1", 0, () -> true))
                .isEqualTo(TargetDelivery.Outcome.STOPPED);
        assertThat(targets.deadLetters).isEmpty();
    }
}
