package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.lakestack.connectors.stepfunctions.TestRuns.EXECUTION;
import static io.lakestack.connectors.stepfunctions.TestRuns.MACHINE;
import static io.lakestack.connectors.stepfunctions.TestRuns.ROLE;
import static io.lakestack.connectors.stepfunctions.TestRuns.START;
import static io.lakestack.connectors.stepfunctions.TestRuns.json;
import static org.assertj.core.api.Assertions.assertThat;

/** An execution that failed goes on, once redriven, from the state it failed in; what had succeeded is not run again. */
class RedriveTest
{
    private static final UUID STAMP = UUID.fromString("3f1c0d9e-8f5b-4a41-9c59-7e2d6b0a1c11");
    private static final String DEFINITION = """
            {"StartAt": "Stamp", "TimeoutSeconds": 60, "States": {
              "Stamp": {"Type": "Pass", "Parameters": {"id.$": "States.UUID()"}, "ResultPath": "$.stamp", "Next": "Work"},
              "Work": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"id.$": "$.stamp.id"}, "ResultPath": "$.work",
                       "Retry": [{"ErrorEquals": ["Busy"], "IntervalSeconds": 3, "MaxAttempts": 1}], "Next": "Done"},
              "Done": {"Type": "Pass", "End": true}
            }}
            """;

    /** Whether the flaky resource works; until then it fails with {@code Busy}. */
    private final AtomicBoolean working = new AtomicBoolean();
    private final List<String> calls = new ArrayList<>();

