package io.lakestack.endpoint;

import io.lakestack.endpoint.auth.Authenticator;
import io.lakestack.endpoint.protocol.AwsProtocol;
import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.endpoint.protocol.AwsResponse;
import io.lakestack.spi.ErrorKind;
import io.lakestack.spi.ServiceException;

import java.util.OptionalLong;
import java.util.Set;

/**
 * One emulated AWS service behind the endpoint. The endpoint recognises the service, authenticates the caller, and
 * renders any {@link io.lakestack.spi.ServiceException} the handler throws in the service's protocol.
 */
public interface ServiceHandler
{
    /** The name in the SigV4 credential scope: {@code s3}, {@code kinesis}, {@code firehose}, {@code glue}... */
    String signingName();

    AwsProtocol protocol();

    /** For target-based protocols, the {@code X-Amz-Target} prefixes this service answers ({@code Kinesis_20131202}). */
    default Set<String> targetPrefixes()
    {
        return Set.of();
    }

    /**
     * The largest request body this service reads, in bytes; empty for a service that streams bodies through and never
     * holds one whole (S3). The endpoint holds every body of this service to it before the service sees the request:
     * a body whose {@code Content-Length} is larger is refused before any of it is read, a chunked one once it has
     * read one byte more than this; either is answered with {@link #requestTooLarge}.
     */
    OptionalLong maxRequestBytes();

    /**
     * The error a body over {@link #maxRequestBytes()} is answered with: by default 413 {@code RequestEntityTooLargeException}
     * ({@code RequestEntityTooLarge} in the Query protocol), as AWS's front end answers for its JSON services. A service
     * whose AWS counterpart has an error of its own for this overrides it.
     *
     * @param operation the operation as the request's headers or query string name it; empty when only the body names it
     * @param declaredLength the body's {@code Content-Length}; empty when it came chunked and was cut at the limit
     */
    default ServiceException requestTooLarge(String operation, long maxBytes, OptionalLong declaredLength)
    {
        return requestEntityTooLarge(protocol(), operation, maxBytes, declaredLength);
    }

    /** The default of {@link #requestTooLarge}, in the naming of {@code protocol}. */
    static ServiceException requestEntityTooLarge(AwsProtocol protocol, String operation, long maxBytes, OptionalLong declaredLength)
    {
        String code = protocol == AwsProtocol.QUERY || protocol == AwsProtocol.REST_XML ? "RequestEntityTooLarge" : "RequestEntityTooLargeException";
        return new ServiceException(ErrorKind.USER, code, 413, "Request must be at most " + maxBytes + " bytes"
                + (operation.isEmpty() ? "" : " for the " + operation + " operation")
                + (declaredLength.isPresent() ? "; this one is " + declaredLength.getAsLong() + " bytes" : ""));
    }

    void handle(AwsRequest request, Authenticator.Caller caller, AwsResponse response)
            throws Exception;

    /**
     * Whether a request is not authenticated from its headers or query by the endpoint but by the service itself:
     * S3's browser upload (an HTML form signed by the policy in its body), CORS preflight requests (which carry no
     * credentials by design), and the links a service sends out that AWS answers unsigned (SNS's {@code SubscribeURL}
     * and {@code UnsubscribeURL}: a GET with {@code Action} in the query string, routed to the service that claims it
     * here). Such a request goes to {@link #handleSelfAuthenticated} with the authenticator, for the service to check
     * what credentials it has.
     */
    default boolean authenticatesItself(AwsRequest request)
    {
        return false;
    }

    default void handleSelfAuthenticated(AwsRequest request, Authenticator authenticator, AwsResponse response)
            throws Exception
    {
        throw new UnsupportedOperationException(signingName() + " authenticates no request itself");
    }
}
