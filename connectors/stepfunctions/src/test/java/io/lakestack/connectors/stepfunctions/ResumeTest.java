package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An execution stopped anywhere (a kill -9) resumes from its history and ends as an uninterrupted run would. */
class ResumeTest
{
    private static final Instant START = Instant.parse("2026-11-30T10:00:00Z");
    private static final UUID STAMP = UUID.fromString("3f1c0d9e-8f5b-4a41-9c59-7e2d6b0a1c11");
    private static final String DEFINITION = """
            {"StartAt": "Stamp", "States": {
              "Stamp": {"Type": "Pass", "Parameters": {"id.$": "States.UUID()"}, "ResultPath": "$.stamp", "Next": "Hold"},
              "Hold": {"Type": "Wait", "Seconds": 30, "Next": "Work"},
              "Work": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"id.$": "$.stamp.id"}, "ResultPath": "$.work",
                       "Retry": [{"ErrorEquals": ["Busy"], "IntervalSeconds": 3}], "Next": "Each"},
              "Each": {"Type": "Map", "ItemsPath": "$.items", "ResultPath": "$.sent", "Next": "Both",
                       "ItemProcessor": {"StartAt": "Send", "States": {
                         "Send": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"n.$": "$"}, "End": true}}}},
              "Both": {"Type": "Parallel", "ResultPath": "$.both", "End": true, "Branches": [
                {"StartAt": "Later", "States": {"Later": {"Type": "Wait", "Seconds": 5, "Next": "A"}, "A": {"Type": "Pass", "Result": "a", "End": true}}},
                {"StartAt": "B", "States": {"B": {"Type": "Pass", "Result": "b", "End": true}}}]}
            }}
            """;
    private static final String OUTPUT = """
            {"items": [1, 2, 3], "stamp": {"id": "3f1c0d9e-8f5b-4a41-9c59-7e2d6b0a1c11"}, "work": {"done": "3f1c0d9e-8f5b-4a41-9c59-7e2d6b0a1c11"},
             "sent": [{"sent": 1}, {"sent": 2}, {"sent": 3}], "both": ["a", "b"]}
            """;

    /** The same workflow with JSONata and variables: the stamp drawn once lives in a variable, which a resumed run takes from the history. */
    private static final String JSONATA_DEFINITION = """
            {"QueryLanguage": "JSONata", "StartAt": "Stamp", "States": {
              "Stamp": {"Type": "Pass", "Assign": {"stamp": "{% $uuid() %}", "items": "{% $states.input.items %}"}, "Next": "Hold"},
              "Hold": {"Type": "Wait", "Seconds": 30, "Assign": {"held": "{% $stamp %}"}, "Next": "Work"},
              "Work": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Arguments": {"id": "{% $stamp %}"},
                       "Retry": [{"ErrorEquals": ["Busy"], "IntervalSeconds": 3}], "Assign": {"done": "{% $states.result.done %}"}, "Next": "Each"},
              "Each": {"Type": "Map", "Items": "{% $items %}", "Assign": {"sent": "{% $states.result.sent %}"}, "Next": "Both",
                       "ItemProcessor": {"StartAt": "Send", "States": {
                         "Send": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Arguments": {"n": "{% $states.input %}"},
                                  "Assign": {"mine": "{% $states.result.sent %}"}, "Output": {"sent": "{% $mine ? $mine : $states.result.sent %}"},
                                  "End": true}}}},
              "Both": {"Type": "Parallel", "End": true,
                       "Output": {"stamp": "{% $stamp %}", "held": "{% $held %}", "done": "{% $done %}", "sent": "{% $sent %}", "both": "{% $states.result %}"},
                       "Branches": [
                         {"StartAt": "Later", "States": {"Later": {"Type": "Wait", "Seconds": 5, "Next": "A"},
                                                          "A": {"Type": "Pass", "Output": "{% 'a ' & $done %}", "End": true}}},
                         {"StartAt": "B", "States": {"B": {"Type": "Pass", "Output": "b", "End": true}}}]}
            }}
            """;
    private static final String JSONATA_OUTPUT = """
            {"stamp": "3f1c0d9e-8f5b-4a41-9c59-7e2d6b0a1c11", "held": "3f1c0d9e-8f5b-4a41-9c59-7e2d6b0a1c11",
             "done": "3f1c0d9e-8f5b-4a41-9c59-7e2d6b0a1c11", "sent": [1, 2, 3], "both": ["a 3f1c0d9e-8f5b-4a41-9c59-7e2d6b0a1c11", "b"]}
            """;

