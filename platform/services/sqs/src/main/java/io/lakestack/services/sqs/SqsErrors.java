package io.lakestack.services.sqs;

import io.lakestack.endpoint.protocol.QueryCompatibleServiceException;
import io.lakestack.spi.ErrorKind;
import io.lakestack.spi.ServiceException;

import java.util.Map;

/**
 * SQS's errors under their two names: the JSON protocol's ({@code QueueDoesNotExist}, the Smithy shape) and the
 * Query protocol's ({@code AWS.SimpleQueueService.NonExistentQueue}, the shape's {@code awsQueryError} trait), with
 * the status AWS answers them with. The service and the engine throw the JSON names; {@link #compatible} gives every
 * error its Query name on the way out.
 */
final class SqsErrors
{
    static final String NAMESPACE = "com.amazonaws.sqs";

    static final String QUEUE_DOES_NOT_EXIST = "QueueDoesNotExist";
    static final String QUEUE_DELETED_RECENTLY = "QueueDeletedRecently";
    static final String QUEUE_NAME_EXISTS = "QueueNameExists";
    static final String INVALID_PARAMETER_VALUE = "InvalidParameterValueException";
    static final String MISSING_PARAMETER = "MissingRequiredParameterException";
    static final String INVALID_ATTRIBUTE_NAME = "InvalidAttributeName";
    static final String INVALID_ATTRIBUTE_VALUE = "InvalidAttributeValue";
    static final String INVALID_MESSAGE_CONTENTS = "InvalidMessageContents";
    static final String EMPTY_BATCH_REQUEST = "EmptyBatchRequest";
    static final String TOO_MANY_ENTRIES = "TooManyEntriesInBatchRequest";
    static final String BATCH_ENTRY_IDS_NOT_DISTINCT = "BatchEntryIdsNotDistinct";
    static final String INVALID_BATCH_ENTRY_ID = "InvalidBatchEntryId";
    static final String BATCH_REQUEST_TOO_LONG = "BatchRequestTooLong";
    static final String RESOURCE_NOT_FOUND = "ResourceNotFoundException";
    static final String INVALID_ADDRESS = "InvalidAddress";
    static final String UNSUPPORTED_OPERATION = "UnsupportedOperation";

