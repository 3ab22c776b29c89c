package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogStream;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.InvalidLoggingConfigurationException;
import software.amazon.awssdk.services.sfn.model.LogLevel;
import software.amazon.awssdk.services.sfn.model.LoggingConfiguration;
import software.amazon.awssdk.services.sfn.model.StateMachineType;
import software.amazon.awssdk.services.sfn.model.SyncExecutionStatus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A machine's {@code loggingConfiguration} applied: its executions' history events are in the log group as AWS writes
 * them (JSON lines with {@code id}, {@code type}, {@code details}, {@code previous_event_id}, {@code event_timestamp},
 * {@code execution_arn}, {@code redrive_count}), every event at {@code ALL}, the error events only at {@code ERROR},
 * for a synchronous express execution too; a group that does not exist is refused.
 */
@LakestackTest
@Order(38)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StepFunctionsLoggingIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROLE = "arn:aws:iam::000000000000:role/it-logging";
    private static final String GROUP = "/it/sfn-logging";
    private static final String GROUP_ARN = "arn:aws:logs:us-east-1:000000000000:log-group:" + GROUP + ":*";
    private static final String PASS = "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"Result\":{\"a\":1},\"End\":true}}}";
    private static final String FAIL = "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"Next\":\"F\"},"
            + "\"F\":{\"Type\":\"Fail\",\"Error\":\"Broken\",\"Cause\":\"on purpose\"}}}";

    private final TestStack stack;
    private SfnClient sfn;
    private CloudWatchLogsClient logs;

    StepFunctionsLoggingIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void connect()
    {
        // StartSyncExecution is sent to the host sync-states.<region>...: with an endpoint override the prefix is left out
        sfn = stack.client(SfnClient.builder().overrideConfiguration(config -> config.putAdvancedOption(SdkAdvancedClientOption.DISABLE_HOST_PREFIX_INJECTION, true)));
        logs = stack.client(CloudWatchLogsClient.builder());
        logs.createLogGroup(request -> request.logGroupName(GROUP));
    }

    @AfterAll
    void close()
    {
        sfn.close();
        logs.close();
    }

    private static LoggingConfiguration logging(LogLevel level, boolean data)
    {
        return LoggingConfiguration.builder().level(level).includeExecutionData(data)
                .destinations(destination -> destination.cloudWatchLogsLogGroup(group -> group.logGroupArn(GROUP_ARN))).build();
    }

    /** The events of the execution's stream, parsed. */
    private List<JsonNode> logged(String machineName, String executionName)
    {
        List<LogStream> streams = logs.describeLogStreams(request -> request.logGroupName(GROUP).logStreamNamePrefix("states/" + machineName + "/"))
                .logStreams().stream().filter(stream -> stream.logStreamName().endsWith("/" + executionName)).toList();
        assertThat(streams).singleElement().satisfies(stream -> assertThat(stream.logStreamName())
                .matches("states/" + machineName + "/[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{2}-[0-9]{2}/" + executionName));
        return logs.getLogEvents(request -> request.logGroupName(GROUP).logStreamName(streams.get(0).logStreamName()).startFromHead(true)).events()
                .stream().map(OutputLogEvent::message).map(StepFunctionsLoggingIntegrationTest::parse).toList();
    }

    private static JsonNode parse(String text)
    {
        try {
            return JSON.readTree(text);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String runToEnd(String machine, String name)
    {
        String execution = sfn.startExecution(request -> request.stateMachineArn(machine).name(name)).executionArn();
        await().atMost(Duration.ofSeconds(60)).until(() -> sfn.describeExecution(request -> request.executionArn(execution)).status(),
                status -> status != ExecutionStatus.RUNNING);
        return execution;
    }

    @Test
    void levelAllLogsEveryEventInAwsShape()
    {
        String machine = sfn.createStateMachine(request -> request.name("it-sfn-log-all").definition(PASS).roleArn(ROLE)
                .loggingConfiguration(logging(LogLevel.ALL, true))).stateMachineArn();
        assertThat(sfn.describeStateMachine(request -> request.stateMachineArn(machine)).loggingConfiguration()).isEqualTo(logging(LogLevel.ALL, true));
        String execution = runToEnd(machine, "all");

        List<JsonNode> events = await().atMost(Duration.ofSeconds(30)).until(() -> logged("it-sfn-log-all", "all"), list -> list.size() >= 4);
        assertThat(events).extracting(event -> event.path("type").asText())
                .containsExactly("ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded");
        for (int i = 0; i < events.size(); i++) {
            JsonNode event = events.get(i);
            assertThat(event.fieldNames()).toIterable()
                    .containsExactly("id", "type", "details", "previous_event_id", "event_timestamp", "execution_arn", "redrive_count");
            assertThat(event.path("id").asText()).isEqualTo(Integer.toString(i + 1));
            assertThat(event.path("previous_event_id").asText()).isEqualTo(Integer.toString(i));
            assertThat(event.path("execution_arn").asText()).isEqualTo(execution);
            assertThat(event.path("redrive_count").asText()).isEqualTo("0");
            assertThat(event.path("event_timestamp").asText()).matches("[0-9]{13}");
        }
        assertThat(events.get(0).path("details").path("roleArn").asText()).isEqualTo(ROLE);
        assertThat(events.get(3).path("details").path("output").asText()).isEqualTo("{\"a\":1}");
    }

    @Test
    void levelErrorLogsOnlyTheFailureEventsWithoutDataUnlessIncluded()
    {
        String machine = sfn.createStateMachine(request -> request.name("it-sfn-log-error").definition(FAIL).roleArn(ROLE)
                .loggingConfiguration(logging(LogLevel.ERROR, false))).stateMachineArn();
        runToEnd(machine, "failing");

        List<JsonNode> events = await().atMost(Duration.ofSeconds(30)).until(() -> logged("it-sfn-log-error", "failing"), list -> list.size() >= 2);
        assertThat(events).extracting(event -> event.path("type").asText()).containsExactly("FailStateEntered", "ExecutionFailed");
        assertThat(events.get(0).path("details").has("input")).isFalse();
        assertThat(events.get(1).path("details").path("error").asText()).isEqualTo("Broken");
        assertThat(events.get(1).path("details").path("cause").asText()).isEqualTo("on purpose");
    }

    @Test
    void aSynchronousExpressExecutionIsLoggedToo()
    {
        String machine = sfn.createStateMachine(request -> request.name("it-sfn-log-express").definition(PASS).roleArn(ROLE).type(StateMachineType.EXPRESS)
                .loggingConfiguration(logging(LogLevel.FATAL, true))).stateMachineArn();
        sfn.updateStateMachine(request -> request.stateMachineArn(machine).loggingConfiguration(logging(LogLevel.ALL, false)));
        assertThat(sfn.startSyncExecution(request -> request.stateMachineArn(machine).name("sync")).status()).isEqualTo(SyncExecutionStatus.SUCCEEDED);
        assertThat(logged("it-sfn-log-express", "sync")).extracting(event -> event.path("type").asText())
                .containsExactly("ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded");
    }

    @Test
    void aLogGroupThatDoesNotExistIsRefused()
    {
        assertThatThrownBy(() -> sfn.createStateMachine(request -> request.name("it-sfn-log-missing").definition(PASS).roleArn(ROLE)
                .loggingConfiguration(LoggingConfiguration.builder().level(LogLevel.ALL).destinations(destination -> destination.cloudWatchLogsLogGroup(
                        group -> group.logGroupArn("arn:aws:logs:us-east-1:000000000000:log-group:/it/none:*"))).build())))
                .isInstanceOf(InvalidLoggingConfigurationException.class)
                .hasMessageContaining("Log Destination not found");
        assertThatThrownBy(() -> sfn.createStateMachine(request -> request.name("it-sfn-log-missing").definition(PASS).roleArn(ROLE)
                .loggingConfiguration(LoggingConfiguration.builder().level(LogLevel.ERROR).build())))
                .isInstanceOf(InvalidLoggingConfigurationException.class);
        assertThatThrownBy(() -> sfn.createStateMachine(request -> request.name("it-sfn-log-missing").definition(PASS).roleArn(ROLE)
                .tracingConfiguration(tracing -> tracing.enabled(true))))
                .hasMessageContaining("X-Ray");
    }
}
