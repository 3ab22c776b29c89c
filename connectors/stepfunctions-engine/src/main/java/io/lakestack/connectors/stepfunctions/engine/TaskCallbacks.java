package io.lakestack.connectors.stepfunctions.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.connectors.stepfunctions.ActivityScheduleFailure;
import io.lakestack.connectors.stepfunctions.TaskInvoker;
import io.lakestack.connectors.stepfunctions.TaskOutcome;
import io.lakestack.connectors.stepfunctions.TaskRequest;
import io.lakestack.connectors.stepfunctions.TaskTokens;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.stepfunctions.Activity;
import io.lakestack.spi.stepfunctions.StateMachineExecution;
import io.lakestack.spi.stepfunctions.StepFunctions;
import io.lakestack.spi.store.RecordStore;
import io.lakestack.spi.store.RecordStores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/**
 * The callback pattern ({@code .waitForTaskToken}), activities, and the calls that end their tasks
 * ({@code SendTaskSuccess}, {@code SendTaskFailure}, {@code SendTaskHeartbeat}), durable on two record stores so that
 * they work across endpoints and restarts:
 * <ul>
 *   <li>{@value #TOKENS_STORE}, written only by the execution's owner: a token is {@code DISPATCHING} before the
 *       integration is called, {@code OPEN} once it answered, {@code CLOSED} once the task ended (succeeded, failed,
 *       timed out, or its execution stopped);</li>
 *   <li>{@value #CALLBACKS_STORE}, written by whichever instance takes the call: the last callback of each token
 *       ({@code SUCCESS} with the output, {@code FAILURE} with the error and cause, or {@code HEARTBEAT}).</li>
 * </ul>
 * The owner waits for the callback store; an execution resumed after a restart finds a callback that arrived while no
 * instance ran it, and does not call the integration again once it had answered ({@code OPEN}). A call that failed
 * before it answered ({@code DISPATCHING}) is made again: the message may then be sent twice, as AWS's integrations are
 * at least once.
 *
 * <p>An activity's task is {@code OPEN} as soon as it is scheduled: it is made available to workers
 * ({@link ActivityTasks}), the one that takes it is reported to the interpreter ({@link TaskRequest#started()}), and
 * it ends by the same callbacks. A task of an activity that does not exist fails with
 * {@link ActivityScheduleFailure}.
 */
