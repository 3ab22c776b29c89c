package io.lakestack.spi.stepfunctions;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A state machine as {@code DescribeStateMachine} answers it, kept in the record store
 * {@value StepFunctions#STATE_MACHINES_STORE} under its ARN.
 *
 * @param type {@code STANDARD} or {@code EXPRESS}
 * @param updatedMillis when {@code UpdateStateMachine} last changed it; 0 when never
 * @param revisionId the revision of its definition and role, changed by each update of them; empty for the first
 *         revision (AWS's {@code INITIAL})
 * @param lastVersion the number of the last version published, so that numbers are never used again; 0 before the first
 */
public record StateMachine(String name, String arn, String type, String definition, String roleArn, String description, Map<String, String> tags,
        long createdMillis, long updatedMillis, LoggingConfiguration logging, String revisionId, int lastVersion)
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
        logging = logging == null ? LoggingConfiguration.OFF : logging;
        revisionId = revisionId == null ? "" : revisionId;
    }

    public StateMachine(String name, String arn, String type, String definition, String roleArn, String description, Map<String, String> tags,
            long createdMillis, long updatedMillis)
    {
        this(name, arn, type, definition, roleArn, description, tags, createdMillis, updatedMillis, LoggingConfiguration.OFF, "", 0);
    }

    public StateMachine withTags(Map<String, String> newTags)
    {
        return new StateMachine(name, arn, type, definition, roleArn, description, newTags, createdMillis, updatedMillis, logging, revisionId, lastVersion);
    }

    public StateMachine withLastVersion(int number)
    {
        return new StateMachine(name, arn, type, definition, roleArn, description, tags, createdMillis, updatedMillis, logging, revisionId, number);
    }

    public boolean express()
    {
        return type.equals(StepFunctions.EXPRESS);
    }
}
