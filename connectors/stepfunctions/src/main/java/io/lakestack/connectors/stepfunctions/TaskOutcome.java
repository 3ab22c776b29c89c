package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;

import static java.util.Objects.requireNonNull;

/** How a task attempt ended: with a result, or with an error name and a cause (for Retry and Catch to match). */
public sealed interface TaskOutcome
{
    static TaskOutcome succeeded(JsonNode output)
    {
        return new Succeeded(output);
    }

    static TaskOutcome failed(String error, String cause)
    {
        return new Failed(error, cause);
    }

    record Succeeded(JsonNode output)
            implements TaskOutcome
    {
        public Succeeded
        {
            requireNonNull(output, "output is null");
        }
    }

    /** @param cause empty when there is none */
    record Failed(String error, String cause)
            implements TaskOutcome
    {
        public Failed
        {
            requireNonNull(error, "error is null");
            requireNonNull(cause, "cause is null");
        }
    }
}
