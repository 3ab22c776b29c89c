package io.lakestack.connectors.stepfunctions.engine;

import io.lakestack.spi.logs.LogStore;
import io.lakestack.spi.stepfunctions.HistoryRecord;
import io.lakestack.spi.stepfunctions.LoggingConfiguration;
import io.lakestack.spi.stepfunctions.StateMachineExecution;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** What the engine writes to CloudWatch Logs of an execution's events, at each level. */
class ExecutionLogsTest
{
    private static final String GROUP = "arn:aws:logs:us-east-1:000000000000:log-group:/sfn/it:*";
    private static final String MACHINE = "arn:aws:states:us-east-1:000000000000:stateMachine:m";
    private static final String EXECUTION = "arn:aws:states:us-east-1:000000000000:execution:m:e";
    private static final List<HistoryRecord> EVENTS = List.of(
            new HistoryRecord(1, 0, "ExecutionStarted", 1_790_000_000_000L, "{\"input\":\"{}\",\"roleArn\":\"r\"}"),
            new HistoryRecord(2, 1, "FailStateEntered", 1_790_000_000_001L, "{\"name\":\"F\",\"input\":\"{}\"}"),
            new HistoryRecord(3, 2, "ExecutionFailed", 1_790_000_000_002L, "{\"error\":\"E\",\"cause\":\"C\"}"));

    private final List<String> puts = new ArrayList<>();
    private final LogStore store = (LogStore) Proxy.newProxyInstance(LogStore.class.getClassLoader(), new Class<?>[] {LogStore.class},
            (proxy, method, arguments) -> {
                assertThat(method.getName()).isEqualTo("put");
                @SuppressWarnings("unchecked")
                List<LogStore.Event> events = (List<LogStore.Event>) arguments[2];
                events.forEach(event -> puts.add(arguments[0] + " " + arguments[1] + " " + event.timestampMillis() + " " + event.message()));
                return null;
            });

    private List<String> logged(String level, boolean data)
    {
        StateMachineExecution execution = new StateMachineExecution(EXECUTION, MACHINE, "e", "RUNNING", "{}", "{}", "r", 1_790_000_000_000L, 0,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                new LoggingConfiguration(level, data, Optional.of(GROUP)));
        ExecutionLogs logs = new ExecutionLogs(Optional.of(store));
        puts.clear();
        EVENTS.forEach(event -> logs.log(execution, event));
        return List.copyOf(puts);
    }

    @Test
    void allLogsEveryEventAsAwsShapesItIntoTheExecutionsStream()
    {
        String prefix = "/sfn/it states/m/2026-09-21-14-13/e ";
        assertThat(logged("ALL", true)).containsExactly(
                prefix + "1790000000000 {\"id\":\"1\",\"type\":\"ExecutionStarted\",\"details\":{\"input\":\"{}\",\"roleArn\":\"r\"},"
                        + "\"previous_event_id\":\"0\",\"event_timestamp\":\"1790000000000\",\"execution_arn\":\"" + EXECUTION + "\",\"redrive_count\":\"0\"}",
                prefix + "1790000000001 {\"id\":\"2\",\"type\":\"FailStateEntered\",\"details\":{\"name\":\"F\",\"input\":\"{}\"},"
                        + "\"previous_event_id\":\"1\",\"event_timestamp\":\"1790000000001\",\"execution_arn\":\"" + EXECUTION + "\",\"redrive_count\":\"0\"}",
                prefix + "1790000000002 {\"id\":\"3\",\"type\":\"ExecutionFailed\",\"details\":{\"error\":\"E\",\"cause\":\"C\"},"
                        + "\"previous_event_id\":\"2\",\"event_timestamp\":\"1790000000002\",\"execution_arn\":\"" + EXECUTION + "\",\"redrive_count\":\"0\"}");
    }

    @Test
    void levelsSelectTheEventsAndExecutionDataIsLeftOutUnlessIncluded()
    {
        assertThat(logged("ALL", false).get(0)).contains("\"details\":{\"roleArn\":\"r\"}");
        assertThat(logged("ERROR", false)).hasSize(2).allSatisfy(line -> assertThat(line).containsAnyOf("FailStateEntered", "ExecutionFailed"));
        assertThat(logged("FATAL", true)).singleElement().satisfies(line -> assertThat(line).contains("\"type\":\"ExecutionFailed\""));
        assertThat(logged("OFF", true)).isEmpty();
    }

    @Test
    void aRedrivenExecutionsLinesCarryItsRedriveCount()
    {
        StateMachineExecution redriven = new StateMachineExecution(EXECUTION, MACHINE, "e", "FAILED", "{}", "{}", "r", 1_790_000_000_000L,
                1_790_000_000_002L, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                new LoggingConfiguration("ALL", true, Optional.of(GROUP))).redriven(1_790_000_000_003L, Optional.empty());
        puts.clear();
        new ExecutionLogs(Optional.of(store)).log(redriven, new HistoryRecord(4, 3, "ExecutionRedriven", 1_790_000_000_003L, "{\"redriveCount\":1}"));
        assertThat(puts).containsExactly("/sfn/it states/m/2026-09-21-14-13/e 1790000000003 {\"id\":\"4\",\"type\":\"ExecutionRedriven\","
                + "\"details\":{\"redriveCount\":1},\"previous_event_id\":\"3\",\"event_timestamp\":\"1790000000003\",\"execution_arn\":\""
                + EXECUTION + "\",\"redrive_count\":\"1\"}");
    }
}
