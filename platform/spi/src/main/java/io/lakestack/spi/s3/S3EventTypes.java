package io.lakestack.spi.s3;

import java.util.Set;

/**
 * The S3 event types a notification configuration may name ({@code s3:ObjectCreated:Put}, {@code s3:ObjectRemoved:*}
 * ...) and how a configured type matches an event that happened.
 *
 * <p>Local emulation: every type S3 accepts is accepted and stored, so that a configuration round-trips unchanged;
 * lakestack emits {@value #CREATED_PUT}, {@value #CREATED_COPY}, {@value #CREATED_POST}, {@value #CREATED_COMPLETE_MULTIPART_UPLOAD} and
 * {@value #REMOVED_DELETE}. Restore, replication, lifecycle and Intelligent-Tiering events never occur locally.
 */
public final class S3EventTypes
{
    public static final String CREATED_PUT = "ObjectCreated:Put";
    public static final String CREATED_COPY = "ObjectCreated:Copy";
    public static final String CREATED_POST = "ObjectCreated:Post";
    public static final String CREATED_COMPLETE_MULTIPART_UPLOAD = "ObjectCreated:CompleteMultipartUpload";
    public static final String REMOVED_DELETE = "ObjectRemoved:Delete";

    private static final Set<String> CONFIGURABLE = Set.of(
            "s3:ObjectCreated:*",
            "s3:ObjectCreated:Put",
            "s3:ObjectCreated:Post",
            "s3:ObjectCreated:Copy",
            "s3:ObjectCreated:CompleteMultipartUpload",
            "s3:ObjectRemoved:*",
            "s3:ObjectRemoved:Delete",
            "s3:ObjectRemoved:DeleteMarkerCreated",
            "s3:ObjectRestore:*",
            "s3:ObjectRestore:Post",
            "s3:ObjectRestore:Completed",
            "s3:ObjectRestore:Delete",
            "s3:ReducedRedundancyLostObject",
            "s3:Replication:*",
            "s3:Replication:OperationFailedReplication",
            "s3:Replication:OperationMissedThreshold",
            "s3:Replication:OperationReplicatedAfterThreshold",
            "s3:Replication:OperationNotTracked",
            "s3:LifecycleExpiration:*",
            "s3:LifecycleExpiration:Delete",
            "s3:LifecycleExpiration:DeleteMarkerCreated",
            "s3:LifecycleTransition",
            "s3:IntelligentTiering",
            "s3:ObjectTagging:*",
            "s3:ObjectTagging:Put",
            "s3:ObjectTagging:Delete",
            "s3:ObjectAcl:Put");

    private S3EventTypes() {}

    /** Whether S3 accepts {@code configured} (e.g. {@code s3:ObjectCreated:*}) in a notification configuration. */
    public static boolean isConfigurable(String configured)
    {
        return CONFIGURABLE.contains(configured);
    }

    /**
     * Whether a configured type ({@code s3:ObjectCreated:*}) covers an event that happened ({@code ObjectCreated:Put},
     * the form used in the event record's {@code eventName}).
     */
    public static boolean matches(String configured, String eventName)
    {
        String type = strip(configured);
        if (type.endsWith(":*")) {
            return eventName.startsWith(type.substring(0, type.length() - 1));
        }
        return type.equals(eventName);
    }

    /** Whether two configured types can both match one event. */
    public static boolean overlap(String first, String second)
    {
        String a = strip(first);
        String b = strip(second);
        if (a.equals(b)) {
            return true;
        }
        return category(a).equals(category(b)) && (a.endsWith(":*") || b.endsWith(":*"));
    }

    private static String strip(String configured)
    {
        return configured.startsWith("s3:") ? configured.substring(3) : configured;
    }

    private static String category(String type)
    {
        int colon = type.indexOf(':');
        return colon < 0 ? type : type.substring(0, colon);
    }
}
