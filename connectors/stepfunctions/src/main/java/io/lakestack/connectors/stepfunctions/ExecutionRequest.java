package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * What starts an execution, and what its context object ({@code $$.Execution}, {@code $$.StateMachine}) says.
 *
 * @param executionArn {@code arn:aws:states:<region>:<account>:execution:<machine>:<name>}; its region is the one the
 *         history reports for tasks
 */
public record ExecutionRequest(String executionArn, String stateMachineArn, String roleArn, JsonNode input, Instant startTime)
{
    public ExecutionRequest
    {
        requireNonNull(executionArn, "executionArn is null");
        requireNonNull(stateMachineArn, "stateMachineArn is null");
        requireNonNull(roleArn, "roleArn is null");
        requireNonNull(input, "input is null");
        requireNonNull(startTime, "startTime is null");
    }

    String name()
    {
        return executionArn.substring(executionArn.lastIndexOf(':') + 1);
    }

    String stateMachineName()
    {
        return stateMachineArn.substring(stateMachineArn.lastIndexOf(':') + 1);
    }

    String region()
    {
        String[] parts = executionArn.split(":", 6);
        return parts.length > 3 ? parts[3] : "";
    }
}
