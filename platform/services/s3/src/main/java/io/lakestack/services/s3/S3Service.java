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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
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
    private static final Logger log = LoggerFactory.getLogger(S3Service.class);

    private static final Set<String> OBJECT_SUBRESOURCES = Set.of(
            "uploadId", "partNumber", "tagging", "acl", "retention", "legal-hold", "attributes", "restore", "torrent", "select", "uploads");
    private static final int MAX_KEY_BYTES = 1024;
    private static final Pattern BYTE_RANGE = Pattern.compile("bytes=(\\d{1,18})-(\\d{1,18})?|bytes=-\\d{1,18}");
    private static final int MAX_ERROR_DOCUMENT = 1024 * 1024;

    private final S3Upstream upstream;
    private final ObjectStore objects;
    private final RecordStore<NotificationConfiguration> notifications;
    private final EventSink events;
    private final String accountId;
    private final Set<String> virtualHostSuffixes;
    private final Clock clock;
    private final AtomicLong sequencer;
    private final ContinuationTokens continuationTokens = new ContinuationTokens();
    private final Path spoolDirectory;

    /**
     * @param upstream the S3 server requests are forwarded to
     * @param objects the same server, for what the service looks up itself (a bucket's existence, a written object's size)
     * @param notifications bucket notification configurations, by bucket name
     * @param spoolDirectory where upload bodies whose hash must be checked wait until it is: a directory of lakestack's
     *         own, which its owner clears when it starts (a killed process leaves files behind)
     */
    public S3Service(S3Upstream upstream, ObjectStore objects, RecordStore<NotificationConfiguration> notifications, EventSink events, String accountId,
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
        Optional<String> eventName = eventFor(request, target);
        boolean deleteObjects = method.equals("POST") && target.rawKey().isEmpty() && request.hasQueryParameter("delete");
        boolean deleteBucket = method.equals("DELETE") && target.rawKey().isEmpty() && target.bucket().isPresent()
                && request.queryParameters().isEmpty();
        Optional<NotificationConfiguration> configuration = target.bucket().flatMap(notifications::get);

        boolean listObjectsV2 = method.equals("GET") && target.bucket().isPresent() && target.rawKey().isEmpty()
                && request.queryParameter("list-type").filter("2"::equals).isPresent();
        if (listObjectsV2) {
            Optional<String> token = request.queryParameter("continuation-token");
            if (token.isPresent() && !continuationTokens.issued(target.bucket().get(), token.get())) {
                throw ServiceException.user("InvalidArgument", "The continuation token provided is incorrect: give the NextContinuationToken of "
                        + "a ListObjectsV2 of bucket " + target.bucket().get() + " since lakestack started, or none to list from the start");
            }
        }

        try (S3UploadBody body = checkedBody.isPresent() ? S3UploadBody.ofBytes(request, checkedBody.get()) : S3UploadBody.of(request, caller, spoolDirectory)) {
            S3Upstream.Request forward = new S3Upstream.Request(method, target.forwardPath(), request.rawQuery(), withoutUnreadableRange(body.headers()),
                    body.body());
            if (listObjectsV2) {
                try (S3Upstream.Response upstreamResponse = upstream.exchange(forward)) {
                    byte[] document = answerBody(upstreamResponse, request).readAllBytes();
                    if (upstreamResponse.status() == 200) {
                        continuationTokens.remember(target.bucket().get(), document);
                    }
                    relay(upstreamResponse, new ByteArrayInputStream(document), response);
                }
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
                    if (deleteBucket) {
                        notifications.delete(target.bucket().get());
                    }
                    if (eventName.isPresent() && configuration.isPresent()) {
                        if (eventName.get().equals(S3EventTypes.CREATED_COMPLETE_MULTIPART_UPLOAD)) {
                            // S3 may answer 200 with an <Error> document to a CompleteMultipartUpload
                            byte[] document = answer.readAllBytes();
                            if (!new String(document, StandardCharsets.UTF_8).contains("<Error>")) {
                                emit(eventName.get(), target.bucket().get(), target.key().orElseThrow(), configuration.get(), request, caller);
                            }
                            relay(upstreamResponse, new ByteArrayInputStream(document), response);
                            return;
                        }
                        emit(eventName.get(), target.bucket().get(), target.key().orElseThrow(), configuration.get(), request, caller);
                    }
                }
                relay(upstreamResponse, answer, response);
            }
        }
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
            return new ByteArrayInputStream(document);
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
        String code = switch (status) {
            case 405 -> "MethodNotAllowed";
            case 501 -> "NotImplemented";
            default -> status >= 500 ? "InternalError" : "InvalidRequest";
        };
        throw new ServiceException(status >= 500 ? ErrorKind.EXTERNAL : ErrorKind.USER, code, status, "The S3 server "
                + (status >= 500 ? "failed on " : "refused ") + asked + " with HTTP " + status + " and no S3 error; lakestack's log has its answer (request id "
                + request.requestId() + ").");
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
                String.format("%016X", sequencer.incrementAndGet()), clock.instant(), caller.region(), accountId, caller.accessKey(),
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
            Xml.childText(deleted, "Key").ifPresent(keys::add);
        }
        return keys;
    }

    private static void relay(S3Upstream.Response upstream, InputStream body, AwsResponse response)
            throws IOException
    {
        response.setStatus(upstream.status());
        upstream.headers().forEach((name, values) -> {
            if (name.equalsIgnoreCase("content-type")) {
                // replaces the HTTP server's default type rather than adding a second Content-Type
                values.stream().findFirst().ifPresent(response::setContentType);
            }
            else {
                values.forEach(value -> response.addHeader(name, value));
            }
        });
        try (InputStream in = body) {
            OutputStream out = response.getOutputStream();
            in.transferTo(out);
            out.flush();
        }
    }
}
