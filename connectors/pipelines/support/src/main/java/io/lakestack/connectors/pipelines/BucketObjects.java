package io.lakestack.connectors.pipelines;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/** The objects of a pipeline's bucket: the bucket made when missing, prefixes listed, counted and emptied. */
public final class BucketObjects
{
    private final S3Client s3;
    private final String bucket;

    public BucketObjects(S3Client s3, String bucket)
    {
        this.s3 = requireNonNull(s3, "s3 is null");
        this.bucket = requireNonNull(bucket, "bucket is null");
    }

    /** Creates the bucket when it does not exist; whether it did. */
    public boolean ensureBucket()
    {
        try {
            s3.headBucket(request -> request.bucket(bucket));
            return false;
        }
        catch (NoSuchBucketException e) {
            s3.createBucket(request -> request.bucket(bucket));
            return true;
        }
    }

    /** The objects under the prefix, in key order. */
    public List<S3Object> list(String prefix)
    {
        List<S3Object> objects = new ArrayList<>();
        s3.listObjectsV2Paginator(request -> request.bucket(bucket).prefix(prefix)).contents().forEach(objects::add);
        return objects;
    }

    /** How many objects are under the prefix. */
    public long count(String prefix)
    {
        return s3.listObjectsV2Paginator(request -> request.bucket(bucket).prefix(prefix)).contents().stream().count();
    }

    /** Deletes every object under the prefix, 1,000 a request; how many. */
    public int remove(String prefix)
    {
        List<ObjectIdentifier> keys = new ArrayList<>();
        int removed = 0;
        for (S3Object object : s3.listObjectsV2Paginator(request -> request.bucket(bucket).prefix(prefix)).contents()) {
            keys.add(ObjectIdentifier.builder().key(object.key()).build());
            if (keys.size() == 1000) {
                removed += delete(keys);
                keys = new ArrayList<>();
            }
        }
        return keys.isEmpty() ? removed : removed + delete(keys);
    }

    private int delete(List<ObjectIdentifier> keys)
    {
        s3.deleteObjects(request -> request.bucket(bucket).delete(delete -> delete.objects(keys).quiet(true)));
        return keys.size();
    }
}
