package io.lakestack.connectors.lambda;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** How an invocation ended, as far as its execution environment can tell. */
sealed interface Outcome
{
    /** The runtime posted a response. */
    record Response(byte[] body)
            implements Outcome
    {
        public Response
        {
            requireNonNull(body, "body is null");
        }
    }

    /** The runtime posted an error for the invocation: the body is Lambda's answer, as the runtime wrote it. */
    record FunctionError(byte[] body, Optional<String> errorType)
            implements Outcome
    {
        public FunctionError
        {
            requireNonNull(body, "body is null");
            requireNonNull(errorType, "errorType is null");
        }
    }

    /** The runtime could not load the function and posted an init error; the environment is of no further use. */
    record InitError(byte[] body, Optional<String> errorType)
            implements Outcome
    {
        public InitError
        {
            requireNonNull(body, "body is null");
            requireNonNull(errorType, "errorType is null");
        }
    }

    /** The runtime posted a response over Lambda's limit. */
    record ResponseTooLarge(long size)
            implements Outcome
    {
    }

    /** The runtime process ended before it answered. */
    record Exited(int exitCode)
            implements Outcome
    {
    }

    /** The process used more memory than the function's {@code MemorySize}; the environment was killed. */
    record OutOfMemory()
            implements Outcome
    {
    }

    /** The invocation ran out of time; the environment was stopped. */
    record TimedOut()
            implements Outcome
    {
    }

    /** The runner stopped the environment (it is closing). */
    record Stopped()
            implements Outcome
    {
    }
}
