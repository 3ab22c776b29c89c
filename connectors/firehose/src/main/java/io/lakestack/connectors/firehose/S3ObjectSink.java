package io.lakestack.connectors.firehose;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/** Writes objects with an AWS SDK S3 client: to lakestack's endpoint, or to S3 itself. */
public final class S3ObjectSink
        implements ObjectSink
{
    private final S3Client s3;

    public S3ObjectSink(S3Client s3)
    {
        this.s3 = requireNonNull(s3, "s3 is null");
    }

    @Override
    public void put(String bucket, String key, Path file, String contentType)
            throws IOException
    {
        try {
            s3.putObject(request -> request.bucket(bucket).key(key).contentType(contentType), RequestBody.fromFile(file));
        }
        catch (SdkException e) {
            throw new IOException("cannot write s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }
}
