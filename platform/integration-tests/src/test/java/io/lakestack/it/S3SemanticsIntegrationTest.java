package io.lakestack.it;

import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketLocationConstraint;
import software.amazon.awssdk.services.s3.model.CORSRule;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateBucketConfiguration;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectStorageClass;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionRule;
import software.amazon.awssdk.services.s3.model.StorageClass;
import software.amazon.awssdk.services.s3.model.Tag;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * S3 semantics the S3 server underneath gets wrong or lacks, as the endpoint answers them: multipart uploads addressed
 * by key and read by part, listings that count common prefixes, S3's error codes, bucket configurations, regions.
 */
@LakestackTest
@Order(8)
class S3SemanticsIntegrationTest
{
    private static final int MIB = 1024 * 1024;
    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();

    private final TestStack stack;

    S3SemanticsIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @Test
    void multipartUploadsAreAddressedByKeyAndReadByPart()
    {
        String bucket = "parts-" + S3EndpointIntegrationTest.suffix();
        try (S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket(bucket));
            byte[] first = filled(5 * MIB, 'a');
            byte[] second = filled(MIB, 'b');
            String uploadId = s3.createMultipartUpload(request -> request.bucket(bucket).key("data/upload.bin")).uploadId();
            List<CompletedPart> parts = new ArrayList<>();
            for (byte[] chunk : List.of(first, second)) {
                int number = parts.size() + 1;
                String eTag = s3.uploadPart(request -> request.bucket(bucket).key("data/upload.bin").uploadId(uploadId).partNumber(number),
                        RequestBody.fromBytes(chunk)).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(eTag).build());
            }

            assertError(() -> s3.abortMultipartUpload(request -> request.bucket(bucket).key("data/other.bin").uploadId(uploadId)), 404, "NoSuchUpload");
            assertError(() -> s3.abortMultipartUpload(request -> request.bucket(bucket).key("data/upload.bin").uploadId("no-such-upload")), 404,
                    "NoSuchUpload");
            assertError(() -> s3.getObject(request -> request.bucket(bucket).key("data/upload.bin").partNumber(1)), 404, "NoSuchKey");

            String eTag = s3.completeMultipartUpload(request -> request.bucket(bucket).key("data/upload.bin").uploadId(uploadId)
                    .multipartUpload(upload -> upload.parts(parts))).eTag();
            // completing it again answers as the first time
            assertThat(s3.completeMultipartUpload(request -> request.bucket(bucket).key("data/upload.bin").uploadId(uploadId)
                    .multipartUpload(upload -> upload.parts(parts))).eTag()).isEqualTo(eTag);

            HeadObjectResponse head = s3.headObject(request -> request.bucket(bucket).key("data/upload.bin").partNumber(1));
            assertThat(head.sdkHttpResponse().statusCode()).isEqualTo(206);
            assertThat(head.partsCount()).isEqualTo(2);
            assertThat(head.contentLength()).isEqualTo(5L * MIB);
            assertThat(head.contentRange()).isEqualTo("bytes 0-5242879/6291456");
            assertThat(head.eTag()).isEqualTo(eTag);
            ResponseBytes<GetObjectResponse> part2 = s3.getObjectAsBytes(request -> request.bucket(bucket).key("data/upload.bin").partNumber(2));
            assertThat(part2.response().sdkHttpResponse().statusCode()).isEqualTo(206);
            assertThat(part2.response().partsCount()).isEqualTo(2);
            assertThat(part2.response().contentLength()).isEqualTo((long) MIB);
            assertThat(part2.response().contentRange()).isEqualTo("bytes 5242880-6291455/6291456");
            assertThat(part2.asByteArray()).isEqualTo(second);
            assertError(() -> s3.getObject(request -> request.bucket(bucket).key("data/upload.bin").partNumber(3)), 416, "InvalidPartNumber");
            assertError(() -> s3.getObject(request -> request.bucket(bucket).key("data/upload.bin").partNumber(1).range("bytes=0-1")), 400,
                    "InvalidRequest");

            s3.putObject(request -> request.bucket(bucket).key("data/single.txt"), RequestBody.fromString("body"));
            ResponseBytes<GetObjectResponse> whole = s3.getObjectAsBytes(request -> request.bucket(bucket).key("data/single.txt").partNumber(1));
            assertThat(whole.asUtf8String()).isEqualTo("body");
            assertThat(whole.response().partsCount()).isNull();
            assertError(() -> s3.getObject(request -> request.bucket(bucket).key("data/single.txt").partNumber(2)), 416, "InvalidPartNumber");

