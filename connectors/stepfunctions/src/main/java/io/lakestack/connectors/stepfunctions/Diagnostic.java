package io.lakestack.connectors.stepfunctions;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One problem of a state machine definition, as AWS's {@code InvalidDefinition} and
 * {@code ValidateStateMachineDefinition} report it: a code ({@code SCHEMA_VALIDATION_FAILED},
 * {@code MISSING_TRANSITION_TARGET}, {@code MISSING_END_STATE}, {@code INVALID_JSON_DESCRIPTION}, ...), a message and,
 * for most codes, the JSON pointer-like location of the problem ({@code /States/A/Next},
 * {@code /States/P/Branches[0]/States/B}).
 *
 * @param location empty where AWS gives none ({@code MISSING_END_STATE}, {@code INVALID_JSON_DESCRIPTION})
 */
public record Diagnostic(String code, String message, Optional<String> location)
{
    public Diagnostic
    {
        requireNonNull(code, "code is null");
        requireNonNull(message, "message is null");
        requireNonNull(location, "location is null");
    }

    static Diagnostic at(String code, String message, String location)
    {
        return new Diagnostic(code, message, Optional.of(location));
    }

    /** As AWS writes it inside {@code Invalid State Machine Definition: '...'}: {@code CODE: message at location}. */
    @Override
    public String toString()
    {
        return code + ": " + message + location.map(where -> " at " + where).orElse("");
    }
}
