package io.lakestack.spi.stepfunctions;

import static java.util.Objects.requireNonNull;

/**
 * A task of an activity handed to one worker by {@code GetActivityTask}.
 *
 * @param input the task's input, JSON text
 */
public record ActivityTask(String taskToken, String input)
{
    public ActivityTask
    {
        requireNonNull(taskToken, "taskToken is null");
        requireNonNull(input, "input is null");
    }
}
