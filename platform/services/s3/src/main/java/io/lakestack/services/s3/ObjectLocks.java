package io.lakestack.services.s3;

import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.endpoint.protocol.AwsResponse;
import io.lakestack.endpoint.protocol.QueryStrings;
import io.lakestack.endpoint.protocol.Xml;
import io.lakestack.spi.ErrorKind;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.s3.ObjectStore;
import io.lakestack.spi.s3.S3Upstream;
import io.lakestack.spi.store.RecordStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * S3 Object Lock, kept and enforced by lakestack: the S3 server underneath keeps one retention per key and enforces
 * none, so the endpoint keeps the bucket's {@code <ObjectLockConfiguration>} ({@link BucketConfiguration#objectLock()})
 * and each version's retention and legal hold ({@link ObjectLockState}, in a {@link RecordStore} by bucket, key and
 * version id), and refuses to delete a protected version or shorten its retention.
 *
 * <ul>
 *     <li>A bucket created with {@code x-amz-bucket-object-lock-enabled: true} is versioned and has object lock; a
 *     versioned bucket can have it enabled by {@code PutObjectLockConfiguration}; its versioning cannot be suspended.</li>
 *     <li>A new version (PutObject, CopyObject, CompleteMultipartUpload) gets the retention and legal hold its headers ask for,
 *     else the bucket's default retention, counted from the version's creation.</li>
 *     <li>Deleting a version under legal hold, or retained in COMPLIANCE mode, or in GOVERNANCE mode without
 *     {@code x-amz-bypass-governance-retention: true}, is refused with 403 {@code AccessDenied}; so is shortening a retention or
 *     changing its mode (GOVERNANCE may be changed with the bypass). Retention is compared with the endpoint's clock.</li>
 * </ul>
 */
final class ObjectLocks
{
    private static final Logger log = LoggerFactory.getLogger(ObjectLocks.class);

    static final String MODE_HEADER = "x-amz-object-lock-mode";
    static final String RETAIN_UNTIL_HEADER = "x-amz-object-lock-retain-until-date";
    static final String LEGAL_HOLD_HEADER = "x-amz-object-lock-legal-hold";
    static final String BUCKET_LOCK_HEADER = "x-amz-bucket-object-lock-enabled";
    static final String BYPASS_HEADER = "x-amz-bypass-governance-retention";
    /** The headers of a request that lakestack answers and the S3 server never sees. */
    static final Set<String> REQUEST_HEADERS = Set.of(MODE_HEADER, RETAIN_UNTIL_HEADER, LEGAL_HOLD_HEADER, BUCKET_LOCK_HEADER, "x-amz-bucket-object-lock-token");
    static final String PROTECTED = "Access Denied because object protected by object lock.";
    private static final Set<String> MODES = Set.of("GOVERNANCE", "COMPLIANCE");
    private static final String XMLNS = "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";
    private static final String ENABLED = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ObjectLockConfiguration " + XMLNS
            + "><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>";
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;
    private static final int MAX_DOCUMENT_BYTES = 64 * 1024;
    private static final int MAX_DAYS = 36500;
    private static final int MAX_YEARS = 100;

    /** A bucket's default retention. */
    record DefaultRetention(String mode, int days, int years)
    {
        Instant until(Instant created)
        {
            return years > 0 ? ZonedDateTime.ofInstant(created, ZoneOffset.UTC).plusYears(years).toInstant() : created.plusSeconds(days * 86_400L);
        }
    }

    /** What the headers of a request creating an object ask for; empty fields where they ask nothing. */
    record Requested(Optional<String> mode, Optional<Instant> retainUntil, Optional<String> legalHold)
    {
        static final Requested NOTHING = new Requested(Optional.empty(), Optional.empty(), Optional.empty());
    }

    private final RecordStore<BucketConfiguration> configurations;
    private final RecordStore<ObjectLockState> states;
    private final S3Upstream upstream;
    private final ObjectStore objects;
    private final Clock clock;

