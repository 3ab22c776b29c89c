package io.lakestack.connectors.stepfunctions;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static io.lakestack.connectors.stepfunctions.TestRuns.EXECUTION;
import static io.lakestack.connectors.stepfunctions.TestRuns.MACHINE;
import static io.lakestack.connectors.stepfunctions.TestRuns.ROLE;
import static io.lakestack.connectors.stepfunctions.TestRuns.START;
import static io.lakestack.connectors.stepfunctions.TestRuns.json;
import static org.assertj.core.api.Assertions.assertThat;

/** Task states whose resource is an activity: AWS's Activity* events, time-outs counted on the fake clock, and resumes. */
class ActivityTaskTest
{
    private static final String ACTIVITY = "arn:aws:states:us-east-1:000000000000:activity:adder";
    private static final String DEFINITION = """
            {"StartAt": "Add", "States": {
              "Add": {"Type": "Task", "Resource": "%s", "Parameters": {"a.$": "$.a", "b": 2, "token.$": "$$.Task.Token"},
                "TimeoutSeconds": 30, "HeartbeatSeconds": 5, "ResultPath": "$.sum", "End": true,
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Caught"}]},
              "Caught": {"Type": "Pass", "End": true}
            }}
            """.formatted(ACTIVITY);

    private final FakeTime time = new FakeTime(START);
    private final RecordingHistory history = new RecordingHistory();

    private ExecutionResult run(TaskInvoker tasks)
    {
        return TestRuns.run(time, history, DEFINITION, "{\"a\": 1}", tasks, FixedRandom.none(), Runnable::run);
    }