    /** JSON name -> Query name and status, from the SQS model (errors without an {@code awsQueryError} trait keep their name). */
    private static final Map<String, QueryName> QUERY_NAMES = Map.ofEntries(
            Map.entry(QUEUE_DOES_NOT_EXIST, new QueryName("AWS.SimpleQueueService.NonExistentQueue", 400)),
            Map.entry(QUEUE_DELETED_RECENTLY, new QueryName("AWS.SimpleQueueService.QueueDeletedRecently", 400)),
            Map.entry(QUEUE_NAME_EXISTS, new QueryName("QueueAlreadyExists", 400)),
            Map.entry("PurgeQueueInProgress", new QueryName("AWS.SimpleQueueService.PurgeQueueInProgress", 403)),
            Map.entry("MessageNotInflight", new QueryName("AWS.SimpleQueueService.MessageNotInflight", 400)),
            Map.entry("ReceiptHandleIsInvalid", new QueryName("ReceiptHandleIsInvalid", 404)),
            Map.entry(EMPTY_BATCH_REQUEST, new QueryName("AWS.SimpleQueueService.EmptyBatchRequest", 400)),
            Map.entry(TOO_MANY_ENTRIES, new QueryName("AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400)),
            Map.entry(BATCH_ENTRY_IDS_NOT_DISTINCT, new QueryName("AWS.SimpleQueueService.BatchEntryIdsNotDistinct", 400)),
            Map.entry(INVALID_BATCH_ENTRY_ID, new QueryName("AWS.SimpleQueueService.InvalidBatchEntryId", 400)),
            Map.entry(BATCH_REQUEST_TOO_LONG, new QueryName("AWS.SimpleQueueService.BatchRequestTooLong", 400)),
            Map.entry(UNSUPPORTED_OPERATION, new QueryName("AWS.SimpleQueueService.UnsupportedOperation", 400)),
            Map.entry(INVALID_PARAMETER_VALUE, new QueryName("InvalidParameterValue", 400)),
            Map.entry(MISSING_PARAMETER, new QueryName("MissingParameter", 400)),
            Map.entry(INVALID_ATTRIBUTE_NAME, new QueryName(INVALID_ATTRIBUTE_NAME, 400)),
            Map.entry(INVALID_ATTRIBUTE_VALUE, new QueryName(INVALID_ATTRIBUTE_VALUE, 400)),
            Map.entry(INVALID_MESSAGE_CONTENTS, new QueryName(INVALID_MESSAGE_CONTENTS, 400)),
            Map.entry("InvalidIdFormat", new QueryName("InvalidIdFormat", 400)),
            Map.entry("OverLimit", new QueryName("OverLimit", 403)),
            Map.entry("RequestThrottled", new QueryName("RequestThrottled", 403)),
            Map.entry(RESOURCE_NOT_FOUND, new QueryName(RESOURCE_NOT_FOUND, 404)),
            Map.entry(INVALID_ADDRESS, new QueryName(INVALID_ADDRESS, 404)),
            Map.entry("InvalidSecurity", new QueryName("InvalidSecurity", 403)));

    private record QueryName(String code, int status) {}

    private SqsErrors() {}

    static ServiceException error(String code, String message)
    {
        QueryName name = QUERY_NAMES.get(code);
        return new QueryCompatibleServiceException(ErrorKind.USER, code, name == null ? code : name.code(), NAMESPACE, name == null ? 400 : name.status(),
                message, null);
    }

    static ServiceException invalidParameter(String message)
    {
        return error(INVALID_PARAMETER_VALUE, message);
    }

    /** AWS's "Value x for parameter P is invalid. Reason: r" in {@code InvalidParameterValue}. */
    static ServiceException invalidParameter(String parameter, Object value, String reason)
    {
        return invalidParameter("Value " + value + " for parameter " + parameter + " is invalid. Reason: " + reason);
    }

    static ServiceException missingParameter(String parameter)
    {
        return error(MISSING_PARAMETER, "The request must contain the parameter " + parameter + ".");
    }

    static ServiceException invalidAttributeValue(String attribute)
    {
        return error(INVALID_ATTRIBUTE_VALUE, "Invalid value for the parameter " + attribute + ".");
    }

    static ServiceException invalidAttributeValue(String attribute, String reason)
    {
        return error(INVALID_ATTRIBUTE_VALUE, "Invalid value for the parameter " + attribute + ". Reason: " + reason);
    }

    static ServiceException unknownAttribute(String attribute)
    {
        return error(INVALID_ATTRIBUTE_NAME, "Unknown Attribute " + attribute + ".");
    }

    static ServiceException queueDoesNotExist(boolean query)
    {
        // the Query protocol still answers with its old words
        return error(QUEUE_DOES_NOT_EXIST, query ? "The specified queue does not exist for this wsdl version." : "The specified queue does not exist.");
    }

    /**
     * The error with its Query name and its status from the SQS model; an error that already has both (or one SQS
     * does not know, as the endpoint's) keeps its own.
     */
    static ServiceException compatible(ServiceException error)
    {
        if (error instanceof QueryCompatibleServiceException) {
            return error;
        }
        QueryName name = QUERY_NAMES.get(error.errorCode());
        return new QueryCompatibleServiceException(error.kind(), error.errorCode(), name == null ? error.errorCode() : name.code(), NAMESPACE,
                name == null ? error.httpStatus() : name.status(), error.getMessage(), error.getCause());
    }

    /** The code a batch answers a failed entry with: the Query name, as AWS writes it in {@code Failed} in both protocols. */
    static String batchCode(ServiceException error)
    {
        QueryName name = QUERY_NAMES.get(error.errorCode());
        return name == null ? error.errorCode() : name.code();
    }
}
