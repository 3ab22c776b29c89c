package io.lakestack.spi.glue;

import static java.util.Objects.requireNonNull;

/** Why one item of a batch operation failed: the AWS error code and message, as Glue's {@code ErrorDetail}. */
public record BatchError<K>(K item, String errorCode, String errorMessage)
{
    public BatchError
    {
        requireNonNull(item, "item is null");
        requireNonNull(errorCode, "errorCode is null");
        requireNonNull(errorMessage, "errorMessage is null");
    }
}
