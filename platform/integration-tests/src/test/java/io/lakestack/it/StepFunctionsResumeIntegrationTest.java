package io.lakestack.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.backends.kafka.KafkaRecordStores;
import io.lakestack.connectors.stepfunctions.TaskInvoker;
import io.lakestack.connectors.stepfunctions.TaskOutcome;
import io.lakestack.connectors.stepfunctions.TaskTokens;
import io.lakestack.connectors.stepfunctions.engine.ExecutionRunner;
import io.lakestack.spi.stepfunctions.HistoryPage;
import io.lakestack.spi.stepfunctions.HistoryRecord;
import io.lakestack.spi.stepfunctions.StateMachineExecution;
import io.lakestack.spi.stepfunctions.StepFunctions;
import io.lakestack.spi.store.RecordStore;
import io.lakestack.spi.testing.ManualClock;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Executions durable on Kafka: an execution runner stopped while an execution waits (time is a {@link ManualClock}, so
 * the Wait cannot end before the runner stops), another runner on the same Kafka takes its partition over and finishes
 * the execution: its history is the one an uninterrupted run writes, and the task that had reported its result before
 * the Wait is not run again. A stop command reaches the owner wherever it is written.
 */
@LakestackTest
@Order(35)
class StepFunctionsResumeIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BEFORE = "arn:aws:lambda:us-east-1:000000000000:function:it-resume-before";
    private static final String AFTER = "arn:aws:lambda:us-east-1:000000000000:function:it-resume-after";
    private static final String DEFINITION = """
            {"StartAt": "Before", "States": {
              "Before": {"Type": "Task", "Resource": "%s", "ResultPath": "$.before", "Next": "Sleep"},
              "Sleep": {"Type": "Wait", "Seconds": 60, "Next": "After"},
              "After": {"Type": "Task", "Resource": "%s", "ResultPath": "$.after", "End": true}
            }}
            """.formatted(BEFORE, AFTER);

    private final TestStack stack;

    StepFunctionsResumeIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    /** Answers each resource with how many times it was invoked. */
    private static final class CountingTasks
            implements TaskInvoker
    {
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

        @Override
        public CompletableFuture<TaskOutcome> invoke(io.lakestack.connectors.stepfunctions.TaskRequest request)
        {
            int count = calls.computeIfAbsent(request.resource(), ignored -> new AtomicInteger()).incrementAndGet();
            return CompletableFuture.completedFuture(TaskOutcome.succeeded(JSON.createObjectNode().put("calls", count)));
        }
    }

    private static StateMachineExecution execution(String name, Instant start)
    {
        return execution(name, start, DEFINITION);
    }

    private static StateMachineExecution execution(String name, Instant start, String definition)
    {
        String machine = StepFunctions.stateMachineArn("us-east-1", "000000000000", "it-resume");
        return new StateMachineExecution(StepFunctions.executionArn(machine, name, false), machine, name, StateMachineExecution.RUNNING, "{\"x\":1}",
                definition, "arn:aws:iam::000000000000:role/it", start.toEpochMilli(), 0, Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static List<String> shape(RecordStore<HistoryPage> history, String arn)
    {
        return StepFunctions.history(history, arn).stream()
                .map(event -> event.id() + " " + event.previousEventId() + " " + event.type()).toList();
    }

    @Test
    void aRunnerStoppedMidWaitIsTakenOverAndTheExecutionEndsAsIfUninterrupted()
            throws Exception
    {
        String suffix = UUID.randomUUID().toString();
        String topic = "it.stepfunctions.resume." + suffix;
        String group = "it.stepfunctions.resume." + suffix;
        ManualClock clock = new ManualClock(Instant.parse("2026-03-01T10:00:00Z"));
        CountingTasks tasks = new CountingTasks();
        try (KafkaRecordStores stores = new KafkaRecordStores(stack.kafkaBootstrapServers(), stack.kafkaTopics())) {
            RecordStore<StateMachineExecution> executions = stores.open(StepFunctions.EXECUTIONS_STORE, StateMachineExecution.class);
            RecordStore<HistoryPage> history = stores.open(StepFunctions.HISTORY_STORE, HistoryPage.class);
            StateMachineExecution execution = execution("resume-" + suffix, clock.instant());
            String arn = execution.executionArn();

            ExecutionRunner first = new ExecutionRunner(stack.kafkaBootstrapServers(), topic, group, stores, tasks, clock).start();
            executions.put(arn, execution);
            first.start(execution);
            List<String> untilWait = List.of("1 0 ExecutionStarted", "2 1 TaskStateEntered", "3 2 TaskScheduled", "4 3 TaskStarted", "5 4 TaskSucceeded",
                    "6 5 TaskStateExited", "7 6 WaitStateEntered");
            await().atMost(Duration.ofSeconds(60)).until(() -> shape(history, arn), untilWait::equals);
            first.close();
            assertThat(executions.get(arn).orElseThrow().status()).isEqualTo(StateMachineExecution.RUNNING);
            assertThat(shape(history, arn)).isEqualTo(untilWait);

            try (ExecutionRunner second = new ExecutionRunner(stack.kafkaBootstrapServers(), topic, group, stores, tasks, clock).start()) {
                clock.advance(Duration.ofSeconds(60));
                StateMachineExecution ended = await().atMost(Duration.ofSeconds(60)).until(() -> executions.get(arn).orElseThrow(),
                        stored -> !stored.running());
                assertThat(ended.status()).isEqualTo(StateMachineExecution.SUCCEEDED);
                assertThat(JSON.readTree(ended.output().orElseThrow())).isEqualTo(JSON.readTree("{\"x\":1,\"before\":{\"calls\":1},\"after\":{\"calls\":1}}"));
                assertThat(shape(history, arn)).containsExactly("1 0 ExecutionStarted", "2 1 TaskStateEntered", "3 2 TaskScheduled", "4 3 TaskStarted",
                        "5 4 TaskSucceeded", "6 5 TaskStateExited", "7 6 WaitStateEntered", "8 7 WaitStateExited", "9 8 TaskStateEntered",
                        "10 9 TaskScheduled", "11 10 TaskStarted", "12 11 TaskSucceeded", "13 12 TaskStateExited", "14 13 ExecutionSucceeded");
                assertThat(tasks.calls.get(BEFORE).get()).isEqualTo(1);
                assertThat(tasks.calls.get(AFTER).get()).isEqualTo(1);

                // a stop written by another runner of the group reaches the owner, which aborts the execution mid-Wait
                StateMachineExecution waiting = execution("stop-" + suffix, clock.instant());
                executions.put(waiting.executionArn(), waiting);
                second.start(waiting);
                await().atMost(Duration.ofSeconds(60)).until(() -> shape(history, waiting.executionArn()), untilWait::equals);
                try (ExecutionRunner requester = new ExecutionRunner(stack.kafkaBootstrapServers(), topic, group, stores, tasks, clock)) {
                    Instant stopped = requester.stop(waiting.executionArn(), Optional.of("Halt"), Optional.empty());
                    assertThat(stopped).isEqualTo(clock.instant());
                }
                StateMachineExecution aborted = executions.get(waiting.executionArn()).orElseThrow();
                assertThat(aborted.status()).isEqualTo(StateMachineExecution.ABORTED);
                assertThat(aborted.error()).contains("Halt");
                assertThat(shape(history, waiting.executionArn())).containsExactly("1 0 ExecutionStarted", "2 1 TaskStateEntered", "3 2 TaskScheduled",
                        "4 3 TaskStarted", "5 4 TaskSucceeded", "6 5 TaskStateExited", "7 6 WaitStateEntered", "8 7 ExecutionAborted");
            }
        }
    }

    @Test
    void aCallbackSentWhileNoRunnerOwnsTheExecutionEndsItsTaskWhenTheExecutionIsTakenOver()
            throws Exception
    {
        String suffix = UUID.randomUUID().toString();
        String topic = "it.stepfunctions.callback." + suffix;
        String group = "it.stepfunctions.callback." + suffix;
        String send = "arn:aws:states:::sqs:sendMessage";
        String definition = """
                {"StartAt": "Ask", "States": {
                  "Ask": {"Type": "Task", "Resource": "%s.waitForTaskToken", "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
                    "ResultPath": "$.answer", "End": true}
                }}
                """.formatted(send);
        ManualClock clock = new ManualClock(Instant.parse("2026-03-01T10:00:00Z"));
        CountingTasks tasks = new CountingTasks();
        try (KafkaRecordStores stores = new KafkaRecordStores(stack.kafkaBootstrapServers(), stack.kafkaTopics())) {
            RecordStore<StateMachineExecution> executions = stores.open(StepFunctions.EXECUTIONS_STORE, StateMachineExecution.class);
            RecordStore<HistoryPage> history = stores.open(StepFunctions.HISTORY_STORE, HistoryPage.class);
            StateMachineExecution execution = execution("callback-" + suffix, clock.instant(), definition);
            String arn = execution.executionArn();

            ExecutionRunner first = new ExecutionRunner(stack.kafkaBootstrapServers(), topic, group, stores, tasks, clock).start();
            executions.put(arn, execution);
            first.start(execution);
            List<String> waiting = List.of("1 0 ExecutionStarted", "2 1 TaskStateEntered", "3 2 TaskScheduled", "4 3 TaskStarted", "5 4 TaskSubmitted");
            await().atMost(Duration.ofSeconds(60)).until(() -> shape(history, arn), waiting::equals);
            await().atMost(Duration.ofSeconds(60)).until(() -> tasks.calls.containsKey(send));
            first.close();

            // the worker answers while no runner owns the execution, through another instance
            try (ExecutionRunner requester = new ExecutionRunner(stack.kafkaBootstrapServers(), topic, group, stores, tasks, clock)) {
                requester.sendTaskSuccess(TaskTokens.of(arn, 2, 0), "{\"approved\":true}");
            }
            assertThat(shape(history, arn)).isEqualTo(waiting);

            try (ExecutionRunner second = new ExecutionRunner(stack.kafkaBootstrapServers(), topic, group, stores, tasks, clock).start()) {
                StateMachineExecution ended = await().atMost(Duration.ofSeconds(60)).until(() -> executions.get(arn).orElseThrow(),
                        stored -> !stored.running());
                assertThat(ended.status()).isEqualTo(StateMachineExecution.SUCCEEDED);
                assertThat(JSON.readTree(ended.output().orElseThrow())).isEqualTo(JSON.readTree("{\"x\":1,\"answer\":{\"approved\":true}}"));
                assertThat(shape(history, arn)).containsExactly("1 0 ExecutionStarted", "2 1 TaskStateEntered", "3 2 TaskScheduled", "4 3 TaskStarted",
                        "5 4 TaskSubmitted", "6 5 TaskSucceeded", "7 6 TaskStateExited", "8 7 ExecutionSucceeded");
                // the message with the token was sent once: the integration had answered before the first runner stopped
                assertThat(tasks.calls.get(send).get()).isEqualTo(1);
            }
        }
    }
}
