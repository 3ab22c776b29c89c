package io.lakestack.endpoint;

import io.lakestack.endpoint.auth.Authenticator;
import io.lakestack.endpoint.protocol.AwsProtocol;
import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.endpoint.protocol.AwsResponse;

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

    void handle(AwsRequest request, Authenticator.Caller caller, AwsResponse response)
            throws Exception;
}
