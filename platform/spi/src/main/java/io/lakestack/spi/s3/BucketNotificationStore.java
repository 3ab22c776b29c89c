package io.lakestack.spi.s3;

import java.util.Optional;

/**
 * Durable storage of bucket notification configurations.
 *
 * <p>Implementations are shared by every endpoint instance that serves the same object store: a configuration put
 * through one instance is seen by all, and is still there after a restart. A reader sees its own writes at once.
 */
public interface BucketNotificationStore
{
    /** The bucket's configuration, or empty when none was ever put (S3 then answers an empty configuration). */
    Optional<NotificationConfiguration> get(String bucket);

    /** Replaces the bucket's configuration; an empty configuration removes it. */
    void put(String bucket, NotificationConfiguration configuration);

    /** Forgets the bucket's configuration, as when the bucket is deleted. */
    void remove(String bucket);
}
