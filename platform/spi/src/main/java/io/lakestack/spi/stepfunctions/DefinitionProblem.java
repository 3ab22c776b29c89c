package io.lakestack.spi.stepfunctions;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One problem of a state machine definition, as {@code ValidateStateMachineDefinition} reports it: AWS's code
 * ({@code SCHEMA_VALIDATION_FAILED}, {@code MISSING_TRANSITION_TARGET}, ...), a message and where it is
 * ({@code /States/A/Next}), empty where AWS names no place.
 */
public record DefinitionProblem(String code, String message, Optional<String> location)
{
    public DefinitionProblem
    {
        requireNonNull(code, "code is null");
        requireNonNull(message, "message is null");
        requireNonNull(location, "location is null");
    }

    /** As AWS writes it inside {@code Invalid State Machine Definition: '...'}. */
    @Override
    public String toString()
    {
        return code + ": " + message + location.map(where -> " at " + where).orElse("");
    }
}
