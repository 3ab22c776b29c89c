package io.lakestack.it;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/** Reading what a Firehose stream delivered: waiting for its objects, and their text. */
final class FirehoseObjects
{
    private FirehoseObjects()
    {
    }

    /** The keys under the prefix, sorted, once {@code done} accepts them (or what is there after the timeout). */
    static List<String> await(S3Client s3, String bucket, String prefix, Predicate<List<String>> done, Duration timeout)
    {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> keys = keys(s3, bucket, prefix);
            if (done.test(keys) || System.nanoTime() > deadline) {
                return keys;
            }
            try {
                Thread.sleep(200);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return keys;
            }
        }
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
