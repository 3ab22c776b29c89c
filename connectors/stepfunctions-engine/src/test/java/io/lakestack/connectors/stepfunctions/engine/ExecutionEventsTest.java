package io.lakestack.connectors.stepfunctions.engine;

import io.lakestack.spi.events.EventSink;
import io.lakestack.spi.stepfunctions.LoggingConfiguration;
import io.lakestack.spi.stepfunctions.StateMachineExecution;
import io.lakestack.spi.testing.RecordingEventSink;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** The {@code Step Functions Execution Status Change} events of an execution, as AWS shapes them. */
class ExecutionEventsTest
{
    private static final String MACHINE = "arn:aws:states:eu-west-1:111122223333:stateMachine:m";
    private static final String EXECUTION = "arn:aws:states:eu-west-1:111122223333:execution:m:e";
    private static final long START = 1_790_000_000_123L;
    private static final long STOP = 1_790_000_002_456L;
    private static final String ENVELOPE = "{\"version\":\"0\",\"id\":\"id-1\",\"detail-type\":\"Step Functions Execution Status Change\","
            + "\"source\":\"aws.states\",\"account\":\"111122223333\",\"time\":\"%s\",\"region\":\"eu-west-1\",\"resources\":[\"" + EXECUTION + "\"],"
            + "\"detail\":{\"executionArn\":\"" + EXECUTION + "\",\"stateMachineArn\":\"" + MACHINE + "\",\"name\":\"e\",%s}}";

    private final RecordingEventSink sink = new RecordingEventSink();
    private final List<String> published = sink.published();
    private final ExecutionEvents events = new ExecutionEvents(Optional.of(sink), () -> "id-1", Runnable::run);

    private static StateMachineExecution running(String arn)
    {
        return new StateMachineExecution(arn, MACHINE, "e", StateMachineExecution.RUNNING, "{\"a\":1}", "{}", "r", START, 0, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(MACHINE + ":1"), Optional.empty(), LoggingConfiguration.OFF);
    }

    private static String expected(String time, String detail)
    {
        return "lakestack.events.default " + EXECUTION + " " + ENVELOPE.formatted(time, detail);
    }

    @Test
    void startThenSuccess()
    {
        StateMachineExecution running = running(EXECUTION);
        events.statusChanged(running);
        events.statusChanged(running.ended(StateMachineExecution.SUCCEEDED, STOP, Optional.of("{\"b\":2}"), Optional.empty(), Optional.empty()));
        assertThat(published).containsExactly(
                expected("2026-09-21T14:13:20Z", "\"status\":\"RUNNING\",\"startDate\":1790000000123,\"stopDate\":null,\"input\":\"{\\\"a\\\":1}\","
                        + "\"output\":null,\"inputDetails\":{\"included\":true},\"outputDetails\":null,\"error\":null,\"cause\":null,\"redriveCount\":0,"
                        + "\"redriveDate\":null,\"redriveStatus\":\"NOT_REDRIVABLE\",\"redriveStatusReason\":\"Execution is RUNNING and cannot be redriven.\","
                        + "\"stateMachineVersionArn\":\"" + MACHINE + ":1\",\"stateMachineAliasArn\":null"),
                expected("2026-09-21T14:13:22Z", "\"status\":\"SUCCEEDED\",\"startDate\":1790000000123,\"stopDate\":1790000002456,\"input\":\"{\\\"a\\\":1}\","
                        + "\"output\":\"{\\\"b\\\":2}\",\"inputDetails\":{\"included\":true},\"outputDetails\":{\"included\":true},\"error\":null,"
                        + "\"cause\":null,\"redriveCount\":0,\"redriveDate\":null,\"redriveStatus\":\"NOT_REDRIVABLE\","
                        + "\"redriveStatusReason\":\"Execution is SUCCEEDED and cannot be redriven.\",\"stateMachineVersionArn\":\"" + MACHINE + ":1\","
                        + "\"stateMachineAliasArn\":null"));
    }

    @Test
    void failureThenRedrive()
    {
        StateMachineExecution failed = running(EXECUTION).ended(StateMachineExecution.FAILED, STOP, Optional.empty(), Optional.of("E"), Optional.of("C"));
        events.statusChanged(failed);
        events.statusChanged(failed.redriven(STOP + 10_000, Optional.empty()));
        assertThat(published).containsExactly(
                expected("2026-09-21T14:13:22Z", "\"status\":\"FAILED\",\"startDate\":1790000000123,\"stopDate\":1790000002456,\"input\":\"{\\\"a\\\":1}\","
                        + "\"output\":null,\"inputDetails\":{\"included\":true},\"outputDetails\":null,\"error\":\"E\",\"cause\":\"C\",\"redriveCount\":0,"
                        + "\"redriveDate\":null,\"redriveStatus\":\"REDRIVABLE\",\"redriveStatusReason\":null,"
                        + "\"stateMachineVersionArn\":\"" + MACHINE + ":1\",\"stateMachineAliasArn\":null"),
                expected("2026-09-21T14:13:32Z", "\"status\":\"RUNNING\",\"startDate\":1790000000123,\"stopDate\":null,\"input\":\"{\\\"a\\\":1}\","
                        + "\"output\":null,\"inputDetails\":{\"included\":true},\"outputDetails\":null,\"error\":null,\"cause\":null,\"redriveCount\":1,"
                        + "\"redriveDate\":1790000012456,\"redriveStatus\":\"NOT_REDRIVABLE\","
                        + "\"redriveStatusReason\":\"Execution is RUNNING and cannot be redriven.\",\"stateMachineVersionArn\":\"" + MACHINE + ":1\","
                        + "\"stateMachineAliasArn\":null"));
    }

    @Test
    void expressExecutionsHaveNone()
    {
        events.statusChanged(running("arn:aws:states:eu-west-1:111122223333:express:m:e:0f5c"));
        assertThat(published).isEmpty();
    }

    @Test
    void aFailedPutDoesNotFailTheExecution()
    {
        AtomicInteger attempts = new AtomicInteger();
        ExecutionEvents failing = new ExecutionEvents(Optional.of(new EventSink()
        {
            @Override
            public void declare(String topic) {}

            @Override
            public void publish(String topic, String key, byte[] value, Map<String, String> headers)
            {
                attempts.incrementAndGet();
                throw new IllegalStateException("Kafka is down");
            }

            @Override
            public void declareOrdered(String topic) {}

            @Override
            public long publishOrdered(String topic, String key, byte[] value, Map<String, String> headers)
            {
                throw new UnsupportedOperationException();
            }
        }), () -> "id-1", Runnable::run);
        assertThatCode(() -> failing.statusChanged(running(EXECUTION))).doesNotThrowAnyException();
        assertThat(attempts).hasValue(1);
        assertThatCode(() -> ExecutionEvents.none().statusChanged(running(EXECUTION))).doesNotThrowAnyException();
    }
}
