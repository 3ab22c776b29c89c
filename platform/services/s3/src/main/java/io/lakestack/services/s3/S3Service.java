package io.lakestack.services.s3;

import io.lakestack.endpoint.ServiceHandler;
import io.lakestack.endpoint.auth.Authenticator;
import io.lakestack.endpoint.protocol.AwsProtocol;
import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.endpoint.protocol.AwsResponse;
import io.lakestack.endpoint.protocol.QueryStrings;
import io.lakestack.endpoint.protocol.Xml;
import io.lakestack.spi.ErrorKind;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.events.EventSink;
import io.lakestack.spi.s3.DestinationConfiguration;
import io.lakestack.spi.s3.DestinationType;
import io.lakestack.spi.s3.NotificationConfiguration;
import io.lakestack.spi.s3.NotificationTopics;
import io.lakestack.spi.s3.ObjectStore;
import io.lakestack.spi.s3.S3EventTypes;
import io.lakestack.spi.s3.S3Upstream;
import io.lakestack.spi.store.RecordStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * S3 through the endpoint: every request is streamed to the S3 server ({@link S3Upstream}) unchanged, and the
 * responses streamed back, so uploads and downloads of any size never sit in memory.
 *
 * <p>Around the S3 server, the service adds what it lacks: bucket notification configurations
 * ({@code PUT/GET ?notification}, kept in a {@link RecordStore} by bucket) and the events they ask for, published
 * through an {@link EventSink} once the object store has answered and before the client gets its answer:
 * {@code ObjectCreated:Put}, {@code ObjectCreated:Copy}, {@code ObjectCreated:CompleteMultipartUpload} and
 * {@code ObjectRemoved:Delete} (one per key of a multi-object delete).
 *
 * <p>Virtual-hosted requests ({@code bucket.localhost:4566}) are turned into path-style ones. What S3 checks before
 * it stores anything is checked here before anything is forwarded, so that a corrupted or tampered upload never
 * replaces an object ({@link S3UploadBody}): a hex {@code x-amz-content-sha256}, {@code Content-MD5}, and aws-chunked
 * uploads (chunk signatures, framing, trailing checksum), which reach the S3 server decoded. Keys longer than 1,024
 * bytes are refused ({@code KeyTooLongError}); a {@code Range} S3 could not parse is left out, so the whole object
 * comes back, as from S3. An error the S3 server answers without S3's {@code <Error>} document (its HTML pages, its
 * framework's JSON) becomes one.
 */
