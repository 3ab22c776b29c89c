package io.lakestack.services.s3;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The event documents S3 delivers: the event record JSON (event version 2.1) sent to queues, topics and functions,
 * the test event sent when a configuration is put, and the EventBridge event.
 */
final class S3EventDocuments
{
    static final String OWNER_ID = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter EVENT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter EVENTBRIDGE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private S3EventDocuments() {}

    /** What happened, to which object, at whose request. */
    record ObjectEvent(
            String eventName,
            String bucket,
            String key,
            Optional<Long> size,
            Optional<String> eTag,
            Optional<String> versionId,
            String sequencer,
            Instant time,
            String region,
            String accountId,
            String principal,
            String sourceIp,
            String requestId,
            String hostId)
    {
        boolean created()
        {
            return eventName.startsWith("ObjectCreated:");
        }
    }

    /** {@code {"Records":[...]}} as a queue, topic or function receives it. */
    static byte[] records(ObjectEvent event, String configurationId)
    {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode record = root.putArray("Records").addObject();
        record.put("eventVersion", "2.1");
        record.put("eventSource", "aws:s3");
        record.put("awsRegion", event.region());
        record.put("eventTime", EVENT_TIME.format(event.time()));
        record.put("eventName", event.eventName());
        record.putObject("userIdentity").put("principalId", "AWS:" + event.principal());
        record.putObject("requestParameters").put("sourceIPAddress", event.sourceIp());
        ObjectNode response = record.putObject("responseElements");
        response.put("x-amz-request-id", event.requestId());
        response.put("x-amz-id-2", event.hostId());
        ObjectNode s3 = record.putObject("s3");
        s3.put("s3SchemaVersion", "1.0");
        s3.put("configurationId", configurationId);
        ObjectNode bucket = s3.putObject("bucket");
        bucket.put("name", event.bucket());
        bucket.putObject("ownerIdentity").put("principalId", OWNER_ID);
        bucket.put("arn", "arn:aws:s3:::" + event.bucket());
        ObjectNode object = s3.putObject("object");
        object.put("key", encodeKey(event.key()));
        event.size().ifPresent(size -> object.put("size", size));
        event.eTag().ifPresent(eTag -> object.put("eTag", eTag));
        event.versionId().ifPresent(versionId -> object.put("versionId", versionId));
        object.put("sequencer", event.sequencer());
        return bytes(root);
    }

    /** The {@code s3:TestEvent} S3 sends to queues and topics when their configuration is put. */
    static byte[] testEvent(String bucket, Instant time, String requestId, String hostId)
    {
        ObjectNode root = JSON.createObjectNode();
        root.put("Service", "Amazon S3");
        root.put("Event", "s3:TestEvent");
        root.put("Time", EVENT_TIME.format(time));
        root.put("Bucket", bucket);
        root.put("RequestId", requestId);
        root.put("HostId", hostId);
        return bytes(root);
    }

    /** The EventBridge event ({@code "source":"aws.s3"}) for a bucket with EventBridge notifications on. */
    static byte[] eventBridge(ObjectEvent event)
    {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "0");
        root.put("id", UUID.randomUUID().toString());
        root.put("detail-type", event.created() ? "Object Created" : "Object Deleted");
        root.put("source", "aws.s3");
        root.put("account", event.accountId());
        root.put("time", EVENTBRIDGE_TIME.format(event.time()));
        root.put("region", event.region());
        root.set("resources", JSON.valueToTree(List.of("arn:aws:s3:::" + event.bucket())));
        ObjectNode detail = root.putObject("detail");
        detail.put("version", "0");
        detail.putObject("bucket").put("name", event.bucket());
        ObjectNode object = detail.putObject("object");
        object.put("key", event.key());
        event.size().ifPresent(size -> object.put("size", size));
        event.eTag().ifPresent(eTag -> object.put("etag", eTag));
        event.versionId().ifPresent(versionId -> object.put("version-id", versionId));
        object.put("sequencer", event.sequencer());
        detail.put("request-id", event.requestId());
        detail.put("requester", event.accountId());
        detail.put("source-ip-address", event.sourceIp());
        detail.put("reason", switch (event.eventName()) {
            case "ObjectCreated:Copy" -> "CopyObject";
            case "ObjectCreated:CompleteMultipartUpload" -> "CompleteMultipartUpload";
            case "ObjectRemoved:Delete" -> "DeleteObject";
            default -> "PutObject";
        });
        if (!event.created()) {
            detail.put("deletion-type", "Permanently Deleted");
        }
        return bytes(root);
    }

    /** S3 URL-encodes keys in event records as an HTML form would ({@code a b} -> {@code a+b}), keeping {@code /}. */
    static String encodeKey(String key)
    {
        return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
    }

    private static byte[] bytes(ObjectNode node)
    {
        try {
            return JSON.writeValueAsBytes(node);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
