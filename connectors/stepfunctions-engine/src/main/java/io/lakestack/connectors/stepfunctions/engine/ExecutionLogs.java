package io.lakestack.connectors.stepfunctions.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.spi.logs.LogStore;
import io.lakestack.spi.stepfunctions.HistoryRecord;
import io.lakestack.spi.stepfunctions.LoggingConfiguration;
import io.lakestack.spi.stepfunctions.StateMachineExecution;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Writes the history events of executions whose machine has a {@code loggingConfiguration} to CloudWatch Logs, as AWS
 * does: one JSON line per event ({@code id}, {@code type}, {@code details}, {@code previous_event_id},
 * {@code event_timestamp}, {@code execution_arn}, {@code redrive_count}), the events the level selects, into the stream
 * {@code states/<machine>/<yyyy-MM-dd-HH-mm of the start>/<execution name>} of the group. Without
 * {@code includeExecutionData} the events carry no input, output or parameters.
 *
 * <p>Delivery is best effort, as AWS's: an event that cannot be written (the group was deleted since) is skipped with a
 * warning, and the execution goes on.
 */
public final class ExecutionLogs
{
    private static final Logger log = LoggerFactory.getLogger(ExecutionLogs.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter STREAM_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm").withZone(ZoneOffset.UTC);
    private static final List<String> DATA_FIELDS = List.of("input", "output", "inputDetails", "outputDetails", "parameters");

    private final Optional<LogStore> store;

    public ExecutionLogs(Optional<LogStore> store)
    {
        this.store = requireNonNull(store, "store is null");
    }

    public static ExecutionLogs none()
    {
        return new ExecutionLogs(Optional.empty());
    }

    /** Writes the event when the execution's level logs it; returns once it is written (or skipped). */
    public void log(StateMachineExecution execution, HistoryRecord event)
    {
        LoggingConfiguration logging = execution.logging();
        if (store.isEmpty() || !logging.logs(event.type())) {
            return;
        }
        String group = logging.logGroupName().orElseThrow();
        try {
            store.get().put(group, streamName(execution), List.of(new LogStore.Event(event.timestampMillis(), message(execution, event))));
        }
        catch (RuntimeException e) {
            log.warn("event {} ({}) of {} was not logged to log group {}: {}", event.id(), event.type(), execution.executionArn(), group, e.toString());
        }
    }

    /** The stream an execution's events go to. */
    public static String streamName(StateMachineExecution execution)
    {
        String machine = execution.stateMachineArn().substring(execution.stateMachineArn().lastIndexOf(':') + 1);
        return "states/" + machine + "/" + STREAM_DATE.format(Instant.ofEpochMilli(execution.startMillis())) + "/" + execution.name();
    }

    /** The event as AWS logs it. */
    static String message(StateMachineExecution execution, HistoryRecord event)
    {
        ObjectNode line = JSON.createObjectNode();
        line.put("id", Long.toString(event.id()));
        line.put("type", event.type());
        JsonNode details;
        try {
            details = JSON.readTree(event.details());
        }
        catch (JsonProcessingException e) {
            details = JSON.createObjectNode();
        }
        if (details instanceof ObjectNode object && !execution.logging().includeExecutionData()) {
            object.remove(DATA_FIELDS);
        }
        line.set("details", details);
        line.put("previous_event_id", Long.toString(event.previousEventId()));
        line.put("event_timestamp", Long.toString(event.timestampMillis()));
        line.put("execution_arn", execution.executionArn());
        line.put("redrive_count", String.valueOf(execution.redriveCount()));
        return line.toString();
    }
}
