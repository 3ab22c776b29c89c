package io.lakestack.connectors.firehose;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Invokes a Lambda function synchronously ({@code RequestResponse}), as Firehose's data transformation does. */
@FunctionalInterface
public interface LambdaInvoker
{
    /** For deliveries that have no Lambda to call: every invocation fails. */
    LambdaInvoker NONE = (functionArn, payload) -> {
        throw new InvokeFailure("Lambda.ServiceUnavailable", "This delivery has no Lambda API to invoke " + functionArn + " with");
    };

    /**
     * The code Firehose's error output gives an invocation Lambda refused: Lambda's error code ({@code ResourceNotFoundException},
     * ...) and HTTP status as Firehose names them ({@code Lambda.ResourceNotFound}, ...).
     */
    static String firehoseCode(String lambdaCode, int status)
    {
        return switch (lambdaCode) {
            case "ResourceNotFoundException" -> "Lambda.ResourceNotFound";
            case "TooManyRequestsException" -> "Lambda.InvokeLimitExceeded";
            case "AccessDeniedException", "AccessDenied" -> "Lambda.InvokeAccessDenied";
            case "RequestTooLargeException" -> "Lambda.RequestTooLarge";
            case "" -> status == 403 ? "Lambda.InvokeAccessDenied" : status == 404 ? "Lambda.ResourceNotFound" : "Lambda.ServiceException";
            default -> "Lambda." + lambdaCode;
        };
    }

    /**
     * @throws InvokeFailure when Lambda did not run the function (it is missing, throttled, the call failed)
     */
    Response invoke(String functionArn, byte[] payload)
            throws InvokeFailure;

    /**
     * What the function answered.
     *
     * @param functionError Lambda's {@code X-Amz-Function-Error} ({@code Unhandled}, {@code Handled}) when the function failed
     */
    record Response(Optional<String> functionError, byte[] payload)
    {
        public Response
        {
            requireNonNull(functionError, "functionError is null");
            requireNonNull(payload, "payload is null");
        }
    }

    /** An invocation that did not reach the function, with the error code Firehose's error output names it by ({@code Lambda.ResourceNotFound}, ...). */
    final class InvokeFailure
            extends Exception
    {
        private final String errorCode;

        public InvokeFailure(String errorCode, String message)
        {
            super(message);
            this.errorCode = requireNonNull(errorCode, "errorCode is null");
        }

        public InvokeFailure(String errorCode, String message, Throwable cause)
        {
            super(message, cause);
            this.errorCode = requireNonNull(errorCode, "errorCode is null");
        }

        public String errorCode()
        {
            return errorCode;
        }
    }
}
