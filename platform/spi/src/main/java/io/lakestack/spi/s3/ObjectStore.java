package io.lakestack.spi.s3;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The object store underneath the S3 endpoint, as lakestack's own services use it: crawls list and read objects,
 * Athena writes and pages through query results, the S3 service looks up what a write stored. Nothing done here
 * goes through the S3 endpoint, so no S3 event notification fires for it.
 *
 * <p>Errors are {@link IOException}s that name the bucket or object and what was attempted.
 */
public interface ObjectStore
{
    /** An object in a listing. */
    record Entry(String key, long size)
    {
    }

    /** What a HEAD of an object tells. */
    record ObjectInfo(long size, String eTag, Optional<String> versionId)
    {
    }

    /**
     * Every object under the prefix, in key order.
     *
     * @throws IOException naming the bucket when it does not exist or cannot be listed
     */
    List<Entry> list(String bucket, String prefix)
            throws IOException;

    /**
     * {@code length} bytes of the object from {@code offset} on (fewer at its end); none when {@code length} is 0.
     *
     * @throws IOException naming the object when there is no such object, or when {@code offset} is not within it
     *         (S3 answers {@code InvalidRange}: a read that starts at the end of an object has nothing to return)
     */
    byte[] read(String bucket, String key, long offset, int length)
            throws IOException;

    /** The object's size, entity tag (without quotes) and version, or empty when there is no such object. */
    Optional<ObjectInfo> head(String bucket, String key)
            throws IOException;

    boolean bucketExists(String bucket)
            throws IOException;

    /** Creates the bucket unless it exists. */
    void createBucket(String bucket)
            throws IOException;

    /** Writes an object from a local file, replacing any object of that key. */
    void put(String bucket, String key, Path file, String contentType)
            throws IOException;
}
