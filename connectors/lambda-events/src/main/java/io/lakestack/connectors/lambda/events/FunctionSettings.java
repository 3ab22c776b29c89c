package io.lakestack.connectors.lambda.events;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The configuration of a function that the event sources apply, read through the Lambda API
 * ({@code GetFunctionEventInvokeConfig}, {@code GetFunctionConfiguration}).
 */
public interface FunctionSettings
{
    /**
     * A function's (or qualifier's) event invoke configuration.
     *
     * @param maximumRetryAttempts 0-2
     * @param maximumEventAgeSeconds 60-21600
     */
    record EventInvokeConfig(int maximumRetryAttempts, int maximumEventAgeSeconds, Optional<String> onSuccess, Optional<String> onFailure)
    {
        /** What Lambda applies to a function that has no event invoke configuration: 2 retries, 6 hours, no destination. */
        public static final EventInvokeConfig DEFAULT = new EventInvokeConfig(2, 21_600, Optional.empty(), Optional.empty());

        public EventInvokeConfig
        {
            requireNonNull(onSuccess, "onSuccess is null");
            requireNonNull(onFailure, "onFailure is null");
        }
    }

    /** The configuration of that function and qualifier, {@link EventInvokeConfig#DEFAULT} when it has none. */
    EventInvokeConfig eventInvokeConfig(String functionName, Optional<String> qualifier)
            throws Invoker.InvokeException;

    /** The version's {@code DeadLetterConfig.TargetArn}, an SQS queue or SNS topic ARN. */
    Optional<String> deadLetterTarget(String functionName, Optional<String> qualifier)
            throws Invoker.InvokeException;

    /** The function's execution role, which stream events name as {@code invokeIdentityArn}. */
    String executionRole(String functionArn)
            throws Invoker.InvokeException;
}
