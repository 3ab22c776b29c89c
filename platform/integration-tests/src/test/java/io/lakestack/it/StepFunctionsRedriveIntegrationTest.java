package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.backends.kafka.KafkaRecordStores;
import io.lakestack.connectors.stepfunctions.TaskInvoker;
import io.lakestack.connectors.stepfunctions.TaskOutcome;
import io.lakestack.connectors.stepfunctions.engine.ExecutionRunner;
import io.lakestack.spi.stepfunctions.HistoryPage;
import io.lakestack.spi.stepfunctions.StateMachineExecution;
import io.lakestack.spi.stepfunctions.StepFunctions;
import io.lakestack.spi.store.RecordStore;
import io.lakestack.spi.testing.ManualClock;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionRedriveFilter;
import software.amazon.awssdk.services.sfn.model.ExecutionRedriveStatus;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.SfnException;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * RedriveExecution on the real stack with the SDK's SfnClient: a Pass, a task that sends to a queue that does not
 * exist yet, and a Pass; the execution fails, the queue is created, the execution is redriven and succeeds, going on
 * from the task (the Pass is not run again: the stamp it drew is the one sent), with AWS's history, redrive count and
 * date, ListExecutions' redrive filter, a repeated client token answered as the first redrive, and AWS's errors for
 * what cannot be redriven; and, on runners of their own, an execution aborted in a Wait, redriven, and resumed by
 * another runner after the first stopped in the re-entered Wait.
 */
