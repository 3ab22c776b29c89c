package io.lakestack.endpoint.auth;

/** A request tries to sign with SigV4 but its signature cannot be read; the message says what is wrong. */
public final class MalformedSignatureException
        extends Exception
{
    private static final long serialVersionUID = 1L;

    public MalformedSignatureException(String message)
    {
        super(message);
    }
}
