package io.lakestack.connectors.lambda.events;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Invokes a function synchronously, as Lambda's {@code Invoke} with {@code InvocationType=RequestResponse} does: the
 * pollers and the asynchronous invocation worker reach functions through this alone. In lakestack's stack the wiring
 * gives them the Lambda service of the same process; {@link LambdaApi}, an SDK {@code LambdaClient}, reaches another
 * endpoint (or AWS).
 */
public interface Invoker
{
    /**
     * @param functionArn the function, with its qualifier if it has one
     * @param requestId the id the invocation must run under (an asynchronous invocation keeps the id its {@code Invoke}
     *         answered with); empty lets Lambda choose one
     * @throws InvokeException when the function could not be invoked (throttled, not found, a service error): the
     *         function did not run, so the attempt does not count against a retry limit
     */
    Invocation invoke(String functionArn, byte[] payload, Optional<String> requestId)
            throws InvokeException;

    /**
     * What the function answered.
     *
     * @param requestId the invocation's request id ({@code x-amzn-RequestId})
     * @param functionError {@code Unhandled} or {@code Handled} when the function failed ({@code X-Amz-Function-Error});
     *         the payload then is the error document
     * @param executedVersion the version that ran ({@code X-Amz-Executed-Version})
     */
    record Invocation(String requestId, int statusCode, Optional<String> functionError, byte[] payload, String executedVersion)
    {
        public Invocation
        {
            requireNonNull(requestId, "requestId is null");
            requireNonNull(functionError, "functionError is null");
            requireNonNull(payload, "payload is null");
            requireNonNull(executedVersion, "executedVersion is null");
        }

        public boolean failed()
        {
            return functionError.isPresent();
        }
    }

    /** The function did not run: Lambda refused or failed the request itself. */
    final class InvokeException
            extends Exception
    {
        private final int statusCode;
        private final String errorCode;

        public InvokeException(int statusCode, String errorCode, String message, Throwable cause)
        {
            super(message, cause);
            this.statusCode = statusCode;
            this.errorCode = requireNonNull(errorCode, "errorCode is null");
        }

        public InvokeException(int statusCode, String errorCode, String message)
        {
            this(statusCode, errorCode, message, null);
        }

        /** The HTTP status code Lambda answered with; 0 when it did not answer. */
        public int statusCode()
        {
            return statusCode;
        }

        /** Lambda's error name, e.g. {@code TooManyRequestsException}. */
        public String errorCode()
        {
            return errorCode;
        }

        /** A throttle (429) or a service error (5xx, or no answer at all), which Lambda retries without counting. */
        public boolean throttleOrServiceError()
        {
            return statusCode == 429 || statusCode >= 500 || statusCode == 0;
        }
    }
}
