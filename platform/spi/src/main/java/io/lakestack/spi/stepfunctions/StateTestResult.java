package io.lakestack.spi.stepfunctions;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * How a tested state ended ({@code TestState}'s answer).
 *
 * @param status {@code SUCCEEDED}, {@code FAILED}, {@code RETRIABLE} or {@code CAUGHT_ERROR}
 * @param output the state's output, JSON text (none when it failed or is to be retried)
 * @param inspectionData AWS's {@code inspectionData}, a JSON object's text: the steps the state went through
 */
public record StateTestResult(String status, Optional<String> output, Optional<String> error, Optional<String> cause, Optional<String> nextState,
        String inspectionData)
{
    public StateTestResult
    {
        requireNonNull(status, "status is null");
        requireNonNull(output, "output is null");
        requireNonNull(error, "error is null");
        requireNonNull(cause, "cause is null");
        requireNonNull(nextState, "nextState is null");
        requireNonNull(inspectionData, "inspectionData is null");
    }
}
