package io.lakestack.spi.stepfunctions;

import static java.util.Objects.requireNonNull;

/**
 * A published version of a state machine: the definition and role of the machine's revision when it was published,
 * kept in the record store {@value StepFunctions#VERSIONS_STORE} under its ARN ({@code <machine ARN>:<number>}).
 *
 * @param revisionId the machine's revision it was published from; empty for the machine's first revision
 */
public record StateMachineVersion(String arn, String stateMachineArn, int number, String definition, String roleArn, String description,
        String revisionId, long createdMillis)
{
    public StateMachineVersion
    {
        requireNonNull(arn, "arn is null");
        requireNonNull(stateMachineArn, "stateMachineArn is null");
        requireNonNull(definition, "definition is null");
        requireNonNull(roleArn, "roleArn is null");
        description = description == null ? "" : description;
        revisionId = revisionId == null ? "" : revisionId;
    }
}
