package io.lakestack.spi.stepfunctions;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * An activity as {@code DescribeActivity} answers it, kept in the record store {@value StepFunctions#ACTIVITIES_STORE}
 * under its ARN ({@code arn:aws:states:<region>:<account>:activity:<name>}).
 */
public record Activity(String name, String arn, Map<String, String> tags, long createdMillis)
{
    public Activity
    {
        requireNonNull(name, "name is null");
        requireNonNull(arn, "arn is null");
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    public Activity withTags(Map<String, String> newTags)
    {
        return new Activity(name, arn, newTags, createdMillis);
    }
}