            // the abort under another key left the bucket whole: it empties and goes
            s3.deleteObject(request -> request.bucket(bucket).key("data/upload.bin"));
            s3.deleteObject(request -> request.bucket(bucket).key("data/single.txt"));
            s3.deleteBucket(request -> request.bucket(bucket));
            assertThat(s3.listBuckets().buckets()).noneMatch(listed -> listed.name().equals(bucket));
        }
    }

    @Test
    void additionalChecksumsAreCheckedKeptAndAnsweredWhenAsked()
            throws Exception
    {
        String bucket = "checksums-" + S3EndpointIntegrationTest.suffix();
        try (S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket(bucket));
            String helloSha256 = "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=";
            assertThat(s3.putObject(request -> request.bucket(bucket).key("given.txt").checksumSHA256(helloSha256), RequestBody.fromString("hello world"))
                    .checksumSHA256()).isEqualTo(helloSha256);
            // the SDK computes the CRC32 itself, as it does by default
            assertThat(s3.putObject(request -> request.bucket(bucket).key("computed.txt").checksumAlgorithm(ChecksumAlgorithm.CRC32),
                    RequestBody.fromString("hello world")).checksumCRC32()).isEqualTo("DUoRhQ==");

            HeadObjectResponse plain = s3.headObject(request -> request.bucket(bucket).key("given.txt"));
            assertThat(plain.checksumSHA256()).isNull();
            assertThat(plain.checksumType()).isNull();
            HeadObjectResponse asked = s3.headObject(request -> request.bucket(bucket).key("given.txt").checksumMode(ChecksumMode.ENABLED));
            assertThat(asked.checksumSHA256()).isEqualTo(helloSha256);
            assertThat(asked.checksumTypeAsString()).isEqualTo("FULL_OBJECT");
            assertThat(s3.headObject(request -> request.bucket(bucket).key("computed.txt").checksumMode(ChecksumMode.ENABLED)).checksumCRC32())
                    .isEqualTo("DUoRhQ==");

            assertError(() -> s3.putObject(request -> request.bucket(bucket).key("wrong.txt").checksumSHA256(helloSha256), RequestBody.fromString("hello")),
                    400, "BadDigest");
            assertError(() -> s3.headObject(request -> request.bucket(bucket).key("wrong.txt")), 404, "NoSuchKey");

            byte[] first = filled(5 * MIB, 'a');
            byte[] second = filled(MIB, 'b');
            String uploadId = s3.createMultipartUpload(request -> request.bucket(bucket).key("parts.bin").checksumAlgorithm(ChecksumAlgorithm.SHA256))
                    .uploadId();
            List<CompletedPart> parts = new ArrayList<>();
            for (byte[] chunk : List.of(first, second)) {
                int number = parts.size() + 1;
                var uploaded = s3.uploadPart(request -> request.bucket(bucket).key("parts.bin").uploadId(uploadId).partNumber(number)
                        .checksumAlgorithm(ChecksumAlgorithm.SHA256), RequestBody.fromBytes(chunk));
                assertThat(uploaded.checksumSHA256()).isEqualTo(sha256(chunk));
                parts.add(CompletedPart.builder().partNumber(number).eTag(uploaded.eTag()).checksumSHA256(uploaded.checksumSHA256()).build());
            }
            var completed = s3.completeMultipartUpload(request -> request.bucket(bucket).key("parts.bin").uploadId(uploadId)
                    .multipartUpload(upload -> upload.parts(parts)));
            String composite = sha256(java.util.Base64.getDecoder().decode(sha256(first)), java.util.Base64.getDecoder().decode(sha256(second))) + "-2";
            assertThat(completed.checksumSHA256()).isEqualTo(composite);
            // completing it again answers as the first time, checksum included
            assertThat(s3.completeMultipartUpload(request -> request.bucket(bucket).key("parts.bin").uploadId(uploadId)
                    .multipartUpload(upload -> upload.parts(parts))).checksumSHA256()).isEqualTo(composite);
            HeadObjectResponse whole = s3.headObject(request -> request.bucket(bucket).key("parts.bin").checksumMode(ChecksumMode.ENABLED));
            assertThat(whole.checksumSHA256()).isEqualTo(composite);
            assertThat(whole.checksumTypeAsString()).isEqualTo("COMPOSITE");
            ResponseBytes<GetObjectResponse> part2 = s3.getObjectAsBytes(request -> request.bucket(bucket).key("parts.bin").partNumber(2)
                    .checksumMode(ChecksumMode.ENABLED));
            assertThat(part2.response().checksumSHA256()).isEqualTo(sha256(second));
            assertThat(part2.response().checksumTypeAsString()).isEqualTo("COMPOSITE");
            assertThat(part2.asByteArray()).isEqualTo(second);
        }
    }

    @Test
    void objectTagsAreDecodedAndAnEmptySetIsASet()
    {
        String bucket = "tags-" + S3EndpointIntegrationTest.suffix();
        try (S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket(bucket));
            s3.putObject(request -> request.bucket(bucket).key("untagged"), RequestBody.fromString("x"));
            assertThat(s3.getObjectTagging(request -> request.bucket(bucket).key("untagged")).tagSet()).isEmpty();
            // x-amz-tagging holds the tags as a URL query string
            s3.putObject(request -> request.bucket(bucket).key("tagged").tagging("team=data%20eng&path=raw%2F2026"), RequestBody.fromString("x"));
            assertThat(s3.getObjectTagging(request -> request.bucket(bucket).key("tagged")).tagSet()).containsExactly(
                    Tag.builder().key("team").value("data eng").build(), Tag.builder().key("path").value("raw/2026").build());
            assertError(() -> s3.putObject(request -> request.bucket(bucket).key("refused").tagging("owner=a%26b"), RequestBody.fromString("x")), 400,
                    "InvalidTag");
            s3.deleteObjectTagging(request -> request.bucket(bucket).key("tagged"));
            assertThat(s3.getObjectTagging(request -> request.bucket(bucket).key("tagged")).tagSet()).isEmpty();
        }
    }

    private static String sha256(byte[]... chunks)
            throws java.security.NoSuchAlgorithmException
    {
        java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
        for (byte[] chunk : chunks) {
            digest.update(chunk);
        }
        return java.util.Base64.getEncoder().encodeToString(digest.digest());
    }

    @Test
    void listingsCountCommonPrefixesAgainstMaxKeys()
    {
        String bucket = "listing-" + S3EndpointIntegrationTest.suffix();
        try (S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket(bucket));
            for (String key : List.of("test/a/1.txt", "test/b/1.txt", "test/b/2.txt", "test/c/1.txt", "test/top.txt")) {
                s3.putObject(request -> request.bucket(bucket).key(key), RequestBody.fromString(key));
            }

            List<String> pages = new ArrayList<>();
            String token = null;
            do {
                String continuation = token;
                ListObjectsV2Response page = s3.listObjectsV2(request -> request.bucket(bucket).prefix("test/").delimiter("/").maxKeys(1)
                        .continuationToken(continuation));
                assertThat(page.keyCount()).isEqualTo(1);
                assertThat(page.commonPrefixes().size() + page.contents().size()).isEqualTo(1);
                page.commonPrefixes().stream().map(CommonPrefix::prefix).forEach(pages::add);
                page.contents().stream().map(S3Object::key).forEach(pages::add);
                assertThat(page.isTruncated()).isEqualTo(pages.size() < 4);
                token = page.nextContinuationToken();
                assertThat(token == null).isEqualTo(!page.isTruncated());
            }
            while (token != null);
            assertThat(pages).containsExactly("test/a/", "test/b/", "test/c/", "test/top.txt");

            ListObjectsV2Response all = s3.listObjectsV2(request -> request.bucket(bucket));
            assertThat(all.prefix()).isEmpty();
            assertThat(all.keyCount()).isEqualTo(5);
            assertThat(all.isTruncated()).isFalse();
            ListObjectsV2Response twoOfThree = s3.listObjectsV2(request -> request.bucket(bucket).prefix("test/b").maxKeys(1));
            assertThat(twoOfThree.contents()).extracting(S3Object::key).containsExactly("test/b/1.txt");
            ListObjectsV2Response rest = s3.listObjectsV2(request -> request.bucket(bucket).prefix("test/b")
                    .continuationToken(twoOfThree.nextContinuationToken()));
            assertThat(rest.contents()).extracting(S3Object::key).containsExactly("test/b/2.txt");
            assertThat(rest.continuationToken()).isEqualTo(twoOfThree.nextContinuationToken());

            assertError(() -> s3.listObjectsV2(request -> request.bucket(bucket).continuationToken("dGVzdC9iLw.AAAAAAAAAAAAAAAAAAAAAA")), 400,
                    "InvalidArgument");
            // a token issued for another bucket is refused too
            assertError(() -> s3.listObjectsV2(request -> request.bucket(bucket + "-x").continuationToken(twoOfThree.nextContinuationToken())), 400,
                    "InvalidArgument");

            // version listings page with both markers
            var versions = s3.listObjectVersions(request -> request.bucket(bucket).maxKeys(2));
            assertThat(versions.isTruncated()).isTrue();
            assertThat(versions.nextKeyMarker()).isEqualTo("test/b/1.txt");
            assertThat(versions.nextVersionIdMarker()).isNotNull();
            var moreVersions = s3.listObjectVersions(request -> request.bucket(bucket).keyMarker(versions.nextKeyMarker())
                    .versionIdMarker(versions.nextVersionIdMarker()));
            assertThat(moreVersions.versions()).extracting(version -> version.key()).containsExactly("test/b/2.txt", "test/c/1.txt", "test/top.txt");

            ListObjectsResponse v1 = s3.listObjects(request -> request.bucket(bucket).prefix("test/").delimiter("/").maxKeys(2));
            assertThat(v1.commonPrefixes()).extracting(CommonPrefix::prefix).containsExactly("test/a/", "test/b/");
            assertThat(v1.isTruncated()).isTrue();
            assertThat(v1.nextMarker()).isEqualTo("test/b/");
            assertThat(v1.marker()).isEmpty();
            ListObjectsResponse v1Rest = s3.listObjects(request -> request.bucket(bucket).prefix("test/").delimiter("/").marker("test/b/"));
            assertThat(v1Rest.commonPrefixes()).extracting(CommonPrefix::prefix).containsExactly("test/c/");
            assertThat(v1Rest.contents()).extracting(S3Object::key).containsExactly("test/top.txt");
            assertThat(v1Rest.isTruncated()).isFalse();
        }
    }

    @Test
    void requestErrorsCarryS3ErrorCodes()
    {
        String bucket = "codes-" + S3EndpointIntegrationTest.suffix();
        try (S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket(bucket));
            assertError(() -> s3.deleteObjects(request -> request.bucket(bucket).delete(delete -> delete.objects(List.of()))), 400, "MalformedXML");
            String uploadId = s3.createMultipartUpload(request -> request.bucket(bucket).key("upload.bin")).uploadId();
            assertError(() -> s3.completeMultipartUpload(request -> request.bucket(bucket).key("upload.bin").uploadId(uploadId)
                    .multipartUpload(upload -> upload.parts(List.of()))), 400, "MalformedXML");
            assertError(() -> s3.putObjectTagging(request -> request.bucket(bucket).key("missing.txt")
                    .tagging(tagging -> tagging.tagSet(Tag.builder().key("k").value("v").build()))), 404, "NoSuchKey");
            assertError(() -> s3.abortMultipartUpload(request -> request.bucket(bucket).key("upload.bin").uploadId("unknown-upload")), 404,
                    "NoSuchUpload");
            s3.abortMultipartUpload(request -> request.bucket(bucket).key("upload.bin").uploadId(uploadId));
            s3.deleteBucket(request -> request.bucket(bucket));
        }
    }

    @Test
    void bucketConfigurationsAreKeptOrRefusedByName()
    {
        String bucket = "configs-" + S3EndpointIntegrationTest.suffix();
        try (S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket(bucket));
            s3.putObject(request -> request.bucket(bucket).key("kept.txt"), RequestBody.fromString("kept"));

            assertError(() -> s3.getBucketTagging(request -> request.bucket(bucket)), 404, "NoSuchTagSet");
            s3.putBucketTagging(request -> request.bucket(bucket).tagging(tagging -> tagging.tagSet(
                    Tag.builder().key("team").value("data").build(), Tag.builder().key("stage").value("dev").build())));
            assertThat(s3.getBucketTagging(request -> request.bucket(bucket)).tagSet())
                    .containsExactly(Tag.builder().key("team").value("data").build(), Tag.builder().key("stage").value("dev").build());
            s3.deleteBucketTagging(request -> request.bucket(bucket));
            assertError(() -> s3.getBucketTagging(request -> request.bucket(bucket)), 404, "NoSuchTagSet");

            assertError(() -> s3.getBucketCors(request -> request.bucket(bucket)), 404, "NoSuchCORSConfiguration");
            CORSRule rule = CORSRule.builder().allowedMethods("GET", "PUT").allowedOrigins("https://example.com").allowedHeaders("*")
                    .exposeHeaders("ETag").maxAgeSeconds(3000).build();
            s3.putBucketCors(request -> request.bucket(bucket).corsConfiguration(cors -> cors.corsRules(rule)));
            assertThat(s3.getBucketCors(request -> request.bucket(bucket)).corsRules()).containsExactly(rule);
            assertError(() -> s3.putBucketCors(request -> request.bucket(bucket).corsConfiguration(cors -> cors.corsRules(
                    CORSRule.builder().allowedMethods("PATCH").allowedOrigins("*").build()))), 400, "InvalidRequest");
            s3.deleteBucketCors(request -> request.bucket(bucket));
            assertError(() -> s3.getBucketCors(request -> request.bucket(bucket)), 404, "NoSuchCORSConfiguration");

            assertError(() -> s3.getBucketPolicy(request -> request.bucket(bucket)), 404, "NoSuchBucketPolicy");
            String policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
                    + "\"Resource\":\"arn:aws:s3:::" + bucket + "/*\"}]}";
            s3.putBucketPolicy(request -> request.bucket(bucket).policy(policy));
            assertThat(s3.getBucketPolicy(request -> request.bucket(bucket)).policy()).isEqualTo(policy);
            assertError(() -> s3.putBucketPolicy(request -> request.bucket(bucket).policy("not a policy")), 400, "MalformedPolicy");
            s3.deleteBucketPolicy(request -> request.bucket(bucket));
            assertError(() -> s3.getBucketPolicy(request -> request.bucket(bucket)), 404, "NoSuchBucketPolicy");

            ServerSideEncryptionRule byDefault = s3.getBucketEncryption(request -> request.bucket(bucket))
                    .serverSideEncryptionConfiguration().rules().get(0);
            assertThat(byDefault.applyServerSideEncryptionByDefault().sseAlgorithm()).isEqualTo(ServerSideEncryption.AES256);
            s3.putBucketEncryption(request -> request.bucket(bucket).serverSideEncryptionConfiguration(configuration -> configuration.rules(
                    encryptionRule -> encryptionRule.applyServerSideEncryptionByDefault(sse -> sse.sseAlgorithm(ServerSideEncryption.AES256))
                            .bucketKeyEnabled(true))));
            assertThat(s3.getBucketEncryption(request -> request.bucket(bucket)).serverSideEncryptionConfiguration().rules().get(0).bucketKeyEnabled())
                    .isTrue();
            assertError(() -> s3.putBucketEncryption(request -> request.bucket(bucket).serverSideEncryptionConfiguration(configuration -> configuration
                    .rules(encryptionRule -> encryptionRule.applyServerSideEncryptionByDefault(sse -> sse.sseAlgorithm(ServerSideEncryption.AWS_KMS)
                            .kmsMasterKeyID("alias/data"))))), 501, "NotImplemented");

            assertError(() -> s3.getPublicAccessBlock(request -> request.bucket(bucket)), 404, "NoSuchPublicAccessBlockConfiguration");
            s3.putPublicAccessBlock(request -> request.bucket(bucket).publicAccessBlockConfiguration(block -> block.blockPublicAcls(true)
                    .ignorePublicAcls(true).blockPublicPolicy(true).restrictPublicBuckets(false)));
            var block = s3.getPublicAccessBlock(request -> request.bucket(bucket)).publicAccessBlockConfiguration();
            assertThat(List.of(block.blockPublicAcls(), block.ignorePublicAcls(), block.blockPublicPolicy(), block.restrictPublicBuckets()))
                    .containsExactly(true, true, true, false);

            assertError(() -> s3.getBucketLifecycleConfiguration(request -> request.bucket(bucket)), 404, "NoSuchLifecycleConfiguration");
            assertError(() -> s3.putBucketLifecycleConfiguration(request -> request.bucket(bucket).lifecycleConfiguration(lifecycle -> lifecycle
                    .rules(lifecycleRule -> lifecycleRule.id("archive").filter(filter -> filter.prefix("tmp/")).status("Enabled")
                            .transitions(transition -> transition.days(30).storageClass("GLACIER"))))), 501, "NotImplemented");
            assertError(() -> s3.putBucketWebsite(request -> request.bucket(bucket).websiteConfiguration(website -> website
                    .indexDocument(index -> index.suffix("index.html")))), 501, "NotImplemented");
            assertError(() -> s3.getBucketWebsite(request -> request.bucket(bucket)), 404, "NoSuchWebsiteConfiguration");
            assertError(() -> s3.putBucketAccelerateConfiguration(request -> request.bucket(bucket)
                    .accelerateConfiguration(accelerate -> accelerate.status("Enabled"))), 501, "NotImplemented");
            assertError(() -> s3.putBucketInventoryConfiguration(request -> request.bucket(bucket).id("weekly").inventoryConfiguration(inventory -> inventory
                    .id("weekly").isEnabled(true).includedObjectVersions("Current").schedule(schedule -> schedule.frequency("Weekly"))
                    .destination(destination -> destination.s3BucketDestination(s3Destination -> s3Destination.bucket("arn:aws:s3:::" + bucket)
                            .format("CSV"))))), 501, "NotImplemented");
            assertError(() -> s3.getBucketPolicyStatus(request -> request.bucket(bucket)), 501, "NotImplemented");

            // none of them changed the bucket or its objects
            assertThat(s3.listObjectsV2(request -> request.bucket(bucket)).contents()).extracting(S3Object::key).containsExactly("kept.txt");

            s3.putBucketTagging(request -> request.bucket(bucket).tagging(tagging -> tagging.tagSet(Tag.builder().key("team").value("data").build())));
            s3.deleteObject(request -> request.bucket(bucket).key("kept.txt"));
            s3.deleteBucket(request -> request.bucket(bucket));
            s3.createBucket(request -> request.bucket(bucket));
            assertError(() -> s3.getBucketTagging(request -> request.bucket(bucket)), 404, "NoSuchTagSet");
            assertError(() -> s3.getPublicAccessBlock(request -> request.bucket(bucket)), 404, "NoSuchPublicAccessBlockConfiguration");
            assertThat(s3.getBucketEncryption(request -> request.bucket(bucket)).serverSideEncryptionConfiguration().rules().get(0).bucketKeyEnabled())
                    .isFalse();
            s3.deleteBucket(request -> request.bucket(bucket));
            assertError(() -> s3.getBucketCors(request -> request.bucket(bucket)), 404, "NoSuchBucket");
        }
    }

    @Test
    void corsConfigurationsAnswerBrowsers()
            throws Exception
    {
        String bucket = "cors-" + S3EndpointIntegrationTest.suffix();
        try (S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket(bucket));
            s3.putObject(request -> request.bucket(bucket).key("page.html"), RequestBody.fromString("<p>hi</p>"));
            java.net.http.HttpResponse<String> none = preflight(bucket, "https://app.example.com", "GET", "");
            assertPostError(none, 403, "AccessForbidden");

            s3.putBucketCors(request -> request.bucket(bucket).corsConfiguration(cors -> cors.corsRules(CORSRule.builder()
                    .allowedOrigins("https://*.example.com").allowedMethods("GET", "PUT").allowedHeaders("x-amz-meta-*", "content-type")
                    .exposeHeaders("ETag").maxAgeSeconds(600).build())));
            java.net.http.HttpResponse<String> allowed = preflight(bucket, "https://app.example.com", "PUT", "x-amz-meta-team, Content-Type");
            assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
            assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).contains("https://app.example.com");
            assertThat(allowed.headers().firstValue("Access-Control-Allow-Methods")).contains("GET, PUT");
            assertThat(allowed.headers().firstValue("Access-Control-Allow-Headers")).contains("x-amz-meta-team, Content-Type");
            assertThat(allowed.headers().firstValue("Access-Control-Expose-Headers")).contains("ETag");
            assertThat(allowed.headers().firstValue("Access-Control-Max-Age")).contains("600");
            assertThat(allowed.headers().firstValue("Access-Control-Allow-Credentials")).contains("true");
            assertPostError(preflight(bucket, "https://evil.example.org", "GET", ""), 403, "AccessForbidden");
            assertPostError(preflight(bucket, "https://app.example.com", "DELETE", ""), 403, "AccessForbidden");
            assertPostError(preflight(bucket, "https://app.example.com", "PUT", "x-amz-acl"), 403, "AccessForbidden");

            // a signed request from a browser gets the headers of the rule that allows it, and none otherwise
            ResponseBytes<GetObjectResponse> fromApp = s3.getObjectAsBytes(request -> request.bucket(bucket).key("page.html")
                    .overrideConfiguration(override -> override.putHeader("Origin", "https://app.example.com")));
            assertThat(fromApp.response().sdkHttpResponse().firstMatchingHeader("Access-Control-Allow-Origin")).contains("https://app.example.com");
            ResponseBytes<GetObjectResponse> fromElsewhere = s3.getObjectAsBytes(request -> request.bucket(bucket).key("page.html")
                    .overrideConfiguration(override -> override.putHeader("Origin", "https://evil.example.org")));
            assertThat(fromElsewhere.response().sdkHttpResponse().firstMatchingHeader("Access-Control-Allow-Origin")).isEmpty();
        }
    }

    private java.net.http.HttpResponse<String> preflight(String bucket, String origin, String method, String headers)
            throws Exception
    {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(URI.create(stack.endpoint() + "/" + bucket + "/page.html"))
                .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", method);
        if (!headers.isEmpty()) {
            request.header("Access-Control-Request-Headers", headers);
        }
        return HTTP.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void lifecycleExpirationIsApplied()
    {
        String bucket = "lifecycle-" + S3EndpointIntegrationTest.suffix();
        try (S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket(bucket));
            s3.putObject(request -> request.bucket(bucket).key("expired/old.csv"), RequestBody.fromString("old"));
            s3.putObject(request -> request.bucket(bucket).key("kept/new.csv"), RequestBody.fromString("new"));
            s3.putBucketLifecycleConfiguration(request -> request.bucket(bucket).lifecycleConfiguration(lifecycle -> lifecycle.rules(
                    rule -> rule.id("past").filter(filter -> filter.prefix("expired/")).status("Enabled")
                            .expiration(expiration -> expiration.date(java.time.Instant.parse("2020-01-01T00:00:00Z"))),
                    rule -> rule.filter(filter -> filter.prefix("kept/")).status("Enabled").expiration(expiration -> expiration.days(30)))));
            var rules = s3.getBucketLifecycleConfiguration(request -> request.bucket(bucket)).rules();
            assertThat(rules).extracting(rule -> rule.filter().prefix()).containsExactly("expired/", "kept/");
            assertThat(rules.get(0).expiration().date()).isEqualTo(java.time.Instant.parse("2020-01-01T00:00:00Z"));
            assertThat(rules.get(1).id()).isNotEmpty();
            assertThat(rules.get(1).expiration().days()).isEqualTo(30);

            // the rules run every minute
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(150)).pollInterval(java.time.Duration.ofSeconds(2)).untilAsserted(() ->
                    assertThat(s3.listObjectsV2(request -> request.bucket(bucket)).contents()).extracting(S3Object::key).containsExactly("kept/new.csv"));
            s3.deleteBucketLifecycle(request -> request.bucket(bucket));
            assertError(() -> s3.getBucketLifecycleConfiguration(request -> request.bucket(bucket)), 404, "NoSuchLifecycleConfiguration");
        }
    }

    @Test
    void objectDetailsAsS3KeepsThem()
    {
        String bucket = "details-" + S3EndpointIntegrationTest.suffix();
        try (S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket(bucket));
            String eTag = s3.putObject(request -> request.bucket(bucket).key("meta.txt").metadata(java.util.Map.of("empty", "", "city", "K\u00f8benhavn")),
                    RequestBody.fromString("x")).eTag();
            HeadObjectResponse head = s3.headObject(request -> request.bucket(bucket).key("meta.txt"));
            // S3 returns a value that is not US-ASCII RFC 2047-encoded
            assertThat(head.metadata()).containsOnly(java.util.Map.entry("empty", ""),
                    java.util.Map.entry("city", "=?UTF-8?B?" + java.util.Base64.getEncoder().encodeToString("K\u00f8benhavn".getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "?="));
            assertThatThrownBy(() -> s3.getObject(request -> request.bucket(bucket).key("meta.txt").ifNoneMatch(eTag)))
                    .isInstanceOfSatisfying(S3Exception.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(304);
                        assertThat(e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("ETag")).contains(eTag);
                    });
            s3.putObject(request -> request.bucket(bucket).key("encoded.txt").contentEncoding("gzip, aws-chunked"), RequestBody.fromString("x"));
            assertThat(s3.headObject(request -> request.bucket(bucket).key("encoded.txt")).contentEncoding()).isEqualTo("gzip");
            assertError(() -> s3.getObject(request -> request.bucket(bucket).key("missing.txt")), 404, "NoSuchKey");
            assertThatThrownBy(() -> s3.getObject(request -> request.bucket(bucket).key("missing.txt")))
                    .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.requestId()).isNotBlank());
        }
    }

    @Test
    void bucketsHaveS3sRegions()
    {
        String east = "east-" + S3EndpointIntegrationTest.suffix();
        String west = "west-" + S3EndpointIntegrationTest.suffix();
        try (S3Client s3 = stack.s3(); S3Client usWest2 = client("us-west-2")) {
            s3.createBucket(request -> request.bucket(east));
            assertThat(s3.getBucketLocation(request -> request.bucket(east)).locationConstraintAsString()).isEmpty();
            // in us-east-1, creating a bucket one owns already succeeds
            assertThat(s3.createBucket(request -> request.bucket(east)).sdkHttpResponse().statusCode()).isEqualTo(200);

            try (S3Client withoutLocation = client("us-west-2", new WithoutLocationConstraint())) {
                assertError(() -> withoutLocation.createBucket(request -> request.bucket(west)), 400, "IllegalLocationConstraintException");
            }
            assertError(() -> usWest2.createBucket(request -> request.bucket(west).createBucketConfiguration(configuration -> configuration
                    .locationConstraint(BucketLocationConstraint.EU_WEST_1))), 400, "IllegalLocationConstraintException");
            usWest2.createBucket(request -> request.bucket(west).createBucketConfiguration(configuration -> configuration
                    .locationConstraint(BucketLocationConstraint.US_WEST_2)));
            assertThat(usWest2.getBucketLocation(request -> request.bucket(west)).locationConstraint()).isEqualTo(BucketLocationConstraint.US_WEST_2);
            assertThat(s3.listBuckets(request -> request.bucketRegion("us-west-2")).buckets()).extracting(bucket -> bucket.name())
                    .contains(west).doesNotContain(east);
            assertThat(s3.listBuckets(request -> request.bucketRegion("us-east-1")).buckets()).extracting(bucket -> bucket.name())
                    .contains(east).doesNotContain(west);

            s3.putObject(request -> request.bucket(east).key("cold.txt").storageClass(StorageClass.STANDARD_IA), RequestBody.fromString("cold"));
            s3.copyObject(request -> request.sourceBucket(east).sourceKey("cold.txt").destinationBucket(east).destinationKey("copy.txt"));
            s3.copyObject(request -> request.sourceBucket(east).sourceKey("cold.txt").destinationBucket(east).destinationKey("glacier.txt")
                    .storageClass(StorageClass.GLACIER_IR));
            assertThat(s3.listObjectsV2(request -> request.bucket(east)).contents()).extracting(S3Object::key, S3Object::storageClass)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("cold.txt", ObjectStorageClass.STANDARD_IA),
                            org.assertj.core.groups.Tuple.tuple("copy.txt", ObjectStorageClass.STANDARD),
                            org.assertj.core.groups.Tuple.tuple("glacier.txt", ObjectStorageClass.GLACIER_IR));
            for (String key : List.of("cold.txt", "copy.txt", "glacier.txt")) {
                s3.deleteObject(request -> request.bucket(east).key(key));
            }
            s3.deleteBucket(request -> request.bucket(east));
            usWest2.deleteBucket(request -> request.bucket(west));
        }
    }

    @Test
    void browserUploadsAreCheckedAgainstTheirSignedPolicy()
            throws Exception
    {
        String bucket = "forms-" + S3EndpointIntegrationTest.suffix();
        try (S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket(bucket));
            java.time.ZonedDateTime now = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC);
            String amzDate = now.format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"));
            String credential = TestStack.ACCESS_KEY + "/" + amzDate.substring(0, 8) + "/us-east-1/s3/aws4_request";
            String policy = policy(now.plusHours(1), "{\"bucket\":\"" + bucket + "\"}", "[\"starts-with\",\"$key\",\"uploads/\"]",
                    "[\"starts-with\",\"$Content-Type\",\"text/\"]", "{\"x-amz-meta-team\":\"data\"}", "[\"content-length-range\",1,1024]",
                    "{\"x-amz-algorithm\":\"AWS4-HMAC-SHA256\"}", "{\"x-amz-credential\":\"" + credential + "\"}", "{\"x-amz-date\":\"" + amzDate + "\"}");
            byte[] key = hmacSha256(("AWS4" + TestStack.SECRET_KEY).getBytes(java.nio.charset.StandardCharsets.UTF_8), amzDate.substring(0, 8));
            for (String part : List.of("us-east-1", "s3", "aws4_request")) {
                key = hmacSha256(key, part);
            }
            String signature = java.util.HexFormat.of().formatHex(hmacSha256(key, policy));
            java.util.LinkedHashMap<String, String> fields = new java.util.LinkedHashMap<>();
            fields.put("key", "uploads/${filename}");
            fields.put("Content-Type", "text/plain");
            fields.put("x-amz-meta-team", "data");
            fields.put("x-amz-algorithm", "AWS4-HMAC-SHA256");
            fields.put("x-amz-credential", credential);
            fields.put("x-amz-date", amzDate);
            fields.put("policy", policy);
            fields.put("x-amz-signature", signature);
            java.net.http.HttpResponse<String> uploaded = post(bucket, fields, "report.txt", "quarterly numbers");
            assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(204);
            ResponseBytes<GetObjectResponse> stored = s3.getObjectAsBytes(request -> request.bucket(bucket).key("uploads/report.txt"));
            assertThat(stored.asUtf8String()).isEqualTo("quarterly numbers");
            assertThat(stored.response().contentType()).isEqualTo("text/plain");
            assertThat(stored.response().metadata()).containsExactly(java.util.Map.entry("team", "data"));
            assertThat(uploaded.headers().firstValue("ETag")).contains(stored.response().eTag());

            java.util.LinkedHashMap<String, String> tampered = new java.util.LinkedHashMap<>(fields);
            tampered.put("x-amz-signature", "0".repeat(64));
            assertPostError(post(bucket, tampered, "report.txt", "x"), 403, "SignatureDoesNotMatch");
            java.util.LinkedHashMap<String, String> extra = new java.util.LinkedHashMap<>(fields);
            extra.put("x-amz-meta-other", "unsigned");
            assertPostError(post(bucket, extra, "report.txt", "x"), 403, "AccessDenied");
            java.util.LinkedHashMap<String, String> elsewhere = new java.util.LinkedHashMap<>(fields);
            elsewhere.put("key", "other/report.txt");
            assertPostError(post(bucket, elsewhere, "report.txt", "x"), 403, "AccessDenied");
            assertPostError(post(bucket, fields, "report.txt", "x".repeat(1025)), 400, "EntityTooLarge");

            // SigV2: an HMAC-SHA1 of the policy, and the answer success_action_status asks for
            String v2Policy = policy(now.plusHours(1), "{\"bucket\":\"" + bucket + "\"}", "{\"key\":\"v2.txt\"}", "{\"success_action_status\":\"201\"}");
            java.util.LinkedHashMap<String, String> v2 = new java.util.LinkedHashMap<>();
            v2.put("key", "v2.txt");
            v2.put("AWSAccessKeyId", TestStack.ACCESS_KEY);
            v2.put("policy", v2Policy);
            v2.put("signature", hmacSha1(TestStack.SECRET_KEY, v2Policy));
            v2.put("success_action_status", "201");
            java.net.http.HttpResponse<String> created = post(bucket, v2, "v2.txt", "two");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(created.body()).contains("<Bucket>" + bucket + "</Bucket><Key>v2.txt</Key>");
            assertThat(s3.getObjectAsBytes(request -> request.bucket(bucket).key("v2.txt")).asUtf8String()).isEqualTo("two");

            String expired = policy(now.minusMinutes(1), "{\"bucket\":\"" + bucket + "\"}", "{\"key\":\"v2.txt\"}");
            v2.put("policy", expired);
            v2.put("signature", hmacSha1(TestStack.SECRET_KEY, expired));
            v2.remove("success_action_status");
            assertPostError(post(bucket, v2, "v2.txt", "two"), 403, "AccessDenied");
            java.util.LinkedHashMap<String, String> anonymous = new java.util.LinkedHashMap<>();
            anonymous.put("key", "anonymous.txt");
            assertPostError(post(bucket, anonymous, "anonymous.txt", "x"), 403, "AccessDenied");

            assertThat(s3.listObjectsV2(request -> request.bucket(bucket)).contents()).extracting(S3Object::key)
                    .containsExactly("uploads/report.txt", "v2.txt");
        }
    }

    @Test
    void urlsPresignedWithSignatureVersion2AreChecked()
            throws Exception
    {
        String bucket = "sigv2-" + S3EndpointIntegrationTest.suffix();
        try (S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket(bucket));
            s3.putObject(request -> request.bucket(bucket).key("shared/report.csv"), RequestBody.fromString("a,b\n1,2\n"));
            long expires = java.time.Instant.now().getEpochSecond() + 300;
            String signature = hmacSha1(TestStack.SECRET_KEY, "GET\n\n\n" + expires + "\n/" + bucket + "/shared/report.csv");
            String query = "?AWSAccessKeyId=" + TestStack.ACCESS_KEY + "&Expires=" + expires + "&Signature="
                    + java.net.URLEncoder.encode(signature, java.nio.charset.StandardCharsets.UTF_8);
            java.net.http.HttpResponse<String> got = get("/" + bucket + "/shared/report.csv" + query);
            assertThat(got.statusCode()).isEqualTo(200);
            assertThat(got.body()).isEqualTo("a,b\n1,2\n");
            assertPostError(get("/" + bucket + "/shared/other.csv" + query), 403, "SignatureDoesNotMatch");
            long past = java.time.Instant.now().getEpochSecond() - 1;
            String pastSignature = hmacSha1(TestStack.SECRET_KEY, "GET\n\n\n" + past + "\n/" + bucket + "/shared/report.csv");
            assertPostError(get("/" + bucket + "/shared/report.csv?AWSAccessKeyId=" + TestStack.ACCESS_KEY + "&Expires=" + past + "&Signature="
                    + java.net.URLEncoder.encode(pastSignature, java.nio.charset.StandardCharsets.UTF_8)), 403, "AccessDenied");
        }
    }

    private static String policy(java.time.ZonedDateTime expiration, String... conditions)
    {
        String document = "{\"expiration\":\"" + expiration.withNano(0).format(java.time.format.DateTimeFormatter.ISO_INSTANT) + "\",\"conditions\":["
                + String.join(",", conditions) + "]}";
        return java.util.Base64.getEncoder().encodeToString(document.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private java.net.http.HttpResponse<String> post(String bucket, java.util.Map<String, String> fields, String fileName, String content)
            throws Exception
    {
        String boundary = "lakestack-form-boundary";
        StringBuilder body = new StringBuilder();
        fields.forEach((name, value) -> body.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"").append(name)
                .append("\"\r\n\r\n").append(value).append("\r\n"));
        body.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"file\"; filename=\"").append(fileName)
                .append("\"\r\nContent-Type: text/plain\r\n\r\n").append(content).append("\r\n--").append(boundary).append("--\r\n");
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(URI.create(stack.endpoint() + "/" + bucket))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        return HTTP.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    private java.net.http.HttpResponse<String> get(String pathAndQuery)
            throws Exception
    {
        return HTTP.send(java.net.http.HttpRequest.newBuilder(URI.create(stack.endpoint() + pathAndQuery)).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    private static void assertPostError(java.net.http.HttpResponse<String> response, int status, String code)
    {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.body()).contains("<Code>" + code + "</Code>");
    }

    private static byte[] hmacSha256(byte[] key, String data)
            throws Exception
    {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String hmacSha1(String secret, String data)
            throws Exception
    {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
        mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA1"));
        return java.util.Base64.getEncoder().encodeToString(mac.doFinal(data.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** Sends CreateBucket without a location constraint, as boto3 and the AWS CLI's s3api do (the SDK adds its region's). */
    private static final class WithoutLocationConstraint
            implements ExecutionInterceptor
    {
        @Override
        public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes executionAttributes)
        {
            return context.request() instanceof CreateBucketRequest create
                    ? create.toBuilder().createBucketConfiguration((CreateBucketConfiguration) null).build()
                    : context.request();
        }
    }

    private S3Client client(String region, ExecutionInterceptor... interceptors)
    {
        return S3Client.builder()
                .overrideConfiguration(configuration -> java.util.Arrays.stream(interceptors).forEach(configuration::addExecutionInterceptor))
                .endpointOverride(URI.create(stack.endpoint()))
                .region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(TestStack.ACCESS_KEY, TestStack.SECRET_KEY)))
                .forcePathStyle(true)
                .httpClient(ApacheHttpClient.create())
                .build();
    }

    private static void assertError(ThrowingCallable call, int status, String code)
    {
        assertThatThrownBy(call).isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).as(e.getMessage()).isEqualTo(code);
            assertThat(e.statusCode()).as(e.getMessage()).isEqualTo(status);
        });
    }

    private static byte[] filled(int size, char c)
    {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) c);
        return bytes;
    }
}
