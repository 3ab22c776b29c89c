package io.lakestack.connectors.stepfunctions.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.spi.eventbridge.EventBuses;
import io.lakestack.spi.events.EventSink;
import io.lakestack.spi.stepfunctions.StateMachineExecution;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Puts Step Functions' {@code Step Functions Execution Status Change} events (source {@code aws.states}) on
 * EventBridge's default bus, as AWS does for STANDARD executions: {@code RUNNING} when an execution starts or is
 * redriven, then its end ({@code SUCCEEDED}, {@code FAILED}, {@code TIMED_OUT} or {@code ABORTED}). EXPRESS executions
 * have none, as on AWS.
 *
 * <p>Each event is made after the execution's record is stored, by the instance that owns the execution, and put on a
 * thread of its own, in the order the statuses changed, off the execution's path: as AWS delivers its services' events
 * on a best-effort basis, an execution never waits for its events, and an endpoint stopped before a put loses that
 * event. One that cannot be put is logged and the execution goes on. An execution that resumes on another instance
 * before its {@code RUNNING} event's first step was recorded has that event put again.
 *
 * <p>Where lakestack differs from AWS: a failed, timed out or aborted execution is said {@code REDRIVABLE} without
 * looking up whether its machine still exists or it has been redriven the most times allowed (DescribeExecution does).
 */
public final class ExecutionEvents
{
    public static final String DETAIL_TYPE = "Step Functions Execution Status Change";
    private static final Logger log = LoggerFactory.getLogger(ExecutionEvents.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Optional<EventSink> sink;
    private final Supplier<String> ids;
    private final Executor publisher;

    public ExecutionEvents(Optional<EventSink> sink)
    {
        this(sink, () -> UUID.randomUUID().toString(), Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "stepfunctions-status-events");
            thread.setDaemon(true);
            return thread;
        }));
    }

    /** @param publisher puts the events, one at a time, in the order it is given them */
    ExecutionEvents(Optional<EventSink> sink, Supplier<String> ids, Executor publisher)
    {
        this.sink = requireNonNull(sink, "sink is null");
        this.ids = requireNonNull(ids, "ids is null");
        this.publisher = requireNonNull(publisher, "publisher is null");
    }

    public static ExecutionEvents none()
    {
        return new ExecutionEvents(Optional.empty());
    }

    /** Puts the event of the execution's status as its record says, unless it is an EXPRESS execution. */
    public void statusChanged(StateMachineExecution execution)
    {
        if (sink.isEmpty() || execution.express()) {
            return;
        }
        String event = event(execution, ids.get());
        try {
            publisher.execute(() -> {
                try {
                    sink.get().publish(EventBuses.kafkaTopic(EventBuses.DEFAULT_BUS), execution.executionArn(), event.getBytes(StandardCharsets.UTF_8));
                }
                catch (RuntimeException e) {
                    log.error("execution {}: its {} event ({}) could not be put on the default bus", execution.executionArn(), DETAIL_TYPE, event, e);
                }
            });
        }
        catch (RejectedExecutionException e) {
            log.error("execution {}: its {} event ({}) was not put on the default bus (the endpoint is stopping)", execution.executionArn(), DETAIL_TYPE,
                    event, e);
        }
    }

    /** The event as EventBridge delivers it: {@code time} when the status began (the start, the redrive or the end). */
    static String event(StateMachineExecution execution, String id)
    {
        // arn:aws:states:<region>:<account>:execution:<machine>:<name>
        String[] arn = execution.executionArn().split(":");
        long changedMillis = !execution.running() ? execution.stopMillis()
                : execution.redriveCount() > 0 ? execution.redriveMillis() : execution.startMillis();
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "0");
        event.put("id", id);
        event.put("detail-type", DETAIL_TYPE);
        event.put("source", "aws.states");
        event.put("account", arn.length > 4 ? arn[4] : "");
        event.put("time", Instant.ofEpochMilli(changedMillis).truncatedTo(ChronoUnit.SECONDS).toString());
        event.put("region", arn.length > 3 ? arn[3] : "");
        event.putArray("resources").add(execution.executionArn());
        ObjectNode detail = event.putObject("detail");
        detail.put("executionArn", execution.executionArn());
        detail.put("stateMachineArn", execution.stateMachineArn());
        detail.put("name", execution.name());
        detail.put("status", execution.status());
        detail.put("startDate", execution.startMillis());
        if (execution.running()) {
            detail.putNull("stopDate");
        }
        else {
            detail.put("stopDate", execution.stopMillis());
        }
        detail.put("input", execution.input());
        detail.put("output", execution.output().orElse(null));
        detail.putObject("inputDetails").put("included", true);
        if (execution.output().isPresent()) {
            detail.putObject("outputDetails").put("included", true);
        }
        else {
            detail.putNull("outputDetails");
        }
        detail.put("error", execution.error().orElse(null));
        detail.put("cause", execution.cause().orElse(null));
        detail.put("redriveCount", execution.redriveCount());
        if (execution.redriveCount() > 0) {
            detail.put("redriveDate", execution.redriveMillis());
        }
        else {
            detail.putNull("redriveDate");
        }
        if (execution.running() || execution.status().equals(StateMachineExecution.SUCCEEDED)) {
            detail.put("redriveStatus", "NOT_REDRIVABLE");
            detail.put("redriveStatusReason", "Execution is " + execution.status() + " and cannot be redriven.");
        }
        else {
            detail.put("redriveStatus", "REDRIVABLE");
            detail.putNull("redriveStatusReason");
        }
        detail.put("stateMachineVersionArn", execution.versionArn().orElse(null));
        detail.put("stateMachineAliasArn", execution.aliasArn().orElse(null));
        return event.toString();
    }
}
