package io.lakestack.it;

import io.lakestack.backends.kafka.KafkaDeliveryStreams;
import org.apache.kafka.clients.admin.Admin;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading what a Firehose stream delivered: waiting until its records are delivered, its objects by name, their
 * records and text.
 *
 * <p>How many objects a stream's records make depends on when they arrived (a buffer is delivered once its interval
 * has passed), so tests state what holds for any timing: the objects together hold exactly the records put, each
 * object a run of them in the order they were put.
 */
final class FirehoseObjects
{
    /** A UUID as Firehose writes it in object names. */
    static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    /** Firehose's default time path {@code yyyy/MM/dd/HH/}, the four fields captured as groups 1 to 4. */
    static final String TIME_PATH = "(\\d{4})/(\\d{2})/(\\d{2})/(\\d{2})/";
    private static final Pattern NAME = Pattern.compile(
            "(?<prefix>.*/)(?<stream>[^/]+)-(?<version>\\d+)-(?<time>\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2})-" + UUID + "(?<extension>[^/]*)");
    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss", Locale.ROOT);

    private FirehoseObjects()
    {
    }

    /**
     * An object a stream delivered, named {@code <prefix><stream>-<version>-<yyyy-MM-dd-HH-mm-ss>-<uuid><extension>}.
     *
     * @param arrival the arrival time of its first record, to the second, which Firehose names the object by (UTC)
     * @param records its records, as the test's reader splits them
     */
    record Delivered(String key, String prefix, String stream, Instant arrival, List<String> records)
    {
    }

    /**
     * The key pattern of an object under {@code prefix} and Firehose's default time path, its name's time in that
     * same hour: {@code <prefix>yyyy/MM/dd/HH/<stream>-<version>-yyyy-MM-dd-HH-mm-ss-<uuid><extension>}.
     */
    static String timePathKey(String prefix, String stream, int version, String extension)
    {
        return Pattern.quote(prefix) + TIME_PATH + Pattern.quote(stream + "-" + version + "-") + "\\1-\\2-\\3-\\4-\\d{2}-\\d{2}-" + UUID
                + Pattern.quote(extension);
    }

    /** Waits until the delivery of a {@code DirectPut} stream has written (and committed) this many records. */
    static void awaitDelivered(Admin admin, String stream, long records, Duration timeout)
    {
        Eventually.read(timeout, () -> KafkaDeliveryStreams.deliveredRecords(admin, stream),
                delivered -> assertThat(delivered).as("records of Firehose stream %s delivered to S3", stream).isEqualTo(records));
    }

    /**
     * The stream's objects under the prefix, by key, with their records as {@code reader} splits them; every object
     * whose name starts with the stream's must be named as Firehose names them.
     */
    static List<Delivered> objects(S3Client s3, String bucket, String prefix, String stream, Function<byte[], List<String>> reader)
    {
        List<Delivered> objects = new ArrayList<>();
        for (String key : keys(s3, bucket, prefix)) {
            if (!key.substring(key.lastIndexOf('/') + 1).startsWith(stream + "-")) {
                continue;
            }
            Matcher name = NAME.matcher(key);
            assertThat(name.matches()).as("%s is named <prefix><stream>-<version>-<yyyy-MM-dd-HH-mm-ss>-<uuid><extension>", key).isTrue();
            if (name.group("stream").equals(stream)) {
                Instant arrival = LocalDateTime.parse(name.group("time"), NAME_TIME).toInstant(ZoneOffset.UTC);
                objects.add(new Delivered(key, name.group("prefix"), stream, arrival, reader.apply(bytes(s3, bucket, key))));
            }
        }
        return objects;
    }

    /**
     * Asserts the objects together hold exactly the records expected, each object a run of them in the order they
     * were put, named by the arrival of its first record; returns the objects in that order.
     */
    static List<Delivered> inPutOrder(List<Delivered> objects, List<String> expected)
    {
        assertThat(objects).as("objects").noneMatch(object -> object.records().isEmpty());
        List<Delivered> ordered = new ArrayList<>(objects);
        ordered.sort(Comparator.comparingInt(object -> Collections.indexOfSubList(expected, object.records())));
        assertThat(ordered.stream().flatMap(object -> object.records().stream()).toList())
                .as("records of the objects %s", objects)
                .containsExactlyElementsOf(expected);
        assertThat(ordered).extracting(Delivered::arrival).as("arrival times of the objects in put order %s", ordered).isSorted();
        return ordered;
    }

    /** Waits until the stream's objects under the prefix pass {@code requirement}; a time-out fails with its last failure. */
    static List<Delivered> awaitObjects(S3Client s3, String bucket, String prefix, String stream, Function<byte[], List<String>> reader, Duration timeout,
            Consumer<List<Delivered>> requirement)
    {
        return Eventually.read(timeout, () -> objects(s3, bucket, prefix, stream, reader), requirement);
    }

    /** Text cut after each delimiter, the delimiter kept with the record before it (a last piece without one too). */
    static List<String> split(String text, String delimiter)
    {
        List<String> records = new ArrayList<>();
        int start = 0;
        for (int end = text.indexOf(delimiter); end >= 0; end = text.indexOf(delimiter, start)) {
            records.add(text.substring(start, end + delimiter.length()));
            start = end + delimiter.length();
        }
        if (start < text.length()) {
            records.add(text.substring(start));
        }
        return records;
    }

    static Function<byte[], List<String>> delimited(String delimiter)
    {
        return bytes -> split(new String(bytes, StandardCharsets.UTF_8), delimiter);
    }

    static List<String> keys(S3Client s3, String bucket, String prefix)
    {
        List<String> keys = new ArrayList<>();
        s3.listObjectsV2Paginator(request -> request.bucket(bucket).prefix(prefix)).contents().stream().map(S3Object::key).sorted().forEach(keys::add);
        return keys;
    }

    static byte[] bytes(S3Client s3, String bucket, String key)
    {
        return s3.getObjectAsBytes(request -> request.bucket(bucket).key(key)).asByteArray();
    }

    static String text(S3Client s3, String bucket, String key)
    {
        return new String(bytes(s3, bucket, key), StandardCharsets.UTF_8);
    }

    static String gunzip(byte[] bytes)
    {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