@LakestackTest
@Order(37)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StepFunctionsRedriveIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROLE = "arn:aws:iam::000000000000:role/it-redrive";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String DEFINITION = """
            {"StartAt": "Stamp", "States": {
              "Stamp": {"Type": "Pass", "Parameters": {"id.$": "States.UUID()"}, "ResultPath": "$.stamp", "Next": "Send"},
              "Send": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
                       "Parameters": {"QueueUrl.$": "$.queueUrl", "MessageBody": {"id.$": "$.stamp.id"}}, "ResultPath": null, "Next": "Done"},
              "Done": {"Type": "Pass", "End": true}
            }}
            """;

    private final TestStack stack;
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private SfnClient sfn;
    private SqsClient sqs;

    StepFunctionsRedriveIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void clients()
    {
        sfn = stack.client(SfnClient.builder().overrideConfiguration(config -> config.putAdvancedOption(SdkAdvancedClientOption.DISABLE_HOST_PREFIX_INJECTION, true)));
        sqs = stack.client(SqsClient.builder());
    }

    @AfterAll
    void close()
    {
        sfn.close();
        sqs.close();
    }

    @Test
    void aFailedExecutionRedrivenGoesOnFromTheFailedTask()
            throws Exception
    {
        String probe = sqs.createQueue(request -> request.queueName("it-redrive-probe-" + suffix)).queueUrl();
        String queueName = "it-redrive-" + suffix;
        String queueUrl = probe.replace("it-redrive-probe-" + suffix, queueName);
        String machine = sfn.createStateMachine(request -> request.name("it-redrive-" + suffix).definition(DEFINITION).roleArn(ROLE)).stateMachineArn();
        String arn = sfn.startExecution(request -> request.stateMachineArn(machine).name("first")
                .input(JSON.createObjectNode().put("queueUrl", queueUrl).toString())).executionArn();

        DescribeExecutionResponse failed = awaitEnd(arn);
        assertThat(failed.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(failed.error()).startsWith("SQS.");
        assertThat(failed.redriveCount()).isZero();
        assertThat(failed.redriveStatus()).isEqualTo(ExecutionRedriveStatus.REDRIVABLE);
        assertThat(failed.redriveStatusReason()).isNull();
        assertThat(failed.redriveDate()).isNull();

        sqs.createQueue(request -> request.queueName(queueName));
        Instant redriveDate = sfn.redriveExecution(request -> request.executionArn(arn).clientToken("token-1")).redriveDate();
        // the same token again: the same redrive, not another
        assertThat(sfn.redriveExecution(request -> request.executionArn(arn).clientToken("token-1")).redriveDate()).isEqualTo(redriveDate);

        DescribeExecutionResponse succeeded = awaitEnd(arn);
        assertThat(succeeded.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(succeeded.redriveCount()).isEqualTo(1);
        assertThat(succeeded.redriveDate()).isEqualTo(redriveDate);
        assertThat(succeeded.redriveStatus()).isEqualTo(ExecutionRedriveStatus.NOT_REDRIVABLE);
        assertThat(succeeded.redriveStatusReason()).isEqualTo("Execution is SUCCEEDED and cannot be redriven.");

        List<HistoryEvent> events = sfn.getExecutionHistoryPaginator(request -> request.executionArn(arn)).events().stream().toList();
        assertThat(events.stream().map(event -> event.id() + "<-" + event.previousEventId() + " " + event.typeAsString()).toList()).containsExactly(
                "1<-0 ExecutionStarted", "2<-1 PassStateEntered", "3<-2 PassStateExited", "4<-3 TaskStateEntered", "5<-4 TaskScheduled",
                "6<-5 TaskStarted", "7<-6 TaskFailed", "8<-7 ExecutionFailed", "9<-8 ExecutionRedriven", "10<-9 TaskStateEntered",
                "11<-10 TaskScheduled", "12<-11 TaskStarted", "13<-12 TaskSucceeded", "14<-13 TaskStateExited", "15<-14 PassStateEntered",
                "16<-15 PassStateExited", "17<-16 ExecutionSucceeded");
        assertThat(events.get(8).executionRedrivenEventDetails().redriveCount()).isEqualTo(1);
        assertThat(events.get(8).timestamp()).isEqualTo(redriveDate);
        // the stamp drawn by the first run's Pass is the one sent: the Pass did not run again
        String stamp = JSON.readTree(events.get(2).stateExitedEventDetails().output()).path("stamp").path("id").asText();
        assertThat(events.get(9).stateEnteredEventDetails().input()).isEqualTo(events.get(2).stateExitedEventDetails().output());
        var messages = await().atMost(WAIT).until(() -> sqs.receiveMessage(request -> request.queueUrl(queueUrl).waitTimeSeconds(1)).messages(),
                received -> !received.isEmpty());
        JsonNode body = JSON.readTree(messages.get(0).body());
        assertThat(body.path("id").asText()).isEqualTo(stamp);

        String other = sfn.startExecution(request -> request.stateMachineArn(machine).name("second")
                .input(JSON.createObjectNode().put("queueUrl", queueUrl).toString())).executionArn();
        assertThat(awaitEnd(other).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(sfn.listExecutions(request -> request.stateMachineArn(machine).redriveFilter(ExecutionRedriveFilter.REDRIVEN)).executions())
                .extracting(ExecutionListItem::name, ExecutionListItem::redriveCount, ExecutionListItem::redriveDate)
                .containsExactly(tuple("first", 1, redriveDate));
        assertThat(sfn.listExecutions(request -> request.stateMachineArn(machine).redriveFilter(ExecutionRedriveFilter.NOT_REDRIVEN)).executions())
                .extracting(ExecutionListItem::name, ExecutionListItem::redriveCount)
                .containsExactly(tuple("second", 0));

        assertError(arn, "ExecutionNotRedrivable", "Execution '" + arn + "' cannot be redriven: Execution is SUCCEEDED and cannot be redriven.");
        String missing = arn.replace(":first", ":missing");
        assertError(missing, "ExecutionDoesNotExist", "Execution Does Not Exist: '" + missing + "'");
        assertError("not-an-arn", "InvalidArn", "Invalid Arn");
    }

    @Test
    void anExpressExecutionIsNotRedrivable()
    {
        String machine = sfn.createStateMachine(request -> request.name("it-redrive-express-" + suffix).type("EXPRESS").roleArn(ROLE)
                .definition("{\"StartAt\": \"No\", \"States\": {\"No\": {\"Type\": \"Fail\", \"Error\": \"Nope\"}}}")).stateMachineArn();
        String arn = sfn.startExecution(request -> request.stateMachineArn(machine).name("once")).executionArn();
        await().atMost(WAIT).untilAsserted(() -> assertThat(sfn.describeExecution(request -> request.executionArn(arn)).status())
                .isEqualTo(ExecutionStatus.FAILED));
        assertError(arn, "ExecutionNotRedrivable", "Execution '" + arn + "' cannot be redriven: Execution of an EXPRESS state machine cannot be redriven");
    }

    @Test
    void aRedrivenExecutionIsResumedByTheRunnerThatTakesItOver()
            throws Exception
    {
        String before = "arn:aws:lambda:us-east-1:000000000000:function:it-redrive-before";
        String after = "arn:aws:lambda:us-east-1:000000000000:function:it-redrive-after";
        String definition = """
                {"StartAt": "Before", "States": {
                  "Before": {"Type": "Task", "Resource": "%s", "ResultPath": "$.before", "Next": "Sleep"},
                  "Sleep": {"Type": "Wait", "Seconds": 60, "Next": "After"},
                  "After": {"Type": "Task", "Resource": "%s", "ResultPath": "$.after", "End": true}
                }}
                """.formatted(before, after);
        String topic = "it.stepfunctions.redrive." + suffix;
        String group = "it.stepfunctions.redrive." + suffix;
        ManualClock clock = new ManualClock(Instant.parse("2026-03-01T10:00:00Z"));
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        TaskInvoker tasks = request -> CompletableFuture.completedFuture(TaskOutcome.succeeded(
                JSON.createObjectNode().put("calls", calls.computeIfAbsent(request.resource(), ignored -> new AtomicInteger()).incrementAndGet())));
        try (KafkaRecordStores stores = new KafkaRecordStores(stack.kafkaBootstrapServers(), stack.kafkaTopics())) {
            RecordStore<StateMachineExecution> executions = stores.open(StepFunctions.EXECUTIONS_STORE, StateMachineExecution.class);
            RecordStore<HistoryPage> history = stores.open(StepFunctions.HISTORY_STORE, HistoryPage.class);
            String machine = StepFunctions.stateMachineArn("us-east-1", "000000000000", "it-redrive-runner");
            StateMachineExecution execution = new StateMachineExecution(StepFunctions.executionArn(machine, "run-" + suffix, false), machine,
                    "run-" + suffix, StateMachineExecution.RUNNING, "{\"x\":1}", definition, ROLE, clock.millis(), 0, Optional.empty(), Optional.empty(),
                    Optional.empty());
            String arn = execution.executionArn();

            ExecutionRunner first = new ExecutionRunner(stack.kafkaBootstrapServers(), topic, group, stores, tasks, clock).start();
            executions.put(arn, execution);
            first.start(execution);
            List<String> untilWait = List.of("1 0 ExecutionStarted", "2 1 TaskStateEntered", "3 2 TaskScheduled", "4 3 TaskStarted", "5 4 TaskSucceeded",
                    "6 5 TaskStateExited", "7 6 WaitStateEntered");
            await().atMost(WAIT).until(() -> shape(history, arn), untilWait::equals);
            first.stop(arn, Optional.of("Halt"), Optional.empty());
            StateMachineExecution aborted = executions.get(arn).orElseThrow();
            assertThat(aborted.status()).isEqualTo(StateMachineExecution.ABORTED);

            clock.advance(Duration.ofSeconds(5));
            StateMachineExecution redriven = first.redrive(aborted, Optional.of("once"));
            assertThat(redriven.redriveCount()).isEqualTo(1);
            assertThat(redriven.redriveMillis()).isEqualTo(clock.millis());
            assertThat(executions.get(arn).orElseThrow()).isEqualTo(redriven);
            List<String> reentered = new ArrayList<>(untilWait);
            reentered.addAll(List.of("8 7 ExecutionAborted", "9 8 ExecutionRedriven", "10 9 WaitStateEntered"));
            await().atMost(WAIT).until(() -> shape(history, arn), reentered::equals);
            first.close();
            assertThat(executions.get(arn).orElseThrow().status()).isEqualTo(StateMachineExecution.RUNNING);

            try (ExecutionRunner second = new ExecutionRunner(stack.kafkaBootstrapServers(), topic, group, stores, tasks, clock).start()) {
                clock.advance(Duration.ofSeconds(60));
                StateMachineExecution ended = await().atMost(WAIT).until(() -> executions.get(arn).orElseThrow(), stored -> !stored.running());
                assertThat(ended.status()).isEqualTo(StateMachineExecution.SUCCEEDED);
                assertThat(ended.redriveCount()).isEqualTo(1);
                assertThat(JSON.readTree(ended.output().orElseThrow())).isEqualTo(JSON.readTree("{\"x\":1,\"before\":{\"calls\":1},\"after\":{\"calls\":1}}"));
                List<String> all = new ArrayList<>(reentered);
                all.addAll(List.of("11 10 WaitStateExited", "12 11 TaskStateEntered", "13 12 TaskScheduled", "14 13 TaskStarted", "15 14 TaskSucceeded",
                        "16 15 TaskStateExited", "17 16 ExecutionSucceeded"));
                assertThat(shape(history, arn)).isEqualTo(all);
                assertThat(calls.get(before).get()).isEqualTo(1);
                assertThat(calls.get(after).get()).isEqualTo(1);
            }
        }
    }

    private static List<String> shape(RecordStore<HistoryPage> history, String arn)
    {
        return StepFunctions.history(history, arn).stream()
                .map(event -> event.id() + " " + event.previousEventId() + " " + event.type()).toList();
    }

    private void assertError(String arn, String code, String message)
    {
        assertThatThrownBy(() -> sfn.redriveExecution(request -> request.executionArn(arn)))
                .isInstanceOfSatisfying(SfnException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
                    assertThat(e.awsErrorDetails().errorMessage()).startsWith(message);
                });
    }

    private DescribeExecutionResponse awaitEnd(String executionArn)
    {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> sfn.describeExecution(request -> request.executionArn(executionArn)),
                described -> described.status() != ExecutionStatus.RUNNING);
    }
}
