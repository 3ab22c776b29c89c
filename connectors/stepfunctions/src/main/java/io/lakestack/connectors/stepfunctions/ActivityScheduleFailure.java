package io.lakestack.connectors.stepfunctions;

import static java.util.Objects.requireNonNull;

/**
 * An activity task could not be scheduled (its activity does not exist): what a {@link TaskInvoker} completes an
 * activity's future with, so that the interpreter writes {@code ActivityScheduleFailed} and fails the task with this
 * error and cause (for its Retry and Catch).
 */
public final class ActivityScheduleFailure
        extends RuntimeException
{
    private final String error;
    private final String cause;

    public ActivityScheduleFailure(String error, String cause)
    {
        super(error + ": " + cause, null, false, false);
        this.error = requireNonNull(error, "error is null");
        this.cause = requireNonNull(cause, "cause is null");
    }

    public String error()
    {
        return error;
    }

    public String cause()
    {
        return cause;
    }
}
