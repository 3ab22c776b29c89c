package io.lakestack.connectors.stepfunctions.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.connectors.stepfunctions.ActivityScheduleFailure;
import io.lakestack.connectors.stepfunctions.TaskOutcome;
import io.lakestack.connectors.stepfunctions.TaskRequest;
import io.lakestack.connectors.stepfunctions.TaskTokens;
import io.lakestack.spi.stepfunctions.Activity;
import io.lakestack.spi.stepfunctions.ActivityTask;
import io.lakestack.spi.stepfunctions.StateMachineExecution;
import io.lakestack.spi.stepfunctions.StepFunctions;
import io.lakestack.spi.store.MemoryRecordStores;
import io.lakestack.spi.store.RecordStore;
import io.lakestack.spi.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Activities' tasks on memory stores shared by two {@link TaskCallbacks}, as two instances on one Kafka share the record
 * stores: the owner's side (invoke) and the workers' ({@code GetActivityTask}, then the callbacks).
 */
class ActivityTasksTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EXECUTION = "arn:aws:states:us-east-1:000000000000:execution:m:e1";
    private static final String ACTIVITY = "arn:aws:states:us-east-1:000000000000:activity:adder";

    private final ManualClock clock = new ManualClock(1_790_000_000_000L);
    private final MemoryRecordStores stores = new MemoryRecordStores();
    private final RecordStore<StateMachineExecution> executions = stores.open(StepFunctions.EXECUTIONS_STORE, StateMachineExecution.class);
    private final TaskCallbacks owner = callbacks();
    private final TaskCallbacks other = callbacks();
    private final List<String> starts = new CopyOnWriteArrayList<>();
    private final AtomicInteger beats = new AtomicInteger();

    ActivityTasksTest()
    {
        executions.put(EXECUTION, new StateMachineExecution(EXECUTION, "arn:aws:states:us-east-1:000000000000:stateMachine:m", "e1",
                StateMachineExecution.RUNNING, "{}", "{}", "arn:aws:iam::000000000000:role/r", 1L, 0L, Optional.empty(), Optional.empty(),
                Optional.empty()));
        stores.open(StepFunctions.ACTIVITIES_STORE, Activity.class).put(ACTIVITY, new Activity("adder", ACTIVITY, Map.of(), 1L));
    }

    private TaskCallbacks callbacks()
    {
        return new TaskCallbacks(stores, request -> {
            throw new AssertionError("an activity calls no integration");
        }, arn -> false, clock);
    }

    private TaskRequest request(String token)
    {
        return request(token, starts::add);
    }

    private TaskRequest request(String token, Consumer<String> started)
    {
        return new TaskRequest(EXECUTION, "Add", ACTIVITY, JSON.createObjectNode().put("a", 1), token, 0, Optional.empty(), Optional.empty(),
                beats::incrementAndGet, started, answer -> {});
    }

    private String status(String token)
    {
        return stores.open(TaskCallbacks.TOKENS_STORE, TaskCallbacks.TaskToken.class).get(token).orElseThrow().status();
    }

    @Test
    void aScheduledTaskIsHandedOutOnceStartedAndEndedByItsCallback()
            throws Exception
    {
        String token = TaskTokens.of(EXECUTION, 2, 0);
        CompletableFuture<TaskOutcome> outcome = owner.invoke(request(token));
        assertThat(status(token)).isEqualTo("OPEN");

        // polled on the other instance
        assertThat(other.activityTasks().poll(ACTIVITY, "worker-1", Duration.ZERO)).contains(new ActivityTask(token, "{\"a\":1}"));
        assertThat(starts).containsExactly("worker-1");
        assertThat(owner.activityTasks().poll(ACTIVITY, "worker-2", Duration.ZERO)).isEmpty();
        assertThat(other.activityTasks().poll(ACTIVITY, "worker-2", Duration.ZERO)).isEmpty();
        assertThat(outcome).isNotDone();
        // a heartbeat sent through either instance reaches the owner's task
        other.heartbeat(token);
        assertThat(beats).hasValue(1);

        other.succeed(token, "{\"sum\":3}");
        assertThat(outcome.getNow(null)).isEqualTo(TaskOutcome.succeeded(JSON.readTree("{\"sum\":3}")));
        assertThat(status(token)).isEqualTo("CLOSED");
        assertThat(stores.open(ActivityTasks.TASKS_STORE, ActivityTasks.Pending.class).all()).isEmpty();
        // the answer reports the start again, in case the owner read it first (the interpreter takes the first report only)
        assertThat(starts).containsExactly("worker-1", "worker-1");
    }

    @Test
    void tasksAreHandedOutOldestFirstAndAClaimMadeFirstElsewhereWins()
            throws Exception
    {
        String first = TaskTokens.of(EXECUTION, 2, 0);
        String second = TaskTokens.of(EXECUTION, 9, 0);
        String third = TaskTokens.of(EXECUTION, 15, 0);
        owner.invoke(request(first));
        clock.advance(1000);
        owner.invoke(request(second));
        clock.advance(1000);
        owner.invoke(request(third));
        // another instance's worker claimed the second task a moment ago: the claim in the store first takes it
        stores.open(ActivityTasks.CLAIMS_STORE, ActivityTasks.Claim.class).put(second, new ActivityTasks.Claim("elsewhere", "worker-x", 1L));

        assertThat(other.activityTasks().poll(ACTIVITY, "w", Duration.ZERO).map(ActivityTask::taskToken)).contains(first);
        assertThat(owner.activityTasks().poll(ACTIVITY, "w", Duration.ZERO).map(ActivityTask::taskToken)).contains(third);
        assertThat(other.activityTasks().poll(ACTIVITY, "w", Duration.ZERO)).isEmpty();
    }

    @Test
    void aTaskOfAnExecutionThatEndedIsNotHandedOut()
            throws Exception
    {
        String token = TaskTokens.of(EXECUTION, 2, 0);
        owner.invoke(request(token));
        executions.put(EXECUTION, executions.get(EXECUTION).orElseThrow().ended(StateMachineExecution.ABORTED, 5L, Optional.empty(), Optional.empty(),
                Optional.empty()));

        assertThat(other.activityTasks().poll(ACTIVITY, "w", Duration.ZERO)).isEmpty();
        assertThat(starts).isEmpty();
    }

    @Test
    void aCancelledTaskIsClosedAndNoLongerHandedOut()
            throws Exception
    {
        String token = TaskTokens.of(EXECUTION, 2, 0);
        owner.invoke(request(token)).cancel(true);

        assertThat(status(token)).isEqualTo("CLOSED");
        assertThat(other.activityTasks().poll(ACTIVITY, "w", Duration.ZERO)).isEmpty();
    }

    @Test
    void aTaskOfAnActivityThatDoesNotExistFailsToSchedule()
    {
        stores.open(StepFunctions.ACTIVITIES_STORE, Activity.class).delete(ACTIVITY);
        CompletableFuture<TaskOutcome> outcome = owner.invoke(request(TaskTokens.of(EXECUTION, 2, 0)));

        assertThat(outcome).isCompletedExceptionally();
        assertThat(outcome.handle((value, failure) -> failure).join()).isInstanceOfSatisfying(ActivityScheduleFailure.class, failure -> {
            assertThat(failure.error()).isEqualTo("States.Runtime");
            assertThat(failure.cause()).isEqualTo("Activity Does Not Exist: '" + ACTIVITY + "' (deleted after the state machine was made; "
                    + "CreateActivity makes it)");
        });
    }

    @Test
    void aTaskTakenAndAnsweredWhileNoInstanceRanItsExecutionEndsWhenItResumes()
            throws Exception
    {
        String token = TaskTokens.of(EXECUTION, 2, 0);
        owner.invoke(request(token));
        // the owner is killed; a worker takes the task through the other instance and answers it
        assertThat(other.activityTasks().poll(ACTIVITY, "worker-1", Duration.ZERO)).isPresent();
        other.succeed(token, "3");
        starts.clear();

        TaskCallbacks next = callbacks();
        CompletableFuture<TaskOutcome> resumed = next.invoke(request(token));
        assertThat(starts).containsExactly("worker-1");
        assertThat(resumed.getNow(null)).isEqualTo(TaskOutcome.succeeded(JSON.getNodeFactory().numberNode(3)));
        assertThat(status(token)).isEqualTo("CLOSED");
        assertThat(next.activityTasks().poll(ACTIVITY, "w", Duration.ZERO)).isEmpty();
    }

    @Test
    void aTaskNotTakenBeforeARestartIsHandedOutAfterIt()
            throws Exception
    {
        String token = TaskTokens.of(EXECUTION, 2, 0);
        // the owner that scheduled it is killed (its task is left waiting, as a dead instance leaves it)
        owner.invoke(request(token, workerName -> {}));
        TaskCallbacks next = callbacks();
        CompletableFuture<TaskOutcome> resumed = next.invoke(request(token));

        assertThat(callbacks().activityTasks().poll(ACTIVITY, "worker-1", Duration.ZERO).map(ActivityTask::taskToken)).contains(token);
        assertThat(starts).containsExactly("worker-1");
        next.fail(token, Optional.of("Adder.Overflow"), Optional.of("too big"));
        assertThat(resumed.getNow(null)).isEqualTo(TaskOutcome.failed("Adder.Overflow", "too big"));
    }
}
