package io.lakestack.it.contract;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the AWS subclasses of the contract suites need to run against real AWS: the switch {@value #ENABLE}{@code =1},
 * credentials from the SDK's default provider chain, the region from {@code AWS_REGION}, and for some suites a scratch
 * bucket ({@value #BUCKET}) or a Firehose role ({@value #FIREHOSE_ROLE}). {@link #require} skips the calling test class,
 * with a JUnit assumption, when any of it is missing, saying what to set.
 */
final class AwsContractSettings
{
    static final String ENABLE = "LAKESTACK_AWS_TESTS";
    static final String BUCKET = "LAKESTACK_AWS_TEST_BUCKET";
    static final String FIREHOSE_ROLE = "LAKESTACK_AWS_FIREHOSE_ROLE_ARN";
    private static final String REGION = "AWS_REGION";

    private final Region region;
    private final AwsCredentialsProvider credentials;
    private final Map<String, String> environment;

    private AwsContractSettings(Region region, AwsCredentialsProvider credentials, Map<String, String> environment)
    {
        this.region = requireNonNull(region, "region is null");
        this.credentials = requireNonNull(credentials, "credentials is null");
        this.environment = Map.copyOf(environment);
    }

    /**
     * The settings, or a skip of the calling test class (an aborted {@code @BeforeAll}) naming what is missing.
     *
     * @param variables further environment variables the suite needs, e.g. {@value #BUCKET}
     */
    static AwsContractSettings require(String... variables)
    {
        Map<String, String> environment = System.getenv();
        List<String> needed = new ArrayList<>(List.of(ENABLE + "=1", REGION, "AWS credentials (default provider chain)"));
        needed.addAll(List.of(variables));
        String howTo = "set " + String.join(", ", needed) + " to run this suite against AWS";
        skipUnless("1".equals(environment.get(ENABLE)), "AWS contract tests are off; " + howTo);
        skipUnless(present(environment.get(REGION)), REGION + " is not set; " + howTo);
        for (String variable : variables) {
            skipUnless(present(environment.get(variable)), variable + " is not set; " + howTo);
        }
        AwsCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
        try {
            credentials.resolveCredentials();
        }
        catch (SdkException e) {
            skipUnless(false, "no AWS credentials found (" + e.getMessage() + "); " + howTo);
        }
        return new AwsContractSettings(Region.of(environment.get(REGION)), credentials, environment);
    }

    private static void skipUnless(boolean condition, String reason)
    {
        if (!condition) {
            // Surefire reports a class aborted in @BeforeAll as zero tests, without the reason: say it in the test's output too
            System.err.println("skipped: " + reason);
        }
        assumeTrue(condition, reason);
    }

    private static boolean present(String value)
    {
        return value != null && !value.isBlank();
    }

    Region region()
    {
        return region;
    }

    AwsCredentialsProvider credentials()
    {
        return credentials;
    }

    /** The scratch bucket: it exists, is not versioned, and the suites write under prefixes of their own in it. */
    String bucket()
    {
        return variable(BUCKET);
    }

    /** A role Firehose may assume to write to the scratch bucket. */
    String firehoseRoleArn()
    {
        return variable(FIREHOSE_ROLE);
    }

    private String variable(String name)
    {
        String value = environment.get(name);
        if (!present(value)) {
            throw new IllegalStateException(name + " was not required by this suite");
        }
        return value;
    }

    /** A client of the AWS service in the configured region, with the default credentials. */
    <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder)
    {
        return builder.region(region).credentialsProvider(credentials).httpClient(ApacheHttpClient.create()).build();
    }

    /** Deletes what a suite wrote under its prefix of the scratch bucket. */
    void deleteObjects(String prefix)
    {
        try (S3Client s3 = client(S3Client.builder())) {
            s3.listObjectsV2Paginator(request -> request.bucket(bucket()).prefix(prefix)).forEach(page -> {
                List<ObjectIdentifier> keys = page.contents().stream().map(S3Object::key).map(key -> ObjectIdentifier.builder().key(key).build()).toList();
                if (!keys.isEmpty()) {
                    s3.deleteObjects(request -> request.bucket(bucket()).delete(delete -> delete.objects(keys).quiet(true)));
                }
            });
        }
    }
}
