package io.lakestack.spi;

import static java.util.Objects.requireNonNull;

/**
 * An error a service answers with: the AWS error code (for example {@code ResourceNotFoundException},
 * {@code NoSuchBucket}), a message a person can act on, its {@link ErrorKind} and the HTTP status AWS uses for it.
 * The endpoint renders it in the protocol of the request (JSON, CBOR, REST-JSON or REST-XML).
 */
public class ServiceException
        extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final String errorCode;
    private final ErrorKind kind;
    private final int httpStatus;

    public ServiceException(ErrorKind kind, String errorCode, int httpStatus, String message)
    {
        this(kind, errorCode, httpStatus, message, null);
    }

    public ServiceException(ErrorKind kind, String errorCode, int httpStatus, String message, Throwable cause)
    {
        super(requireNonNull(message, "message is null"), cause);
        this.kind = requireNonNull(kind, "kind is null");
        this.errorCode = requireNonNull(errorCode, "errorCode is null");
        if (httpStatus < 400 || httpStatus > 599) {
            throw new IllegalArgumentException("an error status must be 4xx or 5xx, not " + httpStatus);
        }
        this.httpStatus = httpStatus;
    }

    /** A {@link ErrorKind#USER} error with status 400. */
    public static ServiceException user(String errorCode, String message)
    {
        return new ServiceException(ErrorKind.USER, errorCode, 400, message);
    }

    /** A {@link ErrorKind#USER} error with the given status (404 for a missing resource, 409 for a conflict...). */
    public static ServiceException user(String errorCode, int httpStatus, String message)
    {
        return new ServiceException(ErrorKind.USER, errorCode, httpStatus, message);
    }

    /** An engine underneath failed: {@code ServiceUnavailable} style, status 503. */
    public static ServiceException external(String errorCode, String message, Throwable cause)
    {
        return new ServiceException(ErrorKind.EXTERNAL, errorCode, 503, message, cause);
    }

    /** A defect in lakestack: status 500. */
    public static ServiceException internal(String errorCode, String message, Throwable cause)
    {
        return new ServiceException(ErrorKind.INTERNAL, errorCode, 500, message, cause);
    }

    public String errorCode()
    {
        return errorCode;
    }

    public ErrorKind kind()
    {
        return kind;
    }

    public int httpStatus()
    {
        return httpStatus;
    }
}