    ObjectLocks(RecordStore<BucketConfiguration> configurations, RecordStore<ObjectLockState> states, S3Upstream upstream, ObjectStore objects, Clock clock)
    {
        this.configurations = requireNonNull(configurations, "configurations is null");
        this.states = requireNonNull(states, "states is null");
        this.upstream = requireNonNull(upstream, "upstream is null");
        this.objects = requireNonNull(objects, "objects is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    boolean enabled(String bucket)
    {
        return configurations.get(bucket).flatMap(BucketConfiguration::objectLock).isPresent();
    }

    /** Whether a CreateBucket asks for object lock. */
    static boolean requestedForBucket(AwsRequest request)
    {
        return request.header(BUCKET_LOCK_HEADER).map(value -> value.trim().equalsIgnoreCase("true")).orElse(false);
    }

    /** A bucket just created with object lock: versioning is enabled on the S3 server, and the lock kept. */
    void bucketCreated(String bucket)
            throws IOException
    {
        enableVersioning(bucket);
        setConfiguration(bucket, ENABLED);
        log.info("bucket {}: created with object lock", bucket);
    }

    private void enableVersioning(String bucket)
            throws IOException
    {
        byte[] document = ("<VersioningConfiguration " + XMLNS + "><Status>Enabled</Status></VersioningConfiguration>").getBytes(StandardCharsets.UTF_8);
        try (S3Upstream.Response answer = upstream.exchange(new S3Upstream.Request("PUT", "/" + bucket, "versioning",
                Map.of("content-type", List.of("application/xml")), new S3Upstream.Body.Bytes(document)))) {
            answer.body().readAllBytes();
            if (answer.status() != 200) {
                throw new IllegalStateException("The S3 server did not enable versioning on " + bucket + ": HTTP " + answer.status());
            }
        }
    }

    private void setConfiguration(String bucket, String document)
    {
        BucketConfiguration configuration = configurations.get(bucket).orElse(BucketConfiguration.NONE);
        configurations.put(bucket, configuration.with("object-lock", Optional.of(document)));
    }

    /** A bucket's versioning status on the S3 server: {@code Enabled}, {@code Suspended}, or empty when never set. */
    private String versioning(String bucket)
            throws IOException
    {
        try (S3Upstream.Response answer = upstream.exchange(new S3Upstream.Request("GET", "/" + bucket, "versioning", Map.of(), new S3Upstream.Body.None()))) {
            byte[] document = answer.body().readAllBytes();
            if (answer.status() != 200) {
                return "";
            }
            return Xml.childText(Xml.parse(document), "Status").map(String::trim).orElse("");
        }
    }

    /** PutBucketVersioning of a bucket with object lock: its versioning stays enabled. */
    void checkVersioning(String bucket, byte[] document)
    {
        String status = Xml.childText(Xml.parse(document), "Status").map(String::trim).orElse("");
        if (!status.equals("Enabled")) {
            throw ServiceException.user("InvalidBucketState", 409, "An Object Lock configuration is present on this bucket, so the versioning state "
                    + "cannot be changed.");
        }
    }

    /** {@code GET} and {@code PUT} of a bucket's {@code ?object-lock}. */
    void handleConfiguration(AwsRequest request, String bucket, AwsResponse response)
            throws IOException
    {
        requireBucket(bucket);
        switch (request.method()) {
            case "GET" -> {
                String document = configurations.get(bucket).flatMap(BucketConfiguration::objectLock)
                        .orElseThrow(() -> ServiceException.user("ObjectLockConfigurationNotFoundError", 404,
                                "Object Lock configuration does not exist for this bucket"));
                BucketSubresources.writeXml(request, response, document.getBytes(StandardCharsets.UTF_8));
            }
            case "PUT" -> {
                String document = validatedConfiguration(read(request));
                if (!enabled(bucket)) {
                    if (!versioning(bucket).equals("Enabled")) {
                        throw ServiceException.user("InvalidBucketState", 409, "Versioning must be 'Enabled' on the bucket to apply a Object Lock "
                                + "configuration");
                    }
                }
                setConfiguration(bucket, document);
                log.info("bucket {}: object lock configuration set", bucket);
                BucketSubresources.writeXml(request, response, new byte[0]);
            }
            default -> throw notImplemented(request.method() + " ?object-lock", "S3 has no such operation");
        }
    }

    /** The {@code <ObjectLockConfiguration>} to keep, once it passes S3's checks. */
    static String validatedConfiguration(byte[] body)
    {
        Element root = Xml.parse(body);
        if (!Xml.localName(root).equals("ObjectLockConfiguration")) {
            throw malformed("the root element must be ObjectLockConfiguration, not " + Xml.localName(root));
        }
        String enabled = Xml.childText(root, "ObjectLockEnabled").map(String::trim).orElse("");
        if (!enabled.equals("Enabled")) {
            throw malformed("ObjectLockEnabled must be Enabled, not '" + enabled + "'");
        }
        StringBuilder document = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ObjectLockConfiguration " + XMLNS
                + "><ObjectLockEnabled>Enabled</ObjectLockEnabled>");
        List<Element> rules = Xml.children(root, "Rule");
        if (rules.size() > 1) {
            throw malformed("an ObjectLockConfiguration has at most one Rule");
        }
        if (!rules.isEmpty()) {
            List<Element> retentions = Xml.children(rules.get(0), "DefaultRetention");
            if (retentions.size() != 1) {
                throw malformed("a Rule has one DefaultRetention");
            }
            DefaultRetention retention = defaultRetention(retentions.get(0));
            document.append("<Rule><DefaultRetention><Mode>").append(retention.mode()).append("</Mode>")
                    .append(retention.years() > 0 ? "<Years>" + retention.years() + "</Years>" : "<Days>" + retention.days() + "</Days>")
                    .append("</DefaultRetention></Rule>");
        }
        return document.append("</ObjectLockConfiguration>").toString();
    }

    private static DefaultRetention defaultRetention(Element retention)
    {
        String mode = Xml.childText(retention, "Mode").map(String::trim).orElse("");
        if (!MODES.contains(mode)) {
            throw malformed("the default retention's Mode must be GOVERNANCE or COMPLIANCE, not '" + mode + "'");
        }
        Optional<String> days = Xml.childText(retention, "Days").map(String::trim);
        Optional<String> years = Xml.childText(retention, "Years").map(String::trim);
        if (days.isPresent() == years.isPresent()) {
            throw malformed("a DefaultRetention has either Days or Years, not " + (days.isPresent() ? "both" : "neither"));
        }
        int value = period(days.orElseGet(years::get));
        int limit = days.isPresent() ? MAX_DAYS : MAX_YEARS;
        if (value <= 0) {
            throw ServiceException.user("InvalidRetentionPeriod", "Default retention period must be a positive integer value.");
        }
        if (value > limit) {
            throw ServiceException.user("InvalidRetentionPeriod", "Default retention period is too large: at most " + limit
                    + (days.isPresent() ? " days" : " years") + ", not " + value);
        }
        return days.isPresent() ? new DefaultRetention(mode, value, 0) : new DefaultRetention(mode, 0, value);
    }

    private static int period(String text)
    {
        try {
            return Integer.parseInt(text);
        }
        catch (NumberFormatException e) {
            throw malformed("a retention period is a whole number, not '" + text + "'");
        }
    }

    /** The bucket's default retention, if its configuration has a rule. */
    Optional<DefaultRetention> defaultRetention(String bucket)
    {
        return configurations.get(bucket).flatMap(BucketConfiguration::objectLock).flatMap(document -> {
            Element root = Xml.parse(document.getBytes(StandardCharsets.UTF_8));
            return Xml.children(root, "Rule").stream().findFirst()
                    .flatMap(rule -> Xml.children(rule, "DefaultRetention").stream().findFirst())
                    .map(ObjectLocks::defaultRetention);
        });
    }

    /**
     * The lock a request creating an object (PutObject, CopyObject, CreateMultipartUpload) asks for with its headers,
     * checked as S3 checks them.
     */
    Requested requested(AwsRequest request, String bucket)
    {
        Optional<String> mode = request.header(MODE_HEADER).map(String::trim);
        Optional<String> until = request.header(RETAIN_UNTIL_HEADER).map(String::trim);
        Optional<String> legalHold = request.header(LEGAL_HOLD_HEADER).map(String::trim);
        if (mode.isEmpty() && until.isEmpty() && legalHold.isEmpty()) {
            return Requested.NOTHING;
        }
        if (!enabled(bucket)) {
            throw ServiceException.user("InvalidRequest", "Bucket is missing Object Lock Configuration");
        }
        if (mode.isPresent() != until.isPresent()) {
            throw ServiceException.user("InvalidArgument", "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied");
        }
        if (mode.isPresent() && !MODES.contains(mode.get())) {
            throw ServiceException.user("InvalidArgument", "Unknown wormMode directive: x-amz-object-lock-mode is GOVERNANCE or COMPLIANCE, not '"
                    + mode.get() + "'");
        }
        Optional<Instant> retainUntil = until.map(text -> parseDate(text, "InvalidArgument",
                "The retain until date must be an ISO 8601 date and time, such as 2030-01-01T00:00:00Z, not '" + text + "'"));
        if (retainUntil.isPresent() && !retainUntil.get().isAfter(clock.instant())) {
            throw ServiceException.user("InvalidArgument", "The retain until date must be in the future!");
        }
        if (legalHold.isPresent() && !legalHold.get().equals("ON") && !legalHold.get().equals("OFF")) {
            throw ServiceException.user("InvalidArgument", "Legal Hold must be either of 'ON' or 'OFF'");
        }
        return new Requested(mode, retainUntil, legalHold);
    }

    /** The lock of a new version: what its request asked for, else the bucket's default retention from its creation. */
    void versionCreated(String bucket, String key, String versionId, Requested requested)
            throws IOException
    {
        if (!enabled(bucket)) {
            return;
        }
        ObjectLockState state = ObjectLockState.NONE;
        if (requested.mode().isPresent()) {
            state = state.withRetention(requested.mode().get(), DATE.format(requested.retainUntil().orElseThrow()));
        }
        else {
            Optional<DefaultRetention> retention = defaultRetention(bucket);
            if (retention.isPresent()) {
                Instant created = created(bucket, key, versionId).orElseGet(clock::instant);
                state = state.withRetention(retention.get().mode(), DATE.format(retention.get().until(created)));
            }
        }
        if (requested.legalHold().isPresent()) {
            state = state.withLegalHold(requested.legalHold().get());
        }
        if (!state.isEmpty()) {
            states.put(versionKey(bucket, key, versionId), state);
        }
    }

    /** A multipart upload's requested lock, applied when it completes. */
    void uploadStarted(String bucket, String uploadId, Requested requested)
    {
        if (!requested.equals(Requested.NOTHING)) {
            ObjectLockState state = ObjectLockState.NONE;
            if (requested.mode().isPresent()) {
                state = state.withRetention(requested.mode().get(), DATE.format(requested.retainUntil().orElseThrow()));
            }
            if (requested.legalHold().isPresent()) {
                state = state.withLegalHold(requested.legalHold().get());
            }
            states.put(uploadKey(bucket, uploadId), state);
        }
    }

    void uploadCompleted(String bucket, String key, String uploadId, Optional<String> versionId)
            throws IOException
    {
        Optional<ObjectLockState> pending = states.get(uploadKey(bucket, uploadId));
        if (versionId.isPresent()) {
            Requested requested = pending.map(state -> new Requested(state.mode(), state.retainUntilDate().map(Instant::parse), state.legalHold()))
                    .orElse(Requested.NOTHING);
            versionCreated(bucket, key, versionId.get(), requested);
        }
        if (pending.isPresent()) {
            states.delete(uploadKey(bucket, uploadId));
        }
    }

    /** When a version was created, as the S3 server answers its {@code Last-Modified}. */
    private Optional<Instant> created(String bucket, String key, String versionId)
            throws IOException
    {
        try (S3Upstream.Response answer = upstream.exchange(new S3Upstream.Request("HEAD", "/" + bucket + "/" + QueryStrings.encode(key, true),
                "versionId=" + QueryStrings.encode(versionId, false), Map.of(), new S3Upstream.Body.None()))) {
            answer.body().readAllBytes();
            if (answer.status() != 200) {
                return Optional.empty();
            }
            return Optional.ofNullable(answer.headers().get("last-modified")).flatMap(values -> values.stream().findFirst())
                    .map(value -> ZonedDateTime.parse(value, HTTP_DATE).toInstant());
        }
    }

    /** The headers GetObject and HeadObject answer for a version's lock. */
    Map<String, String> headers(String bucket, String key, Optional<String> versionId)
    {
        if (versionId.isEmpty() || !enabled(bucket)) {
            return Map.of();
        }
        Optional<ObjectLockState> state = states.get(versionKey(bucket, key, versionId.get()));
        Map<String, String> headers = new LinkedHashMap<>();
        state.flatMap(ObjectLockState::mode).ifPresent(mode -> headers.put(MODE_HEADER, mode));
        state.flatMap(ObjectLockState::retainUntilDate).ifPresent(until -> headers.put(RETAIN_UNTIL_HEADER, until));
        state.flatMap(ObjectLockState::legalHold).ifPresent(status -> headers.put(LEGAL_HOLD_HEADER, status));
        return headers;
    }

    /**
     * Why deleting a version is refused, if it is.
     *
     * @param bypass whether the request carries {@code x-amz-bypass-governance-retention: true}
     */
    Optional<String> deleteRefusal(String bucket, String key, String versionId, boolean bypass)
    {
        if (!enabled(bucket)) {
            return Optional.empty();
        }
        Optional<ObjectLockState> state = states.get(versionKey(bucket, key, versionId));
        if (state.isEmpty()) {
            return Optional.empty();
        }
        if (state.get().legalHold().filter("ON"::equals).isPresent()) {
            return Optional.of(PROTECTED);
        }
        if (retained(state.get()) && !(bypass && state.get().mode().filter("GOVERNANCE"::equals).isPresent())) {
            return Optional.of(PROTECTED);
        }
        return Optional.empty();
    }

    private boolean retained(ObjectLockState state)
    {
        return state.retainUntilDate().map(Instant::parse).filter(until -> until.isAfter(clock.instant())).isPresent();
    }

    /** DeleteObject of a version. */
    void checkDelete(String bucket, String key, String versionId, boolean bypass)
    {
        Optional<String> refusal = deleteRefusal(bucket, key, versionId, bypass);
        if (refusal.isPresent()) {
            throw ServiceException.user("AccessDenied", 403, refusal.get());
        }
    }

    /** A version deleted: its lock goes with it. */
    void versionDeleted(String bucket, String key, String versionId)
    {
        String stateKey = versionKey(bucket, key, versionId);
        if (states.get(stateKey).isPresent()) {
            states.delete(stateKey);
        }
    }

    static boolean bypass(AwsRequest request)
    {
        return request.header(BYPASS_HEADER).map(value -> value.trim().equalsIgnoreCase("true")).orElse(false);
    }

    /** {@code GET} and {@code PUT} of an object's {@code ?retention} or {@code ?legal-hold}. */
    void handleObject(AwsRequest request, String bucket, String key, String subresource, AwsResponse response)
            throws IOException
    {
        requireBucket(bucket);
        if (!request.method().equals("GET") && !request.method().equals("PUT")) {
            throw notImplemented(request.method() + " ?" + subresource, "S3 has no such operation");
        }
        if (!enabled(bucket)) {
            throw ServiceException.user("InvalidRequest", "Bucket is missing Object Lock Configuration");
        }
        byte[] body = request.method().equals("PUT") ? read(request) : new byte[0];
        String versionId = version(bucket, key, request.queryParameter("versionId"));
        String stateKey = versionKey(bucket, key, versionId);
        ObjectLockState state = states.get(stateKey).orElse(ObjectLockState.NONE);
        response.setHeader("x-amz-version-id", versionId);
        if (subresource.equals("retention")) {
            if (request.method().equals("GET")) {
                if (state.mode().isEmpty()) {
                    throw noLockConfiguration();
                }
                BucketSubresources.writeXml(request, response, ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Retention " + XMLNS + "><Mode>" + state.mode().get()
                        + "</Mode><RetainUntilDate>" + state.retainUntilDate().orElseThrow() + "</RetainUntilDate></Retention>")
                        .getBytes(StandardCharsets.UTF_8));
                return;
            }
            Retention retention = retention(body);
            if (!retention.until().isAfter(clock.instant())) {
                throw ServiceException.user("InvalidArgument", "The retain until date must be in the future!");
            }
            checkRetentionChange(state, retention, bypass(request));
            states.put(stateKey, state.withRetention(retention.mode(), DATE.format(retention.until())));
            BucketSubresources.writeXml(request, response, new byte[0]);
            return;
        }
        if (request.method().equals("GET")) {
            if (state.legalHold().isEmpty()) {
                throw noLockConfiguration();
            }
            BucketSubresources.writeXml(request, response, ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LegalHold " + XMLNS + "><Status>" + state.legalHold().get()
                    + "</Status></LegalHold>").getBytes(StandardCharsets.UTF_8));
            return;
        }
        states.put(stateKey, state.withLegalHold(legalHold(body)));
        BucketSubresources.writeXml(request, response, new byte[0]);
    }

    /** A retention set by PutObjectRetention. */
    record Retention(String mode, Instant until)
    {
    }

    static Retention retention(byte[] body)
    {
        Element root = Xml.parse(body);
        if (!Xml.localName(root).equals("Retention")) {
            throw malformed("the root element must be Retention, not " + Xml.localName(root));
        }
        String mode = Xml.childText(root, "Mode").map(String::trim).orElse("");
        if (!MODES.contains(mode)) {
            throw malformed("a Retention's Mode is GOVERNANCE or COMPLIANCE, not '" + mode + "'");
        }
        String until = Xml.childText(root, "RetainUntilDate").map(String::trim).orElse("");
        return new Retention(mode, parseDate(until, "MalformedXML", "The XML you provided was not well-formed or did not validate against our "
                + "published schema: RetainUntilDate is an ISO 8601 date and time, such as 2030-01-01T00:00:00Z, not '" + until + "'"));
    }

    static String legalHold(byte[] body)
    {
        Element root = Xml.parse(body);
        if (!Xml.localName(root).equals("LegalHold")) {
            throw malformed("the root element must be LegalHold, not " + Xml.localName(root));
        }
        String status = Xml.childText(root, "Status").map(String::trim).orElse("");
        if (!status.equals("ON") && !status.equals("OFF")) {
            throw malformed("a LegalHold's Status is ON or OFF, not '" + status + "'");
        }
        return status;
    }

    /**
     * A retention in force may be lengthened in its own mode; shortened, or its mode changed, only in GOVERNANCE mode
     * and with the bypass.
     */
    void checkRetentionChange(ObjectLockState current, Retention retention, boolean bypass)
    {
        if (current.mode().isEmpty() || !retained(current)) {
            return;
        }
        boolean kept = current.mode().get().equals(retention.mode()) && !retention.until().isBefore(Instant.parse(current.retainUntilDate().orElseThrow()));
        if (kept) {
            return;
        }
        if (current.mode().get().equals("GOVERNANCE") && bypass) {
            return;
        }
        throw ServiceException.user("AccessDenied", 403, PROTECTED);
    }

    /** The version a request addresses: the one it names (which must exist), else the current one. */
    private String version(String bucket, String key, Optional<String> versionId)
            throws IOException
    {
        if (versionId.isPresent()) {
            try (S3Upstream.Response answer = upstream.exchange(new S3Upstream.Request("HEAD", "/" + bucket + "/" + QueryStrings.encode(key, true),
                    "versionId=" + QueryStrings.encode(versionId.get(), false), Map.of(), new S3Upstream.Body.None()))) {
                answer.body().readAllBytes();
                if (answer.status() == 404) {
                    throw ServiceException.user("NoSuchVersion", 404, "The specified version does not exist.");
                }
            }
            return versionId.get();
        }
        ObjectStore.ObjectInfo current = objects.head(bucket, key)
                .orElseThrow(() -> ServiceException.user("NoSuchKey", 404, "The specified key does not exist."));
        return current.versionId().filter(id -> !id.isEmpty() && !id.equals("null"))
                .orElseThrow(() -> ServiceException.user("InvalidRequest", "Bucket is missing Object Lock Configuration"));
    }

    private void requireBucket(String bucket)
            throws IOException
    {
        if (!objects.bucketExists(bucket)) {
            throw ServiceException.user("NoSuchBucket", 404, "The specified bucket does not exist: " + bucket);
        }
    }

    static Instant parseDate(String text, String errorCode, String message)
    {
        try {
            return OffsetDateTime.parse(text).toInstant();
        }
        catch (DateTimeParseException e) {
            try {
                return Instant.parse(text);
            }
            catch (DateTimeParseException again) {
                throw ServiceException.user(errorCode, message);
            }
        }
    }

    static String versionKey(String bucket, String key, String versionId)
    {
        return bucket + "/" + key + "?versionId=" + versionId;
    }

    private static String uploadKey(String bucket, String uploadId)
    {
        return bucket + "?uploadId=" + uploadId;
    }

    private static ServiceException noLockConfiguration()
    {
        return ServiceException.user("NoSuchObjectLockConfiguration", 404, "The specified object does not have a ObjectLock configuration");
    }

    private static ServiceException malformed(String detail)
    {
        return ServiceException.user("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema: "
                + detail);
    }

    private static ServiceException notImplemented(String what, String why)
    {
        return new ServiceException(ErrorKind.USER, "NotImplemented", 501, "A header or query you provided implies functionality that is not "
                + "implemented: " + what + "; " + why);
    }

    private static byte[] read(AwsRequest request)
    {
        try {
            byte[] body = request.bodyStream().readNBytes(MAX_DOCUMENT_BYTES + 1);
            if (body.length > MAX_DOCUMENT_BYTES) {
                throw ServiceException.user("MaxMessageLengthExceeded", "Your request was too big: the document is at most " + MAX_DOCUMENT_BYTES
                        + " bytes");
            }
            return body;
        }
        catch (IOException e) {
            throw new UncheckedIOException("reading the request body", e);
        }
    }
}
