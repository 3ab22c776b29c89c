package io.lakestack.connectors.stepfunctions;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/**
 * Runs executions of {@link StateMachineDefinition}s: every state type (the distributed Map's children through a
 * {@link MapRunner}), JSONPath input and output
 * processing, intrinsic functions, Retry and Catch, and the machine's {@code TimeoutSeconds}, writing AWS's history
 * events to the {@link HistorySink} before each step takes effect.
 *
 * <p>Everything outside the interpreter is injected: the {@link TaskInvoker} that does the work of Task states, the
 * {@link Clock} and {@link Waiter} through which time passes, the {@link RandomSource} of {@code States.MathRandom},
 * {@code States.UUID} and retry jitter, and the {@link Executor} on which Parallel branches and Map iterations run
 * concurrently (a direct executor runs them one after the other, in order).
 *
 * <p>Task states whose resource is an activity ARN write AWS's {@code ActivityScheduled}, {@code ActivityStarted} (when
 * the invoker reports a worker took the task, {@link TaskRequest#started()}), {@code ActivitySucceeded},
 * {@code ActivityFailed}, {@code ActivityTimedOut} and {@code ActivityScheduleFailed} events; their
 * {@code TimeoutSeconds} count from the scheduling and their {@code HeartbeatSeconds} from the start.
 *
 * <p>Where lakestack differs from AWS: Task states whose resource is a Lambda function ARN are reported
 * with the generic {@code TaskScheduled}/{@code TaskStarted}/{@code TaskSucceeded} events, not AWS's older
 * {@code LambdaFunction*} events; a failing Parallel branch or Map iteration fails the state with
 * the branch's own error (which the state's Retry and Catch match), not {@code States.BranchFailed}.
 *
 * <p>When a branch or iteration fails, the others stop at once where they wait: a task is cancelled
 * ({@code TaskStateAborted}), a Wait cut short ({@code WaitStateAborted}), a nested Parallel or Map aborted
 * ({@code ParallelStateAborted}, {@code MapStateAborted}, {@code MapIterationAborted}), a distributed Map's Map Run
 * aborted ({@code MapRunAborted}, {@link MapRunner#abort}); one running a state that does not wait stops before its next
 * state. An inline Map runs at most 40 iterations at once, as AWS does. An execution
 * resumes from a prefix of its own history ({@link #resume}): the durable slice reads the {@link HistorySink}'s events
 * back after a restart, and a redriven execution goes on from where it ended ({@link #redriveRefusal}).
 */
public final class StateMachineInterpreter
{
    private final TaskInvoker taskInvoker;
    private final Clock clock;
    private final Waiter waiter;
    private final RandomSource random;
    private final HistorySink historySink;
    private final Executor executor;
    private final MapRunner mapRunner;

    private StateMachineInterpreter(Builder builder)
    {
        this.taskInvoker = requireNonNull(builder.taskInvoker, "taskInvoker is null");
        this.clock = builder.clock;
        this.waiter = builder.waiter == null ? Waiter.system(clock) : builder.waiter;
        this.random = builder.random;
        this.historySink = builder.historySink;
        this.executor = builder.executor == null ? sharedPool() : builder.executor;
        this.mapRunner = builder.mapRunner;
    }

    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * Runs one execution to its end on the calling thread (Parallel branches and Map iterations on the executor).
     *
     * @throws java.util.concurrent.CancellationException when the thread is interrupted; the execution is left where
     *         its history says it is
     * @throws RuntimeException what the {@link HistorySink} threw; the execution is left where its history says it is
     */
    public ExecutionResult execute(StateMachineDefinition definition, ExecutionRequest request)
    {
        return resume(definition, request, List.of());
    }

    /**
     * Runs an execution on from a prefix of its history, as this interpreter wrote it for this definition and request
     * (events in any order; what matters is each event's {@code previousEventId}). Recorded events are not written
     * again; each step they show done is not done again: a task that reported its result is not invoked again (one
     * scheduled or started without a result is, with the same task token and parameters), a finished Wait or retry
     * interval is not waited again, and a Wait cut short waits only what is left of it, counted from its recorded
     * start. States' recorded outputs stand, so values drawn at random the first time are kept. New events go on from
     * the highest recorded id. A complete history returns the execution's result and writes nothing.
     */
    public ExecutionResult resume(StateMachineDefinition definition, ExecutionRequest request, List<HistoryEvent> history)
    {
        requireNonNull(definition, "definition is null");
        requireNonNull(request, "request is null");
        requireNonNull(history, "history is null");
        return new Execution(this, definition, request, history).run();
    }

