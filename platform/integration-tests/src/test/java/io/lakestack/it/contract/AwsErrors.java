package io.lakestack.it.contract;

import io.lakestack.spi.ErrorKind;
import io.lakestack.spi.ServiceException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

import java.util.function.Supplier;

/** AWS's errors as the contracts state them: a {@link ServiceException} with the same error code, status and message. */
final class AwsErrors
{
    private AwsErrors() {}

    /** The call's result; an AWS error thrown as the {@link ServiceException} the contracts state. */
    static <T> T call(Supplier<T> call)
    {
        try {
            return call.get();
        }
        catch (AwsServiceException e) {
            throw translate(e);
        }
    }

    static ServiceException translate(AwsServiceException e)
    {
        String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? "InternalFailure" : e.awsErrorDetails().errorCode();
        String message = e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null ? String.valueOf(e.getMessage())
                : e.awsErrorDetails().errorMessage();
        int status = e.statusCode() >= 400 && e.statusCode() <= 599 ? e.statusCode() : 500;
        return new ServiceException(status >= 500 ? ErrorKind.EXTERNAL : ErrorKind.USER, code, status, message, e);
    }
}
