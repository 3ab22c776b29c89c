package io.lakestack.services.s3;

import io.lakestack.endpoint.protocol.QueryStrings;
import io.lakestack.endpoint.protocol.Xml;
import io.lakestack.spi.s3.S3Upstream;
import io.lakestack.spi.store.RecordStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Applies the buckets' lifecycle rules ({@link BucketLifecycle}) every {@code interval}: deletes the current objects
 * their Expiration has reached (days after creation, rounded up to the next midnight UTC, or a date), the noncurrent
 * versions their NoncurrentVersionExpiration has reached, delete markers left alone (ExpiredObjectDeleteMarker), and
 * aborts the multipart uploads their AbortIncompleteMultipartUpload has reached, as S3 does within a day. Every endpoint runs it
 * over the same object store; what two of them delete twice is deleted once. No event notification is published for
 * what it deletes.
 */
public final class LifecycleRunner
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(LifecycleRunner.class);
    private static final int PAGE = 1000;

    private final S3Upstream upstream;
    private final RecordStore<BucketConfiguration> configurations;
    private final RecordStore<ObjectLockState> objectLocks;
    private final Clock clock;
    private final ScheduledExecutorService executor;

    /** @param objectLocks the object lock of versions ({@link ObjectLocks}): a version object lock protects is never removed */
    public LifecycleRunner(S3Upstream upstream, RecordStore<BucketConfiguration> configurations, RecordStore<ObjectLockState> objectLocks, Clock clock,
            Duration interval)
    {
        this.upstream = requireNonNull(upstream, "upstream is null");
        this.configurations = requireNonNull(configurations, "configurations is null");
        this.objectLocks = requireNonNull(objectLocks, "objectLocks is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "s3-lifecycle");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::runLogged, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void runLogged()
    {
        try {
            runOnce();
        }
        catch (RuntimeException | IOException e) {
            log.warn("applying S3 lifecycle rules failed; trying again at the next run", e);
        }
    }

    /** Applies every enabled rule of every bucket once; returns how many objects and uploads it removed. */
    public int runOnce()
            throws IOException
    {
        int removed = 0;
        Instant now = clock.instant();
        for (Map.Entry<String, BucketConfiguration> bucket : configurations.all().entrySet()) {
            if (bucket.getValue().lifecycle().isEmpty()) {
                continue;
            }
            for (BucketLifecycle.Rule rule : BucketLifecycle.rules(bucket.getValue().lifecycle().get())) {
                if (!rule.enabled()) {
                    continue;
                }
                if (rule.expirationDays().isPresent() || rule.expirationDate().isPresent()) {
                    removed += expire(bucket.getKey(), rule, now);
                }
                if (rule.abortIncompleteUploadDays().isPresent()) {
                    removed += abortUploads(bucket.getKey(), rule, now);
                }
                if (rule.expiredObjectDeleteMarker() || rule.noncurrentDays().isPresent()) {
                    removed += expireVersions(bucket.getKey(), rule, now);
                }
            }
        }
        return removed;
    }

    private int expire(String bucket, BucketLifecycle.Rule rule, Instant now)
            throws IOException
    {
        int expired = 0;
        Optional<String> after = Optional.empty();
        while (true) {
            String query = "list-type=2&max-keys=" + PAGE + "&prefix=" + QueryStrings.encode(rule.prefix(), false)
                    + after.map(key -> "&start-after=" + QueryStrings.encode(key, false)).orElse("");
            List<Element> contents;
            try (S3Upstream.Response answer = exchange("GET", "/" + bucket, query)) {
                if (answer.status() != 200) {
                    return expired;
                }
                contents = Xml.children(Xml.parse(answer.body().readAllBytes()), "Contents");
            }
            for (Element object : contents) {
                String key = S3Xml.rawChildText(object, "Key").orElse("");
                long size = Xml.childText(object, "Size").map(Long::parseLong).orElse(0L);
                Optional<Instant> created = instant(Xml.childText(object, "LastModified"));
                if (created.isPresent() && rule.matches(key, size) && rule.expired(created.get(), now)) {
                    try (S3Upstream.Response deleted = exchange("DELETE", "/" + bucket + "/" + QueryStrings.encode(key, true), "")) {
                        if (deleted.status() < 300) {
                            expired++;
                            log.info("s3://{}/{} expired by lifecycle rule {}", bucket, key, rule.id());
                        }
                    }
                }
            }
            if (contents.size() < PAGE) {
                return expired;
            }
            after = S3Xml.rawChildText(contents.get(contents.size() - 1), "Key");
        }
    }

    /** A version or delete marker of a key, as ListObjectVersions names it. */
    private record Version(String versionId, Instant lastModified, boolean deleteMarker, long size)
    {
    }

    /**
     * Noncurrent versions past their NoncurrentDays (counted from when the next newer version was written; the newest
     * NewerNoncurrentVersions kept), and delete markers that are all that is left of their key.
     */
    private int expireVersions(String bucket, BucketLifecycle.Rule rule, Instant now)
            throws IOException
    {
        Map<String, List<Version>> byKey = new java.util.TreeMap<>();
        Optional<String> keyMarker = Optional.empty();
        for (int page = 0; page < 10_000; page++) {
            String query = "versions&max-keys=" + PAGE + "&prefix=" + QueryStrings.encode(rule.prefix(), false)
                    + keyMarker.map(marker -> "&key-marker=" + QueryStrings.encode(marker, false)).orElse("");
            Element root;
            try (S3Upstream.Response answer = exchange("GET", "/" + bucket, query)) {
                if (answer.status() != 200) {
                    return 0;
                }
                root = Xml.parse(answer.body().readAllBytes());
            }
            for (Element entry : Xml.children(root)) {
                boolean deleteMarker = Xml.localName(entry).equals("DeleteMarker");
                if (!deleteMarker && !Xml.localName(entry).equals("Version")) {
                    continue;
                }
                Optional<Instant> modified = instant(Xml.childText(entry, "LastModified"));
                Optional<String> key = S3Xml.rawChildText(entry, "Key");
                Optional<String> versionId = Xml.childText(entry, "VersionId");
                if (modified.isPresent() && key.isPresent() && versionId.isPresent()) {
                    byKey.computeIfAbsent(key.get(), ignored -> new java.util.ArrayList<>())
                            .add(new Version(versionId.get(), modified.get(), deleteMarker, Xml.childText(entry, "Size").map(Long::parseLong).orElse(0L)));
                }
            }
            Optional<String> next = S3Xml.rawChildText(root, "NextKeyMarker");
            if (!Xml.childText(root, "IsTruncated").filter("true"::equals).isPresent() || next.isEmpty() || next.equals(keyMarker)) {
                break;
            }
            keyMarker = next;
        }
        int removed = 0;
        for (Map.Entry<String, List<Version>> key : byKey.entrySet()) {
            List<Version> versions = new java.util.ArrayList<>(key.getValue());
            versions.sort(java.util.Comparator.comparing(Version::lastModified).reversed());
            if (rule.expiredObjectDeleteMarker() && versions.size() == 1 && versions.get(0).deleteMarker()) {
                removed += deleteVersion(bucket, key.getKey(), versions.get(0), rule, "expired delete marker");
                continue;
            }
            if (rule.noncurrentDays().isEmpty()) {
                continue;
            }
            int kept = 0;
            for (int i = 1; i < versions.size(); i++) {
                Version version = versions.get(i);
                if (version.deleteMarker() || !rule.matches(key.getKey(), version.size())) {
                    continue;
                }
                if (kept < rule.newerNoncurrentVersions().orElse(0)) {
                    kept++;
                    continue;
                }
                if (rule.noncurrentExpired(versions.get(i - 1).lastModified(), now)) {
                    removed += deleteVersion(bucket, key.getKey(), version, rule, "noncurrent version");
                }
            }
        }
        return removed;
    }

    private int deleteVersion(String bucket, String key, Version version, BucketLifecycle.Rule rule, String what)
            throws IOException
    {
        String lockKey = ObjectLocks.versionKey(bucket, key, version.versionId());
        Optional<ObjectLockState> lock = objectLocks.get(lockKey);
        if (lock.isPresent() && (lock.get().legalHold().filter("ON"::equals).isPresent()
                || lock.get().retainUntilDate().map(Instant::parse).filter(until -> until.isAfter(clock.instant())).isPresent())) {
            log.debug("{} {} of s3://{}/{} kept by its object lock despite lifecycle rule {}", what, version.versionId(), bucket, key, rule.id());
            return 0;
        }
        try (S3Upstream.Response deleted = exchange("DELETE", "/" + bucket + "/" + QueryStrings.encode(key, true),
                "versionId=" + QueryStrings.encode(version.versionId(), false))) {
            if (deleted.status() < 300) {
                if (lock.isPresent()) {
                    objectLocks.delete(lockKey);
                }
                log.info("{} {} of s3://{}/{} removed by lifecycle rule {}", what, version.versionId(), bucket, key, rule.id());
                return 1;
            }
            return 0;
        }
    }

    private int abortUploads(String bucket, BucketLifecycle.Rule rule, Instant now)
            throws IOException
    {
        int aborted = 0;
        List<Element> uploads;
        try (S3Upstream.Response answer = exchange("GET", "/" + bucket, "uploads&max-uploads=1000&prefix=" + QueryStrings.encode(rule.prefix(), false))) {
            if (answer.status() != 200) {
                return 0;
            }
            uploads = Xml.children(Xml.parse(answer.body().readAllBytes()), "Upload");
        }
        for (Element upload : uploads) {
            String key = S3Xml.rawChildText(upload, "Key").orElse("");
            Optional<String> uploadId = Xml.childText(upload, "UploadId");
            Optional<Instant> initiated = instant(Xml.childText(upload, "Initiated"));
            if (uploadId.isPresent() && initiated.isPresent() && key.startsWith(rule.prefix()) && rule.abandoned(initiated.get(), now)) {
                try (S3Upstream.Response answer = exchange("DELETE", "/" + bucket + "/" + QueryStrings.encode(key, true),
                        "uploadId=" + QueryStrings.encode(uploadId.get(), false))) {
                    if (answer.status() < 300) {
                        aborted++;
                        log.info("multipart upload {} of s3://{}/{} aborted by lifecycle rule {}", uploadId.get(), bucket, key, rule.id());
                    }
                }
            }
        }
        return aborted;
    }

    private static Optional<Instant> instant(Optional<String> text)
    {
        try {
            return text.map(Instant::parse);
        }
        catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private S3Upstream.Response exchange(String method, String path, String query)
            throws IOException
    {
        S3Upstream.Response answer = upstream.exchange(new S3Upstream.Request(method, path, query, Map.of(), new S3Upstream.Body.None()));
        return answer;
    }

    @Override
    public void close()
    {
        executor.shutdownNow();
    }
}