    @Test
    void theFailedTaskRunsAgainWithItsInputAndFreshRetriesAfterExecutionRedriven()
    {
        FakeTime time = new FakeTime(START);
        RecordingHistory history = new RecordingHistory();
        ExecutionResult failed = interpreter(time, history, new FixedRandom(List.of(), List.of(STAMP))).execute(definition(DEFINITION), request());
        assertThat(failed).isEqualTo(new ExecutionResult.Failed("Busy", "not yet"));
        assertThat(history.chain()).containsExactly(
                "1<-0 ExecutionStarted", "2<-1 PassStateEntered", "3<-2 PassStateExited", "4<-3 TaskStateEntered",
                "5<-4 TaskScheduled", "6<-5 TaskStarted", "7<-6 TaskFailed", "8<-7 TaskScheduled", "9<-8 TaskStarted", "10<-9 TaskFailed",
                "11<-10 ExecutionFailed");
        assertThat(StateMachineInterpreter.redriveRefusal(history.events())).isEmpty();

        // redriven 100 s after the start: past the machine's TimeoutSeconds, which count again from the redrive
        time.advance(Duration.ofSeconds(100));
        working.set(true);
        redrive(history, time, 12, 11, 1);
        calls.clear();
        ExecutionResult result = interpreter(time, history, FixedRandom.none()).resume(definition(DEFINITION), request(), history.events());

        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json("""
                {"a": 1, "stamp": {"id": "3f1c0d9e-8f5b-4a41-9c59-7e2d6b0a1c11"}, "work": {"ok": "3f1c0d9e-8f5b-4a41-9c59-7e2d6b0a1c11"}}
                """)));
        // the Pass is not run again (no UUID to draw), the task runs once, as its first attempt
        assertThat(calls).containsExactly("Work#0 {\"id\":\"3f1c0d9e-8f5b-4a41-9c59-7e2d6b0a1c11\"}");
        assertThat(history.chain().subList(11, history.chain().size())).containsExactly(
                "12<-11 ExecutionRedriven", "13<-12 TaskStateEntered", "14<-13 TaskScheduled", "15<-14 TaskStarted", "16<-15 TaskSucceeded",
                "17<-16 TaskStateExited", "18<-17 PassStateEntered", "19<-18 PassStateExited", "20<-19 ExecutionSucceeded");
        assertThat(history.events().get(12).details().get("input").asText()).isEqualTo("{\"a\":1,\"stamp\":{\"id\":\"3f1c0d9e-8f5b-4a41-9c59-7e2d6b0a1c11\"}}");

        // a restart after the redriven task reported resumes like any execution: nothing is written or run again
        List<HistoryEvent> upToTheTask = history.events().subList(0, 16);
        RecordingHistory resumed = new RecordingHistory();
        upToTheTask.forEach(resumed::append);
        calls.clear();
        assertThat(interpreter(time, resumed, FixedRandom.none()).resume(definition(DEFINITION), request(), upToTheTask)).isEqualTo(result);
        assertThat(calls).isEmpty();
        assertThat(resumed.chain()).isEqualTo(history.chain());
    }

    @Test
    void theContextObjectCountsTheRedrivesAndGivesTheLastOnesTime()
    {
        String definition = """
                {"StartAt": "Work", "States": {
                  "Work": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true,
                           "Parameters": {"count.$": "$$.Execution.RedriveCount", "execution.$": "$$.Execution"}}
                }}
                """;
        FakeTime time = new FakeTime(START);
        RecordingHistory history = new RecordingHistory();
        interpreter(time, history, FixedRandom.none()).execute(definition(definition), request());
        time.advance(Duration.ofSeconds(30));
        redrive(history, time, 7, 6, 1);
        working.set(true);
        interpreter(time, history, FixedRandom.none()).resume(definition(definition), request(), history.events());

        // AWS: RedriveCount is 0 before a redrive, and RedriveTime is there only after one
        assertThat(calls).containsExactly(
                "Work#0 {\"count\":0,\"execution\":{\"Id\":\"" + EXECUTION + "\",\"Input\":{\"a\":1},\"Name\":\"run-1\",\"RoleArn\":\"" + ROLE
                        + "\",\"StartTime\":\"2026-11-30T10:00:00.000Z\",\"RedriveCount\":0}}",
                "Work#0 {\"count\":1,\"execution\":{\"Id\":\"" + EXECUTION + "\",\"Input\":{\"a\":1},\"Name\":\"run-1\",\"RoleArn\":\"" + ROLE
                        + "\",\"StartTime\":\"2026-11-30T10:00:00.000Z\",\"RedriveCount\":1,\"RedriveTime\":\"2026-11-30T10:00:30.000Z\"}}");
    }

    @Test
    void aSecondRedriveGoesOnFromWhereTheFirstFailed()
    {
        FakeTime time = new FakeTime(START);
        RecordingHistory history = new RecordingHistory();
        interpreter(time, history, new FixedRandom(List.of(), List.of(STAMP))).execute(definition(DEFINITION), request());
        redrive(history, time, 12, 11, 1);
        assertThat(interpreter(time, history, FixedRandom.none()).resume(definition(DEFINITION), request(), history.events()))
                .isEqualTo(new ExecutionResult.Failed("Busy", "not yet"));
        redrive(history, time, 21, 20, 2);
        working.set(true);
        calls.clear();

        assertThat(interpreter(time, history, FixedRandom.none()).resume(definition(DEFINITION), request(), history.events()))
                .isInstanceOf(ExecutionResult.Succeeded.class);
        assertThat(calls).containsExactly("Work#0 {\"id\":\"3f1c0d9e-8f5b-4a41-9c59-7e2d6b0a1c11\"}");
        assertThat(history.chain().subList(11, history.chain().size())).containsExactly(
                "12<-11 ExecutionRedriven", "13<-12 TaskStateEntered", "14<-13 TaskScheduled", "15<-14 TaskStarted", "16<-15 TaskFailed",
                "17<-16 TaskScheduled", "18<-17 TaskStarted", "19<-18 TaskFailed", "20<-19 ExecutionFailed", "21<-20 ExecutionRedriven",
                "22<-21 TaskStateEntered", "23<-22 TaskScheduled", "24<-23 TaskStarted", "25<-24 TaskSucceeded", "26<-25 TaskStateExited",
                "27<-26 PassStateEntered", "28<-27 PassStateExited", "29<-28 ExecutionSucceeded");
    }

    @Test
    void onlyTheFailedBranchOfAParallelRunsAgain()
    {
        String definition = """
                {"StartAt": "Both", "States": {"Both": {"Type": "Parallel", "End": true, "Branches": [
                  {"StartAt": "Left", "States": {"Left": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}},
                  {"StartAt": "Right", "States": {"Right": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}]}}}
                """;
        FakeTime time = new FakeTime(START);
        RecordingHistory history = new RecordingHistory();
        assertThat(interpreter(time, history, FixedRandom.none()).execute(definition(definition), request()))
                .isEqualTo(new ExecutionResult.Failed("Busy", "not yet"));
        assertThat(history.chain()).containsExactly(
                "1<-0 ExecutionStarted", "2<-1 ParallelStateEntered", "3<-2 ParallelStateStarted",
                "4<-3 TaskStateEntered", "5<-4 TaskScheduled", "6<-5 TaskStarted", "7<-6 TaskSucceeded", "8<-7 TaskStateExited",
                "9<-3 TaskStateEntered", "10<-9 TaskScheduled", "11<-10 TaskStarted", "12<-11 TaskFailed", "13<-12 ParallelStateFailed",
                "14<-13 ExecutionFailed");
        redrive(history, time, 15, 14, 1);
        working.set(true);
        calls.clear();

        assertThat(interpreter(time, history, FixedRandom.none()).resume(definition(definition), request(), history.events()))
                .isEqualTo(new ExecutionResult.Succeeded(json("[{\"sent\": true}, {\"ok\": {\"a\": 1}}]")));
        assertThat(calls).containsExactly("Right#0 {\"a\":1}");
        assertThat(history.chain().subList(14, history.chain().size())).containsExactly(
                "15<-14 ExecutionRedriven", "16<-15 TaskStateEntered", "17<-16 TaskScheduled", "18<-17 TaskStarted", "19<-18 TaskSucceeded",
                "20<-19 TaskStateExited", "21<-20 ParallelStateSucceeded", "22<-21 ParallelStateExited", "23<-22 ExecutionSucceeded");
        assertThat(history.events().get(15).details().get("name").asText()).isEqualTo("Right");
    }

    @Test
    void onlyTheFailedIterationOfAMapRunsAgain()
    {
        String definition = """
                {"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemsPath": "$.items", "End": true, "ItemProcessor": {"StartAt": "Send",
                  "States": {"Send": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}}}}
                """;
        FakeTime time = new FakeTime(START);
        RecordingHistory history = new RecordingHistory();
        ExecutionRequest request = new ExecutionRequest(EXECUTION, MACHINE, ROLE, json("{\"items\": [1, 2, 3]}"), START);
        // the first item works, the second does not yet
        calls.add("first");
        assertThat(interpreter(time, history, FixedRandom.none()).execute(definition(definition), request))
                .isEqualTo(new ExecutionResult.Failed("Busy", "not yet"));
        assertThat(history.types()).containsExactly("ExecutionStarted", "MapStateEntered", "MapStateStarted",
                "MapIterationStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "MapIterationSucceeded",
                "MapIterationStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskFailed", "MapIterationFailed", "MapStateFailed",
                "ExecutionFailed");
        redrive(history, time, 19, 18, 1);
        working.set(true);
        calls.clear();

        assertThat(interpreter(time, history, FixedRandom.none()).resume(definition(definition), request, history.events()))
                .isEqualTo(new ExecutionResult.Succeeded(json("[{\"ok\": 1}, {\"ok\": 2}, {\"ok\": 3}]")));
        assertThat(calls).containsExactly("Send#0 2", "Send#0 3");
        assertThat(history.chain().subList(18, history.chain().size())).containsExactly(
                "19<-18 ExecutionRedriven", "20<-19 TaskStateEntered", "21<-20 TaskScheduled", "22<-21 TaskStarted", "23<-22 TaskSucceeded",
                "24<-23 TaskStateExited", "25<-24 MapIterationSucceeded", "26<-3 MapIterationStarted", "27<-26 TaskStateEntered", "28<-27 TaskScheduled",
                "29<-28 TaskStarted", "30<-29 TaskSucceeded", "31<-30 TaskStateExited", "32<-31 MapIterationSucceeded", "33<-32 MapStateSucceeded",
                "34<-33 MapStateExited", "35<-34 ExecutionSucceeded");
    }

    @Test
    void onlyAFailedAbortedOrTimedOutHistoryIsRedrivable()
    {
        FakeTime time = new FakeTime(START);
        RecordingHistory history = new RecordingHistory();
        working.set(true);
        interpreter(time, history, new FixedRandom(List.of(), List.of(STAMP))).execute(definition(DEFINITION), request());
        assertThat(StateMachineInterpreter.redriveRefusal(history.events()))
                .contains("its history does not end with ExecutionFailed, ExecutionTimedOut or ExecutionAborted");
        assertThat(StateMachineInterpreter.redriveRefusal(List.of())).isPresent();

        List<String> distributed = List.of("ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted", "MapRunFailed", "MapStateFailed",
                "ExecutionFailed");
        // one that ended in a distributed Map is redriven with its Map Run
        assertThat(StateMachineInterpreter.redriveRefusal(chain(distributed))).isEmpty();
        // a redrive cut short after its event: the next one takes that event
        assertThat(StateMachineInterpreter.redriveRefusal(chain(List.of("ExecutionStarted", "PassStateEntered", "ExecutionFailed", "ExecutionRedriven"))))
                .isEmpty();
    }

    /** Events of these types, each after the one before. */
    private static List<HistoryEvent> chain(List<String> types)
    {
        List<HistoryEvent> events = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            events.add(new HistoryEvent(i + 1, i, types.get(i), START, Json.object().put("name", "S")));
        }
        return events;
    }

    @Test
    void aTimedOutExecutionEntersTheStateItTimedOutInAgainWithItsTimeoutCountedFromTheRedrive()
    {
        String definition = """
                {"StartAt": "Hold", "TimeoutSeconds": 10, "States": {
                  "Hold": {"Type": "Wait", "Seconds": 8, "Next": "Again"},
                  "Again": {"Type": "Wait", "Seconds": 8, "End": true}}}
                """;
        FakeTime time = new FakeTime(START);
        RecordingHistory history = new RecordingHistory();
        assertThat(interpreter(time, history, FixedRandom.none()).execute(definition(definition), request())).isEqualTo(new ExecutionResult.TimedOut());
        assertThat(history.chain()).containsExactly("1<-0 ExecutionStarted", "2<-1 WaitStateEntered", "3<-2 WaitStateExited", "4<-3 WaitStateEntered",
                "5<-4 ExecutionTimedOut");
        assertThat(time.instant()).isEqualTo(START.plusSeconds(10));
        redrive(history, time, 6, 5, 1);

        assertThat(interpreter(time, history, FixedRandom.none()).resume(definition(definition), request(), history.events()))
                .isEqualTo(new ExecutionResult.Succeeded(json("{\"a\": 1}")));
        // the second Wait waits its 8 s again from its new entry, within the 10 s counted from the redrive
        assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(8), Duration.ofSeconds(2), Duration.ofSeconds(8));
        assertThat(history.chain().subList(5, history.chain().size())).containsExactly(
                "6<-5 ExecutionRedriven", "7<-6 WaitStateEntered", "8<-7 WaitStateExited", "9<-8 ExecutionSucceeded");
        assertThat(history.events().get(6).details().get("name").asText()).isEqualTo("Again");
    }

    @Test
    void anExecutionAbortedBetweenStatesGoesOnWithTheNextState()
    {
        FakeTime time = new FakeTime(START);
        RecordingHistory history = new RecordingHistory();
        working.set(true);
        interpreter(time, history, new FixedRandom(List.of(), List.of(STAMP))).execute(definition(DEFINITION), request());
        // as if stopped after the Pass: the engine wrote ExecutionAborted after its last event
        List<HistoryEvent> stopped = new ArrayList<>(history.events().subList(0, 3));
        stopped.add(new HistoryEvent(4, 3, "ExecutionAborted", START, Json.object()));
        stopped.add(new HistoryEvent(5, 4, "ExecutionRedriven", START.plusSeconds(1), Json.object().put("redriveCount", 1)));
        RecordingHistory redriven = new RecordingHistory();
        stopped.forEach(redriven::append);
        calls.clear();

        assertThat(interpreter(time, redriven, FixedRandom.none()).resume(definition(DEFINITION), request(), stopped))
                .isInstanceOf(ExecutionResult.Succeeded.class);
        assertThat(calls).containsExactly("Work#0 {\"id\":\"3f1c0d9e-8f5b-4a41-9c59-7e2d6b0a1c11\"}");
        assertThat(redriven.chain().subList(3, redriven.chain().size())).containsExactly(
                "4<-3 ExecutionAborted", "5<-4 ExecutionRedriven", "6<-5 TaskStateEntered", "7<-6 TaskScheduled", "8<-7 TaskStarted",
                "9<-8 TaskSucceeded", "10<-9 TaskStateExited", "11<-10 PassStateEntered", "12<-11 PassStateExited", "13<-12 ExecutionSucceeded");
    }

    /** Appends what the engine writes when it redrives: {@code ExecutionRedriven} after the event that ended the execution. */
    private static void redrive(RecordingHistory history, FakeTime time, long id, long previous, int count)
    {
        assertThat(history.events().get(history.events().size() - 1).id()).isEqualTo(previous);
        assertThat(StateMachineInterpreter.redriveRefusal(history.events())).isEmpty();
        history.append(new HistoryEvent(id, previous, "ExecutionRedriven", time.instant(), Json.object().put("redriveCount", count)));
    }

    private StateMachineInterpreter interpreter(FakeTime time, HistorySink sink, RandomSource random)
    {
        return StateMachineInterpreter.builder()
                .taskInvoker(request -> {
                    calls.add(request.stateName() + "#" + request.retryCount() + " " + request.input());
                    if (request.resource().equals("arn:aws:states:::sqs:sendMessage")) {
                        return CompletableFuture.completedFuture(TaskOutcome.succeeded(Json.object().put("sent", true)));
                    }
                    JsonNode input = request.input();
                    boolean firstItem = input.isInt() && input.intValue() == 1;
                    if (working.get() || firstItem && calls.get(0).equals("first")) {
                        JsonNode id = input.has("id") ? input.get("id") : input;
                        return CompletableFuture.completedFuture(TaskOutcome.succeeded(Json.object().set("ok", id)));
                    }
                    return CompletableFuture.completedFuture(TaskOutcome.failed("Busy", "not yet"));
                })
                .clock(time).waiter(time).random(random).historySink(sink).executor(Runnable::run)
                .build();
    }

    private static StateMachineDefinition definition(String text)
    {
        return StateMachineDefinition.parse(text);
    }

    private static ExecutionRequest request()
    {
        return new ExecutionRequest(EXECUTION, MACHINE, ROLE, json("{\"a\": 1}"), START);
    }
}
