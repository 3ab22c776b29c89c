package io.lakestack.connectors.lambda.events;

import io.lakestack.spi.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class AsyncInvocationsTest
{
    private static final Instant START = Instant.parse("2024-05-01T10:00:00Z");
    private static final String FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:resize";
    private static final String QUEUE = "arn:aws:sqs:us-east-1:123456789012:results";
    private static final String PAYLOAD = "{\"order\":17}";

    private final ManualClock clock = new ManualClock(START);
    private final FakeInvoker invoker = new FakeInvoker(clock);
    private final FakeFunctionSettings settings = new FakeFunctionSettings();
    private final FakeDestinations destinations = new FakeDestinations();
    private final AsyncInvocations invocations = new AsyncInvocations(invoker, settings, new DestinationRouter(destinations, clock, ShardHarness.counter()),
            "us-east-1", "123456789012", clock, ShardHarness.counter(), new AsyncInvocations.Timing(List.of(Duration.ofMinutes(1), Duration.ofMinutes(2)),
            Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofSeconds(1)));
    private long offset;

    private void queue(String topic, Map<String, String> headers)
    {
        invocations.accept(new AsyncInvocations.QueuedEvent(topic, 0, offset++, clock.millis(), PAYLOAD.getBytes(StandardCharsets.UTF_8), headers));
    }

    private void invoked(String requestId)
    {
        queue("lakestack.lambda.resize", Map.of("lakestack.request-id", requestId, "lakestack.invoked-arn", FUNCTION));
    }

    private void runFor(Duration limit)
    {
        long end = clock.millis() + limit.toMillis();
        while (true) {
            for (AsyncInvocations.Event event : invocations.due()) {
                event.run();
            }
            long next = invocations.nextDueAt();
            if (next > end) {
                clock.set(end);
                return;
            }
            clock.set(Math.max(next, clock.millis()));
        }
    }

    private List<Long> callTimes()
    {
        return invoker.calls().stream().map(call -> call.atMillis() - START.toEpochMilli()).toList();
    }

    @Test
    void invokesWithTheRequestIdOfTheQueuedInvocationAndRecordsTheSuccess()
    {
        settings.configs.put("resize", new FunctionSettings.EventInvokeConfig(2, 3600, Optional.of(QUEUE), Optional.empty()));
        invoker.answering((call, number) -> "{\"width\":100}");
        invoked("req-1");
        runFor(Duration.ofSeconds(1));
        assertThat(invoker.calls()).singleElement().satisfies(call -> {
            assertThat(call.functionArn()).isEqualTo(FUNCTION);
            assertThat(call.requestId()).contains("req-1");
            assertThat(new String(call.payload(), StandardCharsets.UTF_8)).isEqualTo(PAYLOAD);
        });
        assertThat(destinations.published()).singleElement().satisfies(message -> {
            assertThat(message.topic()).isEqualTo("lakestack.sqs.results");
            assertThat(message.key()).isEqualTo("req-1");
            assertThat(message.value()).isEqualTo("{\"version\":\"1.0\",\"timestamp\":\"2024-05-01T10:00:00.000Z\","
                    + "\"requestContext\":{\"requestId\":\"req-1\",\"functionArn\":\"" + FUNCTION + ":$LATEST\",\"condition\":\"Success\","
                    + "\"approximateInvokeCount\":1},\"requestPayload\":{\"order\":17},"
                    + "\"responseContext\":{\"statusCode\":200,\"executedVersion\":\"$LATEST\"},\"responsePayload\":{\"width\":100}}");
        });
        assertThat(invocations.position("lakestack.lambda.resize", 0)).hasValue(1);
    }

    @Test
    void s3NotificationGetsANewRequestIdAndInvokesTheQualifierItsTopicNames()
    {
        invoker.answering((call, number) -> "null");
        queue("lakestack.lambda.resize.prod", Map.of());
        runFor(Duration.ofSeconds(1));
        assertThat(invoker.calls()).singleElement().satisfies(call -> {
            assertThat(call.functionArn()).isEqualTo(FUNCTION + ":prod");
            assertThat(call.requestId()).contains("00000000-0000-0000-0000-000000000001");
        });
        assertThat(settings.lookups).containsExactly("resize:prod");
        assertThat(destinations.published()).isEmpty();
        assertThat(invocations.position("lakestack.lambda.resize.prod", 0)).hasValue(1);
    }

    @Test
    void functionErrorsAreRetriedAfterOneThenTwoMinutesThenKeptOnTheDeadLetterTopic()
    {
        invoker.answering((call, number) -> null);
        invoked("req-1");
        runFor(Duration.ofMinutes(10));
        assertThat(callTimes()).containsExactly(0L, 60_000L, 180_000L);
        assertThat(destinations.published()).singleElement().satisfies(message -> {
            assertThat(message.topic()).isEqualTo("lakestack.lambda.resize.failed");
            assertThat(message.key()).isEqualTo("req-1");
            assertThat(message.value()).isEqualTo(PAYLOAD);
            assertThat(message.headers()).containsOnly(Map.entry("RequestID", "req-1"), Map.entry("ErrorCode", "200"), Map.entry("ErrorMessage", "boom"),
                    Map.entry("lakestack.condition", "RetriesExhausted"), Map.entry("lakestack.source-topic", "lakestack.lambda.resize"),
                    Map.entry("lakestack.source-partition", "0"), Map.entry("lakestack.source-offset", "0"));
        });
        assertThat(invocations.position("lakestack.lambda.resize", 0)).hasValue(1);
    }

    @Test
    void givenUpEventGoesToTheOnFailureDestinationAsAwsInvocationRecord()
    {
        settings.configs.put("resize", new FunctionSettings.EventInvokeConfig(0, 3600, Optional.empty(), Optional.of(QUEUE)));
        invoker.answering((call, number) -> null);
        invoked("req-1");
        runFor(Duration.ofMinutes(10));
        assertThat(callTimes()).containsExactly(0L);
        assertThat(destinations.published()).singleElement().satisfies(message -> assertThat(message.value()).isEqualTo("{\"version\":\"1.0\","
                + "\"timestamp\":\"2024-05-01T10:00:00.000Z\",\"requestContext\":{\"requestId\":\"req-1\",\"functionArn\":\"" + FUNCTION + ":$LATEST\","
                + "\"condition\":\"RetriesExhausted\",\"approximateInvokeCount\":1},\"requestPayload\":{\"order\":17},"
                + "\"responseContext\":{\"statusCode\":200,\"executedVersion\":\"$LATEST\",\"functionError\":\"Unhandled\"},"
                + "\"responsePayload\":{\"errorMessage\":\"boom\",\"errorType\":\"RuntimeException\"}}"));
    }

    @Test
    void deadLetterQueueGetsTheEventWithLambdasMessageAttributesAlongsideTheDestination()
    {
        settings.configs.put("resize", new FunctionSettings.EventInvokeConfig(1, 3600, Optional.empty(), Optional.of(QUEUE)));
        settings.deadLetterTargets.put("resize", "arn:aws:sns:us-east-1:123456789012:dead-letters");
        invoker.answering((call, number) -> null);
        invoked("req-1");
        runFor(Duration.ofMinutes(10));
        assertThat(callTimes()).containsExactly(0L, 60_000L);
        assertThat(destinations.published()).extracting(FakeDestinations.Published::topic).containsExactly("lakestack.sqs.results", "lakestack.sns.dead-letters");
        FakeDestinations.Published dead = destinations.published().get(1);
        assertThat(dead.value()).isEqualTo(PAYLOAD);
        assertThat(dead.headers()).containsOnly(Map.entry("RequestID", "req-1"), Map.entry("ErrorCode", "200"), Map.entry("ErrorMessage", "boom"));
    }

    @Test
    void throttlesAndServiceErrorsAreRetriedWithoutCountingAnAttempt()
    {
        settings.configs.put("resize", new FunctionSettings.EventInvokeConfig(0, 3600, Optional.empty(), Optional.empty()));
        invoker.answering((call, number) -> {
            if (number <= 3) {
                throw new Invoker.InvokeException(number == 2 ? 502 : 429, number == 2 ? "ServiceException" : "TooManyRequestsException", "try later");
            }
            return "null";
        });
        invoked("req-1");
        runFor(Duration.ofMinutes(10));
        assertThat(callTimes()).containsExactly(0L, 1_000L, 3_000L, 7_000L);
        assertThat(destinations.published()).isEmpty();
        assertThat(invocations.position("lakestack.lambda.resize", 0)).hasValue(1);
    }

    @Test
    void eventIsGivenUpWhenItReachesMaximumEventAge()
    {
        settings.configs.put("resize", new FunctionSettings.EventInvokeConfig(2, 100, Optional.empty(), Optional.of(QUEUE)));
        invoker.answering((call, number) -> null);
        invoked("req-1");
        runFor(Duration.ofMinutes(10));
        // the second retry would be at 180 s; the event expires at 100 s
        assertThat(callTimes()).containsExactly(0L, 60_000L);
        String record = destinations.published().get(0).value();
        assertThat(record).contains("\"timestamp\":\"2024-05-01T10:01:40.000Z\"").contains("\"condition\":\"EventAgeExceeded\",\"approximateInvokeCount\":2");
    }

    @Test
    void eventThatExpiresBeforeAnyInvocationHasNoResponseInItsRecord()
    {
        settings.configs.put("resize", new FunctionSettings.EventInvokeConfig(2, 60, Optional.empty(), Optional.of(QUEUE)));
        invoker.answering((call, number) -> {
            throw new Invoker.InvokeException(429, "TooManyRequestsException", "Rate Exceeded.");
        });
        invoked("req-1");
        runFor(Duration.ofMinutes(10));
        assertThat(destinations.published().get(0).value()).isEqualTo("{\"version\":\"1.0\",\"timestamp\":\"2024-05-01T10:01:00.000Z\","
                + "\"requestContext\":{\"requestId\":\"req-1\",\"functionArn\":\"" + FUNCTION + ":$LATEST\",\"condition\":\"EventAgeExceeded\","
                + "\"approximateInvokeCount\":0},\"requestPayload\":{\"order\":17}}");
    }

    @Test
    void eventStaysUncommittedUntilItsDestinationTakesTheRecord()
    {
        settings.configs.put("resize", new FunctionSettings.EventInvokeConfig(0, 3600, Optional.of(QUEUE), Optional.empty()));
        invoker.answering((call, number) -> "null");
        destinations.refuse(2);
        invoked("req-1");
        runFor(Duration.ofMillis(2_999));
        assertThat(invocations.position("lakestack.lambda.resize", 0)).hasValue(0);
        runFor(Duration.ofMillis(1));
        assertThat(destinations.published()).hasSize(1);
        assertThat(invoker.calls()).hasSize(1);
        assertThat(invocations.position("lakestack.lambda.resize", 0)).hasValue(1);
    }

    @Test
    void laterEventsGoOnWhileAnEarlierOneWaitsForItsRetryButAreNotCommittedPastIt()
    {
        invoker.answering((call, number) -> call.requestId().orElseThrow().equals("req-1") && number == 1 ? null : "null");
        invoked("req-1");
        invoked("req-2");
        runFor(Duration.ofSeconds(1));
        assertThat(invoker.calls()).extracting(call -> call.requestId().orElseThrow()).containsExactly("req-1", "req-2");
        assertThat(invocations.position("lakestack.lambda.resize", 0)).hasValue(0);
        runFor(Duration.ofMinutes(1));
        assertThat(invocations.position("lakestack.lambda.resize", 0)).hasValue(2);
    }

    @Test
    void destinationsOfEveryKind()
    {
        String bus = "arn:aws:events:us-east-1:123456789012:event-bus/default";
        String next = "arn:aws:lambda:us-east-1:123456789012:function:notify";
        settings.configs.put("resize", new FunctionSettings.EventInvokeConfig(0, 3600, Optional.of(bus), Optional.of(next)));
        settings.configs.put("resize:s3", new FunctionSettings.EventInvokeConfig(0, 3600, Optional.empty(), Optional.of("arn:aws:s3:::failures")));
        invoker.answering((call, number) -> number == 1 ? "\"done\"" : null);
        invoked("req-1");
        invoked("req-2");
        queue("lakestack.lambda.resize.s3", Map.of("lakestack.request-id", "req-3", "lakestack.invoked-arn", FUNCTION + ":s3"));
        runFor(Duration.ofSeconds(1));
        List<FakeDestinations.Published> published = destinations.published();
        assertThat(published).extracting(FakeDestinations.Published::topic).containsExactly("lakestack.events.default", "lakestack.lambda.notify");
        String event = published.get(0).value();
        assertThat(event).startsWith("{\"version\":\"0\",\"id\":\"00000000-0000-0000-0000-000000000001\","
                + "\"detail-type\":\"Lambda Function Invocation Result - Success\",\"source\":\"lambda\",\"account\":\"123456789012\","
                + "\"time\":\"2024-05-01T10:00:00Z\",\"region\":\"us-east-1\",\"resources\":[\"" + FUNCTION + ":$LATEST\",\"" + bus + "\"],"
                + "\"detail\":{\"version\":\"1.0\"");
        assertThat(event).contains("\"responsePayload\":\"done\"");
        assertThat(published.get(1).headers()).containsOnly(Map.entry("lakestack.request-id", "00000000-0000-0000-0000-000000000002"),
                Map.entry("lakestack.invoked-arn", next));
        assertThat(published.get(1).value()).contains("\"condition\":\"RetriesExhausted\"");
        assertThat(destinations.puts()).singleElement().satisfies(put -> {
            assertThat(put.bucket()).isEqualTo("failures");
            assertThat(put.key()).isEqualTo("aws/lambda/async/resize/2024/05/01/2024-05-01T10.00.00-00000000-0000-0000-0000-000000000001");
            assertThat(put.body()).contains("\"functionArn\":\"" + FUNCTION + ":s3\"");
        });
    }

    @Test
    void revokedPartitionIsForgotten()
    {
        invoker.answering((call, number) -> null);
        invoked("req-1");
        runFor(Duration.ofSeconds(1));
        invocations.revoke("lakestack.lambda.resize", 0);
        runFor(Duration.ofMinutes(10));
        assertThat(invoker.calls()).hasSize(1);
        assertThat(invocations.position("lakestack.lambda.resize", 0)).isEmpty();
        assertThat(invocations.pending()).isEqualTo(0);
    }
}
