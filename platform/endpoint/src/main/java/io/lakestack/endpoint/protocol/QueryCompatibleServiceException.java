package io.lakestack.endpoint.protocol;

import io.lakestack.spi.ErrorKind;
import io.lakestack.spi.ServiceException;

import static java.util.Objects.requireNonNull;

/**
 * An error of a service that answers both in a JSON protocol and in the Query protocol it had before (SQS): its
 * {@link #errorCode()} is the JSON protocol's name ({@code QueueDoesNotExist}), {@link #queryErrorCode()} the Query
 * protocol's ({@code AWS.SimpleQueueService.NonExistentQueue}). {@link ErrorResponses} writes the JSON name as
 * {@code __type} (qualified by {@link #jsonNamespace()} when there is one) with header
 * {@code x-amzn-query-error: <query code>;Sender} (or {@code Receiver}), from which the AWS SDKs and boto3 read the
 * Query code, and the Query code as the {@code <Code>} of a Query protocol error.
 */
public final class QueryCompatibleServiceException
        extends ServiceException
{
    private static final long serialVersionUID = 1L;

    private final String queryErrorCode;
    private final String jsonNamespace;

    /**
     * @param jsonNamespace the Smithy namespace AWS qualifies {@code __type} with ({@code com.amazonaws.sqs}); empty for none
     */
    public QueryCompatibleServiceException(ErrorKind kind, String errorCode, String queryErrorCode, String jsonNamespace, int httpStatus, String message,
            Throwable cause)
    {
        super(kind, errorCode, httpStatus, message, cause);
        this.queryErrorCode = requireNonNull(queryErrorCode, "queryErrorCode is null");
        this.jsonNamespace = requireNonNull(jsonNamespace, "jsonNamespace is null");
    }

    public String queryErrorCode()
    {
        return queryErrorCode;
    }

    public String jsonNamespace()
    {
        return jsonNamespace;
    }

    /** The {@code __type} of the JSON error document. */
    public String jsonType()
    {
        return jsonNamespace.isEmpty() ? errorCode() : jsonNamespace + "#" + errorCode();
    }
}
