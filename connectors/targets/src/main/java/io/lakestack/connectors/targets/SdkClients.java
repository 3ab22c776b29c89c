package io.lakestack.connectors.targets;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;

import java.net.URI;
import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * SDK clients as lakestack's own deliveries use them: against one endpoint (lakestack's, or AWS's), a pooled Apache
 * HTTP client, each call bounded by a timeout, and none of the SDK's retries, because the caller retries as its
 * target's or subscription's policy says.
 */
public final class SdkClients
{
    private SdkClients() {}

    /**
     * Builds the client of {@code builder}, for example {@code SdkClients.build(SqsClient.builder(), ...)}.
     */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder, URI endpoint, Region region,
            AwsCredentialsProvider credentials, Duration callTimeout)
    {
        requireNonNull(builder, "builder is null");
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(region, "region is null");
        requireNonNull(credentials, "credentials is null");
        requireNonNull(callTimeout, "callTimeout is null");
        return builder.endpointOverride(endpoint).region(region).credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(32))
                .overrideConfiguration(config -> config.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(callTimeout))
                .build();
    }
}
