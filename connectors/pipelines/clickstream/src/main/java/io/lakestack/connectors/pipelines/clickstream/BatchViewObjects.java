package io.lakestack.connectors.pipelines.clickstream;

import io.lakestack.connectors.pipelines.BucketObjects;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The batch views in S3: {@code s3://<bucket>/batch-views/<high-water mark, epoch millis>.tsv}, the mark also in the
 * object's metadata ({@code x-amz-meta-high-water-mark}). The batch layer writes them, the serving layer reads the newest:
 * the one of the greatest mark, read again only when a newer one appears.
 */
public final class BatchViewObjects
        implements BatchViews
{
    public static final String PREFIX = "batch-views/";
    public static final String MARK_METADATA = "high-water-mark";
    private static final Pattern KEY = Pattern.compile(Pattern.quote(PREFIX) + "([0-9]+)\\.tsv");

    private final S3Client s3;
    private final String bucket;
    private final BucketObjects objects;
    private volatile Optional<BatchView> cached = Optional.empty();

    public BatchViewObjects(S3Client s3, String bucket)
    {
        this.s3 = requireNonNull(s3, "s3 is null");
        this.bucket = requireNonNull(bucket, "bucket is null");
        this.objects = new BucketObjects(s3, bucket);
    }

    /** The key of the view of that mark. */
    public static String key(long highWaterMark)
    {
        return PREFIX + highWaterMark + ".tsv";
    }

    /** Writes the view under its key. */
    public void write(BatchView view)
    {
        s3.putObject(request -> request.bucket(bucket).key(key(view.highWaterMark())).contentType("text/tab-separated-values; charset=utf-8")
                .metadata(Map.of(MARK_METADATA, Long.toString(view.highWaterMark()))), RequestBody.fromString(view.tsv(), StandardCharsets.UTF_8));
    }

    /** The greatest mark of a view in the bucket. */
    public OptionalLong latestMark()
    {
        OptionalLong latest = OptionalLong.empty();
        for (S3Object object : objects.list(PREFIX)) {
            Matcher matcher = KEY.matcher(object.key());
            if (matcher.matches()) {
                long mark = Long.parseLong(matcher.group(1));
                if (latest.isEmpty() || mark > latest.getAsLong()) {
                    latest = OptionalLong.of(mark);
                }
            }
        }
        return latest;
    }

    @Override
    public Optional<BatchView> latest()
    {
        OptionalLong mark = latestMark();
        if (mark.isEmpty()) {
            return Optional.empty();
        }
        Optional<BatchView> known = cached;
        if (known.isPresent() && known.get().highWaterMark() == mark.getAsLong()) {
            return known;
        }
        String tsv = s3.getObjectAsBytes(request -> request.bucket(bucket).key(key(mark.getAsLong()))).asString(StandardCharsets.UTF_8);
        BatchView view = BatchView.parse(tsv);
        if (view.highWaterMark() != mark.getAsLong()) {
            throw new IllegalStateException("the batch view " + key(mark.getAsLong()) + " says its high-water mark is " + view.highWaterMark());
        }
        cached = Optional.of(view);
        return cached;
    }
}
