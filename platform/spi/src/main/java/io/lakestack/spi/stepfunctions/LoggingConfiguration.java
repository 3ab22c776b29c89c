package io.lakestack.spi.stepfunctions;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * A state machine's {@code loggingConfiguration}: which history events of its executions are written to which
 * CloudWatch Logs group, as JSON lines in AWS's shape.
 *
 * @param level {@code ALL}, {@code ERROR}, {@code FATAL} or {@code OFF}
 * @param logGroupArn the log group's ARN ({@code arn:aws:logs:<region>:<account>:log-group:<name>:*}), empty when {@code OFF}
 */
public record LoggingConfiguration(String level, boolean includeExecutionData, Optional<String> logGroupArn)
{
    public static final LoggingConfiguration OFF = new LoggingConfiguration("OFF", false, Optional.empty());
    public static final List<String> LEVELS = List.of("ALL", "ERROR", "FATAL", "OFF");
    /** The events of an execution's failure, logged at every level but {@code OFF}. */
    public static final Set<String> FATAL_EVENTS = Set.of("ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut");
    /** The error events, logged at {@code ERROR} and {@code ALL}, as AWS's log levels list them. */
    public static final Set<String> ERROR_EVENTS = Set.of("ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut", "FailStateEntered",
            "LambdaFunctionFailed", "LambdaFunctionScheduleFailed", "LambdaFunctionStartFailed", "LambdaFunctionTimedOut", "MapStateAborted",
            "MapStateFailed", "MapIterationAborted", "MapIterationFailed", "MapRunAborted", "MapRunFailed", "ParallelStateAborted",
            "ParallelStateFailed", "TaskFailed", "TaskStartFailed", "TaskStateAborted", "TaskSubmitFailed", "TaskTimedOut", "WaitStateAborted",
            "ActivityFailed", "ActivityScheduleFailed", "ActivityTimedOut");

    public LoggingConfiguration
    {
        requireNonNull(level, "level is null");
        logGroupArn = logGroupArn == null ? Optional.empty() : logGroupArn;
    }

    /** Whether an event of this type is written at this level. */
    public boolean logs(String eventType)
    {
        return switch (level) {
            case "ALL" -> logGroupArn.isPresent();
            case "ERROR" -> logGroupArn.isPresent() && ERROR_EVENTS.contains(eventType);
            case "FATAL" -> logGroupArn.isPresent() && FATAL_EVENTS.contains(eventType);
            default -> false;
        };
    }

    /** The log group's name, from its ARN. */
    public Optional<String> logGroupName()
    {
        return logGroupArn.map(LoggingConfiguration::groupName);
    }

    /** The name a log group ARN names ({@code ...:log-group:<name>:*}), or the text after {@code log-group:} as is. */
    public static String groupName(String logGroupArn)
    {
        int start = logGroupArn.indexOf(":log-group:");
        String name = start < 0 ? logGroupArn : logGroupArn.substring(start + ":log-group:".length());
        return name.endsWith(":*") ? name.substring(0, name.length() - 2) : name;
    }
}