    /**
     * Why an execution whose history this is cannot be redriven by {@link #resume}, empty when it can. A redriven
     * execution is resumed from its history with an {@code ExecutionRedriven} event (with
     * {@code redriveCount}) written after the event that ended it: the state it failed, timed out or was aborted in
     * (the innermost: a Task of a Parallel branch or of a Map iteration) is entered again after that event with the
     * input it had, its Retry counts from zero, and the states, branches and iterations that had succeeded stand
     * (replayed, not run again); an execution that ended between two states goes on with the next one. Its
     * {@code TimeoutSeconds} count from its last redrive. One that ended in a distributed Map goes on with its Map Run
     * redriven ({@code MapRunRedriven}, {@link MapRunner#redrive}).
     */
    public static Optional<String> redriveRefusal(List<HistoryEvent> history)
    {
        return Redrives.refusal(requireNonNull(history, "history is null"));
    }

    TaskInvoker taskInvoker()
    {
        return taskInvoker;
    }

    Clock clock()
    {
        return clock;
    }

    Waiter waiter()
    {
        return waiter;
    }

    RandomSource random()
    {
        return random;
    }

    HistorySink historySink()
    {
        return historySink;
    }

    Executor executor()
    {
        return executor;
    }

    MapRunner mapRunner()
    {
        return mapRunner;
    }

    private static ExecutorService sharedPool()
    {
        return SharedPool.POOL;
    }

    private static final class SharedPool
    {
        private static final AtomicInteger THREADS = new AtomicInteger();
        private static final ThreadFactory FACTORY = runnable -> {
            Thread thread = new Thread(runnable, "stepfunctions-branch-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        static final ExecutorService POOL = Executors.newCachedThreadPool(FACTORY);
    }

    public static final class Builder
    {
        private TaskInvoker taskInvoker;
        private Clock clock = Clock.systemUTC();
        private Waiter waiter;
        private RandomSource random = RandomSource.secure();
        private HistorySink historySink = HistorySink.discard();
        private Executor executor;
        private MapRunner mapRunner = MapRunner.unsupported();

        private Builder() {}

        /** Required. */
        public Builder taskInvoker(TaskInvoker taskInvoker)
        {
            this.taskInvoker = requireNonNull(taskInvoker, "taskInvoker is null");
            return this;
        }

        /** Default: UTC system clock. */
        public Builder clock(Clock clock)
        {
            this.clock = requireNonNull(clock, "clock is null");
            return this;
        }

        /** Default: {@link Waiter#system(Clock)} on the interpreter's clock. */
        public Builder waiter(Waiter waiter)
        {
            this.waiter = requireNonNull(waiter, "waiter is null");
            return this;
        }

        /** Default: {@link RandomSource#secure()}. */
        public Builder random(RandomSource random)
        {
            this.random = requireNonNull(random, "random is null");
            return this;
        }

        /** Default: {@link HistorySink#discard()}. */
        public Builder historySink(HistorySink historySink)
        {
            this.historySink = requireNonNull(historySink, "historySink is null");
            return this;
        }

        /**
         * Default: a shared pool of daemon threads, grown as branches need. A Parallel or Map state holds its thread
         * while its branches run on this executor, so a bounded pool must be larger than the branches nested at once;
         * a direct executor ({@code Runnable::run}) runs them one after the other, in order.
         */
        public Builder executor(Executor executor)
        {
            this.executor = requireNonNull(executor, "executor is null");
            return this;
        }

        /** Default: {@link MapRunner#unsupported()}, with which a distributed Map fails with {@code States.Runtime}. */
        public Builder mapRunner(MapRunner mapRunner)
        {
            this.mapRunner = requireNonNull(mapRunner, "mapRunner is null");
            return this;
        }

        public StateMachineInterpreter build()
        {
            return new StateMachineInterpreter(this);
        }
    }
}
