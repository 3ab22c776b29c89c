package io.lakestack.spi.stepfunctions;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A state machine as {@code DescribeStateMachine} answers it, kept in the record store
 * {@value StepFunctions#STATE_MACHINES_STORE} under its ARN.
 *
 * @param type {@code STANDARD} or {@code EXPRESS}
 * @param updatedMillis when {@code UpdateStateMachine} last changed it; 0 when never
 */
public record StateMachine(String name, String arn, String type, String definition, String roleArn, String description, Map<String, String> tags,
        long createdMillis, long updatedMillis)
{
    public StateMachine
    {
        requireNonNull(name, "name is null");
        requireNonNull(arn, "arn is null");
        requireNonNull(type, "type is null");
        requireNonNull(definition, "definition is null");
        requireNonNull(roleArn, "roleArn is null");
        description = description == null ? "" : description;
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    public StateMachine withTags(Map<String, String> newTags)
    {
        return new StateMachine(name, arn, type, definition, roleArn, description, newTags, createdMillis, updatedMillis);
    }

    public boolean express()
    {
        return type.equals(StepFunctions.EXPRESS);
    }
}
