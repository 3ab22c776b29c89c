package io.lakestack.connectors.targets;

/**
 * Where EventBridge rules and Scheduler schedules hand their payloads over: the resource a target's ARN names.
 * {@link SdkTargets} calls it through the AWS APIs, against lakestack's endpoint or AWS.
 */
public interface Targets
{
    /**
     * Delivers one payload. Returns once the target's service has accepted it: the function's asynchronous
     * invocation is queued, the message is on the queue or topic, the record is on the stream.
     *
     * @throws TargetException when the target did not take it; {@link TargetException#retryable()} says whether
     *         trying again may succeed
     */
    void deliver(TargetCall call)
            throws TargetException;
}
