package io.lakestack.connectors.stepfunctions;

import java.util.concurrent.CompletableFuture;

/**
 * Runs the work of a Task state: a service integration, an activity or a function. Called once per attempt (a retried
 * task is invoked again), after the interpreter has written {@code TaskScheduled} and {@code TaskStarted}
 * ({@code ActivityScheduled} for an activity, whose invoker reports the worker that takes it with
 * {@link TaskRequest#started()} and fails a task it cannot schedule with {@link ActivityScheduleFailure}).
 *
 * <p>The returned future completes with the task's {@link TaskOutcome}; completing it exceptionally fails the task
 * with the exception's simple class name as the error and its message as the cause. The interpreter enforces
 * {@code TimeoutSeconds} and {@code HeartbeatSeconds} itself: when either passes it cancels the future and fails the
 * task with {@code States.Timeout} or {@code States.HeartbeatTimeout}, so an invoker needs no timer of its own.
 *
 * <p>The seams for later integrations: a {@code .sync} integration completes the future when the job it started ends;
 * a {@code .waitForTaskToken} integration hands {@link TaskRequest#taskToken()} to the worker and completes the future
 * when {@code SendTaskSuccess} / {@code SendTaskFailure} arrive with that token, calling
 * {@link TaskRequest#heartbeat()} on {@code SendTaskHeartbeat}. The token is derived from the execution, the
 * {@code TaskStateEntered} event id and the retry count, so it is the same after an execution resumes from its history.
 */
@FunctionalInterface
public interface TaskInvoker
{
    CompletableFuture<TaskOutcome> invoke(TaskRequest request);
}
