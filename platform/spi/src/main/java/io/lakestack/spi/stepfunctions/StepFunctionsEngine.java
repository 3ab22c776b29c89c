package io.lakestack.spi.stepfunctions;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What runs Step Functions executions. The service validates requests and keeps state machines; the engine checks
 * definitions against what it can run, and runs executions durably: each history event is stored
 * ({@value StepFunctions#HISTORY_STORE}) before the step it records takes effect, the execution's record
 * ({@value StepFunctions#EXECUTIONS_STORE}) says how it ended, and an execution whose instance stopped is resumed from
 * its stored history by the instance that takes it over.
 *
 * <p>Where lakestack differs from AWS: a definition that names a task resource the engine cannot run (an integration
 * pattern or service integration not supported yet) is refused at validation rather than failed when the task runs.
 * Task tokens ({@code .waitForTaskToken} and activities) name their execution and task; they are not secret.
 */
public interface StepFunctionsEngine
{
    /**
     * Every problem of the definition of a machine of this type ({@value StepFunctions#STANDARD} or
     * {@value StepFunctions#EXPRESS}), empty when it can be created and run.
     */
    List<DefinitionProblem> validate(String definition, String type);

    /**
     * {@code TestState}: runs one state once, its Task through the same integrations as executions unless mocked, and
     * stores nothing. Throws the {@link io.lakestack.spi.ServiceException} AWS answers with: {@code InvalidDefinition}
     * with the definition's problems, {@code ValidationException} for a state that cannot be tested as asked (a Map,
     * Parallel, activity, {@code .sync} or {@code .waitForTaskToken} Task without a mock, a mock of another state).
     */
    StateTestResult testState(StateTest test);

    /**
     * Hands a new execution, already stored {@code RUNNING} in {@value StepFunctions#EXECUTIONS_STORE}, to the instance
     * that runs it. Returns once the hand-over is durable: the execution runs even if this instance stops now.
     */
    void start(StateMachineExecution execution);

    /**
     * Runs an execution of an {@code EXPRESS} machine on the calling thread and returns it ended; nothing is stored,
     * as AWS keeps no history of synchronous Express executions.
     */
    StateMachineExecution runSync(StateMachineExecution execution);

    /**
     * Stops a running execution: it writes no event after {@code ExecutionAborted} and ends {@code ABORTED} with the
     * error and cause. Returns the stop time once the execution's record says it ended (aborted, or ended on its
     * own just before).
     */
    Instant stop(String executionArn, Optional<String> error, Optional<String> cause);

    /**
     * Why the engine cannot redrive this ended execution from its history, empty when it can (the service checks the
     * rest: its status, type, age and redrive count).
     */
    default Optional<String> redriveRefusal(StateMachineExecution execution)
    {
        return Optional.of("this engine does not redrive executions");
    }

    /**
     * {@code RedriveExecution} of an execution the service found redrivable: writes {@code ExecutionRedriven} after its
     * last event, stores it {@code RUNNING} with one more redrive, and hands it to the instance that runs it, which goes
     * on from the state it ended in. Returns the execution as stored, once all three are durable. Throws
     * {@code ExecutionNotRedrivable} ({@link io.lakestack.spi.ServiceException}) for a reason of {@link #redriveRefusal}.
     */
    default StateMachineExecution redrive(StateMachineExecution execution, Optional<String> clientToken)
    {
        throw new UnsupportedOperationException("this engine does not redrive executions");
    }

    /**
     * {@code SendTaskSuccess}: the task waiting for this token ({@code .waitForTaskToken}, or an activity's) succeeds with the output
     * (JSON, checked by the service). Throws the {@link io.lakestack.spi.ServiceException} AWS answers with:
     * {@code InvalidToken}, {@code TaskDoesNotExist}, or {@code TaskTimedOut} for a task that has ended.
     */
    void sendTaskSuccess(String taskToken, String output);

    /** {@code SendTaskFailure}: the task fails with the error and cause (for its Retry and Catch); errors as {@link #sendTaskSuccess}. */
    void sendTaskFailure(String taskToken, Optional<String> error, Optional<String> cause);

    /** {@code SendTaskHeartbeat}: the task's {@code HeartbeatSeconds} count again from now; errors as {@link #sendTaskSuccess}. */
    void sendTaskHeartbeat(String taskToken);

    /**
     * {@code GetActivityTask}: hands the oldest task of the activity that no worker has taken yet, scheduled by an
     * execution still running, to this worker, waiting up to {@code wait} for one to be scheduled. A task is handed out
     * once across every instance; taking it starts it ({@code ActivityStarted} with the worker's name). Empty when none
     * came in time. The activity's existence is the service's to check.
     */
    Optional<ActivityTask> getActivityTask(String activityArn, String workerName, Duration wait)
            throws InterruptedException;
}
