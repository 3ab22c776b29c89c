package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

class StateMachineInterpreterTest
{
    private static final Instant START = Instant.parse("2026-11-30T10:00:00Z");

    private static final String EVERY_STATE_TYPE = """
            {"Comment": "every state type", "StartAt": "Init", "States": {
              "Init": {"Type": "Pass", "Parameters": {"orderId.$": "$.id", "items.$": "$.items", "execution.$": "$$.Execution.Name"},
                       "ResultPath": "$.order", "Next": "Price"},
              "Price": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "InputPath": "$.order",
                        "Parameters": {"FunctionName": "price", "Payload.$": "$"}, "ResultSelector": {"total.$": "$.Payload.total"},
                        "ResultPath": "$.price", "Next": "Big?"},
              "Big?": {"Type": "Choice", "Choices": [{"Variable": "$.price.total", "NumericGreaterThan": 100, "Next": "Hold"}], "Default": "Ship"},
              "Hold": {"Type": "Wait", "Seconds": 30, "Next": "Ship"},
              "Ship": {"Type": "Parallel", "ResultPath": "$.shipping", "Next": "PerItem", "Branches": [
                {"StartAt": "Label", "States": {"Label": {"Type": "Pass", "Result": "label-ok", "End": true}}},
                {"StartAt": "Notify", "States": {"Notify": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish",
                  "Parameters": {"Message.$": "States.Format('order {} shipped', $.order.orderId)"}, "ResultSelector": {"id.$": "$.MessageId"},
                  "End": true}}}]},
              "PerItem": {"Type": "Map", "ItemsPath": "$.order.items", "MaxConcurrency": 2, "ResultPath": "$.lines", "Next": "Done?",
                          "ItemSelector": {"index.$": "$$.Map.Item.Index", "sku.$": "$$.Map.Item.Value.sku", "orderId.$": "$.order.orderId"},
                          "ItemProcessor": {"StartAt": "Pick", "States": {
                            "Pick": {"Type": "Pass", "Parameters": {"line.$": "States.Format('{}#{}:{}', $.orderId, $.index, $.sku)"}, "End": true}}}},
              "Done?": {"Type": "Choice", "Choices": [{"Variable": "$.lines[0].line", "IsPresent": true, "Next": "Summarize"}], "Default": "Broken"},
              "Broken": {"Type": "Fail", "Error": "Order.Broken", "Cause": "no lines"},
              "Summarize": {"Type": "Pass", "ResultPath": "$.summary", "Next": "Finish",
                            "Parameters": {"order.$": "$.order.orderId", "total.$": "$.price.total", "shipping.$": "$.shipping",
                                           "lines.$": "$.lines[*].line", "when.$": "$$.State.EnteredTime"}},
              "Finish": {"Type": "Succeed", "OutputPath": "$.summary"}
            }}
            """;

    private final FakeTime time = new FakeTime(START);
    private final RecordingHistory history = new RecordingHistory();

