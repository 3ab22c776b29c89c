package io.lakestack.services.s3;

import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.endpoint.protocol.AwsResponse;
import io.lakestack.endpoint.protocol.QueryStrings;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.s3.ObjectStore;
import io.lakestack.spi.s3.S3Upstream;
import io.lakestack.spi.store.RecordStore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The ACLs of objects ({@link Acls}), kept by lakestack in a {@link RecordStore} by bucket, key and version id ({@code null}
 * in a bucket that never had versioning): set by PutObjectAcl, or by the headers of the request that wrote the version
 * (PutObject, CopyObject, CreateMultipartUpload); a version written without them has the owner's full control.
 */
final class ObjectAcls
{
    private static final int MAX_DOCUMENT_BYTES = 256 * 1024;

    private final RecordStore<ObjectAcl> acls;
    private final S3Upstream upstream;
    private final ObjectStore objects;
    private final AclCheck aclCheck;

    /** Checks an ACL about to be set on an object of a bucket, throwing S3's error if the bucket refuses it. */
    @FunctionalInterface
    interface AclCheck
    {
        void check(String bucket, List<Acls.Grant> grants, BucketSubresources.Owner owner);
    }

    ObjectAcls(RecordStore<ObjectAcl> acls, S3Upstream upstream, ObjectStore objects, AclCheck aclCheck)
    {
        this.aclCheck = requireNonNull(aclCheck, "aclCheck is null");
        this.acls = requireNonNull(acls, "acls is null");
        this.upstream = requireNonNull(upstream, "upstream is null");
        this.objects = requireNonNull(objects, "objects is null");
    }

    /** A version written: its ACL is the one its request set, else the owner's full control. */
    void versionCreated(String bucket, String key, Optional<String> versionId, Optional<List<Acls.Grant>> grants)
    {
        String aclKey = versionKey(bucket, key, versionId.orElse("null"));
        if (grants.isPresent()) {
            acls.put(aclKey, new ObjectAcl(Acls.text(grants.get())));
        }
        else if (acls.get(aclKey).isPresent()) {
            acls.delete(aclKey);
        }
    }

    void uploadStarted(String bucket, String uploadId, List<Acls.Grant> grants)
    {
        acls.put(bucket + "?uploadId=" + uploadId, new ObjectAcl(Acls.text(grants)));
    }

    void uploadCompleted(String bucket, String key, String uploadId, Optional<String> versionId)
    {
        Optional<ObjectAcl> pending = acls.get(bucket + "?uploadId=" + uploadId);
        versionCreated(bucket, key, versionId, pending.map(acl -> Acls.parse(acl.grants())));
        if (pending.isPresent()) {
            acls.delete(bucket + "?uploadId=" + uploadId);
        }
    }

    void versionDeleted(String bucket, String key, String versionId)
    {
        String aclKey = versionKey(bucket, key, versionId);
        if (acls.get(aclKey).isPresent()) {
            acls.delete(aclKey);
        }
    }

    /** The ACL of a version; empty when the version does not exist. */
    Optional<List<Acls.Grant>> of(String bucket, String key, Optional<String> versionId, BucketSubresources.Owner owner)
            throws IOException
    {
        Optional<String> version = existing(bucket, key, versionId);
        return version.map(id -> acls.get(versionKey(bucket, key, id)).map(acl -> Acls.parse(acl.grants())).orElseGet(() -> Acls.ownerOnly(owner)));
    }

    /** GetObjectAcl and PutObjectAcl. */
    void handle(AwsRequest request, String bucket, String key, BucketSubresources.Owner owner, AwsResponse response)
            throws IOException
    {
        if (!objects.bucketExists(bucket)) {
            throw ServiceException.user("NoSuchBucket", 404, "The specified bucket does not exist: " + bucket);
        }
        Optional<String> requestedVersion = request.queryParameter("versionId");
        String version = existing(bucket, key, requestedVersion).orElseThrow(() -> requestedVersion.isPresent()
                ? ServiceException.user("NoSuchVersion", 404, "The specified version does not exist.")
                : ServiceException.user("NoSuchKey", 404, "The specified key does not exist."));
        if (!version.equals("null")) {
            response.setHeader("x-amz-version-id", version);
        }
        switch (request.method()) {
            case "GET" -> {
                List<Acls.Grant> grants = acls.get(versionKey(bucket, key, version)).map(acl -> Acls.parse(acl.grants()))
                        .orElseGet(() -> Acls.ownerOnly(owner));
                BucketSubresources.writeXml(request, response, Acls.document(owner, grants).getBytes(StandardCharsets.UTF_8));
            }
            case "PUT" -> {
                Optional<List<Acls.Grant>> fromHeaders = Acls.fromHeaders(request, owner, false);
                byte[] body = request.bodyStream().readNBytes(MAX_DOCUMENT_BYTES);
                if (fromHeaders.isPresent() && body.length > 0) {
                    throw ServiceException.user("UnexpectedContent", "This request does not support content: an ACL is set by headers or by an "
                            + "AccessControlPolicy document, not both");
                }
                if (fromHeaders.isEmpty() && body.length == 0) {
                    throw ServiceException.user("MissingSecurityHeader", "Your request was missing a required header: x-amz-acl, an x-amz-grant-* "
                            + "header, or an AccessControlPolicy document");
                }
                List<Acls.Grant> grants = fromHeaders.isPresent() ? fromHeaders.get() : Acls.fromDocument(body, owner);
                aclCheck.check(bucket, grants, owner);
                acls.put(versionKey(bucket, key, version), new ObjectAcl(Acls.text(grants)));
                BucketSubresources.writeXml(request, response, new byte[0]);
            }
            default -> throw ServiceException.user("MethodNotAllowed", 405, "The specified method is not allowed against this resource: "
                    + request.method() + " ?acl");
        }
    }

    /** The version id of the version a request addresses, {@code null} in a bucket without versioning; empty when it does not exist. */
    private Optional<String> existing(String bucket, String key, Optional<String> versionId)
            throws IOException
    {
        if (versionId.isPresent()) {
            try (S3Upstream.Response answer = upstream.exchange(new S3Upstream.Request("HEAD", "/" + bucket + "/" + QueryStrings.encode(key, true),
                    "versionId=" + QueryStrings.encode(versionId.get(), false), Map.of(), new S3Upstream.Body.None()))) {
                answer.body().readAllBytes();
                return answer.status() == 200 ? versionId : Optional.empty();
            }
        }
        return objects.head(bucket, key).map(info -> info.versionId().filter(id -> !id.isEmpty()).orElse("null"));
    }

    private static String versionKey(String bucket, String key, String versionId)
    {
        return bucket + "/" + key + "?versionId=" + versionId;
    }
}
