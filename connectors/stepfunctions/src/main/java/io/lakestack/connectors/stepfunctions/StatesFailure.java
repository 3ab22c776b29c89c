package io.lakestack.connectors.stepfunctions;

import static java.util.Objects.requireNonNull;

/** A state failed with an error name and a cause; thrown inside the interpreter and matched by Retry and Catch. */
final class StatesFailure
        extends RuntimeException
{
    private final String error;
    private final String cause;

    StatesFailure(String error, String cause)
    {
        super(error + ": " + cause, null, false, false);
        this.error = requireNonNull(error, "error is null");
        this.cause = requireNonNull(cause, "cause is null");
    }

    String error()
    {
        return error;
    }

    String cause()
    {
        return cause;
    }
}
