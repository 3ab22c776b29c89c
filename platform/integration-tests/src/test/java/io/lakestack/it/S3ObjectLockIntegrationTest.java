package io.lakestack.it;

import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketCannedACL;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.GetObjectAclResponse;
import software.amazon.awssdk.services.s3.model.Grant;
import software.amazon.awssdk.services.s3.model.Grantee;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.ObjectLockLegalHoldStatus;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.Owner;
import software.amazon.awssdk.services.s3.model.Permission;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Type;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Object lock and ACLs as the endpoint keeps and applies them, with the AWS SDK v2: retention and legal hold per version
 * refuse deletes, default retention counts from a version's creation, and an ACL granting AllUsers lets an unsigned
 * request through.
 */
@LakestackTest
@Order(9)
class S3ObjectLockIntegrationTest
{
    private static final String ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
    private static final String PROTECTED = "Access Denied because object protected by object lock.";
    private static final Instant FAR = Instant.parse("2100-01-01T00:00:00Z");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final TestStack stack;

    S3ObjectLockIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @Test
    void defaultRetentionProtectsANewVersionAndGovernanceIsBypassed()
    {
        String bucket = "lock-governance-" + S3EndpointIntegrationTest.suffix();
        try (S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket(bucket).objectLockEnabledForBucket(true));
            assertThat(s3.getBucketVersioning(request -> request.bucket(bucket)).status()).isEqualTo(BucketVersioningStatus.ENABLED);
            assertError(() -> s3.putBucketVersioning(request -> request.bucket(bucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.SUSPENDED))),
                    409, "InvalidBucketState", "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.");
            assertError(() -> s3.putObjectLockConfiguration(request -> request.bucket(bucket).objectLockConfiguration(configuration -> configuration
                    .objectLockEnabled(ObjectLockEnabled.ENABLED).rule(rule -> rule.defaultRetention(retention -> retention
                            .mode(ObjectLockRetentionMode.GOVERNANCE).days(1).years(1))))),
                    400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema: a DefaultRetention "
                            + "has either Days or Years, not both");
            s3.putObjectLockConfiguration(request -> request.bucket(bucket).objectLockConfiguration(configuration -> configuration
                    .objectLockEnabled(ObjectLockEnabled.ENABLED).rule(rule -> rule.defaultRetention(retention -> retention
                            .mode(ObjectLockRetentionMode.GOVERNANCE).days(1)))));
            var configuration = s3.getObjectLockConfiguration(request -> request.bucket(bucket)).objectLockConfiguration();
            assertThat(configuration.objectLockEnabled()).isEqualTo(ObjectLockEnabled.ENABLED);
            assertThat(configuration.rule().defaultRetention().mode()).isEqualTo(ObjectLockRetentionMode.GOVERNANCE);
            assertThat(configuration.rule().defaultRetention().days()).isEqualTo(1);
            assertThat(configuration.rule().defaultRetention().years()).isNull();

            String versionId = s3.putObject(request -> request.bucket(bucket).key("report.csv"), RequestBody.fromString("a,b")).versionId();
            assertThat(versionId).isNotEmpty();
            HeadObjectResponse head = s3.headObject(request -> request.bucket(bucket).key("report.csv").versionId(versionId));
            // a day after the version's creation, as the S3 server dates it
            assertThat(head.objectLockMode()).isEqualTo(ObjectLockMode.GOVERNANCE);
            assertThat(head.objectLockRetainUntilDate()).isEqualTo(head.lastModified().plus(Duration.ofDays(1)));
            assertThat(head.objectLockLegalHoldStatus()).isNull();
            var retention = s3.getObjectRetention(request -> request.bucket(bucket).key("report.csv").versionId(versionId)).retention();
            assertThat(retention.mode()).isEqualTo(ObjectLockRetentionMode.GOVERNANCE);
            assertThat(retention.retainUntilDate()).isEqualTo(head.lastModified().plus(Duration.ofDays(1)));