    @Test
    void everyStateTypeRunsToAnExactOutputAndHistory()
    {
        FakeTasks tasks = orderTasks();
        ExecutionResult result = run(EVERY_STATE_TYPE, "{\"id\": \"o-1\", \"items\": [{\"sku\": \"A\"}, {\"sku\": \"B\"}, {\"sku\": \"C\"}]}", tasks,
                FixedRandom.none(), Runnable::run);

        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json("""
                {"order": "o-1", "total": 120, "shipping": ["label-ok", {"id": "m-1"}], "lines": ["o-1#0:A", "o-1#1:B", "o-1#2:C"],
                 "when": "2026-11-30T10:00:30.000Z"}
                """)));
        assertThat(tasks.inputs()).containsExactly(
                json("{\"FunctionName\": \"price\", \"Payload\": {\"orderId\": \"o-1\", \"items\": [{\"sku\": \"A\"}, {\"sku\": \"B\"}, {\"sku\": \"C\"}], \"execution\": \"run-1\"}}"),
                json("{\"Message\": \"order o-1 shipped\"}"));
        assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(30));
        assertThat(history.chain()).containsExactly(
                "1<-0 ExecutionStarted",
                "2<-1 PassStateEntered", "3<-2 PassStateExited",
                "4<-3 TaskStateEntered", "5<-4 TaskScheduled", "6<-5 TaskStarted", "7<-6 TaskSucceeded", "8<-7 TaskStateExited",
                "9<-8 ChoiceStateEntered", "10<-9 ChoiceStateExited",
                "11<-10 WaitStateEntered", "12<-11 WaitStateExited",
                "13<-12 ParallelStateEntered", "14<-13 ParallelStateStarted",
                "15<-14 PassStateEntered", "16<-15 PassStateExited",
                "17<-14 TaskStateEntered", "18<-17 TaskScheduled", "19<-18 TaskStarted", "20<-19 TaskSucceeded", "21<-20 TaskStateExited",
                "22<-21 ParallelStateSucceeded", "23<-22 ParallelStateExited",
                "24<-23 MapStateEntered", "25<-24 MapStateStarted",
                "26<-25 MapIterationStarted", "27<-26 PassStateEntered", "28<-27 PassStateExited", "29<-28 MapIterationSucceeded",
                "30<-25 MapIterationStarted", "31<-30 PassStateEntered", "32<-31 PassStateExited", "33<-32 MapIterationSucceeded",
                "34<-25 MapIterationStarted", "35<-34 PassStateEntered", "36<-35 PassStateExited", "37<-36 MapIterationSucceeded",
                "38<-37 MapStateSucceeded", "39<-38 MapStateExited",
                "40<-39 ChoiceStateEntered", "41<-40 ChoiceStateExited",
                "42<-41 PassStateEntered", "43<-42 PassStateExited",
                "44<-43 SucceedStateEntered", "45<-44 SucceedStateExited",
                "46<-45 ExecutionSucceeded");
        List<HistoryEvent> events = history.events();
        assertThat(events.get(0).details()).isEqualTo(json("""
                {"input": "{\\"id\\":\\"o-1\\",\\"items\\":[{\\"sku\\":\\"A\\"},{\\"sku\\":\\"B\\"},{\\"sku\\":\\"C\\"}]}", "inputDetails": {"truncated": false},
                 "roleArn": "arn:aws:iam::000000000000:role/orders"}
                """));
        assertThat(events.get(4).detailsField()).isEqualTo("taskScheduledEventDetails");
        assertThat(events.get(4).details()).isEqualTo(json("""
                {"resourceType": "lambda", "resource": "invoke", "region": "us-east-1",
                 "parameters": "{\\"FunctionName\\":\\"price\\",\\"Payload\\":{\\"orderId\\":\\"o-1\\",\\"items\\":[{\\"sku\\":\\"A\\"},{\\"sku\\":\\"B\\"},{\\"sku\\":\\"C\\"}],\\"execution\\":\\"run-1\\"}}"}
                """));
        assertThat(events.get(6).details()).isEqualTo(json("""
                {"resourceType": "lambda", "resource": "invoke", "output": "{\\"Payload\\":{\\"total\\":120},\\"StatusCode\\":200}",
                 "outputDetails": {"truncated": false}}
                """));
        assertThat(events.get(10).detailsField()).isEqualTo("stateEnteredEventDetails");
        assertThat(events.get(10).details().get("name").textValue()).isEqualTo("Hold");
        assertThat(events.get(10).timestamp()).isEqualTo(START);
        assertThat(events.get(11).timestamp()).isEqualTo(START.plusSeconds(30));
        assertThat(events.get(24).details()).isEqualTo(json("{\"length\": 3}"));
        assertThat(events.get(29).details()).isEqualTo(json("{\"name\": \"PerItem\", \"index\": 1}"));
        assertThat(events.get(45).details()).isEqualTo(json("""
                {"output": "{\\"order\\":\\"o-1\\",\\"total\\":120,\\"shipping\\":[\\"label-ok\\",{\\"id\\":\\"m-1\\"}],\\"lines\\":[\\"o-1#0:A\\",\\"o-1#1:B\\",\\"o-1#2:C\\"],\\"when\\":\\"2026-11-30T10:00:30.000Z\\"}",
                 "outputDetails": {"truncated": false}}
                """));
    }

    @Test
    void branchesAndIterationsRunConcurrentlyOnAPoolWithTheSameOutput()
    {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            ExecutionResult result = run(EVERY_STATE_TYPE, "{\"id\": \"o-2\", \"items\": [{\"sku\": \"A\"}, {\"sku\": \"B\"}, {\"sku\": \"C\"}, {\"sku\": \"D\"}]}",
                    orderTasks(), FixedRandom.none(), pool);
            assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json("""
                    {"order": "o-2", "total": 120, "shipping": ["label-ok", {"id": "m-1"}], "lines": ["o-2#0:A", "o-2#1:B", "o-2#2:C", "o-2#3:D"],
                     "when": "2026-11-30T10:00:30.000Z"}
                    """)));
            assertThat(history.types()).hasSize(50);
            assertThat(history.events()).extracting(HistoryEvent::id).containsExactlyElementsOf(LongStream.rangeClosed(1, 50).boxed().toList());
            assertThat(history.types().stream().filter(type -> type.equals("MapIterationSucceeded"))).hasSize(4);
        }
        finally {
            pool.shutdownNow();
        }
    }

    @Test
    void retriesBackOffThroughTheClockAndCapAtMaxDelay()
    {
        int[] calls = {0};
        FakeTasks tasks = new FakeTasks().on("arn:aws:states:::glue:startJobRun.sync", request -> ++calls[0] <= 3
                ? TaskOutcome.failed("Glue.ConcurrentRunsExceededException", "busy " + request.retryCount())
                : TaskOutcome.succeeded(json("{\"JobRunState\": \"SUCCEEDED\"}")));
        ExecutionResult result = run("""
                {"StartAt": "Job", "States": {"Job": {"Type": "Task", "Resource": "arn:aws:states:::glue:startJobRun.sync", "End": true,
                  "Parameters": {"JobName": "etl", "attempt.$": "$$.State.RetryCount"},
                  "Retry": [{"ErrorEquals": ["Other"], "MaxAttempts": 5},
                            {"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 3.0, "MaxDelaySeconds": 10}]}}}
                """, "{}", tasks, FixedRandom.none(), Runnable::run);

        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json("{\"JobRunState\": \"SUCCEEDED\"}")));
        assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(6), Duration.ofSeconds(10));
        assertThat(tasks.inputs()).containsExactly(json("{\"JobName\": \"etl\", \"attempt\": 0}"), json("{\"JobName\": \"etl\", \"attempt\": 1}"),
                json("{\"JobName\": \"etl\", \"attempt\": 2}"), json("{\"JobName\": \"etl\", \"attempt\": 3}"));
        assertThat(history.types()).containsExactly("ExecutionStarted", "TaskStateEntered",
                "TaskScheduled", "TaskStarted", "TaskFailed",
                "TaskScheduled", "TaskStarted", "TaskFailed",
                "TaskScheduled", "TaskStarted", "TaskFailed",
                "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded");
        assertThat(history.events().get(4).details()).isEqualTo(json("""
                {"resourceType": "glue", "resource": "startJobRun.sync", "error": "Glue.ConcurrentRunsExceededException", "cause": "busy 0"}
                """));
        assertThat(history.events().get(8).timestamp()).isEqualTo(START.plusSeconds(8));
    }

    @Test
    void syncAndCallbackTasksAreSubmittedWithTheIntegrationsAnswerOnceEvenWhenResumed()
    {
        String definition = """
                {"StartAt": "Job", "States": {
                  "Job": {"Type": "Task", "Resource": "arn:aws:states:::glue:startJobRun.sync", "Parameters": {"JobName": "etl"}, "ResultPath": null,
                    "Next": "Ask"},
                  "Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "ResultPath": "$.answer", "Next": "Call"},
                  "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "ResultPath": "$.called", "End": true}}}
                """;
        FakeTasks tasks = new FakeTasks()
                .on("arn:aws:states:::glue:startJobRun.sync", request -> {
                    request.submitted().accept(json("{\"JobRunId\": \"jr-1\"}"));
                    return TaskOutcome.succeeded(json("{\"JobRunState\": \"SUCCEEDED\"}"));
                })
                .on("arn:aws:states:::sqs:sendMessage.waitForTaskToken", request -> {
                    request.submitted().accept(json("{\"MessageId\": \"m-1\"}"));
                    // a later answer is ignored: the task was submitted
                    request.submitted().accept(json("{\"MessageId\": \"m-2\"}"));
                    return TaskOutcome.succeeded(json("\"yes\""));
                })
                .on("arn:aws:states:::lambda:invoke", request -> {
                    // a request-response task is not submitted, whatever its invoker reports
                    request.submitted().accept(json("{\"StatusCode\": 200}"));
                    return TaskOutcome.succeeded(json("1"));
                });
        ExecutionResult result = run(definition, "{}", tasks, FixedRandom.none(), Runnable::run);

        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json("{\"answer\": \"yes\", \"called\": 1}")));
        assertThat(history.types()).containsExactly("ExecutionStarted",
                "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded", "TaskStateExited",
                "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded", "TaskStateExited",
                "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded");
        assertThat(history.events().get(4).details()).isEqualTo(json("""
                {"resourceType": "glue", "resource": "startJobRun.sync", "output": "{\\"JobRunId\\":\\"jr-1\\"}", "outputDetails": {"truncated": false}}
                """));
        assertThat(history.events().get(10).details()).isEqualTo(json("""
                {"resourceType": "sqs", "resource": "sendMessage.waitForTaskToken", "output": "{\\"MessageId\\":\\"m-1\\"}",
                 "outputDetails": {"truncated": false}}
                """));

        // stopped after the job was submitted: resumed, the job's task is submitted again by its invoker, and recorded once
        List<HistoryEvent> upToTheSubmit = history.events().subList(0, 5);
        RecordingHistory resumed = new RecordingHistory();
        upToTheSubmit.forEach(resumed::append);
        StateMachineInterpreter again = StateMachineInterpreter.builder().taskInvoker(tasks).clock(time).waiter(time).random(FixedRandom.none())
                .historySink(resumed).executor(Runnable::run).build();
        assertThat(again.resume(StateMachineDefinition.parse(definition), new ExecutionRequest(TestRuns.EXECUTION, TestRuns.MACHINE, TestRuns.ROLE,
                json("{}"), START), upToTheSubmit)).isEqualTo(result);
        assertThat(resumed.chain()).isEqualTo(history.chain());
        assertThat(resumed.events().get(10).details()).isEqualTo(history.events().get(10).details());
    }

    @Test
    void fullJitterScalesEachDelayByTheInjectedRandomThenCatchRoutesToTheFallback()
    {
        FakeTasks tasks = new FakeTasks().on("arn:aws:states:::lambda:invoke", request -> TaskOutcome.failed("Payment.Declined", "card expired"));
        ExecutionResult result = run("""
                {"StartAt": "Charge", "States": {
                  "Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Receipt",
                    "Retry": [{"ErrorEquals": ["Payment.Declined"], "IntervalSeconds": 4, "MaxAttempts": 2, "JitterStrategy": "FULL"}],
                    "Catch": [{"ErrorEquals": ["Other"], "Next": "Receipt"},
                              {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Fallback"}]},
                  "Receipt": {"Type": "Succeed"},
                  "Fallback": {"Type": "Pass", "Parameters": {"declined.$": "$.error.Cause", "order.$": "$.order"}, "End": true}
                }}
                """, "{\"order\": 7}", tasks, new FixedRandom(List.of(0.5, 0.25), List.of()), Runnable::run);

        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json("{\"declined\": \"card expired\", \"order\": 7}")));
        assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2));
        assertThat(history.types()).containsExactly("ExecutionStarted", "TaskStateEntered",
                "TaskScheduled", "TaskStarted", "TaskFailed", "TaskScheduled", "TaskStarted", "TaskFailed", "TaskScheduled", "TaskStarted", "TaskFailed",
                "TaskStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded");
        assertThat(history.events().get(11).details().get("output").textValue())
                .isEqualTo("{\"order\":7,\"error\":{\"Error\":\"Payment.Declined\",\"Cause\":\"card expired\"}}");
    }

    @Test
    void statesRuntimeIsNeitherRetriedNorCaughtByStatesAll()
    {
        ExecutionResult result = run("""
                {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "InputPath": "$.missing", "End": true,
                  "Retry": [{"ErrorEquals": ["States.ALL"]}], "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}]},
                  "F": {"Type": "Succeed"}}}
                """, "{\"present\": 1}", new FakeTasks(), FixedRandom.none(), Runnable::run);

        assertThat(result).isEqualTo(new ExecutionResult.Failed("States.Runtime",
                "Invalid path '$.missing' : No results for path: $.missing in the InputPath of input '{\"present\":1}'"));
        assertThat(history.types()).containsExactly("ExecutionStarted", "TaskStateEntered", "ExecutionFailed");
        assertThat(time.sleeps()).isEmpty();
    }

    @Test
    void parameterPathFailureIsCaught()
    {
        ExecutionResult result = run("""
                {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"x.$": "$.nope"}, "End": true,
                  "Catch": [{"ErrorEquals": ["States.ParameterPathFailure"], "Next": "F"}]},
                  "F": {"Type": "Pass", "End": true}}}
                """, "{\"a\": 1}", new FakeTasks(), FixedRandom.none(), Runnable::run);

        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json("""
                {"Error": "States.ParameterPathFailure", "Cause": "The JSONPath '$.nope' specified for the field 'x.$' could not be found in the input '{\\"a\\":1}'"}
                """)));
    }

    @Test
    void taskTimeoutAndHeartbeatTimeoutAreEnforcedByTheInterpreter()
    {
        List<CompletableFuture<TaskOutcome>> pending = new ArrayList<>();
        FakeTasks tasks = new FakeTasks().onFuture("arn:aws:states:::sqs:sendMessage.waitForTaskToken", request -> {
                    CompletableFuture<TaskOutcome> never = new CompletableFuture<>();
                    pending.add(never);
                    return never;
                })
                .onFuture("arn:aws:states:::lambda:invoke.waitForTaskToken", request -> {
                    request.heartbeat().run();
                    return new CompletableFuture<>();
                });
        ExecutionResult result = run("""
                {"StartAt": "Slow", "States": {
                  "Slow": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "TimeoutSeconds": 5, "Next": "Beating",
                    "Parameters": {"token.$": "$$.Task.Token"},
                    "Retry": [{"ErrorEquals": ["States.Timeout"], "MaxAttempts": 1, "IntervalSeconds": 1}],
                    "Catch": [{"ErrorEquals": ["States.Timeout"], "ResultPath": "$.slow", "Next": "Beating"}]},
                  "Beating": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken", "TimeoutSecondsPath": "$.limit",
                    "HeartbeatSecondsPath": "$.beat", "End": true,
                    "Catch": [{"ErrorEquals": ["States.HeartbeatTimeout"], "ResultPath": "$.beating", "Next": "Done"}]},
                  "Done": {"Type": "Succeed"}
                }}
                """, "{\"limit\": 100, \"beat\": 10}", tasks, FixedRandom.none(), Runnable::run);

        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json("""
                {"limit": 100, "beat": 10, "slow": {"Error": "States.Timeout", "Cause": ""}, "beating": {"Error": "States.HeartbeatTimeout", "Cause": ""}}
                """)));
        assertThat(pending).hasSize(2).allMatch(CompletableFuture::isCancelled);
        assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(10));
        assertThat(history.types()).containsExactly("ExecutionStarted", "TaskStateEntered",
                "TaskScheduled", "TaskStarted", "TaskTimedOut", "TaskScheduled", "TaskStarted", "TaskTimedOut", "TaskStateExited",
                "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskTimedOut", "TaskStateExited",
                "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded");
        List<TaskRequest> requests = tasks.requests();
        assertThat(requests.get(0).input().get("token").textValue()).isEqualTo(requests.get(0).taskToken());
        assertThat(requests.get(0).taskToken()).isNotEqualTo(requests.get(1).taskToken());
        assertThat(requests.get(0).timeoutSeconds()).contains(5);
        assertThat(requests.get(2).timeoutSeconds()).contains(100);
        assertThat(requests.get(2).heartbeatSeconds()).contains(10);
        assertThat(history.events().get(10).details()).isEqualTo(json("""
                {"resourceType": "lambda", "resource": "invoke.waitForTaskToken", "region": "us-east-1", "parameters": "{\\"limit\\":100,\\"beat\\":10,\\"slow\\":{\\"Error\\":\\"States.Timeout\\",\\"Cause\\":\\"\\"}}",
                 "timeoutInSeconds": 100, "heartbeatInSeconds": 10}
                """));
    }

    @Test
    void waitStatesWaitOnTheClock()
    {
        ExecutionResult result = run("""
                {"StartAt": "A", "States": {
                  "A": {"Type": "Wait", "SecondsPath": "$$.Execution.Input.delay", "Next": "B"},
                  "B": {"Type": "Wait", "Timestamp": "2026-11-30T10:01:00Z", "Next": "C"},
                  "C": {"Type": "Wait", "TimestampPath": "$.at", "Next": "D"},
                  "D": {"Type": "Wait", "Seconds": 0, "OutputPath": "$.at", "End": true}
                }}
                """, "{\"delay\": 15, \"at\": \"2026-11-30T11:00:00+01:00\"}", new FakeTasks(), FixedRandom.none(), Runnable::run);

        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json("\"2026-11-30T11:00:00+01:00\"")));
        assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(15), Duration.ofSeconds(45), Duration.ofSeconds(-60), Duration.ZERO);
        assertThat(time.instant()).isEqualTo(Instant.parse("2026-11-30T10:01:00Z"));
    }

    @Test
    void failStatesTakeTheirErrorAndCauseFromPaths()
    {
        ExecutionResult result = run("""
                {"StartAt": "F", "States": {"F": {"Type": "Fail", "ErrorPath": "$.code", "CausePath": "States.Format('bad {}', $.what)"}}}
                """, "{\"code\": \"Input.Bad\", \"what\": \"sku\"}", new FakeTasks(), FixedRandom.none(), Runnable::run);

        assertThat(result).isEqualTo(new ExecutionResult.Failed("Input.Bad", "bad sku"));
        assertThat(history.types()).containsExactly("ExecutionStarted", "FailStateEntered", "ExecutionFailed");
        assertThat(history.events().get(2).details()).isEqualTo(json("{\"error\": \"Input.Bad\", \"cause\": \"bad sku\"}"));
    }

    @Test
    void aFailingBranchFailsTheParallelStateWithItsError()
    {
        ExecutionResult result = run("""
                {"StartAt": "P", "States": {
                  "P": {"Type": "Parallel", "Next": "Ok", "Catch": [{"ErrorEquals": ["Branch.Bad"], "Next": "Recovered"}], "Branches": [
                    {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}},
                    {"StartAt": "B", "States": {"B": {"Type": "Fail", "Error": "Branch.Bad", "Cause": "b"}}},
                    {"StartAt": "C", "States": {"C": {"Type": "Pass", "End": true}}}]},
                  "Ok": {"Type": "Succeed"},
                  "Recovered": {"Type": "Pass", "Result": "recovered", "End": true}
                }}
                """, "{}", new FakeTasks(), FixedRandom.none(), Runnable::run);

        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json("\"recovered\"")));
        assertThat(history.chain()).containsExactly("1<-0 ExecutionStarted", "2<-1 ParallelStateEntered", "3<-2 ParallelStateStarted",
                "4<-3 PassStateEntered", "5<-4 PassStateExited", "6<-3 FailStateEntered", "7<-6 ParallelStateFailed", "8<-7 ParallelStateExited",
                "9<-8 PassStateEntered", "10<-9 PassStateExited", "11<-10 ExecutionSucceeded");
        assertThat(history.events().get(6).details()).isEqualTo(json("{\"error\": \"Branch.Bad\", \"cause\": \"b\"}"));
    }

    @Test
    void aFailingIterationFailsTheMapStateAndStopsTheRest()
    {
        ExecutionResult result = run("""
                {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "Iterator": {"StartAt": "Check", "States": {
                  "Check": {"Type": "Choice", "Choices": [{"Variable": "$.bad", "BooleanEquals": true, "Next": "Boom"}], "Default": "Fine"},
                  "Boom": {"Type": "Fail", "Error": "Item.Bad"},
                  "Fine": {"Type": "Pass", "End": true}}}}}}
                """, "[{\"bad\": false}, {\"bad\": true}, {\"bad\": false}]", new FakeTasks(), FixedRandom.none(), Runnable::run);

        assertThat(result).isEqualTo(new ExecutionResult.Failed("Item.Bad", ""));
        assertThat(history.types()).containsExactly("ExecutionStarted", "MapStateEntered", "MapStateStarted",
                "MapIterationStarted", "ChoiceStateEntered", "ChoiceStateExited", "PassStateEntered", "PassStateExited", "MapIterationSucceeded",
                "MapIterationStarted", "ChoiceStateEntered", "ChoiceStateExited", "FailStateEntered", "MapIterationFailed",
                "MapStateFailed", "ExecutionFailed");
        assertThat(history.events().get(15).details()).isEqualTo(json("{\"error\": \"Item.Bad\"}"));
    }

    @Test
    void inputAndOutputProcessingFollowsTheStatesLanguage()
    {
        ExecutionResult result = run("""
                {"StartAt": "Keep", "States": {
                  "Keep": {"Type": "Pass", "Result": {"ignored": true}, "ResultPath": null, "Next": "Nest"},
                  "Nest": {"Type": "Pass", "InputPath": "$.a", "Parameters": {"y.$": "$.x"}, "ResultPath": "$.b.c", "Next": "Empty"},
                  "Empty": {"Type": "Pass", "InputPath": null, "Parameters": {"fromContext.$": "$$.Execution.Input.a.x", "static": [1, {"k.$": "$$.State.Name"}]},
                            "Next": "Select"},
                  "Select": {"Type": "Pass", "OutputPath": "$.static[1]", "Next": "Nothing"},
                  "Nothing": {"Type": "Pass", "OutputPath": null, "End": true}
                }}
                """, "{\"a\": {\"x\": 1}}", new FakeTasks(), FixedRandom.none(), Runnable::run);

        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json("{}")));
        List<String> outputs = history.events().stream().filter(event -> event.type().equals("PassStateExited"))
                .map(event -> event.details().get("output").textValue()).toList();
        assertThat(outputs).containsExactly("{\"a\":{\"x\":1}}", "{\"a\":{\"x\":1},\"b\":{\"c\":{\"y\":1}}}", "{\"fromContext\":1,\"static\":[1,{\"k\":\"Empty\"}]}",
                "{\"k\":\"Empty\"}", "{}");
    }

    @Test
    void aResultPathThatRunsIntoAValueIsAResultPathMatchFailure()
    {
        ExecutionResult result = run("""
                {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": 1, "ResultPath": "$.s.x", "End": true}}}
                """, "{\"s\": \"text\"}", new FakeTasks(), FixedRandom.none(), Runnable::run);

        assertThat(result).isEqualTo(new ExecutionResult.Failed("States.ResultPathMatchFailure", "Unable to apply ResultPath '$.s.x' to input '{\"s\":\"text\"}'"));
    }

    @Test
    void noMatchingChoiceWithoutDefaultFails()
    {
        ExecutionResult result = run("""
                {"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericEquals": 1, "Next": "D"}]},
                  "D": {"Type": "Succeed"}}}
                """, "{\"n\": 2}", new FakeTasks(), FixedRandom.none(), Runnable::run);

        assertThat(result).isEqualTo(new ExecutionResult.Failed("States.NoChoiceMatched", "No Choice Rule matched and there is no Default in state 'C'"));
    }

    @Test
    void theMachineTimeoutEndsTheExecution()
    {
        ExecutionResult result = run("""
                {"TimeoutSeconds": 10, "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": true}}}
                """, "{}", new FakeTasks(), FixedRandom.none(), Runnable::run);

        assertThat(result).isEqualTo(new ExecutionResult.TimedOut());
        assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(10));
        assertThat(history.types()).containsExactly("ExecutionStarted", "WaitStateEntered", "ExecutionTimedOut");
        assertThat(history.events().get(2).details())
                .isEqualTo(json("{\"error\": \"States.Timeout\", \"cause\": \"The execution exceeded its TimeoutSeconds of 10 seconds\"}"));
    }

    @Test
    void intrinsicsInParametersUseTheInjectedRandomness()
    {
        ExecutionResult result = run("""
                {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true,
                  "Parameters": {"id.$": "States.UUID()", "dice.$": "States.MathRandom(1, 6)", "bad.$": "States.ArrayGetItem($.list, 9)"}}}}
                """, "{\"list\": []}", new FakeTasks(), new FixedRandom(List.of(0.5), List.of(UUID.fromString("00000000-0000-4000-8000-000000000001"))),
                Runnable::run);

        assertThat(result).isEqualTo(new ExecutionResult.Failed("States.IntrinsicFailure",
                "Invalid arguments in States.ArrayGetItem: index 9 is out of the array's bounds"));
    }

    private FakeTasks orderTasks()
    {
        return new FakeTasks()
                .on("arn:aws:states:::lambda:invoke", request -> TaskOutcome.succeeded(json("{\"Payload\": {\"total\": 120}, \"StatusCode\": 200}")))
                .on("arn:aws:states:::sns:publish", request -> TaskOutcome.succeeded(json("{\"MessageId\": \"m-1\"}")));
    }

    private ExecutionResult run(String definition, String input, TaskInvoker tasks, RandomSource random, Executor executor)
    {
        return TestRuns.run(time, history, definition, input, tasks, random, executor);
    }

    private static JsonNode json(String text)
    {
        return TestRuns.json(text);
    }
}