    private final AtomicInteger lambdaCalls = new AtomicInteger();
    private final AtomicInteger sqsCalls = new AtomicInteger();
    /** The events of the last uninterrupted run. */
    private List<HistoryEvent> straightEvents = List.of();

    private static final class Crash
            extends RuntimeException
    {
        Crash()
        {
            super("killed");
        }
    }

    @Test
    void aWaitCutShortWaitsOnlyWhatIsLeftAndTheRestRunsOnce()
    {
        List<String> straight = straightRun();

        // the first run is killed 10 s into the 30 s Wait
        FakeTime before = new FakeTime(START);
        RecordingHistory history = new RecordingHistory();
        Waiter killedInTheWait = new Waiter()
        {
            @Override
            public void sleepUntil(Instant wakeAt)
            {
                before.advance(Duration.ofSeconds(10));
                throw new Crash();
            }

            @Override
            public <T> Optional<T> await(CompletableFuture<T> future, Optional<Instant> deadline)
            {
                return before.await(future, deadline);
            }
        };
        assertThatThrownBy(() -> interpreter(before, killedInTheWait, history, new FixedRandom(List.of(), List.of(STAMP))).execute(definition(), request()))
                .isInstanceOf(Crash.class);
        assertThat(history.types()).containsExactly("ExecutionStarted", "PassStateEntered", "PassStateExited", "WaitStateEntered");

        // restarted 20 s after the Wait began, with nothing random left to draw: the stamp comes from the history
        FakeTime after = new FakeTime(START.plusSeconds(20));
        ExecutionResult result = interpreter(after, after, history, FixedRandom.none()).resume(definition(), request(), history.events());

        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json(OUTPUT)));
        assertThat(after.sleeps()).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(3), Duration.ofSeconds(5));
        assertThat(history.chain()).isEqualTo(straight);
        assertThat(history.events().get(4).timestamp()).isEqualTo(START.plusSeconds(30));
        // the uninterrupted run and the resumed one each ran the task twice (a retry) and sent three messages
        assertThat(lambdaCalls.get()).isEqualTo(4);
        assertThat(sqsCalls.get()).isEqualTo(6);
    }

    @Test
    void aTaskThatReportedIsNotRunAgainInsideAMap()
    {
        List<String> straight = straightRun();
        lambdaCalls.set(0);
        sqsCalls.set(0);

        // killed as the second iteration's end is being written: its task has reported
        FakeTime before = new FakeTime(START);
        RecordingHistory history = new RecordingHistory();
        AtomicInteger iterationsDone = new AtomicInteger();
        HistorySink killedInTheMap = event -> {
            if (event.type().equals("MapIterationSucceeded") && iterationsDone.incrementAndGet() == 2) {
                throw new Crash();
            }
            history.append(event);
        };
        assertThatThrownBy(() -> interpreter(before, before, killedInTheMap, new FixedRandom(List.of(), List.of(STAMP))).execute(definition(), request()))
                .isInstanceOf(Crash.class);
        assertThat(sqsCalls.get()).isEqualTo(2);

        FakeTime after = new FakeTime(before.instant().plusSeconds(60));
        ExecutionResult result = interpreter(after, after, history, FixedRandom.none()).resume(definition(), request(), history.events());

        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json(OUTPUT)));
        assertThat(history.chain()).isEqualTo(straight);
        assertThat(lambdaCalls.get()).isEqualTo(2);
        assertThat(sqsCalls.get()).isEqualTo(3);
        assertThat(after.sleeps()).containsExactly(Duration.ofSeconds(5));
    }

    @Test
    void aCompleteHistoryGivesTheResultAndWritesNothing()
    {
        RecordingHistory history = new RecordingHistory();
        FakeTime time = new FakeTime(START);
        interpreter(time, time, history, new FixedRandom(List.of(), List.of(STAMP))).execute(definition(), request());
        List<HistoryEvent> complete = history.events();

        RecordingHistory again = new RecordingHistory();
        FakeTime later = new FakeTime(START.plusSeconds(3600));
        ExecutionResult result = interpreter(later, later, again, FixedRandom.none()).resume(definition(), request(), complete);

        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json(OUTPUT)));
        assertThat(again.events()).isEmpty();
        assertThat(later.sleeps()).isEmpty();
        assertThat(lambdaCalls.get()).isEqualTo(2);
    }

    @Test
    void resumesFromEveryPointOfItsHistory()
    {
        resumesFromEveryPoint(definition(), OUTPUT);
    }

    @Test
    void resumesFromEveryPointOfAHistoryWithVariablesAndJsonata()
    {
        resumesFromEveryPoint(StateMachineDefinition.parse(JSONATA_DEFINITION), JSONATA_OUTPUT);
    }

    private void resumesFromEveryPoint(StateMachineDefinition definition, String output)
    {
        List<String> straight = straightRun(definition, output);
        for (int crashAt = 1; crashAt <= straight.size(); crashAt++) {
            lambdaCalls.set(0);
            sqsCalls.set(0);
            RecordingHistory history = new RecordingHistory();
            FakeTime before = new FakeTime(START);
            int killedAt = crashAt;
            boolean[] dead = {false};
            HistorySink killed = event -> {
                if (dead[0] || event.id() == killedAt) {
                    dead[0] = true;
                    throw new Crash();
                }
                history.append(event);
            };
            assertThatThrownBy(() -> interpreter(before, before, killed, new FixedRandom(List.of(), List.of(STAMP))).execute(definition, request()))
                    .isInstanceOf(Crash.class);
            List<HistoryEvent> prefix = history.events();
            long inFlight = prefix.stream()
                    .filter(event -> event.type().equals("TaskStarted"))
                    .filter(started -> prefix.stream().noneMatch(event -> event.previousEventId() == started.id()))
                    .count();

            // the stamp is drawn again only when the history does not have it yet
            boolean stamped = prefix.stream().anyMatch(event -> event.type().equals("PassStateExited"));
            RandomSource random = stamped ? FixedRandom.none() : new FixedRandom(List.of(), List.of(STAMP));
            FakeTime after = new FakeTime(before.instant().plusSeconds(7));
            ExecutionResult result = interpreter(after, after, history, random).resume(definition, request(), prefix);

            assertThat(result).as("killed at event %d", crashAt).isEqualTo(new ExecutionResult.Succeeded(json(output)));
            assertThat(history.chain()).as("killed at event %d", crashAt).isEqualTo(straight);
            // the same events, details and all (assigned variables among them); only the times differ
            assertThat(withDetails(history.events())).as("killed at event %d", crashAt).isEqualTo(withDetails(straightEvents));
            // a task that reported ran once; one killed while running ran again
            assertThat(lambdaCalls.get() + sqsCalls.get()).as("killed at event %d", crashAt).isEqualTo(5 + inFlight);
        }
    }

    @Test
    void resumesFromEveryPointOfAHistoryWrittenConcurrently()
    {
        List<String> straightTypes = straightRun().stream().map(event -> event.substring(event.indexOf(' ') + 1)).sorted().toList();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int crashAt = 1; crashAt <= straightTypes.size(); crashAt++) {
                lambdaCalls.set(0);
                sqsCalls.set(0);
                RecordingHistory history = new RecordingHistory();
                FakeTime before = new FakeTime(START);
                int killedAt = crashAt;
                AtomicBoolean dead = new AtomicBoolean();
                HistorySink killed = event -> {
                    if (dead.get() || event.id() == killedAt) {
                        dead.set(true);
                        throw new Crash();
                    }
                    history.append(event);
                };
                assertThatThrownBy(() -> interpreter(before, before, killed, new FixedRandom(List.of(), List.of(STAMP)), pool).execute(definition(), request()))
                        .isInstanceOf(Crash.class);
                List<HistoryEvent> prefix = history.events();
                long inFlight = prefix.stream()
                        .filter(event -> event.type().equals("TaskStarted"))
                        .filter(started -> prefix.stream().noneMatch(event -> event.previousEventId() == started.id()))
                        .count();
                boolean stamped = prefix.stream().anyMatch(event -> event.type().equals("PassStateExited"));
                RandomSource random = stamped ? FixedRandom.none() : new FixedRandom(List.of(), List.of(STAMP));
                FakeTime after = new FakeTime(before.instant().plusSeconds(7));

                ExecutionResult result = interpreter(after, after, history, random, pool).resume(definition(), request(), prefix);

                assertThat(result).as("killed at event %d", crashAt).isEqualTo(new ExecutionResult.Succeeded(json(OUTPUT)));
                List<HistoryEvent> events = history.events();
                assertThat(events).extracting(HistoryEvent::id).as("killed at event %d", crashAt)
                        .containsExactlyElementsOf(LongStream.rangeClosed(1, straightTypes.size()).boxed().toList());
                assertThat(events).allMatch(event -> event.previousEventId() < event.id());
                assertThat(events.stream().map(HistoryEvent::type).sorted().toList()).as("killed at event %d", crashAt).isEqualTo(straightTypes);
                assertThat(lambdaCalls.get() + sqsCalls.get()).as("killed at event %d", crashAt).isEqualTo(5 + inFlight);
            }
        }
        finally {
            pool.shutdownNow();
        }
    }

    private List<String> straightRun()
    {
        return straightRun(definition(), OUTPUT);
    }

    private List<String> straightRun(StateMachineDefinition definition, String output)
    {
        RecordingHistory history = new RecordingHistory();
        FakeTime time = new FakeTime(START);
        ExecutionResult result = interpreter(time, time, history, new FixedRandom(List.of(), List.of(STAMP))).execute(definition, request());
        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json(output)));
        straightEvents = history.events();
        return history.chain();
    }

    private static List<String> withDetails(List<HistoryEvent> events)
    {
        return events.stream().map(event -> event.id() + "<-" + event.previousEventId() + " " + event.type() + " " + event.details()).toList();
    }

    private StateMachineInterpreter interpreter(FakeTime clock, Waiter waiter, HistorySink sink, RandomSource random)
    {
        return interpreter(clock, waiter, sink, random, Runnable::run);
    }

    private StateMachineInterpreter interpreter(FakeTime clock, Waiter waiter, HistorySink sink, RandomSource random, Executor executor)
    {
        return StateMachineInterpreter.builder()
                .taskInvoker(request -> {
                    if (request.resource().equals("arn:aws:states:::lambda:invoke")) {
                        lambdaCalls.incrementAndGet();
                        if (request.retryCount() == 0) {
                            return CompletableFuture.completedFuture(TaskOutcome.failed("Busy", "try again"));
                        }
                        return CompletableFuture.completedFuture(TaskOutcome.succeeded(Json.object().put("done", request.input().get("id").textValue())));
                    }
                    sqsCalls.incrementAndGet();
                    return CompletableFuture.completedFuture(TaskOutcome.succeeded(Json.object().set("sent", request.input().get("n"))));
                })
                .clock(clock).waiter(waiter).random(random).historySink(sink).executor(executor)
                .build();
    }

    private static StateMachineDefinition definition()
    {
        return StateMachineDefinition.parse(DEFINITION);
    }

    private static ExecutionRequest request()
    {
        return new ExecutionRequest("arn:aws:states:us-east-1:000000000000:execution:m:e", "arn:aws:states:us-east-1:000000000000:stateMachine:m",
                "arn:aws:iam::000000000000:role/r", json("{\"items\": [1, 2, 3]}"), START);
    }

    private static JsonNode json(String text)
    {
        try {
            return Json.parse(text);
        }
        catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }
}