            assertError(() -> s3.deleteObject(request -> request.bucket(bucket).key("report.csv").versionId(versionId)), 403, "AccessDenied", PROTECTED);
            var batch = s3.deleteObjects(request -> request.bucket(bucket).delete(delete -> delete.objects(o -> o.key("report.csv").versionId(versionId))));
            assertThat(batch.deleted()).isEmpty();
            assertThat(batch.errors()).singleElement().satisfies(error -> {
                assertThat(error.key()).isEqualTo("report.csv");
                assertThat(error.versionId()).isEqualTo(versionId);
                assertThat(error.code()).isEqualTo("AccessDenied");
                assertThat(error.message()).isEqualTo(PROTECTED);
            });
            // shortening a retention needs the bypass; lengthening it does not
            Instant earlier = retention.retainUntilDate().minus(Duration.ofHours(1));
            assertError(() -> s3.putObjectRetention(request -> request.bucket(bucket).key("report.csv").versionId(versionId)
                    .retention(r -> r.mode(ObjectLockRetentionMode.GOVERNANCE).retainUntilDate(earlier))), 403, "AccessDenied", PROTECTED);
            s3.putObjectRetention(request -> request.bucket(bucket).key("report.csv").versionId(versionId)
                    .retention(r -> r.mode(ObjectLockRetentionMode.GOVERNANCE).retainUntilDate(FAR)));
            assertThat(s3.getObjectRetention(request -> request.bucket(bucket).key("report.csv").versionId(versionId)).retention().retainUntilDate())
                    .isEqualTo(FAR);

            // deleting without a version id leaves a delete marker, which is no protected version
            var marker = s3.deleteObject(request -> request.bucket(bucket).key("report.csv"));
            assertThat(marker.deleteMarker()).isTrue();
            assertThat(marker.versionId()).isNotEqualTo(versionId);
            s3.deleteObject(request -> request.bucket(bucket).key("report.csv").versionId(marker.versionId()));

