package io.lakestack.spi;

/**
 * Who has to act on an error. The HTTP layer turns each kind into a default status and, where AWS does, into the
 * {@code Type} field of the error ({@code User} / {@code Service}).
 */
public enum ErrorKind
{
    /** The request is wrong: bad input, an unknown resource, a conflict. Default HTTP status 400. */
    USER(400),
    /** An engine lakestack depends on (Kafka, the object store, the metastore, Trino) failed or is not ready. 503. */
    EXTERNAL(503),
    /** A defect in lakestack itself. 500. */
    INTERNAL(500);

    private final int defaultStatus;

    ErrorKind(int defaultStatus)
    {
        this.defaultStatus = defaultStatus;
    }

    public int defaultStatus()
    {
        return defaultStatus;
    }
}
