package io.lakestack.connectors.targets;

import static java.util.Objects.requireNonNull;

/** A target that did not take a delivery. */
public final class TargetException
        extends Exception
{
    private static final long serialVersionUID = 1L;

    private final String errorCode;
    private final boolean retryable;

    /**
     * @param errorCode the target service's error name ({@code ResourceNotFoundException},
     *         {@code AWS.SimpleQueueService.NonExistentQueue}...), or {@code SdkClientException} when it could not be reached
     * @param retryable whether trying again may succeed: the service was unreachable, throttled the call or failed on
     *         its side; a missing resource or a refused request is not retried
     */
    public TargetException(String errorCode, String message, boolean retryable, Throwable cause)
    {
        super(message, cause);
        this.errorCode = requireNonNull(errorCode, "errorCode is null");
        this.retryable = retryable;
    }

    public String errorCode()
    {
        return errorCode;
    }

    public boolean retryable()
    {
        return retryable;
    }
}