public final class S3Service
        implements ServiceHandler
{
    /** The characters the S3 server underneath takes in object tags (S3 takes more). */
    private static final Pattern TAG_TEXT = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
    private static final Logger log = LoggerFactory.getLogger(S3Service.class);

    private static final Set<String> OBJECT_SUBRESOURCES = Set.of(
            "uploadId", "partNumber", "tagging", "acl", "retention", "legal-hold", "attributes", "restore", "torrent", "select", "uploads");
    private static final int MAX_KEY_BYTES = 1024;
    /** Requests whose body is an XML document. */
    private static final Set<String> XML_PUT_SUBRESOURCES = Set.of("object-lock", "retention", "legal-hold", "versioning", "tagging", "acl");
    private static final Set<String> XML_POST_SUBRESOURCES = Set.of("delete", "uploadId", "restore");
    private static final Pattern BYTE_RANGE = Pattern.compile("bytes=(\\d{1,18})-(\\d{1,18})?|bytes=-\\d{1,18}");
    private static final int MAX_ERROR_DOCUMENT = 1024 * 1024;
    private static final Pattern COPY_SOURCE_RANGE = Pattern.compile("bytes=(\\d{1,18})-(\\d{1,18})");
    private static final Pattern OWNER_WITHOUT_NAME = Pattern.compile("<Owner>\\s*(<ID>[^<]*</ID>)\\s*</Owner>");
    /** The account's display name, where the S3 server gives none. */
    static final String DISPLAY_NAME = "lakestack";

    private final S3Upstream upstream;
    private final ObjectStore objects;
    private final RecordStore<NotificationConfiguration> notifications;
    private final EventSink events;
    private final String accountId;
    private final Set<String> virtualHostSuffixes;
    private final Clock clock;
    private final AtomicLong sequencer;
    private final Path spoolDirectory;
    private final BucketSubresources bucketSubresources;
    private final MultipartUploads multipartUploads;
    private final ObjectLocks objectLocks;
    private final ObjectAcls objectAcls;
    private final Map<String, String> bucketRegions = new ConcurrentHashMap<>();
    private volatile BucketSubresources.Owner owner;

    /**
     * @param upstream the S3 server requests are forwarded to
     * @param objects the same server, for what the service looks up itself (a bucket's existence, a written object's size)
     * @param notifications bucket notification configurations, by bucket name
     * @param bucketConfigurations the other bucket configurations lakestack keeps (tagging, CORS, policy...), by bucket name
     * @param multipartLayouts the part sizes of objects completed by multipart uploads, by {@code bucket/key}
     * @param objectLockStates the retention and legal hold of object versions ({@link ObjectLocks})
     * @param objectAclStore the ACLs of object versions ({@link ObjectAcls})
     * @param spoolDirectory where upload bodies whose hash must be checked wait until it is: a directory of lakestack's
     *         own, which its owner clears when it starts (a killed process leaves files behind)
     */
    public S3Service(S3Upstream upstream, ObjectStore objects, RecordStore<NotificationConfiguration> notifications,
            RecordStore<BucketConfiguration> bucketConfigurations, RecordStore<MultipartLayout> multipartLayouts,
            RecordStore<ObjectLockState> objectLockStates, RecordStore<ObjectAcl> objectAclStore, EventSink events, String accountId,
            Set<String> endpointHostnames, Clock clock, Path spoolDirectory)
    {
        this.upstream = requireNonNull(upstream, "upstream is null");
        this.objects = requireNonNull(objects, "objects is null");
        this.notifications = requireNonNull(notifications, "notifications is null");
        this.events = requireNonNull(events, "events is null");
        this.accountId = requireNonNull(accountId, "accountId is null");
        this.virtualHostSuffixes = endpointHostnames.stream().map(host -> "." + host.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toSet());
        this.clock = requireNonNull(clock, "clock is null");
        this.sequencer = new AtomicLong(clock.millis() * 1_000_000L);
        this.spoolDirectory = requireNonNull(spoolDirectory, "spoolDirectory is null");
        this.bucketSubresources = new BucketSubresources(bucketConfigurations, objects);
        this.multipartUploads = new MultipartUploads(upstream, objects, multipartLayouts);
        this.objectLocks = new ObjectLocks(bucketConfigurations, objectLockStates, upstream, objects, clock);
        this.objectAcls = new ObjectAcls(objectAclStore, upstream, objects, bucketSubresources::checkAcl);
    }

    @Override
    public String signingName()
    {
        return "s3";
    }

    @Override
    public AwsProtocol protocol()
    {
        return AwsProtocol.REST_XML;
    }

    /** None: objects stream through to the object store and are never held whole. */
    @Override
    public OptionalLong maxRequestBytes()
    {
        return OptionalLong.empty();
    }

    /** The bucket and key a request addresses, and the path-style path to forward it to. */
    record Target(Optional<String> bucket, Optional<String> rawKey, String forwardPath)
    {
        Optional<String> key()
        {
            return rawKey.map(QueryStrings::decode);
        }
    }

    Target target(AwsRequest request)
    {
        String path = request.rawPath();
        Optional<String> hostBucket = request.header("host").flatMap(this::bucketFromHost);
        if (hostBucket.isPresent()) {
            String rawKey = path.length() > 1 ? path.substring(1) : null;
            return new Target(hostBucket, Optional.ofNullable(rawKey), "/" + hostBucket.get() + path);
        }
        String rest = path.substring(1);
        if (rest.isEmpty()) {
            return new Target(Optional.empty(), Optional.empty(), "/");
        }
        int slash = rest.indexOf('/');
        if (slash < 0 || slash == rest.length() - 1) {
            String bucket = slash < 0 ? rest : rest.substring(0, slash);
            return new Target(Optional.of(QueryStrings.decode(bucket)), Optional.empty(), path);
        }
        return new Target(Optional.of(QueryStrings.decode(rest.substring(0, slash))), Optional.of(rest.substring(slash + 1)), path);
    }

    private Optional<String> bucketFromHost(String host)
    {
        String name = host.toLowerCase(Locale.ROOT);
        int colon = name.lastIndexOf(':');
        if (colon > 0 && name.indexOf(']') < colon) {
            name = name.substring(0, colon);
        }
        for (String suffix : virtualHostSuffixes) {
            if (name.endsWith(suffix) && name.length() > suffix.length()) {
                String bucket = name.substring(0, name.length() - suffix.length());
                if (bucket.endsWith(".s3")) {
                    bucket = bucket.substring(0, bucket.length() - 3);
                }
                return bucket.isEmpty() ? Optional.empty() : Optional.of(bucket);
            }
        }
        return Optional.empty();
    }

    @Override
    public void handle(AwsRequest request, Authenticator.Caller caller, AwsResponse response)
            throws Exception
    {
        Target target = target(request);
        String method = request.method();
        if (target.bucket().isPresent() && target.rawKey().isEmpty() && request.hasQueryParameter("notification")) {
            if (method.equals("PUT")) {
                putNotificationConfiguration(request, caller, target.bucket().get(), response);
                return;
            }
            if (method.equals("GET")) {
                getNotificationConfiguration(request, target.bucket().get(), response);
                return;
            }
        }

        checkKeyLength(request, target);
        Optional<byte[]> checkedBody = S3RequestChecks.check(request, target);
        response.setHeader("x-amz-request-id", request.requestId());
        applyCors(request, target, response);
        boolean bucketOnly = target.bucket().isPresent() && target.rawKey().isEmpty();
        boolean object = target.bucket().isPresent() && target.rawKey().isPresent();
        if (object && request.hasQueryParameter("acl")) {
            objectAcls.handle(request, target.bucket().get(), target.key().orElseThrow(), owner(request), response);
            return;
        }
        if (target.bucket().isEmpty() && method.equals("GET") && !request.hasQueryParameter("bucket-region")) {
            listBuckets(request, response);
            return;
        }
        if (object) {
            for (String subresource : List.of("retention", "legal-hold")) {
                if (request.hasQueryParameter(subresource)) {
                    objectLocks.handleObject(request, target.bucket().get(), target.key().orElseThrow(), subresource, response);
                    return;
                }
            }
        }
        if (bucketOnly) {
            String bucket = target.bucket().get();
            if (request.hasQueryParameter("object-lock")) {
                objectLocks.handleConfiguration(request, bucket, response);
                return;
            }
            if (method.equals("PUT") && request.hasQueryParameter("versioning") && checkedBody.isEmpty() && objectLocks.enabled(bucket)) {
                byte[] document = request.bodyStream().readNBytes(S3RequestChecks.MAX_DOCUMENT_BYTES);
                objectLocks.checkVersioning(bucket, document);
                checkedBody = Optional.of(document);
            }
            Optional<String> subresource = BucketSubresources.answeredHere(request);
            if (subresource.isPresent()) {
                bucketSubresources.handle(request, bucket, subresource.get(), checkedBody, owner(request), response);
                return;
            }
            if (method.equals("GET") && request.hasQueryParameter("location")) {
                getBucketLocation(request, target, response);
                return;
            }
            if (method.equals("GET") && request.hasQueryParameter("versions")) {
                listObjectVersions(request, target, response);
                return;
            }
            if (method.equals("GET") && ObjectListings.isListing(request)) {
                listObjects(request, target, response);
                return;
            }
            if (method.equals("PUT") && request.queryParameters().isEmpty() && createBucketAnswered(request, caller, bucket, checkedBody, response)) {
                return;
            }
        }
        if (target.bucket().isEmpty() && method.equals("GET") && request.hasQueryParameter("bucket-region")) {
            listBucketsOfRegion(request, response);
            return;
        }
        Optional<String> uploadId = object ? request.queryParameter("uploadId") : Optional.empty();
        if (uploadId.isPresent()) {
            String bucket = target.bucket().get();
            String key = target.key().orElseThrow();
            if (!multipartUploads.inProgress(bucket, key, uploadId.get())) {
                Optional<MultipartUploads.Completed> completedAs = method.equals("POST") ? multipartUploads.completedAs(bucket, key, target.forwardPath(), uploadId.get())
                        : Optional.empty();
                if (completedAs.isEmpty()) {
                    throw MultipartUploads.noSuchUpload(bucket, key, uploadId.get());
                }
                String location = request.header("host").map(host -> "http://" + host).orElse("") + target.forwardPath();
                StringBuilder checksums = new StringBuilder();
                completedAs.get().checksums().forEach((element, value) -> checksums.append('<').append(element).append('>').append(Xml.escape(value))
                        .append("</").append(element).append('>').append("<ChecksumType>").append(value.matches(".*-\\d+") ? "COMPOSITE" : "FULL_OBJECT")
                        .append("</ChecksumType>"));
                writeXml(request, response, ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CompleteMultipartUploadResult "
                        + "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Location>" + Xml.escape(location) + "</Location><Bucket>" + Xml.escape(bucket)
                        + "</Bucket><Key>" + Xml.escape(key) + "</Key><ETag>\"" + Xml.escape(completedAs.get().eTag()) + "\"</ETag>" + checksums
                        + "</CompleteMultipartUploadResult>").getBytes(StandardCharsets.UTF_8));
                return;
            }
        }
        Optional<MultipartUploads.PartRange> part = Optional.empty();
        Optional<String> partNumber = object && uploadId.isEmpty() && (method.equals("GET") || method.equals("HEAD"))
                && !request.hasQueryParameter("versionId") ? request.queryParameter("partNumber") : Optional.empty();
        if (partNumber.isPresent()) {
            if (request.header("range").isPresent()) {
                throw ServiceException.user("InvalidRequest", "Cannot specify both Range header and partNumber query parameter");
            }
            part = multipartUploads.partRange(target.bucket().get(), target.key().orElseThrow(), Integer.parseInt(partNumber.get()));
        }
        boolean completeUpload = method.equals("POST") && uploadId.isPresent();
        // GetObject and HeadObject answer an object's checksum only when asked to
        // (and not for a byte range of it, which the whole object's checksum does not cover)
        boolean checksumsShown = !(object && (method.equals("GET") || method.equals("HEAD")) && !request.hasQueryParameter("attributes"))
                || (request.header("x-amz-checksum-mode").map(mode -> mode.trim().equalsIgnoreCase("ENABLED")).orElse(false)
                        && request.header("range").filter(S3Service::isByteRange).isEmpty());
        Map<Integer, Long> partSizes = completeUpload
                ? multipartUploads.partSizes(target.bucket().get(), target.rawKey().orElseThrow(), uploadId.get())
                : Map.of();

        Optional<String> eventName = eventFor(request, target);
        boolean deleteObjects = method.equals("POST") && bucketOnly && request.hasQueryParameter("delete");
        boolean deleteBucket = method.equals("DELETE") && bucketOnly && request.queryParameters().isEmpty();
        boolean deleteObject = method.equals("DELETE") && object && request.queryParameters().isEmpty();
        boolean createBucket = method.equals("PUT") && bucketOnly && request.queryParameters().isEmpty();
        boolean putObject = method.equals("PUT") && object && request.queryParameters().isEmpty();
        boolean createUpload = method.equals("POST") && object && request.hasQueryParameter("uploads");
        Optional<String> deletedVersion = method.equals("DELETE") && object
                && request.queryParameters().stream().noneMatch(parameter -> OBJECT_SUBRESOURCES.contains(parameter.getKey()))
                ? request.queryParameter("versionId") : Optional.empty();
        ObjectLocks.Requested lockRequested = putObject || createUpload ? objectLocks.requested(request, target.bucket().get()) : ObjectLocks.Requested.NOTHING;
        Optional<List<Acls.Grant>> aclRequested = (putObject || createUpload || createBucket) && Acls.hasHeaders(request)
                ? Acls.fromHeaders(request, owner(request), createBucket) : Optional.empty();
        if ((putObject || createUpload) && aclRequested.isPresent()) {
            bucketSubresources.checkAcl(target.bucket().get(), aclRequested.get(), owner(request));
        }
        if (method.equals("PUT") && object && request.hasQueryParameter("uploadId") && request.header("x-amz-copy-source-range").isPresent()) {
            checkCopySourceRange(request.header("x-amz-copy-source-range").get(), request.header("x-amz-copy-source").orElse(""));
        }
        if (deletedVersion.isPresent()) {
            objectLocks.checkDelete(target.bucket().get(), target.key().orElseThrow(), deletedVersion.get(), ObjectLocks.bypass(request));
        }
        Optional<NotificationConfiguration> configuration = target.bucket().flatMap(notifications::get);
        if (deleteBucket) {
            multipartUploads.abortUploadsOfEmptyBucket(target.bucket().get());
        }

        try (S3UploadBody body = checkedBody.isPresent() ? S3UploadBody.ofBytes(request, checkedBody.get()) : S3UploadBody.of(request, caller, spoolDirectory)) {
            Map<String, List<String>> headers = withoutUnreadableRange(body.headers());
            Predicate<String> answeredHere = name -> ObjectLocks.REQUEST_HEADERS.contains(name.toLowerCase(Locale.ROOT))
                    || Acls.REQUEST_HEADERS.contains(name.toLowerCase(Locale.ROOT));
            if (headers.keySet().stream().anyMatch(answeredHere)) {
                // object lock and ACLs are lakestack's, not the S3 server's
                headers = new TreeMap<>(headers);
                headers.keySet().removeIf(answeredHere);
            }
            String query = request.rawQuery();
            if (object && method.equals("PUT") && request.header("x-amz-copy-source").isPresent() && !request.hasQueryParameter("uploadId")
                    && request.header("x-amz-storage-class").isEmpty()) {
                // a copy is of the storage class the request names, STANDARD by default, whatever the source's
                headers = with(headers, "x-amz-storage-class", "STANDARD");
            }
            if (object && (method.equals("PUT") || method.equals("POST")) && headers.containsKey("content-encoding")) {
                headers = withoutAwsChunked(headers);
            }
            if (object && (method.equals("PUT") || method.equals("POST"))) {
                headers = UserMetadata.forStore(headers);
            }
            if (partNumber.isPresent()) {
                query = withoutParameter(query, "partNumber");
                if (part.isPresent()) {
                    headers = with(headers, "range", "bytes=" + part.get().first() + "-" + part.get().last());
                }
            }
            // tags in x-amz-tagging are URL-encoded, which the S3 server does not decode: such tags are set after the object
            // (a copy takes them only with x-amz-tagging-directive REPLACE)
            Optional<byte[]> encodedTags = Optional.empty();
            boolean copyKeepsTags = headers.containsKey("x-amz-copy-source")
                    && !headers.getOrDefault("x-amz-tagging-directive", List.of()).contains("REPLACE");
            if (object && method.equals("PUT") && uploadId.isEmpty() && !request.hasQueryParameter("tagging") && !request.hasQueryParameter("partNumber")
                    && !copyKeepsTags && headers.containsKey("x-amz-tagging")
                    && headers.get("x-amz-tagging").stream().anyMatch(value -> value.contains("%") || value.contains("+"))) {
                encodedTags = Optional.of(S3RequestChecks.checkTagging(taggingDocument(headers.get("x-amz-tagging").get(0)), 10));
                headers = new TreeMap<>(headers);
                headers.remove("x-amz-tagging");
            }
            S3Upstream.Request forward = new S3Upstream.Request(method, target.forwardPath(), query, headers, body.body());
            if (deleteObjects && objectLocks.enabled(target.bucket().get())) {
                deleteLockedObjects(request, caller, target.bucket().get(), checkedBody.orElseThrow(), forward, configuration, response);
                return;
            }
            if (deleteObjects && configuration.isPresent()) {
                try (S3Upstream.Response upstreamResponse = upstream.exchange(forward)) {
                    byte[] document = answerBody(upstreamResponse, request).readAllBytes();
                    if (upstreamResponse.status() == 200) {
                        for (String key : deletedKeys(document)) {
                            emit(S3EventTypes.REMOVED_DELETE, target.bucket().get(), key, configuration.get(), request, caller);
                        }
                    }
                    relay(upstreamResponse, new ByteArrayInputStream(document), response);
                }
                return;
            }
            try (S3Upstream.Response upstreamResponse = upstream.exchange(forward)) {
                InputStream answer = answerBody(upstreamResponse, request);
                int status = upstreamResponse.status();
                if (status >= 200 && status < 300) {
                    if (encodedTags.isPresent()) {
                        try (S3Upstream.Response tagged = upstream.exchange(new S3Upstream.Request("PUT", target.forwardPath(), "tagging",
                                Map.of("content-type", List.of("application/xml")), new S3Upstream.Body.Bytes(encodedTags.get())))) {
                            if (tagged.status() != 200) {
                                throw new IllegalStateException("The S3 server did not take the tags of s3://" + target.bucket().get() + "/"
                                        + target.key().orElseThrow() + ": HTTP " + tagged.status());
                            }
                        }
                    }
                    if (deleteBucket) {
                        bucketRegions.remove(target.bucket().get());
                        notifications.delete(target.bucket().get());
                        bucketSubresources.deleted(target.bucket().get());
                        multipartUploads.forgetBucket(target.bucket().get());
                    }
                    if (deleteObject) {
                        multipartUploads.forget(target.bucket().get(), target.key().orElseThrow());
                    }
                    if (deletedVersion.isPresent()) {
                        objectLocks.versionDeleted(target.bucket().get(), target.key().orElseThrow(), deletedVersion.get());
                        objectAcls.versionDeleted(target.bucket().get(), target.key().orElseThrow(), deletedVersion.get());
                    }
                    if (createBucket) {
                        if (ObjectLocks.requestedForBucket(request)) {
                            objectLocks.bucketCreated(target.bucket().get());
                        }
                        if (aclRequested.isPresent()) {
                            bucketSubresources.setAcl(target.bucket().get(), aclRequested);
                        }
                    }
                    if (putObject) {
                        Optional<String> versionId = header(upstreamResponse, "x-amz-version-id");
                        if (versionId.isPresent()) {
                            objectLocks.versionCreated(target.bucket().get(), target.key().orElseThrow(), versionId.get(), lockRequested);
                        }
                        objectAcls.versionCreated(target.bucket().get(), target.key().orElseThrow(), versionId, aclRequested);
                    }
                    if (createUpload && (!lockRequested.equals(ObjectLocks.Requested.NOTHING) || aclRequested.isPresent())) {
                        byte[] document = answer.readAllBytes();
                        Optional<String> createdUpload = Xml.childText(Xml.parse(document), "UploadId");
                        if (createdUpload.isPresent()) {
                            objectLocks.uploadStarted(target.bucket().get(), createdUpload.get(), lockRequested);
                            if (aclRequested.isPresent()) {
                                objectAcls.uploadStarted(target.bucket().get(), createdUpload.get(), aclRequested.get());
                            }
                        }
                        relay(upstreamResponse, new ByteArrayInputStream(document), response);
                        return;
                    }
                    if (completeUpload) {
                        // S3 may answer 200 with an <Error> document to a CompleteMultipartUpload
                        byte[] document = answer.readAllBytes();
                        if (!new String(document, StandardCharsets.UTF_8).contains("<Error>")) {
                            multipartUploads.completed(target.bucket().get(), target.key().orElseThrow(), uploadId.get(), checkedBody.orElseThrow(), partSizes);
                            objectLocks.uploadCompleted(target.bucket().get(), target.key().orElseThrow(), uploadId.get(),
                                    header(upstreamResponse, "x-amz-version-id"));
                            objectAcls.uploadCompleted(target.bucket().get(), target.key().orElseThrow(), uploadId.get(),
                                    header(upstreamResponse, "x-amz-version-id"));
                            if (eventName.isPresent() && configuration.isPresent()) {
                                emit(eventName.get(), target.bucket().get(), target.key().orElseThrow(), configuration.get(), request, caller);
                            }
                        }
                        relay(upstreamResponse, new ByteArrayInputStream(document), response);
                        return;
                    }
                    if (eventName.isPresent() && configuration.isPresent()) {
                        emit(eventName.get(), target.bucket().get(), target.key().orElseThrow(), configuration.get(), request, caller);
                    }
                }
                if (part.isPresent() && status >= 200 && status < 300) {
                    MultipartUploads.PartRange range = part.get();
                    Map<String, String> overrides = new LinkedHashMap<>(Map.of(
                            "Content-Length", Long.toString(range.length()),
                            "Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + range.objectSize(),
                            "x-amz-mp-parts-count", Integer.toString(range.partsCount())));
                    // the part's own checksum, not the whole object's
                    boolean partChecksum = checksumsShown && !range.checksumHeader().isEmpty();
                    if (partChecksum) {
                        overrides.put(range.checksumHeader(), range.checksum());
                        checksumType(upstreamResponse).ifPresent(type -> overrides.put("x-amz-checksum-type", type));
                    }
                    relay(upstreamResponse, 206, answer, response, overrides, name -> isChecksumHeader(name)
                            && !(partChecksum && name.equalsIgnoreCase("x-amz-checksum-type")));
                    return;
                }
                if (status == 304 && object && upstreamResponse.headers().keySet().stream().noneMatch("etag"::equalsIgnoreCase)) {
                    // S3 names the entity tag the condition compared with; the S3 server leaves it out
                    Optional<ObjectStore.ObjectInfo> current = objects.head(target.bucket().get(), target.key().orElseThrow());
                    if (current.isPresent()) {
                        relay(upstreamResponse, 304, answer, response, Map.of("ETag", "\"" + MultipartUploads.unquoted(current.get().eTag()) + "\""));
                        return;
                    }
                }
                if (object && method.equals("GET") && request.hasQueryParameter("tagging") && status == 200) {
                    byte[] document = answer.readAllBytes();
                    if (!new String(document, StandardCharsets.UTF_8).contains("<TagSet")) {
                        // an object without tags: the S3 server answers nothing, S3 an empty tag set
                        document = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                                + "<TagSet></TagSet></Tagging>").getBytes(StandardCharsets.UTF_8);
                    }
                    relay(upstreamResponse, 200, new ByteArrayInputStream(document), response, Map.of("Content-Type", "application/xml",
                            "Content-Length", Integer.toString(document.length)));
                    return;
                }
                Map<String, String> overrides = new LinkedHashMap<>(checksumsShown && object && (method.equals("GET") || method.equals("HEAD"))
                        ? checksumType(upstreamResponse).map(type -> Map.of("x-amz-checksum-type", type)).orElse(Map.of())
                        : Map.of());
                if (object && (method.equals("GET") || method.equals("HEAD")) && status >= 200 && status < 300
                        && request.queryParameters().stream().noneMatch(parameter -> OBJECT_SUBRESOURCES.contains(parameter.getKey()))) {
                    Optional<String> versionId = header(upstreamResponse, "x-amz-version-id");
                    overrides.putAll(objectLocks.headers(target.bucket().get(), target.key().orElseThrow(), versionId));
                    if (header(upstreamResponse, "x-amz-tagging-count").isEmpty()) {
                        tagCount(target.forwardPath(), versionId).ifPresent(count -> overrides.put("x-amz-tagging-count", Integer.toString(count)));
                    }
                }
                if (deleteObject && status == 204 && header(upstreamResponse, "x-amz-delete-marker").filter("true"::equalsIgnoreCase).isPresent()) {
                    // the S3 server answers the deleted version's id; S3 answers the delete marker's
                    latestDeleteMarker(target.bucket().get(), target.key().orElseThrow()).ifPresent(id -> overrides.put("x-amz-version-id", id));
                }
                relay(upstreamResponse, status, answer, response, overrides, name -> !checksumsShown && isChecksumHeader(name));
            }
        }
    }

    /** UploadPartCopy's range: {@code bytes=first-last}, within the source object. */
    private void checkCopySourceRange(String range, String copySource)
            throws IOException
    {
        Matcher matcher = COPY_SOURCE_RANGE.matcher(range.trim());
        if (!matcher.matches() || Long.parseLong(matcher.group(1)) > Long.parseLong(matcher.group(2))) {
            throw ServiceException.user("InvalidArgument", "The x-amz-copy-source-range value must be of the form bytes=first-last where first and "
                    + "last are the zero-based offsets of the first and last bytes to copy, not '" + range + "'");
        }
        String source = QueryStrings.decode(copySource.contains("?") ? copySource.substring(0, copySource.indexOf('?')) : copySource);
        source = source.startsWith("/") ? source.substring(1) : source;
        int slash = source.indexOf('/');
        if (slash <= 0 || copySource.contains("?")) {
            // a version of the source, or a source the S3 server will refuse itself
            return;
        }
        Optional<ObjectStore.ObjectInfo> info = objects.head(source.substring(0, slash), source.substring(slash + 1));
        if (info.isPresent() && Long.parseLong(matcher.group(2)) >= info.get().size()) {
            throw ServiceException.user("InvalidRange", 416, "The requested range is not satisfiable: bytes " + matcher.group(1) + "-" + matcher.group(2)
                    + " of a source object of " + info.get().size() + " bytes");
        }
    }

    /** ListBuckets, its owner with a display name. */
    private void listBuckets(AwsRequest request, AwsResponse response)
            throws IOException
    {
        try (S3Upstream.Response answer = upstream.exchange(new S3Upstream.Request("GET", "/", request.rawQuery(), Map.of(), new S3Upstream.Body.None()))) {
            byte[] document = answerBody(answer, request).readAllBytes();
            if (answer.status() != 200) {
                relay(answer, new ByteArrayInputStream(document), response);
                return;
            }
            writeXml(request, response, withDisplayNames(document, owner(request)));
        }
    }

    /** A listing whose owners (the one account) are named by id and display name, as S3 names them. */
    static byte[] withDisplayNames(byte[] document, BucketSubresources.Owner owner)
    {
        String text = new String(document, StandardCharsets.UTF_8);
        if (!text.contains("<Owner>")) {
            return document;
        }
        return OWNER_WITHOUT_NAME.matcher(text).replaceAll(match -> Matcher.quoteReplacement("<Owner>" + match.group(1) + "<DisplayName>"
                + Xml.escape(owner.displayName()) + "</DisplayName></Owner>")).getBytes(StandardCharsets.UTF_8);
    }

    /** How many tags a version has, as GetObject and HeadObject answer it: empty for none (the S3 server does not answer it). */
    private Optional<Integer> tagCount(String forwardPath, Optional<String> versionId)
            throws IOException
    {
        try (S3Upstream.Response answer = upstream.exchange(new S3Upstream.Request("GET", forwardPath,
                "tagging" + versionId.map(id -> "&versionId=" + QueryStrings.encode(id, false)).orElse(""), Map.of(), new S3Upstream.Body.None()))) {
            byte[] document = answer.body().readAllBytes();
            String text = new String(document, StandardCharsets.UTF_8);
            if (answer.status() != 200 || !text.contains("<TagSet")) {
                return Optional.empty();
            }
            int count = Xml.children(Xml.parse(document), "TagSet").stream().mapToInt(set -> Xml.children(set, "Tag").size()).sum();
            return count == 0 ? Optional.empty() : Optional.of(count);
        }
    }

    /** The version id of the delete marker that is a key's current version. */
    private Optional<String> latestDeleteMarker(String bucket, String key)
            throws IOException
    {
        try (S3Upstream.Response answer = upstream.exchange(new S3Upstream.Request("GET", "/" + QueryStrings.encode(bucket, false),
                "versions&prefix=" + QueryStrings.encode(key, false), Map.of(), new S3Upstream.Body.None()))) {
            byte[] document = answer.body().readAllBytes();
            if (answer.status() != 200) {
                return Optional.empty();
            }
            return Xml.children(Xml.parse(document), "DeleteMarker").stream()
                    .filter(marker -> S3Xml.rawChildText(marker, "Key").filter(key::equals).isPresent()
                            && Xml.childText(marker, "IsLatest").filter("true"::equals).isPresent())
                    .flatMap(marker -> Xml.childText(marker, "VersionId").stream())
                    .findFirst();
        }
    }

    private static Optional<String> header(S3Upstream.Response upstream, String name)
    {
        return upstream.headers().entrySet().stream().filter(header -> header.getKey().equalsIgnoreCase(name))
                .flatMap(header -> header.getValue().stream()).findFirst().filter(value -> !value.isEmpty() && !value.equals("null"));
    }

    /**
     * DeleteObjects in a bucket with object lock: the versions object lock protects are answered as errors, the others
     * deleted by the S3 server, and their locks forgotten.
     */
    private void deleteLockedObjects(AwsRequest request, Authenticator.Caller caller, String bucket, byte[] document, S3Upstream.Request forward,
            Optional<NotificationConfiguration> configuration, AwsResponse response)
            throws IOException
    {
        boolean bypass = ObjectLocks.bypass(request);
        Element root = Xml.parse(document);
        StringBuilder errors = new StringBuilder();
        Map<String, String> versionsDeleted = new LinkedHashMap<>();
        int allowed = 0;
        for (Element entry : Xml.children(root, "Object")) {
            String key = S3Xml.rawChildText(entry, "Key").orElse("");
            Optional<String> versionId = Xml.childText(entry, "VersionId").filter(id -> !id.isEmpty());
            Optional<String> refusal = versionId.flatMap(id -> objectLocks.deleteRefusal(bucket, key, id, bypass));
            if (refusal.isPresent()) {
                errors.append("<Error><Key>").append(Xml.escape(key)).append("</Key><VersionId>").append(Xml.escape(versionId.get()))
                        .append("</VersionId><Code>AccessDenied</Code><Message>").append(Xml.escape(refusal.get())).append("</Message></Error>");
                root.removeChild(entry);
            }
            else {
                allowed++;
                versionId.ifPresent(id -> versionsDeleted.put(ObjectLocks.versionKey(bucket, key, id), key + "\n" + id));
            }
        }
        String result = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"></DeleteResult>";
        if (allowed > 0) {
            byte[] rewritten = errors.isEmpty() ? document : serialize(root);
            Map<String, List<String>> headers = forward.headers();
            if (!errors.isEmpty()) {
                headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                headers.putAll(forward.headers());
                headers.keySet().removeIf(name -> name.equalsIgnoreCase("content-md5") || name.equalsIgnoreCase("content-length")
                        || isChecksumHeader(name) || name.equalsIgnoreCase("x-amz-sdk-checksum-algorithm"));
            }
            try (S3Upstream.Response upstreamResponse = upstream.exchange(new S3Upstream.Request(forward.method(), forward.path(), forward.rawQuery(), headers,
                    new S3Upstream.Body.Bytes(rewritten)))) {
                byte[] answer = answerBody(upstreamResponse, request).readAllBytes();
                if (upstreamResponse.status() != 200) {
                    relay(upstreamResponse, new ByteArrayInputStream(answer), response);
                    return;
                }
                result = new String(answer, StandardCharsets.UTF_8);
                Element answered = Xml.parse(answer);
                for (Element error : Xml.children(answered, "Error")) {
                    versionsDeleted.remove(ObjectLocks.versionKey(bucket, S3Xml.rawChildText(error, "Key").orElse(""),
                            Xml.childText(error, "VersionId").orElse("")));
                }
                if (configuration.isPresent()) {
                    for (String key : deletedKeys(answer)) {
                        emit(S3EventTypes.REMOVED_DELETE, bucket, key, configuration.get(), request, caller);
                    }
                }
            }
        }
        for (String deleted : versionsDeleted.values()) {
            int newline = deleted.lastIndexOf('\n');
            objectLocks.versionDeleted(bucket, deleted.substring(0, newline), deleted.substring(newline + 1));
        }
        int end = result.lastIndexOf("</DeleteResult>");
        String answer = end >= 0 ? result.substring(0, end) + errors + result.substring(end)
                : result.substring(0, result.lastIndexOf("/>")) + ">" + errors + "</DeleteResult>";
        writeXml(request, response, answer.getBytes(StandardCharsets.UTF_8));
    }

    /** A {@code <Tagging>} document of the tags an {@code x-amz-tagging} header gives, URL-encoded as a query string. */
    private static byte[] taggingDocument(String header)
    {
        StringBuilder document = new StringBuilder("<Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TagSet>");
        for (String pair : header.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String key = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            String decodedKey;
            String decodedValue;
            try {
                decodedKey = URLDecoder.decode(key, StandardCharsets.UTF_8);
                decodedValue = URLDecoder.decode(value, StandardCharsets.UTF_8);
            }
            catch (IllegalArgumentException e) {
                throw ServiceException.user("InvalidArgument", "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters "
                        + "without tag name duplicates.");
            }
            if (!TAG_TEXT.matcher(decodedKey).matches() || !TAG_TEXT.matcher(decodedValue).matches()) {
                throw ServiceException.user("InvalidTag", "lakestack's object store keeps tag keys and values of letters, digits, spaces and + - = . _ : / @ "
                        + "only; tag " + decodedKey + "=" + decodedValue + " has another character");
            }
            document.append("<Tag><Key>").append(Xml.escape(decodedKey)).append("</Key><Value>").append(Xml.escape(decodedValue)).append("</Value></Tag>");
        }
        return document.append("</TagSet></Tagging>").toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The type of the object's additional checksum when the S3 server leaves it out: {@code COMPOSITE} for a checksum
     * of its parts' checksums ({@code <base64>-<parts>}), {@code FULL_OBJECT} for one of its bytes.
     */
    private static Optional<String> checksumType(S3Upstream.Response upstream)
    {
        Optional<String> type = Optional.empty();
        for (Map.Entry<String, List<String>> header : upstream.headers().entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("x-amz-checksum-type")) {
                return Optional.empty();
            }
            if (S3Checksum.ofHeader(name).isPresent() && !header.getValue().isEmpty()) {
                type = Optional.of(header.getValue().get(0).matches(".*-\\d+") ? "COMPOSITE" : "FULL_OBJECT");
            }
        }
        return type;
    }

    /** An object's additional checksum, or its type, as GetObject and HeadObject answer them with {@code x-amz-checksum-mode: ENABLED}. */
    private static boolean isChecksumHeader(String name)
    {
        return name.toLowerCase(Locale.ROOT).startsWith("x-amz-checksum-");
    }

    /**
     * A CORS preflight ({@code OPTIONS} of a bucket or object: no credentials, by design), and a browser upload (a
     * form POSTed to a bucket, signed by the policy in its fields rather than by its headers or query).
     */
    @Override
    public boolean authenticatesItself(AwsRequest request)
    {
        Target target = target(request);
        if (request.method().equals("OPTIONS") && target.bucket().isPresent()) {
            return true;
        }
        return isPostForm(request, target) || anonymousAccess(request, target).isPresent();
    }

    private static boolean isPostForm(AwsRequest request, Target target)
    {
        return request.method().equals("POST") && target.bucket().isPresent() && target.rawKey().isEmpty()
                && request.header("content-type").orElse("").toLowerCase(Locale.ROOT).startsWith("multipart/form-data")
                && request.header("authorization").isEmpty() && !request.hasQueryParameter("X-Amz-Signature")
                && !request.hasQueryParameter("Signature");
    }

    /**
     * PostObject: the form's credentials and policy are checked ({@link Authenticator#authenticatePostPolicy},
     * {@link PostPolicy}), then its file is PUT to the S3 server with the headers its fields name, and the client
     * answered as {@code success_action_redirect} or {@code success_action_status} ask (204 by default).
     */
    @Override
    public void handleSelfAuthenticated(AwsRequest request, Authenticator authenticator, AwsResponse response)
            throws Exception
    {
        if (request.method().equals("OPTIONS")) {
            preflight(request, target(request).bucket().orElseThrow(), response);
            return;
        }
        Target target = target(request);
        Optional<String> permission = isPostForm(request, target) ? Optional.empty() : anonymousAccess(request, target);
        if (permission.isPresent()) {
            if (!objects.bucketExists(target.bucket().orElseThrow())) {
                // S3 answers anyone that a bucket does not exist
                throw ServiceException.user("NoSuchBucket", 404, "The specified bucket does not exist: " + target.bucket().get());
            }
            if (grantedToAnyone(request, target, permission.get())) {
                handle(request, new Authenticator.Caller("anonymous", "us-east-1"), response);
            }
            else {
                // refused as any unsigned request is (or let through, when signatures are not verified)
                handle(request, authenticator.authenticate(request, AwsProtocol.REST_XML, signingName()), response);
            }
            return;
        }
        postObject(request, authenticator, response);
    }

    /**
     * The permission an unsigned request to a bucket needs that an ACL may grant to anyone ({@code AllUsers}): {@code READ}
     * of an object for GetObject and HeadObject, of a bucket for ListObjects; {@code WRITE} of a bucket for PutObject;
     * {@code NONE} for any other request, which no ACL lets anyone make. Empty for a signed request.
     */
    private static Optional<String> anonymousAccess(AwsRequest request, Target target)
    {
        if (request.header("authorization").isPresent() || request.hasQueryParameter("X-Amz-Signature") || request.hasQueryParameter("Signature")
                || request.hasQueryParameter("X-Amz-Credential") || request.hasQueryParameter("AWSAccessKeyId") || target.bucket().isEmpty()) {
            return Optional.empty();
        }
        String method = request.method();
        boolean subresource = request.queryParameters().stream().anyMatch(parameter -> OBJECT_SUBRESOURCES.contains(parameter.getKey()));
        if (target.rawKey().isPresent() && (method.equals("GET") || method.equals("HEAD")) && !subresource) {
            return Optional.of("READ");
        }
        if (target.rawKey().isPresent() && method.equals("PUT") && request.queryParameters().isEmpty()
                && request.header("x-amz-copy-source").isEmpty()) {
            return Optional.of("WRITE");
        }
        if (target.rawKey().isEmpty() && method.equals("GET") && ObjectListings.isListing(request)) {
            return Optional.of("READ");
        }
        return Optional.of("NONE");
    }

    /** Whether the ACL of the object (GetObject, HeadObject) or bucket (ListObjects, PutObject) grants anyone the permission. */
    private boolean grantedToAnyone(AwsRequest request, Target target, String permission)
            throws IOException
    {
        String bucket = target.bucket().orElseThrow();
        BucketSubresources.Owner owner = owner(request);
        if (permission.equals("NONE") || request.header("x-amz-expected-bucket-owner").filter(expected -> !expected.equals(owner.id())).isPresent()) {
            return false;
        }
        if (bucketSubresources.publicAccessBlocks(bucket, "IgnorePublicAcls") || bucketSubresources.aclsDisabled(bucket)) {
            return false;
        }
        boolean bucketGrants = Acls.allowsAnyone(bucketSubresources.acl(bucket, owner), permission);
        if (target.rawKey().isPresent() && permission.equals("READ")) {
            Optional<List<Acls.Grant>> objectAcl = objectAcls.of(bucket, target.key().orElseThrow(), request.queryParameter("versionId"), owner);
            // a missing object is answered NoSuchKey to whoever may list the bucket, as S3 answers it
            return objectAcl.isEmpty() ? bucketGrants : Acls.allowsAnyone(objectAcl.get(), "READ");
        }
        return bucketGrants;
    }

    /** A CORS preflight, answered by the bucket's CORS configuration as S3 answers it. */
    private void preflight(AwsRequest request, String bucket, AwsResponse response)
            throws IOException
    {
        Optional<String> origin = request.header("origin");
        Optional<String> method = request.header("access-control-request-method");
        if (origin.isEmpty() || method.isEmpty()) {
            throw ServiceException.user("BadRequest", "Insufficient information. Origin request header needed: a CORS preflight names its Origin and "
                    + "Access-Control-Request-Method");
        }
        if (!objects.bucketExists(bucket)) {
            throw ServiceException.user("NoSuchBucket", 404, "The specified bucket does not exist: " + bucket);
        }
        Map<String, String> headers = bucketSubresources.configuration(bucket).flatMap(BucketConfiguration::cors)
                .flatMap(cors -> CorsRules.of(cors).headers(origin.get(), method.get(), CorsRules.requestedHeaders(request.header("access-control-request-headers")),
                        true))
                .orElseThrow(() -> ServiceException.user("AccessForbidden", 403, "CORSResponse: This CORS request is not allowed. This is usually because "
                        + "the evaluation of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted "
                        + "by the resource's CORS spec."));
        response.setStatus(200);
        response.setHeader("x-amz-request-id", request.requestId());
        headers.forEach(response::setHeader);
        response.setContentLength(0);
    }

    /** The Access-Control-* headers of an answer to a request from a browser, when the bucket's CORS configuration allows it. */
    private void applyCors(AwsRequest request, Target target, AwsResponse response)
    {
        Optional<String> origin = request.header("origin");
        if (origin.isEmpty() || target.bucket().isEmpty()) {
            return;
        }
        bucketSubresources.configuration(target.bucket().get()).flatMap(BucketConfiguration::cors)
                .flatMap(cors -> CorsRules.of(cors).headers(origin.get(), request.method(), List.of(), false))
                .ifPresent(headers -> headers.forEach(response::setHeader));
    }

    private void postObject(AwsRequest request, Authenticator authenticator, AwsResponse response)
            throws Exception
    {
        String bucket = target(request).bucket().orElseThrow();
        String boundary = PostForm.boundary(request.header("content-type").orElse(""))
                .orElseThrow(() -> ServiceException.user("MalformedPOSTRequest", "The body of your POST request is not well-formed "
                        + "multipart/form-data: its Content-Type names no boundary"));
        try (PostForm form = PostForm.read(request.bodyStream(), boundary, spoolDirectory)) {
            Map<String, String> fields = new java.util.HashMap<>(form.fields());
            String key = Optional.ofNullable(fields.get("key")).filter(value -> !value.isEmpty())
                    .orElseThrow(() -> ServiceException.user("InvalidArgument", "Bucket POST must contain a field named 'key'.  If it is specified, "
                            + "please check the order of the fields."))
                    .replace("${filename}", form.fileName());
            Authenticator.Caller caller;
            if (fields.containsKey("policy")) {
                caller = authenticator.authenticatePostPolicy(fields, fields.get("policy"));
            }
            else if (objects.bucketExists(bucket) && !bucketSubresources.publicAccessBlocks(bucket, "IgnorePublicAcls") && !bucketSubresources.aclsDisabled(bucket)
                    && Acls.allowsAnyone(bucketSubresources.acl(bucket, owner(request)), "WRITE")) {
                // an anonymous upload, which the bucket's ACL lets anyone make
                caller = new Authenticator.Caller("anonymous", "us-east-1");
            }
            else {
                throw ServiceException.user("AccessDenied", 403, "Access Denied: a browser upload needs a policy signed with a configured access key, "
                        + "unless the bucket's ACL grants AllUsers WRITE");
            }
            fields.put("bucket", bucket);
            // S3 checks the key the upload will have, ${filename} replaced
            fields.put("key", key);
            if (fields.containsKey("policy")) {
                PostPolicy.check(fields.get("policy"), fields, form.fileSize(), clock.instant());
            }
            BucketSubresources.Owner owner = owner(request);
            Optional<List<Acls.Grant>> acl = Optional.ofNullable(fields.get("acl")).map(String::trim).map(canned -> Acls.canned(canned, owner, false));
            if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
                throw ServiceException.user("KeyTooLongError", "Your key is too long");
            }

            Map<String, List<String>> formHeaders = new TreeMap<>();
            fields.forEach((name, value) -> {
                if (name.startsWith("x-amz-meta-") || Set.of("cache-control", "content-disposition", "content-encoding", "expires", "x-amz-storage-class",
                        "x-amz-server-side-encryption", "x-amz-website-redirect-location").contains(name)) {
                    formHeaders.put(name, List.of(value));
                }
            });
            formHeaders.put("content-type", List.of(Optional.ofNullable(fields.get("content-type")).orElse("binary/octet-stream")));
            Map<String, List<String>> headers = UserMetadata.forStore(formHeaders);
            String path = "/" + bucket + "/" + QueryStrings.encode(key, true);
            String eTag;
            try (S3Upstream.Response answer = upstream.exchange(new S3Upstream.Request("PUT", path, "", headers, new S3Upstream.Body.File(form.file())))) {
                InputStream body = answerBody(answer, request);
                if (answer.status() >= 300) {
                    relay(answer, body, response);
                    return;
                }
                body.close();
                eTag = answer.headers().entrySet().stream().filter(header -> header.getKey().equalsIgnoreCase("etag"))
                        .flatMap(header -> header.getValue().stream()).findFirst().orElse("");
                Optional<String> versionId = header(answer, "x-amz-version-id");
                objectAcls.versionCreated(bucket, key, versionId, acl);
                if (versionId.isPresent()) {
                    objectLocks.versionCreated(bucket, key, versionId.get(), ObjectLocks.Requested.NOTHING);
                }
            }
            Optional<NotificationConfiguration> configuration = notifications.get(bucket);
            if (configuration.isPresent()) {
                emit(S3EventTypes.CREATED_POST, bucket, key, configuration.get(), request, caller);
            }
            String location = request.header("host").map(host -> "http://" + host).orElse("") + path;
            response.setHeader("x-amz-request-id", request.requestId());
            response.setHeader("ETag", eTag);
            response.setHeader("Location", location);
            Optional<String> redirect = Optional.ofNullable(fields.get("success_action_redirect")).or(() -> Optional.ofNullable(fields.get("redirect")))
                    .filter(url -> url.startsWith("http://") || url.startsWith("https://"));
            if (redirect.isPresent()) {
                response.setStatus(303);
                response.setHeader("Location", redirect.get() + (redirect.get().contains("?") ? "&" : "?") + "bucket=" + QueryStrings.encode(bucket, false)
                        + "&key=" + QueryStrings.encode(key, false) + "&etag=" + QueryStrings.encode(eTag, false));
                response.setContentLength(0);
                return;
            }
            String status = fields.getOrDefault("success_action_status", "204");
            if (status.equals("201")) {
                byte[] document = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PostResponse><Location>" + Xml.escape(location) + "</Location><Bucket>"
                        + Xml.escape(bucket) + "</Bucket><Key>" + Xml.escape(key) + "</Key><ETag>" + Xml.escape(eTag) + "</ETag></PostResponse>")
                        .getBytes(StandardCharsets.UTF_8);
                response.setStatus(201);
                response.setContentType("application/xml");
                response.setContentLength(document.length);
                response.getOutputStream().write(document);
                return;
            }
            response.setStatus(status.equals("200") ? 200 : 204);
            response.setContentLength(0);
        }
    }

    /** The account's owner as the S3 server names it in ListBuckets, asked once. */
    private BucketSubresources.Owner owner(AwsRequest request)
            throws IOException
    {
        BucketSubresources.Owner known = owner;
        if (known == null) {
            try (S3Upstream.Response answer = upstream.exchange(new S3Upstream.Request("GET", "/", "", Map.of(), new S3Upstream.Body.None()))) {
                Element root = Xml.parse(answerBody(answer, request).readAllBytes());
                Element ownerElement = Xml.children(root, "Owner").stream().findFirst()
                        .orElseThrow(() -> ServiceException.external("InternalError", "the S3 server's ListBuckets names no owner", null));
                known = new BucketSubresources.Owner(Xml.childText(ownerElement, "ID").orElse(accountId),
                        Xml.childText(ownerElement, "DisplayName").filter(name -> !name.isBlank()).orElse(DISPLAY_NAME));
                owner = known;
            }
        }
        return known;
    }

    private void listObjects(AwsRequest request, Target target, AwsResponse response)
            throws IOException
    {
        String bucket = target.bucket().orElseThrow();
        ObjectListings.UpstreamQuery query = ObjectListings.upstreamQuery(request, bucket);
        try (S3Upstream.Response answer = upstream.exchange(new S3Upstream.Request("GET", target.forwardPath(), query.rawQuery(), Map.of(),
                new S3Upstream.Body.None()))) {
            byte[] document = answerBody(answer, request).readAllBytes();
            if (answer.status() != 200) {
                relay(answer, new ByteArrayInputStream(document), response);
                return;
            }
            writeXml(request, response, withDisplayNames(ObjectListings.page(request, bucket, query, document), owner(request)));
        }
    }

    /**
     * ListObjectVersions, whose truncated pages S3 always continues with a NextVersionIdMarker; the S3 server leaves it
     * out (its pages end with a key's last version), and clients then send it back empty.
     */
    private void listObjectVersions(AwsRequest request, Target target, AwsResponse response)
            throws IOException
    {
        try (S3Upstream.Response answer = upstream.exchange(new S3Upstream.Request("GET", target.forwardPath(), request.rawQuery(), Map.of(),
                new S3Upstream.Body.None()))) {
            byte[] document = answerBody(answer, request).readAllBytes();
            String text = new String(document, StandardCharsets.UTF_8);
            // the S3 server names its root ListBucketResult rather than ListVersionsResult: whichever it is, the markers go at its end
            if (answer.status() != 200) {
                relay(answer, new ByteArrayInputStream(document), response);
                return;
            }
            if (!text.contains("<IsTruncated>true</IsTruncated>") || !text.stripTrailing().endsWith("Result>")
                    || (text.contains("<NextKeyMarker>") && text.contains("<NextVersionIdMarker>"))) {
                writeXml(request, response, withDisplayNames(document, owner(request)));
                return;
            }
            Element root = Xml.parse(document);
            Optional<String> nextKey = S3Xml.rawChildText(root, "NextKeyMarker");
            Optional<Element> last = Optional.empty();
            for (Element entry : Xml.children(root)) {
                if ((Xml.localName(entry).equals("Version") || Xml.localName(entry).equals("DeleteMarker"))
                        && (nextKey.isEmpty() || S3Xml.rawChildText(entry, "Key").equals(nextKey))) {
                    last = Optional.of(entry);
                }
            }
            String missing = "";
            if (nextKey.isEmpty()) {
                missing += "<NextKeyMarker>" + Xml.escape(last.flatMap(entry -> S3Xml.rawChildText(entry, "Key")).orElse("")) + "</NextKeyMarker>";
            }
            if (!text.contains("<NextVersionIdMarker>")) {
                missing += "<NextVersionIdMarker>" + Xml.escape(last.flatMap(entry -> Xml.childText(entry, "VersionId")).orElse("null"))
                        + "</NextVersionIdMarker>";
            }
            int end = text.lastIndexOf("</");
            writeXml(request, response, withDisplayNames((text.substring(0, end) + missing + text.substring(end)).getBytes(StandardCharsets.UTF_8),
                    owner(request)));
        }
    }

    /** S3 names us-east-1 by an empty LocationConstraint; the S3 server says "null" or the region. */
    private void getBucketLocation(AwsRequest request, Target target, AwsResponse response)
            throws IOException
    {
        try (S3Upstream.Response answer = upstream.exchange(new S3Upstream.Request("GET", target.forwardPath(), "location", Map.of(),
                new S3Upstream.Body.None()))) {
            byte[] document = answerBody(answer, request).readAllBytes();
            if (answer.status() != 200) {
                relay(answer, new ByteArrayInputStream(document), response);
                return;
            }
            String location = locationConstraint(document);
            writeXml(request, response, ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                    + Xml.escape(location) + "</LocationConstraint>").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The LocationConstraint of a bucket as S3 names it: empty for us-east-1, where the S3 server says "null" or the region. */
    private static String locationConstraint(byte[] document)
    {
        String location = Xml.parse(document).getTextContent().trim();
        return location.equals("null") || location.equals("us-east-1") ? "" : location;
    }

    /**
     * The region a bucket was created in, which its event notifications name ({@code awsRegion}) whoever wrote the
     * object; a bucket's region never changes, so it is asked of the S3 server once per bucket.
     */
    private String bucketRegion(String bucket, Authenticator.Caller caller)
            throws IOException
    {
        String known = bucketRegions.get(bucket);
        if (known != null) {
            return known;
        }
        try (S3Upstream.Response answer = upstream.exchange(new S3Upstream.Request("GET", "/" + bucket, "location", Map.of(),
                new S3Upstream.Body.None()))) {
            byte[] document = answer.body().readAllBytes();
            if (answer.status() != 200) {
                log.warn("cannot read the region of bucket {} (HTTP {}); its event names the writer's region {}", bucket, answer.status(), caller.region());
                return caller.region();
            }
            String location = locationConstraint(document);
            String region = location.isEmpty() ? "us-east-1" : location.equals("EU") ? "eu-west-1" : location;
            bucketRegions.put(bucket, region);
            return region;
        }
    }

    /**
     * What S3 decides about a CreateBucket before it creates anything: a region-specific endpoint (a request signed for a
     * region other than us-east-1) takes only a LocationConstraint naming its own region, and in us-east-1 creating a
     * bucket one owns already succeeds (S3's legacy answer there).
     *
     * @return whether the request was answered
     */
    private boolean createBucketAnswered(AwsRequest request, Authenticator.Caller caller, String bucket, Optional<byte[]> checkedBody,
            AwsResponse response)
            throws IOException
    {
        Optional<String> location = checkedBody.filter(document -> document.length > 0)
                .flatMap(document -> Xml.childText(Xml.parse(document), "LocationConstraint"))
                .map(String::trim)
                .filter(constraint -> !constraint.isEmpty());
        String region = caller.region();
        if (checkedBody.isPresent() && !region.equals("us-east-1")) {
            boolean sameRegion = location.isPresent() && (location.get().equals(region) || (location.get().equals("EU") && region.equals("eu-west-1")));
            if (!sameRegion) {
                throw ServiceException.user("IllegalLocationConstraintException", "The " + location.orElse("unspecified")
                        + " location constraint is incompatible for the region specific endpoint this request was sent to (" + region
                        + "): give CreateBucketConfiguration/LocationConstraint " + region);
            }
        }
        if (region.equals("us-east-1") && location.filter(constraint -> !constraint.equals("us-east-1")).isEmpty() && objects.bucketExists(bucket)) {
            // S3 resets the ACL of a bucket created again
            bucketSubresources.setAcl(bucket, Acls.hasHeaders(request) ? Acls.fromHeaders(request, owner(request), true) : Optional.empty());
            response.setStatus(200);
            response.setHeader("x-amz-request-id", request.requestId());
            response.setHeader("Location", "/" + bucket);
            response.setContentLength(0);
            return true;
        }
        return false;
    }

    /** ListBuckets of one region: the S3 server's filter drops every bucket, so the endpoint filters its whole list. */
    private void listBucketsOfRegion(AwsRequest request, AwsResponse response)
            throws IOException
    {
        String region = request.queryParameter("bucket-region").orElseThrow();
        try (S3Upstream.Response answer = upstream.exchange(new S3Upstream.Request("GET", "/", withoutParameter(request.rawQuery(), "bucket-region"),
                Map.of(), new S3Upstream.Body.None()))) {
            byte[] document = answerBody(answer, request).readAllBytes();
            if (answer.status() != 200) {
                relay(answer, new ByteArrayInputStream(document), response);
                return;
            }
            Element root = Xml.parse(document);
            for (Element buckets : Xml.children(root, "Buckets")) {
                for (Element bucket : Xml.children(buckets, "Bucket")) {
                    String bucketRegion = Xml.childText(bucket, "BucketRegion").filter(name -> !name.isEmpty() && !name.equals("null")).orElse("us-east-1");
                    if (!bucketRegion.equals(region)) {
                        buckets.removeChild(bucket);
                    }
                }
            }
            writeXml(request, response, withDisplayNames(serialize(root), owner(request)));
        }
    }

    private static byte[] serialize(Element root)
    {
        try {
            javax.xml.transform.Transformer transformer = javax.xml.transform.TransformerFactory.newInstance().newTransformer();
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            transformer.transform(new javax.xml.transform.dom.DOMSource(root), new javax.xml.transform.stream.StreamResult(out));
            return out.toByteArray();
        }
        catch (javax.xml.transform.TransformerException e) {
            throw new IllegalStateException("writing a parsed document back", e);
        }
    }

    private static void writeXml(AwsRequest request, AwsResponse response, byte[] document)
            throws IOException
    {
        response.setStatus(200);
        response.setHeader("x-amz-request-id", request.requestId());
        response.setContentType("application/xml");
        response.setContentLength(document.length);
        response.getOutputStream().write(document);
    }

    private static Map<String, List<String>> with(Map<String, List<String>> headers, String name, String value)
    {
        Map<String, List<String>> changed = new TreeMap<>(headers);
        changed.put(name, List.of(value));
        return changed;
    }

    /** S3 keeps an object's content encodings but aws-chunked, which names the framing of the upload, not of the object. */
    static Map<String, List<String>> withoutAwsChunked(Map<String, List<String>> headers)
    {
        if (headers.getOrDefault("content-encoding", List.of()).stream().noneMatch(value -> value.toLowerCase(Locale.ROOT).contains("aws-chunked"))) {
            return headers;
        }
        List<String> encodings = headers.getOrDefault("content-encoding", List.of()).stream()
                .flatMap(value -> java.util.Arrays.stream(value.split(",")))
                .map(String::trim)
                .filter(encoding -> !encoding.isEmpty() && !encoding.equalsIgnoreCase("aws-chunked"))
                .toList();
        Map<String, List<String>> changed = new TreeMap<>(headers);
        if (encodings.isEmpty()) {
            changed.remove("content-encoding");
        }
        else {
            changed.put("content-encoding", List.of(String.join(", ", encodings)));
        }
        return changed;
    }

    /** The raw query without the parameter. */
    static String withoutParameter(String rawQuery, String name)
    {
        StringBuilder kept = new StringBuilder();
        for (String parameter : rawQuery.split("&")) {
            if (parameter.isEmpty() || parameter.equals(name) || parameter.startsWith(name + "=")) {
                continue;
            }
            if (kept.length() > 0) {
                kept.append('&');
            }
            kept.append(parameter);
        }
        return kept.toString();
    }

    /** PutObject, CopyObject and CreateMultipartUpload name a key to create, which S3 allows 1,024 bytes of UTF-8. */
    private static void checkKeyLength(AwsRequest request, Target target)
    {
        if (target.rawKey().isEmpty()) {
            return;
        }
        boolean subresource = request.queryParameters().stream().anyMatch(parameter -> OBJECT_SUBRESOURCES.contains(parameter.getKey()));
        boolean creates = (request.method().equals("PUT") && !subresource) || (request.method().equals("POST") && request.hasQueryParameter("uploads"));
        if (creates && target.key().orElseThrow().getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw ServiceException.user("KeyTooLongError", "Your key is too long");
        }
    }

    /** S3 ignores a {@code Range} it cannot parse (and a list of ranges) and answers the whole object; the S3 server refuses it. */
    static Map<String, List<String>> withoutUnreadableRange(Map<String, List<String>> headers)
    {
        List<String> range = headers.get("range");
        if (range == null || (range.size() == 1 && isByteRange(range.get(0)))) {
            return headers;
        }
        log.debug("ignoring Range {}, as S3 does", range);
        Map<String, List<String>> without = new TreeMap<>(headers);
        without.remove("range");
        return without;
    }

    static boolean isByteRange(String value)
    {
        Matcher range = BYTE_RANGE.matcher(value.trim());
        if (!range.matches()) {
            return false;
        }
        return range.group(1) == null || range.group(2) == null || Long.parseLong(range.group(1)) <= Long.parseLong(range.group(2));
    }

    /**
     * The body of the S3 server's answer. An error in anything but S3's {@code <Error>} document (the S3 server answers
     * some requests with an HTML page or its framework's JSON) is replaced by an S3 error with the same status, named
     * {@code InvalidRequest} (4xx) or {@code InternalError} (5xx); the original goes to the log.
     */
    private static InputStream answerBody(S3Upstream.Response answer, AwsRequest request)
            throws IOException
    {
        int status = answer.status();
        if (status < 400 || request.method().equals("HEAD")) {
            return answer.body();
        }
        byte[] document = answer.body().readNBytes(MAX_ERROR_DOCUMENT);
        if (isS3Error(document)) {
            return new ByteArrayInputStream(withRequestId(document, answer, request));
        }
        String asked = request.method() + " " + request.rawPath() + (request.rawQuery().isEmpty() ? "" : "?" + request.rawQuery());
        String contentType = answer.headers().entrySet().stream()
                .filter(header -> header.getKey().equalsIgnoreCase("content-type"))
                .flatMap(header -> header.getValue().stream())
                .findFirst()
                .orElse("no content type");
        String text = new String(document, StandardCharsets.UTF_8);
        log.warn("{}: the S3 server answered {} with HTTP {} and no S3 error document ({}): {}", request.requestId(), asked, status, contentType,
                text.length() > 2000 ? text.substring(0, 2000) + "..." : text);
        boolean xmlDocument = request.queryParameters().stream().map(Map.Entry::getKey).anyMatch(name -> request.method().equals("PUT")
                ? XML_PUT_SUBRESOURCES.contains(name)
                : request.method().equals("POST") && XML_POST_SUBRESOURCES.contains(name));
        String code = switch (status) {
            // the S3 server refuses a configuration document it cannot read (an unknown enumeration value) with no code
            case 400 -> xmlDocument ? "MalformedXML" : "InvalidRequest";
            case 405 -> "MethodNotAllowed";
            case 501 -> "NotImplemented";
            default -> status >= 500 ? "InternalError" : "InvalidRequest";
        };
        throw new ServiceException(status >= 500 ? ErrorKind.EXTERNAL : ErrorKind.USER, code, status, "The S3 server "
                + (status >= 500 ? "failed on " : "refused ") + asked + " with HTTP " + status + " and no S3 error; lakestack's log has its answer (request id "
                + request.requestId() + ").");
    }

    /** S3's errors name their request, as its x-amz-request-id header does; the S3 server's do not always. */
    private static byte[] withRequestId(byte[] document, S3Upstream.Response answer, AwsRequest request)
    {
        String text = new String(document, StandardCharsets.UTF_8);
        if (text.contains("<RequestId>") || !text.contains("</Error>")) {
            return document;
        }
        String requestId = request.requestId();
        int end = text.lastIndexOf("</Error>");
        return (text.substring(0, end) + "<RequestId>" + Xml.escape(requestId) + "</RequestId>" + text.substring(end)).getBytes(StandardCharsets.UTF_8);
    }

    private static boolean isS3Error(byte[] document)
    {
        try {
            Element root = Xml.parse(document);
            return Xml.localName(root).equals("Error") && Xml.childText(root, "Code").isPresent();
        }
        catch (ServiceException notXml) {
            return false;
        }
    }

    private Optional<String> eventFor(AwsRequest request, Target target)
    {
        if (target.rawKey().isEmpty()) {
            return Optional.empty();
        }
        boolean subresource = request.queryParameters().stream().anyMatch(parameter -> OBJECT_SUBRESOURCES.contains(parameter.getKey()));
        return switch (request.method()) {
            case "PUT" -> subresource ? Optional.empty()
                    : Optional.of(request.header("x-amz-copy-source").isPresent() ? S3EventTypes.CREATED_COPY : S3EventTypes.CREATED_PUT);
            case "POST" -> request.hasQueryParameter("uploadId") ? Optional.of(S3EventTypes.CREATED_COMPLETE_MULTIPART_UPLOAD) : Optional.empty();
            case "DELETE" -> subresource ? Optional.empty() : Optional.of(S3EventTypes.REMOVED_DELETE);
            default -> Optional.empty();
        };
    }

    private void emit(String eventName, String bucket, String key, NotificationConfiguration configuration, AwsRequest request,
            Authenticator.Caller caller)
            throws IOException
    {
        List<DestinationConfiguration> destinations = configuration.destinations().stream()
                .filter(destination -> destination.matches(eventName, key))
                .toList();
        if (destinations.isEmpty() && !configuration.eventBridge()) {
            return;
        }
        Optional<Long> size = Optional.empty();
        Optional<String> eTag = Optional.empty();
        Optional<String> versionId = Optional.empty();
        if (eventName.startsWith("ObjectCreated:")) {
            Optional<ObjectStore.ObjectInfo> written = objects.head(bucket, key);
            if (written.isEmpty()) {
                log.warn("object s3://{}/{} was written but is not found; no {} event", bucket, key, eventName);
                return;
            }
            size = Optional.of(written.get().size());
            eTag = Optional.of(written.get().eTag());
            versionId = written.get().versionId();
        }
        S3EventDocuments.ObjectEvent event = new S3EventDocuments.ObjectEvent(eventName, bucket, key, size, eTag, versionId,
                String.format("%016X", sequencer.incrementAndGet()), clock.instant(), bucketRegion(bucket, caller), accountId, caller.accessKey(),
                request.remoteAddress(), request.requestId(), request.hostId());
        String recordKey = bucket + "/" + key;
        for (DestinationConfiguration destination : destinations) {
            events.publish(NotificationTopics.topicFor(destination.arn()), recordKey, S3EventDocuments.records(event, destination.id()));
        }
        if (configuration.eventBridge()) {
            events.publish(NotificationTopics.EVENTBRIDGE_TOPIC, recordKey, S3EventDocuments.eventBridge(event));
        }
    }

    private void putNotificationConfiguration(AwsRequest request, Authenticator.Caller caller, String bucket, AwsResponse response)
            throws IOException
    {
        requireBucket(bucket);
        NotificationConfiguration configuration = NotificationXml.parse(request.body(), () -> UUID.randomUUID().toString());
        configuration.validate();
        for (DestinationConfiguration destination : configuration.destinations()) {
            events.declare(NotificationTopics.topicFor(destination.arn()));
        }
        if (configuration.eventBridge()) {
            events.declare(NotificationTopics.EVENTBRIDGE_TOPIC);
        }
        if (configuration.isEmpty()) {
            notifications.delete(bucket);
        }
        else {
            notifications.put(bucket, configuration);
        }
        Instant now = clock.instant();
        for (DestinationConfiguration destination : configuration.destinations()) {
            if (destination.type() != DestinationType.LAMBDA_FUNCTION) {
                events.publish(NotificationTopics.topicFor(destination.arn()), bucket,
                        S3EventDocuments.testEvent(bucket, now, request.requestId(), request.hostId()));
            }
        }
        log.info("bucket {}: notification configuration with {} destination(s){} set by {}", bucket, configuration.destinations().size(),
                configuration.eventBridge() ? " and EventBridge" : "", caller.accessKey());
        response.setStatus(200);
        response.setHeader("x-amz-request-id", request.requestId());
        response.setContentLength(0);
    }

    private void getNotificationConfiguration(AwsRequest request, String bucket, AwsResponse response)
            throws IOException
    {
        requireBucket(bucket);
        byte[] document = NotificationXml.write(notifications.get(bucket).orElse(NotificationConfiguration.EMPTY)).getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.setHeader("x-amz-request-id", request.requestId());
        response.setContentType("application/xml");
        response.setContentLength(document.length);
        response.getOutputStream().write(document);
    }

    private void requireBucket(String bucket)
            throws IOException
    {
        if (!objects.bucketExists(bucket)) {
            throw ServiceException.user("NoSuchBucket", 404, "The specified bucket does not exist: " + bucket);
        }
    }

    private static List<String> deletedKeys(byte[] document)
    {
        List<String> keys = new ArrayList<>();
        Element root = Xml.parse(document);
        for (Element deleted : Xml.children(root, "Deleted")) {
            S3Xml.rawChildText(deleted, "Key").ifPresent(keys::add);
        }
        return keys;
    }

    private static void relay(S3Upstream.Response upstream, InputStream body, AwsResponse response)
            throws IOException
    {
        relay(upstream, upstream.status(), body, response, Map.of());
    }

    private static void relay(S3Upstream.Response upstream, int status, InputStream body, AwsResponse response, Map<String, String> overrides)
            throws IOException
    {
        relay(upstream, status, body, response, overrides, name -> false);
    }

    /** @param hidden the S3 server's headers left out of the answer */
    private static void relay(S3Upstream.Response upstream, int status, InputStream body, AwsResponse response, Map<String, String> overrides,
            Predicate<String> hidden)
            throws IOException
    {
        response.setStatus(status);
        upstream.headers().forEach((name, values) -> {
            if (hidden.test(name)) {
                return;
            }
            if (name.toLowerCase(Locale.ROOT).startsWith("access-control-") || name.equalsIgnoreCase("x-amz-request-id")) {
                // the S3 server's own CORS answer, which is not the bucket's, and its request id, which is not the endpoint's
                return;
            }
            if (name.equalsIgnoreCase("content-type")) {
                // replaces the HTTP server's default type rather than adding a second Content-Type
                values.stream().findFirst().ifPresent(response::setContentType);
            }
            else {
                values.forEach(value -> response.addHeader(name, UserMetadata.fromStore(name, value)));
            }
        });
        overrides.forEach(response::setHeader);
        try (InputStream in = body) {
            OutputStream out = response.getOutputStream();
            in.transferTo(out);
            out.flush();
        }
    }
}
