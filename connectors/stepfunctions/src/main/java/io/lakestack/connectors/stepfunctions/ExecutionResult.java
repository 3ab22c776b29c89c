package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;

import static java.util.Objects.requireNonNull;

/** How an execution ended, as {@code DescribeExecution} reports it: SUCCEEDED, FAILED or TIMED_OUT. */
public sealed interface ExecutionResult
{
    record Succeeded(JsonNode output)
            implements ExecutionResult
    {
        public Succeeded
        {
            requireNonNull(output, "output is null");
        }
    }

    /** @param error empty, like the cause, when a Fail state names none */
    record Failed(String error, String cause)
            implements ExecutionResult
    {
        public Failed
        {
            requireNonNull(error, "error is null");
            requireNonNull(cause, "cause is null");
        }
    }

    /** The machine's {@code TimeoutSeconds} passed. */
    record TimedOut()
            implements ExecutionResult {}
}
