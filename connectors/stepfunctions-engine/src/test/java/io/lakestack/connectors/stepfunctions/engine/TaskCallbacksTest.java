package io.lakestack.connectors.stepfunctions.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.connectors.stepfunctions.TaskOutcome;
import io.lakestack.connectors.stepfunctions.TaskRequest;
import io.lakestack.connectors.stepfunctions.TaskTokens;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.stepfunctions.StateMachineExecution;
import io.lakestack.spi.stepfunctions.StepFunctions;
import io.lakestack.spi.store.MemoryRecordStores;
import io.lakestack.spi.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The callback pattern on memory stores: the owner's side (invoke) and the API's side (succeed, fail, heartbeat). */
class TaskCallbacksTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EXECUTION = "arn:aws:states:us-east-1:000000000000:execution:m:e1";
    private static final String SEND = "arn:aws:states:::sqs:sendMessage";

    private final ManualClock clock = new ManualClock(1_790_000_000_000L);
    private final MemoryRecordStores stores = new MemoryRecordStores();
    private final List<TaskRequest> calls = new ArrayList<>();
    private final AtomicBoolean handedOver = new AtomicBoolean();
    private CompletableFuture<TaskOutcome> integrationAnswer = CompletableFuture.completedFuture(TaskOutcome.succeeded(JSON.createObjectNode()
            .put("MessageId", "m-1")));
    private final TaskCallbacks callbacks = new TaskCallbacks(stores, request -> {
        calls.add(request);
        return integrationAnswer;
    }, arn -> handedOver.get(), clock);

    TaskCallbacksTest()
    {
        stores.open(StepFunctions.EXECUTIONS_STORE, StateMachineExecution.class).put(EXECUTION, new StateMachineExecution(EXECUTION,
                "arn:aws:states:us-east-1:000000000000:stateMachine:m", "e1", StateMachineExecution.RUNNING, "{}", "{}",
                "arn:aws:iam::000000000000:role/r", 1L, 0L, Optional.empty(), Optional.empty(), Optional.empty()));
    }

    private static TaskRequest request(String resource, String token, Runnable heartbeat)
    {
        return request(resource, token, heartbeat, answer -> {});
    }

    private static TaskRequest request(String resource, String token, Runnable heartbeat, Consumer<JsonNode> submitted)
    {
        return new TaskRequest(EXECUTION, "Wait for approval", resource, JSON.createObjectNode().put("QueueUrl", "q"), token, 0, Optional.empty(),
                Optional.empty(), heartbeat, workerName -> {}, submitted);
    }

    private String status(String token)
    {
        return stores.open(TaskCallbacks.TOKENS_STORE, TaskCallbacks.TaskToken.class).get(token).orElseThrow().status();
    }

    @Test
    void aCallbackTaskCallsItsIntegrationThenWaitsForSendTaskSuccess()
            throws Exception
    {
        String token = TaskTokens.of(EXECUTION, 4, 0);
        CompletableFuture<TaskOutcome> outcome = callbacks.invoke(request(SEND + ".waitForTaskToken", token, () -> {}));

        assertThat(calls).extracting(TaskRequest::resource).containsExactly(SEND);
        assertThat(calls.get(0).taskToken()).isEqualTo(token);
        assertThat(outcome).isNotDone();
        assertThat(status(token)).isEqualTo("OPEN");

        callbacks.succeed(token, "{\"approved\":true}");
        assertThat(outcome.getNow(null)).isEqualTo(TaskOutcome.succeeded(JSON.readTree("{\"approved\":true}")));
        assertThat(status(token)).isEqualTo("CLOSED");
        assertThatThrownBy(() -> callbacks.succeed(token, "{}"))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.errorCode()).isEqualTo("TaskTimedOut"))
                .hasMessage("Task Timed Out: 'Provided task does not exist anymore' (the task of this token in " + EXECUTION
                        + ", state Wait for approval, has ended)");
        assertThatThrownBy(() -> callbacks.heartbeat(token))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.errorCode()).isEqualTo("TaskTimedOut"));
    }

    @Test
    void theTaskIsSubmittedWithTheIntegrationsAnswerBeforeACallbackThatCameFirstEndsIt()
            throws Exception
    {
        integrationAnswer = new CompletableFuture<>();
        String token = TaskTokens.of(EXECUTION, 4, 0);
        List<String> seen = new ArrayList<>();
        CompletableFuture<TaskOutcome> outcome = callbacks.invoke(request(SEND + ".waitForTaskToken", token, () -> {},
                answer -> seen.add("submitted " + answer)));
        outcome.thenAccept(ended -> seen.add("ended " + ended));
        assertThat(status(token)).isEqualTo("DISPATCHING");

        // the worker got the message and answered before the send returned
        callbacks.succeed(token, "{\"approved\":true}");
        assertThat(outcome).isNotDone();
        assertThat(seen).isEmpty();

        integrationAnswer.complete(TaskOutcome.succeeded(JSON.readTree("{\"MessageId\":\"m-2\"}")));
        assertThat(seen).containsExactly("submitted {\"MessageId\":\"m-2\"}", "ended " + TaskOutcome.succeeded(JSON.readTree("{\"approved\":true}")));
        assertThat(status(token)).isEqualTo("CLOSED");
    }

    @Test
    void sendTaskFailureFailsTheTaskWithItsErrorAndCause()
    {
        String token = TaskTokens.of(EXECUTION, 4, 1);
        CompletableFuture<TaskOutcome> outcome = callbacks.invoke(request(SEND + ".waitForTaskToken", token, () -> {}));

        callbacks.fail(token, Optional.of("Rejected"), Optional.of("the reviewer said no"));
        assertThat(outcome.getNow(null)).isEqualTo(TaskOutcome.failed("Rejected", "the reviewer said no"));
        CompletableFuture<TaskOutcome> bare = callbacks.invoke(request(SEND + ".waitForTaskToken", TaskTokens.of(EXECUTION, 9, 0), () -> {}));
        callbacks.fail(TaskTokens.of(EXECUTION, 9, 0), Optional.empty(), Optional.empty());
        assertThat(bare.getNow(null)).isEqualTo(TaskOutcome.failed("", ""));
    }

    @Test
    void aHeartbeatReachesTheWaitingTask()
    {
        String token = TaskTokens.of(EXECUTION, 4, 0);
        AtomicInteger beats = new AtomicInteger();
        CompletableFuture<TaskOutcome> outcome = callbacks.invoke(request(SEND + ".waitForTaskToken", token, beats::incrementAndGet));

        callbacks.heartbeat(token);
        callbacks.heartbeat(token);
        assertThat(beats).hasValue(2);
        assertThat(outcome).isNotDone();
    }

    @Test
    void tokensThatNameNoTaskAreRefusedAsAwsRefusesThem()
    {
        assertThatThrownBy(() -> callbacks.succeed("not-a-token", "{}"))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.errorCode()).isEqualTo("InvalidToken"))
                .hasMessage("Invalid Token: 'not-a-token' is no task token of lakestack's (a task gets its token as $$.Task.Token)");
        assertThatThrownBy(() -> callbacks.heartbeat(TaskTokens.of(EXECUTION, 77, 0)))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.errorCode()).isEqualTo("TaskDoesNotExist"))
                .hasMessage("Task Does Not Exist: no task of " + EXECUTION + " was given this token");
    }

    @Test
    void aTaskOfAnExecutionThatEndedHasTimedOut()
    {
        String token = TaskTokens.of(EXECUTION, 4, 0);
        callbacks.invoke(request(SEND + ".waitForTaskToken", token, () -> {}));
        var executions = stores.open(StepFunctions.EXECUTIONS_STORE, StateMachineExecution.class);
        executions.put(EXECUTION, executions.get(EXECUTION).orElseThrow().ended(StateMachineExecution.ABORTED, 2L, Optional.empty(), Optional.empty(),
                Optional.empty()));

        assertThatThrownBy(() -> callbacks.succeed(token, "{}"))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.errorCode()).isEqualTo("TaskTimedOut"));
    }

    @Test
    void aResumedTaskDoesNotCallItsIntegrationAgainAndTakesTheCallbackThatCameMeanwhile()
    {
        String token = TaskTokens.of(EXECUTION, 4, 0);
        CompletableFuture<TaskOutcome> first = callbacks.invoke(request(SEND + ".waitForTaskToken", token, () -> {}));
        // the owner stops to resume elsewhere: the task stays open
        handedOver.set(true);
        first.cancel(true);
        assertThat(status(token)).isEqualTo("OPEN");
        handedOver.set(false);

        // the next owner, on the same stores: no second message, still waiting
        TaskCallbacks next = new TaskCallbacks(stores, request -> {
            calls.add(request);
            return integrationAnswer;
        }, arn -> false, clock);
        List<JsonNode> submissions = new ArrayList<>();
        CompletableFuture<TaskOutcome> resumed = next.invoke(request(SEND + ".waitForTaskToken", token, () -> {}, submissions::add));
        assertThat(calls).hasSize(1);
        // submitted as before the restart, with the answer the integration gave then
        assertThat(submissions).containsExactly(JSON.createObjectNode().put("MessageId", "m-1"));
        assertThat(resumed).isNotDone();
        next.succeed(token, "7");
        assertThat(resumed.getNow(null)).isEqualTo(TaskOutcome.succeeded(JSON.getNodeFactory().numberNode(7)));

        // a callback that arrived while no instance waited is taken at once
        String other = TaskTokens.of(EXECUTION, 12, 0);
        CompletableFuture<TaskOutcome> waiting = callbacks.invoke(request(SEND + ".waitForTaskToken", other, () -> {}));
        handedOver.set(true);
        waiting.cancel(true);
        next.succeed(other, "\"done\"");
        TaskCallbacks third = new TaskCallbacks(stores, request -> {
            throw new AssertionError("not called again: " + request);
        }, arn -> false, clock);
        assertThat(third.invoke(request(SEND + ".waitForTaskToken", other, () -> {})).getNow(null))
                .isEqualTo(TaskOutcome.succeeded(JSON.getNodeFactory().textNode("done")));
    }

    @Test
    void aTaskThatTimesOutIsClosedAndAFailedIntegrationFailsTheTask()
    {
        String token = TaskTokens.of(EXECUTION, 4, 0);
        CompletableFuture<TaskOutcome> outcome = callbacks.invoke(request(SEND + ".waitForTaskToken", token, () -> {}));
        // the interpreter cancels a task past its TimeoutSeconds or HeartbeatSeconds
        outcome.cancel(true);
        assertThat(status(token)).isEqualTo("CLOSED");
        assertThatThrownBy(() -> callbacks.succeed(token, "{}"))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.errorCode()).isEqualTo("TaskTimedOut"));

        integrationAnswer = CompletableFuture.completedFuture(TaskOutcome.failed("SQS.QueueDoesNotExistException", "no queue q"));
        String failing = TaskTokens.of(EXECUTION, 8, 0);
        assertThat(callbacks.invoke(request(SEND + ".waitForTaskToken", failing, () -> {})).getNow(null))
                .isEqualTo(TaskOutcome.failed("SQS.QueueDoesNotExistException", "no queue q"));
        assertThat(status(failing)).isEqualTo("CLOSED");
    }

    @Test
    void otherTasksGoStraightToTheIntegrations()
    {
        String token = TaskTokens.of(EXECUTION, 4, 0);
        assertThat(callbacks.invoke(request(SEND, token, () -> {}))).isSameAs(integrationAnswer);
        assertThat(stores.open(TaskCallbacks.TOKENS_STORE, TaskCallbacks.TaskToken.class).get(token)).isEmpty();
    }

    @Test
    void aSyncTaskCancelledStopsItsWorkUnlessTheExecutionIsHandedOver()
    {
        CompletableFuture<TaskOutcome> timedOutWork = new CompletableFuture<>();
        integrationAnswer = timedOutWork;
        CompletableFuture<TaskOutcome> timedOut = callbacks.invoke(request("arn:aws:states:::glue:startJobRun.sync", TaskTokens.of(EXECUTION, 4, 0), () -> {}));
        timedOut.cancel(true);
        // the task timed out or its execution was stopped: the work is cancelled, which stops the job run
        assertThat(timedOutWork).isCancelled();

        CompletableFuture<TaskOutcome> handedOverWork = new CompletableFuture<>();
        integrationAnswer = handedOverWork;
        CompletableFuture<TaskOutcome> resumesElsewhere = callbacks.invoke(request("arn:aws:states:::glue:startJobRun.sync", TaskTokens.of(EXECUTION, 9, 0),
                () -> {}));
        handedOver.set(true);
        resumesElsewhere.cancel(true);
        // the execution resumes elsewhere: the work is let go of, not stopped
        assertThat(handedOverWork).isCompletedExceptionally().isNotCancelled();

        CompletableFuture<TaskOutcome> endedWork = new CompletableFuture<>();
        integrationAnswer = endedWork;
        CompletableFuture<TaskOutcome> ended = callbacks.invoke(request("arn:aws:states:::glue:startJobRun.sync", TaskTokens.of(EXECUTION, 12, 0), () -> {}));
        endedWork.complete(TaskOutcome.failed("States.TaskFailed", "{}"));
        assertThat(ended.getNow(null)).isEqualTo(TaskOutcome.failed("States.TaskFailed", "{}"));
    }
}
