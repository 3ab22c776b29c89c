package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The history is written before the step it records takes effect, and a sink that fails stops the execution there. */
class HistoryOrderTest
{
    private static final Instant START = Instant.parse("2026-11-30T10:00:00Z");
    private static final ExecutionRequest REQUEST = new ExecutionRequest("arn:aws:states:eu-west-1:000000000000:execution:m:e",
            "arn:aws:states:eu-west-1:000000000000:stateMachine:m", "arn:aws:iam::000000000000:role/r", TextNode.valueOf("in"), START);
    private static final String DEFINITION = """
            {"StartAt": "W", "States": {
              "W": {"Type": "Wait", "Seconds": 5, "Next": "T"},
              "T": {"Type": "Task", "Resource": "arn:aws:states:::events:putEvents", "End": true}}}
            """;

    @Test
    void eachEventIsAppendedBeforeItsStepTakesEffect()
    {
        FakeTime time = new FakeTime(START);
        AtomicInteger invocations = new AtomicInteger();
        List<String> seen = new ArrayList<>();
        HistorySink sink = event -> seen.add(event.type() + " invoked=" + invocations.get() + " at=" + time.instant().getEpochSecond() % 100);
        StateMachineInterpreter interpreter = StateMachineInterpreter.builder()
                .taskInvoker(request -> {
                    invocations.incrementAndGet();
                    return CompletableFuture.completedFuture(TaskOutcome.succeeded(TextNode.valueOf("out")));
                })
                .clock(time).waiter(time).random(FixedRandom.none()).historySink(sink).executor(Runnable::run)
                .build();

        assertThat(interpreter.execute(StateMachineDefinition.parse(DEFINITION), REQUEST)).isEqualTo(new ExecutionResult.Succeeded(TextNode.valueOf("out")));
        // START is 10:00:00Z, 1796032800 seconds after the epoch: 0 modulo 100
        assertThat(seen).containsExactly("ExecutionStarted invoked=0 at=0", "WaitStateEntered invoked=0 at=0", "WaitStateExited invoked=0 at=5",
                "TaskStateEntered invoked=0 at=5", "TaskScheduled invoked=0 at=5", "TaskStarted invoked=0 at=5", "TaskSucceeded invoked=1 at=5",
                "TaskStateExited invoked=1 at=5", "ExecutionSucceeded invoked=1 at=5");
    }

    @Test
    void aFailingSinkStopsTheExecutionBeforeTheStep()
    {
        FakeTime time = new FakeTime(START);
        AtomicInteger invocations = new AtomicInteger();
        StateMachineInterpreter interpreter = StateMachineInterpreter.builder()
                .taskInvoker(request -> {
                    invocations.incrementAndGet();
                    return CompletableFuture.completedFuture(TaskOutcome.succeeded(TextNode.valueOf("out")));
                })
                .clock(time).waiter(time).random(FixedRandom.none()).executor(Runnable::run)
                .historySink(event -> {
                    if (event.type().equals("TaskScheduled")) {
                        throw new IllegalStateException("history unavailable");
                    }
                })
                .build();

        assertThatThrownBy(() -> interpreter.execute(StateMachineDefinition.parse(DEFINITION), REQUEST)).hasMessage("history unavailable");
        assertThat(invocations.get()).isZero();
    }

    @Test
    void mapIterationsRunAtMostMaxConcurrencyAtOnce()
            throws Exception
    {
        FakeTime time = new FakeTime(START);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CyclicBarrier pairs = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            StateMachineInterpreter interpreter = StateMachineInterpreter.builder()
                    .taskInvoker(request -> {
                        most.accumulateAndGet(running.incrementAndGet(), Math::max);
                        try {
                            // two iterations must be in their task at the same time for either to go on
                            pairs.await(30, TimeUnit.SECONDS);
                        }
                        catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        running.decrementAndGet();
                        return CompletableFuture.completedFuture(TaskOutcome.succeeded(request.input()));
                    })
                    .clock(time).waiter(time).random(FixedRandom.none()).executor(pool)
                    .build();
            ExecutionResult result = interpreter.execute(StateMachineDefinition.parse("""
                    {"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": 2, "End": true,
                      "Parameters": {"n.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index"},
                      "Iterator": {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}}}}
                    """), new ExecutionRequest(REQUEST.executionArn(), REQUEST.stateMachineArn(), REQUEST.roleArn(), Json.parse("[10, 20, 30, 40]"), START));

            assertThat(result).isEqualTo(new ExecutionResult.Succeeded(Json.parse(
                    "[{\"n\": 10, \"i\": 0}, {\"n\": 20, \"i\": 1}, {\"n\": 30, \"i\": 2}, {\"n\": 40, \"i\": 3}]")));
            assertThat(most.get()).isEqualTo(2);
        }
        finally {
            pool.shutdownNow();
        }
    }
}
