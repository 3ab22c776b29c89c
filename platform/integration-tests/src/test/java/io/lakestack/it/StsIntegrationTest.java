package io.lakestack.it;

import io.lakestack.testing.AwsCli;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;
import software.amazon.awssdk.services.sts.model.StsException;

import java.net.URI;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * STS as SDK code, the AWS CLI and Terraform call it first: the caller's identity, and roles assumed for temporary credentials that
 * the endpoint then accepts, with their session token only.
 */
@LakestackTest
@Order(25)
class StsIntegrationTest
{
    private static final String ROLE = "arn:aws:iam::000000000000:role/pipelines/etl-runner";

    private final TestStack stack;

    StsIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @Test
    void callerIdentityAndAssumedRoleCredentials()
    {
        try (StsClient sts = stack.client(StsClient.builder())) {
            GetCallerIdentityResponse root = sts.getCallerIdentity();
            assertThat(root.account()).isEqualTo("000000000000");
            assertThat(root.arn()).isEqualTo("arn:aws:iam::000000000000:root");
            assertThat(root.userId()).isEqualTo("000000000000");

            Instant before = Instant.now();
            AssumeRoleResponse assumed = sts.assumeRole(request -> request.roleArn(ROLE).roleSessionName("nightly-load").durationSeconds(900)
                    .sourceIdentity("ci-runner"));
            Credentials credentials = assumed.credentials();
            assertThat(credentials.accessKeyId()).startsWith("ASIA").hasSize(20);
            assertThat(credentials.secretAccessKey()).hasSize(40);
            assertThat(credentials.sessionToken()).isNotEmpty();
            assertThat(credentials.expiration()).isBetween(before.plusSeconds(899), Instant.now().plusSeconds(900));
            assertThat(assumed.assumedRoleUser().arn()).isEqualTo("arn:aws:sts::000000000000:assumed-role/etl-runner/nightly-load");
            assertThat(assumed.assumedRoleUser().assumedRoleId()).matches("AROA[A-Z2-7]{17}:nightly-load");
            assertThat(assumed.sourceIdentity()).isEqualTo("ci-runner");

            // the session's credentials sign requests to any service, with their token
            StaticCredentialsProvider session = StaticCredentialsProvider.create(AwsSessionCredentials.create(credentials.accessKeyId(),
                    credentials.secretAccessKey(), credentials.sessionToken()));
            try (StsClient asRole = StsClient.builder().endpointOverride(URI.create(stack.endpoint())).region(Region.US_EAST_1).credentialsProvider(session)
                    .httpClient(ApacheHttpClient.create()).build();
                    S3Client s3 = S3Client.builder().endpointOverride(URI.create(stack.endpoint())).region(Region.US_EAST_1).credentialsProvider(session)
                            .forcePathStyle(true).httpClient(ApacheHttpClient.create()).build()) {
                GetCallerIdentityResponse identity = asRole.getCallerIdentity();
                assertThat(identity.arn()).isEqualTo("arn:aws:sts::000000000000:assumed-role/etl-runner/nightly-load");
                assertThat(identity.userId()).isEqualTo(assumed.assumedRoleUser().assumedRoleId());
                assertThat(identity.account()).isEqualTo("000000000000");
                s3.createBucket(request -> request.bucket("sts-it"));
                assertThat(s3.listBuckets().buckets()).extracting(bucket -> bucket.name()).contains("sts-it");
                assertThatThrownBy(() -> asRole.getSessionToken(request -> { }))
                        .isInstanceOfSatisfying(StsException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
            }
            // without the token, or with another one, the key is refused
            try (S3Client withoutToken = stack.s3(credentials.accessKeyId(), credentials.secretAccessKey())) {
                assertThatThrownBy(withoutToken::listBuckets).isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidToken");
                });
            }

            // settings that need IAM are refused, not ignored; bad input as STS answers it
            assertThatThrownBy(() -> sts.assumeRole(request -> request.roleArn(ROLE).roleSessionName("s1")
                    .policy("{\"Version\":\"2012-10-17\",\"Statement\":[]}")))
                    .isInstanceOfSatisfying(StsException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
                        assertThat(e.awsErrorDetails().errorMessage()).startsWith("Policy cannot be applied by lakestack");
                    });
            assertThatThrownBy(() -> sts.assumeRole(request -> request.roleArn(ROLE).roleSessionName("s1").durationSeconds(60)))
                    .isInstanceOfSatisfying(StsException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                            .isEqualTo("1 validation error detected: Value '60' at 'DurationSeconds' failed to satisfy constraint: Member must have value "
                                    + "between 900 and 43200"));
            assertThatThrownBy(() -> sts.assumeRole(request -> request.roleArn("arn:aws:s3:::not-a-role").roleSessionName("s1")))
                    .isInstanceOfSatisfying(StsException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError"));
            assertThatThrownBy(() -> sts.assumeRole(request -> request.roleArn(ROLE).roleSessionName("bad name")))
                    .isInstanceOfSatisfying(StsException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError"));

            Credentials token = sts.getSessionToken(request -> request.durationSeconds(900)).credentials();
            assertThat(token.accessKeyId()).startsWith("ASIA");
        }
    }

    @Test
    void awsCliAssumesARoleAndCallsWithIt()
            throws Exception
    {
        AwsCli aws = AwsCli.required(stack);
        AwsCli.Result identity = aws.run("sts", "get-caller-identity", "--query", "Arn", "--output", "text");
        assertThat(identity).isEqualTo(new AwsCli.Result(0, "arn:aws:iam::000000000000:root\n", ""));
        AwsCli.Result assumed = aws.run("sts", "assume-role", "--role-arn", ROLE, "--role-session-name", "cli", "--query", "AssumedRoleUser.Arn", "--output",
                "text");
        assertThat(assumed).isEqualTo(new AwsCli.Result(0, "arn:aws:sts::000000000000:assumed-role/etl-runner/cli\n", ""));
    }
}
