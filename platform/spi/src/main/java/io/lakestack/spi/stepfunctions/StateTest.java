package io.lakestack.spi.stepfunctions;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A {@code TestState} request, checked by the service: JSON fields are JSON text of the right kind.
 *
 * @param definition one state's definition, or with {@code stateName} a whole machine's
 * @param executionArn the execution ARN the state sees ({@code $$.Execution.Id}); TestState creates no execution
 * @param input the state's input, JSON text
 * @param variables the workflow variables the state sees, a JSON object's text
 * @param context members set over the state's context object ({@code $$}), a JSON object's text
 * @param retrierRetryCount the attempts already made of the Retrier that matches the state's error
 */
public record StateTest(String definition, Optional<String> stateName, String executionArn, String roleArn, String input, String variables,
        Optional<Mock> mock, Optional<String> context, Optional<Integer> retrierRetryCount)
{
    public StateTest
    {
        requireNonNull(definition, "definition is null");
        requireNonNull(stateName, "stateName is null");
        requireNonNull(executionArn, "executionArn is null");
        requireNonNull(roleArn, "roleArn is null");
        requireNonNull(input, "input is null");
        requireNonNull(variables, "variables is null");
        requireNonNull(mock, "mock is null");
        requireNonNull(context, "context is null");
        requireNonNull(retrierRetryCount, "retrierRetryCount is null");
    }

    /**
     * The mocked result of a Task, Map or Parallel state ({@code result}, JSON text), or the error it fails with.
     *
     * @param fieldValidationMode {@code STRICT}, {@code PRESENT} or {@code NONE}: how a mocked result is checked against
     *         the API of the Task's service integration
     */
    public record Mock(Optional<String> result, String error, String cause, String fieldValidationMode)
    {
        public Mock
        {
            requireNonNull(result, "result is null");
            requireNonNull(fieldValidationMode, "fieldValidationMode is null");
            requireNonNull(error, "error is null");
            requireNonNull(cause, "cause is null");
        }
    }
}
