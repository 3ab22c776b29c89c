package io.lakestack.server.storage;

import java.io.IOException;
import java.util.List;

/**
 * The object store as lakestack's own services use it, underneath the S3 endpoint: crawls list and read objects,
 * Athena writes and pages through query results. No S3 events are published for these.
 */
public interface ObjectStore
{
    record Entry(String key, long size)
    {
    }

    /**
     * Every object under the prefix.
     *
     * @throws IOException naming the bucket when it does not exist or cannot be listed
     */
    List<Entry> list(String bucket, String prefix)
            throws IOException;

    byte[] read(String bucket, String key, long offset, int length)
            throws IOException;

    boolean bucketExists(String bucket)
            throws IOException;

    /** Writes an object from a local file. */
    void put(String bucket, String key, java.nio.file.Path file, String contentType)
            throws IOException;
}
