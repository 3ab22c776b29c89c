package io.lakestack.connectors.pipelines;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Where a pipeline is deployed: lakestack's endpoint (an endpoint override and its keys) or AWS itself (the default
 * credential chain). The deployment is the same code either way; only the clients differ.
 */
public record AwsTarget(Optional<URI> endpoint, Region region, AwsCredentialsProvider credentials)
{
    public AwsTarget
    {
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(region, "region is null");
        requireNonNull(credentials, "credentials is null");
    }

    /** lakestack's endpoint, signed with its keys. */
    public static AwsTarget lakestack(URI endpoint, String region, String accessKey, String secretKey)
    {
        return new AwsTarget(Optional.of(endpoint), Region.of(region), StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)));
    }

    /** AWS itself in {@code region}, with the default credential chain (environment, profile, SSO, instance role). */
    public static AwsTarget aws(String region)
    {
        return new AwsTarget(Optional.empty(), Region.of(region), DefaultCredentialsProvider.builder().build());
    }

    /** Whether this is lakestack (an endpoint override) rather than AWS. */
    public boolean lakestack()
    {
        return endpoint.isPresent();
    }

    /** A client of the target, from the service's builder: {@code target.client(KinesisClient.builder())}. */
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder)
    {
        endpoint.ifPresent(builder::endpointOverride);
        return builder.region(region)
                .credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(10)).socketTimeout(Duration.ofMinutes(2)))
                .build();
    }
}
