package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * One attempt of a Task state, as the {@link TaskInvoker} sees it.
 *
 * @param resource the state's {@code Resource} ARN, with its {@code .sync}, {@code .sync:2} or
 *         {@code .waitForTaskToken} suffix
 * @param input the effective input: the state's input after {@code InputPath} and {@code Parameters}
 * @param taskToken the token that identifies this attempt (AWS's {@code $$.Task.Token})
 * @param retryCount how many times this state has been retried before this attempt
 * @param heartbeat to call when the task reports it is alive; it pushes the {@code HeartbeatSeconds} deadline back
 * @param started for an activity: to call with the worker's name when a worker has taken the task
 *         ({@code ActivityStarted}; its {@code HeartbeatSeconds} count from then); later calls are ignored
 * @param submitted for a {@code .sync} or {@code .waitForTaskToken} task: to call with the integration's answer once it
 *         has started the work or sent the token ({@code TaskSubmitted}), before the task ends; later calls are ignored
 */
public record TaskRequest(String executionArn, String stateName, String resource, JsonNode input, String taskToken, int retryCount,
        Optional<Integer> timeoutSeconds, Optional<Integer> heartbeatSeconds, Runnable heartbeat, Consumer<String> started, Consumer<JsonNode> submitted)
{
    private static final Pattern ACTIVITY = Pattern.compile("arn:aws:states:[a-z0-9-]+:[0-9]{12}:activity:[^:]+");

    /** A request whose activity start and submission nobody waits for. */
    public TaskRequest(String executionArn, String stateName, String resource, JsonNode input, String taskToken, int retryCount,
            Optional<Integer> timeoutSeconds, Optional<Integer> heartbeatSeconds, Runnable heartbeat)
    {
        this(executionArn, stateName, resource, input, taskToken, retryCount, timeoutSeconds, heartbeatSeconds, heartbeat, workerName -> {}, answer -> {});
    }

    public TaskRequest
    {
        requireNonNull(started, "started is null");
        requireNonNull(submitted, "submitted is null");
        requireNonNull(executionArn, "executionArn is null");
        requireNonNull(stateName, "stateName is null");
        requireNonNull(resource, "resource is null");
        requireNonNull(input, "input is null");
        requireNonNull(taskToken, "taskToken is null");
        requireNonNull(timeoutSeconds, "timeoutSeconds is null");
        requireNonNull(heartbeatSeconds, "heartbeatSeconds is null");
        requireNonNull(heartbeat, "heartbeat is null");
    }

    /** Whether the resource is an activity ARN ({@code arn:aws:states:<region>:<account>:activity:<name>}). */
    public static boolean isActivity(String resource)
    {
        return ACTIVITY.matcher(resource).matches();
    }

    public boolean activity()
    {
        return isActivity(resource);
    }

    /** Whether the resource waits for a callback ({@code .waitForTaskToken}) or for the work it starts ({@code .sync}, {@code .sync:2}). */
    public static boolean submits(String resource)
    {
        return resource.endsWith(".waitForTaskToken") || resource.endsWith(".sync") || resource.endsWith(".sync:2");
    }
}
