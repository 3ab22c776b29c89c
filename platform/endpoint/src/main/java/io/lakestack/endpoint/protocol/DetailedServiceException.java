package io.lakestack.endpoint.protocol;

import io.lakestack.spi.ErrorKind;
import io.lakestack.spi.ServiceException;

import java.util.LinkedHashMap;
import java.util.Map;

/** A {@link ServiceException} with extra elements for an S3 error document, such as {@code StringToSign}. */
public final class DetailedServiceException
        extends ServiceException
{
    private static final long serialVersionUID = 1L;

    private final transient Map<String, String> xmlDetails;

    public DetailedServiceException(ErrorKind kind, String errorCode, int httpStatus, String message, Map<String, String> xmlDetails)
    {
        super(kind, errorCode, httpStatus, message);
        this.xmlDetails = new LinkedHashMap<>(xmlDetails);
    }

    public Map<String, String> xmlDetails()
    {
        return xmlDetails;
    }
}