            s3.deleteObject(request -> request.bucket(bucket).key("report.csv").versionId(versionId).bypassGovernanceRetention(true));
            assertThat(s3.listObjectVersions(request -> request.bucket(bucket)).versions()).isEmpty();
            s3.deleteBucket(request -> request.bucket(bucket));
        }
    }

    @Test
    void complianceAndLegalHoldCannotBeBypassed()
    {
        String bucket = "lock-compliance-" + S3EndpointIntegrationTest.suffix();
        try (S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket(bucket).objectLockEnabledForBucket(true));
            String held = s3.putObject(request -> request.bucket(bucket).key("held.txt").objectLockLegalHoldStatus(ObjectLockLegalHoldStatus.ON),
                    RequestBody.fromString("held")).versionId();
            String complied = s3.putObject(request -> request.bucket(bucket).key("complied.txt").objectLockMode(ObjectLockMode.COMPLIANCE)
                    .objectLockRetainUntilDate(FAR), RequestBody.fromString("kept")).versionId();

            HeadObjectResponse head = s3.headObject(request -> request.bucket(bucket).key("complied.txt"));
            assertThat(head.versionId()).isEqualTo(complied);
            assertThat(head.objectLockMode()).isEqualTo(ObjectLockMode.COMPLIANCE);
            assertThat(head.objectLockRetainUntilDate()).isEqualTo(FAR);
            assertThat(s3.getObjectLegalHold(request -> request.bucket(bucket).key("held.txt")).legalHold().status()).isEqualTo(ObjectLockLegalHoldStatus.ON);

            assertError(() -> s3.deleteObject(request -> request.bucket(bucket).key("held.txt").versionId(held).bypassGovernanceRetention(true)), 403,
                    "AccessDenied", PROTECTED);
            assertError(() -> s3.deleteObject(request -> request.bucket(bucket).key("complied.txt").versionId(complied).bypassGovernanceRetention(true)),
                    403, "AccessDenied", PROTECTED);
            assertError(() -> s3.putObjectRetention(request -> request.bucket(bucket).key("complied.txt").versionId(complied).bypassGovernanceRetention(true)
                    .retention(r -> r.mode(ObjectLockRetentionMode.GOVERNANCE).retainUntilDate(FAR))), 403, "AccessDenied", PROTECTED);
            assertError(() -> s3.putObjectRetention(request -> request.bucket(bucket).key("complied.txt").versionId(complied).bypassGovernanceRetention(true)
                    .retention(r -> r.mode(ObjectLockRetentionMode.COMPLIANCE).retainUntilDate(FAR.minus(Duration.ofDays(1))))), 403, "AccessDenied",
                    PROTECTED);

            // the legal hold lifted, the version goes
            s3.putObjectLegalHold(request -> request.bucket(bucket).key("held.txt").versionId(held).legalHold(hold -> hold.status(ObjectLockLegalHoldStatus.OFF)));
            assertThat(s3.headObject(request -> request.bucket(bucket).key("held.txt")).objectLockLegalHoldStatus()).isEqualTo(ObjectLockLegalHoldStatus.OFF);
            assertThat(s3.deleteObject(request -> request.bucket(bucket).key("held.txt").versionId(held)).sdkHttpResponse().statusCode()).isEqualTo(204);
            // the COMPLIANCE version stays until 2100, and its bucket with it
            assertError(() -> s3.deleteBucket(request -> request.bucket(bucket)), 409, "BucketNotEmpty", null);
        }
    }

    @Test
    void lockSettingsAreRefusedWhereThereIsNoObjectLock()
    {
        String bucket = "lock-none-" + S3EndpointIntegrationTest.suffix();
        try (S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket(bucket));
            s3.putObject(request -> request.bucket(bucket).key("plain.txt"), RequestBody.fromString("plain"));
            assertError(() -> s3.getObjectLockConfiguration(request -> request.bucket(bucket)), 404, "ObjectLockConfigurationNotFoundError",
                    "Object Lock configuration does not exist for this bucket");
            assertError(() -> s3.putObjectLockConfiguration(request -> request.bucket(bucket).objectLockConfiguration(configuration -> configuration
                    .objectLockEnabled(ObjectLockEnabled.ENABLED))), 409, "InvalidBucketState",
                    "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration");
            assertError(() -> s3.putObjectLegalHold(request -> request.bucket(bucket).key("plain.txt").legalHold(hold -> hold.status(ObjectLockLegalHoldStatus.ON))),
                    400, "InvalidRequest", "Bucket is missing Object Lock Configuration");
            assertError(() -> s3.putObject(request -> request.bucket(bucket).key("locked.txt").objectLockMode(ObjectLockMode.GOVERNANCE)
                    .objectLockRetainUntilDate(FAR), RequestBody.fromString("x")), 400, "InvalidRequest", "Bucket is missing Object Lock Configuration");
            s3.deleteObject(request -> request.bucket(bucket).key("plain.txt"));
            s3.deleteBucket(request -> request.bucket(bucket));
        }
    }

    @Test
    void aclsRoundTripAndAnUnsignedGetNeedsPublicRead()
            throws Exception
    {
        String bucket = "acl-" + S3EndpointIntegrationTest.suffix();
        try (S3Client s3 = stack.s3()) {
            Owner owner = s3.listBuckets().owner();
            assertThat(owner.displayName()).isEqualTo("lakestack");
            Grant full = Grant.builder().grantee(Grantee.builder().type(Type.CANONICAL_USER).id(owner.id()).displayName("lakestack").build())
                    .permission(Permission.FULL_CONTROL).build();
            Grant anyoneReads = Grant.builder().grantee(Grantee.builder().type(Type.GROUP).uri(ALL_USERS).build()).permission(Permission.READ).build();
            Grant anyoneWrites = Grant.builder().grantee(Grantee.builder().type(Type.GROUP).uri(ALL_USERS).build()).permission(Permission.WRITE).build();

            s3.createBucket(request -> request.bucket(bucket));
            s3.putObject(request -> request.bucket(bucket).key("page.html"), RequestBody.fromString("<p>hello</p>"));
            GetObjectAclResponse acl = s3.getObjectAcl(request -> request.bucket(bucket).key("page.html"));
            assertThat(acl.owner()).isEqualTo(owner);
            assertThat(acl.grants()).containsExactly(full);
            assertThat(unsigned("GET", "/" + bucket + "/page.html").statusCode()).isEqualTo(403);

            s3.putObjectAcl(request -> request.bucket(bucket).key("page.html").acl(ObjectCannedACL.PUBLIC_READ));
            assertThat(s3.getObjectAcl(request -> request.bucket(bucket).key("page.html")).grants()).containsExactly(anyoneReads, full);
            HttpResponse<String> read = unsigned("GET", "/" + bucket + "/page.html");
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(read.body()).isEqualTo("<p>hello</p>");
            assertThat(unsigned("HEAD", "/" + bucket + "/page.html").statusCode()).isEqualTo(200);
            // the object is public, the bucket is not: no unsigned listing, no unsigned write
            assertThat(unsigned("GET", "/" + bucket).statusCode()).isEqualTo(403);
            assertThat(unsigned("PUT", "/" + bucket + "/other.html").statusCode()).isEqualTo(403);
            // an object written again has the owner's full control only
            s3.putObject(request -> request.bucket(bucket).key("page.html"), RequestBody.fromString("<p>again</p>"));
            assertThat(unsigned("GET", "/" + bucket + "/page.html").statusCode()).isEqualTo(403);

            s3.putBucketAcl(request -> request.bucket(bucket).acl(BucketCannedACL.PUBLIC_READ_WRITE));
            assertThat(s3.getBucketAcl(request -> request.bucket(bucket)).grants()).containsExactly(anyoneReads, anyoneWrites, full);
            assertThat(unsigned("GET", "/" + bucket).statusCode()).isEqualTo(200);
            // a public bucket does not make its objects public: page.html, private since it was written again, stays so
            assertThat(unsigned("GET", "/" + bucket + "/page.html").statusCode()).isEqualTo(403);
            assertThat(unsigned("HEAD", "/" + bucket + "/page.html").statusCode()).isEqualTo(403);
            assertThat(unsigned("PUT", "/" + bucket + "/other.html").statusCode()).isEqualTo(200);
            assertThat(s3.getObjectAsBytes(request -> request.bucket(bucket).key("other.html")).asUtf8String()).isEqualTo("unsigned");

            // explicit grants, by header and by document, are the ACL exactly
            s3.putBucketAcl(request -> request.bucket(bucket).grantRead("uri=\"" + ALL_USERS + "\"").grantFullControl("id=\"" + owner.id() + "\""));
            assertThat(s3.getBucketAcl(request -> request.bucket(bucket)).grants()).containsExactly(anyoneReads, full);
            s3.putBucketAcl(request -> request.bucket(bucket).accessControlPolicy(policy -> policy.owner(owner).grants(full)));
            assertThat(s3.getBucketAcl(request -> request.bucket(bucket)).grants()).containsExactly(full);
            assertThat(unsigned("GET", "/" + bucket).statusCode()).isEqualTo(403);
            assertError(() -> s3.putBucketAcl(request -> request.bucket(bucket).grantRead("id=\"_foo\"")), 400, "InvalidArgument",
                    "Invalid id: _foo is no canonical user id lakestack knows; its one account is " + owner.id());

            for (String key : List.of("page.html", "other.html")) {
                s3.deleteObject(request -> request.bucket(bucket).key(key));
            }
            s3.deleteBucket(request -> request.bucket(bucket));
        }
    }

    private HttpResponse<String> unsigned(String method, String path)
            throws Exception
    {
        HttpRequest.BodyPublisher body = method.equals("PUT") ? HttpRequest.BodyPublishers.ofString("unsigned") : HttpRequest.BodyPublishers.noBody();
        return HTTP.send(HttpRequest.newBuilder(URI.create(stack.endpoint() + path)).method(method, body).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(ThrowingCallable call, int status, String code, String message)
    {
        assertThatThrownBy(call).isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).as(e.getMessage()).isEqualTo(code);
            assertThat(e.statusCode()).as(e.getMessage()).isEqualTo(status);
            if (message != null) {
                assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(message);
            }
        });
    }
}