    @Test
    void aWorkerTakesTheTaskAndAnswersItWithAwsEvents()
    {
        FakeTasks tasks = new FakeTasks().onFuture(ACTIVITY, request -> {
            time.advance(Duration.ofSeconds(3));
            request.started().accept("worker-1");
            time.advance(Duration.ofSeconds(4));
            return CompletableFuture.completedFuture(TaskOutcome.succeeded(json("{\"sum\": 3}")));
        });

        ExecutionResult result = run(tasks);

        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json("{\"a\": 1, \"sum\": {\"sum\": 3}}")));
        assertThat(history.types()).containsExactly("ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted",
                "ActivitySucceeded", "TaskStateExited", "ExecutionSucceeded");
        TaskRequest request = tasks.requests().get(0);
        assertThat(request.activity()).isTrue();
        assertThat(request.input()).isEqualTo(json("{\"a\": 1, \"b\": 2, \"token\": \"" + request.taskToken() + "\"}"));
        assertThat(history.events().get(2).details()).isEqualTo(json("""
                {"resource": "%s", "input": "{\\"a\\":1,\\"b\\":2,\\"token\\":\\"%s\\"}", "inputDetails": {"truncated": false},
                 "timeoutInSeconds": 30, "heartbeatInSeconds": 5}
                """.formatted(ACTIVITY, request.taskToken())));
        assertThat(history.events().get(3).details()).isEqualTo(json("{\"workerName\": \"worker-1\"}"));
        assertThat(history.events().get(3).timestamp()).isEqualTo(START.plusSeconds(7));
        assertThat(history.events().get(4).details()).isEqualTo(json("{\"output\": \"{\\\"sum\\\":3}\", \"outputDetails\": {\"truncated\": false}}"));
        assertThat(history.events().get(4).detailsField()).isEqualTo("activitySucceededEventDetails");
    }

    @Test
    void aTaskNobodyTakesTimesOutFromItsSchedulingWithoutHeartbeats()
    {
        CompletableFuture<TaskOutcome> never = new CompletableFuture<>();
        ExecutionResult result = run(new FakeTasks().onFuture(ACTIVITY, request -> never));

        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json("{\"a\": 1, \"error\": {\"Error\": \"States.Timeout\", \"Cause\": \"\"}}")));
        // HeartbeatSeconds count only once a worker has taken the task: the whole TimeoutSeconds passed at once
        assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(30));
        assertThat(never).isCancelled();
        assertThat(history.types()).containsExactly("ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityTimedOut",
                "TaskStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded");
        assertThat(history.events().get(3).details()).isEqualTo(json("{\"error\": \"States.Timeout\"}"));
    }

    @Test
    void aTakenTaskWithoutHeartbeatsTimesOutFromItsStart()
    {
        ExecutionResult result = run(new FakeTasks().onFuture(ACTIVITY, request -> {
            time.advance(Duration.ofSeconds(2));
            request.started().accept("worker-1");
            return new CompletableFuture<>();
        }));

        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json("{\"a\": 1, \"error\": {\"Error\": \"States.HeartbeatTimeout\", \"Cause\": \"\"}}")));
        assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(5));
        assertThat(history.types()).containsExactly("ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivityTimedOut",
                "TaskStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded");
        assertThat(history.events().get(4).timestamp()).isEqualTo(START.plusSeconds(7));
    }

    @Test
    void aFailureSentByTheWorkerIsCaught()
    {
        ExecutionResult result = run(new FakeTasks().onFuture(ACTIVITY, request -> {
            request.started().accept("worker-1");
            return CompletableFuture.completedFuture(TaskOutcome.failed("Adder.Overflow", "too big"));
        }));

        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json("{\"a\": 1, \"error\": {\"Error\": \"Adder.Overflow\", \"Cause\": \"too big\"}}")));
        assertThat(history.types()).containsExactly("ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivityFailed",
                "TaskStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded");
        assertThat(history.events().get(4).details()).isEqualTo(json("{\"error\": \"Adder.Overflow\", \"cause\": \"too big\"}"));
    }

    @Test
    void anActivityThatDoesNotExistFailsToSchedule()
    {
        ExecutionResult result = run(new FakeTasks().onFuture(ACTIVITY,
                request -> CompletableFuture.failedFuture(new ActivityScheduleFailure("States.Runtime", "Activity Does Not Exist: '" + ACTIVITY + "'"))));

        assertThat(result).isEqualTo(new ExecutionResult.Failed("States.Runtime", "Activity Does Not Exist: '" + ACTIVITY + "'"));
        assertThat(history.types()).containsExactly("ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityScheduleFailed", "ExecutionFailed");
        assertThat(history.events().get(3).details()).isEqualTo(json("{\"error\": \"States.Runtime\", \"cause\": \"Activity Does Not Exist: '" + ACTIVITY + "'\"}"));
    }

    @Test
    void aResumedTaskKeepsItsRecordedStartAndIsNotStartedAgain()
    {
        // the first run stops (a kill -9) once the worker has taken the task
        FakeTasks first = new FakeTasks().onFuture(ACTIVITY, request -> {
            time.advance(Duration.ofSeconds(1));
            request.started().accept("worker-1");
            return new CompletableFuture<>();
        });
        RecordingHistory crashed = new RecordingHistory();
        HistorySink stopping = event -> {
            crashed.append(event);
            if (event.type().equals("ActivityStarted")) {
                throw new IllegalStateException("killed");
            }
        };
        try {
            TestRuns.run(time, stopping, DEFINITION, "{\"a\": 1}", first, FixedRandom.none(), Runnable::run);
        }
        catch (IllegalStateException expected) {
            // stopped where its history says
        }
        time.advance(Duration.ofSeconds(2));
        // resumed: the same token; the worker's answer, sent meanwhile, arrives with the start reported again
        FakeTasks second = new FakeTasks().onFuture(ACTIVITY, request -> {
            request.started().accept("worker-1");
            return CompletableFuture.completedFuture(TaskOutcome.succeeded(json("3")));
        });
        StateMachineInterpreter interpreter = StateMachineInterpreter.builder().taskInvoker(second).clock(time).waiter(time).historySink(history)
                .executor(Runnable::run).build();
        ExecutionResult result = interpreter.resume(StateMachineDefinition.parse(DEFINITION),
                new ExecutionRequest(EXECUTION, MACHINE, ROLE, json("{\"a\": 1}"), START), crashed.events());

        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json("{\"a\": 1, \"sum\": 3}")));
        assertThat(crashed.types()).containsExactly("ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted");
        assertThat(history.chain()).containsExactly("5<-4 ActivitySucceeded", "6<-5 TaskStateExited", "7<-6 ExecutionSucceeded");
        assertThat(second.requests().get(0).taskToken()).isEqualTo(first.requests().get(0).taskToken());
        assertThat(second.requests().get(0).input()).isEqualTo(first.requests().get(0).input());
        assertThat(time.sleeps()).isEmpty();
    }
}
