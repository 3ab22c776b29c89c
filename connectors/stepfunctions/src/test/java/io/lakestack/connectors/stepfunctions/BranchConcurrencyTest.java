package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.lakestack.connectors.stepfunctions.TestRuns.EXECUTION;
import static io.lakestack.connectors.stepfunctions.TestRuns.MACHINE;
import static io.lakestack.connectors.stepfunctions.TestRuns.ROLE;
import static io.lakestack.connectors.stepfunctions.TestRuns.START;
import static io.lakestack.connectors.stepfunctions.TestRuns.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Parallel branches and inline Map iterations run at once on the interpreter's executor: a failing branch stops the
 * others where they wait, with AWS's abort events, and a redrive runs the failed and the stopped ones again. Time is a
 * fixed clock: every wait ends by a task's result or a branch's abort (a redriven Wait's time passes at once).
 */
class BranchConcurrencyTest
{
    /** Fails once the other branches are in their task or Wait; they never end by themselves. */
    private static final String DEFINITION = """
            {"StartAt": "All", "States": {"All": {"Type": "Parallel", "End": true, "Branches": [
              {"StartAt": "Fails", "States": {"Fails": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}},
              {"StartAt": "Slow", "States": {"Slow": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}},
              {"StartAt": "Inner", "States": {"Inner": {"Type": "Parallel", "End": true, "Branches": [
                {"StartAt": "Slower", "States": {"Slower": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}]}}},
              {"StartAt": "Pause", "States": {"Pause": {"Type": "Wait", "Seconds": 3600, "End": true}}}
            ]}}}
            """;

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final Clock clock = Clock.fixed(START, ZoneOffset.UTC);
    /** Counted down by the two slow tasks' invocations and the Wait's. */
    private final CountDownLatch othersWaiting = new CountDownLatch(3);
    private final Map<String, CompletableFuture<TaskOutcome>> slowTasks = new ConcurrentHashMap<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private volatile boolean working;

    @AfterEach
    void stopPool()
    {
        pool.shutdownNow();
    }

    @Test
    void aFailingBranchStopsTheOthersWhereTheyWaitAndARedriveRunsThemAgain()
    {
        RecordingHistory history = new RecordingHistory();
        ExecutionResult failed = interpreter(history).execute(StateMachineDefinition.parse(DEFINITION), request());

        assertThat(failed).isEqualTo(new ExecutionResult.Failed("Boom", "the first branch fails"));
        // both slow tasks were cancelled: what a task started stops with its branch
        assertThat(slowTasks.keySet()).containsExactlyInAnyOrder("Slow", "Slower");
        assertThat(slowTasks.values()).allMatch(CompletableFuture::isCancelled);
        List<HistoryEvent> events = history.events();
        assertThat(events).hasSize(22);
        HistoryEvent end = events.get(events.size() - 1);
        // the Parallel fails after the branch that failed, whatever the others wrote after that
        assertThat(chain(events, end)).containsExactly("ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted",
                "TaskStateEntered Fails", "TaskScheduled", "TaskStarted", "TaskFailed", "ParallelStateFailed", "ExecutionFailed");
        assertThat(chain(events, only(events, "TaskStateAborted", "Slow"))).containsExactly("ExecutionStarted", "ParallelStateEntered",
                "ParallelStateStarted", "TaskStateEntered Slow", "TaskScheduled", "TaskStarted", "TaskStateAborted");
        assertThat(chain(events, only(events, "ParallelStateAborted", "Inner"))).containsExactly("ExecutionStarted", "ParallelStateEntered",
                "ParallelStateStarted", "ParallelStateEntered Inner", "ParallelStateStarted", "TaskStateEntered Slower", "TaskScheduled",
                "TaskStarted", "TaskStateAborted", "ParallelStateAborted");
        assertThat(chain(events, only(events, "WaitStateAborted", "Pause"))).containsExactly("ExecutionStarted", "ParallelStateEntered",
                "ParallelStateStarted", "WaitStateEntered Pause", "WaitStateAborted");
        assertThat(StateMachineInterpreter.redriveRefusal(events)).isEmpty();

        // redriven: the failed task and the two aborted ones run again, the Wait waits again, and the Parallel succeeds
        working = true;
        calls.clear();
        history.append(new HistoryEvent(23, 22, "ExecutionRedriven", START, Json.object().put("redriveCount", 1)));
        ExecutionResult result = interpreter(history).resume(StateMachineDefinition.parse(DEFINITION), request(), history.events());

        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json("[{\"done\": \"Fails\"}, {\"done\": \"Slow\"}, [{\"done\": \"Slower\"}], {}]")));
        assertThat(calls).containsExactlyInAnyOrder("Fails", "Slow", "Slower");
        List<HistoryEvent> after = history.events().subList(23, history.events().size());
        // every state stopped is entered again after ExecutionRedriven
        assertThat(after.stream().filter(event -> event.type().endsWith("StateEntered")).map(event -> event.details().path("name").asText() + "<-"
                + event.previousEventId()).toList()).containsExactlyInAnyOrder("Fails<-23", "Slow<-23", "Slower<-23", "Pause<-23");
    }

    @Test
    void aDistributedMapInABranchThatIsAbortedAbortsItsMapRun()
    {
        List<String> aborted = new CopyOnWriteArrayList<>();
        List<String> runs = new CopyOnWriteArrayList<>();
        CountDownLatch mapRunning = new CountDownLatch(1);
        MapRunner mapRunner = new MapRunner()
        {
            @Override
            public byte[] getObject(String bucket, String key)
            {
                throw new AssertionError("no reader here");
            }

            @Override
            public List<JsonNode> parquetRows(String bucket, String key)
            {
                throw new AssertionError("no reader here");
            }

            @Override
            public List<JsonNode> listObjects(String bucket, String prefix)
            {
                throw new AssertionError("no reader here");
            }

            @Override
            public CompletableFuture<TaskOutcome> run(MapRunRequest request)
            {
                runs.add(request.mapRunArn());
                mapRunning.countDown();
                return new CompletableFuture<>();
            }

            @Override
            public void abort(String mapRunArn)
            {
                aborted.add(mapRunArn);
            }

            @Override
            public void redrive(String mapRunArn, int redriveCount)
            {
                throw new AssertionError("nothing is redriven here");
            }
        };
        RecordingHistory history = new RecordingHistory();
        StateMachineInterpreter recording = StateMachineInterpreter.builder()
                .taskInvoker(request -> CompletableFuture.supplyAsync(() -> {
                    try {
                        mapRunning.await();
                    }
                    catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return TaskOutcome.failed("Boom", "the first branch fails");
                }, pool))
                .clock(clock).waiter(Waiter.system(clock)).random(FixedRandom.none()).historySink(history).executor(pool)
                .mapRunner(mapRunner).build();
        String definition = """
                {"StartAt": "All", "States": {"All": {"Type": "Parallel", "End": true, "Branches": [
                  {"StartAt": "Fails", "States": {"Fails": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}},
                  {"StartAt": "Fan", "States": {"Fan": {"Type": "Map", "ItemsPath": "$.items", "End": true,
                    "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "P",
                      "States": {"P": {"Type": "Pass", "End": true}}}}}}]}}}
                """;
        ExecutionResult result = recording.resume(StateMachineDefinition.parse(definition),
                new ExecutionRequest(EXECUTION, MACHINE, ROLE, json("{\"items\": [1, 2]}"), START), List.of());

        assertThat(result).isEqualTo(new ExecutionResult.Failed("Boom", "the first branch fails"));
        assertThat(runs).hasSize(1);
        assertThat(aborted).containsExactlyElementsOf(runs);
        List<HistoryEvent> events = history.events();
        assertThat(chain(events, only(events, "MapStateAborted", "Fan"))).containsExactly("ExecutionStarted", "ParallelStateEntered",
                "ParallelStateStarted", "MapStateEntered Fan", "MapStateStarted", "MapRunStarted", "MapRunAborted", "MapStateAborted");
    }

    @Test
    void aParallelWhoseBranchesAllSucceedGivesTheirOutputsInBranchOrder()
    {
        working = true;
        RecordingHistory history = new RecordingHistory();
        String definition = """
                {"StartAt": "All", "States": {"All": {"Type": "Parallel", "End": true, "Branches": [
                  {"StartAt": "Fails", "States": {"Fails": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}},
                  {"StartAt": "Slow", "States": {"Slow": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}]}}}
                """;
        ExecutionResult result = interpreter(history).execute(StateMachineDefinition.parse(definition), request());

        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json("[{\"done\": \"Fails\"}, {\"done\": \"Slow\"}]")));
        assertThat(history.types()).hasSize(16).endsWith("ParallelStateSucceeded", "ParallelStateExited", "ExecutionSucceeded");
    }

    @Test
    void anInlineMapRunsAtMostFortyIterationsAtOnceWithoutAMaxConcurrency()
            throws Exception
    {
        assertThat(iterationsAtOnce("\"MaxConcurrency\": 0", 50)).isEqualTo(40);
        assertThat(iterationsAtOnce("\"MaxConcurrency\": 100", 50)).isEqualTo(40);
    }

    @Test
    void anInlineMapTakesItsMaxConcurrencyFromThePathGiven()
            throws Exception
    {
        assertThat(iterationsAtOnce("\"MaxConcurrencyPath\": \"$.limit\"", 10)).isEqualTo(3);

        StateMachineInterpreter interpreter = StateMachineInterpreter.builder()
                .taskInvoker(request -> CompletableFuture.completedFuture(TaskOutcome.succeeded(request.input())))
                .clock(clock).waiter(Waiter.system(clock)).random(FixedRandom.none()).executor(pool).build();
        ExecutionResult result = interpreter.execute(StateMachineDefinition.parse(mapDefinition("\"MaxConcurrencyPath\": \"$.limit\"")),
                new ExecutionRequest(EXECUTION, MACHINE, ROLE, json("{\"items\": [1, 2], \"limit\": \"three\"}"), START));
        assertThat(result).isEqualTo(new ExecutionResult.Failed("States.Runtime",
                "The MaxConcurrencyPath '$.limit' does not select a non-negative integer: \"three\""));
    }

    /**
     * How many iterations of a Map over {@code count} items run at once with this concurrency field: the executor holds
     * what it is given, so the interpreter blocks once it has started as many as it may run; then each iteration let
     * through lets the next one start, and the Map ends with every item's result.
     */
    private int iterationsAtOnce(String concurrency, int count)
            throws Exception
    {
        List<Runnable> held = new CopyOnWriteArrayList<>();
        Executor holding = held::add;
        StateMachineInterpreter interpreter = StateMachineInterpreter.builder()
                .taskInvoker(request -> CompletableFuture.completedFuture(TaskOutcome.succeeded(request.input())))
                .clock(clock).waiter(Waiter.system(clock)).random(FixedRandom.none()).executor(holding).build();
        StringBuilder items = new StringBuilder("[0");
        for (int i = 1; i < count; i++) {
            items.append(", ").append(i);
        }
        String all = items.append("]").toString();
        AtomicReference<Thread> runner = new AtomicReference<>();
        CompletableFuture<ExecutionResult> result = CompletableFuture.supplyAsync(() -> {
            runner.set(Thread.currentThread());
            return interpreter.execute(StateMachineDefinition.parse(mapDefinition(concurrency)),
                    new ExecutionRequest(EXECUTION, MACHINE, ROLE, json("{\"items\": " + all + ", \"limit\": 3}"), START));
        }, pool);
        await().atMost(Duration.ofSeconds(30)).until(() -> runner.get() != null && runner.get().getState() == Thread.State.WAITING);
        int atOnce = held.size();

        for (int run = 0; run < count; run++) {
            await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(30)).until(() -> !held.isEmpty());
            pool.execute(held.remove(0));
        }
        assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(new ExecutionResult.Succeeded(json(all)));
        return atOnce;
    }

    private static String mapDefinition(String concurrency)
    {
        return """
                {"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemsPath": "$.items", %s, "End": true,
                  "ItemProcessor": {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}}}}
                """.formatted(concurrency);
    }

    private StateMachineInterpreter interpreter(HistorySink sink)
    {
        Waiter system = Waiter.system(clock);
        Waiter waiter = new Waiter()
        {
            @Override
            public void sleepUntil(Instant wakeAt)
            {
                throw new AssertionError("a branch's Wait waits on its abort, not on the clock");
            }

            @Override
            public <T> Optional<T> await(CompletableFuture<T> future, Optional<Instant> deadline)
                    throws InterruptedException
            {
                if (deadline.isPresent() && working && !future.isDone()) {
                    // the redriven run's Wait: its time passes at once
                    return Optional.empty();
                }
                if (deadline.isPresent()) {
                    othersWaiting.countDown();
                }
                return system.await(future, deadline);
            }
        };
        return StateMachineInterpreter.builder()
                .taskInvoker(request -> {
                    calls.add(request.stateName());
                    if (working) {
                        return CompletableFuture.completedFuture(TaskOutcome.succeeded(Json.object().put("done", request.stateName())));
                    }
                    if (request.stateName().equals("Fails")) {
                        return CompletableFuture.supplyAsync(() -> {
                            try {
                                othersWaiting.await();
                            }
                            catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            return TaskOutcome.failed("Boom", "the first branch fails");
                        }, pool);
                    }
                    CompletableFuture<TaskOutcome> never = new CompletableFuture<>();
                    slowTasks.put(request.stateName(), never);
                    othersWaiting.countDown();
                    return never;
                })
                .clock(clock).waiter(waiter).random(FixedRandom.none()).historySink(sink).executor(pool).build();
    }

    private static ExecutionRequest request()
    {
        return new ExecutionRequest(EXECUTION, MACHINE, ROLE, json("{}"), START);
    }

    /** The one event of this type in the chain of the state with this name. */
    private static HistoryEvent only(List<HistoryEvent> events, String type, String stateName)
    {
        List<HistoryEvent> found = new ArrayList<>();
        for (HistoryEvent event : events) {
            if (event.type().equals(type) && chain(events, event).contains(entered(events, event, stateName))) {
                found.add(event);
            }
        }
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    private static String entered(List<HistoryEvent> events, HistoryEvent event, String stateName)
    {
        return chain(events, event).stream().filter(each -> each.endsWith("StateEntered " + stateName)).findFirst().orElse("none");
    }

    /** The types of the events from the start to this one, each following the one before (a state entered with its name). */
    private static List<String> chain(List<HistoryEvent> events, HistoryEvent last)
    {
        Map<Long, HistoryEvent> byId = new HashMap<>();
        events.forEach(event -> byId.put(event.id(), event));
        List<String> chain = new ArrayList<>();
        for (HistoryEvent event = last; event != null; event = byId.get(event.previousEventId())) {
            chain.add(0, event.type().endsWith("StateEntered") && !event.details().path("name").asText().equals("All")
                    ? event.type() + " " + event.details().path("name").asText()
                    : event.type());
        }
        return chain;
    }

}
