package io.lakestack.connectors.stepfunctions.engine;

import io.lakestack.connectors.stepfunctions.TaskRequest;
import io.lakestack.spi.stepfunctions.ActivityTask;
import io.lakestack.spi.stepfunctions.StateMachineExecution;
import io.lakestack.spi.stepfunctions.StepFunctions;
import io.lakestack.spi.store.RecordStore;
import io.lakestack.spi.store.RecordStores;

import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/**
 * The tasks of Step Functions activities waiting for a worker, and their hand-out by {@code GetActivityTask}, durable
 * on two record stores so that a worker polling any instance gets each task once, also across restarts:
 * <ul>
 *   <li>{@value #TASKS_STORE}, written by the execution's owner: a task scheduled and not ended, keyed by its activity
 *       and token, with its input; removed when the task ends;</li>
 *   <li>{@value #CLAIMS_STORE}, written by the instances that answer {@code GetActivityTask}: a claim of a task under
 *       its token, and, under {@code <token>#started}, the claim that took it (the worker's name), which the owner
 *       records as {@code ActivityStarted}.</li>
 * </ul>
 * Two workers polling two instances may claim one task at the same moment; the claim that comes first in the store
 * (a single ordered log that every instance reads in the same order) takes it, and each instance decides for its own
 * claims by what it read before them. The store has no compare-and-set, which is why a claim is decided this way.
 *
 * <p>Where lakestack differs from AWS: an instance that dies between taking a task and answering the worker leaves the
 * task started with no worker: it times out by its {@code HeartbeatSeconds} or {@code TimeoutSeconds}, as a task whose
 * worker died does on AWS.
 */
public final class ActivityTasks
{
    public static final String TASKS_STORE = "stepfunctions.activity-tasks";
    public static final String CLAIMS_STORE = "stepfunctions.activity-claims";
    private static final String STARTED = "#started";

    /** A scheduled task of an activity, not yet ended. */
    public record Pending(String activityArn, String taskToken, String executionArn, String stateName, String input, long scheduledMillis)
    {
        public Pending
        {
            requireNonNull(activityArn, "activityArn is null");
            requireNonNull(taskToken, "taskToken is null");
            requireNonNull(executionArn, "executionArn is null");
            requireNonNull(stateName, "stateName is null");
            requireNonNull(input, "input is null");
        }
    }

    /** A worker's claim of a task: under the token while it competes, under {@code <token>#started} once it took the task. */
    public record Claim(String claimId, String workerName, long atMillis)
    {
        public Claim
        {
            requireNonNull(claimId, "claimId is null");
            requireNonNull(workerName, "workerName is null");
        }
    }

    private final RecordStore<Pending> tasks;
    private final RecordStore<Claim> claims;
    private final RecordStore<StateMachineExecution> executions;
    private final Predicate<String> closed;
    private final Clock clock;
    /** The first claim of each token, in the order of the claims store. */
    private final Map<String, String> firstClaims = new ConcurrentHashMap<>();
    private final List<BiConsumer<String, String>> startListeners = new CopyOnWriteArrayList<>();
    private final Object scheduled = new Object();
    private long scheduledVersion;

    /**
     * @param closed whether a task token's task has ended (its token {@code CLOSED})
     */
    public ActivityTasks(RecordStores stores, Predicate<String> closed, Clock clock)
    {
        requireNonNull(stores, "stores is null");
        this.tasks = stores.open(TASKS_STORE, Pending.class);
        this.claims = stores.open(CLAIMS_STORE, Claim.class);
        this.executions = stores.open(StepFunctions.EXECUTIONS_STORE, StateMachineExecution.class);
        this.closed = requireNonNull(closed, "closed is null");
        this.clock = requireNonNull(clock, "clock is null");
        claims.subscribe((key, claim) -> claim.ifPresent(value -> claimed(key, value)));
        // claims made before this instance started: their tokens are taken (by whichever came first)
        claims.all().forEach((key, claim) -> {
            if (!key.endsWith(STARTED)) {
                firstClaims.putIfAbsent(key, claim.claimId());
            }
        });
        tasks.subscribe((key, task) -> {
            if (task.isPresent()) {
                synchronized (scheduled) {
                    scheduledVersion++;
                    scheduled.notifyAll();
                }
            }
        });
    }

    private void claimed(String key, Claim claim)
    {
        if (key.endsWith(STARTED)) {
            String token = key.substring(0, key.length() - STARTED.length());
            startListeners.forEach(listener -> listener.accept(token, claim.workerName()));
        }
        else {
            firstClaims.putIfAbsent(key, claim.claimId());
        }
    }

    /** Calls the listener with the token and the worker's name of each task a worker takes from now on, on any instance. */
    void onStart(BiConsumer<String, String> listener)
    {
        startListeners.add(requireNonNull(listener, "listener is null"));
    }

    // the owner's side

    /** Makes the task available to workers, unless it is already (a resumed execution schedules its task again). */
    void schedule(TaskRequest request, String input)
    {
        String key = key(request.resource(), request.taskToken());
        if (tasks.getLatest(key).isEmpty()) {
            tasks.put(key, new Pending(request.resource(), request.taskToken(), request.executionArn(), request.stateName(), input, clock.millis()));
        }
    }

    /** The worker that took the task, if one did (also while no instance ran the execution). */
    Optional<String> startedBy(String token)
    {
        return claims.getLatest(token + STARTED).map(Claim::workerName);
    }

    /** The task has ended: it is handed out no more. */
    void remove(TaskRequest request)
    {
        tasks.delete(key(request.resource(), request.taskToken()));
    }

    // the API's side

    /** {@code GetActivityTask}: see {@link io.lakestack.spi.stepfunctions.StepFunctionsEngine#getActivityTask}. */
    public Optional<ActivityTask> poll(String activityArn, String workerName, Duration wait)
            throws InterruptedException
    {
        long deadline = clock.millis() + wait.toMillis();
        while (true) {
            long seen;
            synchronized (scheduled) {
                seen = scheduledVersion;
            }
            List<Pending> waiting = tasks.range(activityArn + "#", activityArn + "$").values().stream()
                    .sorted(Comparator.comparingLong(Pending::scheduledMillis).thenComparing(Pending::taskToken))
                    .toList();
            for (Pending task : waiting) {
                if (firstClaims.containsKey(task.taskToken()) || closed.test(task.taskToken())
                        || executions.get(task.executionArn()).filter(StateMachineExecution::running).isEmpty()) {
                    continue;
                }
                Claim claim = new Claim(UUID.randomUUID().toString(), workerName, clock.millis());
                // put returns once this instance has read the claim back, with every claim written before it
                claims.put(task.taskToken(), claim);
                if (claim.claimId().equals(firstClaims.get(task.taskToken()))) {
                    claims.put(task.taskToken() + STARTED, claim);
                    return Optional.of(new ActivityTask(task.taskToken(), task.input()));
                }
            }
            synchronized (scheduled) {
                long left = deadline - clock.millis();
                if (left <= 0) {
                    return Optional.empty();
                }
                if (scheduledVersion == seen) {
                    // woken by a task scheduled, and now and then regardless (a task whose execution ended is skipped)
                    scheduled.wait(Math.min(left, 1000));
                }
            }
        }
    }

    private static String key(String activityArn, String token)
    {
        return activityArn + "#" + token;
    }
}
