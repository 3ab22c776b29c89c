package io.lakestack.connectors.firehose;

/** A delivery stream configuration Firehose would refuse; the message says what and how to fix it. */
public final class InvalidConfigurationException
        extends Exception
{
    private static final long serialVersionUID = 1L;

    public InvalidConfigurationException(String message)
    {
        super(message);
    }
}