public final class TaskCallbacks
        implements TaskInvoker
{
    public static final String TOKENS_STORE = "stepfunctions.task-tokens";
    public static final String CALLBACKS_STORE = "stepfunctions.task-callbacks";
    static final String SUFFIX = ".waitForTaskToken";
    private static final Logger log = LoggerFactory.getLogger(TaskCallbacks.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A token's task, as its owner last wrote it.
     *
     * @param answer the integration's answer once it sent the token (JSON text), which the task's {@code TaskSubmitted}
     *         event shows
     */
    public record TaskToken(String executionArn, String stateName, String status, long atMillis, Optional<String> answer)
    {
        static final String DISPATCHING = "DISPATCHING";
        static final String OPEN = "OPEN";
        static final String CLOSED = "CLOSED";

        public TaskToken
        {
            requireNonNull(executionArn, "executionArn is null");
            requireNonNull(stateName, "stateName is null");
            requireNonNull(status, "status is null");
            answer = answer == null ? Optional.empty() : answer;
        }

        TaskToken(String executionArn, String stateName, String status, long atMillis)
        {
            this(executionArn, stateName, status, atMillis, Optional.empty());
        }
    }

    /** The last callback of a token. */
    public record Callback(String kind, Optional<String> output, Optional<String> error, Optional<String> cause, long atMillis)
    {
        static final String SUCCESS = "SUCCESS";
        static final String FAILURE = "FAILURE";
        static final String HEARTBEAT = "HEARTBEAT";

        public Callback
        {
            requireNonNull(kind, "kind is null");
            output = output == null ? Optional.empty() : output;
            error = error == null ? Optional.empty() : error;
            cause = cause == null ? Optional.empty() : cause;
        }

        boolean ends()
        {
            return !kind.equals(HEARTBEAT);
        }
    }

    /**
     * A task waiting for its callback. Until its integration has answered, a callback that ends it is kept, so that the
     * task is submitted ({@link TaskRequest#submitted()}) before it ends, as on AWS.
     */
    private static final class Waiting
    {
        private final CompletableFuture<TaskOutcome> future;
        private final TaskRequest request;
        private boolean dispatched;
        private Callback pending;

        Waiting(CompletableFuture<TaskOutcome> future, TaskRequest request, boolean dispatched)
        {
            this.future = future;
            this.request = request;
            this.dispatched = dispatched;
        }

        /** The integration has answered: the callback kept meanwhile, if one came. */
        synchronized Optional<Callback> dispatched()
        {
            dispatched = true;
            return Optional.ofNullable(pending);
        }

        /** Whether the task can end now; if not, the callback is kept for when its integration has answered. */
        synchronized boolean endsNow(Callback callback)
        {
            if (!dispatched) {
                pending = callback;
            }
            return dispatched;
        }
    }

    private final RecordStore<TaskToken> tokens;
    private final RecordStore<Callback> callbacks;
    private final RecordStore<StateMachineExecution> executions;
    private final RecordStore<Activity> activities;
    private final ActivityTasks activityTasks;
    private final TaskInvoker integrations;
    private final Predicate<String> handedOver;
    private final Clock clock;
    private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();

    /**
     * @param integrations what calls a task's integration (the resource without {@value #SUFFIX}), and runs every
     *         other task
     * @param handedOver whether an execution stops here only to resume elsewhere (its tasks stay open)
     */
    public TaskCallbacks(RecordStores stores, TaskInvoker integrations, Predicate<String> handedOver, Clock clock)
    {
        requireNonNull(stores, "stores is null");
        this.tokens = stores.open(TOKENS_STORE, TaskToken.class);
        this.callbacks = stores.open(CALLBACKS_STORE, Callback.class);
        this.executions = stores.open(StepFunctions.EXECUTIONS_STORE, StateMachineExecution.class);
        this.activities = stores.open(StepFunctions.ACTIVITIES_STORE, Activity.class);
        this.activityTasks = new ActivityTasks(stores, token -> tokens.get(token).filter(task -> task.status().equals(TaskToken.CLOSED)).isPresent(),
                clock);
        this.integrations = requireNonNull(integrations, "integrations is null");
        this.handedOver = requireNonNull(handedOver, "handedOver is null");
        this.clock = requireNonNull(clock, "clock is null");
        callbacks.subscribe((token, callback) -> callback.ifPresent(received -> deliver(token, received)));
        activityTasks.onStart((token, workerName) -> {
            Waiting task = waiting.get(token);
            if (task != null) {
                task.request.started().accept(workerName);
            }
        });
    }

    /** The activities' tasks, which {@code GetActivityTask} hands out. */
    public ActivityTasks activityTasks()
    {
        return activityTasks;
    }

    // the owner's side

    /**
     * The task's future over its work's: cancelling it (the task timed out, or its execution was stopped) cancels the
     * work, which stops what it started (a {@code .sync} task's query, job run or child execution); when the execution
     * is only handed over (to another instance, or past a restart) the work is let go of without being stopped, for the
     * execution to find when it resumes.
     */
    private CompletableFuture<TaskOutcome> stoppable(TaskRequest request, CompletableFuture<TaskOutcome> work)
    {
        CompletableFuture<TaskOutcome> task = new CompletableFuture<>();
        work.whenComplete((outcome, failure) -> {
            if (failure != null) {
                task.completeExceptionally(failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure);
            }
            else {
                task.complete(outcome);
            }
        });
        task.whenComplete((outcome, failure) -> {
            if (task.isCancelled() && !work.isDone()) {
                if (handedOver.test(request.executionArn())) {
                    work.completeExceptionally(new IllegalStateException("execution " + request.executionArn() + " resumes elsewhere"));
                }
                else {
                    work.cancel(true);
                }
            }
        });
        return task;
    }

    @Override
    public CompletableFuture<TaskOutcome> invoke(TaskRequest request)
    {
        boolean activity = request.activity();
        if (!activity && !request.resource().endsWith(SUFFIX)) {
            boolean sync = request.resource().endsWith(".sync") || request.resource().endsWith(".sync:2");
            return sync ? stoppable(request, integrations.invoke(request)) : integrations.invoke(request);
        }
        String token = request.taskToken();
        if (activity && activities.getLatest(request.resource()).isEmpty() && tokens.getLatest(token).isEmpty()) {
            return CompletableFuture.failedFuture(new ActivityScheduleFailure("States.Runtime", "Activity Does Not Exist: '" + request.resource()
                    + "' (deleted after the state machine was made; CreateActivity makes it)"));
        }
        Optional<TaskToken> known = tokens.getLatest(token);
        // sent before a restart: the task was submitted then
        known.flatMap(TaskToken::answer).ifPresent(answer -> request.submitted().accept(parse(answer)));
        Optional<Callback> answered = callbacks.getLatest(token).filter(Callback::ends);
        if (answered.isPresent()) {
            // answered while no instance ran the execution
            if (activity) {
                activityTasks.startedBy(token).ifPresent(request.started());
                activityTasks.remove(request);
            }
            close(request);
            return CompletableFuture.completedFuture(outcome(answered.get()));
        }
        CompletableFuture<TaskOutcome> future = new CompletableFuture<>();
        boolean dispatching = !activity && (known.isEmpty() || known.get().status().equals(TaskToken.DISPATCHING));
        Waiting task = new Waiting(future, request, !dispatching);
        waiting.put(token, task);
        future.whenComplete((outcome, failure) -> {
            waiting.remove(token);
            synchronized (future) {
                if (!handedOver.test(request.executionArn())) {
                    close(request);
                    if (activity) {
                        activityTasks.remove(request);
                    }
                }
            }
        });
        if (activity) {
            if (known.isEmpty()) {
                tokens.put(token, new TaskToken(request.executionArn(), request.stateName(), TaskToken.OPEN, clock.millis()));
            }
            activityTasks.schedule(request, request.input().toString());
            // taken while no instance ran the execution
            activityTasks.startedBy(token).ifPresent(request.started());
        }
        else if (dispatching) {
            tokens.put(token, new TaskToken(request.executionArn(), request.stateName(), TaskToken.DISPATCHING, clock.millis()));
            TaskRequest call = new TaskRequest(request.executionArn(), request.stateName(),
                    request.resource().substring(0, request.resource().length() - SUFFIX.length()), request.input(), token, request.retryCount(),
                    request.timeoutSeconds(), request.heartbeatSeconds(), request.heartbeat());
            integrations.invoke(call).whenComplete((outcome, failure) -> {
                if (failure != null) {
                    future.completeExceptionally(failure);
                }
                else if (outcome instanceof TaskOutcome.Failed) {
                    // the integration itself failed (no such queue, ...): the task fails with its error
                    future.complete(outcome);
                }
                else {
                    JsonNode answer = ((TaskOutcome.Succeeded) outcome).output();
                    synchronized (future) {
                        // a task that ended meanwhile stays closed
                        if (!future.isDone()) {
                            tokens.put(token, new TaskToken(request.executionArn(), request.stateName(), TaskToken.OPEN, clock.millis(),
                                    Optional.of(answer.toString())));
                        }
                    }
                    request.submitted().accept(answer);
                    task.dispatched().ifPresent(callback -> end(task, callback));
                }
            });
        }
        // a callback stored before this instance was waiting for it
        callbacks.get(token).ifPresent(callback -> deliver(token, callback));
        return future;
    }

    private void close(TaskRequest request)
    {
        tokens.put(request.taskToken(), new TaskToken(request.executionArn(), request.stateName(), TaskToken.CLOSED, clock.millis()));
    }

    private void deliver(String token, Callback callback)
    {
        Waiting task = waiting.get(token);
        if (task == null) {
            return;
        }
        if (!callback.ends()) {
            task.request.heartbeat().run();
        }
        else if (task.endsNow(callback)) {
            end(task, callback);
        }
    }

    private void end(Waiting task, Callback callback)
    {
        if (task.request.activity()) {
            // the worker took the task before it answered: ActivityStarted comes first, whichever store was read first
            activityTasks.startedBy(task.request.taskToken()).ifPresent(task.request.started());
        }
        task.future.complete(outcome(callback));
    }

    private static JsonNode parse(String json)
    {
        try {
            return JSON.readTree(json);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("an integration's answer stored in " + TOKENS_STORE + " is not JSON", e);
        }
    }

    private static TaskOutcome outcome(Callback callback)
    {
        if (callback.kind().equals(Callback.SUCCESS)) {
            try {
                return TaskOutcome.succeeded(JSON.readTree(callback.output().orElse("null")));
            }
            catch (JsonProcessingException e) {
                // checked when the callback was taken
                return TaskOutcome.failed("States.Runtime", "the output sent for the task is not JSON: " + e.getOriginalMessage());
            }
        }
        return TaskOutcome.failed(callback.error().orElse(""), callback.cause().orElse(""));
    }

    // the API's side

    /** {@code SendTaskSuccess}: {@code output} is JSON (the service checked it). */
    public void succeed(String token, String output)
    {
        accept(token, new Callback(Callback.SUCCESS, Optional.of(output), Optional.empty(), Optional.empty(), clock.millis()));
    }

    /** {@code SendTaskFailure}. */
    public void fail(String token, Optional<String> error, Optional<String> cause)
    {
        accept(token, new Callback(Callback.FAILURE, Optional.empty(), error, cause, clock.millis()));
    }

    /** {@code SendTaskHeartbeat}. */
    public void heartbeat(String token)
    {
        accept(token, new Callback(Callback.HEARTBEAT, Optional.empty(), Optional.empty(), Optional.empty(), clock.millis()));
    }

    private void accept(String token, Callback callback)
    {
        String executionArn = TaskTokens.executionArn(token).orElseThrow(() -> ServiceException.user("InvalidToken", "Invalid Token: '" + token
                + "' is no task token of lakestack's (a task gets its token as $$.Task.Token)"));
        TaskToken task = tokens.getLatest(token).orElseThrow(() -> ServiceException.user("TaskDoesNotExist", "Task Does Not Exist: no task of "
                + executionArn + " was given this token"));
        boolean ended = task.status().equals(TaskToken.CLOSED)
                || callbacks.getLatest(token).filter(Callback::ends).isPresent()
                || executions.getLatest(executionArn).filter(StateMachineExecution::running).isEmpty();
        if (ended) {
            throw ServiceException.user("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore' (the task of this token in "
                    + executionArn + ", state " + task.stateName() + ", has ended)");
        }
        callbacks.put(token, callback);
        log.debug("{} callback for the task of {} in state {}", callback.kind(), executionArn, task.stateName());
    }
}
