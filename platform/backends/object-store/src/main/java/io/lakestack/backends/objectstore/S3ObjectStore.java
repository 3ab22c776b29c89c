package io.lakestack.backends.objectstore;

import io.lakestack.spi.s3.ObjectStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The object store, reached with the AWS SDK's S3 client directly (not through the endpoint: what lakestack itself
 * reads and writes publishes no S3 events). Works against any S3 API: the embedded S3 server, MinIO, or S3 itself.
 */
public final class S3ObjectStore
        implements ObjectStore, AutoCloseable
{
    private final S3Client s3;

    public S3ObjectStore(URI endpoint, String accessKey, String secretKey, String region)
    {
        this(endpoint, StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)), region);
    }

    /**
     * @param credentials for S3 itself, e.g. the SDK's default provider chain
     */
    public S3ObjectStore(URI endpoint, AwsCredentialsProvider credentials, String region)
    {
        s3 = S3Client.builder()
                .endpointOverride(requireNonNull(endpoint, "endpoint is null"))
                .region(Region.of(requireNonNull(region, "region is null")))
                .credentialsProvider(requireNonNull(credentials, "credentials is null"))
                .forcePathStyle(true)
                // the object store is local: no payload checksums beyond what S3 requires
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                // pooled connections that are checked before reuse: the object store closes idle ones, and a
                // restarted one on the same port leaves every kept-alive connection dead
                .httpClient(ApacheHttpClient.builder().connectionMaxIdleTime(java.time.Duration.ofSeconds(10)).build())
                .build();
    }

    @Override
    public List<Entry> list(String bucket, String prefix)
            throws IOException
    {
        List<Entry> entries = new ArrayList<>();
        String token = null;
        try {
            do {
                ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix);
                if (token != null) {
                    request.continuationToken(token);
                }
                ListObjectsV2Response response = s3.listObjectsV2(request.build());
                for (S3Object object : response.contents()) {
                    entries.add(new Entry(object.key(), object.size()));
                }
                token = response.isTruncated() ? response.nextContinuationToken() : null;
            }
            while (token != null);
        }
        catch (NoSuchBucketException e) {
            throw new IOException("bucket " + bucket + " does not exist", e);
        }
        catch (SdkException e) {
            throw new IOException("cannot list s3://" + bucket + "/" + prefix + ": " + e.getMessage(), e);
        }
        return entries;
    }

    @Override
    public byte[] read(String bucket, String key, long offset, int length)
            throws IOException
    {
        if (length == 0) {
            return new byte[0];
        }
        try {
            return s3.getObjectAsBytes(request -> request.bucket(bucket).key(key).range("bytes=" + offset + "-" + (offset + length - 1))).asByteArray();
        }
        catch (SdkException e) {
            throw new IOException("cannot read s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<ObjectInfo> head(String bucket, String key)
            throws IOException
    {
        try {
            HeadObjectResponse head = s3.headObject(request -> request.bucket(bucket).key(key));
            return Optional.of(new ObjectInfo(head.contentLength(), head.eTag() == null ? "" : head.eTag().replace("\"", ""),
                    Optional.ofNullable(head.versionId()).filter(version -> !version.equals("null"))));
        }
        catch (NoSuchKeyException e) {
            return Optional.empty();
        }
        catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw new IOException("cannot look up s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
        catch (SdkException e) {
            throw new IOException("cannot look up s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean bucketExists(String bucket)
            throws IOException
    {
        try {
            s3.headBucket(request -> request.bucket(bucket));
            return true;
        }
        catch (NoSuchBucketException e) {
            return false;
        }
        catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw new IOException("cannot check bucket " + bucket + ": " + e.getMessage(), e);
        }
        catch (SdkException e) {
            throw new IOException("cannot check bucket " + bucket + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void createBucket(String bucket)
            throws IOException
    {
        if (bucketExists(bucket)) {
            return;
        }
        try {
            s3.createBucket(request -> request.bucket(bucket));
        }
        catch (software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException e) {
            // created meanwhile
        }
        catch (SdkException e) {
            throw new IOException("cannot create bucket " + bucket + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void put(String bucket, String key, java.nio.file.Path file, String contentType)
            throws IOException
    {
        try {
            s3.putObject(request -> request.bucket(bucket).key(key).contentType(contentType), software.amazon.awssdk.core.sync.RequestBody.fromFile(file));
        }
        catch (SdkException e) {
            throw new IOException("cannot write s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close()
    {
        s3.close();
    }
}
